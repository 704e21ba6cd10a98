//! `grill export`: decks as TOML, CSV or Markdown, or the review log as CSV.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use chrono::SecondsFormat;

use crate::app::{App, Ui};
use crate::cli::{ExportArgs, ExportFormat};
use crate::deck::anki::export::{ExportCard, ExportOptions, package};
use crate::deck::{Deck, export};
use crate::render::safe_line;
use crate::session::InputError;
use crate::store::{CardFilter, ExportedReview, StoreError};

/// Where the export goes.
enum Target {
    Stdout,
    File(PathBuf),
    /// An existing folder, or a path ending with `/`: one file per deck inside.
    Folder(PathBuf),
}

impl Target {
    fn of(output: Option<&Path>) -> Target {
        match output {
            None => Target::Stdout,
            Some(p) if p.as_os_str() == "-" => Target::Stdout,
            Some(p) if p.is_dir() || p.as_os_str().to_string_lossy().ends_with(['/', '\\']) => {
                Target::Folder(p.to_owned())
            }
            Some(p) => Target::File(p.to_owned()),
        }
    }
}

/// Writes the chosen decks (or the review log) to `-o FILE`, into `-o FOLDER/` or to
/// standard output.
pub fn run(app: &App, args: &ExportArgs, out: &mut Ui) -> Result<()> {
    if args.format == Some(ExportFormat::Apkg) {
        return apkg(app, args, out);
    }
    let target = Target::of(args.output.as_deref());
    if args.reviews {
        let text = reviews_csv(&app.store.export_reviews()?)?;
        return match target {
            Target::Folder(dir) => write(out, Some(&dir.join("reviews.csv")), &text),
            Target::File(path) => write(out, Some(&path), &text),
            Target::Stdout => write(out, None, &text),
        };
    }
    let decks = app.store.export_decks(&args.decks)?;
    if decks.is_empty() {
        bail!("there are no imported decks to export; name a deck with --deck ID (see `grill decks`)");
    }
    let format = args.format.or_else(|| args.output.as_deref().and_then(format_of)).unwrap_or(ExportFormat::Toml);
    match target {
        Target::Folder(dir) => folder(out, &dir, &decks, format),
        // Several TOML decks need a file each: `-o NAME` is then a folder.
        Target::File(path) if format == ExportFormat::Toml && decks.len() > 1 => folder(out, &path, &decks, format),
        Target::File(path) => write(out, Some(&path), &render(&decks, format)?),
        Target::Stdout => write(out, None, &render(&decks, format)?),
    }
}

/// The format a file name asks for by its extension.
fn format_of(path: &Path) -> Option<ExportFormat> {
    match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "csv" => Some(ExportFormat::Csv),
        "md" | "markdown" => Some(ExportFormat::Md),
        "toml" => Some(ExportFormat::Toml),
        "apkg" => Some(ExportFormat::Apkg),
        _ => None,
    }
}

fn extension(format: ExportFormat) -> &'static str {
    match format {
        ExportFormat::Toml => "toml",
        ExportFormat::Csv => "csv",
        ExportFormat::Md => "md",
        ExportFormat::Apkg => "apkg",
    }
}

fn render(decks: &[Deck], format: ExportFormat) -> Result<String> {
    Ok(match format {
        ExportFormat::Csv => export::to_csv(decks),
        ExportFormat::Md => export::to_markdown(decks),
        ExportFormat::Toml if decks.len() == 1 => export::to_toml(&decks[0]),
        ExportFormat::Toml => bail!(
            "a TOML file holds one deck: export {} decks with -o FOLDER/ (one file each) or pick one with --deck",
            decks.len()
        ),
        ExportFormat::Apkg => unreachable!("an Anki package is written by apkg()"),
    })
}

/// One file per deck (`<deck id>.<format>`) in `dir`. Ids that map to the same file name
/// (`a/b`, `a-b`, `a:b`) get `-2`, `-3`...: no file written in this run is overwritten.
fn folder(out: &mut dyn Write, dir: &Path, decks: &[Deck], format: ExportFormat) -> Result<()> {
    crate::files::create_private_dir(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut used = HashSet::new();
    for deck in decks {
        let name = unique_name(&deck.deck.id, extension(format), &mut used);
        write(out, Some(&dir.join(name)), &render(std::slice::from_ref(deck), format)?)?;
    }
    Ok(())
}

/// A file name for deck `id` not in `used` (compared without case, for case-insensitive
/// file systems), recorded there.
fn unique_name(id: &str, extension: &str, used: &mut HashSet<String>) -> String {
    let base: String =
        id.chars().map(|c| if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '-' }).collect();
    let base = base.trim_start_matches('.').to_owned();
    let base = if base.is_empty() { "deck".to_owned() } else { base };
    let mut name = format!("{base}.{extension}");
    let mut n = 1;
    while !used.insert(name.to_lowercase()) {
        n += 1;
        name = format!("{base}-{n}.{extension}");
    }
    name
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

/// Writes `text` to `path` (atomically, owner-only: see `files`), or to standard output.
/// Escape sequences, control characters and direction overrides are removed either way: a
/// hostile database must not reach the terminal through `export` or a later `cat`.
fn write(out: &mut dyn Write, path: Option<&Path>, text: &str) -> Result<()> {
    let text = crate::render::safe(text);
    let Some(path) = path else {
        out.write_all(text.as_bytes())?;
        return Ok(());
    };
    crate::files::write_private(path, text.as_bytes()).with_context(|| format!("writing {}", path.display()))?;
    // On stderr: stdout stays for what was exported.
    writeln!(std::io::stderr(), "wrote {}", crate::render::safe_line(&path.display().to_string()))?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deck_ids_that_clean_to_the_same_name_get_distinct_files() {
        let mut used = HashSet::new();
        let names: Vec<String> =
            ["a/b", "a-b", "a:b", "A-B", ".."].iter().map(|id| unique_name(id, "toml", &mut used)).collect();
        assert_eq!(names, ["a-b.toml", "a-b-2.toml", "a-b-3.toml", "A-B-4.toml", "deck.toml"]);
    }
}
