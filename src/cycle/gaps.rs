//! Recurring gaps, PURE: "the same gap keeps appearing". An area or tag is a gap when the user
//! did badly (Again or Hard) on it in two or more interviews, or when interview answers on it
//! are much worse than drill answers. Each gap names the cards to drill; `grill cram --gaps`
//! drills exactly [`gap_card_keys`].

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use serde::Serialize;

use super::interview::DECK_ID;
use crate::scheduler::Rating;

/// Bad answers in this many different interviews make a recurring gap.
pub const MIN_INTERVIEWS: usize = 2;
/// Interview answers this much worse than drill answers (mean rating, 1-4 scale) make a gap...
pub const WORSE_BY: f32 = 1.0;
/// ...when there are at least this many interview questions on it...
pub const MIN_INTERVIEW_QUESTIONS: usize = 2;
/// ...and at least this many drill reviews to compare with.
pub const MIN_DRILL_REVIEWS: usize = 5;
/// At most this many drill-deck cards are named per gap (besides the interview cards).
pub const DRILL_CARDS_PER_GAP: usize = 8;

/// A question logged from an interview, with how it went.
#[derive(Debug, Clone, PartialEq)]
pub struct AskedQuestion {
    pub interview_id: i64,
    pub company: String,
    pub held_on: NaiveDate,
    pub card_key: String,
    pub area: String,
    pub tags: Vec<String>,
    pub rating: Rating,
}

/// A card as gap-finding needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct CardInfo {
    pub key: String,
    pub deck: String,
    pub area: String,
    pub tags: Vec<String>,
    pub suspended: bool,
    /// FSRS stability in days; `None` for a card never reviewed.
    pub stability: Option<f32>,
}

/// A card's drill answers (learning, reviews, relearning, cram; not previews or mock rounds),
/// counted: all the gaps need of the drill log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrillTally {
    pub card_key: String,
    pub answers: usize,
    /// The sum of the ratings (1-4).
    pub rating_sum: u64,
}

/// What a gap is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", content = "name", rename_all = "lowercase")]
pub enum Subject {
    Area(String),
    Tag(String),
}

impl Subject {
    /// How the subject reads in text: `sql`, `tag indexes`.
    pub fn label(&self) -> String {
        match self {
            Subject::Area(name) => name.clone(),
            Subject::Tag(name) => format!("tag {name}"),
        }
    }

    fn covers(&self, area: &str, tags: &[String]) -> bool {
        match self {
            Subject::Area(name) => area == name,
            Subject::Tag(name) => tags.iter().any(|t| t == name),
        }
    }
}

/// An interview in which the user stumbled on a gap's subject.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct InterviewRef {
    #[serde(serialize_with = "super::iso_date")]
    pub held_on: NaiveDate,
    pub company: String,
    pub id: i64,
}

/// One recurring gap and the cards that close it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gap {
    pub subject: Subject,
    /// Interviews with an Again or Hard answer on the subject, oldest first.
    pub bad_interviews: Vec<InterviewRef>,
    pub interview_questions: usize,
    /// Mean interview rating on the subject (1-4).
    pub interview_mean: f32,
    pub drill_reviews: usize,
    /// Mean drill rating on the subject (1-4), when it was drilled.
    pub drill_mean: Option<f32>,
    /// Bad answers in [`MIN_INTERVIEWS`] or more interviews.
    pub recurring: bool,
    /// Interview answers at least [`WORSE_BY`] below drill answers.
    pub worse_than_drill: bool,
    /// The interview questions answered badly, then the weakest matching drill cards.
    pub cards: Vec<String>,
}

/// Finds the gaps: recurring ones first (most interviews first), then those where interviews
/// went much worse than the drill (largest difference first).
pub fn find_gaps(questions: &[AskedQuestion], drill: &[DrillTally], cards: &[CardInfo]) -> Vec<Gap> {
    let by_key: HashMap<&str, &CardInfo> = cards.iter().map(|c| (c.key.as_str(), c)).collect();
    let mut gaps: Vec<Gap> = subjects(questions)
        .into_iter()
        .filter_map(|subject| gap_for(subject, questions, drill, &by_key, cards))
        .collect();
    gaps.sort_by(|a, b| {
        let gap = |g: &Gap| g.drill_mean.map_or(0.0, |d| d - g.interview_mean);
        (b.recurring, b.bad_interviews.len())
            .cmp(&(a.recurring, a.bad_interviews.len()))
            .then(gap(b).total_cmp(&gap(a)))
            .then(a.subject.cmp(&b.subject))
    });
    gaps
}

