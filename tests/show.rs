//! `grill show CARD`, how a card is named on the command line (id, the start of one, prompt
//! text), and the card browser's filters.

use crate::common::Env;

fn ids(cards: &[serde_json::Value]) -> Vec<String> {
    cards.iter().map(|c| c["id"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn show_prints_the_whole_card_its_schedule_and_its_answers() {
    let env = Env::new();
    let out = env.run(&["show", "sql/left-join-filter-placement"], "");
    for part in ["sql/left-join-filter-placement · deck sql · area sql", "Prompt", "Key points", "Example (sql)"] {
        assert!(out.contains(part), "{part}: {out}");
    }
    assert!(out.contains("Follow-ups") && out.contains("new: not answered yet"), "{out}");
    assert!(!out.contains("History"), "{out}");
    // After an answer the schedule and the history show it.
    env.run(&["drill", "--area", "sql", "--limit", "1"], "\n3\n");
    let answered: Vec<String> =
        env.cards(&[]).iter().filter(|c| !c["reps"].is_null()).map(|c| c["id"].as_str().unwrap().to_owned()).collect();
    let out = env.run(&["show", &answered[0]], "");
    assert!(out.contains("History") && out.contains("good  learn"), "{out}");
    assert!(out.contains("due 2026-03-0") && out.contains("1 reviews, 0 lapses"), "{out}");
}

#[test]
fn a_card_is_named_by_its_id_the_start_of_it_or_its_prompt_text() {
    let env = Env::new();
    // The start of exactly one id.
    let out = env.run(&["show", "sql/left-join-f"], "");
    assert!(out.starts_with("sql/left-join-filter-placement"), "{out}");
    // Text of exactly one prompt.
    let out = env.run(&["suspend", "classic mistake people make when filtering a LEFT JOIN"], "");
    assert_eq!(out.trim(), "suspended sql/left-join-filter-placement");
    // Several matches and none are input errors that say what to do.
    env.grill(&["show", "sql/"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("grill: CARD: \"sql/\" matches several cards: sql/"));
    for command in ["show", "suspend", "unsuspend", "edit"] {
        env.grill(&[command, "nosuchcard"])
            .assert()
            .code(2)
            .stderr(predicates::str::contains("grill: CARD: no card \"nosuchcard\""));
    }
}

#[test]
fn the_card_browser_filters_due_new_suspended_and_leeches() {
    let mut env = Env::new();
    env.run(&["drill", "--new", "2"], "\n3\n\n3\n");
    // Suspend a card never answered, so both answered ones stay in the drill.
    let never = env.cards(&["--new"]).into_iter().find(|c| c["id"] != "sql/left-join-filter-placement").unwrap();
    let never = never["id"].as_str().unwrap().to_owned();
    env.run(&["suspend", &never], "");
    let all = env.cards(&[]).len();
    assert!(all > 300);
    let suspended = ids(&env.cards(&["--suspended"]));
    assert!(suspended.contains(&never), "{suspended:?}");
    assert!(env.cards(&["--suspended"]).iter().all(|c| c["suspended"] == true));
    let new = env.cards(&["--new"]);
    assert!(new.iter().all(|c| c["reps"].is_null()) && new.len() == all - 2, "{}", new.len());
    assert!(env.cards(&["--due"]).is_empty(), "nothing is due on the first day");
    env.day(30);
    let due = env.cards(&["--due"]);
    assert_eq!(due.len(), 2, "the two answered cards are due a month later");
    assert!(env.cards(&["--leeches"]).is_empty());
    let out = env.run(&["cards", "--leeches"], "");
    assert_eq!(out.trim(), "No cards match.");
}

#[test]
fn show_lists_the_notes_typed_in_the_drill() {
    let env = Env::new();
    env.run(&["drill", "--area", "sql", "--limit", "1"], "inner join drops unmatched rows\n3\n");
    let answered = env.cards(&[]).into_iter().find(|c| !c["reps"].is_null()).unwrap();
    let out = env.run(&["show", answered["id"].as_str().unwrap()], "");
    assert!(out.contains("What you wrote") && out.contains("inner join drops unmatched rows"), "{out}");
}
