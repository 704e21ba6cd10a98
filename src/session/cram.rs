//! Cram planning: which cards to answer in the minutes before an interview so the role-weighted
//! readiness *on the interview day* rises the most. Pure.
//!
//! The value of answering a card now is the readiness it adds on the target day per expected
//! minute:
//!
//! ```text
//! value = weight(area) / (cards(area) * total weight) * (R_with - R_without) / minutes
//! ```
//!
//! - `weight(area) / (cards(area) * total weight)` is the card's share of readiness (readiness is
//!   the weighted mean of the areas' mean recall), so the ranking maximises readiness itself:
//!   one card of a small heavy area is worth more than one of a large light area.
//! - `R_without`: FSRS's recall on the target day if the card is left alone (0 if never seen).
//! - `R_with`: the *expected* recall on the target day after answering it now. The answer is
//!   Good with probability R_now (its current recall) and Again otherwise, so
//!   `R_with = R_now * R(Good state) + (1 - R_now) * R(Again state)`, both from
//!   `Scheduler::preview`. We take the expectation rather than assume Good because a card that
//!   is likely forgotten is likely failed, and a failure resets its stability: assuming Good
//!   would overrate exactly the weakest cards. (Hard and Easy are folded into Good: their share
//!   is small and their effect lies between.)
//! - `minutes`: the area's pace times `2 - R_now`, since a failed card comes back in the session.
//!
//! Readiness is linear in the cards' recall, so ranking by value alone piles every card into
//! the area whose cards are worth most (the smallest heavy area: six debugging cards of six
//! for a platform role). An interview asks across areas, and the first cards of an area show
//! the most of what it covers, so the plan takes cards by *marginal* value with diminishing
//! returns per area ([`spread`]): the k-th card already taken from an area divides the next
//! one's value by `1 + k` (a logarithmic utility of cards per area). Heavier and weaker areas
//! still supply more cards; none takes them all while another has useful ones.
//!
//! The schedule only records the first cram answer of a day per card ([`changes_state`]), so a
//! card already crammed today adds nothing to the projection: those cards come after every card
//! whose answer still counts, ranked by what a review would do to memory, for practice.
//!
//! [`changes_state`]: crate::scheduler::changes_state

use std::collections::{BTreeMap, HashSet, VecDeque};

use chrono::TimeZone;

use super::forecast::{Context, Readiness, recall_now, recall_on};
use super::plan::PlanCard;
use super::plan::mix;
use super::roles::AreaWeights;
use crate::scheduler::{Rating, SchedulerError};

/// One card's worth in a cram session.
#[derive(Debug, Clone, PartialEq)]
pub struct CramItem {
    pub card: PlanCard,
    /// Recall on the target day if not answered now.
    pub recall_without: f64,
    /// Expected recall on the target day after answering now.
    pub recall_with: f64,
    /// Whether an answer now changes the schedule (the first cram answer of the day does).
    pub counts: bool,
    /// Expected minutes, a repeat after a failure included.
    pub minutes: f64,
    /// Readiness added on the target day per expected minute (as if the answer counted).
    pub value: f64,
}

/// A planned cram session.
#[derive(Debug, Clone, PartialEq)]
pub struct CramPlan {
    /// Readiness on the target day if nothing is answered.
    pub before: Readiness,
    /// Expected readiness on the target day once every planned card is answered.
    pub planned: Readiness,
    /// The cards to answer, in session order.
    pub items: Vec<CramItem>,
    /// Expected minutes for `items`.
    pub minutes: f64,
}

/// What a cram session aims at.
#[derive(Debug, Clone, PartialEq)]
pub struct CramGoal {
    /// The interview day (a day number of the scheduler's day clock).
    pub day: i64,
    /// Role weights of the areas that count (weight 0: left out).
    pub weights: AreaWeights,
    pub budget_minutes: f64,
    /// Whether answers may change the schedule (`--no-reschedule` turns it off).
    pub reschedule: bool,
}

