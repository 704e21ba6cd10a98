//! True retention, as Anki defines it: of the reviews made at least a day after the card's
//! previous review, the share not rated Again. Same-day repeats, previews and cram repeats
//! say little about long-term memory, so they are left out.

use std::collections::{BTreeSet, HashMap};

use chrono::TimeZone;

use super::{AreaRetention, CardFacts, LogEntry, Retention};
use crate::scheduler::DayClock;
use crate::scorecard::{CardInput, retention_events};

/// The windows true retention is shown for, in days (today included).
pub const RETENTION_WINDOWS: [i64; 3] = [7, 30, 365];

/// Retention per area (in `areas` order) and then for all of them together. `log` must be
/// sorted by card, then time.
pub(super) fn by_area<Tz: TimeZone>(
    log: &[LogEntry],
    cards: &HashMap<i64, &CardFacts>,
    areas: &BTreeSet<String>,
    today: i64,
    clock: &DayClock<Tz>,
) -> Vec<AreaRetention> {
    // (area, window index) -> (passed, total)
    let mut tally: HashMap<(&str, usize), (usize, usize)> = HashMap::new();
    for card_log in log.chunk_by(|a, b| a.card_id == b.card_id) {
        let card = cards[&card_log[0].card_id];
        let area = card.area.as_str();
        // The scorecard's definition of a counted review, so the two never drift apart. (The
        // scorecard leaves suspended cards out; here their past reviews still count, as in Anki.)
        let input = CardInput {
            key: card.key.clone(),
            area: card.area.clone(),
            suspended: card.suspended,
            reviews: card_log.iter().map(|e| e.review).collect(),
            current: None,
            start: None,
        };
        for event in retention_events(&input, clock) {
            let age = today - event.day;
            for (w, days) in RETENTION_WINDOWS.iter().enumerate() {
                if (0..*days).contains(&age) {
                    for key in [(area, w), ("all", w)] {
                        let (passed, total) = tally.entry(key).or_default();
                        *passed += usize::from(event.pass);
                        *total += 1;
                    }
                }
            }
        }
    }
    areas
        .iter()
        .map(String::as_str)
        .chain(["all"])
        .map(|area| AreaRetention {
            area: area.to_owned(),
            windows: RETENTION_WINDOWS
                .iter()
                .enumerate()
                .map(|(w, &days)| {
                    let (passed, total) = tally.get(&(area, w)).copied().unwrap_or_default();
                    Retention { days, passed, total, rate: (total > 0).then(|| passed as f64 / total as f64) }
                })
                .collect(),
        })
        .collect()
}
