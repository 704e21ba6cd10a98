//! The built-in decks are half of grill's value: this checks every card's shape, that ids stay
//! stable, and that every runnable example really produces the result the card claims.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::process::Command;

use grill::deck::{Deck, Example, builtin_decks};

/// (area, minimum cards) the built-in decks must keep.
const AREAS: [(&str, usize); 11] = [
    ("security", 30),
    ("coding", 40),
    ("sql", 45),
    ("system-design", 40),
    ("api-design", 30),
    ("testing", 25),
    ("cloud", 30),
    ("debugging", 25),
    ("behavioral", 35),
    ("python", 40),
    ("java", 40),
];
const ROLES: [&str; 5] = ["product", "platform", "data", "enterprise", "startup"];
const LEVELS: [&str; 3] = ["junior", "mid", "senior"];

fn decks() -> Vec<Deck> {
    builtin_decks().expect("every built-in deck parses")
}

fn all_cards() -> impl Iterator<Item = (Deck, grill::deck::CardSpec)> {
    decks().into_iter().flat_map(|d| d.cards.clone().into_iter().map(move |c| (d.clone(), c)))
}

#[test]
fn there_is_one_deck_per_area_with_at_least_the_minimum_cards() {
    let decks = decks();
    let found: BTreeMap<&str, usize> = decks.iter().map(|d| (d.deck.area.as_str(), d.cards.len())).collect();
    for (area, min) in AREAS {
        let n = found.get(area).copied().unwrap_or(0);
        assert!(n >= min, "deck {area} has {n} cards, needs at least {min}");
    }
    assert_eq!(found.len(), AREAS.len(), "unexpected decks: {found:?}");
    for d in &decks {
        assert_eq!(d.deck.id, d.deck.area, "built-in deck ids equal their area");
        assert!(!d.deck.description.trim().is_empty(), "deck {} needs a description", d.deck.id);
    }
}

#[test]
fn card_ids_are_unique_and_never_renamed() {
    let list = include_str!("data/deck_ids.txt");
    let lines = || list.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty());
    // `retired: ID (why)` keeps a retired id reserved: its history stays with the suspended card.
    let retired: BTreeSet<&str> =
        lines().filter_map(|l| l.strip_prefix("retired: ")).map(|l| l.split(' ').next().unwrap_or(l)).collect();
    let known: BTreeSet<&str> = lines().filter(|l| !l.starts_with("retired: ")).collect();
    assert!(retired.iter().all(|id| !known.contains(id)), "an id is listed both live and retired");
    let mut seen = HashSet::new();
    for (deck, card) in all_cards() {
        assert!(seen.insert(card.id.clone()), "duplicate id {}", card.id);
        assert!(card.id.starts_with(&format!("{}/", deck.deck.area)), "{} must start with its area", card.id);
        let slug = &card.id[deck.deck.area.len() + 1..];
        assert!(
            !slug.is_empty() && slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{}: ids are area/lowercase-slug",
            card.id
        );
        assert!(!retired.contains(card.id.as_str()), "{}: a retired id is never reused", card.id);
        assert!(known.contains(card.id.as_str()), "new id {}: add it to tests/data/deck_ids.txt", card.id);
    }
    let gone: Vec<&&str> = known.iter().filter(|id| !seen.contains(**id)).collect();
    assert!(gone.is_empty(), "ids vanished (renamed?): {gone:?}. A card's id must never change.");
}

#[test]
fn every_card_has_key_points_follow_ups_roles_level_and_a_time_limit() {
    for (_, card) in all_cards() {
        let id = &card.id;
        let points = card.answer.lines().filter(|l| l.starts_with("- ")).count();
        assert!((3..=8).contains(&points), "{id}: {points} key points, want 3-8");
        assert!((1..=3).contains(&card.follow_ups.len()), "{id}: want 1-3 follow-ups");
        assert!(!card.roles.is_empty(), "{id}: no roles");
        for role in &card.roles {
            assert!(ROLES.contains(&role.as_str()), "{id}: unknown role {role}");
        }
        let level = card.level.as_deref().unwrap_or("");
        assert!(LEVELS.contains(&level), "{id}: level {level:?}");
        let limit = card.time_limit_secs.unwrap_or(0);
        assert!((20..=900).contains(&limit), "{id}: time_limit_secs {limit}");
        assert!(!card.prompt.contains('\x1b') && !card.answer.contains('\x1b'), "{id}: escape codes");
    }
}

fn words(text: &str) -> BTreeSet<String> {
    text.to_lowercase().split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_owned).collect()
}

