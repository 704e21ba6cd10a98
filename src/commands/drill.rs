//! `grill` / `grill drill`: today's drill.

use std::io::Write;
use std::time::{Duration, Instant};

use anstyle::Style;
use anyhow::Result;

use crate::app::App;
use crate::cli::DrillArgs;
use crate::render::clock_time;
use crate::repl::{self, Ending, Input};
use crate::scheduler::ReviewKind;
use crate::session::{Allowance, Session, plan_queue};

/// Runs today's drill, reading answers from stdin.
pub fn run(app: &mut App, args: &DrillArgs) -> Result<()> {
    let mut input = repl::stdin_input()?;
    // Buffered under the colour filter: a card is a dozen lines, and stdout would otherwise make
    // each line (and, without colour, each piece between styles) its own system call. The REPL
    // flushes before it waits for input.
    let choice = anstream::AutoStream::choice(&std::io::stdout());
    let buffered: Box<dyn Write> = Box::new(std::io::BufWriter::new(std::io::stdout()));
    let mut out = anstream::AutoStream::new(buffered, choice);
    drill(app, args, input.as_mut(), &mut out)?;
    out.flush()?;
    Ok(())
}

/// Today's drill with explicit input and output (what tests and `run` share).
pub fn drill(app: &mut App, args: &DrillArgs, input: &mut dyn Input, out: &mut dyn Write) -> Result<()> {
    let now = app.now();
    let today = app.store.review_counts_between(app.today_start(), app.tomorrow())?;
    let (new_today, reviews_today) = (today.of(ReviewKind::Learn), today.of(ReviewKind::Review));
    let allowance = Allowance {
        new: args.new.unwrap_or(app.config.new_per_day.saturating_sub(new_today)),
        reviews: app.config.reviews_per_day.saturating_sub(reviews_today),
    };
    let candidates = app.store.candidates(app.tomorrow(), allowance.reviews, allowance.new, &args.areas)?;
    let mut queue = plan_queue(candidates, allowance, &[], app.seed);
    if let Some(limit) = args.limit {
        queue.truncate(limit);
    }
    let (due, new) = (queue.iter().filter(|c| !c.is_new()).count(), queue.iter().filter(|c| c.is_new()).count());
    let dim = Style::new().dimmed();
    writeln!(
        out,
        "grill · {} · due {due} · new {new} · done today {}",
        now.with_timezone(&chrono::Local).format("%a %d %b"),
        today.total()
    )?;
    if queue.is_empty() {
        writeln!(out, "Nothing left for today: no cards due and no new cards allowed. Come back tomorrow.")?;
        return Ok(());
    }
    writeln!(out, "{dim}Enter reveals the key points; rate 1 again · 2 hard · 3 good · 4 easy; ? for help{dim:#}")?;
    let mut session = Session::new(queue, app.scheduler.clone(), app.days.clone());
    let started = Instant::now();
    let time_box = args.minutes.map(|m| Duration::from_secs(m * 60));
    let ending = repl::run(app, &mut session, input, out, time_box)?;
    let [again, hard, good, easy] = session.tally();
    writeln!(out)?;
    match ending {
        Ending::Done => writeln!(out, "Session complete.")?,
        Ending::TimeUp => writeln!(out, "Time's up.")?,
        Ending::Quit => {}
    }
    let rated = session.answered();
    writeln!(
        out,
        "{rated} {} rated in {}: again {again} · hard {hard} · good {good} · easy {easy}. {} left in today's queue.",
        if rated == 1 { "card" } else { "cards" },
        clock_time(started.elapsed().as_millis() as u64),
        session.remaining()
    )?;
    Ok(())
}
