//! `grill import FILE...`: every file parsed first (any error stops before writing), then one
//! transaction for all of them.

use std::io::Write;
use std::path::Path;

use anyhow::Result;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::app::App;
use crate::cli::ImportArgs;
use crate::deck::{self, DeckError, ImportOptions, Parsed};
use crate::render::safe_line;
use crate::store::{SyncOptions, SyncReport};

/// Below this many cards and reviews an import is quick enough to need no progress bar.
const PROGRESS_FROM: usize = 500;

/// How many ids a list shows before "and N more" (a dry run shows them all).
const LIST_LIMIT: usize = 20;

/// Imports the files, or with `--dry-run` reports what that would do.
pub fn run(app: &mut App, args: &ImportArgs) -> Result<()> {
    let options = ImportOptions { deck: args.deck.clone(), area: args.area.clone() };
    let mut all = Parsed::default();
    for path in &args.files {
        let parsed = parse_file(app, path, &options)?;
        merge(&mut all, parsed, &path.display().to_string())?;
    }
    let total = all.decks.iter().map(|d| d.cards.len()).sum::<usize>() + all.history.len();
    let bar = progress_bar(total);
    let how = SyncOptions { dry_run: args.dry_run, ..SyncOptions::import(app.now(), &app.scheduler, &app.days) };
    let report = app.store.sync_decks(&all.decks, &all.history, &how, &mut || bar.inc(1))?;
    bar.finish_and_clear();
    let mut out = anstream::stdout();
    print_report(&mut out, &all, &report, args.dry_run)?;
    Ok(())
}

fn parse_file(app: &App, path: &Path, options: &ImportOptions) -> Result<Parsed, DeckError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| DeckError {
        file: name.clone(),
        line: 0,
        field: "file".to_owned(),
        message: format!("cannot read it ({e})"),
    })?;
    deck::parse_import(&name, &bytes, options, &app.days)
}

/// Adds one file's decks to the import: decks with the same id merge (so cards missing from
/// a deck are judged against all its files), and a card id may appear only once.
fn merge(all: &mut Parsed, parsed: Parsed, file: &str) -> Result<(), DeckError> {
    for deck in parsed.decks {
        for card in &deck.cards {
            if let Some(other) = all.decks.iter().find(|d| d.cards.iter().any(|c| c.id == card.id)) {
                return Err(DeckError {
                    file: file.to_owned(),
                    line: 0,
                    field: "id".to_owned(),
                    message: format!("card id {:?} is also in deck {:?} of an earlier file", card.id, other.deck.id),
                });
            }
        }
        match all.decks.iter_mut().find(|d| d.deck.id == deck.deck.id) {
            Some(existing) => existing.cards.extend(deck.cards),
            None => all.decks.push(deck),
        }
    }
    all.history.extend(parsed.history);
    all.media += parsed.media;
    all.skipped_log_entries += parsed.skipped_log_entries;
    all.skipped_cards += parsed.skipped_cards;
    Ok(())
}

/// A bar on stderr for large imports; indicatif hides it when stderr is not a terminal.
fn progress_bar(total: usize) -> ProgressBar {
    if total < PROGRESS_FROM {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("importing {bar:40} {pos}/{len}") {
        bar.set_style(style);
    }
    bar
}

fn print_report(out: &mut dyn Write, parsed: &Parsed, report: &SyncReport, dry_run: bool) -> std::io::Result<()> {
    let decks: Vec<String> = parsed.decks.iter().map(|d| safe_line(&d.deck.id)).collect();
    if dry_run {
        writeln!(out, "Dry run: nothing was written. Importing would change deck(s) {}:", decks.join(", "))?;
    } else if decks.is_empty() {
        // A package of grill's own cards (`grill export --format apkg`) brings only answers.
        writeln!(out, "Imported into grill's own cards:")?;
    } else {
        writeln!(out, "Imported into deck(s) {}:", decks.join(", "))?;
    }
    let (added, updated) = if dry_run { ("would add", "would update") } else { ("added", "updated") };
    writeln!(
        out,
        "  {added} {} · {updated} {} · unchanged {} · missing {}",
        report.added.len(),
        report.updated.len(),
        report.unchanged,
        report.missing.len()
    )?;
    let limit = if dry_run { usize::MAX } else { LIST_LIMIT };
    if dry_run {
        list(out, added, &report.added, limit)?;
    }
    list(out, updated, &report.updated, limit)?;
    if !report.missing.is_empty() {
        writeln!(out, "  missing from the file but kept, with their history (suspend them if you like):")?;
        list(out, "missing", &report.missing, limit)?;
    }
    if report.reviews_added + report.reviews_known > 0 {
        let verb = if dry_run { "would add" } else { "added" };
        writeln!(
            out,
            "  review history: {verb} {} reviews ({} already in the log)",
            report.reviews_added, report.reviews_known
        )?;
    }
    if parsed.media > 0 {
        writeln!(out, "  {} media file(s) in the package not imported (grill shows text only)", parsed.media)?;
    }
    if parsed.skipped_cards > 0 {
        writeln!(out, "  {} Anki card(s) skipped: their question is empty", parsed.skipped_cards)?;
    }
    if parsed.skipped_log_entries > 0 {
        writeln!(
            out,
            "  {} Anki log entries skipped: rescheduling or manual changes, not answers",
            parsed.skipped_log_entries
        )?;
    }
    Ok(())
}

fn list(out: &mut dyn Write, label: &str, keys: &[String], limit: usize) -> std::io::Result<()> {
    for key in keys.iter().take(limit) {
        writeln!(out, "    {label}: {}", safe_line(key))?;
    }
    if keys.len() > limit {
        writeln!(out, "    ... and {} more", keys.len() - limit)?;
    }
    Ok(())
}
