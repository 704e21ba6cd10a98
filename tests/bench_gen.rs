//! The benchmark generator (`grill-bench-gen`, used by `bench/run`) writes valid data: a small
//! collection whose stored schedule equals what replaying its log gives, and importable files.

use crate::common::{Env, s};
use assert_cmd::Command;
use chrono::{TimeZone, Utc};
use grill::{DayClock, Scheduler, Store};

fn generator() -> Command {
    let mut cmd = Command::cargo_bin("grill-bench-gen").expect("generator binary");
    cmd.env("TZ", "UTC");
    cmd
}

#[test]
fn a_small_generated_collection_replays_to_exactly_its_stored_states() {
    let env = Env::new();
    std::fs::create_dir_all(env.db().parent().unwrap()).unwrap();
    let out = generator()
        .args(["db", "--db", s(&env.db()), "--cards", "100", "--decks", "2", "--days", "400"])
        .args(["--today", &env.now])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let reviews: i64 = env.sql().query_row("SELECT count(*) FROM reviews", [], |r| r.get(0)).unwrap();
    assert!((800..5_000).contains(&reviews), "{reviews} reviews for 100 cards over 400 days");

    let store = Store::open(&env.db()).unwrap();
    let stored = store.stored_states().unwrap();
    assert_eq!(stored.len(), 100, "every generated card was introduced");
    let scheduler = Scheduler::new(&[], 0.94).unwrap();
    assert_eq!(store.replayed_states(&scheduler, &DayClock::new(Utc, 4)).unwrap(), stored);
    let tomorrow = Utc.with_ymd_and_hms(2026, 3, 3, 4, 0, 0).unwrap();
    let due = stored.iter().filter(|(_, state)| state.due < tomorrow).count();
    assert!(due > 0 && due < 60, "{due} of 100 cards due today");
    drop(store);

    // grill itself agrees, and drills the collection.
    env.write("config.toml", "desired_retention = 0.94\n");
    let rebuilt = env.run(&["rebuild"], "");
    assert!(rebuilt.contains("0 states changed"), "{rebuilt}");
    let drill = env.run(&["drill", "--new", "0"], "q\n");
    assert!(drill.contains(&format!("due {due} · new 0")), "{drill}");
}

#[test]
fn generated_deck_files_hold_the_cards_asked_for() {
    let env = Env::new();
    let (toml_path, csv_path) = (env.dir.path().join("big.toml"), env.dir.path().join("big.csv"));
    generator().args(["files", "--cards", "50", "--toml", s(&toml_path), "--csv", s(&csv_path)]).assert().success();
    let deck = grill::parse_toml("big.toml", &std::fs::read_to_string(&toml_path).unwrap()).unwrap();
    assert_eq!(deck.cards.len(), 50);
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    assert!(csv.starts_with("deck,id,prompt,answer,tags\n"), "{csv}");
    assert_eq!(csv.matches("\"import-00/card-").count(), 50);
}

#[test]
fn the_size_report_counts_bytes_per_review() {
    let env = Env::new();
    std::fs::create_dir_all(env.db().parent().unwrap()).unwrap();
    generator().args(["db", "--db", s(&env.db()), "--cards", "20", "--decks", "1", "--days", "100"]).assert().success();
    let out = generator().args(["size", "--db", s(&env.db())]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let field = |name: &str| -> f64 {
        text.split_whitespace().find_map(|kv| kv.strip_prefix(&format!("{name}="))).unwrap().parse().unwrap()
    };
    assert!(field("reviews") > 50.0, "{text}");
    assert!(field("log_per_review") > 20.0 && field("log_per_review") < field("file_per_review"), "{text}");
}
