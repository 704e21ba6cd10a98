//! `grill mock`: one mock interview round. Questions (deck cards and the user's own stories) with
//! follow-ups asked one at a time under a visible clock; after each, the key points the typed
//! answer touched; deck answers rated 1-4 and logged as `mock` reviews; a written question in
//! system-design and mixed rounds; a 1-5 rubric at the end; the round stored in the interview
//! log (kind `mock`) and its transcript written to the data dir.

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anstyle::{AnsiColor, Style};
use anyhow::{Context, Result};
use chrono::Local;

use crate::app::{App, Ui};
use crate::cli::{Global, MockArgs};
use crate::cycle::gaps::{self, Subject};
use crate::cycle::interview::{self, DECK_ID};
use crate::cycle::mock::{self, CardChoice, Coverage, Question, RUBRIC, Round, Rubric, Source, Weak};
use crate::render::{clock_time, interval, safe, safe_line};
use crate::repl::{self, Input};
use crate::scheduler::{Rating, Review, ReviewKind, changes_state};
use crate::store::{CardFilter, MockQuestion, NewMockRound};

const DIM: Style = Style::new().dimmed();
const BOLD: Style = Style::new().bold();
const OVER: Style = AnsiColor::Red.on_default();

/// Runs a round on the terminal (or a pipe).
pub fn run_stdio(app: &mut App, global: &Global, args: &MockArgs, out: &mut Ui) -> Result<()> {
    let mut input = repl::stdin_input()?;
    run(app, global, args, input.as_mut(), out)
}

/// Who the round is for.
struct Target {
    company: String,
    role: Option<String>,
}

/// One question as it went.
struct Asked {
    question: Question,
    took_ms: u64,
    rating: Rating,
    coverage: Coverage,
}

/// Runs one round with explicit input and output.
pub fn run(app: &mut App, global: &Global, args: &MockArgs, input: &mut dyn Input, out: &mut dyn Write) -> Result<()> {
    let profile = crate::app::queries::profile(&crate::app::profile_path(global)?)?;
    let target = target(app, args, &profile.target_roles)?;
    let minutes = args.minutes.unwrap_or_else(|| mock::default_minutes(args.format));
    let weak = weak(app)?;
    let cards = choices(app)?;
    let round = mock::plan_round(args.format, target.role.as_deref(), minutes, &cards, &profile, &weak, app.seed);
    if round.questions.is_empty() {
        writeln!(
            out,
            "No question to ask: every {} card was answered in the last {} days.",
            args.format,
            mock::RECENT_DAYS
        )?;
        return Ok(());
    }
    let mut doc = String::new();
    header(out, &mut doc, app, &round, &target)?;
    let started = Instant::now();
    let mut asked: Vec<Asked> = Vec::new();
    let mut ended_by_eof = false;
    for (i, question) in round.questions.iter().enumerate() {
        match ask_question(app, input, out, &mut doc, &round, i, question, started)? {
            Step::Answered(a) => asked.push(*a),
            Step::Stop => break,
            Step::Eof => {
                ended_by_eof = true;
                break;
            }
        }
    }
    if !ended_by_eof && let Some(prompt) = &round.written {
        ended_by_eof = written_question(input, out, &mut doc, prompt, started)?;
    }
    let took_ms = started.elapsed().as_millis() as u64;
    if asked.is_empty() {
        writeln!(out, "\nNo question was rated; nothing saved.")?;
        return Ok(());
    }
    summary(out, &mut doc, &asked, took_ms, minutes)?;
    let rubric = if ended_by_eof { [None; 5] } else { score(input, out, &mut doc)? };
    let transcript = transcript_path(app, &round)?;
    let questions = asked.iter().map(stored_question).collect();
    let now = app.now();
    let id = app.store.save_mock_round(&NewMockRound {
        company: target.company.clone(),
        held_on: now.with_timezone(&Local).date_naive(),
        role: target.role.clone().unwrap_or_else(|| "any".into()),
        format: round.format.token().to_owned(),
        at: now,
        minutes,
        took_ms,
        rubric,
        transcript: transcript.display().to_string(),
        questions,
    })?;
    writeln!(doc, "\nSaved as entry {id} of the interview log (kind mock).")?;
    crate::files::write_private(&transcript, doc.as_bytes())?;
    if let Some(path) = &args.transcript {
        crate::files::write_private(path, doc.as_bytes()).with_context(|| format!("writing {}", path.display()))?;
    }
    writeln!(out, "\nSaved as mock round {id} in the interview log (`grill log show {id}`; `grill gaps` counts it).")?;
    writeln!(out, "Transcript: {}", transcript.display())?;
    if let Some(path) = &args.transcript {
        writeln!(out, "Transcript copy: {}", path.display())?;
    }
    Ok(())
}

