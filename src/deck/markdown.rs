//! Markdown decks: one card per `## ` heading (the heading is the prompt, the body up to the
//! next heading the answer), or `Q:` / `A:` blocks. A `# ` heading starts a deck. An optional
//! `<!-- grill ... -->` comment right under a heading carries what Markdown cannot say
//! (`id:`, `tags:`, `area:`, `follow_up:`, ...); a renderer hides it.

use std::collections::HashMap;

use super::import::blank_card;
use super::import::{ImportOptions, Parsed, deck_id_for_file, guess_area, hashed_key, namespaced_key, slug, validate};
use super::{CardSpec, Deck, DeckError, DeckInfo, Example};

/// Opens the metadata comment.
pub const META_OPEN: &str = "<!-- grill";
/// Closes it.
pub const META_CLOSE: &str = "-->";

/// Parses `text` (the contents of `file`) as a Markdown deck.
pub fn parse(file: &str, text: &str, options: &ImportOptions) -> Result<Parsed, DeckError> {
    let mut p = Parser::new(file, options);
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    let mut fence: Option<&str> = None;
    while i < lines.len() {
        let line = lines[i].trim_end_matches('\r');
        let number = i + 1;
        i += 1;
        if let Some(marker) = fence {
            if line.trim_start().starts_with(marker) {
                fence = None;
            }
            p.text(line);
            continue;
        }
        if let Some(marker) = fence_marker(line) {
            fence = Some(marker);
            p.text(line);
        } else if let Some(title) = line.strip_prefix("# ") {
            p.finish_card()?;
            p.start_deck(title.trim());
            i = p.read_meta(&lines, i)?;
        } else if let Some(prompt) = line.strip_prefix("## ") {
            p.finish_card()?;
            p.start_card(prompt, number, Stage::Answer);
            i = p.read_meta(&lines, i)?;
        } else if let Some(prompt) = line.strip_prefix("Q:") {
            p.finish_card()?;
            p.start_card(prompt, number, Stage::Prompt);
        } else if let (Some(answer), Some(Stage::Prompt)) = (line.strip_prefix("A:"), p.stage()) {
            p.set_stage(Stage::Answer);
            p.text(&unescape(answer.strip_prefix(' ').unwrap_or(answer)));
        } else if line.starts_with(META_OPEN)
            && p.stage() == Some(Stage::Prompt)
            && p.card.as_ref().is_some_and(|c| c.prompt.len() == 1)
        {
            i = p.read_meta(&lines, i - 1)?;
        } else {
            p.text(&unescape(line));
        }
    }
    p.finish_card()?;
    let (parsed, lines) = p.finish();
    validate(file, &parsed, &lines)?;
    Ok(parsed)
}

/// A line opening a fenced code block (three backticks or tildes): inside one, nothing is structure.
pub fn fence_marker(line: &str) -> Option<&'static str> {
    let t = line.trim_start();
    if t.starts_with("```") {
        Some("```")
    } else if t.starts_with("~~~") {
        Some("~~~")
    } else {
        None
    }
}

/// Whether a line would read as structure: a heading, `Q:`, `A:`, the metadata comment or a
/// code fence.
fn is_structure(line: &str) -> bool {
    let starts = |p: &str| line.starts_with(p);
    starts("#") || starts("Q:") || starts("A:") || starts(META_OPEN) || fence_marker(line).is_some()
}

/// Lines of an answer that would read as structure are written with a backslash in front, and
/// so are such lines already behind backslashes (`\## x`): reading takes exactly one away.
pub fn escape(line: &str) -> String {
    if is_structure(line.trim_start_matches('\\')) { format!("\\{line}") } else { line.to_owned() }
}

