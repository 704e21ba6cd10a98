//! Decks written back out as TOML, CSV or Markdown, in forms the importers read back to the
//! same cards.

use super::csv::COLUMNS;
use super::markdown::{META_CLOSE, META_OPEN, escape, fence_marker};
use super::{CardSpec, Deck};

/// A deck in grill's TOML format (multi-line strings for multi-line texts).
pub fn to_toml(deck: &Deck) -> String {
    toml::to_string(deck).expect("a deck always serialises to TOML")
}

/// Decks as one CSV file with a header row; the `deck` column says which deck a row is in.
pub fn to_csv(decks: &[Deck]) -> String {
    let mut out = ::csv::Writer::from_writer(Vec::new());
    out.write_record(COLUMNS).expect("writing to memory");
    for deck in decks {
        for card in &deck.cards {
            let example =
                card.example.as_ref().map(|e| serde_json::to_string(e).expect("serialises")).unwrap_or_default();
            out.write_record([
                deck.deck.id.as_str(),
                &card.id,
                &card.prompt,
                &card.answer,
                &card.tags.join(" "),
                card.area(&deck.deck),
                &card.follow_ups.join("\n"),
                &card.roles.join(" "),
                card.level.as_deref().unwrap_or_default(),
                &card.time_limit_secs.map(|t| t.to_string()).unwrap_or_default(),
                &example,
            ])
            .expect("writing to memory");
        }
    }
    String::from_utf8(out.into_inner().expect("flushing memory")).expect("CSV of strings is UTF-8")
}

/// Decks as Markdown: `# ` per deck, `## ` per card (`Q:`/`A:` when the prompt spans lines),
/// with a `<!-- grill -->` comment holding ids and the fields Markdown cannot show.
pub fn to_markdown(decks: &[Deck]) -> String {
    let mut out = String::new();
    for deck in decks {
        let info = &deck.deck;
        out.push_str(&format!("# {}\n{META_OPEN}\nid: {}\narea: {}\n", one_line(&info.name), info.id, info.area));
        if !info.description.is_empty() {
            out.push_str(&format!("description: {}\n", one_line(&info.description)));
        }
        out.push_str(&format!("{META_CLOSE}\n\n"));
        for card in &deck.cards {
            card_markdown(card, card.area(info), &mut out);
        }
    }
    out
}

fn card_markdown(card: &CardSpec, area: &str, out: &mut String) {
    let lines: Vec<&str> = card.prompt.lines().collect();
    let first = lines.first().copied().unwrap_or_default();
    let multi_line = lines.len() > 1;
    // Text on the `Q:` or `A:` line is never read as a fence: a text opening with a code block
    // starts on the next line, or the block's closing line would open a fence instead.
    let prompt_fenced = multi_line && opens_closed_fence(&lines);
    if prompt_fenced {
        out.push_str("Q:\n");
    } else {
        out.push_str(&format!("{} {first}\n", if multi_line { "Q:" } else { "##" }));
    }
    out.push_str(&format!("{META_OPEN}\nid: {}\narea: {area}\n", card.id));
    let pairs = [("tags", card.tags.join(", ")), ("roles", card.roles.join(", "))];
    for (key, value) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
        out.push_str(&format!("{key}: {value}\n"));
    }
    if let Some(level) = &card.level {
        out.push_str(&format!("level: {level}\n"));
    }
    if let Some(secs) = card.time_limit_secs {
        out.push_str(&format!("time_limit_secs: {secs}\n"));
    }
    for follow_up in &card.follow_ups {
        out.push_str(&format!("follow_up: {}\n", one_line(follow_up)));
    }
    if let Some(example) = &card.example {
        out.push_str(&format!("example: {}\n", serde_json::to_string(example).expect("serialises")));
    }
    out.push_str(&format!("{META_CLOSE}\n"));
    if multi_line {
        out.push_str(&escaped(if prompt_fenced { &lines } else { &lines[1..] }));
        let answer: Vec<&str> = card.answer.lines().collect();
        out.push_str(if opens_closed_fence(&answer) { "A:\n" } else { "A: " });
    } else {
        out.push('\n');
    }
    out.push_str(&escaped(&card.answer.lines().collect::<Vec<_>>()));
    out.push('\n');
}

/// Whether `lines` start with a code fence that a later line closes.
fn opens_closed_fence(lines: &[&str]) -> bool {
    lines.first().and_then(|l| fence_marker(l)).is_some_and(|marker| closes(&lines[1..], marker))
}

fn closes(lines: &[&str], marker: &str) -> bool {
    lines.iter().any(|l| l.trim_start().starts_with(marker))
}

/// Text lines as the Markdown reader gets them back: code fences that close stay fences, with
/// their lines as they are; outside them, lines that would read as structure (a fence that
/// never closes included) are escaped.
fn escaped(lines: &[&str]) -> String {
    let mut out = String::new();
    let mut fence: Option<&str> = None;
    for (i, line) in lines.iter().enumerate() {
        match fence {
            Some(marker) => {
                if line.trim_start().starts_with(marker) {
                    fence = None;
                }
                out.push_str(line);
            }
            None => match fence_marker(line) {
                Some(marker) if closes(&lines[i + 1..], marker) => {
                    fence = Some(marker);
                    out.push_str(line);
                }
                _ => out.push_str(&escape(line)),
            },
        }
        out.push('\n');
    }
    out
}

fn one_line(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deck::import::ImportOptions;
    use crate::deck::{csv, markdown, parse_toml};

    fn sample() -> Deck {
        parse_toml(
            "s.toml",
            r###"
[deck]
id = "mine"
name = "My notes"
area = "sql"
description = "Mine."

[[cards]]
id = "mine/a"
prompt = "What is\nMVCC?"
answer = "## not a heading\n```\n## inside a fence\n```\nQ: not a question"
follow_ups = ["Why, though?"]
tags = ["db", "mvcc"]
roles = ["data"]
level = "mid"
time_limit_secs = 90
area = "system-design"

[cards.example]
lang = "sql"
code = "SELECT 1;"
expect = "1"

[[cards]]
id = "mine/b"
prompt = "Plain?"
answer = "Yes."
"###,
        )
        .unwrap()
    }

    #[test]
    fn toml_round_trips_through_parse_toml() {
        let deck = sample();
        assert_eq!(parse_toml("out.toml", &to_toml(&deck)).unwrap(), deck);
    }

    #[test]
    fn csv_round_trips_every_card_field() {
        let deck = sample();
        let back = csv::parse("out.csv", &to_csv(std::slice::from_ref(&deck)), &ImportOptions::default()).unwrap();
        assert_cards_equal(&deck, &back.decks[0]);
    }

    #[test]
    fn markdown_round_trips_every_card_field() {
        let deck = sample();
        let text = to_markdown(std::slice::from_ref(&deck));
        let back = markdown::parse("out.md", &text, &ImportOptions::default()).unwrap();
        assert_eq!(back.decks[0].deck.id, "mine");
        assert_cards_equal(&deck, &back.decks[0]);
    }

    /// Cards equal with each card's effective area (exports always write it).
    fn assert_cards_equal(expected: &Deck, actual: &Deck) {
        assert_eq!(expected.cards.len(), actual.cards.len());
        for (e, a) in expected.cards.iter().zip(&actual.cards) {
            let e = CardSpec { area: Some(e.area(&expected.deck).to_owned()), ..e.clone() };
            assert_eq!(&e, a);
        }
    }
}