#[test]
fn no_two_prompts_in_a_deck_are_the_same_or_nearly() {
    for deck in decks() {
        let prompts: Vec<(String, BTreeSet<String>)> =
            deck.cards.iter().map(|c| (c.id.clone(), words(&c.prompt))).collect();
        for (i, (a, wa)) in prompts.iter().enumerate() {
            for (b, wb) in &prompts[i + 1..] {
                let jaccard = wa.intersection(wb).count() as f64 / wa.union(wb).count().max(1) as f64;
                assert!(jaccard < 0.8, "{a} and {b} ask nearly the same question ({jaccard:.2})");
            }
        }
    }
}

/// Word-set similarity of two texts (1 = the same words).
fn jaccard(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
    a.intersection(b).count() as f64 / a.union(b).count().max(1) as f64
}

/// Cards in different decks may share a topic only from distinct angles (the Spring wiring of an
/// outbox versus its design): a review of one must not be a review of the other. The limits sit
/// below every pair the content audit found duplicated (prompts 0.48+, key points 0.34+).
#[test]
fn no_two_cards_in_different_decks_ask_the_same_question() {
    let cards: Vec<(String, String, BTreeSet<String>, BTreeSet<String>)> =
        all_cards().map(|(d, c)| (d.deck.area.clone(), c.id.clone(), words(&c.prompt), words(&c.answer))).collect();
    for (i, (area_a, a, pa, ka)) in cards.iter().enumerate() {
        for (area_b, b, pb, kb) in &cards[i + 1..] {
            if area_a == area_b {
                continue;
            }
            let prompts = jaccard(pa, pb);
            assert!(prompts < 0.5, "{a} and {b} ask nearly the same question ({prompts:.2})");
            let points = jaccard(ka, kb);
            assert!(points < 0.3, "{a} and {b} have nearly the same key points ({points:.2})");
        }
    }
}

fn examples(lang: &str) -> Vec<(String, Example)> {
    all_cards()
        .flat_map(|(_, c)| {
            let id = c.id;
            c.example
                .into_iter()
                .flat_map(|e| std::iter::once((*e).clone()).chain(e.also))
                .map(move |e| (id.clone(), e))
        })
        .filter(|(_, e)| e.lang == lang)
        .collect()
}

/// Rows as the deck format writes them: columns joined by `|`, NULL as `NULL`.
fn run_sql(example: &Example) -> Result<String, String> {
    let db = rusqlite::Connection::open_in_memory().map_err(|e| e.to_string())?;
    db.execute_batch(&example.setup).map_err(|e| format!("setup: {e}"))?;
    let mut stmt = db.prepare(example.code.trim()).map_err(|e| format!("query: {e}"))?;
    let columns = stmt.column_count();
    let mut rows = stmt.query([]).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(|e| e.to_string())? {
        let mut cells = Vec::new();
        for i in 0..columns {
            use rusqlite::types::ValueRef;
            cells.push(match row.get_ref(i).map_err(|e| e.to_string())? {
                ValueRef::Null => "NULL".to_owned(),
                ValueRef::Integer(n) => n.to_string(),
                ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                other => return Err(format!("column {i} is {other:?}: use integers or printf('%.2f', x)")),
            });
        }
        out.push(cells.join("|"));
    }
    Ok(out.join("\n"))
}

#[test]
fn every_sql_example_returns_the_rows_its_card_claims() {
    let examples = examples("sql");
    assert!(examples.len() >= 15, "only {} runnable SQL examples", examples.len());
    for (id, example) in examples {
        assert!(example.code.to_uppercase().contains("ORDER BY"), "{id}: compare rows in a defined order");
        let expect = example.expect.as_deref().unwrap_or_else(|| panic!("{id}: no expect"));
        let got = run_sql(&example).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(got.trim(), expect.trim(), "{id}: the query's result differs from the card");
    }
}

#[test]
fn postgresql_only_examples_say_so() {
    for (_, card) in all_cards() {
        if card.example.as_ref().is_some_and(|e| e.lang == "postgresql") {
            let text = format!("{} {}", card.prompt, card.answer);
            assert!(text.contains("PostgreSQL"), "{}: a PostgreSQL-specific card must say so", card.id);
        }
    }
}

fn python_version() -> Option<(u32, u32)> {
    let out = Command::new("python3").args(["-c", "import sys; print(*sys.version_info[:2])"]).output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    let mut parts = text.split_whitespace().map(|p| p.parse().ok());
    Some((parts.next()??, parts.next()??))
}

