//! The embedded schema migrations, applied one transaction each.

use rusqlite::Connection;
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
