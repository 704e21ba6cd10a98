//! The derived tables of migrations 0012 (`area_cards`, `recall_buckets`, `first_reviews`) and
//! 0014 (`answer_slots`, `due_slots`): read for readiness and the daily figures without touching
//! every card or the whole log, recomputed from scratch by [`rebuild_derived`] (`grill rebuild`,
//! and bulk writers that drop the `derived_%` triggers while they write), and compared with
//! that computation by the tests. Triggers named `derived_...` keep them current on every write.

use rusqlite::OptionalExtension;

use super::{Store, StoreError, from_ms};
use crate::scorecard::{
    AnswerSlot, AreaCards, DueSlot, GAP_FAR, GAP_FROM_LOG, GAP_NOT_COUNTED, RecallBucket, SLOT_MS, Summary,
};
use crate::stats::{AreaCounts, CardFacts, LEECH_LAPSES, Parts, TimedAnswer};

/// The from-scratch definition of `area_cards`, as rows (area, cards, active).
const AREA_CARDS: &str = "SELECT area, count(*), sum(suspended = 0) FROM cards GROUP BY area";

/// The from-scratch definition of `recall_buckets`, as rows (area, sb, lb, n).
const RECALL_BUCKETS: &str = "
    SELECT area, sb, lb, count(*) FROM (
        SELECT c.area, k.sb, s.last_review / k.width_ms AS lb
        FROM card_state s JOIN cards c INDEXED BY cards_area ON c.id = s.card_id
        JOIN stability_classes k ON k.sb = coalesce(
            (SELECT max(sb) FROM stability_classes WHERE lo <= s.stability), -80)
        WHERE c.suspended = 0)
    GROUP BY area, sb, lb";

/// The from-scratch definition of `first_reviews`, as rows (card_id, at).
// NOT INDEXED: one sequential pass over the log and an in-memory grouping is 2.6x faster than
// walking `reviews_card` and looking up each row (0.47 s against 1.23 s for a million reviews).
const FIRST_REVIEWS: &str = "SELECT card_id, min(at) FROM reviews NOT INDEXED WHERE kind <> 4 GROUP BY card_id";

/// The from-scratch definition of `answer_slots`, as rows (slot, area, active, gap, answers,
/// passes, duration_ms): every answer keyed by its card's area and state, its 15-minute slot
/// and its gap to the card's previous answer that is not a preview (see migration 0014).
// One pass of the log in card order (the `reviews_card` index) with `lag` over the non-preview
// answers; previews never count for retention (gap -1).
const ANSWER_SLOTS: &str = "
    SELECT k.slot, c.area, c.suspended = 0, k.gap, count(*), sum(k.pass), sum(k.dur)
    FROM (
        SELECT card_id, at / 900000 AS slot,
               CASE WHEN pat IS NULL THEN -1
                    WHEN kind IN (3, 6) OR pkind IN (3, 6) THEN -2
                    ELSE min(at / 900000 - pat / 900000, 100) END AS gap,
               rating > 1 AS pass, duration_ms AS dur
        FROM (SELECT card_id, at, kind, rating, duration_ms,
                     lag(at) OVER w AS pat, lag(kind) OVER w AS pkind
              FROM reviews WHERE kind <> 4
              WINDOW w AS (PARTITION BY card_id ORDER BY at, id))
        UNION ALL
        SELECT card_id, at / 900000, -1, rating > 1, duration_ms FROM reviews WHERE kind = 4
    ) k JOIN cards c INDEXED BY cards_area ON c.id = k.card_id
    GROUP BY k.slot, c.area, c.suspended, k.gap";

/// The from-scratch definition of `due_slots`, as rows (slot, area, n).
const DUE_SLOTS: &str = "
    SELECT s.due / 900000, c.area, count(*)
    FROM card_state s JOIN cards c INDEXED BY cards_area ON c.id = s.card_id
    WHERE c.suspended = 0
    GROUP BY s.due / 900000, c.area";

/// The from-scratch definition of `last_answers`, as rows (card_id, at, id, kind).
const LAST_ANSWERS: &str = "
    SELECT card_id, at, id, kind FROM (
        SELECT card_id, at, id, kind, row_number() OVER (PARTITION BY card_id ORDER BY at DESC, id DESC) AS rn
        FROM reviews WHERE kind <> 4)
    WHERE rn = 1";

/// The from-scratch definition of `area_answers`, as rows (area, timed).
const AREA_ANSWERS: &str =
    "SELECT c.area, count(*) FROM reviews r JOIN cards c INDEXED BY cards_area ON c.id = r.card_id
     WHERE r.duration_ms > 0 GROUP BY c.area";

