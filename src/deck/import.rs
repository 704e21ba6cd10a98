//! What every import format shares: format detection, the typed result of parsing a file,
//! stable ids, and the clean-up every untrusted text goes through.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};

use super::{Deck, DeckError};
use crate::scheduler::{Rating, ReviewKind, Sm2Start};
use crate::text::safe;

/// The formats `grill import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Toml,
    /// Comma- or tab-separated, with a header row or Anki's `#separator:` header lines.
    Csv,
    Markdown,
    /// An Anki package (`.apkg` or `.colpkg`).
    Anki,
}

/// Settings from the command line that shape how a file becomes decks.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Put every card into this deck (`--deck`).
    pub deck: Option<String>,
    /// The area of every imported card (`--area`).
    pub area: Option<String>,
}

/// A review from another program's log, attached to a card by its stable id.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedReview {
    /// The stable id of the card reviewed, shared by all of the card's reviews (a million
    /// reviews held a million copies of their keys).
    pub card_key: std::sync::Arc<str>,
    /// When the answer was given.
    pub at: DateTime<Utc>,
    pub rating: Rating,
    /// How grill's replay treats it (see `deck::anki` for the mapping from Anki's log).
    pub kind: ReviewKind,
    /// Time spent answering.
    pub duration_ms: u64,
}

/// What a package says about one card beyond its answers: where its memory state starts,
/// when the other program had it due, and whether it was set aside.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedSchedule {
    pub card_key: String,
    /// The package has answers of the card (whether or not they count).
    pub answered: bool,
    /// Some answer moves the memory state.
    pub counted: bool,
    /// The history is incomplete: the state starts from SM-2 at one answer.
    pub sm2: Option<Sm2Start>,
    /// The history that counts starts after a reset.
    pub after_reset: bool,
    /// The preset's "ignore reviews before" date left answers out.
    pub cut_off: bool,
    /// The due moment the other program had, and the last counted answer it follows.
    pub due: Option<ImportedDue>,
    /// Suspended or buried there.
    pub suspended: bool,
    /// Lapses counted there in history that no longer counts (before a reset, a cut-off or a
    /// truncated log), added to the lapses the replay counts.
    pub lapses_before: u32,
    /// The name of the preset (options group) the card belongs to.
    pub preset: String,
}

/// A due date kept from the other program while the card's last answer is still `after`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportedDue {
    pub due: DateTime<Utc>,
    pub after: DateTime<Utc>,
}

/// A preset (options group) a package carries, with the cards that use it.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedPreset {
    pub name: String,
    /// FSRS parameters; empty when the preset uses the defaults.
    pub params: Vec<f32>,
    pub desired_retention: f32,
    /// Cards of the package with history in this preset.
    pub cards: usize,
}

/// One parsed file: its decks, the review history it carries and what was left out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parsed {
    pub decks: Vec<Deck>,
    pub history: Vec<ImportedReview>,
    /// Media files the package holds (not imported).
    pub media: usize,
    /// Log entries that are not answers (Anki's rescheduling and manual entries): not imported.
    pub skipped_log_entries: usize,
    /// Anki cards whose question renders empty: not imported.
    pub skipped_cards: usize,
    /// Ids of the decks whose area is a guess from their name (the file gives none and there
    /// was no `--area`): a deck already stored keeps its area instead.
    pub guessed_areas: BTreeSet<String>,
    /// Card ids moved out of a built-in deck's namespace by `--deck`.
    pub renamed: Vec<Renamed>,
    /// Per-card schedule facts (Anki packages).
    pub schedules: Vec<ImportedSchedule>,
    /// The presets the package's cards use (Anki packages).
    pub presets: Vec<ImportedPreset>,
}

/// Card ids moved from one namespace to another (`sql/x` -> `my-sql/x`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Renamed {
    pub from: String,
    pub to: String,
    pub cards: usize,
}

/// Header lines of Anki's "Notes in Plain Text" export.
pub const ANKI_TEXT_HEADERS: [&str; 9] = [
    "#separator:",
    "#html:",
    "#tags column:",
    "#guid column:",
    "#notetype column:",
    "#deck column:",
    "#columns:",
    "#deck:",
    "#notetype:",
];

/// The file name endings `grill import` reads (`.txt` is sniffed: Anki's plain-text export
/// or Markdown).
pub const EXTENSIONS: [&str; 8] = ["toml", "csv", "tsv", "txt", "md", "markdown", "apkg", "colpkg"];

/// The extension of a file name, lowercase, if its last path part has one (`.hidden` has none).
pub fn extension(file_name: &str) -> Option<String> {
    let name = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    name.rsplit_once('.').filter(|(stem, _)| !stem.is_empty()).map(|(_, ext)| ext.to_ascii_lowercase())
}

