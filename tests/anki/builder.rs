//! Builds small Anki packages for the tests, in both the legacy format (schema-11
//! `collection.anki2`, JSON note types) and the current one (zstd `collection.anki21b`,
//! schema 18 with protobuf blobs, `meta`, zstd media map).
#![allow(dead_code)]

use std::io::Write;

use rusqlite::{Connection, params};

/// A note: guid, note type (`basic`, `reversed` or `cloze`), fields, tags, deck id.
pub struct Note {
    pub id: i64,
    pub guid: &'static str,
    pub kind: &'static str,
    pub fields: Vec<String>,
    pub tags: &'static str,
    pub deck: i64,
}

/// A review-log row: card id, time (ms), button, type, factor.
#[derive(Clone, Copy)]
pub struct Rev {
    pub card: i64,
    pub at_ms: i64,
    pub ease: i64,
    pub kind: i64,
    pub factor: i64,
}

/// A whole package's contents.
pub struct Spec {
    pub notes: Vec<Note>,
    pub revlog: Vec<Rev>,
    /// Deck id -> full name (`::` nesting).
    pub decks: Vec<(i64, &'static str)>,
    pub media: Vec<&'static str>,
    /// Extra zip entries (name, bytes), e.g. a hostile `../evil`.
    pub extra: Vec<(String, Vec<u8>)>,
    /// Raw bytes to store as one note's fields (note id, bytes), e.g. invalid UTF-8.
    pub raw_fields: Option<(i64, Vec<u8>)>,
}

const BASIC: i64 = 1001;
const REVERSED: i64 = 1002;
const CLOZE: i64 = 1003;

/// The card id of note `note`'s card `ord` (cards are numbered note * 10 + ord).
pub fn card_id(note: i64, ord: i64) -> i64 {
    note * 10 + ord
}

fn note_type(kind: &str) -> (i64, usize) {
    match kind {
        "basic" => (BASIC, 1),
        "reversed" => (REVERSED, 2),
        _ => (CLOZE, 2),
    }
}

fn templates(ntid: i64) -> Vec<(&'static str, &'static str)> {
    let back = "{{FrontSide}}\n\n<hr id=answer>\n\n{{Back}}";
    match ntid {
        BASIC => vec![("{{Front}}", back)],
        REVERSED => vec![("{{Front}}", back), ("{{Back}}", "{{FrontSide}}\n\n<hr id=answer>\n\n{{Front}}")],
        _ => vec![("{{cloze:Text}}", "{{cloze:Text}}<br>\n{{Back Extra}}")],
    }
}

fn field_names(ntid: i64) -> [&'static str; 2] {
    if ntid == CLOZE { ["Text", "Back Extra"] } else { ["Front", "Back"] }
}

const NOTES_AND_CARDS: &str = "
    CREATE TABLE notes (id integer PRIMARY KEY, guid text NOT NULL, mid integer NOT NULL, mod integer NOT NULL,
        usn integer NOT NULL, tags text NOT NULL, flds text NOT NULL, sfld integer NOT NULL, csum integer NOT NULL,
        flags integer NOT NULL, data text NOT NULL);
    CREATE TABLE cards (id integer PRIMARY KEY, nid integer NOT NULL, did integer NOT NULL, ord integer NOT NULL,
        mod integer NOT NULL, usn integer NOT NULL, type integer NOT NULL, queue integer NOT NULL, due integer NOT NULL,
        ivl integer NOT NULL, factor integer NOT NULL, reps integer NOT NULL, lapses integer NOT NULL,
        left integer NOT NULL, odue integer NOT NULL, odid integer NOT NULL, flags integer NOT NULL, data text NOT NULL);
    CREATE TABLE revlog (id integer PRIMARY KEY, cid integer NOT NULL, usn integer NOT NULL, ease integer NOT NULL,
        ivl integer NOT NULL, lastIvl integer NOT NULL, factor integer NOT NULL, time integer NOT NULL,
        type integer NOT NULL);
    CREATE TABLE col (id integer PRIMARY KEY, crt integer NOT NULL, mod integer NOT NULL, scm integer NOT NULL,
        ver integer NOT NULL, dty integer NOT NULL, usn integer NOT NULL, ls integer NOT NULL, conf text NOT NULL,
        models text NOT NULL, decks text NOT NULL, dconf text NOT NULL, tags text NOT NULL);";

fn fill_notes(conn: &Connection, spec: &Spec) {
    for note in &spec.notes {
        let (ntid, templates) = note_type(note.kind);
        conn.execute(
            "INSERT INTO notes VALUES (?1, ?2, ?3, 0, 0, ?4, ?5, '', 0, 0, '')",
            params![note.id, note.guid, ntid, note.tags, note.fields.join("\u{1f}")],
        )
        .unwrap();
        let cards = if note.kind == "cloze" { cloze_count(&note.fields[0]) } else { templates };
        for ord in 0..cards as i64 {
            conn.execute(
                "INSERT INTO cards VALUES (?1, ?2, ?3, ?4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '')",
                params![card_id(note.id, ord), note.id, note.deck, ord],
            )
            .unwrap();
        }
    }
    if let Some((note, bytes)) = &spec.raw_fields {
        conn.execute("UPDATE notes SET flds = ?2 WHERE id = ?1", params![note, bytes]).unwrap();
    }
    for r in &spec.revlog {
        conn.execute(
            "INSERT INTO revlog VALUES (?1, ?2, 0, ?3, 1, 0, ?4, 4000, ?5)",
            params![r.at_ms, r.card, r.ease, r.factor, r.kind],
        )
        .unwrap();
    }
}

fn cloze_count(text: &str) -> usize {
    (1..10).filter(|n| text.contains(&format!("{{{{c{n}::"))).count()
}

fn db_bytes(build: impl FnOnce(&Connection)) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("collection");
    let conn = Connection::open(&path).unwrap();
    conn.create_collation("unicase", |a: &str, b: &str| a.to_lowercase().cmp(&b.to_lowercase())).unwrap();
    build(&conn);
    drop(conn);
    std::fs::read(&path).unwrap()
}

