//! The rubric trend across mock rounds, PURE: per criterion, the last rounds' scores, their mean
//! and the direction, and the weakest criterion, so the log, the dashboard and the report show
//! whether the rounds are getting better and where to aim the next one.

use chrono::NaiveDate;
use serde::Serialize;

use super::{RUBRIC, Rubric};

/// The trend looks at this many rounds at most (the latest ones).
pub const TREND_ROUNDS: usize = 5;

/// A stored mock round as the trend and the round lists see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoredRound {
    /// Its entry in the interview log.
    pub id: i64,
    #[serde(serialize_with = "crate::cycle::iso_date")]
    pub held_on: NaiveDate,
    pub company: String,
    /// The interview log's format token.
    pub format: String,
    pub minutes: u32,
    pub took_ms: u64,
    /// Questions rated in the round.
    pub questions: usize,
    pub rubric: Rubric,
}

/// Which way a criterion is going.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Up,
    Down,
    Steady,
    /// Fewer than two scores: no direction yet.
    New,
}

impl Direction {
    /// The word the pages print.
    pub fn word(self) -> &'static str {
        match self {
            Direction::Up => "up",
            Direction::Down => "down",
            Direction::Steady => "steady",
            Direction::New => "one score so far",
        }
    }
}

/// One rubric criterion across the latest rounds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Criterion {
    pub name: &'static str,
    /// The score in each round of the trend, oldest first (`None`: left blank).
    pub scores: Vec<Option<u8>>,
    /// The mean of the scores given (`None`: never scored).
    pub mean: Option<f32>,
    /// The latest score against the mean of the ones before it.
    pub direction: Direction,
}

/// The rubric across the latest scored rounds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RubricTrend {
    /// The rounds the trend covers, oldest first.
    pub rounds: Vec<ScoredRound>,
    /// In rubric order.
    pub criteria: Vec<Criterion>,
    /// The criterion with the lowest mean (ties: the lower latest score, then rubric order).
    pub weakest: Option<&'static str>,
}

/// The trend over the last [`TREND_ROUNDS`] rounds that have at least one score, from `rounds`
/// in the order they were held. `None` when no round was scored.
pub fn compute(rounds: &[ScoredRound]) -> Option<RubricTrend> {
    let scored: Vec<&ScoredRound> = rounds.iter().filter(|r| r.rubric.iter().any(Option::is_some)).collect();
    if scored.is_empty() {
        return None;
    }
    let recent: Vec<ScoredRound> =
        scored[scored.len().saturating_sub(TREND_ROUNDS)..].iter().map(|r| (*r).clone()).collect();
    let criteria: Vec<Criterion> = RUBRIC
        .iter()
        .enumerate()
        .map(|(i, (name, _))| {
            let scores: Vec<Option<u8>> = recent.iter().map(|r| r.rubric[i]).collect();
            let given: Vec<f32> = scores.iter().flatten().map(|&s| f32::from(s)).collect();
            Criterion { name, mean: mean(&given), direction: direction(&given), scores }
        })
        .collect();
    let weakest = criteria
        .iter()
        .filter_map(|c| Some((c, c.mean?, latest(c)?)))
        .min_by(|a, b| a.1.total_cmp(&b.1).then(a.2.cmp(&b.2)))
        .map(|(c, _, _)| c.name);
    Some(RubricTrend { rounds: recent, criteria, weakest })
}

impl Criterion {
    /// The scores oldest first, `-` for a blank: `2 → 4`.
    pub fn scores_text(&self) -> String {
        let shown: Vec<String> = self.scores.iter().map(|s| s.map_or("-".to_owned(), |s| s.to_string())).collect();
        shown.join(" → ")
    }

    /// The mean and the direction: `mean 3.0 · up`.
    pub fn summary(&self) -> String {
        match self.mean {
            Some(mean) => format!("mean {mean:.1} · {}", self.direction.word()),
            None => "not scored".to_owned(),
        }
    }
}