/// Whether `grill import DIR` takes this file: a name with one of [`EXTENSIONS`], not hidden.
pub fn is_deck_file(file_name: &str) -> bool {
    let name = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    !name.starts_with('.') && extension(name).is_some_and(|e| EXTENSIONS.contains(&e.as_str()))
}

/// The format from the file name, else from the first bytes. A name with an extension grill
/// does not read (`x.json`) is refused rather than parsed as CSV; a zip is an Anki package
/// whatever its name.
pub fn detect(file_name: &str, bytes: &[u8]) -> Result<Format, DeckError> {
    let ext = extension(file_name);
    if bytes.starts_with(b"PK\x03\x04") || matches!(ext.as_deref(), Some("apkg" | "colpkg")) {
        return Ok(Format::Anki);
    }
    match ext.as_deref() {
        Some("toml") => return Ok(Format::Toml),
        Some("csv" | "tsv") => return Ok(Format::Csv),
        Some("md" | "markdown") => return Ok(Format::Markdown),
        Some("txt") | None => {}
        Some(other) => {
            let known: Vec<String> = EXTENSIONS.iter().map(|e| format!(".{e}")).collect();
            return Err(DeckError {
                file: file_name.to_owned(),
                line: 0,
                field: "file".to_owned(),
                message: format!(
                    "grill does not read .{} files; it imports {} (or a folder of them)",
                    clean_line(other),
                    known.join(", ")
                ),
            });
        }
    }
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]);
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("").trim_start_matches('\u{feff}');
    if first.starts_with("[deck]") {
        return Ok(Format::Toml);
    }
    // Anki's "Notes in Plain Text" starts with `#separator:`, `#html:` and similar lines.
    if ANKI_TEXT_HEADERS.iter().any(|h| first.starts_with(h)) {
        return Ok(Format::Csv);
    }
    if first.starts_with('#') || first.starts_with("Q:") {
        return Ok(Format::Markdown);
    }
    Ok(Format::Csv)
}

/// A file that could not be read.
pub fn unreadable(file: &str, e: &std::io::Error) -> DeckError {
    DeckError { file: file.to_owned(), line: 0, field: "file".to_owned(), message: format!("cannot read it ({e})") }
}

/// `bytes` as UTF-8 text (a leading byte-order mark dropped), or an error naming the line of
/// the first invalid byte.
pub fn utf8<'a>(file: &str, bytes: &'a [u8]) -> Result<&'a str, DeckError> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        DeckError {
            file: file.to_owned(),
            line: bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1,
            field: "text".to_owned(),
            message: format!("not valid UTF-8 (byte 0x{:02x}); save the file as UTF-8", bytes[at]),
        }
    })
}

/// A deck id made from a name: lowercase letters, digits and dashes (`Interview::SQL` ->
/// `interview-sql`). Letters outside ASCII are kept; everything else becomes a dash.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_owned();
    if out.is_empty() { "imported".to_owned() } else { out }
}

/// The deck id for a file: its name without folders or extension, as a slug.
pub fn deck_id_for_file(file: &str) -> String {
    let name = file.rsplit(['/', '\\']).next().unwrap_or(file);
    slug(name.rsplit_once('.').map_or(name, |(stem, _)| stem))
}

/// A stable card id from a deck and a prompt (used when a file gives no id): FNV-1a, because
/// std's hasher may change between Rust releases and a changed id would orphan the history.
pub fn hashed_key(deck: &str, prompt: &str) -> String {
    let clean = clean_line(deck);
    let hash = deck
        .bytes()
        .chain([0x1f])
        .chain(prompt.trim().bytes())
        .fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    format!("{clean}/{hash:016x}")
}

/// A card id from a file: kept as written when it already names a namespace (`deck/x`,
/// `anki:...`), else put in the deck's (`x` -> `deck/x`) so two files' `1`s never meet.
pub fn namespaced_key(deck: &str, id: &str) -> String {
    // Decided on the id as it will be stored: a `/` inside an escape sequence is no namespace,
    // and a deck id ending in ESC must not eat the `/` after it.
    let id = clean_line(id);
    if id.contains('/') || id.contains(':') { id } else { format!("{}/{id}", clean_line(deck)) }
}

/// A one-line text as imports store it (ids, names, areas): safe, tabs and newlines made
/// spaces, trimmed.
pub fn clean_line(text: &str) -> String {
    safe_lines(text).replace(['\n', '\t'], " ").trim().to_owned()
}

