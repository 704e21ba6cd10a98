//! PURE: the numbers `grill stats` and `grill report` show, computed from the review log and
//! the card states. No database, clock or terminal in here; `now` and the day clock arrive as
//! arguments, and JSON output serialises the same [`Stats`].

mod leech;
mod parts;
mod retention;

pub use leech::{LEECH_LAPSES, is_leech};
pub use parts::{AreaCounts, OLDEST_WINDOW_DAYS, Parts, TimedAnswer, answer_time_window_start, compute_from_parts};
pub use retention::RETENTION_WINDOWS;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use serde::Serialize;

use crate::scheduler::{CardState, DayClock, Review};
use crate::scorecard::date_of_day as date;

/// Weeks the activity heatmap covers (the current week and the 11 before it).
pub const HEATMAP_WEEKS: i64 = 12;
/// Days the due forecast covers, today first.
pub const FORECAST_DAYS: i64 = 30;
/// Days of answers the answer-time medians look at.
pub const ANSWER_TIME_DAYS: i64 = 30;

/// One answer from the review log.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LogEntry {
    pub card_id: i64,
    pub review: Review,
    pub duration_ms: i64,
}

/// What the stats need to know about a card.
#[derive(Debug, Clone, PartialEq)]
pub struct CardFacts {
    pub id: i64,
    pub key: String,
    pub area: String,
    pub time_limit_secs: Option<u32>,
    pub suspended: bool,
    /// The card's lapses when a rewrite cleared its leech status (see [`is_leech`]).
    pub leech_cleared_at: Option<u32>,
    pub state: Option<CardState>,
}

impl CardFacts {
    /// Whether the card is a leech now.
    pub fn is_leech(&self) -> bool {
        self.state.is_some_and(|s| is_leech(s.lapses, self.leech_cleared_at))
    }
}

/// Everything `grill stats` shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    /// Today's date (a grill day: it begins at the rollover hour).
    #[serde(serialize_with = "iso_date")]
    pub today: NaiveDate,
    /// The areas included (all areas with cards, unless narrowed).
    pub areas: Vec<String>,
    pub cards: CardCounts,
    /// Answers logged in total (every kind).
    pub answers: usize,
    /// Answers per day from the Monday [`HEATMAP_WEEKS`] weeks back to today.
    pub heatmap: Vec<DayCount>,
    pub streak: Streak,
    /// True retention per area, then `all` for every area together.
    pub retention: Vec<AreaRetention>,
    /// Cards due per day for the next [`FORECAST_DAYS`] days; today's count includes overdue cards.
    pub forecast: Vec<DayCount>,
    /// Median answer time per area over the last [`ANSWER_TIME_DAYS`] days.
    pub answer_times: Vec<AreaTime>,
    /// Cards forgotten [`LEECH_LAPSES`] times or more, most lapses first.
    pub leeches: Vec<Leech>,
}

/// Card counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CardCounts {
    pub total: usize,
    /// Reviewed at least once and not suspended.
    pub studied: usize,
    /// Never reviewed and not suspended.
    pub new: usize,
    pub suspended: usize,
}

/// A count on one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DayCount {
    #[serde(serialize_with = "iso_date")]
    pub date: NaiveDate,
    pub count: usize,
}

/// Consecutive days with at least one answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Streak {
    /// Days up to today, or up to yesterday while today has no answer yet (the streak is
    /// only broken once a whole day passes without one).
    pub current: u32,
    pub longest: u32,
    pub answered_today: bool,
}

/// True retention of one area over several windows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaRetention {
    /// The area, or `all`.
    pub area: String,
    pub windows: Vec<Retention>,
}

/// True retention over the last `days` days: the share of reviews, made at least a day after
/// the card's previous review, not rated Again.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Retention {
    pub days: i64,
    pub passed: usize,
    pub total: usize,
    /// `passed / total`; `None` with no reviews.
    pub rate: Option<f64>,
}

/// Answer times of one area against its cards' time limits.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaTime {
    pub area: String,
    pub answers: usize,
    pub median_secs: f64,
    /// The median time limit of the cards behind those answers (`None` if none has one).
    pub limit_median_secs: Option<f64>,
    /// Answers to cards with a time limit, and how many of them took longer.
    pub timed: usize,
    pub over_limit: usize,
}

/// A card forgotten again and again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Leech {
    pub card: String,
    pub area: String,
    pub lapses: u32,
    pub suspended: bool,
}

