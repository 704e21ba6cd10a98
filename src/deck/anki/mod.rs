//! Anki packages (`.apkg`, `.colpkg`): the legacy `collection.anki2`/`.anki21` (schema 11) and
//! the current zstd-compressed `collection.anki21b` (schema 18). One grill card per Anki card,
//! id `anki:<note guid>:<card ordinal>`; deck names, tags and the review history come along.

mod collection;
pub mod export;
mod guard;
mod package;
mod params;
mod proto;
mod revlog;
mod template;

pub use package::Limits;
pub use params::{ParameterChoice, choose as choose_parameters};

use std::collections::HashMap;

use chrono::TimeZone;

use super::import::blank_card;
use super::import::{
    ImportOptions, ImportedDue, ImportedPreset, ImportedReview, ImportedSchedule, Parsed, guess_area, slug,
};
use super::{CardSpec, Deck, DeckError, DeckInfo, html};
use crate::scheduler::{DayClock, ReviewKind};
use chrono::{DateTime, Utc};
use collection::{Card, Collection, Note, NoteType, Preset};
use template::{Side, answer_part, render};

/// The grill deck id for an Anki deck name (`Interview::SQL` -> `anki-interview-sql`): the
/// prefix keeps imported decks apart from built-in ones.
pub fn deck_id(anki_name: &str) -> String {
    format!("anki-{}", slug(anki_name))
}

/// The stable id of the grill card made from Anki card `ord` of the note with `guid`.
pub fn card_key(guid: &str, ord: i64) -> String {
    format!("anki:{guid}:{ord}")
}

/// Parses a package's bytes. `clock` sets the day boundaries used to label the imported
/// history (the same ones the scheduler replays it with).
pub fn parse<Tz: TimeZone + Send>(
    file: &str,
    bytes: &[u8],
    options: &ImportOptions,
    limits: &Limits,
    clock: &DayClock<Tz>,
) -> Result<Parsed, DeckError> {
    let (mut parsed, answers) = open(file, bytes, options, limits, clock)?;
    parsed.history = (0..answers.cards()).flat_map(|i| answers.card(i, clock).1).collect();
    Ok(parsed)
}

/// Reads a package's bytes: everything [`parse`] returns but the answers, which [`Answers`]
/// maps card by card when they are written (a million of them held at once as grill's
/// reviews were 48 MB). Given owned bytes, it frees them once the collection is unpacked.
pub fn open<Tz: TimeZone + Send>(
    file: &str,
    bytes: impl AsRef<[u8]>,
    options: &ImportOptions,
    limits: &Limits,
    clock: &DayClock<Tz>,
) -> Result<(Parsed, Answers), DeckError> {
    let err =
        |field: &str, message: String| DeckError { file: file.to_owned(), line: 0, field: field.to_owned(), message };
    let package = package::open(bytes.as_ref(), limits).map_err(|m| err("package", m))?;
    drop(bytes);
    let path = package.collection.path();
    // The log (a million rows) is read on a second thread while the notes become cards.
    std::thread::scope(|scope| {
        let log = scope.spawn(|| collection::read_log(path));
        let mut collection = collection::read(path).map_err(|m| err("collection", m))?;
        let mut parsed = Parsed { media: package.media, ..Parsed::default() };
        let mut keys: HashMap<i64, (String, Card)> = HashMap::new();
        for card in &collection.cards {
            let Some(note) = collection.notes.get(&card.note) else { continue };
            if let Some(key) = home_card(note) {
                keys.insert(card.id, (key, *card));
                continue;
            }
            let note_type = collection.notetypes.get(&note.notetype).ok_or_else(|| {
                err(
                    &format!("note {}", note.id),
                    format!("its note type {} is missing from the package", note.notetype),
                )
            })?;
            let Some(spec) = card_spec(note, note_type, card) else {
                parsed.skipped_cards += 1;
                continue;
            };
            let anki_deck = collection.decks.get(&card.deck).cloned().unwrap_or_else(|| "Default".to_owned());
            keys.insert(card.id, (spec.id.clone(), *card));
            add_to_deck(&mut parsed.decks, &anki_deck, options, spec);
        }
        collection.notes = HashMap::new();
        let revlog =
            log.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)).map_err(|m| err("collection", m))?;
        let answers = import_history(&collection, revlog, &keys, clock, &mut parsed);
        Ok((parsed, answers))
    })
}

