//! What the readiness scorecard reads (every card with its review log, in two sequential
//! reads) and the user's self-assessments (append-only).

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::reviews::review_from;
use super::{Store, StoreError, from_ms, to_ms};
use crate::scheduler::{Review, ReviewKind};
use crate::scorecard::{CardInput, SelfRating};

impl Store {
    /// Every card with its area, suspended flag and review log (oldest first: by time, then
    /// log order).
    // Two sequential reads instead of one join: the cards' short columns from their covering
    // index, then the log in rowid order, grouped by card in memory. Walking `reviews_card` and
    // looking up each review's row costs a random page access per review (1.4 s against 0.05 s
    // for a million reviews in the `sqlite3` shell).
    pub fn scorecard_cards(&self) -> Result<Vec<CardInput>, StoreError> {
        use std::collections::HashMap;
        let imported = super::imported::load_all(self.conn())?;
        let mut stmt =
            self.conn().prepare("SELECT id, key, area, suspended FROM cards INDEXED BY cards_area ORDER BY id")?;
        let mut rows = stmt.query([])?;
        let mut cards: Vec<CardInput> = Vec::new();
        let mut index: HashMap<i64, usize> = HashMap::new();
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            index.insert(id, cards.len());
            cards.push(CardInput {
                key: r.get(1)?,
                area: r.get(2)?,
                suspended: r.get(3)?,
                reviews: Vec::new(),
                current: None,
                start: imported.get(&id).and_then(|i| i.start),
            });
        }
        let mut stmt = self.conn().prepare("SELECT card_id, at, rating, kind FROM reviews NOT INDEXED ORDER BY id")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            if let Some(&i) = index.get(&r.get::<_, i64>(0)?) {
                cards[i].reviews.push(review_from(r.get(1)?, r.get(2)?, r.get(3)?));
            }
        }
        // Read in id order; a stable sort by time keeps log order among equal times.
        for card in &mut cards {
            if !card.reviews.is_sorted_by_key(|r| r.at) {
                card.reviews.sort_by_key(|r| r.at);
            }
        }
        Ok(cards)
    }

    /// The time of the latest review in the log, if any.
    pub fn latest_review_at(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        let ms: Option<i64> = self.conn().query_row("SELECT max(at) FROM reviews", [], |r| r.get(0))?;
        Ok(ms.map(from_ms))
    }

    /// Every card with its stored state, and only the part of its log true retention needs at
    /// moments after `since`: the reviews from `since` on, preceded (when there was one) by a
    /// stand-in for its last state-changing review before `since`, which retention only needs
    /// as "an earlier day". Valid for
    /// scorecards at moments after every review in the log; far cheaper than the whole log.
    pub fn scorecard_cards_recent(&self, since: DateTime<Utc>) -> Result<Vec<CardInput>, StoreError> {
        use std::collections::HashMap;
        let mut cards: Vec<CardInput> = Vec::new();
        let mut index: HashMap<i64, usize> = HashMap::new();
        let mut stmt = self.conn().prepare(
            "SELECT c.id, c.key, c.area, c.suspended, s.stability, s.difficulty, s.due, s.last_review, s.reps, s.lapses
             FROM cards c LEFT JOIN card_state s ON s.card_id = c.id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            index.insert(r.get(0)?, cards.len());
            cards.push(CardInput {
                key: r.get(1)?,
                area: r.get(2)?,
                suspended: r.get(3)?,
                reviews: Vec::new(),
                current: super::cards::state_at(r, 4)?,
                // The stored state already holds it: only replays need the start.
                start: None,
            });
        }
        // In time order through the `at` index: ordering by card would walk the whole log.
        let mut recent =
            self.conn().prepare("SELECT card_id, at, rating, kind FROM reviews WHERE at >= ?1 ORDER BY at, id")?;
        let mut window: HashMap<i64, Vec<crate::scheduler::Review>> = HashMap::new();
        let mut rows = recent.query([to_ms(since)])?;
        while let Some(r) = rows.next()? {
            window.entry(r.get(0)?).or_default().push(review_from(r.get(1)?, r.get(2)?, r.get(3)?));
        }
        // Retention counts a window review only after an earlier state-changing one (a preview
        // never changes state). One before the window always lies on an earlier day (the window
        // starts at a day start), so only whether it exists matters: it stands in as `since - 1 ms`.
        let mut before = self
            .conn()
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM reviews WHERE card_id = ?1 AND at < ?2 AND kind <> 4)")?;
        for (card_id, reviews) in window {
            let Some(&i) = index.get(&card_id) else { continue };
            let earlier: bool = before.query_row(params![card_id, to_ms(since)], |r| r.get(0))?;
            if earlier {
                // Its rating and kind do not matter: only its day does.
                cards[i].reviews.push(review_from(to_ms(since) - 1, 3, 1));
            }
            cards[i].reviews.extend(reviews);
        }
        Ok(cards)
    }

    /// The cards reviewed from `since` on, each with only those reviews (oldest first), preceded
    /// (when there was one) by the stand-in for its last state-changing review before `since`
    /// that [`Store::scorecard_cards_recent`] describes: what true retention over a window
    /// starting at a day start needs, read through the time index without touching other cards.
    pub fn retention_window(&self, since: DateTime<Utc>) -> Result<Vec<CardInput>, StoreError> {
        use std::collections::HashMap;
        let mut cards: Vec<CardInput> = Vec::new();
        let mut index: HashMap<i64, usize> = HashMap::new();
        // `first_reviews` says whether a card had a review (not a preview) before the window;
        // `cards_area` gives its short columns without reading its text.
        let mut stmt = self.conn().prepare_cached(
            "SELECT r.card_id, c.key, c.area, c.suspended, r.at, r.rating, r.kind, f.at
             FROM reviews r JOIN cards c INDEXED BY cards_area ON c.id = r.card_id
             LEFT JOIN first_reviews f ON f.card_id = r.card_id
             WHERE r.at >= ?1 ORDER BY r.at, r.id",
        )?;
        let since_ms = to_ms(since);
        let mut rows = stmt.query([since_ms])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let i = *index.entry(id).or_insert(cards.len());
            if i == cards.len() {
                let first: Option<i64> = r.get(7)?;
                let reviews = match first.filter(|&at| at < since_ms) {
                    Some(at) => self.before_window(id, at, since_ms)?,
                    None => Vec::new(),
                };
                cards.push(CardInput {
                    key: r.get(1)?,
                    area: r.get(2)?,
                    suspended: r.get(3)?,
                    reviews,
                    current: None,
                    // Retention counts answers; a start from an Anki SM-2 history changes none.
                    start: None,
                });
            }
            cards[i].reviews.push(review_from(r.get(4)?, r.get(5)?, r.get(6)?));
        }
        Ok(cards)
    }

    /// What retention needs of a card's answers before the window, given its first answer that
    /// is not a preview (`first`, before `since`): whether one of them moved its memory state.
    /// The first such answer did, unless it was a mock answer on a day the card had already
    /// been previewed; only then is the card's log before the window read, whole.
    fn before_window(&self, card: i64, first: i64, since: i64) -> Result<Vec<Review>, StoreError> {
        let kind: Option<i64> = self
            .conn()
            .prepare_cached("SELECT kind FROM reviews WHERE card_id = ?1 AND at = ?2 AND kind <> 4 LIMIT 1")?
            .query_row([card, first], |r| r.get(0))
            .optional()?;
        if kind != Some(ReviewKind::Mock as i64) {
            // Its rating and kind do not matter: only that it lies on an earlier day.
            return Ok(vec![review_from(since - 1, 3, 1)]);
        }
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT at, rating, kind FROM reviews WHERE card_id = ?1 AND at < ?2 ORDER BY at, id")?;
        let rows = stmt.query_map([card, since], |r| Ok(review_from(r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every self-assessment, oldest first.
    pub fn self_ratings(&self) -> Result<Vec<SelfRating>, StoreError> {
        let mut stmt = self.conn().prepare("SELECT area, score, at FROM self_assessments ORDER BY at, id")?;
        let rows =
            stmt.query_map([], |r| Ok(SelfRating { area: r.get(0)?, score: r.get(1)?, at: from_ms(r.get(2)?) }))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Records a self-assessment (a new row: earlier ones are kept).
    pub fn add_self_rating(&self, area: &str, score: u8, at: DateTime<Utc>) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT INTO self_assessments (area, score, at) VALUES (?1, ?2, ?3)",
            params![area, score, to_ms(at)],
        )?;
        Ok(())
    }

    /// The distinct areas of all cards, by name.
    pub fn areas(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn().prepare("SELECT DISTINCT area FROM cards ORDER BY area")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
