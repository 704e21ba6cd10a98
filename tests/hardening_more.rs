//! The smaller items of the hardening issue, each through the real binary: a card level that
//! is not one of grill's, a stray byte typed in a drill, read-only databases and folders, two
//! backups in one second, dates past year 9999, and a `-wal` file deleted after a kill.
//! docs/reliability.md lists each with its test.

use std::process::Output;

use crate::common::{Env, review_log, s};

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn assert_bad_input(out: &Output, expected: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(err.starts_with("grill: ") && err.contains(expected), "expected {expected:?}: {err}");
}

#[test]
fn a_line_that_is_not_utf8_in_a_drill_is_refused_and_the_drill_goes_on() {
    let env = Env::new();
    let out = env.grill(&["drill"]).write_stdin(b"\n3\n\xff\xfe\n\n3\nq\n".to_vec()).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", stderr(&out));
    assert!(stdout.contains("That line is not valid UTF-8 text; nothing was done."), "{stdout}");
    assert!(stdout.contains("2 cards rated"), "{stdout}");
    assert_eq!(review_log(&env.sql()).len(), 2, "both ratings around the bad line are saved");
}

#[test]
fn a_card_level_that_is_not_junior_mid_or_senior_is_refused_in_every_format() {
    let env = Env::new();
    let toml = "[deck]\nid = \"mine\"\nname = \"Mine\"\narea = \"sql\"\n\n[[cards]]\nid = \"one\"\n\
                prompt = \"What is an index?\"\nanswer = \"A sorted structure.\"\nlevel = \"godlike\"\n";
    let csv = "prompt,answer,level\nWhat is an index?,A sorted structure.,godlike\n";
    let md = "# Mine\n\n## What is an index?\n<!-- grill\nlevel: godlike\n-->\nA sorted structure.\n";
    for (name, text) in [("mine.toml", toml), ("mine.csv", csv), ("mine.md", md)] {
        let file = env.write(name, text);
        let out = env.grill(&["import", s(&file)]).output().unwrap();
        assert_bad_input(&out, "level \"godlike\" is not one of junior, mid, senior");
        assert!(stderr(&out).contains(name), "{}", stderr(&out));
        let fixed = env.write(name, &text.replace("godlike", "senior"));
        env.run(&["import", s(&fixed)], "");
    }
    let sql = "SELECT ifnull(c.level, '-') FROM cards c JOIN decks d ON d.id = c.deck_id WHERE d.key = 'mine'";
    let levels: Vec<String> =
        env.sql().prepare(sql).unwrap().query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
    assert!(!levels.is_empty() && levels.iter().all(|l| l == "senior"), "{levels:?}");
}

#[test]
fn two_backups_in_the_same_second_keep_two_files() {
    let env = Env::new();
    env.run(&["decks"], "");
    let first = env.run(&["backup"], "");
    let second = env.run(&["backup"], "");
    let third = env.run(&["backup"], "");
    let backups = env.db().parent().unwrap().join("backups");
    let mut names: Vec<String> =
        std::fs::read_dir(&backups).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(names, ["grill-20260302-090000-2.db", "grill-20260302-090000-3.db", "grill-20260302-090000.db"]);
    for (out, name) in [(first, &names[2]), (second, &names[0]), (third, &names[1])] {
        assert!(out.contains(name.as_str()), "{out}");
    }
}

#[test]
fn no_date_past_year_9999_enters_or_leaves_grill() {
    let mut env = Env::new();
    env.at("9950-01-01T00:00:00Z");
    let out = env.grill(&["decks"]).output().unwrap();
    assert_bad_input(&out, "after 9899-12-31");
    // The last clock accepted: a drill's easy answers stay within RFC 3339's four-digit years.
    env.at("9899-12-31T00:00:00Z");
    env.run(&["drill"], "\n4\n\n4\nq\n");
    // A due date past 9999 planted in the database (a hostile file, an old bug) prints clamped.
    env.sql().execute("UPDATE card_state SET due = 253402300800000 + 86400000", []).unwrap();
    for card in env.cards(&[]) {
        if let Some(due) = card["due"].as_str() {
            assert!(chrono::DateTime::parse_from_rfc3339(due).is_ok(), "not RFC 3339: {due}");
            assert_eq!(due, "9999-12-31T23:59:59Z");
        }
    }
}

/// Runs `f` with `dir` made immutable (`chattr +i`, which binds root too), or skips with a
/// message where chattr is not allowed.
fn with_immutable_folder(dir: &std::path::Path, f: impl FnOnce()) {
    use std::process::Command;
    if !Command::new("chattr").args(["+i", s(dir)]).status().is_ok_and(|st| st.success()) {
        eprintln!("skipped: chattr +i is not allowed here");
        return;
    }
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    Command::new("chattr").args(["-i", s(dir)]).status().unwrap();
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}