/// Ranks every card of the relevant areas by value, best first (answers that count first).
/// `logged_only` holds the cards whose answer now would not change the schedule.
pub fn rank<Tz: TimeZone>(
    cards: &[PlanCard],
    goal: &CramGoal,
    logged_only: &HashSet<i64>,
    ctx: &Context<Tz>,
) -> Result<Vec<CramItem>, SchedulerError> {
    let Context { scheduler, clock, pace, now } = *ctx;
    let relevant: Vec<&PlanCard> = cards.iter().filter(|c| goal.weights.get(c.area()) > 0.0).collect();
    let mut per_area: BTreeMap<&str, usize> = BTreeMap::new();
    for c in &relevant {
        *per_area.entry(c.area()).or_default() += 1;
    }
    let total_weight: f64 = per_area.keys().map(|a| goal.weights.get(a)).sum();
    let mut items = Vec::with_capacity(relevant.len());
    for c in relevant {
        let share = goal.weights.get(c.area()) / (per_area[c.area()] as f64 * total_weight);
        let recall_without = recall_on(scheduler, clock, c.state(), goal.day);
        let recall_now = recall_now(scheduler, clock, c.state(), now);
        let outcomes = scheduler.preview(&c.card.key, c.state(), now, clock)?;
        let after = |rating: Rating| recall_on(scheduler, clock, Some(&outcomes[rating as usize - 1].state), goal.day);
        let recall_with = recall_now * after(Rating::Good) + (1.0 - recall_now) * after(Rating::Again);
        let minutes = pace.minutes(c.area()) * (2.0 - recall_now);
        items.push(CramItem {
            card: c.clone(),
            recall_without,
            recall_with,
            counts: goal.reschedule && !logged_only.contains(&c.card.id),
            minutes,
            value: share * (recall_with - recall_without) / minutes,
        });
    }
    items.sort_by(|a, b| {
        b.counts
            .cmp(&a.counts)
            .then(b.value.total_cmp(&a.value))
            .then(a.card.card.position.cmp(&b.card.card.position))
            .then(a.card.card.id.cmp(&b.card.card.id))
    });
    Ok(items)
}

/// Plans a cram session: the cards that fit the budget (at least one), taken by marginal value
/// with diminishing returns per area ([`spread`]), then mixed across areas in proportion to
/// how many each supplies, the most valuable area leading.
pub fn plan_cram<Tz: TimeZone>(
    cards: &[PlanCard],
    goal: &CramGoal,
    logged_only: &HashSet<i64>,
    ctx: &Context<Tz>,
) -> Result<CramPlan, SchedulerError> {
    let ranked = rank(cards, goal, logged_only, ctx)?;
    let before = Readiness::weigh(ranked.iter().map(|i| (i.card.area(), i.recall_without)), &goal.weights);
    let chosen = fit(spread(ranked.iter().filter(|i| i.value > 0.0).cloned().collect()), goal.budget_minutes);
    let chosen_ids: HashSet<i64> = chosen.iter().filter(|i| i.counts).map(|i| i.card.card.id).collect();
    let planned = Readiness::weigh(
        ranked.iter().map(|i| {
            let recall = if chosen_ids.contains(&i.card.card.id) { i.recall_with } else { i.recall_without };
            (i.card.area(), recall)
        }),
        &goal.weights,
    );
    let minutes = chosen.iter().map(|i| i.minutes).sum();
    Ok(CramPlan { before, planned, items: by_area(chosen), minutes })
}

/// Reorders ranked items (best first) by marginal value with diminishing returns per area:
/// each step takes the area head with the highest `value / (1 + taken from its area)`.
/// Answers that count still come before those that do not; each area keeps its own order.
pub fn spread(ranked: Vec<CramItem>) -> Vec<CramItem> {
    let mut areas: Vec<(String, usize, VecDeque<CramItem>)> = Vec::new();
    for item in ranked {
        match areas.iter_mut().find(|(area, _, _)| area == item.card.area()) {
            Some((_, _, queue)) => queue.push_back(item),
            None => areas.push((item.card.area().to_owned(), 0, VecDeque::from([item]))),
        }
    }
    let total = areas.iter().map(|(_, _, q)| q.len()).sum();
    let mut out = Vec::with_capacity(total);
    while out.len() < total {
        let key = |(_, taken, queue): &(String, usize, VecDeque<CramItem>)| {
            queue.front().map(|head| (head.counts, head.value / (1 + *taken) as f64))
        };
        // Ties go to the area met first (the better-ranked one).
        let mut best: Option<(usize, (bool, f64))> = None;
        for (i, area) in areas.iter().enumerate() {
            if let Some(k) = key(area)
                && best.is_none_or(|(_, b)| k.0.cmp(&b.0).then(k.1.total_cmp(&b.1)).is_gt())
            {
                best = Some((i, k));
            }
        }
        let Some((i, _)) = best else { break };
        areas[i].1 += 1;
        out.extend(areas[i].2.pop_front());
    }
    out
}

