//! Anki's review log mapped onto grill's, so that replaying it with grill's scheduler gives the
//! memory state Anki's FSRS computes. The rules follow Anki's `reviews_for_fsrs`: only answers
//! count; cramming in a filtered deck without rescheduling does not; a card reset to new starts
//! its history again; and only the last run of learning steps starts the history.

use chrono::{DateTime, TimeZone, Utc};

use super::collection::RevlogRow;
use crate::scheduler::{DayClock, Rating, ReviewKind};

/// Anki's revlog types.
const LEARNING: i64 = 0;
const FILTERED: i64 = 3;
const MANUAL: i64 = 4;
const RESCHEDULED: i64 = 5;

/// One Anki entry as grill logs it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mapped {
    pub at: DateTime<Utc>,
    pub rating: Rating,
    pub kind: ReviewKind,
    pub duration_ms: u64,
}

/// Maps one card's entries (oldest first). Entries that are not answers (button 0: rescheduling,
/// set due date, reset) have no rating and are left out; the second value counts them.
/// Answers Anki's FSRS ignores are kept as [`ReviewKind::Preview`] (logged, state untouched).
pub fn map_card<Tz: TimeZone>(entries: &[RevlogRow], clock: &DayClock<Tz>) -> (Vec<Mapped>, usize) {
    let start = history_start(entries);
    let mut out = Vec::new();
    let mut skipped = 0;
    let mut last_counted: Option<DateTime<Utc>> = None;
    for (i, entry) in entries.iter().enumerate() {
        let Some(rating) = Rating::from_number(entry.ease) else {
            skipped += 1;
            continue;
        };
        let Some(at) = Utc.timestamp_millis_opt(entry.id).single() else {
            skipped += 1;
            continue;
        };
        let kind = if i < start || !counts(entry) {
            ReviewKind::Preview
        } else {
            let kind = match last_counted {
                None => ReviewKind::Learn,
                Some(prev) if clock.days_between(prev, at) == 0 => ReviewKind::Relearn,
                Some(_) => ReviewKind::Review,
            };
            last_counted = Some(at);
            kind
        };
        out.push(Mapped { at, rating, kind, duration_ms: u64::try_from(entry.time).unwrap_or(0) });
    }
    (out, skipped)
}

/// Whether an answer moves the memory state in Anki's FSRS.
fn counts(entry: &RevlogRow) -> bool {
    !(entry.kind == MANUAL
        || entry.kind == RESCHEDULED
        || entry.ease == 0
        || (entry.kind == FILTERED && entry.factor == 0))
}

/// The index where the history that counts begins: the first of the last run of learning
/// steps; else, after a reset, the first answer since; else the first answer. `entries.len()`
/// when nothing counts (the card was reset and not answered since).
fn history_start(entries: &[RevlogRow]) -> usize {
    let mut first_of_last_learning = None;
    let mut first_answer = None;
    for (i, entry) in entries.iter().enumerate().rev() {
        if entry.kind == FILTERED && entry.factor == 0 {
            continue;
        }
        let answered = (1..=4).contains(&entry.ease);
        if answered {
            first_answer = Some(i);
        }
        if answered && entry.kind == LEARNING {
            first_of_last_learning = Some(i);
        } else if first_of_last_learning.is_some() {
            break;
        } else if entry.kind == MANUAL && entry.factor == 0 {
            // A reset ("forget"): what came before no longer describes the card.
            if first_answer.is_some() {
                break;
            }
            return entries.len();
        }
    }
    first_of_last_learning.or(first_answer).unwrap_or(entries.len())
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;

    const DAY: i64 = 86_400_000;
    /// 2026-01-01 10:00 UTC.
    const T0: i64 = 1_767_261_600_000;

    fn row(day: i64, ease: i64, kind: i64) -> RevlogRow {
        RevlogRow { id: T0 + day * DAY, card: 1, ease, factor: 2500, time: 5000, kind }
    }

    fn kinds(entries: &[RevlogRow]) -> Vec<ReviewKind> {
        map_card(entries, &DayClock::new(Utc, 4)).0.into_iter().map(|m| m.kind).collect()
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
        let (mapped, skipped) = map_card(&entries, &DayClock::new(Utc, 4));
        assert_eq!(mapped.len(), 2);
        assert_eq!(skipped, 1);
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
}
