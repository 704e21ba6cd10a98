//! Hand-written SVG charts for `grill report`: small pure functions from numbers to markup,
//! no scripts, no fonts beyond the reader's own. Every chart has an `id`, a `<title>` and a
//! `<title>` per mark (what a pointer over it shows).

use std::fmt::Write;

use chrono::Datelike;

use crate::stats::{AreaRetention, DayCount};

/// Colours by level for the heatmap (no answer to the busiest day).
const HEAT_FILLS: [&str; 5] = ["#ebedf0", "#c6e48b", "#7bc96f", "#239a3b", "#196127"];
/// One colour per area (Okabe-Ito, readable by most colour-blind readers, with its yellow
/// darkened to show on white paper, then brown and grey).
pub const AREA_COLOURS: [&str; 9] =
    ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#b59a00", "#000000", "#8c564b"];
/// The three retention windows, lightest for the longest.
const WINDOW_FILLS: [&str; 3] = ["#0072b2", "#56b4e9", "#b8dcf2"];

/// Text made safe inside SVG/HTML: the five XML specials escaped, control characters (which
/// XML forbids) dropped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            c if c.is_control() && c != '\n' => {}
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Opens an `<svg>` of `width` x `height` user units that scales to its container.
pub fn open(id: &str, width: u32, height: u32, title: &str) -> String {
    format!(
        "<svg id=\"{id}\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" \
         style=\"max-width: {}px\" role=\"img\" aria-labelledby=\"{id}-title\"><title id=\"{id}-title\">{}</title>",
        // Never blown up past 1.6 times its size: the labels would turn huge.
        width * 8 / 5,
        escape(title)
    )
}

/// Appends a `<text>` of class `class` at (x, y), anchored `start`, `middle` or `end`.
pub(super) fn text(out: &mut String, x: f64, y: f64, class: &str, anchor: &str, content: &str) {
    let _ = write!(
        out,
        "<text x=\"{x:.1}\" y=\"{y:.1}\" class=\"{class}\" text-anchor=\"{anchor}\">{}</text>",
        escape(content)
    );
}

/// A calendar heatmap: one column per week (Monday on top), one square per day.
pub fn heatmap(days: &[DayCount]) -> String {
    const CELL: f64 = 14.0;
    const LEFT: f64 = 34.0;
    const TOP: f64 = 18.0;
    let weeks = days.len().div_ceil(7);
    let width = (LEFT + weeks as f64 * CELL + 150.0) as u32;
    let max = days.iter().map(|d| d.count).max().unwrap_or(0);
    let mut out = open("heatmap", width, (TOP + 7.0 * CELL + 26.0) as u32, "Answers per day, last 12 weeks");
    for (row, name) in [(0, "Mon"), (2, "Wed"), (4, "Fri"), (6, "Sun")] {
        text(&mut out, LEFT - 6.0, TOP + row as f64 * CELL + 10.0, "label", "end", name);
    }
    // A month's name over its first week; the first, partial month yields to the next when
    // they would overlap.
    let starts: Vec<usize> =
        (0..weeks).filter(|&w| w == 0 || days[w * 7].date.month() != days[(w - 1) * 7].date.month()).collect();
    for (i, &week) in starts.iter().enumerate() {
        if starts.get(i + 1).is_none_or(|&next| next - week >= 2) {
            let name = days[week * 7].date.format("%b").to_string();
            text(&mut out, LEFT + week as f64 * CELL, TOP - 6.0, "label", "start", &name);
        }
    }
    for (i, day) in days.iter().enumerate() {
        let (week, row) = (i / 7, i % 7);
        let x = LEFT + week as f64 * CELL;
        let level = crate::render::stats::heat_level(day.count, max);
        let _ = write!(
            out,
            "<rect class=\"day level-{level}\" x=\"{x:.1}\" y=\"{:.1}\" width=\"11\" height=\"11\" rx=\"2\" \
             fill=\"{}\" data-count=\"{}\"><title>{}: {} {}</title></rect>",
            TOP + row as f64 * CELL,
            HEAT_FILLS[level],
            day.count,
            day.date.format("%a %d %b %Y"),
            day.count,
            if day.count == 1 { "answer" } else { "answers" }
        );
    }
    let legend_y = TOP + 7.0 * CELL + 12.0;
    text(&mut out, LEFT, legend_y + 9.0, "label", "start", "less");
    for (i, fill) in HEAT_FILLS.iter().enumerate() {
        let _ = write!(
            out,
            "<rect x=\"{:.1}\" y=\"{legend_y:.1}\" width=\"11\" height=\"11\" rx=\"2\" fill=\"{fill}\"/>",
            LEFT + 28.0 + i as f64 * CELL
        );
    }
    text(&mut out, LEFT + 32.0 + 5.0 * CELL, legend_y + 9.0, "label", "start", &format!("more (busiest day: {max})"));
    out.push_str("</svg>");
    out
}

