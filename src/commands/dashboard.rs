//! `grill dashboard`: the one-page backend interview dashboard.

use std::io::Write;

use anyhow::{Context, Result};
use chrono::Local;

use crate::app::queries::area_scores;
use crate::app::{App, Ui};
use crate::cli::{DashboardArgs, Global};
use crate::cycle::dashboard::{self, Format};

/// Prints the dashboard, and writes it as Markdown with `--md`.
pub fn run(app: &App, global: &Global, args: &DashboardArgs, out: &mut Ui) -> Result<()> {
    let profile = crate::app::queries::profile(&crate::app::profile_path(global)?)?;
    let (scores, drilled) = area_scores(app)?;
    let gaps = crate::app::queries::gaps(app)?;
    let today = app.now().with_timezone(&Local).date_naive();
    let page =
        dashboard::compute(today, &profile, &scores, drilled, &gaps).with_mock_rounds(&app.store.scored_mock_rounds()?);
    match &args.md {
        Some(path) if path.as_os_str() == "-" => write!(out, "{}", dashboard::render(&page, Format::Markdown))?,
        Some(path) => {
            terminal(out, &dashboard::render(&page, Format::Terminal))?;
            write(path, &dashboard::render(&page, Format::Markdown))?;
            writeln!(out, "\nWrote {}", path.display())?;
        }
        None => terminal(out, &dashboard::render(&page, Format::Terminal))?,
    }
    Ok(())
}

/// The page on the terminal, with how to fill in what it marks as missing.
fn terminal(out: &mut Ui, page: &str) -> Result<()> {
    write!(out, "{page}")?;
    if page.contains("✎ to fill in") {
        writeln!(out, "\n✎ marks what profile.toml does not say yet: `grill profile edit` fills it in.")?;
    }
    Ok(())
}

fn write(path: &std::path::Path, text: &str) -> Result<()> {
    crate::files::write_private(path, text.as_bytes()).with_context(|| format!("writing {}", path.display()))
}
