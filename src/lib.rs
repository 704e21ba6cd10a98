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
