//! `grill market`: keep job listings and review what the market asks for.

use std::io::{Read, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::app::queries::area_scores;
use crate::app::{App, Ui};
use crate::cli::{MarketArgs, MarketCommand};
use crate::cycle::lexicon::{Lexicon, Mention};
use crate::cycle::market::{self, Change, StudyNext, Tally};
use crate::render::safe_line;
use crate::session::InputError;
use crate::store::{Added, ListingRow};

/// Routes `grill market`, `grill market add` and `grill market list`.
pub fn run(app: &mut App, args: &MarketArgs, out: &mut Ui) -> Result<()> {
    let lexicon = Lexicon::builtin().context("the built-in lexicon is broken")?;
    match &args.command {
        Some(MarketCommand::Add { files }) => add(app, &lexicon, files, out),
        Some(MarketCommand::List) => list(app, &lexicon, args, out),
        None => review(app, &lexicon, args, out),
    }
}

fn add(app: &mut App, lexicon: &Lexicon, files: &[std::path::PathBuf], out: &mut dyn Write) -> Result<()> {
    let mut listings = Vec::new();
    for file in &listing_files(files)? {
        let (source, text) = if file.as_os_str() == "-" {
            let mut text = String::new();
            std::io::stdin().read_to_string(&mut text).context("reading listings from stdin")?;
            ("stdin".to_owned(), text)
        } else {
            let text = std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
            (file.display().to_string(), text)
        };
        for listing in market::split_listings(&text) {
            let digest = market::digest(&listing);
            listings.push((source.clone(), listing, digest));
        }
    }
    if listings.is_empty() {
        anyhow::bail!(
            "no listing found in {}: paste the text of at least one job listing",
            files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>().join(", ")
        );
    }
    let added = app.store.add_listings(&listings, app.now())?;
    let mut new = 0;
    for ((_, text, _), result) in listings.iter().zip(&added) {
        let (id, note) = match result {
            Added::New(id) => {
                new += 1;
                (id, "")
            }
            Added::Known(id) => (id, " (already kept)"),
        };
        writeln!(out, "#{id} {}{note}", safe_line(&market::title(text)))?;
        writeln!(out, "    {}", summary(&lexicon.extract(text)))?;
    }
    let known = added.len() - new;
    writeln!(
        out,
        "Kept {new} new listing{}{}. Review them with: grill market",
        if new == 1 { "" } else { "s" },
        if known > 0 { format!(", {known} already kept") } else { String::new() }
    )?;
    Ok(())
}

/// The files to read: each argument, a folder replaced by every file in it, in name order
/// (hidden files and subfolders left out).
fn listing_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" || !path.is_dir() {
            files.push(path.clone());
            continue;
        }
        let mut found = Vec::new();
        for entry in std::fs::read_dir(path).with_context(|| format!("reading the folder {}", path.display()))? {
            let entry = entry.with_context(|| format!("reading the folder {}", path.display()))?;
            if entry.path().is_file() && !entry.file_name().to_string_lossy().starts_with('.') {
                found.push(entry.path());
            }
        }
        if found.is_empty() {
            let message = "the folder holds no files (put each listing's text in a file, or several separated by ---)";
            return Err(InputError::new(&path.display().to_string(), message).into());
        }
        found.sort();
        files.extend(found);
    }
    Ok(files)
}

/// What one listing mentions, on one line.
fn summary(mentions: &[Mention]) -> String {
    if mentions.is_empty() {
        return "mentions nothing from the lexicon".to_owned();
    }
    mentions
        .iter()
        .map(|m| if m.negated { format!("no {}", m.term) } else { m.term.clone() })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The review: this period's tally, the changes since the period before, and study next.
#[derive(Debug, Serialize)]
struct Review {
    since: Option<String>,
    tally: Tally,
    previous_listings: usize,
    changes: Vec<Change>,
    study_next: Vec<StudyNext>,
}

fn period(app: &App, args: &MarketArgs) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
    let now = app.now();
    match args.since.0 {
        Some(length) => (Some(now - length), Some(now - length - length)),
        None => (None, None),
    }
}

