//! `grill cram` through the real binary: what it targets, what it logs, what it leaves alone.

use crate::common::Env;
use chrono::Utc;
use grill::{DayClock, Scheduler, Store};

/// The card keys in the order the session showed them.
fn shown(out: &str) -> Vec<String> {
    out.lines()
        .filter(|l| l.contains(" · cram"))
        .map(|l| l.rsplit(" · ").next().unwrap_or_default().to_owned())
        .collect()
}

/// (kind, stability) of every review of `key`, oldest first.
fn reviews_of(env: &Env, key: &str) -> Vec<(i64, Option<f64>)> {
    env.sql()
        .prepare(
            "SELECT r.kind, r.stability FROM reviews r JOIN cards c ON c.id = r.card_id WHERE c.key = ?1 ORDER BY r.id",
        )
        .unwrap()
        .query_map([key], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn card_json(env: &Env, key: &str) -> serde_json::Value {
    env.cards(&[]).into_iter().find(|c| c["id"] == key).expect("card exists")
}

/// Replaying the whole log gives exactly the stored states (the live path used the same rules).
fn assert_replay_matches(env: &Env) {
    let store = Store::open(&env.db()).unwrap();
    let replayed = store.replayed_states(&Scheduler::default_params(), &DayClock::new(Utc, 4)).unwrap();
    assert_eq!(replayed, store.stored_states().unwrap());
}

/// Projected readiness (before, after) from the session summary, in percent.
fn before_after(out: &str) -> (f64, f64) {
    let line = out.lines().find(|l| l.contains(" before → ")).unwrap_or_else(|| panic!("no summary in:\n{out}"));
    let percent = |word: &str| -> f64 {
        line.split(' ').take_while(|w| *w != word).last().unwrap().trim_end_matches('%').parse().unwrap()
    };
    (percent("before"), percent("after"))
}

#[test]
fn cram_targets_the_weakest_card_of_the_area() {
    let mut env = Env::new();
    // Learn every testing card: the first is forgotten (and passed when it comes back).
    let decks = grill::deck::builtin_decks().expect("built-in decks parse");
    let testing = decks.iter().find(|d| d.deck.area == "testing").expect("a testing deck").cards.len();
    let mut answers = "\n1\n".to_owned() + &"\n3\n".repeat(testing);
    answers.push_str("q\n");
    env.run(&["drill", "--area", "testing", "--new", &testing.to_string()], &answers);
    let failed: String = env
        .sql()
        .query_row("SELECT c.key FROM reviews r JOIN cards c ON c.id = r.card_id WHERE r.rating = 1", [], |r| r.get(0))
        .unwrap();
    env.day(10);
    let out = env.run(&["cram", "--in", "1d", "--area", "testing", "--minutes", "10"], "q\n");
    assert_eq!(shown(&out).first(), Some(&failed), "{out}");
}

/// The header's (area, weight, cards) lines.
fn header_areas(out: &str) -> Vec<(String, f64, f64)> {
    out.lines()
        .take_while(|l| !l.starts_with("Plan:"))
        .filter(|l| l.contains(" weight "))
        .map(|l| {
            let words: Vec<&str> = l.split_whitespace().collect();
            (words[0].to_owned(), words[2].parse().unwrap(), words[4].parse().unwrap())
        })
        .collect()
}

#[test]
fn cram_targets_the_areas_that_matter_for_the_role() {
    let env = Env::new();
    env.run(&["config", "set", "languages", "python"], "");
    for role in ["platform", "data", "enterprise"] {
        let out = env.run(&["cram", "--in", "3d", "--role", role], "q\n");
        let areas = header_areas(&out);
        assert!(!areas.iter().any(|(a, _, _)| a == "java"), "java weighs nothing for a Python user:\n{out}");
        // Everything is new, so the first card comes from the area where one card is the
        // largest share of readiness: weight / cards.
        let best = areas.iter().max_by(|a, b| (a.1 / a.2).total_cmp(&(b.1 / b.2))).unwrap();
        let first = &shown(&out)[0];
        assert!(first.starts_with(&format!("{}/", best.0)), "{role}: {first} is not from {best:?}:\n{out}");
    }
    let platform = header_areas(&env.run(&["cram", "--in", "3d", "--role", "platform"], "q\n"));
    let data = header_areas(&env.run(&["cram", "--in", "3d", "--role", "data"], "q\n"));
    assert_eq!(platform[0].0, "cloud");
    assert_eq!(data[0].0, "sql");
}

#[test]
fn a_failed_card_comes_back_until_passed_and_same_day_repeats_leave_its_state_unchanged() {
    let env = Env::new();
    // Fail the first card twice, pass the others, then pass it on its third showing.
    let answers = format!("\n1\n{}\n1\n{}", "\n3\n".repeat(3), "\n3\n".repeat(4));
    let out = env.run(&["cram", "--in", "3d", "--area", "sql", "--minutes", "60"], &answers);
    let keys = shown(&out);
    let first = keys[0].clone();
    assert_eq!(keys.iter().filter(|k| **k == first).count(), 3, "{keys:?}");
    assert!(out.contains("logged only: this card's first cram answer today already counted"), "{out}");
    let log = reviews_of(&env, &first);
    assert_eq!(log.len(), 3, "every answer is logged: {log:?}");
    assert!(log.iter().all(|(kind, _)| *kind == 3), "all logged as cram: {log:?}");
    // The first answer set the state; the repeats recorded that same state.
    assert!(log.iter().all(|(_, s)| *s == log[0].1), "{log:?}");
    let state = card_json(&env, &first);
    assert_eq!(state["stability"].as_f64().map(|s| s as f32), log[0].1.map(|s| s as f32));
    assert_eq!(state["reps"], 1);
    // A second session the same day changes nothing either, but is logged.
    let out = env.run(&["cram", "--in", "3d", "--area", "sql", "--minutes", "600"], &"\n4\n".repeat(60));
    assert!(shown(&out).contains(&first), "{out}");
    assert_eq!(card_json(&env, &first), state);
    assert_eq!(reviews_of(&env, &first).len(), 4);
    assert_replay_matches(&env);
}

#[test]
fn the_next_days_first_cram_answer_is_a_real_review_again() {
    let mut env = Env::new();
    let key = shown(&env.run(&["cram", "--in", "5d", "--area", "sql", "--minutes", "1"], "\n3\n")).remove(0);
    let before = card_json(&env, &key);
    env.day(1);
    let out = env.run(&["cram", "--in", "4d", "--area", "sql", "--minutes", "600"], &"\n3\n".repeat(80));
    assert!(shown(&out).contains(&key));
    let after = card_json(&env, &key);
    assert_eq!(after["reps"], 2, "{before} -> {after}");
    assert_replay_matches(&env);
}

#[test]
fn no_reschedule_logs_every_answer_and_changes_no_state() {
    let env = Env::new();
    env.run(&["drill", "--area", "sql", "--new", "5"], &"\n3\n".repeat(5));
    let before = env.cards(&[]);
    let reviews_before: i64 = env.sql().query_row("SELECT count(*) FROM reviews", [], |r| r.get(0)).unwrap();
    let out = env.run(
        &["cram", "--in", "2d", "--area", "sql", "--minutes", "600", "--no-reschedule"],
        &format!("\n1\n{}", "\n3\n".repeat(6)),
    );
    assert!(out.contains("--no-reschedule"), "{out}");
    assert_eq!(env.cards(&[]), before, "no card's state or due date moved");
    let previews: i64 = env.sql().query_row("SELECT count(*) FROM reviews WHERE kind = 4", [], |r| r.get(0)).unwrap();
    let total: i64 = env.sql().query_row("SELECT count(*) FROM reviews", [], |r| r.get(0)).unwrap();
    assert_eq!(previews, 7);
    assert_eq!(total, reviews_before + 7);
    let (before, after) = before_after(&out);
    assert_eq!(before, after, "{out}");
    assert_replay_matches(&env);
}

#[test]
fn the_session_summary_shows_projected_readiness_before_and_after() {
    let env = Env::new();
    let out = env.run(&["cram", "--in", "3d", "--area", "behavioral", "--minutes", "600"], &"\n3\n".repeat(12));
    assert!(out.contains("Projected readiness on Thu 05 Mar: 0.0% (role-weighted recall)"), "{out}");
    let (before, after) = before_after(&out);
    assert_eq!(before, 0.0);
    // 12 of 42 cards answered Good three days before: FSRS gives each ~88% recall on the day.
    assert!(after >= 20.0, "{out}");
}

#[test]
fn cram_with_no_date_targets_the_next_interview_and_its_roles() {
    let env = Env::new();
    env.grill(&["cram"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no interview day: give --until DATE or --in 3d"));
    env.run(&["interview", "add", "Acme", "--on", "2026-03-09", "--role", "data"], "");
    env.run(&["interview", "add", "Globex", "--on", "2026-03-20"], "");
    let out = env.run(&["cram", "--minutes", "5"], "q\n");
    assert!(out.starts_with("Cram · Acme · Mon 09 Mar (in 7 days) · roles data · 5 minutes"), "{out}");
    let out = env.run(&["cram", "--until", "2026-03-04", "--minutes", "5"], "q\n");
    assert!(out.starts_with("Cram · Wed 04 Mar (in 2 days) · all areas alike"), "{out}");
}

#[test]
fn bad_dates_roles_and_areas_are_clear_errors_with_exit_code_2() {
    let env = Env::new();
    for (args, message) in [
        (&["cram", "--until", "2026-02-28"][..], "--until: 2026-02-28 is in the past (today is 2026-03-02)"),
        (&["cram", "--until", "friday"][..], "--until: \"friday\" is not a date"),
        (&["cram", "--in", "3 days"][..], "--in: \"3 days\" is not a span"),
        (&["cram", "--in", "3d", "--role", "devops"][..], "--role: unknown role \"devops\"; the roles are data,"),
        (&["cram", "--in", "3d", "--area", "cobol"][..], "--area: no cards in area \"cobol\""),
    ] {
        env.grill(args).assert().code(2).stderr(predicates::str::contains(message));
    }
    let n: i64 = env.sql().query_row("SELECT count(*) FROM reviews", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 0);
}
