//! Importing Anki packages through the real binary: packages the tests build in both formats,
//! hostile ones, and (when `../shared/data` is present) real packages written by others.

pub mod builder;

mod hostile;
mod rawzip;
mod roundtrip;

use std::path::PathBuf;

use crate::common::{Env, s, snapshot};
use builder::{Note, Rev, Spec, card_id, legacy_package, modern_package};
use chrono::{TimeZone, Utc};
use grill::scheduler::{DayClock, Rating, Review, ReviewKind, Scheduler};

const DAY: i64 = 86_400_000;
/// 2025-12-01 10:00 UTC, before the Env clock (2026-03-02).
const T0: i64 = 1_764_583_200_000;

fn spec() -> Spec {
    let basic = card_id(1, 0);
    Spec {
        notes: vec![
            Note {
                id: 1,
                guid: "7g9`O%:yM",
                kind: "basic",
                fields: vec![
                    "What is <b>MVCC</b>?".into(),
                    "<ul><li>row versions</li><li>snapshots&nbsp;&amp; visibility</li></ul>".into(),
                ],
                tags: " sql db ",
                deck: 10,
            },
            Note {
                id: 2,
                guid: "rev2",
                kind: "reversed",
                fields: vec!["ACID".into(), "Atomicity, consistency, isolation, durability".into()],
                tags: "sql",
                deck: 10,
            },
            Note {
                id: 3,
                guid: "cloze3",
                kind: "cloze",
                fields: vec!["A {{c1::B-tree}} index keeps keys {{c2::sorted::order?}}".into(), "<i>Extra</i>".into()],
                tags: "",
                deck: 11,
            },
            Note {
                id: 4,
                guid: "evil4",
                kind: "basic",
                fields: vec!["Innocent\x1b]0;pwned\x07 question\x1b[2J".into(), "answer\x1b[31m".into()],
                tags: "",
                deck: 11,
            },
        ],
        revlog: vec![
            Rev { card: basic, at_ms: T0, ease: 3, kind: 0, factor: 0 },
            Rev { card: basic, at_ms: T0 + 3 * DAY, ease: 3, kind: 1, factor: 2500 },
            Rev { card: basic, at_ms: T0 + 10 * DAY, ease: 1, kind: 1, factor: 2500 },
            Rev { card: basic, at_ms: T0 + 10 * DAY + 600_000, ease: 3, kind: 2, factor: 2500 },
            // Rescheduled by Anki (no answer): not imported.
            Rev { card: basic, at_ms: T0 + 11 * DAY, ease: 0, kind: 5, factor: 2500 },
            // Crammed in a filtered deck without rescheduling: logged, but does not count.
            Rev { card: basic, at_ms: T0 + 12 * DAY, ease: 3, kind: 3, factor: 0 },
        ],
        decks: vec![(1, "Default"), (10, "Interview::SQL"), (11, "Interview::System Design")],
        media: vec!["er-diagram.png"],
        extra: vec![],
        raw_fields: None,
    }
}

fn write(env: &Env, name: &str, bytes: &[u8]) -> PathBuf {
    let path = env.dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn card<'a>(cards: &'a [serde_json::Value], id: &str) -> &'a serde_json::Value {
    cards.iter().find(|c| c["id"] == id).unwrap_or_else(|| panic!("no card {id}"))
}

