//! Changing one card's text from `grill edit`: cards of imported and user decks in place; a
//! built-in card's rewrite beside its built-in text (which wins over it), so a new release of
//! the built-in decks never undoes it.

use chrono::{DateTime, Utc};
use rusqlite::{TransactionBehavior, params};

use super::{CardRow, Store, StoreError, to_ms};
use crate::deck::CardSpec;

/// The text of a built-in card as the user rewrites it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardText {
    pub prompt: String,
    pub answer: String,
    pub follow_ups: Vec<String>,
}

/// What `grill edit` saves.
#[derive(Debug, Clone, Copy)]
pub enum Rewrite<'a> {
    /// A built-in card: kept beside the built-in text and shown instead of it.
    BuiltIn(&'a CardText),
    /// A card of an imported or user deck: updated in place, in `area`.
    InPlace { spec: &'a CardSpec, area: &'a str },
}

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

    /// Saves a rewrite of `card`; a leech rewritten gets a fresh start (its lapses now are
    /// recorded; see `stats::is_leech`). One transaction. Returns whether a leech was cleared.
    pub fn rewrite_card(&self, card: &CardRow, rewrite: Rewrite, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let tx = rusqlite::Transaction::new_unchecked(self.conn(), TransactionBehavior::Immediate)?;
        match rewrite {
            Rewrite::BuiltIn(text) => {
                let follow_ups = serde_json::to_string(&text.follow_ups).expect("strings serialise");
                tx.execute(
                    "INSERT INTO card_edits (card_id, prompt, answer, follow_ups, edited_at)
                     VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (card_id) DO UPDATE SET prompt = excluded.prompt, answer = excluded.answer,
                         follow_ups = excluded.follow_ups, edited_at = excluded.edited_at",
                    params![card.id, text.prompt, text.answer, follow_ups, to_ms(now)],
                )?;
            }
            Rewrite::InPlace { spec, area } => self.update_card(card.id, spec, area, now)?,
        }
        let cleared = card.is_leech();
        if cleared {
            let lapses = card.state.map_or(0, |s| s.lapses);
            tx.execute("UPDATE cards SET leech_cleared_at = ?2 WHERE id = ?1", params![card.id, lapses])?;
        }
        tx.commit()?;
        Ok(cleared)
    }

    /// Drops the rewrite of a built-in card, and with it the fresh start it gave a leech: the
    /// built-in text shows again. Returns whether there was a rewrite.
    pub fn drop_edit(&self, card_id: i64) -> Result<bool, StoreError> {
        let tx = rusqlite::Transaction::new_unchecked(self.conn(), TransactionBehavior::Immediate)?;
        let dropped = tx.execute("DELETE FROM card_edits WHERE card_id = ?1", [card_id])? > 0;
        if dropped {
            tx.execute("UPDATE cards SET leech_cleared_at = NULL WHERE id = ?1", [card_id])?;
        }
        tx.commit()?;
        Ok(dropped)
    }
}