/// The areas grill's scorecard knows, and words in a deck name that point to them.
const AREA_WORDS: [(&str, &[&str]); 11] = [
    // Security and coding first: "OWASP API Top 10" is security, "Data structure design" coding.
    ("security", &["security", "owasp", "appsec", "auth", "xss", "csrf", "jwt", "crypto", "pentest"]),
    ("coding", &["coding", "leetcode", "neetcode", "algorithm", "data structure", "dsa", "blind 75"]),
    ("sql", &["sql", "database", "postgres", "mysql"]),
    ("system-design", &["system design", "system-design", "architecture", "design"]),
    ("api-design", &["api", "rest"]),
    ("testing", &["test"]),
    ("cloud", &["cloud", "aws", "kubernetes", "docker", "devops"]),
    ("debugging", &["debug", "incident"]),
    ("behavioral", &["behavio", "star", "soft skill"]),
    ("python", &["python", "django"]),
    ("java", &["java", "spring", "jvm"]),
];

/// The area an imported deck most likely belongs to, from its name (`Interview::SQL` -> sql);
/// `general` when nothing matches.
pub fn guess_area(name: &str) -> String {
    let lower = name.to_lowercase();
    // The most specific part of a nested name decides (`Interview::System Design`).
    for part in lower.rsplit(['\u{1f}', ':', '/']).filter(|p| !p.trim().is_empty()) {
        for (area, words) in AREA_WORDS {
            if words.iter().any(|w| part.contains(w)) {
                return area.to_owned();
            }
        }
    }
    "general".to_owned()
}

/// Applies `--deck` and `--area`, strips terminal control sequences from every text and
/// trims outer blank lines, so stored texts are inert and export/import round-trips exactly.
pub fn finish(mut parsed: Parsed, options: &ImportOptions) -> Parsed {
    // Whether each deck's area is a guess, carried along as decks are renamed and merged.
    let guessed = std::mem::take(&mut parsed.guessed_areas);
    let mut guesses: Vec<bool> =
        parsed.decks.iter().map(|d| options.area.is_none() && guessed.contains(&d.deck.id)).collect();
    if let Some(id) = &options.deck {
        guesses.truncate(1);
        let decks = std::mem::take(&mut parsed.decks);
        let several = decks.len() > 1;
        let mut merged: Option<Deck> = None;
        for mut deck in decks {
            // Each card keeps its own deck's area when decks are merged.
            let area = deck.deck.area.clone();
            deck.cards.iter_mut().for_each(|c| _ = c.area.get_or_insert_with(|| area.clone()));
            match &mut merged {
                Some(m) => m.cards.extend(deck.cards),
                None => merged = Some(deck),
            }
        }
        if let Some(mut deck) = merged {
            deck.deck.id = id.clone();
            if several {
                deck.deck.name = id.clone();
            }
            parsed.decks.push(deck);
        }
    }
    for deck in &mut parsed.decks {
        if let Some(area) = &options.area {
            deck.deck.area = area.clone();
            deck.cards.iter_mut().for_each(|c| c.area = None);
        }
        clean_deck(deck);
    }
    parsed.decks = merge_same_ids(std::mem::take(&mut parsed.decks), &mut guesses);
    parsed.guessed_areas =
        parsed.decks.iter().zip(&guesses).filter(|(_, guessed)| **guessed).map(|(d, _)| d.deck.id.clone()).collect();
    parsed
}

/// Decks of one file with the same id (two `# SQL` headings, or ids that differed only in
/// control characters) are one deck, in the place of the first: synced apart, each would
/// report the other's cards missing.
/// `guesses` (one per deck) keeps the first deck's.
fn merge_same_ids(decks: Vec<Deck>, guesses: &mut Vec<bool>) -> Vec<Deck> {
    let mut merged: Vec<Deck> = Vec::with_capacity(decks.len());
    let mut kept = Vec::with_capacity(decks.len());
    for (deck, guessed) in decks.into_iter().zip(guesses.iter().copied().chain(std::iter::repeat(false))) {
        match merged.iter_mut().find(|d| d.deck.id == deck.deck.id) {
            Some(first) => first.cards.extend(deck.cards),
            None => {
                merged.push(deck);
                kept.push(guessed);
            }
        }
    }
    *guesses = kept;
    merged
}

/// Makes every text of a deck safe to print and trims it. A text that was nothing but control
/// characters is gone afterwards: an optional one becomes absent, a deck's name its id and its
/// area `general`, so the deck exports as a file that imports back the same.
fn clean_deck(deck: &mut Deck) {
    let info = &mut deck.deck;
    for text in [&mut info.id, &mut info.name, &mut info.area] {
        *text = clean_line(text);
    }
    if info.name.is_empty() {
        info.name = info.id.clone();
    }
    if info.area.is_empty() {
        info.area = "general".to_owned();
    }
    info.description = tidy(&info.description);
    deck.cards.iter_mut().for_each(clean_card);
}

