//! Projected recall: how likely each card is to be remembered on a given day (FSRS's forgetting
//! curve), and the role-weighted readiness those recalls add up to. Pure.
//!
//! Readiness here is the mean recall of each relevant area's active cards (a card never reviewed
//! counts 0: it cannot be recalled), weighted by the areas' role weights. The scorecard computes
//! readiness per area too; the two meet at merge time.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeZone, Utc};
use rand::{SeedableRng, rngs::Xoshiro256PlusPlus, seq::SliceRandom};

use super::pace::Pace;
use super::plan::PlanCard;
use super::roles::AreaWeights;
use crate::scheduler::{CardState, DayClock, Scheduler};

/// What every projection needs: the memory model, the day clock, the user's pace and now.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a, Tz: TimeZone> {
    pub scheduler: &'a Scheduler,
    pub clock: &'a DayClock<Tz>,
    pub pace: &'a Pace,
    pub now: DateTime<Utc>,
}

/// The probability of recalling a card in `state` on day `day` (0 for a card never reviewed).
/// Whole days, as the scheduler counts them.
pub fn recall_on<Tz: TimeZone>(
    scheduler: &Scheduler,
    clock: &DayClock<Tz>,
    state: Option<&CardState>,
    day: i64,
) -> f64 {
    state.map_or(0.0, |s| crate::scorecard::recall_of(s, clock.day_start(day), scheduler, clock))
}

/// The probability of recalling a card in `state` at `now`.
pub fn recall_now<Tz: TimeZone>(
    scheduler: &Scheduler,
    clock: &DayClock<Tz>,
    state: Option<&CardState>,
    now: DateTime<Utc>,
) -> f64 {
    recall_on(scheduler, clock, state, clock.day_of(now))
}

/// Mean recall on `day` over `cards` (a never-reviewed card counts 0; no cards give 0).
pub fn mean_recall_on<Tz: TimeZone>(scheduler: &Scheduler, clock: &DayClock<Tz>, cards: &[PlanCard], day: i64) -> f64 {
    if cards.is_empty() {
        return 0.0;
    }
    cards.iter().map(|c| recall_on(scheduler, clock, c.state(), day)).sum::<f64>() / cards.len() as f64
}

/// One area's line in a readiness projection.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaReadiness {
    pub area: String,
    pub weight: f64,
    pub cards: usize,
    /// Mean recall of the area's cards, 0-1.
    pub recall: f64,
}

/// Role-weighted readiness: the relevant areas' mean recalls, weighted.
#[derive(Debug, Clone, PartialEq)]
pub struct Readiness {
    /// 0-1.
    pub overall: f64,
    /// Relevant areas with cards, heaviest first.
    pub areas: Vec<AreaReadiness>,
}

impl Readiness {
    /// Readiness from each card's (area, recall); areas with no weight are left out.
    pub fn weigh<'a>(recalls: impl IntoIterator<Item = (&'a str, f64)>, weights: &AreaWeights) -> Readiness {
        let mut by_area: BTreeMap<&str, (usize, f64)> = BTreeMap::new();
        for (area, recall) in recalls {
            if weights.get(area) > 0.0 {
                let entry = by_area.entry(area).or_default();
                entry.0 += 1;
                entry.1 += recall;
            }
        }
        Readiness::from_sums(by_area, weights)
    }

    /// Readiness from each area's (active cards, sum of their recalls); areas with no weight or
    /// no cards are left out.
    pub fn from_sums<'a>(sums: impl IntoIterator<Item = (&'a str, (usize, f64))>, weights: &AreaWeights) -> Readiness {
        let by_area: BTreeMap<&str, (usize, f64)> =
            sums.into_iter().filter(|(area, (cards, _))| *cards > 0 && weights.get(area) > 0.0).collect();
        let mut areas: Vec<AreaReadiness> = by_area
            .into_iter()
            .map(|(area, (cards, sum))| AreaReadiness {
                area: area.to_owned(),
                weight: weights.get(area),
                cards,
                recall: sum / cards as f64,
            })
            .collect();
        areas.sort_by(|a, b| b.weight.total_cmp(&a.weight).then_with(|| a.area.cmp(&b.area)));
        let total: f64 = areas.iter().map(|a| a.weight).sum();
        let overall = if total > 0.0 { areas.iter().map(|a| a.weight * a.recall).sum::<f64>() / total } else { 0.0 };
        Readiness { overall, areas }
    }

    /// Readiness on `day` if nothing is reviewed before then.
    pub fn on<Tz: TimeZone>(
        scheduler: &Scheduler,
        clock: &DayClock<Tz>,
        cards: &[PlanCard],
        weights: &AreaWeights,
        day: i64,
    ) -> Readiness {
        Readiness::weigh(cards.iter().map(|c| (c.area(), recall_on(scheduler, clock, c.state(), day))), weights)
    }

    /// [`Readiness::on`] from the derived summary instead of every card (recall to the
    /// summary's precision: see `scorecard::Summary`).
    pub fn on_summary<Tz: TimeZone>(
        scheduler: &Scheduler,
        clock: &DayClock<Tz>,
        summary: &crate::scorecard::Summary,
        weights: &AreaWeights,
        day: i64,
    ) -> Readiness {
        let sums = crate::scorecard::recall_sums(summary, clock.day_start(day), scheduler, clock);
        Readiness::from_sums(
            summary.areas.iter().map(|a| (a.area.as_str(), (a.active, sums.get(&a.area).map_or(0.0, |s| s.1)))),
            weights,
        )
    }

    /// The recall of `area` (0 when it has no cards here).
    pub fn recall(&self, area: &str) -> f64 {
        self.areas.iter().find(|a| a.area == area).map_or(0.0, |a| a.recall)
    }
}