#[test]
fn every_python_snippet_prints_what_its_card_claims() {
    let examples = examples("python");
    assert!(examples.len() >= 12, "only {} runnable Python examples", examples.len());
    let Some(version) = python_version() else {
        eprintln!("python3 not found: skipping {} Python snippets", examples.len());
        return;
    };
    let runnable: Vec<&(String, Example)> = examples
        .iter()
        .filter(|(id, example)| {
            let needs = example.min_python.as_deref().unwrap_or("3.8");
            let (major, minor) = needs.split_once('.').expect("min_python is X.Y");
            let ok = version >= (major.parse().unwrap(), minor.parse().unwrap());
            if !ok {
                eprintln!("{id}: needs Python {needs}, skipped");
            }
            ok
        })
        .collect();
    let outputs = in_parallel(&runnable, |(_, example)| {
        Command::new("python3").args(["-c", &example.code]).output().expect("python3 runs")
    });
    for ((id, example), out) in runnable.into_iter().zip(outputs) {
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{id}: python3 failed: {stderr}");
        let expect = example.expect.as_deref().unwrap_or_else(|| panic!("{id}: no expect"));
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), expect.trim(), "{id}: output differs");
    }
}

/// Whether a missing tool may skip its examples: only outside CI, and never silently.
fn skip_without(tool: &str, count: usize) {
    assert!(
        std::env::var_os("CI").is_none(),
        "{tool} is required in CI ({count} examples need it): .ci/run installs it"
    );
    eprintln!("{tool} not available: skipping {count} examples (CI runs them)");
}

/// Runs `jobs` on two threads (CI has two cores), keeping their order.
fn in_parallel<T: Sync, R: Send>(jobs: &[T], run: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let half = jobs.len().div_ceil(2);
    std::thread::scope(|scope| {
        let handles: Vec<_> =
            jobs.chunks(half.max(1)).map(|chunk| scope.spawn(|| chunk.iter().map(&run).collect::<Vec<R>>())).collect();
        handles.into_iter().flat_map(|h| h.join().expect("worker thread")).collect()
    })
}

/// The feature release of the `java` on PATH (17 for "17.0.15", 8 for "1.8.0").
fn java_version() -> Option<u32> {
    let out = Command::new("java").arg("-version").output().ok()?;
    let text = String::from_utf8_lossy(&out.stderr);
    let quoted = text.split('"').nth(1)?;
    let mut parts = quoted.split(['.', '-', '+']);
    match parts.next()?.parse().ok()? {
        1 => parts.next()?.parse().ok(),
        n => Some(n),
    }
}

