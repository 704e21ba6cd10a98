use chrono::{DateTime, Duration, TimeZone, Utc};

use super::*;

fn clock() -> DayClock<Utc> {
    DayClock::new(Utc, 4)
}

fn at(day: i64, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, hour, 0, 0).unwrap() + Duration::days(day)
}

fn review(day: i64, rating: Rating, kind: ReviewKind) -> Review {
    Review { at: at(day, 9), rating, kind }
}

#[test]
fn a_new_card_gets_fsrs6_default_initial_stabilities() {
    let s = Scheduler::default_params();
    let outcomes = s.preview("k", None, at(0, 9), &clock()).unwrap();
    let stabilities: Vec<f32> = outcomes.iter().map(|o| o.state.stability).collect();
    assert_eq!(stabilities, fsrs::DEFAULT_PARAMETERS[..4].to_vec());
}

#[test]
fn again_and_hard_on_a_new_card_come_back_the_same_day() {
    let s = Scheduler::default_params();
    let o = s.preview("k", None, at(0, 9), &clock()).unwrap();
    assert_eq!(o.map(|o| o.interval_days), [0, 0, 2, 8]);
    assert_eq!(o[0].state.due, at(0, 9), "due now: shown again in this session");
    assert_eq!(o[2].state.due, at(2, 4), "due at the start of the day two days on");
}

#[test]
fn better_ratings_never_give_shorter_intervals() {
    let s = Scheduler::default_params();
    let mut state = None;
    for day in [0, 3, 12, 40, 120] {
        let o = s.preview("card", state.as_ref(), at(day, 9), &clock()).unwrap();
        let ivls: Vec<u32> = o.iter().map(|o| o.interval_days).collect();
        assert!(ivls.windows(2).all(|w| w[0] <= w[1] || w[0] == 0), "{ivls:?}");
        state = Some(o[2].state);
    }
}

#[test]
fn again_on_a_mature_card_is_a_lapse_and_shortens_stability() {
    let s = Scheduler::default_params();
    let c = clock();
    let learned = s.answer("k", None, Rating::Good, at(0, 9), &c).unwrap();
    let reviewed = s.answer("k", Some(&learned), Rating::Good, at(3, 9), &c).unwrap();
    let lapsed = s.answer("k", Some(&reviewed), Rating::Again, at(20, 9), &c).unwrap();
    assert_eq!(lapsed.lapses, 1);
    assert!(lapsed.stability < reviewed.stability);
    assert_eq!(lapsed.reps, 3);
}

#[test]
fn same_day_again_is_not_a_lapse() {
    let s = Scheduler::default_params();
    let c = clock();
    let first = s.answer("k", None, Rating::Again, at(0, 9), &c).unwrap();
    let second = s.answer("k", Some(&first), Rating::Again, at(0, 10), &c).unwrap();
    assert_eq!(second.lapses, 0);
}

#[test]
fn drill_kind_follows_the_day_boundary() {
    let c = clock();
    let s = Scheduler::default_params();
    let state = s.answer("k", None, Rating::Good, at(0, 23), &c).unwrap();
    assert_eq!(Scheduler::drill_kind(None, at(0, 9), &c), ReviewKind::Learn);
    // 02:00 the next calendar day is still the same grill day (rollover at 04:00).
    assert_eq!(Scheduler::drill_kind(Some(&state), at(1, 2), &c), ReviewKind::Relearn);
    assert_eq!(Scheduler::drill_kind(Some(&state), at(1, 5), &c), ReviewKind::Review);
}

#[test]
fn replay_reproduces_answers_given_live() {
    let s = Scheduler::default_params();
    let c = clock();
    let log = [
        review(0, Rating::Again, ReviewKind::Learn),
        review(0, Rating::Good, ReviewKind::Relearn),
        review(2, Rating::Good, ReviewKind::Review),
        review(9, Rating::Hard, ReviewKind::Review),
        review(30, Rating::Again, ReviewKind::Review),
        review(30, Rating::Good, ReviewKind::Relearn),
    ];
    let mut live = None;
    for r in &log {
        live = Some(s.answer("k", live.as_ref(), r.rating, r.at, &c).unwrap());
    }
    assert_eq!(s.replay("k", &log, &c).unwrap(), live);
}

#[test]
fn previews_never_change_the_state() {
    let s = Scheduler::default_params();
    let c = clock();
    let log = [review(0, Rating::Good, ReviewKind::Learn), review(1, Rating::Again, ReviewKind::Preview)];
    assert_eq!(s.replay("k", &log, &c).unwrap(), s.replay("k", &log[..1], &c).unwrap());
}

