//! The stats from the derived tables instead of every card and the whole log: card counts per
//! area, the answers per area and 15-minute slot (heatmap, streak, true retention), the due
//! times per slot (forecast), the last 30 days of answers (answer times, whose medians need the
//! answers themselves) and the few cards with enough lapses to be leeches. Every figure equals
//! the one [`super::compute`] gives from the log (see `scorecard::slots` for why slots fold into
//! days exactly); when a retention window holds a cram or mock answer, whose counting depends
//! on the card's other answers that day, [`compute_from_parts`] says so and the caller computes
//! from the log.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, TimeZone, Utc};

use super::retention::RETENTION_WINDOWS;
use super::{
    ANSWER_TIME_DAYS, AreaRetention, AreaTime, CardCounts, CardFacts, DayCount, FORECAST_DAYS, Retention, Stats, date,
    forecast_counts, heatmap, leeches, median, streak,
};
use crate::scheduler::DayClock;
use crate::scorecard::{AnswerSlot, DueSlot, SlotDays, retention_from_slots, slot_start};

/// How far back `Parts::slots` must reach, in days before today: the longest retention
/// window, and the day before it for the gaps of its first answers.
pub const OLDEST_WINDOW_DAYS: i64 = 367;

/// One area's cards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaCounts {
    pub area: String,
    pub cards: usize,
    /// Not suspended.
    pub active: usize,
    /// Active and reviewed at least once.
    pub studied: usize,
}

/// One answer of the answer-time window.
#[derive(Debug, Clone, PartialEq)]
pub struct TimedAnswer {
    pub area: String,
    pub duration_ms: i64,
    pub time_limit_secs: Option<u32>,
}

/// What the stats are computed from when they come from the derived tables.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parts {
    pub areas: Vec<AreaCounts>,
    /// The answer slots (all cards, suspended ones too) from `recent_slot` on: what true
    /// retention and the heatmap read.
    pub slots: Vec<AnswerSlot>,
    /// The first slot of `slots`: at least [`OLDEST_WINDOW_DAYS`] before today.
    pub recent_slot: i64,
    /// The answers per slot before `recent_slot`, of the areas asked for only (the streak and
    /// the total count need every day with an answer).
    pub older: Vec<(i64, usize)>,
    /// The due slots up to the end of the forecast.
    pub due: Vec<DueSlot>,
    /// The answers from the start of the answer-time window on.
    pub recent: Vec<TimedAnswer>,
    /// The cards with at least `LEECH_LAPSES` lapses (the only ones that can be leeches).
    pub leech_candidates: Vec<CardFacts>,
}

/// The stats from `parts`, as [`super::compute`] gives them from the log; `None` when a
/// retention window holds an answer whose counting must be read from the log.
pub fn compute_from_parts<Tz: TimeZone>(
    parts: &Parts,
    now: DateTime<Utc>,
    clock: &DayClock<Tz>,
    areas: &[String],
) -> Option<Stats> {
    let wanted = |area: &str| areas.is_empty() || areas.iter().any(|a| a == area);
    let today = clock.day_of(now);
    let area_names: BTreeSet<String> = parts.areas.iter().filter(|a| wanted(&a.area)).map(|a| a.area.clone()).collect();
    let filtered: Vec<AnswerSlot>;
    let slots: &[AnswerSlot] = if areas.is_empty() {
        &parts.slots
    } else {
        filtered = parts.slots.iter().filter(|s| wanted(&s.area)).cloned().collect();
        &filtered
    };
    let first = parts.older.first().map(|s| s.0).or(slots.first().map(|s| s.slot));
    let first = first.map_or(today, |slot| clock.day_of(slot_start(slot)).min(today));
    let longest = RETENTION_WINDOWS.iter().max().copied().unwrap_or(0);
    let slot_days = SlotDays::new(clock, first.min(today - longest) - 2, today);
    let mut per_day: BTreeMap<i64, usize> = BTreeMap::new();
    let every = parts.older.iter().copied().chain(slots.iter().map(|s| (s.slot, s.answers)));
    for (slot, answers) in every {
        if let Some(day) = slot_days.day(slot) {
            *per_day.entry(day).or_default() += answers;
        }
    }
    let mut windows = Vec::new();
    for days in RETENTION_WINDOWS {
        windows.push(retention_from_slots(slots, &slot_days, today, days, false)?);
    }
    let counts = parts.areas.iter().filter(|a| wanted(&a.area));
    Some(Stats {
        today: date(today),
        areas: area_names.iter().cloned().collect(),
        cards: CardCounts {
            total: counts.clone().map(|a| a.cards).sum(),
            studied: counts.clone().map(|a| a.studied).sum(),
            new: counts.clone().map(|a| a.active.saturating_sub(a.studied)).sum(),
            suspended: counts.map(|a| a.cards.saturating_sub(a.active)).sum(),
        },
        answers: slots.iter().map(|s| s.answers).sum::<usize>() + parts.older.iter().map(|s| s.1).sum::<usize>(),
        heatmap: heatmap(&per_day, today),
        streak: streak(&per_day, today),
        retention: retention(&area_names, &windows),
        forecast: forecast(&parts.due, &wanted, today, clock),
        answer_times: answer_times(&parts.recent, &wanted),
        leeches: leeches(&parts.leech_candidates.iter().filter(|c| wanted(&c.area)).collect::<Vec<_>>()),
    })
}

