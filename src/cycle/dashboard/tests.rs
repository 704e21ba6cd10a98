use super::*;
use crate::cycle::gaps::InterviewRef;
use crate::cycle::profile::Behavioral;

fn on() -> NaiveDate {
    "2026-03-02".parse().unwrap()
}

fn profile() -> Profile {
    Profile {
        target_roles: vec!["product".into(), "platform".into()],
        regions: vec!["EU".into()],
        remote: "CET; up to 4h overlap with US East".into(),
        strongest_language: "Python".into(),
        strongest_framework: String::new(),
        stories: vec![Story {
            title: "Invoice API".into(),
            owned: "The billing service end to end".into(),
            problem: "Duplicate invoices on retries".into(),
            choices: "Idempotency keys\nin PostgreSQL".into(),
            constraints: String::new(),
            validation: "Zero duplicates in 6 months".into(),
        }],
        system_design: vec![DesignPrompt {
            prompt: "A notification pipeline".into(),
            notes: "fan-out, retries".into(),
        }],
        behavioral: Behavioral { ownership: "Took over the flaky deploys".into(), ..Behavioral::default() },
    }
}

fn gap() -> Gap {
    Gap {
        subject: Subject::Area("sql".into()),
        bad_interviews: vec![
            InterviewRef { held_on: "2026-02-10".parse().unwrap(), company: "Acme".into(), id: 1 },
            InterviewRef { held_on: "2026-02-24".parse().unwrap(), company: "Globex".into(), id: 2 },
        ],
        interview_questions: 3,
        interview_mean: 1.7,
        drill_reviews: 20,
        drill_mean: Some(3.1),
        recurring: true,
        worse_than_drill: true,
        cards: vec![],
    }
}

#[test]
fn weak_spots_list_gaps_first_then_low_scores_without_repeating_an_area() {
    let scores = vec![("sql".into(), 1.5), ("cloud".into(), 2.0), ("python".into(), 4.0), ("java".into(), 2.5)];
    let d = compute(on(), &profile(), &scores, true, &[gap()]);
    let names: Vec<&str> = d.weak_spots.iter().map(|w| w.name.as_str()).collect();
    assert_eq!(names, ["sql", "cloud", "java"]);
    assert_eq!(
        d.weak_spots[0].why,
        "again/hard in 2 interviews (Acme 2026-02-10, Globex 2026-02-24); interviews 1.7 vs drill 3.1 on the 1-4 scale; score 1.5/5"
    );
    assert_eq!(d.weak_spots[1].why, "score 2.0/5");
    assert_eq!(d.measured_language, Some(("python".into(), 4.0)));
}

#[test]
fn without_drill_data_no_area_is_called_weak() {
    let scores = vec![("sql".into(), 1.0)];
    let d = compute(on(), &Profile::default(), &scores, false, &[]);
    assert!(d.weak_spots.is_empty());
    assert_eq!(d.measured_language, None);
    assert!(render(&d, Format::Terminal).contains("not measured yet"));
}

#[test]
fn missing_parts_are_prompts_to_fill_in() {
    let text = render(&compute(on(), &Profile::default(), &[], false, &[]), Format::Terminal);
    assert!(text.contains("Role types: ✎ to fill in: target_roles"), "{text}");
    assert_eq!(text.matches("a [[stories]] entry").count(), 3);
    assert_eq!(text.matches("a [[system_design]] entry").count(), 2);
    for key in ["ownership", "conflict", "debugging", "uncertainty"] {
        assert!(text.contains(&format!("✎ to fill in: [behavioral] {key}")), "{key}");
    }
}

#[test]
fn the_markdown_page_reads_as_the_user_wrote_it() {
    let scores = vec![("sql".into(), 1.5), ("python".into(), 4.0)];
    let md = render(&compute(on(), &profile(), &scores, true, &[gap()]), Format::Markdown);
    insta::assert_snapshot!(md);
}

#[test]
fn control_characters_in_the_profile_never_reach_the_terminal() {
    let mut p = profile();
    p.remote = "CET\x1b]0;pwned\x07".into();
    let text = render(&compute(on(), &p, &[], false, &[]), Format::Terminal);
    assert!(!text.contains('\x1b') && text.contains("Remote constraints: CET"));
}

fn mock_round(id: i64, company: &str, rubric: crate::cycle::mock::Rubric) -> ScoredRound {
    ScoredRound {
        id,
        held_on: on() + chrono::Duration::days(id),
        company: company.into(),
        format: "system-design".into(),
        minutes: 45,
        took_ms: 0,
        questions: 3,
        rubric,
    }
}

#[test]
fn mock_rounds_show_the_rubric_trend_and_the_weakest_criterion() {
    let rounds = [
        mock_round(1, "mock", [Some(2), Some(3), Some(4), Some(1), Some(3)]),
        mock_round(2, "Globex", [Some(4), Some(3), Some(2), Some(2), None]),
    ];
    let text = render(&compute(on(), &profile(), &[], false, &[]).with_mock_rounds(&rounds), Format::Terminal);
    assert!(text.contains("  • Rounds: 2026-03-03 system-design, 2026-03-04 system-design for Globex\n"), "{text}");
    assert!(text.contains("  • structure: 2 → 4 (mean 3.0 · up)\n"), "{text}");
    assert!(text.contains("  • trade-offs: 4 → 2 (mean 3.0 · down)\n"), "{text}");
    assert!(text.contains("  • communication: 3 → - (mean 3.0 · one score so far)\n"), "{text}");
    assert!(text.contains("  • Weakest: failure modes (mean 1.5): aim the next round at it\n"), "{text}");
    let none = render(&compute(on(), &profile(), &[], false, &[]), Format::Terminal);
    assert!(none.contains("MOCK ROUNDS") && none.contains("none scored yet: `grill mock"), "{none}");
}

#[test]
fn a_company_name_in_the_markdown_page_is_escaped_once_and_stays_inert() {
    let rounds = [mock_round(1, "AT&T <img src=x> [x](javascript:y) | *", [Some(3); 5])];
    let mut g = gap();
    g.bad_interviews[0].company = "AT&T".into();
    let md = render(&compute(on(), &profile(), &[], false, &[g]).with_mock_rounds(&rounds), Format::Markdown);
    assert!(md.contains("for AT&amp;T &lt;img src=x&gt; \\[x\\](javascript:y) \\| \\*\n"), "{md}");
    assert!(md.contains("(AT&amp;T 2026-02-10"), "escaped once, not `&amp;amp;`: {md}");
}
