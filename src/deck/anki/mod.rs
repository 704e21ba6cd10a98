//! Anki packages (`.apkg`, `.colpkg`): the legacy `collection.anki2`/`.anki21` (schema 11) and
//! the current zstd-compressed `collection.anki21b` (schema 18). One grill card per Anki card,
//! id `anki:<note guid>:<card ordinal>`; deck names, tags and the review history come along.

mod collection;
mod guard;
mod package;
mod proto;
mod revlog;
mod template;

pub use package::Limits;

use std::collections::HashMap;

use chrono::TimeZone;

use super::csv::blank_card;
use super::import::{ImportOptions, ImportedReview, Parsed, guess_area, slug};
use super::{CardSpec, Deck, DeckError, DeckInfo, html};
use crate::scheduler::DayClock;
use collection::{Card, Collection, Note, NoteType};
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
pub fn parse<Tz: TimeZone>(
    file: &str,
    bytes: &[u8],
    options: &ImportOptions,
    limits: &Limits,
    clock: &DayClock<Tz>,
) -> Result<Parsed, DeckError> {
    let err =
        |field: &str, message: String| DeckError { file: file.to_owned(), line: 0, field: field.to_owned(), message };
    let package = package::open(bytes, limits).map_err(|m| err("package", m))?;
    let collection = collection::read(package.collection.path()).map_err(|m| err("collection", m))?;
    let mut parsed = Parsed { media: package.media, ..Parsed::default() };
    let mut keys: HashMap<i64, String> = HashMap::new();
    for card in &collection.cards {
        let Some(note) = collection.notes.get(&card.note) else { continue };
        let note_type = collection.notetypes.get(&note.notetype).ok_or_else(|| {
            err(&format!("note {}", note.id), format!("its note type {} is missing from the package", note.notetype))
        })?;
        let Some(spec) = card_spec(note, note_type, card) else {
            parsed.skipped_cards += 1;
            continue;
        };
        let anki_deck = collection.decks.get(&card.deck).cloned().unwrap_or_else(|| "Default".to_owned());
        keys.insert(card.id, spec.id.clone());
        add_to_deck(&mut parsed.decks, &anki_deck, options, spec);
    }
    import_history(&collection, &keys, clock, &mut parsed);
    Ok(parsed)
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

/// Brings each imported card's review log across.
fn import_history<Tz: TimeZone>(
    collection: &Collection,
    keys: &HashMap<i64, String>,
    clock: &DayClock<Tz>,
    parsed: &mut Parsed,
) {
    for entries in collection.revlog.chunk_by(|a, b| a.card == b.card) {
        let Some(key) = keys.get(&entries[0].card) else {
            // The log of a card that is not in the package (deleted in Anki) or was skipped.
            parsed.skipped_log_entries += entries.len();
            continue;
        };
        let (mapped, skipped) = revlog::map_card(entries, clock);
        parsed.skipped_log_entries += skipped;
        parsed.history.extend(mapped.into_iter().map(|m| ImportedReview {
            card_key: key.clone(),
            at: m.at,
            rating: m.rating,
            kind: m.kind,
            duration_ms: m.duration_ms,
        }));
    }
}
