//! `grill decks`: each deck with its area and counts.

use anyhow::Result;
use std::io::Write;

use crate::app::{App, Ui};
use crate::render::safe_line;

/// Prints one row per deck.
pub fn run(app: &App, out: &mut Ui) -> Result<()> {
    let decks = app.store.deck_summaries(app.tomorrow())?;
    let mut table = crate::render::table(out.width());
    table.set_header(["deck", "area", "cards", "new", "due today", "suspended"]);
    for d in &decks {
        table.add_row([
            safe_line(&d.key),
            safe_line(&d.area),
            d.cards.to_string(),
            d.new.to_string(),
            d.due.to_string(),
            d.suspended.to_string(),
        ]);
    }
    writeln!(out, "{}", crate::render::fit(table))?;
    Ok(())
}
