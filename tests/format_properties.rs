//! Import then export round-trips any generated deck, in TOML, CSV and Markdown: the file is
//! read by the real importer (`deck::parse_import`, as `grill import` does), synced into a
//! database, read back out (`Store::export_decks`) and written by the real exporter. The decks
//! that come out equal the decks that went in, and the exported file is the file imported.
//!
//! Each format gets decks within what it documents (README, "Importing and exporting decks"):
//! - every format: texts as imports store them, i.e. no control characters (imports strip
//!   them) and no whitespace around a text or at the end of its lines (imports trim it); at
//!   least one card per deck (an import keeps cards; a deck without any is not stored);
//! - TOML: everything else, multi-line everything;
//! - CSV: no deck name, area or description (a row has only a `deck` column: they come back
//!   as the id, a guessed area and nothing); tags and roles are words (split on spaces and
//!   commas); follow-ups one line each (one per line in their cell). `example` is
//!   representable (JSON in its cell) and generated;
//! - Markdown: one-line deck names, descriptions, follow-ups, levels and areas (they sit on
//!   a heading or a `key: value` line), tags and roles without commas, comment values that do
//!   not end in `-->`, and code fences that close (an open fence runs to the end of the file,
//!   as in CommonMark, and takes the next cards with it).
//!
//! Failing cases are saved in `tests/format_properties.proptest-regressions` and replayed first
//! on every run.

use grill::deck::{CardSpec, DeckInfo, Example, ImportOptions};
use grill::{Deck, Store};
use proptest::prelude::*;

/// Lines that look like structure in one format or another, mixed into generated texts.
const TRICKY: [&str; 22] = [
    "# heading",
    "## not a card",
    "#",
    "Q: not a question",
    "A: not an answer",
    "Q:",
    "<!-- grill",
    "-->",
    "id: x",
    "\\## backslashed",
    "\\\\Q: two backslashes",
    "\\",
    "```",
    "```sql",
    "~~~",
    "  ```",
    "[deck]",
    "[[cards]]",
    "\"quoted, with comma\"",
    "a,b;c\td",
    "#separator:tab",
    "'''",
];

/// One line of printable text: any Unicode but control characters, trimmed, not empty.
fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[a-zA-Z0-9 ,.;:'\"?!()<>/#*`~\\\\=-]{1,30}",
        2 => "\\PC{1,20}",
        2 => prop::sample::select(TRICKY.to_vec()).prop_map(str::to_owned),
    ]
    .prop_map(|s| s.trim().to_owned())
    .prop_filter("not blank", |s| !s.is_empty())
}

/// A one-line value for a Markdown `key: value` line (and any format's single-line fields).
fn value() -> impl Strategy<Value = String> {
    // Imports make single-line fields' tabs spaces.
    line().prop_filter("ends the comment", |s| !s.ends_with("-->") && !s.contains('\t'))
}

/// Text of one to six lines (blank ones inside), as imports store it.
fn block() -> impl Strategy<Value = String> {
    prop::collection::vec(prop_oneof![5 => line(), 1 => Just(String::new())], 1..6)
        .prop_map(|lines| lines.iter().map(|l| l.trim_end()).collect::<Vec<_>>().join("\n").trim().to_owned())
        .prop_filter("not blank", |s| !s.is_empty())
}

/// `text` with every code fence closed, as the Markdown reader (and CommonMark) reads them.
fn close_fences(text: String) -> String {
    let mut open: Option<&str> = None;
    for line in text.lines() {
        let t = line.trim_start();
        match open {
            Some(marker) if t.starts_with(marker) => open = None,
            Some(_) => {}
            None if t.starts_with("```") => open = Some("```"),
            None if t.starts_with("~~~") => open = Some("~~~"),
            None => {}
        }
    }
    match open {
        Some(marker) => format!("{text}\n{marker}"),
        None => text,
    }
}

/// A word: a tag or role as CSV splits them (no spaces or commas).
fn word() -> impl Strategy<Value = String> {
    "[a-z0-9:_+.#-]{1,12}|[\\p{L}]{1,8}"
}

fn example() -> impl Strategy<Value = Example> {
    let code = "[a-zA-Z0-9 ;=()'\"\\n\\t]{1,40}";
    (value(), any::<bool>(), prop::option::of(code), code, prop::option::of(code), prop::option::of("3\\.[0-9]{1,2}"))
        .prop_map(|(lang, prompt, setup, code, expect, min_python)| Example {
            lang,
            show: if prompt { "prompt".into() } else { "answer".into() },
            setup: stored_code(&setup.unwrap_or_default()),
            code: stored_code(&code),
            expect: expect.as_deref().map(stored_code),
            min_python,
            min_java: None,
            also: Vec::new(),
        })
}

