//! What each fuzz target checks, one function per parser. Shared by the cargo-fuzz targets
//! (`fuzz/fuzz_targets/`) and by `tests/fuzz_regressions.rs`, which replays every saved input
//! on stable Rust in CI. A check panics when grill misbehaves; returning is a pass.

/// Deck TOML: never panics; a deck that parses writes back as TOML that parses to the same
/// deck; an error names a line of the file.
pub fn deck_toml(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match grill::parse_toml("fuzz.toml", text) {
        Ok(deck) => {
            let written = toml::to_string(&deck).expect("a parsed deck can be written");
            let again = grill::parse_toml("again.toml", &written).expect("a written deck parses");
            assert_eq!(again, deck, "the deck changed on a write and re-read:\n{written}");
        }
        Err(e) => assert_line_in_file(e.line, text, &e.to_string()),
    }
}

/// config.toml: never panics; a config that parses has values in range; an error names a
/// line of the file.
pub fn config_toml(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match grill::config::Config::parse("config.toml", text) {
        Ok(config) => {
            assert!((0.7..=0.97).contains(&config.desired_retention), "{config:?}");
            assert!(config.day_rollover_hour <= 23, "{config:?}");
        }
        Err(e) => assert_line_in_file(e.line, text, &e.to_string()),
    }
}

/// A line typed in the drill: never panics, and a rating word is always read as a rating.
pub fn drill_line(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let command = grill::repl::Command::parse(text);
    if let Some(rating) = grill::Rating::parse(text) {
        assert_eq!(command, grill::repl::Command::Rate(rating), "{text:?}");
    }
    if let grill::repl::Command::Notes(notes) = command {
        assert_eq!(notes, text.trim(), "notes are the line as typed");
    }
}

/// Untrusted text on its way to the terminal: whatever comes in, no escape, control
/// character (but newline and tab) or direction override comes out; JSON output decodes back
/// to the exact text.
pub fn terminal_text(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let inert = |what: &str, out: &str, allowed: &[char]| {
        for c in out.chars() {
            let bidi = ('\u{202A}'..='\u{202E}').contains(&c) || ('\u{2066}'..='\u{2069}').contains(&c);
            let shown = !c.is_control() || allowed.contains(&c);
            assert!(shown && !bidi, "{what} let {c:?} through from {text:?}");
        }
    };
    inert("safe", &grill::render::safe(&text), &['\n', '\t']);
    inert("safe_line", &grill::render::safe_line(&text), &[]);
    inert("visible", &grill::render::visible(&text), &['\n', '\t']);
    let json = grill::render::json_safe(&serde_json::to_string(&*text).expect("a string serialises"));
    inert("json_safe", &json, &[]);
    assert_eq!(serde_json::from_str::<String>(&json).expect("still JSON"), text, "json_safe changed the text");
}

/// CSV/TSV through the importer: never panics; an error is one line naming the file and a
/// line inside it; a file that imports exports as CSV and imports back to the same cards.
pub fn deck_csv(data: &[u8]) {
    import_and_round_trip("fuzz.csv", data, grill::deck::export::to_csv, "again.csv");
}

/// Markdown through the importer: never panics; an error is one line naming the file and a
/// line inside it; a file that imports exports as Markdown and imports back to the same cards.
pub fn deck_markdown(data: &[u8]) {
    import_and_round_trip("fuzz.md", data, grill::deck::export::to_markdown, "again.md");
}

/// Anki packages: never panics; an error is one line naming the file. The first byte picks
/// what the rest is, so the fuzzer reaches past the zip layer: 0 the package itself, 1 the
/// SQLite collection of a legacy package, 2 the collection of a current (zstd) package.
pub fn anki_package(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else { return };
    let package = match mode % 3 {
        0 => rest.to_vec(),
        1 => zip_of(&[("collection.anki2", rest)]),
        _ => {
            let Ok(compressed) = zstd::encode_all(rest, 1) else { return };
            zip_of(&[("meta", &[0x08, 0x03]), ("collection.anki21b", &compressed)])
        }
    };
    // The caps are lowered so a bomb the fuzzer builds costs milliseconds, not a gibibyte.
    let limits = grill::deck::anki::Limits { collection_bytes: 64 << 20, small_file_bytes: 1 << 20 };
    let clock = grill::DayClock::new(chrono::Utc, 4);
    let options = grill::deck::ImportOptions::default();
    if let Err(e) = grill::deck::anki::parse("fuzz.apkg", &package, &options, &limits, &clock) {
        assert_one_line("fuzz.apkg", &e.to_string());
    }
}