/// Vertical bars: cards due per day for the next 30 days, today first.
pub fn forecast(days: &[DayCount]) -> String {
    const LEFT: f64 = 34.0;
    const TOP: f64 = 12.0;
    const HEIGHT: f64 = 120.0;
    const BAR: f64 = 14.0;
    let max = days.iter().map(|d| d.count).max().unwrap_or(0).max(1);
    let width = (LEFT + days.len() as f64 * BAR + 10.0) as u32;
    let mut out = open("forecast", width, (TOP + HEIGHT + 34.0) as u32, "Cards due per day, next 30 days");
    for tick in [0, max / 2, max] {
        let y = TOP + HEIGHT - HEIGHT * tick as f64 / max as f64;
        let _ = write!(
            out,
            "<line class=\"grid\" x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/>",
            width as f64 - 10.0
        );
        text(&mut out, LEFT - 6.0, y + 4.0, "label", "end", &tick.to_string());
    }
    for (i, day) in days.iter().enumerate() {
        let h = HEIGHT * day.count as f64 / max as f64;
        let x = LEFT + i as f64 * BAR + 2.0;
        let _ = write!(
            out,
            "<rect class=\"bar\" x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\" fill=\"#0072b2\" \
             data-count=\"{}\"><title>{}: {} due</title></rect>",
            TOP + HEIGHT - h,
            BAR - 4.0,
            day.count,
            day.date.format("%a %d %b"),
            day.count
        );
        if i % 7 == 0 {
            let label = if i == 0 { "today".to_owned() } else { day.date.format("%d %b").to_string() };
            text(&mut out, x + (BAR - 4.0) / 2.0, TOP + HEIGHT + 16.0, "label", "middle", &label);
        }
    }
    out.push_str("</svg>");
    out
}

