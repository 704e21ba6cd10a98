//! The derived tables always equal their from-scratch definitions, and readiness computed from
//! them stays within the documented precision of the exact computation (every card replayed).

use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;

use super::*;
use crate::deck::parse_toml;
use crate::scheduler::{DayClock, Rating, Review, ReviewKind, Scheduler};
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
    /// An answer of another kind (preview, cram, mock), `minutes` more minutes on: the card's
    /// state is kept (the derived tables only need it to be some state).
    Other { card: usize, rating: u8, minutes: u32, kind: ReviewKind },
    /// An answer logged `hours` before the latest one, as an import adds older history.
    Backdated { card: usize, rating: u8, hours: u32 },
    /// Move a card to another area (a deck edit does).
    MoveArea { card: usize, area: usize },
    /// Take back the latest review.
    Undo,
    /// Suspend or unsuspend a card.
    Suspend { card: usize, on: bool },
    /// Recompute every state (and the derived tables) from the log.
    Rebuild,
    /// Show the weekly readiness history (`score --history`), `days` days after the latest
    /// step: stores past days' recall, which later steps may make stale.
    History { days: u32, weeks: u32 },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        8 => (0..30usize, 1..=4u8, 0..200u32).prop_map(|(card, rating, hours)| Step::Rate { card, rating, hours }),
        2 => (0..30usize, 1..=4u8, 0..1500u32, prop::sample::select(vec![ReviewKind::Preview, ReviewKind::Cram, ReviewKind::Mock]))
            .prop_map(|(card, rating, minutes, kind)| Step::Other { card, rating, minutes, kind }),
        1 => (0..30usize, 1..=4u8, 0..60u32).prop_map(|(card, rating, hours)| Step::Backdated { card, rating, hours }),
        1 => Just(Step::Undo),
        1 => (0..30usize, 0..4usize).prop_map(|(card, area)| Step::MoveArea { card, area }),
        1 => (0..30usize, any::<bool>()).prop_map(|(card, on)| Step::Suspend { card, on }),
        1 => Just(Step::Rebuild),
        2 => (0..20u32, 1..12u32).prop_map(|(days, weeks)| Step::History { days, weeks }),
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
            Step::Other { card, rating, minutes, kind } => {
                now += Duration::minutes(i64::from(*minutes));
                let card = store.card(ids[*card % ids.len()]).unwrap();
                let rating = Rating::from_number(i64::from(*rating)).unwrap();
                let review = Review { at: now, rating, kind: *kind };
                logged.push(store.record_review(card.id, &review, 700, card.state.as_ref()).unwrap());
                replay_states(store);
            }
            Step::Backdated { card, rating, hours } => {
                let card = store.card(ids[*card % ids.len()]).unwrap();
                let rating = Rating::from_number(i64::from(*rating)).unwrap();
                let at = now - Duration::hours(i64::from(*hours)) - Duration::minutes(7);
                let review = Review { at, rating, kind: crate::scheduler::ReviewKind::Review };
                logged.push(store.record_review(card.id, &review, 1300, card.state.as_ref()).unwrap());
                replay_states(store);
            }
            Step::MoveArea { card, area } => {
                let area = ["sql", "networking", "go", "security"][*area];
                store
                    .conn()
                    .execute(
                        "UPDATE cards SET area = ?1 WHERE id = ?2",
                        rusqlite::params![area, ids[*card % ids.len()]],
                    )
                    .unwrap();
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
            Step::History { days, weeks } => {
                assert_history_exact(store, now + Duration::days(i64::from(*days)), *weeks);
            }
        }
    }
    now
}

/// The weekly history through the stored past days (`Store::weekly_history`) equals the exact replay
/// of the whole log, for all areas and one; then every stored day equals the exact sums.
fn assert_history_exact(store: &Store, now: DateTime<Utc>, weeks: u32) {
    let (scheduler, clock) = (Scheduler::default_params(), DayClock::new(Utc, 4));
    let key = crate::store::recall_key(&clock, &[]);
    let inputs = Inputs { cards: store.scorecard_cards().unwrap(), self_ratings: Vec::new(), languages: Vec::new() };
    for only in [vec![], vec!["sql".to_owned()]] {
        let cached = store.weekly_history(&scheduler, &clock, &key, now, now, weeks, &only).unwrap();
        let exact = scorecard::history(&inputs, now, weeks, &only, &scheduler, &clock).unwrap();
        assert_eq!(cached, exact, "{weeks} weeks to {now}, areas {only:?}");
    }
    assert_stored_days_exact(store);
}

