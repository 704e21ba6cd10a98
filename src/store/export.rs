//! Reading decks and the review log back out, for `grill export`.

use super::cards::CardRow;
use super::{CardFilter, Store, StoreError};
use crate::deck::{CardSpec, Deck, DeckInfo};
use crate::scheduler::Review;

/// One review-log row with its card's stable id, for users' own analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportedReview {
    pub card: String,
    pub review: Review,
    pub duration_ms: i64,
}

impl Store {
    /// The decks with keys in `keys` (every imported deck when empty), with their cards in
    /// drill order. Unknown keys are an error naming them.
    pub fn export_decks(&self, keys: &[String]) -> Result<Vec<Deck>, StoreError> {
        let mut infos: Vec<(DeckInfo, String)> = {
            let mut stmt =
                self.conn().prepare("SELECT key, name, area, description, source FROM decks ORDER BY key")?;
            let rows = stmt.query_map([], |r| {
                Ok((DeckInfo { id: r.get(0)?, name: r.get(1)?, area: r.get(2)?, description: r.get(3)? }, r.get(4)?))
            })?;
            rows.collect::<Result<_, _>>()?
        };
        if let Some(unknown) = keys.iter().find(|k| !infos.iter().any(|(d, _)| &d.id == *k)) {
            return Err(StoreError::NoSuchDeck(unknown.clone()));
        }
        infos.retain(|(d, source)| if keys.is_empty() { source != "builtin" } else { keys.contains(&d.id) });
        infos
            .into_iter()
            .map(|(info, _)| {
                let filter = CardFilter { decks: vec![info.id.clone()], ..CardFilter::default() };
                let cards = self.cards(&filter)?.into_iter().map(|row| spec_of(row, &info)).collect();
                Ok(Deck { deck: info, cards })
            })
            .collect()
    }

    /// The whole review log, oldest first, with each card's stable id.
    pub fn export_reviews(&self) -> Result<Vec<ExportedReview>, StoreError> {
        let mut stmt = self.conn().prepare(
            "SELECT c.key, r.at, r.rating, r.kind, r.duration_ms FROM reviews r JOIN cards c ON c.id = r.card_id
             ORDER BY r.at, r.id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(ExportedReview {
                card: r.get(0)?,
                review: super::reviews::review_from(r.get(1)?, r.get(2)?, r.get(3)?),
                duration_ms: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// A stored card as a deck file writes it (the area only when it differs from the deck's).
fn spec_of(row: CardRow, deck: &DeckInfo) -> CardSpec {
    CardSpec {
        id: row.key,
        prompt: row.prompt,
        answer: row.answer,
        follow_ups: row.follow_ups,
        tags: row.tags,
        roles: row.roles,
        level: row.level,
        time_limit_secs: row.time_limit_secs,
        area: (row.area != deck.area).then_some(row.area),
        example: row.example.map(Box::new),
    }
}
