//! The derived tables always equal their from-scratch definitions, and readiness computed from
//! them stays within the documented precision of the exact computation (every card replayed).

use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;

use super::*;
use crate::deck::parse_toml;
use crate::scheduler::{DayClock, Rating, Review, Scheduler};
use crate::scorecard::{self, Inputs, RETENTION_DAYS};
use crate::store::SyncOptions;

/// How far an area's mean recall from the buckets may be from the exact one.
const RECALL_TOLERANCE: f64 = 0.005;

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 5, 18, 0, 0).unwrap()
}

fn deck(key: &str, area: &str, cards: usize) -> crate::deck::Deck {
    let body: String =
        (0..cards).map(|i| format!("[[cards]]\nid = \"{key}/{i}\"\nprompt = \"q {i}\"\nanswer = \"- a\"\n")).collect();
    parse_toml("t.toml", &format!("[deck]\nid = \"{key}\"\nname = \"{key}\"\narea = \"{area}\"\n{body}")).unwrap()
}

fn store_with_cards() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    let (scheduler, clock) = (Scheduler::default_params(), DayClock::new(Utc, 4));
    let how = SyncOptions::import(start(), &scheduler, &clock);
    let decks = [deck("a", "sql", 12), deck("b", "networking", 12), deck("c", "go", 6)];
    store.sync_decks(&decks, &[], &how, &mut || {}).unwrap();
    store
}

/// One step of a user's history.
#[derive(Debug, Clone)]
enum Step {
    /// Rate card `card` (index among all cards) `rating` after `hours` more hours.
    Rate { card: usize, rating: u8, hours: u32 },
    /// Take back the latest review.
    Undo,
    /// Suspend or unsuspend a card.
    Suspend { card: usize, on: bool },
    /// Recompute every state (and the derived tables) from the log.
    Rebuild,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        8 => (0..30usize, 1..=4u8, 0..200u32).prop_map(|(card, rating, hours)| Step::Rate { card, rating, hours }),
        1 => Just(Step::Undo),
        1 => (0..30usize, any::<bool>()).prop_map(|(card, on)| Step::Suspend { card, on }),
        1 => Just(Step::Rebuild),
    ]
}

