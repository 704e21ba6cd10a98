//! How long a card takes: the user's own median answer time per area, with sensible defaults
//! before there is history. Pure.
//!
//! A median answer is never taken as shorter than half the area's time limit ([`floor_secs`]):
//! a user who reveals at once while skimming the deck (answers of a second or two) would
//! otherwise be planned at a few seconds a card, and a plan for 120 minutes would list a
//! hundred cards nobody answers that fast once they answer aloud.

use std::collections::BTreeMap;

use super::plan::PlanCard;

/// Answer time assumed for a card with no time limit when there is no history at all.
pub const DEFAULT_ANSWER_SECS: f64 = 90.0;
/// Reading the key points and rating, which the logged answer time (question to reveal) leaves out.
pub const REVEAL_SECS: f64 = 15.0;
/// Answers an area needs before its own median is trusted.
pub const MIN_ANSWERS: usize = 3;
/// Only this many of an area's most recent answers count: the user gets faster.
pub const RECENT_ANSWERS: usize = 50;

/// The shortest answer a plan assumes, as a share of the cards' time limit.
pub const FLOOR_SHARE_OF_LIMIT: f64 = 0.5;

/// Where a card time comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaceSource {
    /// The median of the user's answers in this area.
    Area,
    /// The median of the user's answers in all areas (too few in this one).
    AllAreas,
    /// No history: the deck's time limits.
    Default,
    /// The user's answers were quicker than half the time limit: the floor stands in.
    Floor,
}

/// Expected minutes per card, by area.
#[derive(Debug, Clone, PartialEq)]
pub struct Pace {
    by_area: BTreeMap<String, (f64, PaceSource)>,
    fallback: (f64, PaceSource),
}

impl Pace {
    /// From the user's answers (area, milliseconds from question to reveal), oldest first, and
    /// the cards (for their time limits). Answers of 0 ms (imported history) are ignored.
    pub fn new(answers: &[(String, u64)], cards: &[PlanCard]) -> Pace {
        let mut limits: BTreeMap<String, Vec<u32>> = BTreeMap::new();
        for c in cards {
            limits.entry(c.area().to_owned()).or_default().extend(c.time_limit_secs.filter(|l| *l > 0));
        }
        Pace::from_limits(answers, &limits)
    }

    /// [`Pace::new`] from every area of the cards with their cards' time limits (what
    /// `grill plan` reads instead of the cards).
    pub fn from_limits(answers: &[(String, u64)], limits: &BTreeMap<String, Vec<u32>>) -> Pace {
        let mut by_area_ms: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
        for (area, ms) in answers.iter().filter(|(_, ms)| *ms > 0) {
            by_area_ms.entry(area).or_default().push(*ms);
        }
        let recent: Vec<u64> = by_area_ms
            .values()
            .flat_map(|times| times[times.len().saturating_sub(RECENT_ANSWERS)..].iter().copied())
            .collect();
        let overall = (recent.len() >= MIN_ANSWERS).then(|| (secs(median(recent)), PaceSource::AllAreas));
        let limits: BTreeMap<&str, Vec<u32>> =
            limits.iter().map(|(area, l)| (area.as_str(), l.iter().copied().filter(|l| *l > 0).collect())).collect();
        let area_limits = |area: &str| limits.get(area).map_or(&[][..], Vec::as_slice);
        let default = |area: &str| {
            let known = area_limits(area);
            let answer = if known.is_empty() { DEFAULT_ANSWER_SECS } else { f64::from(median_of(known)) };
            (answer + REVEAL_SECS, PaceSource::Default)
        };
        let floored = |measured: (f64, PaceSource), floor: f64| {
            if measured.0 < floor + REVEAL_SECS { (floor + REVEAL_SECS, PaceSource::Floor) } else { measured }
        };
        let areas = limits.keys().chain(by_area_ms.keys()).copied().collect::<std::collections::BTreeSet<_>>();
        let by_area = areas
            .into_iter()
            .map(|area| {
                let own = by_area_ms.get(area).filter(|t| t.len() >= MIN_ANSWERS).map(|times| {
                    let recent = times[times.len().saturating_sub(RECENT_ANSWERS)..].to_vec();
                    (secs(median(recent)), PaceSource::Area)
                });
                let entry = match own.or(overall) {
                    Some(measured) => floored(measured, floor_secs(area_limits(area))),
                    None => default(area),
                };
                (area.to_owned(), entry)
            })
            .collect();
        let all_limits: Vec<u32> = limits.values().flatten().copied().collect();
        let fallback = match overall {
            Some(measured) => floored(measured, floor_secs(&all_limits)),
            None => (DEFAULT_ANSWER_SECS + REVEAL_SECS, PaceSource::Default),
        };
        Pace { by_area, fallback }
    }

    /// Expected minutes for one card of `area`.
    pub fn minutes(&self, area: &str) -> f64 {
        self.entry(area).0 / 60.0
    }

    /// Where `area`'s estimate comes from.
    pub fn source(&self, area: &str) -> PaceSource {
        self.entry(area).1
    }

