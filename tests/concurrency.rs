//! Several grills on one database at once: nobody is told "database is locked", every rating
//! lands exactly once, an import running beside two drills lands whole, and undo only ever
//! takes back the session's own rating.

use std::time::Duration;

use crate::common::live::{Live, is_confirmation, shown_card};
use crate::common::{Env, integrity, review_log, s, states_match_replay};

/// Ratings each drill types; both drills see the same queue (same seed and clock), so they
/// rate the same cards, the hardest case for keeping the log and the states consistent.
const RATINGS: [&str; 12] = ["3", "1", "3", "4", "2", "3", "3", "1", "3", "3", "4", "3"];

/// Forces the next start to re-sync every built-in deck (one large write transaction).
fn forget_builtin_sync(env: &Env) {
    env.sql().execute("DELETE FROM meta WHERE key = 'builtin_fingerprint'", []).expect("meta writable");
}

fn assert_no_lock_error(who: &str, status: std::process::ExitStatus, stdout: &str, stderr: &str) {
    assert!(status.success(), "{who} failed ({status}):\n{stdout}\n{stderr}");
    let all = format!("{stdout}{stderr}").to_lowercase();
    assert!(!all.contains("locked") && !all.contains("busy"), "{who} reported a lock:\n{stderr}");
}

#[test]
fn two_drills_and_a_deck_resync_at_once_save_every_rating_once_and_never_report_a_lock() {
    let env = Env::new();
    env.run(&["decks"], "");
    for round in 0..3 {
        let before = review_log(&env.sql()).len();
        forget_builtin_sync(&env);
        let mut a = Live::start(&env, &["drill", "--new", "30"]);
        let mut b = Live::start(&env, &["drill", "--new", "30"]);
        // The third writer: a start that re-syncs every deck, and a suspend, both mid-drill.
        let resync = piped(env.command(&["decks"])).spawn().expect("decks starts");
        a.wait_for_prompt("answer> ");
        b.wait_for_prompt("answer> ");
        let suspend = piped(env.command(&["suspend", "sql/anti-join"])).spawn().expect("suspend starts");
        // Interleave the two drills' ratings as tightly as the processes allow.
        for rating in RATINGS {
            a.send(&format!("\n{rating}\n"));
            b.send(&format!("\n{rating}\n"));
        }
        a.send("q\n");
        b.send("q\n");
        let (status_a, out_a, err_a) = a.finish();
        let (status_b, out_b, err_b) = b.finish();
        let resync = resync.wait_with_output().expect("decks runs");
        let suspend = suspend.wait_with_output().expect("suspend runs");
        assert_no_lock_error("drill A", status_a, &out_a, &err_a);
        assert_no_lock_error("drill B", status_b, &out_b, &err_b);
        for (who, out) in [("re-sync", &resync), ("suspend", &suspend)] {
            let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
            assert_no_lock_error(who, out.status, &stdout, &stderr);
        }
        let confirmed = out_a.lines().chain(out_b.lines()).filter(|l| is_confirmation(l)).count();
        assert_eq!(confirmed, 2 * RATINGS.len(), "round {round}: every typed rating is confirmed");
        let conn = env.sql();
        assert_eq!(review_log(&conn).len() - before, confirmed, "round {round}: each rating saved exactly once");
        assert_eq!(integrity(&conn), "ok");
        drop(conn);
        states_match_replay(&env.db()).unwrap_or_else(|e| panic!("round {round}: {e}"));
        env.run(&["unsuspend", "sql/anti-join"], "");
    }
}

/// A large deck file: `cards` cards whose texts say `version`, as CSV or as TOML.
fn bulk_deck(env: &Env, name: &str, cards: usize, version: usize) -> std::path::PathBuf {
    let text = if name.ends_with(".csv") {
        let rows: String = (0..cards)
            .map(|i| format!("q{i},\"Question {i}, take {version}?\",\"- point {i}\n- point two\",bulk\n"))
            .collect();
        format!("id,prompt,answer,tags\n{rows}")
    } else {
        let card = |i: usize| grill::deck::CardSpec {
            id: format!("bulk-toml/q{i}"),
            prompt: format!("Question {i}, take {version}?"),
            answer: format!("- point {i}\n- point two"),
            follow_ups: Vec::new(),
            tags: vec!["bulk".into()],
            roles: Vec::new(),
            level: None,
            time_limit_secs: None,
            area: None,
            example: None,
        };
        let info = grill::deck::DeckInfo {
            id: "bulk-toml".into(),
            name: "Bulk".into(),
            area: "testing".into(),
            description: String::new(),
        };
        grill::deck::export::to_toml(&grill::Deck { deck: info, cards: (0..cards).map(card).collect() })
    };
    env.write(name, &text)
}

