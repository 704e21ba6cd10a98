//! Crash safety: grill processes are killed (SIGKILL) at random moments, and afterwards every
//! rating the drill acknowledged is in the log exactly once, an interrupted import left
//! nothing, and the database passes `PRAGMA integrity_check`.
//!
//! The kill moments come from a seeded generator: a failure prints the seed, and
//! `GRILL_CRASH_SEED=N cargo test crash::` replays the same kills.

use std::io::{Read, Write};
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::anki::builder;
use crate::common::{Env, integrity, review_log, s, snapshot, states_match_replay};
use rand::{RngExt, SeedableRng, rngs::Xoshiro256PlusPlus};

/// Drill processes killed in the main loop (the issue asks for at least 100).
const DRILL_KILLS: usize = 100;
/// First starts (migration and built-in deck sync) killed.
const SYNC_KILLS: usize = 20;
/// Imports killed, half of a large CSV re-import, half of an Anki package with history.
const IMPORT_KILLS: usize = 24;

/// One thing typed into the drill, after the card's question is revealed.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Rate(i64),
    Undo,
}

fn seed() -> u64 {
    std::env::var("GRILL_CRASH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as u64
    })
}

/// A random script: mostly ratings (Good most often), now and then an undo.
fn script(rng: &mut Xoshiro256PlusPlus, len: usize) -> Vec<Op> {
    (0..len)
        .map(|_| match rng.random_range(0..20) {
            0 => Op::Undo,
            1..=3 => Op::Rate(1),
            4 => Op::Rate(2),
            5 => Op::Rate(4),
            _ => Op::Rate(3),
        })
        .collect()
}

/// The drill's stdin for `ops`: Enter reveals each card, then the rating; an undo is typed at
/// the next question (where it takes back the rating just given).
fn stdin_for(ops: &[Op]) -> String {
    ops.iter()
        .map(|op| match op {
            Op::Rate(r) => format!("\n{r}\n"),
            Op::Undo => "u\n".to_owned(),
        })
        .collect()
}

/// What the drill printed, read back as events: a question shown (its card key), a rating
/// confirmed ("good · next in 2d"), an undo confirmed ("undone: KEY").
#[derive(Debug, Clone, PartialEq)]
enum Event {
    Shown(String),
    Rated(i64),
    Undone,
    /// An undo with no rating of this session left to take back.
    NothingToUndo,
}

fn events(stdout: &str) -> Vec<Event> {
    stdout
        .lines()
        .filter_map(|line| {
            let line = line.trim_start_matches("answer> ").trim_start_matches("rate> ");
            let parts: Vec<&str> = line.split(" · ").collect();
            if parts.len() == 4 && parts[2].ends_with(" left") {
                return Some(Event::Shown(parts[3].to_owned()));
            }
            if parts.len() == 2 && (parts[1].starts_with("next in ") || parts[1] == "back in a few cards") {
                let rating = ["again", "hard", "good", "easy"].iter().position(|n| *n == parts[0])? as i64 + 1;
                return Some(Event::Rated(rating));
            }
            if line == "nothing to undo yet in this session" {
                return Some(Event::NothingToUndo);
            }
            line.starts_with("undone: ").then_some(Event::Undone)
        })
        .collect()
}

/// The (card, rating) log the acknowledged events imply, and the card shown last.
fn acknowledged(events: &[Event]) -> (Vec<(String, i64)>, Option<String>) {
    let mut log = Vec::new();
    let mut shown = None;
    for event in events {
        match event {
            Event::Shown(key) => shown = Some(key.clone()),
            Event::Rated(r) => log.push((shown.clone().expect("a rating follows a question"), *r)),
            Event::Undone => {
                log.pop();
            }
            Event::NothingToUndo => {}
        }
    }
    (log, shown)
}

/// When to kill a drill.
#[derive(Debug, Clone, Copy)]
enum Kill {
    /// This long after the start (while it opens the database and plans the queue).
    AtStart(Duration),
    /// Once the first question is up, the script is typed with short random pauses; the kill
    /// comes this long after typing operation `n`, so it lands among the ratings' writes.
    AfterOp(usize, Duration),
    /// This long after the process took the database's write lock: inside its transaction.
    InWrite(Duration),
}

