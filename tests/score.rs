//! `grill score` (the readiness scorecard) through the real binary, with the clock moved by
//! `GRILL_NOW`. Hand values come from the FSRS-6 forgetting curve with the default parameters:
//! a new card rated Good has stability w2 = 2.3065 days, and R(t) = (1 + F t / S)^(-0.1542)
//! with F = 0.9^(-1/0.1542) - 1.

use crate::common::Env;
use serde_json::Value;

/// The debugging deck: the smallest built-in area.
const AREA: &str = "debugging";
const AREA_CARDS: usize = 29;

fn score(env: &Env, args: &[&str]) -> Value {
    let mut all = vec!["score", "--json"];
    all.extend_from_slice(args);
    serde_json::from_str(&env.run(&all, "")).expect("score --json is JSON")
}

fn area<'a>(scorecard: &'a Value, name: &str) -> &'a Value {
    scorecard["areas"].as_array().unwrap().iter().find(|a| a["area"] == name).unwrap_or_else(|| panic!("{name}"))
}

fn score_of(scorecard: &Value, name: &str) -> f64 {
    area(scorecard, name)["score"].as_f64().unwrap()
}

/// Drills every card of [`AREA`] once, answering each with `rating`.
fn learn_area(env: &Env, rating: &str) {
    let new = AREA_CARDS.to_string();
    let out = env.run(&["drill", "--area", AREA, "--new", &new], &format!("\n{rating}\n").repeat(AREA_CARDS));
    assert!(out.contains(&format!("{AREA_CARDS} cards rated")), "{out}");
}

