//! Market review, PURE: splitting pasted listings, the tally of what they mention, what changed
//! since the previous period, and which in-demand areas to study next.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Duration;
use serde::Serialize;

use super::lexicon::{Lexicon, Mention};

/// A term's share must move at least this much (0-1) between periods to count as a change...
pub const CHANGE_SHARE: f32 = 0.15;
/// ...and it must be in at least this many listings in one of the periods (one-offs don't matter).
pub const CHANGE_MIN_LISTINGS: usize = 2;
/// An area is "in demand" when at least this share of listings asks for it...
pub const DEMAND_SHARE: f32 = 0.25;
/// ...and worth studying next when the user's score (1-5) is below this.
pub const STUDY_BELOW_SCORE: f32 = 3.5;

/// Splits pasted text into listings: a line holding only `---` separates two listings.
/// Empty parts are dropped.
pub fn split_listings(text: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    for line in text.lines() {
        if line.trim() == "---" {
            out.push(String::new());
        } else {
            let last = out.last_mut().expect("never empty");
            last.push_str(line);
            last.push('\n');
        }
    }
    out.into_iter().map(|l| l.trim().to_owned()).filter(|l| !l.is_empty()).collect()
}

/// A stable digest of a listing's words (FNV-1a over the text with whitespace collapsed), so the
/// same listing pasted twice, re-wrapped or not, is kept once.
pub fn digest(listing: &str) -> String {
    let words = listing.split_whitespace().collect::<Vec<_>>().join(" ");
    let hash = words.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    format!("{hash:016x}")
}

/// A listing's title: its first non-empty line, at most 70 characters.
pub fn title(listing: &str) -> String {
    let line = listing.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("(empty)");
    if line.chars().count() > 70 { line.chars().take(69).chain(['…']).collect() } else { line.to_owned() }
}

/// Parses a period: `30d`, `6w`, or `all` (`None`).
pub fn parse_since(text: &str) -> Result<Option<Duration>, String> {
    let text = text.trim().to_ascii_lowercase();
    if text == "all" {
        return Ok(None);
    }
    let bad = || format!("{text:?} is not a period; use e.g. 30d, 6w or all");
    let (number, unit) = text.split_at(text.len().saturating_sub(1));
    let n: i64 = number.parse().map_err(|_| bad())?;
    if n <= 0 {
        return Err(bad());
    }
    match unit {
        "d" => Ok(Some(Duration::days(n))),
        "w" => Ok(Some(Duration::weeks(n))),
        _ => Err(bad()),
    }
}

/// A review period as `--since` gives it: a length, or everything (`None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period(pub Option<Duration>);

impl std::str::FromStr for Period {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        parse_since(text).map(Period)
    }
}

/// How many listings of a period mention each term.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tally {
    pub listings: usize,
    pub categories: Vec<CategoryTally>,
}

/// One category of the tally, terms by count (most first).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryTally {
    pub id: String,
    pub title: String,
    pub terms: Vec<TermCount>,
}

/// One term's count.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TermCount {
    pub term: String,
    /// Listings that mention it.
    pub listings: usize,
    /// Listings that rule it out ("no take-home").
    pub ruled_out: usize,
}

impl Tally {
    /// Share (0-1) of the listings mentioning `term` of `category`.
    pub fn share(&self, category: &str, term: &str) -> f32 {
        self.count(category, term) as f32 / self.listings.max(1) as f32
    }

    fn count(&self, category: &str, term: &str) -> usize {
        self.categories
            .iter()
            .filter(|c| c.id == category)
            .flat_map(|c| &c.terms)
            .find(|t| t.term == term)
            .map_or(0, |t| t.listings)
    }
}

/// Tallies the mentions of each listing (one `Vec<Mention>` per listing) in lexicon order;
/// terms no listing mentions are left out.
pub fn tally(lexicon: &Lexicon, listings: &[Vec<Mention>]) -> Tally {
    let mut counts: BTreeMap<(&str, &str), (usize, usize)> = BTreeMap::new();
    for mention in listings.iter().flatten() {
        let entry = counts.entry((&mention.category, &mention.term)).or_default();
        if mention.negated { entry.1 += 1 } else { entry.0 += 1 }
    }
    let categories = lexicon
        .categories
        .iter()
        .map(|c| {
            let mut terms: Vec<TermCount> = c
                .terms
                .iter()
                .filter_map(|t| {
                    let (listings, ruled_out) = *counts.get(&(c.id.as_str(), t.name.as_str()))?;
                    Some(TermCount { term: t.name.clone(), listings, ruled_out })
                })
                .collect();
            // Stable sort: equal counts keep the lexicon's order.
            terms.sort_by_key(|t| std::cmp::Reverse(t.listings));
            CategoryTally { id: c.id.clone(), title: c.title.clone(), terms }
        })
        .collect();
    Tally { listings: listings.len(), categories }
}

