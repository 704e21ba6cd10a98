//! Cards rewritten by the user (`grill edit`): the rewrite is kept beside the deck's text and
//! wins over it, so a deck sync or re-import never undoes it.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::{CardRow, Store, StoreError, to_ms};
use crate::stats::is_leech;

/// The text of a card as the user rewrites it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardText {
    pub prompt: String,
    pub answer: String,
    pub follow_ups: Vec<String>,
}

impl Store {
    /// Saves `text` as the card's rewrite. A leech rewritten gets a fresh start: its lapses
    /// now are recorded, and it is a leech again only after more lapses (see `is_leech`).
    pub fn save_edit(&mut self, card: &CardRow, text: &CardText, now: DateTime<Utc>) -> Result<(), StoreError> {
        let lapses = card.state.map_or(0, |s| s.lapses);
        let cleared = is_leech(lapses, card.leech_cleared_at).then_some(lapses).or(card.leech_cleared_at);
        let follow_ups = serde_json::to_string(&text.follow_ups).expect("strings serialise");
        self.conn().execute(
            "INSERT INTO card_edits (card_id, prompt, answer, follow_ups, leech_cleared_at, edited_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (card_id) DO UPDATE SET prompt = excluded.prompt, answer = excluded.answer,
                 follow_ups = excluded.follow_ups, leech_cleared_at = excluded.leech_cleared_at,
                 edited_at = excluded.edited_at",
            params![card.id, text.prompt, text.answer, follow_ups, cleared, to_ms(now)],
        )?;
        Ok(())
    }

    /// Drops the card's rewrite: the deck's text shows again. Returns whether there was one.
    pub fn drop_edit(&mut self, card_id: i64) -> Result<bool, StoreError> {
        Ok(self.conn().execute("DELETE FROM card_edits WHERE card_id = ?1", [card_id])? > 0)
    }
}
