//! `grill rebuild`: the schedule is recomputed from the review log, the source of truth.

use crate::common::Env;

/// (card id, due, stability) of every card with a state.
fn schedule(env: &Env) -> Vec<(i64, i64, f64)> {
    let conn = env.sql();
    let mut stmt = conn.prepare("SELECT card_id, due, stability FROM card_state ORDER BY card_id").unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().collect::<Result<_, _>>().unwrap()
}

#[test]
fn rebuild_repairs_a_schedule_damaged_behind_grills_back() {
    let mut env = Env::new();
    env.run(&["drill", "--new", "6"], &"\n3\n\n1\n".repeat(6));
    env.day(3).run(&["drill"], &"\n3\n".repeat(10));
    let before = schedule(&env);
    assert!(before.len() >= 6, "{before:?}");
    let conn = env.sql();
    conn.execute("UPDATE card_state SET due = 0, stability = 99 WHERE card_id = ?1", [before[0].0]).unwrap();
    conn.execute("DELETE FROM card_state WHERE card_id = ?1", [before[1].0]).unwrap();
    drop(conn);

    let out = env.run(&["rebuild"], "");
    assert!(out.contains(&format!("Rebuilt the schedule of {} cards", before.len())), "{out}");
    assert!(out.contains(": 2 states changed."), "{out}");
    assert_eq!(schedule(&env), before);
    let reviews: i64 = env.sql().query_row("SELECT count(*) FROM reviews", [], |r| r.get(0)).unwrap();
    assert!(out.contains(&format!("from {reviews} reviews")), "{out}");
}

#[test]
fn rebuilding_an_intact_schedule_changes_nothing() {
    let env = Env::new();
    env.run(&["drill", "--new", "3"], &"\n4\n".repeat(3));
    let before = schedule(&env);
    let out = env.run(&["rebuild"], "");
    assert!(out.contains("Rebuilt the schedule of 3 cards from 3 reviews"), "{out}");
    assert!(out.contains(": 0 states changed."), "{out}");
    assert_eq!(schedule(&env), before);
}

#[test]
fn rebuild_is_listed_in_help() {
    let env = Env::new();
    let out = env.run(&["--help"], "");
    assert!(out.contains("rebuild"), "{out}");
}
