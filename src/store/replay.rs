//! Rebuilding card states from the review log, the source of truth. A heavy user's log has a
//! million reviews: it is read in one sequential pass and sorted in memory (24 bytes a review),
//! which is several times faster than asking SQLite for it in card order.

use std::collections::{HashMap, HashSet};

use chrono::TimeZone;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

use super::reviews::{review_from, stored_states, write_state};
use super::{Store, StoreError};
use crate::scheduler::{CardState, DayClock, Review, Scheduler};

/// What a rebuild of the card states did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RebuildReport {
    /// Cards that have a state after the rebuild.
    pub cards: usize,
    /// Reviews replayed.
    pub reviews: usize,
    /// Cards whose stored state was different (or missing, or no longer due a state).
    pub changed: usize,
}

impl Store {
    /// Rebuilds every card's state by replaying the whole review log; returns how many cards
    /// have a state. The log is the source of truth: this must reproduce the stored states.
    pub fn rebuild_states<Tz: TimeZone>(
        &mut self,
        scheduler: &Scheduler,
        clock: &DayClock<Tz>,
    ) -> Result<usize, StoreError> {
        Ok(self.rebuild_states_report(scheduler, clock)?.cards)
    }

    /// [`Store::rebuild_states`], saying how many reviews were replayed and how many stored
    /// states it changed. Holds the write lock throughout, so a rating given meanwhile in
    /// another grill waits instead of being overwritten; only changed states are written.
    pub fn rebuild_states_report<Tz: TimeZone>(
        &mut self,
        scheduler: &Scheduler,
        clock: &DayClock<Tz>,
    ) -> Result<RebuildReport, StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let report = rewrite_states(&tx, scheduler, clock)?;
        // The derived tables follow the states through triggers; recomputing them here also
        // repairs them whatever happened to the file.
        super::derived::rebuild_derived(&tx)?;
        tx.commit()?;
        Ok(report)
    }

    /// Every card's state as replaying its review log gives it (not written anywhere).
    pub fn replayed_states<Tz: TimeZone>(
        &self,
        scheduler: &Scheduler,
        clock: &DayClock<Tz>,
    ) -> Result<Vec<(i64, CardState)>, StoreError> {
        Ok(replay_log(self.conn(), scheduler, clock)?.0)
    }
}

/// Replays the whole log inside `tx` and writes the states that changed.
pub(super) fn rewrite_states<Tz: TimeZone>(
    tx: &rusqlite::Transaction,
    scheduler: &Scheduler,
    clock: &DayClock<Tz>,
) -> Result<RebuildReport, StoreError> {
    let (states, reviews) = replay_log(tx, scheduler, clock)?;
    let stored: HashMap<i64, CardState> = stored_states(tx)?.into_iter().collect();
    let mut changed = 0;
    for (card_id, state) in &states {
        if stored.get(card_id) != Some(state) {
            write_state(tx, *card_id, Some(state))?;
            changed += 1;
        }
    }
    let kept: HashSet<i64> = states.iter().map(|(id, _)| *id).collect();
    for card_id in stored.keys().filter(|id| !kept.contains(id)) {
        write_state(tx, *card_id, None)?;
        changed += 1;
    }
    Ok(RebuildReport { cards: states.len(), reviews, changed })
}

/// A review as the replay needs it.
struct Entry {
    id: i64,
    card_id: i64,
    review: Review,
}

/// Every card's replayed state, by card id, and how many reviews the log holds.
fn replay_log<Tz: TimeZone>(
    conn: &Connection,
    scheduler: &Scheduler,
    clock: &DayClock<Tz>,
) -> Result<(Vec<(i64, CardState)>, usize), StoreError> {
    let mut log = read_log(conn)?;
    // Reviews of a card at the same instant (two devices synced, see `devices`) go by their
    // stable id, so every device replays the same order; otherwise the row id decides.
    let me: String = conn
        .query_row("SELECT value FROM meta WHERE key = 'device_id'", [], |r| r.get(0))
        .optional()?
        .unwrap_or_default();
    let origin = read_origins(conn)?;
    let stable = |e: &Entry| match origin.get(&e.id) {
        Some((device, seq)) => (device.as_str(), *seq),
        None => (me.as_str(), e.id),
    };
    log.sort_by(|a, b| {
        (a.card_id, a.review.at).cmp(&(b.card_id, b.review.at)).then_with(|| {
            let (a, b) = (stable(a), stable(b));
            super::devices::replay_order(0, a.0, a.1).cmp(&super::devices::replay_order(0, b.0, b.1))
        })
    });
    let mut keys = conn.prepare("SELECT id, key FROM cards")?;
    let keys: HashMap<i64, String> = keys.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
    let imported = super::imported::load_all(conn)?;
    let mut states = Vec::new();
    let mut reviews: Vec<Review> = Vec::new();
    for card in log.chunk_by(|a, b| a.card_id == b.card_id) {
        let card_id = card[0].card_id;
        // A review of a card that does not exist cannot happen (foreign key); skip it anyway.
        let Some(key) = keys.get(&card_id) else { continue };
        reviews.clear();
        reviews.extend(card.iter().map(|e| e.review));
        if let Some(state) = super::imported::replay_card(scheduler, key, &reviews, imported.get(&card_id), clock)? {
            states.push((card_id, state));
        }
    }
    Ok((states, log.len()))
}

/// The whole log in storage order: one sequential pass over the table, no index.
fn read_log(conn: &Connection) -> Result<Vec<Entry>, StoreError> {
    let reviews: i64 = conn.query_row("SELECT max(id) FROM reviews", [], |r| r.get::<_, Option<i64>>(0))?.unwrap_or(0);
    let mut log = Vec::with_capacity(usize::try_from(reviews).unwrap_or(0));
    let mut stmt = conn.prepare("SELECT id, card_id, at, rating, kind FROM reviews ORDER BY id")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        log.push(Entry { id: r.get(0)?, card_id: r.get(1)?, review: review_from(r.get(2)?, r.get(3)?, r.get(4)?) });
    }
    Ok(log)
}

/// The stable ids of reviews merged in from other devices, by row id (none on one device).
fn read_origins(conn: &Connection) -> Result<HashMap<i64, (String, i64)>, StoreError> {
    let mut stmt = conn.prepare("SELECT review_id, device, seq FROM review_origin")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?;
    Ok(rows.collect::<Result<_, _>>()?)
}
