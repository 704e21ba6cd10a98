//! `grill backup` and `grill restore` through the real binary.

use std::path::{Path, PathBuf};

use crate::common::live::{Live, is_confirmation};
use crate::common::{Env, integrity, review_log, s};

fn reviews_in(path: &Path) -> usize {
    review_log(&rusqlite::Connection::open(path).unwrap()).len()
}

fn backups(env: &Env) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(env.db().with_file_name("backups"))
        .map(|dir| dir.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    files.sort();
    files
}

#[test]
fn a_backup_restored_later_brings_back_exactly_its_reviews_and_keeps_the_newer_database() {
    let mut env = Env::new();
    env.run(&["drill", "--new", "3"], &"\n3\n".repeat(3));
    let copy = env.dir.path().join("copy.db");
    let out = env.run(&["backup", "-o", s(&copy)], "");
    assert!(out.contains("3 reviews"), "{out}");
    let at_backup = review_log(&env.sql());

    env.day(3);
    env.run(&["drill", "--new", "2"], &"\n3\n".repeat(8));
    let before_restore = review_log(&env.sql());
    assert!(before_restore.len() > at_backup.len());

    let out = env.run(&["restore", s(&copy)], "");
    assert!(out.contains("kept at"), "{out}");
    assert_eq!(review_log(&env.sql()), at_backup, "the restored database is the backup");
    assert_eq!(integrity(&env.sql()), "ok");
    let kept = backups(&env);
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(reviews_in(&kept[0]), before_restore.len(), "the replaced database is kept whole");
    // grill goes on working on the restored database.
    env.run(&["drill", "--new", "1"], "\n3\n");
    assert_eq!(review_log(&env.sql()).len(), at_backup.len() + 1);
}

#[test]
fn backup_without_a_file_name_writes_a_dated_copy_in_the_backups_folder() {
    let env = Env::new();
    env.run(&["drill", "--new", "1"], "\n3\n");
    let out = env.run(&["backup"], "");
    let made = backups(&env);
    assert_eq!(made.len(), 1);
    assert!(made[0].ends_with("backups/grill-20260302-090000.db"), "{made:?}");
    assert!(out.contains(s(&made[0])), "{out}");
    assert_eq!(reviews_in(&made[0]), 1);
    // The copy stands alone: no -wal is needed to read it.
    assert!(!made[0].with_file_name("grill-20260302-090000.db-wal").exists());
}

#[test]
fn backup_never_overwrites_a_file() {
    let env = Env::new();
    env.run(&["decks"], "");
    let target = env.write("precious.txt", "do not lose me");
    env.grill(&["backup", "-o", s(&target)]).assert().failure().stderr(predicates::str::contains("already exists"));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "do not lose me");
}

#[test]
fn backup_while_a_drill_is_running_copies_every_rating_saved_so_far() {
    let env = Env::new();
    env.run(&["decks"], "");
    let mut drill = Live::start(&env, &["drill", "--new", "5"]);
    drill.wait_for_prompt("answer> ");
    drill.send("\n3\n");
    drill.wait_for(is_confirmation);
    let copy = env.dir.path().join("mid.db");
    env.run(&["backup", "-o", s(&copy)], "");
    assert_eq!(reviews_in(&copy), 1);
    drill.send("\n4\nq\n");
    let (status, _, stderr) = drill.finish();
    assert!(status.success(), "{stderr}");
    assert_eq!(integrity(&rusqlite::Connection::open(&copy).unwrap()), "ok");
}

/// The database as bytes, to show a refused restore changed nothing.
fn bytes(env: &Env) -> Vec<u8> {
    std::fs::read(env.db()).unwrap()
}

#[test]
fn restore_refuses_anything_but_an_undamaged_grill_database_it_can_read() {
    let env = Env::new();
    env.run(&["drill", "--new", "2"], "\n3\n\n3\n");
    let before = bytes(&env);
    let text = env.write("notes.txt", "not a database");
    let foreign = env.dir.path().join("foreign.db");
    rusqlite::Connection::open(&foreign).unwrap().execute_batch("CREATE TABLE t (x);").unwrap();
    let empty = env.write("empty.db", "");
    let newer = env.dir.path().join("newer.db");
    env.run(&["backup", "-o", s(&newer)], "");
    let version = grill::store::schema_version() as i64 + 1;
    rusqlite::Connection::open(&newer).unwrap().pragma_update(None, "user_version", version).unwrap();
    let damaged = env.dir.path().join("damaged.db");
    env.run(&["backup", "-o", s(&damaged)], "");
    let mut raw = std::fs::read(&damaged).unwrap();
    let cut = raw.len() / 2;
    raw.truncate(cut);
    std::fs::write(&damaged, raw).unwrap();
    let missing = env.dir.path().join("missing.db");
    for (file, message) in [
        (&text, "not a grill database"),
        (&foreign, "not grill's"),
        (&empty, "not a grill database"),
        (&newer, "newer grill"),
        (&damaged, "damaged"),
        (&missing, "no such database"),
        (&env.db(), "the database itself"),
    ] {
        env.grill(&["restore", s(file)]).assert().failure().stderr(predicates::str::contains(message));
        assert!(bytes(&env) == before, "restoring {} changed the database", file.display());
    }
    assert!(backups(&env).is_empty(), "a refused restore keeps no copy: {:?}", backups(&env));
}

#[test]
fn restore_replaces_a_damaged_database_and_keeps_its_bytes() {
    let env = Env::new();
    env.run(&["drill", "--new", "2"], "\n3\n\n3\n");
    let good = env.dir.path().join("good.db");
    env.run(&["backup", "-o", s(&good)], "");
    let mut raw = bytes(&env);
    let cut = raw.len() / 3;
    raw.truncate(cut);
    std::fs::write(env.db(), &raw).unwrap();
    env.grill(&["decks"]).assert().failure().stderr(predicates::str::contains("damaged"));
    env.run(&["restore", s(&good)], "");
    assert_eq!(review_log(&env.sql()).len(), 2);
    assert_eq!(integrity(&env.sql()), "ok");
    let kept = backups(&env);
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(std::fs::read(&kept[0]).unwrap(), raw, "the damaged file is kept byte for byte");
    env.run(&["decks"], "");
}

#[test]
fn restore_onto_a_missing_database_creates_it() {
    let env = Env::new();
    env.run(&["drill", "--new", "1"], "\n3\n");
    let copy = env.dir.path().join("copy.db");
    env.run(&["backup", "-o", s(&copy)], "");
    std::fs::remove_file(env.db()).unwrap();
    let out = env.run(&["restore", s(&copy)], "");
    assert!(out.contains("no database before"), "{out}");
    assert_eq!(review_log(&env.sql()).len(), 1);
}
