//! What the readiness scorecard reads (every card with its review log, in one query) and the
//! user's self-assessments (append-only).

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::reviews::review_from;
use super::{Store, StoreError, from_ms, to_ms};
use crate::scorecard::{CardInput, SelfRating};

impl Store {
    /// Every card with its area, suspended flag and review log (oldest first), read with one
    /// query ordered by card and time.
    pub fn scorecard_cards(&self) -> Result<Vec<CardInput>, StoreError> {
        let mut stmt = self.conn().prepare(
            "SELECT c.id, c.key, c.area, c.suspended, r.at, r.rating, r.kind
             FROM cards c LEFT JOIN reviews r ON r.card_id = c.id
             ORDER BY c.id, r.at, r.id",
        )?;
        let mut rows = stmt.query([])?;
        let mut cards: Vec<CardInput> = Vec::new();
        let mut current = None;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            if current != Some(id) {
                current = Some(id);
                cards.push(CardInput { key: r.get(1)?, area: r.get(2)?, suspended: r.get(3)?, reviews: Vec::new() });
            }
            if let Some(at) = r.get::<_, Option<i64>>(4)? {
                let card = cards.last_mut().expect("pushed above");
                card.reviews.push(review_from(at, r.get(5)?, r.get(6)?));
            }
        }
        Ok(cards)
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