fn retention(areas: &BTreeSet<String>, windows: &[BTreeMap<String, (usize, usize)>]) -> Vec<AreaRetention> {
    let rate = |days: i64, (passed, total): (usize, usize)| Retention {
        days,
        passed,
        total,
        rate: (total > 0).then(|| passed as f64 / total as f64),
    };
    let mut out: Vec<AreaRetention> = areas
        .iter()
        .map(|area| AreaRetention {
            area: area.clone(),
            windows: RETENTION_WINDOWS
                .iter()
                .zip(windows)
                .map(|(&days, w)| rate(days, w.get(area).copied().unwrap_or_default()))
                .collect(),
        })
        .collect();
    out.push(AreaRetention {
        area: "all".to_owned(),
        windows: RETENTION_WINDOWS
            .iter()
            .zip(windows)
            .map(|(&days, w)| {
                let sum = w
                    .iter()
                    .filter(|(area, _)| areas.contains(*area))
                    .fold((0, 0), |(p, t), (_, (passed, total))| (p + passed, t + total));
                rate(days, sum)
            })
            .collect(),
    });
    out
}

fn forecast<Tz: TimeZone>(
    due: &[DueSlot],
    wanted: &dyn Fn(&str) -> bool,
    today: i64,
    clock: &DayClock<Tz>,
) -> Vec<DayCount> {
    let slot_days = SlotDays::new(clock, today, today + FORECAST_DAYS);
    let offsets = due.iter().filter(|d| wanted(&d.area)).filter_map(|d| {
        let offset = if d.slot < slot_days.first_slot() { 0 } else { slot_days.day(d.slot)? - today };
        Some((offset, d.cards))
    });
    forecast_counts(offsets, today)
}

/// Per area: how many answers, their median time, the median time limit of the cards answered
/// and how many ran over it.
pub(super) fn answer_times(recent: &[TimedAnswer], wanted: &dyn Fn(&str) -> bool) -> Vec<AreaTime> {
    let mut areas: BTreeMap<&str, (Vec<f64>, Vec<f64>, usize)> = BTreeMap::new();
    for answer in recent.iter().filter(|a| wanted(&a.area)) {
        let (times, limits, over) = areas.entry(&answer.area).or_default();
        let secs = answer.duration_ms as f64 / 1000.0;
        times.push(secs);
        if let Some(limit) = answer.time_limit_secs {
            limits.push(f64::from(limit));
            *over += usize::from(secs > f64::from(limit));
        }
    }
    areas
        .into_iter()
        .map(|(area, (mut times, mut limits, over_limit))| AreaTime {
            area: area.to_owned(),
            answers: times.len(),
            median_secs: median(&mut times).unwrap_or(0.0),
            limit_median_secs: median(&mut limits),
            timed: limits.len(),
            over_limit,
        })
        .collect()
}

/// The first moment of the answer-time window at `now`.
pub fn answer_time_window_start<Tz: TimeZone>(now: DateTime<Utc>, clock: &DayClock<Tz>) -> DateTime<Utc> {
    clock.day_start(clock.day_of(now) - (ANSWER_TIME_DAYS - 1))
}