    fn entry(&self, area: &str) -> (f64, PaceSource) {
        self.by_area.get(area).copied().unwrap_or(self.fallback)
    }
}

/// The shortest answer, in seconds, a plan assumes for cards with these time limits: half
/// their median limit, or half [`DEFAULT_ANSWER_SECS`] when none has one. Reading the key
/// points comes on top.
pub fn floor_secs(time_limits_secs: &[u32]) -> f64 {
    let limits: Vec<u32> = time_limits_secs.iter().copied().filter(|l| *l > 0).collect();
    let limit = if limits.is_empty() { DEFAULT_ANSWER_SECS } else { f64::from(median_of(&limits)) };
    limit * FLOOR_SHARE_OF_LIMIT
}

/// The lower median of non-empty `values`.
fn median_of(values: &[u32]) -> u32 {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    sorted[(sorted.len() - 1) / 2]
}

/// Seconds per card from a median answer time in milliseconds.
fn secs(answer_ms: u64) -> f64 {
    answer_ms as f64 / 1000.0 + REVEAL_SECS
}

/// The median (the lower middle of an even count, so it is always a real answer time).
fn median(mut values: Vec<u64>) -> u64 {
    values.sort_unstable();
    values.get(values.len().saturating_sub(1) / 2).copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::forecast::tests::card;

    fn answers(area: &str, secs: &[u64]) -> Vec<(String, u64)> {
        secs.iter().map(|s| (area.to_owned(), s * 1000)).collect()
    }

    #[test]
    fn before_any_history_the_decks_time_limits_set_the_pace() {
        let mut cards = vec![card(1, "sql", None), card(2, "sql", None), card(3, "sql", None)];
        for (c, limit) in cards.iter_mut().zip([60, 120, 600]) {
            c.time_limit_secs = Some(limit);
        }
        let pace = Pace::new(&[], &cards);
        assert_eq!(pace.minutes("sql"), (120.0 + REVEAL_SECS) / 60.0);
        assert_eq!(pace.source("sql"), PaceSource::Default);
        assert_eq!(pace.minutes("unknown"), (DEFAULT_ANSWER_SECS + REVEAL_SECS) / 60.0);
    }

    #[test]
    fn an_areas_own_median_wins_once_it_has_enough_answers() {
        let mut history = answers("sql", &[60, 80, 300]);
        history.extend(answers("cloud", &[10]));
        let pace = Pace::new(&history, &[card(1, "sql", None), card(2, "cloud", None)]);
        assert_eq!(pace.minutes("sql"), (80.0 + REVEAL_SECS) / 60.0);
        assert_eq!(pace.source("sql"), PaceSource::Area);
        // One cloud answer is not enough: the median over all areas (60, 80, 300, 10) stands in.
        assert_eq!(pace.minutes("cloud"), (60.0 + REVEAL_SECS) / 60.0);
        assert_eq!(pace.source("cloud"), PaceSource::AllAreas);
    }

    #[test]
    fn only_recent_answers_count_and_zero_times_are_ignored() {
        let mut history = answers("sql", &[500; 100]);
        history.extend(answers("sql", &[50; RECENT_ANSWERS]));
        history.extend(answers("sql", &[0; 10]));
        let pace = Pace::new(&history, &[]);
        assert_eq!(pace.minutes("sql"), (50.0 + REVEAL_SECS) / 60.0);
    }

    #[test]
    fn quick_reveals_never_plan_a_card_below_half_its_time_limit() {
        let mut cards = vec![card(1, "sql", None), card(2, "sql", None), card(3, "cloud", None)];
        cards[0].time_limit_secs = Some(150);
        cards[1].time_limit_secs = Some(150);
        // Revealed at once, again and again: 1-2 seconds an answer.
        let mut history = answers("sql", &[1, 2, 1, 1]);
        history.extend(answers("cloud", &[2, 1, 2]));
        let pace = Pace::new(&history, &cards);
        assert_eq!(pace.minutes("sql"), (75.0 + REVEAL_SECS) / 60.0);
        assert_eq!(pace.source("sql"), PaceSource::Floor);
        // No time limit in the area: half the default answer time.
        assert_eq!(pace.minutes("cloud"), (DEFAULT_ANSWER_SECS / 2.0 + REVEAL_SECS) / 60.0);
        // An area without cards falls back on the floor of all the cards' limits.
        assert_eq!(pace.minutes("unknown"), (75.0 + REVEAL_SECS) / 60.0);
        // Answers slower than the floor are the user's own.
        let slow = Pace::new(&answers("sql", &[100, 110, 120]), &cards);
        assert_eq!((slow.minutes("sql"), slow.source("sql")), ((110.0 + REVEAL_SECS) / 60.0, PaceSource::Area));
    }

    #[test]
    fn the_floor_is_half_the_median_time_limit() {
        assert_eq!(floor_secs(&[60, 120, 600]), 60.0);
        assert_eq!(floor_secs(&[0]), DEFAULT_ANSWER_SECS / 2.0);
        assert_eq!(floor_secs(&[]), DEFAULT_ANSWER_SECS / 2.0);
    }
}
