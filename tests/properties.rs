//! Properties of the pure core and the deck format, over generated inputs (proptest).
//! Failing cases are saved in `tests/proptest-regressions/` and replayed first on every run.

use chrono::{DateTime, Duration, FixedOffset, TimeZone, Utc};
use grill::deck::{CardSpec, DeckInfo, Example};
use grill::scheduler::{Outcome, Review};
use grill::{CardState, DayClock, Deck, Rating, Scheduler};
use proptest::prelude::*;

fn rating() -> impl Strategy<Value = Rating> {
    prop::sample::select(Rating::ALL.to_vec())
}

/// A day clock in any whole-hour offset from UTC-12 to UTC+14 and any rollover hour.
fn day_clock() -> impl Strategy<Value = DayClock<FixedOffset>> {
    (-12i32..=14, 0u32..24)
        .prop_map(|(hours, rollover)| DayClock::new(FixedOffset::east_opt(hours * 3600).unwrap(), rollover))
}

/// Gaps between answers, in minutes: mostly forward (same session, next day, months later),
/// sometimes backward (a clock set back, a time zone change).
fn gap() -> impl Strategy<Value = i64> {
    prop_oneof![
        4 => 0i64..30,
        4 => 60 * 20..60 * 24 * 40i64,
        1 => 60 * 24 * 40..60 * 24 * 2000i64,
        1 => -60 * 24 * 10..0i64,
    ]
}

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}

/// Answers `answers` the way the drill does (a clock that went back counts as standing still),
/// returning the log written and the final state.
fn live(
    scheduler: &Scheduler,
    clock: &DayClock<FixedOffset>,
    answers: &[(Rating, i64)],
) -> (Vec<Review>, Option<CardState>, Vec<[Outcome; 4]>) {
    let (mut log, mut state, mut previews) = (Vec::new(), None::<CardState>, Vec::new());
    let mut now = start();
    for &(rating, minutes) in answers {
        now += Duration::minutes(minutes);
        let at = state.map_or(now, |s| now.max(s.last_review));
        let preview = scheduler.preview("deck/card", state.as_ref(), at, clock).unwrap();
        log.push(Review { at, rating, kind: Scheduler::drill_kind(state.as_ref(), at, clock) });
        state = Some(preview[rating as usize - 1].state);
        previews.push(preview);
    }
    (log, state, previews)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn replaying_the_log_gives_the_state_the_live_answers_gave(
        answers in prop::collection::vec((rating(), gap()), 1..25),
        clock in day_clock(),
    ) {
        let scheduler = Scheduler::default_params();
        let (mut log, state, _) = live(&scheduler, &clock, &answers);
        prop_assert_eq!(scheduler.replay("deck/card", &log, &clock).unwrap(), state);
        // The store reads the log ordered by time: that order is the same.
        log.sort_by_key(|r| r.at);
        prop_assert_eq!(scheduler.replay("deck/card", &log, &clock).unwrap(), state);
    }

    #[test]
    fn every_state_is_sane_and_due_never_comes_before_the_review(
        answers in prop::collection::vec((rating(), gap()), 1..25),
        clock in day_clock(),
    ) {
        let scheduler = Scheduler::default_params();
        let (log, _, previews) = live(&scheduler, &clock, &answers);
        for (review, preview) in log.iter().zip(&previews) {
            for outcome in preview {
                let s = outcome.state;
                prop_assert!(s.stability.is_finite() && s.stability > 0.0, "{s:?}");
                prop_assert!((1.0..=10.0).contains(&s.difficulty), "{s:?}");
                prop_assert!(s.due >= s.last_review, "{s:?}");
                prop_assert_eq!(s.last_review, review.at);
            }
        }
    }

    #[test]
    fn a_better_rating_never_gives_a_shorter_interval(
        answers in prop::collection::vec((rating(), gap()), 0..20),
        next in gap(),
        clock in day_clock(),
    ) {
        let scheduler = Scheduler::default_params();
        let (_, state, _) = live(&scheduler, &clock, &answers);
        let now = state.map_or(start(), |s| s.last_review) + Duration::minutes(next);
        let preview = scheduler.preview("deck/card", state.as_ref(), now, &clock).unwrap();
        for pair in preview.windows(2) {
            prop_assert!(pair[0].interval_days <= pair[1].interval_days, "{:?}", preview.map(|o| o.interval_days));
            prop_assert!(pair[0].state.due <= pair[1].state.due, "{:?}", preview.map(|o| o.state.due));
        }
    }

    #[test]
    fn retrievability_stays_between_0_and_1(
        stability in prop_oneof![0.001f32..1.0, 1.0f32..36500.0, Just(f32::MIN_POSITIVE), Just(1e9f32)],
        difficulty in 1.0f32..=10.0,
        elapsed in prop_oneof![-1000.0f32..0.0, 0.0f32..100_000.0, Just(f32::MAX)],
    ) {
        let scheduler = Scheduler::default_params();
        let r = scheduler.retrievability(fsrs::MemoryState { stability, difficulty }, elapsed);
        prop_assert!((0.0..=1.0).contains(&r), "R = {r} for S {stability} D {difficulty} t {elapsed}");
    }

    #[test]
    fn days_never_run_backwards_and_each_moment_falls_inside_its_day(
        clock in day_clock(),
        minutes in prop::collection::vec(0i64..60 * 24 * 400, 2..30),
    ) {
        let mut moments: Vec<DateTime<Utc>> = minutes.iter().map(|m| start() + Duration::minutes(*m)).collect();
        moments.sort();
        for pair in moments.windows(2) {
            prop_assert!(clock.day_of(pair[0]) <= clock.day_of(pair[1]));
            prop_assert_eq!(clock.days_between(pair[1], pair[0]), 0, "a clock set back never counts negative days");
        }
        for at in moments {
            let day = clock.day_of(at);
            prop_assert!(clock.day_start(day) <= at && at < clock.day_start(day + 1), "{at} in day {day}");
        }
    }
}

