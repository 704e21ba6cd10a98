//! Reading an Anki collection (a private temporary copy, opened read-only and guarded):
//! schema 11 keeps note types and decks as JSON in `col`; schema 18 in tables with protobuf
//! blobs. Both come out as the same plain values.

use std::collections::HashMap;

use prost::Message;
use rusqlite::Connection;

use super::proto::{KIND_CLOZE, NotetypeConfig, TemplateConfig};

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

/// A card: which note, which template or cloze number, which deck.
#[derive(Debug, Clone, Copy)]
pub struct Card {
    pub id: i64,
    pub note: i64,
    /// The card's home deck (its original deck when it sits in a filtered deck).
    pub deck: i64,
    pub ord: i64,
}

/// One review-log row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RevlogRow {
    /// Milliseconds since the epoch: the moment of the answer.
    pub id: i64,
    pub card: i64,
    /// The button (1-4); 0 for entries that are not answers.
    pub ease: i64,
    pub factor: i64,
    /// Milliseconds spent answering.
    pub time: i64,
    /// 0 learning, 1 review, 2 relearning, 3 filtered, 4 manual, 5 rescheduled.
    pub kind: i64,
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
    /// By card, then time.
    pub revlog: Vec<RevlogRow>,
}

/// Reads the collection in the file at `path` (the package's private temporary copy), through
/// [`super::guard`], which refuses a schema holding code and bounds the work.
pub fn read(path: &std::path::Path) -> Result<Collection, String> {
    let conn = super::guard::open(path)?;
    let version: i64 = conn.query_row("SELECT ver FROM col", [], |r| r.get(0)).map_err(sql)?;
    let mut collection = Collection::default();
    if version >= 15 {
        read_modern_notetypes(&conn, &mut collection)?;
        read_modern_decks(&conn, &mut collection)?;
    } else {
        read_legacy_col(&conn, &mut collection)?;
    }
    read_notes(&conn, &mut collection)?;
    read_cards(&conn, &mut collection)?;
    read_revlog(&conn, &mut collection)?;
    Ok(collection)
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
    let mut stmt = conn.prepare("SELECT id, name FROM decks").map_err(sql)?;
    for row in stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))).map_err(sql)? {
        let (id, name) = row.map_err(sql)?;
        out.decks.insert(id, name.split('\u{1f}').collect::<Vec<_>>().join("::"));
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
}

fn read_legacy_col(conn: &Connection, out: &mut Collection) -> Result<(), String> {
    let (models, decks): (String, String) =
        conn.query_row("SELECT models, decks FROM col", [], |r| Ok((r.get(0)?, r.get(1)?))).map_err(sql)?;
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
        out.decks.insert(id, deck.name);
    }
    Ok(())
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
    let mut stmt = conn.prepare("SELECT id, nid, did, odid, ord FROM cards ORDER BY nid, ord").map_err(sql)?;
    let rows = stmt.query_map([], |r| {
        let (did, odid): (i64, i64) = (r.get(2)?, r.get(3)?);
        Ok(Card { id: r.get(0)?, note: r.get(1)?, deck: if odid != 0 { odid } else { did }, ord: r.get(4)? })
    });
    out.cards = rows.map_err(sql)?.collect::<Result<_, _>>().map_err(sql)?;
    Ok(())
}

fn read_revlog(conn: &Connection, out: &mut Collection) -> Result<(), String> {
    let mut stmt =
        conn.prepare("SELECT id, cid, ease, factor, time, type FROM revlog ORDER BY cid, id").map_err(sql)?;
    let rows = stmt.query_map([], |r| {
        Ok(RevlogRow {
            id: r.get(0)?,
            card: r.get(1)?,
            ease: r.get(2)?,
            factor: r.get(3)?,
            time: r.get(4)?,
            kind: r.get(5)?,
        })
    });
    out.revlog = rows.map_err(sql)?.collect::<Result<_, _>>().map_err(sql)?;
    Ok(())
}
