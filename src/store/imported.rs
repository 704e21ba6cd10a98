//! What an import knows about a card beyond its answers (migration 0008): where an incomplete
//! history's memory state starts (the SM-2 fallback) and the due date the other program had.
//! Every replay of a card goes through [`replay_card`], so such cards replay the same way in an
//! import, a rebuild, an undo and a change of parameters.

use std::collections::HashMap;

use chrono::TimeZone;
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::{StoreError, from_ms, to_ms};
use crate::deck::{ImportedDue, ImportedSchedule};
use crate::scheduler::{CardState, DayClock, Review, Scheduler, SchedulerError, Sm2Start};

/// A card's imported facts.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct Imported {
    pub start: Option<Sm2Start>,
    pub due: Option<ImportedDue>,
}

/// Every card's imported facts, by card id.
pub(super) fn load_all(conn: &Connection) -> Result<HashMap<i64, Imported>, StoreError> {
    let mut out: HashMap<i64, Imported> = HashMap::new();
    let mut stmt = conn.prepare("SELECT card_id, at, ease, interval_days, retention FROM imported_start")?;
    for row in stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, start_from(r)?)))? {
        let (id, start) = row?;
        out.entry(id).or_default().start = Some(start);
    }
    let mut stmt = conn.prepare("SELECT card_id, due, after FROM imported_due")?;
    for row in stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, due_from(r)?)))? {
        let (id, due) = row?;
        out.entry(id).or_default().due = Some(due);
    }
    Ok(out)
}

/// One card's imported facts.
pub(super) fn load(conn: &Connection, card_id: i64) -> Result<Imported, StoreError> {
    let start = conn
        .prepare_cached("SELECT card_id, at, ease, interval_days, retention FROM imported_start WHERE card_id = ?1")?
        .query_row([card_id], start_from)
        .optional()?;
    let due = conn
        .prepare_cached("SELECT card_id, due, after FROM imported_due WHERE card_id = ?1")?
        .query_row([card_id], due_from)
        .optional()?;
    Ok(Imported { start, due })
}

fn start_from(r: &rusqlite::Row) -> rusqlite::Result<Sm2Start> {
    Ok(Sm2Start {
        at: from_ms(r.get(1)?),
        ease: r.get::<_, f64>(2)? as f32,
        interval_days: r.get::<_, f64>(3)? as f32,
        retention: r.get::<_, f64>(4)? as f32,
    })
}

fn due_from(r: &rusqlite::Row) -> rusqlite::Result<ImportedDue> {
    Ok(ImportedDue { due: from_ms(r.get(1)?), after: from_ms(r.get(2)?) })
}

/// Records what the package says about card `card_id`, replacing what an earlier import said.
/// Without `keep_due` (`--reschedule`) the due date comes from the memory state instead.
pub(super) fn save(
    tx: &Transaction,
    card_id: i64,
    schedule: &ImportedSchedule,
    keep_due: bool,
) -> Result<(), StoreError> {
    tx.prepare_cached("DELETE FROM imported_start WHERE card_id = ?1")?.execute([card_id])?;
    tx.prepare_cached("DELETE FROM imported_due WHERE card_id = ?1")?.execute([card_id])?;
    if let Some(s) = schedule.sm2.filter(|_| schedule.counted) {
        tx.prepare_cached(
            "INSERT INTO imported_start (card_id, at, ease, interval_days, retention) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![card_id, to_ms(s.at), s.ease, s.interval_days, s.retention])?;
    }
    if let Some(d) = schedule.due.filter(|_| keep_due && schedule.counted) {
        tx.prepare_cached("INSERT INTO imported_due (card_id, due, after) VALUES (?1, ?2, ?3)")?.execute(params![
            card_id,
            to_ms(d.due),
            to_ms(d.after)
        ])?;
    }
    Ok(())
}

/// A card's state replayed from its log (oldest first) with its imported facts.
pub(super) fn replay_card<Tz: TimeZone>(
    scheduler: &Scheduler,
    key: &str,
    reviews: &[Review],
    imported: Option<&Imported>,
    clock: &DayClock<Tz>,
) -> Result<Option<CardState>, SchedulerError> {
    let start = imported.and_then(|i| i.start.as_ref());
    let state = scheduler.replay_from(key, start, reviews, clock)?;
    Ok(with_due(state, imported))
}

/// The state with the imported due date, while its last answer is the one that date follows.
pub(super) fn with_due(state: Option<CardState>, imported: Option<&Imported>) -> Option<CardState> {
    let mut state = state?;
    if let Some(due) = imported.and_then(|i| i.due)
        && due.after == state.last_review
    {
        state.due = due.due;
    }
    Some(state)
}
