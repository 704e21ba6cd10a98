//! One module per subcommand; `dispatch` routes the parsed command line.

pub mod cards;
pub mod decks;
pub mod drill;
pub mod rebuild;
pub mod suspend;

use anyhow::Result;

use crate::app::App;
use crate::cli::{Cli, Command, DrillArgs};

/// Opens the app and runs the command (the drill when none is given).
pub fn dispatch(cli: Cli) -> Result<()> {
    let mut app = App::open(&cli.global)?;
    match cli.command {
        None => drill::run(&mut app, &DrillArgs::default()),
        Some(Command::Drill(args)) => drill::run(&mut app, &args),
        Some(Command::Decks) => decks::run(&app),
        Some(Command::Cards(args)) => cards::run(&app, &args),
        Some(Command::Suspend(args)) => suspend::run(&app, &args, true),
        Some(Command::Unsuspend(args)) => suspend::run(&app, &args, false),
        Some(Command::Rebuild) => rebuild::run(&mut app),
    }
}
