//! Hostile Anki packages through the real binary: absolute paths, symbolic links, zip and zstd
//! bombs, a huge field, truncated archives. Each is refused with one line naming the file,
//! exit code 2, and leaves no trace: the database's bytes are the same, and no file appears
//! or changes anywhere under the test's home (the temp dir grill is given included).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::builder::{Note, legacy_collection, legacy_package};
use super::rawzip::{Entry, archive, crc32_of_zeros, deflate_zeros, zstd_zeros};
use super::{spec, write};
use crate::common::{Env, s};

/// grill's cap on a decompressed collection (`anki::Limits::default()`).
const CAP: u64 = 1 << 30;

/// Every file under the test's home, with its bytes' length and a hash, plus the database's
/// bytes themselves: equal footprints mean nothing was written anywhere.
#[derive(Debug, PartialEq)]
struct Footprint {
    db: Vec<u8>,
    files: BTreeMap<PathBuf, (u64, u64)>,
}

fn footprint(env: &Env) -> Footprint {
    fn walk(dir: &Path, root: &Path, files: &mut BTreeMap<PathBuf, (u64, u64)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, root, files);
            }
            let bytes = if path.is_file() { std::fs::read(&path).unwrap() } else { Vec::new() };
            let hash =
                bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3));
            files.insert(path.strip_prefix(root).unwrap().to_owned(), (bytes.len() as u64, hash));
        }
    }
    let mut files = BTreeMap::new();
    walk(env.dir.path(), env.dir.path(), &mut files);
    Footprint { db: std::fs::read(env.db()).unwrap(), files }
}

/// A database with built-in decks, an imported package and its review history: what a
/// hostile import must not touch.
fn env_with_history() -> Env {
    let env = Env::new();
    let good = write(&env, "good.apkg", &legacy_package(&spec()));
    env.run(&["import", s(&good)], "");
    std::fs::create_dir_all(env.dir.path().join("tmp")).unwrap();
    env
}

/// Imports `bytes` as `name` and checks the refusal: exit code 2, one line on stderr that
/// names the file and contains `expected`, and the same footprint as before.
fn assert_refused(env: &Env, name: &str, bytes: &[u8], expected: &str) {
    let pkg = write(env, name, bytes);
    let before = footprint(env);
    let out = env.command(&["import", s(&pkg)]).env("TMPDIR", env.dir.path().join("tmp")).output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{name}: one line, got:\n{stderr}");
    assert!(stderr.starts_with(&format!("grill: {}: ", pkg.display())), "{name}: names the file: {stderr}");
    assert!(stderr.contains(expected), "{name}: expected {expected:?} in: {stderr}");
    assert!(out.stdout.is_empty(), "{name}: {}", String::from_utf8_lossy(&out.stdout));
    assert!(footprint(env) == before, "{name}: the import left a trace");
}

/// The good package's entries, stored, plus `extra`.
fn package_with(extra: Vec<Entry>) -> Vec<u8> {
    let mut entries =
        vec![Entry::stored("collection.anki2", legacy_collection(&spec())), Entry::stored("media", b"{}".to_vec())];
    entries.extend(extra);
    archive(&entries)
}

#[test]
fn entries_with_absolute_paths_are_refused_and_nothing_is_written_there() {
    let env = env_with_history();
    let planted = env.dir.path().join("planted");
    for name in [s(&planted), "\\windows\\evil", "C:\\Users\\evil.txt", "c:evil"] {
        let pkg = package_with(vec![Entry::stored(name, b"owned".to_vec())]);
        assert_refused(&env, "absolute.apkg", &pkg, &format!("entry {name:?} points outside the package"));
    }
    assert!(!planted.exists());
}

#[test]
fn symbolic_link_entries_are_refused_whatever_they_point_at() {
    let env = env_with_history();
    // A link where the collection should be, pointing at a real collection beside the package
    // (following it would "work"), and a media file linking to a secret.
    let elsewhere = write(&env, "elsewhere.anki2", &legacy_collection(&spec()));
    let link = archive(&[Entry::symlink("collection.anki2", s(&elsewhere))]);
    assert_refused(&env, "link.apkg", &link, "entry \"collection.anki2\" is a symbolic link");
    let media = package_with(vec![Entry::symlink("0", "/etc/shadow")]);
    assert_refused(&env, "media-link.apkg", &media, "entry \"0\" is a symbolic link");
}

