//! `grill export --format apkg`: grill's cards as an Anki package (current format: a
//! zstd-compressed schema-18 collection), so Anki and AnkiDroid can drill them on a phone and
//! their answers come back with `grill import`.
//!
//! The collection starts as a copy of an empty one Anki itself made (`empty.anki21b`, see
//! tests/anki/tools/make_empty_collection.py), with its stock "Basic" note type and FSRS on.
//! Each grill card is one note whose GUID is `grill:<card id>` ([`guid`]): importing Anki's
//! export maps its reviews back to the same grill card ([`grill_key`]). Each reviewed card
//! carries its FSRS memory state and its due day; the review log goes along as Anki's revlog.

use std::io::{Cursor, Write};

use chrono::{DateTime, TimeZone, Utc};
use prost::Message;
use rusqlite::{Connection, MAIN_DB, params};

use super::proto::{LATEST_PACKAGE_VERSION, MediaEntries, PackageMetadata};
use crate::scheduler::{CardState, DayClock, Review, ReviewKind};

/// The empty collection every export starts from (zstd-compressed SQLite, 4 KB).
static EMPTY_COLLECTION: &[u8] = include_bytes!("empty.anki21b");

const GUID_PREFIX: &str = "grill:";

/// The GUID of the Anki note made from grill card `key`: derived from the id, never the text.
pub fn guid(key: &str) -> String {
    format!("{GUID_PREFIX}{key}")
}

/// The grill card a note came from, when grill exported it.
pub fn grill_key(guid: &str) -> Option<&str> {
    guid.strip_prefix(GUID_PREFIX).filter(|key| !key.is_empty())
}

/// One card to export.
#[derive(Debug, Clone)]
pub struct ExportCard {
    pub key: String,
    pub prompt: String,
    pub answer: String,
    pub tags: Vec<String>,
    pub state: Option<CardState>,
    /// The card's reviews, oldest first, with their durations in ms.
    pub reviews: Vec<(Review, i64)>,
}

/// What the package needs besides the cards.
pub struct ExportOptions<'a, Tz: TimeZone> {
    /// The Anki deck the cards go into (`grill`, or `grill::<deck name>`).
    pub deck_name: &'a str,
    /// The day boundaries: due days are counted with grill's own.
    pub clock: &'a DayClock<Tz>,
    pub desired_retention: f32,
    pub now: DateTime<Utc>,
}

/// The package's bytes.
pub fn package<Tz: TimeZone>(cards: &[ExportCard], options: &ExportOptions<'_, Tz>) -> Result<Vec<u8>, String> {
    let collection = fill_collection(cards, options).map_err(|e| format!("writing the collection: {e}"))?;
    let compressed = zstd::encode_all(collection.as_slice(), 3).map_err(|e| e.to_string())?;
    let media = zstd::encode_all(MediaEntries { entries: Vec::new() }.encode_to_vec().as_slice(), 3)
        .map_err(|e| e.to_string())?;
    let meta = PackageMetadata { version: LATEST_PACKAGE_VERSION }.encode_to_vec();
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in [("meta", &meta), ("collection.anki21b", &compressed), ("media", &media)] {
        zip.start_file(name, stored).map_err(|e| e.to_string())?;
        zip.write_all(bytes).map_err(|e| e.to_string())?;
    }
    Ok(zip.finish().map_err(|e| e.to_string())?.into_inner())
}

/// Anki's review-log type for a grill review kind.
fn revlog_type(kind: ReviewKind) -> i64 {
    match kind {
        ReviewKind::Learn => 0,
        ReviewKind::Review | ReviewKind::Interview => 1,
        ReviewKind::Relearn => 2,
        // A mock answer moves a schedule only as the first of its day, as cram does.
        ReviewKind::Cram | ReviewKind::Preview | ReviewKind::Mock => 3,
    }
}

/// Card text as an Anki field: HTML-escaped, line breaks as `<br>`.
fn field(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('\n', "<br>")
}

