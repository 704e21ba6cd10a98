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
    let out = run_bounded(env.command(&["decks"]).env("GRILL_DB", &device));
    assert_bad_input(&out, "not a regular file (a device, pipe, socket or folder); refusing to touch it");
    assert_eq!(mode(&device), before, "the device's mode changed");
    let fifo = env.dir.path().join("fifo");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    for path in [&fifo, &env.dir.path().to_owned()] {
        let out = run_bounded(env.command(&["decks"]).env("GRILL_DB", path));
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
        let out = run_bounded(env.command(&["decks"]).env(name, ""));
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

/// What must never reach the terminal: ESC, 8-bit CSI, BEL and a direction override.
fn assert_inert(what: &str, text: &str) {
    for bad in ['\u{1b}', '\u{9b}', '\u{7}', '\u{202e}', '\u{90}'] {
        assert!(!text.contains(bad), "{what} printed {bad:?}:\n{text:?}");
    }
}

/// A database holding hostile text where imports would have cleaned it (another tool wrote
/// it, or an older grill stored typed text raw): an imported deck, a card and an interview.
fn hostile_database() -> Env {
    let env = Env::new();
    let csv = env.write("d.csv", "id,prompt,answer,area\nq1,Plain?,Plain.,sql\n");
    env.run(&["import", s(&csv), "--deck", "mine"], "");
    env.run(
        &["log", "add", "--company", "Acme", "--role", "platform", "--format", "mixed", "--question", "sql good Q?"],
        "",
    );
    let evil =
        "x\u{1b}]52;c;aGk=\u{7}\u{1b}]8;;http://e\u{1b}\\\u{1b}[2J\u{1b}[6n\u{1b}P1$r\u{1b}\\\u{9b}31m\u{202e}\u{90}y";
    let conn = env.sql();
    conn.execute("UPDATE cards SET prompt = ?1, answer = ?1, area = ?1 WHERE key = 'mine/q1'", [evil]).unwrap();
    conn.execute("UPDATE interviews SET role = ?1, company = ?1", [evil]).unwrap();
    env
}

#[test]
fn exports_plans_and_the_interview_log_print_hostile_text_inert() {
    let env = hostile_database();
    for args in [
        &["export", "--deck", "mine", "--format", "md"][..],
        &["export", "--deck", "mine", "--format", "csv"],
        &["export", "--deck", "mine", "--format", "toml"],
        &["export", "--deck", "mine", "-o", "-"],
        &["plan", "--month"],
        &["log"],
        &["log", "show", "1"],
    ] {
        let out = env.grill(args).env("CLICOLOR_FORCE", "1").output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        assert_inert(&format!("{args:?}"), &String::from_utf8_lossy(&out.stdout));
    }
    let file = env.dir.path().join("out.md");
    env.run(&["export", "--deck", "mine", "-o", s(&file)], "");
    assert_inert("an exported file", &std::fs::read_to_string(&file).unwrap());
}

#[test]
fn text_typed_into_log_add_and_edit_is_stored_without_escapes() {
    let env = Env::new();
    let evil = "Why\u{1b}]0;pwned\u{7} \u{1b}[2Jnow\u{202e}?";
    env.run(
        &[
            "log",
            "add",
            "--company",
            evil,
            "--role",
            "platform",
            "--format",
            "mixed",
            "--question",
            &format!("sql good {evil}"),
        ],
        "",
    );
    let stored: Vec<String> = env
        .sql()
        .prepare("SELECT company FROM interviews UNION ALL SELECT prompt FROM cards WHERE key LIKE 'interviews/%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(stored.len(), 2);
    for text in &stored {
        assert_inert("a stored typed text", text);
        assert!(text.contains("Why") && text.contains("now"), "{text}");
    }
    let key: String =
        env.sql().query_row("SELECT key FROM cards WHERE key LIKE 'interviews/%'", [], |r| r.get(0)).unwrap();
    // An editor that types an answer with escapes into the card (TOML's \u escapes).
    let editor = crate::common::script(
        &env,
        "editor.sh",
        r#"sed -i '/^answer = /d' "$1"; printf 'answer = "\\u001b]52;c;aGk=\\u0007A typed \\u001b[31manswer"\n' >> "$1""#,
    );
    let out = env.grill(&["edit", &key]).env("EDITOR", &editor).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let answer: String = env.sql().query_row("SELECT answer FROM cards WHERE key = ?1", [&key], |r| r.get(0)).unwrap();
    assert!(answer.contains("A typed answer"), "{answer:?}");
    assert_inert("an edited answer", &answer);
}

/// Runs `grill ARGS` under `umask 000`.
fn run_with_umask_000(env: &Env, args: &[&str]) -> Output {
    let mut cmd = Command::new("sh");
    cmd.env_clear()
        .envs(env.command(&[]).get_envs().filter_map(|(k, v)| Some((k, v?))))
        .args(["-c", "umask 000 && exec \"$@\"", "sh", env!("CARGO_BIN_EXE_grill")])
        .args(args);
    let out = run_bounded(&mut cmd);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

#[test]
fn every_file_grill_writes_is_private_whatever_the_umask_and_never_follows_a_planted_link() {
    let env = Env::new();
    let csv = env.write("d.csv", "id,prompt,answer,area\nq1,Plain?,Plain.,sql\n");
    env.run(&["import", s(&csv), "--deck", "mine"], "");
    let home = env.dir.path().to_owned();
    let victim = env.write("victim", "do not touch");
    // Links planted where the old code wrote: `F.tmp` beside exports, the report and the
    // config, and the target itself for the dashboard and the calendar.
    let out = home.join("out");
    std::fs::create_dir(&out).unwrap();
    let planted = ["x.toml.tmp", "r.html.tmp", "d.md", "c.ics"];
    for name in planted {
        std::os::unix::fs::symlink(&victim, out.join(name)).unwrap();
    }
    let config = home.join("cfg/grill/config.toml");
    let o = |name: &str| out.join(name).to_str().unwrap().to_owned();
    run_with_umask_000(&env, &["export", "--deck", "mine", "-o", &o("x.toml")]);
    run_with_umask_000(&env, &["export", "--deck", "mine", "-o", &o("deep/folder/")]);
    run_with_umask_000(&env, &["report", "-o", &o("r.html")]);
    run_with_umask_000(&env, &["dashboard", "--md", &o("d.md")]);
    run_with_umask_000(&env, &["remind", "--ics", &o("c.ics")]);
    run_with_umask_000(&env, &["--config", s(&config), "config", "set", "new_per_day", "5"]);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "do not touch", "a planted link was followed");
    for file in ["x.toml", "deep/folder/mine.toml", "r.html", "d.md", "c.ics"] {
        let path = out.join(file);
        assert!(std::fs::symlink_metadata(&path).unwrap().is_file(), "{file} is a regular file");
        assert_eq!(mode(&path), 0o600, "{file}");
    }
    for dir in [out.join("deep"), out.join("deep/folder"), home.join("cfg"), home.join("cfg/grill")] {
        assert_eq!(mode(&dir), 0o700, "{}", dir.display());
    }
    assert_eq!(mode(&config), 0o600);
    let stamp = env.db().with_file_name("grill.db.checked");
    assert_eq!(mode(&stamp), 0o600, "the start-up check's stamp");
    let left: Vec<_> = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(!left.iter().any(|n| n.to_string_lossy().contains("grill-tmp")), "{left:?}");
}

#[test]
fn export_to_a_folder_never_overwrites_a_deck_it_wrote_in_the_same_run() {
    let env = Env::new();
    for (id, answer) in [("a/b", "first"), ("a-b", "second"), ("a:b", "third")] {
        let csv = env.write("d.csv", &format!("id,prompt,answer,area\nq1,Question {answer}?,{answer},sql\n"));
        env.run(&["import", s(&csv), "--deck", id], "");
    }
    let out = env.dir.path().join("out");
    let run = env.grill(&["export", "-o", &format!("{}/", s(&out))]).output().unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let mut texts: Vec<String> =
        std::fs::read_dir(&out).unwrap().map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap()).collect();
    texts.sort();
    assert_eq!(texts.len(), 3, "one file per deck");
    for answer in ["first", "second", "third"] {
        assert!(texts.iter().any(|t| t.contains(&format!("Question {answer}?"))), "{answer} lost: {texts:?}");
    }
    let stderr = String::from_utf8_lossy(&run.stderr);
    let wrote: std::collections::HashSet<&str> = stderr.lines().filter(|l| l.starts_with("wrote ")).collect();
    assert_eq!(wrote.len(), 3, "three different files named: {stderr}");
}

#[test]
fn dash_means_standard_output_and_the_extension_picks_the_format() {
    let env = Env::new();
    let csv = env.write("d.csv", "id,prompt,answer,area\nq1,Plain?,Plain.,sql\n");
    env.run(&["import", s(&csv), "--deck", "mine"], "");
    env.run(&["drill", "--new", "1"], "\ngood\nq\n");
    let cwd = env.dir.path().join("cwd");
    std::fs::create_dir(&cwd).unwrap();
    let in_cwd = |args: &[&str]| {
        let out = env.grill(args).current_dir(&cwd).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(in_cwd(&["export", "--deck", "mine", "-o", "-"]).contains("[[cards]]"));
    assert!(in_cwd(&["export", "--reviews", "-o", "-"]).starts_with("card,time,rating"));
    assert!(in_cwd(&["report", "-o", "-"]).contains("<html"));
    assert!(!cwd.join("-").exists(), "no file named -");
    in_cwd(&["export", "--deck", "mine", "-o", "x.csv"]);
    assert!(
        std::fs::read_to_string(cwd.join("x.csv")).unwrap().starts_with("deck,id,prompt"),
        "CSV from the extension"
    );
    in_cwd(&["export", "--deck", "mine", "-o", "x.md"]);
    assert!(std::fs::read_to_string(cwd.join("x.md")).unwrap().starts_with("# "), "Markdown from the extension");
    in_cwd(&["export", "--deck", "mine", "--format", "toml", "-o", "y.csv"]);
    assert!(std::fs::read_to_string(cwd.join("y.csv")).unwrap().contains("[[cards]]"), "--format wins");
    std::fs::create_dir(cwd.join("dir")).unwrap();
    in_cwd(&["export", "--deck", "mine", "-o", "dir/"]);
    let names: Vec<String> =
        std::fs::read_dir(cwd.join("dir")).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into()).collect();
    assert_eq!(names, ["mine.toml"], "one file in the folder, no .tmp");
}

#[test]
fn the_new_card_quota_follows_the_same_day_boundary_as_the_day_start_at_a_dst_change() {
    // New York, days starting at 2 a.m.: on 2025-11-02 the clocks go from 02:00 EDT back to
    // 01:00 EST, and the new day starts at that moment. An answer at 01:10 EDT belongs to the
    // day before; at 01:10 EST (an hour later) a new day's quota is due. Before, the hour
    // after the change was counted in the old day by one rule and in the new by the other.
    let mut env = Env::new();
    std::fs::write(env.config(), "day_rollover_hour = 2\nnew_per_day = 1\n").unwrap();
    let drill = |env: &Env| {
        let out = env.grill(&["drill"]).env("TZ", "America/New_York").write_stdin("\ngood\nq\n").output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    env.at("2025-11-02T05:10:00Z"); // 01:10 EDT
    assert!(drill(&env).contains("new 1"), "the first answer of the day before");
    env.at("2025-11-02T06:10:00Z"); // 01:10 EST, after the change: the new day
    let header = drill(&env);
    assert!(header.contains("new 1 · done today 0"), "a new day's quota: {header}");
}

#[test]
fn the_markdown_dashboard_escapes_html_and_links_from_areas_and_company_names() {
    let mut env = Env::new();
    let company = "<script>alert(1)</script>[x](javascript:alert(2))";
    for (day, on) in [(0, "2026-02-10"), (1, "2026-02-24")] {
        env.day(day);
        let q = "sql again How do you find a slow query?";
        let args = [
            "log",
            "add",
            "--company",
            company,
            "--on",
            on,
            "--role",
            "platform",
            "--format",
            "mixed",
            "--question",
            q,
        ];
        env.run(&args, "");
    }
    env.sql()
        .execute("UPDATE cards SET area = '<img src=x onerror=alert(3)>' WHERE key LIKE 'interviews/%'", [])
        .unwrap();
    let md = env.dir.path().join("d.md");
    env.run(&["dashboard", "--md", s(&md)], "");
    let text = std::fs::read_to_string(&md).unwrap();
    assert!(text.contains("alert(1)") || text.contains("alert(3)"), "the weak spots are on the page:\n{text}");
    for raw in ["<script", "<img"] {
        assert!(!text.contains(raw), "{raw} reached the Markdown:\n{text}");
    }
    // A link needs an unescaped `](`.
    for (i, _) in text.match_indices("](javascript:") {
        assert_eq!(&text[i - 1..i], "\\", "a live link reached the Markdown:\n{text}");
    }
}

/// `grill import FILE` must refuse with exit 2 and one short line containing `expected`.
fn assert_import_refused(env: &Env, name: &str, text: &str, expected: &str) {
    let file = env.write(name, text);
    let out = run_bounded(&mut env.command(&["import", s(&file)]));
    assert_bad_input(&out, expected);
    assert!(out.stderr.len() < 1000, "{name}: the message is {} bytes", out.stderr.len());
}

#[test]
fn oversized_rows_tag_lists_and_headers_are_refused_with_a_short_message() {
    let env = Env::new();
    let commas = format!("id,prompt,answer\nq1,{},a\n", ",".repeat(5_000_000));
    assert_import_refused(&env, "commas.csv", &commas, "5000003 fields in one row; a row has at most 64");
    let header = format!("id,prompt,answer,{}\nq1,p,a,x\n", "h".repeat(2_000_000));
    assert_import_refused(&env, "header.csv", &header, "unknown column \"hhhh");
    let tags: Vec<String> = (0..1000).map(|i| format!("\"t{i}\"")).collect();
    let toml = format!(
        "[deck]\nid = \"big\"\nname = \"Big\"\narea = \"sql\"\n\n[[cards]]\nid = \"q1\"\nprompt = \"P?\"\nanswer = \"A.\"\ntags = [{}]\n",
        tags.join(", ")
    );
    assert_import_refused(&env, "tags.toml", &toml, "has 1000 tags; a card may have at most 64");
    let follow_ups: Vec<String> = (0..100).map(|i| format!("\"f{i}?\"")).collect();
    let toml =
        toml.replace(&format!("tags = [{}]", tags.join(", ")), &format!("follow_ups = [{}]", follow_ups.join(", ")));
    assert_import_refused(&env, "follow.toml", &toml, "has 100 follow_ups; a card may have at most 32");
    // A row with more values than the header names columns lost them silently.
    assert_import_refused(
        &env,
        "extra.csv",
        "id,prompt,answer\nq1,What?,This, and that\n",
        "4 values but the header names 3 columns",
    );
    // An unterminated quote took the rest of the file and was reported as an empty answer.
    let open = "id,prompt,answer\nq1,P?,A.\nq2,\"What is it?,A.\nq3,P?,A.\n";
    assert_import_refused(&env, "quote.csv", open, "quote.csv:3: row: unterminated quote");
}
