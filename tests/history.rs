//! The review log is the source of truth: replay reproduces the stored states, deck edits keep
//! history, newer or foreign databases are refused untouched, and a killed drill loses nothing.

use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;

use crate::common::{Env, s};
use chrono::{Local, TimeZone, Utc};
use grill::deck::parse_toml;
use grill::{DayClock, Scheduler, Store};
use predicates::prelude::*;

#[test]
fn replaying_the_log_reproduces_every_stored_card_state_exactly() {
    let mut env = Env::new();
    // A month of mixed answers: forgotten cards, same-day repeats, hard and easy reviews.
    let days: [(i64, &str); 6] = [
        (0, "\n1\n\n3\n\n2\n\n4\n\n3\n\n3\n\n2\n\n1\n\n3\n\n3\n\n3\n\n3\n"),
        (1, "\n3\n\n1\n\n3\n\n3\n\n3\n\n3\n"),
        (3, "\n2\n\n3\n\n4\n\n1\n\n3\n\n3\n\n3\n\n3\n"),
        (8, "\n3\n\n3\n\n1\n\n2\n\n3\n\n3\n\n3\n"),
        (20, "\n4\n\n3\n\n3\n\n1\n\n3\n\n3\n"),
        (45, "\n3\n\n3\n\n3\n\n3\n\n3\n\n3\n\n3\n"),
    ];
    for (day, input) in days {
        env.day(day).run(&["drill"], input);
    }
    let store = Store::open(&env.db()).unwrap();
    let stored = store.stored_states().unwrap();
    assert!(stored.len() >= 15, "only {} cards reviewed", stored.len());
    // The tests run with TZ=UTC, as the binary did.
    let clock = DayClock::new(Utc, 4);
    let replayed = store.replayed_states(&Scheduler::default_params(), &clock).unwrap();
    assert_eq!(replayed, stored);
    let reviews: i64 = env.sql().query_row("SELECT count(*) FROM reviews", [], |r| r.get(0)).unwrap();
    assert!(reviews > stored.len() as i64, "some cards were reviewed more than once");
}

#[test]
fn rebuilding_states_from_the_log_changes_nothing() {
    let env = Env::new();
    env.run(&["drill", "--new", "6"], &"\n3\n\n1\n".repeat(6));
    let mut store = Store::open(&env.db()).unwrap();
    let before = store.stored_states().unwrap();
    store.rebuild_states(&Scheduler::default_params(), &DayClock::new(Local, 4)).unwrap();
    assert_eq!(store.stored_states().unwrap(), before);
}

const DECK_V1: &str = r#"
[deck]
id = "team"
name = "Team notes"
area = "sql"

[[cards]]
id = "team/one"
prompt = "What is an index?"
answer = "- a sorted structure"

[[cards]]
id = "team/two"
prompt = "What is a join?"
answer = "- combines rows"
"#;

/// Syncs a deck as built-in decks are synced: cards gone from it are suspended.
fn sync(store: &mut Store, text: &str, now: chrono::DateTime<Utc>) -> grill::store::SyncReport {
    let clock = DayClock::new(Utc, 4);
    let scheduler = Scheduler::default_params();
    let how = grill::store::SyncOptions {
        suspend_missing: true,
        ..grill::store::SyncOptions::import(now, &scheduler, &clock)
    };
    store.sync_decks(&[parse_toml("team.toml", text).unwrap()], &[], &how, &mut || {}).unwrap()
}

