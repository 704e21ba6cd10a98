//! `grill log`: the interview log. `grill log add` records an interview and its questions as
//! cards of the `interviews` deck, each rating a real (`interview`) review.

use std::io::{IsTerminal, Read, Write};

use anyhow::{Context, Result};
use chrono::{Local, NaiveDate, NaiveTime, TimeZone};

use crate::app::{App, Ui};
use crate::cli::{LogAddArgs, LogArgs, LogCommand};
use crate::cycle::interview::Filled;
use crate::cycle::interview::{self, Format, Question};
use crate::cycle::mock::trend;
use crate::deck::import::clean_line;
use crate::render::safe_line;
use crate::repl;
use crate::repl::log_prompt;
use crate::store::NewInterview;
use crate::values::InputError;

/// Routes `grill log`, `grill log add` and `grill log show`.
pub fn run(app: &mut App, args: &LogArgs, out: &mut Ui) -> Result<()> {
    match &args.command {
        None => list(app, out),
        Some(LogCommand::Add(add_args)) => add(app, add_args, out),
        Some(LogCommand::Show { id }) => show(app, *id, out),
    }
}

fn add(app: &mut App, args: &LogAddArgs, out: &mut dyn Write) -> Result<()> {
    let today = app.now().with_timezone(&Local).date_naive();
    let areas = app.store.known_areas()?;
    let complete = args.company.is_some() && args.role.is_some() && args.format.is_some();
    let terminal = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    let needs_prompts = !complete || args.questions.is_empty();
    let filled = if terminal && needs_prompts {
        // Only here: the line editor holds stdin, which the scripted path reads itself.
        let mut input = repl::stdin_input()?;
        match log_prompt::fill(args, input.as_mut(), &mut std::io::stdout(), &areas, today)? {
            Some(filled) => filled,
            None => {
                writeln!(out, "Nothing logged.")?;
                return Ok(());
            }
        }
    } else {
        scripted(args, &areas, today)?
    };
    if filled.on > today {
        return Err(InputError::new(
            "--on",
            format!("{}: the interview is in the future (today is {today})", filled.on),
        )
        .into());
    }
    save(app, filled, out)
}

/// The flags and the questions from `--question` or stdin.
fn scripted(args: &LogAddArgs, areas: &[String], today: NaiveDate) -> Result<Filled> {
    let missing: Vec<&str> =
        [("--company", args.company.is_none()), ("--role", args.role.is_none()), ("--format", args.format.is_none())]
            .into_iter()
            .filter_map(|(flag, missing)| missing.then_some(flag))
            .collect();
    if !missing.is_empty() {
        return Err(InputError::new(
            "grill log add",
            format!("{} required when stdin is not a terminal", missing.join(", ")),
        )
        .into());
    }
    let questions = if args.questions.is_empty() {
        let mut text = String::new();
        if !std::io::stdin().is_terminal() {
            std::io::stdin().read_to_string(&mut text).context("reading questions from stdin")?;
        }
        interview::parse_questions("stdin", &text, areas)?
    } else {
        interview::parse_questions("--question", &args.questions.join("\n"), areas)?
    };
    if questions.is_empty() {
        return Err(InputError::new("grill log add", "no questions: give each as `AREA[:TAG,TAG] RATING question text`, one per line on stdin or with --question").into());
    }
    Ok(Filled {
        company: args.company.clone().unwrap_or_default().trim().to_owned(),
        on: args.on.unwrap_or(today),
        role: args.role.clone().unwrap_or_default(),
        format: args.format.unwrap_or(Format::Mixed),
        questions,
    })
}

