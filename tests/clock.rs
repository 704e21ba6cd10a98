//! Clock trouble: a clock set back before the last review, daylight-saving switches across the
//! day rollover, a changed time zone. No panic, no negative elapsed time, no card lost.

use crate::common::Env;

/// `grill ARGS` in time zone `tz`.
fn run_in(env: &Env, tz: &str, args: &[&str], stdin: &str) -> String {
    let out = env.grill(args).env("TZ", tz).write_stdin(stdin).output().expect("runs");
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "grill {args:?} in {tz} at {} failed:\n{stdout}\n{stderr}", env.now);
    assert!(!stderr.contains("panicked"), "{stderr}");
    stdout.into_owned()
}

/// Reviews of one card logged later (higher id) but timed earlier: must never happen.
fn reviews_out_of_order(env: &Env) -> i64 {
    env.sql()
        .query_row(
            "SELECT count(*) FROM reviews a JOIN reviews b ON a.card_id = b.card_id AND a.id < b.id AND a.at > b.at",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

/// Card states whose due date is before their last review.
fn due_before_last_review(env: &Env) -> i64 {
    env.sql().query_row("SELECT count(*) FROM card_state WHERE due < last_review", [], |r| r.get(0)).unwrap()
}

/// Ten years on, every reviewed card that is not suspended is due: none fell off the schedule.
fn assert_no_card_lost(env: &mut Env, tz: &str) {
    let reviewed: i64 = env.sql().query_row("SELECT count(*) FROM card_state", [], |r| r.get(0)).unwrap();
    assert!(reviewed > 0);
    env.at("2036-03-02T09:00:00Z");
    let out = run_in(env, tz, &["drill", "--new", "0"], "");
    assert!(out.contains(&format!("due {reviewed} · new 0")), "{out}");
}

/// The header's "done today" count.
fn done_today(out: &str) -> usize {
    let header = out.lines().next().unwrap();
    header.rsplit("done today ").next().unwrap().trim().parse().unwrap_or_else(|_| panic!("{header}"))
}

#[test]
fn a_clock_set_back_before_the_last_review_keeps_the_log_in_order() {
    let mut env = Env::new();
    // 09:00: the first card is forgotten, so it is due again at once.
    env.at("2026-03-02T09:00:00Z");
    run_in(&env, "UTC", &["drill", "--new", "1"], "\n1\nq\n");
    // Two hours earlier the same day: the forgotten card comes up and is rated.
    env.at("2026-03-02T07:00:00Z");
    let out = run_in(&env, "UTC", &["drill", "--new", "0"], "\n3\n");
    assert!(out.contains("due 1"), "{out}");
    // Ten days earlier: new cards only (nothing is due before it was reviewed).
    env.at("2026-02-20T09:00:00Z");
    let out = run_in(&env, "UTC", &["drill", "--new", "2"], "\n3\n\n3\n");
    assert!(out.contains("due 0 · new 2"), "{out}");
    assert_eq!(crate::common::review_log(&env.sql()).len(), 4);
    assert_eq!(reviews_out_of_order(&env), 0, "a review logged after another is never timed before it");
    assert_eq!(due_before_last_review(&env), 0);
    crate::common::states_match_replay(&env.db()).unwrap();
    assert_no_card_lost(&mut env, "UTC");
}

#[test]
fn spring_forward_at_the_rollover_hour_starts_the_day_when_the_clock_jumps() {
    let mut env = Env::new();
    // Berlin skips 02:00-03:00 on 2026-03-29; with the day starting at 2 a.m. the rollover
    // moment does not exist that night.
    std::fs::write(env.config(), "day_rollover_hour = 2\n").unwrap();
    let berlin = "Europe/Berlin";
    env.at("2026-03-28T22:00:00Z"); // 23:00 CET, Saturday
    run_in(&env, berlin, &["drill", "--new", "2"], "\n3\n\n3\n");
    env.at("2026-03-29T00:30:00Z"); // 01:30 CET: still Saturday's day
    assert_eq!(done_today(&run_in(&env, berlin, &["drill", "--new", "0"], "")), 2);
    env.at("2026-03-29T01:05:00Z"); // 03:05 CEST: the clock jumped past 02:00, a new day
    assert_eq!(done_today(&run_in(&env, berlin, &["drill", "--new", "0"], "")), 0);
    // Good on a new card is due two days on, at the rollover: 2026-03-30 02:00 CEST.
    let due: Vec<String> =
        env.cards(&[]).iter().filter_map(|c| c["due"].as_str().map(str::to_owned)).collect::<Vec<_>>();
    assert_eq!(due.len(), 2);
    assert!(due.iter().all(|d| d == "2026-03-30T00:00:00Z"), "{due:?}");
    assert_eq!(due_before_last_review(&env), 0);
    assert_no_card_lost(&mut env, berlin);
}

#[test]
fn fall_back_at_the_rollover_hour_starts_the_day_at_the_first_of_the_two_2_ams() {
    let mut env = Env::new();
    // Berlin goes from 03:00 CEST back to 02:00 CET on 2026-10-25: 02:00-03:00 happens twice.
    std::fs::write(env.config(), "day_rollover_hour = 2\n").unwrap();
    let berlin = "Europe/Berlin";
    env.at("2026-10-24T23:30:00Z"); // 01:30 CEST: Saturday's day
    run_in(&env, berlin, &["drill", "--new", "1"], "\n3\n");
    env.at("2026-10-25T00:30:00Z"); // 02:30 CEST, after the first 2 a.m.: Sunday's day
    let out = run_in(&env, berlin, &["drill", "--new", "1"], "\n3\n");
    assert_eq!(done_today(&out), 0, "{out}");
    env.at("2026-10-25T01:30:00Z"); // 02:30 CET, the second time round: still Sunday
    assert_eq!(done_today(&run_in(&env, berlin, &["drill", "--new", "0"], "")), 1);
    assert_eq!(reviews_out_of_order(&env), 0);
    assert_eq!(due_before_last_review(&env), 0);
    assert_no_card_lost(&mut env, berlin);
}

#[test]
fn flying_across_time_zones_both_ways_loses_no_card_and_never_panics() {
    let mut env = Env::new();
    // Evening in Tokyo, then the same morning in Los Angeles (an earlier local date), then back.
    env.at("2026-03-02T10:00:00Z"); // 19:00 JST, 02:00 PST
    run_in(&env, "Asia/Tokyo", &["drill", "--new", "3"], "\n1\n\n3\n\n4\n\n3\n");
    env.at("2026-03-02T11:00:00Z"); // 03:00 PST: before LA's rollover, so LA's "yesterday"
    run_in(&env, "America/Los_Angeles", &["drill", "--new", "1"], "\n2\n\n3\n\n3\n");
    env.at("2026-03-02T12:00:00Z");
    run_in(&env, "Asia/Tokyo", &["drill", "--new", "1"], "\n3\n\n3\n\n3\n");
    assert_eq!(reviews_out_of_order(&env), 0);
    assert_eq!(due_before_last_review(&env), 0);
    assert_no_card_lost(&mut env, "America/Los_Angeles");
}