/// Removes escape sequences, control characters and direction overrides from every text of a
/// card typed in `grill edit` (TOML's `\u001b` escapes can carry them), keeping its layout.
pub fn strip_card(card: &mut super::CardSpec) {
    for text in [&mut card.prompt, &mut card.answer] {
        *text = safe_lines(text);
    }
    for list in [&mut card.follow_ups, &mut card.tags, &mut card.roles] {
        list.iter_mut().for_each(|t| *t = safe_lines(t));
    }
    for text in [&mut card.level, &mut card.area].into_iter().flatten() {
        *text = clean_line(text);
    }
    if let Some(example) = &mut card.example {
        for text in [&mut example.lang, &mut example.show, &mut example.setup, &mut example.code] {
            *text = safe(text);
        }
        for text in [&mut example.expect, &mut example.min_python].into_iter().flatten() {
            *text = safe(text);
        }
    }
}

/// Makes every text of one card inert, as imports store it.
fn clean_card(card: &mut super::CardSpec) {
    {
        card.id = clean_line(&card.id);
        tidy_in_place(&mut card.prompt);
        tidy_in_place(&mut card.answer);
        for list in [&mut card.follow_ups, &mut card.tags, &mut card.roles] {
            list.iter_mut().for_each(tidy_in_place);
            list.retain(|t| !t.is_empty());
        }
        for text in [&mut card.level, &mut card.area] {
            *text = text.as_deref().map(tidy).filter(|t| !t.is_empty());
        }
        if let Some(example) = &mut card.example {
            let mut pending: Vec<&mut super::Example> = vec![example];
            while let Some(example) = pending.pop() {
                for text in [&mut example.lang, &mut example.show, &mut example.setup, &mut example.code] {
                    *text = tidy_code(text);
                }
                for text in [&mut example.expect, &mut example.min_python, &mut example.min_java].into_iter().flatten()
                {
                    *text = tidy_code(text);
                }
                pending.extend(example.also.iter_mut());
            }
        }
    }
}

/// Safe text without trailing spaces on lines or whitespace around it. Trimmed after the
/// control characters are gone: CSV and Markdown trim their fields, and a stripped escape
/// could uncover a space they left, which the next import of the export would drop.
pub fn tidy(text: &str) -> String {
    let mut owned = text.to_owned();
    tidy_in_place(&mut owned);
    owned
}

/// [`tidy`] in place. Nearly every card's text is printable ASCII without spaces at its lines'
/// ends: then only the blank lines and spaces around it go, and the text keeps its memory (a
/// sixth of reading a 100,000-card TOML deck once went to copying texts line by line, then
/// 3% to copying them whole).
pub fn tidy_in_place(text: &mut String) {
    if !text.bytes().all(|b| b == b'\n' || (0x20..0x7f).contains(&b)) {
        *text = tidy_any(text);
        return;
    }
    let end = text.trim_end().len();
    text.truncate(end);
    let start = text.len() - text.trim_start().len();
    text.drain(..start);
    if text.contains(" \n") {
        *text = tidy_any(text);
    }
}

/// [`tidy`] for any text.
fn tidy_any(text: &str) -> String {
    let safe = safe_lines(text);
    let lines: Vec<&str> = safe.lines().map(str::trim_end).collect();
    lines.join("\n").trim().to_owned()
}

/// Safe code without blank lines around it or whitespace at its end; indentation is kept. A
/// trailing newline (a TOML `"""` block, an editor's final newline) is no change to the code,
/// and must not make a re-import report the card updated.
pub fn tidy_code(text: &str) -> String {
    let safe = safe(text);
    let end = safe.trim_end();
    let start = end.len() - end.trim_start().len();
    // Keep the first line's indentation: drop only whole blank lines before it.
    let from = end[..start].rfind('\n').map_or(0, |i| i + 1);
    end[from..].to_owned()
}

/// [`safe`] line by line: an escape sequence left open (`ESC ]` with no end) swallows
/// everything after it, and must not take more than the rest of its own line.
pub fn safe_lines(text: &str) -> String {
    text.split('\n').map(safe).collect::<Vec<_>>().join("\n")
}