/// Compiles every program with one `javac` (each in its own package, so their `Main` classes
/// don't collide), then runs each `Main` on its own JVM: what `java Main.java` does, with the
/// compiler started once instead of once per example.
fn run_java_batch(codes: &[&str]) -> Vec<Result<String, String>> {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut sources = Vec::new();
    for (i, code) in codes.iter().enumerate() {
        let package = dir.path().join(format!("ex{i}"));
        std::fs::create_dir_all(&package).expect("package dir");
        let file = package.join("Main.java");
        std::fs::write(&file, format!("package ex{i};\n{code}")).expect("writing a Java source");
        sources.push(file);
    }
    let classes = dir.path().join("classes");
    let out = Command::new("javac").arg("-d").arg(&classes).args(&sources).output().expect("javac runs");
    if !out.status.success() {
        let why = String::from_utf8_lossy(&out.stderr).into_owned();
        return codes.iter().map(|_| Err(format!("javac failed: {why}"))).collect();
    }
    let jobs: Vec<usize> = (0..codes.len()).collect();
    in_parallel(&jobs, |i| {
        let out = Command::new("java")
            .arg("-cp")
            .arg(&classes)
            .arg(format!("ex{i}.Main"))
            .output()
            .map_err(|e| format!("java: {e}"))?;
        if !out.status.success() {
            return Err(format!("java failed: {}", String::from_utf8_lossy(&out.stderr)));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    })
}

#[test]
fn every_java_snippet_prints_what_its_card_claims() {
    let examples = examples("java");
    assert!(examples.len() >= 12, "only {} runnable Java examples", examples.len());
    for (id, example) in &examples {
        assert!(example.expect.as_deref().is_some_and(|e| !e.trim().is_empty()), "{id}: no expected output");
    }
    let Some(version) = java_version() else {
        return skip_without("java", examples.len());
    };
    let runnable: Vec<&(String, Example)> = examples
        .iter()
        .filter(|(id, e)| {
            let needs: u32 = e.min_java.as_deref().unwrap_or("11").parse().expect("min_java is a feature release");
            let ok = version >= needs;
            if !ok {
                eprintln!("{id}: needs Java {needs}, this is {version}: skipped");
            }
            ok
        })
        .collect();
    for (id, example) in &runnable {
        assert!(example.code.contains("public class Main"), "{id}: the program's class is `public class Main`");
    }
    let codes: Vec<&str> = runnable.iter().map(|(_, e)| e.code.as_str()).collect();
    let results = run_java_batch(&codes);
    for ((id, example), got) in runnable.iter().zip(results) {
        let got = got.unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(got.trim(), example.expect.as_deref().unwrap_or_default().trim(), "{id}: output differs");
    }
}

/// `psql` against the server the libpq environment names (PGHOST, PGPORT, PGUSER), rows as the
/// deck format writes them: columns joined by `|`, NULL as `NULL`, no headers.
fn psql(database: &str, script: &str) -> Result<String, String> {
    use std::io::Write;
    let mut child = Command::new("psql")
        .args(["-X", "-w", "-q", "-A", "-t", "-F", "|", "-P", "null=NULL", "-v", "ON_ERROR_STOP=1", "-d", database])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("psql: {e}"))?;
    child.stdin.take().expect("stdin").write_all(script.as_bytes()).map_err(|e| e.to_string())?;
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn every_postgresql_example_returns_what_its_card_claims() {
    let examples = examples("postgresql");
    assert!(examples.len() >= 15, "only {} PostgreSQL examples", examples.len());
    for (id, example) in &examples {
        assert!(example.expect.as_deref().is_some_and(|e| !e.trim().is_empty()), "{id}: no expected output");
    }
    if psql("postgres", "SELECT 1;").is_err() {
        return skip_without("a PostgreSQL server (psql with PGHOST/PGPORT/PGUSER)", examples.len());
    }
    let database = format!("grill_examples_{}", std::process::id());
    psql("postgres", &format!("CREATE DATABASE {database};")).expect("creating the examples' database");
    // Each example gets its own schema (setup output hidden), so names never collide.
    let jobs: Vec<(usize, &(String, Example))> = examples.iter().enumerate().collect();
    let results = in_parallel(&jobs, |(i, (_, e))| {
        psql(
            &database,
            &format!(
                "\\o /dev/null\nCREATE SCHEMA ex{i};\nSET search_path TO ex{i}, public;\n{}\n\\o\n{}\n",
                e.setup, e.code
            ),
        )
    });
    psql("postgres", &format!("DROP DATABASE {database} WITH (FORCE);")).expect("dropping the examples' database");
    for ((id, example), got) in examples.iter().zip(results) {
        let got = got.unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(got.trim(), example.expect.as_deref().unwrap_or_default().trim(), "{id}: output differs");
    }
}

#[test]
fn every_coding_card_explains_its_approach_and_has_a_python_and_a_java_solution() {
    let coding: Vec<_> = all_cards().filter(|(d, _)| d.deck.area == "coding").map(|(_, c)| c).collect();
    assert!(coding.len() >= 40, "only {} coding cards", coding.len());
    for card in coding {
        let id = &card.id;
        for part in ["Approach", "Complexity", "Pitfalls"] {
            assert!(card.answer.lines().any(|l| l.starts_with(&format!("- {part}"))), "{id}: no {part} key point");
        }
        let python = card.example.as_ref().unwrap_or_else(|| panic!("{id}: no solution"));
        assert_eq!(python.lang, "python", "{id}: the first solution is Python");
        let java: Vec<&Example> = python.also.iter().filter(|e| e.lang == "java").collect();
        assert_eq!(java.len(), 1, "{id}: needs one Java solution");
        assert_eq!(java[0].expect, python.expect, "{id}: both solutions print the same checks");
    }
}

#[test]
fn examples_are_shown_with_the_prompt_or_the_answer() {
    for (_, card) in all_cards() {
        if let Some(e) = &card.example {
            assert!(["prompt", "answer"].contains(&e.show.as_str()), "{}: show = {:?}", card.id, e.show);
            assert!(["sql", "postgresql", "python", "java"].contains(&e.lang.as_str()), "{}: lang", card.id);
            for other in &e.also {
                assert!(other.also.is_empty(), "{}: `also` examples do not nest", card.id);
                assert!(["sql", "postgresql", "python", "java"].contains(&other.lang.as_str()), "{}: lang", card.id);
            }
        }
    }
}
