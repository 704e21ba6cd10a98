//! Leaving Anki without losing a day: packages built with the `anki` library
//! (`tests/data/anki-gen/generate.py`) cover every history shape Anki's FSRS reads, both package
//! formats, default, cut-off and optimized presets; the expected states and due dates are the
//! ones Anki itself computed (`expected-*.json`), so `cargo test` needs no Python.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::common::{Env, s, states_match_replay};

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/anki").join(name)
}

fn expected(name: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(data(&format!("expected-{name}.json"))).unwrap();
    serde_json::from_str::<Value>(&text).unwrap()["cards"].as_array().unwrap().clone()
}

fn key(want: &Value) -> String {
    format!("anki:{}:{}", want["guid"].as_str().unwrap(), want["ord"])
}

fn label(want: &Value) -> String {
    format!("{} ({})", want["shape"].as_str().unwrap(), want["preset"].as_str().unwrap())
}

/// Every card's stability within 0.5% and difficulty within 0.01 of Anki's, its lapses Anki's
/// and its due date the day Anki shows; returns the mismatches.
fn compare(env: &Env, wanted: &[Value]) -> Vec<String> {
    let cards = env.cards(&[]);
    let mut wrong = Vec::new();
    for want in wanted {
        let key = key(want);
        let Some(got) = cards.iter().find(|c| c["id"] == key.as_str()) else {
            wrong.push(format!("{}: not imported", label(want)));
            continue;
        };
        match (want["stability"].as_f64(), got["stability"].as_f64()) {
            (None, None) => continue,
            (Some(ws), Some(gs)) => {
                let (wd, gd) = (want["difficulty"].as_f64().unwrap(), got["difficulty"].as_f64().unwrap());
                if (gs - ws).abs() > 0.005 * ws || (gd - wd).abs() > 0.01 {
                    wrong.push(format!("{}: S {gs} D {gd}, Anki S {ws} D {wd}", label(want)));
                }
                // Lapses come along, those before a reset or a cut-off included.
                if got["lapses"] != want["lapses"] {
                    wrong.push(format!("{}: lapses {}, Anki {}", label(want), got["lapses"], want["lapses"]));
                }
            }
            (w, g) => wrong.push(format!("{}: stability {g:?}, Anki {w:?}", label(want))),
        }
        if let Some(due) = want["due_date"].as_i64() {
            // Cards in (re)learning are due at a moment: the very second Anki had.
            if want["type"] == 1 || want["type"] == 3 {
                let anki = DateTime::<Utc>::from_timestamp(due, 0).unwrap();
                let got_at = DateTime::parse_from_rfc3339(got["due"].as_str().unwrap()).unwrap();
                if got_at != anki {
                    wrong.push(format!("{}: due {got_at}, Anki {anki}", label(want)));
                }
                continue;
            }
            let anki_day = DateTime::<Utc>::from_timestamp(due, 0).unwrap().date_naive();
            let got_day = DateTime::parse_from_rfc3339(got["due"].as_str().unwrap()).unwrap().date_naive();
            if anki_day != got_day {
                wrong.push(format!("{}: due {got_day}, Anki {anki_day}", label(want)));
            }
        }
    }
    wrong
}

#[test]
fn every_history_shape_replays_to_the_memory_state_and_due_date_anki_computed() {
    let wanted = expected("history");
    for file in ["history.apkg", "history-legacy.apkg"] {
        let env = Env::new();
        let out = env.run(&["import", s(&data(file))], "");
        let wrong = compare(&env, &wanted);
        assert!(wrong.is_empty(), "{file}:\n{}\n{out}", wrong.join("\n"));
        assert!(out.contains("7 from the SM-2 fallback"), "{file}: {out}");
        assert!(out.contains("due dates: 18 kept as Anki had them"), "{file}: {out}");
        // The log is still the source of truth: a rebuild gives the same states.
        states_match_replay(&env.db()).unwrap();
        env.run(&["rebuild"], "");
        assert!(compare(&env, &wanted).is_empty(), "{file}: after a rebuild");
    }
}