/// Every card the gaps name, each once, in gap order: what `grill cram --gaps` drills.
pub fn gap_card_keys(gaps: &[Gap]) -> Vec<String> {
    let mut seen = BTreeSet::new();
    gaps.iter().flat_map(|g| g.cards.iter()).filter(|k| seen.insert(k.as_str())).cloned().collect()
}

fn subjects(questions: &[AskedQuestion]) -> BTreeSet<Subject> {
    let mut out = BTreeSet::new();
    for q in questions {
        out.insert(Subject::Area(q.area.clone()));
        out.extend(q.tags.iter().map(|t| Subject::Tag(t.clone())));
    }
    out
}

fn is_bad(rating: Rating) -> bool {
    matches!(rating, Rating::Again | Rating::Hard)
}

fn mean(ratings: impl Iterator<Item = Rating>) -> (usize, Option<f32>) {
    let (n, sum) = ratings.fold((0usize, 0u32), |(n, sum), r| (n + 1, sum + r as u32));
    (n, (n > 0).then(|| sum as f32 / n as f32))
}

fn gap_for(
    subject: Subject,
    questions: &[AskedQuestion],
    drill: &[DrillTally],
    by_key: &HashMap<&str, &CardInfo>,
    cards: &[CardInfo],
) -> Option<Gap> {
    let asked: Vec<&AskedQuestion> = questions.iter().filter(|q| subject.covers(&q.area, &q.tags)).collect();
    let bad: Vec<&AskedQuestion> = asked.iter().copied().filter(|q| is_bad(q.rating)).collect();
    let bad_interviews: BTreeSet<InterviewRef> = bad
        .iter()
        .map(|q| InterviewRef { held_on: q.held_on, company: q.company.clone(), id: q.interview_id })
        .collect();
    let (interview_questions, interview_mean) = mean(asked.iter().map(|q| q.rating));
    let (drill_reviews, drill_sum) = drill
        .iter()
        .filter(|t| {
            by_key.get(t.card_key.as_str()).is_some_and(|c| c.deck != DECK_ID && subject.covers(&c.area, &c.tags))
        })
        .fold((0usize, 0u64), |(n, sum), t| (n + t.answers, sum + t.rating_sum));
    let drill_mean = (drill_reviews > 0).then(|| drill_sum as f32 / drill_reviews as f32);
    let interview_mean = interview_mean?;
    let recurring = bad_interviews.len() >= MIN_INTERVIEWS;
    let worse_than_drill = interview_questions >= MIN_INTERVIEW_QUESTIONS
        && drill_reviews >= MIN_DRILL_REVIEWS
        && drill_mean.is_some_and(|d| d - interview_mean >= WORSE_BY);
    if !recurring && !worse_than_drill {
        return None;
    }
    let mut bad_sorted = bad.clone();
    bad_sorted.sort_by(|a, b| (a.held_on, &a.card_key).cmp(&(b.held_on, &b.card_key)));
    let mut keys: Vec<String> = bad_sorted.iter().map(|q| q.card_key.clone()).collect();
    keys.dedup();
    let wanted_tags: BTreeSet<&str> = bad.iter().flat_map(|q| q.tags.iter().map(String::as_str)).collect();
    keys.extend(drill_cards(&subject, &wanted_tags, cards));
    Some(Gap {
        subject,
        bad_interviews: bad_interviews.into_iter().collect(),
        interview_questions,
        interview_mean,
        drill_reviews,
        drill_mean,
        recurring,
        worse_than_drill,
        cards: keys,
    })
}

/// The drill-deck cards for a subject, best first: those sharing the most tags with the badly
/// answered questions, then reviewed cards weakest (lowest stability) first, then new cards in
/// deck order.
fn drill_cards(subject: &Subject, wanted_tags: &BTreeSet<&str>, cards: &[CardInfo]) -> Vec<String> {
    let mut matching: Vec<(usize, &CardInfo)> = cards
        .iter()
        .enumerate()
        .filter(|(_, c)| c.deck != DECK_ID && !c.suspended && subject.covers(&c.area, &c.tags))
        .collect();
    let overlap = |c: &CardInfo| c.tags.iter().filter(|t| wanted_tags.contains(t.as_str())).count();
    matching.sort_by(|(i, a), (j, b)| {
        overlap(b)
            .cmp(&overlap(a))
            .then(b.stability.is_some().cmp(&a.stability.is_some()))
            .then(a.stability.unwrap_or(0.0).total_cmp(&b.stability.unwrap_or(0.0)))
            .then(i.cmp(j))
    });
    matching.into_iter().take(DRILL_CARDS_PER_GAP).map(|(_, c)| c.key.clone()).collect()
}

#[cfg(test)]
mod tests;
