//! `grill profile`, `grill dashboard` and `grill remind` through the real binary.

use crate::common::{Env, s, script};
use icalendar::Component;
use predicates::prelude::*;

const PROFILE: &str = r#"
target_roles = ["product", "platform"]
regions = ["EU", "UK"]
remote = "CET; up to 4 hours overlap with US East"
strongest_language = "Python"
strongest_framework = "FastAPI"

[[stories]]
title = "Invoice API"
owned = "The billing service, end to end"
problem = "Duplicate invoices when workers retried"
choices = "Idempotency keys in PostgreSQL"
constraints = "No downtime; two engineers"
validation = "Zero duplicates in six months of logs"

[[system_design]]
prompt = "A notification pipeline"
notes = "Fan-out through a queue, per-channel retries, a dead-letter queue"

[behavioral]
ownership = "Took over the flaky deploy pipeline"
"#;

#[test]
fn profile_path_is_next_to_the_config_file() {
    let env = Env::new();
    let path = env.run(&["profile", "path"], "");
    assert_eq!(path.trim(), s(&env.dir.path().join("profile.toml")));
}

#[test]
fn a_dashboard_without_a_profile_prompts_for_every_part() {
    let env = Env::new();
    let out = env.run(&["dashboard"], "");
    assert!(out.starts_with("Backend interview dashboard · 2026-03-02\n"), "{out}");
    assert!(out.contains("Role types: ✎ to fill in: target_roles"), "{out}");
    assert_eq!(out.matches("a [[stories]] entry").count(), 3, "{out}");
    assert_eq!(out.matches("a [[system_design]] entry").count(), 2, "{out}");
    assert!(out.contains("Delivery under uncertainty: ✎ to fill in: [behavioral] uncertainty"), "{out}");
    assert!(out.contains("not measured yet"), "{out}");
}

#[test]
fn profile_edit_saves_a_valid_profile_and_the_dashboard_shows_it() {
    let env = Env::new();
    let prepared = env.write("prepared.toml", PROFILE);
    // The first edit starts from the template.
    let seen = env.dir.path().join("seen.toml");
    let script = script(&env, "edit.sh", &format!("cp \"$1\" {}\ncp {} \"$1\"", s(&seen), s(&prepared)));
    env.grill(&["profile", "edit"]).env("EDITOR", &script).assert().success().stdout(predicate::str::contains("Saved"));
    assert!(std::fs::read_to_string(&seen).unwrap().contains("[[stories]]"), "the template was offered");
    assert_eq!(std::fs::read_to_string(env.dir.path().join("profile.toml")).unwrap(), PROFILE);
    // Two interviews went badly on SQL: a weak spot.
    for company in ["Acme", "Globex"] {
        env.run(
            &["log", "add", "--company", company, "--role", "product", "--format", "mixed"],
            "sql 1 Isolation levels?\n",
        );
    }
    let md = env.dir.path().join("dashboard.md");
    let out = env.run(&["dashboard", "--md", s(&md)], "");
    assert!(out.contains("Role types: product, platform"), "{out}");
    assert!(out.contains("  1. Invoice API"), "{out}");
    assert!(out.contains(&format!("Wrote {}", s(&md))), "{out}");
    let page = std::fs::read_to_string(&md).unwrap();
    assert!(page.starts_with("# Backend interview dashboard\n"), "{page}");
    assert!(page.contains("- **Strongest framework:** FastAPI"), "{page}");
    assert!(page.contains("- **sql:** again/hard in 2 interviews (Acme 2026-03-02, Globex 2026-03-02)"), "{page}");
    assert!(page.contains("### 1. A notification pipeline"), "{page}");
    assert!(page.contains("- **Ownership:** Took over the flaky deploy pipeline"), "{page}");
    assert!(page.contains("- **Conflict:** _to fill in: [behavioral] conflict_"), "{page}");
    assert_eq!(env.run(&["dashboard", "--md", "-"], ""), page);
}

#[test]
fn a_broken_profile_edit_is_refused_and_the_old_profile_kept() {
    let env = Env::new();
    let profile = env.write("profile.toml", "regions = [\"EU\"]\n");
    let script = script(&env, "break.sh", r#"printf 'regions = ["EU"]\ntarget_roles = ["backend"]\n' > "$1""#);
    env.grill(&["profile", "edit"])
        .env("EDITOR", &script)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("profile.toml:2: target_roles: \"backend\" is not a role type"));
    assert_eq!(std::fs::read_to_string(&profile).unwrap(), "regions = [\"EU\"]\n");
    // A profile broken by hand is reported, not ignored.
    env.write("profile.toml", "regions = 3\n");
    env.grill(&["dashboard"]).assert().code(2).stderr(predicate::str::contains("profile.toml:1: regions:"));
}

