//! The command tree (clap derive) and nothing else.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// grill: drill backend-interview questions with spaced repetition.
///
/// With no command, starts today's drill.
#[derive(Debug, Parser)]
#[command(name = "grill", version, about, long_about, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options every command takes.
#[derive(Debug, Clone, Args)]
pub struct Global {
    /// The database file [default: the platform data dir, e.g. ~/.local/share/grill/grill.db]
    #[arg(long, global = true, env = "GRILL_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// The config file [default: the platform config dir, e.g. ~/.config/grill/config.toml]
    #[arg(long, global = true, env = "GRILL_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,
}

/// grill's commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Today's drill: due reviews and new cards, interleaved across areas (the default command)
    Drill(DrillArgs),
    /// Each deck with its areas and card counts
    Decks,
    /// Browse cards and their scheduling state
    Cards(CardsArgs),
    /// Suspend a card: it leaves the drill until unsuspended
    Suspend(CardIdArgs),
    /// Bring a suspended card back into the drill
    Unsuspend(CardIdArgs),
    /// Recompute every card's schedule from the review log (maintenance; the log is never changed)
    Rebuild,
}

/// `grill drill`.
#[derive(Debug, Default, Clone, Args)]
pub struct DrillArgs {
    /// Only cards of this area (repeatable)
    #[arg(long = "area", value_name = "AREA")]
    pub areas: Vec<String>,
    /// New cards to introduce in this session (overrides what is left of today's limit)
    #[arg(long, value_name = "N")]
    pub new: Option<usize>,
    /// At most this many cards in this session
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Stop offering new cards after this many minutes
    #[arg(long, value_name = "M")]
    pub minutes: Option<u64>,
}

/// `grill cards`.
#[derive(Debug, Clone, Args)]
pub struct CardsArgs {
    /// Only cards of this deck (repeatable)
    #[arg(long = "deck", value_name = "DECK")]
    pub decks: Vec<String>,
    /// Only cards of this area (repeatable)
    #[arg(long = "area", value_name = "AREA")]
    pub areas: Vec<String>,
    /// Only cards whose id, prompt, answer or tags contain TEXT
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,
    /// One JSON array instead of a table
    #[arg(long)]
    pub json: bool,
}

/// A command that takes one card id.
#[derive(Debug, Clone, Args)]
pub struct CardIdArgs {
    /// The card's id, as `grill cards` shows it (e.g. sql/running-total-window)
    pub card: String,
}