/// The ids of the cards reviewed at least once, in `area`.
fn reviewed(env: &Env, area: &str) -> Vec<String> {
    env.cards(&["--area", area])
        .into_iter()
        .filter(|c| !c["reps"].is_null())
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_never_seen_area_scores_1_0() {
    let env = Env::new();
    let scorecard = score(&env, &[]);
    assert_eq!(scorecard["at"], "2026-03-02T09:00:00Z");
    let areas = scorecard["areas"].as_array().unwrap();
    let builtin = grill::deck::builtin_decks().expect("built-in decks parse").len();
    assert_eq!(areas.len(), builtin, "one entry per built-in area");
    for a in areas {
        assert_eq!((a["score"].as_f64(), a["recall"].as_f64(), a["seen"].as_u64()), (Some(1.0), Some(0.0), Some(0)));
        assert!(a["retention_30d"].is_null() && a["self"].is_null() && a["gap"].is_null(), "{a}");
    }
    assert_eq!(area(&scorecard, AREA)["cards"], AREA_CARDS);
    let text = env.run(&["score"], "");
    assert!(text.contains("Readiness now · Mon 02 Mar 2026"), "{text}");
    assert!(text.lines().any(|l| l.contains(" debugging ") && l.contains("1.0") && l.contains("0/29")), "{text}");
}

#[test]
fn rating_all_of_an_areas_cards_good_raises_its_score_and_60_days_ahead_it_is_lower() {
    let mut env = Env::new();
    learn_area(&env, "3");
    env.day(1);
    let now = score(&env, &[]);
    let debugging = area(&now, AREA);
    assert_eq!((debugging["seen"].as_u64(), debugging["cards"].as_u64()), (Some(29), Some(29)));
    // Every card: S = 2.3065, one day elapsed: 1 + 4 * 0.946847 = 4.79.
    assert_eq!(debugging["score"], 4.8);
    assert_eq!(debugging["recall"], 0.95);
    assert_eq!(score_of(&now, "sql"), 1.0, "other areas are untouched");
    // 60 days on, assuming no practice: 61 days elapsed, 1 + 4 * 0.601817 = 3.41.
    let projected = score(&env, &["--in", "60d"]);
    assert_eq!(projected["at"], "2026-05-02T09:00:00Z");
    assert_eq!(score_of(&projected, AREA), 3.4);
    // --at the same day gives the same scores (recall counts whole days).
    assert_eq!(score(&env, &["--at", "2026-05-02"])["areas"], projected["areas"]);
    let text = env.run(&["score", "--in", "60d"], "");
    assert!(text.contains("in 60 days, assuming no more practice"), "{text}");
}

#[test]
fn rating_the_cards_again_lowers_the_score() {
    let mut env = Env::new();
    learn_area(&env, "3");
    // Day 2: every card is due. What day 5 would look like without this session:
    env.day(2);
    let untouched = score_of(&score(&env, &["--at", "2026-03-07"]), AREA);
    // Answer each due card Again (one card per run, so no card is shown a second time).
    for _ in 0..AREA_CARDS {
        env.run(&["drill", "--area", AREA, "--new", "0", "--limit", "1"], "\n1\n");
    }
    let lapses: u64 = env.cards(&["--area", AREA]).iter().map(|c| c["lapses"].as_u64().unwrap()).sum();
    assert_eq!(lapses, AREA_CARDS as u64, "every card was forgotten once");
    let after_again = score_of(&score(&env, &["--at", "2026-03-07"]), AREA);
    assert!(after_again < untouched, "{after_again} < {untouched}");
    env.day(5);
    assert_eq!(score_of(&score(&env, &[]), AREA), after_again);
}

#[test]
fn suspended_cards_do_not_count() {
    let env = Env::new();
    env.run(&["drill", "--area", AREA, "--new", "3"], &"\n3\n".repeat(3));
    let before = area(&score(&env, &[]), AREA).clone();
    assert_eq!((before["cards"].as_u64(), before["seen"].as_u64()), (Some(29), Some(3)));
    // A seen card suspended leaves both counts. Recall today is 1 per seen card: 2/28.
    let seen = reviewed(&env, AREA);
    env.run(&["suspend", &seen[0]], "");
    let one_less = area(&score(&env, &[]), AREA).clone();
    assert_eq!((one_less["cards"].as_u64(), one_less["seen"].as_u64()), (Some(28), Some(2)));
    assert_eq!(one_less["recall"], 0.07);
    // Unseen cards suspended raise the mean: they no longer count as 0. 2/24:
    let unseen: Vec<String> = env
        .cards(&["--area", AREA])
        .into_iter()
        .filter(|c| c["reps"].is_null() && c["suspended"] == false)
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    for id in &unseen[..4] {
        env.run(&["suspend", id], "");
    }
    let after = area(&score(&env, &[]), AREA).clone();
    assert_eq!((after["cards"].as_u64(), after["seen"].as_u64()), (Some(24), Some(2)));
    assert_eq!(after["recall"], 0.08);
}

/// Five new sql cards learned on day 0, two more and reviews on day 9; the clock on day 20.
fn sql_drilled_then_day_20() -> Env {
    let mut env = Env::new();
    env.run(&["drill", "--area", "sql", "--new", "5"], &"\n3\n".repeat(5));
    env.day(9);
    env.run(&["drill", "--area", "sql", "--new", "2"], "\n3\n\n1\n\n3\n\n3\n\n4\n\n3\n\n3\n\n3\n");
    env.day(20);
    env
}

#[test]
fn the_history_of_a_past_week_equals_the_scorecard_at_that_date() {
    let env = sql_drilled_then_day_20();
    let history: Value = serde_json::from_str(&env.run(&["score", "--history", "--weeks", "4", "--json"], "")).unwrap();
    let weeks = history["weeks"].as_array().unwrap();
    let dates: Vec<&str> = weeks.iter().map(|w| w["date"].as_str().unwrap()).collect();
    assert_eq!(dates, ["2026-03-01", "2026-03-08", "2026-03-15", "2026-03-22"]);
    assert_eq!(weeks[3]["at"], "2026-03-22T09:00:00Z", "the last point is now");
    for week in &weeks[..3] {
        let at = score(&env, &["--at", week["date"].as_str().unwrap()]);
        assert_eq!(week["at"], at["at"]);
        for a in week["areas"].as_array().unwrap() {
            assert_eq!(a["score"], area(&at, a["area"].as_str().unwrap())["score"], "{} {}", week["date"], a["area"]);
        }
    }
    let sql: Vec<f64> = weeks.iter().map(|w| score_of(w, "sql")).collect();
    assert_eq!(sql[0], 1.0, "nothing was learned before day 0");
    assert!(sql[1] > 1.0 && sql[2] > 1.0, "{sql:?}");
    let text = env.run(&["score", "--history", "--weeks", "4", "--area", "sql"], "");
    assert!(text.contains("01 Mar 2026 to 22 Mar 2026"), "{text}");
    let row = text.lines().find(|l| l.contains(" sql ")).expect("a row for sql");
    assert!(row.contains(&format!("{:.1}", sql[3])), "{row}");
    assert!(!text.contains("python"), "--area narrows the history: {text}");
}

/// The weekly history, each past point checked against `score --at` that date (which replays
/// the whole log): returns the history and how many past days `recall_days` holds.
pub(crate) fn checked_history(env: &Env) -> (Value, i64) {
    let history: Value = serde_json::from_str(&env.run(&["score", "--history", "--weeks", "4", "--json"], "")).unwrap();
    let weeks = history["weeks"].as_array().unwrap();
    for week in &weeks[..3] {
        let at = score(env, &["--at", week["date"].as_str().unwrap()]);
        for a in week["areas"].as_array().unwrap() {
            assert_eq!(a["score"], area(&at, a["area"].as_str().unwrap())["score"], "{} {}", week["date"], a["area"]);
        }
    }
    let stored = env.sql().query_row("SELECT count(*) FROM recall_days", [], |r| r.get(0)).unwrap();
    (history, stored)
}

#[test]
fn past_days_of_the_history_are_stored_and_follow_what_changes_them() {
    let mut env = sql_drilled_then_day_20();
    let (first, stored) = checked_history(&env);
    assert_eq!(stored, 21, "every day from the oldest point (day -1) to yesterday (day 19)");
    let (again, stored) = checked_history(&env);
    assert_eq!((&again, stored), (&first, 21), "read back: the same figures");
    env.day(21);
    let (before, stored) = checked_history(&env);
    assert_eq!(stored, 22, "the next day adds one day");
    // A suspended card leaves every area's past; the stored days go with it.
    let card = reviewed(&env, "sql").remove(0);
    env.run(&["suspend", &card], "");
    assert_eq!(env.sql().query_row("SELECT count(*) FROM recall_days", [], |r| r.get::<_, i64>(0)).unwrap(), 0);
    let (suspended, _) = checked_history(&env);
    assert_ne!(suspended, before, "the suspended card no longer counts");
    // Days that start at another hour are other days: the stored ones are not used.
    std::fs::write(env.config(), "day_rollover_hour = 11\n").unwrap();
    let (moved, stored) = checked_history(&env);
    assert_eq!(stored, 21, "days -1 to 19 of the new day start (today began at 11:00 on day 20)");
    let at: Vec<&Value> = moved["weeks"].as_array().unwrap().iter().map(|w| &w["at"]).collect();
    assert_eq!(at[0], "2026-03-02T10:59:59.999Z", "{at:?}");
}

#[test]
fn a_self_assessment_is_shown_with_its_gap_and_every_rating_is_kept() {
    let mut env = Env::new();
    let out = env.run(&["score", "set", "SQL", "4"], "");
    assert!(out.contains("sql: your rating 4 recorded (measured now: 1.0, gap +3.0)"), "{out}");
    env.day(3);
    env.run(&["score", "set", "remote communication", "2"], "");
    env.run(&["score", "set", "sql", "3"], "");
    env.run(&["score", "set", "language-depth", "5"], "");
    let now = score(&env, &[]);
    assert_eq!(area(&now, "sql")["self"]["score"], 3);
    assert_eq!(area(&now, "sql")["self"]["at"], "2026-03-05T09:00:00Z");
    assert_eq!(area(&now, "sql")["gap"], 2.0);
    assert_eq!(area(&now, "behavioral")["self"]["score"], 2);
    let dimension = |id: &str| now["dimensions"].as_array().unwrap().iter().find(|d| d["dimension"] == id).unwrap();
    assert_eq!(dimension("remote-communication")["self"]["score"], 2);
    assert_eq!(dimension("language-depth")["self"]["score"], 5);
    assert_eq!(dimension("language-depth")["gap"], 4.0);
    // The earlier rating is still there: the scorecard of 3 March shows it.
    assert_eq!(area(&score(&env, &["--at", "2026-03-03"]), "sql")["self"]["score"], 4);
    let rows: i64 = env.sql().query_row("SELECT count(*) FROM self_assessments", [], |r| r.get(0)).unwrap();
    assert_eq!(rows, 4);
    let text = env.run(&["score", "--area", "sql"], "");
    let row = text.lines().find(|l| l.contains(" sql ")).unwrap();
    assert!(row.contains("3 (05 Mar)") && row.contains("+2.0"), "{row}");
}

#[test]
fn language_depth_is_the_best_of_the_configured_languages() {
    let env = Env::new();
    env.run(&["drill", "--area", "python", "--new", "3"], &"\n3\n".repeat(3));
    let depth = |scorecard: &Value| {
        scorecard["dimensions"].as_array().unwrap().iter().find(|d| d["dimension"] == "language-depth").unwrap().clone()
    };
    let all = depth(&score(&env, &[]));
    assert_eq!(all["area"], "python");
    assert_eq!(all["from"], serde_json::json!(["java", "python"]));
    std::fs::write(env.config(), "languages = [\"java\"]\n").unwrap();
    let java = depth(&score(&env, &[]));
    assert_eq!((java["area"].as_str(), java["score"].as_f64()), (Some("java"), Some(1.0)));
}

#[test]
fn the_json_has_the_documented_fields() {
    let env = Env::new();
    let scorecard = score(&env, &["--area", "sql"]);
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&scorecard), ["areas", "at", "dimensions"]);
    assert_eq!(
        keys(&scorecard["areas"][0]),
        ["area", "cards", "gap", "passes_30d", "recall", "retention_30d", "reviews_30d", "score", "seen", "self"]
    );
    assert_eq!(scorecard["areas"].as_array().unwrap().len(), 1, "--area narrows the scorecard");
    assert_eq!(scorecard["dimensions"], serde_json::json!([]));
    let full = score(&env, &[]);
    assert_eq!(keys(&full["dimensions"][0]), ["area", "dimension", "from", "gap", "label", "score", "self"]);
}