/// Refuses decks and cards that would take a built-in deck's place: a deck id of a built-in
/// deck, or a card id in a built-in deck's namespace (`sql/...`), now or in a later release.
pub fn check_reserved(file: &str, parsed: &Parsed, builtin_decks: &[String]) -> Result<(), DeckError> {
    let err =
        |field: &str, message: String| DeckError { file: file.to_owned(), line: 0, field: field.to_owned(), message };
    for deck in &parsed.decks {
        if builtin_decks.contains(&deck.deck.id) {
            return Err(err(
                "deck",
                format!(
                    "{:?} is a built-in deck's id; to import a copy, give it a new id with --deck (e.g. --deck my-{}), \
                     which also moves its card ids to that namespace",
                    deck.deck.id,
                    slug(&deck.deck.id)
                ),
            ));
        }
        for card in &deck.cards {
            if let Some((namespace, _)) = card.id.split_once('/')
                && builtin_decks.iter().any(|b| b == namespace)
            {
                return Err(err(
                    "id",
                    format!(
                        "card id {:?} is in the built-in deck {namespace:?}'s namespace; choose another id, or \
                         import with --deck ID to move the cards to that deck's namespace",
                        card.id
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// With `--deck ID`, moves card ids out of built-in decks' namespaces into the deck's own
/// (`sql/x` -> `my-sql/x`), so an exported built-in deck imports back as a copy with its own
/// history. Other ids are kept: a user's own ids name their cards' history.
pub fn move_out_of_builtin(parsed: &mut Parsed, options: &ImportOptions, builtin_decks: &[String]) {
    let Some(target) = &options.deck else { return };
    let target = clean_line(target);
    for deck in &mut parsed.decks {
        for card in &mut deck.cards {
            let Some((namespace, rest)) = card.id.split_once('/') else { continue };
            if namespace == target || !builtin_decks.iter().any(|b| b == namespace) {
                continue;
            }
            match parsed.renamed.iter_mut().find(|r| r.from == namespace) {
                Some(r) => r.cards += 1,
                None => parsed.renamed.push(Renamed { from: namespace.to_owned(), to: target.clone(), cards: 1 }),
            }
            card.id = format!("{target}/{rest}");
        }
    }
}

/// Refuses a file that holds no card (an empty Markdown file, a CSV with only its header):
/// importing it would change nothing and say so unclearly. An Anki package of grill's own cards
/// (answers given in Anki) brings reviews, not cards.
pub fn check_not_empty(file: &str, parsed: &Parsed) -> Result<(), DeckError> {
    if parsed.decks.iter().any(|d| !d.cards.is_empty()) || !parsed.history.is_empty() {
        return Ok(());
    }
    Err(DeckError {
        file: file.to_owned(),
        line: 0,
        field: "cards".to_owned(),
        message: "no cards in the file, nothing to import".to_owned(),
    })
}

/// The most text one field of a card may hold. A card is read in a drill, not a document;
/// the cap keeps a hostile 50 MB field out of the database and off the terminal.
pub const MAX_TEXT_BYTES: usize = 1 << 20;

/// The most tags (and roles) one card may carry: every start loads them all.
pub const MAX_TAGS: usize = 64;

/// The most follow-up questions one card may carry.
pub const MAX_FOLLOW_UPS: usize = 32;

/// Checks what all formats must guarantee: ids, prompts and answers present, no text over
/// [`MAX_TEXT_BYTES`], and each card id used once in the whole import. `lines` maps a card id
/// to where it came from, for errors.
pub fn validate(file: &str, parsed: &Parsed, lines: &HashMap<String, usize>) -> Result<(), DeckError> {
    validate_seen(file, parsed, lines, &mut HashMap::new())
}

/// [`validate`] for one batch of a file read in batches: `seen` maps the card ids of the
/// batches before to their decks (and gains this batch's).
pub fn validate_seen(
    file: &str,
    parsed: &Parsed,
    lines: &HashMap<String, usize>,
    seen: &mut HashMap<String, String>,
) -> Result<(), DeckError> {
    let err = |key: &str, field: &str, message: String| DeckError {
        file: file.to_owned(),
        line: lines.get(key).copied().unwrap_or(0),
        field: field.to_owned(),
        message,
    };
    for deck in &parsed.decks {
        if deck.deck.id.is_empty() {
            return Err(err("", "deck", "the deck id is empty".to_owned()));
        }
        for card in &deck.cards {
            if card.id.is_empty() {
                return Err(err(&card.id, "id", "empty card id".to_owned()));
            }
            if card.prompt.is_empty() {
                return Err(err(&card.id, "prompt", format!("card {:?} has an empty prompt", card.id)));
            }
            if card.answer.is_empty() {
                return Err(err(&card.id, "answer", format!("card {:?} has an empty answer", card.id)));
            }
            if let Some((field, len)) = longest_text(card).filter(|(_, len)| *len > MAX_TEXT_BYTES) {
                let size = len as f64 / f64::from(1 << 20);
                let message = format!(
                    "card {:?}: {size:.1} MiB of text; a card's {field} may hold at most {} MiB",
                    card.id,
                    MAX_TEXT_BYTES >> 20
                );
                return Err(err(&card.id, field, message));
            }
            for (field, count, cap) in [
                ("tags", card.tags.len(), MAX_TAGS),
                ("follow_ups", card.follow_ups.len(), MAX_FOLLOW_UPS),
                ("roles", card.roles.len(), MAX_TAGS),
            ] {
                if count > cap {
                    let message = format!("card {:?} has {count} {field}; a card may have at most {cap}", card.id);
                    return Err(err(&card.id, field, message));
                }
            }
            if let Some(other) = seen.insert(card.id.clone(), deck.deck.id.clone()) {
                return Err(err(
                    &card.id,
                    "id",
                    format!("card id {:?} appears twice (decks {other:?} and {:?})", card.id, deck.deck.id),
                ));
            }
        }
    }
    Ok(())
}

/// The card's longest text field and its length in bytes.
fn longest_text(card: &super::CardSpec) -> Option<(&'static str, usize)> {
    let example = card.example.as_ref();
    let lists = |list: &[String]| list.iter().map(String::len).max().unwrap_or(0);
    [
        ("id", card.id.len()),
        ("prompt", card.prompt.len()),
        ("answer", card.answer.len()),
        ("follow_ups", lists(&card.follow_ups)),
        ("tags", lists(&card.tags)),
        ("roles", lists(&card.roles)),
        ("level", card.level.as_ref().map_or(0, String::len)),
        ("area", card.area.as_ref().map_or(0, String::len)),
        ("example", example.map_or(0, |e| e.setup.len() + e.code.len() + e.expect.as_ref().map_or(0, String::len))),
    ]
    .into_iter()
    .max_by_key(|(_, len)| *len)
}

/// A card with every optional field empty.
pub(crate) fn blank_card() -> super::CardSpec {
    super::CardSpec {
        id: String::new(),
        prompt: String::new(),
        answer: String::new(),
        follow_ups: Vec::new(),
        tags: Vec::new(),
        roles: Vec::new(),
        level: None,
        time_limit_secs: None,
        area: None,
        example: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_words_joined_by_dashes() {
        assert_eq!(slug("Interview::System Design"), "interview-system-design");
        assert_eq!(slug("Java\u{1f}JavaCore"), "java-javacore");
        assert_eq!(slug("  ::  "), "imported");
        assert_eq!(deck_id_for_file("/tmp/Team Notes.v2.csv"), "team-notes-v2");
    }

    #[test]
    fn hashed_keys_are_stable_and_depend_on_deck_and_prompt() {
        assert_eq!(hashed_key("d", "Why?"), hashed_key("d", " Why? "));
        assert_ne!(hashed_key("d", "Why?"), hashed_key("e", "Why?"));
        assert!(hashed_key("d", "Why?").starts_with("d/"));
    }

    #[test]
    fn bare_ids_are_put_in_the_decks_namespace() {
        assert_eq!(namespaced_key("notes", "1"), "notes/1");
        assert_eq!(namespaced_key("notes", "other/1"), "other/1");
        assert_eq!(namespaced_key("notes", "anki:abc:0"), "anki:abc:0");
        // The id as stored decides: here the `/` belongs to an escape sequence.
        assert_eq!(namespaced_key("notes", "q1\x1b/x"), "notes/q1");
        assert_eq!(namespaced_key("notes\x1b", "q1"), "notes/q1");
        assert!(hashed_key("d\x1b", "Why?").starts_with("d/"));
    }

    #[test]
    fn areas_are_guessed_from_the_most_specific_deck_name_part() {
        assert_eq!(guess_area("Interview::SQL"), "sql");
        assert_eq!(guess_area("Interview::System Design"), "system-design");
        assert_eq!(guess_area("Interview::Behavioral"), "behavioral");
        assert_eq!(guess_area("Java\u{1f}JavaCore"), "java");
        assert_eq!(guess_area("Spanish verbs"), "general");
    }

    #[test]
    fn security_and_coding_decks_land_in_their_areas() {
        assert_eq!(guess_area("OWASP & auth"), "security");
        assert_eq!(guess_area("Interview::OWASP API Top 10"), "security");
        assert_eq!(guess_area("Web Security"), "security");
        assert_eq!(guess_area("LeetCode patterns"), "coding");
        assert_eq!(guess_area("Interview::Algorithms"), "coding");
        assert_eq!(guess_area("Data Structures & Design"), "coding");
        assert_eq!(guess_area("Interview::REST APIs"), "api-design");
    }

    #[test]
    fn invalid_utf8_names_the_line() {
        let e = utf8("f.csv", b"a,b\nc,\xff\n").unwrap_err();
        assert_eq!((e.line, e.field.as_str()), (2, "text"));
        assert!(e.message.contains("UTF-8"), "{e}");
    }

    #[test]
    fn formats_are_detected_by_extension_and_content() {
        let detect = |name: &str, bytes: &[u8]| detect(name, bytes).unwrap();
        assert_eq!(detect("a.apkg", b""), Format::Anki);
        assert_eq!(detect("a.bin", b"PK\x03\x04rest"), Format::Anki);
        assert_eq!(detect("a.tsv", b"prompt\tanswer"), Format::Csv);
        assert_eq!(detect("notes.txt", b"#separator:tab\n"), Format::Csv);
        assert_eq!(detect("deck", b"[deck]\nid = 'x'"), Format::Toml);
        assert_eq!(detect("notes", b"## What?\nThat."), Format::Markdown);
        assert_eq!(detect("notes.md", b"Q: a"), Format::Markdown);
        assert_eq!(detect("dir.v2/notes", b"## What?\nThat."), Format::Markdown);
    }

    #[test]
    fn an_unknown_extension_is_refused_with_the_ones_grill_reads() {
        let e = detect("x.json", b"prompt,answer\na,b\n").unwrap_err();
        assert_eq!(e.file, "x.json");
        assert!(e.message.contains("does not read .json files"), "{e}");
        assert!(e.message.contains(".toml, .csv, .tsv, .txt, .md, .markdown, .apkg, .colpkg"), "{e}");
    }

    #[test]
    fn a_folder_import_takes_deck_files_only() {
        assert!(is_deck_file("out/sql.toml") && is_deck_file("Notes.MD") && is_deck_file("a.apkg"));
        assert!(!is_deck_file("out/.tmp") && !is_deck_file(".x.toml") && !is_deck_file("x.json"));
        assert!(!is_deck_file("README"));
    }

    #[test]
    fn code_loses_surrounding_blank_lines_and_trailing_space_but_keeps_indentation() {
        assert_eq!(tidy_code("SELECT 1;\n"), "SELECT 1;");
        assert_eq!(tidy_code("\n\n    x = 1\n    y = 2  \n\n"), "    x = 1\n    y = 2");
        assert_eq!(tidy_code("a\n\nb"), "a\n\nb");
    }

    #[test]
    fn deck_moves_card_ids_out_of_a_builtin_namespace_and_counts_them() {
        let mut card = crate::deck::import::blank_card();
        (card.id, card.prompt, card.answer) = ("sql/joins".into(), "Q?".into(), "A.".into());
        let mut own = card.clone();
        own.id = "mine/1".into();
        let info =
            crate::deck::DeckInfo { id: "sql".into(), name: "SQL".into(), area: "sql".into(), description: "".into() };
        let parsed = Parsed { decks: vec![Deck { deck: info, cards: vec![card, own] }], ..Parsed::default() };
        let options = ImportOptions { deck: Some("my-sql".into()), area: None };
        let mut parsed = finish(parsed, &options);
        move_out_of_builtin(&mut parsed, &options, &["sql".to_owned()]);
        let ids: Vec<&str> = parsed.decks[0].cards.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["my-sql/joins", "mine/1"]);
        assert_eq!(parsed.renamed, [Renamed { from: "sql".into(), to: "my-sql".into(), cards: 1 }]);
        // Without --deck nothing moves (the import is refused instead).
        let mut again = parsed.clone();
        again.decks[0].cards[0].id = "sql/joins".into();
        move_out_of_builtin(&mut again, &ImportOptions::default(), &["sql".to_owned()]);
        assert_eq!(again.decks[0].cards[0].id, "sql/joins");
    }

    #[test]
    fn guessed_areas_follow_their_deck_through_deck_and_area_options() {
        let deck = |id: &str| {
            let info = crate::deck::DeckInfo {
                id: id.into(),
                name: id.into(),
                area: "general".into(),
                description: "".into(),
            };
            Deck { deck: info, cards: Vec::new() }
        };
        let parsed = Parsed {
            decks: vec![deck("a"), deck("b")],
            guessed_areas: BTreeSet::from(["a".to_owned()]),
            ..Parsed::default()
        };
        let plain = finish(parsed.clone(), &ImportOptions::default());
        assert_eq!(plain.guessed_areas, BTreeSet::from(["a".to_owned()]));
        let into = finish(parsed.clone(), &ImportOptions { deck: Some("c".into()), area: None });
        assert_eq!(into.guessed_areas, BTreeSet::from(["c".to_owned()]));
        let given = finish(parsed, &ImportOptions { deck: None, area: Some("sql".into()) });
        assert!(given.guessed_areas.is_empty());
    }

    #[test]
    fn a_card_text_over_the_cap_is_an_error_naming_the_card_and_field() {
        let mut card = crate::deck::import::blank_card();
        (card.id, card.prompt, card.answer) = ("d/1".into(), "Q?".into(), "x".repeat(MAX_TEXT_BYTES + 1));
        let info = crate::deck::DeckInfo { id: "d".into(), name: "d".into(), area: "a".into(), description: "".into() };
        let parsed = Parsed { decks: vec![Deck { deck: info, cards: vec![card] }], ..Parsed::default() };
        let lines = HashMap::from([("d/1".to_owned(), 7)]);
        let e = validate("big.csv", &parsed, &lines).unwrap_err();
        assert_eq!((e.line, e.field.as_str()), (7, "answer"));
        assert!(e.message.contains("1.0 MiB of text; a card's answer may hold at most 1 MiB"), "{e}");
        let mut ok = parsed.clone();
        ok.decks[0].cards[0].answer.truncate(MAX_TEXT_BYTES);
        assert!(validate("big.csv", &ok, &lines).is_ok());
    }

    #[test]
    fn texts_that_were_only_control_characters_are_gone_after_cleaning() {
        let mut card = crate::deck::import::blank_card();
        (card.id, card.prompt, card.answer) = ("d/1".into(), "Q?".into(), "A.".into());
        (card.level, card.area) = (Some("\x01".into()), Some("\x1b[0m ".into()));
        let info =
            crate::deck::DeckInfo { id: "d".into(), name: "\x07".into(), area: "\x1b".into(), description: "".into() };
        let parsed = finish(
            Parsed { decks: vec![Deck { deck: info, cards: vec![card] }], ..Parsed::default() },
            &ImportOptions::default(),
        );
        let deck = &parsed.decks[0];
        assert_eq!((deck.deck.name.as_str(), deck.deck.area.as_str()), ("d", "general"));
        assert_eq!((&deck.cards[0].level, &deck.cards[0].area), (&None, &None));
    }

    #[test]
    fn decks_of_one_file_with_the_same_id_are_merged_in_the_first_ones_place() {
        let deck = |id: &str, card: &str| {
            let mut spec = crate::deck::import::blank_card();
            (spec.id, spec.prompt, spec.answer) = (card.into(), "Q?".into(), "A.".into());
            let info =
                crate::deck::DeckInfo { id: id.into(), name: "n".into(), area: "a".into(), description: "".into() };
            Deck { deck: info, cards: vec![spec] }
        };
        let parsed = Parsed { decks: vec![deck("a", "1"), deck("b", "2"), deck("a\x07", "3")], ..Parsed::default() };
        let decks = finish(parsed, &ImportOptions::default()).decks;
        let ids: Vec<(&str, usize)> = decks.iter().map(|d| (d.deck.id.as_str(), d.cards.len())).collect();
        assert_eq!(ids, [("a", 2), ("b", 1)]);
    }

    #[test]
    fn tidy_gives_what_the_line_by_line_clean_up_gives_for_every_short_text() {
        // Every sequence of up to five pieces: spaces and newlines around and inside lines,
        // control characters, an escape sequence, a letter outside ASCII.
        const PIECES: [&str; 8] = [" ", "\n", "a", "- b", "\t", "\r", "\x1b[1m", "é"];
        let mut texts = vec![String::new()];
        for _ in 0..5 {
            let longer: Vec<String> =
                texts.iter().flat_map(|t| PIECES.iter().map(move |p| format!("{t}{p}"))).collect();
            for text in &longer {
                assert_eq!(tidy(text), tidy_any(text), "{text:?}");
            }
            texts = longer;
        }
    }

    #[test]
    fn tidy_strips_escapes_and_outer_blank_lines() {
        assert_eq!(tidy("\n\n- a  \r\n- b\x1b[2J\n\n"), "- a\n- b");
        assert_eq!(tidy("\x1b[1m  bold\n  indented"), "bold\n  indented");
        assert_eq!(tidy("a\x1b]0;never closed\nb\r\nc"), "a\nb\nc");
        assert_eq!(tidy("  - a \n  - b\n\n"), "- a\n  - b");
    }
}