/// Horizontal bars: true retention per area for each window, with the desired retention
/// marked. Areas without reviews in a window get no bar and say so.
pub fn retention(rows: &[AreaRetention], desired: f32) -> String {
    const LEFT: f64 = 110.0;
    const PLOT: f64 = 420.0;
    const BAR: f64 = 9.0;
    let windows = rows.first().map_or(0, |r| r.windows.len());
    let group = BAR * windows as f64 + 10.0;
    let top = 30.0;
    let height = top + group * rows.len() as f64 + 28.0;
    let mut out = open("retention", (LEFT + PLOT + 120.0) as u32, height as u32, "True retention per area");
    for (i, window) in rows.first().map(|r| r.windows.clone()).unwrap_or_default().iter().enumerate() {
        let x = LEFT + i as f64 * 90.0;
        let _ = write!(out, "<rect x=\"{x:.1}\" y=\"4\" width=\"10\" height=\"10\" fill=\"{}\"/>", WINDOW_FILLS[i % 3]);
        text(&mut out, x + 14.0, 13.0, "label", "start", &format!("{} days", window.days));
    }
    for pct in [0, 25, 50, 75, 100] {
        let x = LEFT + PLOT * f64::from(pct) / 100.0;
        let _ = write!(
            out,
            "<line class=\"grid\" x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{:.1}\" y2=\"{:.1}\"/>",
            top - 4.0,
            height - 24.0
        );
        text(&mut out, x, height - 10.0, "label", "middle", &format!("{pct}%"));
    }
    let target = LEFT + PLOT * f64::from(desired);
    let _ = write!(
        out,
        "<line class=\"target\" x1=\"{target:.1}\" x2=\"{target:.1}\" y1=\"{:.1}\" y2=\"{:.1}\"><title>desired retention {:.0}%</title></line>",
        top - 8.0,
        height - 24.0,
        desired * 100.0
    );
    for (r, row) in rows.iter().enumerate() {
        let y0 = top + r as f64 * group;
        text(&mut out, LEFT - 8.0, y0 + group / 2.0, "label area", "end", &row.area);
        if row.windows.iter().all(|w| w.rate.is_none()) {
            text(&mut out, LEFT + 4.0, y0 + group / 2.0, "value none", "start", "no reviews yet");
            continue;
        }
        for (w, window) in row.windows.iter().enumerate() {
            let y = y0 + w as f64 * BAR;
            match window.rate {
                Some(rate) => {
                    let _ = write!(
                        out,
                        "<rect class=\"rate\" x=\"{LEFT}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{}\" \
                         data-area=\"{}\" data-days=\"{}\"><title>{}, {} days: {:.0}% ({} of {})</title></rect>",
                        PLOT * rate,
                        BAR - 1.0,
                        WINDOW_FILLS[w % 3],
                        escape(&row.area),
                        window.days,
                        escape(&row.area),
                        window.days,
                        rate * 100.0,
                        window.passed,
                        window.total
                    );
                    let label = format!("{:.0}% ({}/{})", rate * 100.0, window.passed, window.total);
                    text(&mut out, LEFT + PLOT * rate + 4.0, y + BAR - 1.5, "value", "start", &label);
                }
                None => text(&mut out, LEFT + 4.0, y + BAR - 1.5, "value none", "start", "no reviews in this window"),
            }
        }
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::stats::Retention;

    fn days(counts: &[usize]) -> Vec<DayCount> {
        let start = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        counts
            .iter()
            .enumerate()
            .map(|(i, &count)| DayCount { date: start + chrono::Days::new(i as u64), count })
            .collect()
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("<b>&\"'"), "&lt;b&gt;&amp;&quot;&#39;");
        assert_eq!(escape("a\x1b[31mb"), "a[31mb");
    }

    #[test]
    fn the_heatmap_has_one_square_per_day_shaded_by_level() {
        let svg = heatmap(&days(&[0, 1, 4, 8]));
        assert_eq!(svg.matches("class=\"day ").count(), 4);
        assert!(svg.contains("class=\"day level-0\"") && svg.contains("class=\"day level-4\""), "{svg}");
        assert!(svg.contains("<title>Tue 03 Mar 2026: 1 answer</title>"), "{svg}");
    }

    #[test]
    fn forecast_bars_are_scaled_to_the_busiest_day() {
        let svg = forecast(&days(&[10, 5, 0]));
        assert_eq!(svg.matches("class=\"bar\"").count(), 3);
        assert!(svg.contains("height=\"120.0\" fill=\"#0072b2\" data-count=\"10\""), "{svg}");
        assert!(svg.contains("height=\"60.0\" fill=\"#0072b2\" data-count=\"5\""), "{svg}");
    }

    #[test]
    fn retention_bars_are_as_long_as_the_rate_and_empty_windows_say_so() {
        let window = |days, passed, total: usize| Retention {
            days,
            passed,
            total,
            rate: (total > 0).then(|| passed as f64 / total as f64),
        };
        let rows = [
            AreaRetention { area: "a<b".into(), windows: vec![window(7, 1, 2), window(30, 0, 0)] },
            AreaRetention { area: "c".into(), windows: vec![window(7, 0, 0), window(30, 0, 0)] },
        ];
        let svg = retention(&rows, 0.9);
        assert_eq!(svg.matches("class=\"rate\"").count(), 1);
        assert!(svg.contains("width=\"210.0\""), "half of the 420-unit plot: {svg}");
        assert!(svg.contains("no reviews in this window") && svg.contains("a&lt;b"), "{svg}");
        assert_eq!(svg.matches("no reviews yet").count(), 1, "said once for an area with none: {svg}");
        assert!(!svg.contains("a<b"));
    }
}
