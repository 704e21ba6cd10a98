//! One module per subcommand; `dispatch` routes the parsed command line.

pub mod area_scores;
pub mod backup;
pub mod cards;
pub mod config;
pub mod cram;
pub mod dashboard;
pub mod decks;
pub mod drill;
pub mod edit;
pub mod editor;
pub mod export;
pub mod export_apkg;
pub mod gaps;
pub mod import;
pub mod interview;
pub mod log;
mod log_prompt;
pub mod market;
pub mod optimize;
pub mod plan;
pub mod profile;
pub mod rebuild;
pub mod remind;
pub mod report;
pub mod score;
pub mod stats;
pub mod suspend;
pub mod sync;
pub mod targets;

use anyhow::Result;

use crate::app::App;
use crate::cli::{Cli, Command, DrillArgs};

/// Opens the app and runs the command (the drill when none is given).
pub fn dispatch(cli: Cli) -> Result<()> {
    // Settings are edited without opening the database, so a broken config.toml can be fixed.
    if let Some(Command::Config(command)) = &cli.command {
        return config::run(&crate::app::config_path(&cli.global)?, command);
    }
    // The profile is a file of its own: editing it needs no database either.
    if let Some(Command::Profile(args)) = &cli.command {
        return profile::run(&cli.global, args);
    }
    // Backup and restore must work on a database grill cannot open (damaged, or needing a
    // migration the user wants a copy before).
    let db = crate::app::db_path(&cli.global)?;
    if let Some(result) = backup::without_app(&cli) {
        return result.map_err(|e| name_the_database(e, &db));
    }
    let mut app = App::open(&cli.global).map_err(|e| name_the_database(e, &db))?;
    let result = match cli.command {
        None => drill::run(&mut app, &DrillArgs::default()),
        Some(Command::Drill(args)) => drill::run(&mut app, &args),
        Some(Command::Decks) => decks::run(&app),
        Some(Command::Cards(args)) => cards::run(&app, &args),
        Some(Command::Suspend(args)) => suspend::run(&app, &args, true),
        Some(Command::Unsuspend(args)) => suspend::run(&app, &args, false),
        Some(Command::Score(args)) => score::run(&app, &args),
        Some(Command::Import(args)) => import::run(&mut app, &args),
        Some(Command::Export(args)) => export::run(&app, &args),
        Some(Command::Plan(args)) => plan::run(&app, &args),
        Some(Command::Cram(args)) => cram::run(&mut app, &args),
        Some(Command::Interview(command)) => interview::run(&app, &command),
        Some(Command::Config(_)) => unreachable!("handled before opening the app"),
        Some(Command::Backup(_) | Command::Restore(_)) => Ok(()), // handled by `without_app`
        Some(Command::Log(args)) => log::run(&mut app, &args),
        Some(Command::Gaps(args)) => gaps::run(&app, &args),
        Some(Command::Market(args)) => market::run(&mut app, &args),
        Some(Command::Dashboard(args)) => dashboard::run(&app, &cli.global, &args),
        Some(Command::Profile(_)) => unreachable!("handled before opening the app"),
        Some(Command::Remind(args)) => remind::run(&app, &args),
        Some(Command::Stats(args)) => stats::run(&app, &args),
        Some(Command::Optimize(args)) => optimize::run(&mut app, &args),
        Some(Command::Edit(args)) => edit::run(&mut app, &args),
        Some(Command::Report(args)) => report::run(&app, &args),
        Some(Command::Rebuild) => rebuild::run(&mut app),
        Some(Command::Sync(args)) => sync::run(&mut app, &args, &mut std::io::stdout().lock()),
    };
    result.map_err(|e| name_the_database(e, &db))
}

/// Faults of the machine (full disk, read-only file, a lock held too long) name the database
/// file, so the user knows which disk or file to look at.
fn name_the_database(error: anyhow::Error, db: &std::path::Path) -> anyhow::Error {
    match error.downcast_ref::<crate::store::StoreError>() {
        Some(e) if e.is_machine_fault() => error.context(db.display().to_string()),
        _ => error,
    }
}