/// Code as imports store it: no blank lines around it, no whitespace at its end.
fn stored_code(code: &str) -> String {
    let end = code.trim_end();
    let lead = &end[..end.len() - end.trim_start().len()];
    end[lead.rfind('\n').map_or(0, |i| i + 1)..].to_owned()
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Format {
    Toml,
    Csv,
    Markdown,
}

/// One of the levels every format accepts.
fn level() -> impl Strategy<Value = String> {
    prop::sample::select(grill::deck::LEVELS.to_vec()).prop_map(str::to_owned)
}

/// A card in `format`'s domain; its id is made unique by the caller.
fn card(format: Format) -> impl Strategy<Value = CardSpec> {
    let text = move || block().prop_map(move |t| if format == Format::Markdown { close_fences(t) } else { t });
    let list = move || match format {
        Format::Csv => prop::collection::vec(word(), 0..3).boxed(),
        Format::Markdown => prop::collection::vec(value().prop_filter("comma", |v| !v.contains(',')), 0..3).boxed(),
        Format::Toml => prop::collection::vec(block(), 0..3).boxed(),
    };
    let follow_ups = match format {
        Format::Toml => prop::collection::vec(block(), 0..3).boxed(),
        _ => prop::collection::vec(value(), 0..3).boxed(),
    };
    (
        (value(), text(), text()),
        (follow_ups, list(), list()),
        (
            prop::option::of(level()),
            prop::option::of(1u32..3600),
            prop::option::of(value()),
            prop::option::of(example()),
        ),
    )
        .prop_map(|((id, prompt, answer), (follow_ups, tags, roles), (level, time_limit_secs, area, example))| {
            CardSpec {
                id,
                prompt,
                answer,
                follow_ups,
                tags,
                roles,
                level,
                time_limit_secs,
                area,
                example: example.map(Box::new),
            }
        })
}

/// Decks in `format`'s domain, `decks` of them, with ids in the order exports list them
/// (by id) and card ids unique and in each deck's namespace, as grill writes them.
fn decks(format: Format, decks: std::ops::Range<usize>) -> impl Strategy<Value = Vec<Deck>> {
    let info = (
        value(),
        value(),
        value(),
        prop::option::of(if format == Format::Toml { block().boxed() } else { value().boxed() }),
    );
    let deck = (info, prop::collection::vec(card(format), 1..5));
    prop::collection::vec(deck, decks).prop_map(move |generated| {
        generated
            .into_iter()
            .enumerate()
            .map(|(d, ((id, name, area, description), cards))| {
                let id = format!("gen-{d}-{}", id.replace(['/', ':'], "-"));
                let mut info = DeckInfo { id, name, area, description: description.unwrap_or_default() };
                if format == Format::Csv {
                    info.name = info.id.clone();
                    info.area = grill::deck::import::guess_area(&info.id);
                    info.description = String::new();
                }
                let cards = cards
                    .into_iter()
                    .enumerate()
                    .map(|(c, card)| CardSpec {
                        id: format!("{}/{c}-{}", info.id, card.id),
                        // An area equal to the deck's is not kept apart from it.
                        area: card.area.filter(|a| *a != info.area),
                        ..card
                    })
                    .collect();
                Deck { deck: info, cards }
            })
            .collect()
    })
}

fn write(format: Format, decks: &[Deck]) -> String {
    match format {
        Format::Toml => grill::deck::export::to_toml(&decks[0]),
        Format::Csv => grill::deck::export::to_csv(decks),
        Format::Markdown => grill::deck::export::to_markdown(decks),
    }
}

/// `grill import FILE` then `grill export`: the decks read back from the database, and the
/// file the exporter writes for them.
fn import_then_export(format: Format, text: &str) -> Result<(Vec<Deck>, String), TestCaseError> {
    let file = match format {
        Format::Toml => "gen.toml",
        Format::Csv => "gen.csv",
        Format::Markdown => "gen.md",
    };
    let clock = grill::DayClock::new(chrono::Utc, 4);
    let parsed = grill::deck::parse_import(file, text.as_bytes(), &ImportOptions::default(), &clock)
        .map_err(|e| TestCaseError::fail(format!("the import failed: {e}\n{text}")))?;
    let mut store = Store::open_in_memory().unwrap();
    let scheduler = grill::Scheduler::default_params();
    let now = chrono::DateTime::parse_from_rfc3339("2026-03-02T09:00:00Z").unwrap().to_utc();
    let how = grill::store::SyncOptions::import(now, &scheduler, &clock);
    store.sync_decks(&parsed.decks, &parsed.history, &how, &mut || {}).unwrap();
    let ids: Vec<String> = parsed.decks.iter().map(|d| d.deck.id.clone()).collect();
    let exported = store.export_decks(&ids).unwrap();
    let again = write(format, &exported);
    Ok((exported, again))
}

fn round_trips(format: Format, decks: &[Deck]) -> Result<(), TestCaseError> {
    let text = write(format, decks);
    let (back, again) = import_then_export(format, &text)?;
    prop_assert_eq!(&back, decks, "the decks changed; the file imported:\n{}", text);
    prop_assert_eq!(again, text);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 150, ..ProptestConfig::default() })]

    #[test]
    fn a_toml_deck_imported_then_exported_is_the_same_deck_and_file(decks in decks(Format::Toml, 1..2)) {
        round_trips(Format::Toml, &decks)?;
    }

    #[test]
    fn csv_decks_imported_then_exported_are_the_same_decks_and_file(decks in decks(Format::Csv, 1..4)) {
        round_trips(Format::Csv, &decks)?;
    }

    #[test]
    fn markdown_decks_imported_then_exported_are_the_same_decks_and_file(decks in decks(Format::Markdown, 1..4)) {
        round_trips(Format::Markdown, &decks)?;
    }
}
