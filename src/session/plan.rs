//! Pure planning of the daily queue: which cards, in what order.

use std::collections::{BTreeMap, VecDeque};

use rand::{SeedableRng, rngs::Xoshiro256PlusPlus, seq::SliceRandom};

use crate::scheduler::CardState;

/// A card the drill may show: enough to plan, not its text.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub id: i64,
    pub key: String,
    pub area: String,
    /// Order of introduction within its deck (new cards; 0 for the others).
    pub position: i64,
    pub state: Option<CardState>,
}

impl Candidate {
    /// Whether the card has never been reviewed.
    pub fn is_new(&self) -> bool {
        self.state.is_none()
    }
}

/// How many cards of each kind today's drill may still show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allowance {
    pub new: usize,
    pub reviews: usize,
}

/// Orders today's queue: due cards (most overdue first within an area) and new cards (in deck
/// order), both interleaved across areas so no area is drilled in a block, with the new cards
/// spread evenly among the reviews. `area_priority` (weakest first) orders the areas new cards
/// come from; areas not in it follow in an order shuffled by `seed`.
pub fn plan_queue(
    candidates: Vec<Candidate>,
    allowance: Allowance,
    area_priority: &[String],
    seed: u64,
) -> Vec<Candidate> {
    let shares: Vec<(String, f64)> = area_priority.iter().map(|a| (a.clone(), 1.0)).collect();
    plan_queue_weighted(candidates, allowance, &shares, seed)
}

/// Like [`plan_queue`], but each area supplies new cards in proportion to its share (e.g. its
/// role weight times its weakness), in the order given: an area with twice the share supplies
/// twice the new cards, and areas with share 0 only once the others have none left. Areas not
/// in `new_shares` have share 1 and follow in an order shuffled by `seed`.
pub fn plan_queue_weighted(
    candidates: Vec<Candidate>,
    allowance: Allowance,
    new_shares: &[(String, f64)],
    seed: u64,
) -> Vec<Candidate> {
    let (mut new, mut due): (Vec<_>, Vec<_>) = candidates.into_iter().partition(Candidate::is_new);
    let most_overdue = |a: &Candidate, b: &Candidate| {
        let (sa, sb) = (a.state.expect("due cards have state"), b.state.expect("due cards have state"));
        sa.due.cmp(&sb.due).then(a.id.cmp(&b.id))
    };
    // Only the kept reviews need sorting: with tens of thousands of candidates, selecting them
    // first is linear instead of a full sort.
    if due.len() > allowance.reviews {
        due.select_nth_unstable_by(allowance.reviews, most_overdue);
        due.truncate(allowance.reviews);
    }
    due.sort_by(most_overdue);
    let reviews = interleave(due, &[], seed);
    new.sort_by(|a, b| a.position.cmp(&b.position).then(a.id.cmp(&b.id)));
    let mut new = interleave(new, new_shares, seed);
    new.truncate(allowance.new);
    spread(reviews, new)
}

/// Interleaves cards across areas, keeping each area's order. Areas in `shares` come first, in
/// that order and in proportion to their share; the rest (share 1) follow in an order shuffled
/// by `seed` (reproducible with `GRILL_SEED`).
fn interleave(cards: Vec<Candidate>, shares: &[(String, f64)], seed: u64) -> Vec<Candidate> {
    let mut by_area: BTreeMap<String, VecDeque<Candidate>> = BTreeMap::new();
    for card in cards {
        by_area.entry(card.area.clone()).or_default().push_back(card);
    }
    let mut rest: Vec<String> = by_area.keys().filter(|a| !shares.iter().any(|(s, _)| s == *a)).cloned().collect();
    rest.shuffle(&mut Xoshiro256PlusPlus::seed_from_u64(seed));
    let order = shares.iter().cloned().chain(rest.into_iter().map(|a| (a, 1.0)));
    mix(order.filter_map(|(area, share)| by_area.remove(&area).map(|cards| (share, cards))).collect())
}

