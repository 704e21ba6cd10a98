//! An error in a file the user wrote (a deck, config.toml, profile.toml, an interview's
//! questions): it names the file, the line and the field. Bottom layer: every module may use it.

/// A file of the user's that could not be read (a deck, config.toml, profile.toml): where, and
/// what is wrong. Line 0 means the error has no
/// line (a package's note names itself in `field`), and is not printed. Always one line: a
/// newline in a quoted value or a file name is shown as `\n`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error(
    "{}{}: {field}: {}",
    one_line(file),
    if *line > 0 { format!(":{line}") } else { String::new() },
    one_line(message)
)]
pub struct FileError {
    pub file: String,
    pub line: usize,
    pub field: String,
    pub message: String,
}

fn one_line(text: &str) -> String {
    cut(text, MAX_SHOWN_BYTES).replace('\n', "\\n").replace('\r', "\\r")
}

/// The most bytes of a file name or message an error shows: a 52 MB header is not echoed whole.
const MAX_SHOWN_BYTES: usize = 400;

/// `text` cut to at most `max` bytes (on a character boundary), saying how much was left out.
fn cut(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    if text.len() <= max {
        return text.into();
    }
    let end = (0..=max).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
    format!("{}… ({} more bytes)", &text[..end], text.len() - end).into()
}

/// A TOML syntax or type error as a [`FileError`] naming the file, line and key.
pub fn toml_error(file: &str, text: &str, e: &toml::de::Error) -> FileError {
    let line = e.span().map_or(0, |span| line_of(text, span.start));
    let message = plain_types(&e.message().replace('\n', " "));
    FileError { file: file.to_owned(), line, field: field_of(text, e.span()), message }
}

/// The 1-based line holding byte `offset`.
pub fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// The key on the line of the error, when the error points at one (`prompt = 3` -> "prompt").
fn field_of(text: &str, span: Option<std::ops::Range<usize>>) -> String {
    let Some(span) = span else { return "deck".to_owned() };
    let start = text[..span.start.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
    let line = text[start..].lines().next().unwrap_or("");
    match line.split_once('=') {
        Some((key, _)) if !key.trim().is_empty() && !key.contains('[') => key.trim().to_owned(),
        _ => line.trim().trim_matches(|c| c == '[' || c == ']').to_owned(),
    }
}

/// serde's messages name Rust types (`expected usize`); a user reads what to write instead.
fn plain_types(message: &str) -> String {
    let mut text = message.to_owned();
    for (rust, plain) in [
        ("expected usize", "expected a whole number (0 or more)"),
        ("expected u64", "expected a whole number (0 or more)"),
        ("expected u32", "expected a whole number (0 or more)"),
        ("expected u16", "expected a whole number (0 or more)"),
        ("expected u8", "expected a whole number (0 or more)"),
        ("expected i64", "expected a whole number"),
        ("expected i32", "expected a whole number"),
        ("expected f32", "expected a number"),
        ("expected f64", "expected a number"),
        ("expected a boolean", "expected true or false"),
        ("expected a sequence", "expected a list such as [\"a\", \"b\"]"),
    ] {
        text = text.replace(rust, plain);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_messages_are_cut_on_a_character_boundary() {
        assert_eq!(cut("short", 400), "short");
        let long = "é".repeat(300);
        let shown = cut(&long, 401);
        assert!(shown.starts_with(&"é".repeat(200)), "{shown}");
        assert!(shown.ends_with("… (200 more bytes)"), "{shown}");
        let e = FileError { file: "f.csv".into(), line: 1, field: "header".into(), message: "h".repeat(10_000) };
        assert!(e.to_string().len() < 500, "{e}");
    }

    #[test]
    fn toml_errors_name_the_line_and_field_without_rust_types() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct C {
            new_per_day: usize,
        }
        let text = "new_per_day = \"many\"\n";
        let e = toml::from_str::<C>(text).unwrap_err();
        let error = toml_error("c.toml", text, &e);
        assert_eq!((error.line, error.field.as_str()), (1, "new_per_day"));
        assert!(error.message.contains("expected a whole number (0 or more)"), "{}", error.message);
        assert!(!error.message.contains("usize"));
    }
}
