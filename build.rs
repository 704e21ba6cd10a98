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

fn main() {
    let out = Path::new(&env::var("OUT_DIR").expect("OUT_DIR")).join("embedded.rs");
    let code = format!(
        "/// Built-in deck files: (file name, contents).\npub static DECK_FILES: &[(&str, &str)] = {};\n\
         /// Schema migrations: (file name, SQL), in order.\npub static MIGRATION_FILES: &[(&str, &str)] = {};\n",
        table("decks", ".toml"),
        table("migrations", ".sql"),
    );
    fs::write(out, code).expect("writing embedded.rs");
}
