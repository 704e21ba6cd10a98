//! The quiet sync around a drill (`sync_dir` in config.toml), and taking parameters another
//! device fitted; `grill sync` itself is a command.

use std::io::Write;

use anyhow::Result;

use crate::app::App;
use crate::render::safe_line;
use crate::sync::engine::{SyncOutcome, sync};

/// The quiet sync at the start and end of a drill when `sync_dir` is set: a failure is one
/// line on stderr-like `out` and never stops the drill (the reviews are safe in the database
/// and go out with the next sync).
pub fn quietly(app: &mut App, out: &mut dyn Write) -> Result<()> {
    let Some(dir) = app.config.sync_dir.clone() else { return Ok(()) };
    match sync(&mut app.store, &dir, &app.scheduler, &app.days) {
        Ok(mut outcome) => {
            adopt(app, &mut outcome)?;
            if outcome.merged.reviews_added > 0 {
                writeln!(out, "Synced: {} from your other devices.", reviews(outcome.merged.reviews_added))?;
            }
        }
        Err(e) => {
            writeln!(out, "grill: sync {}: {} (your reviews are saved here)", safe_line(&dir.display().to_string()), e)?
        }
    }
    Ok(())
}

/// Parameters taken from another device schedule the rest of this run (the drill after its
/// opening sync).
pub fn adopt(app: &mut App, outcome: &mut SyncOutcome) -> Result<()> {
    if let Some(scheduler) = outcome.new_scheduler.take() {
        app.scheduler = scheduler;
        app.parameters = app.store.fsrs_parameters()?;
        outcome.parameters_taken = true;
    }
    Ok(())
}

fn reviews(n: usize) -> String {
    format!("{n} review{}", if n == 1 { "" } else { "s" })
}
