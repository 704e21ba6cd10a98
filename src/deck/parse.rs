//! Parsing grill's TOML deck format, with errors that name the file, line and field.

use std::collections::HashSet;

use super::Deck;

pub use crate::file_error::{FileError as DeckError, line_of, toml_error};

/// Parses `text` (the contents of `file`) as a grill deck and checks what the type system
/// cannot: non-empty ids and texts, and ids unique within the deck.
pub fn parse_toml(file: &str, text: &str) -> Result<Deck, DeckError> {
    let mut all: Option<Deck> = None;
    parse_toml_in_batches(file, text, &mut |batch| {
        match &mut all {
            Some(deck) => deck.cards.extend(batch.cards),
            None => all = Some(batch),
        }
        Ok(())
    })?;
    all.ok_or_else(|| DeckError {
        file: file.to_owned(),
        line: 0,
        field: "cards".to_owned(),
        message: "the deck was not read".to_owned(),
    })
}

/// Parses `text` as [`parse_toml`] does, passing the deck to `emit` in batches as they are
/// parsed and checked: the deck's fields with its first cards, then the same fields with the
/// next cards each time. A large deck is parsed [`CARDS_PER_CHUNK`] cards at a time (`toml`
/// holds a whole document in memory several times over: 552 MB for a 93 MB deck), cut at lines
/// that are exactly `[[cards]]`. A cut inside a multi-line string leaves the part before it
/// with an unterminated string: the rest is then parsed in one piece; a fault anywhere gives
/// the error the whole text gives.
pub fn parse_toml_in_batches(
    file: &str,
    text: &str,
    emit: &mut dyn FnMut(Deck) -> Result<(), DeckError>,
) -> Result<(), DeckError> {
    let mut seen = HashSet::new();
    let Some(bounds) = chunk_bounds(text) else { return emit(parse_whole(file, text, &mut seen)?) };
    let chunks: Vec<&str> = bounds.windows(2).map(|pair| &text[pair[0]..pair[1]]).collect();
    let parse = |chunk: &str| toml::from_str::<Cards>(chunk).ok().map(|c| c.cards);
    // Two threads parse the chunks (this one the first and the even ones, a helper the odd
    // ones, which it hands over in order): `toml` is the slowest part of importing a large deck.
    std::thread::scope(|scope| {
        let (odd, parsed) = std::sync::mpsc::sync_channel::<Option<Vec<super::CardSpec>>>(1);
        let chunks = &chunks;
        scope.spawn(move || {
            for chunk in chunks.iter().skip(1).step_by(2) {
                // This thread stopped taking them (it failed or fell back): stop too.
                if odd.send(parse(chunk)).is_err() {
                    return;
                }
            }
        });
        let Ok(first) = toml::from_str::<Deck>(&text[..bounds[0]]) else {
            return emit(parse_whole(file, text, &mut seen)?);
        };
        check(file, text, &first, 0, &mut seen)?;
        let info = first.deck.clone();
        let mut done = first.cards.len();
        emit(first)?;
        for (i, chunk) in chunks.iter().enumerate() {
            let cards = if i % 2 == 0 { parse(chunk) } else { parsed.recv().ok().flatten() };
            let Some(cards) = cards else {
                return match toml::from_str::<Cards>(&text[bounds[i]..]) {
                    // The cut that ends this chunk was inside a multi-line string: the cuts
                    // before were where cards start, so the rest parses in one piece.
                    Ok(rest) => {
                        let deck = Deck { deck: info, cards: rest.cards };
                        check(file, text, &deck, done, &mut seen)?;
                        emit(deck)
                    }
                    // The whole text holds the fault.
                    Err(_) => Err(parse_whole(file, text, &mut HashSet::new()).err().unwrap_or_else(|| DeckError {
                        file: file.to_owned(),
                        line: 0,
                        field: "cards".to_owned(),
                        message: "the deck could not be read in parts".to_owned(),
                    })),
                };
            };
            let deck = Deck { deck: info.clone(), cards };
            check(file, text, &deck, done, &mut seen)?;
            done += deck.cards.len();
            emit(deck)?;
        }
        Ok(())
    })
}

/// The whole text parsed at once and checked (small decks, and the exact error of a bad one).
fn parse_whole(file: &str, text: &str, seen: &mut HashSet<String>) -> Result<Deck, DeckError> {
    let deck: Deck = toml::from_str(text).map_err(|e| toml_error(file, text, &e))?;
    check(file, text, &deck, 0, seen)?;
    Ok(deck)
}

