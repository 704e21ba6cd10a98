//! Opening an untrusted collection so that reading it costs what its data costs, no more.
//!
//! A collection is an SQLite file written by whoever made the package. Its schema is code:
//! a `notes` that is a view over a recursive CTE runs forever or fills memory from an 18 KB
//! package, and `trusted_schema=OFF` does not stop it. So before a row is read the schema is
//! checked (only real tables, no views, triggers, virtual tables or generated columns), the
//! connection is opened read-only and immutable, SQLite's limits are lowered, row counts are
//! capped, and a progress handler stops any statement past a step budget as a last resort.

use std::path::Path;

use rusqlite::limits::Limit;
use rusqlite::{Connection, OpenFlags};

/// The most rows grill reads from each table: far above a real collection (a heavy Anki user
/// has a few hundred thousand notes and a few million reviews), low enough that what is
/// read fits in memory.
const MAX_ROWS: [(&str, i64); 3] = [("notes", 2_000_000), ("cards", 4_000_000), ("revlog", 20_000_000)];

/// The tables grill reads; each must be a plain table when present.
const READ_TABLES: [&str; 8] = ["col", "notes", "cards", "revlog", "notetypes", "fields", "templates", "decks"];

/// SQLite virtual-machine steps between two calls of the progress handler.
const STEPS_PER_CALL: i32 = 10_000;

/// The step budget, in progress-handler calls: a fixed allowance plus one per KiB of file, so
/// a large honest collection is read whole while a runaway statement is stopped.
fn budget(file_bytes: u64) -> u64 {
    20_000 + file_bytes / 1024
}

/// Opens the collection file at `path` (a private temporary copy) for reading, guarded.
pub fn open(path: &Path) -> Result<Connection, String> {
    let bytes = std::fs::metadata(path).map_err(|e| format!("cannot read the collection ({e})"))?.len();
    open_with_budget(path, budget(bytes))
}

/// [`open`] with an explicit step budget (in progress-handler calls), for tests.
fn open_with_budget(path: &Path, calls: u64) -> Result<Connection, String> {
    let mut header = [0u8; 16];
    let read = std::fs::File::open(path).and_then(|mut f| std::io::Read::read(&mut f, &mut header));
    if !matches!(read, Ok(16)) || &header != b"SQLite format 3\0" {
        return Err("the collection is not an SQLite database".to_owned());
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(immutable_uri(path), flags).map_err(sql)?;
    limit(&conn).map_err(sql)?;
    // Anki's schema-18 tables sort names with its own collation; comparisons need it defined.
    conn.create_collation("unicase", |a: &str, b: &str| a.to_lowercase().cmp(&b.to_lowercase())).map_err(sql)?;
    let mut left = calls;
    conn.progress_handler(
        STEPS_PER_CALL,
        Some(move || {
            left = left.saturating_sub(1);
            left == 0
        }),
    )
    .map_err(sql)?;
    check_schema(&conn)?;
    check_row_counts(&conn)?;
    Ok(conn)
}

/// A `file:` URI for `path` with `immutable=1`: SQLite then takes no locks and looks for no
/// journal, so reading creates nothing beside the file.
fn immutable_uri(path: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut uri = String::from("file:");
    for &b in path.as_os_str().as_bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            uri.push(char::from(b));
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri + "?immutable=1"
}

fn limit(conn: &Connection) -> rusqlite::Result<()> {
    // A row may hold a large note (refused later with a clear message) but not gigabytes.
    conn.set_limit(Limit::SQLITE_LIMIT_LENGTH, 64 << 20)?;
    conn.set_limit(Limit::SQLITE_LIMIT_SQL_LENGTH, 100_000)?;
    conn.set_limit(Limit::SQLITE_LIMIT_EXPR_DEPTH, 100)?;
    conn.set_limit(Limit::SQLITE_LIMIT_COMPOUND_SELECT, 8)?;
    conn.set_limit(Limit::SQLITE_LIMIT_VDBE_OP, 50_000)?;
    conn.set_limit(Limit::SQLITE_LIMIT_ATTACHED, 0)?;
    conn.set_limit(Limit::SQLITE_LIMIT_TRIGGER_DEPTH, 1)?;
    conn.set_limit(Limit::SQLITE_LIMIT_LIKE_PATTERN_LENGTH, 1000)?;
    conn.set_limit(Limit::SQLITE_LIMIT_VARIABLE_NUMBER, 100)?;
    conn.set_limit(Limit::SQLITE_LIMIT_WORKER_THREADS, 0)?;
    conn.pragma_update(None, "trusted_schema", "OFF")?;
    conn.pragma_update(None, "query_only", "ON")?;
    conn.pragma_update(None, "cell_size_check", "ON")?;
    conn.pragma_update(None, "mmap_size", 0)?;
    // Sorting a large log may spill to temporary files: keep those in memory too, so reading
    // a package writes nothing but its own temporary copy.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    Ok(())
}

/// Refuses a schema holding code: Anki writes plain tables and indexes only.
fn check_schema(conn: &Connection) -> Result<(), String> {
    let mut stmt = conn.prepare("SELECT type, name, ifnull(sql, '') FROM sqlite_master").map_err(sql)?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)));
    for row in rows.map_err(sql)? {
        let (kind, name, text) = row.map_err(sql)?;
        let virtual_table = kind == "table" && text.trim_start().to_ascii_uppercase().starts_with("CREATE VIRTUAL");
        if kind == "view" || kind == "trigger" || virtual_table {
            let what = if virtual_table { "virtual table" } else { kind.as_str() };
            return Err(format!(
                "the collection holds a {what} ({}), which Anki never writes; refusing the whole package",
                crate::text::safe_line(&name)
            ));
        }
    }
    for table in READ_TABLES {
        let generated: i64 = conn
            .query_row("SELECT count(*) FROM pragma_table_xinfo(?1) WHERE hidden IN (2, 3)", [table], |r| r.get(0))
            .map_err(sql)?;
        if generated > 0 {
            return Err(format!(
                "the collection's {table} table has generated columns, which Anki never writes; refusing the whole package"
            ));
        }
    }
    Ok(())
}

