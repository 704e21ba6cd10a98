//! The scorecard as text: the scorecard table, the weekly history chart and the drill's
//! before/after lines. Only formatting: every number comes from [`Scorecard`], rounded the way
//! `--json` rounds it.

use std::fmt::Write;

use chrono::{DateTime, TimeZone, Utc};
use comfy_table::Table;
use comfy_table::{Cell, CellAlignment};

use crate::render::{bar, safe_line, sparkline};
use crate::scheduler::DayClock;
use crate::scorecard::{AreaScore, DimensionScore, HistoryPoint, Scorecard, SelfRating, date_of_day, round_to};

/// Width of the 1-5 bar, in cells.
const BAR_WIDTH: usize = 8;

/// What the numbers mean, printed under the scorecard.
const LEGEND: &str = "\
score = 1 + 4 × recall; recall = the share of the area's questions you would answer right at that
moment, from the FSRS memory model (cards never reviewed count 0). retention 30d = passes / reviews
made a day or more after the card's previous review (Anki's true retention). gap = self - score.";

/// The scorecard as the terminal shows it.
pub fn render_scorecard<Tz: TimeZone>(
    card: &Scorecard,
    now: DateTime<Utc>,
    clock: &DayClock<Tz>,
    width: Option<usize>,
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Readiness {}", when(card.at, now, clock));
    if !card.dimensions.is_empty() {
        let _ = writeln!(out, "{}", dimension_table(&card.dimensions, clock, width));
    }
    let _ = writeln!(out, "{}", area_table(&card.areas, clock, width));
    out.push_str(LEGEND);
    out.push('\n');
    out
}

/// "now", "on Fri 20 Mar 2026, in 18 days (assuming no more practice)", or a past day.
fn when<Tz: TimeZone>(at: DateTime<Utc>, now: DateTime<Utc>, clock: &DayClock<Tz>) -> String {
    let date = date_of_day(clock.day_of(at)).format("%a %d %b %Y");
    let days = clock.day_of(at) - clock.day_of(now);
    match days {
        0 if at == now => format!("now · {date}"),
        0 => format!("on {date} (today)"),
        1 => format!("on {date}, tomorrow, assuming no more practice"),
        d if d > 1 => format!("on {date}, in {d} days, assuming no more practice"),
        -1 => format!("on {date}, yesterday, from the reviews made by then"),
        d => format!("on {date}, {} days ago, from the reviews made by then", -d),
    }
}

fn dimension_table<Tz: TimeZone>(dimensions: &[DimensionScore], clock: &DayClock<Tz>, width: Option<usize>) -> Table {
    let mut table = crate::render::table(width);
    table.set_header(["dimension", "score", "1 ─── 5", "measured from", "self", "gap"]);
    for d in dimensions {
        let from = match (&d.area, d.from.len()) {
            (Some(area), 1) => safe_line(area),
            (Some(area), _) => format!("{} (best of {})", safe_line(area), safe_line(&d.from.join(", "))),
            (None, 0) => "no language deck".to_owned(),
            (None, _) => format!("no active cards in {}", safe_line(&d.from.join(", "))),
        };
        table.add_row([
            Cell::new(&d.label),
            right(score_text(d.score)),
            Cell::new(score_bar(d.score)),
            Cell::new(from),
            Cell::new(self_text(d.self_rating.as_ref(), clock)),
            right(gap_text(d.gap)),
        ]);
    }
    crate::render::fit(table)
}

fn area_table<Tz: TimeZone>(areas: &[AreaScore], clock: &DayClock<Tz>, width: Option<usize>) -> Table {
    let mut table = crate::render::table(width);
    table.set_header(["area", "score", "1 ─── 5", "recall", "seen", "retention 30d", "self", "gap"]);
    for a in areas {
        let retention = match a.retention_30d {
            Some(r) => format!("{}/{} {}", a.passes_30d, a.reviews_30d, percent(r)),
            None => "–".to_owned(),
        };
        table.add_row([
            Cell::new(safe_line(&a.area)),
            right(score_text(a.score)),
            Cell::new(score_bar(a.score)),
            right(a.recall.map_or("–".to_owned(), percent)),
            right(format!("{}/{}", a.seen, a.cards)),
            right(retention),
            Cell::new(self_text(a.self_rating.as_ref(), clock)),
            right(gap_text(a.gap)),
        ]);
    }
    crate::render::fit(table)
}

