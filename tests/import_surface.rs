//! `grill import` and `grill market add` at their edges, through the real binary: a built-in
//! deck's export imported back as a copy, empty and unknown files, folders, stored areas and
//! re-imports that change nothing.

use crate::common::{Env, s, snapshot};

/// Runs `grill ARGS`, expects exit code 2 and one stderr line, and returns that line.
fn refused(env: &Env, args: &[&str]) -> String {
    let out = env.grill(args).output().expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "grill {args:?}:\n{}\n{stderr}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("grill: "), "{stderr}");
    stderr
}

fn keys_of_deck(env: &Env, deck: &str) -> Vec<String> {
    env.cards(&["--deck", deck]).iter().map(|c| c["id"].as_str().unwrap().to_owned()).collect()
}

/// The export of the built-in `sql` deck, as `grill export --deck sql -o sql.toml` writes it.
fn exported_sql(env: &Env) -> std::path::PathBuf {
    let file = env.dir.path().join("sql.toml");
    env.run(&["export", "--deck", "sql", "-o", s(&file)], "");
    file
}

#[test]
fn an_exported_builtin_deck_imports_back_under_a_new_deck_id_with_its_card_ids_renamed() {
    let env = Env::new();
    let file = exported_sql(&env);
    let builtin = keys_of_deck(&env, "sql");
    let out = env.run(&["import", s(&file), "--deck", "my-sql"], "");
    let n = builtin.len();
    assert!(out.contains(&format!("added {n} · updated 0")), "{out}");
    assert!(out.contains(&format!("{n} card ids renamed sql/... -> my-sql/...")), "{out}");
    let copy = keys_of_deck(&env, "my-sql");
    let expected: Vec<String> = builtin.iter().map(|k| k.replacen("sql/", "my-sql/", 1)).collect();
    assert_eq!(copy, expected);
    // The built-in deck keeps its cards; the copy is a deck of its own.
    assert_eq!(keys_of_deck(&env, "sql"), builtin);
    let again = env.run(&["import", s(&file), "--deck", "my-sql"], "");
    assert!(again.contains(&format!("added 0 · updated 0 · unchanged {n} · missing 0")), "{again}");
}

#[test]
fn a_builtin_decks_file_without_deck_is_refused_naming_the_file_and_suggesting_deck() {
    let env = Env::new();
    let file = exported_sql(&env);
    let before = snapshot(&env.sql());
    let line = refused(&env, &["import", s(&file)]);
    assert!(line.contains(&format!("{}: ", s(&file))), "{line}");
    assert!(line.contains("built-in deck") && line.contains("--deck my-sql"), "{line}");
    assert_eq!(snapshot(&env.sql()), before);
}

#[test]
fn an_empty_markdown_file_or_a_header_only_csv_is_an_error_naming_the_file() {
    let env = Env::new();
    env.run(&["decks"], "");
    let before = snapshot(&env.sql());
    for (name, text) in
        [("empty.md", ""), ("blank.md", "\n\n# Notes\n\nJust an intro.\n"), ("header.csv", "prompt,answer\n")]
    {
        let file = env.write(name, text);
        let line = refused(&env, &["import", s(&file)]);
        assert!(line.contains(&format!("{name}: cards: no cards in the file")), "{line}");
        assert_eq!(snapshot(&env.sql()), before, "{name}");
    }
}

#[test]
fn a_file_of_a_format_grill_does_not_read_is_refused_with_the_supported_ones() {
    let env = Env::new();
    env.run(&["decks"], "");
    let before = snapshot(&env.sql());
    // CSV content: before, it was imported as CSV because of its content.
    let file = env.write("x.json", "prompt,answer\nWhat?,That.\n");
    let line = refused(&env, &["import", s(&file)]);
    assert!(line.contains("x.json: file: grill does not read .json files"), "{line}");
    assert!(line.contains(".toml, .csv, .tsv, .txt, .md, .markdown, .apkg, .colpkg"), "{line}");
    assert_eq!(snapshot(&env.sql()), before);
}

/// Two user decks exported into a folder by `grill export -o DIR`.
fn exported_folder(env: &Env) -> std::path::PathBuf {
    env.run(&["import", s(&env.write("notes.csv", "prompt,answer\nWhat is X?,X.\nWhy Y?,Y.\n")), "--area", "sql"], "");
    env.run(&["import", s(&env.write("design.md", "# Design\n\n## A queue?\nBuffers work.\n"))], "");
    let dir = env.dir.path().join("out");
    env.run(&["export", "-o", s(&dir)], "");
    dir
}

#[test]
fn a_folder_imports_every_deck_file_in_it() {
    let env = Env::new();
    let dir = exported_folder(&env);
    // What an interrupted export could leave: hidden, skipped.
    std::fs::write(dir.join(".tmp"), "garbage").unwrap();
    let fresh = Env::new();
    let out = fresh.run(&["import", &format!("{}/", s(&dir))], "");
    assert!(out.contains("Imported into deck(s) design, notes:"), "{out}");
    assert!(out.contains("added 3 · updated 0"), "{out}");
    assert_eq!(keys_of_deck(&fresh, "notes"), keys_of_deck(&env, "notes"));
    // Imported again into the database it came from: nothing changes.
    let again = env.run(&["import", s(&dir)], "");
    assert!(again.contains("added 0 · updated 0 · unchanged 3 · missing 0"), "{again}");
}

