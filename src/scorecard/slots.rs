//! Answers and due times counted per area and 15-minute UTC slot (the derived tables of
//! migration 0014), folded into grill days at read time. A grill day starts at the rollover
//! hour in the user's time zone, always on a whole quarter hour for today's zones, so a slot
//! lies in exactly one day and every figure folded from slots equals the one computed from the
//! log (a zone with an offset that is not a whole quarter hour, such as a historical local mean
//! time, would misplace the answers of one slot per day boundary).

use std::collections::BTreeMap;

use chrono::{DateTime, TimeZone, Utc};

use crate::scheduler::DayClock;

/// The width of a slot, in milliseconds.
pub const SLOT_MS: i64 = 900_000;

/// `gap` of an answer that never counts for true retention: a preview, or the card's first answer.
pub const GAP_NOT_COUNTED: i64 = -1;
/// `gap` of a cram or mock answer, or of one right after such an answer: whether it counts
/// depends on the card's other answers that grill day, so it must be read from the log.
pub const GAP_FROM_LOG: i64 = -2;
/// `gap` of an answer at least this many slots (25 hours) after the previous one: always a
/// later day, whatever the time zone.
pub const GAP_FAR: i64 = 100;

/// The answers of one area in one slot with one gap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerSlot {
    /// `at / SLOT_MS` of the answers.
    pub slot: i64,
    pub area: String,
    /// Whether the card is active (not suspended).
    pub active: bool,
    /// Slots since the card's previous answer that was not a preview, capped at [`GAP_FAR`];
    /// or [`GAP_NOT_COUNTED`], [`GAP_FROM_LOG`].
    pub gap: i64,
    pub answers: usize,
    /// Answers not rated Again.
    pub passes: usize,
    pub duration_ms: i64,
}

/// The active cards of one area due in one slot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueSlot {
    pub slot: i64,
    pub area: String,
    pub cards: usize,
}

/// The start of slot `slot`.
pub fn slot_start(slot: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(slot.saturating_mul(SLOT_MS)).unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// The slot `at` falls in.
pub fn slot_of(at: DateTime<Utc>) -> i64 {
    at.timestamp_millis().div_euclid(SLOT_MS)
}

/// The grill day of each slot over a range of days, from the day starts (one time-zone lookup
/// per day instead of one per slot).
#[derive(Debug, Clone)]
pub struct SlotDays {
    first_day: i64,
    /// The first slot of `first_day + i`; one more entry than days, for the end.
    starts: Vec<i64>,
}

impl SlotDays {
    /// Days `first..=last` (slots outside them fall before or after).
    pub fn new<Tz: TimeZone>(clock: &DayClock<Tz>, first: i64, last: i64) -> Self {
        let starts = (first..=last + 1).map(|day| slot_of(clock.day_start(day))).collect();
        SlotDays { first_day: first, starts }
    }

    /// The day of `slot`: `None` outside the range.
    pub fn day(&self, slot: i64) -> Option<i64> {
        let i = self.starts.partition_point(|&s| s <= slot);
        (i > 0 && i < self.starts.len()).then(|| self.first_day + i as i64 - 1)
    }

    /// The first slot of the range.
    pub fn first_slot(&self) -> i64 {
        self.starts[0]
    }

    /// Whether the answers of `row` count for true retention (made on a later day than the
    /// card's previous answer): `None` for [`GAP_FROM_LOG`] or outside the range.
    pub fn counted(&self, row: &AnswerSlot) -> Option<bool> {
        match row.gap {
            GAP_NOT_COUNTED => Some(false),
            GAP_FAR => Some(true),
            gap if (0..GAP_FAR).contains(&gap) => Some(self.day(row.slot)? > self.day(row.slot - gap)?),
            _ => None,
        }
    }
}

/// Per area: (passes, counted reviews) of true retention over the `days` days up to `today`
/// (today included), from the answers of active cards only when `active_only`. `None` when a
/// row in the window must be read from the log ([`GAP_FROM_LOG`]). `slot_days` must cover
/// the window and the day before it.
pub fn retention_from_slots(
    rows: &[AnswerSlot],
    slot_days: &SlotDays,
    today: i64,
    days: i64,
    active_only: bool,
) -> Option<BTreeMap<String, (usize, usize)>> {
    let mut out: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for row in rows.iter().filter(|r| r.active || !active_only) {
        let Some(day) = slot_days.day(row.slot) else { continue };
        if !(0..days).contains(&(today - day)) {
            continue;
        }
        if slot_days.counted(row)? {
            let e = out.entry(row.area.clone()).or_default();
            e.0 += row.passes;
            e.1 += row.answers;
        }
    }
    Some(out)
}