fn unescape(line: &str) -> String {
    match line.strip_prefix('\\') {
        Some(rest) if is_structure(rest.trim_start_matches('\\')) => rest.to_owned(),
        _ => line.to_owned(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Stage {
    Prompt,
    Answer,
}

/// A card being read.
struct Draft {
    line: usize,
    stage: Stage,
    prompt: Vec<String>,
    answer: Vec<String>,
    meta: Vec<(usize, String, String)>,
}

struct Parser<'a> {
    file: &'a str,
    options: &'a ImportOptions,
    decks: Vec<Deck>,
    card: Option<Draft>,
    lines: HashMap<String, usize>,
    /// Indexes of the decks whose comment names their area (the others' is guessed).
    area_given: Vec<usize>,
}

impl<'a> Parser<'a> {
    fn new(file: &'a str, options: &'a ImportOptions) -> Self {
        Parser { file, options, decks: Vec::new(), card: None, lines: HashMap::new(), area_given: Vec::new() }
    }

    fn stage(&self) -> Option<Stage> {
        self.card.as_ref().map(|c| c.stage)
    }

    fn set_stage(&mut self, stage: Stage) {
        if let Some(card) = &mut self.card {
            card.stage = stage;
        }
    }

    fn start_deck(&mut self, title: &str) {
        self.decks.push(Deck {
            deck: DeckInfo {
                id: slug(title),
                name: title.to_owned(),
                area: guess_area(title),
                description: String::new(),
            },
            cards: Vec::new(),
        });
    }

    fn start_card(&mut self, prompt: &str, line: usize, stage: Stage) {
        self.card =
            Some(Draft { line, stage, prompt: vec![prompt.trim().to_owned()], answer: Vec::new(), meta: Vec::new() });
    }

    /// Text inside the current card (ignored before the first card: a preamble).
    fn text(&mut self, line: &str) {
        if let Some(card) = &mut self.card {
            match card.stage {
                Stage::Prompt => card.prompt.push(line.to_owned()),
                Stage::Answer => card.answer.push(line.to_owned()),
            }
        }
    }

    /// Reads a `<!-- grill ... -->` block starting at `lines[start]`, if there is one, into the
    /// current card (or deck); returns the index of the first line after it.
    fn read_meta(&mut self, lines: &[&str], start: usize) -> Result<usize, DeckError> {
        let Some(first) = lines.get(start).filter(|l| l.trim_start().starts_with(META_OPEN)) else { return Ok(start) };
        let mut pairs = Vec::new();
        let mut body: Vec<(usize, &str)> = vec![(start + 1, first.trim_start()[META_OPEN.len()..].trim())];
        let mut end = start;
        // The comment ends at a line that is `-->` or ends in ` -->`: a value may itself end in
        // `-->` (an id such as `a-->`), written by the exporter with the close on its own line.
        let closes = |l: &str| l == META_CLOSE || l.ends_with(&format!(" {META_CLOSE}"));
        while !body.last().is_some_and(|(_, l)| closes(l)) {
            end += 1;
            let Some(line) = lines.get(end) else {
                return Err(self.err(start + 1, "comment", format!("{META_OPEN} is never closed with {META_CLOSE}")));
            };
            body.push((end + 1, line.trim()));
        }
        for (number, line) in body {
            let line = if closes(line) { line[..line.len() - META_CLOSE.len()].trim() } else { line };
            if line.is_empty() {
                continue;
            }
            let Some((key, value)) = line.split_once(':') else {
                return Err(self.err(number, "comment", format!("expected `key: value`, found {line:?}")));
            };
            pairs.push((number, key.trim().to_owned(), value.trim().to_owned()));
        }
        match &mut self.card {
            Some(card) => card.meta.extend(pairs),
            None => self.deck_meta(pairs)?,
        }
        Ok(end + 1)
    }

    fn deck_meta(&mut self, pairs: Vec<(usize, String, String)>) -> Result<(), DeckError> {
        let index = self.decks.len().wrapping_sub(1);
        let Some(deck) = self.decks.last_mut() else { return Ok(()) };
        for (number, key, value) in pairs {
            match key.as_str() {
                "id" => deck.deck.id = value,
                "area" => {
                    deck.deck.area = value;
                    self.area_given.push(index);
                }
                "description" => deck.deck.description = value,
                _ => return Err(self.err(number, &key, "unknown deck field (id, area, description)".to_owned())),
            }
        }
        Ok(())
    }

    fn finish_card(&mut self) -> Result<(), DeckError> {
        let Some(draft) = self.card.take() else { return Ok(()) };
        if self.decks.is_empty() {
            let id = self.options.deck.clone().unwrap_or_else(|| deck_id_for_file(self.file));
            let name = id.clone();
            self.decks.push(Deck {
                deck: DeckInfo { id, area: guess_area(&name), name, description: String::new() },
                cards: Vec::new(),
            });
        }
        let deck_id = self.decks.last().map(|d| d.deck.id.clone()).unwrap_or_default();
        let mut card = CardSpec {
            prompt: draft.prompt.join("\n").trim().to_owned(),
            answer: draft.answer.join("\n").trim().to_owned(),
            ..blank_card()
        };
        for (number, key, value) in draft.meta {
            self.card_field(&mut card, &deck_id, number, &key, value)?;
        }
        if card.id.is_empty() {
            card.id = hashed_key(&deck_id, &card.prompt);
        }
        if let Some(first) = self.lines.insert(card.id.clone(), draft.line) {
            let message = format!("card id {:?} was already used on line {first}", card.id);
            return Err(self.err(draft.line, "id", message));
        }
        if let Some(deck) = self.decks.last_mut() {
            deck.cards.push(card);
        }
        Ok(())
    }

    fn card_field(
        &self,
        card: &mut CardSpec,
        deck: &str,
        line: usize,
        key: &str,
        value: String,
    ) -> Result<(), DeckError> {
        let list = |v: &str| v.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect();
        match key {
            "id" => card.id = namespaced_key(deck, &value),
            "tags" => card.tags = list(&value),
            "roles" => card.roles = list(&value),
            "area" => card.area = Some(value),
            "level" => card.level = Some(value),
            "follow_up" => card.follow_ups.push(value),
            "time_limit_secs" => {
                card.time_limit_secs =
                    Some(value.parse().map_err(|_| self.err(line, key, format!("{value:?} is not a whole number")))?)
            }
            "example" => {
                let example: Example = serde_json::from_str(&value)
                    .map_err(|e| self.err(line, key, format!("not a JSON example object ({e})")))?;
                card.example = Some(Box::new(example));
            }
            _ => {
                let known = "id, tags, roles, area, level, follow_up, time_limit_secs, example";
                return Err(self.err(line, key, format!("unknown card field (known: {known})")));
            }
        }
        Ok(())
    }

    fn finish(self) -> (Parsed, HashMap<String, usize>) {
        let guessed_areas = (self.decks.iter().enumerate())
            .filter(|(i, _)| !self.area_given.contains(i))
            .map(|(_, d)| d.deck.id.clone())
            .collect();
        let decks = self.decks.into_iter().filter(|d| !d.cards.is_empty()).collect();
        (Parsed { decks, guessed_areas, ..Parsed::default() }, self.lines)
    }

    fn err(&self, line: usize, field: &str, message: String) -> DeckError {
        DeckError { file: self.file.to_owned(), line, field: field.to_owned(), message }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_default(text: &str) -> Parsed {
        parse("notes.md", text, &ImportOptions::default()).unwrap()
    }

    #[test]
    fn each_level_two_heading_is_a_card_with_the_body_as_answer() {
        let parsed = parse_default(
            "Intro text.\n\n## What is an index?\n\nA sorted structure.\n\n- B-tree\n\n## Why?\nSpeed.\n",
        );
        let cards = &parsed.decks[0].cards;
        assert_eq!(parsed.decks[0].deck.id, "notes");
        assert_eq!(cards.len(), 2);
        assert_eq!(cards[0].prompt, "What is an index?");
        assert_eq!(cards[0].answer, "A sorted structure.\n\n- B-tree");
        assert_eq!(cards[1].answer, "Speed.");
    }

    #[test]
    fn q_and_a_blocks_may_span_lines() {
        let parsed = parse_default("Q: What does\nEXPLAIN show?\nA: The plan.\nCosts too.\n\nQ: Next?\nA: Yes.\n");
        let cards = &parsed.decks[0].cards;
        assert_eq!(cards[0].prompt, "What does\nEXPLAIN show?");
        assert_eq!(cards[0].answer, "The plan.\nCosts too.");
        assert_eq!(cards[1].prompt, "Next?");
    }

    #[test]
    fn headings_inside_code_fences_are_not_cards() {
        let parsed = parse_default("## Shell?\n```\n## not a card\nQ: nor this\n```\n");
        let cards = &parsed.decks[0].cards;
        assert_eq!(cards.len(), 1);
        assert_eq!(cards[0].answer, "```\n## not a card\nQ: nor this\n```");
    }

    #[test]
    fn the_grill_comment_carries_id_tags_and_follow_ups() {
        let text = "# SQL notes\n<!-- grill\nid: my-sql\narea: sql\n-->\n\n## Joins?\n<!-- grill\nid: joins\ntags: a, b\n\
                    follow_up: Which one?\nfollow_up: Why?\n-->\nRows.\n";
        let parsed = parse_default(text);
        let deck = &parsed.decks[0];
        assert_eq!(
            (deck.deck.id.as_str(), deck.deck.name.as_str(), deck.deck.area.as_str()),
            ("my-sql", "SQL notes", "sql")
        );
        let card = &deck.cards[0];
        assert_eq!(card.id, "my-sql/joins");
        assert_eq!(card.tags, ["a", "b"]);
        assert_eq!(card.follow_ups, ["Which one?", "Why?"]);
        assert_eq!(card.answer, "Rows.");
    }

    #[test]
    fn escaped_structure_lines_are_answer_text() {
        let parsed = parse_default("## P\n\\## not a heading\n\\Q: not a question\n\\\\# one backslash\n\\x\n");
        assert_eq!(parsed.decks[0].cards[0].answer, "## not a heading\nQ: not a question\n\\# one backslash\n\\x");
    }

    #[test]
    fn escaping_then_reading_gives_back_any_line() {
        for line in ["# h", "\\# h", "\\\\Q: q", "\\", "\\x", "A:", "<!-- grill", "plain", "\\\\", "```", "\\  ~~~"] {
            assert_eq!(unescape(&escape(line)), line, "{line:?} escaped as {:?}", escape(line));
        }
    }

    #[test]
    fn an_id_ending_in_the_comment_close_is_read_whole() {
        let text = "# Notes\n<!-- grill\nid: gen-0-->\narea: a\n-->\n\n## P\nA\n";
        let parsed = parse("n.md", text, &ImportOptions::default()).unwrap();
        assert_eq!(parsed.decks[0].deck.id, "gen-0-->");
        assert_eq!(parsed.decks[0].deck.area, "a");
    }

    #[test]
    fn an_unknown_comment_field_names_its_line() {
        let e = parse("n.md", "## P\n<!-- grill\ncolour: red\n-->\nA\n", &ImportOptions::default()).unwrap_err();
        assert_eq!((e.line, e.field.as_str()), (3, "colour"));
    }

    #[test]
    fn a_heading_without_a_body_is_an_error_on_its_line() {
        let e = parse("n.md", "## One\nA\n\n## Two\n", &ImportOptions::default()).unwrap_err();
        assert_eq!((e.line, e.field.as_str()), (4, "answer"));
    }
}
