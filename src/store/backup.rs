//! `grill backup` and `grill restore`: whole-database copies with SQLite's online backup, which
//! gives a consistent snapshot even while another grill is writing.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};

use super::check::{check_existing, sibling};
use super::{StoreError, restrict_permissions};

/// What a backup wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupReport {
    pub path: PathBuf,
    /// Schema version of the copy.
    pub schema: i64,
    /// Reviews in the copy.
    pub reviews: i64,
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreReport {
    /// Schema version and review count of the restored copy.
    pub restored: BackupReport,
    /// Where the database as it was before the restore was kept (none when there was none).
    pub previous: Option<PathBuf>,
}

/// How long a copy waits for another grill's write to finish.
const WAIT: Duration = Duration::from_secs(10);

/// Copies the database at `db` to `target` (which must not exist), without writing to `db`.
/// The copy is written beside `target` and renamed into place, so a crash never leaves a
/// half-written file that looks like a backup.
pub fn backup(db: &Path, target: &Path) -> Result<BackupReport, StoreError> {
    if !db.exists() {
        return Err(StoreError::NoDatabase(db.to_owned()));
    }
    check_existing(db)?;
    if target.exists() {
        return Err(StoreError::Exists(target.to_owned()));
    }
    let source = open_source(db)?;
    copy_into_new_file(&source, target)?;
    describe(target)
}

/// Replaces the database at `db` with the grill backup `source`, first keeping a copy of the
/// database as it is at `keep` (when there is one). The backup is checked before anything is
/// touched: it must be an undamaged grill database this grill can read.
pub fn restore(db: &Path, source: &Path, keep: &Path) -> Result<RestoreReport, StoreError> {
    let restored = validate_backup(source)?;
    if db.exists() && same_file(db, source) {
        return Err(StoreError::SameFile(source.to_owned()));
    }
    let current = if db.exists() && std::fs::metadata(db)?.len() > 0 { Some(check_existing(db)) } else { None };
    let staged = staged(source)?;
    let previous = match current {
        None => {
            copy_into_new_file(&staged, db)?;
            None
        }
        Some(Ok(())) => {
            backup(db, keep)?;
            restore_in_place(db, &staged)?;
            Some(keep.to_owned())
        }
        // A damaged database cannot be opened, so its bytes are kept as they are and it is
        // replaced by a rename (no grill has it open: every grill refuses damaged files).
        Some(Err(StoreError::Corrupt(..))) => {
            keep_bytes(db, keep)?;
            replace_damaged(db, &staged)?;
            Some(keep.to_owned())
        }
        Some(Err(e)) => return Err(e),
    };
    super::check::forget_stamp(db);
    Ok(RestoreReport { restored, previous })
}

/// Checks that `source` is a grill database this grill can restore, and describes it.
fn validate_backup(source: &Path) -> Result<BackupReport, StoreError> {
    if !source.exists() {
        return Err(StoreError::NoDatabase(source.to_owned()));
    }
    check_existing(source)?;
    let report = describe(source).map_err(|_| StoreError::NotADatabase(source.to_owned()))?;
    if report.schema < 1 {
        return Err(StoreError::NotADatabase(source.to_owned()));
    }
    super::migrate::check_exact_schema(&open_read_only(source)?, report.schema)
        .map_err(|why| StoreError::ForeignSchema(source.to_owned(), why))?;
    Ok(report)
}

/// The backup copied into memory with a new generation, so a drill still running on the
/// database being replaced notices at its next rating (see `generation`).
fn staged(source: &Path) -> Result<Connection, StoreError> {
    let mut copy = Connection::open_in_memory()?;
    copy_all(&open_read_only(source)?, &mut copy)?;
    super::generation::renew(&copy)?;
    Ok(copy)
}

fn describe(path: &Path) -> Result<BackupReport, StoreError> {
    let conn = open_read_only(path)?;
    let schema: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let reviews: i64 = conn.query_row("SELECT count(*) FROM reviews", [], |r| r.get(0))?;
    Ok(BackupReport { path: path.to_owned(), schema, reviews })
}

/// The database to copy. In a folder grill cannot write, SQLite cannot create the `-shm` a
/// WAL database needs even to be read; no grill can be writing there either, so the file is
/// read as it stands (`immutable`, see `check`).
fn open_source(db: &Path) -> Result<Connection, StoreError> {
    let conn = open_read_only(db)?;
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(())) {
        Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::CannotOpen) && !sibling(db, "-wal").exists() => {
            Ok(super::check::open(db)?)
        }
        Err(e) => Err(e.into()),
        Ok(()) => Ok(conn),
    }
}

fn open_read_only(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    conn.busy_timeout(WAIT)?;
    Ok(conn)
}

/// Writes a copy of `source` to `target` through a temporary file beside it (created 0600, so
/// the copy is never readable by others, not even for a moment).
fn copy_into_new_file(source: &Connection, target: &Path) -> Result<(), StoreError> {
    // A killed copy leaves its temporary file behind: the next one beside it removes it.
    let temp = crate::files::temp_beside(target)?;
    let mut dest = Connection::open(temp.path())?;
    copy_all(source, &mut dest)?;
    // A self-contained file: no -wal beside it is needed to read the copy.
    dest.pragma_update(None, "journal_mode", "DELETE")?;
    drop(dest);
    crate::files::persist_new(temp, target).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => StoreError::Exists(target.to_owned()),
        _ => StoreError::Io(e),
    })
}

/// Replaces the contents of the live database `db` with `source` in one write transaction:
/// other grills see either the old or the new database, never a mix.
fn restore_in_place(db: &Path, from: &Connection) -> Result<(), StoreError> {
    let mut to = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    to.busy_timeout(WAIT)?;
    copy_all(from, &mut to)?;
    to.pragma_update(None, "journal_mode", "WAL")?;
    Ok(())
}

/// Copies every page in one step (one transaction on the destination), retrying while another
/// grill holds the lock.
fn copy_all(from: &Connection, to: &mut Connection) -> Result<(), StoreError> {
    let started = Instant::now();
    let backup = Backup::new(from, to)?;
    loop {
        match backup.step(-1)? {
            StepResult::Done => return Ok(()),
            _ if started.elapsed() > WAIT => {
                return Err(StoreError::Busy("the database stayed locked during the copy".into()));
            }
            _ => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

fn keep_bytes(db: &Path, keep: &Path) -> Result<(), StoreError> {
    if keep.exists() {
        return Err(StoreError::Exists(keep.to_owned()));
    }
    create_private_file(keep)?;
    std::fs::copy(db, keep)?;
    // Committed transactions not yet copied into the file live in its -wal: keep them too.
    let wal = sibling(db, "-wal");
    if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
        std::fs::copy(&wal, sibling(keep, "-wal"))?;
    }
    Ok(())
}

fn replace_damaged(db: &Path, source: &Connection) -> Result<(), StoreError> {
    let fresh = sibling(db, ".restoring");
    let _ = std::fs::remove_file(&fresh);
    copy_into_new_file(source, &fresh)?;
    // The old -wal belongs to the damaged file: replayed onto the restored one it would damage it.
    for suffix in ["-wal", "-shm"] {
        match std::fs::remove_file(sibling(db, suffix)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
            _ => {}
        }
    }
    std::fs::rename(&fresh, db)?;
    Ok(())
}

fn create_private_file(path: &Path) -> Result<(), StoreError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => StoreError::Exists(path.to_owned()),
        _ => StoreError::Io(e),
    })?;
    restrict_permissions(path)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