/// A schema-11 collection: note types and decks as JSON in `col`.
pub fn legacy_collection(spec: &Spec) -> Vec<u8> {
    db_bytes(|conn| {
        conn.execute_batch(NOTES_AND_CARDS).unwrap();
        let models: serde_json::Map<String, serde_json::Value> = [BASIC, REVERSED, CLOZE]
            .iter()
            .map(|&id| {
                let names = field_names(id);
                let tmpls: Vec<_> = templates(id)
                    .iter()
                    .enumerate()
                    .map(|(ord, (q, a))| serde_json::json!({"name": format!("Card {}", ord + 1), "ord": ord, "qfmt": q, "afmt": a}))
                    .collect();
                let model = serde_json::json!({
                    "id": id, "name": format!("type {id}"), "type": if id == CLOZE { 1 } else { 0 },
                    "flds": [{"name": names[0], "ord": 0}, {"name": names[1], "ord": 1}], "tmpls": tmpls,
                });
                (id.to_string(), model)
            })
            .collect();
        let decks: serde_json::Map<String, serde_json::Value> =
            spec.decks.iter().map(|(id, name)| (id.to_string(), serde_json::json!({"id": id, "name": name}))).collect();
        conn.execute(
            "INSERT INTO col VALUES (1, 0, 0, 0, 11, 0, 0, 0, '{}', ?1, ?2, '{}', '{}')",
            params![serde_json::Value::Object(models).to_string(), serde_json::Value::Object(decks).to_string()],
        )
        .unwrap();
        fill_notes(conn, spec);
    })
}

/// Protobuf: a length-delimited field.
fn pb_bytes(tag: u8, data: &[u8]) -> Vec<u8> {
    let mut out = vec![(tag << 3) | 2];
    let mut n = data.len();
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            break;
        }
        out.push(byte | 0x80);
    }
    out.extend_from_slice(data);
    out
}

