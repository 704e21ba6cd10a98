//! Unit tests of the pure scorecard against values computed by hand from the FSRS-6 forgetting
//! curve R(t) = (1 + F * t / S)^(-d), F = 0.9^(-1/d) - 1, with the default decay d = 0.1542
//! (F = 0.980346...). The hand values below come from that formula (e.g. `python3 -c`).

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::compute::{recall_of, retention_events, states_at};
use super::*;
use crate::render::scorecard::{render_changes, render_history, render_scorecard};
use crate::scheduler::{CardState, DayClock, Rating, Review, ReviewKind, Scheduler};

/// FSRS-6's default first stability after Good (parameter w2), in days.
const W2: f32 = 2.3065;

fn clock() -> DayClock<Utc> {
    DayClock::new(Utc, 4)
}

/// 09:00 UTC on day `day` after 2026-03-02.
fn t(day: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap() + Duration::days(day)
}

fn review(day: i64, rating: Rating, kind: ReviewKind) -> Review {
    Review { at: t(day), rating, kind }
}

fn card(key: &str, area: &str, reviews: Vec<Review>) -> CardInput {
    CardInput { key: key.into(), area: area.into(), suspended: false, reviews, current: None, start: None }
}

fn learned_good(key: &str, area: &str) -> CardInput {
    card(key, area, vec![review(0, Rating::Good, ReviewKind::Learn)])
}

fn inputs(cards: Vec<CardInput>) -> Inputs {
    Inputs { cards, ..Inputs::default() }
}

fn score_at(inputs: &Inputs, at: DateTime<Utc>) -> Scorecard {
    compute(inputs, at, &Scheduler::default_params(), &clock()).unwrap()
}

fn close(actual: f64, expected: f64) {
    assert!((actual - expected).abs() < 1e-5, "{actual} is not {expected}");
}

#[test]
fn retrievability_follows_the_fsrs_forgetting_curve() {
    let scheduler = Scheduler::default_params();
    let state = |stability| CardState { stability, difficulty: 5.0, due: t(0), last_review: t(0), reps: 1, lapses: 0 };
    // At t = S the curve is at 90% by construction.
    close(recall_of(&state(10.0), t(10), &scheduler, &clock()), 0.9);
    // S = 5, t = 20: (1 + F * 4)^(-0.1542) = 0.782132.
    close(recall_of(&state(5.0), t(20), &scheduler, &clock()), 0.782132);
    close(recall_of(&state(5.0), t(0), &scheduler, &clock()), 1.0);
}

#[test]
fn elapsed_time_counts_whole_days_between_day_starts() {
    let scheduler = Scheduler::default_params();
    let state = CardState { stability: 5.0, difficulty: 5.0, due: t(0), last_review: t(0), reps: 1, lapses: 0 };
    // 03:00 the next morning is still the same day (days roll over at 4 a.m.).
    close(recall_of(&state, t(0) + Duration::hours(18), &scheduler, &clock()), 1.0);
    // 05:00 the next morning is one day later: (1 + F / 5)^(-0.1542) = 0.972770.
    close(recall_of(&state, t(0) + Duration::hours(20), &scheduler, &clock()), 0.972770);
}

#[test]
fn one_good_answer_on_a_new_card_gives_the_first_stability_and_its_curve() {
    let learned = learned_good("a", "sql");
    let state = states_at(&learned, &[t(2)], &Scheduler::default_params(), &clock()).unwrap()[0].unwrap();
    assert_eq!(state.stability, W2);
    let scorecard = score_at(&inputs(vec![learned]), t(2));
    let sql = scorecard.area("sql").unwrap();
    // S = w2 = 2.3065, t = 2 days: R = (1 + F * 2 / 2.3065)^(-0.1542) = 0.909493.
    close(sql.recall.unwrap(), 0.909493);
    close(sql.score.unwrap(), 1.0 + 4.0 * 0.909493);
    assert_eq!((sql.cards, sql.seen), (1, 1));
}

#[test]
fn recall_is_the_mean_over_active_cards_and_unseen_cards_count_zero() {
    let cards = vec![learned_good("a", "sql"), card("b", "sql", vec![])];
    let sql = score_at(&inputs(cards), t(2)).area("sql").unwrap().clone();
    close(sql.recall.unwrap(), 0.909493 / 2.0);
    close(sql.score.unwrap(), 1.0 + 2.0 * 0.909493);
    assert_eq!((sql.cards, sql.seen), (2, 1));
}

