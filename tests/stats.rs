//! `grill stats`, leeches and `grill edit` through the real binary.

use crate::common::{Env, script};
use predicates::prelude::*;
use serde_json::Value;

fn stats_json(env: &Env, extra: &[&str]) -> Value {
    let mut args = vec!["stats", "--json"];
    args.extend_from_slice(extra);
    serde_json::from_str(&env.run(&args, "")).expect("stats --json is JSON")
}

fn window(stats: &Value, area: &str, days: i64) -> (i64, i64) {
    let row = stats["retention"].as_array().unwrap().iter().find(|r| r["area"] == area).expect("area row");
    let w = row["windows"].as_array().unwrap().iter().find(|w| w["days"] == days).unwrap();
    (w["passed"].as_i64().unwrap(), w["total"].as_i64().unwrap())
}

#[test]
fn stats_on_a_fresh_database_say_there_is_nothing_yet() {
    let env = Env::new();
    let out = env.run(&["stats"], "");
    assert!(out.contains("No answers yet"), "{out}");
    assert_eq!(stats_json(&env, &[])["answers"], 0);
}

/// Day 0: three new java cards rated Good. Day 3: they are due; the first is forgotten and
/// relearned in the same session, the other two remembered.
fn three_cards_over_two_days() -> Env {
    let mut env = Env::new();
    env.run(&["drill", "--area", "java", "--new", "3"], "\n3\n\n3\n\n3\n");
    env.day(3).run(&["drill", "--area", "java", "--new", "0"], "\n1\n\n3\n\n3\n\n3\n");
    env
}

#[test]
fn stats_count_what_the_drills_did() {
    let env = three_cards_over_two_days();
    let stats = stats_json(&env, &[]);
    assert_eq!(stats["today"], "2026-03-05");
    assert_eq!(stats["answers"], 7);
    assert_eq!(stats["cards"]["studied"], 3);
    assert_eq!(stats["streak"], serde_json::json!({ "current": 1, "longest": 1, "answered_today": true }));
    // The same-day relearn is left out of true retention.
    assert_eq!(window(&stats, "java", 7), (2, 3));
    assert_eq!(window(&stats, "all", 30), (2, 3));
    assert_eq!(window(&stats, "sql", 7), (0, 0));
    // The same reviews count as in `grill score`.
    let score: Value = serde_json::from_str(&env.run(&["score", "--json"], "")).unwrap();
    let java = score["areas"].as_array().unwrap().iter().find(|a| a["area"] == "java").unwrap();
    assert_eq!(
        (java["passes_30d"].as_i64().unwrap(), java["reviews_30d"].as_i64().unwrap()),
        window(&stats, "java", 30)
    );
    let heat: Vec<(String, i64)> = stats["heatmap"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["count"].as_i64().unwrap() > 0)
        .map(|d| (d["date"].as_str().unwrap().to_owned(), d["count"].as_i64().unwrap()))
        .collect();
    assert_eq!(heat, [("2026-03-02".to_owned(), 3), ("2026-03-05".to_owned(), 4)]);
    let forecast = stats["forecast"].as_array().unwrap();
    assert_eq!(forecast.len(), 30);
    assert_eq!(forecast.iter().map(|d| d["count"].as_i64().unwrap()).sum::<i64>(), 3, "each card once");
    assert_eq!(forecast[0]["count"], 0, "nothing left for today");
    let times = &stats["answer_times"][0];
    assert_eq!((times["area"].as_str(), times["answers"].as_i64()), (Some("java"), Some(7)));
}

#[test]
fn stats_on_the_terminal_show_every_section() {
    let env = three_cards_over_two_days();
    let out = env.run(&["stats"], "");
    for section in ["Activity, last 12 weeks", "True retention", "Due, next 30 days", "Answer time", "Leeches"] {
        assert!(out.contains(section), "{section} missing:\n{out}");
    }
    assert!(out.contains("streak 1 day"), "{out}");
    let java = out.lines().find(|l| l.trim_start().starts_with("java")).unwrap();
    assert!(java.contains("67% (2/3)"), "{java}");
    assert!(out.lines().any(|l| l.starts_with("Thu ") && l.contains('█')), "day 3 is the busiest:\n{out}");
}

#[test]
fn stats_use_colour_only_when_allowed() {
    let env = three_cards_over_two_days();
    let piped = env.run(&["stats"], "");
    assert!(!piped.contains('\x1b'), "no colour on a pipe");
    let forced = env.grill(&["stats"]).env("CLICOLOR_FORCE", "1").output().unwrap();
    assert!(String::from_utf8_lossy(&forced.stdout).contains("\x1b["), "colour when forced");
    let refused = env.grill(&["stats"]).env("CLICOLOR_FORCE", "1").env("NO_COLOR", "1").output().unwrap();
    assert!(!String::from_utf8_lossy(&refused.stdout).contains('\x1b'), "NO_COLOR wins");
}

