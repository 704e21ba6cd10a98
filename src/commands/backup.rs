//! `grill backup` and `grill restore`: they run without opening the app, so they work on a
//! database that needs a migration or that grill refuses to open.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::app::db_path;
use crate::cli::{BackupArgs, Cli, Command, RestoreArgs};
use crate::clock::Clock;
use crate::store::{self, BackupReport};

/// Runs `backup` or `restore`; `None` for every other command.
pub fn without_app(cli: &Cli, out: &mut dyn Write) -> Option<Result<()>> {
    match &cli.command {
        Some(Command::Backup(args)) => Some(db_path(&cli.global).and_then(|db| backup(&db, args, out))),
        Some(Command::Restore(args)) => Some(db_path(&cli.global).and_then(|db| restore(&db, args, out))),
        _ => None,
    }
}

/// Copies the database to `-o FILE` or a time-stamped file in the backups folder.
pub fn backup(db: &Path, args: &BackupArgs, out: &mut dyn Write) -> Result<()> {
    let target = match &args.output {
        Some(path) => path.clone(),
        None => unused(&backups_dir(db)?, &format!("grill-{}", stamp()?)),
    };
    let report = store::backup(db, &target).with_context(|| format!("backing up to {}", target.display()))?;
    writeln!(out, "backed up {} to {}", db.display(), describe(&report))?;
    Ok(())
}

/// Replaces the database with a backup, keeping the current one in the backups folder.
pub fn restore(db: &Path, args: &RestoreArgs, out: &mut dyn Write) -> Result<()> {
    let keep = unused(&backups_dir(db)?, &format!("grill-before-restore-{}", stamp()?));
    let report = store::restore(db, &args.file, &keep)?;
    writeln!(out, "restored {} from {}", db.display(), describe(&report.restored))?;
    match &report.previous {
        Some(previous) => writeln!(out, "the database as it was is kept at {}", previous.display())?,
        None => writeln!(out, "there was no database before")?,
    }
    Ok(())
}

fn describe(report: &BackupReport) -> String {
    format!("{} ({} reviews, schema {})", report.path.display(), report.reviews, report.schema)
}

/// `backups/` beside the database, created private like the data folder.
fn backups_dir(db: &Path) -> Result<PathBuf> {
    let dir = db.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new(".")).join("backups");
    store::create_private_dir(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}

/// `dir/NAME.db`, or `NAME-2.db`, `NAME-3.db`... when taken: two backups in the same second
/// both keep their copy (the copy itself still refuses to overwrite a file, should another
/// grill take the name meanwhile).
fn unused(dir: &Path, name: &str) -> PathBuf {
    (1u32..)
        .map(|n| dir.join(if n == 1 { format!("{name}.db") } else { format!("{name}-{n}.db") }))
        .find(|path| std::fs::symlink_metadata(path).is_err())
        .unwrap_or_else(|| dir.join(format!("{name}.db")))
}

/// The local time as `YYYYMMDD-HHMMSS`, from the one clock.
fn stamp() -> Result<String> {
    Ok(Clock::from_env()?.now().with_timezone(&chrono::Local).format("%Y%m%d-%H%M%S").to_string())
}
