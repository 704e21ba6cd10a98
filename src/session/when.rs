//! Interview dates as users type them (`--until 2026-03-06`, `--until 2026-03-06T14:00:00+01:00`,
//! `--in 3d`, `--in 2w`), turned into day numbers of the scheduler's day clock. Pure.

use chrono::{Datelike, NaiveDate, TimeZone};

use crate::scheduler::DayClock;
use crate::values::DayOrInstant;

pub use crate::values::InputError;

/// The day number of a calendar date (days since 0001-01-01, as `DayClock` counts).
pub fn day_of_date(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce())
}

pub use crate::values::date_of_day;

/// The day `text` names: a date (YYYY-MM-DD) or an RFC 3339 time (the day it falls in, in the
/// user's time zone and day rollover). Days before `today` are refused.
pub fn day_of<Tz: TimeZone>(
    flag: &str,
    when: DayOrInstant,
    today: i64,
    clock: &DayClock<Tz>,
) -> Result<i64, InputError> {
    let day = match when {
        DayOrInstant::Day(date) => day_of_date(date),
        DayOrInstant::Instant(at) => clock.day_of(at),
    };
    if day < today {
        return Err(InputError::new(
            flag,
            format!("{} is in the past (today is {})", date_of_day(day), date_of_day(today)),
        ));
    }
    Ok(day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(text: &str) -> DayOrInstant {
        text.parse().unwrap()
    }

    fn setup() -> (DayClock<chrono::FixedOffset>, i64) {
        let clock = DayClock::new(chrono::FixedOffset::east_opt(3600).unwrap(), 4);
        let today = day_of_date(NaiveDate::from_ymd_opt(2026, 3, 2).unwrap());
        (clock, today)
    }

    #[test]
    fn a_date_names_its_day() {
        let (clock, today) = setup();
        assert_eq!(day_of("--until", w("2026-03-06"), today, &clock), Ok(today + 4));
        assert_eq!(date_of_day(today + 4).to_string(), "2026-03-06");
    }

    #[test]
    fn an_rfc3339_time_counts_in_the_users_day_with_its_rollover() {
        let (clock, today) = setup();
        // 02:30 local on the 6th is still the 5th's day (days roll over at 4 a.m.).
        assert_eq!(day_of("--until", w("2026-03-06T01:30:00Z"), today, &clock), Ok(today + 3));
        assert_eq!(day_of("--until", w("2026-03-06T14:00:00+01:00"), today, &clock), Ok(today + 4));
    }

    #[test]
    fn a_past_or_unreadable_date_is_refused_with_the_flag_named() {
        let (clock, today) = setup();
        let e = day_of("--until", w("2026-03-01"), today, &clock).unwrap_err();
        assert_eq!(e.to_string(), "--until: 2026-03-01 is in the past (today is 2026-03-02)");
    }
}
