//! The interview log, PURE: interview formats and role types, the scripted question format
//! (`AREA[:TAG,TAG] RATING question text`), stable card ids, and the card a question becomes.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::Serialize;

use crate::file_error::FileError;
use crate::scheduler::Rating;

/// The deck that holds every question logged from a real interview.
pub const DECK_ID: &str = "interviews";

/// The role types interviews differ by (see the domain notes).
pub const ROLE_TYPES: [&str; 5] = ["product", "platform", "data", "enterprise", "startup"];

/// The answer an interview card starts with, until the user writes the key points.
pub const ANSWER_PLACEHOLDER: &str = "- (not written yet) Write the key points of a strong answer with `grill edit";

/// How an interview was run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    LiveCoding,
    TakeHome,
    SystemDesign,
    Behavioral,
    Mixed,
}

impl Format {
    /// Every format, in the order prompts list them.
    pub const ALL: [Format; 5] =
        [Format::LiveCoding, Format::TakeHome, Format::SystemDesign, Format::Behavioral, Format::Mixed];

    /// The token users type and the database stores.
    pub fn token(self) -> &'static str {
        match self {
            Format::LiveCoding => "live-coding",
            Format::TakeHome => "take-home",
            Format::SystemDesign => "system-design",
            Format::Behavioral => "behavioral",
            Format::Mixed => "mixed",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.token())
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let wanted = text.trim().to_ascii_lowercase().replace([' ', '_'], "-");
        let wanted = if wanted == "behavioural" { "behavioral".to_owned() } else { wanted };
        Format::ALL.into_iter().find(|f| f.token() == wanted).ok_or_else(|| {
            let all: Vec<&str> = Format::ALL.iter().map(|f| f.token()).collect();
            format!("{text:?} is not a format; use one of {}", all.join(", "))
        })
    }
}

/// Checks a role type (`product`, `platform`, ...), returning its canonical spelling.
pub fn parse_role(text: &str) -> Result<String, String> {
    let wanted = text.trim().to_ascii_lowercase();
    ROLE_TYPES
        .iter()
        .find(|r| **r == wanted)
        .map(|r| (*r).to_owned())
        .ok_or_else(|| format!("{text:?} is not a role type; use one of {}", ROLE_TYPES.join(", ")))
}

/// One question remembered from an interview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub area: String,
    pub tags: Vec<String>,
    pub rating: Rating,
    pub text: String,
}

/// Why a question line was refused: the field and the message (the caller adds file and line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub field: &'static str,
    pub message: String,
}

/// Parses one scripted question line, `AREA[:TAG,TAG] RATING question text`, where RATING is
/// 1-4 or again/hard/good/easy. Blank lines and `#` comments give `None`.
pub fn parse_question(line: &str, known_areas: &[String]) -> Result<Option<Question>, LineError> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    let (head, rest) = next_word(line);
    let (area, tags) = match head.split_once(':') {
        Some((area, tags)) => (area, tags.split(',').map(|t| t.trim().to_ascii_lowercase()).collect()),
        None => (head, Vec::new()),
    };
    let area = area.to_ascii_lowercase();
    if !known_areas.contains(&area) {
        let message = format!("{area:?} is not an area; known: {}", known_areas.join(", "));
        return Err(LineError { field: "area", message });
    }
    let tags: Vec<String> = tags.into_iter().filter(|t: &String| !t.is_empty()).collect();
    let (rating_text, text) = next_word(rest);
    let rating = Rating::parse(rating_text).ok_or_else(|| LineError {
        field: "rating",
        message: format!("{rating_text:?} is not a rating; use 1-4 or again, hard, good, easy"),
    })?;
    let text = text.to_owned();
    if text.is_empty() {
        return Err(LineError { field: "question", message: "the question text is missing".into() });
    }
    Ok(Some(Question { area, tags, rating, text }))
}

/// The first word of `text` and the rest, both trimmed.
fn next_word(text: &str) -> (&str, &str) {
    let text = text.trim_start();
    let end = text.find(char::is_whitespace).unwrap_or(text.len());
    (&text[..end], text[end..].trim())
}

