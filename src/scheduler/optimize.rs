//! A personal memory model: FSRS-6 parameters fitted to the user's own review log with the
//! `fsrs` crate's optimizer, and the crate's evaluation (log-loss, RMSE in bins) to decide
//! whether they predict the user's answers better than the parameters in use.

use chrono::TimeZone;
use fsrs::{ComputeParametersInput, FSRS, FSRSItem, FSRSReview, ModelEvaluation};
use serde::Serialize;

use super::{DayClock, Review, changes_state};

/// Fewer usable reviews than this and grill keeps the defaults: Anki 24.04 asked for 400
/// reviews before optimising, and the FSRS authors found parameters fitted to a few hundred
/// reviews predict the next thousand poorly (ankitects/anki#3094).
pub const MIN_REVIEWS: usize = 400;

/// What the optimizer learns from: one item per review made at least a day after the card's
/// previous review, holding the card's history up to it, oldest review first.
#[derive(Debug, Clone, Default)]
pub struct TrainingSet {
    items: Vec<FSRSItem>,
    card_ids: Vec<i64>,
    /// Distinct cards with at least one item.
    pub cards: usize,
}

impl TrainingSet {
    /// Builds the set from each card's log (`(card id, reviews oldest first)`). Previews and
    /// same-day cram repeats are left out, as they never move the memory state; elapsed time
    /// is counted in grill days. Reviews made on the same day as the previous one stay in the
    /// history (FSRS-6 models them) but are not predicted, as Anki does.
    pub fn from_logs<Tz: TimeZone>(logs: &[(i64, Vec<Review>)], clock: &DayClock<Tz>) -> TrainingSet {
        let mut dated: Vec<(chrono::DateTime<chrono::Utc>, i64, FSRSItem)> = Vec::new();
        let mut cards = 0;
        for (card_id, reviews) in logs {
            let before = dated.len();
            let mut history: Vec<FSRSReview> = Vec::new();
            let mut previous: Option<&Review> = None;
            for (i, review) in reviews.iter().enumerate() {
                if !changes_state(review, &reviews[..i], clock) {
                    continue;
                }
                let delta_t = previous.map_or(0, |p| clock.days_between(p.at, review.at));
                history.push(FSRSReview { rating: review.rating as u32, delta_t });
                if previous.is_some() && delta_t > 0 {
                    dated.push((review.at, *card_id, FSRSItem { reviews: history.clone() }));
                }
                previous = Some(review);
            }
            cards += usize::from(dated.len() > before);
        }
        // The crate weights recent reviews more: items must be in the order they happened.
        dated.sort_by_key(|(at, card, _)| (*at, *card));
        let (card_ids, items) = dated.into_iter().map(|(_, card, item)| (card, item)).unzip();
        TrainingSet { items, card_ids, cards }
    }

    /// Reviews the optimizer can learn from.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there is nothing to learn from.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// How well a set of parameters predicts the history (lower is better for both).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Evaluation {
    /// Mean binary cross-entropy of the predicted recall probabilities.
    pub log_loss: f32,
    /// Root mean square error between predicted and actual recall, in bins (0-1).
    pub rmse_bins: f32,
}

impl From<ModelEvaluation> for Evaluation {
    fn from(e: ModelEvaluation) -> Self {
        Evaluation { log_loss: e.log_loss, rmse_bins: e.rmse_bins }
    }
}

/// The outcome of fitting: the new parameters and how they compare on the same history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fit {
    /// The 21 fitted FSRS-6 parameters.
    pub parameters: Vec<f32>,
    /// The reviews the fit learned from.
    pub reviews: usize,
    /// The default parameters' evaluation.
    pub default: Evaluation,
    /// The evaluation of the parameters in use before the fit (the defaults when never fitted).
    pub current: Evaluation,
    /// The fitted parameters' evaluation.
    pub fitted: Evaluation,
}

impl Fit {
    /// Whether the fitted parameters predict the history better than those in use.
    pub fn improves(&self) -> bool {
        self.fitted.log_loss < self.current.log_loss
    }
}

/// Why no fit was made.
#[derive(Debug, thiserror::Error)]
pub enum OptimizeError {
    #[error(
        "not enough reviews to fit your own parameters yet: {have} usable reviews, {need} needed \
         (a usable review is an answer given at least a day after the card's previous one); \
         grill keeps the default parameters"
    )]
    NotEnoughReviews { have: usize, need: usize },
    #[error("FSRS optimizer: {0}")]
    Fsrs(String),
}

fn fsrs_error(e: fsrs::FSRSError) -> OptimizeError {
    OptimizeError::Fsrs(e.to_string())
}

/// Evaluates `parameters` (empty: the defaults) on `set` with the crate's evaluation.
pub fn evaluate(set: &TrainingSet, parameters: &[f32]) -> Result<Evaluation, OptimizeError> {
    let model = FSRS::new(parameters).map_err(fsrs_error)?;
    let evaluation = model.evaluate_with_card_ids(set.items.clone(), set.card_ids.clone(), |_| true);
    evaluation.map(Evaluation::from).map_err(fsrs_error)
}

/// Fits FSRS-6 parameters to `set` and evaluates them, the defaults and `current` (the
/// parameters in use; empty for the defaults) on it. Needs [`MIN_REVIEWS`] usable reviews.
pub fn fit(set: &TrainingSet, current: &[f32]) -> Result<Fit, OptimizeError> {
    if set.len() < MIN_REVIEWS {
        return Err(OptimizeError::NotEnoughReviews { have: set.len(), need: MIN_REVIEWS });
    }
    let parameters = fsrs::compute_parameters(ComputeParametersInput {
        train_set: set.items.clone(),
        card_ids: Some(set.card_ids.clone()),
        ..ComputeParametersInput::default()
    })
    .map_err(fsrs_error)?;
    let default = evaluate(set, &[])?;
    let current = if current.is_empty() { default } else { evaluate(set, current)? };
    let fitted = evaluate(set, &parameters)?;
    Ok(Fit { parameters, reviews: set.len(), default, current, fitted })
}

#[cfg(test)]
#[path = "optimize_tests.rs"]
mod tests;
