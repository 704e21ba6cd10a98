//! Mock interview rounds, PURE: which questions a round asks (deck cards and the user's own
//! profile stories, weighted toward weak areas and recurring gaps), the follow-ups an
//! interviewer digs with, how much of a key point a typed answer touched, and the rubric.
//!
//! Coverage is honest word overlap, not a grade: a key point counts as touched when the typed
//! answer shares enough of its words (stemmed, so "retries" meets "retry"), and the words that
//! matched are shown so the user can judge.

use std::collections::{BTreeSet, HashSet};

use rust_stemmers::{Algorithm, Stemmer};
use serde::Serialize;

use super::interview::Format;
use super::profile::{Profile, Story};

/// A card answered this many days ago or less is not asked (the round tests recall, not the
/// last drill).
pub const RECENT_DAYS: i64 = 3;
/// Minutes set aside for the written question in system-design and mixed rounds.
pub const WRITTEN_MINUTES: u32 = 5;

/// The formats a mock round can take (a take-home is not a round).
pub const ROUND_FORMATS: [Format; 4] = [Format::SystemDesign, Format::Behavioral, Format::LiveCoding, Format::Mixed];

/// Parses `--format`: an interview-log format a round can take.
pub fn parse_format(text: &str) -> Result<Format, String> {
    let format: Format = text.parse()?;
    if !ROUND_FORMATS.contains(&format) {
        let all: Vec<&str> = ROUND_FORMATS.iter().map(|f| f.token()).collect();
        return Err(format!("a {format} is not a round; use one of {}", all.join(", ")));
    }
    Ok(format)
}

/// The round's length when `--minutes` is not given.
pub fn default_minutes(format: Format) -> u32 {
    match format {
        Format::Behavioral => 30,
        _ => 45,
    }
}

/// Minutes one question of this format usually takes, follow-ups included.
fn minutes_per_question(format: Format) -> u32 {
    match format {
        Format::SystemDesign => 12,
        Format::Behavioral => 7,
        Format::LiveCoding => 10,
        _ => 9,
    }
}

/// The deck areas a format asks from (empty: every area).
pub fn areas(format: Format) -> &'static [&'static str] {
    match format {
        Format::SystemDesign => &["system-design", "api-design", "cloud", "debugging"],
        Format::Behavioral => &["behavioral"],
        Format::LiveCoding => &["python", "java", "sql", "testing"],
        _ => &[],
    }
}

/// Whether the round ends with a written question.
pub fn has_written(format: Format) -> bool {
    matches!(format, Format::SystemDesign | Format::Mixed)
}

/// A deck card as round planning needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct CardChoice {
    pub id: i64,
    pub key: String,
    pub area: String,
    pub tags: Vec<String>,
    pub roles: Vec<String>,
    pub prompt: String,
    pub answer: String,
    pub follow_ups: Vec<String>,
    /// Code shown with the prompt, when the card has it.
    pub code: Option<String>,
    /// Whole days since the card was last answered; `None` if never.
    pub days_since_answer: Option<i64>,
    /// FSRS stability in days; `None` for a new card.
    pub stability: Option<f32>,
}

/// What the round is weighted toward: the cards and subjects `grill gaps` names.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Weak {
    pub card_keys: HashSet<String>,
    pub areas: HashSet<String>,
    pub tags: HashSet<String>,
}

/// Where a question came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Source {
    /// A deck card: its answer is logged as a `mock` review.
    Card { id: i64, key: String },
    /// The user's own profile (a story, a design prompt, a behavioural example).
    Profile,
}

/// One question of a round.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Question {
    pub source: Source,
    pub area: String,
    pub tags: Vec<String>,
    pub prompt: String,
    pub key_points: Vec<String>,
    /// Asked one at a time after the main answer.
    pub follow_ups: Vec<String>,
    /// Code shown with the prompt (a deck card's example).
    pub code: Option<String>,
    pub budget_secs: u32,
}

/// A planned round.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Round {
    pub format: Format,
    pub minutes: u32,
    pub questions: Vec<Question>,
    /// The written question, when the format has one.
    pub written: Option<String>,
}