#[test]
fn a_read_only_folder_is_a_message_naming_the_database_and_why() {
    let env = Env::new();
    env.run(&["decks"], "");
    env.sql().execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
    let folder = env.db().parent().unwrap().to_owned();
    for name in ["grill.db-wal", "grill.db-shm"] {
        let _ = std::fs::remove_file(folder.join(name));
    }
    with_immutable_folder(&folder, || {
        let out = env.grill(&["decks"]).output().unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(err.contains(s(&env.db())), "names the database: {err}");
        assert!(err.contains("could not create its -wal and -shm files in"), "says why: {err}");
    });
}

/// The `-wal` file beside the test's database.
fn wal_of(env: &Env) -> std::path::PathBuf {
    let mut name = env.db().into_os_string();
    name.push("-wal");
    name.into()
}

#[test]
fn a_wal_deleted_after_a_kill_is_noticed_at_the_next_start() {
    use crate::common::live::{Live, is_confirmation};
    let env = Env::new();
    env.run(&["decks"], "");
    // A clean close leaves no -wal and no warning.
    let clean = env.grill(&["decks"]).output().unwrap();
    assert!(!wal_of(&env).exists());
    assert!(!String::from_utf8_lossy(&clean.stderr).contains("warning"), "{clean:?}");
    // A drill killed after a confirmed rating leaves its -wal: kept, the next start says nothing
    // and has the rating.
    let mut drill = Live::start(&env, &["drill", "--limit", "3"]);
    drill.wait_for_prompt("answer> ");
    drill.send("\n3\n");
    drill.wait_for(is_confirmation);
    drop(drill);
    assert!(wal_of(&env).exists(), "a killed drill leaves its -wal");
    let next = env.grill(&["decks"]).output().unwrap();
    assert!(!String::from_utf8_lossy(&next.stderr).contains("warning"), "{next:?}");
    assert_eq!(review_log(&env.sql()).len(), 1);
    // Killed again, and this time the -wal is deleted: the next start says what was lost.
    let mut drill = Live::start(&env, &["drill", "--limit", "3"]);
    drill.wait_for_prompt("answer> ");
    drill.send("\n3\n");
    drill.wait_for(is_confirmation);
    drop(drill);
    std::fs::remove_file(wal_of(&env)).unwrap();
    let lost = env.grill(&["decks"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&lost.stderr);
    assert!(lost.status.success(), "{stderr}");
    assert!(
        stderr.contains("stopped without closing it, and its -wal file has been deleted since"),
        "the loss went unnoticed: {stderr}"
    );
    // Said once: the start that noticed closed cleanly.
    let after = env.grill(&["decks"]).output().unwrap();
    assert!(!String::from_utf8_lossy(&after.stderr).contains("warning"), "{after:?}");
}

#[test]
fn commands_that_only_read_work_on_a_write_protected_database_or_folder() {
    let env = Env::new();
    env.run(&["drill", "--limit", "1"], "\n3\nq\n");
    let folder = env.db().parent().unwrap().to_owned();
    assert!(!wal_of(&env).exists(), "a clean close leaves no -wal");
    let check = |what: &str| {
        for args in [&["stats"][..], &["cards", "--area", "sql"], &["score"], &["log"], &["gaps"], &["plan"]] {
            let out = env.grill(args).output().unwrap();
            assert!(out.status.success(), "{what}: {args:?}: {}", stderr(&out));
            assert!(!out.stdout.is_empty(), "{what}: {args:?} printed nothing");
        }
        let stats = String::from_utf8(env.grill(&["stats"]).output().unwrap().stdout).unwrap();
        assert!(stats.contains("1 answer ·"), "{what}: the saved answer is read: {stats}");
        let export = env.grill(&["export", "--deck", "sql", "-o", "-"]).output().unwrap();
        assert!(export.status.success() && export.stdout.starts_with(b"[deck]"), "{what}: {}", stderr(&export));
        // A command that writes still refuses, with the reason.
        let drill = env.grill(&["drill"]).write_stdin("q\n").output().unwrap();
        assert_eq!(drill.status.code(), Some(1), "{what}: {}", stderr(&drill));
    };
    with_immutable_folder(&env.db(), || check("the file"));
    with_immutable_folder(&folder, || check("the folder"));
    assert_eq!(review_log(&env.sql()).len(), 1, "nothing was written or lost");
}

#[test]
fn a_backup_is_taken_from_a_write_protected_folder() {
    let env = Env::new();
    env.run(&["drill", "--limit", "1"], "\n3\nq\n");
    let folder = env.db().parent().unwrap().to_owned();
    let copy = env.dir.path().join("copy.db");
    with_immutable_folder(&folder, || {
        let out = env.grill(&["backup", "-o", s(&copy)]).output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
    });
    let reviews: i64 =
        rusqlite::Connection::open(&copy).unwrap().query_row("SELECT count(*) FROM reviews", [], |r| r.get(0)).unwrap();
    assert_eq!(reviews, 1);
}
