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
