//! The drill's read-eval-print loop: lines in, parsed into [`Command`]s, turned into session
//! calls. Works the same on a terminal (rustyline) and on a pipe.

mod input;
pub mod log_prompt;
mod timer;

pub use input::{Input, Piped, stdin_input};

use crate::render::plural;
use std::io::Write;
use std::time::{Duration, Instant};

use anstyle::{AnsiColor, Style};
use anyhow::Result;
use chrono::TimeZone;

use crate::app::App;
use crate::app::session::{Answer, Session, SessionKind, Undone};
use crate::render::{clock_time, interval, safe, safe_line};
use crate::scheduler::{Outcome, Rating};
use crate::store::CardRow;

/// What a line typed in the drill means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Rate(Rating),
    Undo,
    Skip,
    Suspend,
    Help,
    Quit,
    /// Anything else: notes typed as an answer (or nothing: just Enter).
    Notes(String),
}

impl Command {
    /// Parses one line; words are case-insensitive.
    pub fn parse(line: &str) -> Command {
        let word = line.trim().to_ascii_lowercase();
        if let Some(rating) = Rating::parse(&word) {
            return Command::Rate(rating);
        }
        match word.as_str() {
            "u" | "undo" => Command::Undo,
            "s" | "skip" => Command::Skip,
            "!" | "suspend" => Command::Suspend,
            "?" | "h" | "help" => Command::Help,
            "q" | "quit" | "exit" => Command::Quit,
            _ => Command::Notes(line.trim().to_owned()),
        }
    }
}

const HELP: &str = "\
While a question is shown: type notes (or think aloud) and press Enter to reveal the key points.
After the reveal, rate how you did:
  1 again  forgot or could not answer: comes back in a few cards
  2 hard   got there with effort
  3 good   answered well
  4 easy   effortless
Anytime: u undo the last rating · s skip this card · ! suspend this card · ? help · q quit
Ctrl-D or Ctrl-C also quits; every rating is saved the moment you give it.";

const DIM: Style = Style::new().dimmed();
const BOLD: Style = Style::new().bold();
const AREA: Style = AnsiColor::Cyan.on_default().bold();
const GOOD: Style = AnsiColor::Green.on_default();
const BAD: Style = AnsiColor::Red.on_default();

/// How a drill ended, for the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// The queue ran out.
    Done,
    /// The user quit (q, Ctrl-D, Ctrl-C, end of input).
    Quit,
    /// The time box (`--minutes`) ran out.
    TimeUp,
}

/// Runs the drill until the queue is empty, the user quits or `time_box` passes.
pub fn run<Tz: TimeZone>(
    app: &mut App,
    session: &mut Session<Tz>,
    input: &mut dyn Input,
    out: &mut dyn Write,
    time_box: Option<Duration>,
) -> Result<Ending> {
    let started = Instant::now();
    'cards: loop {
        if time_box.is_some_and(|limit| started.elapsed() >= limit) {
            return Ok(Ending::TimeUp);
        }
        let Some(candidate) = session.current().cloned() else {
            // A last chance to take back the final rating before the session ends.
            if session.answered() == 0 {
                return Ok(Ending::Done);
            }
            writeln!(out, "\nThat was the last card. {DIM}u undoes the last rating; Enter finishes.{DIM:#}")?;
            match ask(input, out, "done> ")?.map(|l| Command::parse(&l)) {
                Some(Command::Undo) => {
                    act(app, session, out, Command::Undo)?;
                    continue 'cards;
                }
                _ => return Ok(Ending::Done),
            }
        };
        let card = app.store.card(candidate.id)?;
        let label = match (session.kind(), candidate.state.is_none()) {
            (SessionKind::Cram { .. }, true) => "cram · new",
            (SessionKind::Cram { .. }, false) => "cram",
            (SessionKind::Drill, true) => "new",
            (SessionKind::Drill, false) => "review",
        };
        show_question(out, &card, label, session.remaining())?;
        if let Some(note) = app.store.last_note(card.id)? {
            writeln!(out, "{DIM}last time you wrote: {}{DIM:#}", safe_line(&note.text))?;
        }
        let asked = Instant::now();
        let mut notes = String::new();
        // The question: notes or Enter reveal; commands act at once.
        loop {
            let line = {
                let limit = card.time_limit_secs.map(|s| u64::from(s) * 1000);
                out.flush()?;
                let every = Duration::from_secs(u64::from(app.config.timer_secs));
                let printer = if app.config.timer_secs == 0 { None } else { input.printer() };
                let _ticker = printer.map(|p| timer::Ticker::start(p, asked, limit, Some(every)));
                input.read_line("answer> ")?
            };
            let Some(line) = line else { return Ok(Ending::Quit) };
            match Command::parse(&line) {
                Command::Quit => return Ok(Ending::Quit),
                Command::Help => writeln!(out, "{HELP}")?,
                Command::Notes(text) => {
                    notes = text;
                    break;
                }
                Command::Rate(_) => break,
                other => {
                    if act(app, session, out, other)? {
                        continue 'cards;
                    }
                }
            }
        }
        let took = asked.elapsed().as_millis() as u64;
        show_answer(out, &card, took)?;
        let outcomes = session.preview(app.now())?.expect("a card is current");
        let counts = session.answer_changes_state(&app.store, app.now())?;
        let prompt = rating_prompt(&outcomes, if counts { "" } else { logged_only_note(session.kind()) });
        loop {
            writeln!(out, "{prompt}")?;
            let Some(line) = ask(input, out, "rate> ")? else { return Ok(Ending::Quit) };
            match Command::parse(&line) {
                Command::Rate(rating) => {
                    let now = app.now();
                    let answer = session.answer(&mut app.store, rating, now, took)?.expect("a card is current");
                    if let Some(review_id) = session.last_review_id() {
                        app.store.save_note(review_id, card.id, now, &notes)?;
                    }
                    let when = answer_note(&answer, session.kind());
                    let style = if rating == Rating::Again { BAD } else { GOOD };
                    writeln!(out, "{style}{}{style:#} · {when}", rating.name())?;
                    break;
                }
                Command::Quit => return Ok(Ending::Quit),
                Command::Help => writeln!(out, "{HELP}")?,
                Command::Notes(text) if text.is_empty() => {}
                Command::Notes(text) => writeln!(out, "{text:?}: rate 1-4 (again, hard, good, easy); ? for help")?,
                other => {
                    if act(app, session, out, other)? {
                        continue 'cards;
                    }
                }
            }
        }
    }
}

