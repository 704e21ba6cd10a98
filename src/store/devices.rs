//! The database side of `grill sync`: this device's id, the reviews it has not written to the
//! sync folder yet, and merging other devices' reviews (their decks, edits and parameters:
//! `device_state`).
//!
//! A review's stable id is (device, seq). Reviews made here have no row in `review_origin`: their
//! id is (this device, row id). Reviews merged in keep the id they were given where they were
//! made. Every device orders a card's reviews by (time, device, seq), so all of them replay
//! the same log in the same order with the same deterministic fuzz.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::TimeZone;
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

use super::reviews::{review_from, write_state};
use super::{Store, StoreError};
use crate::scheduler::{DayClock, Rating, Review, ReviewKind, Scheduler};
use crate::sync::{DeviceState, Segment, SyncedReview};

const DEVICE: &str = "device_id";
const PUBLISHED: &str = "sync_published";

/// What merging the other devices' files changed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct MergeReport {
    /// Reviews from other devices added to the log.
    pub reviews_added: usize,
    /// Reviews the log already had.
    pub reviews_known: usize,
    /// Reviews of cards this database does not have (yet): left for a later sync.
    pub reviews_waiting: usize,
    /// Reviews with a rating or kind this grill does not know: never merged.
    pub reviews_invalid: usize,
    /// Cards whose state changed when replayed from the merged log.
    pub cards_replayed: usize,
    /// Cards of imported decks added or changed by a later edit elsewhere.
    pub cards_added: usize,
    pub cards_updated: usize,
    /// Rewrites of built-in cards taken from another device.
    pub edits_taken: usize,
    /// Self-assessments added.
    pub assessments_added: usize,
}

/// The order every device replays a card's reviews in: time, then the stable id.
pub(super) fn replay_order(at: i64, device: &str, seq: i64) -> (i64, &str, i64) {
    (at, device, seq)
}

impl Store {
    /// This database's device id (made by the migration that introduced syncing).
    pub fn device_id(&self) -> Result<String, StoreError> {
        Ok(self.meta(DEVICE)?.unwrap_or_default())
    }

    /// The highest row id of a local review written to the sync folder (0: none).
    pub fn published_through(&self) -> Result<i64, StoreError> {
        Ok(self.meta(PUBLISHED)?.and_then(|v| v.parse().ok()).unwrap_or(0))
    }

    /// Records that local reviews up to `seq` are in the sync folder: from now on they cannot
    /// be undone (the schema refuses), so their sequence numbers are never reused.
    pub fn mark_published(&self, seq: i64) -> Result<(), StoreError> {
        mark(self.conn(), seq)
    }

    /// Hands the reviews made here and not yet in the sync folder to `write` (nothing when there
    /// are none) and records them as published, holding the write lock throughout: if `write`
    /// fails nothing is recorded, and an undo cannot slip in between. Returns the reviews.
    pub fn publish<E: From<StoreError>>(
        &mut self,
        write: impl FnOnce(&[SyncedReview]) -> Result<(), E>,
    ) -> Result<Vec<SyncedReview>, E> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(StoreError::from)?;
        let reviews = unpublished(&tx).map_err(E::from)?;
        if let Some(last) = reviews.last() {
            mark(&tx, last.seq).map_err(E::from)?;
            write(&reviews)?;
        }
        tx.commit().map_err(StoreError::from)?;
        Ok(reviews)
    }

    /// The reviews made on this device and not yet written to the sync folder, by sequence.
    pub fn unpublished_reviews(&self) -> Result<Vec<SyncedReview>, StoreError> {
        unpublished(self.conn())
    }

    /// The other devices' segment files already merged whole, as (device, file name).
    pub fn merged_segments(&self) -> Result<HashSet<(String, String)>, StoreError> {
        let mut stmt = self.conn().prepare("SELECT device, name FROM sync_segments_merged")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Records the segments (read from files `names`) whose every review is now in the log, so
    /// later syncs skip them; one still waiting for a card (or holding a review this grill
    /// cannot read) is read again next time.
    pub fn record_merged_segments(&mut self, segments: &[Segment], names: &[String]) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        for (segment, name) in segments.iter().zip(names) {
            let mut known = tx.prepare_cached("SELECT 1 FROM review_origin WHERE device = ?1 AND seq = ?2")?;
            let mut whole = true;
            for review in &segment.reviews {
                if !known.exists(params![segment.device, review.seq])? {
                    whole = false;
                    break;
                }
            }
            if whole {
                tx.execute(
                    "INSERT OR IGNORE INTO sync_segments_merged (device, name) VALUES (?1, ?2)",
                    params![segment.device, name],
                )?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Merges other devices' states and review segments in one transaction, and replays every
    /// card that gained a review plus the cards in `also_replay` (this device's cards just
    /// published, so its stored states equal what every other device replays).
    pub fn merge_devices<Tz: TimeZone>(
        &mut self,
        states: &[DeviceState],
        segments: &[Segment],
        also_replay: &[String],
        scheduler: &Scheduler,
        clock: &DayClock<Tz>,
    ) -> Result<MergeReport, StoreError> {
        let me = self.device_id()?;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut report = MergeReport::default();
        for state in states.iter().filter(|s| s.device != me) {
            super::device_state::merge_state(&tx, state, &mut report)?;
        }
        let fresh = fresh_reviews(&tx, &me, segments, &mut report)?;
        let mut cards: BTreeMap<i64, Vec<(&str, &SyncedReview)>> = BTreeMap::new();
        for (card_id, device, review) in fresh {
            cards.entry(card_id).or_default().push((device, review));
        }
        for key in also_replay {
            if let Some(id) = card_id(&tx, key)? {
                cards.entry(id).or_default();
            }
        }
        for (card_id, fresh) in cards {
            report.reviews_added += fresh.len();
            report.cards_replayed += usize::from(replay_card(&tx, &me, card_id, &fresh, scheduler, clock)?);
        }
        tx.commit()?;
        Ok(report)
    }
}

/// Whether review `id` is on other devices (written to the folder, or merged from it): the
/// schema refuses to delete it, and undo says so first.
pub(super) fn is_synced(conn: &Connection, id: i64) -> Result<bool, StoreError> {
    Ok(conn.query_row(
        "SELECT ?1 <= CAST(ifnull((SELECT value FROM meta WHERE key = ?2), '0') AS INTEGER)
             OR EXISTS (SELECT 1 FROM review_origin WHERE review_id = ?1)",
        params![id, PUBLISHED],
        |r| r.get(0),
    )?)
}

fn mark(conn: &Connection, seq: i64) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))",
        params![PUBLISHED, seq.to_string()],
    )?;
    Ok(())
}

