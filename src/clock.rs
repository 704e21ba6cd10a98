//! The one clock: every "now" in grill comes from [`Clock::now`], which honours `GRILL_NOW`
//! (RFC 3339) so tests and users can simulate days passing.

use chrono::{DateTime, Datelike, SubsecRound, Utc};

/// Where "now" comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// The system clock.
    System,
    /// A fixed instant (from `GRILL_NOW`).
    Fixed(DateTime<Utc>),
}

/// `GRILL_NOW` was set but is not an RFC 3339 time.
#[derive(Debug, thiserror::Error)]
#[error("GRILL_NOW: {value:?} is not an RFC 3339 time (e.g. 2026-03-01T09:00:00Z): {reason}")]
pub struct ClockError {
    value: String,
    reason: String,
}

impl Clock {
    /// The clock `GRILL_NOW` asks for (the system clock when unset). Set but empty or
    /// blank is an error: silently using the real clock would record reviews at the wrong time.
    pub fn from_env() -> Result<Clock, ClockError> {
        match std::env::var("GRILL_NOW") {
            Err(std::env::VarError::NotPresent) => Ok(Clock::System),
            Err(std::env::VarError::NotUnicode(v)) => {
                Err(ClockError { value: v.to_string_lossy().into_owned(), reason: "not valid UTF-8".into() })
            }
            Ok(value) => match DateTime::parse_from_rfc3339(value.trim()) {
                // A card may fall due 100 years on, and dates end in year 9999.
                Ok(t) if t.year() > 9899 => {
                    Err(ClockError { value, reason: "after 9899-12-31 (a card may be due 100 years later)".into() })
                }
                Ok(t) => Ok(Clock::Fixed(t.with_timezone(&Utc))),
                Err(e) => Err(ClockError { value, reason: e.to_string() }),
            },
        }
    }

    /// Now, to the millisecond (the precision the review log keeps).
    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now().trunc_subsecs(3),
            Clock::Fixed(at) => at.trunc_subsecs(3),
        }
    }
}