/// Prints how a session ended and its tally: `done` is said when the queue ran out, `more`
/// follows the tally on its line.
pub fn print_summary<Tz: TimeZone>(
    out: &mut dyn Write,
    ending: Ending,
    session: &Session<Tz>,
    elapsed: Duration,
    done: &str,
    more: &str,
) -> Result<()> {
    writeln!(out)?;
    match ending {
        Ending::Done => writeln!(out, "{done}")?,
        Ending::TimeUp => writeln!(out, "Time's up.")?,
        Ending::Quit => {}
    }
    let [again, hard, good, easy] = session.tally();
    let (answers, cards) = (session.answered(), session.cards_rated());
    let counted = if answers == cards {
        plural(cards, "card", "cards")
    } else {
        format!("{} to {}", plural(answers, "answer", "answers"), plural(cards, "card", "cards"))
    };
    writeln!(
        out,
        "{counted} rated in {}: again {again} · hard {hard} · good {good} · easy {easy}.{more}",
        clock_time(elapsed.as_millis() as u64),
    )?;
    Ok(())
}

/// Shows everything written so far (the drill's output is buffered: one write per card, not per
/// line), then reads the user's next line.
fn ask(input: &mut dyn Input, out: &mut dyn Write, prompt: &str) -> std::io::Result<Option<String>> {
    out.flush()?;
    input.read_line(prompt)
}

/// Undo, skip or suspend; returns whether the current card changed.
fn act<Tz: TimeZone>(app: &mut App, session: &mut Session<Tz>, out: &mut dyn Write, command: Command) -> Result<bool> {
    let now = app.now();
    match command {
        Command::Undo => match session.undo(&mut app.store, now) {
            Ok(Some(Undone::Rating(key))) => writeln!(out, "{DIM}undone: the rating of {}{DIM:#}", safe_line(&key))?,
            Ok(Some(Undone::Skip(key))) => writeln!(out, "{DIM}undone: skipping {}{DIM:#}", safe_line(&key))?,
            Ok(Some(Undone::Suspend(key))) => {
                writeln!(out, "{DIM}undone: suspending {} (it is back in the drill){DIM:#}", safe_line(&key))?
            }
            // Another grill synced meanwhile: the rating stands, the drill goes on.
            Err(e @ crate::store::StoreError::AlreadySynced) => {
                writeln!(out, "{e}")?;
                return Ok(false);
            }
            Err(e) => return Err(e.into()),
            Ok(None) => {
                writeln!(out, "{DIM}nothing to undo yet in this session{DIM:#}")?;
                return Ok(false);
            }
        },
        Command::Skip => {
            if let Some(card) = session.skip(&app.store, app.tomorrow())? {
                writeln!(out, "{DIM}skipped {} for today (u takes it back){DIM:#}", safe_line(&card.key))?;
            }
        }
        Command::Suspend => {
            if let Some(card) = session.suspend(&app.store, app.now())? {
                let key = safe_line(&card.key);
                writeln!(out, "{DIM}suspended {key} (grill unsuspend {key} brings it back){DIM:#}")?;
            }
        }
        _ => return Ok(false),
    }
    Ok(true)
}

/// What the user is told after a rating: when the card comes back, or that it was only logged.
fn answer_note(answer: &Answer, kind: SessionKind) -> String {
    const AGAIN: &str = "back in a few cards";
    match (answer.changed_state, answer.comes_back) {
        (true, true) => AGAIN.to_owned(),
        (true, false) => format!("next in {}", interval(answer.outcome.interval_days)),
        (false, true) => format!("{AGAIN} · {}", logged_only_note(kind)),
        (false, false) => logged_only_note(kind).to_owned(),
    }
}