fn unpublished(conn: &Connection) -> Result<Vec<SyncedReview>, StoreError> {
    let through: i64 = conn
        .query_row("SELECT CAST(value AS INTEGER) FROM meta WHERE key = ?1", [PUBLISHED], |r| r.get(0))
        .optional()?
        .unwrap_or(0);
    let mut stmt = conn.prepare(
        "SELECT r.id, c.key, r.at, r.rating, r.kind, r.duration_ms FROM reviews r JOIN cards c ON c.id = r.card_id
         WHERE r.id > ?1 AND NOT EXISTS (SELECT 1 FROM review_origin o WHERE o.review_id = r.id)
         ORDER BY r.id",
    )?;
    let rows = stmt.query_map([through], |r| {
        Ok(SyncedReview {
            seq: r.get(0)?,
            card: r.get(1)?,
            at: r.get(2)?,
            rating: r.get(3)?,
            kind: r.get(4)?,
            duration_ms: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(super) fn card_id(tx: &Transaction, key: &str) -> Result<Option<i64>, StoreError> {
    Ok(tx.prepare_cached("SELECT id FROM cards WHERE key = ?1")?.query_row([key], |r| r.get(0)).optional()?)
}

/// The reviews of `segments` this log lacks, with their card's id (each stable id once).
fn fresh_reviews<'a>(
    tx: &Transaction,
    me: &str,
    segments: &'a [Segment],
    report: &mut MergeReport,
) -> Result<Vec<(i64, &'a str, &'a SyncedReview)>, StoreError> {
    let mut known: HashMap<&str, HashSet<i64>> = HashMap::new();
    let mut fresh = Vec::new();
    for segment in segments.iter().filter(|s| s.device != me) {
        let device = segment.device.as_str();
        if !known.contains_key(device) {
            let mut stmt = tx.prepare_cached("SELECT seq FROM review_origin WHERE device = ?1")?;
            let seqs = stmt.query_map([device], |r| r.get(0))?.collect::<Result<_, _>>()?;
            known.insert(device, seqs);
        }
        let seen = known.get_mut(device).expect("inserted above");
        for review in &segment.reviews {
            if seen.contains(&review.seq) {
                report.reviews_known += 1;
                continue;
            }
            let valid = review.seq > 0
                && Rating::from_number(review.rating.into()).is_some()
                && ReviewKind::from_number(review.kind.into()).is_some();
            if !valid {
                report.reviews_invalid += 1;
                continue;
            }
            match card_id(tx, &review.card)? {
                Some(card_id) => {
                    seen.insert(review.seq);
                    fresh.push((card_id, device, review));
                }
                None => report.reviews_waiting += 1,
            }
        }
    }
    Ok(fresh)
}

/// One review of a card's merged log, with its stable id.
struct Merged<'a> {
    device: &'a str,
    seq: i64,
    review: Review,
    /// Set for a review to append (one from another device).
    fresh: Option<&'a SyncedReview>,
}

/// Merges `fresh` into the card's log in the replay order, replays it all, appends each fresh
/// review with the memory state it led to (and its stable id), and stores the final state.
/// Returns whether the state changed.
fn replay_card<Tz: TimeZone>(
    tx: &Transaction,
    me: &str,
    card_id: i64,
    fresh: &[(&str, &SyncedReview)],
    scheduler: &Scheduler,
    clock: &DayClock<Tz>,
) -> Result<bool, StoreError> {
    let key: String = tx.query_row("SELECT key FROM cards WHERE id = ?1", [card_id], |r| r.get(0))?;
    let stored: Vec<(Option<String>, i64, Review)> = tx
        .prepare_cached(
            "SELECT o.device, coalesce(o.seq, r.id), r.at, r.rating, r.kind FROM reviews r
             LEFT JOIN review_origin o ON o.review_id = r.id WHERE r.card_id = ?1",
        )?
        .query_map([card_id], |r| Ok((r.get(0)?, r.get(1)?, review_from(r.get(2)?, r.get(3)?, r.get(4)?))))?
        .collect::<Result<_, _>>()?;
    let mut log: Vec<Merged> = stored
        .iter()
        .map(|(device, seq, review)| Merged {
            device: device.as_deref().unwrap_or(me),
            seq: *seq,
            review: *review,
            fresh: None,
        })
        .collect();
    for (device, r) in fresh {
        let review = review_from(r.at, r.rating.into(), r.kind.into());
        log.push(Merged { device, seq: r.seq, review, fresh: Some(r) });
    }
    log.sort_by(|a, b| {
        replay_order(super::to_ms(a.review.at), a.device, a.seq).cmp(&replay_order(
            super::to_ms(b.review.at),
            b.device,
            b.seq,
        ))
    });
    let mut state = None;
    let mut done: Vec<Review> = Vec::with_capacity(log.len());
    for entry in &log {
        state = scheduler.apply(&key, state, &entry.review, &done, clock)?;
        if let Some(r) = entry.fresh {
            tx.prepare_cached(
                "INSERT INTO reviews (card_id, at, rating, kind, duration_ms, stability, difficulty)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                card_id,
                r.at,
                r.rating,
                r.kind,
                r.duration_ms.max(0),
                state.map(|s| s.stability),
                state.map(|s| s.difficulty)
            ])?;
            let id = tx.last_insert_rowid();
            tx.prepare_cached("INSERT INTO review_origin (review_id, device, seq) VALUES (?1, ?2, ?3)")?
                .execute(params![id, entry.device, entry.seq])?;
        }
        done.push(entry.review);
    }
    let before = tx
        .prepare_cached(
            "SELECT stability, difficulty, due, last_review, reps, lapses FROM card_state WHERE card_id = ?1",
        )?
        .query_row([card_id], |r| super::cards::state_at(r, 0))
        .optional()?
        .flatten();
    if before == state {
        return Ok(false);
    }
    write_state(tx, card_id, state.as_ref())?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::scheduler::Rating;

    fn store_with_card() -> (Store, i64) {
        let mut store = Store::open_in_memory().unwrap();
        let deck = crate::deck::parse_toml(
            "t.toml",
            "[deck]\nid = \"t\"\nname = \"T\"\narea = \"sql\"\n[[cards]]\nid = \"t/a\"\nprompt = \"q\"\nanswer = \"a\"\n",
        )
        .unwrap();
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
        let (scheduler, clock) = (Scheduler::default_params(), DayClock::new(Utc, 4));
        let how = super::super::SyncOptions::import(now, &scheduler, &clock);
        store.sync_decks(&[deck], &[], &how, &mut || {}).unwrap();
        let id = store.card_by_key("t/a").unwrap().id;
        (store, id)
    }

    fn review(minute: u32) -> Review {
        let at = Utc.with_ymd_and_hms(2026, 3, 2, 9, minute, 0).unwrap();
        Review { at, rating: Rating::Good, kind: ReviewKind::Learn }
    }

    #[test]
    fn every_database_gets_a_device_id_of_its_own() {
        let (a, b) = (Store::open_in_memory().unwrap(), Store::open_in_memory().unwrap());
        let (a, b) = (a.device_id().unwrap(), b.device_id().unwrap());
        assert_eq!(a.len(), 16);
        assert!(crate::sync::valid_device_id(&a));
        assert_ne!(a, b);
    }

    #[test]
    fn a_review_not_yet_synced_can_be_undone_but_a_synced_one_cannot() {
        let (mut store, card) = store_with_card();
        let (scheduler, clock) = (Scheduler::default_params(), DayClock::new(Utc, 4));
        let first = store.record_review(card, &review(0), 0, None).unwrap();
        let published = store.publish(|r: &[SyncedReview]| -> Result<(), StoreError> {
            assert_eq!(r.len(), 1);
            Ok(())
        });
        assert_eq!(published.unwrap()[0].seq, first);
        let second = store.record_review(card, &review(1), 0, None).unwrap();
        store.undo_review(second, &scheduler, &clock).unwrap();
        let err = store.undo_review(first, &scheduler, &clock).unwrap_err();
        assert!(matches!(err, StoreError::AlreadySynced), "{err}");
        // The schema refuses too, whoever deletes.
        let raw = store.conn().execute("DELETE FROM reviews WHERE id = ?1", [first]).unwrap_err();
        assert!(raw.to_string().contains("already on your other devices"), "{raw}");
        assert_eq!(store.card_reviews(card).unwrap().len(), 1);
    }

    #[test]
    fn a_failed_write_publishes_nothing() {
        let (mut store, card) = store_with_card();
        store.record_review(card, &review(0), 0, None).unwrap();
        let failed = store.publish(|_: &[SyncedReview]| Err(StoreError::NoSuchDeck("x".into())));
        assert!(failed.is_err());
        assert_eq!(store.published_through().unwrap(), 0);
        assert_eq!(store.unpublished_reviews().unwrap().len(), 1);
    }

    #[test]
    fn merging_the_same_segment_twice_adds_its_reviews_once() {
        let (mut store, _) = store_with_card();
        let (scheduler, clock) = (Scheduler::default_params(), DayClock::new(Utc, 4));
        let at = review(5).at.timestamp_millis();
        let reviews = vec![
            SyncedReview { seq: 7, card: "t/a".into(), at, rating: 3, kind: 0, duration_ms: 1 },
            SyncedReview { seq: 8, card: "t/gone".into(), at, rating: 3, kind: 0, duration_ms: 1 },
            SyncedReview { seq: 9, card: "t/a".into(), at, rating: 9, kind: 0, duration_ms: 1 },
        ];
        let segment = Segment { device: "other".into(), reviews };
        let first = store.merge_devices(&[], std::slice::from_ref(&segment), &[], &scheduler, &clock).unwrap();
        assert_eq!((first.reviews_added, first.reviews_waiting, first.reviews_invalid), (1, 1, 1));
        let again = store.merge_devices(&[], &[segment], &[], &scheduler, &clock).unwrap();
        assert_eq!((again.reviews_added, again.reviews_known), (0, 1));
        assert_eq!(store.review_log().unwrap().len(), 1);
        assert!(store.unpublished_reviews().unwrap().is_empty(), "a merged review is not this device's to publish");
    }

    #[test]
    fn a_database_from_before_syncing_keeps_its_log_and_gives_each_review_its_row_id_as_sequence() {
        use crate::embedded::MIGRATION_FILES;
        use rusqlite_migration::{M, Migrations};
        let sync_at = MIGRATION_FILES.iter().position(|(name, _)| *name == "0010_sync.sql").unwrap();
        let mut conn = Connection::open_in_memory().unwrap();
        let before: Vec<M> = MIGRATION_FILES[..sync_at].iter().map(|(_, sql)| M::up(sql)).collect();
        Migrations::new(before).to_latest(&mut conn).unwrap();
        conn.execute_batch(
            "INSERT INTO decks (id, key, name, area, source) VALUES (1, 'd', 'D', 'sql', 'import');
             INSERT INTO cards (id, key, deck_id, area, prompt, answer, position, created_at, updated_at)
                 VALUES (1, 'd/1', 1, 'sql', 'q', 'a', 0, 0, 0);
             INSERT INTO reviews (id, card_id, at, rating, kind, duration_ms) VALUES
                 (3, 1, 1000, 3, 0, 5), (8, 1, 90000000, 1, 1, 6);",
        )
        .unwrap();
        let rows = |conn: &Connection| -> Vec<(i64, i64, i64)> {
            let mut stmt = conn.prepare("SELECT id, at, rating FROM reviews ORDER BY id").unwrap();
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(Result::unwrap).collect()
        };
        let log = rows(&conn);
        super::super::migrate::migrate(&mut conn).unwrap();
        assert_eq!(rows(&conn), log, "the migration rewrote the log");
        let store =
            Store { conn, path: std::path::PathBuf::from(":memory:"), generation: None, wal_went_missing: false };
        assert_eq!(store.device_id().unwrap().len(), 16);
        let out: Vec<(i64, String, i64)> =
            store.unpublished_reviews().unwrap().into_iter().map(|r| (r.seq, r.card, r.at)).collect();
        assert_eq!(out, vec![(3, "d/1".to_owned(), 1000), (8, "d/1".to_owned(), 90_000_000)]);
    }
}
