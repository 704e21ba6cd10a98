//! Pure scheduling: wraps the `fsrs` crate (FSRS-6) with day boundaries, fuzz, review kinds and
//! replay. No clock, database or terminal in here: time arrives as arguments.

mod days;
mod fuzz;
pub mod optimize;
pub mod synthetic;
pub mod workload;

pub use days::{DayClock, day_of, day_start};

use chrono::{DateTime, Duration, TimeZone, Utc};
use fsrs::{FSRS, MemoryState};
use serde::Serialize;

/// The four answers of the drill scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Rating {
    Again = 1,
    Hard = 2,
    Good = 3,
    Easy = 4,
}

impl Rating {
    /// All ratings, worst first.
    pub const ALL: [Rating; 4] = [Rating::Again, Rating::Hard, Rating::Good, Rating::Easy];

    /// The rating for `1`-`4` or its name (`again`, `hard`, `good`, `easy`).
    pub fn parse(text: &str) -> Option<Rating> {
        match text.trim().to_ascii_lowercase().as_str() {
            "1" | "again" => Some(Rating::Again),
            "2" | "hard" => Some(Rating::Hard),
            "3" | "good" => Some(Rating::Good),
            "4" | "easy" => Some(Rating::Easy),
            _ => None,
        }
    }

    /// The rating stored as 1-4.
    pub fn from_number(n: i64) -> Option<Rating> {
        Self::ALL.get(usize::try_from(n).ok()?.checked_sub(1)?).copied()
    }

    /// The name users type.
    pub fn name(self) -> &'static str {
        match self {
            Rating::Again => "again",
            Rating::Hard => "hard",
            Rating::Good => "good",
            Rating::Easy => "easy",
        }
    }

    /// Whether the answer counts as remembered (Hard, Good, Easy), as Anki counts retention.
    pub fn is_pass(self) -> bool {
        self != Rating::Again
    }
}

/// Why a review was made; decides whether it moves the memory state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ReviewKind {
    /// The first review of a new card.
    Learn = 0,
    /// A review at least one day after the previous one.
    Review = 1,
    /// Another review on the same day (after Again, or a new card rated Hard).
    Relearn = 2,
    /// A cram answer: the first of a day per card is a real review, repeats are only logged.
    Cram = 3,
    /// Logged without touching the memory state (cram with `--no-reschedule`).
    Preview = 4,
    /// A question asked in a real interview, rated afterwards: a real review.
    Interview = 5,
    /// A deck question answered in a mock round (`grill mock`): a real review when it is the
    /// card's first answer of the day, else logged only (as cram repeats are).
    Mock = 6,
}

impl ReviewKind {
    /// The kind stored as an integer.
    pub fn from_number(n: i64) -> Option<ReviewKind> {
        Some(match n {
            0 => ReviewKind::Learn,
            1 => ReviewKind::Review,
            2 => ReviewKind::Relearn,
            3 => ReviewKind::Cram,
            4 => ReviewKind::Preview,
            5 => ReviewKind::Interview,
            6 => ReviewKind::Mock,
            _ => return None,
        })
    }

    /// The name used in exports and JSON.
    pub fn name(self) -> &'static str {
        match self {
            ReviewKind::Learn => "learn",
            ReviewKind::Review => "review",
            ReviewKind::Relearn => "relearn",
            ReviewKind::Cram => "cram",
            ReviewKind::Preview => "preview",
            ReviewKind::Interview => "interview",
            ReviewKind::Mock => "mock",
        }
    }
}

/// The scheduling state of a card that has been reviewed at least once.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CardState {
    pub stability: f32,
    pub difficulty: f32,
    /// The moment the card is next due (a day start, or the review time for same-day repeats).
    pub due: DateTime<Utc>,
    pub last_review: DateTime<Utc>,
    /// State-changing reviews so far.
    pub reps: u32,
    /// Times the card was forgotten (Again) after at least a day.
    pub lapses: u32,
}

impl CardState {
    /// The FSRS memory state.
    pub fn memory(&self) -> MemoryState {
        MemoryState { stability: self.stability, difficulty: self.difficulty }
    }
}

/// One entry of the review log, as the scheduler needs it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Review {
    pub at: DateTime<Utc>,
    pub rating: Rating,
    pub kind: ReviewKind,
}