impl RubricTrend {
    /// `last 2 mock rounds, 2026-03-02 to 2026-03-03`.
    pub fn span_text(&self) -> String {
        let n = self.rounds.len();
        let (first, last) = (&self.rounds[0], &self.rounds[n - 1]);
        let plural = if n == 1 { "round" } else { "rounds" };
        if first.held_on == last.held_on {
            format!("last {n} mock {plural}, {}", first.held_on)
        } else {
            format!("last {n} mock {plural}, {} to {}", first.held_on, last.held_on)
        }
    }

    /// `failure modes (mean 2.0)`, the criterion to aim the next round at.
    pub fn weakest_text(&self) -> Option<String> {
        let c = self.criteria.iter().find(|c| Some(c.name) == self.weakest)?;
        Some(format!("{} (mean {:.1})", c.name, c.mean?))
    }
}

fn mean(values: &[f32]) -> Option<f32> {
    (!values.is_empty()).then(|| values.iter().sum::<f32>() / values.len() as f32)
}

fn latest(c: &Criterion) -> Option<u8> {
    c.scores.iter().rev().find_map(|s| *s)
}

/// The latest score against the mean of the earlier ones: half a point either way is a move.
fn direction(given: &[f32]) -> Direction {
    let Some((last, earlier)) = given.split_last() else { return Direction::New };
    let Some(before) = mean(earlier) else { return Direction::New };
    match last - before {
        d if d >= 0.5 => Direction::Up,
        d if d <= -0.5 => Direction::Down,
        _ => Direction::Steady,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round(id: i64, rubric: Rubric) -> ScoredRound {
        ScoredRound {
            id,
            held_on: NaiveDate::from_ymd_opt(2026, 3, id as u32).unwrap(),
            company: "mock".into(),
            format: "mixed".into(),
            minutes: 30,
            took_ms: 0,
            questions: 2,
            rubric,
        }
    }

    #[test]
    fn each_criterion_shows_its_scores_mean_and_direction_and_the_weakest_is_named() {
        let rounds = [
            round(1, [Some(2), Some(3), Some(4), Some(2), None]),
            round(2, [Some(4), Some(3), Some(3), Some(2), Some(4)]),
        ];
        let trend = compute(&rounds).unwrap();
        let by = |name| trend.criteria.iter().find(|c| c.name == name).unwrap();
        assert_eq!(by("structure").scores, [Some(2), Some(4)]);
        assert_eq!((by("structure").mean, by("structure").direction), (Some(3.0), Direction::Up));
        assert_eq!(by("depth").direction, Direction::Steady);
        assert_eq!(by("trade-offs").direction, Direction::Down);
        assert_eq!(by("communication").direction, Direction::New);
        assert_eq!(trend.weakest, Some("failure modes"));
        assert_eq!(by("communication").scores_text(), "- → 4");
        assert_eq!(by("trade-offs").summary(), "mean 3.5 · down");
        assert_eq!(trend.span_text(), "last 2 mock rounds, 2026-03-01 to 2026-03-02");
        assert_eq!(trend.weakest_text().as_deref(), Some("failure modes (mean 2.0)"));
    }

    #[test]
    fn only_the_latest_scored_rounds_count_and_blank_rounds_are_skipped() {
        let mut rounds: Vec<ScoredRound> = (1..=7).map(|i| round(i, [Some(i as u8 % 5 + 1); 5])).collect();
        rounds.push(round(8, [None; 5]));
        let trend = compute(&rounds).unwrap();
        assert_eq!(trend.rounds.iter().map(|r| r.id).collect::<Vec<_>>(), [3, 4, 5, 6, 7]);
        assert_eq!(compute(&[round(1, [None; 5])]), None);
    }

    #[test]
    fn ties_for_weakest_go_to_the_lower_latest_score() {
        let trend =
            compute(&[round(1, [Some(2), Some(3), None, None, None]), round(2, [Some(3), Some(2), None, None, None])])
                .unwrap();
        assert_eq!(trend.weakest, Some("depth"));
    }
}
