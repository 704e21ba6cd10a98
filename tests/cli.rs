//! `grill decks`, `grill cards`, `--version` and `--help` through the real binary.

use crate::common::Env;
use predicates::prelude::*;

#[test]
fn decks_lists_the_nine_built_in_decks_with_counts() {
    let env = Env::new();
    let out = env.run(&["decks"], "");
    for area in ["sql", "system-design", "api-design", "testing", "cloud", "debugging", "behavioral", "python", "java"]
    {
        assert!(out.lines().any(|l| l.contains(&format!(" {area} "))), "{area} missing:\n{out}");
    }
    assert!(out.contains("due today"), "{out}");
}

#[test]
fn decks_counts_due_and_suspended_cards() {
    let mut env = Env::new();
    env.run(&["drill", "--area", "java", "--new", "2"], "\n3\n\n3\n");
    let key = env.cards(&["--area", "java"])[5]["id"].as_str().unwrap().to_owned();
    env.run(&["suspend", &key], "");
    env.day(10);
    let out = env.run(&["decks"], "");
    let java = out.lines().find(|l| l.contains(" java ")).unwrap();
    let numbers: Vec<&str> = java.split_whitespace().filter(|w| w.chars().all(|c| c.is_ascii_digit())).collect();
    let total: usize = numbers[0].parse().unwrap();
    assert_eq!(numbers[1..], [(total - 3).to_string(), "2".into(), "1".into()], "{java}");
}

#[test]
fn cards_json_has_exactly_the_documented_fields() {
    let env = Env::new();
    env.run(&["drill", "--area", "sql", "--new", "1"], "\n3\n");
    let cards = env.cards(&["--area", "sql"]);
    let mut fields: Vec<&str> = cards[0].as_object().unwrap().keys().map(String::as_str).collect();
    fields.sort();
    assert_eq!(
        fields,
        ["area", "deck", "difficulty", "due", "id", "lapses", "prompt", "reps", "stability", "suspended"]
    );
    let reviewed: Vec<_> = cards.iter().filter(|c| !c["reps"].is_null()).collect();
    assert_eq!(reviewed.len(), 1);
    let due = reviewed[0]["due"].as_str().unwrap();
    assert!(chrono::DateTime::parse_from_rfc3339(due).is_ok(), "{due}");
    let never = cards.iter().find(|c| c["reps"].is_null()).unwrap();
    for field in ["due", "stability", "difficulty", "lapses"] {
        assert!(never[field].is_null(), "{field} should be null for a new card");
    }
}

#[test]
fn cards_search_finds_text_in_prompts_and_answers() {
    let env = Env::new();
    let hits = env.cards(&["--search", "SKIP LOCKED"]);
    assert!(!hits.is_empty());
    let all = env.cards(&[]);
    assert!(hits.len() < all.len());
    let none = env.cards(&["--search", "no card says zxqv"]);
    assert!(none.is_empty());
}

#[test]
fn cards_table_lists_ids_and_a_count() {
    let env = Env::new();
    let out = env.run(&["cards", "--deck", "behavioral"], "");
    assert!(out.contains("behavioral/"), "{out}");
    assert!(out.trim_end().ends_with("cards"), "{out}");
}

#[test]
fn version_and_help_work() {
    let env = Env::new();
    env.grill(&["--version"]).assert().success().stdout(predicate::str::starts_with("grill "));
    env.grill(&["--help"]).assert().success().stdout(predicate::str::contains("drill"));
    env.grill(&["drill", "--help"]).assert().success().stdout(predicate::str::contains("--area"));
}

#[test]
fn unknown_card_ids_are_a_clear_error() {
    let env = Env::new();
    env.grill(&["suspend", "sql/no-such-card"]).assert().code(2).stderr(predicate::str::contains("sql/no-such-card"));
}

#[test]
fn a_bad_config_file_names_the_file_line_and_field() {
    let env = Env::new();
    std::fs::write(env.config(), "new_per_day = 5\nreviews_per_day = \"many\"\n").unwrap();
    env.grill(&["decks"]).assert().code(2).stderr(predicate::str::contains("config.toml:2: reviews_per_day"));
}