#[test]
fn a_never_seen_area_scores_exactly_one() {
    let testing = score_at(&inputs(vec![card("a", "testing", vec![]), card("b", "testing", vec![])]), t(0));
    let testing = testing.area("testing").unwrap();
    assert_eq!((testing.score, testing.recall, testing.seen), (Some(1.0), Some(0.0), 0));
    assert_eq!((testing.retention_30d, testing.reviews_30d), (None, 0));
}

#[test]
fn suspended_cards_do_not_count() {
    let mut suspended = card("s", "sql", vec![]);
    suspended.suspended = true;
    let mut suspended_seen = learned_good("t", "cloud");
    suspended_seen.suspended = true;
    let scorecard = score_at(&inputs(vec![learned_good("a", "sql"), suspended, suspended_seen]), t(2));
    let sql = scorecard.area("sql").unwrap();
    assert_eq!((sql.cards, sql.seen), (1, 1));
    close(sql.recall.unwrap(), 0.909493);
    // An area whose cards are all suspended has nothing to measure.
    let cloud = scorecard.area("cloud").unwrap();
    assert_eq!((cloud.cards, cloud.seen, cloud.score), (0, 0, None));
}

#[test]
fn a_projection_assumes_no_more_practice_so_recall_falls() {
    let cards = inputs(vec![learned_good("a", "sql")]);
    let later = score_at(&cards, t(60)).area("sql").unwrap().clone();
    // R = (1 + F * 60 / 2.3065)^(-0.1542) = 0.603295.
    close(later.recall.unwrap(), 0.603295);
    assert!(later.score < score_at(&cards, t(2)).area("sql").unwrap().score);
}

#[test]
fn reviews_after_the_moment_are_ignored() {
    let cards = inputs(vec![card(
        "a",
        "sql",
        vec![review(0, Rating::Good, ReviewKind::Learn), review(5, Rating::Again, ReviewKind::Review)],
    )]);
    // On day 2 the Again of day 5 has not happened yet.
    close(score_at(&cards, t(2)).area("sql").unwrap().recall.unwrap(), 0.909493);
}

#[test]
fn again_on_a_due_card_lowers_its_later_recall() {
    let good_only = inputs(vec![learned_good("a", "sql")]);
    let mut with_again = good_only.clone();
    with_again.cards[0].reviews.push(review(2, Rating::Again, ReviewKind::Review));
    let recall = |i: &Inputs| score_at(i, t(5)).area("sql").unwrap().recall.unwrap();
    assert!(recall(&with_again) < recall(&good_only), "{} < {}", recall(&with_again), recall(&good_only));
}

fn retention_log() -> CardInput {
    use Rating::*;
    use ReviewKind::*;
    card(
        "a",
        "sql",
        vec![
            review(0, Good, Learn),     // first sighting: no previous interval
            review(3, Good, Review),    // pass
            review(10, Again, Review),  // fail
            review(10, Good, Relearn),  // same day: not counted
            review(12, Good, Cram),     // first cram answer of the day, 2 days later: pass
            review(12, Again, Cram),    // cram repeat: not counted
            review(13, Again, Preview), // preview: not counted
        ],
    )
}

#[test]
fn true_retention_counts_reviews_a_day_or_more_apart_and_skips_repeats() {
    let events = retention_events(&retention_log(), &clock());
    let days: Vec<(i64, bool)> = events.iter().map(|e| (e.day - clock().day_of(t(0)), e.pass)).collect();
    assert_eq!(days, [(3, true), (10, false), (12, true)]);
    let sql = score_at(&inputs(vec![retention_log()]), t(20)).area("sql").unwrap().clone();
    assert_eq!((sql.passes_30d, sql.reviews_30d), (2, 3));
    close(sql.retention_30d.unwrap(), 2.0 / 3.0);
}

#[test]
fn true_retention_looks_back_30_days_including_today() {
    let cards = inputs(vec![retention_log()]);
    // Day 41's window is days 12..=41: only the cram answer of day 12.
    let sql = score_at(&cards, t(41)).area("sql").unwrap().clone();
    assert_eq!((sql.passes_30d, sql.reviews_30d), (1, 1));
    // Day 42's window has none.
    let sql = score_at(&cards, t(42)).area("sql").unwrap().clone();
    assert_eq!((sql.reviews_30d, sql.retention_30d), (0, None));
}

