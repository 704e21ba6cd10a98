//! Parsing grill's TOML deck format, with errors that name the file, line and field.

use std::collections::HashSet;
use std::io::Read;

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
/// parsed and checked (see [`parse_toml_stream`]).
pub fn parse_toml_in_batches(
    file: &str,
    text: &str,
    emit: &mut dyn FnMut(Deck) -> Result<(), DeckError>,
) -> Result<(), DeckError> {
    parse_toml_stream(file, &mut text.as_bytes(), &|| Ok(text.to_owned()), emit)
}

/// Parses the deck `reader` gives as it is read, passing it to `emit` in batches as they are
/// parsed and checked: the deck's fields with its first cards, then the same fields with the
/// next cards each time. A large deck is read and parsed [`CARDS_PER_CHUNK`] cards at a time
/// ([`Chunks`]): `toml` holds a whole document in memory several times over (552 MB for a
/// 93 MB deck), and the first cards can be written while the rest is read. A cut inside a
/// multi-line string leaves the part before it with an unterminated string: the rest is then
/// parsed in one piece. A fault anywhere gives the error the whole text gives, which `whole`
/// reads again (its line and field).
pub fn parse_toml_stream(
    file: &str,
    reader: &mut dyn Read,
    whole: &dyn Fn() -> Result<String, DeckError>,
    emit: &mut dyn FnMut(Deck) -> Result<(), DeckError>,
) -> Result<(), DeckError> {
    let exact = || -> DeckError {
        match whole() {
            Err(e) => e,
            Ok(text) => parse_whole(file, &text, &mut HashSet::new()).err().unwrap_or_else(|| DeckError {
                file: file.to_owned(),
                line: 0,
                field: "cards".to_owned(),
                message: "the deck could not be read in parts".to_owned(),
            }),
        }
    };
    let mut chunks = Chunks::new(reader);
    let mut next = || -> Result<Option<String>, DeckError> {
        match chunks.next_chunk() {
            Ok(None) => Ok(None),
            Ok(Some(bytes)) => String::from_utf8(bytes).map(Some).map_err(|_| exact()),
            Err(e) => Err(super::import::unreadable(file, &e)),
        }
    };
    // `text` with the rest of the deck after it, in one piece.
    let rest = |mut text: String, next: &mut dyn FnMut() -> Result<Option<String>, DeckError>| {
        while let Some(piece) = next()? {
            text.push_str(&piece);
        }
        Ok::<_, DeckError>(text)
    };
    let Some(first) = next()? else { return Err(exact()) };
    let head = match toml::from_str::<Deck>(&first) {
        Ok(head) => head,
        // The first cut was inside a multi-line string (or the deck is faulty): the whole
        // text in one piece.
        Err(_) => return emit(parse_whole(file, &rest(first, &mut next)?, &mut HashSet::new())?),
    };
    drop(first);
    let info = head.deck.clone();
    let mut seen = HashSet::new();
    let mut done = 0;
    let mut checked = |deck: Deck| {
        // The line of a fault needs the whole text.
        check(file, "", &deck, done, &mut seen).map_err(|_| exact())?;
        done += deck.cards.len();
        emit(deck)
    };
    checked(head)?;
    while let Some(piece) = next()? {
        match parse_cards(&piece) {
            Some(cards) => checked(Deck { deck: info.clone(), cards })?,
            // The cut that ends this piece was inside a multi-line string: the cuts before
            // were where cards start, so the rest parses in one piece.
            None => {
                let cards = parse_cards(&rest(piece, &mut next)?).ok_or_else(exact)?;
                return checked(Deck { deck: info, cards });
            }
        }
    }
    Ok(())
}

