//! Changing one card's text from `grill edit`.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::{Store, StoreError, to_ms};
use crate::deck::CardSpec;

impl Store {
    /// Replaces the texts, tags, roles, level, time limit, area and example of card `id` with
    /// `spec`'s, in one statement (the card keeps its id, deck, position and history).
    pub fn update_card(&self, id: i64, spec: &CardSpec, area: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        let json = |v: &Vec<String>| serde_json::to_string(v).expect("strings serialise");
        let example = spec.example.as_ref().map(|e| serde_json::to_string(e).expect("example serialises"));
        self.conn().execute(
            "UPDATE cards SET prompt = ?2, answer = ?3, follow_ups = ?4, tags = ?5, roles = ?6, level = ?7,
                 time_limit_secs = ?8, area = ?9, example = ?10, updated_at = ?11
             WHERE id = ?1",
            params![
                id,
                spec.prompt,
                spec.answer,
                json(&spec.follow_ups),
                json(&spec.tags),
                json(&spec.roles),
                spec.level,
                spec.time_limit_secs,
                area,
                example,
                to_ms(now)
            ],
        )?;
        Ok(())
    }
}