/// Checks the deck's fields and its cards, the first of which is card `first` of the file;
/// `seen` holds the ids of the cards before.
fn check(file: &str, text: &str, deck: &Deck, first: usize, seen: &mut HashSet<String>) -> Result<(), DeckError> {
    let err = |needle: &str, field: String, message: &str| DeckError {
        file: file.to_owned(),
        line: find_line(text, needle),
        field,
        message: message.to_owned(),
    };
    for (name, value) in [("deck.id", &deck.deck.id), ("deck.name", &deck.deck.name), ("deck.area", &deck.deck.area)] {
        if value.trim().is_empty() {
            return Err(err("[deck]", name.to_owned(), "must not be empty"));
        }
    }
    for (i, card) in deck.cards.iter().enumerate().map(|(i, c)| (i + first, c)) {
        let needle = format!("\"{}\"", card.id);
        if card.id.trim().is_empty() {
            return Err(err("[[cards]]", format!("cards[{i}].id"), "must not be empty"));
        }
        if !seen.insert(card.id.clone()) {
            return Err(DeckError {
                line: find_nth_line(text, &needle, 1),
                ..err(&needle, format!("cards[{i}].id"), &format!("duplicate id {:?}", card.id))
            });
        }
        for (field, value) in [("prompt", &card.prompt), ("answer", &card.answer)] {
            if value.trim().is_empty() {
                return Err(err(&needle, format!("cards[{i}].{field}"), "must not be empty"));
            }
        }
        if let Some(message) = bad_level(card) {
            return Err(err(&needle, format!("cards[{i}].level"), &message));
        }
    }
    Ok(())
}

/// How many cards one chunk of a large deck holds.
const CARDS_PER_CHUNK: usize = 2_000;

/// The cards of one chunk; anything else in it means the chunk was not cut where a card starts.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Cards {
    cards: Vec<super::CardSpec>,
}

/// Where the chunks of a large deck end (byte offsets of `[[cards]]` lines, every
/// [`CARDS_PER_CHUNK`] cards, and the text's end); `None` for a small deck.
fn chunk_bounds(text: &str) -> Option<Vec<usize>> {
    let mut cuts = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.trim_end() == "[[cards]]" {
            cuts.push(offset);
        }
        offset += line.len();
    }
    if cuts.len() <= CARDS_PER_CHUNK {
        return None;
    }
    let mut bounds: Vec<usize> = cuts.iter().copied().skip(CARDS_PER_CHUNK).step_by(CARDS_PER_CHUNK).collect();
    bounds.push(text.len());
    Some(bounds)
}

/// The levels a card may have (`level`, optional).
pub const LEVELS: [&str; 3] = ["junior", "mid", "senior"];

/// Why `card`'s level is refused, if it is not one of [`LEVELS`] (a typo like `senoir` would
/// otherwise be stored and never match a filter).
pub fn bad_level(card: &super::CardSpec) -> Option<String> {
    let level = card.level.as_deref()?;
    (!LEVELS.contains(&level))
        .then(|| format!("card {:?}: level {level:?} is not one of {}", card.id, LEVELS.join(", ")))
}

fn find_line(text: &str, needle: &str) -> usize {
    find_nth_line(text, needle, 0)
}

