//! `grill import` and `grill export` of text formats through the real binary.

use crate::common::{Env, s};

const CSV: &str = "id,prompt,answer,tags,follow_ups\n\
q1,\"What does a LEFT JOIN keep, exactly?\",\"- every left row\n- NULLs where nothing matches\",sql joins,\"And RIGHT JOIN?\nWhy avoid it?\"\n\
q2,What is an index?,A sorted structure that finds rows fast,sql,\n";

const TOML: &str = r#"
[deck]
id = "mine"
name = "My notes"
area = "sql"
description = "Things I keep forgetting."

[[cards]]
id = "mine/mvcc"
prompt = "What is\nMVCC?"
answer = """
## not a heading
```
## inside a fence, still text
```
Q: not a question either
"""
follow_ups = ["Which isolation level uses it?"]
tags = ["db", "mvcc"]
roles = ["data"]
level = "mid"
time_limit_secs = 90
area = "system-design"

[cards.example]
lang = "sql"
code = "SELECT 1;"
expect = "1"

[[cards]]
id = "mine/plain"
prompt = "Plain, with a comma?"
answer = "Yes, \"quoted\" too."
"#;

/// The imported cards' stored columns (everything a round trip must keep), by id.
fn card_rows(env: &Env) -> Vec<String> {
    let conn = env.sql();
    let mut stmt = conn
        .prepare(
            "SELECT c.key || '|' || d.key || '|' || c.area || '|' || c.prompt || '|' || c.answer || '|' ||
                    c.follow_ups || '|' || c.tags || '|' || c.roles || '|' || ifnull(c.level, '-') || '|' ||
                    ifnull(c.time_limit_secs, '-') || '|' || ifnull(c.example, '-') || '|' || c.position
             FROM cards c JOIN decks d ON d.id = c.deck_id WHERE d.source = 'import' ORDER BY c.key",
        )
        .unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}

fn count(env: &Env, sql: &str) -> i64 {
    env.sql().query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn a_csv_with_quoted_newlines_and_commas_imports_into_a_deck_named_after_the_file() {
    let env = Env::new();
    let file = env.write("team-notes.csv", CSV);
    let out = env.run(&["import", s(&file)], "");
    assert!(out.contains("added 2 · updated 0 · unchanged 0 · missing 0"), "{out}");
    let cards = env.cards(&["--deck", "team-notes"]);
    assert_eq!(cards.len(), 2);
    assert_eq!(cards[0]["id"], "team-notes/q1");
    assert_eq!(cards[0]["prompt"], "What does a LEFT JOIN keep, exactly?");
    assert_eq!(cards[0]["area"], "general");
    let answer: String =
        env.sql().query_row("SELECT answer FROM cards WHERE key = 'team-notes/q1'", [], |r| r.get(0)).unwrap();
    assert_eq!(answer, "- every left row\n- NULLs where nothing matches");
}

#[test]
fn importing_the_same_file_twice_changes_nothing() {
    let env = Env::new();
    let file = env.write("team.csv", CSV);
    env.run(&["import", s(&file)], "");
    let before = card_rows(&env);
    let out = env.run(&["import", s(&file)], "");
    assert!(out.contains("added 0 · updated 0 · unchanged 2 · missing 0"), "{out}");
    assert_eq!(before, card_rows(&env));
}

#[test]
fn an_edited_file_updates_texts_keeps_reviews_and_reports_missing_cards() {
    let mut env = Env::new();
    let file = env.write("team.csv", CSV);
    env.run(&["import", "--area", "team-only", s(&file)], "");
    // Review both imported cards (the only ones in this area).
    env.run(&["drill", "--area", "team-only"], "\n3\n\n4\n");
    assert_eq!(count(&env, "SELECT count(*) FROM reviews"), 2);
    env.day(3);
    let edited = "id,prompt,answer\nq1,What does a LEFT JOIN keep?,Every left row\n";
    std::fs::write(&file, edited).unwrap();
    let out = env.run(&["import", "--area", "team-only", s(&file)], "");
    assert!(out.contains("updated 1"), "{out}");
    assert!(out.contains("missing 1"), "{out}");
    assert!(out.contains("missing: team/q2"), "{out}");
    let cards = env.cards(&["--deck", "team"]);
    assert_eq!(cards.len(), 2, "missing cards are kept");
    assert_eq!(cards[0]["prompt"], "What does a LEFT JOIN keep?");
    assert!(cards.iter().all(|c| c["reps"] == 1), "every review kept: {cards:?}");
    assert_eq!(count(&env, "SELECT count(*) FROM reviews"), 2);
}

#[test]
fn a_dry_run_lists_what_would_change_and_writes_nothing() {
    let env = Env::new();
    let file = env.write("team.csv", CSV);
    let out = env.run(&["import", "--dry-run", s(&file)], "");
    assert!(out.contains("Dry run: nothing was written"), "{out}");
    assert!(out.contains("would add: What does a LEFT JOIN keep, exactly?  [team/q1]"), "{out}");
    assert!(out.contains("  [team/q2]"), "{out}");
    assert_eq!(count(&env, "SELECT count(*) FROM decks WHERE source = 'import'"), 0);
}

#[test]
fn an_error_names_file_line_and_field_and_leaves_the_database_as_it_was() {
    let env = Env::new();
    let good = env.write("good.csv", CSV);
    let bad = env.write("bad.csv", "prompt,answer\nFine?,Yes\n\"Two\nlines?\",\n");
    env.grill(&["import", s(&good), s(&bad)])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("bad.csv:3: answer: "))
        .stderr(predicates::function::function(|e: &str| e.lines().count() == 1));
    assert_eq!(count(&env, "SELECT count(*) FROM decks WHERE source = 'import'"), 0, "all or nothing");
}

