//! Generated cards with texts about as long as the built-in cards' (a prompt, four key points, a
//! follow-up), and the same cards as grill's CSV columns.

use grill::deck::{CardSpec, Deck, DeckInfo};
use rand::{RngExt, SeedableRng, rngs::Xoshiro256PlusPlus};

const AREAS: [&str; 9] =
    ["sql", "system-design", "api-design", "testing", "cloud", "debugging", "behavioral", "python", "java"];

const WORDS: [&str; 48] = [
    "index",
    "transaction",
    "latency",
    "cache",
    "queue",
    "replica",
    "partition",
    "lock",
    "retry",
    "timeout",
    "consistency",
    "schema",
    "migration",
    "endpoint",
    "pagination",
    "idempotency",
    "contract",
    "mock",
    "fixture",
    "deployment",
    "rollback",
    "container",
    "region",
    "throughput",
    "incident",
    "trace",
    "metric",
    "log",
    "thread",
    "heap",
    "garbage",
    "iterator",
    "generator",
    "decorator",
    "stream",
    "join",
    "window",
    "aggregate",
    "query",
    "plan",
    "shard",
    "leader",
    "quorum",
    "backpressure",
    "rate",
    "limit",
    "token",
    "session",
];

/// `n` cards split round-robin into `decks` decks named `{prefix}-00`, `{prefix}-01`, ...
pub fn synthetic_decks(prefix: &str, n: usize, decks: usize, seed: u64) -> Vec<Deck> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let decks = decks.max(1);
    (0..decks)
        .map(|d| {
            let id = format!("{prefix}-{d:02}");
            let cards = (d..n).step_by(decks).map(|i| card(&id, i, &mut rng)).collect();
            let info = DeckInfo {
                id,
                name: format!("Benchmark deck {d}"),
                area: AREAS[d % AREAS.len()].to_owned(),
                description: "Generated cards for grill's benchmarks".to_owned(),
            };
            Deck { deck: info, cards }
        })
        .collect()
}

/// The card's number, from its id (`bench-03/card-000123` is 123).
pub fn number(key: &str) -> Option<usize> {
    key.rsplit('-').next()?.parse().ok()
}

fn card(deck: &str, i: usize, rng: &mut Xoshiro256PlusPlus) -> CardSpec {
    CardSpec {
        id: format!("{deck}/card-{i:06}"),
        prompt: format!("{}?", sentence(rng, 14)),
        answer: (0..4).map(|_| format!("- {}\n", sentence(rng, 16))).collect(),
        follow_ups: vec![format!("{}?", sentence(rng, 9))],
        tags: vec![WORDS[i % WORDS.len()].to_owned()],
        roles: vec!["product".to_owned()],
        level: Some("mid".to_owned()),
        time_limit_secs: Some(90),
        area: None,
        example: None,
    }
}

fn sentence(rng: &mut Xoshiro256PlusPlus, words: usize) -> String {
    let mut text = String::from("How does the");
    for _ in 0..words {
        text.push(' ');
        text.push_str(WORDS[rng.random_range(0..WORDS.len())]);
    }
    text
}

/// The deck as CSV with a header row of grill's column names (deck, id, prompt, answer, tags).
pub fn to_csv(deck: &Deck) -> String {
    let mut out = String::from("deck,id,prompt,answer,tags\n");
    for card in &deck.cards {
        let fields = [&deck.deck.id, &card.id, &card.prompt, &card.answer, &card.tags.join(" ")];
        let quoted: Vec<String> = fields.iter().map(|f| format!("\"{}\"", f.replace('"', "\"\""))).collect();
        out.push_str(&quoted.join(","));
        out.push('\n');
    }
    out
}
