//! `grill score`: the readiness scorecard (now, at a date, or projected), its weekly history,
//! and self-assessments (`grill score set AREA N`).

use anyhow::Result;
use serde::Serialize;
use std::io::Write;

use crate::app::queries::scorecard_at;
use crate::app::{App, Ui};
use crate::cli::{ScoreAction, ScoreArgs};
use crate::render::safe_line;
use crate::scorecard::{self, DIMENSIONS, HistoryPoint, LANGUAGE_DEPTH, UnknownArea, canonical_name, days_after};
use crate::values::Area;

/// Runs `grill score` (or `grill score set`).
pub fn run(app: &App, args: &ScoreArgs, out: &mut Ui) -> Result<()> {
    if let Some(ScoreAction::Set { area, rating }) = &args.action {
        return set(app, area, *rating, out);
    }
    let now = app.now();
    let at = match (args.at, args.in_days) {
        (Some(when), _) => when.resolve(&app.days),
        (None, Some(span)) => days_after(now, span.days),
        (None, None) => now,
    };
    let only = selected_areas(app, &args.areas)?;
    if !args.history {
        let card = scorecard_at(app, at)?.narrowed(&only);
        if args.json {
            writeln!(out, "{}", serde_json::to_string_pretty(&card)?)?;
        } else {
            write!(out, "{}", crate::render::scorecard::render_scorecard(&card, now, &app.days, out.width()))?;
        }
        return Ok(());
    }
    let points = crate::app::history::history(app, at, args.weeks, &only)?;
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&HistoryJson { weeks: &points })?)?;
    } else {
        write!(out, "{}", crate::render::scorecard::render_history(&points, out.width()))?;
    }
    Ok(())
}

/// `--history --json`: these field names are a stable interface.
#[derive(Serialize)]
struct HistoryJson<'a> {
    weeks: &'a [HistoryPoint],
}

/// The areas `--area` names, as the decks spell them; `language-depth` stands for the
/// language areas.
fn selected_areas(app: &App, typed: &[Area]) -> Result<Vec<String>> {
    let (depth, areas): (Vec<&Area>, Vec<&Area>) = typed.iter().partition(|a| a.as_str() == LANGUAGE_DEPTH);
    let areas: Vec<Area> = areas.into_iter().cloned().collect();
    let mut out = crate::app::queries::areas(app, &areas)?;
    if !depth.is_empty() {
        let known = app.store.areas()?;
        out.extend(scorecard::language_areas(known.iter().map(String::as_str), &app.config.languages));
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
fn set(app: &App, typed: &str, rating: u8, out: &mut dyn Write) -> Result<()> {
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
    writeln!(out, "{}: your rating {rating} recorded ({measured}). Earlier ratings are kept.", safe_line(&area))?;
    Ok(())
}