/// Plans a round: profile questions first (they are what the user will be asked about), then
/// deck cards of the format's areas for `role`, weakest and gap cards first, never a card
/// answered in the last [`RECENT_DAYS`] days. `seed` varies ties between rounds.
pub fn plan_round(
    format: Format,
    role: Option<&str>,
    minutes: u32,
    cards: &[CardChoice],
    profile: &Profile,
    weak: &Weak,
    seed: u64,
) -> Round {
    let written_minutes = if has_written(format) { WRITTEN_MINUTES.min(minutes / 3) } else { 0 };
    let asking = minutes - written_minutes;
    let count = (asking / minutes_per_question(format)).clamp(1, 8) as usize;
    let budget_secs = asking * 60 / count as u32;
    let mut questions = profile_questions(format, profile, seed);
    questions.truncate(count.div_ceil(2));
    let wanted = count - questions.len();
    questions.extend(pick_cards(format, role, cards, weak, seed, wanted).into_iter().map(card_question));
    for q in &mut questions {
        q.budget_secs = budget_secs;
    }
    let written = has_written(format).then(|| written_prompt(format, questions.first()));
    Round { format, minutes, questions, written }
}

/// The written question: five sentences, as a design note or an incident summary.
fn written_prompt(format: Format, first: Option<&Question>) -> String {
    let topic = first.map(|q| format!(" for \"{}\"", q.prompt.trim())).unwrap_or_default();
    match format {
        Format::SystemDesign => format!(
            "Write the design note{topic} in five sentences: the problem, the choice, the trade-off, how it \
             fails, and how you would know."
        ),
        _ => "Write the incident summary of a production problem you handled in five sentences: impact, cause, \
              what you did, what you changed, and how you know it is fixed."
            .to_owned(),
    }
}

fn pick_cards(
    format: Format,
    role: Option<&str>,
    cards: &[CardChoice],
    weak: &Weak,
    seed: u64,
    wanted: usize,
) -> Vec<CardChoice> {
    let allowed = areas(format);
    let mut ranked: Vec<(f64, &CardChoice)> = cards
        .iter()
        .filter(|c| allowed.is_empty() || allowed.contains(&c.area.as_str()))
        .filter(|c| c.roles.is_empty() || role.is_none_or(|r| c.roles.iter().any(|cr| cr == r)))
        .filter(|c| c.days_since_answer.is_none_or(|d| d > RECENT_DAYS))
        // The format's own area (listed first) leads: a system design round is mostly design.
        .map(|c| {
            (
                weight(c, weak)
                    + jitter(seed, &c.key)
                    + if allowed.first() == Some(&c.area.as_str()) { 1.0 } else { 0.0 },
                c,
            )
        })
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.key.cmp(&b.1.key)));
    // No area takes more than half a mixed round: a round samples the loop, not one topic.
    let cap = if allowed.len() == 1 { wanted } else { wanted.div_ceil(2).max(1) };
    let mut per_area: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let mut taken = vec![false; ranked.len()];
    for (i, (_, card)) in ranked.iter().enumerate() {
        let n = per_area.entry(card.area.as_str()).or_default();
        if taken.iter().filter(|t| **t).count() < wanted && *n < cap {
            *n += 1;
            taken[i] = true;
        }
    }
    // Too few areas to spread over: the best of the rest fill the round.
    let mut out: Vec<CardChoice> = Vec::new();
    let mut extra = wanted.saturating_sub(taken.iter().filter(|t| **t).count());
    for (i, (_, card)) in ranked.iter().enumerate() {
        if taken[i] {
            out.push((*card).clone());
        } else if extra > 0 {
            extra -= 1;
            out.push((*card).clone());
        }
    }
    out
}

/// How much a card deserves a place: gap cards most, then cards of gap subjects, then weak
/// (low-stability) cards; a new card counts as fairly weak.
fn weight(card: &CardChoice, weak: &Weak) -> f64 {
    let gap_card = if weak.card_keys.contains(&card.key) { 3.0 } else { 0.0 };
    let gap_subject =
        if weak.areas.contains(&card.area) || card.tags.iter().any(|t| weak.tags.contains(t)) { 1.5 } else { 0.0 };
    let weakness = card.stability.map_or(0.6, |s| 1.0 / (1.0 + f64::from(s) / 10.0));
    gap_card + gap_subject + weakness
}

/// A small, seeded tie-break in [0, 0.5) so equal cards vary from round to round.
fn jitter(seed: u64, key: &str) -> f64 {
    let mut hash = 0xcbf2_9ce4_8422_2325u64 ^ seed;
    for byte in key.bytes() {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x100_0000_01b3);
    }
    (hash % 1000) as f64 / 2000.0
}

fn card_question(card: CardChoice) -> Question {
    Question {
        key_points: key_points(&card.answer),
        source: Source::Card { id: card.id, key: card.key },
        area: card.area,
        tags: card.tags,
        prompt: card.prompt,
        follow_ups: card.follow_ups,
        code: card.code,
        budget_secs: 0,
    }
}

