//! The one seam between the preparation cycle and the readiness scorecard: per-area scores
//! (1-5) for the dashboard's weak spots and the market's "study next", taken from the scorecard
//! (`grill score`) now.

use anyhow::Result;

use crate::app::App;

/// Per-area scores now: (area, 1-5), by area name, for the areas with at least one reviewed
/// card (an area never drilled scores 1, which says it is unknown, not that it is weak), and
/// whether any card has been reviewed at all.
pub fn area_scores(app: &App) -> Result<(Vec<(String, f32)>, bool)> {
    let card = super::score::scorecard_at(app, app.now())?;
    let drilled = card.areas.iter().any(|a| a.seen > 0);
    let scores =
        card.areas.iter().filter(|a| a.seen > 0).filter_map(|a| Some((a.area.clone(), a.score? as f32))).collect();
    Ok((scores, drilled))
}