/// A TOML deck of `cards` cards (more than one piece of the streamed reader).
fn big_toml(cards: usize) -> String {
    let body: String = (0..cards)
        .map(|i| {
            format!("[[cards]]\nid = \"big/{i}\"\nprompt = \"Question {i}?\"\nanswer = \"\"\"\n- point {i}\n\"\"\"\n\n")
        })
        .collect();
    format!("[deck]\nid = \"big\"\nname = \"Big\"\narea = \"sql\"\n\n{body}")
}

#[test]
fn a_large_toml_deck_read_in_pieces_names_the_line_of_a_late_fault_and_writes_nothing() {
    let env = Env::new();
    let good = big_toml(4_500);
    let file = env.write("big.toml", &good);
    let out = env.run(&["import", s(&file)], "");
    assert!(out.contains("added 4500 ·"), "{out}");
    // A duplicate id near the end (in the third piece): the line of its second occurrence.
    let env = Env::new();
    let bad = good.replace("id = \"big/4400\"", "id = \"big/12\"");
    let line = bad[..bad.find("id = \"big/12\"\nprompt = \"Question 4400?").unwrap()].lines().count() + 1;
    let file = env.write("big.toml", &bad);
    env.grill(&["import", s(&file)])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(format!("big.toml:{line}: cards[4400].id: duplicate id \"big/12\"")));
    assert_eq!(count(&env, "SELECT count(*) FROM decks WHERE source = 'import'"), 0, "all or nothing");
    // Bytes that are not UTF-8 in a late piece: the line, as for a file read whole.
    let mut bytes = good.into_bytes();
    let at = bytes.len() - 20;
    bytes[at] = 0xff;
    let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
    let file = env.dir.path().join("latin1.toml");
    std::fs::write(&file, &bytes).unwrap();
    env.grill(&["import", s(&file)])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(format!("latin1.toml:{line}: text: not valid UTF-8")));
    assert_eq!(count(&env, "SELECT count(*) FROM decks WHERE source = 'import'"), 0, "all or nothing");
}

