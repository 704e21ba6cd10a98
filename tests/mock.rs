//! `grill mock` through the real binary, driven prompt by prompt as a user at a pipe would, and
//! the drill's typed notes coming back the next time a card is shown.

use crate::common::live::Live;
use crate::common::{Env, s, states_match_replay};

/// What one scripted round typed and saw.
struct Round {
    out: String,
    /// (follow-up number, of how many) in the order the follow-up prompts came.
    follow_ups: Vec<(usize, usize)>,
    /// Questions rated.
    rated: usize,
}

const PROMPTS: [&str; 4] = ["answer> ", "follow-up> ", "rate> ", "written> "];
const RUBRIC_PROMPTS: [&str; 5] = ["structure> ", "depth> ", "trade-offs> ", "failure modes> ", "communication> "];

/// Runs `grill mock ARGS`, answering every prompt: `answer` to questions, `reply N` to the Nth
/// follow-up, `rating` to each rating, `written` to the written question and `rubric` in order.
fn play(env: &Env, args: &[&str], answer: &str, rating: &str, written: &str, rubric: [&str; 5]) -> Round {
    let mut full = vec!["mock"];
    full.extend_from_slice(args);
    play_command(env.command(&full), answer, rating, written, rubric)
}

/// [`play`] with a command of one's own (to set `EDITOR`).
fn play_command(command: std::process::Command, answer: &str, rating: &str, written: &str, rubric: [&str; 5]) -> Round {
    let mut live = Live::spawn(command);
    let mut follow_ups = Vec::new();
    let mut rated = 0;
    loop {
        // Card text may hold "-> " too: only grill's own prompts count.
        let is_prompt = |l: &str| PROMPTS.contains(&l) || RUBRIC_PROMPTS.contains(&l);
        let line = live.wait_for(|l| is_prompt(l) || l.starts_with("Saved as mock round"));
        if line.starts_with("Saved as mock round") {
            break;
        }
        let before = live.seen.len() - 1;
        match line.as_str() {
            "answer> " => live.send(&format!("{answer}\n")),
            "follow-up> " => {
                // The follow-up just asked is the last thing printed: the next one is not shown yet.
                let header = &live.seen[before - 1];
                let (n, of) = follow_up_number(header).unwrap_or_else(|| panic!("not a follow-up: {header:?}"));
                follow_ups.push((n, of));
                live.send(&format!("reply {n}\n"));
            }
            "rate> " => {
                rated += 1;
                live.send(&format!("{rating}\n"));
            }
            "written> " => live.send(&format!("{written}\n")),
            prompt => {
                let i = RUBRIC_PROMPTS.iter().position(|p| *p == prompt).unwrap_or_else(|| panic!("prompt {prompt:?}"));
                live.send(&format!("{}\n", rubric[i]));
            }
        }
    }
    let (status, out, err) = live.finish();
    assert!(status.success(), "{out}\n{err}");
    Round { out, follow_ups, rated }
}

/// `Follow-up 2 of 3: ...` as (2, 3).
fn follow_up_number(line: &str) -> Option<(usize, usize)> {
    let rest = line.strip_prefix("Follow-up ")?;
    let (n, rest) = rest.split_once(" of ")?;
    let (of, _) = rest.split_once(':')?;
    Some((n.parse().ok()?, of.parse().ok()?))
}

/// Follow-ups came one at a time and in order: 1 of m, 2 of m, ... m of m for each question.
fn assert_one_at_a_time(follow_ups: &[(usize, usize)]) {
    assert!(!follow_ups.is_empty(), "no follow-up was asked");
    let mut expected = 1;
    for &(n, of) in follow_ups {
        assert_eq!(n, expected, "follow-ups out of order: {follow_ups:?}");
        expected = if n == of { 1 } else { n + 1 };
    }
    assert_eq!(expected, 1, "a question's follow-ups stopped early: {follow_ups:?}");
}

fn count(env: &Env, sql: &str) -> i64 {
    env.sql().query_row(sql, [], |r| r.get(0)).unwrap()
}

const ANSWER: &str = "At my last job we had a p99 limit of 200 ms, so we added an index and latency dropped 60%";

