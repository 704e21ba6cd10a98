//! What a hostile probe got through (issue "Hardening"), each through the real binary: a
//! database path that is a device, a pipe or empty; a restore under a running drill; foreign
//! triggers in a restored database; a rating typed while an import holds the lock; and more.
//! docs/reliability.md lists each with its test.

use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::{Env, s};

/// Runs `cmd`, killing it after 30 s (a read of a FIFO would block for ever).
fn run_bounded(cmd: &mut Command) -> Output {
    let mut child = cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("grill blocked: {:?}", child.wait_with_output().unwrap());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn assert_bad_input(out: &Output, expected: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    assert!(stderr.starts_with("grill: ") && stderr.contains(expected), "expected {expected:?}: {stderr}");
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

#[test]
fn a_database_path_that_is_a_device_a_pipe_or_a_folder_is_refused_untouched() {
    let env = Env::new();
    // A character device like /dev/null. As root one is made here (grill used to chmod it to
    // 0600, which on the real /dev/null breaks the system); otherwise /dev/null itself is safe.
    let device = env.dir.path().join("null");
    let made = Command::new("mknod").args([s(&device), "c", "1", "3"]).status().is_ok_and(|s| s.success());
    let device = if made {
        std::fs::set_permissions(&device, std::fs::Permissions::from_mode(0o666)).unwrap();
        device
    } else {
        Path::new("/dev/null").to_owned()
    };
    assert!(std::fs::metadata(&device).unwrap().file_type().is_char_device());
    let before = mode(&device);
    let out = run_bounded(&mut env.command(&["decks"]).env("GRILL_DB", &device));
    assert_bad_input(&out, "not a regular file (a device, pipe, socket or folder); refusing to touch it");
    assert_eq!(mode(&device), before, "the device's mode changed");
    let fifo = env.dir.path().join("fifo");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    for path in [&fifo, &env.dir.path().to_owned()] {
        let out = run_bounded(&mut env.command(&["decks"]).env("GRILL_DB", path));
        assert_bad_input(&out, "not a regular file");
        let out = run_bounded(&mut env.command(&["restore", s(path)]));
        assert_bad_input(&out, "not a regular file");
    }
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
}

#[test]
fn empty_environment_variables_are_refused_in_one_line() {
    let env = Env::new();
    for name in ["GRILL_DB", "GRILL_CONFIG", "GRILL_NOW"] {
        let out = run_bounded(&mut env.command(&["decks"]).env(name, ""));
        assert_bad_input(&out, &format!("{name} is set but empty"));
    }
    assert!(!env.db().exists(), "nothing was created");
}

#[test]
fn a_restore_under_a_running_drill_stops_the_drill_before_it_saves_a_wrong_rating() {
    use crate::common::live::{Live, is_confirmation};
    use crate::common::review_log;
    let env = Env::new();
    env.run(&["decks"], "");
    let backup = env.dir.path().join("before.db");
    env.run(&["backup", "-o", s(&backup)], "");
    let mut drill = Live::start(&env, &["drill", "--new", "5"]);
    drill.wait_for_prompt("answer> ");
    drill.send("\ngood\n");
    drill.wait_for(is_confirmation);
    drill.wait_for_prompt("answer> ");
    env.run(&["restore", s(&backup)], "");
    // The drill still holds the old database's card ids: this answer must not be saved.
    drill.send("\ngood\n");
    let (status, stdout, stderr) = drill.finish();
    assert!(stderr.contains("the database was replaced (by `grill restore`) while this session ran"), "{stderr}");
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert_eq!(stdout.lines().filter(|l| is_confirmation(l)).count(), 1, "{stdout}");
    assert_eq!(review_log(&env.sql()), vec![], "the restored database holds exactly the backup's reviews");
    // A drill started after the restore saves its ratings as usual.
    env.run(&["drill", "--new", "1"], "\ngood\nq\n");
    assert_eq!(review_log(&env.sql()).len(), 1);
}

#[test]
fn a_backup_with_a_foreign_trigger_table_or_index_is_refused_by_restore() {
    let env = Env::new();
    env.run(&["drill", "--new", "1"], "\ngood\nq\n");
    let db_before = std::fs::read(env.db()).unwrap();
    for (name, sql, expected) in [
        (
            "wipe.db",
            "CREATE TRIGGER wipe AFTER INSERT ON reviews BEGIN DELETE FROM reviews WHERE id = new.id; END;",
            "its schema holds a trigger \"wipe\" that grill does not create",
        ),
        ("extra.db", "CREATE TABLE spy (x)", "holds a table \"spy\""),
        ("view.db", "CREATE VIEW v AS SELECT * FROM reviews", "holds a view \"v\""),
        ("index.db", "DROP INDEX reviews_card", "lacks grill's index \"reviews_card\""),
    ] {
        let copy = env.dir.path().join(name);
        env.run(&["backup", "-o", s(&copy)], "");
        rusqlite::Connection::open(&copy).unwrap().execute_batch(sql).unwrap();
        let out = run_bounded(&mut env.command(&["restore", s(&copy)]));
        assert_bad_input(&out, expected);
        assert!(String::from_utf8_lossy(&out.stderr).contains("refusing to restore it"));
    }
    assert_eq!(std::fs::read(env.db()).unwrap(), db_before, "the database is unchanged");
}

#[test]
fn a_rating_typed_while_another_grill_holds_the_lock_past_the_busy_timeout_is_saved() {
    use crate::common::live::{Live, is_confirmation};
    use crate::common::review_log;
    let env = Env::new();
    env.run(&["decks"], "");
    let mut drill = Live::start(&env, &["drill", "--new", "5"]);
    drill.wait_for_prompt("answer> ");
    // Another writer (a long import, as before imports committed in chunks) holds the write
    // lock for longer than the drill's 10 s busy timeout: the answer used to be lost.
    let blocker = env.sql();
    blocker.execute_batch("BEGIN IMMEDIATE").unwrap();
    drill.send("\ngood\n");
    std::thread::sleep(Duration::from_secs(12));
    blocker.execute_batch("COMMIT").unwrap();
    drill.wait_for(is_confirmation);
    drill.send("q\n");
    let (status, _, stderr) = drill.finish();
    assert!(status.success(), "{stderr}");
    assert_eq!(review_log(&env.sql()).len(), 1, "the rating typed during the lock is saved");
}
