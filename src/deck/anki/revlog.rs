//! Anki's review log mapped onto grill's, so that replaying it with grill's scheduler gives the
//! memory state Anki's FSRS computes. The rules are those of Anki's `reviews_for_fsrs`
//! (`rslib/src/scheduler/fsrs/params.rs`) and `fsrs_item_for_memory_state`
//! (`rslib/src/scheduler/fsrs/memory_state.rs`), read backwards from the newest entry:
//! cramming is skipped; the last run of learning steps starts a complete history; a reset
//! ("Forget") cuts off what came before it; without learning steps, the first user-graded
//! inter-day answer after the preset's "ignore reviews before" date starts the history, from a
//! memory state estimated from SM-2 (the SM-2 fallback). `docs/anki.md` lists each rule.

use chrono::{DateTime, TimeZone, Utc};

use super::collection::RevlogRow;
use crate::scheduler::{DayClock, Rating, ReviewKind, Sm2Start};

/// Anki's revlog types.
const LEARNING: i8 = 0;
const FILTERED: i8 = 3;
const MANUAL: i8 = 4;

/// One Anki entry as grill logs it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mapped {
    pub at: DateTime<Utc>,
    pub rating: Rating,
    pub kind: ReviewKind,
    pub duration_ms: u64,
}

/// How Anki's FSRS reads one card's history.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Replay {
    /// Some answer moves the memory state (else the card has none, as in Anki).
    pub counted: bool,
    /// The history is incomplete: the state starts from SM-2 at this answer.
    pub sm2: Option<Sm2Start>,
    /// The history that counts begins after a reset ("Forget").
    pub after_reset: bool,
    /// The preset's "ignore reviews before" date left answers out.
    pub cut_off: bool,
    /// Lapses grill's replay counts among the answers that count (Again a day or more after
    /// the previous one).
    pub counted_lapses: u32,
}

/// One card's log as grill imports it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CardHistory {
    pub reviews: Vec<Mapped>,
    /// Entries that are not answers (rescheduling, set due date, reset): not imported.
    pub skipped: usize,
    pub replay: Replay,
}

/// The preset settings that shape a card's history.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cutoff {
    /// Answers at or before this Unix millisecond do not start a history (0: none).
    pub ignore_before_ms: i64,
    /// The retention SM-2 aimed for (the SM-2 fallback's `sm2Retention`).
    pub sm2_retention: f32,
}

/// Maps one card's entries (oldest first). Answers Anki's FSRS ignores are kept as
/// [`ReviewKind::Preview`] (logged, state untouched); entries that are not answers are left out
/// and counted.
pub fn map_card<Tz: TimeZone>(entries: &[RevlogRow], preset: Cutoff, clock: &DayClock<Tz>) -> CardHistory {
    let plan = plan(entries, preset.ignore_before_ms);
    let start = plan.map_or(entries.len(), |p| p.start);
    let mut out = CardHistory::default();
    let mut last_counted: Option<DateTime<Utc>> = None;
    for (i, entry) in entries.iter().enumerate() {
        let (Some(rating), Some(at)) =
            (Rating::from_number(entry.ease.into()), Utc.timestamp_millis_opt(entry.id).single())
        else {
            out.skipped += 1;
            continue;
        };
        let kind = if i < start || is_cramming(entry) {
            ReviewKind::Preview
        } else {
            let mut kind = match last_counted {
                None => ReviewKind::Learn,
                Some(prev) if clock.days_between(prev, at) == 0 => ReviewKind::Relearn,
                Some(_) => ReviewKind::Review,
            };
            if i == start && plan.is_some_and(|p| !p.complete) {
                // An inter-day review of a card that was not new: a review, not a first answer.
                kind = ReviewKind::Review;
                out.replay.sm2 = Some(sm2_start(entry, at, preset.sm2_retention));
            } else if kind == ReviewKind::Review && rating == Rating::Again {
                // What grill's replay counts as a lapse: Again at least a day after an answer.
                out.replay.counted_lapses += 1;
            }
            last_counted = Some(at);
            kind
        };
        out.reviews.push(Mapped { at, rating, kind, duration_ms: u64::try_from(entry.time).unwrap_or(0) });
    }
    out.replay.counted = last_counted.is_some();
    out.replay.after_reset = entries[..start].iter().any(is_reset);
    out.replay.cut_off = preset.ignore_before_ms > 0
        && entries[..start].iter().any(|e| e.ease > 0 && !is_cramming(e) && e.id <= preset.ignore_before_ms);
    out
}