/// A deflate entry of zeros just over the cap: a megabyte on disk, over a gibibyte unpacked.
fn deflate_bomb(declared: u64) -> (Vec<u8>, u64) {
    let repeats = (CAP + (1 << 20)) / 258;
    let real = 1 + 258 * repeats;
    let entry = Entry {
        name: "collection.anki2".into(),
        data: deflate_zeros(repeats),
        method: 8,
        size: declared,
        crc: crc32_of_zeros(real),
        mode: None,
    };
    (archive(&[entry]), real)
}

#[test]
fn a_zip_bomb_is_refused_at_its_declared_size_and_one_that_lies_about_its_size_too() {
    let env = env_with_history();
    let (honest, real) = deflate_bomb(CAP + (1 << 20));
    assert!(real > CAP && honest.len() < 3 << 20, "{real} bytes unpacked from {} on disk", honest.len());
    assert_refused(&env, "bomb.apkg", &honest, "collection.anki2 decompresses to more than 1024 MiB");
    // Declaring a plausible size does not help: reading stops where the declared size ends.
    let (liar, _) = deflate_bomb(4 << 20);
    assert_refused(&env, "liar.apkg", &liar, "cannot read collection.anki2 (File is larger than its declared");
}

#[test]
fn a_zstd_bomb_in_a_current_package_is_refused() {
    let env = env_with_history();
    let blocks = (CAP / (128 << 10)) as usize + 1;
    let modern = |collection: Vec<u8>| {
        archive(&[Entry::stored("meta", vec![0x08, 0x03]), Entry::stored("collection.anki21b", collection)])
    };
    let declared = zstd_zeros(1, blocks, true);
    assert!(declared.len() < 64 << 10, "{}", declared.len());
    assert_refused(&env, "zstd-bomb.apkg", &modern(declared), "collection.anki21b decompresses to more than 1024 MiB");
    // Many frames that do not say how big they are: unpacked up to the cap, then refused.
    let undeclared = zstd_zeros(2, blocks / 2 + 1, false);
    assert_refused(
        &env,
        "zstd-bomb2.apkg",
        &modern(undeclared),
        "collection.anki21b decompresses to more than 1024 MiB",
    );
}

#[test]
fn a_note_with_a_50_mb_field_is_refused_before_it_is_rendered() {
    let env = env_with_history();
    let mut huge = spec();
    huge.notes.push(Note {
        id: 9,
        guid: "huge9",
        kind: "basic",
        fields: vec!["Huge?".into(), "<i>txt</i>".repeat(5 << 20)],
        tags: "",
        deck: 10,
    });
    let pkg = archive(&[Entry::stored("collection.anki2", legacy_collection(&huge))]);
    assert_refused(
        &env,
        "huge.apkg",
        &pkg,
        "collection: note 9: its fields hold 50.0 MiB; a note may hold at most 16 MiB",
    );
}

#[test]
fn a_note_whose_text_is_over_a_mebibyte_is_refused_naming_its_card() {
    let env = env_with_history();
    let mut big = spec();
    big.notes.push(Note {
        id: 9,
        guid: "big9",
        kind: "basic",
        fields: vec!["Big?".into(), "word ".repeat(300_000)],
        tags: "",
        deck: 10,
    });
    let pkg = archive(&[Entry::stored("collection.anki2", legacy_collection(&big))]);
    assert_refused(
        &env,
        "big.apkg",
        &pkg,
        "answer: card \"anki:big9:0\": 1.4 MiB of text; a card's answer may hold at most 1 MiB",
    );
}