/// The company from `--company` or the next interview, and the role from `--role`, else the
/// interview's, else config.toml's, else profile.toml's.
fn target(app: &App, args: &MockArgs, profile_roles: &[String]) -> Result<Target> {
    let upcoming = app.store.interviews_from(app.now().with_timezone(&Local).date_naive())?;
    let interview = match &args.company {
        Some(name) => upcoming.into_iter().find(|i| i.name.trim().eq_ignore_ascii_case(name.trim())),
        None => upcoming.into_iter().next(),
    };
    let company = args
        .company
        .clone()
        .or_else(|| interview.as_ref().map(|i| i.name.clone()))
        .filter(|c| !c.trim().is_empty())
        .unwrap_or_else(|| "mock".into());
    let interview_roles = interview.map(|i| i.roles).unwrap_or_default();
    let role = args
        .role
        .clone()
        .or_else(|| {
            [&interview_roles, &app.config.roles, &profile_roles.to_vec()].iter().find_map(|r| r.first().cloned())
        })
        .filter(|r| interview::ROLE_TYPES.contains(&r.as_str()));
    Ok(Target { company, role })
}

/// What `grill gaps` names: the round leans toward it.
fn weak(app: &App) -> Result<Weak> {
    let found = crate::app::queries::gaps(app)?;
    let mut weak = Weak { card_keys: gaps::gap_card_keys(&found).into_iter().collect(), ..Weak::default() };
    for gap in found {
        match gap.subject {
            Subject::Area(a) => weak.areas.insert(a),
            Subject::Tag(t) => weak.tags.insert(t),
        };
    }
    Ok(weak)
}

/// Every card a round may ask: not suspended, not from the interview log (its answers may be
/// unwritten), with the days since its last answer.
fn choices(app: &App) -> Result<Vec<CardChoice>> {
    let now = app.now();
    Ok(app
        .store
        .cards(&CardFilter::default())?
        .into_iter()
        .filter(|c| !c.suspended && c.deck != DECK_ID && !interview::answer_missing(&c.answer))
        .map(|c| CardChoice {
            id: c.id,
            days_since_answer: c.state.map(|s| i64::from(app.days.days_between(s.last_review, now))),
            stability: c.state.map(|s| s.stability),
            key: c.key,
            area: c.area,
            tags: c.tags,
            roles: c.roles,
            prompt: c.prompt,
            answer: c.answer,
            follow_ups: c.follow_ups,
            code: c.example.filter(|e| e.shown_with_prompt()).map(|e| e.code),
        })
        .collect())
}

fn header(out: &mut dyn Write, doc: &mut String, app: &App, round: &Round, target: &Target) -> Result<()> {
    let role = target.role.as_deref().unwrap_or("any role");
    // A round for no particular interview is stored under the company `mock`; the title
    // names a company only when there is one.
    let company =
        if target.company == "mock" { String::new() } else { format!(" · for {}", safe_line(&target.company)) };
    let title = format!("Mock round · {} · {} · {} minutes{company}", round.format, role, round.minutes);
    writeln!(out, "{BOLD}{title}{BOLD:#}")?;
    let written = if round.written.is_some() { " and a written one" } else { "" };
    writeln!(
        out,
        "{}{written}. Answer as you would aloud: type notes (or talk) and press Enter; follow-ups come one \
         at a time.\n{DIM}Deck questions are logged as `mock` reviews: a card's first answer today moves its \
         schedule, a later one is logged only. q ends the round early.{DIM:#}",
        crate::render::plural(round.questions.len(), "question", "questions")
    )?;
    writeln!(doc, "# {title}\n\n{}\n", app.now().with_timezone(&Local).format("%Y-%m-%d %H:%M"))?;
    Ok(())
}

/// How asking one question ended.
enum Step {
    Answered(Box<Asked>),
    /// The user typed q: on to the summary and the rubric.
    Stop,
    /// The input ended.
    Eof,
}

/// A line from the user after showing what was written (`None`: the input ended).
fn read(input: &mut dyn Input, out: &mut dyn Write, prompt: &str) -> Result<Option<String>> {
    out.flush()?;
    Ok(input.read_line(prompt)?)
}

fn is_quit(line: &str) -> bool {
    matches!(line.trim().to_ascii_lowercase().as_str(), "q" | "quit")
}