#[test]
fn two_drills_and_a_large_import_at_once_save_every_rating_once_and_import_every_card() {
    const CARDS: usize = 6000;
    let env = Env::new();
    env.run(&["decks"], "");
    // A new CSV deck, a new TOML deck, then the CSV again with every text changed.
    for (round, (file, version, deck)) in
        [("bulk.csv", 1, "bulk"), ("bulk.toml", 1, "bulk-toml"), ("bulk.csv", 2, "bulk")].into_iter().enumerate()
    {
        let path = bulk_deck(&env, file, CARDS, version);
        let before = review_log(&env.sql()).len();
        let mut a = Live::start(&env, &["drill", "--new", "30"]);
        let mut b = Live::start(&env, &["drill", "--new", "30"]);
        a.wait_for_prompt("answer> ");
        b.wait_for_prompt("answer> ");
        let (first, rest) = RATINGS.split_at(4);
        for rating in first {
            a.send(&format!("\n{rating}\n"));
            b.send(&format!("\n{rating}\n"));
        }
        // The rest of the ratings are typed while the import holds the write lock.
        let mut import = piped(env.command(&["import", s(&path)])).spawn().expect("import starts");
        let writing = env.wait_for_write_lock(&mut import);
        for rating in rest {
            a.send(&format!("\n{rating}\n"));
            b.send(&format!("\n{rating}\n"));
        }
        a.send("q\n");
        b.send("q\n");
        let (status_a, out_a, err_a) = a.finish();
        let (status_b, out_b, err_b) = b.finish();
        let import = import.wait_with_output().expect("import runs");
        assert!(writing.is_some(), "round {round}: the import never held the write lock while the drills ran");
        assert_no_lock_error("drill A", status_a, &out_a, &err_a);
        assert_no_lock_error("drill B", status_b, &out_b, &err_b);
        let (stdout, stderr) = (String::from_utf8_lossy(&import.stdout), String::from_utf8_lossy(&import.stderr));
        assert_no_lock_error("import", import.status, &stdout, &stderr);
        let verb = if version == 1 { "added" } else { "updated" };
        assert!(stdout.contains(&format!("{verb} {CARDS} ")), "round {round}: {stdout}");

        let confirmed = out_a.lines().chain(out_b.lines()).filter(|l| is_confirmation(l)).count();
        assert_eq!(confirmed, 2 * RATINGS.len(), "round {round}: every typed rating is confirmed");
        let conn = env.sql();
        assert_eq!(review_log(&conn).len() - before, confirmed, "round {round}: each rating saved exactly once");
        let imported: i64 = conn
            .query_row(
                "SELECT count(*) FROM cards c JOIN decks d ON d.id = c.deck_id WHERE d.key = ?1 AND c.prompt LIKE ?2",
                [deck, &format!("% take {version}?")],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(imported as usize, CARDS, "round {round}: every card of the file, with its text");
        assert_eq!(integrity(&conn), "ok");
        drop(conn);
        states_match_replay(&env.db()).unwrap_or_else(|e| panic!("round {round}: {e}"));
    }
}

#[test]
fn a_rating_typed_while_an_import_of_review_history_holds_the_lock_is_saved() {
    const NOTES: i64 = 3000; // four answers each: 12,000 reviews, the bulk path
    let env = Env::new();
    env.run(&["decks"], "");
    let apkg = env.dir.path().join("history.apkg");
    std::fs::write(&apkg, crate::crash::anki_with_history(NOTES)).unwrap();
    let mut drill = Live::start(&env, &["drill", "--new", "5"]);
    let shown = drill.wait_for(|l| shown_card(l).is_some());
    drill.wait_for_prompt("answer> ");
    let mut import = piped(env.command(&["import", s(&apkg)])).spawn().expect("import starts");
    let writing = env.wait_for_write_lock(&mut import);
    drill.send("\n3\n");
    let import_still_running = import.try_wait().unwrap().is_none();
    drill.wait_for(is_confirmation);
    drill.send("q\n");
    let (status, out, err) = drill.finish();
    let import = import.wait_with_output().expect("import runs");
    assert!(writing.is_some() && import_still_running, "the rating was not typed while the import wrote");
    assert_no_lock_error("drill", status, &out, &err);
    let (stdout, stderr) = (String::from_utf8_lossy(&import.stdout), String::from_utf8_lossy(&import.stderr));
    assert_no_lock_error("import", import.status, &stdout, &stderr);
    let log = review_log(&env.sql());
    assert_eq!(log.len(), 4 * NOTES as usize + 1, "every imported review and the rating, once each");
    let card = shown_card(&shown).unwrap();
    assert_eq!(log.iter().filter(|(_, key, rating)| *key == card && *rating == 3).count(), 1, "{card}");
    assert_eq!(integrity(&env.sql()), "ok");
}

#[test]
fn undo_in_one_session_takes_back_only_that_sessions_rating() {
    let env = Env::new();
    env.run(&["decks"], "");
    let mut a = Live::start(&env, &["drill", "--new", "5"]);
    let mut b = Live::start(&env, &["drill", "--new", "5"]);
    let card_a = a.wait_for(|l| shown_card(l).is_some());
    let card_b = b.wait_for(|l| shown_card(l).is_some());
    assert_eq!(card_a, card_b, "same seed and clock: both drills start with the same card");
    let card = shown_card(&card_a).unwrap();
    a.wait_for_prompt("answer> ");
    b.wait_for_prompt("answer> ");

    // A rates the card Good, then B rates the same card Easy (B's rating is the newest).
    a.send("\n3\n");
    a.wait_for(is_confirmation);
    b.send("\n4\n");
    b.wait_for(is_confirmation);
    assert_eq!(ratings(&env), vec![(card.clone(), 3), (card.clone(), 4)]);

    // A's undo removes A's rating, not the newest one in the log.
    a.send("u\n");
    a.wait_for(|l| l.contains("undone: "));
    assert_eq!(ratings(&env), vec![(card.clone(), 4)]);
    states_match_replay(&env.db()).unwrap();

    // A second undo in A has nothing of A's left to take back.
    a.send("u\n");
    a.wait_for(|l| l.contains("nothing to undo"));
    assert_eq!(ratings(&env), vec![(card.clone(), 4)]);

    // B's undo removes B's rating: the card is new again.
    b.send("u\n");
    b.wait_for(|l| l.contains("undone: "));
    assert!(ratings(&env).is_empty());
    let states: i64 = env.sql().query_row("SELECT count(*) FROM card_state", [], |r| r.get(0)).unwrap();
    assert_eq!(states, 0, "no review left, so no state");
    for live in [a, b] {
        let mut live = live;
        live.send("q\n");
        let (status, out, err) = live.finish();
        assert_no_lock_error("drill", status, &out, &err);
    }
}

fn piped(mut command: std::process::Command) -> std::process::Command {
    command.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped());
    command
}

fn ratings(env: &Env) -> Vec<(String, i64)> {
    review_log(&env.sql()).into_iter().map(|(_, key, rating)| (key, rating)).collect()
}

#[test]
fn several_first_starts_at_once_build_one_complete_database() {
    let env = Env::new();
    let starts: Vec<_> = (0..4).map(|_| piped(env.command(&["decks"])).spawn().expect("starts")).collect();
    // ...and one more a moment later, mid-migration or mid-sync.
    std::thread::sleep(Duration::from_millis(20));
    let late = env.command(&["cards", "--json"]).output().expect("runs");
    for child in starts {
        let out = child.wait_with_output().expect("exits");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    assert!(late.status.success(), "{}", String::from_utf8_lossy(&late.stderr));
    let conn = env.sql();
    assert_eq!(integrity(&conn), "ok");
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version as usize, grill::store::schema_version());
    let cards: i64 = conn.query_row("SELECT count(*) FROM cards", [], |r| r.get(0)).unwrap();
    let expected: usize = grill::deck::builtin_decks().unwrap().iter().map(|d| d.cards.len()).sum();
    assert_eq!(cards as usize, expected);
}
