//! The preparation cycle around the drill, PURE: the interview log and its recurring gaps, the
//! market review of job listings, the one-page dashboard and the calendar of reminders.
//! Storage lives in `store`, commands in `commands`; nothing here touches a file or a clock.

pub mod dashboard;
pub mod gaps;
pub mod ics;
pub mod interview;
pub mod lexicon;
pub mod market;
pub mod mock;
pub mod profile;

/// Serialises a date as `YYYY-MM-DD` (chrono's serde feature is not enabled).
pub(crate) fn iso_date<S: serde::Serializer>(date: &chrono::NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&date.format("%Y-%m-%d"))
}
