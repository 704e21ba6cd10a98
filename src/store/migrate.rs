//! Opening a database safely: refuse foreign, corrupt and newer files before touching them,
//! then apply the embedded migrations, one transaction each.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};
use rusqlite_migration::{M, Migrations};

use super::StoreError;
use crate::embedded::MIGRATION_FILES;

/// The schema version this binary writes: the number of embedded migrations.
pub fn schema_version() -> usize {
    MIGRATION_FILES.len()
}

fn migrations() -> Migrations<'static> {
    Migrations::new(MIGRATION_FILES.iter().map(|(_, sql)| M::up(sql)).collect())
}

/// Checks an existing file without writing to it: it must be an SQLite database (or empty),
/// pass a quick integrity check and not come from a newer grill.
pub fn check_existing(path: &Path) -> Result<(), StoreError> {
    let Ok(meta) = std::fs::metadata(path) else { return Ok(()) };
    if meta.len() == 0 {
        return Ok(());
    }
    let mut header = [0u8; 16];
    use std::io::Read;
    let readable = std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut header));
    if readable.is_err() || &header != b"SQLite format 3\0" {
        return Err(StoreError::NotADatabase(path.to_owned()));
    }
    let corrupt = |e: rusqlite::Error| damaged(path, e);
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(corrupt)?;
    // A second grill may be writing: wait for it rather than call its database damaged.
    conn.busy_timeout(std::time::Duration::from_secs(10)).map_err(corrupt)?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(corrupt)?;
    if version > schema_version() as i64 {
        return Err(StoreError::TooNew { path: path.to_owned(), found: version, supported: schema_version() });
    }
    let tables = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).map_err(corrupt);
    if version > 0 {
        if tables("SELECT count(*) FROM sqlite_schema WHERE name = 'cards' AND type = 'table'")? != 1 {
            return Err(StoreError::Foreign(path.to_owned()));
        }
    } else if tables("SELECT count(*) FROM sqlite_schema")? > 0 {
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

/// Brings the schema up to date; returns whether any migration ran. Two grills starting on an
/// old database at once both try: the loser finds the work done and carries on.
pub fn migrate(conn: &mut Connection) -> Result<bool, StoreError> {
    let before: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let mut attempts = 0;
    loop {
        match migrations().to_latest(conn) {
            Ok(()) => return Ok(before < schema_version() as i64),
            Err(_) if current_version(conn)? >= schema_version() as i64 => return Ok(false),
            Err(_) if attempts < 3 => attempts += 1,
            Err(e) => return Err(StoreError::Migration(e.to_string())),
        }
    }
}

/// The current schema version of an open database.
pub fn current_version(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_migrations_apply_to_an_empty_database() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrations().validate().unwrap();
        assert!(migrate(&mut conn).unwrap());
        assert_eq!(current_version(&conn).unwrap(), schema_version() as i64);
        assert!(!migrate(&mut conn).unwrap(), "a second run must change nothing");
    }
}
