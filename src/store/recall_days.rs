//! `recall_days` (migration 0016): each area's recall sum at the end of past grill days, kept
//! for `grill score --history` and the report (see docs/derived.md). [`Store::weekly_history`]
//! reads the rows, computes the days it lacks (which ones: `scorecard::days_to_fill`) and
//! stores them; `derived_recall_days_...` triggers drop every row a write could change.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use rusqlite::OptionalExtension;

use super::{Store, StoreError, from_ms, to_ms};
use crate::scheduler::{DayClock, Scheduler};
use crate::scorecard::{self, CardInput, HistoryPoint, end_of_day, history_moments};

/// Above this many answers since the oldest day to fill, the fill replays the whole log (read
/// in one pass) rather than each answered card's log through the card index.
const REPLAY_ALL_ABOVE: i64 = 50_000;

/// What the stored sums depend on besides the log and the cards: the day boundaries (the time
/// zone and the day's start hour, as the start of every day from 2010 to 2039) and the FSRS
/// parameters (`fitted`; empty: the defaults).
pub fn recall_key<Tz: TimeZone>(clock: &DayClock<Tz>, fitted: &[f32]) -> String {
    let first = i64::from(NaiveDate::from_ymd_opt(2010, 1, 1).expect("a date").num_days_from_ce());
    let last = i64::from(NaiveDate::from_ymd_opt(2040, 1, 1).expect("a date").num_days_from_ce());
    // FNV-1a over the day starts: a fixed function, since the key is compared across runs.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for day in first..last {
        for byte in clock.day_start(day).timestamp().to_le_bytes() {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    let params: Vec<u32> = fitted.iter().map(|p| p.to_bits()).collect();
    format!("v1 days {hash:016x} parameters {params:?}")
}

/// The `meta` key naming the clock and parameters the rows were computed with.
const CLOCK_KEY: &str = "recall_days_clock";

impl Store {
    /// Each area's score at the end of every `weeks`-th day back from `end`, oldest first (see
    /// [`history_moments`]); `only` (when not empty) keeps those areas: the exact replay's
    /// figures ([`crate::scorecard::history`]), with past days read from `recall_days` and the
    /// days it lacks computed and stored (see docs/derived.md). `key` is [`recall_key`]'s.
    #[allow(clippy::too_many_arguments)]
    pub fn weekly_history<Tz: TimeZone>(
        &self,
        scheduler: &Scheduler,
        clock: &DayClock<Tz>,
        key: &str,
        now: DateTime<Utc>,
        end: DateTime<Utc>,
        weeks: u32,
        only: &[String],
    ) -> Result<Vec<HistoryPoint>, StoreError> {
        let points = history_moments(end, weeks, clock);
        let today = clock.day_of(now);
        // A point at the end of a day before today is a past day's, which the table can hold.
        let past_day = |at: DateTime<Utc>| {
            let day = clock.day_of(at);
            (day < today && at == end_of_day(day, clock)).then_some(day)
        };
        let writable = self.recall_days_for(key)?;
        let ends: Vec<i64> =
            points.iter().filter_map(|(_, at)| past_day(*at)).map(|d| ms(end_of_day(d, clock))).collect();
        let mut stored = self.recall_days(&ends)?;
        let missing: Vec<i64> = points
            .iter()
            .filter_map(|(_, at)| past_day(*at))
            .filter(|d| !stored.contains_key(&ms(end_of_day(*d, clock))))
            .collect();
        let newest = self.newest_recall_day(ms(clock.day_start(today)))?.map(|end| clock.day_of(from_ms(end)));
        let fill = scorecard::days_to_fill(&missing, newest, today, writable);
        let live = points.iter().map(|(_, at)| *at).filter(|at| past_day(*at).is_none());
        let moments: std::collections::BTreeSet<DateTime<Utc>> =
            fill.iter().map(|d| end_of_day(*d, clock)).chain(live).collect();
        let moments: Vec<DateTime<Utc>> = moments.into_iter().collect();
        if let Some(first) = moments.first() {
            let since = clock.day_start(clock.day_of(*first));
            let cards = if self.answers_since(since)? > REPLAY_ALL_ABOVE {
                self.scorecard_cards()?
            } else {
                self.scorecard_cards_since(since)?
            };
            let computed = scorecard::recall_sums_at(&cards, &moments, scheduler, clock)?;
            if writable && !fill.is_empty() {
                let rows: Vec<(i64, BTreeMap<String, f64>)> = moments
                    .iter()
                    .zip(&computed)
                    .filter(|(at, _)| past_day(**at).is_some())
                    .map(|(at, sums)| (ms(*at), sums.clone()))
                    .collect();
                match self.save_recall_days(&rows) {
                    // Another grill holding the database, or a read-only one: the figures stand,
                    // the days are computed again next time.
                    Ok(()) | Err(StoreError::ReadOnly(_) | StoreError::Busy(_)) => {}
                    Err(e) => return Err(e),
                }
            }
            stored.extend(moments.iter().map(|at| ms(*at)).zip(computed));
        }
        let sums: Vec<BTreeMap<String, f64>> =
            points.iter().map(|(_, at)| stored.get(&ms(*at)).cloned().unwrap_or_default()).collect();
        let active: Vec<(String, usize)> =
            self.readiness_summary()?.areas.into_iter().filter(|a| a.cards > 0).map(|a| (a.area, a.active)).collect();
        Ok(scorecard::history_from_sums(&points, &sums, &active, only))
    }

    /// Makes the rows those of `key` (the time zone, day start and parameters they depend on):
    /// when they were computed with another, they are all dropped. Returns whether the rows
    /// can be written (false for a database opened only to read).
    pub fn recall_days_for(&self, key: &str) -> Result<bool, StoreError> {
        let stored: Option<String> =
            self.conn().query_row("SELECT value FROM meta WHERE key = ?1", [CLOCK_KEY], |r| r.get(0)).optional()?;
        if stored.as_deref() == Some(key) {
            return Ok(!self.conn().is_readonly(rusqlite::MAIN_DB)?);
        }
        let reset = || -> Result<(), StoreError> {
            let tx = self.conn().unchecked_transaction()?;
            tx.execute("DELETE FROM recall_days", [])?;
            tx.execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [CLOCK_KEY, key],
            )?;
            tx.commit()?;
            Ok(())
        };
        match reset() {
            Ok(()) => Ok(true),
            // Nothing stored can be used, and nothing can be stored: compute everything.
            Err(StoreError::ReadOnly(_)) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// The stored sums at the day ends `ends` (ms) that have a row: {day end: {area: sum}}.
    pub fn recall_days(&self, ends: &[i64]) -> Result<HashMap<i64, BTreeMap<String, f64>>, StoreError> {
        let mut stmt = self.conn().prepare_cached("SELECT sums FROM recall_days WHERE day_end = ?1")?;
        let mut out = HashMap::new();
        for &end in ends {
            if let Some(json) = stmt.query_row([end], |r| r.get::<_, String>(0)).optional()? {
                // A row that does not parse is treated as missing: it is computed again.
                if let Ok(sums) = serde_json::from_str(&json) {
                    out.insert(end, sums);
                }
            }
        }
        Ok(out)
    }

    /// The latest day end (ms) with stored sums before `before` (ms), if any.
    pub fn newest_recall_day(&self, before: i64) -> Result<Option<i64>, StoreError> {
        Ok(self.conn().query_row("SELECT max(day_end) FROM recall_days WHERE day_end < ?1", [before], |r| r.get(0))?)
    }

    /// Stores the sums at day ends (ms), replacing rows at the same ends, in one transaction.
    /// Only days that have ended before every review written since the sums were computed
    /// may be stored: the caller computes and stores without a write in between.
    pub fn save_recall_days(&self, rows: &[(i64, BTreeMap<String, f64>)]) -> Result<(), StoreError> {
        let tx = self.conn().unchecked_transaction()?;
        {
            let mut stmt = tx.prepare_cached("INSERT OR REPLACE INTO recall_days (day_end, sums) VALUES (?1, ?2)")?;
            for (end, sums) in rows {
                // Sums are finite: a failure only leaves the day to be computed again.
                let Ok(json) = serde_json::to_string(sums) else { continue };
                stmt.execute(rusqlite::params![end, json])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// How many answers the log holds from `since` on (through the time index).
    pub fn answers_since(&self, since: DateTime<Utc>) -> Result<i64, StoreError> {
        Ok(self.conn().query_row("SELECT count(*) FROM reviews WHERE at >= ?1", [to_ms(since)], |r| r.get(0))?)
    }

    /// The cards in id order, as recall sums at moments from `since` on need them (not the
    /// scorecard's retention): a card answered from `since` on (or later than now) with its
    /// whole log, to be replayed; any other active card with a state with that state, which no
    /// answer from `since` on changed, and without its key. Far cheaper than
    /// [`Store::scorecard_cards`] when few cards were answered since.
    pub fn scorecard_cards_since(&self, since: DateTime<Utc>) -> Result<Vec<CardInput>, StoreError> {
        let mut recent: Vec<i64> = self
            .conn()
            .prepare("SELECT DISTINCT card_id FROM reviews INDEXED BY reviews_at WHERE at >= ?1")?
            .query_map([to_ms(since)], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        recent.sort_unstable();
        let imported = if recent.is_empty() { HashMap::new() } else { super::imported::load_all(self.conn())? };
        let mut stmt = self.conn().prepare(
            "SELECT c.id, c.key, c.area, c.suspended, s.stability, s.difficulty, s.due, s.last_review, s.reps, s.lapses
             FROM cards c INDEXED BY cards_area LEFT JOIN card_state s ON s.card_id = c.id ORDER BY c.id",
        )?;
        let mut log = self.conn().prepare_cached(
            "SELECT card_id, at, rating, kind FROM reviews INDEXED BY reviews_card WHERE card_id = ?1 ORDER BY at, id",
        )?;
        let mut rows = stmt.query([])?;
        let mut cards = Vec::new();
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let replay = recent.binary_search(&id).is_ok();
            let reviews = if replay {
                log.query_map([id], |r| Ok(super::reviews::review_from(r.get(1)?, r.get(2)?, r.get(3)?)))?
                    .collect::<Result<Vec<_>, _>>()?
            } else {
                Vec::new()
            };
            let current = if replay { None } else { super::cards::state_at(r, 4)? };
            let suspended: bool = r.get(3)?;
            // A card that will not be replayed and has no state, or is suspended, adds nothing.
            if !replay && (current.is_none() || suspended) {
                continue;
            }
            cards.push(CardInput {
                // Only a replay needs the key (it seeds the fuzz).
                key: if replay { r.get(1)? } else { String::new() },
                area: r.get(2)?,
                suspended,
                reviews,
                current,
                start: if replay { imported.get(&id).and_then(|i| i.start) } else { None },
            });
        }
        Ok(cards)
    }
}

fn ms(at: DateTime<Utc>) -> i64 {
    at.timestamp_millis()
}
