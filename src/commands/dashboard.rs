//! `grill dashboard`: the one-page backend interview dashboard.

use anyhow::{Context, Result};
use chrono::Local;

use super::area_scores::area_scores;
use super::profile::load;
use crate::app::App;
use crate::cli::{DashboardArgs, Global};
use crate::cycle::dashboard::{self, Format};

/// Prints the dashboard, and writes it as Markdown with `--md`.
pub fn run(app: &App, global: &Global, args: &DashboardArgs) -> Result<()> {
    let profile = load(&crate::app::profile_path(global)?)?;
    let (scores, drilled) = area_scores(app)?;
    let gaps = super::gaps::compute(app)?;
    let today = app.now().with_timezone(&Local).date_naive();
    let page = dashboard::compute(today, &profile, &scores, drilled, &gaps);
    match &args.md {
        Some(path) if path.as_os_str() == "-" => print!("{}", dashboard::render(&page, Format::Markdown)),
        Some(path) => {
            print!("{}", dashboard::render(&page, Format::Terminal));
            write(path, &dashboard::render(&page, Format::Markdown))?;
            println!("\nWrote {}", path.display());
        }
        None => print!("{}", dashboard::render(&page, Format::Terminal)),
    }
    Ok(())
}

fn write(path: &std::path::Path, text: &str) -> Result<()> {
    crate::files::write_private(path, text.as_bytes()).with_context(|| format!("writing {}", path.display()))
}
