//! `grill report`: one self-contained HTML page (inline CSS and SVG, no scripts, no network)
//! that reads well in a browser and prints on two A4 pages.

use std::fmt::Write;

use super::clock_time;
use super::svg::{self, escape};
use super::svg_readiness::{self, ReadinessPoint, ScoreRow};
use crate::cycle::mock::trend::RubricTrend;
use crate::scorecard::{HistoryPoint, Scorecard, SelfRating};
use crate::stats::{LEECH_LAPSES, Stats};

/// Readiness over time and the scorecard, from the scorecard module.
#[derive(Debug, Clone, PartialEq)]
pub struct Readiness {
    /// Weekly points, oldest first.
    pub history: Vec<ReadinessPoint>,
    pub scorecard: Vec<ScoreRow>,
}

impl Readiness {
    /// The charts' data: each area's weekly scores, and the scorecard's rows, the six
    /// dimensions users rate themselves on first, then the areas no dimension is measured from.
    pub fn from_scorecard(history: &[HistoryPoint], card: &Scorecard) -> Readiness {
        let history = history
            .iter()
            .map(|p| ReadinessPoint {
                date: p.date,
                scores: p.areas.iter().map(|a| (a.area.clone(), a.score)).collect(),
            })
            .collect();
        let self_score = |r: Option<&SelfRating>| r.map(|r| f64::from(r.score));
        let mut rows: Vec<ScoreRow> = card
            .dimensions
            .iter()
            .map(|d| ScoreRow {
                name: d.label.clone(),
                measured: d.score,
                self_rating: self_score(d.self_rating.as_ref()),
            })
            .collect();
        let covered: Vec<&String> = card.dimensions.iter().flat_map(|d| d.from.iter()).collect();
        rows.extend(card.areas.iter().filter(|a| !covered.contains(&&a.area)).map(|a| ScoreRow {
            name: a.area.clone(),
            measured: a.score,
            self_rating: self_score(a.self_rating.as_ref()),
        }));
        Readiness { history, scorecard: rows }
    }
}

/// Everything the page shows.
#[derive(Debug, Clone)]
pub struct Report<'a> {
    pub stats: &'a Stats,
    pub readiness: &'a Readiness,
    /// When the report was made, as the reader's clock shows it.
    pub generated: String,
    pub desired_retention: f32,
    /// Which FSRS parameters schedule the cards, in words.
    pub parameters: String,
    /// The rubric trend across the latest mock rounds, if any was scored.
    pub mock: Option<&'a RubricTrend>,
}

