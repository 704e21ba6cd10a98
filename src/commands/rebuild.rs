//! `grill rebuild`: recomputes every card's schedule from the review log (the source of truth),
//! e.g. after restoring a backup or to check that the stored schedule matches the log.

use std::io::Write;
use std::time::Instant;

use anyhow::Result;

use crate::app::{App, Ui};

/// Replays the whole review log and rewrites every card's state; reports what changed.
pub fn run(app: &mut App, out: &mut Ui) -> Result<()> {
    let started = Instant::now();
    let report = app.store.rebuild_states_report(&app.scheduler, &app.days)?;
    writeln!(
        out,
        "Rebuilt the schedule of {} {} from {} {} in {:.2}s: {} {} changed.",
        report.cards,
        if report.cards == 1 { "card" } else { "cards" },
        report.reviews,
        if report.reviews == 1 { "review" } else { "reviews" },
        started.elapsed().as_secs_f64(),
        report.changed,
        if report.changed == 1 { "state" } else { "states" },
    )?;
    Ok(())
}
