//! `grill import` guesses an imported deck's area from its name, security and coding included.

use crate::common::{Env, s};

const CSV: &str = "id,prompt,answer\nq1,A question?,An answer\n";

/// The area `grill import` gives a CSV file named `file` (its deck is named after the file).
fn imported_area(file: &str) -> String {
    let env = Env::new();
    let path = env.write(file, CSV);
    env.run(&["import", s(&path)], "");
    let deck = file.trim_end_matches(".csv");
    let cards = env.cards(&["--deck", deck]);
    assert_eq!(cards.len(), 1, "{cards:?}");
    cards[0]["area"].as_str().unwrap().to_owned()
}

#[test]
fn security_and_coding_decks_land_in_their_areas() {
    assert_eq!(imported_area("owasp-and-auth.csv"), "security");
    assert_eq!(imported_area("leetcode-patterns.csv"), "coding");
    assert_eq!(imported_area("sql-drills.csv"), "sql");
    assert_eq!(imported_area("spanish-verbs.csv"), "general");
}
