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