/// Runs `args`, types `ops`, kills it as `kill` says, and returns everything it printed
/// before it died (what is in the pipe was written before the kill).
fn run_and_kill(env: &Env, args: &[&str], ops: &[Op], kill: Kill, rng: &mut Xoshiro256PlusPlus) -> String {
    let mut child = env
        .command(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("grill starts");
    let mut out = child.stdout.take().expect("stdout");
    let (first_question, question_shown) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut text = Vec::new();
        let mut buf = [0u8; 4096];
        let mut told = false;
        while let Ok(n) = out.read(&mut buf) {
            if n == 0 {
                break;
            }
            text.extend_from_slice(&buf[..n]);
            if !told && text.windows(7).any(|w| w == b"answer>") {
                told = first_question.send(()).is_ok();
            }
        }
        String::from_utf8(text).expect("stdout is UTF-8")
    });
    // stdin stays open until the kill: end of input would end the drill by itself.
    let mut input = child.stdin.take().expect("stdin");
    match kill {
        Kill::AtStart(delay) => std::thread::sleep(delay),
        Kill::InWrite(delay) => {
            if env.wait_for_write_lock(&mut child).is_some() {
                std::thread::sleep(delay);
            }
        }
        Kill::AfterOp(n, delay) => {
            if question_shown.recv_timeout(Duration::from_secs(20)).is_ok() {
                for op in &ops[..=n.min(ops.len() - 1)] {
                    let _ = input.write_all(stdin_for(&[*op]).as_bytes());
                    std::thread::sleep(Duration::from_micros(rng.random_range(0..1500)));
                }
            }
            std::thread::sleep(delay);
        }
    }
    let _ = child.kill();
    child.wait().expect("reaped");
    drop(input);
    reader.join().expect("reader")
}

/// How long an uninterrupted start of a drill takes (to spread the start-up kills over it).
fn calibrate(env: &Env) -> Duration {
    let started = Instant::now();
    env.run(&["drill", "--new", "0"], "");
    started.elapsed()
}

#[test]
fn killed_drills_keep_every_acknowledged_rating_exactly_once() {
    let seed = seed();
    eprintln!("crash seed {seed} (GRILL_CRASH_SEED={seed} replays it)");
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut env = Env::new();
    let startup = calibrate(&env);
    let (mut kills_mid_drill, mut in_flight_kept) = (0, 0);
    for i in 0..DRILL_KILLS {
        env.at(&format!("2026-03-{:02}T{:02}:{:02}:00Z", 2 + i / 10, 9 + (i % 10), rng.random_range(0..60)));
        let before = review_log(&env.sql());
        let ops = script(&mut rng, 25);
        let kill = if rng.random_range(0..5) == 0 {
            Kill::AtStart(Duration::from_micros(rng.random_range(0..=startup.as_micros() as u64)))
        } else {
            Kill::AfterOp(rng.random_range(0..ops.len()), Duration::from_micros(rng.random_range(0..2000)))
        };
        let stdout = run_and_kill(&env, &["drill", "--new", "60"], &ops, kill, &mut rng);
        let events = events(&stdout);
        let (acked, shown) = acknowledged(&events);
        let acked_ops = events.iter().filter(|e| !matches!(e, Event::Shown(_))).count();
        kills_mid_drill += usize::from(acked_ops > 0 && acked_ops < ops.len());

        let conn = env.sql();
        assert_eq!(integrity(&conn), "ok", "kill {i} (seed {seed})");
        let after = review_log(&conn);
        assert!(after.starts_with(&before), "kill {i} (seed {seed}) changed earlier history");
        let new: Vec<(String, i64)> = after[before.len()..].iter().map(|(_, k, r)| (k.clone(), *r)).collect();
        // The one operation in flight at the kill may or may not have been committed.
        let mut in_flight = acked.clone();
        match (ops.get(acked_ops), &shown) {
            (Some(Op::Rate(r)), Some(key)) => in_flight.push((key.clone(), *r)),
            (Some(Op::Undo), _) => {
                in_flight.pop();
            }
            _ => {}
        }
        in_flight_kept += usize::from(new != acked);
        assert!(
            new == acked || new == in_flight,
            "kill {i} (seed {seed}): log {new:?}\nacknowledged {acked:?}\nprinted:\n{stdout}"
        );
        drop(conn);
        if let Err(e) = states_match_replay(&env.db()) {
            panic!("kill {i} (seed {seed}): a card's state disagrees with its log: {e}");
        }
    }
    eprintln!("{kills_mid_drill} kills mid-drill; {in_flight_kept} caught a rating saved but not yet acknowledged");
    // The delays must really have cut drills short, not only before or after their work.
    assert!(kills_mid_drill >= DRILL_KILLS / 4, "only {kills_mid_drill} kills landed mid-drill (seed {seed})");
}