#[test]
fn truncated_archives_and_collections_are_refused() {
    let env = env_with_history();
    let whole = legacy_package(&spec());
    for cut in [1, whole.len() / 4, whole.len() / 2, whole.len() - 23, whole.len() - 1] {
        assert_refused(&env, "cut.apkg", &whole[..cut], "package: not a valid Anki package");
    }
    // The zip is whole but the collection inside was cut short.
    let collection = legacy_collection(&spec());
    let half = archive(&[Entry::stored("collection.anki2", collection[..collection.len() / 2].to_vec())]);
    assert_refused(&env, "half.apkg", &half, "collection: cannot read the collection");
    let zstd = zstd::encode_all(collection.as_slice(), 3).unwrap();
    let cut = archive(&[Entry::stored("collection.anki21b", zstd[..zstd.len() / 2].to_vec())]);
    assert_refused(&env, "cut-zstd.apkg", &cut, "cannot decompress collection.anki21b");
}

/// The good collection with `sql` run on it (to plant views, triggers and the like).
fn collection_with(sql: &str) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("collection");
    std::fs::write(&path, legacy_collection(&spec())).unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(sql).unwrap();
    drop(conn);
    std::fs::read(&path).unwrap()
}

#[test]
fn a_collection_whose_notes_is_a_recursive_view_is_refused_before_it_runs() {
    let env = env_with_history();
    // Before the guard this ran 20 million steps and imported nothing (exit 0); without the
    // bound in the view it never ends, or fills memory when the WHERE lets rows through.
    let view = "DROP TABLE notes; CREATE VIEW notes AS
        WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 20000000)
        SELECT n AS id, 'g' AS guid, 0 AS mid, '' AS tags, '' AS flds FROM r WHERE n < 0;";
    let pkg = archive(&[Entry::stored("collection.anki2", collection_with(view))]);
    assert_refused(&env, "view.apkg", &pkg, "collection: the collection holds a view (notes), which Anki never writes");
    let trigger = "CREATE TRIGGER t AFTER DELETE ON cards BEGIN DELETE FROM notes; END;";
    let pkg = archive(&[Entry::stored("collection.anki2", collection_with(trigger))]);
    assert_refused(&env, "trigger.apkg", &pkg, "collection: the collection holds a trigger (t)");
    let generated = "ALTER TABLE revlog ADD COLUMN pad AS (zeroblob(50000000));";
    let pkg = archive(&[Entry::stored("collection.anki2", collection_with(generated))]);
    assert_refused(&env, "generated.apkg", &pkg, "revlog table has generated columns");
}

#[test]
fn a_small_package_holding_a_huge_collection_is_read_from_disk_not_memory() {
    use std::io::Write;
    let env = env_with_history();
    // The collection followed by 768 MiB of zeros SQLite never reads (the header gives the
    // database's size): a 100 KB package. Read into memory it needed twice that; grill is
    // given 512 MiB of address space.
    let mut encoder = zstd::Encoder::new(Vec::new(), 1).unwrap();
    encoder.write_all(&legacy_collection(&spec())).unwrap();
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..768 {
        encoder.write_all(&zeros).unwrap();
    }
    let compressed = encoder.finish().unwrap();
    let pkg = write(&env, "huge.apkg", &archive(&[Entry::stored("collection.anki21b", compressed)]));
    let tmp = env.dir.path().join("tmp");
    let out = std::process::Command::new("sh")
        .args(["-c", "ulimit -v 524288 && exec \"$@\"", "sh"])
        .arg(env!("CARGO_BIN_EXE_grill"))
        .args(["import", "--dry-run", s(&pkg)])
        .env_clear()
        .envs(env.command(&[]).get_envs().filter_map(|(k, v)| Some((k, v?))))
        .env("TMPDIR", &tmp)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{}: {stderr}", out.status);
    assert!(String::from_utf8_lossy(&out.stdout).contains("unchanged 6"), "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(std::fs::read_dir(&tmp).unwrap().count(), 0, "the temporary copy is removed");
}

#[test]
fn an_anki_package_named_like_a_csv_file_is_imported_as_the_package_it_is() {
    // CSV files are written while they are read; a zip is an Anki package whatever its name.
    let env = Env::new();
    let pkg = write(&env, "notes.csv", &legacy_package(&spec()));
    let out = env.run(&["import", s(&pkg)], "");
    assert!(out.contains("review history: added"), "{out}");
}
