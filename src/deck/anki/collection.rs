//! Reading an Anki collection (a private temporary copy, opened read-only and guarded):
//! schema 11 keeps note types and decks as JSON in `col`; schema 18 in tables with protobuf
//! blobs. Both come out as the same plain values.

use std::collections::HashMap;

use prost::Message;
use rusqlite::Connection;

use super::proto::{DeckConfigInner, DeckKind, KIND_CLOZE, NotetypeConfig, TemplateConfig};

/// A note type: field names in order, and its card templates.
#[derive(Debug, Clone, Default)]
pub struct NoteType {
    pub cloze: bool,
    pub fields: Vec<String>,
    /// (question format, answer format) by template ordinal.
    pub templates: Vec<(String, String)>,
}

/// A note: its fields (by the note type's order) and tags.
#[derive(Debug, Clone)]
pub struct Note {
    pub id: i64,
    pub guid: String,
    pub notetype: i64,
    pub tags: Vec<String>,
    pub fields: Vec<String>,
}

/// A card: which note, which template or cloze number, which deck, and where Anki has it.
#[derive(Debug, Clone, Copy)]
pub struct Card {
    pub id: i64,
    pub note: i64,
    /// The card's home deck (its original deck when it sits in a filtered deck).
    pub deck: i64,
    pub ord: i64,
    /// Anki's card type: 0 new, 1 learning, 2 review, 3 relearning.
    pub kind: i64,
    /// Anki's queue: negative when suspended (-1) or buried (-2, -3).
    pub queue: i64,
    /// Day number (since the collection's creation) for review cards, a Unix time in seconds
    /// for cards in learning; the home deck's due when the card sits in a filtered deck.
    pub due: i64,
    /// Times the card lapsed, as Anki counts them.
    pub lapses: i64,
}

/// One review-log row, in 32 bytes: a collection's whole log is held while it is grouped by
/// card (a million answers). Anki's columns are 64-bit; the narrower ones here saturate, which
/// keeps every comparison the mapping makes (a button past 4 is still no answer, an interval
/// past 2^31 days still inter-day).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RevlogRow {
    /// Milliseconds since the epoch: the moment of the answer.
    pub id: i64,
    pub card: i64,
    /// The ease factor in permille (2500 for 2.5).
    pub factor: i32,
    /// Milliseconds spent answering.
    pub time: i32,
    /// The interval after the answer: days when positive, seconds when negative.
    pub ivl: i32,
    /// The button (1-4); 0 for entries that are not answers.
    pub ease: i8,
    /// 0 learning, 1 review, 2 relearning, 3 filtered, 4 manual, 5 rescheduled.
    pub kind: i8,
}

/// Everything grill takes from a collection.
#[derive(Debug, Default)]
pub struct Collection {
    pub notetypes: HashMap<i64, NoteType>,
    /// Full deck names, nested with `::`.
    pub decks: HashMap<i64, String>,
    pub notes: HashMap<i64, Note>,
    /// In note creation order, then template order.
    pub cards: Vec<Card>,
    /// The collection's creation (Unix seconds): review cards' due days count from its day.
    pub created: i64,
    /// Deck id -> its preset (deck options group) id.
    pub deck_presets: HashMap<i64, i64>,
    /// Preset id -> the preset.
    pub presets: HashMap<i64, Preset>,
}

/// A deck options preset, as far as FSRS is concerned.
#[derive(Debug, Clone, PartialEq)]
pub struct Preset {
    pub name: String,
    /// `fsrsParams6`, else `fsrsParams5`, else `fsrsWeights` (Anki's `DeckConfig::fsrs_params`);
    /// empty when the preset uses the defaults.
    pub params: Vec<f32>,
    pub desired_retention: f32,
    /// The retention SM-2 was assumed to reach (`sm2Retention`, Anki's historical retention).
    pub sm2_retention: f32,
    /// `ignoreRevlogsBeforeDate` as Unix milliseconds (midnight UTC); 0 when unset.
    pub ignore_before_ms: i64,
}

impl Preset {
    /// Anki's defaults, for a deck whose preset is missing.
    pub fn fallback() -> Preset {
        Preset {
            name: "Default".to_owned(),
            params: Vec::new(),
            desired_retention: 0.9,
            sm2_retention: 0.9,
            ignore_before_ms: 0,
        }
    }

