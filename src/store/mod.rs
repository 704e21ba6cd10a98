//! Storage: the only module that talks to SQLite. Everything here is a thin translation between
//! rows and the domain types; decisions live in `scheduler`, `session` and `scorecard`.

mod backup;
mod batch;
mod cards;
mod check;
mod derived;
mod device_state;
mod devices;
mod edit;
mod export;
mod generation;
mod history;
mod imported;
mod interviews;
mod listings;
mod migrate;
mod mock;
mod params;
mod planning;
mod recall_days;
mod replay;
mod reviews;
mod scorecard;
mod sync;

pub use backup::{BackupReport, RestoreReport, backup, restore};
pub use batch::NewReview;
pub use cards::{CardFilter, CardRow, DeckSummary};
pub use derived::DerivedRows;
pub use devices::MergeReport;
pub use edit::{CardText, Rewrite};
pub use export::ExportedReview;
pub use history::{CARDS_PER_GROUP, CardAnswers, Replayed, replay_alone};
pub use interviews::{InterviewRow, NewInterview, QuestionRow};
pub use listings::{Added, ListingRow};
pub use migrate::schema_version;
pub use mock::{MockQuestion, MockRoundRow, NewMockRound, Note};
pub use params::SavedParameters;
pub use planning::UpcomingInterview;
pub use recall_days::recall_key;
pub use replay::RebuildReport;
pub use reviews::{LoggedReview, ReviewCounts};
pub use sync::{CardImport, Change, SyncOptions, SyncReport};

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use rusqlite::{Connection, OpenFlags};

/// Errors from the database layer, with the path where it helps the user.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}: not a grill database (not an SQLite file); refusing to touch it")]
    NotADatabase(PathBuf),
    #[error("{0}: not a regular file (a device, pipe, socket or folder); refusing to touch it")]
    NotAFile(PathBuf),
    #[error("{0}: an SQLite database, but not grill's; refusing to touch it")]
    Foreign(PathBuf),
    #[error("{0}: the database is damaged ({1}); it was not modified (restore a backup with `grill restore`)")]
    Corrupt(PathBuf, String),
    #[error(
        "{path}: written by a newer grill (schema {found}, this grill knows {supported}); upgrade grill. The file was not modified."
    )]
    TooNew { path: PathBuf, found: i64, supported: usize },
    #[error("applying a schema migration failed: {0}")]
    Migration(String),
    #[error(
        "the disk is full ({0}): what you just did was not saved, everything saved before is safe. Free some space and run grill again."
    )]
    DiskFull(String),
    #[error(
        "the database is read-only ({0}): grill cannot save anything, and nothing saved before was touched. Check the file's permissions and its disk."
    )]
    ReadOnly(String),
    #[error(
        "the disk failed a read or write ({0}); it may be full, read-only or gone. What you just did was not saved, everything saved before is safe."
    )]
    DiskIo(String),
    #[error(
        "another grill kept the database busy for too long ({0}): what you just did was not saved. Try again when it is done."
    )]
    Busy(String),
    #[error("{0}: cannot open the database ({1}); check that its folder exists and is writable")]
    CannotOpen(PathBuf, String),
    #[error("{0}")]
    Sqlite(rusqlite::Error),
    #[error("{0}")]
    Scheduler(#[from] crate::scheduler::SchedulerError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("no card with id {0:?}")]
    NoSuchCard(String),
    #[error("no deck with id {0:?} (see `grill decks`)")]
    NoSuchDeck(String),
    #[error("{0}: no such database")]
    NoDatabase(PathBuf),
    #[error("{0}: already exists; refusing to overwrite it")]
    Exists(PathBuf),
    #[error("{0}: that is the database itself; restore from a backup copy")]
    SameFile(PathBuf),
    #[error("that rating is already on your other devices (grill sync): it stands and cannot be undone")]
    AlreadySynced,
    #[error(
        "the database was replaced (by `grill restore`) while this session ran: its card ids now mean other cards, so nothing more is saved from it. Start again."
    )]
    Replaced,
    #[error("{0}: {1}; refusing to restore it")]
    ForeignSchema(PathBuf, String),
}

impl From<rusqlite::Error> for StoreError {
    /// Faults of the machine (full disk, read-only file, a lock held too long) get their own
    /// variants, so the user reads what happened instead of an SQLite code.
    fn from(error: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        let Some(code) = error.sqlite_error_code() else { return StoreError::Sqlite(error) };
        let text = error.to_string();
        match code {
            ErrorCode::DiskFull => StoreError::DiskFull(text),
            ErrorCode::ReadOnly => StoreError::ReadOnly(text),
            ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => StoreError::Busy(text),
            ErrorCode::SystemIoFailure => StoreError::DiskIo(text),
            _ => StoreError::Sqlite(error),
        }
    }
}

impl StoreError {
    /// Whether the error comes from what the user pointed grill at (exit code 2).
    pub fn is_bad_input(&self) -> bool {
        matches!(self, StoreError::NotAFile(_) | StoreError::ForeignSchema(..))
    }