#[test]
fn suspended_and_buried_cards_in_anki_are_suspended_and_counted() {
    let env = Env::new();
    let out = env.run(&["import", s(&data("history.apkg"))], "");
    assert!(out.contains("2 card(s) suspended: suspended or buried in Anki"), "{out}");
    let wanted = expected("history");
    let cards = env.cards(&[]);
    for want in &wanted {
        let got = cards.iter().find(|c| c["id"] == key(want).as_str()).unwrap();
        let set_aside = want["queue"].as_i64().unwrap() < 0;
        assert_eq!(got["suspended"], set_aside, "{}", label(want));
    }
}

#[test]
fn optimized_preset_parameters_are_adopted_when_grill_uses_the_defaults() {
    let wanted = expected("optimized");
    for file in ["optimized.apkg", "optimized-legacy.apkg"] {
        let env = Env::new();
        let out = env.run(&["import", s(&data(file))], "");
        assert!(out.contains("adopted the optimized parameters of preset \"Optimized\""), "{file}: {out}");
        assert!(out.contains("grill config set desired_retention 0.85"), "{file}: {out}");
        let wrong = compare(&env, &wanted);
        assert!(wrong.is_empty(), "{file}:\n{}\n{out}", wrong.join("\n"));
        let (params, origin): (String, String) = env
            .sql()
            .query_row("SELECT parameters, origin FROM fsrs_parameters ORDER BY id DESC LIMIT 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert!(params.starts_with("[0.35,1.4,3.6,"), "{params}");
        assert!(origin.starts_with("anki: ") && origin.ends_with("preset \"Optimized\""), "{origin}");
        // Importing it again: the same parameters, already in use; nothing new saved.
        let out = env.run(&["import", s(&data(file))], "");
        assert!(out.contains("those of preset \"Optimized\", already in use"), "{file}: {out}");
        let rows: i64 = env.sql().query_row("SELECT count(*) FROM fsrs_parameters", [], |r| r.get(0)).unwrap();
        assert_eq!(rows, 1, "{file}");
        // The report says where the parameters in use came from.
        let html = env.dir.path().join("report.html");
        env.run(&["report", "-o", s(&html)], "");
        let page = std::fs::read_to_string(&html).unwrap();
        assert!(page.contains("FSRS parameters adopted") && page.contains("preset"), "{file}");
    }
}

#[test]
fn a_user_with_parameters_of_their_own_keeps_them_and_is_told_which_cards_used_them() {
    let env = Env::new();
    env.run(&["decks"], "");
    let mine = "[0.3,1.2,3.1,15.5,7.2,0.5,1.5,0.005,1.5,0.12,1.0,1.9,0.1,0.3,2.3,0.2,3.0,0.5,0.6,0.1,0.15]";
    env.sql()
        .execute("INSERT INTO fsrs_parameters (saved_at, parameters, reviews) VALUES (0, ?1, 500)", [mine])
        .unwrap();
    let out = env.run(&["import", s(&data("optimized.apkg"))], "");
    assert!(out.contains("kept your own"), "{out}");
    assert!(out.contains("preset(s) \"Optimized\" were replayed with them"), "{out}");
    let now: String = env
        .sql()
        .query_row("SELECT parameters FROM fsrs_parameters ORDER BY id DESC LIMIT 1", [], |r| r.get(0))
        .unwrap();
    assert_eq!(now, mine);
}

#[test]
fn a_reimport_after_more_reviews_in_anki_adds_only_those_and_moves_states_as_anki_did() {
    let before = expected("history");
    let after = expected("history-more");
    for file in ["history-more.apkg", "history-more.colpkg"] {
        let env = Env::new();
        env.run(&["import", s(&data("history.apkg"))], "");
        let out = env.run(&["import", s(&data(file))], "");
        // plain 3, starts-with-review 1, forget-then-review 1, mixed 1, straddles-cutoff 1.
        assert!(out.contains("added 7 reviews (96 already in the log)"), "{file}: {out}");
        let wrong = compare(&env, &after);
        assert!(wrong.is_empty(), "{file}:\n{}\n{out}", wrong.join("\n"));
        // The cards that gained reviews did move.
        let moved = before.iter().zip(&after).filter(|(b, a)| b["stability"] != a["stability"]).count();
        assert_eq!(moved, 5, "{file}");
        states_match_replay(&env.db()).unwrap();
    }
}

#[test]
fn reschedule_recomputes_due_dates_from_the_memory_state() {
    let env = Env::new();
    let out = env.run(&["import", "--reschedule", s(&data("history.apkg"))], "");
    assert!(out.contains("due dates: recomputed from the replayed memory states"), "{out}");
    let wrong = compare(&env, &expected("history"));
    // Memory states still match; due dates now follow them, so some differ from Anki's.
    assert!(wrong.iter().all(|w| w.contains(": due ")), "{wrong:?}");
    assert!(!wrong.is_empty());
}

#[test]
fn the_first_answer_in_grill_replaces_the_due_date_kept_from_anki() {
    let env = Env::new();
    env.run(&["import", s(&data("history.apkg"))], "");
    let plain = expected("history").into_iter().find(|c| c["shape"] == "plain").unwrap();
    let key = key(&plain);
    let due_of = |env: &Env| -> String {
        env.cards(&[]).into_iter().find(|c| c["id"] == key.as_str()).unwrap()["due"].as_str().unwrap().to_owned()
    };
    assert!(due_of(&env).starts_with("2025-01-19"), "{}", due_of(&env));
    // Anki had every imported card due in early 2025: the drill on 2026-03-02 answers them.
    let answers = "\n3\n".repeat(30) + "q\n";
    env.run(&["drill", "--area", "sql", "--new", "0", "--limit", "30"], &answers);
    let due = due_of(&env);
    assert!(due.as_str() > "2026-03-02", "{due}");
    states_match_replay(&env.db()).unwrap();
}

#[test]
fn a_dry_run_lists_the_prompt_text_beside_each_anki_id() {
    let env = Env::new();
    let out = env.run(&["import", "--dry-run", s(&data("history.apkg"))], "");
    let plain = expected("history").into_iter().find(|c| c["shape"] == "plain").unwrap();
    let line = format!("would add: What does the plain card ask?  [{}]", key(&plain));
    assert!(out.contains(&line), "{out}");
    assert!(out.contains("memory states (18 cards) would be replayed"), "{out}");
    assert_eq!(env.cards(&[]).iter().filter(|c| c["id"].as_str().unwrap().starts_with("anki:")).count(), 0);
}

#[test]
fn an_imported_card_can_be_named_by_an_id_prefix_or_words_of_its_prompt() {
    let env = Env::new();
    env.run(&["import", s(&data("history.apkg"))], "");
    let plain = expected("history").into_iter().find(|c| c["shape"] == "plain").unwrap();
    let key = key(&plain);
    // Words of the prompt, whatever the case.
    let out = env.run(&["suspend", "the PLAIN card"], "");
    assert!(out.contains(&format!("suspended {key}")), "{out}");
    // A prefix of the id (Anki's ids are awkward to quote in a shell).
    let out = env.run(&["unsuspend", key.trim_end_matches(":0")], "");
    assert!(out.contains(&format!("unsuspended {key}")), "{out}");
    // Several matches: an error naming them, nothing changed.
    let out = env.grill(&["suspend", "anki:"]).assert().code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(err.contains("matches several cards"), "{err}");
    assert!(env.cards(&[]).iter().all(|c| c["suspended"] == false || c["id"] != key.as_str()));
}

#[test]
fn a_package_mixing_default_and_optimized_presets_says_which_cards_used_which_parameters() {
    let env = Env::new();
    let out = env.run(&["import", s(&data("history.apkg")), s(&data("optimized.apkg"))], "");
    assert!(out.contains("adopted the optimized parameters of preset \"Optimized\""), "{out}");
    // 14 cards of "Default FSRS" and 4 of "Cutoff" have a memory state.
    assert!(out.contains("the 18 card(s) of presets on FSRS's default parameters were replayed with"), "{out}");
    // The adopted preset's own cards match Anki exactly.
    let wrong = compare(&env, &expected("optimized"));
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