fn find_nth_line(text: &str, needle: &str, n: usize) -> usize {
    text.match_indices(needle).nth(n).map_or(0, |(offset, _)| line_of(text, offset))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_is_one_line_whatever_it_quotes() {
        let e = DeckError { file: "a\nb.md".into(), line: 3, field: "example".into(), message: "key `x\ny`".into() };
        assert_eq!(e.to_string(), "a\\nb.md:3: example: key `x\\ny`");
    }

    const GOOD: &str = r#"
[deck]
id = "d"
name = "D"
area = "sql"

[[cards]]
id = "d/one"
prompt = "Q?"
answer = "- a"
"#;

    fn big_deck(cards: usize, answer: &str) -> String {
        let body: String = (0..cards)
            .map(|i| format!("[[cards]]\nid = \"d/{i}\"\nprompt = \"Q{i}?\"\nanswer = {answer}\ntags = [\"t\"]\n\n"))
            .collect();
        format!("[deck]\nid = \"d\"\nname = \"D\"\narea = \"sql\"\n\n{body}")
    }

    #[test]
    fn a_big_deck_parsed_in_chunks_equals_the_whole_parse() {
        let text = big_deck(2 * CARDS_PER_CHUNK + 7, "\"- a\"");
        let batches = |text: &str| {
            let mut out = Vec::new();
            parse_toml_in_batches("d.toml", text, &mut |deck| {
                out.push(deck);
                Ok(())
            })
            .unwrap();
            out
        };
        let parts = batches(&text);
        assert_eq!(parts.iter().map(|d| d.cards.len()).collect::<Vec<_>>(), [2000, 2000, 7]);
        let whole: Deck = toml::from_str(&text).unwrap();
        assert!(parts.iter().all(|d| d.deck == whole.deck));
        assert_eq!(parts.into_iter().flat_map(|d| d.cards).collect::<Vec<_>>(), whole.cards);
        assert_eq!(parse_toml("d.toml", &text).unwrap(), whole);
        // A cut inside a later card's multi-line answer: the rest is read in one piece.
        let card =
            |i: usize, answer: &str| format!("[[cards]]\nid = \"d/{i}\"\nprompt = \"Q{i}?\"\nanswer = {answer}\n\n");
        let late: String = (0..5000)
            .map(|i| card(i, if i == 2 * CARDS_PER_CHUNK - 1 { "\"\"\"\n[[cards]]\n\"\"\"" } else { "\"- a\"" }))
            .collect();
        let late = format!("[deck]\nid = \"d\"\nname = \"D\"\narea = \"sql\"\n\n{late}");
        let parts = batches(&late);
        assert_eq!(parts.iter().map(|d| d.cards.len()).collect::<Vec<_>>(), [2000, 3000]);
        assert_eq!(
            parts.into_iter().flat_map(|d| d.cards).collect::<Vec<_>>(),
            toml::from_str::<Deck>(&late).unwrap().cards
        );
        // A `[[cards]]` line inside a multi-line answer is text, not a cut.
        let tricky = big_deck(2 * CARDS_PER_CHUNK + 7, "\"\"\"\n[[cards]]\n\"\"\"");
        let deck = parse_toml("d.toml", &tricky).unwrap();
        assert_eq!(deck.cards.len(), 2 * CARDS_PER_CHUNK + 7);
        assert_eq!(deck.cards[0].answer.trim(), "[[cards]]");
        // An error in a later chunk is reported exactly as by the whole parse.
        let bad = text.replace("prompt = \"Q4005?\"", "prompt = 3");
        let e = parse_toml("d.toml", &bad).unwrap_err();
        assert_eq!((e.field.as_str(), e.line), ("prompt", line_of(&bad, bad.find("prompt = 3").unwrap())));
    }

    #[test]
    fn a_minimal_deck_parses() {
        let deck = parse_toml("d.toml", GOOD).unwrap();
        assert_eq!(deck.cards.len(), 1);
        assert_eq!(deck.cards[0].id, "d/one");
    }

    #[test]
    fn a_wrong_type_names_file_line_and_field() {
        let text = GOOD.replace("prompt = \"Q?\"", "prompt = 3");
        let e = parse_toml("d.toml", &text).unwrap_err();
        assert_eq!((e.file.as_str(), e.line, e.field.as_str()), ("d.toml", 9, "prompt"));
        assert!(e.to_string().starts_with("d.toml:9: prompt: "), "{e}");
    }

    #[test]
    fn an_unknown_field_is_an_error() {
        let text = GOOD.replace("answer = \"- a\"", "answer = \"- a\"\nanswr = \"x\"");
        let e = parse_toml("d.toml", &text).unwrap_err();
        assert_eq!(e.line, 11);
        assert!(e.message.contains("answr"), "{e}");
    }

    #[test]
    fn an_unknown_level_is_an_error_listing_the_levels() {
        let text = "[deck]\nid = \"d\"\nname = \"D\"\narea = \"sql\"\n\n[[cards]]\nid = \"a\"\nprompt = \"P\"\nanswer = \"A\"\nlevel = \"godlike\"\n";
        let e = parse_toml("d.toml", text).unwrap_err();
        assert_eq!(e.line, 7, "the card's id line");
        assert!(e.to_string().contains("level \"godlike\" is not one of junior, mid, senior"), "{e}");
        assert!(parse_toml("d.toml", &text.replace("godlike", "senior")).is_ok());
    }

    #[test]
    fn a_missing_prompt_is_an_error() {
        let text = GOOD.replace("prompt = \"Q?\"\n", "");
        let e = parse_toml("d.toml", &text).unwrap_err();
        assert!(e.message.contains("prompt"), "{e}");
    }

    #[test]
    fn duplicate_ids_name_the_second_occurrence() {
        let text = format!("{GOOD}\n[[cards]]\nid = \"d/one\"\nprompt = \"P\"\nanswer = \"A\"\n");
        let e = parse_toml("d.toml", &text).unwrap_err();
        assert_eq!(e.field, "cards[1].id");
        assert_eq!(e.line, 13);
    }
}
