//! The report's readiness charts: each area's 1-5 score over time, and the scorecard against
//! the user's own ratings.

use std::fmt::Write;

use chrono::NaiveDate;

use super::svg::{AREA_COLOURS, escape, open, text};

/// Each area's readiness (1-5) at one date.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadinessPoint {
    pub date: NaiveDate,
    /// (area, score); `None` when the area had no active card then.
    pub scores: Vec<(String, Option<f64>)>,
}

/// One line of the scorecard: measured readiness and the user's self-assessment (1-5).
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreRow {
    pub name: String,
    pub measured: Option<f64>,
    pub self_rating: Option<f64>,
}

// Both charts share a half-page column, so their user units stay close to screen pixels.
const LEFT: f64 = 130.0;
const PLOT: f64 = 280.0;

fn x_of_score(score: f64) -> f64 {
    LEFT + PLOT * (score.clamp(1.0, 5.0) - 1.0) / 4.0
}

fn label(out: &mut String, x: f64, y: f64, anchor: &str, content: &str) {
    text(out, x, y, "label", anchor, content);
}

/// One line per area through its weekly scores (y: 1 at the bottom, 5 at the top).
pub fn history(points: &[ReadinessPoint]) -> String {
    const LEFT: f64 = 34.0;
    const TOP: f64 = 10.0;
    const WIDTH: f64 = 290.0;
    const HEIGHT: f64 = 150.0;
    let areas: Vec<&str> =
        points.first().map(|p| p.scores.iter().map(|(a, _)| a.as_str()).collect()).unwrap_or_default();
    let legend_rows = areas.len().max(1);
    let total_height = (TOP + HEIGHT + 30.0).max(14.0 * legend_rows as f64 + 20.0);
    let mut out = open("readiness", (LEFT + WIDTH + 120.0) as u32, total_height as u32, "Readiness per area, weekly");
    let x = |i: usize| LEFT + if points.len() > 1 { WIDTH * i as f64 / (points.len() - 1) as f64 } else { WIDTH / 2.0 };
    let y = |score: f64| TOP + HEIGHT - HEIGHT * (score.clamp(1.0, 5.0) - 1.0) / 4.0;
    for score in 1..=5 {
        let yy = y(f64::from(score));
        let _ = write!(
            out,
            "<line class=\"grid\" x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\"/>",
            LEFT + WIDTH
        );
        label(&mut out, LEFT - 6.0, yy + 4.0, "end", &score.to_string());
    }
    for (i, point) in points.iter().enumerate() {
        if i == 0 || i + 1 == points.len() || i % 4 == 0 {
            label(&mut out, x(i), TOP + HEIGHT + 16.0, "middle", &point.date.format("%d %b").to_string());
        }
    }
    for (a, area) in areas.iter().enumerate() {
        let colour = AREA_COLOURS[a % AREA_COLOURS.len()];
        let scores: Vec<(usize, f64)> = points
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.scores.iter().find(|(name, _)| name == area).and_then(|(_, s)| s.map(|s| (i, s))))
            .collect();
        let path: Vec<String> = scores.iter().map(|&(i, s)| format!("{:.1},{:.1}", x(i), y(s))).collect();
        let _ = write!(
            out,
            "<polyline class=\"area-line\" data-area=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{}\"/>",
            escape(area),
            path.join(" ")
        );
        for &(i, s) in &scores {
            let _ = write!(
                out,
                "<circle class=\"point\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.5\" fill=\"{colour}\"><title>{}, {}: {s:.1}</title></circle>",
                x(i),
                y(s),
                escape(area),
                points[i].date.format("%d %b %Y")
            );
        }
        let ly = TOP + 8.0 + 14.0 * a as f64;
        let _ = write!(
            out,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"10\" height=\"3\" fill=\"{colour}\"/>",
            LEFT + WIDTH + 16.0,
            ly - 4.0
        );
        label(&mut out, LEFT + WIDTH + 30.0, ly, "start", area);
    }
    out.push_str("</svg>");
    out
}

