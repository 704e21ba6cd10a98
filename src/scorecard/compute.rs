//! The computation: replay each card's log up to each moment, then average retrievability per
//! area and count true retention.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};

use super::moment::history_moments;
use super::names::{DIMENSIONS, LANGUAGE_DEPTH, Source, language_areas};
use super::slots::{AnswerSlot, SlotDays, retention_from_slots};
use super::summary::{Summary, recall_sums};
use super::{
    AreaScore, CardInput, DimensionScore, HistoryPoint, HistoryScore, Inputs, Scorecard, SelfRating, round_to,
};
use crate::scheduler::{CardState, DayClock, Scheduler, SchedulerError, changes_state};

/// The window of true retention, in days (today and the 29 days before it).
pub const RETENTION_DAYS: i64 = 30;

/// The scorecard at `at`, assuming no practice after it (reviews later than `at` are ignored).
pub fn compute<Tz: TimeZone>(
    inputs: &Inputs,
    at: DateTime<Utc>,
    scheduler: &Scheduler,
    clock: &DayClock<Tz>,
) -> Result<Scorecard, SchedulerError> {
    Ok(compute_many(inputs, &[at], scheduler, clock)?.remove(0))
}

/// The scorecard at each of `moments` (oldest first). Each card's log is replayed once, stepping
/// through the moments, which gives the same states as replaying the log cut at each moment.
pub fn compute_many<Tz: TimeZone>(
    inputs: &Inputs,
    moments: &[DateTime<Utc>],
    scheduler: &Scheduler,
    clock: &DayClock<Tz>,
) -> Result<Vec<Scorecard>, SchedulerError> {
    debug_assert!(moments.is_sorted(), "moments must be in order");
    let empty: BTreeMap<&str, Tally> = inputs.cards.iter().map(|c| (c.area.as_str(), Tally::default())).collect();
    let mut tallies = vec![empty; moments.len()];
    // Each moment's day once, and each state's last-review day once per change of state (the
    // same figures as `recall_of` and `Tally::add_events`, without a day lookup per card and
    // moment).
    let days: Vec<i64> = moments.iter().map(|at| clock.day_of(*at)).collect();
    for card in inputs.cards.iter().filter(|c| !c.suspended) {
        let area = card.area.as_str();
        each_recall(card, moments, &days, scheduler, clock, |i, recall| {
            tallies[i].get_mut(area).expect("every area has a tally").add_card(recall);
        })?;
        let events = retention_events(card, clock);
        for ((at, today), tally) in moments.iter().zip(&days).zip(&mut tallies) {
            tally.get_mut(area).expect("every area has a tally").add_events_on(&events, *at, *today);
        }
    }
    Ok(moments.iter().zip(tallies).map(|(at, tally)| scorecard(inputs, *at, &tally)).collect())
}

/// Hands `add` the card's recall at each of `moments` (by index; `days` are their day
/// numbers): its state replayed up to the moment, `None` before its first review.
fn each_recall<Tz: TimeZone>(
    card: &CardInput,
    moments: &[DateTime<Utc>],
    days: &[i64],
    scheduler: &Scheduler,
    clock: &DayClock<Tz>,
    mut add: impl FnMut(usize, Option<f64>),
) -> Result<(), SchedulerError> {
    let states = states_at(card, moments, scheduler, clock)?;
    // The last-review day once per change of state (the same figure as `recall_of`, without a
    // day lookup per card and moment).
    let mut last: Option<(DateTime<Utc>, i64)> = None;
    for (i, (today, state)) in days.iter().zip(&states).enumerate() {
        add(
            i,
            state.as_ref().map(|s| {
                let reviewed = match last {
                    Some((when, day)) if when == s.last_review => day,
                    _ => clock.day_of(s.last_review),
                };
                last = Some((s.last_review, reviewed));
                let elapsed = u32::try_from(today - reviewed).unwrap_or(0);
                f64::from(scheduler.retrievability(s.memory(), elapsed as f32))
            }),
        );
    }
    Ok(())
}

