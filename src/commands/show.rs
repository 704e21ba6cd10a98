//! `grill show CARD`: one card whole (prompt, key points, example, follow-ups), where it stands
//! in the schedule, and every answer it has had.

use std::io::Write;

use anstyle::Style;
use anyhow::Result;
use chrono::Local;

use crate::app::{App, Ui, queries};
use crate::cli::CardIdArgs;
use crate::render::{clock_time, interval, safe, safe_line};

const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();

/// Prints the card `args.card` names.
pub fn run(app: &App, args: &CardIdArgs, out: &mut Ui) -> Result<()> {
    let card = queries::card(app, &args.card)?;
    writeln!(
        out,
        "{BOLD}{}{BOLD:#} {DIM}· deck {} · area {}{DIM:#}",
        safe_line(&card.key),
        safe_line(&card.deck),
        safe_line(&card.area)
    )?;
    let mut facts = Vec::new();
    if !card.tags.is_empty() {
        facts.push(format!("tags {}", safe_line(&card.tags.join(", "))));
    }
    if !card.roles.is_empty() {
        facts.push(format!("roles {}", safe_line(&card.roles.join(", "))));
    }
    if let Some(level) = &card.level {
        facts.push(format!("level {}", safe_line(level)));
    }
    if let Some(secs) = card.time_limit_secs {
        facts.push(format!("aim for {}", clock_time(u64::from(secs) * 1000)));
    }
    if card.edited {
        facts.push("rewritten by you (grill edit --reset restores it)".to_owned());
    }
    if !facts.is_empty() {
        writeln!(out, "{DIM}{}{DIM:#}", facts.join(" · "))?;
    }
    writeln!(out, "\n{BOLD}Prompt{BOLD:#}\n{}", safe(card.prompt.trim()))?;
    writeln!(out, "\n{BOLD}Key points{BOLD:#}")?;
    for line in safe(card.answer.trim()).lines() {
        writeln!(out, "  {line}")?;
    }
    if let Some(example) = &card.example {
        writeln!(out, "\n{BOLD}Example ({}){BOLD:#}", safe_line(&example.lang))?;
        for line in safe(example.code.trim()).lines() {
            writeln!(out, "    {line}")?;
        }
        if let Some(expect) = &example.expect {
            writeln!(out, "  ->")?;
            for line in safe(expect.trim()).lines() {
                writeln!(out, "    {line}")?;
            }
        }
    }
    if !card.follow_ups.is_empty() {
        writeln!(out, "\n{BOLD}Follow-ups{BOLD:#}")?;
        for question in &card.follow_ups {
            writeln!(out, "  • {}", safe_line(question))?;
        }
    }
    writeln!(out, "\n{BOLD}Schedule{BOLD:#}")?;
    let status = match (card.suspended, card.state) {
        (true, _) => "suspended (grill unsuspend brings it back)".to_owned(),
        (false, None) => "new: not answered yet".to_owned(),
        (false, Some(s)) => format!(
            "due {} · stability {} · difficulty {:.1} · {} reviews, {} lapses{}",
            s.due.with_timezone(&Local).format("%Y-%m-%d"),
            interval(s.stability.round() as u32),
            s.difficulty,
            s.reps,
            s.lapses,
            if card.is_leech() { " · a leech: rewrite it (grill edit)" } else { "" }
        ),
    };
    writeln!(out, "  {status}")?;
    let notes = app.store.notes_for(card.id)?;
    if !notes.is_empty() {
        writeln!(out, "\n{BOLD}What you wrote{BOLD:#} {DIM}(newest first){DIM:#}")?;
        for note in &notes {
            writeln!(out, "  {}  {}", note.at.with_timezone(&Local).format("%Y-%m-%d"), safe_line(&note.text))?;
        }
    }
    let log = app.store.card_reviews(card.id)?;
    if !log.is_empty() {
        writeln!(out, "\n{BOLD}History{BOLD:#}")?;
        for entry in &log {
            writeln!(
                out,
                "  {}  {:<5} {:<9} {}",
                entry.review.at.with_timezone(&Local).format("%Y-%m-%d %H:%M"),
                entry.review.rating.name(),
                entry.review.kind.name(),
                clock_time(entry.duration_ms.max(0) as u64)
            )?;
        }
    }
    Ok(())
}