    /// Whether the error is a fault of the machine rather than of grill or its data: the
    /// message then names the database file.
    pub fn is_machine_fault(&self) -> bool {
        matches!(
            self,
            StoreError::DiskFull(_)
                | StoreError::DiskIo(_)
                | StoreError::ReadOnly(_)
                | StoreError::Busy(_)
                | StoreError::Io(_)
        )
    }
}

/// An open grill database.
///
/// Dropping it closes the connection and stamps the file as cleanly closed (see `check`).
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// The database's generation when it was opened: `restore` gives every restored database a
    /// new one, and each rating checks it (see `generation`).
    generation: Option<String>,
    /// See [`Store::wal_went_missing`].
    wal_went_missing: bool,
}

/// Milliseconds since the Unix epoch, as stored.
pub fn to_ms(at: DateTime<Utc>) -> i64 {
    at.timestamp_millis()
}

/// The instant stored as milliseconds.
pub fn from_ms(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

/// The areas of the database at `path`, read without changing anything (no migration, no
/// sync), for checks made without opening grill (config set languages); empty when there is no
/// readable grill database there.
pub fn areas_read_only(path: &Path) -> Vec<String> {
    let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let Ok(conn) = Connection::open_with_flags(path, flags) else { return Vec::new() };
    let Ok(mut stmt) = conn.prepare("SELECT DISTINCT area FROM cards") else { return Vec::new() };
    stmt.query_map([], |r| r.get(0)).map(|rows| rows.filter_map(Result::ok).collect()).unwrap_or_default()
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    /// Foreign, damaged and newer files are refused before anything is written.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let wal_went_missing = check::wal_went_missing(path);
        check::check_existing(path)?;
        let existed = path.exists() && std::fs::metadata(path)?.len() > 0;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            create_private_dir(dir)?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn = Connection::open_with_flags(path, flags).map_err(|e| cannot_open(path, e))?;
        // SQLite silently opens a write-protected file read-only; say so now rather than at the
        // first rating.
        if conn.is_readonly(rusqlite::MAIN_DB)? {
            return Err(StoreError::ReadOnly("the file or its disk is write-protected".into()));
        }
        restrict_permissions(path)?;
        configure(&mut conn).map_err(|e| folder_not_writable(path, e))?;
        if existed && migrate::current_version(&conn)? < schema_version() as i64 {
            backup_before_migration(&conn, path)?;
        }
        migrate::migrate(&mut conn)?;
        let generation = generation::read(&conn)?;
        check::mark_in_use(path);
        Ok(Store { conn, path: path.to_owned(), generation, wal_went_missing })
    }

    /// Opens the database at `path` only to read it, for commands that write nothing when the
    /// file or its folder is write-protected: no migration, no built-in deck sync, nothing
    /// created beside it (`immutable` when no `-wal` is there; see `check`).
    pub fn open_for_reading(path: &Path) -> Result<Store, StoreError> {
        check::check_existing(path)?;
        if !path.is_file() {
            return Err(StoreError::NoDatabase(path.to_owned()));
        }
        let conn = check::open(path).map_err(|e| cannot_open(path, e))?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        if migrate::current_version(&conn)? < schema_version() as i64 {
            let why =
                "the database needs an upgrade, which needs write access: run grill once where it can write".into();
            return Err(StoreError::ReadOnly(why));
        }
        let generation = generation::read(&conn)?;
        Ok(Store { conn, path: path.to_owned(), generation, wal_went_missing: false })
    }

    /// Copies what the `-wal` file holds into the database file, as far as no other grill's
    /// open read holds it back (SQLite's passive checkpoint: it never waits or blocks).
    pub fn checkpoint(&self) -> Result<(), StoreError> {
        self.conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// Whether the grill before this one stopped without closing the database and its `-wal`
    /// file was deleted since: answers confirmed since its last checkpoint are gone.
    pub fn wal_went_missing(&self) -> bool {
        self.wal_went_missing
    }

    /// Closes the database; once the last connection is gone SQLite has checkpointed the WAL,
    /// and a stamp records the file as healthy so the next start can skip the full check.
    fn close_and_stamp(&mut self) {
        let Ok(spare) = Connection::open_in_memory() else { return };
        let conn = std::mem::replace(&mut self.conn, spare);
        if conn.close().is_ok() && self.path != Path::new(":memory:") {
            check::write_stamp(&self.path);
        }
    }

    /// An in-memory database with the full schema (for tests and benchmarks).
    pub fn open_in_memory() -> Result<Store, StoreError> {
        let mut conn = Connection::open_in_memory()?;
        configure(&mut conn)?;
        migrate::migrate(&mut conn)?;
        Ok(Store { conn, path: PathBuf::from(":memory:"), generation: None, wal_went_missing: false })
    }

    /// Where the database lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The raw connection, for the store's own submodules.
    fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Runs `PRAGMA integrity_check` and returns its verdict ("ok" when healthy).
    pub fn integrity_check(&self) -> Result<String, StoreError> {
        Ok(self.conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }

    /// A value from the `meta` table.
    pub fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        use rusqlite::OptionalExtension;
        Ok(self.conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0)).optional()?)
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        self.close_and_stamp();
    }
}