    /// The preset from its raw fields: zeros (unset) become Anki's defaults.
    fn new(name: String, params: [Vec<f32>; 3], desired: f32, sm2: f32, ignore_before: &str) -> Preset {
        let [p6, p5, p4] = params;
        let params = [p6, p5, p4].into_iter().find(|p| !p.is_empty()).unwrap_or_default();
        let or_default = |x: f32| if x > 0.0 && x < 1.0 { x } else { 0.9 };
        Preset {
            name,
            params,
            desired_retention: or_default(desired),
            sm2_retention: or_default(sm2),
            ignore_before_ms: ignore_before_ms(ignore_before),
        }
    }
}

/// Anki's `ignore_revlogs_before_date_to_ms`: `YYYY-MM-DD` at midnight UTC; empty or
/// unreadable means no cut-off.
fn ignore_before_ms(date: &str) -> i64 {
    chrono::NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map_or(0, |t| t.and_utc().timestamp_millis())
}

/// Reads the collection in the file at `path` (the package's private temporary copy), through
/// [`super::guard`], which refuses a schema holding code and bounds the work; all but the review
/// log, which [`read_log`] reads.
pub fn read(path: &std::path::Path) -> Result<Collection, String> {
    let conn = super::guard::open(path)?;
    let version: i64 = conn.query_row("SELECT ver FROM col", [], |r| r.get(0)).map_err(sql)?;
    let created = conn.query_row("SELECT crt FROM col", [], |r| r.get(0)).map_err(sql)?;
    let mut collection = Collection { created, ..Collection::default() };
    if version >= 15 {
        read_modern_notetypes(&conn, &mut collection)?;
        read_modern_decks(&conn, &mut collection)?;
        read_modern_presets(&conn, &mut collection)?;
    } else {
        read_legacy_col(&conn, &mut collection)?;
    }
    read_notes(&conn, &mut collection)?;
    read_cards(&conn, &mut collection)?;
    Ok(collection)
}

/// Reads the review log of the collection in the file at `path`, by card, then time: apart
/// from [`read`] and on a connection of its own, so the two can run side by side.
pub fn read_log(path: &std::path::Path) -> Result<Vec<RevlogRow>, String> {
    read_revlog(&super::guard::open(path)?)
}

fn sql(e: rusqlite::Error) -> String {
    format!("cannot read the collection ({e})")
}

fn read_modern_notetypes(conn: &Connection, out: &mut Collection) -> Result<(), String> {
    let mut stmt = conn.prepare("SELECT id, config FROM notetypes").map_err(sql)?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, raw(r, 1)?)));
    for row in rows.map_err(sql)? {
        let (id, config) = row.map_err(sql)?;
        let kind = NotetypeConfig::decode(config.as_slice()).map(|c| c.kind).unwrap_or(0);
        out.notetypes.insert(id, NoteType { cloze: kind == KIND_CLOZE, ..NoteType::default() });
    }
    // `fields` and `templates` may hold rows of note types that no longer exist: skip those.
    let mut stmt = conn.prepare("SELECT ntid, name FROM fields ORDER BY ntid, ord").map_err(sql)?;
    for row in stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))).map_err(sql)? {
        let (ntid, name) = row.map_err(sql)?;
        if let Some(nt) = out.notetypes.get_mut(&ntid) {
            nt.fields.push(name);
        }
    }
    let mut stmt = conn.prepare("SELECT ntid, config FROM templates ORDER BY ntid, ord").map_err(sql)?;
    for row in stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, raw(r, 1)?))).map_err(sql)? {
        let (ntid, config) = row.map_err(sql)?;
        if let Some(nt) = out.notetypes.get_mut(&ntid) {
            let t =
                TemplateConfig::decode(config.as_slice()).map_err(|e| format!("note type {ntid}: template ({e})"))?;
            nt.cloze |= t.q_format.contains("{{cloze:");
            nt.templates.push((t.q_format, t.a_format));
        }
    }
    Ok(())
}

fn read_modern_decks(conn: &Connection, out: &mut Collection) -> Result<(), String> {
    let mut stmt = conn.prepare("SELECT id, name, kind FROM decks").map_err(sql)?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, raw(r, 2)?)));
    for row in rows.map_err(sql)? {
        let (id, name, kind) = row.map_err(sql)?;
        out.decks.insert(id, name.split('\u{1f}').collect::<Vec<_>>().join("::"));
        // A deck whose kind cannot be read (or a filtered deck) has no preset: Anki's defaults.
        if let Some(normal) = DeckKind::decode(kind.as_slice()).ok().and_then(|k| k.normal) {
            out.deck_presets.insert(id, normal.config_id);
        }
    }
    Ok(())
}