/// Measured readiness (filled dot) and the user's rating (open dot) on one 1-5 scale per row,
/// joined by a line: its length is the gap between feeling and measurement.
pub fn scorecard(rows: &[ScoreRow]) -> String {
    const TOP: f64 = 34.0;
    const ROW: f64 = 20.0;
    let height = TOP + ROW * rows.len() as f64 + 24.0;
    let mut out =
        open("scorecard", (LEFT + PLOT + 40.0) as u32, height as u32, "Scorecard: measured against your own rating");
    let _ = write!(out, "<circle cx=\"{LEFT}\" cy=\"10\" r=\"5\" class=\"measured\"/>");
    label(&mut out, LEFT + 9.0, 14.0, "start", "measured");
    let _ = write!(out, "<circle cx=\"{:.1}\" cy=\"10\" r=\"5\" class=\"self\"/>", LEFT + 100.0);
    label(&mut out, LEFT + 109.0, 14.0, "start", "your rating");
    for score in 1..=5 {
        let x = x_of_score(f64::from(score));
        let _ = write!(
            out,
            "<line class=\"grid\" x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{:.1}\" y2=\"{:.1}\"/>",
            TOP - 8.0,
            height - 22.0
        );
        label(&mut out, x, height - 8.0, "middle", &score.to_string());
    }
    for (i, row) in rows.iter().enumerate() {
        let y = TOP + ROW * i as f64 + ROW / 2.0 - 4.0;
        label(&mut out, LEFT - 10.0, y + 4.0, "end", &row.name);
        if let (Some(m), Some(s)) = (row.measured, row.self_rating) {
            let _ = write!(
                out,
                "<line class=\"gap\" x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/>",
                x_of_score(m),
                x_of_score(s)
            );
        }
        if let Some(m) = row.measured {
            let _ = write!(
                out,
                "<circle class=\"measured\" cx=\"{:.1}\" cy=\"{y:.1}\" r=\"5\"><title>{}: measured {m:.1}</title></circle>",
                x_of_score(m),
                escape(&row.name)
            );
        }
        if let Some(s) = row.self_rating {
            let _ = write!(
                out,
                "<circle class=\"self\" cx=\"{:.1}\" cy=\"{y:.1}\" r=\"5\"><title>{}: your rating {s:.0}</title></circle>",
                x_of_score(s),
                escape(&row.name)
            );
        }
        if row.measured.is_none() && row.self_rating.is_none() {
            label(&mut out, LEFT + 4.0, y + 4.0, "start", "no cards and no rating yet");
        }
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
    }

    #[test]
    fn each_area_gets_a_line_through_its_scores() {
        let points = vec![
            ReadinessPoint { date: date(1), scores: vec![("sql".into(), Some(1.0)), ("java".into(), None)] },
            ReadinessPoint { date: date(8), scores: vec![("sql".into(), Some(5.0)), ("java".into(), Some(3.0))] },
        ];
        let svg = history(&points);
        assert_eq!(svg.matches("class=\"area-line\"").count(), 2);
        assert!(svg.contains("points=\"34.0,160.0 324.0,10.0\""), "sql from 1 (bottom) to 5 (top): {svg}");
        assert_eq!(svg.matches("class=\"point\"").count(), 3, "java has no score on the first date");
    }

    #[test]
    fn the_scorecard_joins_measured_and_self_ratings() {
        let rows = vec![
            ScoreRow { name: "SQL".into(), measured: Some(2.0), self_rating: Some(4.0) },
            ScoreRow { name: "Cloud".into(), measured: Some(3.0), self_rating: None },
        ];
        let svg = scorecard(&rows);
        assert_eq!(svg.matches("<circle class=\"measured\"").count(), 2);
        assert_eq!(svg.matches("<circle class=\"self\"").count(), 1);
        assert_eq!(svg.matches("class=\"gap\"").count(), 1);
        assert!(svg.contains("x1=\"200.0\" x2=\"340.0\""), "2 and 4 on a 1-5 scale over 280 units: {svg}");
    }
}
