//! The review log (append-only) and the card states derived from it.

use chrono::{DateTime, TimeZone, Utc};
use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError, from_ms, to_ms};
use crate::scheduler::{CardState, DayClock, Rating, Review, ReviewKind, Scheduler};

/// A review as stored, with its row id and card.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedReview {
    pub id: i64,
    pub card_id: i64,
    pub review: Review,
    pub duration_ms: i64,
    pub stability: Option<f32>,
    pub difficulty: Option<f32>,
}

/// Reviews counted by kind.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ReviewCounts {
    by_kind: [usize; 7],
}

impl ReviewCounts {
    /// Reviews of `kind`.
    pub fn of(&self, kind: ReviewKind) -> usize {
        self.by_kind[kind as usize]
    }

    /// Reviews of every kind.
    pub fn total(&self) -> usize {
        self.by_kind.iter().sum()
    }
}

impl Store {
    /// Appends a review and sets the card's state, in one transaction: once this returns, the
    /// rating survives a crash. Returns the review's id.
    pub fn record_review(
        &mut self,
        card_id: i64,
        review: &Review,
        duration_ms: u64,
        state: Option<&CardState>,
    ) -> Result<i64, StoreError> {
        let tx = super::patient_transaction(&self.conn)?;
        super::generation::check(&tx, &self.generation)?;
        let id = insert_review(&tx, card_id, review, duration_ms, state)?;
        write_state(&tx, card_id, state)?;
        tx.commit()?;
        Ok(id)
    }

    /// Appends a review decided from the card's state as stored at this moment, in one
    /// transaction that holds the write lock: another grill rating the same card in between is
    /// seen, so the logged review always follows the one before it. `decide` gets the stored
    /// state and returns the review, the state after it and anything the caller wants back.
    /// Returns the review's id and that value.
    pub fn record_review_with<T>(
        &mut self,
        card_id: i64,
        duration_ms: u64,
        decide: impl FnOnce(Option<CardState>) -> Result<(Review, Option<CardState>, T), StoreError>,
    ) -> Result<(i64, T), StoreError> {
        let tx = super::patient_transaction(&self.conn)?;
        super::generation::check(&tx, &self.generation)?;
        let stored = tx
            .prepare_cached(
                "SELECT stability, difficulty, due, last_review, reps, lapses FROM card_state WHERE card_id = ?1",
            )?
            .query_row([card_id], |r| super::cards::state_at(r, 0))
            .optional()?
            .flatten();
        let (review, state, extra) = decide(stored)?;
        let id = insert_review(&tx, card_id, &review, duration_ms, state.as_ref())?;
        write_state(&tx, card_id, state.as_ref())?;
        tx.commit()?;
        Ok((id, extra))
    }

