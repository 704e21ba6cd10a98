//! A user's review history, drawn from the FSRS memory model with grill's real scheduling rules.
//!
//! Each card is introduced on some day, then reviewed in the evening of its due day (now and then
//! a few days late, as people are). At each review the user remembers with probability R, the
//! model's retrievability at that moment; a forgotten card (or a new card rated Hard) comes back
//! in the same session, as in the drill.

use anyhow::Result;
use chrono::{DateTime, Duration, Local, Utc};
use grill::scheduler::{CardState, DayClock, Rating, Review, Scheduler, comes_back_today};
use grill::store::NewReview;
use rand::{RngExt, rngs::Xoshiro256PlusPlus};

/// When cards are introduced: evenly over the first `intro_share` of the history.
pub struct Plan {
    pub first_day: i64,
    pub today: i64,
    intro_share: f64,
}

impl Plan {
    /// A history of `days` days before day `today`.
    pub fn new(today: i64, days: i64, intro_share: f64) -> Plan {
        Plan { first_day: today - days, today, intro_share }
    }

    /// The day card `i` of `n` is first reviewed.
    pub fn intro_day(&self, i: usize, n: usize) -> i64 {
        let span = ((self.today - self.first_day) as f64 * self.intro_share).max(1.0);
        self.first_day + (i as f64 * span / n.max(1) as f64) as i64
    }
}

/// Appends the history of one card, introduced on day `intro`, up to the evening before `today`.
pub fn history(
    scheduler: &Scheduler,
    clock: &DayClock<Local>,
    rng: &mut Xoshiro256PlusPlus,
    (card_id, key): (i64, &str),
    intro: i64,
    today: i64,
    out: &mut Vec<NewReview>,
) -> Result<()> {
    let mut state: Option<CardState> = None;
    let mut at = evening(clock, intro, rng);
    while clock.day_of(at) < today {
        let rating = draw_rating(scheduler, state.as_ref(), at, rng);
        let kind = Scheduler::drill_kind(state.as_ref(), at, clock);
        let outcome = scheduler.preview(key, state.as_ref(), at, clock)?[rating as usize - 1];
        let duration_ms = rng.random_range(4_000..90_000);
        out.push(NewReview { card_id, review: Review { at, rating, kind }, duration_ms, state: Some(outcome.state) });
        let again_today = comes_back_today(state.as_ref(), rating);
        state = Some(outcome.state);
        at = if again_today {
            // A few cards later in the same session.
            at + Duration::minutes(rng.random_range(3..30))
        } else {
            let late = if rng.random_bool(0.08) { rng.random_range(1..6) } else { 0 };
            evening(clock, clock.day_of(outcome.state.due) + late, rng)
        };
    }
    Ok(())
}

/// A moment in the evening session of `day` (18:00-22:59 local time).
fn evening(clock: &DayClock<Local>, day: i64, rng: &mut Xoshiro256PlusPlus) -> DateTime<Utc> {
    clock.day_start(day) + Duration::hours(14) + Duration::seconds(rng.random_range(0..5 * 3600))
}

/// The simulated answer: remembered with probability R; a remembered card is mostly Good,
/// sometimes Hard or Easy. New cards are remembered 80% of the time.
fn draw_rating(
    scheduler: &Scheduler,
    state: Option<&CardState>,
    at: DateTime<Utc>,
    rng: &mut Xoshiro256PlusPlus,
) -> Rating {
    let recall = match state {
        None => 0.8,
        Some(s) => {
            let elapsed = (at - s.last_review).num_seconds() as f32 / 86_400.0;
            f64::from(scheduler.retrievability(s.memory(), elapsed))
        }
    };
    if !rng.random_bool(recall.clamp(0.0, 1.0)) {
        return Rating::Again;
    }
    match rng.random_range(0..100) {
        0..12 => Rating::Hard,
        12..92 => Rating::Good,
        _ => Rating::Easy,
    }
}
