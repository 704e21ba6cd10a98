//! `grill stats` on the terminal: a calendar heatmap, tables and a forecast sparkline. Styles
//! are written unconditionally; the caller's `anstream` writer drops them when `NO_COLOR` is
//! set or output is not a terminal, and the glyphs alone still carry every level.

use std::io::{self, Write};

use anstyle::{Ansi256Color, AnsiColor, Color, Style};
use chrono::{Datelike, NaiveDate};
use comfy_table::{CellAlignment, Table, presets::NOTHING};

use super::{clock_time, safe_line, sparkline};
use crate::stats::{AreaRetention, AreaTime, DayCount, LEECH_LAPSES, Retention, Stats};

const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();
const WARN: Style = AnsiColor::Red.on_default();

/// Heatmap glyphs from no answer to the busiest day.
pub const HEAT_GLYPHS: [&str; 5] = ["·", "░", "▒", "▓", "█"];
const HEAT_COLOURS: [u8; 5] = [240, 22, 28, 34, 46];

/// Writes the whole stats page.
pub fn print(out: &mut impl Write, stats: &Stats, width: Option<usize>) -> io::Result<()> {
    let c = stats.cards;
    writeln!(
        out,
        "{BOLD}grill stats{BOLD:#} · {} · {} · {} studied, {} new, {} suspended",
        stats.today.format("%a %d %b %Y"),
        super::plural(stats.answers, "answer", "answers"),
        super::plural(c.studied, "card", "cards"),
        c.new,
        c.suspended
    )?;
    if stats.answers == 0 {
        writeln!(out, "\nNo answers yet: run `grill` to start today's drill.")?;
        return Ok(());
    }
    heading(out, "Activity, last 12 weeks")?;
    let s = stats.streak;
    let today = if s.answered_today { "" } else { " (answer today to keep it)" };
    writeln!(out, "streak {} {}{today} · longest {}", s.current, days_word(s.current), s.longest)?;
    heatmap(out, &stats.heatmap)?;
    heading(out, "True retention")?;
    writeln!(
        out,
        "{DIM}reviews a day or more after the card's last one; Again is a fail; cram repeats and previews left out{DIM:#}"
    )?;
    writeln!(out, "{}", retention_table(&stats.retention, width))?;
    heading(out, "Due, next 30 days")?;
    forecast(out, &stats.forecast)?;
    heading(out, "Answer time, last 30 days")?;
    if stats.answer_times.is_empty() {
        writeln!(out, "no answers in the last 30 days")?;
    } else {
        writeln!(out, "{}", times_table(&stats.answer_times, width))?;
    }
    leeches(out, stats)
}

fn heading(out: &mut impl Write, text: &str) -> io::Result<()> {
    writeln!(out, "\n{BOLD}{text}{BOLD:#}")
}

fn days_word(n: u32) -> &'static str {
    if n == 1 { "day" } else { "days" }
}

/// The level (0-4) of a day with `count` answers when the busiest day had `max`.
pub fn heat_level(count: usize, max: usize) -> usize {
    if count == 0 || max == 0 { 0 } else { (4 * count).div_ceil(max).clamp(1, 4) }
}

fn heatmap(out: &mut impl Write, days: &[DayCount]) -> io::Result<()> {
    let max = days.iter().map(|d| d.count).max().unwrap_or(0);
    let weeks: Vec<&[DayCount]> = days.chunks(7).collect();
    writeln!(out, "     {}", month_labels(weeks.iter().map(|w| w[0].date)))?;
    for (row, name) in ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].iter().enumerate() {
        write!(out, "{name}  ")?;
        for week in &weeks {
            match week.get(row) {
                Some(day) => {
                    let level = heat_level(day.count, max);
                    let style = Style::new().fg_color(Some(Color::Ansi256(Ansi256Color(HEAT_COLOURS[level]))));
                    write!(out, " {style}{}{style:#}", HEAT_GLYPHS[level])?;
                }
                None => write!(out, "  ")?,
            }
        }
        writeln!(out)?;
    }
    let legend: Vec<&str> = HEAT_GLYPHS.to_vec();
    writeln!(out, "{DIM}     less {} more · busiest day {max}{DIM:#}", legend.join(" "))
}

/// A month name above the first week column of each month (two characters per column); a
/// label that would run into the next one is dropped (the first, partial month).
fn month_labels(mondays: impl Iterator<Item = NaiveDate>) -> String {
    let mut labels: Vec<(usize, String)> = Vec::new();
    let mut last_month = None;
    for (i, monday) in mondays.enumerate() {
        if last_month != Some(monday.month()) {
            labels.push((i * 2 + 1, monday.format("%b").to_string()));
        }
        last_month = Some(monday.month());
    }
    let mut line = String::new();
    for (i, (column, label)) in labels.iter().enumerate() {
        if labels.get(i + 1).is_some_and(|(next, _)| *next < column + label.len() + 1) {
            continue;
        }
        line.extend(std::iter::repeat_n(' ', column.saturating_sub(line.chars().count())));
        line.push_str(label);
    }
    line
}