fn review(app: &App, lexicon: &Lexicon, args: &MarketArgs, out: &mut dyn Write) -> Result<()> {
    let now = app.now();
    let (from, before_from) = period(app, args);
    let current = mentions(lexicon, &app.store.listings_between(from, now + chrono::Duration::milliseconds(1))?);
    let previous = match (from, before_from) {
        (Some(from), Some(before_from)) => mentions(lexicon, &app.store.listings_between(Some(before_from), from)?),
        _ => Vec::new(),
    };
    let tally = market::tally(lexicon, &current);
    let before = market::tally(lexicon, &previous);
    let (scores, _) = area_scores(app)?;
    let review = Review {
        since: from.map(|f| f.format("%Y-%m-%d").to_string()),
        changes: market::changes(&tally, &before),
        study_next: market::study_next(lexicon, &current, &scores),
        previous_listings: before.listings,
        tally,
    };
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&review)?)?;
        return Ok(());
    }
    print_review(out, &review)
}

fn mentions(lexicon: &Lexicon, listings: &[ListingRow]) -> Vec<Vec<Mention>> {
    listings.iter().map(|l| lexicon.extract(&l.text)).collect()
}

fn print_review(out: &mut dyn Write, r: &Review) -> Result<()> {
    let n = r.tally.listings;
    let since = r.since.as_ref().map(|s| format!(" since {s}")).unwrap_or_default();
    if n == 0 {
        writeln!(
            out,
            "No listings kept{since}. Add 20-30 with: grill market add FILE... (or paste: grill market add -)"
        )?;
        return Ok(());
    }
    writeln!(out, "Market review: {n} listing{}{since}", if n == 1 { "" } else { "s" })?;
    for category in r.tally.categories.iter().filter(|c| !c.terms.is_empty()) {
        writeln!(out, "\n{}", category.title)?;
        let (repeated, once): (Vec<_>, Vec<_>) =
            category.terms.iter().partition(|t| t.listings >= 2 || t.ruled_out > 0);
        for t in repeated {
            let ruled_out = if t.ruled_out > 0 { format!("  (ruled out in {})", t.ruled_out) } else { String::new() };
            writeln!(
                out,
                "  {:<26} {:>3} of {n}  {:>3.0}%{ruled_out}",
                t.term,
                t.listings,
                100.0 * t.listings as f32 / n as f32
            )?;
        }
        if !once.is_empty() {
            writeln!(out, "  once: {}", once.iter().map(|t| t.term.as_str()).collect::<Vec<_>>().join(", "))?;
        }
    }
    writeln!(out)?;
    if r.previous_listings == 0 {
        writeln!(out, "Changes: no listings in the period before to compare with.")?;
    } else if r.changes.is_empty() {
        writeln!(
            out,
            "Changes since the period before ({} listings): nothing moved by 15 points or more.",
            r.previous_listings
        )?;
    } else {
        writeln!(out, "Changes since the period before ({} listings):", r.previous_listings)?;
        for c in &r.changes {
            let arrow = if c.now_share > c.before_share { "up" } else { "down" };
            writeln!(
                out,
                "  {:<26} {arrow} {:.0}% -> {:.0}% ({} -> {} listings)",
                c.term,
                100.0 * c.before_share,
                100.0 * c.now_share,
                c.before,
                c.now
            )?;
        }
    }
    if r.study_next.is_empty() {
        writeln!(out, "Study next: nothing; every area in demand scores {} or more.", market::STUDY_BELOW_SCORE)?;
    } else {
        writeln!(out, "Study next (in demand, your score is low):")?;
        for s in r.study_next.iter().take(3) {
            let score = s.score.map_or("not drilled".to_owned(), |v| format!("score {v:.1}/5"));
            let because: Vec<&str> = s.because.iter().take(4).map(String::as_str).collect();
            writeln!(
                out,
                "  {:<14} in {:.0}% of listings ({}), {score}: grill drill --area {}",
                s.area,
                100.0 * s.share,
                because.join(", "),
                s.area
            )?;
        }
    }
    Ok(())
}

fn list(app: &App, lexicon: &Lexicon, args: &MarketArgs, out: &mut dyn Write) -> Result<()> {
    let (from, _) = period(app, args);
    let listings = app.store.listings_between(from, app.now() + chrono::Duration::milliseconds(1))?;
    if listings.is_empty() {
        writeln!(out, "No listings kept in this period.")?;
    }
    for l in &listings {
        writeln!(
            out,
            "#{} {} {} · {}",
            l.id,
            l.added_at.with_timezone(&chrono::Local).format("%Y-%m-%d"),
            safe_line(&market::title(&l.text)),
            safe_line(&l.source)
        )?;
        writeln!(out, "    {}", summary(&lexicon.extract(&l.text)))?;
    }
    Ok(())
}