/// Computes every number from the cards, the log (any order) and `now`. With `areas` not
/// empty, only those areas' cards and answers count.
pub fn compute<Tz: TimeZone>(
    cards: &[CardFacts],
    log: &[LogEntry],
    now: DateTime<Utc>,
    clock: &DayClock<Tz>,
    areas: &[String],
) -> Stats {
    let cards: Vec<&CardFacts> = cards.iter().filter(|c| areas.is_empty() || areas.contains(&c.area)).collect();
    let by_id: HashMap<i64, &CardFacts> = cards.iter().map(|c| (c.id, *c)).collect();
    let mut log: Vec<LogEntry> = log.iter().filter(|e| by_id.contains_key(&e.card_id)).copied().collect();
    log.sort_by_key(|e| (e.card_id, e.review.at));
    let today = clock.day_of(now);
    let area_names: BTreeSet<String> = cards.iter().map(|c| c.area.clone()).collect();
    let per_day = answers_per_day(&log, clock);
    Stats {
        today: date(today),
        areas: area_names.iter().cloned().collect(),
        cards: card_counts(&cards),
        answers: log.len(),
        heatmap: heatmap(&per_day, today),
        streak: streak(&per_day, today),
        retention: retention::by_area(&log, &by_id, &area_names, today, clock),
        forecast: forecast(&cards, today, clock),
        answer_times: answer_times(&log, &by_id, today, clock),
        leeches: leeches(&cards),
    }
}

/// Dates as `YYYY-MM-DD` in JSON (chrono's serde support is not enabled).
fn iso_date<S: serde::Serializer>(date: &NaiveDate, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(&date.format("%Y-%m-%d"))
}

fn card_counts(cards: &[&CardFacts]) -> CardCounts {
    let active = || cards.iter().filter(|c| !c.suspended);
    CardCounts {
        total: cards.len(),
        studied: active().filter(|c| c.state.is_some()).count(),
        new: active().filter(|c| c.state.is_none()).count(),
        suspended: cards.iter().filter(|c| c.suspended).count(),
    }
}

fn answers_per_day<Tz: TimeZone>(log: &[LogEntry], clock: &DayClock<Tz>) -> BTreeMap<i64, usize> {
    let mut per_day = BTreeMap::new();
    for entry in log {
        *per_day.entry(clock.day_of(entry.review.at)).or_insert(0) += 1;
    }
    per_day
}

fn heatmap(per_day: &BTreeMap<i64, usize>, today: i64) -> Vec<DayCount> {
    let monday = today - i64::from(date(today).weekday().num_days_from_monday());
    let first = monday - 7 * (HEATMAP_WEEKS - 1);
    (first..=today).map(|day| DayCount { date: date(day), count: per_day.get(&day).copied().unwrap_or(0) }).collect()
}

fn streak(per_day: &BTreeMap<i64, usize>, today: i64) -> Streak {
    let answered_today = per_day.contains_key(&today);
    let mut current = 0;
    let mut day = if answered_today { today } else { today - 1 };
    while per_day.contains_key(&day) {
        current += 1;
        day -= 1;
    }
    let (mut longest, mut run, mut previous) = (0, 0, None);
    for &day in per_day.keys().filter(|&&d| d <= today) {
        run = if previous == Some(day - 1) { run + 1 } else { 1 };
        longest = longest.max(run);
        previous = Some(day);
    }
    Streak { current, longest, answered_today }
}

fn forecast<Tz: TimeZone>(cards: &[&CardFacts], today: i64, clock: &DayClock<Tz>) -> Vec<DayCount> {
    let due = cards.iter().filter(|c| !c.suspended).filter_map(|c| c.state.as_ref());
    forecast_counts(due.map(|state| (clock.day_of(state.due) - today, 1)), today)
}

/// The forecast from (days after today, cards) pairs: overdue cards count today.
fn forecast_counts(due: impl Iterator<Item = (i64, usize)>, today: i64) -> Vec<DayCount> {
    let mut counts = vec![0usize; FORECAST_DAYS as usize];
    for (offset, n) in due {
        if let Some(count) = usize::try_from(offset.max(0)).ok().and_then(|i| counts.get_mut(i)) {
            *count += n;
        }
    }
    counts.into_iter().enumerate().map(|(i, count)| DayCount { date: date(today + i as i64), count }).collect()
}

fn answer_times<Tz: TimeZone>(
    log: &[LogEntry],
    by_id: &HashMap<i64, &CardFacts>,
    today: i64,
    clock: &DayClock<Tz>,
) -> Vec<AreaTime> {
    let recent: Vec<parts::TimedAnswer> = log
        .iter()
        .filter(|e| clock.day_of(e.review.at) > today - ANSWER_TIME_DAYS)
        .map(|entry| {
            let card = by_id[&entry.card_id];
            parts::TimedAnswer {
                area: card.area.clone(),
                duration_ms: entry.duration_ms,
                time_limit_secs: card.time_limit_secs,
            }
        })
        .collect();
    parts::answer_times(&recent, &|_| true)
}

/// The median (the mean of the middle two for an even count).
pub fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) { (values[mid - 1] + values[mid]) / 2.0 } else { values[mid] })
}

fn leeches(cards: &[&CardFacts]) -> Vec<Leech> {
    let mut out: Vec<Leech> = cards
        .iter()
        .filter(|c| c.is_leech())
        .map(|c| Leech {
            card: c.key.clone(),
            area: c.area.clone(),
            lapses: c.state.map_or(0, |s| s.lapses),
            suspended: c.suspended,
        })
        .collect();
    out.sort_by(|a, b| b.lapses.cmp(&a.lapses).then_with(|| a.card.cmp(&b.card)));
    out
}

#[cfg(test)]
mod tests;
