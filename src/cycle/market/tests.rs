use super::*;

fn lexicon() -> Lexicon {
    Lexicon::builtin().unwrap()
}

fn mentions(listings: &[&str]) -> Vec<Vec<Mention>> {
    let lexicon = lexicon();
    listings.iter().map(|l| lexicon.extract(l)).collect()
}

#[test]
fn pasted_text_splits_on_dash_lines_and_drops_empty_parts() {
    let parts = split_listings("---\nFirst\njob\n---\n\n  ---  \nSecond job\n---\n");
    assert_eq!(parts, vec!["First\njob", "Second job"]);
    assert_eq!(split_listings("one listing --- with dashes inline"), vec!["one listing --- with dashes inline"]);
}

#[test]
fn the_digest_ignores_how_the_text_is_wrapped() {
    assert_eq!(digest("Python and\n  Django"), digest("Python and Django\n"));
    assert_ne!(digest("Python and Django"), digest("Python and Flask"));
}

#[test]
fn a_title_is_the_first_line_cut_to_seventy_characters() {
    assert_eq!(title("\n\n  Backend Engineer \nbody"), "Backend Engineer");
    assert_eq!(title(&"x".repeat(100)).chars().count(), 70);
}

#[test]
fn periods_are_days_weeks_or_all() {
    assert_eq!(parse_since("30d").unwrap(), Some(Duration::days(30)));
    assert_eq!(parse_since("6W").unwrap(), Some(Duration::weeks(6)));
    assert_eq!(parse_since("all").unwrap(), None);
    for bad in ["30", "d", "0d", "-3d", "3m", ""] {
        assert!(parse_since(bad).is_err(), "{bad}");
    }
}

#[test]
fn the_tally_counts_listings_not_occurrences_and_keeps_ruled_out_apart() {
    let t = tally(
        &lexicon(),
        &mentions(&[
            "Python, Python, Python and Postgres. Take-home.",
            "Python with Django. No take-home.",
            "Java and PostgreSQL. There is no take-home.",
        ]),
    );
    assert_eq!(t.listings, 3);
    let languages = &t.categories.iter().find(|c| c.id == "languages").unwrap().terms;
    assert_eq!(languages[0], TermCount { term: "Python".into(), listings: 2, ruled_out: 0 });
    assert_eq!(languages[1].term, "Java");
    let process = &t.categories.iter().find(|c| c.id == "process").unwrap().terms;
    assert_eq!(process[0], TermCount { term: "Take-home".into(), listings: 1, ruled_out: 2 });
    assert!((t.share("databases", "PostgreSQL") - 2.0 / 3.0).abs() < 1e-6);
    assert_eq!(t.share("databases", "MySQL"), 0.0);
}

#[test]
fn changes_report_real_moves_and_ignore_one_offs() {
    let lex = lexicon();
    let before = tally(&lex, &mentions(&["Python, AWS", "Python, AWS", "Python, Azure", "Java, AWS"]));
    let now = tally(&lex, &mentions(&["Python, Kubernetes", "Go, Kubernetes, AWS", "Python, Kubernetes", "Rust, AWS"]));
    let moved: Vec<(String, usize, usize)> =
        changes(&now, &before).into_iter().map(|c| (c.term, c.before, c.now)).collect();
    // Kubernetes 0 -> 3 (+75 points), Python 3 -> 2 (-25), AWS 3 -> 2 (-25); Azure, Java, Go and
    // Rust are one-offs.
    assert_eq!(moved[0], ("Kubernetes".into(), 0, 3));
    assert_eq!(moved.len(), 3, "{moved:?}");
    assert!(moved.contains(&("Python".into(), 3, 2)) && moved.contains(&("AWS".into(), 3, 2)));
}

#[test]
fn no_previous_period_means_no_changes() {
    let lex = lexicon();
    assert!(changes(&tally(&lex, &mentions(&["Python"])), &tally(&lex, &[])).is_empty());
}

#[test]
fn study_next_ranks_in_demand_areas_by_weakness() {
    let listings = mentions(&[
        "Python, PostgreSQL, Kafka",
        "Python, MySQL, Kubernetes",
        "Java, PostgreSQL",
        "Go and Postgres",
        "Ruby. System design interview.",
    ]);
    let scores = vec![("sql".to_owned(), 2.0), ("python".to_owned(), 4.2), ("system-design".to_owned(), 3.0)];
    let next = study_next(&lexicon(), &listings, &scores);
    let areas: Vec<&str> = next.iter().map(|s| s.area.as_str()).collect();
    // sql: 4/5 listings, score 2 -> 2.4; system-design: 2/5, score 3 -> 0.8; python is strong; cloud
    // (1/5) and java (1/5) are not in demand.
    assert_eq!(areas, ["sql", "system-design"]);
    assert_eq!(next[0].listings, 4);
    assert_eq!(next[0].because, ["PostgreSQL", "MySQL"]);
    assert_eq!(next[0].score, Some(2.0));
}

#[test]
fn an_area_without_a_score_counts_as_weakest() {
    let next = study_next(&lexicon(), &mentions(&["Kubernetes", "Docker on AWS"]), &[]);
    assert_eq!(next[0].area, "cloud");
    assert_eq!(next[0].score, None);
}

#[test]
fn a_ruled_out_take_home_does_not_ask_for_testing() {
    let next = study_next(&lexicon(), &mentions(&["No take-home.", "There is no take-home"]), &[]);
    assert!(next.is_empty(), "{next:?}");
}
