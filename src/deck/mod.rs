//! Decks: grill's TOML format parsed into typed values, and the decks built into the binary.

use std::collections::HashMap;

pub mod anki;
pub mod csv;
pub mod export;
mod html;
pub mod import;
pub mod markdown;
mod parse;

pub use import::{
    Format, ImportOptions, ImportedDue, ImportedPreset, ImportedReview, ImportedSchedule, Parsed, Renamed,
};
pub use parse::{DeckError, LEVELS, parse_toml, toml_error};

use chrono::TimeZone;

use crate::scheduler::DayClock;

/// Parses one file of any import format into decks (and, from Anki, review history), with
/// `--deck`/`--area` applied, every text made safe, and ids checked: unique, and never a
/// built-in deck's. `clock` gives the day boundaries imported history is labelled with.
pub fn parse_import<Tz: TimeZone + Send>(
    file: &str,
    bytes: &[u8],
    options: &ImportOptions,
    clock: &DayClock<Tz>,
) -> Result<Parsed, DeckError> {
    let format = import::detect(file, bytes)?;
    let parsed = match format {
        Format::Anki => anki::parse(file, bytes, options, &anki::Limits::default(), clock)?,
        Format::Toml => {
            let deck = parse_toml(file, import::utf8(file, bytes)?)?;
            Parsed { decks: vec![deck], ..Parsed::default() }
        }
        Format::Csv => csv::parse(file, import::utf8(file, bytes)?, options)?,
        // Made safe before parsing: a control character stripped afterwards could turn a line
        // into structure (`` `\x0e`` `` into a code fence) and change the cards on re-import.
        Format::Markdown => markdown::parse(file, &import::safe_lines(import::utf8(file, bytes)?), options)?,
    };
    settle(file, parsed, format, options, &mut HashMap::new(), true)
}

/// Opens an Anki package (`bytes`, freed once unpacked) as [`parse_import`] would read it, but
/// with its answers left in the [`anki::Answers`] returned beside it, to be mapped while they
/// are written.
pub fn open_anki<Tz: TimeZone + Send>(
    file: &str,
    bytes: Vec<u8>,
    options: &ImportOptions,
    clock: &DayClock<Tz>,
) -> Result<(Parsed, anki::Answers), DeckError> {
    let (parsed, answers) = anki::open(file, bytes, options, &anki::Limits::default(), clock)?;
    let parsed = settle(file, parsed, Format::Anki, options, &mut HashMap::new(), false)?;
    if answers.is_empty() {
        import::check_not_empty(file, &parsed)?;
    }
    Ok((parsed, answers))
}

/// How many cards a batch of a CSV file read by [`stream`] holds: enough that handing one on
/// costs nothing, few enough that the file's first cards are written while the rest is read.
pub const STREAM_BATCH: usize = 2048;

/// Whether [`stream`] reads a file of this name (CSV, TSV and TOML, by their extensions).
pub fn streams(file_name: &str) -> bool {
    matches!(import::extension(file_name).as_deref(), Some("csv" | "tsv" | "toml"))
}

/// Reads a CSV, TSV or TOML file from `reader` in batches of cards (CSV rows as they are
/// parsed, TOML's cards a chunk at a time as the file is read), each passed to `emit` as
/// [`parse_import`] would return it, so the caller can write them while the rest of the file
/// is read. `whole` reads the whole file again, for the exact place of a fault in a TOML
/// deck. A fault anywhere in the file is an error after some batches went out: the caller
/// must be able to take them back (the import's transaction).
pub fn stream(
    file: &str,
    reader: &mut dyn std::io::Read,
    whole: &dyn Fn() -> Result<Vec<u8>, DeckError>,
    options: &ImportOptions,
    emit: &mut dyn FnMut(Parsed) -> Result<(), DeckError>,
) -> Result<(), DeckError> {
    // Only `.toml`, `.csv` and `.tsv` files are streamed (see [`streams`]).
    let format = if import::extension(file).as_deref() == Some("toml") { Format::Toml } else { Format::Csv };
    let mut seen = HashMap::new();
    let mut cards = 0;
    let mut settled = |parsed: Parsed| {
        let parsed = settle(file, parsed, format, options, &mut seen, false)?;
        cards += parsed.decks.iter().map(|d| d.cards.len()).sum::<usize>();
        emit(parsed)
    };
    match format {
        Format::Toml => {
            let text = || import::utf8(file, &whole()?).map(str::to_owned);
            parse::parse_toml_stream(file, reader, &text, &mut |deck| {
                settled(Parsed { decks: vec![deck], ..Parsed::default() })
            })?
        }
        _ => {
            let mut bytes = Vec::new();
            reader.read_to_end(&mut bytes).map_err(|e| import::unreadable(file, &e))?;
            csv::parse_in_batches(file, import::utf8(file, &bytes)?, options, STREAM_BATCH, &mut settled)?
        }
    }
    if cards == 0 {
        import::check_not_empty(file, &Parsed::default())?;
    }
    Ok(())
}

