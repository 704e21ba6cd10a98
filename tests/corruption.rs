//! Files grill must not touch: not SQLite at all, someone else's SQLite database, a grill
//! database from a newer grill, a damaged one. Each gets a clear error and keeps every byte.
//! Also: an older database is copied before it is migrated, and the files are private.

use std::path::Path;

use crate::common::Env;

/// Every byte of the database file and which files sit beside it.
fn snapshot(env: &Env) -> (Vec<u8>, Vec<String>) {
    let bytes = std::fs::read(env.db()).expect("db file");
    let dir = env.db().parent().unwrap().to_owned();
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    (bytes, names)
}

/// Runs several commands against the file and checks each is refused with `message`, and that
/// the file keeps every byte.
fn assert_refused_untouched(env: &Env, message: &str) {
    let before = snapshot(env);
    for args in [&["decks"][..], &["drill"], &["cards", "--json"]] {
        let out = env.grill(args).write_stdin("\n3\n").output().expect("runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "grill {args:?} accepted the file");
        assert!(stderr.contains(message), "grill {args:?}: {stderr}");
        assert!(stderr.contains(crate::common::s(&env.db())), "the error names the file: {stderr}");
    }
    let after = snapshot(env);
    assert!(before.0 == after.0, "the file's bytes changed");
    assert_eq!(before.1, after.1, "files appeared or vanished beside the database");
}

fn write_db_bytes(env: &Env, bytes: &[u8]) {
    std::fs::create_dir_all(env.db().parent().unwrap()).unwrap();
    std::fs::write(env.db(), bytes).unwrap();
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_and_left_unchanged() {
    let env = Env::new();
    write_db_bytes(&env, b"name,score\nada,3\n");
    assert_refused_untouched(&env, "not a grill database");
    let noise: Vec<u8> = (0..20_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    write_db_bytes(&env, &noise);
    assert_refused_untouched(&env, "not a grill database");
}

#[test]
fn another_programs_sqlite_database_is_refused_and_left_unchanged() {
    let env = Env::new();
    std::fs::create_dir_all(env.db().parent().unwrap()).unwrap();
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    conn.execute_batch("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users VALUES (1, 'ada');")
        .unwrap();
    drop(conn);
    assert_refused_untouched(&env, "not grill's");
    // One that sets user_version like grill does, but has other tables.
    rusqlite::Connection::open(env.db()).unwrap().pragma_update(None, "user_version", 1).unwrap();
    assert_refused_untouched(&env, "not grill's");
}

#[test]
fn a_database_from_a_newer_grill_is_refused_and_left_unchanged() {
    let env = Env::new();
    env.run(&["drill", "--new", "2"], "\n3\n\n3\n");
    let newer = grill::store::schema_version() as i64 + 1;
    rusqlite::Connection::open(env.db()).unwrap().pragma_update(None, "user_version", newer).unwrap();
    assert_refused_untouched(&env, "written by a newer grill");
}

#[test]
fn a_damaged_database_is_refused_and_left_unchanged() {
    let env = Env::new();
    env.run(&["drill", "--new", "5"], &"\n3\n".repeat(5));
    let mut bytes = std::fs::read(env.db()).unwrap();
    // Overwrite the middle of the file (b-tree pages of the cards table) with garbage.
    let page = 4096;
    let middle = bytes.len() / page / 2 * page;
    for (i, b) in bytes[middle..middle + page].iter_mut().enumerate() {
        *b = (i * 7 + 13) as u8;
    }
    std::fs::write(env.db(), &bytes).unwrap();
    assert_refused_untouched(&env, "damaged");
}

#[test]
fn a_truncated_database_is_refused_and_left_unchanged() {
    let env = Env::new();
    env.run(&["drill", "--new", "5"], &"\n3\n".repeat(5));
    let bytes = std::fs::read(env.db()).unwrap();
    std::fs::write(env.db(), &bytes[..bytes.len() / 3]).unwrap();
    assert_refused_untouched(&env, "damaged");
}

/// A database as an older grill left it: the schema of all but the last migration and one
/// review, or (when there is only one migration) an empty SQLite file at version 0.
fn older_database(path: &Path) -> i64 {
    let files = grill::embedded::MIGRATION_FILES;
    let version = files.len() as i64 - 1;
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let conn = rusqlite::Connection::open(path).unwrap();
    for (_, sql) in &files[..files.len() - 1] {
        conn.execute_batch(sql).unwrap();
    }
    conn.pragma_update(None, "user_version", version).unwrap();
    if version >= 1 {
        conn.execute_batch(
            "INSERT INTO decks (id, key, name, area, source) VALUES (1, 'old', 'Old', 'sql', 'import');
             INSERT INTO cards (id, key, deck_id, area, prompt, answer, created_at, updated_at)
                 VALUES (1, 'old/one', 1, 'sql', 'Q', 'A', 0, 0);
             INSERT INTO reviews (card_id, at, rating, kind, duration_ms) VALUES (1, 1767225600000, 3, 0, 1000);",
        )
        .unwrap();
    } else {
        // Make SQLite write its header so the file is not empty.
        conn.execute_batch("CREATE TABLE t (x); DROP TABLE t;").unwrap();
    }
    version
}

#[test]
fn an_older_database_is_copied_before_it_is_migrated() {
    let env = Env::new();
    let version = older_database(&env.db());
    let original = std::fs::read(env.db()).unwrap();
    env.run(&["decks"], "");
    let backup = env.db().with_file_name(format!("grill.db.v{version}.bak"));
    assert!(backup.exists(), "no backup at {}", backup.display());
    let copy = rusqlite::Connection::open(&backup).unwrap();
    let copied_version: i64 = copy.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(copied_version, version, "the backup is the database before the migration");
    assert_eq!(crate::common::integrity(&copy), "ok");
    if version >= 1 {
        assert_eq!(
            crate::common::review_log(&copy),
            crate::common::review_log(&env.sql()),
            "no review lost in the migration"
        );
    } else {
        assert!(copy.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get::<_, i64>(0)).unwrap() == 0);
    }
    assert!(!original.is_empty());
    let migrated: i64 = env.sql().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(migrated as usize, grill::store::schema_version());
    assert_eq!(mode(&backup), 0o600, "the backup is as private as the database");
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// `grill ARGS` run under `umask 000`, which would leave new files readable by everyone.
#[cfg(unix)]
fn with_open_umask(env: &Env, args: &[&str]) -> std::process::Command {
    let grill = env.command(args);
    let mut sh = std::process::Command::new("sh");
    sh.arg("-c").arg("umask 000; exec \"$0\" \"$@\"").arg(grill.get_program()).args(grill.get_args());
    sh.env_clear().envs(grill.get_envs().filter_map(|(k, v)| Some((k, v?))));
    sh
}

#[cfg(unix)]
#[test]
fn the_data_folder_is_private_and_the_database_owner_only_whatever_the_umask() {
    let env = Env::new();
    let out = with_open_umask(&env, &["drill", "--new", "1"]).stdin(std::process::Stdio::null()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(mode(env.db().parent().unwrap()), 0o700, "data folder");
    assert_eq!(mode(&env.db()), 0o600, "database");
    // The -wal and -shm files exist while a grill is running.
    let mut live = crate::common::live::Live::spawn(with_open_umask(&env, &["drill", "--new", "1"]));
    live.wait_for_prompt("answer> ");
    for suffix in ["-wal", "-shm"] {
        let side = env.db().with_file_name(format!("grill.db{suffix}"));
        assert_eq!(mode(&side), 0o600, "{}", side.display());
    }
    live.send("q\n");
    live.finish();
    let out = with_open_umask(&env, &["backup"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let backups = env.db().with_file_name("backups");
    assert_eq!(mode(&backups), 0o700, "backups folder");
    for entry in std::fs::read_dir(&backups).unwrap() {
        assert_eq!(mode(&entry.unwrap().path()), 0o600, "backup file");
    }
}