#[test]
fn replaying_step_by_step_equals_replaying_the_log_cut_at_each_moment() {
    let scheduler = Scheduler::default_params();
    let log = retention_log();
    let moments: Vec<_> = (0..16).map(|d| t(d) + Duration::hours(3)).collect();
    let stepped = states_at(&log, &moments, &scheduler, &clock()).unwrap();
    for (at, state) in moments.iter().zip(&stepped) {
        let cut: Vec<Review> = log.reviews.iter().filter(|r| r.at <= *at).copied().collect();
        assert_eq!(*state, scheduler.replay(&log.key, &cut, &clock()).unwrap(), "at {at}");
    }
    let all = inputs(vec![log, learned_good("b", "python")]);
    let many = compute_many(&all, &moments, &scheduler, &clock()).unwrap();
    for (at, scorecard) in moments.iter().zip(&many) {
        assert_eq!(*scorecard, score_at(&all, *at));
    }
}

fn rating(area: &str, score: u8, day: i64) -> SelfRating {
    SelfRating { area: area.into(), score, at: t(day) }
}

#[test]
fn the_self_rating_shown_is_the_latest_at_that_moment_and_the_gap_is_self_minus_score() {
    let mut cards = inputs(vec![learned_good("a", "sql"), card("b", "sql", vec![])]);
    cards.self_ratings = vec![rating("sql", 4, 1), rating("sql", 2, 5)];
    let at_day_3 = score_at(&cards, t(3));
    let sql = at_day_3.area("sql").unwrap();
    assert_eq!(sql.self_rating.as_ref().map(|r| r.score), Some(4));
    // Measured on day 3: 1 + 2 * (1 + F * 3 / 2.3065)^(-0.1542) = 1 + 2 * 0.880948 = 2.76 -> 2.8.
    close(sql.score.unwrap(), 1.0 + 2.0 * 0.880948);
    close(sql.gap.unwrap(), 4.0 - 2.8);
    let sql_later = score_at(&cards, t(6));
    assert_eq!(sql_later.area("sql").unwrap().self_rating.as_ref().map(|r| r.score), Some(2));
    assert_eq!(score_at(&cards, t(0)).area("sql").unwrap().self_rating, None);
}

#[test]
fn language_depth_is_the_best_language_area() {
    let mut cards = inputs(vec![learned_good("p", "python"), card("j", "java", vec![]), card("s", "sql", vec![])]);
    cards.self_ratings = vec![rating(LANGUAGE_DEPTH, 3, 0)];
    let depth = score_at(&cards, t(2)).dimensions[0].clone();
    assert_eq!(depth.dimension, LANGUAGE_DEPTH);
    assert_eq!(depth.area.as_deref(), Some("python"));
    assert_eq!(depth.from, ["java", "python"]);
    close(depth.score.unwrap(), 1.0 + 4.0 * 0.909493);
    close(depth.gap.unwrap(), 3.0 - 4.6);
    // The config's languages narrow the choice.
    cards.languages = vec!["Java".into()];
    let depth = score_at(&cards, t(2)).dimensions[0].clone();
    assert_eq!((depth.area.as_deref(), depth.score), (Some("java"), Some(1.0)));
}

#[test]
fn without_language_decks_language_depth_is_not_measured() {
    let depth = score_at(&inputs(vec![card("s", "sql", vec![])]), t(0)).dimensions[0].clone();
    assert_eq!((depth.area, depth.score, depth.from.len()), (None, None, 0));
}

#[test]
fn the_dimensions_come_in_the_usual_order_and_remote_communication_is_behavioral() {
    let scorecard = score_at(&inputs(vec![learned_good("b", "behavioral")]), t(2));
    let ids: Vec<&str> = scorecard.dimensions.iter().map(|d| d.dimension.as_str()).collect();
    assert_eq!(ids, ["language-depth", "sql", "system-design", "testing", "cloud", "remote-communication"]);
    let remote = &scorecard.dimensions[5];
    assert_eq!(remote.area.as_deref(), Some("behavioral"));
    assert_eq!(remote.score, scorecard.area("behavioral").unwrap().score);
}

#[test]
fn typed_names_are_made_canonical() {
    assert_eq!(canonical_name("SQL"), "sql");
    assert_eq!(canonical_name(" System design "), "system-design");
    assert_eq!(canonical_name("remote communication"), "behavioral");
    assert_eq!(canonical_name("language_depth"), LANGUAGE_DEPTH);
    assert_eq!(canonical_name("api-design"), "api-design");
}

#[test]
fn a_narrowed_scorecard_keeps_only_those_areas_and_no_dimensions() {
    let cards = inputs(vec![learned_good("a", "sql"), learned_good("b", "cloud")]);
    let narrowed = score_at(&cards, t(2)).narrowed(&["cloud".to_owned()]);
    let areas: Vec<&str> = narrowed.areas.iter().map(|a| a.area.as_str()).collect();
    assert_eq!(areas, ["cloud"]);
    assert!(narrowed.dimensions.is_empty());
}