#[allow(clippy::too_many_arguments)]
fn ask_question(
    app: &mut App,
    input: &mut dyn Input,
    out: &mut dyn Write,
    doc: &mut String,
    round: &Round,
    index: usize,
    question: &Question,
    started: Instant,
) -> Result<Step> {
    let budget_ms = u64::from(question.budget_secs) * 1000;
    writeln!(
        out,
        "\n{BOLD}Question {} of {}{BOLD:#} {DIM}· {} · round {} of {}:00 · budget {}{DIM:#}",
        index + 1,
        round.questions.len(),
        safe_line(&question.area),
        clock_time(started.elapsed().as_millis() as u64),
        round.minutes,
        clock_time(budget_ms)
    )?;
    writeln!(out, "{BOLD}{}{BOLD:#}", safe(question.prompt.trim()))?;
    writeln!(doc, "## Question {}: {}\n", index + 1, one_line(&question.prompt))?;
    if let Some(code) = &question.code {
        let code = safe(code.trim());
        writeln!(out, "\n{}\n", code.lines().map(|l| format!("    {l}")).collect::<Vec<_>>().join("\n"))?;
        writeln!(doc, "```\n{code}\n```\n")?;
    }
    if let Source::Card { id, key } = &question.source {
        writeln!(doc, "Card `{key}` · {}\n", question.area)?;
        if let Some(note) = app.store.last_note(*id)? {
            writeln!(out, "{DIM}last time you wrote: {}{DIM:#}", safe_line(&note.text))?;
        }
    } else {
        writeln!(doc, "From your profile · {}\n", question.area)?;
    }
    let asked = Instant::now();
    let Some(answer) = read(input, out, "answer> ")? else { return Ok(Step::Eof) };
    if is_quit(&answer) {
        return Ok(Step::Stop);
    }
    writeln!(doc, "**You:** {}\n", quote(&answer))?;
    let mut typed = answer.clone();
    for (n, follow_up) in question.follow_ups.iter().enumerate() {
        writeln!(out, "{BOLD}Follow-up {} of {}:{BOLD:#} {}", n + 1, question.follow_ups.len(), safe_line(follow_up))?;
        let Some(reply) = read(input, out, "follow-up> ")? else { return Ok(Step::Eof) };
        if is_quit(&reply) {
            return Ok(Step::Stop);
        }
        writeln!(doc, "**Follow-up {}:** {}\n\n**You:** {}\n", n + 1, one_line(follow_up), quote(&reply))?;
        typed.push('\n');
        typed.push_str(&reply);
    }
    let took_ms = asked.elapsed().as_millis() as u64;
    let coverage = mock::coverage(&question.key_points, &typed);
    reveal(out, doc, question, &coverage, took_ms, budget_ms)?;
    let Some(rating) = ask_rating(input, out)? else { return Ok(Step::Eof) };
    let note = match &question.source {
        Source::Card { id, key } => rate_card(app, *id, key, rating, took_ms, &typed)?,
        Source::Profile => "from your profile: not a deck card, so no review is logged".to_owned(),
    };
    writeln!(out, "{} · {note}", rating.name())?;
    writeln!(doc, "**Rated:** {} ({note})\n", rating.name())?;
    Ok(Step::Answered(Box::new(Asked { question: question.clone(), took_ms, rating, coverage })))
}

/// Shows the time against the budget, the key points with what the answer touched, and the
/// example / constraint / result check.
fn reveal(
    out: &mut dyn Write,
    doc: &mut String,
    question: &Question,
    coverage: &Coverage,
    took_ms: u64,
    budget_ms: u64,
) -> Result<()> {
    let over = took_ms > budget_ms;
    let style = if over { OVER } else { DIM };
    let over_text = if over { format!(" (over by {})", clock_time(took_ms - budget_ms)) } else { String::new() };
    writeln!(out, "{style}took {} of {}{over_text}{style:#}", clock_time(took_ms), clock_time(budget_ms))?;
    writeln!(doc, "Took {} of {}{over_text}.\n", clock_time(took_ms), clock_time(budget_ms))?;
    if !coverage.points.is_empty() {
        let line = format!(
            "Key points: your notes touched {} of {} (shared words, not a grade)",
            coverage.touched(),
            coverage.points.len()
        );
        writeln!(out, "{BOLD}{line}{BOLD:#}")?;
        writeln!(doc, "{line}:\n")?;
        for point in &coverage.points {
            let mark = if point.touched { "✓" } else { "·" };
            let words =
                if point.matched.is_empty() { String::new() } else { format!("  [{}]", point.matched.join(", ")) };
            writeln!(out, "  {mark} {}{DIM}{}{DIM:#}", safe_line(&point.point), safe_line(&words))?;
            let check = if point.touched { "[x]" } else { "[ ]" };
            writeln!(doc, "- {check} {}{words}", one_line(&point.point))?;
        }
        writeln!(doc)?;
    } else if matches!(question.source, Source::Profile) {
        writeln!(out, "{DIM}(no key points written for this in profile.toml){DIM:#}")?;
    }
    let yes = |b: bool| if b { "yes" } else { "no" };
    let mut line = format!(
        "Named a concrete example: {} · a constraint: {} · a result: {}",
        yes(coverage.example),
        yes(coverage.constraint),
        yes(coverage.result)
    );
    if !(coverage.example && coverage.constraint && coverage.result) {
        line.push_str(" · too high level? add one concrete example, one constraint, one result");
    }
    writeln!(out, "{line}")?;
    writeln!(doc, "{line}\n")?;
    Ok(())
}

