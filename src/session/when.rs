//! Interview dates as users type them (`--until 2026-03-06`, `--until 2026-03-06T14:00:00+01:00`,
//! `--in 3d`, `--in 2w`), turned into day numbers of the scheduler's day clock. Pure.

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};

use crate::scheduler::DayClock;

/// A value the user typed that grill cannot use; exits with code 2.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{flag}: {message}")]
pub struct InputError {
    /// The option or setting the value was given to (`--until`, `--role`).
    pub flag: String,
    pub message: String,
}

impl InputError {
    /// An error about the value of `flag`.
    pub fn new(flag: &str, message: impl Into<String>) -> Self {
        InputError { flag: flag.to_owned(), message: message.into() }
    }
}

/// The day number of a calendar date (days since 0001-01-01, as `DayClock` counts).
pub fn day_of_date(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce())
}

/// The calendar date of a day number.
pub fn date_of_day(day: i64) -> NaiveDate {
    i32::try_from(day).ok().and_then(NaiveDate::from_num_days_from_ce_opt).unwrap_or(NaiveDate::MAX)
}

/// The day `text` names: a date (YYYY-MM-DD) or an RFC 3339 time (the day it falls in, in the
/// user's time zone and day rollover). Days before `today` are refused.
pub fn parse_day<Tz: TimeZone>(flag: &str, text: &str, today: i64, clock: &DayClock<Tz>) -> Result<i64, InputError> {
    let text = text.trim();
    let day = if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        day_of_date(date)
    } else if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        clock.day_of(at.with_timezone(&Utc))
    } else {
        return Err(InputError::new(
            flag,
            format!("{text:?} is not a date: use YYYY-MM-DD (e.g. 2026-03-06) or an RFC 3339 time"),
        ));
    };
    if day < today {
        return Err(InputError::new(flag, format!("{text} is in the past (today is {})", date_of_day(today))));
    }
    Ok(day)
}

/// Days from today that `text` names: `Nd` (days) or `Nw` (weeks), e.g. `3d`, `2w`.
pub fn parse_offset(flag: &str, text: &str) -> Result<i64, InputError> {
    let text = text.trim();
    let bad = || InputError::new(flag, format!("{text:?} is not a span: use a number of days or weeks, e.g. 3d or 2w"));
    let (number, per) = match (text.strip_suffix(['d', 'D']), text.strip_suffix(['w', 'W'])) {
        (Some(n), _) => (n, 1),
        (_, Some(n)) => (n, 7),
        _ => return Err(bad()),
    };
    let days = number.parse::<i64>().ok().and_then(|n| n.checked_mul(per)).ok_or_else(bad)?;
    if !(0..=3650).contains(&days) {
        return Err(InputError::new(flag, format!("{text} is out of range (0 days to 10 years)")));
    }
    Ok(days)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() -> (DayClock<chrono::FixedOffset>, i64) {
        let clock = DayClock::new(chrono::FixedOffset::east_opt(3600).unwrap(), 4);
        let today = day_of_date(NaiveDate::from_ymd_opt(2026, 3, 2).unwrap());
        (clock, today)
    }

    #[test]
    fn a_date_names_its_day() {
        let (clock, today) = setup();
        assert_eq!(parse_day("--until", "2026-03-06", today, &clock), Ok(today + 4));
        assert_eq!(date_of_day(today + 4).to_string(), "2026-03-06");
    }

    #[test]
    fn an_rfc3339_time_counts_in_the_users_day_with_its_rollover() {
        let (clock, today) = setup();
        // 02:30 local on the 6th is still the 5th's day (days roll over at 4 a.m.).
        assert_eq!(parse_day("--until", "2026-03-06T01:30:00Z", today, &clock), Ok(today + 3));
        assert_eq!(parse_day("--until", "2026-03-06T14:00:00+01:00", today, &clock), Ok(today + 4));
    }

    #[test]
    fn a_past_or_unreadable_date_is_refused_with_the_flag_named() {
        let (clock, today) = setup();
        let e = parse_day("--until", "2026-03-01", today, &clock).unwrap_err();
        assert_eq!(e.to_string(), "--until: 2026-03-01 is in the past (today is 2026-03-02)");
        let e = parse_day("--on", "next friday", today, &clock).unwrap_err();
        assert!(e.to_string().starts_with("--on: \"next friday\" is not a date"), "{e}");
    }

    #[test]
    fn spans_are_days_or_weeks() {
        assert_eq!(parse_offset("--in", "3d"), Ok(3));
        assert_eq!(parse_offset("--in", "2w"), Ok(14));
        assert_eq!(parse_offset("--in", "0d"), Ok(0));
        for bad in ["3", "d", "-1d", "3m", "", "99999w", "1.5d", "3é"] {
            assert!(parse_offset("--in", bad).is_err(), "{bad}");
        }
    }
}
