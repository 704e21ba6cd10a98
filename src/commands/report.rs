//! `grill report`: writes the HTML report.

use std::io::Write;

use anyhow::{Context, Result};

use crate::app::{App, Ui};
use crate::cli::ReportArgs;
use crate::render::report::{self, Readiness, Report};

/// Writes the report to `--output` (replacing it whole, never half-written).
pub fn run(app: &App, args: &ReportArgs, out: &mut Ui) -> Result<()> {
    let stats = crate::app::queries::stats(app, &[])?;
    let readiness = readiness(app)?;
    let generated = app.now().with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M").to_string();
    let parameters = match app.parameters.as_ref().filter(|p| !p.parameters.is_empty()) {
        Some(p) if p.origin.is_some() => format!(
            "FSRS parameters adopted {} ({})",
            p.saved_at.with_timezone(&chrono::Local).format("%Y-%m-%d"),
            crate::render::safe_line(p.origin.as_deref().unwrap_or_default())
        ),
        Some(p) => format!(
            "your own FSRS-6 parameters, fitted {} on {} reviews",
            p.saved_at.with_timezone(&chrono::Local).format("%Y-%m-%d"),
            p.reviews
        ),
        None => "default FSRS-6 parameters".to_owned(),
    };
    let mock = crate::cycle::mock::trend::compute(&app.store.scored_mock_rounds()?);
    let page = report::html(&Report {
        stats: &stats,
        readiness: &readiness,
        generated,
        desired_retention: app.config.desired_retention,
        parameters,
        mock: mock.as_ref(),
    });
    if args.output.as_os_str() == "-" {
        out.write_all(page.as_bytes())?;
        return Ok(());
    }
    crate::files::write_private(&args.output, page.as_bytes())
        .with_context(|| format!("writing {}", args.output.display()))?;
    writeln!(out, "wrote {}", args.output.display())?;
    Ok(())
}

/// Weeks of readiness history the report charts (as many as the activity heatmap).
const HISTORY_WEEKS: u32 = 12;

/// Readiness per area over the last weeks and the scorecard now, as `grill score --history`
/// and `grill score` show them (neither replays the whole log).
fn readiness(app: &App) -> Result<Readiness> {
    let now = app.now();
    let history = crate::app::history::history(app, now, HISTORY_WEEKS, &[])?;
    let card = crate::app::queries::scorecard_at(app, now)?;
    Ok(Readiness::from_scorecard(&history, &card))
}
