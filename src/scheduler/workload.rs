//! What a desired retention costs: the daily workload the `fsrs` crate's simulator expects for
//! the user's cards, limits, rating habits and answer times.

use std::sync::Arc;

use chrono::TimeZone;
use fsrs::{Card, RevlogEntry, RevlogReviewKind, SimulatorConfig};
use serde::Serialize;

use super::{CardState, DayClock, MAX_INTERVAL_DAYS, Review, ReviewKind, SchedulerError, changes_state};

/// The desired retentions `grill optimize` compares.
pub const RETENTIONS: [f32; 4] = [0.80, 0.85, 0.90, 0.95];

/// Days the simulation looks ahead.
pub const HORIZON_DAYS: usize = 365;

/// Simulation runs averaged per retention (each with its own fixed seed).
const RUNS: u64 = 4;

/// The user's situation, as the simulator needs it.
#[derive(Debug, Clone)]
pub struct Situation<'a> {
    /// FSRS-6 parameters (empty: the defaults).
    pub parameters: &'a [f32],
    /// States of the active (not suspended) cards reviewed so far.
    pub cards: &'a [CardState],
    /// Active cards never reviewed.
    pub new_cards: usize,
    pub new_per_day: usize,
    pub reviews_per_day: usize,
    /// Seconds one answer takes (the user's median answer time, or the cards' time limit).
    pub seconds_per_answer: f32,
    /// The review log (card id, reviews oldest first), for the user's rating habits.
    pub log: &'a [(i64, Vec<Review>)],
    /// The day number of today.
    pub today: i64,
}

/// The expected workload at one desired retention, averaged over the next [`HORIZON_DAYS`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Workload {
    pub desired_retention: f32,
    /// Answers per day (reviews and new cards).
    pub answers_per_day: f32,
    pub minutes_per_day: f32,
    /// Cards expected to be remembered at the end of the horizon.
    pub remembered: f32,
}

/// The workload at each of [`RETENTIONS`].
pub fn workloads<Tz: TimeZone>(situation: &Situation, clock: &DayClock<Tz>) -> Result<Vec<Workload>, SchedulerError> {
    RETENTIONS.iter().map(|&r| workload(situation, r, clock)).collect()
}

/// The workload at `desired_retention`.
pub fn workload<Tz: TimeZone>(
    situation: &Situation,
    desired_retention: f32,
    clock: &DayClock<Tz>,
) -> Result<Workload, SchedulerError> {
    let error = SchedulerError::Fsrs;
    let parameters = Arc::new(fsrs::check_and_fill_parameters(situation.parameters).map_err(error)?);
    let deck_size = situation.cards.len() + situation.new_cards;
    if deck_size == 0 {
        return Ok(Workload { desired_retention, answers_per_day: 0.0, minutes_per_day: 0.0, remembered: 0.0 });
    }
    let config = simulator_config(situation, deck_size, clock);
    let existing: Vec<Card> = situation
        .cards
        .iter()
        .enumerate()
        .map(|(i, s)| existing_card(i as i64 + 1, s, situation.today, desired_retention, &parameters, clock))
        .collect();
    let (mut answers, mut seconds, mut remembered) = (0.0, 0.0, 0.0);
    for seed in 0..RUNS {
        let result = fsrs::simulate(&config, &parameters, desired_retention, Some(seed), Some(existing.clone()))
            .map_err(error)?;
        answers +=
            (result.review_cnt_per_day.iter().sum::<usize>() + result.learn_cnt_per_day.iter().sum::<usize>()) as f32;
        seconds += result.cost_per_day.iter().sum::<f32>();
        remembered += result.memorized_cnt_per_day.last().copied().unwrap_or(0.0);
    }
    let per_day = (RUNS as usize * HORIZON_DAYS) as f32;
    Ok(Workload {
        desired_retention,
        answers_per_day: answers / per_day,
        minutes_per_day: seconds / per_day / 60.0,
        remembered: remembered / RUNS as f32,
    })
}

/// The simulator set up like grill: the user's limits, no daily time cap, one same-day step
/// after a forgotten card, rating habits from the log and one cost for every answer.
fn simulator_config<Tz: TimeZone>(situation: &Situation, deck_size: usize, clock: &DayClock<Tz>) -> SimulatorConfig {
    let habits = if situation.log.is_empty() {
        SimulatorConfig::default()
    } else {
        // Smoothed toward the crate's defaults while the log is small.
        fsrs::extract_simulator_config(revlog(situation.log, clock), 0, true)
    };
    SimulatorConfig {
        deck_size,
        learn_span: HORIZON_DAYS,
        max_cost_perday: f32::INFINITY,
        max_ivl: MAX_INTERVAL_DAYS as f32,
        learn_limit: situation.new_per_day,
        review_limit: situation.reviews_per_day,
        learning_step_count: 1,
        relearning_step_count: 1,
        state_rating_costs: [[situation.seconds_per_answer; 4]; 3],
        ..habits
    }
}