#[test]
fn only_the_first_cram_answer_of_a_day_changes_the_state() {
    let s = Scheduler::default_params();
    let c = clock();
    let base = [review(0, Rating::Good, ReviewKind::Learn), review(1, Rating::Again, ReviewKind::Cram)];
    let once = s.replay("k", &base, &c).unwrap();
    assert_ne!(once, s.replay("k", &base[..1], &c).unwrap(), "the first cram answer is a real review");
    let mut repeated = base.to_vec();
    repeated.push(Review { at: at(1, 11), rating: Rating::Easy, kind: ReviewKind::Cram });
    assert_eq!(s.replay("k", &repeated, &c).unwrap(), once, "a same-day cram repeat is only logged");
    repeated.push(review(2, Rating::Good, ReviewKind::Cram));
    assert_ne!(s.replay("k", &repeated, &c).unwrap(), once, "the next day counts again");
}

#[test]
fn a_mock_answer_changes_the_state_only_as_the_cards_first_answer_of_the_day() {
    let s = Scheduler::default_params();
    let c = clock();
    let first = [review(0, Rating::Good, ReviewKind::Learn), review(3, Rating::Hard, ReviewKind::Mock)];
    let moved = s.replay("k", &first, &c).unwrap();
    assert_ne!(moved, s.replay("k", &first[..1], &c).unwrap(), "the day's first answer is a real review");
    let drilled = [
        review(0, Rating::Good, ReviewKind::Learn),
        review(3, Rating::Good, ReviewKind::Review),
        Review { at: at(3, 11), rating: Rating::Again, kind: ReviewKind::Mock },
    ];
    assert_eq!(
        s.replay("k", &drilled, &c).unwrap(),
        s.replay("k", &drilled[..2], &c).unwrap(),
        "after a drill answer the same day, a mock answer is only logged"
    );
}

#[test]
fn a_clock_set_back_gives_no_negative_elapsed_time() {
    let s = Scheduler::default_params();
    let c = clock();
    let learned = s.answer("k", None, Rating::Good, at(10, 9), &c).unwrap();
    let earlier = s.answer("k", Some(&learned), Rating::Good, at(2, 9), &c).unwrap();
    assert!(earlier.last_review >= learned.last_review);
    assert!(earlier.due >= learned.last_review);
}

#[test]
fn retrievability_follows_the_fsrs6_forgetting_curve() {
    let s = Scheduler::default_params();
    let memory = fsrs::MemoryState { stability: 10.0, difficulty: 5.0 };
    // R(t) = (1 + factor * t / S)^(-decay), factor = 0.9^(-1/decay) - 1: R(S) = 0.9 by construction.
    assert!((s.retrievability(memory, 10.0) - 0.9).abs() < 1e-6);
    let decay = fsrs::FSRS6_DEFAULT_DECAY;
    let factor = 0.9f32.powf(-1.0 / decay) - 1.0;
    let expected = (1.0 + factor * 30.0 / 10.0).powf(-decay);
    assert!((s.retrievability(memory, 30.0) - expected).abs() < 1e-6);
    assert_eq!(s.retrievability(memory, 0.0), 1.0);
    assert_eq!(s.retrievability(memory, -5.0), 1.0, "negative elapsed time counts as none");
}

#[test]
fn day_numbers_roll_over_at_four_in_the_morning_local_time() {
    let tz = chrono::FixedOffset::east_opt(2 * 3600).unwrap();
    let c = DayClock::new(tz, 4);
    // 01:30 UTC = 03:30 local: still the previous day; 02:30 UTC = 04:30 local: the next.
    let before = Utc.with_ymd_and_hms(2026, 3, 2, 1, 30, 0).unwrap();
    let after = Utc.with_ymd_and_hms(2026, 3, 2, 2, 30, 0).unwrap();
    assert_eq!(c.day_of(after) - c.day_of(before), 1);
    assert_eq!(c.day_start(c.day_of(after)), Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap());
}

#[test]
fn ratings_parse_from_numbers_and_names() {
    assert_eq!(Rating::parse("1"), Some(Rating::Again));
    assert_eq!(Rating::parse("EASY"), Some(Rating::Easy));
    assert_eq!(Rating::parse("5"), None);
    assert_eq!(Rating::from_number(3), Some(Rating::Good));
    assert_eq!(Rating::from_number(0), None);
}

#[test]
fn answering_gives_exactly_the_previewed_outcome_of_that_rating() {
    let s = Scheduler::default_params();
    let c = clock();
    let pattern = [Rating::Good, Rating::Hard, Rating::Again, Rating::Good, Rating::Easy, Rating::Again, Rating::Good];
    let (mut state, mut day) = (None, 0);
    for (n, &chosen) in pattern.iter().cycle().take(80).enumerate() {
        let now = at(day, 9 + (n % 12) as u32);
        let preview = s.preview("sql/joins", state.as_ref(), now, &c).unwrap();
        for rating in Rating::ALL {
            let answered = s.answer("sql/joins", state.as_ref(), rating, now, &c).unwrap();
            assert_eq!(answered, preview[rating as usize - 1].state, "step {n}, {rating:?}");
        }
        let outcome = preview[chosen as usize - 1];
        state = Some(outcome.state);
        day += i64::from(outcome.interval_days) + (n % 3) as i64;
    }
}
