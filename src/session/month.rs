//! The four-week refresh cycle (`grill plan --month`): week 1 language fundamentals, week 2 SQL
//! and schema design, week 3 one realistic system design, week 4 behavioural stories, reordered
//! so the week holding the weakest relevant area comes first, each with the cards it would cover.
//! Pure.
//!
//! The other built-in areas ride along with the week they support: testing and coding with the
//! language (tests and live-coding solutions are written in it), API design, cloud and security
//! with the system design (its API, its deployment and its threat model), debugging with the
//! behavioural stories (incident stories are debugging stories).
//! A week's own areas lead: its cards mix the areas in proportion to their weight, an own area
//! counting double, so a heavy companion never crowds out the week's theme.

use std::collections::{HashSet, VecDeque};

use chrono::TimeZone;

use super::cram::{CramGoal, CramItem, fit, rank};
use super::forecast::{Context, Readiness};
use super::plan::PlanCard;
use super::plan::mix;
use super::roles::AreaWeights;
use crate::scheduler::SchedulerError;

/// How much more an area of the week's own theme counts than a companion when mixing its cards.
const OWN_AREA_FACTOR: f64 = 2.0;

/// The tag that marks a whole design (as opposed to a building block) in a system design deck.
pub const DESIGN_TAG: &str = "design";

/// One week's theme.
#[derive(Debug, PartialEq, Eq)]
pub struct Theme {
    pub title: &'static str,
    /// The theme's own areas; empty means "your languages".
    areas: &'static [&'static str],
    /// Areas that ride along with this week.
    companions: &'static [&'static str],
    /// Whether the week centres on one whole design and the building blocks it uses.
    one_design: bool,
}

/// The cycle in its default order.
pub const CYCLE: [Theme; 4] = [
    Theme {
        title: "Language fundamentals, without framework help",
        areas: &[],
        companions: &["testing", "coding"],
        one_design: false,
    },
    Theme {
        title: "SQL: query planning, indexing and schema decisions",
        areas: &["sql"],
        companions: &[],
        one_design: false,
    },
    Theme {
        title: "One realistic system design, end to end",
        areas: &["system-design"],
        companions: &["api-design", "cloud", "security"],
        one_design: true,
    },
    Theme {
        title: "Behavioural stories: ownership, incidents, trade-offs, remote teamwork",
        areas: &["behavioral"],
        companions: &["debugging"],
        one_design: false,
    },
];

/// One planned week.
#[derive(Debug, Clone, PartialEq)]
pub struct Week {
    /// 1-4, in the adapted order.
    pub number: usize,
    pub theme: &'static Theme,
    /// The day the week starts.
    pub first_day: i64,
    /// The week's relevant areas with their weight and recall today.
    pub readiness: Readiness,
    /// The highest weight x (1 - recall) among the week's areas: what puts the week first.
    pub weakness: f64,
    /// The cards the week covers, most valuable first (the design first in a design week).
    pub items: Vec<CramItem>,
    pub minutes: f64,
    /// The key of the whole design a design week centres on.
    pub design: Option<String>,
}

/// Who the month is for and how much time it has.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthGoal<'a> {
    pub weights: &'a AreaWeights,
    /// Target roles (to prefer a design made for them).
    pub roles: &'a [String],
    pub week_minutes: f64,
}