fn right(text: String) -> Cell {
    Cell::new(text).set_alignment(CellAlignment::Right)
}

/// A score as shown: one decimal (`–` when there is nothing to measure).
fn score_text(score: Option<f64>) -> String {
    score.map_or("–".to_owned(), |s| format!("{:.1}", round_to(s, 1)))
}

/// The score on the 1-5 scale as a bar (empty at 1, full at 5).
fn score_bar(score: Option<f64>) -> String {
    score.map_or(String::new(), |s| bar((round_to(s, 1) - 1.0) / 4.0, BAR_WIDTH))
}

/// A share as a whole percentage, the same value `--json` gives to two decimals.
fn percent(share: f64) -> String {
    format!("{:.0}%", round_to(share, 2) * 100.0)
}

fn self_text<Tz: TimeZone>(rating: Option<&SelfRating>, clock: &DayClock<Tz>) -> String {
    rating.map_or("–".to_owned(), |r| format!("{} ({})", r.score, date_of_day(clock.day_of(r.at)).format("%d %b")))
}

fn gap_text(gap: Option<f64>) -> String {
    gap.map_or("–".to_owned(), |g| format!("{:+.1}", round_to(g, 1)))
}

/// The weekly history: one sparkline per area (1 at the bottom, 5 at the top), with the first
/// and last values.
pub fn render_history(points: &[HistoryPoint], width: Option<usize>) -> String {
    let (Some(first), Some(last)) = (points.first(), points.last()) else { return String::new() };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Readiness by week, {} to {}: one column per week, oldest left; ▁ is 1, █ is 5.",
        first.date.format("%d %b %Y"),
        last.date.format("%d %b %Y"),
    );
    let _ = writeln!(out, "Each week's scores are replayed from the review log as it stood at the end of that day.");
    let mut table = crate::render::table(width);
    table.set_header(["area", "by week", "first", "last", "change"]);
    for area in &first.areas {
        let score_in = |p: &HistoryPoint| p.areas.iter().find(|a| a.area == area.area).and_then(|a| a.score);
        let series: Vec<Option<f64>> =
            points.iter().map(|p| score_in(p).map(|s| (round_to(s, 1) - 1.0) / 4.0)).collect();
        let (from, to) = (area.score, score_in(last));
        let change = match (from, to) {
            (Some(a), Some(b)) => format!("{:+.1}", round_to(round_to(b, 1) - round_to(a, 1), 1)),
            _ => "–".to_owned(),
        };
        table.add_row([
            Cell::new(safe_line(&area.area)),
            Cell::new(sparkline(&series)),
            right(score_text(from)),
            right(score_text(to)),
            right(change),
        ]);
    }
    let _ = writeln!(out, "{}", crate::render::fit(table));
    out
}

/// The drill summary's lines for the areas a session touched: score before, after, and
/// tomorrow (a card reviewed today counts as fully recalled until the day ends, whatever its
/// rating; tomorrow shows what the ratings did to the memory).
pub fn render_changes(before: &Scorecard, after: &Scorecard, tomorrow: &Scorecard, areas: &[String]) -> String {
    let width = areas.iter().map(|a| safe_line(a).chars().count()).max().unwrap_or(0).max("readiness".len());
    let mut out = format!("{:<width$}  before  after  tomorrow\n", "readiness");
    for area in areas {
        let score = |card: &Scorecard| score_text(card.area(area).and_then(|a| a.score));
        let _ = writeln!(
            out,
            "{:<width$}  {:>6}  {:>5}  {:>8}",
            safe_line(area),
            score(before),
            score(after),
            score(tomorrow)
        );
    }
    out
}
