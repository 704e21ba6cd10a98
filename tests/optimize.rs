//! `grill optimize` through the real binary, on a review log drawn from known parameters.

use crate::common::Env;
use chrono::{TimeZone, Utc};
use grill::scheduler::synthetic::{Learner, history};
use grill::{DayClock, Scheduler, Store};

/// A learner whose memory differs from the average user's.
const TRUE_PARAMETERS: [f32; 21] =
    [0.8, 3.0, 6.0, 20.0, 6.0, 0.6, 2.0, 0.01, 1.4, 0.12, 1.1, 1.8, 0.1, 0.35, 1.4, 0.4, 2.5, 0.5, 0.1, 0.1, 0.35];

fn clock() -> DayClock<Utc> {
    DayClock::new(Utc, 4)
}

/// Ten months of reviews of every built-in card (ending a few days before the test's "now"),
/// written straight into the log, then card states rebuilt as grill would have them.
pub(crate) fn long_history(env: &Env) -> usize {
    env.run(&["decks"], "");
    let mut conn = env.sql();
    let ids: Vec<i64> = conn
        .prepare("SELECT id FROM cards ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let learner = Learner { parameters: &TRUE_PARAMETERS, cards: ids.len(), start_spread: 60, days: 300, seed: 7 };
    let log = history(&learner, Utc.with_ymd_and_hms(2025, 5, 1, 9, 0, 0).unwrap()).unwrap();
    let tx = conn.transaction().unwrap();
    let mut n = 0;
    for (card, reviews) in &log {
        for r in reviews {
            tx.execute(
                "INSERT INTO reviews (card_id, at, rating, kind, duration_ms) VALUES (?1, ?2, ?3, ?4, 75000)",
                (ids[*card as usize], r.at.timestamp_millis(), r.rating as i64, r.kind as i64),
            )
            .unwrap();
            n += 1;
        }
    }
    tx.commit().unwrap();
    Store::open(&env.db()).unwrap().rebuild_states(&Scheduler::default_params(), &clock()).unwrap();
    n
}

fn saved_rows(env: &Env) -> Vec<(String, Option<f64>, Option<f64>)> {
    env.sql()
        .prepare("SELECT parameters, log_loss_default, log_loss FROM fsrs_parameters ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// Stored card states equal a replay of the log with `parameters`.
fn states_follow(env: &Env, parameters: &[f32]) -> bool {
    let store = Store::open(&env.db()).unwrap();
    let scheduler = Scheduler::new(parameters, 0.9).unwrap();
    store.stored_states().unwrap() == store.replayed_states(&scheduler, &clock()).unwrap()
}

#[test]
fn too_few_reviews_are_explained_and_the_defaults_stay() {
    let env = Env::new();
    env.run(&["drill", "--new", "3"], "\n3\n\n3\n\n3\n");
    let out = env.run(&["optimize"], "");
    assert!(out.contains("Not enough reviews to fit your own parameters yet: 0 usable reviews, 400 needed"), "{out}");
    assert!(saved_rows(&env).is_empty());
    assert!(out.contains("Desired retention"), "the workload is shown anyway:\n{out}");
}

#[test]
fn a_long_history_is_fitted_compared_and_kept_only_when_better() {
    let env = Env::new();
    let reviews = long_history(&env);
    assert!(reviews > 1500, "{reviews}");

    let dry = env.run(&["optimize", "--dry-run"], "");
    assert!(dry.contains("log-loss") && dry.contains("RMSE (bins)"), "{dry}");
    assert!(dry.contains("default") && dry.contains("fitted now"), "{dry}");
    assert!(dry.contains("not saved (--dry-run)"), "{dry}");
    assert!(saved_rows(&env).is_empty(), "a dry run saves nothing");

    let out = env.run(&["optimize"], "");
    assert!(out.contains("Kept"), "{out}");
    let rows = saved_rows(&env);
    assert_eq!(rows.len(), 1);
    let (json, default_loss, fitted_loss) = &rows[0];
    assert!(fitted_loss.unwrap() < default_loss.unwrap(), "{rows:?}");
    let fitted: Vec<f32> = serde_json::from_str(json).unwrap();
    assert_eq!(fitted.len(), 21);
    assert_ne!(fitted, fsrs::DEFAULT_PARAMETERS.to_vec());
    // The same numbers the command printed.
    let printed = format!("{:.4}", fitted_loss.unwrap());
    assert!(out.lines().any(|l| l.trim_start().starts_with("fitted now") && l.contains(&printed)), "{out}");
    assert!(states_follow(&env, &fitted), "saving replays every card with the new parameters");
    assert!(!states_follow(&env, &[]));

    // The same history again: nothing better to keep.
    let again = env.run(&["optimize"], "");
    assert!(again.contains("in use (fitted 2026-03-02)"), "{again}");
    assert!(again.contains("Not kept"), "{again}");
    assert_eq!(saved_rows(&env).len(), 1);

    // From now on they schedule every answer.
    let mut env = env;
    env.day(1).run(&["drill", "--new", "2"], &"\n3\n".repeat(30));
    assert!(states_follow(&env, &fitted));

    let reset = env.run(&["optimize", "--reset"], "");
    assert!(reset.contains("Back to the default FSRS-6 parameters"), "{reset}");
    assert_eq!(saved_rows(&env).last().unwrap().0, "[]");
    assert!(states_follow(&env, &[]));
    assert!(env.run(&["optimize", "--reset"], "").contains("Already using the default"));
}

/// The answers-per-day column of the workload table, by retention.
fn workload(out: &str) -> Vec<(String, f64)> {
    out.lines()
        .map(str::trim)
        .filter(|l| l.starts_with("0.") && l.len() > 10)
        .map(|l| {
            let cells: Vec<&str> = l.split_whitespace().filter(|c| *c != "(yours)").collect();
            (cells[0].to_owned(), cells[1].parse().unwrap())
        })
        .collect()
}

#[test]
fn the_workload_table_compares_four_desired_retentions_and_marks_yours() {
    let env = Env::new();
    long_history(&env);
    std::fs::write(env.config(), "desired_retention = 0.85\n").unwrap();
    let out = env.run(&["optimize", "--dry-run"], "");
    assert!(out.contains("`desired_retention` in config.toml (now 0.85)"), "{out}");
    assert!(out.contains("0.85 (yours)"), "{out}");
    let rows = workload(&out);
    assert_eq!(rows.iter().map(|(r, _)| r.as_str()).collect::<Vec<_>>(), ["0.80", "0.85", "0.90", "0.95"], "{out}");
    assert!(rows.windows(2).all(|w| w[1].1 > w[0].1), "more retention, more answers: {rows:?}");
    assert!(out.contains("1:15 per answer (your median answer time)"), "{out}");
}
