//! The layer rules of docs/architecture.md, checked on the source: a rule that is only written
//! down drifts. Test code (after `#[cfg(test)]`) is not checked.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, with its non-test code.
fn sources(dir: &str) -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(dir);
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            stack.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("tests.rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap_or_default().to_owned();
            out.push((path, code));
        }
    }
    out
}

fn forbid(dirs: &[&str], needles: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for dir in dirs {
        for (path, code) in sources(dir) {
            for (n, line) in code.lines().enumerate() {
                let line = line.trim_start();
                if line.starts_with("//") {
                    continue;
                }
                for needle in needles {
                    if line.contains(needle) {
                        found.push(format!("{}:{}: {needle}", path.display(), n + 1));
                    }
                }
            }
        }
    }
    found
}

#[test]
fn the_pure_core_uses_no_storage_screen_clock_or_upper_layer() {
    let found = forbid(
        &["scheduler", "session", "scorecard", "stats", "cycle"],
        &[
            "crate::store",
            "crate::render",
            "crate::deck",
            "crate::app",
            "crate::commands",
            "crate::repl",
            "rusqlite",
            "std::fs",
            "Utc::now",
            "Local::now",
            "thread_rng",
        ],
    );
    assert!(found.is_empty(), "the pure core reaches out:\n{}", found.join("\n"));
}

#[test]
fn decks_know_no_screen_and_the_store_never_calls_up() {
    let found = forbid(&["deck"], &["crate::render", "crate::repl", "crate::app", "crate::commands"]);
    assert!(found.is_empty(), "deck/ reaches up:\n{}", found.join("\n"));
    let found = forbid(&["store"], &["crate::render", "crate::repl", "crate::app", "crate::commands"]);
    assert!(found.is_empty(), "store/ calls up:\n{}", found.join("\n"));
}

#[test]
fn commands_are_leaves() {
    let mut found = Vec::new();
    for (path, code) in sources("commands") {
        if path.ends_with("mod.rs") {
            continue;
        }
        for (n, line) in code.lines().enumerate() {
            if (line.contains("super::") && !line.contains("super::*")) || line.contains("crate::commands") {
                found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "a command uses another command:\n{}", found.join("\n"));
}
