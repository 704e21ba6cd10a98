//! Readiness, PURE: one honest 1-5 score per area, computed from the FSRS memory model.
//!
//! `recall(A, t)` is the mean, over area A's active cards, of each card's retrievability R(t)
//! (0 for a card never reviewed): the expected share of A's questions the user would answer
//! right at `t`. `score = 1 + 4 * recall`. Card states are rebuilt by replaying the review log
//! up to `t`, so the scorecard of any past moment, now, or a projected date all come from the
//! same code (`compute_many`), and a weekly history needs no snapshot table.

mod compute;
mod moment;
mod names;
mod slots;
mod summary;

#[cfg(test)]
mod tests;

pub use compute::{
    RETENTION_DAYS, RetentionEvent, compute, compute_many, compute_summarised, history, history_from_sums, recall_of,
    recall_sums_at, retention_events,
};
pub use moment::{date_of_day, days_after, days_to_fill, end_of_day, history_moments};
pub use names::{DIMENSIONS, Dimension, LANGUAGE_AREAS, LANGUAGE_DEPTH, Source, canonical_name, language_areas};
pub use slots::{
    AnswerSlot, DueSlot, GAP_FAR, GAP_FROM_LOG, GAP_NOT_COUNTED, SLOT_MS, SlotDays, retention_from_slots, slot_of,
    slot_start,
};
pub use summary::{AreaCards, RecallBucket, Summary, recall_sums};

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::{Serialize, Serializer};

use crate::scheduler::{CardState, Review, Sm2Start};

/// A name given to `grill score` that is neither an area of the decks nor a dimension.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{name:?} is not an area; known: {}", known.join(", "))]
pub struct UnknownArea {
    pub name: String,
    pub known: Vec<String>,
}

/// One card as the scorecard needs it: its area, whether it counts, and its review log.
#[derive(Debug, Clone, PartialEq)]
pub struct CardInput {
    /// The card's stable id (FSRS fuzz is seeded by it; replay needs it).
    pub key: String,
    pub area: String,
    /// Suspended cards do not count anywhere in the scorecard.
    pub suspended: bool,
    /// The card's reviews, oldest first (ordered by time, then log order).
    pub reviews: Vec<Review>,
    /// The card's stored state after its whole log, when the inputs were read for moments after
    /// every review (see `Store::scorecard_cards_recent`): `reviews` then holds only the recent
    /// log true retention needs, and the state at every moment is this one. `None`: replay.
    pub current: Option<CardState>,
    /// Where an imported incomplete history's state starts (the SM-2 fallback), if it does.
    pub start: Option<Sm2Start>,
}

/// A self-assessment: the user's own 1-5 rating of an area (or of `language-depth`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SelfRating {
    /// The canonical area name it rates (see [`canonical_name`]).
    #[serde(skip)]
    pub area: String,
    pub score: u8,
    #[serde(serialize_with = "rfc3339")]
    pub at: DateTime<Utc>,
}

/// Everything the scorecard is computed from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Inputs {
    pub cards: Vec<CardInput>,
    /// Every self-assessment, oldest first; the latest one at or before `t` is shown.
    pub self_ratings: Vec<SelfRating>,
    /// The user's languages (config `languages`); empty means every known language area.
    pub languages: Vec<String>,
}

/// The scorecard at one moment. `--json` serialises exactly this, with numbers rounded as the
/// terminal shows them (score and gap to 0.1, shares to 0.01).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scorecard {
    #[serde(serialize_with = "rfc3339")]
    pub at: DateTime<Utc>,
    /// One entry per area, by name.
    pub areas: Vec<AreaScore>,
    /// The six dimensions users rate themselves on, in their usual order (empty when the
    /// scorecard was narrowed to some areas).
    pub dimensions: Vec<DimensionScore>,
}

/// One area's readiness.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaScore {
    pub area: String,
    /// `1 + 4 * recall`; `None` when the area has no active card.
    #[serde(serialize_with = "round1")]
    pub score: Option<f64>,
    /// Mean retrievability over the active cards (never-reviewed cards count 0).
    #[serde(serialize_with = "round2")]
    pub recall: Option<f64>,
    /// Active (not suspended) cards.
    pub cards: usize,
    /// Active cards with at least one review that built a memory state.
    pub seen: usize,
    /// Passes / reviews over the last 30 days, among reviews at least a day after the card's
    /// previous one (Anki's true retention); `None` without such reviews.
    #[serde(serialize_with = "round2")]
    pub retention_30d: Option<f64>,
    pub passes_30d: usize,
    pub reviews_30d: usize,
    /// The user's latest self-assessment of this area at the scorecard's moment.
    #[serde(rename = "self")]
    pub self_rating: Option<SelfRating>,
    /// Self-assessment minus the (rounded) score: positive means you feel readier than measured.
    #[serde(serialize_with = "round1")]
    pub gap: Option<f64>,
}

/// One of the seed dimensions (language depth, SQL, ...), measured from an area.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DimensionScore {
    /// The dimension's id (e.g. `language-depth`, `remote-communication`).
    pub dimension: String,
    /// Its name in words.
    pub label: String,
    /// The area it is measured from (for language depth: the best language area), if any.
    pub area: Option<String>,
    /// The areas it could be measured from (several only for language depth).
    pub from: Vec<String>,
    #[serde(serialize_with = "round1")]
    pub score: Option<f64>,
    #[serde(rename = "self")]
    pub self_rating: Option<SelfRating>,
    #[serde(serialize_with = "round1")]
    pub gap: Option<f64>,
}

/// One column of the weekly history: each area's score at the end of a day (the last column:
/// at the history's end moment).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistoryPoint {
    /// The (grill) day this point closes.
    #[serde(serialize_with = "iso_date")]
    pub date: NaiveDate,
    #[serde(serialize_with = "rfc3339")]
    pub at: DateTime<Utc>,
    pub areas: Vec<HistoryScore>,
}

/// One area's score in a [`HistoryPoint`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistoryScore {
    pub area: String,
    #[serde(serialize_with = "round1")]
    pub score: Option<f64>,
}

impl Scorecard {
    /// The entry for `area`, if the scorecard has it.
    pub fn area(&self, area: &str) -> Option<&AreaScore> {
        self.areas.iter().find(|a| a.area == area)
    }

    /// Only the areas in `only` (all when it is empty). A narrowed scorecard has no dimensions:
    /// they summarise the whole card.
    pub fn narrowed(mut self, only: &[String]) -> Scorecard {
        if !only.is_empty() {
            self.areas.retain(|a| only.contains(&a.area));
            self.dimensions.clear();
        }
        self
    }
}

/// `x` to one decimal, as scores are shown.
pub fn round_to(x: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (x * scale).round() / scale
}

fn round1<S: Serializer>(x: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    x.map(|x| round_to(x, 1)).serialize(s)
}

fn round2<S: Serializer>(x: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    x.map(|x| round_to(x, 2)).serialize(s)
}

fn rfc3339<S: Serializer>(at: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&at.to_rfc3339_opts(SecondsFormat::AutoSi, true))
}

fn iso_date<S: Serializer>(date: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&date.format("%Y-%m-%d"))
}