const STYLE: &str = r#"
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: #1f2328; margin: 0 auto; padding: 24px; max-width: 980px; line-height: 1.4; }
h1 { font-size: 1.6rem; margin: 0 0 4px; }
h2 { font-size: 1.1rem; margin: 0 0 6px; }
p.meta, p.note { color: #57606a; font-size: 0.85rem; margin: 4px 0; }
.summary { display: flex; flex-wrap: wrap; gap: 10px; margin: 14px 0 18px; padding: 0; list-style: none; }
.summary li { border: 1px solid #d0d7de; border-radius: 6px; padding: 6px 12px; }
.summary b { display: block; font-size: 1.3rem; }
section { margin: 0 0 20px; break-inside: avoid; page-break-inside: avoid; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 20px; }
svg.chart { width: 100%; height: auto; display: block; }
svg .label, svg .value { font-size: 10px; fill: #57606a; }
svg .area { fill: #1f2328; }
svg .none { font-style: italic; }
svg .grid { stroke: #d8dee4; stroke-width: 1; }
svg .target { stroke: #d55e00; stroke-width: 1.5; stroke-dasharray: 4 3; }
svg .measured { fill: #0072b2; }
svg .self { fill: #fff; stroke: #e69f00; stroke-width: 2; }
svg .gap { stroke: #8c959f; stroke-width: 2; }
table { border-collapse: collapse; font-size: 0.9rem; width: 100%; }
th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid #d8dee4; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.page2 { break-before: page; page-break-before: always; }
@media (max-width: 700px) { .grid2 { grid-template-columns: 1fr; } }
@page { size: A4; margin: 12mm; }
@media print {
  html { font-size: 11px; }
  body { padding: 0; max-width: none; }
  h1 { font-size: 1.3rem; }
  .summary { margin: 8px 0 10px; }
  section { margin-bottom: 10px; }
  a { color: inherit; text-decoration: none; }
}
"#;

/// The whole page.
pub fn html(report: &Report) -> String {
    let s = report.stats;
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\
         <title>grill report · {}</title><style>{STYLE}</style></head><body>\n",
        s.today.format("%Y-%m-%d")
    );
    let _ = write!(
        out,
        "<header><h1>Interview readiness</h1><p class=\"meta\">grill report for {} · made {} · {} · desired retention {:.2}</p></header>",
        s.today.format("%A %d %B %Y"),
        escape(&report.generated),
        escape(&report.parameters),
        report.desired_retention
    );
    summary(&mut out, s);
    readiness(&mut out, report.readiness);
    out.push_str("<div class=\"grid2\">");
    let plural = if s.streak.current == 1 { "day" } else { "days" };
    let streak = format!("Current streak {} {plural}, longest {}.", s.streak.current, s.streak.longest);
    section(&mut out, "Activity, last 12 weeks", &svg::heatmap(&s.heatmap), &streak);
    section(&mut out, "Due, next 30 days", &svg::forecast(&s.forecast), "Today's bar includes overdue cards.");
    out.push_str("</div>\n<div class=\"page2\"></div>\n");
    let retention_note = "Reviews made a day or more after the card's previous one; Again is a fail; \
                          cram repeats and previews are left out. The dashed line is your desired retention.";
    let retention = svg::retention(&s.retention, report.desired_retention);
    section(&mut out, "True retention per area", &retention, retention_note);
    mock_rounds(&mut out, report.mock);
    let _ = writeln!(out, "<div class=\"grid2\">{}{}</div>", answer_times(s), leeches(s));
    out.push_str("</body></html>\n");
    out
}

fn section(out: &mut String, title: &str, chart: &str, note: &str) {
    let note = if note.is_empty() { String::new() } else { format!("<p class=\"note\">{}</p>", escape(note)) };
    let _ = writeln!(out, "<section><h2>{}</h2>{chart}{note}</section>", escape(title));
}

fn summary(out: &mut String, s: &Stats) {
    let all = s.retention.iter().find(|r| r.area == "all");
    let month = all.and_then(|r| r.windows.iter().find(|w| w.days == 30));
    let retention = month.and_then(|w| w.rate).map_or("–".to_owned(), |r| format!("{:.0}%", r * 100.0));
    let items = [
        ("answers", s.answers.to_string()),
        ("cards studied", format!("{} of {}", s.cards.studied, s.cards.total)),
        ("streak", format!("{} d (best {})", s.streak.current, s.streak.longest)),
        ("true retention, 30 d", retention),
        ("due today", s.forecast.first().map_or(0, |d| d.count).to_string()),
        ("leeches", s.leeches.len().to_string()),
    ];
    out.push_str("<ul class=\"summary\">");
    for (name, value) in items {
        let _ = write!(out, "<li><b>{}</b>{}</li>", escape(&value), escape(name));
    }
    out.push_str("</ul>\n");
}

fn readiness(out: &mut String, r: &Readiness) {
    let history_note = "1 = you would recall almost none of the area's questions, 5 = all of them \
                        (the mean recall probability of its cards, from the memory model).";
    out.push_str("<div class=\"grid2\">");
    section(out, "Readiness per area, weekly", &svg_readiness::history(&r.history), history_note);
    let scorecard_note = "Filled: measured now. Open: your own rating (grill score set AREA N).";
    section(out, "Scorecard against your own rating", &svg_readiness::scorecard(&r.scorecard), scorecard_note);
    out.push_str("</div>\n");
}

fn answer_times(s: &Stats) -> String {
    let mut out = String::from("<section><h2>Answer time, last 30 days</h2>");
    if s.answer_times.is_empty() {
        out.push_str("<p class=\"note\">No answers in the last 30 days.</p></section>");
        return out;
    }
    out.push_str("<table id=\"answer-times\"><tr><th>area</th><th class=\"n\">answers</th><th class=\"n\">median</th><th class=\"n\">time limit</th><th class=\"n\">over</th></tr>");
    for t in &s.answer_times {
        let limit = t.limit_median_secs.map_or("–".to_owned(), |l| clock_time((l * 1000.0) as u64));
        let over = if t.timed == 0 { "–".to_owned() } else { format!("{} of {}", t.over_limit, t.timed) };
        let _ = write!(
            out,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{limit}</td><td class=\"n\">{over}</td></tr>",
            escape(&t.area),
            t.answers,
            clock_time((t.median_secs * 1000.0).round() as u64)
        );
    }
    out.push_str("</table></section>");
    out
}

fn leeches(s: &Stats) -> String {
    let mut out = format!(
        "<section><h2>Leeches</h2><p class=\"note\">Cards forgotten {LEECH_LAPSES} times or more: rewrite them (<code>grill edit CARD</code>) or suspend them.</p>"
    );
    if s.leeches.is_empty() {
        out.push_str("<p>None.</p></section>");
        return out;
    }
    out.push_str("<table id=\"leeches\"><tr><th>card</th><th>area</th><th class=\"n\">lapses</th></tr>");
    for l in &s.leeches {
        let note = if l.suspended { " (suspended)" } else { "" };
        let _ = write!(
            out,
            "<tr><td>{}{note}</td><td>{}</td><td class=\"n\">{}</td></tr>",
            escape(&l.card),
            escape(&l.area),
            l.lapses
        );
    }
    out.push_str("</table></section>");
    out
}

/// The mock rounds' rubric: a row per criterion, a column per round (oldest first), the mean
/// and the direction, then the weakest criterion.
fn mock_rounds(out: &mut String, trend: Option<&RubricTrend>) {
    out.push_str("<section id=\"mock-rounds\"><h2>Mock rounds: rubric trend</h2>");
    let Some(trend) = trend else {
        out.push_str("<p class=\"note\">No scored mock round yet: <code>grill mock</code> runs one.</p></section>\n");
        return;
    };
    out.push_str("<table id=\"rubric-trend\"><tr><th>criterion (1-5)</th>");
    for r in &trend.rounds {
        let company = if r.company == "mock" { String::new() } else { format!(" · {}", escape(&r.company)) };
        let _ = write!(out, "<th class=\"n\">{}<br>{}{company}</th>", r.held_on, escape(&r.format));
    }
    out.push_str("<th class=\"n\">mean</th><th>direction</th></tr>");
    for c in &trend.criteria {
        let _ = write!(out, "<tr><td>{}</td>", escape(c.name));
        for score in &c.scores {
            let _ = write!(out, "<td class=\"n\">{}</td>", score.map_or("–".to_owned(), |s| s.to_string()));
        }
        let mean = c.mean.map_or("–".to_owned(), |m| format!("{m:.1}"));
        let _ = write!(out, "<td class=\"n\">{mean}</td><td>{}</td></tr>", escape(c.direction.word()));
    }
    out.push_str("</table>");
    let note = format!(
        "Self-scored at the end of each round, {}; the direction compares the latest score with the mean of the earlier ones.{}",
        trend.span_text(),
        trend.weakest_text().map(|w| format!(" Weakest: {w}: aim the next round at it.")).unwrap_or_default()
    );
    let _ = writeln!(out, "<p class=\"note\">{}</p></section>", escape(&note));
}