fn ask_rating(input: &mut dyn Input, out: &mut dyn Write) -> Result<Option<Rating>> {
    loop {
        writeln!(out, "rate 1-4: 1 again · 2 hard · 3 good · 4 easy")?;
        let Some(line) = read(input, out, "rate> ")? else { return Ok(None) };
        if let Some(rating) = Rating::parse(line.trim().to_ascii_lowercase().as_str()) {
            return Ok(Some(rating));
        }
        writeln!(out, "{:?}: rate 1-4 (again, hard, good, easy)", safe_line(&line))?;
    }
}

/// Logs a deck answer as a `mock` review, with the card's state following the scheduler's rule
/// (the card's first answer of the day moves it), and keeps the typed notes. Returns what the
/// user is told.
fn rate_card(app: &mut App, card_id: i64, key: &str, rating: Rating, took_ms: u64, typed: &str) -> Result<String> {
    let history: Vec<Review> = app.store.card_reviews(card_id)?.into_iter().map(|l| l.review).collect();
    let now = app.now();
    let (scheduler, clock) = (&app.scheduler, &app.days);
    let (review_id, note) = app.store.record_review_with(card_id, took_ms, |stored| {
        let at = stored.map_or(now, |s| now.max(s.last_review));
        let outcome = scheduler.preview(key, stored.as_ref(), at, clock)?[rating as usize - 1];
        let review = Review { at, rating, kind: ReviewKind::Mock };
        let note = if changes_state(&review, &history, clock) {
            match outcome.interval_days {
                0 => "logged as a mock review · due again today".to_owned(),
                days => format!("logged as a mock review · next in {}", interval(days)),
            }
        } else {
            "logged only: this card was already answered today; schedule unchanged".to_owned()
        };
        Ok((review, scheduler.apply(key, stored, &review, &history, clock)?, note))
    })?;
    app.store.save_note(review_id, card_id, now, typed)?;
    Ok(note)
}

/// The written question: one line typed, or `e` for `$EDITOR`. Returns whether the input ended.
fn written_question(
    input: &mut dyn Input,
    out: &mut dyn Write,
    doc: &mut String,
    prompt: &str,
    started: Instant,
) -> Result<bool> {
    writeln!(
        out,
        "\n{BOLD}Written question{BOLD:#} {DIM}· round {} · budget {}:00{DIM:#}\n{}\n{DIM}(type it on one line, or \
         e to write it in $EDITOR){DIM:#}",
        clock_time(started.elapsed().as_millis() as u64),
        mock::WRITTEN_MINUTES,
        safe_line(prompt)
    )?;
    let asked = Instant::now();
    let Some(line) = read(input, out, "written> ")? else { return Ok(true) };
    let text = if line.trim() == "e" {
        crate::app::editor::edit_until_valid("", "written.md", |_, text| Ok(text.to_owned()))?.unwrap_or_default()
    } else {
        line
    };
    let took = asked.elapsed().as_millis() as u64;
    let n = mock::sentences(&text);
    let c = mock::coverage(&[], &text);
    let yes = |b: bool| if b { "yes" } else { "no" };
    let line = format!(
        "{n} sentence{} in {} · a concrete example: {} · a constraint: {} · a result: {}",
        if n == 1 { "" } else { "s" },
        clock_time(took),
        yes(c.example),
        yes(c.constraint),
        yes(c.result)
    );
    writeln!(out, "{line}")?;
    writeln!(doc, "## Written question\n\n{}\n\n{}\n\n{line}\n", one_line(prompt), quote(&text))?;
    Ok(false)
}