fn configure(conn: &mut Connection) -> Result<(), StoreError> {
    // First, so that even switching to WAL waits for a second grill instead of failing.
    conn.busy_timeout(Duration::from_secs(10))?;
    // WAL: readers never block the writer. synchronous=NORMAL in WAL mode keeps every committed
    // transaction across a crash of the process (only a power loss can drop the last ones).
    // SQLite can answer SQLITE_BUSY here without calling the busy handler (another grill is
    // creating the file or switching it to WAL at that moment): try again for up to 2 s.
    let mut attempts = 0;
    while let Err(e) = conn.pragma_update(None, "journal_mode", "WAL") {
        let busy = matches!(
            e.sqlite_error_code(),
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
        );
        if !busy || attempts == 100 {
            return Err(e.into());
        }
        attempts += 1;
        std::thread::sleep(Duration::from_millis(20));
    }
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Every write transaction takes the write lock when it begins: a deferred one that read first
    // gets SQLITE_BUSY at once (no waiting) if another process wrote in between.
    conn.set_transaction_behavior(rusqlite::TransactionBehavior::Immediate);
    // Copy the WAL back every 10,000 pages (40 MB) instead of 1,000: a 200-card drill then
    // checkpoints once, when it exits, instead of every ~150 ratings; each checkpoint copies
    // pages the next ratings touch again and waits for two fsyncs (bench/RESULTS.md).
    conn.pragma_update(None, "wal_autocheckpoint", 10_000)?;
    // A drill runs some twenty statements per card (the card, its last note, the rating's
    // writes, the header): with rusqlite's 16 cached, each card evicted and compiled again the
    // review insert with its triggers, 7% of a 200-card session (perf).
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(())
}

/// Prepared statements kept per connection.
const STATEMENT_CACHE: usize = 64;

/// How long a rating waits for another grill's write lock, all retries together: far past
/// any import (which holds the lock for its one transaction), so a drill never loses an
/// answer to a lock.
const RATING_PATIENCE: Duration = Duration::from_secs(600);

/// Runs `write` with PRAGMA `name` set to `value` on `conn`, then sets it back to what it was,
/// whether `write` succeeded or not (bulk writers tune the page cache and the temp store).
fn with_pragma<T>(
    conn: &mut Connection,
    name: &str,
    value: &dyn rusqlite::ToSql,
    write: impl FnOnce(&mut Connection) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    let before: rusqlite::types::Value = conn.query_row(&format!("PRAGMA {name}"), [], |r| r.get(0))?;
    conn.pragma_update(None, name, value)?;
    let written = write(conn);
    conn.pragma_update(None, name, before)?;
    written
}

/// Begins a write transaction for a rating, an undo or a drill's suspend: each attempt waits
/// the connection's busy timeout, and a busy database is tried again until
/// [`RATING_PATIENCE`] has passed. The caller's answer is decided inside the transaction, so
/// nothing is lost or decided early while waiting.
fn patient_transaction(conn: &Connection) -> Result<rusqlite::Transaction<'_>, StoreError> {
    let started = std::time::Instant::now();
    loop {
        match conn.unchecked_transaction() {
            Ok(tx) => return Ok(tx),
            Err(e) => match StoreError::from(e) {
                StoreError::Busy(_) if started.elapsed() < RATING_PATIENCE => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                other => return Err(other),
            },
        }
    }
}

/// An error opening the file: machine faults keep their kind, the rest name the path.
fn cannot_open(path: &Path, error: rusqlite::Error) -> StoreError {
    match StoreError::from(error) {
        StoreError::Sqlite(e) => StoreError::CannotOpen(path.to_owned(), e.to_string()),
        other => other,
    }
}

/// SQLite's bare "unable to open database file" when the database opens but its `-wal` and
/// `-shm` cannot be created beside it (a read-only folder): name the file and say why.
fn folder_not_writable(path: &Path, error: StoreError) -> StoreError {
    match error {
        StoreError::Sqlite(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::CannotOpen) => {
            let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
            let why = format!("{e}: SQLite could not create its -wal and -shm files in {}", dir.display());
            StoreError::CannotOpen(path.to_owned(), why)
        }
        other => other,
    }
}

fn backup_before_migration(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let version = migrate::current_version(conn)?;
    let mut name = path.file_name().unwrap_or_default().to_owned();
    name.push(format!(".v{version}.bak"));
    let target = path.with_file_name(name);
    // Written as a private temporary file and renamed: never world-readable, not even while
    // it is written, and never half a copy under the final name.
    let temp = crate::files::temp_beside(&target)?;
    conn.backup(rusqlite::MAIN_DB, temp.path(), None)?;
    temp.as_file().sync_all()?;
    temp.persist(&target).map_err(|e| e.error)?;
    Ok(())
}

/// Creates `dir` (and parents) readable by the owner only: review history is personal.
pub fn create_private_dir(dir: &Path) -> Result<(), StoreError> {
    Ok(crate::files::create_private_dir(dir)?)
}

fn restrict_permissions(path: &Path) -> Result<(), StoreError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)?.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
        }
    }
    let _ = path;
    Ok(())
}

#[cfg(test)]
mod tests;
