//! `grill edit CARD`: rewrite a card in your own words in `$VISUAL` / `$EDITOR`. The rewrite is
//! stored beside the deck's text and wins over it; `--reset` drops it.

use std::io::IsTerminal;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use crate::app::App;
use crate::cli::EditArgs;
use crate::deck::{DeckError, toml_error};
use crate::render::safe_line;
use crate::store::{CardRow, CardText};

/// The file the user edits: the card's text as TOML.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Editable {
    prompt: String,
    answer: String,
    #[serde(default)]
    follow_ups: Vec<String>,
}

/// Opens the editor on the card, or drops its rewrite with `--reset`.
pub fn run(app: &mut App, args: &EditArgs) -> Result<()> {
    let card = app.store.card_by_key(&args.card)?;
    if args.reset {
        if app.store.drop_edit(card.id)? {
            println!("{}: your rewrite is gone; the deck's text shows again", card.key);
        } else {
            println!("{}: not rewritten, nothing to reset", card.key);
        }
        return Ok(());
    }
    let path = std::env::temp_dir().join(format!("grill-edit-{}-{}.toml", std::process::id(), file_safe(&card.key)));
    write_private(&path, &template(&card)?).with_context(|| format!("writing {}", path.display()))?;
    open_editor(&path)?;
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    // On a mistake the file stays, so the rewrite is not lost.
    let edited = parse(&path, &text)?;
    std::fs::remove_file(&path).ok();
    let new = CardText { prompt: edited.prompt, answer: edited.answer, follow_ups: edited.follow_ups };
    if new.prompt == card.prompt && new.answer == card.answer && new.follow_ups == card.follow_ups {
        println!("{}: unchanged", card.key);
        return Ok(());
    }
    app.store.save_edit(&card, &new, app.now())?;
    println!("{}: rewrite saved (`grill edit {} --reset` brings back the deck's text)", card.key, card.key);
    if card.is_leech() {
        println!("It no longer counts as a leech; it will again if you forget it 4 more times.");
    }
    Ok(())
}

/// Creates `path` readable by the user only, refusing to follow or reuse an existing file (the
/// temp dir is shared with other users).
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(text.as_bytes())
}

fn file_safe(key: &str) -> String {
    key.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect()
}

fn template(card: &CardRow) -> Result<String> {
    let editable =
        Editable { prompt: card.prompt.clone(), answer: card.answer.clone(), follow_ups: card.follow_ups.clone() };
    Ok(format!(
        "# Rewrite {} in your own words, then save and quit. The answer is the key points, one\n\
         # \"- \" line each. Lines starting with # are ignored; leave it unchanged to cancel.\n\n{}",
        safe_line(&card.key),
        toml::to_string(&editable)?
    ))
}

/// Runs `$VISUAL`, else `$EDITOR`, else `vi` on `path`, through the shell so an editor
/// setting with arguments (`code --wait`) works.
fn open_editor(path: &Path) -> Result<()> {
    let configured = ["VISUAL", "EDITOR"].iter().filter_map(|v| std::env::var(v).ok()).find(|e| !e.trim().is_empty());
    let editor = match configured {
        Some(editor) => editor,
        // vi on a pipe would wait for keys that never come.
        None if !std::io::stdin().is_terminal() => {
            std::fs::remove_file(path).ok();
            bail!("no editor: set $VISUAL or $EDITOR (grill edit opens it on the card)");
        }
        None => "vi".to_owned(),
    };
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(path)
        .status()
        .with_context(|| format!("starting the editor {editor:?}"))?;
    if !status.success() {
        std::fs::remove_file(path).ok();
        bail!("the editor {editor:?} exited with {status}; the card is unchanged");
    }
    Ok(())
}

fn parse(path: &Path, text: &str) -> Result<Editable, DeckError> {
    let file = path.display().to_string();
    let edited: Editable = toml::from_str(text).map_err(|e| toml_error(&file, text, &e))?;
    for (field, value) in [("prompt", &edited.prompt), ("answer", &edited.answer)] {
        if value.trim().is_empty() {
            let line = text.lines().position(|l| l.trim_start().starts_with(field)).map_or(0, |i| i + 1);
            return Err(DeckError { file, line, field: field.to_owned(), message: "must not be empty".to_owned() });
        }
    }
    Ok(edited)
}