fn summary(out: &mut dyn Write, doc: &mut String, asked: &[Asked], took_ms: u64, minutes: u32) -> Result<()> {
    let head = format!("End of the round · {} of {minutes}:00", clock_time(took_ms));
    writeln!(out, "\n{BOLD}{head}{BOLD:#}")?;
    writeln!(doc, "## {head}\n")?;
    for (i, a) in asked.iter().enumerate() {
        let budget = u64::from(a.question.budget_secs) * 1000;
        let line = format!(
            "{}. {} of {} · {} · {}",
            i + 1,
            clock_time(a.took_ms),
            clock_time(budget),
            a.rating.name(),
            shorten(&one_line(&a.question.prompt), 60)
        );
        writeln!(out, "  {}", safe_line(&line))?;
        writeln!(doc, "- {line}")?;
    }
    let missed: Vec<(usize, String)> =
        asked.iter().enumerate().flat_map(|(i, a)| a.coverage.missed().into_iter().map(move |m| (i + 1, m))).collect();
    if !missed.is_empty() {
        writeln!(out, "Key points your notes did not touch:")?;
        writeln!(doc, "\nKey points the notes did not touch:\n")?;
        for (i, (n, point)) in missed.iter().enumerate() {
            // Three per question on screen; every one in the transcript.
            let before = missed[..i].iter().filter(|(m, _)| m == n).count();
            if before < 3 {
                writeln!(out, "  Q{n}: {}", safe_line(&shorten(&one_line(point), 100)))?;
            } else if before == 3 {
                let more = missed.iter().filter(|(m, _)| m == n).count() - 3;
                writeln!(out, "  Q{n}: {DIM}and {more} more in the transcript{DIM:#}")?;
            }
            writeln!(doc, "- Q{n}: {}", one_line(point))?;
        }
    }
    Ok(())
}

/// Asks the rubric, one line per score (Enter leaves it blank).
fn score(input: &mut dyn Input, out: &mut dyn Write, doc: &mut String) -> Result<Rubric> {
    writeln!(out, "\nScore the round 1-5 (Enter leaves a score blank):")?;
    let mut rubric: Rubric = [None; 5];
    for (i, (name, what)) in RUBRIC.iter().enumerate() {
        loop {
            writeln!(out, "{name} {DIM}({what}){DIM:#}")?;
            let Some(line) = read(input, out, &format!("{name}> "))? else { return Ok(rubric) };
            match mock::parse_score(&line) {
                Ok(s) => {
                    rubric[i] = s;
                    break;
                }
                Err(e) => writeln!(out, "{}", safe_line(&e))?,
            }
        }
    }
    writeln!(doc, "\n## Rubric (self-scored, 1-5)\n")?;
    for ((name, _), s) in RUBRIC.iter().zip(rubric) {
        writeln!(doc, "- {name}: {}", s.map_or("-".to_owned(), |s| s.to_string()))?;
    }
    Ok(rubric)
}

fn stored_question(a: &Asked) -> MockQuestion {
    MockQuestion {
        card_id: match a.question.source {
            Source::Card { id, .. } => Some(id),
            Source::Profile => None,
        },
        prompt: a.question.prompt.clone(),
        area: a.question.area.clone(),
        tags: a.question.tags.clone(),
        rating: a.rating,
        took_ms: a.took_ms,
        budget_ms: u64::from(a.question.budget_secs) * 1000,
        missed: a.coverage.missed(),
    }
}

/// `mock-rounds/YYYY-MM-DD-HHMM-FORMAT.md` beside the database (numbered when taken).
fn transcript_path(app: &App, round: &Round) -> Result<PathBuf> {
    let dir = app.store.path().parent().map_or_else(|| PathBuf::from("mock-rounds"), |d| d.join("mock-rounds"));
    crate::store::create_private_dir(&dir)?;
    let stem = format!("{}-{}", app.now().with_timezone(&Local).format("%Y-%m-%d-%H%M"), round.format);
    Ok(free_name(&dir, &stem))
}

fn free_name(dir: &Path, stem: &str) -> PathBuf {
    let mut path = dir.join(format!("{stem}.md"));
    let mut n = 2;
    while path.exists() {
        path = dir.join(format!("{stem}-{n}.md"));
        n += 1;
    }
    path
}

/// Typed text for the transcript: inert, on one line, `(nothing typed)` when empty.
fn quote(text: &str) -> String {
    let text = one_line(&safe(text));
    if text.is_empty() { "(nothing typed)".into() } else { text }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    format!("{}…", text.chars().take(max - 1).collect::<String>())
}
