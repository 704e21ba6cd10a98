//! `grill remind --ics FILE`: the preparation rhythm as recurring calendar events.

use anyhow::{Context, Result};
use chrono::Local;
use std::io::Write;

use crate::app::{App, Ui};
use crate::cli::RemindArgs;
use crate::cycle::ics;

/// Writes the calendar file (or prints it for `-`).
pub fn run(app: &App, args: &RemindArgs, out: &mut Ui) -> Result<()> {
    let today = app.now().with_timezone(&Local).date_naive();
    let start = args.start.unwrap_or_else(|| ics::default_start(today));
    let reminders = ics::rhythm(args.time);
    let text = ics::calendar(&reminders, start, app.now());
    if args.ics.as_os_str() == "-" {
        write!(out, "{text}")?;
        return Ok(());
    }
    crate::files::write_private(&args.ics, text.as_bytes())
        .with_context(|| format!("writing {}", args.ics.display()))?;
    writeln!(out, "Wrote {} with {} recurring events from {start}:", args.ics.display(), reminders.len())?;
    for r in &reminders {
        let at = r.time.format("%H:%M");
        let when = match r.rule {
            ics::Rule::Daily => format!("every day at {at}"),
            ics::Rule::Monthly { weekday, months } => {
                let day = chrono::NaiveDate::from_isoywd_opt(2026, 1, weekday)
                    .map_or(String::new(), |d| d.format("%A").to_string());
                let every = if months == 1 { "month".to_owned() } else { format!("{months} months") };
                format!("the first {day} of every {every} at {at}")
            }
        };
        writeln!(out, "  {}: {when}", r.summary)?;
    }
    writeln!(out, "Import it into your calendar (Google Calendar: Settings > Import; Apple Calendar: File > Import).")?;
    Ok(())
}