fn text(env: &Env, key: &str) -> (String, String) {
    env.sql()
        .query_row("SELECT prompt, answer FROM cards WHERE key = ?1", [key], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
}

fn reviews_of(env: &Env, key: &str) -> Vec<(i64, i64)> {
    let conn = env.sql();
    let mut stmt = conn
        .prepare(
            "SELECT r.rating, r.kind FROM reviews r JOIN cards c ON c.id = r.card_id WHERE c.key = ?1 ORDER BY r.at",
        )
        .unwrap();
    stmt.query_map([key], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
}

#[test]
fn a_legacy_package_imports_basic_reversed_and_cloze_cards_with_history() {
    let env = Env::new();
    let pkg = write(&env, "interview.apkg", &legacy_package(&spec()));
    let out = env.run(&["import", s(&pkg)], "");
    assert!(out.contains("added 6"), "{out}");
    assert!(out.contains("1 media file(s)"), "{out}");
    assert!(out.contains("added 5 reviews"), "{out}");
    assert!(out.contains("1 Anki log entries skipped"), "{out}");
    let cards = env.cards(&["--deck", "anki-interview-sql", "--deck", "anki-interview-system-design"]);
    assert_eq!(cards.len(), 6);
    assert_eq!(card(&cards, "anki:7g9`O%:yM:0")["area"], "sql");
    assert_eq!(
        text(&env, "anki:7g9`O%:yM:0"),
        ("What is MVCC?".to_owned(), "* row versions\n* snapshots & visibility".to_owned())
    );
    assert_eq!(
        text(&env, "anki:rev2:1"),
        ("Atomicity, consistency, isolation, durability".to_owned(), "ACID".to_owned())
    );
    assert_eq!(
        text(&env, "anki:cloze3:1"),
        ("A B-tree index keeps keys [order?]".to_owned(), "A B-tree index keeps keys [sorted]\nExtra".to_owned())
    );
    assert_eq!(card(&cards, "anki:cloze3:0")["area"], "system-design");
    let tags: String =
        env.sql().query_row("SELECT tags FROM cards WHERE key = 'anki:7g9`O%:yM:0'", [], |r| r.get(0)).unwrap();
    assert_eq!(tags, r#"["sql","db"]"#);
}

#[test]
fn the_imported_history_replays_to_the_state_grill_would_have_reached() {
    let env = Env::new();
    env.run(&["import", s(&write(&env, "i.apkg", &legacy_package(&spec())))], "");
    let key = "anki:7g9`O%:yM:0";
    // Learn, review, again, same-day relearn; the cram entry is kept as a preview.
    assert_eq!(reviews_of(&env, key), [(3, 0), (3, 1), (1, 1), (3, 2), (3, 4)]);
    let at = |ms: i64| Utc.timestamp_millis_opt(ms).unwrap();
    let counted = [
        Review { at: at(T0), rating: Rating::Good, kind: ReviewKind::Learn },
        Review { at: at(T0 + 3 * DAY), rating: Rating::Good, kind: ReviewKind::Review },
        Review { at: at(T0 + 10 * DAY), rating: Rating::Again, kind: ReviewKind::Review },
        Review { at: at(T0 + 10 * DAY + 600_000), rating: Rating::Good, kind: ReviewKind::Relearn },
    ];
    let expected = Scheduler::default_params().replay(key, &counted, &DayClock::new(Utc, 4)).unwrap().unwrap();
    let cards = env.cards(&[]);
    let got = card(&cards, key);
    assert!((got["stability"].as_f64().unwrap() - f64::from(expected.stability)).abs() < 1e-4, "{got}");
    assert!((got["difficulty"].as_f64().unwrap() - f64::from(expected.difficulty)).abs() < 1e-4, "{got}");
    assert_eq!(got["lapses"], 1);
}

#[test]
fn a_modern_zstd_package_gives_the_same_cards_and_history_as_the_legacy_one() {
    let (legacy, modern) = (Env::new(), Env::new());
    legacy.run(&["import", s(&write(&legacy, "i.apkg", &legacy_package(&spec())))], "");
    let out = modern.run(&["import", s(&write(&modern, "i.apkg", &modern_package(&spec())))], "");
    assert!(out.contains("added 6"), "the dummy collection.anki2 must be ignored: {out}");
    assert!(out.contains("1 media file(s)"), "{out}");
    assert_eq!(snapshot(&legacy.sql()), snapshot(&modern.sql()));
}

#[test]
fn importing_the_same_package_twice_changes_nothing() {
    let env = Env::new();
    let pkg = write(&env, "i.apkg", &modern_package(&spec()));
    env.run(&["import", s(&pkg)], "");
    let before = snapshot(&env.sql());
    let out = env.run(&["import", s(&pkg)], "");
    assert!(out.contains("added 0 · updated 0 · unchanged 6 · missing 0"), "{out}");
    assert!(out.contains("added 0 reviews (5 already in the log)"), "{out}");
    assert_eq!(before, snapshot(&env.sql()));
}

#[test]
fn reimporting_an_edited_package_updates_texts_and_keeps_every_review() {
    let mut env = Env::new();
    env.run(&["import", s(&write(&env, "v1.apkg", &modern_package(&spec())))], "");
    let key = "anki:7g9`O%:yM:0";
    let before = reviews_of(&env, key);
    let mut v2 = spec();
    v2.notes[0].fields[1] = "Each row keeps versions".into();
    v2.notes.retain(|n| n.guid != "rev2");
    // The user went on reviewing in Anki.
    v2.revlog.push(Rev { card: card_id(1, 0), at_ms: T0 + 40 * DAY, ease: 4, kind: 1, factor: 2500 });
    env.day(1);
    let out = env.run(&["import", s(&write(&env, "v2.apkg", &modern_package(&v2)))], "");
    assert!(out.contains("updated 1"), "{out}");
    assert!(out.contains("missing 2"), "{out}");
    assert!(out.contains("anki:rev2:0") && out.contains("anki:rev2:1"), "missing cards are named: {out}");
    assert!(out.contains("added 1 reviews (5 already in the log)"), "{out}");
    assert_eq!(text(&env, key).1, "Each row keeps versions");
    let after = reviews_of(&env, key);
    assert_eq!(after.len(), before.len() + 1);
    assert_eq!(&after[..before.len()], &before[..]);
    // Cards gone from the package stay, and keep whatever history they had.
    assert!(env.cards(&[]).iter().any(|c| c["id"] == "anki:rev2:0"));
}

#[test]
fn a_dry_run_reports_and_writes_nothing() {
    let env = Env::new();
    env.run(&["decks"], "");
    let before = snapshot(&env.sql());
    let out = env.run(&["import", "--dry-run", s(&write(&env, "i.apkg", &modern_package(&spec())))], "");
    assert!(out.contains("Dry run"), "{out}");
    assert!(out.contains("would add 6"), "{out}");
    // The prompt text, then the id to name the card by (#13 item 12).
    assert!(out.contains("would add: A B-tree index keeps keys [order?]  [anki:cloze3:1]"), "{out}");
    assert_eq!(before, snapshot(&env.sql()));
}

#[test]
fn an_entry_escaping_the_package_is_refused_and_nothing_is_written() {
    let env = Env::new();
    env.run(&["decks"], "");
    let before = snapshot(&env.sql());
    let mut evil = spec();
    evil.extra.push(("../evil".to_owned(), b"owned".to_vec()));
    let pkg = write(&env, "evil.apkg", &legacy_package(&evil));
    env.grill(&["import", s(&pkg)])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("evil.apkg: package: entry \"../evil\" points outside the package"));
    assert_eq!(before, snapshot(&env.sql()));
    assert!(!env.dir.path().join("evil").exists());
}

#[test]
fn a_file_that_is_not_a_package_is_a_clear_error() {
    let env = Env::new();
    let pkg = write(&env, "broken.apkg", b"PK\x03\x04 not really a zip");
    env.grill(&["import", s(&pkg)]).assert().code(2).stderr(predicates::str::contains("broken.apkg: package: "));
}

#[test]
fn a_note_that_is_not_utf8_is_an_error_naming_the_note() {
    let env = Env::new();
    let mut bad = spec();
    bad.raw_fields = Some((3, b"caf\xe9\x1fx".to_vec()));
    let pkg = write(&env, "bad.apkg", &modern_package(&bad));
    env.grill(&["import", s(&pkg)])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("bad.apkg: collection: note 3: fields: not valid UTF-8"));
}

#[test]
fn a_colpkg_backup_imports_like_an_apkg() {
    let env = Env::new();
    let out = env.run(&["import", s(&write(&env, "backup.colpkg", &modern_package(&spec())))], "");
    assert!(out.contains("added 6"), "{out}");
}

#[test]
fn terminal_escapes_in_package_fields_are_stripped() {
    let env = Env::new();
    env.run(&["import", s(&write(&env, "i.apkg", &modern_package(&spec())))], "");
    let (prompt, answer) = text(&env, "anki:evil4:0");
    assert_eq!(prompt, "Innocent question");
    assert_eq!(answer, "answer");
}

#[test]
fn the_deck_and_area_options_put_every_card_in_one_place() {
    let env = Env::new();
    let pkg = write(&env, "i.apkg", &legacy_package(&spec()));
    env.run(&["import", "--deck", "mine", "--area", "testing", s(&pkg)], "");
    let cards = env.cards(&["--deck", "mine"]);
    assert_eq!(cards.len(), 6);
    assert!(cards.iter().all(|c| c["area"] == "testing"), "{cards:?}");
}

#[test]
fn the_review_log_exports_as_csv() {
    let env = Env::new();
    env.run(&["import", s(&write(&env, "i.apkg", &legacy_package(&spec())))], "");
    let out = env.dir.path().join("reviews.csv");
    env.run(&["export", "--reviews", "-o", s(&out)], "");
    let csv = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "card,time,rating,kind,duration_ms");
    assert_eq!(lines.len(), 6);
    assert_eq!(lines[1], "anki:7g9`O%:yM:0,2025-12-01T10:00:00.000Z,good,learn,4000");
    assert!(lines[3].contains(",again,review,"), "{csv}");
}

