//! The weekly readiness history (`grill score --history`, the report's chart): past days come
//! from `recall_days` (see [`Store::weekly_history`]), computed once and then read.

use anyhow::Result;
use chrono::{DateTime, Utc};

use super::App;
use crate::scorecard::HistoryPoint;
use crate::store::recall_key;

/// Each area's score at the end of every `weeks`-th day back from `end`, oldest first (see
/// [`crate::scorecard::history_moments`]); `only` (when not empty) keeps those areas. The
/// figures are the exact replay's ([`crate::scorecard::history`]).
pub fn history(app: &App, end: DateTime<Utc>, weeks: u32, only: &[String]) -> Result<Vec<HistoryPoint>> {
    let fitted = app.parameters.as_ref().map_or(&[][..], |p| &p.parameters[..]);
    let key = recall_key(&app.days, fitted);
    Ok(app.store.weekly_history(&app.scheduler, &app.days, &key, app.now(), end, weeks, only)?)
}
