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
    text.replace('\n', "\\n").replace('\r', "\\r")
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
