//! `grill` / `grill drill`: today's drill.

use std::io::Write;
use std::time::{Duration, Instant};

use anstyle::Style;
use anyhow::Result;

use crate::app::queries;
use crate::app::session::Session;
use crate::app::{App, Ui};
use crate::cli::DrillArgs;
use crate::render::scorecard::render_changes;
use crate::repl::{self, Input};

/// Runs today's drill, reading answers from stdin.
pub fn run(app: &mut App, args: &DrillArgs, out: &mut Ui) -> Result<()> {
    let mut input = repl::stdin_input()?;
    // With `sync_dir` set, reviews from the other machines come in first and this session's go
    // out at the end.
    crate::app::sync::quietly(app, out)?;
    drill(app, args, input.as_mut(), out)?;
    crate::app::sync::quietly(app, out)?;
    Ok(())
}

/// Today's drill with explicit input and output (what tests and `run` share).
pub fn drill(app: &mut App, args: &DrillArgs, input: &mut dyn Input, out: &mut dyn Write) -> Result<()> {
    let now = app.now();
    let areas = queries::areas(app, &args.areas)?;
    let overrides = queries::Overrides { new: args.new, reviews: args.reviews, limit: args.limit };
    let today = queries::todays_queue(app, &areas, overrides)?;
    let queue = today.queue;
    let (due, new) = (queue.iter().filter(|c| !c.is_new()).count(), queue.iter().filter(|c| c.is_new()).count());
    let dim = Style::new().dimmed();
    writeln!(
        out,
        "grill · {} · due {due} · new {new} · done today {}",
        // The grill day, not the calendar's: at 02:30 the answers still belong to yesterday.
        crate::render::day_label(queries::today(app)),
        today.done_today
    )?;
    if let Some(line) = queries::interview_line(app)? {
        writeln!(out, "{line}")?;
    }
    for (interview, command) in queries::unlogged_interviews(app)? {
        writeln!(
            out,
            "Your interview \"{}\" was on {}: log the questions while you remember them: {command}",
            crate::render::safe_line(&interview.name),
            crate::render::day_label(crate::session::when::day_of_date(interview.day)),
        )?;
    }
    if let Some(left) = today.held_back {
        writeln!(
            out,
            "Today's review limit ({} a day) holds back {left} due {}: `grill drill --reviews {left}` takes \
             them now, or raise it: grill config set reviews_per_day N.",
            app.config.reviews_per_day,
            if left == 1 { "card" } else { "cards" },
        )?;
    }
    if queue.is_empty() {
        if today.held_back.is_none() {
            writeln!(out, "Nothing left for today: no cards due and no new cards allowed. Come back tomorrow.")?;
        }
        return Ok(());
    }
    writeln!(out, "{dim}Enter reveals the key points; rate 1 again · 2 hard · 3 good · 4 easy; ? for help{dim:#}")?;
    // The readiness before this session, to show what the session changed.
    let before = queries::scorecard_with(app, now, today.summary)?;
    let mut session = Session::new(queue, app.scheduler.clone(), app.days.clone());
    let started = Instant::now();
    let time_box = args.minutes.map(|m| Duration::from_secs(m * 60));
    let ending = match repl::run(app, &mut session, input, out, time_box) {
        Ok(ending) => ending,
        Err(error) => {
            // A full disk or a lost file ends the session; say what is safe before the error.
            let _ =
                writeln!(out, "\nThe drill stopped. The {} ratings given before this were saved.", session.answered());
            return Err(error);
        }
    };
    // The session's answers go into the database file itself now, not only its -wal: a kill
    // later (at the summary, or a terminal closed) followed by a lost -wal cannot take them.
    app.store.checkpoint()?;
    let more = match session.remaining() {
        0 => String::new(),
        n => format!(" {} left in today's queue.", n),
    };
    repl::print_summary(out, ending, &session, started.elapsed(), "Session complete.", &more)?;
    if session.answered() > 0 {
        let [after, tomorrow] = queries::scorecards_at(app, &[app.now(), app.tomorrow()])?
            .try_into()
            .map_err(|_| anyhow::anyhow!("two scorecards were asked for"))?;
        write!(out, "{}", render_changes(&before, &after, &tomorrow, &session.areas_touched()))?;
    }
    crate::render::leeches(out, &queries::leeches(app, &session.answered_cards())?)
}
