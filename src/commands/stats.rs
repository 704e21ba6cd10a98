//! `grill stats`: progress numbers, as text or JSON.

use std::io::Write;

use anyhow::Result;

use crate::app::{App, Ui};
use crate::cli::StatsArgs;
use crate::render;

/// Prints the stats for the areas asked for (all by default).
pub fn run(app: &App, args: &StatsArgs, out: &mut Ui) -> Result<()> {
    let areas = crate::app::queries::areas(app, &args.areas)?;
    let stats = crate::app::queries::stats(app, &areas)?;
    if args.json {
        // Through a writer, so a closed pipe (`| head`) ends quietly instead of panicking.
        writeln!(std::io::stdout().lock(), "{}", serde_json::to_string_pretty(&stats)?)?;
        return Ok(());
    }
    let width = out.width();
    render::stats::print(out, &stats, width)?;
    Ok(())
}