#[test]
fn a_folder_with_one_bad_file_imports_nothing() {
    let env = Env::new();
    let dir = exported_folder(&env);
    std::fs::write(dir.join("zz-broken.csv"), "prompt,answer\nQ?,\n").unwrap();
    let fresh = Env::new();
    fresh.run(&["decks"], "");
    let before = snapshot(&fresh.sql());
    let line = refused(&fresh, &["import", s(&dir)]);
    assert!(line.contains("zz-broken.csv"), "{line}");
    assert_eq!(snapshot(&fresh.sql()), before);
    let empty = fresh.dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let line = refused(&fresh, &["import", s(&empty)]);
    assert!(line.contains("no deck files in the folder"), "{line}");
}

#[test]
fn market_add_reads_every_file_in_a_folder() {
    let env = Env::new();
    let dir = env.dir.path().join("listings");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("a.txt"), "Senior Backend Engineer\nPython, Django, PostgreSQL\n").unwrap();
    std::fs::write(dir.join("b.md"), "Platform Engineer\nGo, Terraform, AWS\n---\nData Engineer\nKafka, Spark\n")
        .unwrap();
    std::fs::write(dir.join(".DS_Store"), "\0\0binary").unwrap();
    let out = env.run(&["market", "add", s(&dir)], "");
    assert!(out.contains("Kept 3 new listings"), "{out}");
    let empty = env.dir.path().join("none");
    std::fs::create_dir(&empty).unwrap();
    let line = refused(&env, &["market", "add", s(&empty)]);
    assert!(line.contains("the folder holds no files"), "{line}");
}

fn deck_area(env: &Env, deck: &str) -> String {
    env.sql().query_row("SELECT area FROM decks WHERE key = ?1", [deck], |r| r.get(0)).unwrap()
}

fn card_areas(env: &Env, deck: &str) -> Vec<String> {
    env.cards(&["--deck", deck]).iter().map(|c| c["area"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn a_reimport_without_area_keeps_the_stored_area() {
    let env = Env::new();
    let csv = env.write("notes.csv", "prompt,answer\nWhat is X?,X.\n");
    let md = env.write("team.md", "# Team\n\n## Who owns the pager?\nThe on-call.\n");
    for file in [&csv, &md] {
        env.run(&["import", s(file), "--area", "sql"], "");
        let out = env.run(&["import", s(file)], "");
        assert!(out.contains("added 0 · updated 0 · unchanged 1 · missing 0"), "{out}");
        assert!(out.contains("keeps its area sql"), "{out}");
    }
    for deck in ["notes", "team"] {
        assert_eq!(deck_area(&env, deck), "sql");
        assert_eq!(card_areas(&env, deck), ["sql"]);
    }
    // --area still moves it, and a file that names an area is followed.
    env.run(&["import", s(&csv), "--area", "testing"], "");
    assert_eq!(card_areas(&env, "notes"), ["testing"]);
    let named =
        env.write("team.md", "# Team\n<!-- grill\narea: behavioral\n-->\n\n## Who owns the pager?\nThe on-call.\n");
    env.run(&["import", s(&named)], "");
    assert_eq!(card_areas(&env, "team"), ["behavioral"]);
}

fn import_code(env: &Env, name: &str, code: &str) -> String {
    let toml = format!(
        "[deck]\nid = \"snips\"\nname = \"Snippets\"\narea = \"python\"\n\n[[cards]]\nid = \"snips/1\"\n\
         prompt = \"What does it print?\"\nanswer = \"1\"\n[cards.example]\nlang = \"python\"\ncode = {code}\n"
    );
    env.run(&["import", s(&env.write(name, &toml))], "")
}

#[test]
fn an_unchanged_reimport_reports_unchanged_whatever_the_trailing_newlines() {
    let env = Env::new();
    import_code(&env, "a.toml", "\"print(1)\"");
    for code in ["\"\"\"\nprint(1)\n\"\"\"", "\"print(1)\\n\\n\"", "\"print(1)  \""] {
        let out = import_code(&env, "a.toml", code);
        assert!(out.contains("added 0 · updated 0 · unchanged 1 · missing 0"), "{code}: {out}");
    }
    // And an export of it imports back unchanged in every format.
    for (format, name) in [("csv", "x.csv"), ("md", "x.md"), ("toml", "x.toml")] {
        let file = env.dir.path().join(name);
        env.run(&["export", "--deck", "snips", "--format", format, "-o", s(&file)], "");
        let mut text = std::fs::read_to_string(&file).unwrap();
        text.push('\n');
        std::fs::write(&file, text).unwrap();
        let out = env.run(&["import", s(&file)], "");
        assert!(out.contains("unchanged 1"), "{format}: {out}");
    }
}