#[test]
fn completions_and_the_manual_come_from_the_command_tree() {
    let env = Env::new();
    for (shell, marker) in [("bash", "complete -F _grill"), ("zsh", "#compdef grill"), ("fish", "complete -c grill")] {
        let script = env.run(&["completions", shell], "");
        assert!(script.contains(marker), "{shell}: {script}");
        assert!(script.contains("show") && script.contains("area"), "{shell} completes commands and flags");
    }
    let man = env.run(&["man"], "");
    assert!(man.contains(".TH grill 1") && man.contains("drill"), "{man}");
    assert!(!env.db().exists(), "neither needs the database");
    env.grill(&["completions", "nosh"]).assert().code(2).stderr(predicate::str::starts_with("grill: "));
}

/// docs/cli.md is generated from clap: this fails when a flag changed and the file did not.
#[test]
fn the_cli_reference_in_docs_is_current() {
    use clap::CommandFactory;
    let generated = grill::render::cli_doc::markdown(&grill::cli::Cli::command());
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/cli.md");
    if std::env::var_os("GRILL_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(on_disk == generated, "docs/cli.md is out of date: run GRILL_UPDATE_DOCS=1 cargo test cli::");
}

/// `grill X | head -c1`: the reader goes away after one byte; grill exits quietly, no panic.
#[test]
fn listings_end_quietly_when_the_pipe_closes() {
    use std::io::Read;
    use std::process::Stdio;
    let env = Env::new();
    env.run(&["drill", "--new", "3"], "\n3\n\n1\n\n3\n\n3\n");
    let listings: [&[&str]; 16] = [
        &["cards"],
        &["cards", "--json"],
        &["decks"],
        &["score"],
        &["score", "--json"],
        &["score", "--history"],
        &["stats"],
        &["stats", "--json"],
        &["plan"],
        &["plan", "--month"],
        &["log"],
        &["gaps"],
        &["dashboard"],
        &["export", "--reviews"],
        &["completions", "bash"],
        &["man"],
    ];
    for args in listings {
        let mut child = env.command(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        let mut first = [0u8; 1];
        child.stdout.as_mut().unwrap().read_exact(&mut first).unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(matches!(out.status.code(), Some(0) | None), "{args:?} exited {:?}: {stderr}", out.status);
    }
}

/// At 80 columns no listing is wider than 80 (COLUMNS stands in for a terminal's width).
#[test]
fn listings_fit_an_80_column_terminal() {
    let env = Env::new();
    env.run(&["drill", "--new", "4"], "\n3\n\n1\n\n3\n\n3\n\n3\n");
    for args in
        [&["cards"][..], &["score"], &["stats"], &["plan"], &["decks"], &["plan", "--month"], &["score", "--history"]]
    {
        let out = env.grill(args).env("COLUMNS", "80").output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        let widest = text.lines().map(|l| l.chars().count()).max().unwrap_or(0);
        assert!(widest <= 80, "{args:?} is {widest} columns wide:\n{text}");
        // Without a width (a pipe), the card browser's table is not squeezed.
        if args == ["cards"] {
            let piped = env.run(args, "");
            assert!(piped.lines().map(|l| l.chars().count()).max().unwrap_or(0) > 80);
        }
    }
}

#[test]
fn a_language_without_cards_is_refused_and_a_known_one_accepted() {
    let env = Env::new();
    env.grill(&["config", "set", "languages", "pyhton"]).assert().code(2).stderr(predicate::str::contains(
        "grill: languages: no cards in a language \"pyhton\"; grill has python, java",
    ));
    assert!(!env.config().exists(), "nothing was written");
    assert_eq!(env.run(&["config", "set", "languages", "Python,java"], "").trim(), "languages = python,java");
}

#[test]
fn the_dashboard_says_how_to_fill_in_what_is_missing() {
    let env = Env::new();
    let out = env.run(&["dashboard"], "");
    assert!(out.contains("✎ marks what profile.toml does not say yet: `grill profile edit` fills it in."), "{out}");
}