/// One row of `answer_slots`: (slot, area, active, gap, answers, passes, duration_ms).
pub type AnswerSlotRow = (i64, String, i64, i64, i64, i64, i64);

/// The derived tables' rows, in key order, to compare stored and recomputed. Rows of the
/// slot tables whose count fell to 0 count nothing and are left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DerivedRows {
    pub area_cards: Vec<(String, i64, i64)>,
    pub recall_buckets: Vec<(String, i64, i64, i64)>,
    pub first_reviews: Vec<(i64, i64)>,
    pub answer_slots: Vec<AnswerSlotRow>,
    pub due_slots: Vec<(i64, String, i64)>,
    pub last_answers: Vec<(i64, i64, i64, i64)>,
    pub area_answers: Vec<(String, i64)>,
}

impl Store {
    /// What readiness at a moment after the last review needs: every area's card counts and the
    /// active reviewed cards bucketed by stability and last review (a few thousand rows at
    /// 50,000 cards, read through their primary key).
    pub fn readiness_summary(&self) -> Result<Summary, StoreError> {
        let mut stmt = self.conn().prepare_cached("SELECT area, cards, active FROM area_cards ORDER BY area")?;
        let areas = stmt
            .query_map([], |r| {
                Ok(AreaCards {
                    area: r.get(0)?,
                    cards: r.get::<_, i64>(1)?.max(0) as usize,
                    active: r.get::<_, i64>(2)?.max(0) as usize,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut stmt = self.conn().prepare_cached(
            "SELECT b.area, k.mid, b.lb * k.width_ms + k.width_ms / 2, b.n
             FROM recall_buckets b JOIN stability_classes k ON k.sb = b.sb",
        )?;
        let buckets = stmt
            .query_map([], |r| {
                Ok(RecallBucket {
                    area: r.get(0)?,
                    stability: r.get::<_, f64>(1)? as f32,
                    last_review: from_ms(r.get(2)?),
                    cards: r.get::<_, i64>(3)?.max(0) as usize,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Summary { areas, buckets })
    }

    /// The answers counted per area and 15-minute slot from `from` (a slot number) on, in slot
    /// order; only the active cards' with `active_only`.
    pub fn answer_slots(&self, from: i64, active_only: bool) -> Result<Vec<AnswerSlot>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT slot, area, active, gap, answers, passes, duration_ms FROM answer_slots
             WHERE slot >= ?1 AND answers > 0 AND (active OR NOT ?2) ORDER BY slot",
        )?;
        let rows = stmt.query_map(rusqlite::params![from, active_only], |r| {
            Ok(AnswerSlot {
                slot: r.get(0)?,
                area: r.get(1)?,
                active: r.get(2)?,
                gap: r.get(3)?,
                answers: r.get::<_, i64>(4)?.max(0) as usize,
                passes: r.get::<_, i64>(5)?.max(0) as usize,
                duration_ms: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The active cards with a state counted per area and 15-minute slot of their due time,
    /// for due times before `until`, in slot order.
    pub fn due_slots(&self, until: chrono::DateTime<chrono::Utc>) -> Result<Vec<DueSlot>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT slot, area, n FROM due_slots WHERE slot < ?1 AND n > 0 ORDER BY slot")?;
        let until = super::to_ms(until).div_euclid(SLOT_MS) + 1;
        let rows = stmt.query_map([until], |r| {
            Ok(DueSlot { slot: r.get(0)?, area: r.get(1)?, cards: r.get::<_, i64>(2)?.max(0) as usize })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// What the stats read instead of every card and the whole log (see `stats::Parts`): the
    /// answers of the answer-time window from `recent_from` on, and the due slots before
    /// `due_until`.
    pub fn stats_parts(
        &self,
        recent_from: chrono::DateTime<chrono::Utc>,
        due_until: chrono::DateTime<chrono::Utc>,
        slots_from: chrono::DateTime<chrono::Utc>,
        areas: &[String],
    ) -> Result<Parts, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT a.area, a.cards, a.active, coalesce((SELECT sum(n) FROM recall_buckets b WHERE b.area = a.area), 0)
             FROM area_cards a ORDER BY a.area",
        )?;
        let count =
            |r: &rusqlite::Row, i: usize| -> rusqlite::Result<usize> { Ok(r.get::<_, i64>(i)?.max(0) as usize) };
        let area_counts: Vec<AreaCounts> = stmt
            .query_map([], |r| {
                Ok(AreaCounts { area: r.get(0)?, cards: count(r, 1)?, active: count(r, 2)?, studied: count(r, 3)? })
            })?
            .collect::<Result<_, _>>()?;
        let mut stmt = self.conn().prepare_cached(
            "SELECT c.area, r.duration_ms, c.time_limit_secs FROM reviews r JOIN cards c ON c.id = r.card_id
             WHERE r.at >= ?1",
        )?;
        let recent = stmt
            .query_map([super::to_ms(recent_from)], |r| {
                Ok(TimedAnswer { area: r.get(0)?, duration_ms: r.get(1)?, time_limit_secs: r.get(2)? })
            })?
            .collect::<Result<_, _>>()?;
        // card_state is small (no text): a scan of it finds the few cards with enough lapses.
        let mut stmt = self.conn().prepare_cached(
            "SELECT c.id, c.key, c.area, c.time_limit_secs, c.suspended, c.leech_cleared_at,
                    s.stability, s.difficulty, s.due, s.last_review, s.reps, s.lapses
             FROM card_state s JOIN cards c ON c.id = s.card_id WHERE s.lapses >= ?1",
        )?;
        let leech_candidates = stmt
            .query_map([LEECH_LAPSES], |r| {
                Ok(CardFacts {
                    id: r.get(0)?,
                    key: r.get(1)?,
                    area: r.get(2)?,
                    time_limit_secs: r.get(3)?,
                    suspended: r.get(4)?,
                    leech_cleared_at: r.get(5)?,
                    state: super::cards::state_at(r, 6)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        let recent_slot = super::to_ms(slots_from).div_euclid(SLOT_MS);
        // Before the retention windows only the answers per slot matter (streak, total).
        let mut args: Vec<rusqlite::types::Value> = vec![recent_slot.into()];
        let mut sql = "SELECT slot, sum(answers) FROM answer_slots WHERE slot < ?1".to_owned();
        sql.push_str(&super::cards::in_clause("area", areas, &mut args));
        sql.push_str(" GROUP BY slot HAVING sum(answers) > 0 ORDER BY slot");
        let mut stmt = self.conn().prepare(&sql)?;
        let older = stmt
            .query_map(rusqlite::params_from_iter(args.iter()), |r| {
                Ok((r.get(0)?, r.get::<_, i64>(1)?.max(0) as usize))
            })?
            .collect::<Result<_, _>>()?;
        Ok(Parts {
            areas: area_counts,
            recent_slot,
            older,
            slots: self.answer_slots(recent_slot, false)?,
            due: self.due_slots(due_until)?,
            recent,
            leech_candidates,
        })
    }

    /// The derived tables as stored.
    pub fn derived_rows(&self) -> Result<DerivedRows, StoreError> {
        derived_rows(
            self.conn(),
            [
                "SELECT area, cards, active FROM area_cards",
                "SELECT area, sb, lb, n FROM recall_buckets",
                "SELECT card_id, at FROM first_reviews",
                "SELECT * FROM answer_slots WHERE answers <> 0 OR passes <> 0 OR duration_ms <> 0",
                "SELECT * FROM due_slots WHERE n <> 0",
                "SELECT card_id, at, id, kind FROM last_answers",
                "SELECT area, timed FROM area_answers WHERE timed <> 0",
            ],
        )
    }

    /// The derived tables as their definitions give them from `cards`, `card_state` and
    /// `reviews`.
    pub fn derived_rows_from_scratch(&self) -> Result<DerivedRows, StoreError> {
        derived_rows(
            self.conn(),
            [AREA_CARDS, RECALL_BUCKETS, FIRST_REVIEWS, ANSWER_SLOTS, DUE_SLOTS, LAST_ANSWERS, AREA_ANSWERS],
        )
    }

    /// Recomputes the derived tables from scratch (part of `grill rebuild`).
    pub fn rebuild_derived(&mut self) -> Result<(), StoreError> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        rebuild_derived(&tx)?;
        tx.commit()?;
        Ok(())
    }
}

/// Recomputes every derived table from scratch inside the caller's transaction: `grill
/// rebuild`, and the bulk writers that drop the `derived_%` triggers while they write (see
/// docs/derived.md) and call this before they recreate them.
pub fn rebuild_derived(conn: &rusqlite::Connection) -> Result<(), StoreError> {
    conn.execute("DELETE FROM area_cards", [])?;
    conn.execute("DELETE FROM recall_buckets", [])?;
    // Past days' recall is filled again by the next reader that needs it (see migration 0016).
    conn.execute("DELETE FROM recall_days", [])?;
    conn.execute(&format!("INSERT INTO area_cards (area, cards, active) {AREA_CARDS}"), [])?;
    rebuild_from_states(conn)?;
    rebuild_from_log(conn)?;
    Ok(())
}

/// Inserts `rows` of `columns.len()` values each into `table`, many rows per statement (one
/// statement per row spent more time running the statement than writing the row).
fn insert_rows(
    conn: &rusqlite::Connection,
    table: &str,
    columns: &[&str],
    rows: impl Iterator<Item = Vec<rusqlite::types::Value>>,
) -> Result<(), StoreError> {
    const PER_INSERT: usize = 64;
    let tuple = format!("({})", vec!["?"; columns.len()].join(", "));
    let sql = |n: usize| {
        format!("INSERT INTO {table} ({}) VALUES {}", columns.join(", "), vec![tuple.as_str(); n].join(", "))
    };
    let mut full = conn.prepare(&sql(PER_INSERT))?;
    let mut args: Vec<rusqlite::types::Value> = Vec::with_capacity(PER_INSERT * columns.len());
    let mut n = 0;
    for row in rows {
        args.extend(row);
        n += 1;
        if n == PER_INSERT {
            full.execute(rusqlite::params_from_iter(args.drain(..)))?;
            n = 0;
        }
    }
    if n > 0 {
        conn.execute(&sql(n), rusqlite::params_from_iter(args))?;
    }
    Ok(())
}

/// Recomputes `recall_buckets` and `due_slots` (their SQL definitions: [`RECALL_BUCKETS`],
/// [`DUE_SLOTS`]) in one read of the states: the class of each stability is looked up among
/// the 241 classes in memory instead of by a subquery per card.
fn rebuild_from_states(conn: &rusqlite::Connection) -> Result<(), StoreError> {
    use rusqlite::types::Value;
    use std::collections::BTreeMap;
    let mut stmt = conn.prepare("SELECT sb, lo, width_ms FROM stability_classes ORDER BY lo")?;
    let classes: Vec<(i64, f64, i64)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<_, _>>()?;
    let Some(&smallest) = classes.iter().min_by_key(|c| c.0) else { return Ok(()) };
    let mut stmt = conn.prepare(
        "SELECT c.area, s.stability, s.last_review, s.due
         FROM card_state s JOIN cards c INDEXED BY cards_area ON c.id = s.card_id WHERE c.suspended = 0",
    )?;
    let mut rows = stmt.query([])?;
    let mut buckets: BTreeMap<(String, i64, i64), i64> = BTreeMap::new();
    let mut due: BTreeMap<(i64, String), i64> = BTreeMap::new();
    while let Some(r) = rows.next()? {
        let area: String = r.get(0)?;
        let stability: f64 = r.get(1)?;
        let i = classes.partition_point(|c| c.1 <= stability);
        let (sb, _, width) = if i == 0 { smallest } else { classes[i - 1] };
        let last_review: i64 = r.get(2)?;
        *buckets.entry((area.clone(), sb, last_review / width)).or_default() += 1;
        *due.entry((r.get::<_, i64>(3)? / SLOT_MS, area)).or_default() += 1;
    }
    conn.execute("DELETE FROM recall_buckets", [])?;
    let rows = buckets.into_iter().map(|((area, sb, lb), n)| vec![Value::from(area), sb.into(), lb.into(), n.into()]);
    insert_rows(conn, "recall_buckets", &["area", "sb", "lb", "n"], rows)?;
    conn.execute("DELETE FROM due_slots", [])?;
    let rows = due.into_iter().map(|((slot, area), n)| vec![Value::from(slot), area.into(), n.into()]);
    insert_rows(conn, "due_slots", &["slot", "area", "n"], rows)
}

/// The key of an `answer_slots` row while it is computed: (slot, area index, active, gap).
type SlotKey = (i64, u32, bool, i8);

/// One answer as [`rebuild_from_log`] reads it.
#[derive(Debug, Clone, Copy)]
struct Answer {
    card_id: i64,
    at: i64,
    id: i64,
    duration_ms: i64,
    /// The log's kinds are 0-6.
    kind: i8,
    pass: bool,
}

const ANSWER_COLUMNS: &str = "card_id, at, id, kind, rating > 1, duration_ms";

fn answer_from(r: &rusqlite::Row) -> rusqlite::Result<Answer> {
    Ok(Answer {
        card_id: r.get(0)?,
        at: r.get(1)?,
        id: r.get(2)?,
        // A kind the schema's CHECK would not let in still groups as an answer.
        kind: i8::try_from(r.get::<_, i64>(3)?).unwrap_or(i8::MAX),
        pass: r.get(4)?,
        duration_ms: r.get(5)?,
    })
}

/// What [`rebuild_from_log`] gathers from the cards' logs.
#[derive(Default)]
struct LogTotals {
    /// (slot, area, active, gap) -> (answers, passes, duration). Hashed with FxHash: a million
    /// answers are counted in it, and SipHash (std's default, made to resist flooding by
    /// chosen keys, which these are not) was a fifth of the rebuild's reading.
    slots: rustc_hash::FxHashMap<SlotKey, (i64, i64, i64)>,
    /// Timed answers by area index.
    timed: Vec<i64>,
    first: Vec<(i64, i64)>,
    last: Vec<(i64, i64, i64, i64)>,
}

impl LogTotals {
    /// Adds one card's log, oldest first (by time, then id); `card` is its (area, active).
    fn add_card(&mut self, card_log: &[Answer], card: Option<(u32, bool)>) {
        const PREVIEW: i8 = 4;
        let special = |kind: i8| kind == 3 || kind == 6;
        let mut previous: Option<&Answer> = None;
        for answer in card_log {
            let slot = answer.at.div_euclid(SLOT_MS);
            let gap = match previous {
                _ if answer.kind == PREVIEW => GAP_NOT_COUNTED,
                None => GAP_NOT_COUNTED,
                Some(p) if special(answer.kind) || special(p.kind) => GAP_FROM_LOG,
                Some(p) => (slot - p.at.div_euclid(SLOT_MS)).min(GAP_FAR),
            };
            if let Some((area, active)) = card {
                self.timed[area as usize] += i64::from(answer.duration_ms > 0);
                // Gaps run from GAP_FROM_LOG (-2) to GAP_FAR (100).
                let e = self.slots.entry((slot, area, active, gap as i8)).or_default();
                e.0 += 1;
                e.1 += i64::from(answer.pass);
                e.2 += answer.duration_ms;
            }
            if answer.kind != PREVIEW {
                if previous.is_none() {
                    self.first.push((answer.card_id, answer.at));
                }
                previous = Some(answer);
            }
        }
        if let Some(p) = previous {
            self.last.push((p.card_id, p.at, p.id, i64::from(p.kind)));
        }
    }
}

/// Whether the log keeps each card's answers mostly together (as a large import writes them):
/// then reading it through `reviews_card` walks the table nearly in order and needs no copy of
/// the log. A log written by drilling (a card's answers spread over its whole length) would be
/// looked up row by row that way (1.3 s against 0.2 s at a million answers), so it is read in
/// table order and sorted in memory instead. Judged from about a thousand rows: whether the
/// answer after each is of the same card.
fn log_in_card_order(conn: &rusqlite::Connection) -> Result<bool, StoreError> {
    const SAMPLE: i64 = 1000;
    let logged: i64 = conn.query_row("SELECT ifnull(max(id), 0) FROM reviews", [], |r| r.get(0))?;
    // Rows spread by a multiplicative hash: evenly spaced ones can all fall on the last answer of
    // a card when every card has as many answers (an Anki collection made by a script).
    let (together, sampled): (i64, i64) = conn.query_row(
        "WITH RECURSIVE k(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM k WHERE n + 1 < ?1)
         SELECT ifnull(sum(a.card_id = b.card_id), 0), count(*)
         FROM k JOIN reviews a ON a.id = (n * 2654435761) % ?2 + 1 JOIN reviews b ON b.id = a.id + 1",
        [SAMPLE, logged.max(1)],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(sampled > 0 && together * 2 >= sampled)
}

/// Recomputes the tables derived from the log (`first_reviews`, `last_answers`,
/// `answer_slots`) in one read of it, card by card: the SQL definitions (`lag` and
/// `row_number` over every card's log) take 7 s at a million reviews, this about half a
/// second. The tests compare the result with those definitions, for every way of reading.
fn rebuild_from_log(conn: &rusqlite::Connection) -> Result<(), StoreError> {
    let read = if log_in_card_order(conn)? { LogRead::InRuns } else { LogRead::Whole };
    rebuild_from_log_read(conn, read)
}

/// How [`rebuild_from_log`] reads the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LogRead {
    /// Whole, in table order, then sorted by card in memory (a log written by drilling).
    Whole,
    /// In table order, each card's answers as the run of rows they make; if a card turns out to
    /// have answers outside its run, through `reviews_card` instead, card by card.
    InRuns,
}

/// Folds the rows `sql` selects ([`ANSWER_COLUMNS`]) into `totals`, each run of rows of one
/// card as that card's log. With `contiguous`, gives up (returning false) when a card comes
/// back after its run: its log was not whole.
fn fold_runs(
    conn: &rusqlite::Connection,
    sql: &str,
    cards: &rustc_hash::FxHashMap<i64, (u32, bool)>,
    totals: &mut LogTotals,
    contiguous: bool,
) -> Result<bool, StoreError> {
    let mut done: rustc_hash::FxHashSet<i64> = rustc_hash::FxHashSet::default();
    let mut stmt = conn.prepare(sql)?;
    let mut rows = stmt.query([])?;
    let mut card: Vec<Answer> = Vec::new();
    loop {
        let answer = rows.next()?.map(answer_from).transpose()?;
        if !card.is_empty() && answer.is_none_or(|a| a.card_id != card[0].card_id) {
            let id = card[0].card_id;
            if contiguous && !done.insert(id) {
                return Ok(false);
            }
            card.sort_unstable_by_key(|a| (a.at, a.id));
            totals.add_card(&card, cards.get(&id).copied());
            card.clear();
        }
        match answer {
            Some(answer) => card.push(answer),
            None => return Ok(true),
        }
    }
}

/// [`rebuild_from_log`], reading the log as `read` says.
fn rebuild_from_log_read(conn: &rusqlite::Connection, read: LogRead) -> Result<(), StoreError> {
    // Areas in name order, so that their indexes sort as their names do.
    let mut stmt = conn.prepare("SELECT DISTINCT area FROM cards ORDER BY area")?;
    let areas: Vec<String> = stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
    let mut cards: rustc_hash::FxHashMap<i64, (u32, bool)> = rustc_hash::FxHashMap::default();
    let mut stmt = conn.prepare("SELECT id, area, suspended FROM cards INDEXED BY cards_area")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let area: String = r.get(1)?;
        let i = areas.binary_search(&area).unwrap_or(0) as u32;
        cards.insert(r.get(0)?, (i, !r.get::<_, bool>(2)?));
    }
    let fresh = || LogTotals { timed: vec![0; areas.len()], ..LogTotals::default() };
    let mut totals = fresh();
    let in_table_order = format!("SELECT {ANSWER_COLUMNS} FROM reviews NOT INDEXED");
    let by_index = format!("SELECT {ANSWER_COLUMNS} FROM reviews INDEXED BY reviews_card ORDER BY card_id");
    match read {
        LogRead::InRuns => {
            if !fold_runs(conn, &in_table_order, &cards, &mut totals, true)? {
                totals = fresh();
                fold_runs(conn, &by_index, &cards, &mut totals, false)?;
            }
        }
        LogRead::Whole => {
            // Sized first (the log's length is its largest id: reviews are only appended):
            // grown by doubling, the vector held up to twice the log while it grew.
            let logged: i64 = conn.query_row("SELECT ifnull(max(id), 0) FROM reviews", [], |r| r.get(0))?;
            let mut log: Vec<Answer> = Vec::with_capacity(usize::try_from(logged).unwrap_or(0));
            let mut stmt = conn.prepare(&in_table_order)?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                log.push(answer_from(r)?);
            }
            log.sort_unstable_by_key(|a| (a.card_id, a.at, a.id));
            for card_log in log.chunk_by(|a, b| a.card_id == b.card_id) {
                totals.add_card(card_log, cards.get(&card_log[0].card_id).copied());
            }
        }
    }
    use rusqlite::types::Value;
    conn.execute("DELETE FROM first_reviews", [])?;
    let rows = totals.first.into_iter().map(|(card_id, at)| vec![Value::from(card_id), at.into()]);
    insert_rows(conn, "first_reviews", &["card_id", "at"], rows)?;
    conn.execute("DELETE FROM last_answers", [])?;
    let rows = totals
        .last
        .into_iter()
        .map(|(card_id, at, id, kind)| vec![Value::from(card_id), at.into(), id.into(), kind.into()]);
    insert_rows(conn, "last_answers", &["card_id", "at", "id", "kind"], rows)?;
    conn.execute("DELETE FROM area_answers", [])?;
    let rows = areas
        .iter()
        .zip(&totals.timed)
        .filter(|(_, n)| **n > 0)
        .map(|(area, n)| vec![Value::from(area.clone()), (*n).into()]);
    insert_rows(conn, "area_answers", &["area", "timed"], rows)?;
    conn.execute("DELETE FROM answer_slots", [])?;
    let mut rows: Vec<_> = totals.slots.into_iter().collect();
    // In key order (areas by name): each insert lands at the end of the table's b-tree.
    rows.sort_unstable_by_key(|(key, _)| *key);
    // Bound from the rows themselves (a row of owned values each cost two allocations).
    let rows = rows.iter().map(|((slot, area, active, gap), (answers, passes, duration))| {
        [slot as &dyn rusqlite::ToSql, &areas[*area as usize], active, gap, answers, passes, duration]
    });
    super::batch::insert_rows(
        conn,
        "INSERT INTO answer_slots (slot, area, active, gap, answers, passes, duration_ms)",
        "",
        rows,
    )
}

/// Runs `write`, a bulk write inside the caller's transaction on `conn`, without the
/// `derived_%` triggers: their SQL is read from `sqlite_master`, they are dropped, `write` runs,
/// every derived table is recomputed by [`rebuild_derived`] and the triggers are created again,
/// all before the caller commits. A million rows then cost one recomputation instead of a
/// million trigger runs. If anything fails the caller's rollback brings the triggers back too
/// (SQLite's schema changes are transactional). Whatever migration adds a `derived_` trigger
/// and table must make [`rebuild_derived`] recompute that table.
pub(super) fn without_derived_triggers<T>(
    conn: &rusqlite::Connection,
    write: impl FnOnce() -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'derived\\_%' ESCAPE '\\'
         ORDER BY name",
    )?;
    let triggers: Vec<(String, String)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
    drop(stmt);
    for (name, _) in &triggers {
        conn.execute_batch(&format!("DROP TRIGGER \"{}\"", name.replace('"', "\"\"")))?;
    }
    let written = write()?;
    crate::memory::give_back_freed();
    rebuild_derived(conn)?;
    for (_, sql) in &triggers {
        conn.execute_batch(sql)?;
    }
    Ok(written)
}

/// The triggers every inserted card runs, one at a time: [`without_card_insert_triggers`]
/// does what they do for all the cards a write added at once.
const CARD_INSERT_TRIGGERS: [&str; 2] = ["derived_card_added", "new_cards_card_added"];

/// What [`CARD_INSERT_TRIGGERS`] do for every card with an id above `?1` (the cards added
/// since) that has no state: each is counted in its area (`area_cards`) and joins the new cards
/// (`new_cards`); `recall_buckets` counts only cards with a state. The tests compare the
/// tables afterwards with their definitions.
const CARDS_ADDED: [&str; 2] = [
    "INSERT INTO area_cards (area, cards, active)
     SELECT area, count(*), sum(suspended = 0) FROM cards WHERE id > ?1 GROUP BY area
     ON CONFLICT (area) DO UPDATE SET cards = cards + excluded.cards, active = active + excluded.active",
    "INSERT INTO new_cards (deck_id, position, card_id)
     SELECT deck_id, position, id FROM cards WHERE id > ?1",
];

/// [`CARDS_ADDED`]'s `new_cards` statement reading the whole `cards_deck` index (each card's
/// deck, position and id) instead of the added cards' rows, which hold their texts: when a
/// write added a good share of the table, this reads far less (100,000 cards added to 50,000:
/// 73 ms against 137 ms), and it comes in `new_cards`' own order. For a few cards added to a
/// large table, the rows are cheaper (the whole index of 150,000 cards: 6 ms).
const CARDS_ADDED_FROM_INDEX: &str = "INSERT INTO new_cards (deck_id, position, card_id)
     SELECT deck_id, position, id FROM cards INDEXED BY cards_deck WHERE id > ?1";

/// From this share of the table on (the added cards' ids against the largest), the added
/// cards join `new_cards` through [`CARDS_ADDED_FROM_INDEX`].
const ADDED_SHARE_FOR_INDEX: i64 = 16;

/// Runs `write`, which inserts and updates cards inside the caller's transaction on `conn`
/// and gives no card a state, without the triggers each inserted card runs
/// ([`CARD_INSERT_TRIGGERS`]); then does their work for all the added cards in two statements
/// ([`CARDS_ADDED`]). Every other trigger (an updated card's) runs as usual. The two cost a
/// quarter of writing 100,000 new cards (1.6 -> 1.4 s in all).
pub(super) fn without_card_insert_triggers<T>(
    conn: &rusqlite::Connection,
    write: impl FnOnce() -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    with_triggers_set_aside(conn, &CARD_INSERT_TRIGGERS, write, |after| {
        let last: i64 = conn.query_row("SELECT ifnull(max(id), 0) FROM cards", [], |r| r.get(0))?;
        let [areas, mut new_cards] = CARDS_ADDED;
        if (last - after) * ADDED_SHARE_FOR_INDEX >= last {
            new_cards = CARDS_ADDED_FROM_INDEX;
        }
        conn.execute(areas, [after])?;
        conn.execute(new_cards, [after])?;
        Ok(())
    })
}

/// The `new_cards` triggers a bulk import of answers runs twice per new card: the card joins
/// `new_cards` when it is inserted and leaves it when its state is written (100,000 statements
/// for the 50,000 cards of an Anki collection).
const NEW_CARD_TRIGGERS: [&str; 2] = ["new_cards_card_added", "new_cards_card_reviewed"];

/// Runs `write`, which inserts cards and writes states inside the caller's transaction on
/// `conn` (and deletes no card), without [`NEW_CARD_TRIGGERS`]; then brings `new_cards` to its
/// definition (the cards without a state) in two statements: the cards that gained a state
/// leave it, the added cards without one join it.
pub(super) fn without_new_card_triggers<T>(
    conn: &rusqlite::Connection,
    write: impl FnOnce() -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    with_triggers_set_aside(conn, &NEW_CARD_TRIGGERS, write, |after| {
        conn.execute("DELETE FROM new_cards WHERE card_id IN (SELECT card_id FROM card_state)", [])?;
        conn.execute(
            "INSERT INTO new_cards (deck_id, position, card_id)
             SELECT deck_id, position, id FROM cards c
             WHERE id > ?1 AND NOT EXISTS (SELECT 1 FROM card_state s WHERE s.card_id = c.id)",
            [after],
        )?;
        Ok(())
    })
}

/// Runs `write` inside the caller's transaction with the triggers `names` dropped, then `redo`
/// (given the largest card id before `write`: the cards added since have larger ones), which
/// does the triggers' work at once, and creates the triggers again from their saved SQL. When
/// a trigger is not there as expected (a later migration renamed it), `write` simply runs with
/// the triggers. A failure rolls the dropped triggers back with the transaction.
fn with_triggers_set_aside<T>(
    conn: &rusqlite::Connection,
    names: &[&str],
    write: impl FnOnce() -> Result<T, StoreError>,
    redo: impl FnOnce(i64) -> Result<(), StoreError>,
) -> Result<T, StoreError> {
    let mut saved = Vec::new();
    for name in names {
        let sql: Option<String> = conn
            .query_row("SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = ?1", [name], |r| r.get(0))
            .optional()?;
        match sql {
            Some(sql) => saved.push((name, sql)),
            None => return write(),
        }
    }
    let after: i64 = conn.query_row("SELECT ifnull(max(id), 0) FROM cards", [], |r| r.get(0))?;
    for (name, _) in &saved {
        conn.execute_batch(&format!("DROP TRIGGER {name}"))?;
    }
    let written = write()?;
    redo(after)?;
    for (_, sql) in &saved {
        conn.execute_batch(sql)?;
    }
    Ok(written)
}

fn derived_rows(
    conn: &rusqlite::Connection,
    [areas, buckets, first, answers, due, last, timed]: [&str; 7],
) -> Result<DerivedRows, StoreError> {
    let mut stmt = conn.prepare(&format!("SELECT * FROM ({areas}) ORDER BY 1"))?;
    let area_cards = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<_, _>>()?;
    let mut stmt = conn.prepare(&format!("SELECT * FROM ({buckets}) ORDER BY 1, 2, 3"))?;
    let recall_buckets =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?.collect::<Result<_, _>>()?;
    let mut stmt = conn.prepare(&format!("SELECT * FROM ({first}) ORDER BY 1"))?;
    let first_reviews = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
    let mut stmt = conn.prepare(&format!("SELECT * FROM ({answers}) ORDER BY 1, 2, 3, 4"))?;
    let answer_slots = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)))?
        .collect::<Result<_, _>>()?;
    let mut stmt = conn.prepare(&format!("SELECT * FROM ({due}) ORDER BY 1, 2"))?;
    let due_slots = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<_, _>>()?;
    let mut stmt = conn.prepare(&format!("SELECT * FROM ({last}) ORDER BY 1"))?;
    let last_answers =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?.collect::<Result<_, _>>()?;
    let mut stmt = conn.prepare(&format!("SELECT * FROM ({timed}) ORDER BY 1"))?;
    let area_answers = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
    Ok(DerivedRows { area_cards, recall_buckets, first_reviews, answer_slots, due_slots, last_answers, area_answers })
}

#[cfg(test)]
#[path = "derived_tests.rs"]
mod tests;