// ---------------------------------------------------------------- real packages by others

/// `../shared/data/anki` beside the project, when present.
fn shared() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/anki");
    dir.is_dir().then_some(dir)
}

fn imported_cards(env: &Env) -> i64 {
    env.sql().query_row("SELECT count(*) FROM cards WHERE key LIKE 'anki:%'", [], |r| r.get(0)).unwrap()
}

#[test]
fn real_packages_import_with_the_counts_their_readme_lists() {
    let Some(dir) = shared() else { return };
    for (file, cards, deck) in [
        ("system-design-primer/OO Design.apkg", 6, "anki-oo-design"),
        ("system-design-primer/System Design Exercises.apkg", 8, "anki-system-design-exercises"),
        ("system-design-primer/System Design.apkg", 42, "anki-system-design"),
        ("anki-study-report/java-core.apkg", 70, "anki-java-javacore-переменные-и-типы-improved-checked"),
    ] {
        let env = Env::new();
        let out = env.run(&["import", s(&dir.join(file))], "");
        assert!(out.contains(&format!("added {cards} ")), "{file}: {out}");
        assert_eq!(imported_cards(&env), cards, "{file}");
        assert!(out.contains(deck), "{file}: {out}");
        let empty: i64 = env
            .sql()
            .query_row("SELECT count(*) FROM cards WHERE key LIKE 'anki:%' AND (prompt = '' OR answer = '')", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(empty, 0, "{file}");
        let html: i64 = env
            .sql()
            .query_row("SELECT count(*) FROM cards WHERE key LIKE 'anki:%' AND (answer LIKE '%<div%' OR answer LIKE '%&quot;%')", [], |r| r.get(0))
            .unwrap();
        assert_eq!(html, 0, "{file}: HTML must become text");
    }
}

#[test]
fn real_generated_packages_replay_to_the_memory_states_anki_computed() {
    let Some(dir) = shared() else { return };
    let expected: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("generated/expected.json")).unwrap()).unwrap();
    for file in ["generated/legacy.apkg", "generated/modern.apkg"] {
        let env = Env::new();
        let out = env.run(&["import", s(&dir.join(file))], "");
        assert!(out.contains("added 68 "), "{file}: {out}");
        assert!(out.contains("added 192 reviews"), "{file}: {out}");
        assert!(out.contains("1 media file(s)"), "{file}: {out}");
        let cards = env.cards(&[]);
        for want in expected["cards"].as_array().unwrap() {
            let key = format!("anki:{}:{}", want["note_guid"].as_str().unwrap(), want["ord"]);
            let got = card(&cards, &key);
            let tags: String =
                env.sql().query_row("SELECT tags FROM cards WHERE key = ?1", [&key], |r| r.get(0)).unwrap();
            assert_eq!(serde_json::from_str::<serde_json::Value>(&tags).unwrap(), want["tags"], "{key}");
            let deck =
                format!("anki-{}", want["deck"].as_str().unwrap().to_lowercase().replace("::", "-").replace(' ', "-"));
            assert_eq!(got["deck"], deck.as_str(), "{key}");
            let n: i64 = env
                .sql()
                .query_row(
                    "SELECT count(*) FROM reviews r JOIN cards c ON c.id = r.card_id WHERE c.key = ?1",
                    [&key],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(n, want["reviews"].as_i64().unwrap(), "{key}");
            match want["stability"].as_f64() {
                None => assert!(got["stability"].is_null(), "{key}: {got}"),
                Some(stability) => {
                    let (s, d) = (got["stability"].as_f64().unwrap(), got["difficulty"].as_f64().unwrap());
                    assert!(
                        (s - stability).abs() <= 1e-3 * stability.max(1.0),
                        "{file} {key}: stability {s} vs {stability}"
                    );
                    let want_d = want["difficulty"].as_f64().unwrap();
                    assert!((d - want_d).abs() <= 1e-3, "{file} {key}: difficulty {d} vs {want_d}");
                }
            }
        }
    }
}
