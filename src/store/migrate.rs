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

/// Checks that the schema in `conn` is exactly what the first `version` migrations build:
/// the same tables, indexes, triggers and views with the same SQL, nothing more (a restored
/// database with a trigger deleting every new review would confirm ratings it never keeps).
/// Returns the first difference.
pub fn check_exact_schema(conn: &Connection, version: i64) -> Result<(), String> {
    let count = usize::try_from(version).unwrap_or(0).min(schema_version());
    let mut expected = Connection::open_in_memory().map_err(|e| e.to_string())?;
    Migrations::new(MIGRATION_FILES[..count].iter().map(|(_, sql)| M::up(sql)).collect())
        .to_latest(&mut expected)
        .map_err(|e| e.to_string())?;
    let (want, have) = (schema_of(&expected), schema_of(conn));
    let (want, have) = (want.map_err(|e| e.to_string())?, have.map_err(|e| e.to_string())?);
    if let Some((kind, name, _)) = have.iter().find(|x| !want.contains(x)) {
        return Err(format!(
            "its schema holds a {kind} {:?} that grill does not create (or a changed one)",
            crate::text::safe_line(name)
        ));
    }
    if let Some((kind, name, _)) = want.iter().find(|x| !have.contains(x)) {
        return Err(format!("its schema lacks grill's {kind} {name:?}"));
    }
    Ok(())
}

/// (type, name, sql) of every schema object but SQLite's own (`sqlite_%`: statistics, and
/// automatic indexes, whose SQL is NULL and which follow from the tables).
fn schema_of(conn: &Connection) -> rusqlite::Result<Vec<(String, String, String)>> {
    let mut stmt = conn.prepare(
        "SELECT type, name, ifnull(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY 1, 2",
    )?;
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_schema_is_exact_only_without_extras() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        check_exact_schema(&conn, schema_version() as i64).unwrap();
        assert!(check_exact_schema(&conn, 1).unwrap_err().contains("that grill does not create"));
        conn.execute_batch("CREATE TRIGGER wipe AFTER INSERT ON reviews BEGIN DELETE FROM reviews; END;").unwrap();
        let e = check_exact_schema(&conn, schema_version() as i64).unwrap_err();
        assert!(e.contains("a trigger \"wipe\""), "{e}");
    }

    #[test]
    fn all_migrations_apply_to_an_empty_database() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrations().validate().unwrap();
        assert!(migrate(&mut conn).unwrap());
        assert_eq!(current_version(&conn).unwrap(), schema_version() as i64);
        assert!(!migrate(&mut conn).unwrap(), "a second run must change nothing");
    }

    #[test]
    fn upgrading_fills_the_new_card_index_from_the_existing_cards() {
        let mut conn = Connection::open_in_memory().unwrap();
        let first = Migrations::new(vec![M::up(MIGRATION_FILES[0].1)]);
        first.to_latest(&mut conn).unwrap();
        conn.execute_batch(
            "INSERT INTO decks (id, key, name, area, source) VALUES (1, 'd', 'D', 'sql', 'import');
             INSERT INTO cards (id, key, deck_id, area, prompt, answer, position, created_at, updated_at) VALUES
                 (1, 'd/1', 1, 'sql', 'q', 'a', 0, 0, 0), (2, 'd/2', 1, 'sql', 'q', 'a', 1, 0, 0),
                 (3, 'd/3', 1, 'sql', 'q', 'a', 2, 0, 0);
             INSERT INTO reviews (card_id, at, rating, kind, duration_ms) VALUES (2, 5, 3, 0, 1);
             INSERT INTO card_state VALUES (2, 2.3, 5.0, 100, 5, 1, 0);",
        )
        .unwrap();
        assert!(migrate(&mut conn).unwrap());
        let new: Vec<i64> = conn
            .prepare("SELECT card_id FROM new_cards ORDER BY deck_id, position")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(new, [1, 3]);
        let reviews: i64 = conn.query_row("SELECT count(*) FROM reviews", [], |r| r.get(0)).unwrap();
        assert_eq!(reviews, 1, "the log survives the index change");
    }

    #[test]
    fn widening_the_review_kinds_keeps_every_review_and_the_append_only_rule() {
        let mut conn = Connection::open_in_memory().unwrap();
        let before_mock = MIGRATION_FILES.iter().position(|(name, _)| name.contains("mock_and_notes")).unwrap();
        let older = Migrations::new(MIGRATION_FILES[..before_mock].iter().map(|(_, sql)| M::up(sql)).collect());
        older.to_latest(&mut conn).unwrap();
        conn.execute_batch(
            "INSERT INTO decks (id, key, name, area, source) VALUES (1, 'd', 'D', 'sql', 'import');
             INSERT INTO cards (id, key, deck_id, area, prompt, answer, position, created_at, updated_at) VALUES
                 (1, 'd/1', 1, 'sql', 'q', 'a', 0, 0, 0);
             INSERT INTO reviews (id, card_id, at, rating, kind, duration_ms, stability, difficulty) VALUES
                 (7, 1, 5, 3, 0, 1200, 2.3, 5.0), (9, 1, 90, 1, 5, 0, 1.1, 6.0);",
        )
        .unwrap();
        assert!(
            conn.execute("INSERT INTO reviews (card_id, at, rating, kind, duration_ms) VALUES (1, 99, 3, 6, 0)", [])
                .is_err()
        );
        assert!(migrate(&mut conn).unwrap());
        let rows: Vec<(i64, i64, i64, i64, i64, f64)> = conn
            .prepare("SELECT id, at, rating, kind, duration_ms, stability FROM reviews ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(rows, [(7, 5, 3, 0, 1200, 2.3), (9, 90, 1, 5, 0, 1.1)], "ids and values survive the rebuild");
        conn.execute("INSERT INTO reviews (card_id, at, rating, kind, duration_ms) VALUES (1, 99, 3, 6, 0)", [])
            .expect("a mock review fits the widened check");
        assert!(conn.execute("UPDATE reviews SET rating = 4 WHERE id = 7", []).is_err(), "still append-only");
        let interviews_kind: String = conn
            .query_row("SELECT dflt_value FROM pragma_table_info('interviews') WHERE name = 'kind'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(interviews_kind, "'real'", "interviews logged before are real ones");
    }
}
