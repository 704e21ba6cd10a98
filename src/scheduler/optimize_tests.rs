use chrono::{TimeZone, Utc};

use super::*;
use crate::scheduler::synthetic::{Learner, history};
use crate::scheduler::{Rating, ReviewKind};

/// A learner unlike the average: longer first stabilities, a steeper forgetting curve.
const TRUE_PARAMETERS: [f32; 21] =
    [0.8, 3.0, 6.0, 20.0, 6.0, 0.6, 2.0, 0.01, 1.4, 0.12, 1.1, 1.8, 0.1, 0.35, 1.4, 0.4, 2.5, 0.5, 0.1, 0.1, 0.35];

fn clock() -> DayClock<Utc> {
    DayClock::new(Utc, 4)
}

fn at(day: i64, hour: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, hour, 0, 0).unwrap() + chrono::Duration::days(day)
}

fn review(day: i64, hour: u32, rating: Rating, kind: ReviewKind) -> Review {
    Review { at: at(day, hour), rating, kind }
}

#[test]
fn items_hold_the_history_up_to_each_review_a_day_or_more_after_the_last() {
    let log = vec![(
        7,
        vec![
            review(0, 9, Rating::Again, ReviewKind::Learn),
            review(0, 10, Rating::Good, ReviewKind::Relearn),
            review(3, 9, Rating::Good, ReviewKind::Review),
            review(3, 12, Rating::Again, ReviewKind::Preview),
            review(10, 9, Rating::Hard, ReviewKind::Cram),
            review(10, 11, Rating::Again, ReviewKind::Cram),
            review(12, 9, Rating::Easy, ReviewKind::Review),
        ],
    )];
    let set = TrainingSet::from_logs(&log, &clock());
    let r = |rating, delta_t| FSRSReview { rating, delta_t };
    assert_eq!(
        set.items,
        vec![
            FSRSItem { reviews: vec![r(1, 0), r(3, 0), r(3, 3)] },
            FSRSItem { reviews: vec![r(1, 0), r(3, 0), r(3, 3), r(2, 7)] },
            FSRSItem { reviews: vec![r(1, 0), r(3, 0), r(3, 3), r(2, 7), r(4, 2)] },
        ],
        "the preview and the cram repeat are left out; the same-day relearn is history only"
    );
    assert_eq!((set.card_ids, set.cards), (vec![7, 7, 7], 1));
}

#[test]
fn items_of_all_cards_are_ordered_by_when_the_review_happened() {
    let log = vec![
        (1, vec![review(0, 9, Rating::Good, ReviewKind::Learn), review(5, 9, Rating::Good, ReviewKind::Review)]),
        (2, vec![review(1, 9, Rating::Good, ReviewKind::Learn), review(3, 9, Rating::Good, ReviewKind::Review)]),
    ];
    let set = TrainingSet::from_logs(&log, &clock());
    assert_eq!(set.card_ids, vec![2, 1]);
    assert_eq!(set.cards, 2);
}

#[test]
fn too_few_reviews_are_refused_with_the_counts() {
    let log =
        vec![(1, vec![review(0, 9, Rating::Good, ReviewKind::Learn), review(5, 9, Rating::Good, ReviewKind::Review)])];
    let set = TrainingSet::from_logs(&log, &clock());
    let error = fit(&set, &[]).unwrap_err();
    assert!(matches!(error, OptimizeError::NotEnoughReviews { have: 1, need: MIN_REVIEWS }), "{error}");
    assert!(error.to_string().contains("1 usable reviews, 400 needed"), "{error}");
}

/// The mean gap between the recall probabilities two parameter sets predict for every item.
fn prediction_gap(set: &TrainingSet, a: &[f32], b: &[f32]) -> f32 {
    let predict = |parameters: &[f32], item: &FSRSItem| {
        let model = FSRS::new(parameters).unwrap();
        let (history, current) = item.reviews.split_at(item.reviews.len() - 1);
        let memory = model.memory_state(FSRSItem { reviews: history.to_vec() }, None).unwrap();
        fsrs::current_retrievability(memory, current[0].delta_t as f32, parameters[20])
    };
    set.items.iter().map(|item| (predict(a, item) - predict(b, item)).abs()).sum::<f32>() / set.len() as f32
}

/// How far the four first-review stabilities (w0-w3) are from the truth, as ratios.
fn first_stability_error(parameters: &[f32]) -> f32 {
    (0..4).map(|i| (parameters[i] / TRUE_PARAMETERS[i]).ln().abs()).sum()
}

#[test]
fn fitting_a_history_drawn_from_known_parameters_beats_the_defaults_and_recovers_them() {
    let learner = Learner { parameters: &TRUE_PARAMETERS, cards: 800, start_spread: 60, days: 300, seed: 2026 };
    let log = history(&learner, at(0, 9)).unwrap();
    let set = TrainingSet::from_logs(&log, &clock());
    let reviews: usize = log.iter().map(|(_, r)| r.len()).sum();
    assert!((2_000..8_000).contains(&reviews), "{reviews} reviews: keep the test fast but meaningful");
    let fit = fit(&set, &[]).unwrap();
    let truth = evaluate(&set, &TRUE_PARAMETERS).unwrap();
    let defaults = fsrs::DEFAULT_PARAMETERS;
    assert!(fit.improves());
    assert!(fit.fitted.log_loss < fit.default.log_loss, "{:?} vs {:?}", fit.fitted, fit.default);
    assert!(fit.fitted.rmse_bins < fit.default.rmse_bins, "{:?} vs {:?}", fit.fitted, fit.default);
    // The true parameters are the best possible model: the fit closes most of the way to them.
    let closed = (fit.default.log_loss - fit.fitted.log_loss) / (fit.default.log_loss - truth.log_loss);
    assert!(closed > 0.33, "only {closed:.2} of the log-loss gap closed: {fit:?} truth {truth:?}");
    // Thresholds: seeds 1 to 8 all pass them (the worst: 0.41 of the gap closed, predictions
    // at 0.75 of the defaults' distance from the truth, stabilities at 0.63 of their error).
    // Recovered approximately: the fitted model predicts nearly what the true one does, and
    // the first-review stabilities (what this history pins down best) move toward the truth.
    let gap = prediction_gap(&set, &fit.parameters, &TRUE_PARAMETERS);
    let default_gap = prediction_gap(&set, &defaults, &TRUE_PARAMETERS);
    assert!(gap < default_gap * 0.8, "predictions {gap:.3} from the truth, defaults {default_gap:.3}");
    assert!(
        first_stability_error(&fit.parameters) < first_stability_error(&defaults) * 0.7,
        "{:?}",
        &fit.parameters[..4]
    );
}