/// Parses every line of `text` (read from `file`); errors name the file, line and field.
pub fn parse_questions(file: &str, text: &str, known_areas: &[String]) -> Result<Vec<Question>, FileError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        match parse_question(line, known_areas) {
            Ok(Some(q)) => out.push(q),
            Ok(None) => {}
            Err(e) => {
                return Err(FileError {
                    file: file.to_owned(),
                    line: i + 1,
                    field: e.field.into(),
                    message: e.message,
                });
            }
        }
    }
    Ok(out)
}

/// A company name as it appears in card ids: lowercase letters and digits joined by `-`.
pub fn slug(company: &str) -> String {
    let mut out = String::new();
    for c in company.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_owned();
    if out.is_empty() { "company".to_owned() } else { out }
}

/// The id prefix of an interview's cards: `interviews/<company-slug>-<date>-`.
pub fn key_prefix(company: &str, on: NaiveDate) -> String {
    format!("{DECK_ID}/{}-{}-", slug(company), on.format("%Y-%m-%d"))
}

/// Whether a card's answer is still the placeholder.
pub fn answer_missing(answer: &str) -> bool {
    answer.starts_with(ANSWER_PLACEHOLDER)
}

/// An interview fully described, by flags or prompts.
#[derive(Debug, Clone, PartialEq)]
pub struct Filled {
    pub company: String,
    pub on: NaiveDate,
    pub role: String,
    pub format: Format,
    pub questions: Vec<Question>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn areas() -> Vec<String> {
        ["sql", "system-design", "python"].map(String::from).to_vec()
    }

    #[test]
    fn a_question_line_gives_area_rating_and_text() {
        let q = parse_question("sql 2 How would you index a range query?", &areas()).unwrap().unwrap();
        assert_eq!(q.area, "sql");
        assert_eq!(q.rating, Rating::Hard);
        assert_eq!(q.text, "How would you index a range query?");
        assert!(q.tags.is_empty());
    }

    #[test]
    fn tags_follow_the_area_after_a_colon_and_ratings_may_be_words() {
        let q = parse_question("SQL:indexes,Query-Plans  again  Why is this slow?", &areas()).unwrap().unwrap();
        assert_eq!(q.tags, vec!["indexes", "query-plans"]);
        assert_eq!(q.rating, Rating::Again);
        assert_eq!(q.text, "Why is this slow?");
    }

    #[test]
    fn blank_lines_and_comments_are_skipped() {
        assert_eq!(parse_question("   ", &areas()).unwrap(), None);
        assert_eq!(parse_question("# from the second round", &areas()).unwrap(), None);
    }

    #[test]
    fn an_unknown_area_a_bad_rating_or_no_text_names_the_field() {
        assert_eq!(parse_question("sqll 2 Q?", &areas()).unwrap_err().field, "area");
        assert_eq!(parse_question("sql 5 Q?", &areas()).unwrap_err().field, "rating");
        assert_eq!(parse_question("sql 3", &areas()).unwrap_err().field, "question");
    }

    #[test]
    fn errors_in_a_question_list_name_the_line() {
        let e = parse_questions("stdin", "sql 3 A?\n\npython x B?\n", &areas()).unwrap_err();
        assert_eq!(e.to_string(), "stdin:3: rating: \"x\" is not a rating; use 1-4 or again, hard, good, easy");
    }

    #[test]
    fn slugs_keep_letters_and_digits_only() {
        assert_eq!(slug("Acme Corp."), "acme-corp");
        assert_eq!(slug("  Zürich & Sons (EU) "), "zürich-sons-eu");
        assert_eq!(slug("***"), "company");
    }

    #[test]
    fn formats_accept_the_documented_tokens_and_british_spelling() {
        assert_eq!("take-home".parse::<Format>().unwrap(), Format::TakeHome);
        assert_eq!("Behavioural".parse::<Format>().unwrap(), Format::Behavioral);
        assert_eq!("system design".parse::<Format>().unwrap(), Format::SystemDesign);
        assert!("panel".parse::<Format>().unwrap_err().contains("live-coding, take-home"));
    }

    #[test]
    fn role_types_are_checked() {
        assert_eq!(parse_role("Platform").unwrap(), "platform");
        assert!(parse_role("backend").is_err());
    }
}
