//! `grill plan`, target roles in the daily drill, `grill interview` and `grill config`, through
//! the real binary.

use crate::common::Env;

/// The areas of the cards reviewed so far, in the order they were first answered.
fn answered_areas(env: &Env) -> Vec<String> {
    env.sql()
        .prepare("SELECT c.area FROM reviews r JOIN cards c ON c.id = r.card_id GROUP BY r.card_id ORDER BY min(r.id)")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// (area, due, new) rows of `grill plan`'s table.
fn plan_rows(out: &str) -> Vec<(String, usize, usize)> {
    out.lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.trim_matches(|c| c == '│' || c == ' ').split_whitespace().collect();
            let (area, due, new) = match cells.len() {
                6 => (cells[0], cells[2], cells[3]),
                4 if cells[0] == "total" => (cells[0], cells[1], cells[2]),
                _ => return None,
            };
            Some((area.to_owned(), due.parse().ok()?, new.parse().ok()?))
        })
        .collect()
}

#[test]
fn target_roles_change_which_new_cards_come_first() {
    for (role, heavy) in [("platform", ["cloud", "debugging"]), ("data", ["sql", "system-design"])] {
        let env = Env::new();
        env.run(&["config", "set", "roles", role], "");
        env.run(&["drill", "--new", "4"], &"\n3\n".repeat(4));
        let areas = answered_areas(&env);
        assert_eq!(areas.len(), 4);
        // The two heaviest areas of the role open the drill, before any other.
        let mut first_two = areas[..2].to_vec();
        first_two.sort();
        assert_eq!(first_two, heavy, "{role}: {areas:?}");
    }
}

#[test]
fn a_whole_days_new_cards_lean_to_the_heavy_areas_and_skip_languages_not_chosen() {
    let env = Env::new();
    env.run(&["config", "set", "roles", "platform"], "");
    env.run(&["config", "set", "languages", "python"], "");
    let out = env.run(&["plan"], "");
    let rows: Vec<_> = plan_rows(&out).into_iter().filter(|r| r.0 != "total").collect();
    let new = |area: &str| rows.iter().find(|r| r.0 == area).map_or(0, |r| r.2);
    assert_eq!(rows.iter().map(|r| r.2).sum::<usize>(), 10, "{out}");
    // The role's two heaviest areas (weight 3) get the largest shares; sql (weight 1) less.
    assert!(new("cloud") + new("debugging") >= 3, "{out}");
    let most = rows.iter().map(|r| r.2).max().unwrap_or(0);
    assert!(new("cloud").max(new("debugging")) == most, "{out}");
    assert!(new("cloud") > new("sql") && new("debugging") > new("sql"), "{out}");
    assert_eq!(new("java"), 0, "{out}");
    // The drill shows exactly what the plan announced.
    env.run(&["drill"], &"\n3\n".repeat(10));
    let mut drilled: Vec<String> = answered_areas(&env);
    drilled.sort();
    let mut planned: Vec<String> = rows.iter().flat_map(|r| std::iter::repeat_n(r.0.clone(), r.2)).collect();
    planned.sort();
    assert_eq!(drilled, planned);
}

#[test]
fn plan_shows_due_and_new_per_area_and_the_estimated_minutes() {
    let mut env = Env::new();
    env.run(&["drill", "--area", "sql", "--new", "3"], &"\n3\n".repeat(3));
    env.day(3);
    let out = env.run(&["plan"], "");
    assert!(out.starts_with("Today's plan · Thu 05 Mar · all areas alike (no target roles set)"), "{out}");
    let rows = plan_rows(&out);
    let sql = rows.iter().find(|r| r.0 == "sql").expect("sql row");
    assert_eq!(sql.1, 3, "{out}");
    let total = rows.iter().find(|r| r.0 == "total").expect("total row");
    assert_eq!((total.1, total.2), (3, 10), "{out}");
    assert!(out.contains("About ") && out.contains("minutes for 13 cards"), "{out}");
    assert!(out.contains("the decks' time limits"), "{out}");
}

#[test]
fn plan_times_come_from_the_users_own_answers_once_there_are_some() {
    let env = Env::new();
    env.run(&["plan"], "");
    // Three logged sql answers of 45 s each (written as an import would).
    let conn = env.sql();
    for key in ["sql/anti-join", "sql/semi-join-exists", "sql/where-vs-having"] {
        conn.execute(
            "INSERT INTO reviews (card_id, at, rating, kind, duration_ms, stability, difficulty)
             SELECT id, 1772000000000, 3, 1, 45000, NULL, NULL FROM cards WHERE key = ?1",
            [key],
        )
        .unwrap();
    }
    let out = env.run(&["plan", "--area", "sql"], "");
    // 45 s answering plus 15 s reading the key points: one minute a card.
    assert!(out.contains("│ sql ") && out.contains(" 1.0 "), "{out}");
    assert!(out.contains("Times: your median answer per area"), "{out}");
}

