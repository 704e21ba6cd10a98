//! Interval fuzz as Anki applies it: a little randomness so cards learned together do not stay
//! clumped. Deterministic per card and review count, so replaying the log gives the same due dates.

use rand::{RngExt, SeedableRng, rngs::Xoshiro256PlusPlus};

/// (from days, to days, share of the interval): Anki's fuzz ranges.
const FUZZ_RANGES: [(f32, f32, f32); 3] = [(2.5, 7.0, 0.15), (7.0, 20.0, 0.1), (20.0, f32::MAX, 0.05)];

/// The interval `interval` days, moved within Anki's fuzz range by a factor seeded from the card
/// and its review count. Intervals under 2.5 days are not fuzzed.
pub fn fuzzed_interval(interval: u32, card_key: &str, reps: u32, max: u32) -> u32 {
    let ivl = interval as f32;
    if ivl < 2.5 {
        return interval;
    }
    let delta: f32 =
        1.0 + FUZZ_RANGES.iter().map(|&(start, end, factor)| factor * (ivl.min(end) - start).max(0.0)).sum::<f32>();
    let lower = ((ivl - delta).round() as u32).max(2).min(max);
    let upper = ((ivl + delta).round() as u32).min(max).max(lower);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed(card_key, reps));
    rng.random_range(lower..=upper)
}

/// A stable 64-bit seed (FNV-1a): std's hasher may change between Rust releases, and a changed
/// seed would make replay disagree with the stored due dates.
fn seed(card_key: &str, reps: u32) -> u64 {
    card_key
        .bytes()
        .chain(reps.to_le_bytes())
        .fold(0xcbf2_9ce4_8422_2325, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fuzzed intervals pinned as computed when written: a change of `rand` (or of its
    /// generator's output) would silently move every stored due date away from its replay.
    const GOLDEN: [(u32, &str, u32, u32); 8] = [
        (3, "sql/acid", 1, GOLDEN_VALUES[0]),
        (5, "sql/acid", 2, GOLDEN_VALUES[1]),
        (10, "python/gil", 3, GOLDEN_VALUES[2]),
        (21, "python/gil", 4, GOLDEN_VALUES[3]),
        (45, "anki:J{IS;uq:0", 5, GOLDEN_VALUES[4]),
        (100, "system-design/cap", 6, GOLDEN_VALUES[5]),
        (365, "behavioral/conflict", 7, GOLDEN_VALUES[6]),
        (1000, "java/virtual-threads", 8, GOLDEN_VALUES[7]),
    ];
    const GOLDEN_VALUES: [u32; 8] = [4, 6, 12, 24, 46, 106, 353, 974];

    #[test]
    fn fuzzed_intervals_match_the_golden_table() {
        let got: Vec<u32> = GOLDEN.iter().map(|&(ivl, key, reps, _)| fuzzed_interval(ivl, key, reps, 36_500)).collect();
        let want: Vec<u32> = GOLDEN.iter().map(|g| g.3).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn short_intervals_are_not_fuzzed() {
        assert_eq!(fuzzed_interval(1, "a", 0, 36500), 1);
        assert_eq!(fuzzed_interval(2, "a", 0, 36500), 2);
    }

    #[test]
    fn fuzz_stays_within_anki_range() {
        for reps in 0..200 {
            let ivl = fuzzed_interval(100, "sql/joins", reps, 36500);
            // delta = 1 + 0.15*4.5 + 0.1*13 + 0.05*80 = 6.975
            assert!((93..=107).contains(&ivl), "{ivl}");
        }
    }

    #[test]
    fn fuzz_is_deterministic_per_card_and_review_count() {
        assert_eq!(fuzzed_interval(30, "x", 3, 36500), fuzzed_interval(30, "x", 3, 36500));
        let spread: std::collections::BTreeSet<u32> =
            (0..50).map(|reps| fuzzed_interval(30, "x", reps, 36500)).collect();
        assert!(spread.len() > 1, "fuzz never varied: {spread:?}");
    }

    #[test]
    fn fuzz_respects_the_maximum() {
        assert!(fuzzed_interval(36500, "x", 1, 36500) <= 36500);
    }
}