#[test]
fn a_file_that_is_not_utf8_is_a_clear_error() {
    let env = Env::new();
    let file = env.dir.path().join("latin1.csv");
    std::fs::write(&file, b"prompt,answer\nCaf\xe9?,Yes\n").unwrap();
    env.grill(&["import", s(&file)])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("latin1.csv:2: text: not valid UTF-8"));
}

#[test]
fn a_missing_file_is_a_clear_error() {
    let env = Env::new();
    env.grill(&["import", "nope.csv"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("nope.csv: file: cannot read it"));
}

#[test]
fn terminal_control_sequences_are_stripped_from_every_field() {
    let env = Env::new();
    let file = env.write("t.csv", "prompt,answer,tags\n\"Red\x1b[31m?\",\"\x1b]0;pwned\x07Safe\",\"a\x1b[2Jb\"\n");
    env.run(&["import", s(&file)], "");
    let row: (String, String, String) = env
        .sql()
        .query_row(
            "SELECT prompt, answer, tags FROM cards WHERE deck_id = (SELECT id FROM decks WHERE key = 't')",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(row, ("Red?".to_owned(), "Safe".to_owned(), r#"["ab"]"#.to_owned()));
}

#[test]
fn imports_cannot_take_a_built_in_decks_place() {
    let env = Env::new();
    let file = env.write("sql.csv", "prompt,answer\nQ?,A\n");
    env.grill(&["import", s(&file)]).assert().code(2).stderr(predicates::str::contains("built-in deck"));
    let file = env.write("x.csv", "id,prompt,answer\nsql/left-join-filter-placement,Q?,A\n");
    env.grill(&["import", s(&file)]).assert().code(2).stderr(predicates::str::contains("x.csv: id: card id"));
    env.run(&["import", "--deck", "my-sql", s(&env.write("sql.csv", "prompt,answer\nQ?,A\n"))], "");
}

#[test]
fn markdown_headings_and_q_a_blocks_both_become_cards() {
    let env = Env::new();
    let md = "# Interview notes\n\nSome intro.\n\n## What is a B-tree?\n\nA balanced tree.\n\n- sorted keys\n\nQ: Two-line\nprompt?\nA: Answer.\n";
    let out = env.run(&["import", s(&env.write("notes.md", md))], "");
    assert!(out.contains("added 2"), "{out}");
    let cards = env.cards(&["--deck", "interview-notes"]);
    assert_eq!(cards.len(), 2);
    assert_eq!(cards[0]["prompt"], "What is a B-tree?");
    assert_eq!(cards[1]["prompt"], "Two-line\nprompt?");
}

#[test]
fn two_markdown_decks_with_the_same_heading_are_one_deck_and_nothing_is_reported_missing() {
    let env = Env::new();
    let md = env.write("notes.md", "# SQL notes\n\n## One?\nA.\n\n# SQL notes\n\n## Two?\nB.\n");
    let out = env.run(&["import", s(&md)], "");
    assert!(out.contains("added 2 · updated 0 · unchanged 0 · missing 0"), "{out}");
    let again = env.run(&["import", s(&md)], "");
    assert!(again.contains("added 0 · updated 0 · unchanged 2 · missing 0"), "{again}");
    assert_eq!(env.cards(&["--deck", "sql-notes"]).len(), 2);
}

#[test]
fn anki_plain_text_exports_import_with_guids() {
    let env = Env::new();
    let txt = "#separator:tab\n#html:true\n#guid column:1\n#tags column:4\nabc\tWhat is <b>MVCC</b>?\tRow&nbsp;versions\tsql\n";
    env.run(&["import", s(&env.write("anki.txt", txt))], "");
    let cards = env.cards(&["--deck", "anki"]);
    assert_eq!(cards[0]["id"], "anki:abc:0");
    assert_eq!(cards[0]["prompt"], "What is MVCC?");
}

/// Imports `TOML`, exports it as `format`, imports that into a fresh database and checks every
/// stored card column is identical.
fn round_trip(format: &str, file: &str) {
    let env = Env::new();
    env.run(&["import", s(&env.write("mine.toml", TOML))], "");
    let out = env.dir.path().join(file);
    env.run(&["export", "--deck", "mine", "--format", format, "-o", s(&out)], "");
    let fresh = Env::new();
    let copy = fresh.dir.path().join(file);
    std::fs::copy(&out, &copy).unwrap();
    fresh.run(&["import", s(&copy)], "");
    let rows = card_rows(&env);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows, card_rows(&fresh), "{}", std::fs::read_to_string(&out).unwrap());
}

#[test]
fn toml_export_then_import_gives_identical_cards() {
    round_trip("toml", "out.toml");
}

#[test]
fn csv_export_then_import_gives_identical_cards() {
    round_trip("csv", "out.csv");
}

#[test]
fn markdown_export_then_import_gives_identical_cards() {
    round_trip("md", "out.md");
}

#[test]
fn export_defaults_to_every_imported_deck_and_toml_needs_a_folder_for_several() {
    let env = Env::new();
    env.grill(&["export"]).assert().failure().stderr(predicates::str::contains("no imported decks"));
    env.run(
        &["import", s(&env.write("a.csv", "prompt,answer\nA?,a\n")), s(&env.write("b.csv", "prompt,answer\nB?,b\n"))],
        "",
    );
    let csv = env.run(&["export", "--format", "csv"], "");
    assert_eq!(csv.lines().count(), 3, "{csv}");
    env.grill(&["export"]).assert().failure().stderr(predicates::str::contains("-o FOLDER"));
    let folder = env.dir.path().join("decks");
    env.run(&["export", "-o", s(&folder)], "");
    assert!(folder.join("a.toml").exists() && folder.join("b.toml").exists());
    env.grill(&["export", "--deck", "nope"])
        .assert()
        .failure()
        .stderr(predicates::str::contains("no deck with id \"nope\""));
}

#[test]
fn a_large_import_on_a_pipe_prints_no_progress_bar() {
    let env = Env::new();
    let mut csv = String::from("prompt,answer\n");
    for i in 0..700 {
        csv.push_str(&format!("Question {i}?,Answer {i}\n"));
    }
    let out = env.grill(&["import", s(&env.write("big.csv", &csv))]).output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("added 700"));
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_card_id_in_two_files_decks_is_refused_and_one_deck_may_span_files() {
    let env = Env::new();
    let deck = |id: &str, cards: &[&str]| {
        let cards: String =
            cards.iter().map(|c| format!("[[cards]]\nid = \"{c}\"\nprompt = \"{c}?\"\nanswer = \"- yes\"\n")).collect();
        format!("[deck]\nid = \"{id}\"\nname = \"{id}\"\narea = \"sql\"\n{cards}")
    };
    let a = env.write("a.toml", &deck("a", &["shared/x", "a/1"]));
    let b = env.write("b.toml", &deck("b", &["b/1", "shared/x"]));
    env.grill(&["import", s(&a), s(&b)])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("b.toml"))
        .stderr(predicates::str::contains("card id \"shared/x\" is also in deck \"a\" of an earlier file"))
        .stderr(predicates::function::function(|e: &str| e.lines().count() == 1));
    assert_eq!(count(&env, "SELECT count(*) FROM decks WHERE source = 'import'"), 0, "all or nothing");
    // The same deck in two files is one deck.
    let more = env.write("a2.toml", &deck("a", &["a/2", "a/3"]));
    env.run(&["import", s(&a), s(&more)], "");
    assert_eq!(count(&env, "SELECT count(*) FROM cards c JOIN decks d ON d.id = c.deck_id WHERE d.key = 'a'"), 4);
}

#[test]
fn thousands_of_cards_are_stored_in_file_order_and_a_re_import_updates_only_what_changed() {
    // More cards than one write statement or one batch holds (imports write many per statement).
    let env = Env::new();
    let file = |edited: &[usize], dropped: usize| {
        let mut csv = String::from("id,prompt,answer\n");
        for i in (0..2500).filter(|&i| i != dropped) {
            let answer = if edited.contains(&i) { format!("Edited {i}") } else { format!("Answer {i}") };
            csv.push_str(&format!("c{i},Question {i}?,{answer}\n"));
        }
        env.write("big.csv", &csv)
    };
    let out = env.run(&["import", s(&file(&[], usize::MAX))], "");
    assert!(out.contains("added 2500 · updated 0 · unchanged 0"), "{out}");
    let stored = |sql: &str| -> Vec<(i64, String, String)> {
        let conn = env.sql();
        let mut stmt = conn.prepare(sql).unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(Result::unwrap).collect()
    };
    let order = "SELECT c.id, c.key, c.answer FROM cards c JOIN decks d ON d.id = c.deck_id
                 WHERE d.key = 'big' ORDER BY c.position";
    let first = stored(order);
    let keys: Vec<String> = (0..2500).map(|i| format!("big/c{i}")).collect();
    assert_eq!(first.iter().map(|(_, k, _)| k.clone()).collect::<Vec<_>>(), keys);
    assert!(first.windows(2).all(|w| w[0].0 < w[1].0), "rows are added in file order");

    // The last card dropped: a card's place in its file is stored, so a card dropped earlier
    // would move (and update) every card after it.
    let out = env.run(&["import", s(&file(&[0, 255, 256, 1024, 2498], 2499))], "");
    assert!(out.contains("added 0 · updated 5 · unchanged 2494 · missing 1"), "{out}");
    let second = stored(order);
    // The card gone from the file stays (imports report it, the built-in decks suspend theirs).
    assert_eq!(second.len(), 2500);
    for (before, after) in first.iter().zip(&second) {
        // Every card keeps its row, and so its history; only the edited ones change.
        assert_eq!((before.0, &before.1), (after.0, &after.1));
        let i: usize = before.1.trim_start_matches("big/c").parse().unwrap();
        let expected = if [0, 255, 256, 1024, 2498].contains(&i) { format!("Edited {i}") } else { before.2.clone() };
        assert_eq!(after.2, expected);
    }
}

#[test]
fn a_fault_late_in_a_large_csv_leaves_nothing_written_though_earlier_cards_were_on_their_way() {
    // CSV is written while it is read, thousands of cards at a time: a fault after the first
    // batches must still roll everything back.
    let env = Env::new();
    let rows = |fault: &str| {
        let mut csv = String::from("id,prompt,answer,time_limit_secs\n");
        for i in 0..6000 {
            let limit = if i == 5000 { fault.to_owned() } else { "60".to_owned() };
            csv.push_str(&format!("c{i},Question {i}?,Answer {i},{limit}\n"));
        }
        csv
    };
    env.run(&["decks"], "");
    let before = count(&env, "SELECT count(*) FROM cards");
    let bad = env.write("late.csv", &rows("soon"));
    env.grill(&["import", s(&bad)])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("late.csv"))
        .stderr(predicates::str::contains("late.csv:5002: time_limit_secs"));
    assert_eq!(count(&env, "SELECT count(*) FROM cards"), before, "all or nothing");
    assert_eq!(count(&env, "SELECT count(*) FROM decks WHERE key = 'late'"), 0);
    // The per-card insert triggers, set aside while the cards were written, are back.
    let triggers = "SELECT count(*) FROM sqlite_schema
                    WHERE type = 'trigger' AND name IN ('derived_card_added', 'new_cards_card_added')";
    assert_eq!(count(&env, triggers), 2);
    // A card id used again thousands of rows later is refused the same way.
    let mut twice = rows("60");
    twice.push_str("c7,Again?,Again\n");
    let twice = env.write("late.csv", &twice);
    env.grill(&["import", s(&twice)]).assert().code(2).stderr(predicates::str::contains("was already used on line 9"));
    assert_eq!(count(&env, "SELECT count(*) FROM cards"), before);
}

#[test]
fn a_large_csv_of_several_decks_gathered_by_deck_is_named_after_it_and_two_files_may_not_share_an_id() {
    let env = Env::new();
    let mut csv = String::from("deck,id,prompt,answer\n");
    // The second deck first appears after the first batches were written.
    for i in 0..5000 {
        let deck = if i < 4500 { "first" } else { "second" };
        csv.push_str(&format!("{deck},c{i},Question {i}?,Answer {i}\n"));
    }
    let file = env.write("two.csv", &csv);
    let out = env.run(&["import", s(&file), "--deck", "gathered"], "");
    assert!(out.contains("added 5000"), "{out}");
    let name: String = env.sql().query_row("SELECT name FROM decks WHERE key = 'gathered'", [], |r| r.get(0)).unwrap();
    assert_eq!(name, "gathered", "a deck gathering several is named after its id");
    assert_eq!(
        count(&env, "SELECT count(*) FROM cards c JOIN decks d ON d.id = c.deck_id WHERE d.key = 'gathered'"),
        5000
    );
    // One deck only: it keeps its own name.
    let one = env.write("one.csv", "deck,id,prompt,answer\nMy SQL,x1,Q?,A\n");
    env.run(&["import", s(&one), "--deck", "single"], "");
    let name: String = env.sql().query_row("SELECT name FROM decks WHERE key = 'single'", [], |r| r.get(0)).unwrap();
    assert_eq!(name, "My SQL");
    // The same card id in two files is refused, and neither file is imported.
    let a = env.write("a.csv", "id,prompt,answer\nshared/x,Q?,A\na/1,Q1?,A1\n");
    let b = env.write("b.csv", "id,prompt,answer\nb/1,Q2?,A2\nshared/x,Q?,A\n");
    let before = count(&env, "SELECT count(*) FROM cards");
    env.grill(&["import", s(&a), s(&b)])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("b.csv"))
        .stderr(predicates::str::contains("card id \"shared/x\" is also in deck \"a\" of an earlier file"));
    assert_eq!(count(&env, "SELECT count(*) FROM cards"), before);
}

