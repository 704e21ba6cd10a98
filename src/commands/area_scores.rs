//! The one seam between the preparation cycle and the readiness scorecard: per-area scores
//! (1-5) for the dashboard's weak spots and the market's "study next".
//!
//! Until `src/scorecard` lands this computes the same definition the scorecard documents:
//! recall(A) = the mean, over area A's active cards, of each card's retrievability now (0 for a
//! card never reviewed), and score = 1 + 4 * recall. Switching to the scorecard is one edit here.

use std::collections::BTreeMap;

use anyhow::Result;

use crate::app::App;
use crate::store::CardFilter;

/// Per-area scores: (area, 1-5), by area name, and whether any card has been reviewed at all.
pub fn area_scores(app: &App) -> Result<(Vec<(String, f32)>, bool)> {
    let now = app.now();
    let mut sums: BTreeMap<String, (f32, usize)> = BTreeMap::new();
    let mut drilled = false;
    for card in app.store.cards(&CardFilter::default())?.iter().filter(|c| !c.suspended) {
        let recall = card.state.map_or(0.0, |s| {
            drilled = true;
            let elapsed = (now - s.last_review).num_milliseconds().max(0) as f32 / 86_400_000.0;
            app.scheduler.retrievability(s.memory(), elapsed)
        });
        let entry = sums.entry(card.area.clone()).or_default();
        entry.0 += recall;
        entry.1 += 1;
    }
    let scores = sums.into_iter().map(|(area, (sum, n))| (area, 1.0 + 4.0 * sum / n.max(1) as f32)).collect();
    Ok((scores, drilled))
}
