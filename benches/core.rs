//! Criterion benches of the pure core at a heavy user's size (`cargo bench`). Whole commands
//! against a real database are timed by `bench/run`; see bench/RESULTS.md.

use std::hint::black_box;

use chrono::{DateTime, Duration, TimeZone, Utc};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use grill::scheduler::{CardState, DayClock, Rating, Review, Scheduler, comes_back_today};
use grill::session::{Allowance, Candidate, plan_queue};

const AREAS: [&str; 9] =
    ["sql", "system-design", "api-design", "testing", "cloud", "debugging", "behavioral", "python", "java"];

fn today() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}

/// `n` candidates: a few hundred due today, the rest reviewed and due later, as at 50,000 cards.
fn candidates(n: usize) -> Vec<Candidate> {
    (0..n)
        .map(|i| {
            let due = today() + Duration::days(i as i64 % 400 - 2);
            Candidate {
                id: i as i64,
                key: format!("bench-{:02}/card-{i:06}", i % 10),
                area: AREAS[i % AREAS.len()].to_owned(),
                position: (i / 10) as i64,
                state: (i % 50 != 0).then_some(CardState {
                    stability: 20.0,
                    difficulty: 5.0,
                    due,
                    last_review: due - Duration::days(20),
                    reps: 6,
                    lapses: 1,
                }),
            }
        })
        .collect()
}

/// A card's history of `reviews` answers on its due days, mostly Good, as the drill logs them.
fn history(scheduler: &Scheduler, clock: &DayClock<Utc>, key: &str, reviews: usize) -> Vec<Review> {
    let pattern = [Rating::Good, Rating::Good, Rating::Hard, Rating::Good, Rating::Again, Rating::Good, Rating::Easy];
    let mut at = today() - Duration::days(3 * 365);
    let (mut state, mut log) = (None, Vec::with_capacity(reviews));
    for &rating in pattern.iter().cycle().take(reviews) {
        let kind = Scheduler::drill_kind(state.as_ref(), at, clock);
        let next = scheduler.answer(key, state.as_ref(), rating, at, clock).unwrap();
        log.push(Review { at, rating, kind });
        at = if comes_back_today(state.as_ref(), rating) { at + Duration::minutes(10) } else { next.due };
        state = Some(next);
    }
    log
}

fn planning(c: &mut Criterion) {
    let all = candidates(50_000);
    c.bench_function("plan_queue: 50,000 candidates, 200 reviews + 10 new", |b| {
        b.iter_batched(
            || all.clone(),
            |cards| plan_queue(cards, Allowance { new: 10, reviews: 200 }, &[], 7),
            BatchSize::LargeInput,
        )
    });
    let today = candidates(600);
    c.bench_function("plan_queue: 600 candidates (what the drill passes)", |b| {
        b.iter_batched(
            || today.clone(),
            |cards| plan_queue(cards, Allowance { new: 10, reviews: 200 }, &[], 7),
            BatchSize::SmallInput,
        )
    });
}

fn scheduling(c: &mut Criterion) {
    let scheduler = Scheduler::default_params();
    let clock = DayClock::new(Utc, 4);
    let long = history(&scheduler, &clock, "sql/joins", 100);
    c.bench_function("replay: one card, 100 reviews", |b| {
        b.iter(|| scheduler.replay(black_box("sql/joins"), black_box(&long), &clock).unwrap())
    });
    let state = scheduler.replay("sql/joins", &long[..20], &clock).unwrap();
    c.bench_function("preview: all four ratings of a reviewed card", |b| {
        b.iter(|| scheduler.preview(black_box("sql/joins"), black_box(state.as_ref()), today(), &clock).unwrap())
    });
    c.bench_function("answer: one rating of a reviewed card", |b| {
        b.iter(|| scheduler.answer("sql/joins", black_box(state.as_ref()), Rating::Good, today(), &clock).unwrap())
    });
}

fn scorecard(_c: &mut Criterion) {
    // SLOT: the readiness scorecard (`grill score`) is built on another branch. Once merged, bench
    // its pure compute over 50,000 card states and 1,000,000 reviews here, e.g.
    // c.bench_function("scorecard: 50,000 cards", |b| b.iter(|| scorecard::compute(...)));
}

criterion_group!(benches, planning, scheduling, scorecard);
criterion_main!(benches);