/// Questions from the user's own profile for this format: a design prompt in system design; a
/// project story and a behavioural example in behavioural rounds; a story in mixed rounds.
fn profile_questions(format: Format, profile: &Profile, seed: u64) -> Vec<Question> {
    let stories: Vec<&Story> = profile.stories.iter().filter(|s| !s.is_blank() && !s.title.trim().is_empty()).collect();
    let story = (!stories.is_empty()).then(|| story_question(stories[(seed as usize) % stories.len()]));
    let mut out = Vec::new();
    match format {
        Format::SystemDesign => {
            let prompts: Vec<_> = profile.system_design.iter().filter(|p| !p.prompt.trim().is_empty()).collect();
            if let Some(p) = prompts.get((seed as usize) % prompts.len().max(1)) {
                out.push(Question {
                    source: Source::Profile,
                    area: "system-design".into(),
                    tags: Vec::new(),
                    prompt: format!("Walk me through your design: {}", p.prompt.trim()),
                    key_points: note_points(&p.notes),
                    follow_ups: DESIGN_PROBES.iter().map(|s| (*s).to_owned()).collect(),
                    code: None,
                    budget_secs: 0,
                });
            }
        }
        Format::Behavioral => {
            out.extend(story);
            let b = &profile.behavioral;
            let examples = [
                ("ownership", "Tell me about a time you owned a problem end to end.", &b.ownership),
                ("conflict", "Tell me about a disagreement with a colleague and how it was resolved.", &b.conflict),
                (
                    "debugging",
                    "Describe a production incident you debugged: what broke and what you did.",
                    &b.debugging,
                ),
                ("uncertainty", "Tell me about delivering when the requirements were unclear.", &b.uncertainty),
            ];
            let written: Vec<_> = examples.iter().filter(|(_, _, text)| !text.trim().is_empty()).collect();
            if let Some((theme, prompt, text)) = written.get((seed as usize) % written.len().max(1)) {
                out.push(Question {
                    source: Source::Profile,
                    area: "behavioral".into(),
                    tags: vec![(*theme).to_owned()],
                    prompt: (*prompt).to_owned(),
                    key_points: note_points(text),
                    follow_ups: vec![
                        "What exactly was your part, as opposed to the team's?".into(),
                        "What was the measurable result, and how did you know?".into(),
                        "What would you do differently now?".into(),
                    ],
                    code: None,
                    budget_secs: 0,
                });
            }
        }
        Format::Mixed => out.extend(story),
        _ => {}
    }
    out
}

/// Probes for a design walk-through: the failure modes and trade-offs, not just the happy path.
const DESIGN_PROBES: [&str; 3] = [
    "What happens when the database or a dependency is slow or down?",
    "Where is the bottleneck at ten times the load, and how would you find it?",
    "What would you monitor and alert on?",
];

/// "Walk me through ...": the story's own fields are the key points, and the follow-ups are
/// the probes the domain notes name (consistency, retries, queue semantics, failure modes,
/// observability; bottleneck discovery and measurable impact for performance claims).
pub fn story_question(story: &Story) -> Question {
    let mut key_points = Vec::new();
    for (label, text) in [
        ("Owned", &story.owned),
        ("Problem", &story.problem),
        ("Choices", &story.choices),
        ("Constraints", &story.constraints),
        ("Validation", &story.validation),
    ] {
        if !text.trim().is_empty() {
            key_points.push(format!("{label}: {}", one_line(text)));
        }
    }
    Question {
        source: Source::Profile,
        area: "behavioral".into(),
        tags: vec!["project-story".into()],
        prompt: format!(
            "Walk me through {}: what you owned, the problem, the choices you made, and how you validated the result.",
            story.title.trim()
        ),
        key_points,
        follow_ups: story_probes(story),
        code: None,
        budget_secs: 0,
    }
}

/// Follow-ups asked about one story.
pub const MAX_PROBES: usize = 4;

/// The follow-ups for a story, chosen by what it mentions (failure modes always).
pub fn story_probes(story: &Story) -> Vec<String> {
    let text = [&story.owned, &story.problem, &story.choices, &story.constraints, &story.validation, &story.title]
        .iter()
        .map(|s| s.to_lowercase())
        .collect::<Vec<_>>()
        .join(" ");
    let mentions = |words: &[&str]| words.iter().any(|w| text.contains(w));
    let mut probes = Vec::new();
    if mentions(&["queue", "kafka", "celery", "consumer", "job", "message", "event", "worker"]) {
        probes.push(
            "What did the queue guarantee: at-least-once or exactly-once, ordering, and how were duplicates handled?",
        );
    }
    probes.push("What failed in production, and how did you find out?");
    if mentions(&["faster", "latency", "throughput", "performance", "slow", "ms", "%", "speed", "p99", "p95"]) {
        probes.push("How did you find the bottleneck?");
        probes.push("How did you measure the improvement: what were the numbers before and after?");
    }
    probes.push("How did you keep the data consistent when two requests or jobs raced?");
    probes.push("A call fails halfway: how were retries made safe?");
    probes.push("What did you log, measure and alert on?");
    // An interviewer digs three or four times, not seven.
    probes.truncate(MAX_PROBES);
    probes.into_iter().map(str::to_owned).collect()
}

