//! `grill` / `grill drill`: today's drill.

use std::io::Write;
use std::time::{Duration, Instant};

use anstyle::Style;
use anyhow::Result;

use crate::app::App;
use crate::cli::DrillArgs;
use crate::commands::score;
use crate::render::safe_line;
use crate::repl::{self, Input};
use crate::scorecard::render_changes;
use crate::session::Session;

/// Runs today's drill, reading answers from stdin.
pub fn run(app: &mut App, args: &DrillArgs) -> Result<()> {
    let mut input = repl::stdin_input()?;
    // Buffered under the colour filter: a card is a dozen lines, and stdout would otherwise make
    // each line (and, without colour, each piece between styles) its own system call. The REPL
    // flushes before it waits for input.
    let choice = anstream::AutoStream::choice(&std::io::stdout());
    let buffered: Box<dyn Write> = Box::new(std::io::BufWriter::new(std::io::stdout()));
    let mut out = anstream::AutoStream::new(buffered, choice);
    // With `sync_dir` set, reviews from the other machines come in first and this session's go
    // out at the end.
    super::sync::quietly(app, &mut out)?;
    drill(app, args, input.as_mut(), &mut out)?;
    super::sync::quietly(app, &mut out)?;
    out.flush()?;
    Ok(())
}

/// Today's drill with explicit input and output (what tests and `run` share).
pub fn drill(app: &mut App, args: &DrillArgs, input: &mut dyn Input, out: &mut dyn Write) -> Result<()> {
    let now = app.now();
    let today = super::plan::todays_queue(app, &args.areas, args.new, args.limit)?;
    let queue = today.queue;
    let (due, new) = (queue.iter().filter(|c| !c.is_new()).count(), queue.iter().filter(|c| c.is_new()).count());
    let dim = Style::new().dimmed();
    writeln!(
        out,
        "grill · {} · due {due} · new {new} · done today {}",
        now.with_timezone(&chrono::Local).format("%a %d %b"),
        today.done_today
    )?;
    if let Some(line) = super::targets::interview_line(app)? {
        writeln!(out, "{line}")?;
    }
    if queue.is_empty() {
        writeln!(out, "Nothing left for today: no cards due and no new cards allowed. Come back tomorrow.")?;
        return Ok(());
    }
    writeln!(out, "{dim}Enter reveals the key points; rate 1 again · 2 hard · 3 good · 4 easy; ? for help{dim:#}")?;
    // The readiness before this session, to show what the session changed.
    let before = score::scorecard_at(app, now)?;
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
    let more = format!(" {} left in today's queue.", session.remaining());
    repl::print_summary(out, ending, &session, started.elapsed(), "Session complete.", &more)?;
    if session.answered() > 0 {
        let [after, tomorrow] = score::scorecards_at(app, &[app.now(), app.tomorrow()])?
            .try_into()
            .map_err(|_| anyhow::anyhow!("two scorecards were asked for"))?;
        write!(out, "{}", render_changes(&before, &after, &tomorrow, &session.areas_touched()))?;
    }
    report_leeches(app, &session.answered_cards(), out)
}

/// Names the cards answered in this session that are leeches, with what to do about them.
pub fn report_leeches(app: &App, answered: &[i64], out: &mut dyn Write) -> Result<()> {
    let warn = anstyle::AnsiColor::Red.on_default();
    for id in answered {
        let card = app.store.card(*id)?;
        if !card.is_leech() {
            continue;
        }
        let key = safe_line(&card.key);
        let lapses = card.state.map_or(0, |s| s.lapses);
        writeln!(
            out,
            "{warn}Leech{warn:#}: {key} has been forgotten {lapses} times. Rewrite it in your own words \
             (grill edit {key}) or set it aside (grill suspend {key})."
        )?;
    }
    Ok(())
}