/// A property of an event, unfolded and unescaped by the parser.
fn prop<'a>(event: &'a icalendar::Event, name: &str) -> &'a str {
    event.property_value(name).unwrap_or_else(|| panic!("no {name}"))
}

#[test]
fn remind_writes_an_icalendar_file_that_a_real_parser_reads() {
    let env = Env::new();
    let path = env.dir.path().join("grill.ics");
    let out = env.run(&["remind", "--ics", s(&path), "--time", "08:30"], "");
    assert!(out.contains("with 4 recurring events from 2026-03-03"), "{out}");
    let text = std::fs::read_to_string(&path).unwrap();
    // RFC 5545: CRLF line endings, lines of at most 75 octets, continuation lines start with a space.
    assert!(text.ends_with("END:VCALENDAR\r\n"));
    for line in text.split("\r\n") {
        assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
        assert!(!line.contains('\n'), "a bare LF: {line:?}");
    }
    assert!(text.contains("\r\n "), "long descriptions are folded");
    let unfolded = icalendar::parser::unfold(&text);
    let parsed = icalendar::parser::read_calendar(&unfolded).expect("parses");
    let calendar: icalendar::Calendar = parsed.into();
    let events: Vec<&icalendar::Event> = calendar.components.iter().filter_map(|c| c.as_event()).collect();
    assert_eq!(events.len(), 4);
    let uids: Vec<&str> = events.iter().map(|e| e.get_uid().unwrap()).collect();
    assert_eq!(
        uids,
        [
            "grill-daily-drill@grill.invalid",
            "grill-market-review@grill.invalid",
            "grill-weak-area-refresh@grill.invalid",
            "grill-quarterly-review@grill.invalid"
        ]
    );
    let stamp = chrono::DateTime::parse_from_rfc3339(&env.now).unwrap();
    for e in &events {
        assert_eq!(e.get_timestamp().unwrap(), stamp, "DTSTAMP comes from the clock");
        assert!(e.get_description().unwrap().contains("`grill"), "each says which command to run");
    }
    assert_eq!(prop(events[0], "RRULE"), "FREQ=DAILY");
    assert_eq!(prop(events[1], "RRULE"), "FREQ=MONTHLY;BYDAY=1SA");
    assert_eq!(prop(events[3], "RRULE"), "FREQ=MONTHLY;INTERVAL=3;BYDAY=1SA");
    assert!(
        events[1].get_description().unwrap().contains("grill market add FILE..."),
        "commas and semicolons round-trip"
    );
    assert_eq!(events[0].get_summary(), Some("grill: daily drill"));
}

/// The first `n` occurrences of an event, expanded by the rrule crate from its DTSTART and RRULE.
fn occurrences(text: &str, uid: &str, n: u16) -> Vec<String> {
    let unfolded = icalendar::parser::unfold(text);
    let event = unfolded.split("BEGIN:VEVENT").find(|e| e.contains(uid)).unwrap();
    let line = |name: &str| event.lines().find(|l| l.starts_with(name)).unwrap().trim_end().to_owned();
    let set: rrule::RRuleSet = format!("{}\n{}", line("DTSTART:"), line("RRULE:")).parse().expect("rrule parses");
    set.all(n).dates.iter().map(|d| d.format("%Y-%m-%d %a %H:%M").to_string()).collect()
}

#[test]
fn the_recurrence_rules_fall_on_the_days_the_rhythm_promises() {
    let env = Env::new();
    let text = env.run(&["remind", "--ics", "-", "--start", "2026-03-10"], "");
    assert_eq!(
        occurrences(&text, "daily-drill", 3),
        ["2026-03-10 Tue 09:00", "2026-03-11 Wed 09:00", "2026-03-12 Thu 09:00"]
    );
    assert_eq!(
        occurrences(&text, "market-review", 3),
        ["2026-04-04 Sat 10:00", "2026-05-02 Sat 10:00", "2026-06-06 Sat 10:00"]
    );
    assert_eq!(occurrences(&text, "weak-area-refresh", 2), ["2026-04-05 Sun 10:00", "2026-05-03 Sun 10:00"]);
    assert_eq!(
        occurrences(&text, "quarterly-review", 3),
        ["2026-04-04 Sat 14:00", "2026-07-04 Sat 14:00", "2026-10-03 Sat 14:00"]
    );
}

#[test]
fn remind_rejects_a_bad_time() {
    let env = Env::new();
    env.grill(&["remind", "--ics", "-", "--time", "9am"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("use HH:MM"));
}