fn percent(r: &Retention) -> String {
    match r.rate {
        Some(rate) => format!("{:.0}% ({}/{})", rate * 100.0, r.passed, r.total),
        None => "–".to_owned(),
    }
}

fn retention_table(rows: &[AreaRetention], width: Option<usize>) -> Table {
    let mut table = crate::render::table(width);
    table.load_style(NOTHING);
    let mut header = vec!["area".to_owned()];
    header.extend(
        rows.first()
            .map(|r| r.windows.iter().map(|w| format!("{} days", w.days)).collect::<Vec<_>>())
            .unwrap_or_default(),
    );
    table.set_header(header);
    for row in rows {
        let mut cells = vec![safe_line(&row.area)];
        cells.extend(row.windows.iter().map(percent));
        table.add_row(cells);
    }
    right_align(&mut table, 1);
    crate::render::fit(table)
}

fn times_table(rows: &[AreaTime], width: Option<usize>) -> Table {
    let mut table = crate::render::table(width);
    table.load_style(NOTHING).set_header(["area", "answers", "median", "time limit", "over limit"]);
    for row in rows {
        let limit = row.limit_median_secs.map_or("–".to_owned(), |s| clock_time((s * 1000.0) as u64));
        let over = if row.timed == 0 { "–".to_owned() } else { format!("{} of {}", row.over_limit, row.timed) };
        table.add_row([
            safe_line(&row.area),
            row.answers.to_string(),
            clock_time((row.median_secs * 1000.0).round() as u64),
            limit,
            over,
        ]);
    }
    right_align(&mut table, 1);
    crate::render::fit(table)
}

fn right_align(table: &mut Table, from: usize) {
    for column in table.column_iter_mut().skip(from) {
        column.set_cell_alignment(CellAlignment::Right);
    }
}

fn forecast(out: &mut impl Write, days: &[DayCount]) -> io::Result<()> {
    let max = days.iter().map(|d| d.count).max().unwrap_or(0);
    // Days with nothing due stay blank; the busiest day is a full block.
    let scaled: Vec<Option<f64>> =
        days.iter().map(|d| (d.count > 0).then(|| d.count as f64 / max.max(1) as f64)).collect();
    let bars = sparkline(&scaled);
    writeln!(out, "{bars}")?;
    let mut scale = String::from("^today");
    for mark in [7usize, 14, 21] {
        let label = format!("^+{mark}d");
        scale.extend(std::iter::repeat_n(' ', mark.saturating_sub(scale.chars().count())));
        scale.push_str(&label);
    }
    writeln!(out, "{DIM}{scale}{DIM:#}")?;
    let sum = |n: usize| days.iter().take(n).map(|d| d.count).sum::<usize>();
    let busiest = days.iter().max_by_key(|d| (d.count, std::cmp::Reverse(d.date)));
    write!(
        out,
        "today {} · tomorrow {} · 7 days {} · 30 days {}",
        sum(1),
        days.get(1).map_or(0, |d| d.count),
        sum(7),
        sum(30)
    )?;
    match busiest.filter(|d| d.count > 0) {
        Some(d) => writeln!(out, " · busiest {} ({})", d.date.format("%a %d %b"), d.count),
        None => writeln!(out),
    }
}

fn leeches(out: &mut impl Write, stats: &Stats) -> io::Result<()> {
    heading(out, &format!("Leeches (forgotten {LEECH_LAPSES} times or more)"))?;
    if stats.leeches.is_empty() {
        return writeln!(out, "none");
    }
    for leech in &stats.leeches {
        let note = if leech.suspended { " (suspended)" } else { "" };
        writeln!(
            out,
            "{WARN}{}{WARN:#} · {} · {} lapses{note}",
            safe_line(&leech.card),
            safe_line(&leech.area),
            leech.lapses
        )?;
    }
    writeln!(
        out,
        "{DIM}rewrite one in your own words with `grill edit CARD`, or set it aside with `grill suspend CARD`{DIM:#}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heat_levels_split_the_busiest_day_in_quarters() {
        assert_eq!([0, 1, 5, 6, 10, 20].map(|c| heat_level(c, 20)), [0, 1, 1, 2, 2, 4]);
        assert_eq!(heat_level(0, 0), 0);
    }

    #[test]
    fn month_labels_sit_above_the_first_week_of_each_month() {
        let monday = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        let labels = month_labels([monday(1, 26), monday(2, 2), monday(2, 9), monday(3, 2)].into_iter());
        assert_eq!(labels, "   Feb Mar");
    }
}
