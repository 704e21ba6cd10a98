//! The `new_cards` index (migration 0006) must always equal its definition, "cards without a
//! state", whoever writes: deck syncs, ratings, undo, rebuilds.

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::*;
use crate::deck::parse_toml;
use crate::scheduler::{DayClock, Rating, Review, Scheduler};

fn deck(cards: &[&str]) -> crate::deck::Deck {
    let body: String =
        cards.iter().map(|id| format!("[[cards]]\nid = \"{id}\"\nprompt = \"q {id}\"\nanswer = \"- a\"\n")).collect();
    parse_toml("t.toml", &format!("[deck]\nid = \"t\"\nname = \"T\"\narea = \"sql\"\n{body}")).unwrap()
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}

/// (deck, position, card) rows of the index and of its definition.
fn assert_index_matches_definition(store: &Store) {
    let rows = |sql: &str| -> Vec<(i64, i64, i64)> {
        let mut stmt = store.conn().prepare(sql).unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().collect::<Result<_, _>>().unwrap()
    };
    let indexed = rows("SELECT deck_id, position, card_id FROM new_cards ORDER BY card_id");
    let defined = rows(
        "SELECT c.deck_id, c.position, c.id FROM cards c
         WHERE NOT EXISTS (SELECT 1 FROM card_state s WHERE s.card_id = c.id) ORDER BY c.id",
    );
    assert_eq!(indexed, defined);
}

fn rate(store: &mut Store, key: &str, at: DateTime<Utc>) -> i64 {
    let card = store.card_by_key(key).unwrap();
    let clock = DayClock::new(Utc, 4);
    let state = Scheduler::default_params().answer(key, card.state.as_ref(), Rating::Good, at, &clock).unwrap();
    let kind = Scheduler::drill_kind(card.state.as_ref(), at, &clock);
    store.record_review(card.id, &Review { at, rating: Rating::Good, kind }, 1000, Some(&state)).unwrap()
}

#[test]
fn the_new_card_index_follows_syncs_ratings_undo_and_rebuilds() {
    let mut store = Store::open_in_memory().unwrap();
    {
        let (sch, clk) =
            (crate::scheduler::Scheduler::default_params(), crate::scheduler::DayClock::new(chrono::Utc, 4));
        let how =
            crate::store::SyncOptions { suspend_missing: true, ..crate::store::SyncOptions::import(now(), &sch, &clk) };
        store.sync_decks(&[deck(&["t/a", "t/b", "t/c", "t/d"])], &[], &how, &mut || {}).unwrap();
    }
    assert_index_matches_definition(&store);
    assert_eq!(store.candidates(now(), 100, 10, &[]).unwrap().len(), 4);

    let first = rate(&mut store, "t/a", now());
    rate(&mut store, "t/b", now());
    rate(&mut store, "t/b", now() + Duration::days(3));
    assert_index_matches_definition(&store);

    // Undoing a card's only review makes it new again; undoing a later one does not.
    let (scheduler, clock) = (Scheduler::default_params(), DayClock::new(Utc, 4));
    store.undo_review(first, &scheduler, &clock).unwrap();
    assert_index_matches_definition(&store);
    let new: Vec<String> = store.candidates(now(), 0, 10, &[]).unwrap().into_iter().map(|c| c.key).collect();
    assert_eq!(new, ["t/a", "t/c", "t/d"]);

    // A reordered deck moves the new cards; a removed card stays in the index, suspended.
    {
        let (sch, clk) =
            (crate::scheduler::Scheduler::default_params(), crate::scheduler::DayClock::new(chrono::Utc, 4));
        let how =
            crate::store::SyncOptions { suspend_missing: true, ..crate::store::SyncOptions::import(now(), &sch, &clk) };
        store.sync_decks(&[deck(&["t/d", "t/c", "t/b"])], &[], &how, &mut || {}).unwrap();
    }
    assert_index_matches_definition(&store);
    let new: Vec<String> = store.candidates(now(), 0, 10, &[]).unwrap().into_iter().map(|c| c.key).collect();
    assert_eq!(new, ["t/d", "t/c"], "deck order, suspended t/a left out");

    store.conn().execute("DELETE FROM card_state", []).unwrap();
    assert_index_matches_definition(&store);
    store.rebuild_states(&scheduler, &clock).unwrap();
    assert_index_matches_definition(&store);
}

/// `n` daily Good answers of card `key`, from 2025-01-01.
fn answers(key: &str, n: usize) -> Vec<crate::deck::ImportedReview> {
    let key: std::sync::Arc<str> = key.into();
    let start = Utc.with_ymd_and_hms(2025, 1, 1, 9, 0, 0).unwrap();
    (0..n)
        .map(|i| crate::deck::ImportedReview {
            card_key: key.clone(),
            at: start + Duration::days(i as i64),
            rating: Rating::Good,
            kind: if i == 0 { crate::scheduler::ReviewKind::Learn } else { crate::scheduler::ReviewKind::Review },
            duration_ms: 1000,
        })
        .collect()
}