/// Every row of `recall_days` equals each area's recall sum replayed from the whole log.
fn assert_stored_days_exact(store: &Store) {
    let (scheduler, clock) = (Scheduler::default_params(), DayClock::new(Utc, 4));
    let rows: Vec<(i64, String)> = store
        .conn()
        .prepare("SELECT day_end, sums FROM recall_days ORDER BY day_end")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let moments: Vec<DateTime<Utc>> = rows.iter().map(|(end, _)| crate::store::from_ms(*end)).collect();
    let exact = scorecard::recall_sums_at(&store.scorecard_cards().unwrap(), &moments, &scheduler, &clock).unwrap();
    for ((end, json), exact) in rows.iter().zip(exact) {
        let stored: std::collections::BTreeMap<String, f64> = serde_json::from_str(json).unwrap();
        assert_eq!(stored, exact, "the stored day ending at {}", crate::store::from_ms(*end));
    }
}

/// Writes the states replaying the log gives (through the triggers, not recomputing the
/// derived tables), so the exact scorecard and the stored states agree again.
fn replay_states(store: &mut Store) {
    let (scheduler, clock) = (Scheduler::default_params(), DayClock::new(Utc, 4));
    let tx = store.conn.transaction().unwrap();
    crate::store::replay::rewrite_states(&tx, &scheduler, &clock).unwrap();
    tx.commit().unwrap();
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
    let fast = scorecard::compute_summarised(&summary, &recent, None, moments, &scheduler, &clock);
    // The retention window from the answer slots, as the drill and `score` read it, unless it
    // holds an answer whose counting needs the log.
    let slots = store.answer_slots(scorecard::slot_of(since), true).unwrap();
    if !slots.iter().any(|r| r.gap == scorecard::GAP_FROM_LOG) {
        let from_slots =
            scorecard::compute_summarised(&summary, &inputs(Vec::new()), Some(&slots), moments, &scheduler, &clock);
        assert_eq!(from_slots, fast, "retention from the slots equals retention from the log");
    }
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

/// True retention over 7, 30 and 365 days and the answers per day, folded from the answer
/// slots, equal the figures computed from the log, in a zone whose days start at 04:00 local time
/// at +05:45 and in UTC; a window holding a cram or mock answer is said to need the log.
fn assert_slots_fold_to_the_log(store: &Store, end: DateTime<Utc>) {
    let zone = chrono::FixedOffset::east_opt(5 * 3600 + 45 * 60).unwrap();
    check_slots(store, end, &DayClock::new(zone, 4));
    check_slots(store, end, &DayClock::new(Utc, 0));
}

fn check_slots<Tz: chrono::TimeZone>(store: &Store, end: DateTime<Utc>, clock: &DayClock<Tz>) {
    use scorecard::{SlotDays, retention_events, retention_from_slots};
    let cards = store.scorecard_cards().unwrap();
    let rows = store.answer_slots(i64::MIN, false).unwrap();
    for at in [end, end + Duration::days(1), end + Duration::days(20)] {
        let today = clock.day_of(at);
        let slot_days = SlotDays::new(clock, today - 400, today);
        for days in [7, 30, 365] {
            for active_only in [false, true] {
                let mut exact: std::collections::BTreeMap<String, (usize, usize)> = Default::default();
                let mut needs_log = false;
                for card in cards.iter().filter(|c| !(active_only && c.suspended)) {
                    for event in retention_events(card, clock).iter().filter(|e| (0..days).contains(&(today - e.day))) {
                        let e = exact.entry(card.area.clone()).or_default();
                        e.0 += usize::from(event.pass);
                        e.1 += 1;
                    }
                    // A cram or mock answer in the window, or an answer there right after one.
                    let special = |r: &Review| matches!(r.kind, ReviewKind::Cram | ReviewKind::Mock);
                    let mut previous: Option<&Review> = None;
                    for r in &card.reviews {
                        let in_window = (0..days).contains(&(today - clock.day_of(r.at)));
                        needs_log |= in_window
                            && (special(r) || (r.kind != ReviewKind::Preview && previous.is_some_and(special)));
                        if r.kind != ReviewKind::Preview {
                            previous = Some(r);
                        }
                    }
                }
                match retention_from_slots(&rows, &slot_days, today, days, active_only) {
                    Some(folded) => assert_eq!(folded, exact, "{days} days, active only: {active_only}"),
                    None => assert!(needs_log, "only a cram or mock answer sends retention to the log"),
                }
            }
        }
        let mut per_day: std::collections::BTreeMap<i64, usize> = Default::default();
        for card in &cards {
            for r in card.reviews.iter().filter(|r| clock.day_of(r.at) > today - 400) {
                *per_day.entry(clock.day_of(r.at)).or_default() += 1;
            }
        }
        let mut folded: std::collections::BTreeMap<i64, usize> = Default::default();
        for row in &rows {
            if let Some(day) = slot_days.day(row.slot) {
                *folded.entry(day).or_default() += row.answers;
            }
        }
        folded.retain(|d, _| *d > today - 400);
        assert_eq!(folded, per_day);
    }
}

/// `grill stats` from the derived tables equals the stats from every card and the whole log,
/// for all areas and one, in a zone at +05:45 with days starting at 04:00 and in UTC.
fn assert_stats_from_parts_equal_the_log(store: &Store, end: DateTime<Utc>) {
    let zone = chrono::FixedOffset::east_opt(5 * 3600 + 45 * 60).unwrap();
    check_stats(store, end, &DayClock::new(zone, 4));
    check_stats(store, end, &DayClock::new(Utc, 0));
}

fn check_stats<Tz: chrono::TimeZone>(store: &Store, end: DateTime<Utc>, clock: &DayClock<Tz>) {
    use crate::stats::{self, CardFacts, LogEntry};
    let cards: Vec<CardFacts> = store
        .cards(&Default::default())
        .unwrap()
        .into_iter()
        .map(|c| CardFacts {
            id: c.id,
            key: c.key,
            area: c.area,
            time_limit_secs: c.time_limit_secs,
            suspended: c.suspended,
            leech_cleared_at: c.leech_cleared_at,
            state: c.state,
        })
        .collect();
    let log: Vec<LogEntry> = store
        .review_log()
        .unwrap()
        .iter()
        .map(|l| LogEntry { card_id: l.card_id, review: l.review, duration_ms: l.duration_ms })
        .collect();
    let special = log.iter().any(|e| matches!(e.review.kind, ReviewKind::Cram | ReviewKind::Mock));
    for now in [end, end + Duration::hours(5), end + Duration::days(3)] {
        let today = clock.day_of(now);
        for areas in [vec![], vec!["sql".to_owned()]] {
            let parts = store
                .stats_parts(
                    stats::answer_time_window_start(now, clock),
                    clock.day_start(today + stats::FORECAST_DAYS),
                    clock.day_start(today - stats::OLDEST_WINDOW_DAYS),
                    &areas,
                )
                .unwrap();
            let exact = stats::compute(&cards, &log, now, clock, &areas);
            match stats::compute_from_parts(&parts, now, clock, &areas) {
                Some(fast) => assert_eq!(fast, exact),
                None => assert!(special, "only a cram or mock answer sends the stats to the log"),
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
        assert_slots_fold_to_the_log(&store, end);
        assert_stats_from_parts_equal_the_log(&store, end);
        assert_close_to_exact(&store, &[end, end + Duration::days(1), end + Duration::days(45)]);
        assert_stored_days_exact(&store);
        assert_history_exact(&store, end + Duration::days(2), 8);
    }

    #[test]
    fn the_log_read_card_by_card_or_whole_gives_the_tables_their_definition(
        steps in prop::collection::vec(step(), 1..80)
    ) {
        let mut store = store_with_cards();
        play(&mut store, &steps);
        // In runs, a random log mostly falls back to reading through the index.
        for read in [LogRead::Whole, LogRead::InRuns] {
            store
                .conn()
                .execute_batch(
                    "DELETE FROM answer_slots; DELETE FROM first_reviews; DELETE FROM last_answers;
                     DELETE FROM area_answers",
                )
                .unwrap();
            rebuild_from_log_read(store.conn(), read).unwrap();
            assert_derived_equal_definition(&store);
        }
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

/// The contract with bulk writers (docs/derived.md): every trigger that writes a derived table
/// is named `derived_...`; dropping them inside a transaction, writing, calling
/// `rebuild_derived` and recreating them from their saved SQL leaves every table equal to its
/// definition, and the recreated triggers keep it so.
#[test]
fn bulk_writers_can_drop_the_derived_triggers_write_and_rebuild() {
    let mut store = store_with_cards();
    let end =
        play(&mut store, &[Step::Rate { card: 1, rating: 3, hours: 1 }, Step::Rate { card: 14, rating: 1, hours: 30 }]);
    let tables = [
        "area_cards",
        "recall_buckets",
        "first_reviews",
        "last_answers",
        "area_answers",
        "answer_slots",
        "due_slots",
        "recall_days",
    ];
    let triggers: Vec<(String, String)> = store
        .conn()
        .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for (name, sql) in &triggers {
        let writes_derived = tables.iter().any(|t| {
            ["INSERT INTO ", "UPDATE ", "DELETE FROM "].iter().any(|verb| sql.contains(&format!("{verb}{t}")))
        });
        assert!(!writes_derived || name.starts_with("derived_"), "{name} writes a derived table");
    }
    let saved: Vec<String> =
        triggers.iter().filter(|(name, _)| name.starts_with("derived_")).map(|(_, sql)| sql.clone()).collect();
    let tx = store.conn.transaction().unwrap();
    for (name, _) in triggers.iter().filter(|(name, _)| name.starts_with("derived_")) {
        tx.execute_batch(&format!("DROP TRIGGER {name}")).unwrap();
    }
    // A bulk write: older history for one card, new answers for others, a suspension.
    let at = crate::store::to_ms(end);
    tx.execute_batch(&format!(
        "INSERT INTO reviews (card_id, at, rating, kind, duration_ms) VALUES
             (2, {old}, 3, 0, 900), (3, {at}, 1, 1, 0), (3, {later}, 3, 2, 1200), (4, {at}, 4, 3, 500);
         UPDATE cards SET suspended = 1 WHERE id = 5;",
        old = at - 86_400_000 * 40,
        later = at + 600_000
    ))
    .unwrap();
    rebuild_derived(&tx).unwrap();
    for sql in &saved {
        tx.execute_batch(sql).unwrap();
    }
    tx.commit().unwrap();
    replay_states(&mut store);
    assert_derived_equal_definition(&store);
    play(
        &mut store,
        &[Step::Rate { card: 3, rating: 3, hours: 30 }, Step::Undo, Step::Rate { card: 2, rating: 2, hours: 1 }],
    );
    assert_derived_equal_definition(&store);
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

/// Logs an answer of `card` `hours` after [`start`], straight into the table.
fn insert_answer(store: &Store, card: i64, hours: i64, rating: i64, kind: i64) {
    let at = crate::store::to_ms(start()) + hours * 3_600_000;
    store
        .conn()
        .execute(
            "INSERT INTO reviews (card_id, at, rating, kind, duration_ms) VALUES (?1, ?2, ?3, ?4, 900)",
            [card, at, rating, kind],
        )
        .unwrap();
}

#[test]
fn a_log_written_card_by_card_is_read_card_by_card_and_a_drilled_one_whole() {
    let store = store_with_cards();
    let cards: Vec<i64> = store
        .conn()
        .prepare("SELECT id FROM cards")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let insert = |card: i64, day: i64| insert_answer(&store, card, day * 24, 3, 1);
    store.conn().execute_batch("BEGIN").unwrap();
    // A drill: each day, every card once.
    for day in 0..30 {
        cards.iter().for_each(|&card| insert(card, day));
    }
    assert!(!log_in_card_order(store.conn()).unwrap());
    // A large import after it: every card's answers together, three times the drill's.
    for &card in &cards {
        (30..120).for_each(|day| insert(card, day));
    }
    assert!(log_in_card_order(store.conn()).unwrap());
    store.conn().execute_batch("COMMIT").unwrap();
}

#[test]
fn a_log_kept_in_runs_of_cards_is_read_in_table_order_and_one_that_is_not_through_the_index() {
    let store = store_with_cards();
    let cards: Vec<i64> = store
        .conn()
        .prepare("SELECT id FROM cards")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let insert = |card: i64, hours: i64, kind: i64| insert_answer(&store, card, hours, 1 + (hours + card) % 4, kind);
    let fold = |contiguous: bool| {
        let cards = rustc_hash::FxHashMap::default();
        let mut totals = LogTotals { timed: vec![0; 3], ..LogTotals::default() };
        let sql = format!("SELECT {ANSWER_COLUMNS} FROM reviews NOT INDEXED");
        fold_runs(store.conn(), &sql, &cards, &mut totals, contiguous).unwrap()
    };
    store.conn().execute_batch("BEGIN").unwrap();
    // Each card's answers together, not in time order within the run, some not counted.
    for &card in &cards {
        for (hours, kind) in [(50, 1), (3, 0), (27, 4), (80, 3), (26, 2)] {
            insert(card, hours + card, kind);
        }
    }
    assert!(fold(true), "every card's answers are one run");
    rebuild_from_log_read(store.conn(), LogRead::InRuns).unwrap();
    store.conn().execute_batch("COMMIT").unwrap();
    assert_derived_equal_definition(&store);
    // One card answered again later: its answers are no longer one run.
    store.conn().execute_batch("BEGIN").unwrap();
    insert(cards[0], 500, 1);
    assert!(!fold(true));
    rebuild_from_log_read(store.conn(), LogRead::InRuns).unwrap();
    store.conn().execute_batch("COMMIT").unwrap();
    assert_derived_equal_definition(&store);
}