/// Anki's SM-2 starting point: the first counted answer's interval (at least a day) and ease
/// (2.5 when the entry has none).
fn sm2_start(entry: &RevlogRow, at: DateTime<Utc>, retention: f32) -> Sm2Start {
    // Anki: 2500 when the entry has no factor. A negative one (never written by Anki) too.
    let ease = if entry.factor <= 0 { 2500 } else { entry.factor };
    Sm2Start { at, ease: ease as f32 / 1000.0, interval_days: entry.ivl.max(1) as f32, retention }
}

/// Where the history that counts starts, and whether it is complete.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Plan {
    start: usize,
    complete: bool,
}

/// Anki's `reviews_for_fsrs` (not training): `None` when no answer counts.
fn plan(entries: &[RevlogRow], ignore_before_ms: i64) -> Option<Plan> {
    let mut first_of_last_learning = None;
    let mut first_user_grade = None;
    let mut complete = false;
    for (i, entry) in entries.iter().enumerate().rev() {
        if is_cramming(entry) {
            continue;
        }
        let graded = entry.ease > 0;
        let interday = entry.ivl >= 1 || entry.ivl <= -86_400;
        if graded && entry.id > ignore_before_ms && interday {
            first_user_grade = Some(i);
        }
        if graded && entry.kind == LEARNING {
            first_of_last_learning = Some(i);
            complete = true;
        } else if is_reset(entry) {
            if first_of_last_learning.is_some() {
                complete = true;
                break;
            } else if first_user_grade.is_some() {
                complete = false;
                break;
            }
            return None;
        } else if first_of_last_learning.is_some() {
            // Older Anki versions logged no entry for a reset.
            break;
        }
    }
    // Learning steps before the cut-off do not start the history, unless they are all there is.
    if let Some(i) = first_of_last_learning
        && entries[i].id < ignore_before_ms
        && i < entries.len() - 1
    {
        complete = false;
        first_of_last_learning = None;
    }
    let start = first_of_last_learning.or(first_user_grade)?;
    // Nothing counts when every entry from the start is cramming or not an answer.
    entries[start..].iter().any(counts).then_some(Plan { start, complete })
}

/// An answer that moves the memory state (Anki's `has_rating_and_affects_scheduling`).
fn counts(entry: &RevlogRow) -> bool {
    entry.ease > 0 && !is_cramming(entry)
}

/// Cramming in a filtered deck without rescheduling (Anki's `is_cramming`).
fn is_cramming(entry: &RevlogRow) -> bool {
    entry.kind == FILTERED && entry.factor == 0
}