#[test]
fn a_system_design_round_logs_mock_reviews_a_mock_entry_with_the_rubric_and_a_transcript() {
    let env = Env::new();
    let copy = env.dir.path().join("round.md");
    let written = "The API takes an idempotency key. Retries are safe. It fails when the DB is down.";
    let round = play(
        &env,
        &["--format", "system-design", "--minutes", "30", "--transcript", s(&copy)],
        ANSWER,
        "3",
        written,
        ["4", "3", "", "2", "5"],
    );
    assert_one_at_a_time(&round.follow_ups);
    assert_eq!(round.rated, 2, "30 minutes of system design: two questions\n{}", round.out);
    assert!(round.out.contains("Written question"), "{}", round.out);
    assert!(round.out.contains("budget 12:30"), "the per-question budget is shown: {}", round.out);
    assert!(round.out.contains("Named a concrete example: yes · a constraint: yes · a result: yes"), "{}", round.out);
    assert_eq!(count(&env, "SELECT count(*) FROM reviews WHERE kind = 6"), 2, "each deck answer is a mock review");
    assert_eq!(count(&env, "SELECT count(*) FROM reviews WHERE kind = 6 AND rating = 3"), 2);
    assert_eq!(count(&env, "SELECT count(*) FROM interviews WHERE kind = 'mock' AND format = 'system-design'"), 1);
    let rubric: (i64, i64, Option<i64>, i64, i64) = env
        .sql()
        .query_row("SELECT structure, depth, trade_offs, failure_modes, communication FROM mock_rounds", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap();
    assert_eq!(rubric, (4, 3, None, 2, 5));
    // The first answers of the day moved the cards' schedules, exactly as a replay of the log does.
    assert_eq!(count(&env, "SELECT count(*) FROM card_state"), 2);
    states_match_replay(&env.db()).unwrap();
    let notes: Vec<String> = {
        let conn = env.sql();
        let mut stmt = conn.prepare("SELECT text FROM review_notes ORDER BY review_id").unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    };
    assert_eq!(notes.len(), 2, "each deck answer keeps what was typed: {notes:?}");
    assert!(notes.iter().all(|n| n.starts_with(ANSWER) && n.contains("reply 1")), "{notes:?}");
    let shown = env.run(&["log", "show", "1"], "");
    assert!(
        shown.contains("rubric: structure 4 · depth 3 · trade-offs - · failure modes 2 · communication 5"),
        "{shown}"
    );
    assert!(env.run(&["log"], "").contains("mock system-design"));
    let kept: String = env.sql().query_row("SELECT transcript FROM mock_rounds", [], |r| r.get(0)).unwrap();
    assert!(kept.contains("mock-rounds"), "{kept}");
    for path in [copy, std::path::PathBuf::from(kept)] {
        let text = std::fs::read_to_string(&path).unwrap();
        for typed in [ANSWER, "reply 1", "reply 2", written] {
            assert!(text.contains(typed), "{} lacks {typed:?}:\n{text}", path.display());
        }
        assert!(text.contains("**Rated:** good") && text.contains("- failure modes: 2"), "{text}");
    }
}

#[test]
fn a_behavioral_round_asks_about_the_users_own_story_with_its_probes() {
    let env = Env::new();
    env.write(
        "profile.toml",
        "[[stories]]\ntitle = \"the invoice API\"\nowned = \"the API and its Celery workers\"\n\
         choices = \"idempotent jobs with retry-safe queue consumers\"\nvalidation = \"p95 went from 900ms to 150ms\"\n",
    );
    let round = play(&env, &["--format", "behavioral", "--minutes", "15"], ANSWER, "2", "", ["3"; 5]);
    assert!(round.out.contains("Walk me through the invoice API"), "{}", round.out);
    assert!(round.out.contains("What did the queue guarantee"), "queue semantics are probed: {}", round.out);
    assert!(round.out.contains("How did you find the bottleneck?"), "a speed claim is probed: {}", round.out);
    assert_one_at_a_time(&round.follow_ups);
    assert!(!round.out.contains("Written question"), "no written question in a behavioural round");
    assert_eq!(round.rated, 2);
    // The story is no deck card: only the other question is a review.
    assert_eq!(count(&env, "SELECT count(*) FROM reviews WHERE kind = 6"), 1);
    assert_eq!(count(&env, "SELECT count(*) FROM mock_questions WHERE card_id IS NULL"), 1);
    assert_eq!(count(&env, "SELECT count(*) FROM interviews WHERE kind = 'mock' AND format = 'behavioral'"), 1);
}

#[test]
fn live_coding_and_mixed_rounds_ask_from_their_areas_and_only_mixed_has_a_written_question() {
    let env = Env::new();
    let live = play(&env, &["--format", "live-coding", "--minutes", "20"], "no idea", "1", "", ["1"; 5]);
    assert_eq!(live.rated, 2);
    assert!(!live.out.contains("Written question"));
    let areas: Vec<String> = {
        let conn = env.sql();
        let mut stmt = conn.prepare("SELECT area FROM mock_questions ORDER BY id").unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    };
    assert!(areas.iter().all(|a| ["python", "java", "sql", "testing"].contains(&a.as_str())), "{areas:?}");
    assert!(live.out.contains("too high level? add one concrete example"), "{}", live.out);
    let mixed = play(&env, &["--format", "mixed", "--minutes", "20"], ANSWER, "4", "One. Two.", ["5"; 5]);
    assert!(mixed.out.contains("Written question") && mixed.out.contains("2 sentences"), "{}", mixed.out);
    assert_eq!(count(&env, "SELECT count(*) FROM interviews WHERE kind = 'mock'"), 2);
    assert_eq!(count(&env, "SELECT count(*) FROM reviews WHERE kind = 6"), 2 + mixed.rated as i64);
    let log = env.run(&["log"], "");
    assert!(log.contains("live-coding") && log.contains("mixed"), "{log}");
}

#[test]
fn a_topic_missed_in_two_mock_rounds_is_a_recurring_gap_and_no_card_is_asked_twice_in_a_row() {
    let mut env = Env::new();
    play(&env, &["--format", "behavioral", "--minutes", "10"], "I am not sure", "1", "", [""; 5]);
    env.day(1);
    let before = env.run(&["gaps"], "");
    assert!(before.contains("No recurring gaps"), "one bad round is no pattern: {before}");
    play(&env, &["--format", "behavioral", "--minutes", "10"], "I am not sure", "2", "", [""; 5]);
    let asked: Vec<i64> = {
        let conn = env.sql();
        let mut stmt = conn.prepare("SELECT card_id FROM mock_questions ORDER BY id").unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    };
    assert_eq!(asked.len(), 2);
    assert_ne!(asked[0], asked[1], "a card answered yesterday is not asked again");
    let gaps = env.run(&["gaps"], "");
    assert!(gaps.contains("\nbehavioral\n"), "{gaps}");
    assert!(gaps.contains("again/hard in 2 interviews: mock (mock) 2026-03-02, mock (mock) 2026-03-03"), "{gaps}");
}

#[test]
fn q_ends_the_round_early_and_still_asks_the_rubric() {
    let env = Env::new();
    let out = env.run(
        &["mock", "--format", "live-coding", "--minutes", "20"],
        "an answer\nreply\nreply\nreply\nreply\nreply\n3\nq\n2\n2\n2\n2\n2\n",
    );
    assert!(out.contains("Question 2 of 2") && out.contains("Score the round"), "{out}");
    assert_eq!(count(&env, "SELECT count(*) FROM mock_questions"), 1, "only the rated question is kept");
    assert_eq!(count(&env, "SELECT structure FROM mock_rounds"), 2);
}

#[test]
fn a_round_prepares_for_the_next_interview_and_takes_its_role_unless_told_otherwise() {
    let env = Env::new();
    let input = "answer\nr\nr\nr\nr\n3\n\n\n\n\n\n";
    // With no interview ahead the round is for no company, and its one question is singular.
    let out = env.run(&["mock", "--format", "behavioral", "--minutes", "5"], input);
    let first = out.lines().next().unwrap_or_default();
    assert_eq!(first, "Mock round · behavioral · any role · 5 minutes", "{out}");
    assert!(out.contains("\n1 question. Answer as you would aloud"), "{out}");
    env.run(&["interview", "add", "Globex", "--on", "2026-03-10", "--role", "data"], "");
    let out = env.run(&["mock", "--format", "behavioral", "--minutes", "5"], input);
    assert!(out.starts_with("Mock round · behavioral · data · 5 minutes · for Globex"), "{out}");
    let out = env.run(
        &["mock", "--format", "behavioral", "--minutes", "5", "--company", "Initech", "--role", "platform"],
        input,
    );
    assert!(out.starts_with("Mock round · behavioral · platform · 5 minutes · for Initech"), "{out}");
    let companies: Vec<(String, String)> = {
        let conn = env.sql();
        let mut stmt = conn.prepare("SELECT company, role FROM interviews WHERE kind = 'mock' ORDER BY id").unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
    };
    let expected = [("mock", "any"), ("Globex", "data"), ("Initech", "platform")];
    assert_eq!(companies, expected.map(|(c, r)| (c.to_owned(), r.to_owned())));
}

#[test]
fn a_take_home_is_not_a_round() {
    let env = Env::new();
    let out = env.grill(&["mock", "--format", "take-home"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a round"));
}

#[test]
fn drill_notes_are_kept_with_the_review_and_shown_the_next_time_the_card_comes_up() {
    let mut env = Env::new();
    let first = env.run(&["drill", "--new", "1"], "covering index on (user_id, created_at)\n3\n");
    assert!(!first.contains("last time you wrote"), "{first}");
    let notes: (i64, String) = env
        .sql()
        .query_row("SELECT r.kind, n.text FROM review_notes n JOIN reviews r ON r.id = n.review_id", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(notes.1, "covering index on (user_id, created_at)");
    env.day(30);
    let later = env.run(&["drill", "--new", "0"], "\n3\n");
    assert!(later.contains("last time you wrote: covering index on (user_id, created_at)"), "{later}");
}

#[test]
fn log_dashboard_and_report_show_mock_rounds_and_the_rubric_trend() {
    let mut env = Env::new();
    play(&env, &["--format", "system-design", "--minutes", "30"], ANSWER, "3", "One. Two.", ["2", "3", "4", "1", ""]);
    env.day(1);
    let company = "A&B <i>x</i> [y](z)";
    play(
        &env,
        &["--format", "behavioral", "--minutes", "15", "--company", company],
        ANSWER,
        "2",
        "",
        ["4", "3", "2", "2", "5"],
    );
    let trend = [
        "Rubric trend, last 2 mock rounds, 2026-03-02 to 2026-03-03 (scores oldest first):",
        "  structure      2 → 4   mean 3.0 · up",
        "  depth          3 → 3   mean 3.0 · steady",
        "  trade-offs     4 → 2   mean 3.0 · down",
        "  failure modes  1 → 2   mean 1.5 · up",
        "  communication  - → 5   mean 5.0 · one score so far",
        "Weakest: failure modes (mean 1.5): aim the next round at it.",
    ]
    .join("\n");
    let log = env.run(&["log"], "");
    assert!(log.contains("mock system-design") && log.contains("mock behavioral"), "{log}");
    assert!(log.contains(&trend), "{log}");
    let second = env.run(&["log", "show", "2"], "");
    assert!(second.contains("rubric: structure 4 · depth 3 · trade-offs 2 · failure modes 2 · communication 5"));
    assert!(second.contains(&trend), "log show N ends with the trend up to that round: {second}");
    let first = env.run(&["log", "show", "1"], "");
    assert!(
        first.contains("rubric: structure 2 ·") && !first.contains("Rubric trend"),
        "one round is no trend: {first}"
    );

    let dashboard = env.run(&["dashboard"], "");
    for line in [
        "  • Rubric trend: last 2 mock rounds, 2026-03-02 to 2026-03-03 (scores oldest first)",
        "  • structure: 2 → 4 (mean 3.0 · up)",
        "  • trade-offs: 4 → 2 (mean 3.0 · down)",
        "  • Weakest: failure modes (mean 1.5): aim the next round at it",
    ] {
        assert!(dashboard.contains(&format!("{line}\n")), "{line:?} in\n{dashboard}");
    }
    let md_path = env.dir.path().join("dashboard.md");
    env.run(&["dashboard", "--md", crate::common::s(&md_path)], "");
    let md = std::fs::read_to_string(&md_path).unwrap();
    assert!(md.contains("## Mock rounds\n"), "{md}");
    assert!(md.contains("- **failure modes:** 1 → 2 (mean 1.5 · up)\n"), "{md}");
    assert!(md.contains("- **depth:** 3 → 3 (mean 3.0 · steady)\n"), "{md}");
    assert!(md.contains("2026-03-03 behavioral for A&amp;B &lt;i&gt;x&lt;/i&gt; \\[y\\](z)"), "{md}");
    assert!(!md.contains("<i>") && !md.contains("[y](z)"), "{md}");

    let html = env.run(&["report", "-o", "-"], "");
    assert!(html.contains("<h2>Mock rounds: rubric trend</h2>"), "{html}");
    let row = |name: &str, cells: &[&str], dir: &str| {
        let cells: String = cells.iter().map(|c| format!("<td class=\"n\">{c}</td>")).collect();
        format!("<tr><td>{name}</td>{cells}<td>{dir}</td></tr>")
    };
    assert!(html.contains(&row("structure", &["2", "4", "3.0"], "up")), "{html}");
    assert!(html.contains(&row("trade-offs", &["4", "2", "3.0"], "down")), "{html}");
    assert!(html.contains(&row("communication", &["–", "5", "5.0"], "one score so far")), "{html}");
    assert!(html.contains("Weakest: failure modes (mean 1.5)"), "{html}");
    assert!(html.contains("behavioral · A&amp;B &lt;i&gt;x&lt;/i&gt;") && !html.contains("<i>x"), "{html}");
}

#[test]
fn the_written_question_can_be_written_in_the_editor_and_is_kept_in_the_transcript() {
    let env = Env::new();
    let note = "Webhooks are delivered at least once. Each has an id for dedupe. Retries back off for a day.";
    let editor = crate::common::script(&env, "editor.sh", &format!("printf '%s\\n' '{note}' > \"$1\""));
    let mut command = env.command(&["mock", "--format", "system-design", "--minutes", "15"]);
    command.env("EDITOR", &editor);
    let round = play_command(command, ANSWER, "3", "e", ["3"; 5]);
    assert!(round.out.contains("3 sentences in"), "the editor's text is counted: {}", round.out);
    let kept: String = env.sql().query_row("SELECT transcript FROM mock_rounds", [], |r| r.get(0)).unwrap();
    let text = std::fs::read_to_string(kept).unwrap();
    assert!(text.contains("## Written question") && text.contains(note), "{text}");
}
