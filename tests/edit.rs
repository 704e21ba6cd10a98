//! `grill edit CARD` through the real binary, with EDITOR set to small scripts.

use crate::common::{Env, s, script};
use predicates::prelude::*;

fn with_interview(env: &Env) {
    env.run(
        &["log", "add", "--company", "Acme", "--role", "product", "--format", "mixed"],
        "sql:indexes 2 How would you index a range query?\n",
    );
}

const KEY: &str = "interviews/acme-2026-03-02-1";

#[test]
fn editing_an_interview_card_writes_its_answer_and_keeps_its_history() {
    let env = Env::new();
    with_interview(&env);
    let script = script(
        &env,
        "answer.sh",
        r#"sed -i 's/^answer = .*/answer = """\n- B-tree index on created_at\n- a range scan reads only the matching leaf pages\n"""/; s/^tags = .*/tags = ["indexes", "query-plans"]/' "$1""#,
    );
    let out = env.grill(&["edit", KEY]).env("EDITOR", &script).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), format!("Saved {KEY}.\n"));
    let conn = env.sql();
    let (answer, tags, prompt): (String, String, String) = conn
        .query_row("SELECT answer, tags, prompt FROM cards WHERE key = ?1", [KEY], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!(answer, "- B-tree index on created_at\n- a range scan reads only the matching leaf pages\n");
    assert_eq!(tags, r#"["indexes","query-plans"]"#);
    assert_eq!(prompt, "How would you index a range query?");
    let reviews: i64 = conn.query_row("SELECT count(*) FROM reviews", [], |r| r.get(0)).unwrap();
    assert_eq!(reviews, 1, "the interview review is kept");
    assert!(env.run(&["log", "show", "1"], "").contains("answer written"));
}

#[test]
fn the_editor_sees_the_card_as_a_deck_entry() {
    let env = Env::new();
    with_interview(&env);
    let copy = env.dir.path().join("seen.toml");
    let script = script(&env, "copy.sh", &format!("cp \"$1\" {}", s(&copy)));
    env.grill(&["edit", KEY]).env("EDITOR", &script).assert().success().stdout(format!("No changes to {KEY}.\n"));
    let seen = std::fs::read_to_string(copy).unwrap();
    assert!(seen.contains("[[cards]]\n"), "{seen}");
    assert!(seen.contains(&format!("id = \"{KEY}\"")), "{seen}");
    assert!(seen.contains("area = \"sql\""), "{seen}");
    assert!(seen.contains("tags = [\"indexes\"]"), "{seen}");
}

#[test]
fn changing_the_id_is_refused_with_exit_code_2_and_nothing_changes() {
    let env = Env::new();
    with_interview(&env);
    let script = script(
        &env,
        "rename.sh",
        r#"sed -i 's/^id = .*/id = "interviews\/renamed"/; s/^prompt = .*/prompt = "Changed?"/' "$1""#,
    );
    env.grill(&["edit", KEY])
        .env("EDITOR", &script)
        .assert()
        .code(2)
        .stderr(predicate::str::is_match(r"\.toml:\d+: id: the id must stay").unwrap());
    let prompt: String = env.sql().query_row("SELECT prompt FROM cards WHERE key = ?1", [KEY], |r| r.get(0)).unwrap();
    assert_eq!(prompt, "How would you index a range query?");
}

#[test]
fn a_toml_error_names_the_file_line_and_field() {
    let env = Env::new();
    with_interview(&env);
    let script = script(&env, "break.sh", r#"sed -i 's/^prompt = .*/prompt = 3/' "$1""#);
    let out = env.grill(&["edit", KEY]).env("EDITOR", &script).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    // The line is the prompt's line in the file the editor saw.
    let line = stderr.split(": prompt:").next().and_then(|head| head.rsplit(':').next()).unwrap();
    let kept = stderr.split("your edit is kept in ").nth(1).unwrap().split(".toml").next().unwrap();
    let text = std::fs::read_to_string(format!("{kept}.toml")).unwrap();
    assert_eq!(text.lines().nth(line.parse::<usize>().unwrap() - 1), Some("prompt = 3"), "{stderr}");
    assert!(stderr.contains(": prompt: invalid type"), "{stderr}");
}

#[test]
fn unknown_cards_cannot_be_edited() {
    let env = Env::new();
    env.grill(&["edit", "nope/nope"])
        .env("EDITOR", "true")
        .assert()
        .failure()
        .stderr(predicate::str::contains("grill: CARD: no card \"nope/nope\""));
}

#[test]
fn a_built_in_card_keeps_its_tags_and_area_only_its_texts_can_be_rewritten() {
    let env = Env::new();
    let key = "sql/left-join-filter-placement";
    let retag = script(&env, "retag.sh", r#"sed -i 's/^tags = .*/tags = ["mine"]/' "$1""#);
    env.grill(&["edit", key])
        .env("EDITOR", &retag)
        .assert()
        .code(2)
        .stderr(predicate::str::is_match(r"\.toml:\d+: tags: a built-in card keeps its own").unwrap());
    let reword =
        script(&env, "reword.sh", r#"sed -i 's/^prompt = .*/prompt = "Where does a LEFT JOIN filter go?"/' "$1""#);
    env.grill(&["edit", key])
        .env("EDITOR", &reword)
        .assert()
        .success()
        .stdout(predicate::str::contains(format!("Saved {key}.")));
    assert_eq!(env.cards(&["--search", "Where does a LEFT JOIN filter go?"]).len(), 1);
    // The built-in text itself is untouched, so a release can still update it underneath.
    let built_in: String = env.sql().query_row("SELECT prompt FROM cards WHERE key = ?1", [key], |r| r.get(0)).unwrap();
    assert_ne!(built_in, "Where does a LEFT JOIN filter go?");
    env.grill(&["edit", key, "--reset"])
        .assert()
        .success()
        .stdout(predicate::str::contains("built-in text shows again"));
    assert!(env.cards(&["--search", "Where does a LEFT JOIN filter go?"]).is_empty());
}

#[test]
fn only_a_built_in_card_has_a_rewrite_to_reset() {
    let env = Env::new();
    with_interview(&env);
    env.grill(&["edit", KEY, "--reset"]).assert().failure().stderr(predicate::str::contains("not a built-in card"));
}

#[test]
fn a_failing_editor_changes_nothing() {
    let env = Env::new();
    with_interview(&env);
    env.grill(&["edit", KEY]).env("EDITOR", "false").assert().failure().stderr(predicate::str::contains("exited with"));
}
