//! Which database this is: `restore` replaces a database's contents in place, and a drill
//! that started before it holds card ids that now name other cards. Every restored database
//! gets a new generation in `meta`; each rating's transaction compares it with the one seen
//! when the store was opened, so a drill never writes answers onto the wrong cards.

use rusqlite::{Connection, OptionalExtension};

use super::StoreError;

const KEY: &str = "generation";

/// The database's generation (`None` before any restore).
pub(super) fn read(conn: &Connection) -> Result<Option<String>, StoreError> {
    Ok(conn.prepare_cached("SELECT value FROM meta WHERE key = ?1")?.query_row([KEY], |r| r.get(0)).optional()?)
}

/// Gives the database in `conn` a new generation, never used before.
pub(super) fn renew(conn: &Connection) -> Result<(), StoreError> {
    let fresh = format!("{:016x}{:016x}", rand::random::<u64>(), rand::random::<u64>());
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)", [KEY, &fresh])?;
    Ok(())
}

/// Fails with [`StoreError::Replaced`] unless the database is still the one `seen` describes.
/// Called inside a write transaction, so no restore can slip in before its commit.
pub(super) fn check(conn: &Connection, seen: &Option<String>) -> Result<(), StoreError> {
    if read(conn)? == *seen { Ok(()) } else { Err(StoreError::Replaced) }
}
