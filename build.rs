//! Embeds every `decks/*.toml` and `migrations/*.sql` file, so adding a deck or a migration
//! needs no code change. Files are listed in name order (migrations are numbered).
use std::{env, fs, path::Path};

fn list(dir: &str, ext: &str) -> Vec<String> {
    println!("cargo:rerun-if-changed={dir}");
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {dir}: {e}"))
        .map(|entry| entry.expect("directory entry").file_name().into_string().expect("UTF-8 name"))
        .filter(|name| name.ends_with(ext))
        .collect();
    names.sort();
    names
}

fn table(dir: &str, ext: &str) -> String {
    let root = env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR");
    let mut out = String::from("&[\n");
    for name in list(dir, ext) {
        let path = Path::new(&root).join(dir).join(&name);
        println!("cargo:rerun-if-changed={}", path.display());
        out.push_str(&format!("    ({name:?}, include_str!({:?})),\n", path.display().to_string()));
    }
    out.push(']');
    out
}

/// FNV-1a over every deck file's name and text, in name order: start-up compares it with the
/// database's to skip syncing (and even parsing) unchanged built-in decks, and computing it here
/// instead of at every start saves about half a millisecond.
fn fingerprint(dir: &str) -> String {
    let root = env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR");
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    for name in list(dir, ".toml") {
        let text = fs::read(Path::new(&root).join(dir).join(&name)).expect("reading a deck file");
        for byte in name.bytes().chain(text) {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

fn main() {
    let out = Path::new(&env::var("OUT_DIR").expect("OUT_DIR")).join("embedded.rs");
    let code = format!(
        "/// Built-in deck files: (file name, contents).\npub static DECK_FILES: &[(&str, &str)] = {};\n\
         /// Schema migrations: (file name, SQL), in order.\npub static MIGRATION_FILES: &[(&str, &str)] = {};\n\
         /// A fingerprint of every file in decks/ (see build.rs).\npub static DECK_FINGERPRINT: &str = {:?};\n",
        table("decks", ".toml"),
        table("migrations", ".sql"),
        fingerprint("decks"),
    );
    fs::write(out, code).expect("writing embedded.rs");
}
