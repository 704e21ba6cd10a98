//! grill: a terminal trainer for backend-interview questions, scheduled with FSRS-6.
//!
//! The domain core (`scheduler`, `session` planning) is pure; `store`, `repl` and `commands`
//! are thin layers around it.

pub mod app;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod config;
pub mod cycle;
pub mod deck;
pub mod embedded;
pub mod error;
pub mod file_error;
pub mod files;
pub mod memory;
pub mod render;
pub mod repl;
pub mod scheduler;
pub mod scorecard;
pub mod session;
pub mod stats;
pub mod store;
pub mod sync;
pub mod text;
pub mod values;

pub use app::App;
pub use deck::{Deck, parse_toml};
pub use scheduler::{CardState, DayClock, Rating, ReviewKind, Scheduler};
pub use store::Store;
/// Environment variables that are set but empty: clap reads an empty `GRILL_DB` as a missing
/// value and prints its usage, so they are refused first, with one clear line.
pub fn empty_environment_variable() -> Option<String> {
    ["GRILL_DB", "GRILL_CONFIG", "GRILL_NOW"]
        .into_iter()
        .find(|name| std::env::var_os(name).is_some_and(|v| v.is_empty()))
        .map(|name| format!("{name} is set but empty: unset it, or give it a value"))
}