/// The key points of a card's answer: its bullet lines (continuation lines joined), or its
/// non-empty lines when it has no bullets.
pub fn key_points(answer: &str) -> Vec<String> {
    let mut points: Vec<String> = Vec::new();
    let mut bulleted = false;
    for line in answer.lines() {
        let trimmed = line.trim();
        if let Some(rest) = trimmed.strip_prefix("- ").or_else(|| trimmed.strip_prefix("* ")) {
            bulleted = true;
            points.push(rest.trim().to_owned());
        } else if !trimmed.is_empty() {
            match points.last_mut() {
                Some(last) if bulleted && line.starts_with(char::is_whitespace) => {
                    last.push(' ');
                    last.push_str(trimmed);
                }
                _ => points.push(trimmed.to_owned()),
            }
        }
    }
    points
}

/// Free-text notes as key points: bullets if any, else sentences.
fn note_points(notes: &str) -> Vec<String> {
    let points = key_points(notes);
    if points.len() > 1 {
        return points;
    }
    one_line(notes).split(". ").map(|s| s.trim().trim_end_matches('.').to_owned()).filter(|s| !s.is_empty()).collect()
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// How one key point fared against the typed answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PointCoverage {
    pub point: String,
    /// The point's words the answer used (as the point spells them).
    pub matched: Vec<String>,
    pub touched: bool,
}

/// What a typed answer touched: the key points, and the three things interviewers want.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Coverage {
    pub points: Vec<PointCoverage>,
    /// Named a concrete example ("for example", "we had", "in production", ...).
    pub example: bool,
    /// Named a constraint (a limit, a deadline, a latency, a number with a unit).
    pub constraint: bool,
    /// Named a result (reduced, improved, measured, a percentage).
    pub result: bool,
}

impl Coverage {
    /// Key points touched.
    pub fn touched(&self) -> usize {
        self.points.iter().filter(|p| p.touched).count()
    }

    /// The key points not touched.
    pub fn missed(&self) -> Vec<String> {
        self.points.iter().filter(|p| !p.touched).map(|p| p.point.clone()).collect()
    }
}

/// Words too common to say anything about a key point.
const STOPWORDS: &[&str] = &[
    "the", "and", "for", "are", "but", "not", "you", "your", "with", "that", "this", "than", "then", "them", "they",
    "from", "into", "onto", "over", "when", "what", "which", "while", "where", "who", "why", "how", "its", "it's",
    "one", "two", "use", "used", "using", "can", "could", "would", "should", "will", "was", "were", "has", "have",
    "had", "does", "did", "each", "every", "any", "all", "some", "more", "most", "less", "only", "also", "just",
    "like", "such", "both", "other", "our", "out", "there", "their", "these", "those", "about", "after", "before",
    "between", "because", "same", "own", "too", "very", "via", "per", "e.g", "i.e", "etc", "get", "gets", "make",
    "makes", "need", "needs", "way", "first", "instead", "without", "within", "may", "might", "must", "being",
];

/// A word's stem, or `None` for a word that says nothing (short or common).
fn stem(stemmer: &Stemmer, word: &str) -> Option<String> {
    if word.chars().count() < 3 || STOPWORDS.contains(&word) {
        return None;
    }
    Some(stemmer.stem(word).into_owned())
}

