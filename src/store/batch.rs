//! Writing many rows at once: several rows per statement (imports), and appending many reviews
//! in one transaction with each card's state written once, not once per review (the benchmark
//! generator).

use std::collections::HashMap;

use rusqlite::{Connection, ToSql, params};

use super::reviews::write_state;
use super::{Store, StoreError, to_ms};
use crate::scheduler::{CardState, Review};

/// One review to append in bulk, with the card's memory state after it (as the log keeps it).
#[derive(Debug, Clone, PartialEq)]
pub struct NewReview {
    pub card_id: i64,
    pub review: Review,
    pub duration_ms: u64,
    /// The state after this review (`None` when the review leaves the card without one).
    pub state: Option<CardState>,
}

/// Pages the batch may keep in memory while it writes (64 MiB): the review index is written out of
/// order, and with SQLite's default 2 MiB cache each insert would re-read its index page from disk.
const BATCH_CACHE_KIB: i64 = 64 * 1024;

impl Store {
    /// Appends `reviews` to the log in one transaction (all or nothing) and sets each card's state
    /// to the state after its last review in `reviews`. Returns how many reviews were written.
    pub fn append_reviews_batch(&mut self, reviews: &[NewReview]) -> Result<usize, StoreError> {
        super::with_pragma(&mut self.conn, "cache_size", &BATCH_CACHE_KIB.saturating_neg(), |conn| {
            append_in_one_transaction(conn, reviews)
        })
    }
}

fn append_in_one_transaction(conn: &mut rusqlite::Connection, reviews: &[NewReview]) -> Result<usize, StoreError> {
    let tx = conn.transaction()?;
    let mut last: HashMap<i64, Option<CardState>> = HashMap::new();
    {
        let mut insert = tx.prepare_cached(
            "INSERT INTO reviews (card_id, at, rating, kind, duration_ms, stability, difficulty)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for r in reviews {
            insert.execute(params![
                r.card_id,
                to_ms(r.review.at),
                r.review.rating as i64,
                r.review.kind as i64,
                i64::try_from(r.duration_ms).unwrap_or(i64::MAX),
                r.state.map(|s| s.stability),
                r.state.map(|s| s.difficulty),
            ])?;
            last.insert(r.card_id, r.state);
        }
    }
    let mut cards: Vec<(i64, Option<CardState>)> = last.into_iter().collect();
    cards.sort_by_key(|(id, _)| *id);
    for (card_id, state) in &cards {
        write_state(&tx, *card_id, state.as_ref())?;
    }
    tx.commit()?;
    Ok(reviews.len())
}

/// Rows one statement of [`insert_rows`] writes. A statement that runs triggers first copies
/// every page it touches to SQLite's statement journal: one statement per row copied the same
/// few pages for every card of a 100,000-card import (0.5 of its 1.8 s of writing).
const ROWS_PER_STATEMENT: usize = 256;

