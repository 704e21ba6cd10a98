//! One module per subcommand; `dispatch` routes the parsed command line.

pub mod area_scores;
pub mod cards;
pub mod dashboard;
pub mod decks;
pub mod drill;
pub mod edit;
pub mod editor;
pub mod gaps;
pub mod log;
mod log_prompt;
pub mod market;
pub mod profile;
pub mod remind;
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
        Some(Command::Log(args)) => log::run(&mut app, &args),
        Some(Command::Gaps(args)) => gaps::run(&app, &args),
        Some(Command::Market(args)) => market::run(&mut app, &args),
        Some(Command::Dashboard(args)) => dashboard::run(&app, &cli.global, &args),
        Some(Command::Profile(args)) => profile::run(&cli.global, &args),
        Some(Command::Remind(args)) => remind::run(&app, &args),
        Some(Command::Edit(args)) => edit::run(&app, &args),
    }
}
