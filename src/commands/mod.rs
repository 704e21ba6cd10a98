//! One module per subcommand; `dispatch` routes the parsed command line.

pub mod cards;
pub mod decks;
pub mod drill;
pub mod edit;
pub mod optimize;
pub mod report;
pub mod stats;
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
        Some(Command::Stats(args)) => stats::run(&app, &args),
        Some(Command::Optimize(args)) => optimize::run(&mut app, &args),
        Some(Command::Edit(args)) => edit::run(&mut app, &args),
        Some(Command::Report(args)) => report::run(&app, &args),
    }
}