fn save(app: &mut App, mut filled: Filled, out: &mut dyn Write) -> Result<()> {
    // Typed text is stored as inert as imported text: an escape pasted into --question or a
    // company name would otherwise act on the terminal in every later listing.
    filled.company = clean_line(&filled.company);
    filled.role = clean_line(&filled.role);
    filled.questions.iter_mut().for_each(|q| {
        q.text = clean_line(&q.text);
        q.tags.iter_mut().for_each(|t| *t = clean_line(t));
    });
    if filled.company.is_empty() {
        return Err(InputError::new("--company", "must not be empty").into());
    }
    let now = app.now();
    // A past interview's answers are dated noon of its day, so the memory model sees the real
    // time since then; today's are dated now.
    let at = Local
        .from_local_datetime(&filled.on.and_time(NaiveTime::from_hms_opt(12, 0, 0).expect("noon")))
        .earliest()
        .map_or(now, |t| t.with_timezone(&chrono::Utc))
        .min(now);
    let new = NewInterview {
        company: filled.company.clone(),
        held_on: filled.on,
        role: filled.role.clone(),
        format: filled.format,
        at,
    };
    let (scheduler, days) = (app.scheduler.clone(), app.days.clone());
    let state_for = |key: &str, rating| scheduler.answer(key, None, rating, at, &days);
    let (id, keys) = app.store.log_interview(&new, &filled.questions, &state_for)?;
    let counts = rating_counts(&filled.questions);
    writeln!(
        out,
        "Logged interview #{id}: {}, {}, {}, {}: {} question{} (again {} · hard {} · good {} · easy {}).",
        safe_line(&filled.company),
        filled.on,
        safe_line(&filled.role),
        filled.format,
        keys.len(),
        if keys.len() == 1 { "" } else { "s" },
        counts[0],
        counts[1],
        counts[2],
        counts[3]
    )?;
    for (q, key) in filled.questions.iter().zip(&keys) {
        writeln!(out, "  {}  {} · {} · {}", safe_line(key), safe_line(&q.area), q.rating.name(), safe_line(&q.text))?;
    }
    writeln!(out, "Write the answer you wish you had given: grill edit {}", keys[0])?;
    Ok(())
}

fn rating_counts(questions: &[Question]) -> [usize; 4] {
    let mut counts = [0; 4];
    for q in questions {
        counts[q.rating as usize - 1] += 1;
    }
    counts
}

fn list(app: &App, out: &mut Ui) -> Result<()> {
    let interviews = app.store.interviews()?;
    if interviews.is_empty() {
        writeln!(out, "No interviews logged yet. After your next one: grill log add")?;
        return Ok(());
    }
    let mut table = crate::render::table(out.width());
    table.set_header(["#", "date", "company", "role", "format", "questions", "again", "hard", "good", "easy"]);
    for i in &interviews {
        let total: usize = i.ratings.iter().sum();
        let mut row = vec![
            i.id.to_string(),
            safe_line(&i.held_on),
            safe_line(&i.company),
            safe_line(&i.role),
            if i.kind == "mock" { format!("mock {}", safe_line(&i.format)) } else { safe_line(&i.format) },
            total.to_string(),
        ];
        row.extend(i.ratings.iter().map(|n| n.to_string()));
        table.add_row(row);
    }
    writeln!(out, "{}", crate::render::fit(table))?;
    writeln!(
        out,
        "{} interview{}; `grill log show N` for the questions, `grill gaps` for what keeps coming back.",
        interviews.len(),
        if interviews.len() == 1 { "" } else { "s" }
    )?;
    if let Some(trend) = trend::compute(&app.store.scored_mock_rounds()?) {
        writeln!(out)?;
        crate::render::mock::trend(out, &trend)?;
    }
    Ok(())
}

fn show(app: &App, id: i64, out: &mut dyn Write) -> Result<()> {
    let Some((i, questions)) = app.store.interview(id)? else {
        return Err(InputError::new("ID", format!("no interview #{id}; `grill log` lists them")).into());
    };
    let (company, held_on, role, format) =
        (safe_line(&i.company), safe_line(&i.held_on), safe_line(&i.role), safe_line(&i.format));
    writeln!(out, "#{} {company} · {held_on} · {role} · {format}", i.id)?;
    if let Some(round) = app.store.mock_round(id)? {
        crate::render::mock::round(out, &round, &app.store.mock_questions(round.interview_id)?)?;
        // The trend as it stood after this round: the rounds held up to it.
        let mut rounds = app.store.scored_mock_rounds()?;
        if let Some(at) = rounds.iter().position(|r| r.id == id) {
            rounds.truncate(at + 1);
        }
        if let Some(trend) = trend::compute(&rounds).filter(|t| t.rounds.len() > 1) {
            writeln!(out)?;
            crate::render::mock::trend(out, &trend)?;
        }
        return Ok(());
    }
    for (n, q) in questions.iter().enumerate() {
        let tags = if q.tags.is_empty() { String::new() } else { format!(" ({})", safe_line(&q.tags.join(", "))) };
        writeln!(out, "{:>2}. [{}] {}{tags}: {}", n + 1, q.rating.name(), safe_line(&q.area), safe_line(&q.prompt))?;
        let answer = if q.answer_missing {
            format!("answer not written yet: grill edit {}", q.card_key)
        } else {
            "answer written".to_owned()
        };
        let due =
            q.due.map(|d| format!(" · next drill {}", d.with_timezone(&Local).format("%Y-%m-%d"))).unwrap_or_default();
        writeln!(out, "    {} · {}{due}", safe_line(&q.card_key), safe_line(&answer))?;
    }
    Ok(())
}