/// Why an answer does not move the schedule.
fn logged_only_note(kind: SessionKind) -> &'static str {
    match kind {
        SessionKind::Cram { reschedule: false } => "logged only (--no-reschedule): schedule unchanged",
        _ => "logged only: this card's first cram answer today already counted; schedule unchanged",
    }
}

fn show_question(out: &mut dyn Write, card: &CardRow, kind: &str, left: usize) -> Result<()> {
    writeln!(out)?;
    writeln!(
        out,
        "{AREA}{}{AREA:#} {DIM}· {kind} · {left} left · {}{DIM:#}",
        safe_line(&card.area),
        safe_line(&card.key)
    )?;
    writeln!(out, "{BOLD}{}{BOLD:#}", safe(card.prompt.trim()))?;
    if let Some(example) = card.example.as_ref().filter(|e| e.shown_with_prompt()) {
        writeln!(out, "\n{}", indent(&safe(example.code.trim()), "    "))?;
    }
    let aim =
        card.time_limit_secs.map(|s| format!("aim for {} · ", clock_time(u64::from(s) * 1000))).unwrap_or_default();
    writeln!(out, "{DIM}({aim}type notes or think aloud; Enter reveals){DIM:#}")?;
    Ok(())
}

fn show_answer(out: &mut dyn Write, card: &CardRow, took_ms: u64) -> Result<()> {
    let limit = card.time_limit_secs.map(|s| u64::from(s) * 1000);
    let over = limit.is_some_and(|l| took_ms > l);
    let style = if over { BAD } else { DIM };
    let limit_text = limit.map(|l| format!(" of {}", clock_time(l))).unwrap_or_default();
    writeln!(out, "{style}took {}{limit_text}{style:#}", clock_time(took_ms))?;
    writeln!(out, "{BOLD}Key points{BOLD:#}")?;
    writeln!(out, "{}", indent(&safe(card.answer.trim()), "  "))?;
    if let Some(example) = card.example.as_ref() {
        if example.shown_with_prompt() {
            if let Some(expect) = &example.expect {
                writeln!(out, "{BOLD}Output{BOLD:#}\n{}", indent(&safe(expect.trim()), "    "))?;
            }
        } else {
            show_example(out, example)?;
        }
        for other in &example.also {
            show_example(out, other)?;
        }
    }
    if !card.follow_ups.is_empty() {
        writeln!(out, "{BOLD}Follow-ups{BOLD:#}")?;
        for question in &card.follow_ups {
            writeln!(out, "  • {}", safe_line(question))?;
        }
    }
    Ok(())
}

/// An example's code under its language, with its setup dimmed and its output.
fn show_example(out: &mut dyn Write, example: &crate::deck::Example) -> Result<()> {
    writeln!(out, "{BOLD}Example ({}){BOLD:#}", safe_line(&example.lang))?;
    if !example.setup.trim().is_empty() {
        writeln!(out, "{DIM}{}{DIM:#}", indent(&safe(example.setup.trim()), "    "))?;
    }
    writeln!(out, "{}", indent(&safe(example.code.trim()), "    "))?;
    if let Some(expect) = &example.expect {
        writeln!(out, "{DIM}  ->{DIM:#}\n{}", indent(&safe(expect.trim()), "    "))?;
    }
    Ok(())
}

/// The rating buttons with each one's interval, or with `logged_only` (a reason) instead of
/// intervals when the answer will not move the schedule.
fn rating_prompt(outcomes: &[Outcome; 4], logged_only: &str) -> String {
    let buttons: Vec<String> = outcomes
        .iter()
        .map(|o| {
            let ivl = if logged_only.is_empty() { interval(o.interval_days) } else { String::new() };
            format!("{} {} {DIM}{ivl}{DIM:#}", o.rating as u8, o.rating.name())
        })
        .collect();
    let note = if logged_only.is_empty() { String::new() } else { format!("  {DIM}({logged_only}){DIM:#}") };
    format!("{}{note}   {DIM}u undo · s skip · ! suspend · ? help · q quit{DIM:#}", buttons.join("  "))
}

fn indent(text: &str, prefix: &str) -> String {
    text.lines().map(|l| format!("{prefix}{l}")).collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_parse_into_commands() {
        assert_eq!(Command::parse("3"), Command::Rate(Rating::Good));
        assert_eq!(Command::parse(" Again "), Command::Rate(Rating::Again));
        assert_eq!(Command::parse("u"), Command::Undo);
        assert_eq!(Command::parse("!"), Command::Suspend);
        assert_eq!(Command::parse("q"), Command::Quit);
        assert_eq!(Command::parse(""), Command::Notes(String::new()));
        assert_eq!(Command::parse("use an index"), Command::Notes("use an index".into()));
    }
}