#[test]
fn the_drill_summary_shows_the_score_before_and_after_for_the_areas_touched() {
    let env = Env::new();
    let out = env.run(&["drill", "--area", "sql", "--new", "2"], "\n3\n\n3\n");
    assert!(out.contains("readiness  before  after  tomorrow"), "{out}");
    // 2 of 57 sql cards: recall 2/57 now (1 + 4 * 0.035 = 1.14) and tomorrow (1 + 4 * 0.033 = 1.13).
    let rows: Vec<Vec<&str>> = out
        .lines()
        .skip_while(|l| !l.starts_with("readiness"))
        .skip(1)
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(rows, [["sql", "1.0", "1.1", "1.1"]], "only the areas touched: {out}");
    // A session that rates nothing shows no readiness.
    let out = env.run(&["drill", "--area", "sql", "--new", "1"], "q\n");
    assert!(!out.contains("readiness"), "{out}");
}

#[test]
fn bad_input_is_refused_with_a_clear_error_and_exit_code_2() {
    let env = Env::new();
    let refused = |args: &[&str], message: &str| {
        env.grill(args).assert().code(2).stderr(predicates::str::contains(message));
    };
    refused(&["score", "--at", "next friday"], "is not a date (YYYY-MM-DD");
    refused(&["score", "--at", "2026-02-30"], "is not a date");
    refused(&["score", "--in", "5x"], "is not a span");
    refused(&["score", "--in", "5d", "--at", "2026-03-09"], "cannot be used with");
    refused(&["score", "--weeks", "3"], "--history");
    refused(&["score", "--history", "--weeks", "0"], "0 is not in 1..=520");
    refused(&["score", "set", "sql", "6"], "6 is not in 1..=5");
    refused(&["score", "set", "kubernetes", "3"], "\"kubernetes\" is not an area; known: api-design, behavioral");
    refused(&["score", "--area", "nosuch"], "--area: no cards in area \"nosuch\"");
    let rows: i64 = env.sql().query_row("SELECT count(*) FROM self_assessments", [], |r| r.get(0)).unwrap();
    assert_eq!(rows, 0, "nothing was written");
}
