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
pub mod files;
pub mod render;
pub mod repl;
pub mod scheduler;
pub mod scorecard;
pub mod session;
pub mod stats;
pub mod store;

/// Files embedded at build time (see `build.rs`).
pub mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

pub use app::App;
pub use deck::{Deck, parse_toml};
pub use scheduler::{CardState, DayClock, Rating, ReviewKind, Scheduler};
pub use store::Store;

/// Exit codes: 1 for a failed command, 2 for bad input or usage (clap uses 2 too).
pub fn exit_code(error: &anyhow::Error) -> i32 {
    if error.chain().any(|e| {
        e.is::<deck::DeckError>()
            || e.is::<clock::ClockError>()
            || e.is::<scorecard::UnknownArea>()
            || e.is::<session::InputError>()
            || e.downcast_ref::<store::StoreError>().is_some_and(store::StoreError::is_bad_input)
    }) {
        2
    } else {
        1
    }
}

/// Environment variables that are set but empty: clap reads an empty `GRILL_DB` as a missing
/// value and prints its usage, so they are refused first, with one clear line.
pub fn empty_environment_variable() -> Option<String> {
    ["GRILL_DB", "GRILL_CONFIG", "GRILL_NOW"]
        .into_iter()
        .find(|name| std::env::var_os(name).is_some_and(|v| v.is_empty()))
        .map(|name| format!("{name} is set but empty: unset it, or give it a value"))
}
