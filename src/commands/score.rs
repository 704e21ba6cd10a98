//! `grill score`: the readiness scorecard (now, at a date, or projected), its weekly history,
//! and self-assessments (`grill score set AREA N`).

use anyhow::Result;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::app::App;
use crate::cli::{ScoreAction, ScoreArgs};
use crate::render::safe_line;
use crate::scorecard::{
    self, DIMENSIONS, HistoryPoint, Inputs, LANGUAGE_DEPTH, Scorecard, UnknownArea, canonical_name, days_after,
};

/// Runs `grill score` (or `grill score set`).
pub fn run(app: &App, args: &ScoreArgs) -> Result<()> {
    if let Some(ScoreAction::Set { area, rating }) = &args.action {
        return set(app, area, *rating);
    }
    let now = app.now();
    let at = match (args.at, args.in_days) {
        (Some(when), _) => when.resolve(&app.days),
        (None, Some(days)) => days_after(now, days),
        (None, None) => now,
    };
    let only = selected_areas(app, &args.areas)?;
    if !args.history {
        let card = scorecard_at(app, at)?.narrowed(&only);
        if args.json {
            println!("{}", serde_json::to_string_pretty(&card)?);
        } else {
            print!("{}", scorecard::render_scorecard(&card, now, &app.days));
        }
        return Ok(());
    }
    let points = scorecard::history(&inputs(app)?, at, args.weeks, &only, &app.scheduler, &app.days)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&HistoryJson { weeks: &points })?);
    } else {
        print!("{}", scorecard::render_history(&points));
    }
    Ok(())
}

/// `--history --json`: these field names are a stable interface.
#[derive(Serialize)]
struct HistoryJson<'a> {
    weeks: &'a [HistoryPoint],
}

/// The scorecard of every area at `at`, from the database as it is now.
pub fn scorecard_at(app: &App, at: DateTime<Utc>) -> Result<Scorecard> {
    Ok(scorecards_at(app, &[at])?.remove(0))
}

/// The scorecard at each of `moments` (oldest first), reading the database once.
pub fn scorecards_at(app: &App, moments: &[DateTime<Utc>]) -> Result<Vec<Scorecard>> {
    if let Some(recent) = recent_inputs(app, moments)? {
        let summary = app.store.readiness_summary()?;
        return Ok(scorecard::compute_summarised(&summary, &recent, moments, &app.scheduler, &app.days));
    }
    Ok(scorecard::compute_many(&inputs(app)?, moments, &app.scheduler, &app.days)?)
}

/// When every moment comes after the last review: the self-assessments and the retention
/// window's log, all the summarised scorecard needs besides the derived tables.
fn recent_inputs(app: &App, moments: &[DateTime<Utc>]) -> Result<Option<Inputs>> {
    let Some(first) = moments.iter().min() else { return Ok(None) };
    if app.store.latest_review_at()?.is_some_and(|latest| latest > *first) {
        return Ok(None);
    }
    let since = app.days.day_start(app.days.day_of(*first) - (scorecard::RETENTION_DAYS - 1));
    Ok(Some(Inputs {
        cards: app.store.retention_window(since)?,
        self_ratings: app.store.self_ratings()?,
        languages: app.config.languages.clone(),
    }))
}

/// Everything the scorecard is computed from, read from the database (also the report's).
pub fn inputs(app: &App) -> Result<Inputs> {
    Ok(Inputs {
        cards: app.store.scorecard_cards()?,
        self_ratings: app.store.self_ratings()?,
        languages: app.config.languages.clone(),
    })
}

/// The areas `--area` names, canonical; `language-depth` stands for the language areas.
fn selected_areas(app: &App, typed: &[String]) -> Result<Vec<String>> {
    if typed.is_empty() {
        return Ok(Vec::new());
    }
    let known = app.store.areas()?;
    let mut out = Vec::new();
    for name in typed {
        match resolve(name, &known) {
            Some(area) if area == LANGUAGE_DEPTH => {
                out.extend(scorecard::language_areas(known.iter().map(String::as_str), &app.config.languages));
            }
            Some(area) => out.push(area),
            None => return Err(unknown(name, &known).into()),
        }
    }
    Ok(out)
}

/// The area (or `language-depth`) a typed name means: an area spelled exactly as in the decks,
/// else its canonical spelling (`System design` -> `system-design`).
fn resolve(typed: &str, known: &[String]) -> Option<String> {
    if known.iter().any(|k| k == typed) {
        return Some(typed.to_owned());
    }
    let canonical = canonical_name(typed);
    (canonical == LANGUAGE_DEPTH || known.contains(&canonical)).then_some(canonical)
}

fn unknown(name: &str, areas: &[String]) -> UnknownArea {
    let mut known: Vec<String> = areas.iter().map(|a| safe_line(a)).collect();
    known.extend(DIMENSIONS.iter().map(|d| d.id.to_owned()));
    known.sort();
    known.dedup();
    UnknownArea { name: name.to_owned(), known }
}

/// `grill score set AREA N`: records the rating and shows it beside the measured score.
fn set(app: &App, typed: &str, rating: u8) -> Result<()> {
    let known = app.store.areas()?;
    let area = resolve(typed, &known).ok_or_else(|| unknown(typed, &known))?;
    let now = app.now();
    app.store.add_self_rating(&area, rating, now)?;
    let card = scorecard_at(app, now)?;
    let (measured, gap) = if area == LANGUAGE_DEPTH {
        let d = card.dimensions.iter().find(|d| d.dimension == LANGUAGE_DEPTH);
        (d.and_then(|d| d.score), d.and_then(|d| d.gap))
    } else {
        let a = card.area(&area);
        (a.and_then(|a| a.score), a.and_then(|a| a.gap))
    };
    let measured = match (measured, gap) {
        (Some(score), Some(gap)) => {
            format!("measured now: {:.1}, gap {:+.1}", scorecard::round_to(score, 1), scorecard::round_to(gap, 1))
        }
        _ => "nothing measured yet".to_owned(),
    };
    println!("{}: your rating {rating} recorded ({measured}). Earlier ratings are kept.", safe_line(&area));
    Ok(())
}
