//! `grill suspend` / `grill unsuspend`.

use anyhow::Result;
use std::io::Write;

use crate::app::{App, Ui};
use crate::cli::CardIdArgs;

/// Suspends (or, with `suspended = false`, unsuspends) one card.
pub fn run(app: &App, args: &CardIdArgs, suspended: bool, out: &mut Ui) -> Result<()> {
    let card = crate::app::queries::card(app, &args.card)?;
    app.store.set_suspended(card.id, suspended, app.now())?;
    writeln!(out, "{} {}", if suspended { "suspended" } else { "unsuspended" }, crate::render::safe_line(&card.key))?;
    Ok(())
}