#[test]
fn a_first_start_killed_while_syncing_decks_leaves_all_or_nothing() {
    let seed = seed();
    eprintln!("crash seed {seed} (GRILL_CRASH_SEED={seed} replays it)");
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let full = {
        let env = Env::new();
        let started = Instant::now();
        env.run(&["decks"], "");
        let lifetime = started.elapsed();
        let n: i64 = env.sql().query_row("SELECT count(*) FROM cards", [], |r| r.get(0)).unwrap();
        (n, lifetime)
    };
    let (all_cards, lifetime) = full;
    let mut interrupted = 0;
    for i in 0..SYNC_KILLS {
        let env = Env::new();
        let delay = Duration::from_micros(rng.random_range(0..=lifetime.as_micros() as u64));
        run_and_kill(&env, &["decks"], &[], Kill::AtStart(delay), &mut rng);
        if env.db().exists() {
            let conn = env.sql();
            assert_eq!(integrity(&conn), "ok", "kill {i} (seed {seed})");
            let cards: i64 = conn.query_row("SELECT count(*) FROM cards", [], |r| r.get(0)).unwrap_or(0);
            assert!(cards == 0 || cards == all_cards, "kill {i} (seed {seed}): {cards} of {all_cards} cards");
            interrupted += usize::from(cards == 0);
        } else {
            interrupted += 1;
        }
        // The next start finishes the job.
        env.run(&["decks"], "");
        let cards: i64 = env.sql().query_row("SELECT count(*) FROM cards", [], |r| r.get(0)).unwrap();
        assert_eq!(cards, all_cards, "kill {i} (seed {seed})");
    }
    assert!(interrupted > 0, "no kill landed before the sync committed (seed {seed})");
}

/// A CSV deck of `cards` cards; `version` changes every text, so a re-import updates them all.
fn bulk_csv(cards: usize, version: usize) -> String {
    let mut out = String::from("id,prompt,answer,tags\n");
    for i in 0..cards {
        out.push_str(&format!(
            "q{i},\"Question {i}, take {version}?\",\"- point one of {i}\n- point two\",bulk v{version}\n"
        ));
    }
    out
}

/// An Anki package of `notes` basic notes, each with four answers in its review log.
pub(crate) fn anki_with_history(notes: i64) -> Vec<u8> {
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    let day = 86_400_000;
    let t0 = 1_764_583_200_000; // 2025-12-01, before the test clock
    builder::legacy_package(&builder::Spec {
        notes: (1..=notes)
            .map(|id| builder::Note {
                id,
                guid: leak(format!("crash{id}")),
                kind: "basic",
                fields: vec![format!("Anki question {id}?"), format!("Answer {id}")],
                tags: "crash",
                deck: 10,
            })
            .collect(),
        revlog: (1..=notes)
            .flat_map(|id| {
                let card = builder::card_id(id, 0);
                [(0, 3, 0), (2, 3, 1), (9, 1, 1), (10, 3, 2)].map(|(d, ease, kind)| builder::Rev {
                    card,
                    at_ms: t0 + d * day + id * 1000,
                    ease,
                    kind,
                    factor: 2500,
                })
            })
            .collect(),
        decks: vec![(1, "Default"), (10, "Crash::Anki")],
        media: vec![],
        extra: vec![],
        raw_fields: None,
    })
}