/// How much each area should supply of today's new cards: its weight times its weakness
/// (1 - mean recall today), so areas that matter for the target roles and score lowest come
/// first and most often. Highest first; ties in an order shuffled by `seed`.
pub fn new_card_shares(readiness_today: &Readiness, weights: &AreaWeights, seed: u64) -> Vec<(String, f64)> {
    let mut shares: Vec<(String, f64)> =
        weights.iter().map(|(area, weight)| (area.to_owned(), weight * (1.0 - readiness_today.recall(area)))).collect();
    shares.shuffle(&mut Xoshiro256PlusPlus::seed_from_u64(seed));
    // Stable: ties keep the shuffled order.
    shares.sort_by(|a, b| b.1.total_cmp(&a.1));
    shares
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use chrono::Utc;

    /// A card of `area` reviewed `days_ago` days before 2026-03-02 with `stability`, or new.
    pub(crate) fn card(id: i64, area: &str, reviewed: Option<(i64, f32)>) -> PlanCard {
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
        PlanCard {
            card: super::super::plan::Candidate {
                id,
                key: format!("{area}/{id}"),
                area: area.to_owned(),
                position: id,
                state: reviewed.map(|(days_ago, stability)| CardState {
                    stability,
                    difficulty: 5.0,
                    due: now,
                    last_review: now - chrono::Duration::days(days_ago),
                    reps: 1,
                    lapses: 0,
                }),
            },
            tags: Vec::new(),
            roles: Vec::new(),
            time_limit_secs: None,
        }
    }

    fn weights(pairs: &[(&str, f64)]) -> AreaWeights {
        pairs.iter().map(|(a, w)| (a.to_string(), *w)).collect()
    }

    #[test]
    fn a_card_never_reviewed_counts_as_forgotten() {
        let clock = DayClock::new(Utc, 4);
        let s = Scheduler::default_params();
        let today = clock.day_of(Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap());
        let cards = [card(1, "sql", None), card(2, "sql", Some((0, 10.0)))];
        // Reviewed today: certain today; the new card pulls the mean to a half.
        assert!((mean_recall_on(&s, &clock, &cards, today) - 0.5).abs() < 1e-9);
        // Ten days on, at stability 10, recall is the desired retention (90%).
        let later = recall_on(&s, &clock, cards[1].state(), today + 10);
        assert!((later - 0.9).abs() < 0.001, "{later}");
    }

    #[test]
    fn readiness_weighs_areas_not_cards() {
        let w = weights(&[("sql", 3.0), ("cloud", 1.0), ("java", 0.0)]);
        let recalls = [("sql", 1.0), ("sql", 0.0), ("cloud", 1.0), ("java", 1.0)];
        let r = Readiness::weigh(recalls, &w);
        // sql 50% at weight 3, cloud 100% at weight 1, java left out.
        assert!((r.overall - (3.0 * 0.5 + 1.0) / 4.0).abs() < 1e-9, "{r:?}");
        assert_eq!(r.areas.iter().map(|a| a.area.as_str()).collect::<Vec<_>>(), vec!["sql", "cloud"]);
    }

    #[test]
    fn new_cards_come_first_from_heavy_weak_areas() {
        let w = weights(&[("sql", 3.0), ("cloud", 1.0), ("testing", 3.0)]);
        let today = Readiness::weigh([("sql", 0.8), ("cloud", 0.0), ("testing", 0.1)], &w);
        let shares = new_card_shares(&today, &w, 1);
        let order: Vec<&str> = shares.iter().map(|(a, _)| a.as_str()).collect();
        assert_eq!(order, vec!["testing", "cloud", "sql"]);
        assert!((shares[0].1 - 2.7).abs() < 1e-9);
    }

    #[test]
    fn equal_shares_are_ordered_by_the_seed() {
        let w = weights(&[("a", 1.0), ("b", 1.0), ("c", 1.0), ("d", 1.0), ("e", 1.0)]);
        let today = Readiness::weigh([], &w);
        let order = |seed| new_card_shares(&today, &w, seed).into_iter().map(|(a, _)| a).collect::<Vec<_>>();
        assert_eq!(order(3), order(3));
        assert!((0..20).any(|seed| order(seed) != order(3)), "the seed never changed the order");
    }
}
