//! Values that mean something, parsed once where the user types them (clap uses their
//! `FromStr`), so `--area SQL` or `--in 2w` means the same thing in every command. Pure, and the
//! bottom layer: every other module may use it.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};

/// A value the user typed that grill cannot use; exits with code 2 as
/// `grill: <flag>: <message>`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{flag}: {message}")]
pub struct InputError {
    /// The option, argument or setting the value was given to (`--until`, `--role`, `CARD`).
    pub flag: String,
    pub message: String,
}

impl InputError {
    /// An error about the value of `flag`.
    pub fn new(flag: &str, message: impl Into<String>) -> Self {
        InputError { flag: flag.to_owned(), message: message.into() }
    }
}

/// An area name as grill stores it: lower case, words joined by hyphens (`System design`,
/// `system_design` and `SYSTEM-DESIGN` are all `system-design`). Whether any deck has the area is
/// checked against the store, once, by the use case that needs it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Area(String);

impl Area {
    /// The canonical spelling of `typed`.
    pub fn fold(typed: &str) -> Area {
        let name = typed
            .trim()
            .to_lowercase()
            .split([' ', '_', '-'])
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        Area(name)
    }

    /// The name as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Area {
    type Err = String;

    fn from_str(typed: &str) -> Result<Area, String> {
        let area = Area::fold(typed);
        if area.0.is_empty() {
            return Err("an area name is needed, e.g. sql or system-design".to_owned());
        }
        Ok(area)
    }
}

impl fmt::Display for Area {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The longest span grill accepts: 100 years, its longest interval.
pub const MAX_SPAN_DAYS: u32 = 36_500;

/// A length of time in whole days, typed as `5d` (days) or `2w` (weeks).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Span {
    pub days: u32,
}

impl FromStr for Span {
    type Err = String;

    fn from_str(typed: &str) -> Result<Span, String> {
        let text = typed.trim().to_ascii_lowercase();
        let bad = || format!("{typed:?} is not a span: a number of days or weeks, e.g. 5d or 2w");
        let (number, per) = match (text.strip_suffix('d'), text.strip_suffix('w')) {
            (Some(n), _) => (n, 1),
            (_, Some(n)) => (n, 7),
            _ => return Err(bad()),
        };
        if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let days = number.parse::<u32>().ok().and_then(|n| n.checked_mul(per)).ok_or_else(bad)?;
        if days > MAX_SPAN_DAYS {
            return Err(format!("{typed:?} is more than {MAX_SPAN_DAYS} days ahead"));
        }
        Ok(Span { days })
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.days.is_multiple_of(7) && self.days > 0 {
            write!(f, "{}w", self.days / 7)
        } else {
            write!(f, "{}d", self.days)
        }
    }
}

/// The last moment grill stores or prints, 9999-12-31T23:59:59Z: RFC 3339 has four-digit
/// years, so a due date past it would print as `+10000-...` and read back nowhere.
pub fn latest_moment() -> DateTime<Utc> {
    DateTime::<Utc>::from_naive_utc_and_offset(LAST_DATE.and_hms_opt(23, 59, 59).unwrap_or_default(), Utc)
}

const LAST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(9999, 12, 31) {
    Some(date) => date,
    None => NaiveDate::MAX,
};

/// The calendar date of a grill day number (days since 0001-01-01, as `DayClock` counts),
/// clamped to the dates chrono can hold: far past days are the first date, far future days the
/// last (one rule for every caller).
pub fn date_of_day(day: i64) -> NaiveDate {
    match i32::try_from(day).ok().and_then(NaiveDate::from_num_days_from_ce_opt) {
        Some(date) => date,
        None if day < 0 => NaiveDate::MIN,
        None => NaiveDate::MAX,
    }
}

/// A moment as typed: a calendar day (`2026-03-20`: the user's local day, with the day
/// rollover) or an exact RFC 3339 time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayOrInstant {
    Day(NaiveDate),
    Instant(DateTime<Utc>),
}

impl FromStr for DayOrInstant {
    type Err = String;

    fn from_str(typed: &str) -> Result<DayOrInstant, String> {
        let text = typed.trim();
        if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            return Ok(DayOrInstant::Day(date));
        }
        DateTime::parse_from_rfc3339(text).map(|at| DayOrInstant::Instant(at.with_timezone(&Utc))).map_err(|_| {
            format!(
                "{text:?} is not a date (YYYY-MM-DD, e.g. 2026-03-20) or an RFC 3339 time (e.g. 2026-03-20T09:00:00Z)"
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn areas_fold_case_spaces_and_underscores() {
        for typed in ["System design", "system_design", "SYSTEM-DESIGN", " system  design "] {
            assert_eq!(typed.parse::<Area>().unwrap().as_str(), "system-design");
        }
        assert!("".parse::<Area>().is_err());
    }

    #[test]
    fn spans_are_days_or_weeks() {
        assert_eq!("5d".parse::<Span>().unwrap().days, 5);
        assert_eq!("2W".parse::<Span>().unwrap().days, 14);
        assert_eq!("0d".parse::<Span>().unwrap().days, 0);
        for bad in ["", "d", "5", "-3d", "3 weeks", "1.5w", "5300w", "3m", "3é"] {
            assert!(bad.parse::<Span>().is_err(), "{bad}");
        }
        assert_eq!(Span { days: 14 }.to_string(), "2w");
        assert_eq!(Span { days: 5 }.to_string(), "5d");
    }

    #[test]
    fn day_numbers_out_of_range_clamp_by_direction() {
        assert_eq!(date_of_day(739_311).to_string(), "2025-03-01");
        assert_eq!(date_of_day(i64::MIN), NaiveDate::MIN);
        assert_eq!(date_of_day(i64::MAX), NaiveDate::MAX);
    }

    #[test]
    fn moments_are_dates_or_rfc3339_times() {
        assert_eq!(
            "2026-03-20".parse::<DayOrInstant>().unwrap(),
            DayOrInstant::Day(NaiveDate::from_ymd_opt(2026, 3, 20).unwrap())
        );
        assert!(matches!("2026-03-20T09:00:00+01:00".parse::<DayOrInstant>(), Ok(DayOrInstant::Instant(_))));
        assert!("next friday".parse::<DayOrInstant>().is_err());
    }
}