/// Runs `{head} VALUES (?, ...), (?, ...) {tail}` for `rows`, [`ROWS_PER_STATEMENT`] rows per
/// statement, in order. `head` names the table and its columns, one per value of each row;
/// `tail` may be an upsert clause.
pub(super) fn insert_rows<R: AsRef<[V]>, V: ToSql>(
    conn: &Connection,
    head: &str,
    tail: &str,
    rows: impl IntoIterator<Item = R>,
) -> Result<(), StoreError> {
    let mut rows = rows.into_iter().peekable();
    let Some(first) = rows.peek() else { return Ok(()) };
    let row = format!("({})", vec!["?"; first.as_ref().len()].join(", "));
    let mut chunk: Vec<R> = Vec::with_capacity(ROWS_PER_STATEMENT);
    loop {
        chunk.extend(rows.by_ref().take(ROWS_PER_STATEMENT));
        if chunk.is_empty() {
            return Ok(());
        }
        let sql = format!("{head} VALUES {} {tail}", vec![row.as_str(); chunk.len()].join(", "));
        let mut stmt = conn.prepare_cached(&sql)?;
        for (i, value) in chunk.iter().flat_map(AsRef::as_ref).enumerate() {
            stmt.raw_bind_parameter(i + 1, value)?;
        }
        stmt.raw_execute()?;
        chunk.clear();
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::scheduler::{DayClock, Rating, ReviewKind, Scheduler};

    fn store_with_cards(n: usize) -> (Store, Vec<i64>) {
        let mut store = Store::open_in_memory().unwrap();
        let cards: String =
            (0..n).map(|i| format!("[[cards]]\nid = \"t/{i}\"\nprompt = \"q{i}\"\nanswer = \"- a\"\n")).collect();
        let deck =
            crate::deck::parse_toml("t.toml", &format!("[deck]\nid = \"t\"\nname = \"T\"\narea = \"sql\"\n{cards}"))
                .unwrap();
        let now = Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).unwrap();
        {
            let (sch, clk) =
                (crate::scheduler::Scheduler::default_params(), crate::scheduler::DayClock::new(chrono::Utc, 4));
            let how = crate::store::SyncOptions::import(now, &sch, &clk);
            store.sync_decks(&[deck], &[], &how, &mut || {}).unwrap();
        }
        let ids = store.cards(&Default::default()).unwrap().iter().map(|c| c.id).collect();
        (store, ids)
    }

    #[test]
    fn a_batch_logs_every_review_and_keeps_each_cards_last_state() {
        let (mut store, ids) = store_with_cards(2);
        let scheduler = Scheduler::default_params();
        let clock = DayClock::new(Utc, 4);
        let mut batch = Vec::new();
        for (i, &card_id) in ids.iter().enumerate() {
            let mut state = None;
            for day in 0..3 {
                let at = Utc.with_ymd_and_hms(2026, 1, 1 + day * 5, 9, i as u32, 0).unwrap();
                let kind = Scheduler::drill_kind(state.as_ref(), at, &clock);
                let review = Review { at, rating: Rating::Good, kind };
                state = Some(scheduler.answer(&format!("t/{i}"), state.as_ref(), Rating::Good, at, &clock).unwrap());
                batch.push(NewReview { card_id, review, duration_ms: 1000, state });
            }
        }
        assert_eq!(store.append_reviews_batch(&batch).unwrap(), 6);
        assert_eq!(store.card_reviews(ids[1]).unwrap().len(), 3);
        assert_eq!(store.stored_states().unwrap(), store.replayed_states(&scheduler, &clock).unwrap());
        assert_eq!(store.stored_states().unwrap()[1].1, batch[5].state.unwrap());
        assert_eq!(store.card_reviews(ids[0]).unwrap()[0].review.kind, ReviewKind::Learn);
    }

    #[test]
    fn rows_are_written_in_order_across_statements_and_the_tail_applies_to_each() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL, n INTEGER)").unwrap();
        let keys: Vec<i64> = (0..600).collect();
        let texts: Vec<String> = keys.iter().map(|k| format!("v{k}")).collect();
        let rows: Vec<[&dyn ToSql; 2]> = keys.iter().zip(&texts).map(|(k, v)| [k as &dyn ToSql, v]).collect();
        insert_rows(&conn, "INSERT INTO t (k, v)", "", &rows).unwrap();
        // 600 rows are three statements (256 + 256 + 88); the upsert tail updates each.
        let again: Vec<String> = keys.iter().map(|k| format!("w{k}")).collect();
        let rows: Vec<[&dyn ToSql; 2]> = keys.iter().zip(&again).map(|(k, v)| [k as &dyn ToSql, v]).collect();
        insert_rows(&conn, "INSERT INTO t (k, v)", "ON CONFLICT (k) DO UPDATE SET v = excluded.v, n = 1", &rows)
            .unwrap();
        let stored: Vec<(i64, String, Option<i64>)> = conn
            .prepare("SELECT k, v, n FROM t ORDER BY rowid")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let expected: Vec<(i64, String, Option<i64>)> = keys.iter().map(|&k| (k, format!("w{k}"), Some(1))).collect();
        assert_eq!(stored, expected);
        insert_rows(&conn, "INSERT INTO t (k, v)", "", Vec::<[&dyn ToSql; 2]>::new()).unwrap();
    }

    #[test]
    fn a_failing_batch_writes_nothing() {
        let (mut store, ids) = store_with_cards(1);
        let at = Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).unwrap();
        let good = NewReview {
            card_id: ids[0],
            review: Review { at, rating: Rating::Good, kind: ReviewKind::Learn },
            duration_ms: 1,
            state: None,
        };
        let unknown_card = NewReview { card_id: 999_999, ..good.clone() };
        assert!(store.append_reviews_batch(&[good, unknown_card]).is_err());
        assert!(store.card_reviews(ids[0]).unwrap().is_empty());
    }
}