#[test]
fn stats_narrow_to_an_area_and_refuse_an_unknown_one() {
    let env = three_cards_over_two_days();
    let sql = stats_json(&env, &["--area", "sql"]);
    assert_eq!(sql["areas"], serde_json::json!(["sql"]));
    assert_eq!(sql["answers"], 0);
    let java = stats_json(&env, &["--area", "Java"]);
    assert_eq!((java["areas"][0].as_str(), java["answers"].as_i64()), (Some("java"), Some(7)));
    env.grill(&["stats", "--area", "sqll"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("grill: --area: no cards in area \"sqll\"; the areas are: "));
}

/// Forgets the first java card on eight review days, relearning it each time.
fn make_a_leech(env: &mut Env) -> String {
    env.run(&["drill", "--area", "java", "--new", "1"], "\n3\n");
    let key = env.cards(&["--area", "java"]).into_iter().find(|c| !c["reps"].is_null()).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for round in 1..=8 {
        let out = env.day(round * 5).run(&["drill", "--area", "java", "--new", "0"], "\n1\n\n3\n");
        assert!(out.contains("again · back in a few cards"), "round {round}: {out}");
        if round < 8 {
            assert!(!out.contains("Leech"), "round {round}: {out}");
        } else {
            assert!(out.contains(&format!("Leech: {key} has been forgotten 8 times")), "{out}");
            assert!(out.contains(&format!("grill edit {key}")) && out.contains(&format!("grill suspend {key}")));
        }
    }
    key
}

#[test]
fn a_card_forgotten_eight_times_is_a_leech_until_rewritten() {
    let mut env = Env::new();
    let key = make_a_leech(&mut env);
    let stats = stats_json(&env, &[]);
    assert_eq!(stats["leeches"], serde_json::json!([{ "card": key, "area": "java", "lapses": 8, "suspended": false }]));
    let out = env.run(&["stats"], "");
    assert!(out.contains(&format!("{key} · java · 8 lapses")), "{out}");
    let table = env.run(&["cards", "--area", "java"], "");
    assert!(table.lines().any(|l| l.contains(&key) && l.contains("8 leech")), "tagged in the card browser:\n{table}");

    // Rewriting it in the editor: the new text shows and it is no longer a leech.
    let editor =
        script(&env, "reword.sh", "sed -i 's/^prompt = .*/prompt = \"In my words: what breaks here?\"/' \"$1\"");
    let out = env.grill(&["edit", &key]).env("EDITOR", &editor).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = String::from_utf8_lossy(&out.stdout);
    assert!(out.contains(&format!("Saved {key}.")) && out.contains("no longer counts as a leech"), "{out}");
    let card = env.cards(&["--search", "In my words"]);
    assert_eq!(card.len(), 1);
    assert_eq!(card[0]["id"], key.as_str());
    assert_eq!(stats_json(&env, &[])["leeches"], serde_json::json!([]));

    // --reset brings the built-in text back, and with it the leech.
    env.run(&["edit", &key, "--reset"], "");
    assert!(env.cards(&["--search", "In my words"]).is_empty());
    assert_eq!(stats_json(&env, &[])["leeches"].as_array().unwrap().len(), 1);
}

#[test]
fn edit_keeps_the_card_when_the_editor_fails_or_the_file_is_broken() {
    let env = Env::new();
    let key = env.cards(&["--area", "sql"])[0]["id"].as_str().unwrap().to_owned();
    let before = env.cards(&["--area", "sql"])[0].clone();
    let failing = script(&env, "fail.sh", "exit 3");
    env.grill(&["edit", &key]).env("EDITOR", &failing).assert().failure().stderr(predicate::str::contains("exited"));
    let broken = script(&env, "break.sh", "sed -i 's/^prompt = .*/prompt = 5/' \"$1\"");
    env.grill(&["edit", &key])
        .env("EDITOR", &broken)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(": prompt: invalid type"));
    env.grill(&["edit", &key]).assert().failure().stderr(predicate::str::contains("set $VISUAL or $EDITOR"));
    let unchanged = script(&env, "same.sh", "true");
    env.grill(&["edit", &key])
        .env("EDITOR", &unchanged)
        .assert()
        .success()
        .stdout(predicate::str::contains("No changes"));
    assert_eq!(env.cards(&["--area", "sql"])[0], before);
}

#[test]
fn a_rewrite_survives_a_built_in_deck_resync() {
    let env = Env::new();
    let key = env.cards(&["--area", "cloud"])[0]["id"].as_str().unwrap().to_owned();
    let editor = script(&env, "reword.sh", "sed -i 's/^prompt = .*/prompt = \"My own cloud question\"/' \"$1\"");
    env.grill(&["edit", &key]).env("EDITOR", &editor).assert().success();
    // Forget the built-in fingerprint so the next start syncs every built-in deck again.
    env.sql().execute("DELETE FROM meta WHERE key = 'builtin_fingerprint'", []).unwrap();
    let card = env.cards(&["--search", "My own cloud question"]);
    assert_eq!(card.len(), 1, "the rewrite wins over the deck's text after a sync");
}
