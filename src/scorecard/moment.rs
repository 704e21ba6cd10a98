//! The moments a scorecard is asked for: `--at DATE`, `--in 5d`, and the weekly history's
//! points. A date means the END of that day (just before the next day's rollover), so it
//! includes all of that day's practice; recall is the same at any moment of a day anyway,
//! because it counts whole days since the last review.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};

use crate::scheduler::DayClock;
use crate::values::DayOrInstant;

impl DayOrInstant {
    /// The instant this stands for, with days as `clock` counts them: a date means the end of
    /// that day.
    pub fn resolve<Tz: TimeZone>(self, clock: &DayClock<Tz>) -> DateTime<Utc> {
        match self {
            DayOrInstant::Day(date) => end_of_day(i64::from(date.num_days_from_ce()), clock),
            DayOrInstant::Instant(at) => at,
        }
    }
}

/// `now` moved `days` days ahead.
pub fn days_after(now: DateTime<Utc>, days: u32) -> DateTime<Utc> {
    now + Duration::days(i64::from(days))
}

/// The last millisecond of day `day` (the review log's precision).
pub fn end_of_day<Tz: TimeZone>(day: i64, clock: &DayClock<Tz>) -> DateTime<Utc> {
    clock.day_start(day + 1) - Duration::milliseconds(1)
}

/// The history's points, oldest first: `end` itself and the ends of the days 1, 2, ...
/// `weeks - 1` weeks before it, each with its day's date.
pub fn history_moments<Tz: TimeZone>(
    end: DateTime<Utc>,
    weeks: u32,
    clock: &DayClock<Tz>,
) -> Vec<(NaiveDate, DateTime<Utc>)> {
    let last = clock.day_of(end);
    (0..i64::from(weeks.max(1)))
        .rev()
        .map(|k| {
            let day = last - 7 * k;
            let at = if k == 0 { end } else { end_of_day(day, clock) };
            (date_of_day(day), at)
        })
        .collect()
}

pub use crate::values::date_of_day;

/// The past days whose recall a history computes (and stores, when `writable`), given the
/// days its points need that are not stored (`missing`) and the newest stored day before
/// `today`: every day from the oldest missing one, or from the day after the newest stored
/// one, to yesterday, so that each new day adds one day whichever days the points fall on.
/// Without storage, only the missing days.
pub fn days_to_fill(missing: &[i64], newest_stored: Option<i64>, today: i64, writable: bool) -> Vec<i64> {
    if !writable {
        return missing.to_vec();
    }
    let after_newest = newest_stored.map(|d| d + 1).filter(|d| *d < today);
    match missing.iter().copied().chain(after_newest).min() {
        Some(oldest) => (oldest..today).collect(),
        None => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::days_to_fill;

    #[test]
    fn a_history_fills_from_the_oldest_missing_day_or_the_day_after_the_newest_stored() {
        // Nothing stored: from the oldest point to yesterday (day 9).
        assert_eq!(days_to_fill(&[3, 6], None, 10, true), (3..10).collect::<Vec<_>>());
        // Points all stored, but yesterday is not: the days since the newest stored one.
        assert_eq!(days_to_fill(&[], Some(7), 10, true), vec![8, 9]);
        // Up to date: nothing.
        assert_eq!(days_to_fill(&[], Some(9), 10, true), Vec::<i64>::new());
        // A missing point older than the newest stored day (a write dropped it) comes first.
        assert_eq!(days_to_fill(&[2], Some(8), 10, true), (2..10).collect::<Vec<_>>());
        // Read-only: only what the points need.
        assert_eq!(days_to_fill(&[3, 6], Some(1), 10, false), vec![3, 6]);
    }
}
