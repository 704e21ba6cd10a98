//! The interview log through the real binary: `grill log add` (scripted), `grill log`,
//! `grill log show`, and `grill gaps` on a temp database.

use crate::common::Env;
use chrono::Utc;
use grill::{DayClock, Scheduler, Store};
use predicates::prelude::*;

const ACME: &str = "\
# first round
sql:indexes,query-plans 2 How would you index a range query on created_at?
python 3 What does the GIL protect?

system-design again Design a rate limiter for a public API
";

fn log_acme(env: &Env) -> String {
    env.run(
        &["log", "add", "--company", "Acme Corp", "--on", "2026-02-20", "--role", "product", "--format", "live-coding"],
        ACME,
    )
}

fn count(env: &Env, sql: &str) -> i64 {
    env.sql().query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn logging_an_interview_turns_each_question_into_a_card_reviewed_as_an_interview() {
    let env = Env::new();
    let out = log_acme(&env);
    assert!(out.contains("Logged interview #1: Acme Corp, 2026-02-20, product, live-coding: 3 questions"), "{out}");
    let cards = env.cards(&["--deck", "interviews"]);
    let ids: Vec<&str> = cards.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        ["interviews/acme-corp-2026-02-20-1", "interviews/acme-corp-2026-02-20-2", "interviews/acme-corp-2026-02-20-3"]
    );
    let areas: Vec<&str> = cards.iter().map(|c| c["area"].as_str().unwrap()).collect();
    assert_eq!(areas, ["sql", "python", "system-design"]);
    assert_eq!(cards[0]["prompt"], "How would you index a range query on created_at?");
    assert!(cards.iter().all(|c| c["reps"] == 1), "each rating is a real review: {cards:?}");
    // The ratings are in the review log as interview reviews (kind 5), dated on the interview day.
    let conn = env.sql();
    let mut stmt = conn.prepare("SELECT rating, kind, at FROM reviews ORDER BY card_id").unwrap();
    let rows: Vec<(i64, i64, i64)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(Result::unwrap).collect();
    let noon = chrono::DateTime::parse_from_rfc3339("2026-02-20T12:00:00Z").unwrap().timestamp_millis();
    assert_eq!(rows, vec![(2, 5, noon), (3, 5, noon), (1, 5, noon)]);
    let tags: String = conn.query_row("SELECT tags FROM cards WHERE key LIKE '%-1'", [], |r| r.get(0)).unwrap();
    assert_eq!(tags, r#"["indexes","query-plans"]"#);
}

#[test]
fn interview_reviews_replay_to_exactly_the_stored_states() {
    let env = Env::new();
    log_acme(&env);
    env.run(&["log", "add", "--company", "Globex", "--role", "data", "--format", "mixed"], "sql 4 What is MVCC?\n");
    let store = Store::open(&env.db()).unwrap();
    let replayed = store.replayed_states(&Scheduler::default_params(), &DayClock::new(Utc, 4)).unwrap();
    assert_eq!(replayed, store.stored_states().unwrap());
    assert_eq!(replayed.len(), 4);
}

#[test]
fn a_question_answered_badly_is_due_in_the_drill_at_once() {
    let env = Env::new();
    log_acme(&env);
    let cards = env.cards(&["--deck", "interviews"]);
    let due = |i: usize| chrono::DateTime::parse_from_rfc3339(cards[i]["due"].as_str().unwrap()).unwrap();
    let now = chrono::DateTime::parse_from_rfc3339(&env.now).unwrap();
    assert!(due(2) <= now, "Again comes back at once");
    assert!(due(1) > due(0), "Good waits longer than Hard");
    let drill = env.run(&["drill", "--area", "system-design", "--new", "0"], "q\n");
    assert!(drill.contains("interviews/acme-corp-2026-02-20-3"), "{drill}");
}

#[test]
fn questions_can_be_given_as_flags() {
    let env = Env::new();
    let out = env.run(
        &[
            "log",
            "add",
            "--company",
            "Initech",
            "--role",
            "enterprise",
            "--format",
            "system-design",
            "--question",
            "java:jvm hard How does G1 work?",
            "--question",
            "sql 3 What is a covering index?",
        ],
        "this stdin is not read\n",
    );
    assert!(out.contains("2 questions"), "{out}");
    assert_eq!(env.cards(&["--deck", "interviews"]).len(), 2);
}

#[test]
fn two_interviews_with_one_company_on_one_day_get_distinct_stable_card_ids() {
    let env = Env::new();
    let args = ["log", "add", "--company", "Acme", "--role", "product", "--format", "mixed"];
    env.run(&args, "sql 3 First?\nsql 3 Second?\n");
    env.run(&args, "sql 3 Third?\n");
    let ids: Vec<String> =
        env.cards(&["--deck", "interviews"]).iter().map(|c| c["id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(ids, ["interviews/acme-2026-03-02-1", "interviews/acme-2026-03-02-2", "interviews/acme-2026-03-02-3"]);
}

#[test]
fn a_bad_question_line_names_the_line_and_field_and_logs_nothing() {
    let env = Env::new();
    env.grill(&["log", "add", "--company", "Acme", "--role", "product", "--format", "mixed"])
        .write_stdin("sql 3 Fine?\npython 7 Broken rating?\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("stdin:2: rating: \"7\" is not a rating"));
    env.grill(&["log", "add", "--company", "Acme", "--role", "product", "--format", "mixed"])
        .write_stdin("kubernetes 3 Not an area?\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "stdin:1: area: \"kubernetes\" is not an area; known: api-design, behavioral",
        ));
    assert_eq!(count(&env, "SELECT count(*) FROM interviews"), 0);
    assert_eq!(count(&env, "SELECT count(*) FROM reviews"), 0);
    assert!(env.cards(&["--deck", "interviews"]).is_empty());
}

#[test]
fn missing_flags_bad_values_and_no_questions_are_usage_errors() {
    let env = Env::new();
    env.grill(&["log", "add", "--company", "Acme"])
        .write_stdin("sql 3 Q?\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--role, --format required"));
    env.grill(&["log", "add", "--company", "A", "--role", "backend", "--format", "mixed"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a role type"));
    env.grill(&["log", "add", "--company", "A", "--role", "data", "--format", "panel"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("live-coding, take-home, system-design, behavioral, mixed"));
    env.grill(&["log", "add", "--company", "A", "--role", "data", "--format", "mixed"])
        .write_stdin("\n# nothing\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no questions"));
    env.grill(&["log", "add", "--company", "A", "--role", "data", "--format", "mixed", "--on", "2026-03-09"])
        .write_stdin("sql 3 Q?\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("in the future"));
    assert_eq!(count(&env, "SELECT count(*) FROM interviews"), 0);
}

#[test]
fn log_lists_interviews_and_show_gives_each_question() {
    let env = Env::new();
    assert!(env.run(&["log"], "").contains("No interviews logged yet"));
    log_acme(&env);
    let list = env.run(&["log"], "");
    assert!(list.contains("2026-02-20") && list.contains("Acme Corp") && list.contains("live-coding"), "{list}");
    let show = env.run(&["log", "show", "1"], "");
    assert!(show.starts_with("#1 Acme Corp · 2026-02-20 · product · live-coding\n"), "{show}");
    assert!(
        show.contains(" 1. [hard] sql (indexes, query-plans): How would you index a range query on created_at?"),
        "{show}"
    );
    assert!(show.contains("answer not written yet: grill edit interviews/acme-corp-2026-02-20-1"), "{show}");
    assert!(show.contains(" 3. [again] system-design: Design a rate limiter"), "{show}");
    env.grill(&["log", "show", "9"]).assert().failure().stderr(predicate::str::contains("no interview #9"));
}

#[test]
fn an_area_answered_badly_in_two_interviews_is_a_gap_with_cards_to_drill() {
    let env = Env::new();
    assert!(env.run(&["gaps"], "").contains("No recurring gaps in 0 logged interviews"));
    log_acme(&env);
    env.run(
        &["log", "add", "--company", "Globex", "--role", "data", "--format", "mixed"],
        "sql:indexes 1 Why is this query not using the index?\npython 4 Generators?\n",
    );
    let out = env.run(&["gaps"], "");
    assert!(out.contains("again/hard in 2 interviews: Acme Corp 2026-02-20, Globex 2026-03-02"), "{out}");
    let gaps: Vec<serde_json::Value> = serde_json::from_str(&env.run(&["gaps", "--json"], "")).unwrap();
    let subjects: Vec<String> = gaps
        .iter()
        .map(|g| format!("{}:{}", g["subject"]["kind"].as_str().unwrap(), g["subject"]["name"].as_str().unwrap()))
        .collect();
    assert_eq!(subjects, ["area:sql", "tag:indexes"]);
    let cards: Vec<&str> = gaps[0]["cards"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
    assert_eq!(&cards[..2], ["interviews/acme-corp-2026-02-20-1", "interviews/globex-2026-03-02-1"]);
    assert!(cards[2..].iter().all(|c| c.starts_with("sql/")), "{cards:?}");
    // The drill cards come first from the tags the bad questions carry.
    let index_cards: Vec<serde_json::Value> = env.cards(&["--deck", "sql", "--search", "indexes"]);
    assert!(index_cards.iter().any(|c| c["id"] == cards[2]), "{} is not an index card", cards[2]);
    assert!(out.contains("`grill cram --gaps` drills these"), "{out}");
}

#[test]
fn interviews_much_worse_than_the_drill_are_a_gap() {
    let mut env = Env::new();
    // Six SQL cards drilled and answered easily...
    env.run(&["drill", "--area", "sql", "--new", "6"], &"\n4\n".repeat(6));
    env.day(1);
    // ...but both SQL questions of one interview went badly.
    env.run(
        &["log", "add", "--company", "Hooli", "--role", "product", "--format", "mixed"],
        "sql 1 Isolation levels?\nsql 2 Deadlocks?\n",
    );
    let gaps: Vec<serde_json::Value> = serde_json::from_str(&env.run(&["gaps", "--json"], "")).unwrap();
    assert_eq!(gaps.len(), 1, "{gaps:#?}");
    assert_eq!(gaps[0]["subject"]["name"], "sql");
    assert_eq!(gaps[0]["worse_than_drill"], true);
    assert_eq!(gaps[0]["recurring"], false);
    assert_eq!(gaps[0]["drill_mean"], 4.0);
    assert_eq!(gaps[0]["interview_mean"], 1.5);
    assert!(env.run(&["gaps"], "").contains(
        "interviews 1.5 vs drill 4.0 on the 1-4 scale (2 questions, 6 drill answers): much worse in interviews"
    ));
}

#[test]
fn cram_gaps_drills_exactly_the_cards_the_gaps_name() {
    let env = Env::new();
    log_acme(&env);
    env.run(
        &["log", "add", "--company", "Globex", "--role", "data", "--format", "mixed"],
        "sql:indexes 1 Why is the index not used?\n",
    );
    let gaps: Vec<serde_json::Value> = serde_json::from_str(&env.run(&["gaps", "--json"], "")).unwrap();
    let mut wanted: Vec<String> = gaps
        .iter()
        .flat_map(|g| g["cards"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_owned()))
        .collect();
    wanted.sort();
    wanted.dedup();
    let out = env.run(&["cram", "--gaps", "--minutes", "240"], &"\n3\n".repeat(40));
    assert!(out.contains("Done: every planned card answered"), "{out}");
    let conn = env.sql();
    let mut stmt = conn
        .prepare(
            "SELECT DISTINCT c.key FROM reviews r JOIN cards c ON c.id = r.card_id WHERE r.kind = 3 ORDER BY c.key",
        )
        .unwrap();
    let crammed: Vec<String> = stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
    assert_eq!(crammed, wanted);
}

#[test]
fn cram_gaps_without_gaps_says_so() {
    let env = Env::new();
    let out = env.run(&["cram", "--gaps"], "");
    assert!(out.contains("`grill gaps` names no cards"), "{out}");
}

#[test]
fn after_an_interviews_day_the_drill_offers_the_prefilled_log_line_until_it_is_logged() {
    let mut env = Env::new();
    env.run(&["interview", "add", "Acme", "--on", "2026-03-04", "--role", "platform"], "");
    let before = env.run(&["drill", "--limit", "1"], "q\n");
    assert!(!before.contains("log the questions"), "not before the day: {before}");
    env.day(3);
    let out = env.run(&["drill", "--limit", "1"], "q\n");
    let line = "grill log add --company \"Acme\" --on 2026-03-04 --role platform";
    assert!(out.contains("Your interview \"Acme\" was on Wed 04 Mar") && out.contains(line), "{out}");
    // Once logged, the nudge is gone.
    env.run(
        &["log", "add", "--company", "Acme", "--on", "2026-03-04", "--role", "platform", "--format", "mixed"],
        "sql 3 What is MVCC?\n",
    );
    let out = env.run(&["drill", "--limit", "1"], "q\n");
    assert!(!out.contains("log the questions"), "{out}");
}

#[test]
fn a_missing_interview_is_bad_input() {
    let env = Env::new();
    env.grill(&["log", "show", "9"]).assert().code(2).stderr(predicates::str::contains("grill: ID: no interview #9"));
    env.grill(&["interview", "remove", "99"]).assert().code(2);
}