/// Each area's recall sum at each of `moments` (oldest first): over its active cards, the
/// retrievability of the card's state replayed up to the moment, added in the order of
/// `cards` (so it equals [`compute_many`]'s to the last bit). An area without a reviewed card
/// at a moment is left out of that moment's map.
pub fn recall_sums_at<Tz: TimeZone>(
    cards: &[CardInput],
    moments: &[DateTime<Utc>],
    scheduler: &Scheduler,
    clock: &DayClock<Tz>,
) -> Result<Vec<BTreeMap<String, f64>>, SchedulerError> {
    debug_assert!(moments.is_sorted(), "moments must be in order");
    let days: Vec<i64> = moments.iter().map(|at| clock.day_of(*at)).collect();
    let mut areas: BTreeMap<&str, usize> = BTreeMap::new();
    // sums[moment][area index]: None until the area's first reviewed card.
    let mut sums: Vec<Vec<Option<f64>>> = vec![Vec::new(); moments.len()];
    for card in cards.iter().filter(|c| !c.suspended) {
        let next = areas.len();
        let area = *areas.entry(card.area.as_str()).or_insert(next);
        if area == next {
            sums.iter_mut().for_each(|s| s.push(None));
        }
        each_recall(card, moments, &days, scheduler, clock, |i, recall| {
            if let Some(r) = recall {
                *sums[i][area].get_or_insert(0.0) += r;
            }
        })?;
    }
    Ok(sums
        .into_iter()
        .map(|row| areas.iter().filter_map(|(area, &i)| row[i].map(|sum| ((*area).to_owned(), sum))).collect())
        .collect())
}

/// The history's points (see [`history_moments`]) from each area's recall sum at each point
/// (`sums`, as [`recall_sums_at`] gives them) and its active cards now (`active`): the same
/// scores as [`history`], which replays the whole log for every point.
pub fn history_from_sums(
    points: &[(NaiveDate, DateTime<Utc>)],
    sums: &[BTreeMap<String, f64>],
    active: &[(String, usize)],
    only: &[String],
) -> Vec<HistoryPoint> {
    points
        .iter()
        .zip(sums)
        .map(|((date, at), sums)| HistoryPoint {
            date: *date,
            at: *at,
            areas: active
                .iter()
                .filter(|(area, _)| only.is_empty() || only.contains(area))
                .map(|(area, cards)| {
                    let tally = Tally {
                        cards: *cards,
                        seen: 0,
                        recall_sum: sums.get(area).copied().unwrap_or(0.0),
                        passes: 0,
                        reviews: 0,
                    };
                    HistoryScore { area: area.clone(), score: area_score(area, &tally, None).score }
                })
                .collect(),
        })
        .collect()
}

/// The scorecard at each of `moments` (oldest first, all after the last review) from the
/// derived aggregates: recall from `summary`'s buckets (see [`super::summary`] for its
/// precision), true retention exactly from `recent`, whose cards carry only the log of the
/// retention window (see `Store::scorecard_cards_recent`; only its cards' events are counted),
/// and from `slots`, the answers per slot of the window (see [`super::slots`]), which must hold
/// no row whose retention is read from the log.
pub fn compute_summarised<Tz: TimeZone>(
    summary: &Summary,
    recent: &Inputs,
    slots: Option<&[AnswerSlot]>,
    moments: &[DateTime<Utc>],
    scheduler: &Scheduler,
    clock: &DayClock<Tz>,
) -> Vec<Scorecard> {
    let mut out = Vec::with_capacity(moments.len());
    let events: Vec<(&str, Vec<RetentionEvent>)> =
        recent.cards.iter().filter(|c| !c.suspended).map(|c| (c.area.as_str(), retention_events(c, clock))).collect();
    let days = moments.iter().map(|at| clock.day_of(*at));
    let slot_days = slots.map(|_| {
        let (first, last) = (days.clone().min().unwrap_or(0), days.max().unwrap_or(0));
        SlotDays::new(clock, first - RETENTION_DAYS - 2, last)
    });
    for at in moments {
        let sums = recall_sums(summary, *at, scheduler, clock);
        let mut tally: BTreeMap<&str, Tally> = summary
            .areas
            .iter()
            .map(|a| {
                let (seen, recall_sum) = sums.get(&a.area).copied().unwrap_or_default();
                (a.area.as_str(), Tally { cards: a.active, seen, recall_sum, passes: 0, reviews: 0 })
            })
            .collect();
        for (area, events) in &events {
            if let Some(t) = tally.get_mut(area) {
                t.add_events(events, *at, clock);
            }
        }
        if let (Some(rows), Some(slot_days)) = (slots, &slot_days) {
            let counts = retention_from_slots(rows, slot_days, clock.day_of(*at), RETENTION_DAYS, true);
            for (area, (passes, reviews)) in counts.unwrap_or_default() {
                if let Some(t) = tally.get_mut(area.as_str()) {
                    t.passes += passes;
                    t.reviews += reviews;
                }
            }
        }
        out.push(scorecard(recent, *at, &tally));
    }
    out
}