#[test]
fn json_rounds_numbers_as_the_terminal_shows_them() {
    let mut cards = inputs(vec![learned_good("a", "sql"), card("b", "sql", vec![])]);
    cards.self_ratings = vec![rating("sql", 4, 1)];
    let json = serde_json::to_value(score_at(&cards, t(3)).narrowed(&["sql".to_owned()])).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "at": "2026-03-05T09:00:00Z",
            "areas": [{
                "area": "sql", "score": 2.8, "recall": 0.44, "cards": 2, "seen": 1,
                "retention_30d": null, "passes_30d": 0, "reviews_30d": 0,
                "self": {"score": 4, "at": "2026-03-03T09:00:00Z"}, "gap": 1.2
            }],
            "dimensions": []
        })
    );
}

#[test]
fn a_date_means_the_end_of_that_day() {
    let when = parse_when_("2026-03-20").unwrap();
    // Days roll over at 4 a.m.: the 20th ends just before 04:00 on the 21st.
    assert_eq!(
        when.resolve(&clock()),
        Utc.with_ymd_and_hms(2026, 3, 21, 3, 59, 59).unwrap() + Duration::milliseconds(999)
    );
    let exact = parse_when_("2026-03-20T09:30:00+01:00").unwrap();
    assert_eq!(exact.resolve(&clock()), Utc.with_ymd_and_hms(2026, 3, 20, 8, 30, 0).unwrap());
}

#[test]
fn bad_dates_and_durations_are_refused_with_the_expected_form() {
    let e = parse_when_("20/03/2026").unwrap_err();
    assert!(e.contains("YYYY-MM-DD") && e.contains("RFC 3339"), "{e}");
    assert!(parse_when_("2026-02-30").is_err());
    assert_eq!(parse_in_("5d"), Ok(5));
    assert_eq!(parse_in_("2W"), Ok(14));
    assert_eq!(parse_in_("0d"), Ok(0));
    for bad in ["5", "d", "-1d", "1.5w", "5 days", "", "99999999999d"] {
        assert!(parse_in_(bad).is_err(), "{bad:?} should be refused");
    }
    assert!(parse_in_("36501d").unwrap_err().contains("more than"));
}

#[test]
fn history_points_are_a_week_apart_and_end_at_the_given_moment() {
    let end = t(18);
    let points = history_moments(end, 3, &clock());
    let dates: Vec<String> = points.iter().map(|(d, _)| d.to_string()).collect();
    assert_eq!(dates, ["2026-03-06", "2026-03-13", "2026-03-20"]);
    assert_eq!(points[0].1, parse_when_("2026-03-06").unwrap().resolve(&clock()));
    assert_eq!(points[2].1, end);
}

#[test]
fn history_scores_equal_the_scorecard_at_each_point() {
    let cards = inputs(vec![retention_log(), learned_good("b", "python")]);
    let scheduler = Scheduler::default_params();
    let points = history(&cards, t(20), 4, &[], &scheduler, &clock()).unwrap();
    assert_eq!(points.len(), 4);
    for point in &points {
        let at = score_at(&cards, point.at);
        for area in &point.areas {
            assert_eq!(area.score, at.area(&area.area).unwrap().score, "{} on {}", area.area, point.date);
        }
    }
}

fn sample() -> Inputs {
    let mut cards = inputs(vec![
        learned_good("a", "sql"),
        card("b", "sql", vec![]),
        retention_log(),
        learned_good("p", "python"),
        card("c", "cloud", vec![]),
    ]);
    cards.cards[2].key = "c2".into();
    cards.self_ratings = vec![rating("sql", 4, 1), rating(LANGUAGE_DEPTH, 2, 1)];
    cards
}