fn read_modern_presets(conn: &Connection, out: &mut Collection) -> Result<(), String> {
    // A package written by something other than Anki may lack presets: Anki's defaults then.
    let exists: bool = conn
        .query_row("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'deck_config'", [], |r| r.get(0))
        .map_err(sql)?;
    if !exists {
        return Ok(());
    }
    let mut stmt = conn.prepare("SELECT id, name, config FROM deck_config").map_err(sql)?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, raw(r, 2)?)));
    for row in rows.map_err(sql)? {
        let (id, name, config) = row.map_err(sql)?;
        let c = DeckConfigInner::decode(config.as_slice()).map_err(|e| format!("preset {name:?}: {e}"))?;
        let preset = Preset::new(
            name,
            [c.fsrs_params_6, c.fsrs_params_5, c.fsrs_params_4],
            c.desired_retention,
            c.historical_retention,
            &c.ignore_revlogs_before_date,
        );
        out.presets.insert(id, preset);
    }
    Ok(())
}

#[derive(serde::Deserialize)]
struct LegacyNoteType {
    #[serde(rename = "type", default)]
    kind: i32,
    flds: Vec<LegacyField>,
    tmpls: Vec<LegacyTemplate>,
}

#[derive(serde::Deserialize)]
struct LegacyField {
    name: String,
    ord: i64,
}

#[derive(serde::Deserialize)]
struct LegacyTemplate {
    ord: i64,
    qfmt: String,
    afmt: String,
}

#[derive(serde::Deserialize)]
struct LegacyDeck {
    name: String,
    /// The preset id (absent on filtered decks).
    #[serde(default)]
    conf: Option<serde_json::Value>,
}

/// A schema-11 preset (`col.dconf`): only the FSRS fields, with Anki's JSON names.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct LegacyPreset {
    #[serde(default)]
    name: String,
    #[serde(default)]
    fsrs_params_6: Vec<f32>,
    #[serde(default)]
    fsrs_params_5: Vec<f32>,
    #[serde(default, rename = "fsrsWeights")]
    fsrs_params_4: Vec<f32>,
    #[serde(default)]
    desired_retention: f32,
    #[serde(default)]
    sm2_retention: f32,
    #[serde(default)]
    ignore_revlogs_before_date: String,
}

fn read_legacy_col(conn: &Connection, out: &mut Collection) -> Result<(), String> {
    let (models, decks, dconf): (String, String, String) = conn
        .query_row("SELECT models, decks, dconf FROM col", [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .map_err(sql)?;
    let models: HashMap<String, LegacyNoteType> =
        serde_json::from_str(&models).map_err(|e| format!("col.models: not valid note types ({e})"))?;
    for (id, mut m) in models {
        let id = id.parse().map_err(|_| format!("col.models: note type id {id:?} is not a number"))?;
        m.flds.sort_by_key(|f| f.ord);
        m.tmpls.sort_by_key(|t| t.ord);
        let templates: Vec<(String, String)> = m.tmpls.into_iter().map(|t| (t.qfmt, t.afmt)).collect();
        let cloze = m.kind == KIND_CLOZE || templates.iter().any(|(q, _)| q.contains("{{cloze:"));
        let fields = m.flds.into_iter().map(|f| f.name).collect();
        out.notetypes.insert(id, NoteType { cloze, fields, templates });
    }
    let decks: HashMap<String, LegacyDeck> =
        serde_json::from_str(&decks).map_err(|e| format!("col.decks: not valid decks ({e})"))?;
    for (id, deck) in decks {
        let id = id.parse().map_err(|_| format!("col.decks: deck id {id:?} is not a number"))?;
        if let Some(conf) = deck.conf.as_ref().and_then(json_id) {
            out.deck_presets.insert(id, conf);
        }
        out.decks.insert(id, deck.name);
    }
    // A preset that cannot be read leaves its decks on Anki's defaults rather than failing the
    // whole import: the cards and their history matter more than the options.
    let presets: HashMap<String, serde_json::Value> = serde_json::from_str(&dconf).unwrap_or_default();
    for (id, value) in presets {
        let (Ok(id), Ok(p)) = (id.parse(), serde_json::from_value::<LegacyPreset>(value)) else { continue };
        let params = [p.fsrs_params_6, p.fsrs_params_5, p.fsrs_params_4];
        out.presets.insert(
            id,
            Preset::new(p.name, params, p.desired_retention, p.sm2_retention, &p.ignore_revlogs_before_date),
        );
    }
    Ok(())
}

/// An id Anki wrote as a JSON number or string.
fn json_id(v: &serde_json::Value) -> Option<i64> {
    v.as_i64().or_else(|| v.as_str().and_then(|s| s.parse().ok()))
}

/// The most a note's fields may hold, HTML included (embedded images can make a real note a
/// few MiB). Checked before any rendering, so a hostile note costs no time; the text that
/// comes out must still fit `import::MAX_TEXT_BYTES`.
const MAX_NOTE_BYTES: usize = 16 << 20;

fn read_notes(conn: &Connection, out: &mut Collection) -> Result<(), String> {
    let mut stmt = conn.prepare("SELECT id, guid, mid, tags, flds FROM notes").map_err(sql)?;
    let rows =
        stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, raw(r, 1)?, r.get::<_, i64>(2)?, raw(r, 3)?, raw(r, 4)?)));
    for row in rows.map_err(sql)? {
        let (id, guid, notetype, tags, flds) = row.map_err(sql)?;
        if flds.len() > MAX_NOTE_BYTES {
            return Err(format!(
                "note {id}: its fields hold {:.1} MiB; a note may hold at most {} MiB (a flashcard, not a document)",
                flds.len() as f64 / f64::from(1 << 20),
                MAX_NOTE_BYTES >> 20
            ));
        }
        let text = |bytes: Vec<u8>, field: &str| {
            String::from_utf8(bytes).map_err(|_| format!("note {id}: {field}: not valid UTF-8"))
        };
        let guid = text(guid, "guid")?;
        let tags = text(tags, "tags")?.split_whitespace().map(str::to_owned).collect();
        let fields = text(flds, "fields")?.split('\u{1f}').map(str::to_owned).collect();
        out.notes.insert(id, Note { id, guid, notetype, tags, fields });
    }
    Ok(())
}

