//! Cram and month plans through the real binary: they mix the role's areas, and quick reveals
//! do not shrink the time a card is planned to take.

use std::collections::BTreeMap;

use crate::common::Env;
use crate::common::live::Live;

/// The per-area counts of a cram header's "Plan: N cards, about M minutes (a 2 · b 1)." line.
fn planned_areas(out: &str) -> BTreeMap<String, usize> {
    let line = out.lines().find(|l| l.starts_with("Plan: ")).unwrap_or_else(|| panic!("no plan in:\n{out}"));
    let inside = line.split_once('(').and_then(|(_, rest)| rest.split_once(')')).expect("areas in brackets").0;
    inside
        .split(" · ")
        .map(|part| {
            let (area, n) = part.rsplit_once(' ').expect("area and count");
            (area.to_owned(), n.parse().expect("a count"))
        })
        .collect()
}

fn platform_env() -> Env {
    let env = Env::new();
    env.run(&["config", "set", "languages", "python"], "");
    env.run(&["config", "set", "roles", "platform"], "");
    env
}

#[test]
fn a_cram_plan_for_a_platform_role_mixes_areas_instead_of_taking_six_debugging_cards() {
    let env = platform_env();
    let out = env.run(&["cram", "--in", "3d"], "q\n");
    let areas = planned_areas(&out);
    let total: usize = areas.values().sum();
    assert!(total >= 4, "{out}");
    assert!(areas.len() >= 3, "{out}");
    assert!(areas.values().all(|n| n * 2 <= total), "one area holds half the plan or more:\n{out}");
}

#[test]
fn a_long_three_day_plan_covers_the_roles_areas_weighted_to_the_role() {
    let env = platform_env();
    let out = env.run(&["cram", "--in", "3d", "--minutes", "300"], "q\n");
    let areas = planned_areas(&out);
    let total: usize = areas.values().sum();
    assert!(areas.len() >= 6, "{out}");
    assert!(areas.values().all(|n| n * 3 <= total), "one area holds a third of the plan or more:\n{out}");
    // Weighted 3.0 for a platform role, cloud gets more cards than SQL (weight 1.0).
    assert!(areas.get("cloud").copied().unwrap_or(0) > areas.get("sql").copied().unwrap_or(0), "{out}");
}

/// Drills 20 new cards revealing each about 0.1 s after it is shown (skimming a deck), then
/// moves to the next day.
fn env_with_quick_reveals() -> Env {
    let mut env = platform_env();
    let mut drill = Live::start(&env, &["drill", "--new", "20"]);
    for _ in 0..20 {
        drill.wait_for_prompt("answer> ");
        std::thread::sleep(std::time::Duration::from_millis(100));
        drill.send("\n");
        drill.wait_for_prompt("rate> ");
        drill.send("3\n");
    }
    drill.send("q\n");
    let (status, out, err) = drill.finish();
    assert!(status.success(), "{out}\n{err}");
    let timed: i64 =
        env.sql().query_row("SELECT count(*) FROM reviews WHERE duration_ms > 0", [], |r| r.get(0)).unwrap();
    assert_eq!(timed, 20, "{out}");
    env.day(1);
    env
}

#[test]
fn quick_reveals_do_not_plan_cards_at_a_few_seconds_each() {
    let env = env_with_quick_reveals();
    let out = env.run(&["plan"], "");
    let per_card: Vec<f64> = out
        .lines()
        .filter(|l| l.starts_with("│ ") && !l.contains("area") && !l.contains("total"))
        .map(|l| l.split_whitespace().nth(5).expect("min/card column").parse().expect("minutes"))
        .collect();
    assert!(!per_card.is_empty(), "{out}");
    // Half the smallest time limit of the platform areas' decks (90 s) plus 15 s of reading.
    assert!(per_card.iter().all(|m| *m >= 1.0), "{per_card:?}\n{out}");
    assert!(out.contains("never under half the decks' time limit"), "{out}");
}

#[test]
fn quick_reveals_do_not_fill_a_months_first_week_with_a_hundred_cards() {
    let env = env_with_quick_reveals();
    let out = env.run(&["plan", "--month"], "");
    let week1 =
        out.lines().skip_while(|l| !l.starts_with("Week 1")).find(|l| l.contains(" cards, about ")).unwrap_or("");
    let count: usize = week1
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no card count after Week 1:\n{out}"));
    // 120 minutes a week at no less than 1 minute a card (and twice that for a card likely
    // failed): well under the 133 the quick reveals gave.
    assert!((10..=60).contains(&count), "{count} cards:\n{out}");
}

#[test]
fn quick_reveals_never_show_zero_seconds_per_answer() {
    let env = env_with_quick_reveals();
    let out = env.run(&["optimize"], "");
    let line = out.lines().find(|l| l.contains(" per answer (")).unwrap_or_else(|| panic!("{out}"));
    assert!(!line.contains("0:00 per answer") && !line.contains("0:01 per answer"), "{line}");
    assert!(line.contains("your answers were quicker"), "{line}");
}