/// Where an incomplete imported history starts (Anki's SM-2 fallback): the answer at `at` is
/// not replayed; the memory state after it is estimated from the card's SM-2 ease and
/// interval (the `fsrs` crate's `memory_state_from_sm2`, as Anki does).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sm2Start {
    pub at: DateTime<Utc>,
    /// SM-2 ease factor (2.5 = 250%).
    pub ease: f32,
    /// SM-2 interval after that answer, in days (at least 1).
    pub interval_days: f32,
    /// The retention SM-2 was assumed to reach (the preset's `sm2Retention`).
    pub retention: f32,
}

/// What one rating would do to a card: its new state and the interval shown to the user.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outcome {
    pub rating: Rating,
    pub state: CardState,
    /// Whole days until due; 0 means the card comes back in this session.
    pub interval_days: u32,
}

/// Errors from the FSRS model (bad parameters or an impossible state). The `fsrs` crate's own
/// error is kept as the source, so its kind survives for whoever handles it.
#[derive(Debug, thiserror::Error)]
pub enum SchedulerError {
    #[error("FSRS: {0}")]
    Fsrs(#[from] fsrs::FSRSError),
    #[error("FSRS: {context}: {source}")]
    FsrsIn {
        context: String,
        #[source]
        source: fsrs::FSRSError,
    },
    #[error("FSRS: {0}")]
    Invalid(String),
}

/// FSRS-6 with the user's parameters, desired retention and day boundaries.
#[derive(Debug, Clone)]
pub struct Scheduler {
    fsrs: FSRS,
    decay: f32,
    desired_retention: f32,
    max_interval_days: u32,
}

/// The longest interval grill schedules (Anki's default maximum: 100 years).
pub const MAX_INTERVAL_DAYS: u32 = 36_500;

impl Scheduler {
    /// A scheduler with the given FSRS-6 parameters (empty: the defaults) and desired retention.
    pub fn new(parameters: &[f32], desired_retention: f32) -> Result<Self, SchedulerError> {
        let fsrs = FSRS::new(parameters)?;
        let params = if parameters.is_empty() { &fsrs::DEFAULT_PARAMETERS[..] } else { parameters };
        let decay = params.get(20).copied().unwrap_or(fsrs::FSRS6_DEFAULT_DECAY);
        if !(0.5..=0.99).contains(&desired_retention) {
            return Err(SchedulerError::Invalid(format!(
                "desired_retention must be between 0.5 and 0.99, not {desired_retention}"
            )));
        }
        Ok(Scheduler { fsrs, decay, desired_retention, max_interval_days: MAX_INTERVAL_DAYS })
    }

    /// `parameters` as the 21 numbers of FSRS-6: FSRS-4.5 (17) and FSRS-5 (19) sets are
    /// converted by the crate, as Anki does when it reads an older preset.
    pub fn full_parameters(parameters: &[f32]) -> Result<Vec<f32>, SchedulerError> {
        fsrs::check_and_fill_parameters(parameters).map_err(|source| SchedulerError::FsrsIn {
            context: format!("{} FSRS parameters", parameters.len()),
            source,
        })
    }

    /// The default FSRS-6 parameters at 90% desired retention.
    pub fn default_params() -> Self {
        Self::new(&[], 0.9).expect("default parameters are valid")
    }

    /// The forgetting curve's decay (FSRS-6 parameter w20).
    pub fn decay(&self) -> f32 {
        self.decay
    }

    /// The probability of recalling a card `elapsed_days` after its last review.
    pub fn retrievability(&self, memory: MemoryState, elapsed_days: f32) -> f32 {
        fsrs::current_retrievability(memory, elapsed_days.max(0.0), self.decay).clamp(0.0, 1.0)
    }

    /// The outcome of each rating for a card answered at `now`, so the drill can show every
    /// rating's interval before the user picks one.
    pub fn preview<Tz: TimeZone>(
        &self,
        card_key: &str,
        state: Option<&CardState>,
        now: DateTime<Utc>,
        clock: &DayClock<Tz>,
    ) -> Result<[Outcome; 4], SchedulerError> {
        let step = self.step(card_key, state, now, clock)?;
        let intervals = step.intervals(Rating::Easy);
        Ok(std::array::from_fn(|i| step.outcome(Rating::ALL[i], intervals[i], clock)))
    }

