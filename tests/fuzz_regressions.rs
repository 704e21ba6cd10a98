//! The fuzz targets' checks on stable Rust, for CI: every input saved under
//! `fuzz/regressions/<target>/` (crashes the fuzzer found, now fixed) and the seeds, then
//! proptest-generated and mutated inputs. Fuzzing itself needs nightly: see
//! docs/reliability.md, "Fuzzing".

#[path = "../fuzz/src/checks.rs"]
mod checks;

use std::path::{Path, PathBuf};

use proptest::prelude::*;

/// A fuzz target's check: panics when grill misbehaves on the input.
type Check = fn(&[u8]);

const TARGETS: [(&str, Check); 8] = [
    ("deck_toml", checks::deck_toml),
    ("config_toml", checks::config_toml),
    ("drill_line", checks::drill_line),
    ("terminal_text", checks::terminal_text),
    ("deck_csv", checks::deck_csv),
    ("deck_markdown", checks::deck_markdown),
    ("anki_package", checks::anki_package),
    ("anki_collection", checks::anki_collection),
];

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.map(|e| e.unwrap().path()).filter(|p| p.is_file()).collect())
        .unwrap_or_default();
    files.sort();
    files
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_saved_fuzz_input_passes_its_check() {
    let mut ran = 0;
    for (target, check) in TARGETS {
        for dir in ["regressions", "seeds"] {
            for file in files_in(&root().join("fuzz").join(dir).join(target)) {
                let data = std::fs::read(&file).unwrap();
                if std::panic::catch_unwind(|| check(&data)).is_err() {
                    panic!("{target} fails on {}", file.display());
                }
                ran += 1;
            }
        }
    }
    assert!(ran >= TARGETS.len(), "no saved inputs found under fuzz/: {ran}");
}

#[test]
fn every_built_in_deck_passes_the_deck_check() {
    let decks = files_in(&root().join("decks"));
    assert!(decks.len() >= 9);
    for file in decks {
        checks::deck_toml(&std::fs::read(&file).unwrap());
    }
}

/// The file at `path` (from the project root) with a few bytes changed, inserted or removed:
/// inputs close to valid, where parsers break most often.
fn mutated(path: &str) -> impl Strategy<Value = Vec<u8>> {
    let text = std::fs::read(root().join(path)).unwrap();
    let len = text.len();
    prop::collection::vec((0..len, any::<u8>(), 0u8..3), 1..8).prop_map(move |edits| {
        let mut bytes = text.clone();
        for (at, byte, kind) in edits {
            let at = at.min(bytes.len().saturating_sub(1));
            match kind {
                0 => bytes[at] = byte,
                1 => bytes.insert(at, byte),
                _ => {
                    bytes.remove(at);
                }
            }
        }
        bytes
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn the_checks_hold_on_generated_bytes(data in prop::collection::vec(any::<u8>(), 0..300)) {
        for (_, check) in TARGETS {
            check(&data);
        }
    }

    #[test]
    fn the_checks_hold_on_generated_text(text in "\\PC{0,200}|[\\[\\]=\"'a-z0-9_. \\n\\x1b\\x07\\u{9b}\\u{202e}]{0,200}") {
        for (_, check) in TARGETS {
            check(text.as_bytes());
        }
    }

    #[test]
    fn the_deck_check_holds_on_mutated_built_in_decks(data in mutated("decks/testing.toml")) {
        checks::deck_toml(&data);
    }

    #[test]
    fn the_csv_check_holds_on_mutated_exports(data in mutated("fuzz/seeds/deck_csv/export.csv")) {
        checks::deck_csv(&data);
    }

    #[test]
    fn the_markdown_check_holds_on_mutated_exports(data in mutated("fuzz/seeds/deck_markdown/export.md")) {
        checks::deck_markdown(&data);
    }

    #[test]
    fn the_anki_check_holds_on_mutated_packages_and_collections(
        package in mutated("fuzz/seeds/anki_package/modern.apkg"),
        collection in mutated("fuzz/seeds/anki_package/legacy-collection"),
    ) {
        checks::anki_package(&package);
        checks::anki_package(&collection);
    }
}