/// The items, best first, that fit `budget` minutes: each that still fits is taken, so a long
/// card does not block shorter ones behind it. The best item is always taken.
pub fn fit(items: Vec<CramItem>, budget: f64) -> Vec<CramItem> {
    let mut used = 0.0;
    let mut out = Vec::new();
    for item in items {
        if out.is_empty() || used + item.minutes <= budget {
            used += item.minutes;
            out.push(item);
        }
    }
    out
}

/// Mixes items (best first) across areas, each area keeping its order, the best area leading.
fn by_area(items: Vec<CramItem>) -> Vec<CramItem> {
    let mut groups: Vec<(String, VecDeque<CramItem>)> = Vec::new();
    for item in items {
        match groups.iter_mut().find(|(area, _)| area == item.card.area()) {
            Some((_, group)) => group.push_back(item),
            None => groups.push((item.card.area().to_owned(), VecDeque::from([item]))),
        }
    }
    mix(groups.into_iter().map(|(_, g)| (g.len() as f64, g)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::{DayClock, Scheduler};
    use crate::session::forecast::tests::card;
    use crate::session::pace::Pace;
    use chrono::Utc;

    /// The day number of 2026-03-02, when these tests run.
    fn today() -> i64 {
        DayClock::new(Utc, 4).day_of(Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap())
    }

    /// Runs `f` at 2026-03-02 09:00 UTC with the default model and `cards`' pace.
    fn with_ctx<T>(cards: &[PlanCard], f: impl FnOnce(&Context<Utc>) -> T) -> T {
        let (scheduler, clock, pace) = (Scheduler::default_params(), DayClock::new(Utc, 4), Pace::new(&[], cards));
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
        f(&Context { scheduler: &scheduler, clock: &clock, pace: &pace, now })
    }

    fn ranked(cards: &[PlanCard], g: &CramGoal, logged_only: &HashSet<i64>) -> Vec<CramItem> {
        with_ctx(cards, |ctx| rank(cards, g, logged_only, ctx)).unwrap()
    }

    fn planned(cards: &[PlanCard], g: &CramGoal, logged_only: &HashSet<i64>) -> CramPlan {
        with_ctx(cards, |ctx| plan_cram(cards, g, logged_only, ctx)).unwrap()
    }

    fn goal(day: i64, weights: &[(&str, f64)], budget: f64) -> CramGoal {
        CramGoal {
            day,
            weights: weights.iter().map(|(a, w)| (a.to_string(), *w)).collect(),
            budget_minutes: budget,
            reschedule: true,
        }
    }

    fn keys(items: &[CramItem]) -> Vec<&str> {
        items.iter().map(|i| i.card.card.key.as_str()).collect()
    }

    #[test]
    fn the_weakest_card_of_an_area_comes_first_and_a_strong_one_last() {
        let today = today();
        // Same area: a card at stability 2 reviewed 10 days ago (weak), one at 100 (strong).
        let cards =
            [card(1, "sql", Some((10, 100.0))), card(2, "sql", Some((10, 2.0))), card(3, "sql", Some((2, 5.0)))];
        let g = goal(today + 3, &[("sql", 1.0)], 60.0);
        let ranked = ranked(&cards, &g, &HashSet::new());
        assert_eq!(keys(&ranked), vec!["sql/2", "sql/3", "sql/1"]);
        assert!(ranked.iter().all(|i| i.recall_with > i.recall_without), "{ranked:?}");
    }

    #[test]
    fn an_area_the_roles_do_not_weigh_is_left_out() {
        let today = today();
        let cards = [card(1, "java", None), card(2, "cloud", Some((5, 3.0)))];
        let g = goal(today + 3, &[("java", 0.0), ("cloud", 3.0)], 60.0);
        let plan = planned(&cards, &g, &HashSet::new());
        assert_eq!(keys(&plan.items), vec!["cloud/2"]);
        assert_eq!(plan.before.areas.len(), 1);
    }

    #[test]
    fn heavier_areas_win_between_equally_weak_cards() {
        let today = today();
        let cards = [card(1, "testing", Some((6, 2.0))), card(2, "cloud", Some((6, 2.0)))];
        let g = goal(today + 2, &[("testing", 1.0), ("cloud", 3.0)], 60.0);
        let ranked = ranked(&cards, &g, &HashSet::new());
        assert_eq!(keys(&ranked), vec!["cloud/2", "testing/1"]);
    }

    #[test]
    fn the_budget_takes_the_best_cards_that_fit() {
        let today = today();
        let cards: Vec<PlanCard> = (1..=10).map(|i| card(i, "sql", Some((i, 2.0 + i as f32)))).collect();
        let g = goal(today + 3, &[("sql", 1.0)], 5.0);
        let plan = planned(&cards, &g, &HashSet::new());
        assert!(plan.minutes <= 5.0, "{}", plan.minutes);
        assert!(!plan.items.is_empty());
        assert_eq!(plan.items[0], ranked(&cards, &g, &HashSet::new())[0]);
        // Even a budget too small for one card plans the best one.
        let tiny = planned(&cards, &goal(today + 3, &[("sql", 1.0)], 0.1), &HashSet::new());
        assert_eq!(tiny.items.len(), 1);
    }

    #[test]
    fn the_plan_projects_higher_readiness_than_doing_nothing() {
        let today = today();
        let cards = [card(1, "sql", None), card(2, "sql", Some((8, 3.0))), card(3, "cloud", Some((2, 40.0)))];
        let g = goal(today + 4, &[("sql", 2.0), ("cloud", 1.0)], 30.0);
        let plan = planned(&cards, &g, &HashSet::new());
        assert!(plan.planned.overall > plan.before.overall + 0.05, "{plan:?}");
        assert_eq!(plan.items.len(), 3);
    }

    #[test]
    fn cards_already_crammed_today_add_nothing_and_come_after_those_that_count() {
        let today = today();
        let cards = [card(1, "sql", Some((9, 1.0))), card(2, "sql", Some((2, 50.0)))];
        let g = goal(today + 3, &[("sql", 1.0)], 60.0);
        let logged_only = HashSet::from([1]);
        let plan = planned(&cards, &g, &logged_only);
        assert_eq!(keys(&plan.items), vec!["sql/2", "sql/1"]);
        assert!(!plan.items[1].counts);
        // Only card 2's answer moves the projection.
        let by_hand = (plan.items[0].recall_with + plan.items[1].recall_without) / 2.0;
        assert!((plan.planned.overall - by_hand).abs() < 1e-9);
    }

    #[test]
    fn without_rescheduling_the_projection_does_not_move() {
        let today = today();
        let cards = [card(1, "sql", None), card(2, "sql", Some((8, 3.0)))];
        let mut g = goal(today + 4, &[("sql", 1.0)], 30.0);
        g.reschedule = false;
        let plan = planned(&cards, &g, &HashSet::new());
        assert_eq!(plan.items.len(), 2);
        assert_eq!(plan.planned, plan.before);
    }

    #[test]
    fn cards_are_mixed_across_areas_not_drilled_in_blocks() {
        let today = today();
        let mut cards: Vec<PlanCard> = (1..=4).map(|i| card(i, "sql", Some((10, 1.0)))).collect();
        cards.extend((5..=8).map(|i| card(i, "cloud", Some((10, 1.5)))));
        let g = goal(today + 3, &[("sql", 1.0), ("cloud", 1.0)], 600.0);
        let plan = planned(&cards, &g, &HashSet::new());
        let areas: Vec<&str> = plan.items.iter().map(|i| i.card.area()).collect();
        assert!(areas.windows(2).all(|w| w[0] != w[1]), "{areas:?}");
    }

    /// A platform role's areas as the built-in decks hold them: a small heavy area (debugging)
    /// whose every card is worth more than any card of the larger ones.
    fn platform_cards() -> (Vec<PlanCard>, Vec<(&'static str, f64)>) {
        let areas = [("debugging", 3.0, 29), ("cloud", 3.0, 39), ("system-design", 2.5, 47), ("sql", 1.0, 57)];
        let mut cards = Vec::new();
        let mut id = 0;
        for (area, _, count) in areas {
            for _ in 0..count {
                id += 1;
                let mut c = card(id, area, None);
                c.time_limit_secs = Some(150);
                cards.push(c);
            }
        }
        (cards, areas.iter().map(|(a, w, _)| (*a, *w)).collect())
    }

    fn per_area(items: &[CramItem]) -> BTreeMap<&str, usize> {
        let mut counts = BTreeMap::new();
        items.iter().for_each(|i| *counts.entry(i.card.area()).or_default() += 1);
        counts
    }

    #[test]
    fn a_short_plan_spreads_over_the_roles_areas_instead_of_piling_into_one() {
        let (cards, weights) = platform_cards();
        let g = goal(today() + 3, &weights, 30.0);
        // Ranked by value alone, the first six are all debugging: the pile-up being fixed.
        assert!(ranked(&cards, &g, &HashSet::new())[..6].iter().all(|i| i.card.area() == "debugging"));
        let plan = planned(&cards, &g, &HashSet::new());
        let counts = per_area(&plan.items);
        assert!(plan.items.len() >= 4, "{counts:?}");
        assert!(counts.len() >= 3, "{counts:?}");
        assert!(counts.values().all(|n| *n * 2 <= plan.items.len()), "{counts:?}");
    }

    #[test]
    fn a_long_plan_still_weighs_areas_by_role() {
        let (cards, weights) = platform_cards();
        let plan = planned(&cards, &goal(today() + 3, &weights, 240.0), &HashSet::new());
        let counts = per_area(&plan.items);
        assert_eq!(counts.len(), 4, "{counts:?}");
        // The heaviest areas supply more than the light one, none supplies everything.
        assert!(counts["debugging"] > counts["sql"] && counts["cloud"] > counts["sql"], "{counts:?}");
        assert!(counts.values().all(|n| *n * 2 <= plan.items.len()), "{counts:?}");
    }

    #[test]
    fn spreading_takes_the_next_area_once_the_first_has_given_enough() {
        let (cards, weights) = platform_cards();
        let g = goal(today() + 3, &weights, 60.0);
        let ranked = ranked(&cards, &g, &HashSet::new());
        let spread = spread(ranked.clone());
        assert_eq!(spread.len(), ranked.len());
        // The best card leads; the second comes from another area though debugging's second is
        // worth more on its own.
        assert_eq!(spread[0], ranked[0]);
        assert_ne!(spread[1].card.area(), spread[0].card.area());
        assert!(ranked[1].value > spread[1].value);
        // Each area keeps its own order.
        for area in ["debugging", "cloud", "system-design", "sql"] {
            let order = |items: &[CramItem]| -> Vec<i64> {
                items.iter().filter(|i| i.card.area() == area).map(|i| i.card.card.id).collect()
            };
            assert_eq!(order(&spread), order(&ranked));
        }
    }

    #[test]
    fn spreading_keeps_answers_that_count_first() {
        let cards = [card(1, "sql", Some((9, 1.0))), card(2, "cloud", Some((2, 50.0))), card(3, "sql", None)];
        let g = goal(today() + 3, &[("sql", 1.0), ("cloud", 1.0)], 60.0);
        let logged_only = HashSet::from([1, 3]);
        let spread = spread(ranked(&cards, &g, &logged_only));
        let counts: Vec<bool> = spread.iter().map(|i| i.counts).collect();
        assert_eq!(counts, [true, false, false]);
    }
}