/// A minimal legacy collection: one basic note type, one deck, one note, one card.
const SMALL_COLLECTION: &str = r#"
    CREATE TABLE col (id integer PRIMARY KEY, ver integer, models text, decks text);
    INSERT INTO col VALUES (1, 11,
        '{"1": {"type": 0, "flds": [{"name": "Front", "ord": 0}, {"name": "Back", "ord": 1}],
                "tmpls": [{"ord": 0, "qfmt": "{{Front}}", "afmt": "{{Back}}"}]}}',
        '{"1": {"name": "Default"}}');
    CREATE TABLE notes (id integer PRIMARY KEY, guid text, mid integer, tags text, flds text);
    INSERT INTO notes VALUES (1, 'g1', 1, 'tag', 'Q?' || char(31) || 'A.');
    CREATE TABLE cards (id integer PRIMARY KEY, nid integer, did integer, odid integer, ord integer);
    INSERT INTO cards VALUES (1, 1, 1, 0, 0);
    CREATE TABLE revlog (id integer PRIMARY KEY, cid integer, ease integer, factor integer, time integer,
        type integer);
    INSERT INTO revlog VALUES (1700000000000, 1, 3, 2500, 4000, 0);
"#;

/// Anki collections with hostile schemas: each line of the input is an SQL statement run on
/// a small valid collection (drop a table, plant a view over a recursive CTE, a trigger, a
/// generated column...), and the result is imported. Never panics or hangs; an error is one
/// line naming the file.
pub fn anki_collection(data: &[u8]) {
    let Ok(dir) = tempfile::tempdir() else { return };
    let path = dir.path().join("collection");
    let Ok(conn) = rusqlite::Connection::open(&path) else { return };
    conn.execute_batch(SMALL_COLLECTION).expect("the base collection builds");
    // Building runs the fuzzer's SQL too: bound it, or the builder hangs before grill runs.
    let mut steps = 0u32;
    let _ = conn.progress_handler(
        1000,
        Some(move || {
            steps += 1;
            steps > 1000
        }),
    );
    for statement in String::from_utf8_lossy(data).lines() {
        let _ = conn.execute_batch(statement);
    }
    drop(conn);
    let Ok(collection) = std::fs::read(&path) else { return };
    let package = zip_of(&[("collection.anki2", &collection)]);
    let limits = grill::deck::anki::Limits { collection_bytes: 64 << 20, small_file_bytes: 1 << 20 };
    let clock = grill::DayClock::new(chrono::Utc, 4);
    let options = grill::deck::ImportOptions::default();
    if let Err(e) = grill::deck::anki::parse("fuzz.apkg", &package, &options, &limits, &clock) {
        assert_one_line("fuzz.apkg", &e.to_string());
    }
}

/// A zip of stored entries, as Anki writes them.
pub fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, data) in entries {
        out.start_file(*name, options).expect("writing to memory");
        out.write_all(data).expect("writing to memory");
    }
    out.finish().expect("writing to memory").into_inner()
}

/// Imports `data` as `file` the way `grill import` does; on success writes the decks back with
/// `export` and imports that again: the cards must come back the same (each with its area
/// written out, as exports do).
fn import_and_round_trip(file: &str, data: &[u8], export: fn(&[grill::Deck]) -> String, again: &str) {
    let clock = grill::DayClock::new(chrono::Utc, 4);
    let options = grill::deck::ImportOptions::default();
    let parsed = match grill::deck::parse_import(file, data, &options, &clock) {
        Ok(parsed) => parsed,
        Err(e) => {
            assert_one_line(file, &e.to_string());
            let text = String::from_utf8_lossy(data);
            return assert_line_in_file(e.line, &text, &e.to_string());
        }
    };
    let written = export(&parsed.decks);
    let back = grill::deck::parse_import(again, written.as_bytes(), &options, &clock)
        .unwrap_or_else(|e| panic!("the export does not import: {e}\n{written}"));
    let cards = |decks: &[grill::Deck]| -> Vec<(String, grill::deck::CardSpec)> {
        let explicit = |deck: &grill::Deck, c: &grill::deck::CardSpec| grill::deck::CardSpec {
            area: Some(c.area(&deck.deck).to_owned()),
            ..c.clone()
        };
        decks.iter().flat_map(|d| d.cards.iter().map(move |c| (d.deck.id.clone(), explicit(d, c)))).collect()
    };
    assert_eq!(cards(&back.decks), cards(&parsed.decks), "the cards changed on export and import:\n{written}");
}

/// An import error is one line that starts with the file's name.
fn assert_one_line(file: &str, message: &str) {
    assert!(message.starts_with(&format!("{file}:")), "the error does not name {file}: {message}");
    assert!(!message.contains(['\n', '\r']), "the error is not one line: {message:?}");
}

fn assert_line_in_file(line: usize, text: &str, message: &str) {
    assert!(line <= text.lines().count() + 1, "line {line} is past the end of the file: {message}");
    assert!(!message.is_empty());
}