/// A schema-18 collection: note types, fields, templates and decks in their own tables.
fn modern_collection(spec: &Spec) -> Vec<u8> {
    db_bytes(|conn| {
        conn.execute_batch(NOTES_AND_CARDS).unwrap();
        conn.execute_batch(
            "CREATE TABLE notetypes (id integer NOT NULL PRIMARY KEY, name text NOT NULL COLLATE unicase,
                 mtime_secs integer NOT NULL, usn integer NOT NULL, config blob NOT NULL);
             CREATE TABLE fields (ntid integer NOT NULL, ord integer NOT NULL, name text NOT NULL COLLATE unicase,
                 config blob NOT NULL, PRIMARY KEY (ntid, ord)) without rowid;
             CREATE UNIQUE INDEX idx_fields_name_ntid ON fields (name, ntid);
             CREATE TABLE templates (ntid integer NOT NULL, ord integer NOT NULL, name text NOT NULL COLLATE unicase,
                 mtime_secs integer NOT NULL, usn integer NOT NULL, config blob NOT NULL,
                 PRIMARY KEY (ntid, ord)) without rowid;
             CREATE TABLE decks (id integer PRIMARY KEY NOT NULL, name text NOT NULL COLLATE unicase,
                 mtime_secs integer NOT NULL, usn integer NOT NULL, common blob NOT NULL, kind blob NOT NULL);
             INSERT INTO col VALUES (1, 0, 0, 0, 18, 0, 0, 0, '', '', '', '', '');",
        )
        .unwrap();
        for id in [BASIC, REVERSED, CLOZE] {
            // NotetypeConfig: kind (field 1) = 1 for cloze; the default 0 is not written.
            let config: Vec<u8> = if id == CLOZE { vec![0x08, 0x01] } else { vec![] };
            conn.execute("INSERT INTO notetypes VALUES (?1, ?2, 0, 0, ?3)", params![id, format!("type {id}"), config])
                .unwrap();
            for (ord, name) in field_names(id).iter().enumerate() {
                conn.execute("INSERT INTO fields VALUES (?1, ?2, ?3, x'')", params![id, ord as i64, name]).unwrap();
            }
            for (ord, (q, a)) in templates(id).iter().enumerate() {
                let mut config = pb_bytes(1, q.as_bytes());
                config.extend(pb_bytes(2, a.as_bytes()));
                conn.execute(
                    "INSERT INTO templates VALUES (?1, ?2, ?3, 0, 0, ?4)",
                    params![id, ord as i64, format!("Card {}", ord + 1), config],
                )
                .unwrap();
            }
        }
        // Rows of a note type that has no `notetypes` row (Anki leaves these behind).
        conn.execute("INSERT INTO fields VALUES (999, 0, 'Orphan', x'')", []).unwrap();
        for (id, name) in &spec.decks {
            conn.execute(
                "INSERT INTO decks VALUES (?1, ?2, 0, 0, x'', x'')",
                params![id, name.replace("::", "\u{1f}")],
            )
            .unwrap();
        }
        fill_notes(conn, spec);
    })
}

fn zip(entries: Vec<(String, Vec<u8>)>) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        out.start_file(name, options).unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// A package in the oldest format: `collection.anki2` and a JSON media map.
pub fn legacy_package(spec: &Spec) -> Vec<u8> {
    let media: serde_json::Map<String, serde_json::Value> =
        spec.media.iter().enumerate().map(|(i, name)| (i.to_string(), serde_json::json!(name))).collect();
    let mut entries = vec![
        ("collection.anki2".to_owned(), legacy_collection(spec)),
        ("media".to_owned(), serde_json::Value::Object(media).to_string().into_bytes()),
    ];
    entries.extend(spec.media.iter().enumerate().map(|(i, _)| (i.to_string(), b"\x89PNG".to_vec())));
    entries.extend(spec.extra.iter().cloned());
    zip(entries)
}

/// A package in the current format: `meta`, zstd `collection.anki21b`, a dummy
/// `collection.anki2` (which must be ignored) and a zstd protobuf media map.
pub fn modern_package(spec: &Spec) -> Vec<u8> {
    let collection = zstd::encode_all(modern_collection(spec).as_slice(), 3).unwrap();
    let dummy = Spec {
        notes: vec![Note {
            id: 1,
            guid: "dummy",
            kind: "basic",
            fields: vec!["Please update to the latest Anki version".into(), "x".into()],
            tags: "",
            deck: 1,
        }],
        revlog: vec![],
        decks: vec![(1, "Default")],
        media: vec![],
        extra: vec![],
        raw_fields: None,
    };
    let media: Vec<u8> = spec.media.iter().flat_map(|name| pb_bytes(1, &pb_bytes(1, name.as_bytes()))).collect();
    let mut entries = vec![
        ("meta".to_owned(), vec![0x08, 0x03]),
        ("collection.anki21b".to_owned(), collection),
        ("collection.anki2".to_owned(), legacy_collection(&dummy)),
        ("media".to_owned(), zstd::encode_all(media.as_slice(), 3).unwrap()),
    ];
    entries.extend(spec.media.iter().enumerate().map(|(i, _)| (i.to_string(), b"\x89PNG".to_vec())));
    entries.extend(spec.extra.iter().cloned());
    zip(entries)
}