/// Plans the four weeks starting today. Cards are ranked by what they add to readiness at the
/// end of the cycle (day 28), the same value cram uses, within each week's budget.
pub fn plan_month<Tz: TimeZone>(
    cards: &[PlanCard],
    goal: &MonthGoal,
    is_language: &dyn Fn(&str) -> bool,
    ctx: &Context<Tz>,
) -> Result<Vec<Week>, SchedulerError> {
    let today = ctx.clock.day_of(ctx.now);
    let mut weeks = Vec::with_capacity(CYCLE.len());
    for theme in &CYCLE {
        let areas = theme_areas(theme, cards, goal.weights, is_language);
        let weights: AreaWeights = areas.iter().map(|(a, _)| (a.clone(), goal.weights.get(a))).collect();
        let week_cards: Vec<PlanCard> =
            cards.iter().filter(|c| areas.iter().any(|(a, _)| a == c.area())).cloned().collect();
        let readiness = Readiness::on(ctx.scheduler, ctx.clock, &week_cards, &weights, today);
        let weakness = readiness.areas.iter().map(|a| a.weight * (1.0 - a.recall)).fold(0.0, f64::max);
        let cram = CramGoal { day: today + 28, weights, budget_minutes: goal.week_minutes, reschedule: true };
        let ranked = rank(&week_cards, &cram, &HashSet::new(), ctx)?;
        let (ranked, design) =
            if theme.one_design { around_one_design(ranked, theme, goal.roles) } else { (ranked, None) };
        let useful = ranked.into_iter().filter(|i| i.value > 0.0).collect();
        let items = fit(own_areas_lead(useful, &areas, &cram.weights), goal.week_minutes);
        let minutes = items.iter().map(|i| i.minutes).sum();
        weeks.push(Week { number: 0, theme, first_day: 0, readiness, weakness, items, minutes, design });
    }
    // Stable: equally weak weeks keep the cycle's order.
    weeks.sort_by(|a, b| b.weakness.total_cmp(&a.weakness));
    for (i, week) in weeks.iter_mut().enumerate() {
        week.number = i + 1;
        week.first_day = today + 7 * i as i64;
    }
    Ok(weeks)
}

/// The week's areas that matter for the target and have cards, own areas first: (area, own).
fn theme_areas(
    theme: &Theme,
    cards: &[PlanCard],
    weights: &AreaWeights,
    is_language: &dyn Fn(&str) -> bool,
) -> Vec<(String, bool)> {
    let mut areas: Vec<(String, bool)> = Vec::new();
    for card in cards {
        let area = card.area();
        let own = if theme.areas.is_empty() { is_language(area) } else { theme.areas.contains(&area) };
        if (own || theme.companions.contains(&area)) && weights.get(area) > 0.0 && !areas.iter().any(|(a, _)| a == area)
        {
            areas.push((area.to_owned(), own));
        }
    }
    areas.sort_by_key(|(_, own)| !own);
    areas
}

/// Mixes the ranked items across the week's areas (each keeping its order) in proportion to
/// the areas' weights, own areas counting double and leading.
fn own_areas_lead(ranked: Vec<CramItem>, areas: &[(String, bool)], weights: &AreaWeights) -> Vec<CramItem> {
    let mut groups: Vec<(f64, VecDeque<CramItem>)> = areas
        .iter()
        .map(|(area, own)| (weights.get(area) * if *own { OWN_AREA_FACTOR } else { 1.0 }, VecDeque::new()))
        .collect();
    for item in ranked {
        if let Some(i) = areas.iter().position(|(a, _)| a == item.card.area()) {
            groups[i].1.push_back(item);
        }
    }
    mix(groups)
}