/// A column's bytes whatever its storage class, so invalid UTF-8 can be reported by note.
fn raw(row: &rusqlite::Row, i: usize) -> rusqlite::Result<Vec<u8>> {
    use rusqlite::types::ValueRef;
    Ok(match row.get_ref(i)? {
        ValueRef::Text(b) | ValueRef::Blob(b) => b.to_vec(),
        ValueRef::Integer(n) => n.to_string().into_bytes(),
        ValueRef::Real(x) => x.to_string().into_bytes(),
        ValueRef::Null => Vec::new(),
    })
}

fn read_cards(conn: &Connection, out: &mut Collection) -> Result<(), String> {
    let mut stmt = conn
        .prepare("SELECT id, nid, did, odid, ord, type, queue, due, odue, lapses FROM cards ORDER BY nid, ord")
        .map_err(sql)?;
    let rows = stmt.query_map([], |r| {
        let (did, odid): (i64, i64) = (r.get(2)?, r.get(3)?);
        let (due, odue): (i64, i64) = (r.get(7)?, r.get(8)?);
        Ok(Card {
            id: r.get(0)?,
            note: r.get(1)?,
            deck: if odid != 0 { odid } else { did },
            ord: r.get(4)?,
            kind: r.get(5)?,
            queue: r.get(6)?,
            due: if odid != 0 && odue != 0 { odue } else { due },
            lapses: r.get(9)?,
        })
    });
    out.cards = rows.map_err(sql)?.collect::<Result<_, _>>().map_err(sql)?;
    Ok(())
}

fn read_revlog(conn: &Connection) -> Result<Vec<RevlogRow>, String> {
    // In the table's order, then sorted here: `ORDER BY cid, id` walked Anki's card index and
    // looked up each row, a random page per answer (1.9 of 8.7 s for a million answers).
    // Sized first: grown by doubling, the vector held up to twice the log while it grew.
    let count: i64 = conn.query_row("SELECT count(*) FROM revlog", [], |r| r.get(0)).map_err(sql)?;
    let mut revlog = Vec::with_capacity(usize::try_from(count).unwrap_or(0));
    let mut stmt =
        conn.prepare("SELECT id, cid, ease, factor, time, type, ivl FROM revlog NOT INDEXED").map_err(sql)?;
    let mut rows = stmt.query([]).map_err(sql)?;
    while let Some(r) = rows.next().map_err(sql)? {
        let narrow = |i: usize| r.get::<_, i64>(i).map(|v| v.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32);
        revlog.push(RevlogRow {
            id: r.get(0).map_err(sql)?,
            card: r.get(1).map_err(sql)?,
            ease: narrow(2).map_err(sql)?.clamp(i32::from(i8::MIN), i32::from(i8::MAX)) as i8,
            factor: narrow(3).map_err(sql)?,
            time: narrow(4).map_err(sql)?,
            kind: narrow(5).map_err(sql)?.clamp(i32::from(i8::MIN), i32::from(i8::MAX)) as i8,
            ivl: narrow(6).map_err(sql)?,
        });
    }
    revlog.sort_unstable_by_key(|r| (r.card, r.id));
    Ok(revlog)
}
