//! The moments a scorecard is asked for: `--at DATE`, `--in 5d`, and the weekly history's
//! points. A date means the END of that day (just before the next day's rollover), so it
//! includes all of that day's practice; recall is the same at any moment of a day anyway,
//! because it counts whole days since the last review.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};

use crate::scheduler::DayClock;

/// The longest projection `--in` accepts (100 years, grill's longest interval).
pub const MAX_IN_DAYS: u32 = 36_500;

/// A moment typed by the user for `--at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// A calendar date: the end of that day.
    Date(NaiveDate),
    /// An exact moment (RFC 3339).
    Instant(DateTime<Utc>),
}

impl When {
    /// The instant this stands for, with days as `clock` counts them.
    pub fn resolve<Tz: TimeZone>(self, clock: &DayClock<Tz>) -> DateTime<Utc> {
        match self {
            When::Date(date) => end_of_day(i64::from(date.num_days_from_ce()), clock),
            When::Instant(at) => at,
        }
    }
}

/// Parses `--at`: `YYYY-MM-DD` or an RFC 3339 time.
pub fn parse_when(text: &str) -> Result<When, String> {
    let text = text.trim();
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(When::Date(date));
    }
    DateTime::parse_from_rfc3339(text).map(|at| When::Instant(at.with_timezone(&Utc))).map_err(|_| {
        format!("{text:?} is not a date (YYYY-MM-DD, e.g. 2026-03-20) or an RFC 3339 time (e.g. 2026-03-20T09:00:00Z)")
    })
}

/// Parses `--in`: a whole number of days (`5d`) or weeks (`2w`); returns days.
pub fn parse_in(text: &str) -> Result<u32, String> {
    let text = text.trim();
    let lower = text.to_ascii_lowercase();
    let (number, unit_days) = match (lower.strip_suffix('d'), lower.strip_suffix('w')) {
        (Some(n), _) => (n, 1),
        (_, Some(n)) => (n, 7),
        _ => ("", 0),
    };
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{text:?} is not a duration like 5d (days) or 2w (weeks)"));
    }
    number
        .parse::<u32>()
        .ok()
        .and_then(|n| n.checked_mul(unit_days))
        .filter(|days| *days <= MAX_IN_DAYS)
        .ok_or_else(|| format!("{text:?} is more than {MAX_IN_DAYS} days ahead"))
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

/// The calendar date of day number `day`.
pub fn date_of_day(day: i64) -> NaiveDate {
    i32::try_from(day).ok().and_then(NaiveDate::from_num_days_from_ce_opt).unwrap_or(NaiveDate::MIN)
}
