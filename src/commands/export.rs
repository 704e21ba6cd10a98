//! `grill export`: decks as TOML, CSV or Markdown, or the review log as CSV.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use chrono::SecondsFormat;

use crate::app::App;
use crate::cli::{ExportArgs, ExportFormat};
use crate::deck::{Deck, export};
use crate::store::ExportedReview;

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
pub fn run(app: &App, args: &ExportArgs) -> Result<()> {
    let target = Target::of(args.output.as_deref());
    if args.reviews {
        let text = reviews_csv(&app.store.export_reviews()?)?;
        return match target {
            Target::Folder(dir) => write(Some(&dir.join("reviews.csv")), &text),
            Target::File(path) => write(Some(&path), &text),
            Target::Stdout => write(None, &text),
        };
    }
    let decks = app.store.export_decks(&args.decks)?;
    if decks.is_empty() {
        bail!("there are no imported decks to export; name a deck with --deck ID (see `grill decks`)");
    }
    let format = args.format.or_else(|| args.output.as_deref().and_then(format_of)).unwrap_or(ExportFormat::Toml);
    match target {
        Target::Folder(dir) => folder(&dir, &decks, format),
        // Several TOML decks need a file each: `-o NAME` is then a folder.
        Target::File(path) if format == ExportFormat::Toml && decks.len() > 1 => folder(&path, &decks, format),
        Target::File(path) => write(Some(&path), &render(&decks, format)?),
        Target::Stdout => write(None, &render(&decks, format)?),
    }
}

/// The format a file name asks for by its extension.
fn format_of(path: &Path) -> Option<ExportFormat> {
    match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "csv" => Some(ExportFormat::Csv),
        "md" | "markdown" => Some(ExportFormat::Md),
        "toml" => Some(ExportFormat::Toml),
        _ => None,
    }
}

fn extension(format: ExportFormat) -> &'static str {
    match format {
        ExportFormat::Toml => "toml",
        ExportFormat::Csv => "csv",
        ExportFormat::Md => "md",
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
    })
}

/// One file per deck (`<deck id>.<format>`) in `dir`. Ids that map to the same file name
/// (`a/b`, `a-b`, `a:b`) get `-2`, `-3`...: no file written in this run is overwritten.
fn folder(dir: &Path, decks: &[Deck], format: ExportFormat) -> Result<()> {
    crate::files::create_private_dir(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut used = HashSet::new();
    for deck in decks {
        let name = unique_name(&deck.deck.id, extension(format), &mut used);
        write(Some(&dir.join(name)), &render(std::slice::from_ref(deck), format)?)?;
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
fn write(path: Option<&Path>, text: &str) -> Result<()> {
    let text = crate::render::safe(text);
    let Some(path) = path else {
        use std::io::Write;
        std::io::stdout().write_all(text.as_bytes())?;
        return Ok(());
    };
    crate::files::write_private(path, text.as_bytes()).with_context(|| format!("writing {}", path.display()))?;
    eprintln!("wrote {}", crate::render::safe_line(&path.display().to_string()));
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