/// The probability of recalling a card in `state` at `at`, with whole days elapsed since its
/// last review counted between day starts (as the scheduler and Anki count them).
pub fn recall_of<Tz: TimeZone>(
    state: &CardState,
    at: DateTime<Utc>,
    scheduler: &Scheduler,
    clock: &DayClock<Tz>,
) -> f64 {
    let elapsed = clock.days_between(state.last_review, at);
    f64::from(scheduler.retrievability(state.memory(), elapsed as f32))
}

/// Each area's score at the end of every `weeks`-th day back from `end` (see
/// [`history_moments`]), oldest first; `only` (when not empty) keeps those areas.
pub fn history<Tz: TimeZone>(
    inputs: &Inputs,
    end: DateTime<Utc>,
    weeks: u32,
    only: &[String],
    scheduler: &Scheduler,
    clock: &DayClock<Tz>,
) -> Result<Vec<HistoryPoint>, SchedulerError> {
    let points = history_moments(end, weeks, clock);
    let moments: Vec<DateTime<Utc>> = points.iter().map(|(_, at)| *at).collect();
    let cards = compute_many(inputs, &moments, scheduler, clock)?;
    Ok(points
        .into_iter()
        .zip(cards)
        .map(|((date, at), card)| HistoryPoint {
            date,
            at,
            areas: card
                .narrowed(only)
                .areas
                .into_iter()
                .map(|a| HistoryScore { area: a.area, score: a.score })
                .collect(),
        })
        .collect())
}

/// The card's state at each moment: its log replayed up to and including that moment.
pub fn states_at<Tz: TimeZone>(
    card: &CardInput,
    moments: &[DateTime<Utc>],
    scheduler: &Scheduler,
    clock: &DayClock<Tz>,
) -> Result<Vec<Option<CardState>>, SchedulerError> {
    if card.current.is_some() {
        return Ok(vec![card.current; moments.len()]);
    }
    let mut state = None;
    let mut next = 0;
    let mut out = Vec::with_capacity(moments.len());
    for at in moments {
        while let Some(review) = card.reviews.get(next).filter(|r| r.at <= *at) {
            state =
                scheduler.apply_from(&card.key, card.start.as_ref(), state, review, &card.reviews[..next], clock)?;
            next += 1;
        }
        out.push(state);
    }
    Ok(out)
}

/// A review that counts towards true retention.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetentionEvent {
    pub at: DateTime<Utc>,
    /// Its day number.
    pub day: i64,
    pub pass: bool,
}

/// The card's reviews that count towards true retention: those that move the memory state
/// (cram repeats and previews do not) and come at least one day after the card's previous such
/// review (same-day relearning and first sightings do not). Again fails, the rest pass.
pub fn retention_events<Tz: TimeZone>(card: &CardInput, clock: &DayClock<Tz>) -> Vec<RetentionEvent> {
    let mut previous = None;
    let mut out = Vec::new();
    for (i, review) in card.reviews.iter().enumerate() {
        if !changes_state(review, &card.reviews[..i], clock) {
            continue;
        }
        if previous.is_some_and(|p| clock.days_between(p, review.at) >= 1) {
            out.push(RetentionEvent { at: review.at, day: clock.day_of(review.at), pass: review.rating.is_pass() });
        }
        previous = Some(review.at);
    }
    out
}

/// Running sums for one area at one moment.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    cards: usize,
    seen: usize,
    recall_sum: f64,
    passes: usize,
    reviews: usize,
}