/// "Forget" / reset to new (Anki's `is_reset`); a set-due-date entry has a factor.
fn is_reset(entry: &RevlogRow) -> bool {
    entry.kind == MANUAL && entry.factor == 0
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;

    const DAY: i64 = 86_400_000;
    /// 2026-01-01 10:00 UTC.
    const T0: i64 = 1_767_261_600_000;
    const NONE: Cutoff = Cutoff { ignore_before_ms: 0, sm2_retention: 0.9 };
    const RESCHEDULED: i8 = 5;

    fn row(day: i64, ease: i8, kind: i8) -> RevlogRow {
        let ivl = if kind == 0 { 1 } else { 3 };
        RevlogRow { id: T0 + day * DAY, card: 1, ease, factor: if kind == 0 { 0 } else { 2500 }, time: 5000, kind, ivl }
    }

    fn kinds(entries: &[RevlogRow]) -> Vec<ReviewKind> {
        map_card(entries, NONE, &DayClock::new(Utc, 4)).reviews.into_iter().map(|m| m.kind).collect()
    }

    #[test]
    fn learning_then_reviews_map_to_learn_then_review() {
        let entries = [row(0, 3, 0), row(2, 3, 1), row(7, 1, 1), row(7, 3, 2)];
        use ReviewKind::*;
        assert_eq!(kinds(&entries), [Learn, Review, Review, Relearn]);
    }

    #[test]
    fn entries_that_are_not_answers_are_left_out_and_counted() {
        let entries = [row(0, 3, 0), row(3, 0, RESCHEDULED), row(5, 3, 1)];
        let history = map_card(&entries, NONE, &DayClock::new(Utc, 4));
        assert_eq!(history.reviews.len(), 2);
        assert_eq!(history.skipped, 1);
    }

    #[test]
    fn cramming_without_rescheduling_is_logged_but_does_not_count() {
        let mut cram = row(3, 3, FILTERED);
        cram.factor = 0;
        let with_resched = row(4, 3, FILTERED);
        use ReviewKind::*;
        assert_eq!(kinds(&[row(0, 3, 0), cram, with_resched]), [Learn, Preview, Review]);
    }

    #[test]
    fn a_reset_card_starts_again_at_its_new_learning_steps() {
        let mut reset = row(5, 0, MANUAL);
        reset.factor = 0;
        use ReviewKind::*;
        assert_eq!(
            kinds(&[row(0, 3, 0), row(2, 3, 1), reset, row(6, 3, 0), row(9, 3, 1)]),
            [Preview, Preview, Learn, Review]
        );
        // Reset and never answered since: nothing counts, the card is new again.
        assert_eq!(kinds(&[row(0, 3, 0), row(2, 3, 1), reset]), [Preview, Preview]);
    }

    #[test]
    fn the_day_rolls_over_at_4_am() {
        // 03:00 on day 1 is still day 0 of the 4 a.m. clock.
        let late = RevlogRow { id: T0 + DAY - 7 * 3_600_000, ..row(0, 3, 1) };
        use ReviewKind::*;
        assert_eq!(kinds(&[row(0, 1, 0), late]), [Learn, Relearn]);
    }

    fn replay(entries: &[RevlogRow], cutoff: Cutoff) -> Replay {
        map_card(entries, cutoff, &DayClock::new(Utc, 4)).replay
    }

    #[test]
    fn a_history_starting_with_a_review_starts_from_sm2_at_that_answer() {
        let first = RevlogRow { ivl: 12, factor: 2300, ..row(0, 3, 1) };
        let r = replay(&[first, row(12, 3, 1)], NONE);
        let sm2 = r.sm2.expect("SM-2 start");
        assert_eq!((sm2.at.timestamp_millis(), sm2.ease, sm2.interval_days), (T0, 2.3, 12.0));
        assert!(r.counted && !r.after_reset && !r.cut_off);
    }

    #[test]
    fn a_same_day_step_does_not_start_an_incomplete_history() {
        // A relearning step (ivl in seconds, under a day) is not an inter-day answer.
        let step = RevlogRow { ivl: -600, ..row(0, 3, 2) };
        let sm2 = replay(&[step, row(1, 3, 1)], NONE).sm2.expect("SM-2 start");
        assert_eq!(sm2.at.timestamp_millis(), T0 + DAY);
        use ReviewKind::*;
        assert_eq!(kinds(&[step, row(1, 3, 1)]), [Preview, Review]);
    }

    #[test]
    fn a_reset_followed_directly_by_a_review_starts_from_sm2_after_the_reset() {
        let mut reset = row(5, 0, MANUAL);
        reset.factor = 0;
        let r = replay(&[row(0, 3, 0), row(2, 3, 1), reset, row(6, 3, 1), row(9, 3, 1)], NONE);
        assert_eq!(r.sm2.map(|s| s.at.timestamp_millis()), Some(T0 + 6 * DAY));
        assert!(r.after_reset);
        // After a reset with new learning steps the history is complete again.
        let r = replay(&[row(0, 3, 0), row(2, 3, 1), reset, row(6, 3, 0), row(9, 3, 1)], NONE);
        assert!(r.sm2.is_none() && r.after_reset);
    }

    #[test]
    fn learning_steps_before_the_cut_off_give_way_to_sm2_after_it() {
        let cutoff = Cutoff { ignore_before_ms: T0 + 3 * DAY, sm2_retention: 0.85 };
        let r = replay(&[row(0, 3, 0), row(2, 3, 1), row(5, 3, 1), row(9, 3, 1)], cutoff);
        let sm2 = r.sm2.expect("SM-2 start");
        assert_eq!((sm2.at.timestamp_millis(), sm2.retention), (T0 + 5 * DAY, 0.85));
        assert!(r.cut_off);
        // Learning steps that are all there is still count, cut-off or not.
        let r = replay(&[row(0, 3, 0)], cutoff);
        assert!(r.counted && r.sm2.is_none());
    }
}
