//! Looking at a database file before grill opens it for writing: a file that is not SQLite,
//! someone else's database, a damaged one or one from a newer grill is refused, and the check
//! itself leaves every byte as it was.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::StoreError;
use super::migrate::schema_version;

/// Checks an existing file without writing to it: it must be an SQLite database (or empty),
/// grill's, not from a newer grill, and pass SQLite's quick integrity check.
pub fn check_existing(path: &Path) -> Result<(), StoreError> {
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(StoreError::CannotOpen(path.to_owned(), e.to_string())),
    };
    // A device or FIFO has no size and reading one may block or never end; as root, taking
    // /dev/null for a new database would chmod it. Only a regular file (or none) is touched.
    if !meta.is_file() {
        return Err(StoreError::NotAFile(path.to_owned()));
    }
    if meta.len() == 0 {
        return Ok(());
    }
    let header = read_header(path).ok_or_else(|| StoreError::NotADatabase(path.to_owned()))?;
    // The schema version sits in the header: a newer grill's file is refused without opening it.
    let version = i64::from(u32::from_be_bytes([header[60], header[61], header[62], header[63]]));
    if version > schema_version() as i64 {
        return Err(StoreError::TooNew { path: path.to_owned(), found: version, supported: schema_version() });
    }
    // The full look reads every page (a third of a second for years of reviews): skip it when
    // the file is exactly as grill left it when it last closed it cleanly.
    if stamp_matches(path) {
        return Ok(());
    }
    match inspect(path) {
        // Without a -wal file the main file is read without SQLite's locks: a grill that
        // started, wrote and closed at that very moment would make it look damaged. Look again
        // (a real fault stays; the second look uses the locks if that grill is still running).
        Err(StoreError::Corrupt(..)) => inspect(path),
        other => other,
    }
}

/// What identifies a file's contents cheaply: its size and modification time (nanoseconds).
fn fingerprint(path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    let modified = meta.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?;
    Some(format!("{} {}", meta.len(), modified.as_nanos()))
}

/// Whether `path` is unchanged since grill closed it cleanly: no `-wal` left behind (a crash
/// or another grill) and the size and modification time grill recorded on closing.
fn stamp_matches(path: &Path) -> bool {
    if sibling(path, "-wal").exists() {
        return false;
    }
    let recorded = std::fs::read_to_string(sibling(path, ".checked")).ok();
    recorded.is_some_and(|r| Some(r.trim().to_owned()) == fingerprint(path))
}

/// What the stamp says while grill has the database open. A grill that is killed leaves it
/// there, and with it the `-wal` file holding every answer saved since the last checkpoint.
const IN_USE: &str = "in use";

/// Marks `path` as open: until a clean close replaces the mark with the file's fingerprint, a
/// missing `-wal` means answers were lost (see [`wal_went_missing`]). Best effort, and not
/// waited for on disk: a mark lost in a power cut leaves the last close's fingerprint, which
/// no longer matches the file, so the next start checks it in full.
pub(super) fn mark_in_use(path: &Path) {
    let _ = crate::files::write_private_unsynced(&sibling(path, ".checked"), IN_USE.as_bytes());
}

/// Whether the last grill to open `path` did not close it and its `-wal` file is gone: the
/// answers that lived only there (since the last checkpoint) were deleted with it.
pub fn wal_went_missing(path: &Path) -> bool {
    let marked = std::fs::read_to_string(sibling(path, ".checked")).is_ok_and(|s| s.trim() == IN_USE);
    marked && path.is_file() && !sibling(path, "-wal").exists()
}

/// Forgets what the stamp says (a restored file is checked in full at the next start).
pub fn forget_stamp(path: &Path) {
    let _ = std::fs::remove_file(sibling(path, ".checked"));
}

/// Records that `path`, just closed by grill with every transaction checkpointed, is healthy
/// as it is now. Best effort, and not waited for on disk: without the stamp the next start
/// only takes longer (the database itself was synced by the checkpoint before it).
pub(super) fn write_stamp(path: &Path) {
    if sibling(path, "-wal").exists() {
        return;
    }
    if let Some(print) = fingerprint(path) {
        let _ = crate::files::write_private_unsynced(&sibling(path, ".checked"), print.as_bytes());
    }
}

fn read_header(path: &Path) -> Option<[u8; 100]> {
    let mut header = [0u8; 100];
    std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut header)).ok()?;
    header.starts_with(b"SQLite format 3\0").then_some(header)
}

fn inspect(path: &Path) -> Result<(), StoreError> {
    let corrupt = |e: rusqlite::Error| damaged(path, e);
    let conn = open(path).map_err(corrupt)?;
    // A second grill may be writing: wait for it rather than call its database damaged.
    conn.busy_timeout(Duration::from_secs(10)).map_err(corrupt)?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(corrupt)?;
    if version > schema_version() as i64 {
        return Err(StoreError::TooNew { path: path.to_owned(), found: version, supported: schema_version() });
    }
    let count = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).map_err(corrupt);
    if version > 0 {
        if count("SELECT count(*) FROM sqlite_schema WHERE name = 'cards' AND type = 'table'")? != 1 {
            return Err(StoreError::Foreign(path.to_owned()));
        }
    } else if count("SELECT count(*) FROM sqlite_schema")? > 0 {
        return Err(StoreError::Foreign(path.to_owned()));
    }
    // quick_check reads every page once (milliseconds for years of reviews) and catches torn or
    // truncated files before grill writes anything into them.
    let verdict: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0)).map_err(corrupt)?;
    if verdict != "ok" {
        return Err(StoreError::Corrupt(path.to_owned(), verdict));
    }
    Ok(())
}

/// Opens read-only, and `immutable` when no `-wal` file exists, so SQLite creates no `-wal` or
/// `-shm` beside a file it may refuse. With a `-wal` (a grill running, or one killed), the
/// ordinary locking way: the transactions committed in it must be seen.
pub(super) fn open(path: &Path) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
    let immutable = !sibling(path, "-wal").exists();
    let uri = format!("file:{}?mode=ro{}", uri_path(path), if immutable { "&immutable=1" } else { "" });
    Connection::open_with_flags(uri, flags)
}

/// `path` for an SQLite URI: `%`, `?` and `#` would otherwise be read as URI syntax.
fn uri_path(path: &Path) -> String {
    let text = path.to_string_lossy();
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3f"),
            '#' => out.push_str("%23"),
            c => out.push(c),
        }
    }
    out
}

/// `path` with `suffix` appended to its file name.
pub(super) fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_owned();
    name.push(suffix);
    path.with_file_name(name)
}

/// Damage reported by SQLite becomes [`StoreError::Corrupt`]; other faults (busy, read-only,
/// cannot open) keep their own kind so the user is not told a healthy file is damaged.
fn damaged(path: &Path, error: rusqlite::Error) -> StoreError {
    use rusqlite::ErrorCode;
    match error.sqlite_error_code() {
        Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) | None => {
            StoreError::Corrupt(path.to_owned(), error.to_string())
        }
        Some(ErrorCode::CannotOpen) => StoreError::CannotOpen(path.to_owned(), error.to_string()),
        Some(_) => StoreError::from(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_paths_escape_what_sqlite_would_parse() {
        assert_eq!(uri_path(Path::new("/a b/100%?#.db")), "/a b/100%25%3f%23.db");
    }
}