/// A term whose share moved between two periods.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub category: String,
    pub term: String,
    pub before: usize,
    pub before_share: f32,
    pub now: usize,
    pub now_share: f32,
}

/// Terms whose share moved by at least [`CHANGE_SHARE`] and that at least
/// [`CHANGE_MIN_LISTINGS`] listings of either period mention; biggest moves first.
pub fn changes(now: &Tally, before: &Tally) -> Vec<Change> {
    if now.listings == 0 || before.listings == 0 {
        return Vec::new();
    }
    let mut terms = BTreeSet::new();
    for tally in [now, before] {
        for c in &tally.categories {
            terms.extend(c.terms.iter().map(|t| (c.id.clone(), t.term.clone())));
        }
    }
    let mut out: Vec<Change> = terms
        .into_iter()
        .map(|(category, term)| Change {
            before: before.count(&category, &term),
            before_share: before.share(&category, &term),
            now: now.count(&category, &term),
            now_share: now.share(&category, &term),
            category,
            term,
        })
        .filter(|c| (c.now_share - c.before_share).abs() >= CHANGE_SHARE && c.now.max(c.before) >= CHANGE_MIN_LISTINGS)
        .collect();
    out.sort_by(|a, b| (b.now_share - b.before_share).abs().total_cmp(&(a.now_share - a.before_share).abs()));
    out
}

/// An area the market asks for where the user is weak.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StudyNext {
    pub area: String,
    /// Listings asking for the area (through any of its terms).
    pub listings: usize,
    pub share: f32,
    /// The user's score (1-5); `None` when the scorecard does not know the area.
    pub score: Option<f32>,
    /// The terms that ask for it, most mentioned first.
    pub because: Vec<String>,
}

/// Areas asked for by at least [`DEMAND_SHARE`] of the listings where the user's score is below
/// [`STUDY_BELOW_SCORE`] (an unknown score counts as the lowest), ranked by share times
/// weakness: what to drill next.
pub fn study_next(lexicon: &Lexicon, listings: &[Vec<Mention>], scores: &[(String, f32)]) -> Vec<StudyNext> {
    let mut asked: BTreeMap<&str, (usize, BTreeMap<&str, usize>)> = BTreeMap::new();
    for mentions in listings {
        let mut areas_here = BTreeSet::new();
        for m in mentions.iter().filter(|m| !m.negated) {
            for area in lexicon.areas_of(&m.category, &m.term) {
                areas_here.insert(area.as_str());
                *asked.entry(area).or_default().1.entry(m.term.as_str()).or_default() += 1;
            }
        }
        for area in areas_here {
            asked.entry(area).or_default().0 += 1;
        }
    }
    let total = listings.len().max(1) as f32;
    let mut out: Vec<StudyNext> = asked
        .into_iter()
        .map(|(area, (count, terms))| {
            let mut because: Vec<(&str, usize)> = terms.into_iter().collect();
            because.sort_by_key(|b| std::cmp::Reverse(b.1));
            StudyNext {
                area: area.to_owned(),
                listings: count,
                share: count as f32 / total,
                score: scores.iter().find(|(a, _)| a == area).map(|(_, s)| *s),
                because: because.into_iter().map(|(t, _)| t.to_owned()).collect(),
            }
        })
        .filter(|s| s.share >= DEMAND_SHARE && s.score.unwrap_or(1.0) < STUDY_BELOW_SCORE)
        .collect();
    let priority = |s: &StudyNext| s.share * (5.0 - s.score.unwrap_or(1.0));
    out.sort_by(|a, b| priority(b).total_cmp(&priority(a)).then(a.area.cmp(&b.area)));
    out
}

#[cfg(test)]
mod tests;
