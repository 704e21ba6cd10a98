//! `grill sync [DIR]`: merge this device's reviews, rewrites, self-assessments and imported
//! decks with every other device's through a folder a sync tool keeps in step.

use std::io::Write;
use std::path::Path;

use anyhow::{Result, bail};

use crate::app::App;
use crate::cli::SyncArgs;
use crate::render::safe_line;
use crate::session::InputError;
use crate::sync::engine::{SyncOutcome, sync};

/// Syncs through `args.dir`, else the configured `sync_dir`, and says what changed.
pub fn run(app: &mut App, args: &SyncArgs, out: &mut dyn Write) -> Result<()> {
    let Some(dir) = args.dir.clone().or_else(|| app.config.sync_dir.clone()) else {
        bail!(InputError::new(
            "sync",
            "no folder given and no sync_dir in config.toml (grill config set sync_dir PATH)"
        ));
    };
    if !dir.is_dir() {
        let shown = safe_line(&dir.display().to_string());
        bail!(InputError::new("sync", format!("{shown}: not a folder (create it, or give your sync tool's folder)")));
    }
    let mut outcome = sync(&mut app.store, &dir, &app.scheduler, &app.days)?;
    crate::app::sync::adopt(app, &mut outcome)?;
    report(&outcome, &dir, out)?;
    Ok(())
}

fn reviews(n: usize) -> String {
    format!("{n} {}", if n == 1 { "review" } else { "reviews" })
}

fn report(o: &SyncOutcome, dir: &Path, out: &mut dyn Write) -> Result<()> {
    let m = &o.merged;
    writeln!(
        out,
        "Synced {} as device {} with {} other {}: wrote {}, added {} ({} already here).",
        safe_line(&dir.display().to_string()),
        o.device,
        o.devices,
        if o.devices == 1 { "device" } else { "devices" },
        reviews(o.published),
        reviews(m.reviews_added),
        m.reviews_known,
    )?;
    if o.parameters_taken {
        writeln!(
            out,
            "Took the FSRS parameters another device saved later (grill optimize); every card was rescheduled."
        )?;
    }
    if m.cards_replayed > 0 {
        writeln!(out, "Rescheduled {} from the merged log.", cards(m.cards_replayed))?;
    }
    if m.cards_added + m.cards_updated + m.edits_taken + m.assessments_added > 0 {
        writeln!(
            out,
            "Cards added {}, changed {}; rewrites taken {}; self-assessments added {}.",
            m.cards_added, m.cards_updated, m.edits_taken, m.assessments_added
        )?;
    }
    if m.reviews_waiting > 0 {
        writeln!(
            out,
            "{} of cards this database does not have yet wait for a later sync.",
            reviews(m.reviews_waiting)
        )?;
    }
    if m.reviews_invalid > 0 {
        writeln!(out, "Ignored {} with a rating or kind this grill does not know.", reviews(m.reviews_invalid))?;
    }
    for (path, why) in &o.skipped {
        writeln!(out, "Skipped {}: {why} (read again at the next sync).", safe_line(&path.display().to_string()))?;
    }
    Ok(())
}

fn cards(n: usize) -> String {
    format!("{n} {}", if n == 1 { "card" } else { "cards" })
}
