//! What an import knows about a card beyond its answers (`imported_cards`, migration 0008):
//! where an incomplete history's memory state starts (the SM-2 fallback), the due date the
//! other program had and the lapses it counted in history that no longer counts. Every replay
//! of a card goes through [`replay_card`] (or [`finish`]), so such cards replay the same way in
//! an import, a rebuild, an undo and a change of parameters.

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
    pub lapses_before: u32,
}

const COLUMNS: &str = "card_id, start_at, start_ease, start_interval_days, start_retention, due, due_after, \
                       lapses_before";

fn from_row(r: &rusqlite::Row) -> rusqlite::Result<(i64, Imported)> {
    let start = match r.get::<_, Option<i64>>(1)? {
        Some(at) => Some(Sm2Start {
            at: from_ms(at),
            ease: r.get::<_, f64>(2)? as f32,
            interval_days: r.get::<_, f64>(3)? as f32,
            retention: r.get::<_, f64>(4)? as f32,
        }),
        None => None,
    };
    let due = match (r.get::<_, Option<i64>>(5)?, r.get::<_, Option<i64>>(6)?) {
        (Some(due), Some(after)) => Some(ImportedDue { due: from_ms(due), after: from_ms(after) }),
        _ => None,
    };
    Ok((r.get(0)?, Imported { start, due, lapses_before: r.get(7)? }))
}

/// Every card's imported facts, by card id.
pub(super) fn load_all(conn: &Connection) -> Result<HashMap<i64, Imported>, StoreError> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM imported_cards"))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One card's imported facts (the defaults when it has none).
pub(super) fn load(conn: &Connection, card_id: i64) -> Result<Imported, StoreError> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM imported_cards WHERE card_id = ?1"))?;
    Ok(stmt.query_row([card_id], from_row).optional()?.map(|(_, i)| i).unwrap_or_default())
}

/// What the package says about a card, as [`save`] records it: `None` when none of its
/// answers count. Without `keep_due` (`--reschedule`) the due date comes from the memory
/// state instead.
pub(super) fn of(schedule: &ImportedSchedule, keep_due: bool) -> Option<Imported> {
    schedule.counted.then(|| Imported {
        start: schedule.sm2,
        due: schedule.due.filter(|_| keep_due),
        lapses_before: schedule.lapses_before,
    })
}

/// Records what the package says about card `card_id` (see [`of`]), replacing what an earlier
/// import said.
pub(super) fn save(
    tx: &Transaction,
    card_id: i64,
    schedule: &ImportedSchedule,
    keep_due: bool,
) -> Result<(), StoreError> {
    tx.prepare_cached("DELETE FROM imported_cards WHERE card_id = ?1")?.execute([card_id])?;
    let Some(facts) = of(schedule, keep_due) else { return Ok(()) };
    let (start, due) = (facts.start, facts.due);
    tx.prepare_cached(&format!("INSERT INTO imported_cards ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"))?
        .execute(params![
            card_id,
            start.map(|s| to_ms(s.at)),
            start.map(|s| s.ease),
            start.map(|s| s.interval_days),
            start.map(|s| s.retention),
            due.map(|d| to_ms(d.due)),
            due.map(|d| to_ms(d.after)),
            facts.lapses_before,
        ])?;
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
    Ok(finish(state, imported))
}

/// A replayed state with the imported facts that come after the replay: the lapses counted
/// before its history, and the imported due date while its last answer is the one that date
/// follows.
pub(super) fn finish(state: Option<CardState>, imported: Option<&Imported>) -> Option<CardState> {
    let mut state = state?;
    let Some(imported) = imported else { return Some(state) };
    state.lapses += imported.lapses_before;
    if let Some(due) = imported.due
        && due.after == state.last_review
    {
        state.due = due.due;
    }
    Some(state)
}
