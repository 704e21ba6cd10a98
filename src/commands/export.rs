//! `grill export`: decks as TOML, CSV or Markdown, or the review log as CSV.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result, bail};
use chrono::SecondsFormat;

use crate::app::{App, Ui};
use crate::cli::{ExportArgs, ExportFormat};
use crate::deck::anki::export::{ExportCard, ExportOptions, package};
use crate::deck::{Deck, export};
use crate::render::safe_line;
use crate::session::InputError;
use crate::store::ExportedReview;
use crate::store::{CardFilter, StoreError};

/// Writes the chosen decks (or the review log) to `-o FILE` or standard output.
pub fn run(app: &App, args: &ExportArgs, out: &mut Ui) -> Result<()> {
    if args.reviews {
        let text = reviews_csv(&app.store.export_reviews()?)?;
        return write(out, args.output.as_deref(), &text);
    }
    if args.format == ExportFormat::Apkg {
        return apkg(app, args, out);
    }
    let decks = app.store.export_decks(&args.decks)?;
    if decks.is_empty() {
        bail!("there are no imported decks to export; name a deck with --deck ID (see `grill decks`)");
    }
    match args.format {
        ExportFormat::Csv => write(out, args.output.as_deref(), &export::to_csv(&decks)),
        ExportFormat::Md => write(out, args.output.as_deref(), &export::to_markdown(&decks)),
        ExportFormat::Toml if decks.len() == 1 => write(out, args.output.as_deref(), &export::to_toml(&decks[0])),
        ExportFormat::Toml => toml_folder(out, args.output.as_deref(), &decks),
        ExportFormat::Apkg => unreachable!("handled above"),
    }
}

/// Several decks in TOML: one file per deck (`<deck id>.toml`) in the folder `-o` names.
fn toml_folder(out: &mut Ui, folder: Option<&Path>, decks: &[Deck]) -> Result<()> {
    let Some(folder) = folder else {
        bail!(
            "a TOML file holds one deck: export {} decks with -o FOLDER (one file each) or pick one with --deck",
            decks.len()
        );
    };
    std::fs::create_dir_all(folder).with_context(|| format!("creating {}", folder.display()))?;
    for deck in decks {
        let name = format!("{}.toml", deck.deck.id.replace(['/', '\\', ':'], "-"));
        write(out, Some(&folder.join(name)), &export::to_toml(deck))?;
    }
    Ok(())
}

/// The review log as CSV: card id, time (RFC 3339, UTC), rating, kind, duration in ms.
fn reviews_csv(reviews: &[ExportedReview]) -> Result<String> {
    let mut out = ::csv::Writer::from_writer(Vec::new());
    out.write_record(["card", "time", "rating", "kind", "duration_ms"])?;
    for r in reviews {
        out.write_record([
            r.card.as_str(),
            &r.review.at.to_rfc3339_opts(SecondsFormat::Millis, true),
            r.review.rating.name(),
            r.review.kind.name(),
            &r.duration_ms.to_string(),
        ])?;
    }
    Ok(String::from_utf8(out.into_inner()?)?)
}

/// Writes `text` to `path` (through a temporary file, so a failure leaves no half-written
/// file), or to standard output.
fn write(out: &mut Ui, path: Option<&Path>, text: &str) -> Result<()> {
    let Some(path) = path else {
        out.write_all(text.as_bytes())?;
        return Ok(());
    };
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    std::fs::write(&tmp, text).with_context(|| format!("writing {}", path.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("writing {}", path.display()))?;
    // On stderr: `grill export -o F` keeps stdout for what was exported.
    writeln!(std::io::stderr(), "wrote {}", path.display())?;
    Ok(())
}

/// Writes the package to `-o FILE` and says how many cards and reviews went in.
fn apkg(app: &App, args: &ExportArgs, out: &mut dyn Write) -> Result<()> {
    let Some(path) = args.output.as_deref() else {
        bail!(InputError::new("--output", "an Anki package is a file: give one with -o FILE.apkg"));
    };
    crate::app::queries::decks(app, &args.decks)?;
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