#[test]
fn the_scorecard_shows_dimensions_then_areas_with_their_numbers() {
    let scorecard = score_at(&sample(), t(20));
    insta::assert_snapshot!(render_scorecard(&scorecard, t(20), &clock(), None), @r"
    Readiness now · Sun 22 Mar 2026
    ┌────────────────────────────────────────────────────────────────────────────────────────────────┐
    │ dimension              score   1 ─── 5    measured from                      self         gap  │
    ╞════════════════════════════════════════════════════════════════════════════════════════════════╡
    │ language depth           3.8   █████▋     python                             2 (03 Mar)   -1.8 │
    │ SQL                      3.1   ████▎      sql                                4 (03 Mar)   +0.9 │
    │ system design              –              no active cards in system-design   –               – │
    │ testing                    –              no active cards in testing         –               – │
    │ cloud                    1.0              cloud                              –               – │
    │ remote communication       –              no active cards in behavioral      –               – │
    └────────────────────────────────────────────────────────────────────────────────────────────────┘
    ┌───────────────────────────────────────────────────────────────────────────────┐
    │ area     score   1 ─── 5    recall   seen   retention 30d   self         gap  │
    ╞═══════════════════════════════════════════════════════════════════════════════╡
    │ cloud      1.0                  0%    0/1               –   –               – │
    │ python     3.8   █████▋        71%    1/1               –   –               – │
    │ sql        3.1   ████▎         52%    2/3         2/3 67%   4 (03 Mar)   +0.9 │
    └───────────────────────────────────────────────────────────────────────────────┘
    score = 1 + 4 × recall; recall = the share of the area's questions you would answer right at that
    moment, from the FSRS memory model (cards never reviewed count 0). retention 30d = passes / reviews
    made a day or more after the card's previous review (Anki's true retention). gap = self - score.
    ");
}

#[test]
fn a_projection_says_so_in_its_title() {
    let scorecard = score_at(&sample(), t(38));
    let text = render_scorecard(&scorecard, t(20), &clock(), None);
    assert!(text.starts_with("Readiness on Thu 09 Apr 2026, in 18 days, assuming no more practice\n"), "{text}");
    let past = render_scorecard(&score_at(&sample(), t(13)), t(20), &clock(), None);
    assert!(past.starts_with("Readiness on Sun 15 Mar 2026, 7 days ago, from the reviews made by then\n"), "{past}");
}

#[test]
fn the_history_draws_one_sparkline_per_area_on_the_fixed_scale() {
    let points = history(&sample(), t(20), 4, &[], &Scheduler::default_params(), &clock()).unwrap();
    insta::assert_snapshot!(render_history(&points, None), @r"
    Readiness by week, 01 Mar 2026 to 22 Mar 2026: one column per week, oldest left; ▁ is 1, █ is 5.
    Each week's scores are replayed from the review log as it stood at the end of that day.
    ┌──────────────────────────────────────────┐
    │ area     by week   first   last   change │
    ╞══════════════════════════════════════════╡
    │ cloud    ▁▁▁▁        1.0    1.0     +0.0 │
    │ python   ▁▇▆▆        1.0    3.8     +2.8 │
    │ sql      ▁▅▅▅        1.0    3.1     +2.1 │
    └──────────────────────────────────────────┘
    ");
}

#[test]
fn the_drill_summary_shows_before_after_and_tomorrow_for_the_touched_areas() {
    let mut cards = sample();
    let before = score_at(&cards, t(20));
    cards.cards[0].reviews.push(review(20, Rating::Again, ReviewKind::Review));
    let (after, tomorrow) = (score_at(&cards, t(20)), score_at(&cards, t(21)));
    // A card answered today counts as recalled until the day ends, whatever the rating:
    // tomorrow shows what the rating did to its memory.
    insta::assert_snapshot!(render_changes(&before, &after, &tomorrow, &["python".into(), "sql".into()]), @r"
    readiness  before  after  tomorrow
    python        3.8    3.8       3.8
    sql           3.1    3.5       3.3
    ");
}

#[test]
fn a_card_imported_with_an_sm2_start_has_the_same_past_states_as_its_replay() {
    let mut input = card(
        "anki:x:0",
        "sql",
        vec![review(0, Rating::Good, ReviewKind::Review), review(10, Rating::Good, ReviewKind::Review)],
    );
    let start = crate::scheduler::Sm2Start { at: t(0), ease: 2.5, interval_days: 20.0, retention: 0.9 };
    input.start = Some(start);
    let scheduler = Scheduler::default_params();
    let states = states_at(&input, &[t(5), t(11)], &scheduler, &clock()).unwrap();
    let first = scheduler.replay_from("anki:x:0", Some(&start), &input.reviews[..1], &clock()).unwrap();
    let both = scheduler.replay_from("anki:x:0", Some(&start), &input.reviews, &clock()).unwrap();
    assert_eq!(states, vec![first, both]);
    // The SM-2 start, not a first answer: far more stable than a new card rated Good.
    assert!(first.unwrap().stability > 10.0);
}

fn parse_when_(text: &str) -> Result<crate::values::DayOrInstant, String> {
    text.parse()
}

fn parse_in_(text: &str) -> Result<u32, String> {
    text.parse::<crate::values::Span>().map(|s| s.days)
}