/// Interleaves `groups` in proportion to their shares (smooth weighted round-robin, as nginx
/// balances servers): a group with twice the share supplies twice as often, and no group comes
/// in a block while others have items. Ties go to the earlier group; groups with share 0 (or
/// less) come only once every other group is empty, then in turn.
pub fn mix<T>(mut groups: Vec<(f64, VecDeque<T>)>) -> Vec<T> {
    let total: usize = groups.iter().map(|(_, g)| g.len()).sum();
    let mut credit = vec![0.0; groups.len()];
    let mut out = Vec::with_capacity(total);
    while out.len() < total {
        let weighted = groups.iter().any(|(share, g)| *share > 0.0 && !g.is_empty());
        let share = |s: f64| if weighted { s.max(0.0) } else { 1.0 };
        let active: Vec<usize> =
            (0..groups.len()).filter(|&i| !groups[i].1.is_empty() && share(groups[i].0) > 0.0).collect();
        let mut best = active[0];
        for &i in &active {
            credit[i] += share(groups[i].0);
        }
        for &i in &active {
            if credit[i] > credit[best] {
                best = i;
            }
        }
        credit[best] -= active.iter().map(|&i| share(groups[i].0)).sum::<f64>();
        out.extend(groups[best].1.pop_front());
    }
    out
}

/// Places `new` cards evenly between `reviews`, starting with a review when there are any.
fn spread(reviews: Vec<Candidate>, new: Vec<Candidate>) -> Vec<Candidate> {
    if new.is_empty() || reviews.is_empty() {
        return reviews.into_iter().chain(new).collect();
    }
    let total = reviews.len() + new.len();
    let mut out = Vec::with_capacity(total);
    let (mut r, mut n) = (reviews.into_iter(), new.into_iter());
    let new_count = n.len();
    let mut placed_new = 0;
    for i in 0..total {
        // The new card's share of the queue so far decides whether it is its turn.
        let want_new = (i + 1) * new_count / total > placed_new;
        match if want_new { n.next().or_else(|| r.next()) } else { r.next().or_else(|| n.next()) } {
            Some(card) => {
                placed_new += usize::from(card.is_new());
                out.push(card);
            }
            None => break,
        }
    }
    out
}

/// A card as the planners see it: what the queue needs, plus what planning weighs.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanCard {
    pub card: Candidate,
    pub tags: Vec<String>,
    /// The role types the card's deck marks it for (empty: any).
    pub roles: Vec<String>,
    /// How long a spoken answer should take, from the deck.
    pub time_limit_secs: Option<u32>,
}

impl PlanCard {
    /// The card's area.
    pub fn area(&self) -> &str {
        &self.card.area
    }

