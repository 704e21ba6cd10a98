//! What a user reads, pinned as snapshots under a fixed clock and seed (`GRILL_NOW`,
//! `GRILL_SEED`): a change to the drill's transcript, a listing or a replayed schedule shows up
//! as a diff to review (`cargo insta review`), never silently. Narrowed to the SQL deck so an
//! edit to another deck does not move them.

use crate::common::Env;

/// Three days of SQL drills with mixed ratings.
fn drilled() -> Env {
    let mut env = Env::new();
    env.run(&["drill", "--area", "sql", "--new", "4"], "\n3\n\n1\n\n4\n\n2\n\n3\n");
    env.day(2);
    env.run(&["drill", "--area", "sql", "--new", "1"], "\n3\n\n3\n\n3\n\n2\n\n3\n\n3\n");
    env.day(5);
    env
}

#[test]
fn a_piped_drill_transcript() {
    let env = Env::new();
    let out = env.run(&["drill", "--area", "sql", "--new", "2"], "use an index\n3\n\n1\n\n4\nu\n\n2\n\n");
    insta::assert_snapshot!("drill_transcript", without_times(&out));
}

#[test]
fn a_replayed_schedule_keeps_its_due_dates() {
    let env = drilled();
    let cards = schedule(&env);
    insta::assert_snapshot!("replayed_schedule", cards.join("\n"));
    // The same after a rebuild from the log.
    env.run(&["rebuild"], "");
    let again = schedule(&env);
    assert_eq!(cards, again);
}

/// The reviewed SQL cards' schedules, one line each.
fn schedule(env: &Env) -> Vec<String> {
    env.cards(&["--area", "sql"])
        .into_iter()
        .filter(|c| !c["reps"].is_null())
        .map(|c| {
            let fields = ["due", "stability", "difficulty", "reps", "lapses"].map(|f| format!("{f}={}", c[f]));
            format!("{} {}", c["id"], fields.join(" "))
        })
        .collect()
}

#[test]
fn listings_after_three_days() {
    let env = drilled();
    // `cards` shows its memory columns from 120 columns on, and one line a card below.
    for (name, args, columns) in [
        ("score_sql", &["score", "--area", "sql"][..], "100"),
        ("plan_sql", &["plan", "--area", "sql"], "100"),
        ("stats_sql", &["stats", "--area", "sql"], "100"),
        ("cards_sql_due", &["cards", "--area", "sql", "--due"], "140"),
        ("cards_sql_narrow", &["cards", "--area", "sql"], "72"),
    ] {
        let out = env.grill(args).env("COLUMNS", columns).output().unwrap();
        assert!(out.status.success(), "{name}");
        insta::assert_snapshot!(name, String::from_utf8(out.stdout).unwrap());
    }
}

/// The transcript with measured times (`took 0:00`, `rated in 0:00`) replaced: they depend on
/// how fast the machine is, not on grill.
fn without_times(text: &str) -> String {
    text.lines()
        .map(|line| {
            let mut line = line.to_owned();
            for marker in ["took ", "rated in "] {
                if let Some(at) = line.find(marker) {
                    let start = at + marker.len();
                    let end = line[start..]
                        .find(|c: char| !(c.is_ascii_digit() || c == ':'))
                        .map_or(line.len(), |e| start + e);
                    line.replace_range(start..end, "M:SS");
                }
            }
            line
        })
        .collect::<Vec<_>>()
        .join("\n")
}
