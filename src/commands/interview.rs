//! `grill interview add | list | remove`: upcoming interviews, which `grill cram` targets and
//! the daily drill mentions.

use anyhow::Result;
use std::io::Write;

use crate::app::queries as targets;
use crate::app::{App, Ui};
use crate::cli::{InterviewAddArgs, InterviewCommand};
use crate::render::safe_line;
use crate::render::{day_label, from_today};
use crate::session::InputError;
use crate::session::when::{date_of_day, day_of, day_of_date};

/// Runs one `grill interview` subcommand.
pub fn run(app: &App, command: &InterviewCommand, out: &mut Ui) -> Result<()> {
    match command {
        InterviewCommand::Add(args) => add(app, args, out),
        InterviewCommand::List => list(app, out),
        InterviewCommand::Remove { id } => {
            if !app.store.remove_interview(*id)? {
                return Err(
                    InputError::new("id", format!("no interview with id {id} (see `grill interview list`)")).into()
                );
            }
            writeln!(out, "removed interview {id}")?;
            Ok(())
        }
    }
}

fn add(app: &App, args: &InterviewAddArgs, out: &mut dyn Write) -> Result<()> {
    let name = args.name.trim();
    if name.is_empty() {
        return Err(InputError::new("NAME", "must not be empty").into());
    }
    targets::check_roles(&args.roles)?;
    let today = targets::today(app);
    let day = day_of("--on", args.on, today, &app.days)?;
    let id = app.store.add_interview(name, date_of_day(day), &args.roles, app.now())?;
    let roles = if args.roles.is_empty() { String::new() } else { format!(" · roles {}", args.roles.join(", ")) };
    writeln!(
        out,
        "interview {id}: {} on {} ({}){roles}",
        safe_line(name),
        date_of_day(day).format("%a %d %b %Y"),
        from_today(day - today)
    )?;
    if targets::next_interview(app)?.is_some_and(|next| next.id == id) {
        writeln!(out, "`grill cram` now prepares for it.")?;
    }
    Ok(())
}

fn list(app: &App, out: &mut Ui) -> Result<()> {
    let today = targets::today(app);
    let interviews = app.store.interviews_from(date_of_day(today))?;
    if interviews.is_empty() {
        writeln!(out, "No upcoming interviews. Add one: grill interview add NAME --on YYYY-MM-DD [--role ROLE]")?;
        return Ok(());
    }
    let mut table = crate::render::table(out.width());
    table.set_header(["id", "interview", "day", "when", "roles"]);
    for i in &interviews {
        let day = day_of_date(i.day);
        table.add_row([
            i.id.to_string(),
            safe_line(&i.name),
            day_label(day),
            from_today(day - today),
            if i.roles.is_empty() { "(config)".to_owned() } else { i.roles.join(", ") },
        ]);
    }
    writeln!(out, "{}", crate::render::fit(table))?;
    Ok(())
}