/// A note grill exported (`grill export --format apkg`) goes home: its reviews belong to the
/// grill card its GUID names, and no `anki:` card is made for it.
fn home_card(note: &Note) -> Option<String> {
    export::grill_key(&note.guid).map(str::to_owned)
}

/// The grill card for one Anki card; `None` when the card renders to an empty question (an
/// empty card Anki would not show either).
fn card_spec(note: &Note, note_type: &NoteType, card: &Card) -> Option<CardSpec> {
    let mut fields: HashMap<&str, &str> =
        note_type.fields.iter().map(String::as_str).zip(note.fields.iter().map(String::as_str)).collect();
    fields.insert("FrontSide", "");
    let (template, cloze) = if note_type.cloze {
        (note_type.templates.first()?, u32::try_from(card.ord + 1).ok()?)
    } else {
        (note_type.templates.get(usize::try_from(card.ord).ok()?)?, 0)
    };
    let prompt = html::to_text(&render(&template.0, &fields, cloze, Side::Question));
    if prompt.trim().is_empty() {
        return None;
    }
    let back = render(&template.1, &fields, cloze, Side::Answer);
    let mut answer = html::to_text(answer_part(&back));
    if answer.trim().is_empty() {
        answer = "(the Anki card has no answer)".to_owned();
    }
    Some(CardSpec { id: card_key(&note.guid, card.ord), prompt, answer, tags: note.tags.clone(), ..blank_card() })
}

fn add_to_deck(decks: &mut Vec<Deck>, anki_deck: &str, options: &ImportOptions, card: CardSpec) {
    let id = options.deck.clone().unwrap_or_else(|| deck_id(anki_deck));
    match decks.iter_mut().find(|d| d.deck.id == id) {
        Some(deck) => deck.cards.push(card),
        None => decks.push(Deck {
            deck: DeckInfo {
                id,
                name: anki_deck.to_owned(),
                area: guess_area(anki_deck),
                description: format!("Imported from the Anki deck {anki_deck:?}."),
            },
            cards: vec![card],
        }),
    }
}

/// The preset of a card's home deck (Anki's defaults when the deck or preset is missing).
fn preset_of<'c>(collection: &'c Collection, card: &Card, fallback: &'c Preset) -> &'c Preset {
    collection.deck_presets.get(&card.deck).and_then(|id| collection.presets.get(id)).unwrap_or(fallback)
}

