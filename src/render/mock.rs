//! Stored mock rounds as `grill log` and `grill log show N` print them: a round, and the rubric
//! trend across rounds.

use std::io::Write;

use anyhow::Result;

use crate::cycle::mock::RUBRIC;
use crate::cycle::mock::trend::RubricTrend;
use crate::render::{clock_time, safe_line};
use crate::store::{MockQuestion, MockRoundRow};

/// The mock round part of `grill log show N`: the rubric, each question against its budget and
/// the key points missed.
pub fn round(out: &mut dyn Write, round: &MockRoundRow, questions: &[MockQuestion]) -> Result<()> {
    let scores: Vec<String> = RUBRIC
        .iter()
        .zip(round.rubric)
        .map(|((name, _), s)| format!("{name} {}", s.map_or("-".to_owned(), |s| s.to_string())))
        .collect();
    writeln!(
        out,
        "mock round · {} of {}:00 · rubric: {}",
        clock_time(round.took_ms),
        round.minutes,
        scores.join(" · ")
    )?;
    for (n, q) in questions.iter().enumerate() {
        writeln!(
            out,
            "{:>2}. [{}] {}: {}",
            n + 1,
            q.rating.name(),
            safe_line(&q.area),
            safe_line(&shorten(&q.prompt.split_whitespace().collect::<Vec<_>>().join(" "), 90))
        )?;
        writeln!(
            out,
            "    {} of {} · {} key point{} missed",
            clock_time(q.took_ms),
            clock_time(q.budget_ms),
            q.missed.len(),
            if q.missed.len() == 1 { "" } else { "s" }
        )?;
    }
    writeln!(out, "transcript: {}", safe_line(&round.transcript))?;
    Ok(())
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max { text.to_owned() } else { text.chars().take(max - 1).chain(['…']).collect() }
}

/// The rubric trend across the latest mock rounds: per criterion the scores oldest first, the
/// mean and the direction, then the weakest criterion.
pub fn trend(out: &mut dyn Write, trend: &RubricTrend) -> Result<()> {
    writeln!(out, "Rubric trend, {} (scores oldest first):", trend.span_text())?;
    let width = trend.criteria.iter().map(|c| c.scores_text().chars().count()).max().unwrap_or(0);
    for c in &trend.criteria {
        let scores = c.scores_text();
        let pad = width - scores.chars().count();
        writeln!(out, "  {:<15}{scores}{:pad$}   {}", c.name, "", c.summary())?;
    }
    if let Some(weakest) = trend.weakest_text() {
        writeln!(out, "Weakest: {weakest}: aim the next round at it.")?;
    }
    Ok(())
}