#[test]
fn re_syncing_an_edited_deck_updates_texts_and_keeps_every_review() {
    let env = Env::new();
    env.run(&["decks"], "");
    let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
    let mut store = Store::open(&env.db()).unwrap();
    sync(&mut store, DECK_V1, now);
    drop(store);
    env.run(&["drill", "--area", "sql", "--new", "40"], &"\n3\n".repeat(60));
    let reviewed_before: i64 = env
        .sql()
        .query_row(
            "SELECT count(*) FROM reviews r JOIN cards c ON c.id = r.card_id WHERE c.key LIKE 'team/%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(reviewed_before, 2);

    let v2 = DECK_V1
        .replace("What is an index?", "What is a B-tree index?")
        .replace("[[cards]]\nid = \"team/two\"\nprompt = \"What is a join?\"\nanswer = \"- combines rows\"\n", "");
    let mut store = Store::open(&env.db()).unwrap();
    let report = sync(&mut store, &v2, now);
    assert_eq!(report.updated, vec!["team/one".to_owned()]);
    assert_eq!(report.missing, vec!["team/two".to_owned()]);
    drop(store);

    let cards = env.cards(&["--deck", "team"]);
    assert_eq!(cards[0]["prompt"], "What is a B-tree index?");
    assert_eq!(cards[0]["reps"], 1, "the edited card keeps its state");
    assert_eq!(cards[1]["suspended"], true, "a card gone from its deck is suspended, not deleted");
    assert_eq!(cards[1]["reps"], 1);
    let reviews_after: i64 = env.sql().query_row("SELECT count(*) FROM reviews", [], |r| r.get(0)).unwrap();
    assert!(reviews_after >= reviewed_before);

    // Putting the card back brings it back into the drill with its history.
    let mut store = Store::open(&env.db()).unwrap();
    sync(&mut store, DECK_V1, now);
    drop(store);
    let cards = env.cards(&["--deck", "team"]);
    assert_eq!(cards[1]["suspended"], false);
    assert_eq!(cards[1]["reps"], 1);
}

fn file_hash(path: &std::path::Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

#[test]
fn a_database_from_a_newer_grill_is_refused_and_left_untouched() {
    let env = Env::new();
    env.run(&["decks"], "");
    env.sql().pragma_update(None, "user_version", 99).unwrap();
    // Checkpoint so the file alone holds the database, then compare bytes.
    env.sql().pragma_update(None, "journal_mode", "DELETE").unwrap();
    let before = file_hash(&env.db());
    env.grill(&["decks"])
        .assert()
        .failure()
        .stderr(predicates::str::contains("newer grill").and(predicates::str::contains("schema 99")));
    assert_eq!(file_hash(&env.db()), before);
}

#[test]
fn a_file_that_is_not_a_grill_database_is_refused_and_left_untouched() {
    let env = Env::new();
    let text = env.write("notes.txt", "my interview notes\n");
    env.grill(&["--db", s(&text), "decks"])
        .assert()
        .failure()
        .stderr(predicates::str::contains("not a grill database"));
    assert_eq!(std::fs::read_to_string(&text).unwrap(), "my interview notes\n");

    let other = env.dir.path().join("other.sqlite");
    let conn = rusqlite::Connection::open(&other).unwrap();
    conn.execute_batch("CREATE TABLE invoices (id INTEGER PRIMARY KEY);").unwrap();
    drop(conn);
    let before = file_hash(&other);
    env.grill(&["--db", s(&other), "decks"]).assert().failure().stderr(predicates::str::contains("not grill's"));
    assert_eq!(file_hash(&other), before);
}

#[test]
fn killing_the_drill_keeps_every_rating_it_acknowledged() {
    let env = Env::new();
    env.run(&["decks"], "");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("grill"))
        .args(["drill", "--new", "20"])
        .env("GRILL_DB", env.db())
        .env("GRILL_CONFIG", env.config())
        .env("HOME", env.dir.path())
        .env("TZ", "UTC")
        .env("GRILL_NOW", &env.now)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut acknowledged = 0;
    for _ in 0..5 {
        writeln!(stdin, "\n3").unwrap();
        stdin.flush().unwrap();
        // Wait for the confirmation line that the rating was saved.
        loop {
            let line = lines.next().expect("drill still running").unwrap();
            if line.contains("good · next in") {
                acknowledged += 1;
                break;
            }
        }
    }
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    let conn = env.sql();
    let logged: i64 = conn.query_row("SELECT count(*) FROM reviews", [], |r| r.get(0)).unwrap();
    assert_eq!(logged, acknowledged);
    let states: i64 = conn.query_row("SELECT count(*) FROM card_state", [], |r| r.get(0)).unwrap();
    assert_eq!(states, acknowledged);
    let ok: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(ok, "ok");
}

#[test]
fn the_database_and_its_folder_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    env.run(&["decks"], "");
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&env.db()), 0o600);
    assert_eq!(mode(env.db().parent().unwrap()), 0o700);
}

#[test]
fn the_scorecard_from_stored_states_equals_the_one_from_replaying_the_whole_log() {
    let mut env = Env::new();
    // Drill, cram (repeats and previews) and forget over two months, so the retention window
    // holds reviews whose previous review lies before it.
    env.day(0).run(&["drill", "--new", "12"], &"\n3\n\n1\n\n3\n".repeat(8));
    env.day(3).run(&["drill"], &"\n3\n\n2\n".repeat(10));
    env.day(20).run(&["drill"], &"\n1\n\n3\n\n4\n".repeat(10));
    env.day(21).run(&["cram", "--in", "2d", "--minutes", "30"], &"\n1\n\n3\n\n3\n".repeat(6));
    env.day(21).run(&["cram", "--in", "2d", "--minutes", "30", "--no-reschedule"], &"\n3\n".repeat(4));
    env.day(50).run(&["drill"], &"\n3\n\n1\n\n3\n".repeat(10));
    let store = Store::open(&env.db()).unwrap();
    let (scheduler, clock) = (Scheduler::default_params(), DayClock::new(Utc, 4));
    let now = chrono::DateTime::parse_from_rfc3339(&env.now).unwrap().with_timezone(&Utc);
    let moments = [now, now + chrono::Duration::days(1), now + chrono::Duration::days(40)];
    let inputs = |cards| grill::scorecard::Inputs { cards, self_ratings: Vec::new(), languages: Vec::new() };
    let full = grill::scorecard::compute_many(&inputs(store.scorecard_cards().unwrap()), &moments, &scheduler, &clock);
    let since = clock.day_start(clock.day_of(now) - (grill::scorecard::RETENTION_DAYS - 1));
    let recent = inputs(store.scorecard_cards_recent(since).unwrap());
    let fast = grill::scorecard::compute_many(&recent, &moments, &scheduler, &clock);
    let full = full.unwrap();
    assert!(full[0].areas.iter().any(|a| a.reviews_30d > 0), "the window must hold counted reviews");
    assert_eq!(fast.unwrap(), full);
}
