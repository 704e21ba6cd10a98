//! Editing text in the user's editor until it is valid: `$VISUAL`, else `$EDITOR`, else `vi`,
//! on a private temporary copy, so a half-written or broken file never replaces the original.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::deck::DeckError;

/// Opens `initial` in the editor as a file named like `name` and returns what `check` makes of
/// the saved text, or `None` when nothing was changed. On a check error the error
/// (`file:line: field: message`) is shown and, on a terminal, the user may edit again; otherwise
/// the error is returned (exit code 2) and the edited text is kept in the file it names.
pub fn edit_until_valid<T>(
    initial: &str,
    name: &str,
    check: impl Fn(&str, &str) -> Result<T, DeckError>,
) -> Result<Option<T>> {
    let path = temp_file(name, initial)?;
    loop {
        run_editor(&path)?;
        let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        if text == initial {
            let _ = std::fs::remove_file(&path);
            return Ok(None);
        }
        match check(&path.display().to_string(), &text) {
            Ok(value) => {
                let _ = std::fs::remove_file(&path);
                return Ok(Some(value));
            }
            Err(error) if interactive() => {
                // The conversation with the editor's user goes to stderr: stdout may be a pipe.
                writeln!(std::io::stderr(), "grill: {error}")?;
                if !ask("Edit again? [Y/n] ")? {
                    writeln!(std::io::stderr(), "Nothing changed; your edit is kept in {}", path.display())?;
                    return Err(error.into());
                }
            }
            Err(error) => {
                return Err(anyhow::Error::new(error)
                    .context(format!("nothing changed; your edit is kept in {}", path.display())));
            }
        }
    }
}

fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

fn ask(question: &str) -> Result<bool> {
    let mut err = std::io::stderr();
    write!(err, "{question}")?;
    err.flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(!answer.trim().to_ascii_lowercase().starts_with('n'))
}

/// A new private (0600) file in the temp folder holding `text`, created exclusively so a link
/// planted there is never followed; kept until grill removes it (an invalid edit stays).
fn temp_file(name: &str, text: &str) -> Result<PathBuf> {
    let mut file = tempfile::Builder::new()
        .prefix("grill-")
        .suffix(&format!("-{name}"))
        .tempfile()
        .context("creating a temporary file to edit")?;
    file.write_all(text.as_bytes()).context("writing a temporary file to edit")?;
    let (_, path) = file.keep().context("keeping the temporary file to edit")?;
    Ok(path)
}

/// Runs the editor on `path` through the shell, so `EDITOR="code --wait"` works.
fn run_editor(path: &Path) -> Result<()> {
    let configured = ["VISUAL", "EDITOR"].iter().filter_map(|v| std::env::var(v).ok()).find(|e| !e.trim().is_empty());
    let editor = match configured {
        Some(editor) => editor,
        // vi on a pipe would wait for keys that never come.
        None if !std::io::stdin().is_terminal() => bail!("no editor: set $VISUAL or $EDITOR"),
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
        bail!("the editor {editor:?} exited with {status}; nothing changed (your edit is in {})", path.display());
    }
    Ok(())
}