    /// The state after answering `rating` at `now`: the same as `preview(..)[rating]`, without
    /// the work for the better ratings (replaying a long log calls this once per review).
    pub fn answer<Tz: TimeZone>(
        &self,
        card_key: &str,
        state: Option<&CardState>,
        rating: Rating,
        now: DateTime<Utc>,
        clock: &DayClock<Tz>,
    ) -> Result<CardState, SchedulerError> {
        let step = self.step(card_key, state, now, clock)?;
        let i = rating as usize - 1;
        Ok(step.outcome(rating, step.intervals(rating)[i], clock).state)
    }

    /// What FSRS says about answering a card in `state` at `now`, before a rating is chosen.
    fn step<'a, Tz: TimeZone>(
        &'a self,
        card_key: &'a str,
        state: Option<&'a CardState>,
        now: DateTime<Utc>,
        clock: &DayClock<Tz>,
    ) -> Result<Step<'a>, SchedulerError> {
        // A clock set back (time zone change, GRILL_NOW in the past) never gives negative time.
        let now = state.map_or(now, |s| now.max(s.last_review));
        let elapsed = state.map_or(0, |s| clock.days_between(s.last_review, now));
        let next = self.fsrs.next_states(state.map(CardState::memory), self.desired_retention, elapsed)?;
        Ok(Step {
            scheduler: self,
            card_key,
            state,
            now,
            today: clock.day_of(now),
            elapsed,
            items: [next.again, next.hard, next.good, next.easy],
        })
    }

    /// The kind of a drill answer given at `now` to a card in `state`.
    pub fn drill_kind<Tz: TimeZone>(state: Option<&CardState>, now: DateTime<Utc>, clock: &DayClock<Tz>) -> ReviewKind {
        match state {
            None => ReviewKind::Learn,
            Some(s) if clock.days_between(s.last_review, now) == 0 => ReviewKind::Relearn,
            Some(_) => ReviewKind::Review,
        }
    }

    /// Applies one logged review to `state`, following the same rules as a live answer:
    /// previews never move the state, only the first cram answer of a day per card does, and a mock
    /// answer only when it is the card's first answer of the day.
    /// `history` is the card's earlier reviews (for the cram rule).
    pub fn apply<Tz: TimeZone>(
        &self,
        card_key: &str,
        state: Option<CardState>,
        review: &Review,
        history: &[Review],
        clock: &DayClock<Tz>,
    ) -> Result<Option<CardState>, SchedulerError> {
        if !changes_state(review, history, clock) {
            return Ok(state);
        }
        self.answer(card_key, state.as_ref(), review.rating, review.at, clock).map(Some)
    }

    /// Rebuilds a card's state from its whole review log, oldest first.
    pub fn replay<Tz: TimeZone>(
        &self,
        card_key: &str,
        reviews: &[Review],
        clock: &DayClock<Tz>,
    ) -> Result<Option<CardState>, SchedulerError> {
        self.replay_from(card_key, None, reviews, clock)
    }

    /// [`Scheduler::replay`] of a log whose state may start from SM-2 at one answer.
    pub fn replay_from<Tz: TimeZone>(
        &self,
        card_key: &str,
        start: Option<&Sm2Start>,
        reviews: &[Review],
        clock: &DayClock<Tz>,
    ) -> Result<Option<CardState>, SchedulerError> {
        let mut state = None;
        for (i, review) in reviews.iter().enumerate() {
            state = self.apply_from(card_key, start, state, review, &reviews[..i], clock)?;
        }
        Ok(state)
    }

    /// [`Scheduler::apply`], except that the answer `start` names sets the SM-2 state.
    pub fn apply_from<Tz: TimeZone>(
        &self,
        card_key: &str,
        start: Option<&Sm2Start>,
        state: Option<CardState>,
        review: &Review,
        history: &[Review],
        clock: &DayClock<Tz>,
    ) -> Result<Option<CardState>, SchedulerError> {
        match start {
            Some(start) if start.at == review.at && changes_state(review, history, clock) => {
                self.sm2_state(start, state.as_ref(), clock).map(Some)
            }
            _ => self.apply(card_key, state, review, history, clock),
        }
    }

    /// The state after the answer an SM-2 start stands for.
    fn sm2_state<Tz: TimeZone>(
        &self,
        start: &Sm2Start,
        before: Option<&CardState>,
        clock: &DayClock<Tz>,
    ) -> Result<CardState, SchedulerError> {
        let mut memory =
            self.fsrs.memory_state_from_sm2(start.ease, start.interval_days, start.retention).map_err(|e| {
                SchedulerError::FsrsIn {
                    context: format!("SM-2 start (ease {}, {} days)", start.ease, start.interval_days),
                    source: e,
                }
            })?;
        // Anki (`fsrs_item_for_memory_state`): an ease at or below 110% sets difficulty directly.
        if start.ease <= 1.1 {
            memory.difficulty = (start.ease - 0.1) * 9.0 + 1.0;
        }
        let days = start.interval_days.round().clamp(1.0, self.max_interval_days as f32) as i64;
        Ok(CardState {
            stability: memory.stability,
            difficulty: memory.difficulty,
            due: clock.day_start(clock.day_of(start.at) + days),
            last_review: start.at,
            reps: before.map_or(0, |s| s.reps) + 1,
            lapses: before.map_or(0, |s| s.lapses),
        })
    }

    /// The desired retention the intervals aim for.
    pub fn desired_retention(&self) -> f32 {
        self.desired_retention
    }
}