/// Reads what each imported card's review log says about its schedule, with its preset's
/// rules, into `parsed.schedules` (and the presets in use), and keeps the log, `entries` (by
/// card, then time), for [`Answers`]: schedule `i` and `answers.card(i)` are the same card's.
fn import_history<Tz: TimeZone + Send>(
    collection: &Collection,
    entries: Vec<collection::RevlogRow>,
    keys: &HashMap<i64, (String, Card)>,
    clock: &DayClock<Tz>,
    parsed: &mut Parsed,
) -> Answers {
    let fallback = Preset::fallback();
    let mut logs: HashMap<i64, std::ops::Range<usize>> = HashMap::new();
    let mut start = 0;
    for card_log in entries.chunk_by(|a, b| a.card == b.card) {
        let range = start..start + card_log.len();
        start = range.end;
        if keys.contains_key(&card_log[0].card) {
            logs.insert(card_log[0].card, range);
        } else {
            // The log of a card that is not in the package (deleted in Anki) or was skipped.
            parsed.skipped_log_entries += card_log.len();
        }
    }
    let cards: Vec<(&String, &Card)> =
        collection.cards.iter().filter_map(|c| keys.get(&c.id)).map(|(key, card)| (key, card)).collect();
    let map = |cards: &[(&String, &Card)], clock: &DayClock<Tz>| -> Vec<Mapped> {
        cards.iter().map(|(key, card)| map_card(collection, &entries, &logs, key, card, &fallback, clock)).collect()
    };
    // Two threads map the cards (a million answers' days: a fifth of a second each way), this
    // one the first half.
    let (first, second) = cards.split_at(cards.len() / 2);
    let mapped = std::thread::scope(|scope| {
        let other = clock.clone();
        let second = scope.spawn(move || map(second, &other));
        let mut mapped = map(first, clock);
        mapped.extend(second.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        mapped
    });
    let mut answers = Answers { cards: Vec::with_capacity(keys.len()), answers: 0, revlog: Vec::new() };
    for card in mapped {
        parsed.skipped_log_entries += card.skipped;
        if let Some(preset) = card.counted {
            count_preset(&mut parsed.presets, preset);
        }
        parsed.schedules.push(card.schedule);
        answers.answers += card.answers;
        answers.cards.push(card.log);
    }
    answers.revlog = entries;
    answers
}

/// What the package says about one imported card, from its log.
struct Mapped<'c> {
    schedule: ImportedSchedule,
    log: CardLog,
    /// Entries that are not answers.
    skipped: usize,
    answers: usize,
    /// The card's preset, when the card has a memory state.
    counted: Option<&'c Preset>,
}

fn map_card<'c, Tz: TimeZone>(
    collection: &'c Collection,
    entries: &[collection::RevlogRow],
    logs: &HashMap<i64, std::ops::Range<usize>>,
    key: &str,
    card: &Card,
    fallback: &'c Preset,
    clock: &DayClock<Tz>,
) -> Mapped<'c> {
    let preset = preset_of(collection, card, fallback);
    let cutoff = revlog::Cutoff { ignore_before_ms: preset.ignore_before_ms, sm2_retention: preset.sm2_retention };
    let log = logs.get(&card.id).cloned().unwrap_or_default();
    let history = revlog::map_card(&entries[log.clone()], cutoff, clock);
    let last_counted = history.reviews.iter().rev().find(|m| m.kind != ReviewKind::Preview).map(|m| m.at);
    let due =
        last_counted.zip(anki_due(card, collection.created, clock)).map(|(after, due)| ImportedDue { due, after });
    let schedule = ImportedSchedule {
        card_key: key.to_owned(),
        answered: !history.reviews.is_empty(),
        counted: history.replay.counted,
        sm2: history.replay.sm2,
        after_reset: history.replay.after_reset,
        cut_off: history.replay.cut_off,
        due,
        suspended: card.queue < 0,
        lapses_before: u32::try_from(card.lapses).unwrap_or(0).saturating_sub(history.replay.counted_lapses),
        preset: preset.name.clone(),
    };
    Mapped {
        schedule,
        log: CardLog { key: std::sync::Arc::from(key), log, cutoff },
        skipped: history.skipped,
        answers: history.reviews.len(),
        counted: history.replay.counted.then_some(preset),
    }
}

/// The answers of an opened package's cards, mapped onto grill's log one card at a time. Each
/// card's log is mapped twice, once when the package is opened (for its schedule) and again
/// here: keeping the first mapping instead would hold a million answers as grill's reviews.
#[derive(Debug)]
pub struct Answers {
    /// The collection's log, by card, then time.
    revlog: Vec<collection::RevlogRow>,
    /// The imported cards, in the order of their schedules.
    cards: Vec<CardLog>,
    /// How many answers the cards have (the entries that are answers).
    answers: usize,
}

/// One imported card's place in [`Answers`].
#[derive(Debug)]
struct CardLog {
    key: std::sync::Arc<str>,
    log: std::ops::Range<usize>,
    cutoff: revlog::Cutoff,
}