impl Tally {
    /// Counts an active card with its recall (`None`: never reviewed, counts 0).
    fn add_card(&mut self, recall: Option<f64>) {
        self.cards += 1;
        if let Some(r) = recall {
            self.seen += 1;
            self.recall_sum += r;
        }
    }

    /// Counts the retention events in the 30 days up to `at`.
    fn add_events<Tz: TimeZone>(&mut self, events: &[RetentionEvent], at: DateTime<Utc>, clock: &DayClock<Tz>) {
        self.add_events_on(events, at, clock.day_of(at));
    }

    /// [`Tally::add_events`] with the day of `at` already known.
    fn add_events_on(&mut self, events: &[RetentionEvent], at: DateTime<Utc>, today: i64) {
        for event in events.iter().filter(|e| e.at <= at && e.day > today - RETENTION_DAYS) {
            self.reviews += 1;
            self.passes += usize::from(event.pass);
        }
    }
}

fn scorecard(inputs: &Inputs, at: DateTime<Utc>, tallies: &BTreeMap<&str, Tally>) -> Scorecard {
    let areas: Vec<AreaScore> =
        tallies.iter().map(|(area, tally)| area_score(area, tally, latest_self(inputs, area, at))).collect();
    let dimensions = dimensions(inputs, &areas, at);
    Scorecard { at, areas, dimensions }
}

fn area_score(area: &str, tally: &Tally, self_rating: Option<SelfRating>) -> AreaScore {
    let recall = (tally.cards > 0).then(|| tally.recall_sum / tally.cards as f64);
    let score = recall.map(|r| 1.0 + 4.0 * r);
    AreaScore {
        area: area.to_owned(),
        score,
        recall,
        cards: tally.cards,
        seen: tally.seen,
        retention_30d: (tally.reviews > 0).then(|| tally.passes as f64 / tally.reviews as f64),
        passes_30d: tally.passes,
        reviews_30d: tally.reviews,
        gap: gap(self_rating.as_ref(), score),
        self_rating,
    }
}

/// The latest self-assessment of `area` made at or before `at`.
fn latest_self(inputs: &Inputs, area: &str, at: DateTime<Utc>) -> Option<SelfRating> {
    inputs.self_ratings.iter().filter(|r| r.area == area && r.at <= at).max_by_key(|r| r.at).cloned()
}

/// Self minus measured, against the score as shown (one decimal) so the numbers add up.
fn gap(self_rating: Option<&SelfRating>, score: Option<f64>) -> Option<f64> {
    Some(round_to(f64::from(self_rating?.score) - round_to(score?, 1), 1))
}

fn dimensions(inputs: &Inputs, areas: &[AreaScore], at: DateTime<Utc>) -> Vec<DimensionScore> {
    DIMENSIONS
        .iter()
        .map(|d| {
            let (area, from) = match d.source {
                Source::Area(area) => (areas.iter().find(|a| a.area == area), vec![area.to_owned()]),
                Source::BestLanguage => {
                    let from = language_areas(areas.iter().map(|a| a.area.as_str()), &inputs.languages);
                    (best_of(areas, &from), from)
                }
            };
            let self_key = match d.source {
                Source::Area(area) => area,
                Source::BestLanguage => LANGUAGE_DEPTH,
            };
            let self_rating = latest_self(inputs, self_key, at);
            let score = area.and_then(|a| a.score);
            DimensionScore {
                dimension: d.id.to_owned(),
                label: d.label.to_owned(),
                area: area.filter(|a| a.score.is_some()).map(|a| a.area.clone()),
                from,
                score,
                gap: gap(self_rating.as_ref(), score),
                self_rating,
            }
        })
        .collect()
}

/// The highest-scoring area among `names` (the first by name on a tie).
fn best_of<'a>(areas: &'a [AreaScore], names: &[String]) -> Option<&'a AreaScore> {
    let mut best: Option<&AreaScore> = None;
    for area in areas.iter().filter(|a| names.contains(&a.area) && a.score.is_some()) {
        if best.is_none_or(|b| area.score > b.score) {
            best = Some(area);
        }
    }
    best
}