    /// The card's scheduling state (none when never reviewed).
    pub fn state(&self) -> Option<&CardState> {
        self.card.state.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn card(id: i64, area: &str, due_day: Option<u32>) -> Candidate {
        Candidate {
            id,
            key: format!("{area}/{id}"),
            area: area.into(),
            position: id,
            state: due_day.map(|d| CardState {
                stability: 5.0,
                difficulty: 5.0,
                due: Utc.with_ymd_and_hms(2026, 1, d, 4, 0, 0).unwrap(),
                last_review: Utc.with_ymd_and_hms(2025, 12, 1, 4, 0, 0).unwrap(),
                reps: 1,
                lapses: 0,
            }),
        }
    }

    fn areas(q: &[Candidate]) -> Vec<&str> {
        q.iter().map(|c| c.area.as_str()).collect()
    }

    #[test]
    fn reviews_are_interleaved_across_areas_not_drilled_in_blocks() {
        let cards =
            vec![card(1, "sql", Some(1)), card(2, "sql", Some(2)), card(3, "java", Some(3)), card(4, "java", Some(4))];
        let q = plan_queue(cards, Allowance { new: 0, reviews: 10 }, &[], 7);
        let a = areas(&q);
        assert_ne!(a[0], a[1], "{a:?}");
        assert_ne!(a[2], a[3], "{a:?}");
    }

    #[test]
    fn the_most_overdue_card_of_an_area_comes_first() {
        let cards = vec![card(2, "sql", Some(9)), card(1, "sql", Some(3))];
        let q = plan_queue(cards, Allowance { new: 0, reviews: 10 }, &[], 1);
        assert_eq!(q[0].id, 1);
    }

    #[test]
    fn limits_cap_new_and_review_cards() {
        let mut cards: Vec<_> = (1..=20).map(|i| card(i, "sql", Some(1))).collect();
        cards.extend((21..=40).map(|i| card(i, "java", None)));
        let q = plan_queue(cards, Allowance { new: 3, reviews: 5 }, &[], 1);
        assert_eq!(q.iter().filter(|c| c.is_new()).count(), 3);
        assert_eq!(q.iter().filter(|c| !c.is_new()).count(), 5);
    }

    #[test]
    fn the_reviews_kept_under_a_limit_are_the_most_overdue() {
        let cards = vec![card(1, "sql", Some(5)), card(2, "java", Some(1)), card(3, "go", Some(2))];
        let q = plan_queue(cards, Allowance { new: 0, reviews: 2 }, &[], 1);
        let mut ids: Vec<i64> = q.iter().map(|c| c.id).collect();
        ids.sort();
        assert_eq!(ids, vec![2, 3]);
    }

    #[test]
    fn new_cards_are_spread_among_reviews() {
        let mut cards: Vec<_> = (1..=6).map(|i| card(i, "sql", Some(1))).collect();
        cards.extend((7..=8).map(|i| card(i, "java", None)));
        let q = plan_queue(cards, Allowance { new: 2, reviews: 10 }, &[], 1);
        let positions: Vec<usize> = q.iter().enumerate().filter(|(_, c)| c.is_new()).map(|(i, _)| i).collect();
        assert_eq!(positions.len(), 2);
        assert!(positions[0] >= 1 && positions[1] - positions[0] >= 2, "{positions:?}");
    }

    #[test]
    fn priority_areas_supply_new_cards_first() {
        let cards = vec![card(1, "sql", None), card(2, "java", None), card(3, "cloud", None)];
        let q = plan_queue(cards, Allowance { new: 1, reviews: 0 }, &["cloud".to_owned()], 1);
        assert_eq!(areas(&q), vec!["cloud"]);
    }

    #[test]
    fn weighted_areas_supply_new_cards_in_proportion_to_their_share() {
        let mut cards: Vec<_> = (1..=20).map(|i| card(i, "cloud", None)).collect();
        cards.extend((21..=40).map(|i| card(i, "sql", None)));
        cards.extend((41..=60).map(|i| card(i, "java", None)));
        let shares = [("cloud".to_owned(), 3.0), ("sql".to_owned(), 1.0), ("java".to_owned(), 0.0)];
        let q = plan_queue_weighted(cards, Allowance { new: 8, reviews: 0 }, &shares, 1);
        assert_eq!(areas(&q), vec!["cloud", "cloud", "sql", "cloud", "cloud", "cloud", "sql", "cloud"]);
    }

    #[test]
    fn areas_with_no_share_come_only_after_the_others_run_out() {
        let cards = vec![card(1, "java", None), card(2, "java", None), card(3, "cloud", None)];
        let shares = [("java".to_owned(), 0.0), ("cloud".to_owned(), 2.0)];
        let q = plan_queue_weighted(cards, Allowance { new: 3, reviews: 0 }, &shares, 1);
        assert_eq!(areas(&q), vec!["cloud", "java", "java"]);
    }

    #[test]
    fn equal_shares_take_turns() {
        let groups: Vec<(f64, VecDeque<i32>)> =
            vec![(1.0, VecDeque::from([1, 4, 7])), (1.0, VecDeque::from([2, 5])), (1.0, VecDeque::from([3]))];
        assert_eq!(mix(groups), vec![1, 2, 3, 4, 5, 7]);
    }

    #[test]
    fn the_same_seed_gives_the_same_queue() {
        let cards: Vec<_> = (1..=12).map(|i| card(i, ["a", "b", "c", "d"][i as usize % 4], None)).collect();
        let a = plan_queue(cards.clone(), Allowance { new: 12, reviews: 0 }, &[], 42);
        let b = plan_queue(cards, Allowance { new: 12, reviews: 0 }, &[], 42);
        assert_eq!(a, b);
    }
}