impl Answers {
    /// How many cards: as many as the package's schedules.
    pub fn cards(&self) -> usize {
        self.cards.len()
    }

    /// How many answers all the cards have.
    pub fn len(&self) -> usize {
        self.answers
    }

    /// Whether no card has an answer.
    pub fn is_empty(&self) -> bool {
        self.answers == 0
    }

    /// Card `i`'s key and its answers as grill logs them, oldest first. `clock` must be the
    /// one the package was opened with.
    pub fn card<Tz: TimeZone>(&self, i: usize, clock: &DayClock<Tz>) -> (std::sync::Arc<str>, Vec<ImportedReview>) {
        let card = &self.cards[i];
        let history = revlog::map_card(&self.revlog[card.log.clone()], card.cutoff, clock);
        let reviews = history
            .reviews
            .into_iter()
            .map(|m| ImportedReview {
                card_key: card.key.clone(),
                at: m.at,
                rating: m.rating,
                kind: m.kind,
                duration_ms: m.duration_ms,
            })
            .collect();
        (card.key.clone(), reviews)
    }
}

fn count_preset(presets: &mut Vec<ImportedPreset>, preset: &Preset) {
    match presets.iter_mut().find(|p| p.name == preset.name && p.params == preset.params) {
        Some(p) => p.cards += 1,
        None => presets.push(ImportedPreset {
            name: preset.name.clone(),
            params: preset.params.clone(),
            desired_retention: preset.desired_retention,
            cards: 1,
        }),
    }
}

/// 2200-01-01: no real collection is created or due later.
const MAX_TIME_SECS: i64 = 7_258_118_400;

/// When Anki has the card due: review cards (and day-learning ones) hold a day number counted
/// from the collection's creation day, cards in learning a Unix time in seconds (Anki tells
/// them apart the same way, by size). `None` for new cards.
fn anki_due<Tz: TimeZone>(card: &Card, created_secs: i64, clock: &DayClock<Tz>) -> Option<DateTime<Utc>> {
    if card.kind == 0 {
        return None;
    }
    if card.due > 1_000_000_000 {
        return DateTime::<Utc>::from_timestamp(card.due.min(MAX_TIME_SECS), 0);
    }
    // A day number no collection reaches (a damaged or hostile package): let FSRS schedule it.
    if !(-1_000_000..=1_000_000).contains(&card.due) || !(0..=MAX_TIME_SECS).contains(&created_secs) {
        return None;
    }
    let created = DateTime::<Utc>::from_timestamp(created_secs, 0)?;
    Some(clock.day_start(clock.day_of(created) + card.due))
}

/// How an import's Anki cards got their memory states, for the summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReplayCounts {
    /// Cards with a memory state.
    pub replayed: usize,
    /// ... from a complete history (a run of learning steps).
    pub complete: usize,
    /// ... from the SM-2 fallback.
    pub sm2: usize,
    /// ... whose history starts after a reset.
    pub after_reset: usize,
    /// ... whose preset's cut-off left answers out.
    pub cut_off: usize,
    /// Cards with answers but no state (reset and not answered since).
    pub without_state: usize,
    /// Cards keeping the due date Anki had.
    pub due_kept: usize,
}

impl ReplayCounts {
    /// The counts for everything `parsed` holds.
    pub fn of(parsed: &Parsed) -> ReplayCounts {
        let mut c = ReplayCounts::default();
        for s in &parsed.schedules {
            if !s.counted {
                c.without_state += usize::from(s.answered);
                continue;
            }
            c.replayed += 1;
            c.complete += usize::from(s.sm2.is_none());
            c.sm2 += usize::from(s.sm2.is_some());
            c.after_reset += usize::from(s.after_reset);
            c.cut_off += usize::from(s.cut_off);
            c.due_kept += usize::from(s.due.is_some());
        }
        c
    }
}
