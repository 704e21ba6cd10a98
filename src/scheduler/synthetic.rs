//! Synthetic review histories drawn from known FSRS-6 parameters, so tests can check that the
//! optimizer recovers them. The memory model is the `fsrs` crate's; only the learner (who
//! remembers with the probability the true parameters give) is simulated here.

use chrono::{DateTime, Duration, Utc};
use fsrs::{FSRS, MemoryState};
use rand::{RngExt, SeedableRng, rngs::Xoshiro256PlusPlus};

use super::{Rating, Review, ReviewKind, SchedulerError};

/// The shape of a simulated history.
#[derive(Debug, Clone, Copy)]
pub struct Learner<'a> {
    /// The learner's true FSRS-6 parameters (21 numbers).
    pub parameters: &'a [f32],
    /// Cards studied; each starts on a day drawn from the first `start_spread` days.
    pub cards: usize,
    pub start_spread: u32,
    /// The day the history ends (no review on or after it).
    pub days: u32,
    pub seed: u64,
}

/// A review history per card (`(card index, reviews oldest first)`), starting at `start`.
/// Intervals aim at a desired retention drawn per review from 0.70-0.95 so the history holds
/// a spread of elapsed times; a forgotten card is relearned the same day (rated Good).
pub fn history(learner: &Learner, start: DateTime<Utc>) -> Result<Vec<(i64, Vec<Review>)>, SchedulerError> {
    let model = FSRS::new(learner.parameters)?;
    let decay = learner.parameters.get(20).copied().unwrap_or(fsrs::FSRS6_DEFAULT_DECAY);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(learner.seed);
    let mut out = Vec::with_capacity(learner.cards);
    for card in 0..learner.cards {
        let mut day = rng.random_range(0..learner.start_spread.max(1));
        let at = |day: u32, minutes: i64| start + Duration::days(i64::from(day)) + Duration::minutes(minutes);
        let first = pick(&mut rng, &[0.15, 0.10, 0.55, 0.20]);
        let mut reviews = vec![Review { at: at(day, 0), rating: first, kind: ReviewKind::Learn }];
        let mut memory = step(&model, None, 0, first)?;
        if first <= Rating::Hard {
            reviews.push(Review { at: at(day, 10), rating: Rating::Good, kind: ReviewKind::Relearn });
            memory = step(&model, Some(memory), 0, Rating::Good)?;
        }
        loop {
            let retention = rng.random_range(0.70..0.95);
            let interval = model.next_interval(Some(memory.stability), retention, 3).round().max(1.0) as u32;
            let elapsed = interval;
            day += interval;
            if day >= learner.days {
                break;
            }
            let recall = fsrs::current_retrievability(memory, elapsed as f32, decay);
            let rating =
                if rng.random::<f32>() < recall { pick(&mut rng, &[0.0, 0.15, 0.70, 0.15]) } else { Rating::Again };
            reviews.push(Review { at: at(day, 0), rating, kind: ReviewKind::Review });
            memory = step(&model, Some(memory), elapsed, rating)?;
            if rating == Rating::Again {
                reviews.push(Review { at: at(day, 10), rating: Rating::Good, kind: ReviewKind::Relearn });
                memory = step(&model, Some(memory), 0, Rating::Good)?;
            }
        }
        out.push((card as i64, reviews));
    }
    Ok(out)
}

fn step(
    model: &FSRS,
    memory: Option<MemoryState>,
    elapsed: u32,
    rating: Rating,
) -> Result<MemoryState, SchedulerError> {
    let next = model.next_states(memory, 0.9, elapsed)?;
    Ok(match rating {
        Rating::Again => next.again,
        Rating::Hard => next.hard,
        Rating::Good => next.good,
        Rating::Easy => next.easy,
    }
    .memory)
}

/// A rating drawn with the given probabilities (Again, Hard, Good, Easy).
fn pick(rng: &mut Xoshiro256PlusPlus, probabilities: &[f32; 4]) -> Rating {
    let mut x = rng.random::<f32>() * probabilities.iter().sum::<f32>();
    for (rating, p) in Rating::ALL.iter().zip(probabilities) {
        if x < *p {
            return *rating;
        }
        x -= p;
    }
    Rating::Good
}
