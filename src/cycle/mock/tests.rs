use super::*;

fn points() -> Vec<String> {
    key_points(
        "- Idempotency keys: the client sends a key and the server stores the first response\n\
         - Retries with exponential backoff and jitter\n  so a recovering service is not stampeded\n\
         - Dead-letter queue for poison messages\n",
    )
}

#[test]
fn key_points_are_the_bullets_with_their_continuation_lines() {
    let p = points();
    assert_eq!(p.len(), 3);
    assert_eq!(p[1], "Retries with exponential backoff and jitter so a recovering service is not stampeded");
}

#[test]
fn an_answer_naming_a_points_terms_touches_it_in_any_word_form() {
    let c = coverage(&points(), "I'd retry with backoff, and park poison messages in a dead letter queue");
    assert!(!c.points[0].touched, "{:?}", c.points[0]);
    assert!(c.points[1].touched, "{:?}", c.points[1]);
    assert_eq!(c.points[1].matched, ["retries", "backoff"]);
    assert!(c.points[2].touched);
    assert_eq!(c.touched(), 2);
    assert_eq!(c.missed(), [points()[0].clone()]);
}

#[test]
fn an_answer_that_never_mentions_the_terms_touches_nothing() {
    let c = coverage(&points(), "It depends on the requirements; I would keep it simple and scale later.");
    assert_eq!(c.touched(), 0);
    assert!(c.points.iter().all(|p| p.matched.is_empty()), "{:?}", c.points);
}

#[test]
fn one_shared_common_word_does_not_touch_a_long_point() {
    let c = coverage(&points(), "the server is fine");
    assert!(!c.points[0].touched, "one word of many is not coverage: {:?}", c.points[0]);
}

#[test]
fn example_constraint_and_result_are_spotted_separately() {
    let vague = coverage(&[], "I would add a cache in front of the database.");
    assert!(!vague.example && !vague.constraint && !vague.result);
    let concrete = coverage(
        &[],
        "At my last job we had a p99 of 800 ms on the invoice API; we added a cache and latency dropped to 120 ms.",
    );
    assert!(concrete.example && concrete.constraint && concrete.result);
    assert!(coverage(&[], "Within 200ms for 5k users").constraint);
    assert!(coverage(&[], "errors fell by 40%").result);
    assert!(coverage(&[], "we ran 4k jobs an hour and p99 pickup lag was under 2 s").result, "a level held");
    assert!(!coverage(&[], "the lag must be under 2 s").result, "a target is a constraint, not a result");
    assert!(
        coverage(&[], "A worker crashed mid-send once; the sweeper retried it").example,
        "punctuation is no barrier"
    );
    assert!(!coverage(&[], "Concurrency is hard.").example, "\"once\" inside a word is no example");
}

fn card(key: &str, area: &str, stability: Option<f32>, days: Option<i64>) -> CardChoice {
    CardChoice {
        id: key.len() as i64,
        key: key.into(),
        area: area.into(),
        tags: vec![],
        roles: vec![],
        prompt: format!("{key}?"),
        answer: "- a point".into(),
        follow_ups: vec!["why?".into(), "and then?".into()],
        code: None,
        days_since_answer: days,
        stability,
    }
}

#[test]
fn a_round_never_asks_a_card_answered_in_the_last_few_days_and_prefers_gaps_and_weak_cards() {
    let cards = [
        card("sd/strong", "system-design", Some(200.0), Some(30)),
        card("sd/recent", "system-design", Some(0.5), Some(RECENT_DAYS)),
        card("sd/weak", "system-design", Some(1.0), Some(10)),
        card("sd/gap", "system-design", Some(100.0), Some(10)),
        card("sql/x", "sql", Some(1.0), None),
    ];
    let weak = Weak { card_keys: ["sd/gap".to_owned()].into(), ..Weak::default() };
    let round = plan_round(Format::SystemDesign, None, 30, &cards, &Profile::default(), &weak, 7);
    let keys: Vec<String> = round
        .questions
        .iter()
        .map(|q| match &q.source {
            Source::Card { key, .. } => key.clone(),
            Source::Profile => "profile".into(),
        })
        .collect();
    assert_eq!(keys, ["sd/gap", "sd/weak"], "{keys:?}");
    assert!(round.written.is_some(), "system design ends with a written question");
    assert_eq!(round.questions[0].budget_secs, (30 - WRITTEN_MINUTES) * 60 / 2);
}

#[test]
fn a_story_with_a_queue_and_a_speed_claim_gets_those_probes() {
    let story = Story {
        title: "the invoice API".into(),
        choices: "idempotent jobs on a Celery queue".into(),
        validation: "p95 went from 900ms to 150ms".into(),
        ..Story::default()
    };
    let q = story_question(&story);
    assert!(q.prompt.contains("the invoice API"));
    assert!(q.follow_ups[0].contains("queue guarantee"));
    assert!(q.follow_ups.iter().any(|f| f.contains("bottleneck")));
    assert_eq!(
        q.key_points,
        ["Choices: idempotent jobs on a Celery queue", "Validation: p95 went from 900ms to 150ms"]
    );
    let plain = story_question(&Story { title: "a CLI".into(), owned: "all of it".into(), ..Story::default() });
    assert!(!plain.follow_ups.iter().any(|f| f.contains("queue") || f.contains("bottleneck")));
}

#[test]
fn rubric_scores_are_one_to_five_or_blank() {
    assert_eq!(parse_score(" 4 "), Ok(Some(4)));
    assert_eq!(parse_score(""), Ok(None));
    assert!(parse_score("6").is_err() && parse_score("good").is_err());
}