fn fill_collection<Tz: TimeZone>(
    cards: &[ExportCard],
    options: &ExportOptions<'_, Tz>,
) -> Result<Vec<u8>, rusqlite::Error> {
    let image = zstd::decode_all(EMPTY_COLLECTION).map_err(|e| rusqlite::Error::ToSqlConversionFailure(e.into()))?;
    let mut conn = Connection::open_in_memory()?;
    let len = image.len();
    conn.deserialize_read_exact(MAIN_DB, image.as_slice(), len, false)?;
    conn.create_collation("unicase", |a: &str, b: &str| a.to_lowercase().cmp(&b.to_lowercase()))?;
    let clock = options.clock;
    // Day 0 of the collection: the first day any card was reviewed (or today), at grill's
    // day boundary, so every due day is a small count of days from it.
    let today = clock.day_of(options.now);
    let first_day =
        cards.iter().filter_map(|c| c.state.map(|s| clock.day_of(s.last_review))).min().unwrap_or(today).min(today);
    let crt = clock.day_start(first_day).timestamp();
    let now = options.now.timestamp();
    let tx = conn.transaction()?;
    tx.execute("UPDATE col SET crt = ?1, mod = ?2, scm = ?2", params![crt, now * 1000])?;
    tx.execute("UPDATE decks SET name = ?1, mtime_secs = ?2 WHERE id = 1", params![options.deck_name, now])?;
    let notetype: i64 = tx.query_row("SELECT id FROM notetypes WHERE name = 'Basic'", [], |r| r.get(0))?;
    for (i, card) in cards.iter().enumerate() {
        let id = 1_000_000_000 + i as i64;
        let tags = if card.tags.is_empty() { String::new() } else { format!(" {} ", card.tags.join(" ")) };
        tx.prepare_cached(
            "INSERT INTO notes (id, guid, mid, mod, usn, tags, flds, sfld, csum, flags, data)
             VALUES (?1, ?2, ?3, ?4, -1, ?5, ?6, ?7, 0, 0, '')",
        )?
        .execute(params![
            id,
            guid(&card.key),
            notetype,
            now,
            tags,
            format!("{}\u{1f}{}", field(&card.prompt), field(&card.answer)),
            card.prompt
        ])?;
        let (kind, queue, due, ivl, factor, data) = match card.state {
            None => (0, 0, i as i64, 0, 0, String::new()),
            Some(s) => {
                let due_day = clock.day_of(s.due);
                let ivl = (due_day - clock.day_of(s.last_review)).max(1);
                let data = serde_json::json!({
                    "s": s.stability, "d": s.difficulty, "dr": options.desired_retention,
                    "lrt": s.last_review.timestamp(),
                });
                (2, 2, due_day - first_day, ivl, 2500, data.to_string())
            }
        };
        let (reps, lapses) = card.state.map_or((0, 0), |s| (s.reps, s.lapses));
        tx.prepare_cached(
            "INSERT INTO cards (id, nid, did, ord, mod, usn, type, queue, due, ivl, factor, reps, lapses, left,
                 odue, odid, flags, data)
             VALUES (?1, ?1, 1, 0, ?2, -1, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0, 0, 0, 0, ?10)",
        )?
        .execute(params![id, now, kind, queue, due, ivl, factor, reps, lapses, data])?;
        for (review, duration_ms) in &card.reviews {
            // Anki keys its review log by the millisecond, and so does the import that brings
            // the answers back: a review sharing its millisecond with one already written
            // (only a frozen test clock makes those) is left out rather than moved, so the
            // round trip never doubles it.
            tx.prepare_cached(
                "INSERT OR IGNORE INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type)
                 VALUES (?1, ?2, -1, ?3, 0, 0, 0, ?4, ?5)",
            )?
            .execute(params![
                review.at.timestamp_millis(),
                id,
                review.rating as i64,
                (*duration_ms).clamp(0, 60_000),
                revlog_type(review.kind)
            ])?;
        }
    }
    tx.commit()?;
    let data = conn.serialize(MAIN_DB)?;
    Ok(data.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_guid_names_the_grill_card_and_back() {
        assert_eq!(grill_key(&guid("sql/joins")), Some("sql/joins"));
        assert_eq!(grill_key("Bx9)kQ2}aZ"), None);
        assert_eq!(grill_key("grill:"), None);
    }

    #[test]
    fn fields_are_escaped_html() {
        assert_eq!(field("a < b && c\nd"), "a &lt; b &amp;&amp; c<br>d");
    }
}