/// Text as decks from strangers have it: any Unicode, control characters included.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[ -~]{1,40}",
        1 => "\\PC{1,20}",
        1 => any::<String>().prop_filter("not blank", |s| !s.trim().is_empty()),
    ]
    .prop_filter("not blank", |s: &String| !s.trim().is_empty())
}

fn example() -> impl Strategy<Value = Example> {
    (any_text(), prop::bool::ANY, any::<String>(), any_text(), prop::option::of(any::<String>())).prop_map(
        |(lang, prompt, setup, code, expect)| Example {
            lang,
            show: if prompt { "prompt".into() } else { "answer".into() },
            setup,
            code,
            expect,
            min_python: None,
            min_java: None,
            also: Vec::new(),
        },
    )
}

fn card() -> impl Strategy<Value = CardSpec> {
    (
        (any_text(), any_text(), any_text()),
        prop::collection::vec(any_text(), 0..3),
        prop::collection::vec(any_text(), 0..3),
        prop::option::of(prop::sample::select(grill::deck::LEVELS.to_vec()).prop_map(str::to_owned)),
        prop::option::of(1u32..3600),
        prop::option::of(any_text()),
        prop::option::of(example()),
    )
        .prop_map(|((id, prompt, answer), follow_ups, tags, level, time_limit_secs, area, example)| CardSpec {
            id,
            prompt,
            answer,
            follow_ups,
            tags,
            roles: Vec::new(),
            level,
            time_limit_secs,
            area,
            example: example.map(Box::new),
        })
}

fn deck() -> impl Strategy<Value = Deck> {
    ((any_text(), any_text(), any_text(), any::<String>()), prop::collection::vec(card(), 0..6)).prop_map(
        |((id, name, area, description), mut cards)| {
            let mut seen = std::collections::HashSet::new();
            cards.retain(|c| seen.insert(c.id.clone()));
            Deck { deck: DeckInfo { id, name, area, description }, cards }
        },
    )
}

/// Imports `deck` as `grill import` does (cards missing from a re-import are only reported).
fn sync(store: &mut grill::Store, deck: &grill::Deck) -> grill::store::SyncReport {
    let clock = grill::DayClock::new(chrono::Utc, 4);
    let scheduler = grill::Scheduler::default_params();
    let how = grill::store::SyncOptions::import(start(), &scheduler, &clock);
    store.sync_decks(std::slice::from_ref(deck), &[], &how, &mut || {}).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 150, ..ProptestConfig::default() })]

    #[test]
    fn a_deck_written_as_toml_reads_back_the_same(deck in deck()) {
        let text = toml::to_string(&deck).unwrap();
        prop_assert_eq!(grill::parse_toml("gen.toml", &text).unwrap(), deck);
    }

    #[test]
    fn a_deck_synced_into_the_database_reads_back_the_same(deck in deck()) {
        let mut store = grill::Store::open_in_memory().unwrap();
        let report = sync(&mut store, &deck);
        prop_assert_eq!(report.added.len(), deck.cards.len());
        let rows = store.cards(&grill::store::CardFilter { decks: vec![deck.deck.id.clone()], ..Default::default() }).unwrap();
        prop_assert_eq!(rows.len(), deck.cards.len());
        for (row, card) in rows.iter().zip(&deck.cards) {
            prop_assert_eq!(&row.key, &card.id);
            prop_assert_eq!(&row.area, card.area(&deck.deck));
            prop_assert_eq!((&row.prompt, &row.answer), (&card.prompt, &card.answer));
            prop_assert_eq!((&row.follow_ups, &row.tags), (&card.follow_ups, &card.tags));
            prop_assert_eq!((&row.level, row.time_limit_secs), (&card.level, card.time_limit_secs));
            prop_assert_eq!(row.example.as_ref(), card.example.as_deref());
        }
        // Syncing the same deck again changes nothing (imports are idempotent).
        let again = sync(&mut store, &deck);
        prop_assert_eq!((again.added.len(), again.updated.len(), again.unchanged), (0, 0, deck.cards.len()));
    }

    #[test]
    fn a_deck_imported_then_exported_as_toml_is_the_same_deck(deck in deck()) {
        let mut store = grill::Store::open_in_memory().unwrap();
        sync(&mut store, &deck);
        let exported = store.export_decks(std::slice::from_ref(&deck.deck.id)).unwrap();
        prop_assert_eq!(exported.len(), 1);
        let text = grill::deck::export::to_toml(&exported[0]);
        let back = grill::parse_toml("exported.toml", &text).unwrap();
        prop_assert_eq!(&back.cards, &deck.cards);
        prop_assert_eq!((&back.deck.id, &back.deck.area), (&deck.deck.id, &deck.deck.area));
    }
}
