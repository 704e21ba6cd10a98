//! `grill profile edit` / `grill profile path`: the hand-written half of the dashboard.

use crate::app::Ui;
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

use crate::app::editor::edit_until_valid;
use crate::cli::{Global, ProfileArgs, ProfileCommand};
use crate::cycle::profile::{Profile, TEMPLATE};

/// Runs a `grill profile` subcommand.
pub fn run(global: &Global, args: &ProfileArgs, out: &mut Ui) -> Result<()> {
    let path = crate::app::profile_path(global)?;
    match args.command {
        ProfileCommand::Path => writeln!(out, "{}", path.display())?,
        ProfileCommand::Edit => edit(&path, out)?,
    }
    Ok(())
}

fn edit(path: &Path, out: &mut dyn Write) -> Result<()> {
    let initial = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => TEMPLATE.to_owned(),
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    let saved =
        edit_until_valid(&initial, "profile.toml", |file, text| Profile::parse(file, text).map(|_| text.to_owned()))?;
    let Some(text) = saved else {
        writeln!(out, "No changes to {}.", path.display())?;
        return Ok(());
    };
    crate::files::write_private(path, text.as_bytes()).with_context(|| format!("saving {}", path.display()))?;
    writeln!(out, "Saved {}. See it with: grill dashboard", path.display())?;
    Ok(())
}
