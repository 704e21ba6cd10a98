use super::*;

fn date(d: &str) -> NaiveDate {
    d.parse().unwrap()
}

fn asked(id: i64, on: &str, key: &str, area: &str, tags: &[&str], rating: Rating) -> AskedQuestion {
    AskedQuestion {
        interview_id: id,
        company: format!("Co{id}"),
        held_on: date(on),
        card_key: key.to_owned(),
        area: area.to_owned(),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        rating,
    }
}

fn card(key: &str, area: &str, tags: &[&str], stability: Option<f32>) -> CardInfo {
    CardInfo {
        key: key.to_owned(),
        deck: key.split('/').next().unwrap().to_owned(),
        area: area.to_owned(),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        suspended: false,
        stability,
    }
}

fn deck_cards() -> Vec<CardInfo> {
    vec![
        card("sql/joins", "sql", &["joins"], Some(20.0)),
        card("sql/index-basics", "sql", &["indexes"], Some(30.0)),
        card("sql/index-range", "sql", &["indexes", "query-plans"], None),
        card("sql/window", "sql", &["window-functions"], Some(2.0)),
        card("python/gil", "python", &["concurrency"], Some(5.0)),
        card("java/threads", "java", &["concurrency"], None),
    ]
}

#[test]
fn an_area_answered_badly_in_two_interviews_is_a_recurring_gap() {
    let questions = vec![
        asked(1, "2026-02-01", "interviews/a-1", "sql", &["indexes"], Rating::Hard),
        asked(1, "2026-02-01", "interviews/a-2", "python", &[], Rating::Good),
        asked(2, "2026-02-20", "interviews/b-1", "sql", &[], Rating::Again),
    ];
    let gaps = find_gaps(&questions, &tallies(&[]), &deck_cards());
    assert_eq!(gaps.len(), 1, "{gaps:#?}");
    let gap = &gaps[0];
    assert_eq!(gap.subject, Subject::Area("sql".into()));
    assert!(gap.recurring && !gap.worse_than_drill);
    assert_eq!(gap.bad_interviews.iter().map(|i| i.id).collect::<Vec<_>>(), vec![1, 2]);
    // The interview cards first, then the drill cards sharing the bad questions' tags, then the
    // weakest reviewed card, then the rest.
    assert_eq!(
        gap.cards,
        vec!["interviews/a-1", "interviews/b-1", "sql/index-basics", "sql/index-range", "sql/window", "sql/joins"]
    );
}

#[test]
fn two_bad_answers_in_one_interview_are_not_recurring() {
    let questions = vec![
        asked(1, "2026-02-01", "interviews/a-1", "sql", &[], Rating::Again),
        asked(1, "2026-02-01", "interviews/a-2", "sql", &[], Rating::Hard),
    ];
    assert!(find_gaps(&questions, &tallies(&[]), &deck_cards()).is_empty());
}

#[test]
fn a_tag_shared_across_areas_and_interviews_is_a_gap_of_its_own() {
    let questions = vec![
        asked(1, "2026-02-01", "interviews/a-1", "python", &["concurrency"], Rating::Again),
        asked(2, "2026-02-08", "interviews/b-1", "java", &["concurrency"], Rating::Hard),
    ];
    let gaps = find_gaps(&questions, &tallies(&[]), &deck_cards());
    assert_eq!(gaps.len(), 1, "{gaps:#?}");
    assert_eq!(gaps[0].subject, Subject::Tag("concurrency".into()));
    assert_eq!(gaps[0].cards, vec!["interviews/a-1", "interviews/b-1", "python/gil", "java/threads"]);
}

#[test]
fn interviews_much_worse_than_the_drill_make_a_gap_even_in_one_interview() {
    let questions = vec![
        asked(1, "2026-02-01", "interviews/a-1", "sql", &[], Rating::Again),
        asked(1, "2026-02-01", "interviews/a-2", "sql", &[], Rating::Good),
    ];
    let drill: Vec<(String, Rating)> = ["sql/joins", "sql/window", "sql/index-basics", "sql/joins", "sql/window"]
        .map(|k| (k.into(), Rating::Easy))
        .into();
    let gaps = find_gaps(&questions, &tallies(&drill), &deck_cards());
    assert_eq!(gaps.len(), 1);
    let gap = &gaps[0];
    assert!(gap.worse_than_drill && !gap.recurring);
    assert_eq!((gap.interview_questions, gap.interview_mean), (2, 2.0));
    assert_eq!((gap.drill_reviews, gap.drill_mean), (5, Some(4.0)));
    assert_eq!(gap.cards[0], "interviews/a-1", "only the badly answered question is named");
    assert!(!gap.cards.contains(&"interviews/a-2".to_owned()));
}

