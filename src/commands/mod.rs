//! One module per subcommand; `dispatch` routes the parsed command line.

pub mod backup;
pub mod cards;
pub mod config;
pub mod cram;
pub mod dashboard;
pub mod decks;
pub mod drill;
pub mod edit;
pub mod export;
pub mod gaps;
pub mod import;
pub mod interview;
pub mod log;
pub mod market;
pub mod mock;
pub mod optimize;
pub mod plan;
pub mod profile;
pub mod rebuild;
pub mod remind;
pub mod report;
pub mod score;
pub mod show;
pub mod stats;
pub mod suspend;
pub mod sync;

use anyhow::Result;

use std::io::Write;

use crate::app::{App, Ui};
use crate::cli::{Cli, Command, DrillArgs};

/// Opens the app and runs the command (the drill when none is given).
pub fn dispatch(cli: Cli) -> Result<()> {
    // Settings are edited without opening the database, so a broken config.toml can be fixed.
    let mut ui = Ui::stdout();
    let result = run(cli, &mut ui);
    // Whatever was written reaches the pipe even when the command failed half-way.
    let flushed = ui.flush();
    result.and(flushed.map_err(Into::into))
}

fn run(cli: Cli, out: &mut Ui) -> Result<()> {
    // Completions and the manual come from the command tree alone.
    if let Some(Command::Completions { shell }) = &cli.command {
        let mut command = <Cli as clap::CommandFactory>::command();
        // Generated into memory first: clap_complete panics on a write error (a closed pipe).
        let mut script = Vec::new();
        clap_complete::generate(*shell, &mut command, "grill", &mut script);
        out.write_all(&script)?;
        return Ok(());
    }
    if let Some(Command::Man) = &cli.command {
        let mut page = Vec::new();
        clap_mangen::Man::new(<Cli as clap::CommandFactory>::command()).render(&mut page)?;
        out.write_all(&page)?;
        return Ok(());
    }
    if let Some(Command::Config(command)) = &cli.command {
        return config::run(&crate::app::config_path(&cli.global)?, &crate::app::db_path(&cli.global)?, command, out);
    }
    // The profile is a file of its own: editing it needs no database either.
    if let Some(Command::Profile(args)) = &cli.command {
        return profile::run(&cli.global, args, out);
    }
    // Backup and restore must work on a database grill cannot open (damaged, or needing a
    // migration the user wants a copy before).
    let db = crate::app::db_path(&cli.global)?;
    if let Some(result) = backup::without_app(&cli, out) {
        return result.map_err(|e| name_the_database(e, &db));
    }
    let mut app = match App::open(&cli.global) {
        // A write-protected database or folder still serves the commands that only read.
        Err(e) if only_reads(&cli.command) && is_write_protected(&e) => App::open_for_reading(&cli.global),
        opened => opened,
    }
    .map_err(|e| name_the_database(e, &db))?;
    let result = match cli.command {
        None => drill::run(&mut app, &DrillArgs::default(), out),
        Some(Command::Drill(args)) => drill::run(&mut app, &args, out),
        Some(Command::Decks) => decks::run(&app, out),
        Some(Command::Cards(args)) => cards::run(&app, &args, out),
        Some(Command::Show(args)) => show::run(&app, &args, out),
        Some(Command::Suspend(args)) => suspend::run(&app, &args, true, out),
        Some(Command::Unsuspend(args)) => suspend::run(&app, &args, false, out),
        Some(Command::Score(args)) => score::run(&app, &args, out),
        Some(Command::Import(args)) => import::run(&mut app, &args, out),
        Some(Command::Export(args)) => export::run(&app, &args, out),
        Some(Command::Plan(args)) => plan::run(&app, &args, out),
        Some(Command::Cram(args)) => cram::run(&mut app, &args, out),
        Some(Command::Interview(command)) => interview::run(&app, &command, out),
        Some(Command::Config(_)) => unreachable!("handled before opening the app"),
        Some(Command::Backup(_) | Command::Restore(_)) => Ok(()), // handled by `without_app`
        Some(Command::Log(args)) => log::run(&mut app, &args, out),
        Some(Command::Gaps(args)) => gaps::run(&app, &args, out),
        Some(Command::Mock(args)) => mock::run_stdio(&mut app, &cli.global, &args, out),
        Some(Command::Market(args)) => market::run(&mut app, &args, out),
        Some(Command::Dashboard(args)) => dashboard::run(&app, &cli.global, &args, out),
        Some(Command::Profile(_) | Command::Completions { .. } | Command::Man) => {
            unreachable!("handled before opening the app")
        }
        Some(Command::Remind(args)) => remind::run(&app, &args, out),
        Some(Command::Stats(args)) => stats::run(&app, &args, out),
        Some(Command::Optimize(args)) => optimize::run(&mut app, &args, out),
        Some(Command::Edit(args)) => edit::run(&mut app, &args, out),
        Some(Command::Report(args)) => report::run(&app, &args, out),
        Some(Command::Rebuild) => rebuild::run(&mut app, out),
        Some(Command::Sync(args)) => sync::run(&mut app, &args, out),
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

/// Whether `command` reads the database and writes nothing to it (files it writes elsewhere,
/// such as an export or a report, do not count).
fn only_reads(command: &Option<Command>) -> bool {
    matches!(
        command,
        Some(
            Command::Cards(_)
                | Command::Show(_)
                | Command::Export(_)
                | Command::Plan(_)
                | Command::Gaps(_)
                | Command::Stats(_)
                | Command::Report(_)
        )
    ) || matches!(command, Some(Command::Score(args)) if args.action.is_none())
        || matches!(command, Some(Command::Log(args)) if args.command.as_ref().is_none_or(|c| matches!(c, crate::cli::LogCommand::Show { .. })))
}

/// Whether opening failed because the database file or its folder cannot be written.
fn is_write_protected(error: &anyhow::Error) -> bool {
    use crate::store::StoreError;
    match error.downcast_ref::<StoreError>() {
        Some(StoreError::ReadOnly(_)) => true,
        Some(StoreError::CannotOpen(_, why)) => why.contains("could not create its -wal"),
        _ => false,
    }
}