fn check_row_counts(conn: &Connection) -> Result<(), String> {
    for (table, cap) in MAX_ROWS {
        let exists: bool = conn
            .query_row("SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = ?1", [table], |r| {
                r.get(0)
            })
            .map_err(sql)?;
        if !exists {
            continue;
        }
        let rows: i64 = conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).map_err(sql)?;
        if rows > cap {
            return Err(format!("the collection's {table} table has {rows} rows; grill reads at most {cap}"));
        }
    }
    Ok(())
}

fn sql(e: rusqlite::Error) -> String {
    if e.sqlite_error_code() == Some(rusqlite::ErrorCode::OperationInterrupted) {
        return "reading the collection took far more work than its size explains; refusing the whole package"
            .to_owned();
    }
    format!("cannot read the collection ({e})")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collection(sql: &str) -> tempfile::NamedTempFile {
        let file = tempfile::NamedTempFile::new().unwrap();
        let conn = Connection::open(file.path()).unwrap();
        conn.execute_batch(sql).unwrap();
        drop(conn);
        file
    }

    const TABLES: &str = "CREATE TABLE col (ver); CREATE TABLE cards (id, nid, did, odid, ord);
        CREATE TABLE revlog (id, cid, ease, factor, time, type);";

    #[test]
    fn a_plain_collection_opens() {
        let file = collection(&format!("{TABLES} CREATE TABLE notes (id, guid, mid, tags, flds);"));
        open(file.path()).unwrap();
    }

    #[test]
    fn a_view_where_a_table_belongs_is_refused_before_it_runs() {
        let file = collection(&format!(
            "{TABLES} CREATE VIEW notes AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r)
             SELECT n AS id, '' AS guid, 0 AS mid, '' AS tags, '' AS flds FROM r WHERE n < 0;"
        ));
        let e = open(file.path()).unwrap_err();
        assert!(e.contains("holds a view (notes)"), "{e}");
    }

    #[test]
    fn triggers_virtual_tables_and_generated_columns_are_refused() {
        for (extra, expected) in [
            (
                "CREATE TABLE notes (id, guid, mid, tags, flds); CREATE TRIGGER t AFTER INSERT ON notes BEGIN SELECT 1; END;",
                "holds a trigger (t)",
            ),
            ("CREATE VIRTUAL TABLE notes USING fts4(flds);", "holds a virtual table"),
            (
                "CREATE TABLE notes (id, guid, mid, tags, flds AS (zeroblob(1000000)));",
                "notes table has generated columns",
            ),
        ] {
            let file = collection(&format!("{TABLES} {extra}"));
            let e = open(file.path()).unwrap_err();
            assert!(e.contains(expected), "{extra}: {e}");
        }
    }

    #[test]
    fn a_statement_past_the_step_budget_is_stopped() {
        let file = collection(&format!("{TABLES} CREATE TABLE notes (id, guid, mid, tags, flds);"));
        let conn = open_with_budget(file.path(), 5).unwrap();
        let e = conn
            .query_row(
                "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r",
                [],
                |r| r.get::<_, i64>(0),
            )
            .map_err(sql)
            .unwrap_err();
        assert!(e.contains("far more work than its size explains"), "{e}");
    }

    #[test]
    fn too_many_rows_are_refused_before_they_are_read() {
        let file = collection(&format!(
            "{TABLES} CREATE TABLE notes (id, guid, mid, tags, flds);
             INSERT INTO notes WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 2000001)
             SELECT n, '', 0, '', '' FROM r;"
        ));
        let e = open(file.path()).unwrap_err();
        assert!(e.contains("notes table has 2000001 rows"), "{e}");
    }
}
