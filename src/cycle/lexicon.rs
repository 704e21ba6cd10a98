//! The market lexicon, PURE: which words in a job listing name which technology or signal
//! (`decks/lexicon.toml`, documented there), and matching them with word boundaries, aliases,
//! case rules and negation ("no take-home").

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::file_error::{FileError, toml_error};

/// The lexicon: categories of terms, in display order.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lexicon {
    pub categories: Vec<Category>,
}

/// A group of terms tallied together (languages, databases, ...).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub id: String,
    pub title: String,
    pub terms: Vec<Term>,
}

/// One thing a listing can mention.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Term {
    /// The name shown in the tally.
    pub name: String,
    /// Spellings matched in any case. With neither list, the name itself in any case.
    #[serde(default, rename = "match")]
    pub any_case: Vec<String>,
    /// Spellings matched only with exactly this case (`Go` must not match "go ahead").
    #[serde(default)]
    pub match_case: Vec<String>,
    /// The grill areas a listing mentioning this term asks for (for "study next").
    #[serde(default)]
    pub areas: Vec<String>,
    /// Whether "no take-home" counts as saying there is none rather than as a mention.
    #[serde(default)]
    pub negatable: bool,
}

impl Term {
    /// The patterns to look for: `(spelling, case_sensitive)`.
    fn patterns(&self) -> Vec<(&str, bool)> {
        if self.any_case.is_empty() && self.match_case.is_empty() {
            return vec![(self.name.as_str(), false)];
        }
        let any = self.any_case.iter().map(|p| (p.as_str(), false));
        any.chain(self.match_case.iter().map(|p| (p.as_str(), true))).collect()
    }
}

/// One term a listing mentions.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Mention {
    pub category: String,
    pub term: String,
    /// Every mention was negated ("no live coding").
    pub negated: bool,
}

/// Words that, earlier in the same clause and at most [`NEGATION_WINDOW`] words before a
/// negatable term, say the listing rules it out.
const NEGATORS: [&str; 8] = ["no", "not", "without", "never", "don't", "doesn't", "won't", "zero"];
const NEGATION_WINDOW: usize = 4;

impl Lexicon {
    /// Parses lexicon TOML (`file` names it in errors) and checks it: ids, names and spellings
    /// present and unique. A duplicate is reported at its last occurrence.
    pub fn parse(file: &str, text: &str) -> Result<Lexicon, FileError> {
        let lexicon: Lexicon = toml::from_str(text).map_err(|e| toml_error(file, text, &e))?;
        let bad = |needle: &str, field: String, message: String| FileError {
            file: file.to_owned(),
            line: text.rfind(needle).map_or(0, |at| text[..at].matches('\n').count() + 1),
            field,
            message,
        };
        let mut ids = HashSet::new();
        for (c, category) in lexicon.categories.iter().enumerate() {
            if category.id.trim().is_empty() || !ids.insert(category.id.as_str()) {
                let message = format!("empty or duplicate category id {:?}", category.id);
                return Err(bad(&format!("\"{}\"", category.id), format!("categories[{c}].id"), message));
            }
            let mut names = HashSet::new();
            for (t, term) in category.terms.iter().enumerate() {
                let field = format!("categories[{c}].terms[{t}]");
                let needle = format!("\"{}\"", term.name);
                if term.name.trim().is_empty() || !names.insert(term.name.as_str()) {
                    return Err(bad(&needle, field, format!("empty or duplicate term name {:?}", term.name)));
                }
                if term.patterns().iter().any(|(p, _)| p.trim().is_empty()) {
                    return Err(bad(&needle, field, "an empty spelling matches everything".into()));
                }
            }
        }
        Ok(lexicon)
    }

    /// The lexicon built into grill (`decks/lexicon.toml`).
    pub fn builtin() -> Result<Lexicon, FileError> {
        let (name, text) = crate::embedded::DECK_FILES
            .iter()
            .find(|(name, _)| *name == "lexicon.toml")
            .expect("decks/lexicon.toml is embedded");
        Lexicon::parse(&format!("decks/{name}"), text)
    }

    /// The terms `listing` mentions, in lexicon order, each once.
    pub fn extract(&self, listing: &str) -> Vec<Mention> {
        let text = normalise(listing);
        let lower = text.to_ascii_lowercase();
        let mut out = Vec::new();
        for category in &self.categories {
            for term in &category.terms {
                let mut found = false;
                let mut all_negated = true;
                for (pattern, case_sensitive) in term.patterns() {
                    let pattern = normalise(pattern);
                    let (haystack, needle) =
                        if case_sensitive { (&text, pattern) } else { (&lower, pattern.to_ascii_lowercase()) };
                    for start in occurrences(haystack, &needle) {
                        found = true;
                        all_negated &= term.negatable && negated(&lower[..start]);
                    }
                }
                if found {
                    out.push(Mention { category: category.id.clone(), term: term.name.clone(), negated: all_negated });
                }
            }
        }
        out
    }

    /// The areas `term` of `category` maps to.
    pub fn areas_of(&self, category: &str, term: &str) -> &[String] {
        self.categories
            .iter()
            .filter(|c| c.id == category)
            .flat_map(|c| c.terms.iter())
            .find(|t| t.name == term)
            .map_or(&[], |t| &t.areas)
    }
}

/// Whitespace runs become one space, hyphens become spaces and curly apostrophes straight ones,
/// so "take-home", "take home" and "take\nhome" read the same, as do "don’t" and "don't".
fn normalise(text: &str) -> String {
    text.replace(['-', '\u{2010}', '\u{2011}', '\u{2013}'], " ")
        .replace('\u{2019}', "'")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Byte offsets where `needle` occurs in `haystack` as a whole word: an edge of the needle that
/// is a letter or digit must not touch another letter or digit ("Go" is not in "Google"), while
/// an edge that is punctuation needs no boundary ("C++17", "ASP.NET" holds ".NET").
fn occurrences(haystack: &str, needle: &str) -> Vec<usize> {
    let (Some(first), Some(last)) = (needle.chars().next(), needle.chars().next_back()) else { return Vec::new() };
    haystack
        .match_indices(needle)
        .filter(|(start, _)| {
            let before = haystack[..*start].chars().next_back();
            let after = haystack[start + needle.len()..].chars().next();
            let touches_before = is_word(first) && before.is_some_and(is_word);
            let touches_after = is_word(last) && after.is_some_and(is_word);
            !touches_before && !touches_after
        })
        .map(|(start, _)| start)
        .collect()
}

/// Whether the clause before a mention (lowercased) negates it.
fn negated(before: &str) -> bool {
    let clause = before.rsplit(['.', ',', ';', ':', '!', '?', '(', ')', '\n']).next().unwrap_or("");
    clause.split_whitespace().rev().take(NEGATION_WINDOW).any(|w| NEGATORS.contains(&w.trim_matches('"')))
}

#[cfg(test)]
mod tests;
