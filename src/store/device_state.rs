//! What a device shares besides reviews (`state.grill`): its imported and user decks, its
//! rewrites of built-in cards, its self-assessments and its FSRS parameters, and merging those
//! of the other devices. Edits resolve by the latest timestamp, the same way on every device.

use rusqlite::{OptionalExtension, Transaction, params};

use super::devices::{MergeReport, card_id};
use super::{Store, StoreError};
use crate::sync::{DeviceState, SyncedAssessment, SyncedCard, SyncedDeck, SyncedEdit, SyncedParameters};

impl Store {
    /// What this device shares besides reviews: imported and user decks with their cards,
    /// rewrites of built-in cards, self-assessments.
    pub fn device_state(&self) -> Result<DeviceState, StoreError> {
        let conn = self.conn();
        let mut decks: Vec<SyncedDeck> = {
            let mut stmt = conn.prepare(
                "SELECT key, name, area, description, source FROM decks WHERE source <> 'builtin' ORDER BY key",
            )?;
            stmt.query_map([], |r| {
                Ok(SyncedDeck {
                    key: r.get(0)?,
                    name: r.get(1)?,
                    area: r.get(2)?,
                    description: r.get(3)?,
                    source: r.get(4)?,
                    cards: Vec::new(),
                })
            })?
            .collect::<Result<_, _>>()?
        };
        let mut cards = conn.prepare(&format!(
            "SELECT {CARD_COLUMNS} FROM cards c JOIN decks d ON d.id = c.deck_id WHERE d.key = ?1 ORDER BY c.position, c.key"
        ))?;
        for deck in &mut decks {
            deck.cards = cards.query_map([&deck.key], synced_card)?.collect::<Result<_, _>>()?;
        }
        let edits = conn
            .prepare(
                "SELECT e.edited_at, c.key, e.prompt, e.answer, e.follow_ups FROM card_edits e
                 JOIN cards c ON c.id = e.card_id ORDER BY c.key",
            )?
            .query_map([], |r| {
                Ok(SyncedEdit {
                    edited_at: r.get(0)?,
                    card: r.get(1)?,
                    prompt: r.get(2)?,
                    answer: r.get(3)?,
                    follow_ups: r.get(4)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        let assessments = conn
            .prepare("SELECT at, area, score FROM self_assessments ORDER BY at, area, score")?
            .query_map([], |r| Ok(SyncedAssessment { at: r.get(0)?, area: r.get(1)?, score: r.get(2)? }))?
            .collect::<Result<_, _>>()?;
        let parameters = self.fsrs_parameters()?.map(|p| SyncedParameters {
            saved_at: p.saved_at.timestamp_millis(),
            parameters: p.parameters,
            reviews: p.reviews,
            log_loss: p.log_loss,
            rmse_bins: p.rmse_bins,
        });
        Ok(DeviceState { device: self.device_id()?, decks, edits, assessments, parameters })
    }
}

/// Merges one other device's state inside the sync's transaction.
pub(super) fn merge_state(tx: &Transaction, state: &DeviceState, report: &mut MergeReport) -> Result<(), StoreError> {
    merge_decks(tx, &state.decks, report)?;
    merge_edits(tx, &state.edits, report)?;
    merge_assessments(tx, &state.assessments, report)
}

const CARD_COLUMNS: &str = "c.updated_at, c.key, c.area, c.prompt, c.answer, c.follow_ups, c.tags, c.roles, c.level,
    c.time_limit_secs, c.example, c.position";

fn synced_card(r: &rusqlite::Row) -> rusqlite::Result<SyncedCard> {
    Ok(SyncedCard {
        updated_at: r.get(0)?,
        key: r.get(1)?,
        area: r.get(2)?,
        prompt: r.get(3)?,
        answer: r.get(4)?,
        follow_ups: r.get(5)?,
        tags: r.get(6)?,
        roles: r.get(7)?,
        level: r.get(8)?,
        time_limit_secs: r.get(9)?,
        example: r.get(10)?,
        position: r.get(11)?,
    })
}

/// Imported decks: a deck or card missing here is added; a card changed later elsewhere takes
/// that text (the greatest (updated_at, text) wins, so every device settles on the same one).
/// Built-in decks are never written from the folder.
fn merge_decks(tx: &Transaction, decks: &[SyncedDeck], report: &mut MergeReport) -> Result<(), StoreError> {
    for deck in decks.iter().filter(|d| d.source != "builtin") {
        let source = if deck.source == "user" { "user" } else { "import" };
        tx.execute(
            "INSERT INTO decks (key, name, area, description, source) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (key) DO NOTHING",
            params![deck.key, deck.name, deck.area, deck.description, source],
        )?;
        let (deck_id, deck_source): (i64, String) =
            tx.query_row("SELECT id, source FROM decks WHERE key = ?1", [&deck.key], |r| Ok((r.get(0)?, r.get(1)?)))?;
        if deck_source == "builtin" {
            continue;
        }
        for card in &deck.cards {
            let local = tx
                .prepare_cached(&format!("SELECT {CARD_COLUMNS}, c.deck_id FROM cards c WHERE c.key = ?1"))?
                .query_row([&card.key], |r| Ok((synced_card(r)?, r.get::<_, i64>(12)?)))
                .optional()?;
            match local {
                None => {
                    insert_card(tx, deck_id, card)?;
                    report.cards_added += 1;
                }
                Some((local, local_deck)) if local_deck == deck_id && local < *card => {
                    update_card(tx, card)?;
                    report.cards_updated += 1;
                }
                Some(_) => {}
            }
        }
    }
    Ok(())
}

fn insert_card(tx: &Transaction, deck_id: i64, card: &SyncedCard) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO cards (key, deck_id, area, prompt, answer, follow_ups, tags, roles, level, time_limit_secs,
             example, position, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13)",
    )?
    .execute(params![
        card.key,
        deck_id,
        card.area,
        card.prompt,
        card.answer,
        card.follow_ups,
        card.tags,
        card.roles,
        card.level,
        card.time_limit_secs,
        card.example,
        card.position,
        card.updated_at
    ])?;
    Ok(())
}

fn update_card(tx: &Transaction, card: &SyncedCard) -> Result<(), StoreError> {
    tx.prepare_cached(
        "UPDATE cards SET area = ?2, prompt = ?3, answer = ?4, follow_ups = ?5, tags = ?6, roles = ?7, level = ?8,
             time_limit_secs = ?9, example = ?10, position = ?11, updated_at = ?12
         WHERE key = ?1",
    )?
    .execute(params![
        card.key,
        card.area,
        card.prompt,
        card.answer,
        card.follow_ups,
        card.tags,
        card.roles,
        card.level,
        card.time_limit_secs,
        card.example,
        card.position,
        card.updated_at
    ])?;
    Ok(())
}

/// Rewrites of built-in cards: the greatest (edited_at, text) wins on every device.
fn merge_edits(tx: &Transaction, edits: &[SyncedEdit], report: &mut MergeReport) -> Result<(), StoreError> {
    for edit in edits {
        let Some(card_id) = card_id(tx, &edit.card)? else { continue };
        let local = tx
            .prepare_cached("SELECT edited_at, prompt, answer, follow_ups FROM card_edits WHERE card_id = ?1")?
            .query_row([card_id], |r| {
                Ok(SyncedEdit {
                    edited_at: r.get(0)?,
                    card: edit.card.clone(),
                    prompt: r.get(1)?,
                    answer: r.get(2)?,
                    follow_ups: r.get(3)?,
                })
            })
            .optional()?;
        if local.is_some_and(|l| l >= *edit) {
            continue;
        }
        tx.execute(
            "INSERT INTO card_edits (card_id, prompt, answer, follow_ups, edited_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (card_id) DO UPDATE SET prompt = excluded.prompt, answer = excluded.answer,
                 follow_ups = excluded.follow_ups, edited_at = excluded.edited_at",
            params![card_id, edit.prompt, edit.answer, edit.follow_ups, edit.edited_at],
        )?;
        report.edits_taken += 1;
    }
    Ok(())
}

/// Self-assessments are facts: the same (area, score, instant) is kept once.
fn merge_assessments(tx: &Transaction, rows: &[SyncedAssessment], report: &mut MergeReport) -> Result<(), StoreError> {
    for a in rows.iter().filter(|a| (1..=5).contains(&a.score)) {
        report.assessments_added += tx
            .prepare_cached(
                "INSERT INTO self_assessments (area, score, at) SELECT ?1, ?2, ?3
                 WHERE NOT EXISTS (SELECT 1 FROM self_assessments WHERE area = ?1 AND score = ?2 AND at = ?3)",
            )?
            .execute(params![a.area, a.score, a.at])?;
    }
    Ok(())
}