#[test]
fn a_large_toml_deck_is_written_in_chunks_and_a_fault_in_a_late_one_leaves_nothing_written() {
    let env = Env::new();
    let deck = |bad: Option<usize>| {
        let mut text = String::from("[deck]\nid = \"big\"\nname = \"Big\"\narea = \"sql\"\n\n");
        for i in 0..4500 {
            let level = if Some(i) == bad { "guru" } else { "mid" };
            text.push_str(&format!(
                "[[cards]]\nid = \"big/c{i}\"\nprompt = \"Question {i}?\"\nanswer = \"\"\"\n- point {i}\n\"\"\"\nlevel = \"{level}\"\n\n"
            ));
        }
        text
    };
    env.run(&["decks"], "");
    let before = count(&env, "SELECT count(*) FROM cards");
    let bad = env.write("big.toml", &deck(Some(4200)));
    let line = deck(Some(4200)).lines().position(|l| l == "id = \"big/c4200\"").unwrap() + 1;
    env.grill(&["import", s(&bad)])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(format!("big.toml:{line}: cards[4200].level")));
    assert_eq!(count(&env, "SELECT count(*) FROM cards"), before, "all or nothing");
    let good = env.write("big.toml", &deck(None));
    let out = env.run(&["import", s(&good)], "");
    assert!(out.contains("added 4500 · updated 0"), "{out}");
    let positions = count(&env, "SELECT count(DISTINCT position) FROM cards WHERE key LIKE 'big/%'");
    assert_eq!(positions, 4500, "every card has its own place in the deck");
    let last: String = env
        .sql()
        .query_row("SELECT key FROM cards WHERE key LIKE 'big/%' ORDER BY position DESC LIMIT 1", [], |r| r.get(0))
        .unwrap();
    assert_eq!(last, "big/c4499");
}
