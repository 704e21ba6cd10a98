//! `grill export --format apkg -o FILE [--deck D]`: the cards, their schedule and their review
//! history as an Anki package, to review on a phone with AnkiDroid or Anki's apps.

use std::io::Write;

use anyhow::{Context, Result, bail};

use crate::app::App;
use crate::cli::ExportArgs;
use crate::deck::anki::export::{ExportCard, ExportOptions, package};
use crate::render::safe_line;
use crate::session::InputError;
use crate::store::{CardFilter, StoreError};

/// Writes the package to `-o FILE` and says how many cards and reviews went in.
pub fn run(app: &App, args: &ExportArgs, out: &mut dyn Write) -> Result<()> {
    let Some(path) = args.output.as_deref() else {
        bail!(InputError::new("--output", "an Anki package is a file: give one with -o FILE.apkg"));
    };
    let known: Vec<String> = app.store.deck_summaries(app.now())?.into_iter().map(|d| d.key).collect();
    if let Some(unknown) = args.decks.iter().find(|d| !known.contains(d)) {
        bail!(InputError::new("--deck", format!("no deck {:?} (see `grill decks`)", safe_line(unknown))));
    }
    let filter = CardFilter { decks: args.decks.clone(), ..CardFilter::default() };
    let mut cards = Vec::new();
    for row in app.store.cards(&filter)?.into_iter().filter(|c| !c.suspended) {
        let reviews = app.store.card_reviews(row.id)?.into_iter().map(|r| (r.review, r.duration_ms)).collect();
        cards.push(ExportCard {
            key: row.key,
            prompt: row.prompt,
            answer: row.answer,
            tags: row.tags,
            state: row.state,
            reviews,
        });
    }
    let deck_name = match &args.decks[..] {
        [one] => format!("grill::{one}"),
        _ => "grill".to_owned(),
    };
    let options = ExportOptions {
        deck_name: &deck_name,
        clock: &app.days,
        desired_retention: app.scheduler.desired_retention(),
        now: app.now(),
    };
    let bytes = package(&cards, &options).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    std::fs::write(path, bytes).map_err(StoreError::from).with_context(|| format!("writing {}", path.display()))?;
    let reviews: usize = cards.iter().map(|c| c.reviews.len()).sum();
    writeln!(
        out,
        "Wrote {} cards and {reviews} reviews to {} (Anki deck {deck_name:?}).",
        cards.len(),
        safe_line(&path.display().to_string())
    )?;
    Ok(())
}