/// The database file and what a killed grill may leave beside it.
fn db_files(env: &Env) -> [std::path::PathBuf; 3] {
    let db = env.db();
    let with = |suffix: &str| std::path::PathBuf::from(format!("{}{suffix}", db.display()));
    [db.clone(), with("-wal"), with("-shm")]
}

/// Puts the database back as `pristine` (a cleanly closed copy): no WAL from a killed run may
/// be replayed onto it.
fn restore(env: &Env, pristine: &[u8]) {
    let [db, wal, shm] = db_files(env);
    for leftover in [wal, shm] {
        let _ = std::fs::remove_file(leftover);
    }
    std::fs::write(db, pristine).unwrap();
}

#[test]
fn killed_imports_leave_the_database_as_before_or_fully_imported() {
    let seed = seed();
    eprintln!("crash seed {seed} (GRILL_CRASH_SEED={seed} replays it)");
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let env = Env::new();
    // History an import must never touch: ratings, and an earlier version of the CSV deck.
    env.run(&["drill", "--new", "3"], "\n3\n\n1\n\n4\nq\n");
    let csv = env.write("bulk.csv", &bulk_csv(1500, 1));
    env.run(&["import", s(&csv)], "");
    let csv = env.write("bulk.csv", &bulk_csv(2500, 2));
    let apkg = env.dir.path().join("crash.apkg");
    std::fs::write(&apkg, anki_with_history(400)).unwrap();
    let pristine = std::fs::read(env.db()).unwrap();
    assert!(!db_files(&env)[1].exists(), "the set-up closed the database cleanly");
    let before = snapshot(&env.sql());

    // What each import gives when it runs to the end, how long it runs, and how long it holds
    // the write lock (its one transaction, and closing).
    let imports = [s(&csv), s(&apkg)].map(|file| {
        restore(&env, &pristine);
        let started = Instant::now();
        let mut child = env.command(&["import", file]).stdout(Stdio::null()).spawn().unwrap();
        let locked = env.wait_for_write_lock(&mut child).expect("the import takes the write lock");
        assert!(child.wait().unwrap().success());
        let (lifetime, writing) = (started.elapsed(), locked.elapsed());
        eprintln!("{file}: {lifetime:?}, {writing:?} of it writing");
        (file, lifetime, writing, snapshot(&env.sql()))
    });
    let (mut interrupted, mut in_transaction, mut finished) = (0, 0, 0);
    for i in 0..IMPORT_KILLS {
        let (file, lifetime, writing, after) = &imports[i % 2];
        restore(&env, &pristine);
        // Every other kill lands while the import writes; the rest anywhere in its life.
        let (kill, delay) = if i % 4 < 2 {
            let delay = Duration::from_micros(rng.random_range(0..=writing.as_micros() as u64));
            (Kill::InWrite(delay), delay)
        } else {
            let delay = Duration::from_micros(rng.random_range(0..=lifetime.as_micros() as u64));
            (Kill::AtStart(delay), delay)
        };
        run_and_kill(&env, &["import", file], &[], kill, &mut rng);
        let conn = env.sql();
        assert_eq!(integrity(&conn), "ok", "kill {i} of {file} after {delay:?} (seed {seed})");
        let now = snapshot(&conn);
        assert!(
            now == before || now == *after,
            "kill {i} of {file} after {delay:?} left part of the import (seed {seed})"
        );
        interrupted += usize::from(now == before);
        in_transaction += usize::from(now == before && matches!(kill, Kill::InWrite(_)));
        finished += usize::from(now == *after);
        drop(conn);
        states_match_replay(&env.db()).unwrap_or_else(|e| panic!("kill {i} (seed {seed}): {e}"));
        // The interrupted import, run again, does the whole job.
        if now == before && i < 2 {
            env.run(&["import", file], "");
            assert!(snapshot(&env.sql()) == *after, "kill {i}: the import run again is complete");
        }
    }
    eprintln!(
        "{interrupted} imports interrupted ({in_transaction} while writing), {finished} finished before the kill"
    );
    // The kills must really have cut transactions short, not only parsing or the exit.
    assert!(in_transaction >= IMPORT_KILLS / 8, "only {in_transaction} kills cut a transaction (seed {seed})");
}