/// What every parsed file (or batch of one) goes through: `--deck` and `--area`, texts made
/// safe, ids moved out of built-in decks, and the checks; `seen` holds the card ids of the
/// file's batches before. A `whole` file must hold a card.
fn settle(
    file: &str,
    mut parsed: Parsed,
    format: Format,
    options: &ImportOptions,
    seen: &mut HashMap<String, String>,
    whole: bool,
) -> Result<Parsed, DeckError> {
    // CSV and Anki decks have no area of their own: theirs is guessed from the deck's name.
    // (Markdown records which of its decks name one.)
    if matches!(format, Format::Csv | Format::Anki) {
        parsed.guessed_areas = parsed.decks.iter().map(|d| d.deck.id.clone()).collect();
    }
    let mut parsed = import::finish(parsed, options);
    if whole {
        import::check_not_empty(file, &parsed)?;
    }
    import::move_out_of_builtin(&mut parsed, options, reserved_deck_ids());
    import::validate_seen(file, &parsed, &HashMap::new(), seen)?;
    check_levels(file, &parsed)?;
    import::check_reserved(file, &parsed, reserved_deck_ids())?;
    Ok(parsed)
}

/// Every card's level is one of [`LEVELS`] (TOML checks its own, with the line; this covers
/// CSV, Markdown and Anki).
fn check_levels(file: &str, parsed: &Parsed) -> Result<(), DeckError> {
    let bad = parsed.decks.iter().flat_map(|d| &d.cards).find_map(parse::bad_level);
    bad.map_or(Ok(()), |message| Err(DeckError { file: file.to_owned(), line: 0, field: "level".to_owned(), message }))
}

/// The ids imports may not take: every built-in deck's, by file name and by `[deck] id`.
/// Computed once: parsing the embedded decks for every imported file cost more than the
/// file's own parsing (the fuzzers ran at 20 inputs a second).
fn reserved_deck_ids() -> &'static [String] {
    static IDS: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| {
        builtin_deck_files()
            .filter_map(|(name, _)| name.strip_suffix(".toml").map(str::to_owned))
            .chain(builtin_decks().unwrap_or_default().into_iter().map(|d| d.deck.id))
            .collect()
    });
    &IDS
}

use serde::{Deserialize, Serialize};

/// A deck: its metadata and cards, in file order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Deck {
    pub deck: DeckInfo,
    #[serde(default)]
    pub cards: Vec<CardSpec>,
}

/// The `[deck]` table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeckInfo {
    pub id: String,
    pub name: String,
    pub area: String,
    #[serde(default)]
    pub description: String,
}

/// One `[[cards]]` entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CardSpec {
    /// Stable id: never derived from the text, so edits keep the card's history.
    pub id: String,
    pub prompt: String,
    /// The key points of a strong answer.
    pub answer: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub follow_ups: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_limit_secs: Option<u32>,
    /// Overrides the deck's area for this card (used by imports that mix areas).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
    /// Boxed: most cards have none, and inline it tripled the size of every card (a 100,000-card
    /// import held 40 MB of empty examples).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<Box<Example>>,
}

/// Code attached to a card: a runnable SQL query or a snippet whose behaviour the card states.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    /// `sql` (run on SQLite by the tests), `postgresql`, `python` or `java`.
    pub lang: String,
    /// `prompt` to show the code with the question, `answer` (default) to show it on reveal.
    #[serde(default = "default_show")]
    pub show: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub setup: String,
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect: Option<String>,
    /// The oldest Python that runs the snippet (e.g. "3.12").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_python: Option<String>,
    /// The oldest Java feature release that runs the snippet (e.g. "21").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_java: Option<String>,
    /// The same example in other languages (a coding card's Java solution beside its Python
    /// one), run by the deck tests like the first; nested `also` lists are not used.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<Example>,
}

fn default_show() -> String {
    "answer".to_owned()
}

impl Example {
    /// Whether the code belongs with the question rather than the answer.
    pub fn shown_with_prompt(&self) -> bool {
        self.show == "prompt"
    }
}

impl CardSpec {
    /// The card's area: its own, else the deck's.
    pub fn area<'a>(&'a self, deck: &'a DeckInfo) -> &'a str {
        self.area.as_deref().unwrap_or(&deck.area)
    }
}

/// The decks embedded in the binary (every `decks/*.toml` that has a `[deck]` table).
pub fn builtin_decks() -> Result<Vec<Deck>, DeckError> {
    builtin_deck_files().map(|(name, text)| parse_toml(&format!("decks/{name}"), text)).collect()
}

/// The embedded deck files: (file name, text). `roles.toml` and `lexicon.toml` are data, not decks.
pub fn builtin_deck_files() -> impl Iterator<Item = (&'static str, &'static str)> {
    crate::embedded::DECK_FILES.iter().copied().filter(|(name, _)| !NON_DECK_FILES.contains(name))
}

/// Files in `decks/` that are not card decks.
pub const NON_DECK_FILES: [&str; 2] = ["roles.toml", "lexicon.toml"];

/// A stable fingerprint of the embedded deck files, so start-up skips the sync when nothing
/// changed. Computed at build time (`build.rs`): start-up does no work for it.
pub fn builtin_fingerprint() -> String {
    crate::embedded::DECK_FINGERPRINT.to_owned()
}