/// The cards of one chunk, or `None` if it does not parse as cards alone.
fn parse_cards(chunk: &str) -> Option<Vec<super::CardSpec>> {
    toml::from_str::<Cards>(chunk).ok().map(|c| c.cards)
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
        let needle = || format!("\"{}\"", card.id);
        if card.id.trim().is_empty() {
            return Err(err("[[cards]]", format!("cards[{i}].id"), "must not be empty"));
        }
        if !seen.insert(card.id.clone()) {
            return Err(DeckError {
                line: find_nth_line(text, &needle(), 1),
                ..err(&needle(), format!("cards[{i}].id"), &format!("duplicate id {:?}", card.id))
            });
        }
        for (field, value) in [("prompt", &card.prompt), ("answer", &card.answer)] {
            if value.trim().is_empty() {
                return Err(err(&needle(), format!("cards[{i}].{field}"), "must not be empty"));
            }
        }
        if let Some(message) = bad_level(card) {
            return Err(err(&needle(), format!("cards[{i}].level"), &message));
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

/// A deck's bytes cut into pieces as they are read, each ending where a line that is exactly
/// `[[cards]]` starts: the first piece holds the `[deck]` table and the first
/// [`CARDS_PER_CHUNK`] cards, each next one the next [`CARDS_PER_CHUNK`] cards, the last the
/// rest. A byte-order mark at the start is dropped.
struct Chunks<'r> {
    reader: &'r mut dyn Read,
    /// Read and not yet handed out.
    buf: Vec<u8>,
    /// How far `buf` was searched for cuts (whole lines only).
    searched: usize,
    /// The cuts found in `buf` before `searched`.
    cuts: usize,
    started: bool,
    ended: bool,
}

/// How much [`Chunks`] reads at a time.
const READ_BLOCK: usize = 1 << 20;

impl<'r> Chunks<'r> {
    fn new(reader: &'r mut dyn Read) -> Chunks<'r> {
        Chunks { reader, buf: Vec::new(), searched: 0, cuts: 0, started: false, ended: false }
    }

    /// The next piece, `None` after the last.
    fn next_chunk(&mut self) -> std::io::Result<Option<Vec<u8>>> {
        loop {
            if let Some(cut) = self.find_cut() {
                let rest = self.buf.split_off(cut);
                (self.searched, self.cuts) = (0, 0);
                return Ok(Some(std::mem::replace(&mut self.buf, rest)));
            }
            if self.ended {
                return Ok((!self.buf.is_empty()).then(|| std::mem::take(&mut self.buf)));
            }
            let read = (&mut *self.reader).take(READ_BLOCK as u64).read_to_end(&mut self.buf)?;
            self.ended = read == 0;
            if !self.started && (self.buf.len() >= 3 || self.ended) {
                self.started = true;
                if self.buf.starts_with(b"\xef\xbb\xbf") {
                    self.buf.drain(..3);
                }
            }
        }
    }

    /// Where the piece in `buf` ends, once `buf` holds the cut after its last card: searches
    /// the whole lines not searched yet (all of `buf` once the reader ended).
    fn find_cut(&mut self) -> Option<usize> {
        if !self.started {
            return None;
        }
        let end = if self.ended { self.buf.len() } else { memchr::memrchr(b'\n', &self.buf).map_or(0, |i| i + 1) };
        let from = self.searched;
        if end <= from {
            return None;
        }
        self.searched = end;
        for at in memchr::memmem::find_iter(&self.buf[from..end], CUT).map(|i| i + from) {
            let line_end = memchr::memchr(b'\n', &self.buf[at..end]).map_or(end, |i| at + i);
            let tail = &self.buf[at + CUT.len()..line_end];
            let whole_line = (at == 0 || self.buf[at - 1] == b'\n')
                && std::str::from_utf8(tail).is_ok_and(|t| t.trim_end().is_empty());
            if !whole_line {
                continue;
            }
            self.cuts += 1;
            // Every piece but the first starts with its first card's cut: counting that one, a
            // piece of CARDS_PER_CHUNK cards ends at the next cut after them. The first piece
            // starts with the `[deck]` table, and its first cut is its first card's too.
            if self.cuts == CARDS_PER_CHUNK + 1 {
                return Some(at);
            }
        }
        None
    }
}

/// The line a piece of a large deck is cut at.
const CUT: &[u8] = b"[[cards]]";

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

    /// A reader that hands out at most `step` bytes at a time, so lines and cuts fall across
    /// reads.
    struct Trickle<'a> {
        bytes: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.bytes.len());
            buf[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    #[test]
    fn a_deck_read_a_few_bytes_at_a_time_is_cut_where_cards_start() {
        // Not cuts: `[[cards]]` after spaces or text on its line.
        let text = big_deck(2 * CARDS_PER_CHUNK + 7, "\"\"\"\n- a \n  [[cards]]\nb [[cards]]\n\"\"\"");
        let with_bom = format!("\u{feff}{text}");
        for step in [1, 7, 4096] {
            let mut reader = Trickle { bytes: with_bom.as_bytes(), step };
            let mut chunks = Chunks::new(&mut reader);
            let mut pieces = Vec::new();
            while let Some(piece) = chunks.next_chunk().unwrap() {
                pieces.push(String::from_utf8(piece).unwrap());
            }
            assert_eq!(pieces.concat(), text, "every byte but the mark, in order (step {step})");
            let starts: Vec<usize> = pieces.iter().map(|p| p.matches("\n[[cards]]\n").count()).collect();
            assert_eq!(starts, [CARDS_PER_CHUNK, CARDS_PER_CHUNK - 1, 6], "step {step}");
            assert!(pieces[1..].iter().all(|p| p.starts_with("[[cards]]\n")), "step {step}");
            let mut decks = Vec::new();
            let whole = || Ok(text.clone());
            parse_toml_stream("d.toml", &mut Trickle { bytes: with_bom.as_bytes(), step }, &whole, &mut |deck| {
                decks.push(deck);
                Ok(())
            })
            .unwrap();
            let cards: Vec<_> = decks.into_iter().flat_map(|d| d.cards).collect();
            assert_eq!(cards, toml::from_str::<Deck>(&text).unwrap().cards, "step {step}");
        }
        // A fault in a later piece is found where the whole text has it, and nothing after.
        let bad = text.replace("prompt = \"Q4005?\"", "prompt = 3");
        let whole = || Ok(bad.clone());
        let mut emitted = 0;
        let e = parse_toml_stream("d.toml", &mut Trickle { bytes: bad.as_bytes(), step: 7 }, &whole, &mut |deck| {
            emitted += deck.cards.len();
            Ok(())
        })
        .unwrap_err();
        assert_eq!((e.field.as_str(), e.line), ("prompt", line_of(&bad, bad.find("prompt = 3").unwrap())));
        assert_eq!(emitted, 2 * CARDS_PER_CHUNK, "the pieces before the fault went out");
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