fn existing_card<Tz: TimeZone>(
    id: i64,
    state: &CardState,
    today: i64,
    desired_retention: f32,
    parameters: &Arc<Vec<f32>>,
    clock: &DayClock<Tz>,
) -> Card {
    let last = clock.day_of(state.last_review);
    let due = clock.day_of(state.due);
    Card {
        id,
        difficulty: state.difficulty,
        stability: state.stability,
        last_date: (last - today) as f32,
        due: (due - today).max(0) as f32,
        interval: (due - last).max(1) as f32,
        lapses: state.lapses,
        desired_retention,
        parameters: parameters.clone(),
    }
}

/// The log as the crate's revlog, for [`fsrs::extract_simulator_config`]: the timestamp is
/// replaced by grill day and time since the day began, so the crate's day grouping (with a
/// cutoff of 0) follows grill's days. Previews and cram repeats are left out.
fn revlog<Tz: TimeZone>(log: &[(i64, Vec<Review>)], clock: &DayClock<Tz>) -> Vec<RevlogEntry> {
    let mut out = Vec::new();
    for (card, reviews) in log {
        for (i, review) in reviews.iter().enumerate() {
            if !changes_state(review, &reviews[..i], clock) {
                continue;
            }
            let day = clock.day_of(review.at);
            let into_day = (review.at - clock.day_start(day)).num_milliseconds().clamp(0, 86_399_999);
            let review_kind = match review.kind {
                ReviewKind::Learn => RevlogReviewKind::Learning,
                ReviewKind::Relearn => RevlogReviewKind::Relearning,
                _ => RevlogReviewKind::Review,
            };
            out.push(RevlogEntry {
                id: day * 86_400_000 + into_day,
                cid: *card,
                button_chosen: review.rating as u8,
                // The crate only uses durations for costs, which grill sets itself.
                taken_millis: 1,
                review_kind,
                ..RevlogEntry::default()
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone, Utc};

    use super::*;
    use crate::scheduler::Rating;

    fn clock() -> DayClock<Utc> {
        DayClock::new(Utc, 4)
    }

    fn situation<'a>(cards: &'a [CardState], log: &'a [(i64, Vec<Review>)]) -> Situation<'a> {
        Situation {
            parameters: &[],
            cards,
            new_cards: 300,
            new_per_day: 10,
            reviews_per_day: 9999,
            seconds_per_answer: 60.0,
            log,
            today: clock().day_of(Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()),
        }
    }

    #[test]
    fn a_higher_desired_retention_costs_more_answers_and_remembers_more() {
        let all = workloads(&situation(&[], &[]), &clock()).unwrap();
        assert_eq!(all.iter().map(|w| w.desired_retention).collect::<Vec<_>>(), RETENTIONS);
        for pair in all.windows(2) {
            assert!(pair[1].answers_per_day > pair[0].answers_per_day, "{all:?}");
            assert!(pair[1].remembered > pair[0].remembered, "{all:?}");
        }
        // 300 new cards at 10 a day: at least those 300 first answers over the year.
        assert!(all[0].answers_per_day * HORIZON_DAYS as f32 > 300.0, "{all:?}");
    }

    #[test]
    fn minutes_follow_the_time_one_answer_takes() {
        let mut slow = situation(&[], &[]);
        slow.seconds_per_answer = 120.0;
        let fast = workload(&situation(&[], &[]), 0.9, &clock()).unwrap();
        let slow = workload(&slow, 0.9, &clock()).unwrap();
        assert_eq!(fast.answers_per_day, slow.answers_per_day);
        assert!((slow.minutes_per_day / fast.minutes_per_day - 2.0).abs() < 0.01, "{fast:?} {slow:?}");
    }

    #[test]
    fn cards_already_learned_add_to_the_workload() {
        let today = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
        let learned: Vec<CardState> = (0..100)
            .map(|i| CardState {
                stability: 5.0,
                difficulty: 5.0,
                due: today + Duration::days(i % 5),
                last_review: today - Duration::days(5),
                reps: 2,
                lapses: 0,
            })
            .collect();
        let log: Vec<(i64, Vec<Review>)> =
            vec![(1, vec![Review { at: today - Duration::days(5), rating: Rating::Good, kind: ReviewKind::Learn }])];
        let without = workload(&situation(&[], &[]), 0.9, &clock()).unwrap();
        let with = workload(&situation(&learned, &log), 0.9, &clock()).unwrap();
        assert!(with.answers_per_day > without.answers_per_day, "{without:?} {with:?}");
    }

    #[test]
    fn no_cards_means_no_work() {
        let mut empty = situation(&[], &[]);
        empty.new_cards = 0;
        assert_eq!(workload(&empty, 0.9, &clock()).unwrap().answers_per_day, 0.0);
    }
}
