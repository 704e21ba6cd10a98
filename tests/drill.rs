//! The daily drill through the real binary, with stdin from a pipe.

use crate::common::Env;

/// The reviewed cards only (short enough to read in a failed assertion).
fn reviewed(env: &Env) -> Vec<serde_json::Value> {
    env.cards(&[]).into_iter().filter(|c| !c["reps"].is_null()).collect()
}

fn ids(cards: &[serde_json::Value], pred: impl Fn(&serde_json::Value) -> bool) -> Vec<String> {
    cards.iter().filter(|c| pred(c)).map(|c| c["id"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn a_fresh_database_drills_built_in_cards_and_saves_every_rating() {
    let env = Env::new();
    let out = env.run(&["drill", "--limit", "3"], "\n3\n\n3\n\n4\n");
    assert!(out.contains("due 0 · new 3"), "{out}");
    assert!(out.contains("Key points"), "{out}");
    assert!(out.contains("3 cards rated"), "{out}");
    let reviewed = ids(&env.cards(&[]), |c| !c["reps"].is_null());
    assert_eq!(reviewed.len(), 3);
    let n: i64 = env.sql().query_row("SELECT count(*) FROM reviews", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 3);
}

#[test]
fn cards_rated_good_on_day_0_come_due_days_later_not_tomorrow() {
    let mut env = Env::new();
    env.run(&["drill", "--new", "5"], &"\n3\n".repeat(5));
    let cards = env.cards(&[]);
    let reviewed = ids(&cards, |c| !c["reps"].is_null());
    assert_eq!(reviewed.len(), 5);
    // Good on a new card: FSRS-6's default first stability is 2.3 days, so due in 2 days.
    env.day(1);
    let out = env.run(&["drill", "--new", "0"], "");
    assert!(out.contains("due 0 · new 0"), "{out}");
    env.day(2);
    let out = env.run(&["drill", "--new", "0"], "");
    assert!(out.contains("due 5 · new 0"), "{out}");
    // A month later they are all due (and none were lost from the schedule).
    env.day(30);
    let out = env.run(&["drill", "--new", "0"], "");
    assert!(out.contains("due 5 · new 0"), "{out}");
}

#[test]
fn again_brings_the_card_back_in_the_same_session_after_other_cards() {
    let env = Env::new();
    // Four new cards; the first is forgotten and must come back after three others.
    let out = env.run(&["drill", "--new", "4"], "\n1\n\n3\n\n3\n\n3\n\n3\n");
    assert!(out.contains("again · back in a few cards"), "{out}");
    assert!(out.contains("5 answers to 4 cards rated"), "{out}");
    let (again_key, count): (String, i64) = env
        .sql()
        .query_row(
            "SELECT c.key, count(*) FROM reviews r JOIN cards c ON c.id = r.card_id GROUP BY r.card_id ORDER BY count(*) DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(count, 2, "{again_key} should have been shown twice");
    let kinds: Vec<i64> = env
        .sql()
        .prepare("SELECT r.kind FROM reviews r JOIN cards c ON c.id = r.card_id WHERE c.key = ?1 ORDER BY r.id")
        .unwrap()
        .query_map([&again_key], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(kinds, vec![0, 2], "first a learn review, then a same-day relearn");
}

#[test]
fn undo_restores_the_previous_state() {
    let env = Env::new();
    env.run(&["drill", "--new", "2"], "\n3\n");
    let before = reviewed(&env);
    // Rate the next card, then take it back: the database must be as it was.
    let out = env.run(&["drill", "--new", "1"], "\n4\nu\nq\n");
    assert!(out.contains("undone"), "{out}");
    assert_eq!(before, reviewed(&env));
    let n: i64 = env.sql().query_row("SELECT count(*) FROM reviews", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 1);
}

#[test]
fn undo_of_a_second_rating_of_the_same_card_restores_the_first() {
    let env = Env::new();
    env.run(&["drill", "--new", "1"], "\n1\n");
    let before = reviewed(&env);
    env.run(&["drill"], "\n3\nu\nq\n");
    assert_eq!(before, reviewed(&env));
}

#[test]
fn skip_and_suspend_leave_no_review() {
    let env = Env::new();
    let out = env.run(&["drill", "--new", "2"], "s\n!\n");
    assert!(out.contains("skipped"), "{out}");
    assert!(out.contains("suspended"), "{out}");
    let suspended = ids(&env.cards(&[]), |c| c["suspended"] == true);
    assert_eq!(suspended.len(), 1);
    env.run(&["unsuspend", &suspended[0]], "");
    assert!(ids(&env.cards(&[]), |c| c["suspended"] == true).is_empty());
}

#[test]
fn quitting_with_end_of_input_mid_card_is_clean() {
    let env = Env::new();
    let out = env.run(&["drill", "--new", "3"], "\n3\n\n");
    assert!(out.contains("1 card rated"), "{out}");
}

#[test]
fn daily_new_card_limit_counts_cards_already_learned_today() {
    let env = Env::new();
    std::fs::write(env.config(), "new_per_day = 3\n").unwrap();
    env.run(&["drill"], "\n3\n\n3\n");
    let out = env.run(&["drill"], "");
    assert!(out.contains("new 1"), "{out}");
}

#[test]
fn area_filter_only_shows_that_area() {
    let env = Env::new();
    let out = env.run(&["drill", "--area", "behavioral", "--new", "3"], "\n3\n\n3\n\n3\n");
    let areas: Vec<_> =
        env.cards(&[]).into_iter().filter(|c| !c["reps"].is_null()).map(|c| c["area"].clone()).collect();
    assert_eq!(areas.len(), 3, "{out}");
    assert!(areas.iter().all(|a| a == "behavioral"), "{areas:?}");
}

#[test]
fn output_to_a_pipe_has_no_escape_codes() {
    let env = Env::new();
    let out = env.run(&["drill", "--new", "1"], "\n3\n");
    assert!(!out.contains('\x1b'), "{out:?}");
}

#[test]
fn a_bad_grill_now_is_a_clear_error() {
    let mut env = Env::new();
    env.at("yesterday");
    env.grill(&["decks"]).assert().code(2).stderr(predicates::str::contains("GRILL_NOW"));
}

#[test]
fn the_rating_prompt_shows_each_ratings_interval() {
    let env = Env::new();
    let out = env.run(&["drill", "--new", "1"], "\n3\n");
    assert!(out.contains("1 again now"), "{out}");
    assert!(out.contains("3 good 2d"), "{out}");
}

/// Reads the child's output until `done` holds for all of it (or fails after 10 s).
fn read_until(output: &std::sync::mpsc::Receiver<u8>, seen: &mut String, done: impl Fn(&str) -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let mut bytes = Vec::new();
    while !done(seen) {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        let byte = output.recv_timeout(left).unwrap_or_else(|_| panic!("grill stopped printing; got:\n{seen}"));
        bytes.push(byte);
        if let Ok(text) = std::str::from_utf8(&bytes) {
            seen.push_str(text);
            bytes.clear();
        }
    }
}

#[test]
fn everything_is_on_screen_before_the_drill_waits_for_a_key() {
    use std::io::{Read, Write};
    let env = Env::new();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("grill"))
        .args(["drill", "--new", "2"])
        .env("GRILL_DB", env.db())
        .env("GRILL_CONFIG", env.config())
        .env("HOME", env.dir.path())
        .env("TZ", "UTC")
        .env("GRILL_NOW", &env.now)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let (tx, output) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut byte = [0u8];
        while stdout.read(&mut byte).is_ok_and(|n| n == 1) {
            let _ = tx.send(byte[0]);
        }
    });
    let mut stdin = child.stdin.take().unwrap();
    let mut seen = String::new();
    // The drill's output is buffered: while it waits for a key, what it asks about must be shown.
    read_until(&output, &mut seen, |s| s.contains("answer> "));
    assert!(seen.contains("type notes or think aloud"), "{seen}");
    stdin.write_all(b"\n").unwrap();
    read_until(&output, &mut seen, |s| s.contains("rate> "));
    assert!(seen.contains("Key points") && seen.contains("3 good"), "{seen}");
    stdin.write_all(b"3\n").unwrap();
    read_until(&output, &mut seen, |s| s.matches("answer> ").count() == 2);
    assert!(seen.contains("good · next in"), "the confirmation shows before the next card waits: {seen}");
    drop(stdin);
    assert!(child.wait().unwrap().success());
}

/// The first card shown by a drill, as `area · kind · N left · KEY`.
fn first_card(out: &str) -> String {
    let line = out.lines().find(|l| l.contains(" left · ")).expect("a card was shown");
    line.rsplit(" · ").next().unwrap().to_owned()
}

#[test]
fn a_skipped_card_stays_away_for_the_rest_of_the_day_and_comes_back_tomorrow() {
    let mut env = Env::new();
    let out = env.run(&["drill", "--new", "3"], "s\nq\n");
    let skipped = first_card(&out);
    assert!(out.contains(&format!("skipped {skipped} for today")), "{out}");
    // A second session the same day starts with another card and never shows the skipped one.
    let out = env.run(&["drill", "--new", "3"], "\n3\n\n3\n\n3\n");
    assert_ne!(first_card(&out), skipped, "{out}");
    assert!(!out.contains(&skipped), "the skipped card came back the same day:\n{out}");
    // Tomorrow it is offered again (still new, never answered): skipping through the new
    // cards meets it.
    env.day(1);
    let out = env.run(&["drill", "--new", "10"], &"s\n".repeat(10));
    assert!(out.contains(&format!(" left · {skipped}")), "{out}");
}

#[test]
fn undo_takes_back_a_suspend_or_a_skip_not_the_rating_before_it() {
    let env = Env::new();
    // Rate one card, suspend the next, then undo: the suspension goes, the rating stays.
    let out = env.run(&["drill", "--new", "3"], "\n3\n!\nu\nq\n");
    assert!(out.contains("undone: suspending"), "{out}");
    assert!(ids(&env.cards(&[]), |c| c["suspended"] == true).is_empty(), "the card is active again");
    let n: i64 = env.sql().query_row("SELECT count(*) FROM reviews", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 1, "the rating before the suspension is kept");
    // A skip taken back puts the card in front again, today.
    let out = env.run(&["drill", "--new", "3"], "s\nu\nq\n");
    assert!(out.contains("undone: skipping"), "{out}");
    let shown: Vec<&str> = out.lines().filter(|l| l.contains(" left · ")).collect();
    assert_eq!(shown.len(), 3, "the card, the next one, then the card again: {out}");
    assert_eq!(shown[0].rsplit(" · ").next(), shown[2].rsplit(" · ").next(), "the same card again: {out}");
    let skips: i64 = env.sql().query_row("SELECT count(*) FROM skips", [], |r| r.get(0)).unwrap();
    assert_eq!(skips, 0);
}

#[test]
fn undo_with_nothing_to_undo_says_so_and_singular_counts_read_right() {
    let env = Env::new();
    let out = env.run(&["drill", "--new", "1"], "u\n\n3\n\n");
    assert!(out.contains("nothing to undo yet in this session"), "{out}");
    assert!(out.contains("1 card rated"), "{out}");
    assert!(!out.contains("1 cards"), "{out}");
}

#[test]
fn a_reached_review_limit_says_so_and_drill_reviews_takes_more() {
    let mut env = Env::new();
    env.run(&["drill", "--new", "3"], "\n3\n\n3\n\n3\n");
    std::fs::write(env.config(), "reviews_per_day = 1\nnew_per_day = 0\n").unwrap();
    env.day(30);
    // The limit lets one review through; the other two wait, and the drill says so.
    let out = env.run(&["drill"], "\n3\n");
    assert!(out.contains("Today's review limit (1 a day) holds back 2 due cards"), "{out}");
    assert!(out.contains("1 card rated"), "{out}");
    let out = env.run(&["drill"], "q\n");
    assert!(out.contains("holds back 2 due cards: `grill drill --reviews 2` takes them now"), "{out}");
    assert!(!out.contains("no cards due"), "{out}");
    let out = env.run(&["drill", "--reviews", "2"], "\n3\n\n3\n");
    assert!(out.contains("2 cards rated"), "{out}");
}

#[test]
fn before_the_rollover_the_header_shows_the_grill_day_not_the_calendar_day() {
    let mut env = Env::new();
    // 02:30 on Tuesday is still Monday's grill day (days roll over at 4 a.m.).
    env.at("2026-03-03T02:30:00Z");
    let out = env.run(&["drill", "--limit", "1"], "q\n");
    assert!(out.starts_with("grill · Mon 02 Mar"), "{out}");
}