/// Plays `steps`; returns the time of the last step.
fn play(store: &mut Store, steps: &[Step]) -> DateTime<Utc> {
    let (scheduler, clock) = (Scheduler::default_params(), DayClock::new(Utc, 4));
    let ids: Vec<i64> = store
        .conn()
        .prepare("SELECT id FROM cards ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut now = start();
    let mut logged: Vec<i64> = Vec::new();
    for step in steps {
        match step {
            Step::Rate { card, rating, hours } => {
                now += Duration::hours(i64::from(*hours));
                let card = store.card(ids[*card % ids.len()]).unwrap();
                let rating = Rating::from_number(i64::from(*rating)).unwrap();
                let state = scheduler.answer(&card.key, card.state.as_ref(), rating, now, &clock).unwrap();
                let kind = Scheduler::drill_kind(card.state.as_ref(), now, &clock);
                logged
                    .push(store.record_review(card.id, &Review { at: now, rating, kind }, 1000, Some(&state)).unwrap());
            }
            Step::Undo => {
                if let Some(id) = logged.pop() {
                    store.undo_review(id, &scheduler, &clock).unwrap();
                }
            }
            Step::Suspend { card, on } => store.set_suspended(ids[*card % ids.len()], *on, now).unwrap(),
            Step::Rebuild => {
                store.rebuild_states(&scheduler, &clock).unwrap();
            }
        }
    }
    now
}

fn assert_derived_equal_definition(store: &Store) {
    assert_eq!(store.derived_rows().unwrap(), store.derived_rows_from_scratch().unwrap());
}

/// The scorecard from the derived tables against the exact one, at `moments`.
fn assert_close_to_exact(store: &Store, moments: &[DateTime<Utc>]) {
    let (scheduler, clock) = (Scheduler::default_params(), DayClock::new(Utc, 4));
    let inputs = |cards| Inputs { cards, self_ratings: Vec::new(), languages: Vec::new() };
    let exact =
        scorecard::compute_many(&inputs(store.scorecard_cards().unwrap()), moments, &scheduler, &clock).unwrap();
    let since = clock.day_start(clock.day_of(moments[0]) - (RETENTION_DAYS - 1));
    let recent = inputs(store.retention_window(since).unwrap());
    let summary = store.readiness_summary().unwrap();
    let fast = scorecard::compute_summarised(&summary, &recent, moments, &scheduler, &clock);
    for (exact, fast) in exact.iter().zip(&fast) {
        assert_eq!(exact.areas.len(), fast.areas.len());
        for (e, f) in exact.areas.iter().zip(&fast.areas) {
            assert_eq!((&e.area, e.cards, e.seen), (&f.area, f.cards, f.seen));
            assert_eq!((e.passes_30d, e.reviews_30d), (f.passes_30d, f.reviews_30d), "retention is exact");
            match (e.recall, f.recall) {
                (Some(x), Some(y)) => assert!((x - y).abs() <= RECALL_TOLERANCE, "{}: exact {x}, bucketed {y}", e.area),
                (x, y) => assert_eq!(x, y),
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn derived_tables_equal_their_definition_over_random_logs(steps in prop::collection::vec(step(), 1..80)) {
        let mut store = store_with_cards();
        let end = play(&mut store, &steps);
        assert_derived_equal_definition(&store);
        assert_close_to_exact(&store, &[end, end + Duration::days(1), end + Duration::days(45)]);
    }
}

#[test]
fn migrating_an_older_database_fills_the_derived_tables() {
    let mut store = store_with_cards();
    play(&mut store, &[Step::Rate { card: 1, rating: 3, hours: 1 }, Step::Rate { card: 14, rating: 1, hours: 30 }]);
    let before = store.derived_rows().unwrap();
    assert_eq!(before.area_cards.len(), 3);
    assert_eq!(before.recall_buckets.iter().map(|b| b.3).sum::<i64>(), 2);
    store.conn().execute_batch("DELETE FROM area_cards; DELETE FROM recall_buckets;").unwrap();
    store.rebuild_derived().unwrap();
    assert_eq!(store.derived_rows().unwrap(), before);
}

/// Recall from the buckets over a realistic spread of stabilities and ages stays within the
/// tolerance of the exact mean: every bucket boundary case at once.
#[test]
fn bucketed_recall_is_within_the_tolerance_over_many_cards() {
    let mut store = store_with_cards();
    let (scheduler, clock) = (Scheduler::default_params(), DayClock::new(Utc, 4));
    let ids: Vec<i64> = store
        .conn()
        .prepare("SELECT id FROM cards ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    // States written directly: stabilities from minutes to years, last reviews over a year.
    let tx = store.conn.transaction().unwrap();
    for (i, id) in ids.iter().enumerate() {
        let stability = 0.01 * 1.7f32.powi(i as i32 % 23);
        let last = start() - Duration::minutes(977 * (i as i64 * 37 % 541));
        let state = crate::scheduler::CardState {
            stability,
            difficulty: 5.0,
            due: last + Duration::days(1),
            last_review: last,
            reps: 1,
            lapses: 0,
        };
        crate::store::reviews::write_state(&tx, *id, Some(&state)).unwrap();
    }
    tx.commit().unwrap();
    assert_derived_equal_definition(&store);
    let summary = store.readiness_summary().unwrap();
    for days in [0, 1, 3, 10, 100, 400] {
        let at = start() + Duration::days(days);
        let exact = store.stored_states().unwrap();
        let mut by_area: std::collections::BTreeMap<String, (usize, f64)> = Default::default();
        for (id, state) in exact {
            let area = store.card(id).unwrap().area;
            let e = by_area.entry(area).or_default();
            e.0 += 1;
            e.1 += scorecard::recall_of(&state, at, &scheduler, &clock);
        }
        let fast = scorecard::recall_sums(&summary, at, &scheduler, &clock);
        for (area, (n, sum)) in by_area {
            let (m, s) = fast[&area];
            assert_eq!(n, m);
            let (x, y) = (sum / n as f64, s / m as f64);
            assert!((x - y).abs() <= RECALL_TOLERANCE, "{area} after {days} days: exact {x}, bucketed {y}");
        }
    }
}

fn derived_triggers(store: &Store) -> Vec<String> {
    let mut stmt = store
        .conn()
        .prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'derived%' ORDER BY name")
        .unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
}

#[test]
fn a_bulk_import_recomputes_the_derived_tables_and_keeps_the_triggers() {
    let mut store = store_with_cards();
    let mut steps: Vec<Step> = (0..40).map(|i| Step::Rate { card: i % 30, rating: 3, hours: 30 }).collect();
    steps.push(Step::Suspend { card: 3, on: true });
    play(&mut store, &steps);
    let triggers = derived_triggers(&store);
    assert!(triggers.len() >= 8, "{triggers:?}");
    let big = [deck("big", "sql", 3_000), deck("other", "kafka", 2_500)];
    let tx = store.conn().unchecked_transaction().unwrap();
    super::without_derived_triggers(&tx, || {
        for deck in &big {
            crate::store::sync::sync_deck(&tx, deck, "import", false, start(), &mut || {})?;
        }
        assert!(derived_triggers(&store).is_empty(), "the triggers ran during the bulk write");
        Ok(())
    })
    .unwrap();
    tx.commit().unwrap();
    assert_eq!(derived_triggers(&store), triggers);
    assert_derived_equal_definition(&store);
    assert!(store.derived_rows().unwrap().area_cards.iter().any(|(area, cards, _)| area == "kafka" && *cards == 2_500));
    // The triggers work again afterwards.
    play(&mut store, &[Step::Rate { card: 5, rating: 1, hours: 5 }, Step::Suspend { card: 7, on: true }]);
    assert_derived_equal_definition(&store);
}

#[test]
fn a_failed_bulk_write_leaves_the_triggers_in_place() {
    let store = store_with_cards();
    let triggers = derived_triggers(&store);
    let tx = store.conn().unchecked_transaction().unwrap();
    let failed: Result<(), StoreError> = super::without_derived_triggers(&tx, || {
        tx.execute("DELETE FROM cards WHERE 0", [])?;
        Err(StoreError::from(rusqlite::Error::QueryReturnedNoRows))
    });
    assert!(failed.is_err());
    drop(tx);
    assert_eq!(derived_triggers(&store), triggers);
}