#[test]
fn too_few_drill_reviews_are_no_evidence_of_a_gap() {
    let questions = vec![
        asked(1, "2026-02-01", "interviews/a-1", "sql", &[], Rating::Again),
        asked(1, "2026-02-01", "interviews/a-2", "sql", &[], Rating::Again),
    ];
    let drill: Vec<(String, Rating)> = vec![("sql/joins".into(), Rating::Easy); MIN_DRILL_REVIEWS - 1];
    assert!(find_gaps(&questions, &tallies(&drill), &deck_cards()).is_empty());
}

#[test]
fn interview_reviews_do_not_count_as_drill_results() {
    let questions = vec![
        asked(1, "2026-02-01", "interviews/a-1", "sql", &[], Rating::Again),
        asked(1, "2026-02-01", "interviews/a-2", "sql", &[], Rating::Again),
    ];
    let mut cards = deck_cards();
    cards.push(card("interviews/a-1", "sql", &[], Some(1.0)));
    let drill: Vec<(String, Rating)> = vec![("interviews/a-1".into(), Rating::Easy); 10];
    assert!(find_gaps(&questions, &tallies(&drill), &cards).is_empty());
}

#[test]
fn suspended_cards_are_never_named_and_the_list_is_capped() {
    let mut cards: Vec<CardInfo> = (0..20).map(|i| card(&format!("sql/c{i:02}"), "sql", &[], Some(i as f32))).collect();
    cards[0].suspended = true;
    let questions = vec![
        asked(1, "2026-02-01", "interviews/a-1", "sql", &[], Rating::Again),
        asked(2, "2026-02-02", "interviews/b-1", "sql", &[], Rating::Again),
    ];
    let gap = &find_gaps(&questions, &tallies(&[]), &cards)[0];
    assert_eq!(gap.cards.len(), 2 + DRILL_CARDS_PER_GAP);
    assert!(!gap.cards.contains(&"sql/c00".to_owned()));
    assert_eq!(gap.cards[2], "sql/c01", "the weakest active card comes first");
}

#[test]
fn recurring_gaps_come_first_and_gap_cards_are_listed_once() {
    let questions = vec![
        asked(1, "2026-02-01", "interviews/a-1", "sql", &["indexes"], Rating::Again),
        asked(2, "2026-02-02", "interviews/b-1", "sql", &["indexes"], Rating::Hard),
        asked(3, "2026-02-03", "interviews/c-1", "sql", &["indexes"], Rating::Hard),
        asked(1, "2026-02-01", "interviews/a-2", "python", &[], Rating::Again),
        asked(2, "2026-02-02", "interviews/b-2", "python", &[], Rating::Again),
    ];
    let gaps = find_gaps(&questions, &tallies(&[]), &deck_cards());
    let subjects: Vec<String> = gaps.iter().map(|g| g.subject.label()).collect();
    assert_eq!(subjects, vec!["sql", "tag indexes", "python"]);
    let keys = gap_card_keys(&gaps);
    let unique: BTreeSet<&String> = keys.iter().collect();
    assert_eq!(unique.len(), keys.len());
    assert!(keys.contains(&"interviews/a-2".to_owned()) && keys.contains(&"python/gil".to_owned()));
    assert_eq!(&keys[..3], ["interviews/a-1", "interviews/b-1", "interviews/c-1"]);
}

/// Drill answers as (card key, rating), counted per card as the store reads them.
fn tallies(ratings: &[(String, Rating)]) -> Vec<DrillTally> {
    let mut out: Vec<DrillTally> = Vec::new();
    for (key, rating) in ratings {
        match out.iter_mut().find(|t| t.card_key == *key) {
            Some(t) => {
                t.answers += 1;
                t.rating_sum += *rating as u64;
            }
            None => out.push(DrillTally { card_key: key.clone(), answers: 1, rating_sum: *rating as u64 }),
        }
    }
    out
}
