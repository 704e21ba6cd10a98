//! `grill-bench-gen`: the data behind `bench/run`, written through grill's own code.
//!
//! - `db`: a heavy user's database: decks of generated cards and years of reviews drawn from the
//!   FSRS memory model with the real scheduling rules (see `simulate.rs`), ending the evening
//!   before `--today`. Everything is seeded: the same arguments write the same database.
//! - `files`: one large deck as TOML and as CSV, for timing imports.
//! - `size`: how many bytes the database and its review log take, per review.
#![allow(clippy::print_stdout, clippy::print_stderr)] // a command-line generator: its output is the point

mod cards;
mod simulate;

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use chrono::{DateTime, Local, Utc};
use clap::{Parser, Subcommand};
use grill::scheduler::{DayClock, Scheduler};
use grill::store::{CardFilter, Store, to_ms};
use rand::{SeedableRng, rngs::Xoshiro256PlusPlus};

/// Writes synthetic grill data for benchmarks.
#[derive(Debug, Parser)]
#[command(name = "grill-bench-gen")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write a heavy user's database (50,000 cards, about 1,000,000 reviews by default)
    Db(DbArgs),
    /// Write one deck of `--cards` cards as TOML and as CSV (grill's own columns)
    Files(FilesArgs),
    /// Print the database's size: file bytes, and the review log's bytes per review
    Size {
        /// The database to measure
        #[arg(long, value_name = "PATH")]
        db: PathBuf,
    },
}

#[derive(Debug, clap::Args)]
struct DbArgs {
    /// The database to write (must not exist yet)
    #[arg(long, value_name = "PATH")]
    db: PathBuf,
    /// Cards in all
    #[arg(long, default_value_t = 50_000)]
    cards: usize,
    /// Decks the cards are split into
    #[arg(long, default_value_t = 10)]
    decks: usize,
    /// Days of history before today
    #[arg(long, default_value_t = 3 * 365)]
    days: i64,
    /// Share of the history during which new cards are introduced (the rest is reviews only)
    #[arg(long, default_value_t = 0.55)]
    intro_share: f64,
    /// Desired retention of the simulated user's scheduler (pass the same in config.toml)
    #[arg(long, default_value_t = 0.94)]
    retention: f32,
    /// "Today": the history ends the evening before (RFC 3339; pass it as GRILL_NOW)
    #[arg(long, default_value = "2026-03-02T09:00:00Z")]
    today: String,
    /// Seed of every random draw
    #[arg(long, default_value_t = 42)]
    seed: u64,
}

#[derive(Debug, clap::Args)]
struct FilesArgs {
    /// Cards in the deck
    #[arg(long, default_value_t = 100_000)]
    cards: usize,
    /// Where to write the TOML deck
    #[arg(long, value_name = "PATH")]
    toml: PathBuf,
    /// Where to write the CSV file
    #[arg(long, value_name = "PATH")]
    csv: PathBuf,
    /// Seed of the card texts
    #[arg(long, default_value_t = 7)]
    seed: u64,
}

/// Reviews written per transaction: large enough to be fast, small enough to bound a transaction.
const CHUNK: usize = 100_000;

fn main() -> Result<()> {
    match Cli::parse().command {
        Command::Db(args) => write_db(&args),
        Command::Files(args) => write_files(&args),
        Command::Size { db } => print_size(&db),
    }
}

fn write_db(args: &DbArgs) -> Result<()> {
    anyhow::ensure!(
        !args.db.exists(),
        "{}: already exists; the generator only writes new databases",
        args.db.display()
    );
    let started = Instant::now();
    let today = DateTime::parse_from_rfc3339(&args.today).context("--today")?.with_timezone(&Utc);
    // The same day boundaries as `grill` itself (local time, 4 a.m.), so replay agrees.
    let clock = DayClock::new(Local, 4);
    let scheduler = Scheduler::new(&[], args.retention)?;
    let plan = simulate::Plan::new(clock.day_of(today), args.days, args.intro_share);
    let created = clock.day_start(plan.first_day);
    let mut store = Store::open(&args.db)?;
    let builtin = grill::deck::builtin_decks()?;
    store.sync_builtin(&builtin, &grill::deck::builtin_fingerprint(), created)?;
    let decks = cards::synthetic_decks("bench", args.cards, args.decks, args.seed);
    let how = grill::store::SyncOptions::import(created, &scheduler, &clock);
    store.sync_decks(&decks, &[], &how, &mut || {})?;
    let keys: Vec<String> = decks.iter().map(|d| d.deck.id.clone()).collect();
    let mut rows = store.cards(&CardFilter { decks: keys, ..CardFilter::default() })?;
    // Cards are introduced round-robin over the decks, each deck in its own order.
    rows.sort_by_key(|c| (cards::number(&c.key), c.deck.clone()));
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(args.seed);
    let mut reviews = Vec::new();
    for (i, card) in rows.iter().enumerate() {
        let intro = plan.intro_day(i, rows.len());
        simulate::history(&scheduler, &clock, &mut rng, (card.id, &card.key), intro, plan.today, &mut reviews)?;
    }
    // The log is written in time order, as a real user's grows.
    reviews.sort_by_key(|r| (to_ms(r.review.at), r.card_id));
    for chunk in reviews.chunks(CHUNK) {
        store.append_reviews_batch(chunk)?;
    }
    let due = store.candidates(clock.day_start(plan.today + 1), usize::MAX, 0, &[])?.len();
    let builtin_cards: usize = builtin.iter().map(|d| d.cards.len()).sum();
    println!(
        "{}: {} cards ({} generated in {} decks, {builtin_cards} built in), {} reviews, {due} due today; {:.1}s",
        args.db.display(),
        rows.len() + builtin_cards,
        rows.len(),
        decks.len(),
        reviews.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn write_files(args: &FilesArgs) -> Result<()> {
    let deck = cards::synthetic_decks("import", args.cards, 1, args.seed).remove(0);
    std::fs::write(&args.toml, toml::to_string(&deck)?).with_context(|| args.toml.display().to_string())?;
    std::fs::write(&args.csv, cards::to_csv(&deck)).with_context(|| args.csv.display().to_string())?;
    println!("{} and {}: {} cards each", args.toml.display(), args.csv.display(), deck.cards.len());
    Ok(())
}

/// One line, `key=value` pairs, for `bench/run` to read.
fn print_size(db: &std::path::Path) -> Result<()> {
    let conn = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let reviews: i64 = conn.query_row("SELECT count(*) FROM reviews", [], |r| r.get(0))?;
    let cards: i64 = conn.query_row("SELECT count(*) FROM cards", [], |r| r.get(0))?;
    let file: i64 = conn.query_row("SELECT sum(pgsize) FROM dbstat", [], |r| r.get(0))?;
    // The review log: its table and every index on it.
    let log: i64 = conn.query_row(
        "SELECT sum(pgsize) FROM dbstat WHERE name = 'reviews'
             OR name IN (SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'reviews')",
        [],
        |r| r.get(0),
    )?;
    let per = |bytes: i64| bytes as f64 / reviews.max(1) as f64;
    println!(
        "cards={cards} reviews={reviews} file_bytes={file} file_per_review={:.1} log_bytes={log} log_per_review={:.1}",
        per(file),
        per(log)
    );
    Ok(())
}
