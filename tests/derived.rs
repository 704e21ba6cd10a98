//! The derived tables behind readiness and the daily figures (migrations 0012 and 0014) equal
//! their from-scratch definition after every kind of write, through the real binary: drills
//! with undo and suspension, cram, backup and restore, rebuild (which also repairs them) and
//! optimize; and the weekly history, read from the stored past days (migration 0016), equals
//! `score --at` each week after each of them.

use crate::common::{Env, s};
use crate::score::checked_history;
use grill::Store;

fn assert_derived_match(env: &Env) {
    let store = Store::open(&env.db()).unwrap();
    let stored = store.derived_rows().unwrap();
    assert_eq!(stored, store.derived_rows_from_scratch().unwrap());
    assert!(!stored.area_cards.is_empty());
    assert!(!stored.answer_slots.is_empty() && !stored.due_slots.is_empty());
}

#[test]
fn derived_tables_follow_drills_undo_suspension_restore_and_rebuild() {
    let mut env = Env::new();
    // Ratings, undos (u) and a suspension (!) over a few days.
    env.day(0).run(&["drill", "--new", "12"], &"\n3\n\n1\nu\n\n4\n!\n\n2\n".repeat(4));
    assert_derived_match(&env);
    env.day(3);
    let (_, stored) = checked_history(&env);
    assert!(stored > 0, "the history stored its past days");
    let copy = env.db().with_file_name("copy.db");
    env.run(&["backup", "-o", s(&copy)], "");
    env.day(4).run(&["drill"], &"\n3\n\n1\n".repeat(10));
    assert_derived_match(&env);
    checked_history(&env);
    env.run(&["restore", s(&copy)], "");
    assert_derived_match(&env);
    checked_history(&env);
    env.day(9).run(&["drill"], &"\n4\n\nu\n\n3\n".repeat(8));
    assert_derived_match(&env);
    // Cram answers: counted by slot, their retention read from the log.
    env.day(10).run(&["cram", "--in", "3d", "--area", "sql", "--minutes", "60"], &"\n1\n\n3\n".repeat(5));
    assert_derived_match(&env);
    let from_log: i64 =
        env.sql().query_row("SELECT count(*) FROM answer_slots WHERE gap = -2", [], |r| r.get(0)).unwrap();
    assert!(from_log > 0, "cram answers are marked to be read from the log");
    let stats = env.day(10).run(&["stats"], "");
    assert!(stats.contains("retention"), "{stats}");
    // Damaged derived rows are put right by a rebuild.
    env.sql()
        .execute_batch(
            "DELETE FROM recall_buckets; UPDATE area_cards SET active = 0;
             UPDATE answer_slots SET answers = answers + 1; DELETE FROM due_slots WHERE slot % 2 = 0;",
        )
        .unwrap();
    env.run(&["rebuild"], "");
    assert_derived_match(&env);
    checked_history(&env);
    let buckets: i64 = env.sql().query_row("SELECT sum(n) FROM recall_buckets", [], |r| r.get(0)).unwrap();
    let states: i64 = env
        .sql()
        .query_row(
            "SELECT count(*) FROM card_state s JOIN cards c ON c.id = s.card_id WHERE c.suspended = 0",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(buckets, states, "every active reviewed card is in one bucket");
}

#[test]
fn derived_tables_follow_an_optimize_that_rewrites_every_state() {
    let env = Env::new();
    crate::optimize::long_history(&env);
    env.sql().execute_batch("DELETE FROM recall_buckets; DELETE FROM area_cards;").unwrap();
    env.run(&["rebuild"], "");
    assert_derived_match(&env);
    let before = Store::open(&env.db()).unwrap().derived_rows().unwrap();
    let (history_before, _) = checked_history(&env);
    let out = env.run(&["optimize"], "");
    assert!(out.contains("Kept"), "{out}");
    assert_derived_match(&env);
    // Other parameters, other states: the stored days are not used, and the history moved.
    let (history_after, _) = checked_history(&env);
    assert_ne!(history_after, history_before);
    assert_ne!(Store::open(&env.db()).unwrap().derived_rows().unwrap(), before, "optimize moved the states");
}

/// `new_cards` (migration 0006) equals its definition: the cards without a state.
fn assert_new_cards_match(env: &Env) {
    let rows = |sql: &str| -> Vec<(i64, i64, i64)> {
        let conn = env.sql();
        let mut stmt = conn.prepare(sql).unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(Result::unwrap).collect()
    };
    assert_eq!(
        rows("SELECT deck_id, position, card_id FROM new_cards ORDER BY card_id"),
        rows(
            "SELECT c.deck_id, c.position, c.id FROM cards c
              WHERE NOT EXISTS (SELECT 1 FROM card_state s WHERE s.card_id = c.id) ORDER BY c.id"
        )
    );
}

#[test]
fn derived_tables_follow_large_csv_imports_that_add_move_and_bring_back_cards() {
    // A CSV import adds its new cards without the per-card insert triggers and does their work
    // for all of them at once; changed cards still run theirs.
    let mut env = Env::new();
    let csv = |count: usize, flipped: usize| {
        let mut text = String::from("id,prompt,answer,area\n");
        for i in 0..count {
            let area = if (i % 2 == 0) != (i < flipped) { "sql" } else { "testing" };
            text.push_str(&format!("c{i},Question {i}?,Answer {i},{area}\n"));
        }
        text
    };
    env.day(0).run(&["drill", "--new", "6"], &"\n3\n".repeat(6));
    let file = env.write("mine.csv", &csv(3000, 0));
    env.run(&["import", s(&file)], "");
    assert_derived_match(&env);
    assert_new_cards_match(&env);
    // Some of the imported cards get states, then a smaller file leaves cards out...
    env.day(1).run(&["drill", "--area", "testing", "--new", "20"], &"\n3\n".repeat(20));
    let fewer = env.write("mine.csv", &csv(2000, 0));
    env.run(&["import", s(&fewer)], "");
    assert_derived_match(&env);
    // ...and a larger one moves the first cards to the other area and brings the rest back
    // with more.
    let file = env.write("mine.csv", &csv(4000, 300));
    let out = env.run(&["import", s(&file)], "");
    assert!(out.contains("added 1000 · updated 300"), "{out}");
    assert_derived_match(&env);
    assert_new_cards_match(&env);
    // A few cards added to many join `new_cards` from their rows, not from the index of all.
    let few = env.write("few.csv", "id,prompt,answer,area\nf1,One?,One.,sql\nf2,Two?,Two.,testing\n");
    let out = env.run(&["import", s(&few)], "");
    assert!(out.contains("added 2 ·"), "{out}");
    assert_derived_match(&env);
    assert_new_cards_match(&env);
    let drilled: i64 = env
        .sql()
        .query_row(
            "SELECT count(*) FROM cards c JOIN card_state s ON s.card_id = c.id WHERE c.key LIKE 'mine/%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(drilled > 0, "imported cards were drilled");
    let triggers: i64 = env
        .sql()
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND name IN ('derived_card_added', 'new_cards_card_added')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(triggers, 2, "the insert triggers are back after the import");
    // Written without checking each card's deck: the references hold.
    let conn = env.sql();
    let broken: Vec<String> = conn
        .prepare("PRAGMA foreign_key_check")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(broken.is_empty(), "{broken:?}");
}