/// Puts the most valuable whole design (one made for the target roles when there is one) first,
/// then the building blocks that share a tag with it, then the rest.
fn around_one_design(ranked: Vec<CramItem>, theme: &Theme, roles: &[String]) -> (Vec<CramItem>, Option<String>) {
    // Only the theme's own areas hold whole designs: a companion's card tagged `design`
    // (security's threat model of a feature) is a building block here.
    let is_design = |i: &CramItem| theme.areas.contains(&i.card.area()) && i.card.tags.iter().any(|t| t == DESIGN_TAG);
    let for_roles = |i: &CramItem| roles.is_empty() || i.card.roles.iter().any(|r| roles.contains(r));
    let Some(pick) =
        ranked.iter().position(|i| is_design(i) && for_roles(i)).or_else(|| ranked.iter().position(is_design))
    else {
        return (ranked, None);
    };
    let mut rest = ranked;
    let design = rest.remove(pick);
    let topics: Vec<&String> = design.card.tags.iter().filter(|t| *t != DESIGN_TAG).collect();
    let (blocks, others): (Vec<CramItem>, Vec<CramItem>) =
        rest.into_iter().partition(|i| !is_design(i) && i.card.tags.iter().any(|t| topics.contains(&t)));
    let key = design.card.card.key.clone();
    (std::iter::once(design).chain(blocks).chain(others.into_iter().filter(|i| !is_design(i))).collect(), Some(key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::{DayClock, Scheduler};
    use crate::session::forecast::tests::card;
    use crate::session::pace::Pace;
    use chrono::{TimeZone, Utc};

    fn tagged(id: i64, area: &str, tags: &[&str], roles: &[&str]) -> PlanCard {
        let mut c = card(id, area, None);
        c.tags = tags.iter().map(|t| t.to_string()).collect();
        c.roles = roles.iter().map(|r| r.to_string()).collect();
        c
    }

    fn cards() -> Vec<PlanCard> {
        vec![
            tagged(1, "python", &[], &[]),
            tagged(2, "java", &[], &[]),
            tagged(3, "testing", &[], &[]),
            card(4, "sql", Some((3, 30.0))),
            card(5, "sql", Some((3, 30.0))),
            tagged(6, "system-design", &["design", "queues"], &["data"]),
            tagged(7, "system-design", &["design", "caching"], &["platform"]),
            tagged(8, "system-design", &["queues", "kafka"], &[]),
            tagged(9, "system-design", &["caching"], &[]),
            tagged(10, "behavioral", &[], &[]),
            tagged(11, "debugging", &[], &[]),
        ]
    }

    /// The month for `cards` at 2026-03-02 09:00 UTC; python and java are the languages.
    fn month(cards: &[PlanCard], weights: &[(&str, f64)], roles: &[&str], week_minutes: f64) -> Vec<Week> {
        let (scheduler, clock, pace) = (Scheduler::default_params(), DayClock::new(Utc, 4), Pace::new(&[], cards));
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
        let weights: AreaWeights = weights.iter().map(|(a, w)| (a.to_string(), *w)).collect();
        let roles: Vec<String> = roles.iter().map(|r| r.to_string()).collect();
        let goal = MonthGoal { weights: &weights, roles: &roles, week_minutes };
        let is_language = |a: &str| a == "python" || a == "java";
        let ctx = Context { scheduler: &scheduler, clock: &clock, pace: &pace, now };
        plan_month(cards, &goal, &is_language, &ctx).unwrap()
    }

    fn plan(weights: &[(&str, f64)], roles: &[&str]) -> Vec<Week> {
        month(&cards(), weights, roles, 120.0)
    }

    fn keys(week: &Week) -> Vec<&str> {
        week.items.iter().map(|i| i.card.card.key.as_str()).collect()
    }

    const ALL: [(&str, f64); 9] = [
        ("python", 1.0),
        ("java", 1.0),
        ("testing", 1.0),
        ("sql", 1.0),
        ("system-design", 1.0),
        ("api-design", 1.0),
        ("cloud", 1.0),
        ("behavioral", 1.0),
        ("debugging", 1.0),
    ];

    #[test]
    fn with_equal_weights_the_well_known_sql_week_moves_last() {
        let weeks = plan(&ALL, &[]);
        let titles: Vec<&str> = weeks.iter().map(|w| w.theme.title).collect();
        assert_eq!(titles, vec![CYCLE[0].title, CYCLE[2].title, CYCLE[3].title, CYCLE[1].title]);
        assert_eq!(weeks.iter().map(|w| w.first_day - weeks[0].first_day).collect::<Vec<_>>(), vec![0, 7, 14, 21]);
    }

    #[test]
    fn the_weakest_heavy_area_puts_its_week_first() {
        let mut weights = ALL.to_vec();
        weights.retain(|(a, _)| *a != "behavioral");
        weights.push(("behavioral", 3.0));
        let weeks = plan(&weights, &[]);
        assert_eq!(weeks[0].theme.title, CYCLE[3].title);
        assert_eq!(keys(&weeks[0]), vec!["behavioral/10", "debugging/11"]);
    }

    #[test]
    fn a_heavy_companion_area_does_not_crowd_out_the_weeks_own_area() {
        let mut cards: Vec<PlanCard> = (1..=10).map(|i| card(i, "behavioral", None)).collect();
        cards.extend((11..=20).map(|i| card(i, "debugging", None)));
        let weeks = month(&cards, &[("behavioral", 2.0), ("debugging", 3.0)], &[], 60.0);
        let week = weeks.iter().find(|w| w.theme.title == CYCLE[3].title).unwrap();
        let areas: Vec<&str> = week.items.iter().map(|i| i.card.area()).collect();
        assert_eq!(areas[0], "behavioral", "{areas:?}");
        let own = areas.iter().filter(|a| **a == "behavioral").count();
        assert!(own > areas.len() / 2, "{areas:?}");
    }

    #[test]
    fn language_week_covers_only_the_chosen_languages_with_testing() {
        let mut weights = ALL.to_vec();
        weights.retain(|(a, _)| *a != "java");
        weights.push(("java", 0.0));
        let weeks = plan(&weights, &[]);
        let language = weeks.iter().find(|w| w.theme.title == CYCLE[0].title).unwrap();
        let mut covered = keys(language);
        covered.sort();
        assert_eq!(covered, vec!["python/1", "testing/3"]);
    }

    #[test]
    fn the_design_week_centres_on_one_design_for_the_target_role_and_its_building_blocks() {
        let weeks = plan(&ALL, &["platform"]);
        let design = weeks.iter().find(|w| w.theme.one_design).unwrap();
        assert_eq!(design.design.as_deref(), Some("system-design/7"));
        let covered = keys(design);
        assert_eq!(&covered[..2], &["system-design/7", "system-design/9"]);
        assert!(!covered.contains(&"system-design/6"), "only one whole design: {covered:?}");
        let for_data = plan(&ALL, &["data"]);
        let design = for_data.iter().find(|w| w.theme.one_design).unwrap();
        assert_eq!(design.design.as_deref(), Some("system-design/6"));
        assert_eq!(&keys(design)[..2], &["system-design/6", "system-design/8"]);
    }

    #[test]
    fn coding_rides_with_the_language_week_and_security_with_the_design_week() {
        let mut cards = cards();
        cards.push(tagged(12, "coding", &[], &[]));
        cards.push(tagged(13, "security", &[], &[]));
        let mut weights = ALL.to_vec();
        weights.extend([("coding", 1.0), ("security", 1.0)]);
        let weeks = month(&cards, &weights, &[], 120.0);
        let weeks_of =
            |key: &str| weeks.iter().filter(|w| keys(w).contains(&key)).map(|w| w.theme.title).collect::<Vec<_>>();
        assert_eq!(weeks_of("coding/12"), vec![CYCLE[0].title]);
        assert_eq!(weeks_of("security/13"), vec![CYCLE[2].title]);
        // A companion's card tagged `design` is no whole design of the week.
        cards.push(tagged(14, "security", &["design", "threat-modelling"], &["platform"]));
        let weeks = month(&cards, &weights, &["platform"], 120.0);
        let design = weeks.iter().find(|w| w.theme.one_design).unwrap();
        assert_eq!(design.design.as_deref(), Some("system-design/7"));
        assert!(keys(design).contains(&"security/14"), "{:?}", keys(design));
        // A zero weight (a role that skips the area) keeps it out of the month.
        weights.retain(|(a, _)| *a != "coding");
        weights.push(("coding", 0.0));
        let weeks = month(&cards, &weights, &[], 120.0);
        assert!(weeks.iter().all(|w| !keys(w).contains(&"coding/12")));
    }

    #[test]
    fn a_week_covers_no_more_than_its_minutes() {
        let cards: Vec<PlanCard> = (1..=40).map(|i| card(i, "sql", None)).collect();
        let weeks = month(&cards, &[("sql", 1.0)], &[], 20.0);
        let sql = weeks.iter().find(|w| w.theme.title == CYCLE[1].title).unwrap();
        assert!(sql.minutes <= 20.0 && !sql.items.is_empty(), "{}", sql.minutes);
        assert!(weeks.iter().filter(|w| w.theme.title != CYCLE[1].title).all(|w| w.items.is_empty()));
    }
}
