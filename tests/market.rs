//! `grill market` through the real binary: keeping listings, the tally, changes between periods
//! and "study next", on listings written for the tests (tests/data/listings).

use crate::common::{Env, s};
use predicates::prelude::*;

fn listing(name: &str) -> String {
    format!("{}/tests/data/listings/{name}", env!("CARGO_MANIFEST_DIR"))
}

const ALL: [&str; 5] =
    ["python-fintech.txt", "java-enterprise.txt", "go-platform.txt", "node-startup.txt", "traps.txt"];

fn add_all(env: &Env) -> String {
    let files: Vec<String> = ALL.iter().map(|n| listing(n)).collect();
    let mut args = vec!["market", "add"];
    args.extend(files.iter().map(String::as_str));
    env.run(&args, "")
}

fn review_json(env: &Env, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["market", "--json"];
    args.extend_from_slice(extra);
    serde_json::from_str(&env.run(&args, "")).unwrap()
}

fn count(review: &serde_json::Value, category: &str, term: &str) -> (u64, u64) {
    let categories = review["tally"]["categories"].as_array().unwrap();
    let cat = categories.iter().find(|c| c["id"] == category).unwrap();
    cat["terms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["term"] == term)
        .map_or((0, 0), |t| (t["listings"].as_u64().unwrap(), t["ruled_out"].as_u64().unwrap()))
}

#[test]
fn adding_listings_keeps_them_once_and_shows_what_each_mentions() {
    let env = Env::new();
    let out = add_all(&env);
    assert!(out.contains("Kept 5 new listings."), "{out}");
    assert!(
        out.contains(
            "#1 Senior Backend Engineer (Python) — Fintech, Remote (EU)\n    Python, FastAPI, Celery, SQLAlchemy"
        ),
        "{out}"
    );
    assert!(out.contains("no Live coding"), "{out}");
    let again = add_all(&env);
    assert!(again.contains("Kept 0 new listings, 5 already kept."), "{again}");
    let n: i64 = env.sql().query_row("SELECT count(*) FROM listings", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 5);
}

#[test]
fn pasted_listings_are_split_on_dash_lines() {
    let env = Env::new();
    let out = env.run(
        &["market", "add", "-"],
        "Backend dev\nPython and Django, take-home.\n---\nPlatform\nGo on k8s, live coding.\n---\n",
    );
    assert!(out.contains("Kept 2 new listings."), "{out}");
    assert!(out.contains("#2 Platform\n    Go, Kubernetes, Live coding"), "{out}");
    let list = env.run(&["market", "list"], "");
    assert!(list.contains("#1 2026-03-02 Backend dev · stdin"), "{list}");
}

#[test]
fn the_review_tallies_how_many_listings_mention_each_term() {
    let env = Env::new();
    add_all(&env);
    let review = review_json(&env, &[]);
    assert_eq!(review["tally"]["listings"], 5);
    assert_eq!(count(&review, "databases", "PostgreSQL"), (3, 0));
    assert_eq!(count(&review, "languages", "Go"), (1, 0), "good/going/Google are not Go");
    assert_eq!(count(&review, "languages", "Java"), (1, 0), "JavaScript is not Java");
    assert_eq!(count(&review, "process", "Take-home"), (2, 2));
    assert_eq!(count(&review, "process", "Live coding"), (2, 2));
    assert_eq!(count(&review, "process", "System design interview"), (3, 0));
    assert_eq!(count(&review, "remote", "Time zones"), (4, 0));
    assert_eq!(count(&review, "containers", "Kubernetes"), (2, 0));
    let text = env.run(&["market"], "");
    assert!(text.contains("Market review: 5 listings since 2026-01-31"), "{text}");
    assert!(text.contains("PostgreSQL                   3 of 5   60%"), "{text}");
    assert!(text.contains("Take-home                    2 of 5   40%  (ruled out in 2)"), "{text}");
    assert!(text.contains("once: Oracle, MongoDB"), "{text}");
    assert!(text.contains("Changes: no listings in the period before to compare with."), "{text}");
}

#[test]
fn study_next_names_in_demand_areas_where_the_score_is_low() {
    let env = Env::new();
    add_all(&env);
    // Nothing drilled: every in-demand area is "not drilled".
    let review = review_json(&env, &[]);
    let areas: Vec<&str> =
        review["study_next"].as_array().unwrap().iter().map(|s| s["area"].as_str().unwrap()).collect();
    assert!(areas.contains(&"sql") && areas.contains(&"cloud") && areas.contains(&"system-design"), "{areas:?}");
    assert!(env.run(&["market"], "").contains("not drilled: grill drill --area"));
    // Drill SQL well: it leaves the list while the others stay.
    env.run(&["drill", "--area", "sql", "--new", "60", "--limit", "60"], &"\n4\n".repeat(60));
    let review = review_json(&env, &[]);
    let after: Vec<&str> =
        review["study_next"].as_array().unwrap().iter().map(|s| s["area"].as_str().unwrap()).collect();
    assert!(!after.contains(&"sql"), "sql was drilled: {after:?}");
    assert!(after.contains(&"cloud"), "{after:?}");
}

#[test]
fn the_review_compares_with_the_period_before() {
    let mut env = Env::new();
    env.run(
        &["market", "add", "-"],
        "A\nPython, AWS\n---\nB\nPython, AWS\n---\nC\nJava, AWS\n---\nD\nPython on Azure\n",
    );
    env.day(35);
    env.run(
        &["market", "add", "-"],
        "E\nPython on Kubernetes\n---\nF\nGo, Kubernetes, AWS\n---\nG\nPython, Kubernetes\n---\nH\nRust on AWS\n",
    );
    let text = env.run(&["market", "--since", "30d"], "");
    assert!(text.contains("Market review: 4 listings since 2026-03-07"), "{text}");
    assert!(text.contains("Changes since the period before (4 listings):"), "{text}");
    assert!(text.contains("Kubernetes                 up 0% -> 75% (0 -> 3 listings)"), "{text}");
    assert!(text.contains("AWS                        down 75% -> 50% (3 -> 2 listings)"), "{text}");
    assert!(!text.contains("Azure                      down"), "a one-off is not a change: {text}");
    let all = review_json(&env, &["--since", "all"]);
    assert_eq!(all["tally"]["listings"], 8);
}

#[test]
fn bad_input_is_refused() {
    let env = Env::new();
    let empty = env.write("empty.txt", "\n---\n\n");
    env.grill(&["market", "add", s(&empty)]).assert().failure().stderr(predicate::str::contains("no listing found"));
    env.grill(&["market", "add", "/nonexistent/listing.txt"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("/nonexistent/listing.txt"));
    env.grill(&["market", "--since", "3m"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("use e.g. 30d, 6w or all"));
    assert!(env.run(&["market"], "").contains("No listings kept since 2026-01-31"));
}