/// One answer's inputs, shared by the four ratings' outcomes.
struct Step<'a> {
    scheduler: &'a Scheduler,
    card_key: &'a str,
    state: Option<&'a CardState>,
    now: DateTime<Utc>,
    today: i64,
    elapsed: u32,
    items: [fsrs::ItemState; 4],
}

impl Step<'_> {
    /// The intervals of the ratings up to `up_to` (later ones are left 0). A better answer never
    /// gives a shorter interval (as Anki keeps its buttons ordered), so each depends on the one
    /// before it, but never on a better one.
    fn intervals(&self, up_to: Rating) -> [u32; 4] {
        let max = self.scheduler.max_interval_days;
        let reps = self.state.map_or(0, |s| s.reps);
        let mut intervals = [0u32; 4];
        for i in 0..up_to as usize {
            let rating = Rating::ALL[i];
            intervals[i] = if comes_back_today(self.state, rating) {
                0
            } else {
                let raw = self.items[i].interval.round().max(1.0).min(max as f32) as u32;
                fuzz::fuzzed_interval(raw, self.card_key, reps, max)
            };
            if i >= 2 && intervals[i - 1] > 0 && intervals[i] <= intervals[i - 1] {
                intervals[i] = (intervals[i - 1] + 1).min(max);
            }
        }
        intervals
    }

    /// The outcome of `rating` given its interval.
    fn outcome<Tz: TimeZone>(&self, rating: Rating, interval_days: u32, clock: &DayClock<Tz>) -> Outcome {
        let item = &self.items[rating as usize - 1];
        let due = if interval_days == 0 { self.now } else { clock.day_start(self.today + i64::from(interval_days)) };
        let lapse = rating == Rating::Again && self.state.is_some() && self.elapsed >= 1;
        Outcome {
            rating,
            interval_days,
            state: CardState {
                stability: item.memory.stability,
                difficulty: item.memory.difficulty,
                due,
                last_review: self.now,
                reps: self.state.map_or(0, |s| s.reps) + 1,
                lapses: self.state.map_or(0, |s| s.lapses) + u32::from(lapse),
            },
        }
    }
}

/// Whether a rating sends the card back into the current session instead of days ahead:
/// Again always, and Hard on a card seen for the first time (a same-day review, which FSRS-6
/// models with an elapsed time of zero days).
pub fn comes_back_today(state: Option<&CardState>, rating: Rating) -> bool {
    rating == Rating::Again || (state.is_none() && rating == Rating::Hard)
}

/// Whether a logged review moves the memory state (see [`Scheduler::apply`]).
pub fn changes_state<Tz: TimeZone>(review: &Review, history: &[Review], clock: &DayClock<Tz>) -> bool {
    match review.kind {
        ReviewKind::Preview => false,
        ReviewKind::Cram => {
            let day = clock.day_of(review.at);
            !history.iter().any(|h| h.kind == ReviewKind::Cram && clock.day_of(h.at) == day)
        }
        ReviewKind::Mock => {
            let day = clock.day_of(review.at);
            !history.iter().any(|h| clock.day_of(h.at) == day)
        }
        _ => true,
    }
}

/// `days` whole days, as a duration.
pub fn days(days: i64) -> Duration {
    Duration::days(days)
}

#[cfg(test)]
mod tests;