    /// A card's reviews, oldest first.
    pub fn card_reviews(&self, card_id: i64) -> Result<Vec<LoggedReview>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, card_id, at, rating, kind, duration_ms, stability, difficulty
             FROM reviews WHERE card_id = ?1 ORDER BY at, id",
        )?;
        let rows = stmt.query_map([card_id], logged_review)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Takes back review `review_id` (the user's undo): removes it and rebuilds the card's state
    /// from the rest of its log, in one transaction. Returns the card's restored state.
    pub fn undo_review<Tz: TimeZone>(
        &mut self,
        review_id: i64,
        scheduler: &Scheduler,
        clock: &DayClock<Tz>,
    ) -> Result<Option<CardState>, StoreError> {
        let tx = super::patient_transaction(&self.conn)?;
        super::generation::check(&tx, &self.generation)?;
        let (card_id, key): (i64, String) = tx
            .query_row(
                "SELECT r.card_id, c.key FROM reviews r JOIN cards c ON c.id = r.card_id WHERE r.id = ?1",
                [review_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or_else(|| StoreError::NoSuchCard(format!("review {review_id}")))?;
        if super::devices::is_synced(&tx, review_id)? {
            return Err(StoreError::AlreadySynced);
        }
        tx.execute("DELETE FROM reviews WHERE id = ?1", [review_id])?;
        let reviews = {
            let mut stmt = tx.prepare_cached(
                "SELECT id, card_id, at, rating, kind, duration_ms, stability, difficulty
                 FROM reviews WHERE card_id = ?1 ORDER BY at, id",
            )?;
            let rows = stmt.query_map([card_id], logged_review)?;
            rows.map(|r| r.map(|l| l.review)).collect::<Result<Vec<_>, _>>()?
        };
        let imported = super::imported::load(&tx, card_id)?;
        let state = super::imported::replay_card(scheduler, &key, &reviews, Some(&imported), clock)?;
        write_state(&tx, card_id, state.as_ref())?;
        tx.commit()?;
        Ok(state)
    }

    /// The whole review log, by card and then time.
    pub fn review_log(&self) -> Result<Vec<LoggedReview>, StoreError> {
        let mut stmt = self.conn().prepare(
            "SELECT id, card_id, at, rating, kind, duration_ms, stability, difficulty
             FROM reviews ORDER BY card_id, at, id",
        )?;
        let rows = stmt.query_map([], logged_review)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every stored card state, by card id.
    pub fn stored_states(&self) -> Result<Vec<(i64, CardState)>, StoreError> {
        stored_states(self.conn())
    }

    /// How many reviews of each kind were logged in `[from, to)` (the drill header's counts),
    /// counted in SQLite from the time index without loading the rows.
    pub fn review_counts_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<ReviewCounts, StoreError> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT kind, count(*) FROM reviews WHERE at >= ?1 AND at < ?2 GROUP BY kind")?;
        let mut counts = ReviewCounts::default();
        let rows = stmt.query_map([to_ms(from), to_ms(to)], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?;
        for row in rows {
            let (kind, n) = row?;
            if let Some(kind) = ReviewKind::from_number(kind) {
                counts.by_kind[kind as usize] = usize::try_from(n).unwrap_or(0);
            }
        }
        Ok(counts)
    }

    /// Reviews logged in `[from, to)`, oldest first.
    pub fn reviews_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<LoggedReview>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, card_id, at, rating, kind, duration_ms, stability, difficulty
             FROM reviews WHERE at >= ?1 AND at < ?2 ORDER BY at, id",
        )?;
        let rows = stmt.query_map([to_ms(from), to_ms(to)], logged_review)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// Appends a review row inside `tx` (without touching the card's state). Returns its id.
pub(super) fn insert_review(
    tx: &rusqlite::Transaction,
    card_id: i64,
    review: &Review,
    duration_ms: u64,
    state: Option<&CardState>,
) -> Result<i64, StoreError> {
    tx.prepare_cached(
        "INSERT INTO reviews (card_id, at, rating, kind, duration_ms, stability, difficulty)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        card_id,
        to_ms(review.at),
        review.rating as i64,
        review.kind as i64,
        i64::try_from(duration_ms).unwrap_or(i64::MAX),
        state.map(|s| s.stability),
        state.map(|s| s.difficulty),
    ])?;
    Ok(tx.last_insert_rowid())
}

pub(super) fn write_state(
    tx: &rusqlite::Transaction,
    card_id: i64,
    state: Option<&CardState>,
) -> Result<(), StoreError> {
    match state {
        Some(s) => {
            tx.prepare_cached(
                "INSERT INTO card_state (card_id, stability, difficulty, due, last_review, reps, lapses)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (card_id) DO UPDATE SET stability = excluded.stability,
                     difficulty = excluded.difficulty, due = excluded.due, last_review = excluded.last_review,
                     reps = excluded.reps, lapses = excluded.lapses",
            )?
            .execute(params![
                card_id,
                s.stability,
                s.difficulty,
                to_ms(s.due),
                to_ms(s.last_review),
                s.reps,
                s.lapses
            ])?;
        }
        None => {
            tx.execute("DELETE FROM card_state WHERE card_id = ?1", [card_id])?;
        }
    }
    Ok(())
}

pub(super) fn review_from(at: i64, rating: i64, kind: i64) -> Review {
    Review {
        at: from_ms(at),
        // The CHECK constraints keep both in range.
        rating: Rating::from_number(rating).unwrap_or(Rating::Again),
        kind: ReviewKind::from_number(kind).unwrap_or(ReviewKind::Review),
    }
}

fn logged_review(r: &rusqlite::Row) -> rusqlite::Result<LoggedReview> {
    Ok(LoggedReview {
        id: r.get(0)?,
        card_id: r.get(1)?,
        review: review_from(r.get(2)?, r.get(3)?, r.get(4)?),
        duration_ms: r.get(5)?,
        stability: r.get(6)?,
        difficulty: r.get(7)?,
    })
}
/// Every stored card state, by card id.
pub(super) fn stored_states(conn: &rusqlite::Connection) -> Result<Vec<(i64, CardState)>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT card_id, stability, difficulty, due, last_review, reps, lapses FROM card_state ORDER BY card_id",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, super::cards::state_at(r, 1)?.expect("NOT NULL"))))?;
    Ok(rows.collect::<Result<_, _>>()?)
}
