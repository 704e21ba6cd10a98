//! The phone round trip through Anki: `grill export --format apkg`, reviews in Anki, and the
//! package Anki exports imported back. The Anki side ran once in Anki's own code (the `anki`
//! package from PyPI, tests/anki/tools/roundtrip.py); its packages are committed fixtures, so
//! these tests need no Python.

use std::io::Read;
use std::path::PathBuf;

use crate::common::{Env, s, states_match_replay};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/anki/fixtures").join(name)
}

/// The grill side of the fixture: the same steps as tests/anki/tools/make_roundtrip_fixture.sh.
fn grill_side() -> Env {
    let mut env = Env::new();
    env.run(&["import", s(&fixture("phone.toml"))], "");
    for (minute, answer) in [("00", "3"), ("01", "4"), ("02", "2")] {
        env.at(&format!("2026-03-02T09:{minute}:00Z"));
        env.run(&["drill", "--area", "phone-drill", "--new", "1"], &format!("\n{answer}\n"));
    }
    for minute in ["00", "01"] {
        env.at(&format!("2026-03-05T09:{minute}:00Z"));
        env.run(&["drill", "--area", "phone-drill", "--new", "0", "--limit", "1"], "\n3\n");
    }
    env.at("2026-03-05T10:00:00Z");
    env
}

/// The review log as (card, ms, rating), in time order.
fn log(env: &Env) -> Vec<(String, i64, i64)> {
    let conn = env.sql();
    let mut stmt = conn
        .prepare("SELECT c.key, r.at, r.rating FROM reviews r JOIN cards c ON c.id = r.card_id ORDER BY r.at, r.id")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(Result::unwrap).collect()
}

/// The answers Anki added, as the fixture generator recorded them.
fn anki_answers() -> Vec<(String, i64, i64)> {
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("phone-back.json")).unwrap()).unwrap();
    json["added"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["card"].as_str().unwrap().to_owned(), a["at_ms"].as_i64().unwrap(), a["rating"].as_i64().unwrap()))
        .collect()
}

/// Rows of the collection inside a package, one query's worth, as text.
fn collection_rows(package: &[u8], sql: &str) -> Vec<String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(package)).unwrap();
    let mut compressed = Vec::new();
    zip.by_name("collection.anki21b").unwrap().read_to_end(&mut compressed).unwrap();
    let image = zstd::decode_all(compressed.as_slice()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    std::fs::write(&path, image).unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    let mut stmt = conn.prepare(sql).unwrap();
    stmt.query_map([], |r| r.get::<_, String>(0)).unwrap().map(Result::unwrap).collect()
}

const CARDS: &str = "SELECT n.guid || ' type=' || c.type || ' queue=' || c.queue || ' due=' || c.due || ' ivl=' ||
    c.ivl || ' reps=' || c.reps || ' lapses=' || c.lapses || ' ' || c.data
    FROM cards c JOIN notes n ON n.id = c.nid ORDER BY n.guid";
const REVLOG: &str = "SELECT r.id || ' ' || n.guid || ' ease=' || r.ease || ' type=' || r.type
    FROM revlog r JOIN cards c ON c.id = r.cid JOIN notes n ON n.id = c.nid ORDER BY r.id";

#[test]
fn the_package_grill_exports_is_the_one_anki_checked() {
    let env = grill_side();
    let out = env.dir.path().join("phone.apkg");
    let said = env.run(&["export", "--format", "apkg", "--deck", "phone", "-o", s(&out)], "");
    assert!(said.contains("Wrote 4 cards and 5 reviews"), "{said}");
    let ours = std::fs::read(&out).unwrap();
    let checked = std::fs::read(fixture("phone-grill.apkg")).unwrap();
    let cards = collection_rows(&ours, CARDS);
    assert_eq!(cards, collection_rows(&checked, CARDS), "regenerate with tests/anki/tools/make_roundtrip_fixture.sh");
    assert_eq!(collection_rows(&ours, REVLOG), collection_rows(&checked, REVLOG));
    // Three cards reviewed (FSRS state and due day), one new; the notes are named by grill id.
    assert_eq!(cards.iter().filter(|c| c.contains(" type=2 queue=2 ") && c.contains("\"s\":")).count(), 3);
    assert!(cards.iter().all(|c| c.starts_with("grill:phone/")), "{cards:?}");
}

#[test]
fn answers_given_in_anki_come_back_to_the_same_grill_cards_once() {
    let env = grill_side();
    let before = log(&env);
    let cards_before = env.cards(&[]).len();
    let out = env.run(&["import", s(&fixture("phone-back.apkg"))], "");
    assert!(out.starts_with("Imported into grill's own cards:\n"), "{out}");
    assert!(out.contains("added 4 reviews"), "{out}");
    let answers = anki_answers();
    assert_eq!(answers.len(), 4);
    let mut expected = before.clone();
    expected.extend(answers);
    expected.sort_by_key(|r| r.1);
    assert_eq!(log(&env), expected);
    // No `anki:` cards: the notes went home through their GUIDs.
    assert_eq!(env.cards(&[]).len(), cards_before);
    let anki_cards: i64 =
        env.sql().query_row("SELECT count(*) FROM cards WHERE key LIKE 'anki:%'", [], |r| r.get(0)).unwrap();
    assert_eq!(anki_cards, 0);
    states_match_replay(&env.db()).unwrap();
    // Importing the same package again adds nothing.
    let again = env.run(&["import", s(&fixture("phone-back.apkg"))], "");
    assert!(again.contains("added 0 reviews"), "{again}");
    assert_eq!(log(&env), expected);
}

#[test]
fn grill_reads_its_own_package_back_as_nothing_new() {
    let env = grill_side();
    let out = env.dir.path().join("phone.apkg");
    env.run(&["export", "--format", "apkg", "--deck", "phone", "-o", s(&out)], "");
    let before = crate::common::snapshot(&env.sql());
    let said = env.run(&["import", s(&out)], "");
    assert!(said.contains("added 0 reviews"), "{said}");
    assert_eq!(crate::common::snapshot(&env.sql()), before);
}

#[test]
fn an_apkg_export_needs_a_file_and_a_known_deck() {
    let env = Env::new();
    let out = env.grill(&["export", "--format", "apkg"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "grill: --output: an Anki package is a file: give one with -o FILE.apkg\n"
    );
    let out = env.grill(&["export", "--format", "apkg", "--deck", "nope", "-o", "x.apkg"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("grill: --deck: no deck \"nope\""));
}