/// The words of `text`, lowercased: letters, digits and the joiners of technical terms
/// (`c++`, `p99`, `at-least-once` splits into its parts).
fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !(c.is_alphanumeric() || c == '+' || c == '#'))
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// How much of each key point `typed` touched: a point with one or two meaningful words needs
/// one of them, a longer one two, in any form ("retry" meets "retries").
pub fn coverage(points: &[String], typed: &str) -> Coverage {
    let stemmer = Stemmer::create(Algorithm::English);
    let said: HashSet<String> = words(typed).iter().filter_map(|w| stem(&stemmer, w)).collect();
    let points = points
        .iter()
        .map(|point| {
            let mut seen = BTreeSet::new();
            let mut distinct = BTreeSet::new();
            let mut matched = Vec::new();
            for word in words(point) {
                let Some(s) = stem(&stemmer, &word) else { continue };
                distinct.insert(s.clone());
                if said.contains(&s) && seen.insert(s) {
                    matched.push(word);
                }
            }
            let needed = if distinct.len() <= 2 { 1 } else { 2 };
            PointCoverage { point: point.clone(), touched: matched.len() >= needed, matched }
        })
        .collect();
    let lower = format!(" {} ", typed.to_lowercase());
    // Phrases are matched on words alone, so "once;" and "once" read the same.
    let plain: String = lower.chars().map(|c| if c.is_alphanumeric() || c == '%' { c } else { ' ' }).collect();
    let plain = format!(" {} ", plain.split_whitespace().collect::<Vec<_>>().join(" "));
    let has = |phrases: &[&str]| phrases.iter().any(|p| plain.contains(&format!(" {p} ")));
    Coverage {
        points,
        example: has(&[
            "for example",
            "for instance",
            "e g",
            "such as",
            "at my",
            "in my last",
            "we had",
            "we built",
            "we added",
            "i built",
            "i added",
            "i owned",
            "i led",
            "when we",
            "when i",
            "in production",
            "our",
            "once",
            "last year",
            "one time",
        ]),
        constraint: has(&[
            "constraint",
            "constraints",
            "limit",
            "limits",
            "budget",
            "deadline",
            "sla",
            "slo",
            "latency",
            "must",
            "cannot",
            "can t",
            "at most",
            "at least",
            "requirement",
            "requirements",
            "p99",
            "p95",
            "qps",
            "per second",
            "memory",
            "cost",
            "only had",
            "within",
            "no downtime",
        ]) || number_with_unit(
            &lower,
            &["ms", "s", "qps", "rps", "gb", "mb", "tb", "k", "m", "h", "min", "users"],
        ),
        result: has(&[
            "result",
            "so that",
            "reduced",
            "cut",
            "improved",
            "increased",
            "dropped",
            "saved",
            "went from",
            "faster",
            "measured",
            "validated",
            "outcome",
            "fell",
            "rose",
            "to zero",
            // A measured level held is a result too ("p99 pickup lag was under 2 s").
            "was under",
            "stayed under",
            "stayed below",
            "kept it under",
            "down to",
        ]) || lower.contains('%')
            || number_with_unit(&lower, &["x"]),
    }
}

/// Whether `text` holds a number directly followed (or after one space) by one of `units`.
fn number_with_unit(text: &str, units: &[&str]) -> bool {
    let tokens: Vec<&str> = text.split_whitespace().collect();
    tokens.iter().enumerate().any(|(i, token)| {
        let digits = token.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ',');
        let starts_with_number = token.starts_with(|c: char| c.is_ascii_digit());
        if !starts_with_number {
            return false;
        }
        let glued = digits.trim_end_matches(['.', ',', ')', ';']);
        let unit_after = tokens.get(i + 1).map(|t| t.trim_end_matches(['.', ',', ')', ';']));
        units.contains(&glued) || (glued.is_empty() && unit_after.is_some_and(|u| units.contains(&u)))
    })
}

/// The five things the user scores a round on, 1-5 each, with what each asks.
pub const RUBRIC: [(&str, &str); 5] = [
    ("structure", "clarified, then a plan, then the parts in order"),
    ("depth", "depth and specifics: one concrete example, one constraint, one result"),
    ("trade-offs", "justified choices without dogma; named what was given up"),
    ("failure modes", "what breaks, how you would know, what happens then"),
    ("communication", "clear, paced, checked in with the interviewer"),
];

/// The user's scores, in [`RUBRIC`] order; `None` where a line was left blank.
pub type Rubric = [Option<u8>; 5];

/// Parses a rubric score: a whole number 1-5; blank is no score.
pub fn parse_score(line: &str) -> Result<Option<u8>, String> {
    let line = line.trim();
    if line.is_empty() {
        return Ok(None);
    }
    match line.parse::<u8>() {
        Ok(n @ 1..=5) => Ok(Some(n)),
        _ => Err(format!("{line:?} is not a score; type 1-5, or Enter to leave it blank")),
    }
}

/// Sentences in a written answer (ends of sentences, plus a last one without a full stop).
pub fn sentences(text: &str) -> usize {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return 0;
    }
    let ends = trimmed.matches(['.', '!', '?']).count();
    ends + usize::from(!trimmed.ends_with(['.', '!', '?']))
}

pub mod trend;

#[cfg(test)]
mod tests;
