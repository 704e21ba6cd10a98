//! `grill stats`: progress numbers, as text or JSON.

use std::io::Write;

use anyhow::Result;

use crate::app::App;
use crate::cli::StatsArgs;
use crate::render;
use crate::scorecard::canonical_name;
use crate::stats::{self, CardFacts, LogEntry, Stats};
use crate::store::{CardFilter, CardRow, LoggedReview};

/// Prints the stats for the areas asked for (all by default).
pub fn run(app: &App, args: &StatsArgs) -> Result<()> {
    // Spelled as `grill score` accepts them: `SQL`, `system design`, `remote communication`.
    let areas: Vec<String> = args.areas.iter().map(|a| canonical_name(a)).collect();
    check_areas(app, &areas)?;
    let stats = load(app, &areas)?;
    if args.json {
        // Through a writer, so a closed pipe (`| head`) ends quietly instead of panicking.
        writeln!(std::io::stdout().lock(), "{}", serde_json::to_string_pretty(&stats)?)?;
        return Ok(());
    }
    let mut out = anstream::stdout();
    render::stats::print(&mut out, &stats)?;
    Ok(())
}

/// Reads the cards and the log and computes the stats (what `grill report` shows too).
pub fn load(app: &App, areas: &[String]) -> Result<Stats> {
    let cards: Vec<CardFacts> = app.store.cards(&CardFilter::default())?.iter().map(facts).collect();
    let log: Vec<LogEntry> = app.store.review_log()?.iter().map(entry).collect();
    Ok(stats::compute(&cards, &log, app.now(), &app.days, areas))
}

/// An unknown area is a typo more often than a wish for empty stats.
pub fn check_areas(app: &App, areas: &[String]) -> Result<()> {
    if areas.is_empty() {
        return Ok(());
    }
    let known: std::collections::BTreeSet<String> =
        app.store.deck_summaries(app.tomorrow())?.into_iter().map(|d| d.area).collect();
    if let Some(unknown) = areas.iter().find(|a| !known.contains(*a)) {
        let known: Vec<String> = known.into_iter().collect();
        anyhow::bail!("--area {unknown:?}: no cards in that area (areas: {})", known.join(", "));
    }
    Ok(())
}

fn facts(card: &CardRow) -> CardFacts {
    CardFacts {
        id: card.id,
        key: card.key.clone(),
        area: card.area.clone(),
        time_limit_secs: card.time_limit_secs,
        suspended: card.suspended,
        leech_cleared_at: card.leech_cleared_at,
        state: card.state,
    }
}

fn entry(logged: &LoggedReview) -> LogEntry {
    LogEntry { card_id: logged.card_id, review: logged.review, duration_ms: logged.duration_ms }
}