#[test]
fn the_new_card_index_follows_an_import_of_many_answers_written_without_its_triggers() {
    let mut store = Store::open_in_memory().unwrap();
    let (scheduler, clock) = (Scheduler::default_params(), DayClock::new(Utc, 4));
    let how = SyncOptions::import(now(), &scheduler, &clock);
    store.sync_decks(&[deck(&["t/old-new", "t/old-answered", "t/old-kept"])], &[], &how, &mut || {}).unwrap();
    rate(&mut store, "t/old-answered", now());
    let triggers = |store: &Store| -> Vec<String> {
        let mut stmt = store
            .conn()
            .prepare("SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name LIKE 'new_cards%' ORDER BY name")
            .unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
    };
    let before = triggers(&store);
    // Enough answers for the bulk path: an old new card and added cards gain answers, others
    // (old and added) stay new.
    let keys = ["t/old-new", "t/old-answered", "t/old-kept", "t/a", "t/b", "t/c", "t/d"];
    let mut history = answers("t/old-new", 2000);
    history.extend(answers("t/a", 2000));
    history.extend(answers("t/c", 2000));
    store.sync_decks(&[deck(&keys)], &history, &how, &mut || {}).unwrap();
    assert_index_matches_definition(&store);
    let new: Vec<String> = store.candidates(now(), 0, 10, &[]).unwrap().into_iter().map(|c| c.key).collect();
    assert_eq!(new, ["t/old-kept", "t/b", "t/d"]);
    assert_eq!(triggers(&store), before, "the triggers are back as they were");
}

#[test]
fn new_cards_come_from_every_deck_up_to_the_limit_in_deck_order() {
    let mut store = Store::open_in_memory().unwrap();
    let mut other = deck(&["u/1", "u/2", "u/3"]);
    other.deck.id = "u".into();
    {
        let (sch, clk) =
            (crate::scheduler::Scheduler::default_params(), crate::scheduler::DayClock::new(chrono::Utc, 4));
        let how =
            crate::store::SyncOptions { suspend_missing: true, ..crate::store::SyncOptions::import(now(), &sch, &clk) };
        store.sync_decks(&[deck(&["t/1", "t/2", "t/3"]), other], &[], &how, &mut || {}).unwrap();
    }
    rate(&mut store, "t/1", now());
    let new: Vec<String> = store.candidates(now(), 0, 2, &[]).unwrap().into_iter().map(|c| c.key).collect();
    assert_eq!(new, ["u/1", "t/2", "u/2", "t/3"], "by position across decks, two per deck");
    assert!(store.candidates(now(), 0, 2, &["java".to_owned()]).unwrap().is_empty());
}

/// What `due_count` counts, from scratch: every active card due before `due_before`, not
/// skipped at `now`, of `area` when given.
fn due_by_definition(store: &Store, due_before: DateTime<Utc>, now: DateTime<Utc>, area: Option<&str>) -> usize {
    store
        .conn()
        .query_row(
            "SELECT count(*) FROM card_state s JOIN cards c ON c.id = s.card_id
             WHERE s.due < ?1 AND c.suspended = 0 AND (?3 IS NULL OR c.area = ?3)
               AND s.card_id NOT IN (SELECT card_id FROM skips WHERE until > ?2)",
            rusqlite::params![to_ms(due_before), to_ms(now), area],
            |r| r.get::<_, i64>(0),
        )
        .unwrap() as usize
}

#[test]
fn the_due_count_from_the_due_slots_equals_counting_every_due_card() {
    let mut store = Store::open_in_memory().unwrap();
    let keys: Vec<String> = (0..40).map(|i| format!("t/{i}")).collect();
    let mut sql = deck(&keys.iter().map(String::as_str).collect::<Vec<_>>());
    sql.cards.iter_mut().skip(25).for_each(|c| c.area = Some("go".to_owned()));
    {
        let (scheduler, clock) = (Scheduler::default_params(), DayClock::new(Utc, 4));
        store.sync_decks(&[sql], &[], &SyncOptions::import(now(), &scheduler, &clock), &mut || {}).unwrap();
    }
    // Reviews at odd minutes over two weeks: due times fall anywhere in their 15-minute slots.
    let mut ids = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        rate(&mut store, key, now() - Duration::days(14) + Duration::minutes(i as i64 * 317));
        ids.push(store.card_by_key(key).unwrap().id);
    }
    store.set_suspended(ids[3], true, now()).unwrap();
    store.set_suspended(ids[30], true, now()).unwrap();
    store.skip_until(ids[5], now() + Duration::hours(20)).unwrap();
    store.skip_until(ids[31], now() + Duration::hours(20)).unwrap();
    store.skip_until(ids[7], now() - Duration::hours(1)).unwrap();
    // Suspended and skipped: not counted once, let alone taken off twice.
    store.skip_until(ids[3], now() + Duration::hours(20)).unwrap();
    let dues: Vec<i64> = store
        .conn()
        .prepare("SELECT due FROM card_state")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    // Every boundary: on a slot's first millisecond, inside a slot, on a card's due time.
    let mut moments: Vec<i64> =
        dues.iter().flat_map(|&d| [d, d + 1, d - d % 900_000, d - d % 900_000 + 450_000]).collect();
    moments.extend([0, i64::from(i32::MAX) * 1000]);
    for at in moments {
        let due_before = from_ms(at);
        for area in [None, Some("sql"), Some("go")] {
            let areas: Vec<String> = area.iter().map(|a| a.to_string()).collect();
            assert_eq!(
                store.due_count(due_before, now(), &areas).unwrap(),
                due_by_definition(&store, due_before, now(), area),
                "due before {due_before}, area {area:?}"
            );
        }
    }
}