#[test]
fn month_plan_puts_the_weakest_relevant_week_first_with_its_cards() {
    let env = Env::new();
    env.run(&["config", "set", "roles", "platform"], "");
    let out = env.run(&["plan", "--month", "--week-minutes", "60"], "");
    let weeks: Vec<&str> = out.lines().filter(|l| l.starts_with("Week ")).collect();
    assert_eq!(weeks.len(), 4, "{out}");
    // Platform weighs cloud most and nothing is known yet: the system design week (with cloud)
    // comes first; SQL, the lightest, last.
    assert!(weeks[0].starts_with("Week 1 · Mon 02 Mar – Sun 08 Mar · One realistic system design"), "{out}");
    assert!(weeks[3].contains("SQL"), "{out}");
    assert!(out.contains("  the design: system-design/"), "{out}");
    let listed = out.lines().filter(|l| l.starts_with("    ") && l.contains('/')).count();
    assert!(listed >= 20, "each week lists its cards:\n{out}");
    // Each listed card shows its prompt beside its id (read for the listed cards only).
    assert!(
        out.lines().filter(|l| l.starts_with("    ") && l.contains('/')).all(|l| l.split_whitespace().count() > 1),
        "every listed card has its prompt:\n{out}"
    );
}

#[test]
fn an_upcoming_interview_is_named_in_the_drill_header_until_it_has_passed() {
    let mut env = Env::new();
    let out = env.run(&["interview", "add", "Acme (platform team)", "--on", "2026-03-06", "--role", "platform"], "");
    assert!(out.contains("interview 1: Acme (platform team) on Fri 06 Mar 2026 (in 4 days) · roles platform"), "{out}");
    let out = env.run(&["drill", "--new", "0"], "");
    assert!(out.contains("Next interview: Acme (platform team) on Fri 06 Mar (in 4 days)"), "{out}");
    let out = env.run(&["interview", "list"], "");
    assert!(out.contains("Acme (platform team)") && out.contains("platform"), "{out}");
    env.day(4);
    assert!(
        env.run(&["drill", "--new", "0"], "").contains("Next interview: Acme (platform team) on Fri 06 Mar (today)")
    );
    env.day(5);
    assert!(!env.run(&["drill", "--new", "0"], "").contains("Next interview"));
}

#[test]
fn interviews_can_be_removed_and_bad_ones_are_refused() {
    let env = Env::new();
    env.run(&["interview", "add", "Acme", "--on", "2026-03-06"], "");
    env.run(&["interview", "remove", "1"], "");
    assert!(env.run(&["interview", "list"], "").contains("No upcoming interviews"));
    env.grill(&["interview", "remove", "1"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no interview with id 1"));
    env.grill(&["interview", "add", "Old", "--on", "2026-01-01"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("in the past"));
    env.grill(&["interview", "add", "X", "--on", "2026-04-01", "--role", "sre"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--role: unknown role \"sre\""));
}

#[test]
fn config_set_keeps_the_users_comments_and_refuses_unknown_roles() {
    let env = Env::new();
    let original = "# grill settings\nnew_per_day = 5 # busy weeks\n";
    std::fs::write(env.config(), original).unwrap();
    env.run(&["config", "set", "roles", "platform,product"], "");
    let text = std::fs::read_to_string(env.config()).unwrap();
    assert_eq!(text, format!("{original}roles = [\"platform\", \"product\"]\n"));
    assert_eq!(env.run(&["config", "get", "roles"], ""), "platform,product\n");
    assert!(env.run(&["config", "get"], "").contains("new_per_day = 5"));
    env.grill(&["config", "set", "roles", "platform,devops"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("roles: unknown role \"devops\"; the roles are data, enterprise"));
    env.grill(&["config", "set", "colour", "red"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("unknown setting"));
    assert_eq!(std::fs::read_to_string(env.config()).unwrap(), text, "a refused change writes nothing");
}

#[test]
fn a_broken_config_file_can_still_be_read_and_fixed_with_config_set() {
    let env = Env::new();
    std::fs::write(env.config(), "roles = [\"devops\"]\n").unwrap();
    env.grill(&["plan"]).assert().code(2).stderr(predicates::str::contains("config.toml:1: roles: unknown role"));
    // The fix goes through without the database opening (which the broken file would stop).
    env.run(&["config", "set", "roles", "data"], "");
    assert!(env.run(&["plan"], "").contains("roles data"));
}
