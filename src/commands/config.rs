//! `grill config get | set | path`: read and change config.toml, keeping the user's comments
//! and layout (toml_edit), validating before anything is written.

use crate::app::Ui;
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

use crate::cli::ConfigCommand;
use crate::config::Config;
use crate::session::InputError;

/// Runs one `grill config` subcommand on the file at `path`.
pub fn run(path: &Path, db: &Path, command: &ConfigCommand, out: &mut Ui) -> Result<()> {
    match command {
        ConfigCommand::Path => writeln!(out, "{}", path.display())?,
        ConfigCommand::Get { key: None } => write!(out, "{}", toml::to_string(&Config::load(path)?)?)?,
        ConfigCommand::Get { key: Some(key) } => {
            let value = settings(&Config::load(path)?);
            let value = value.get(key.as_str()).ok_or_else(|| unknown(key))?;
            writeln!(out, "{}", plain(value))?;
        }
        ConfigCommand::Set { key, value } => {
            let text = match std::fs::read_to_string(path) {
                Ok(text) => text,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
                Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
            };
            let (new_text, config) = set(&path.display().to_string(), &text, key, value)?;
            if key == "languages" {
                check_languages(&config.languages, db)?;
            }
            write_atomically(path, &new_text)?;
            writeln!(out, "{key} = {}", plain(&settings(&config)[key.as_str()]))?;
        }
    }
    Ok(())
}

/// The config text with `key` set to `value` (typed as the setting is), and the config it
/// gives; the text is only returned when it is valid.
pub fn set(file: &str, text: &str, key: &str, value: &str) -> Result<(String, Config)> {
    let defaults = settings(&Config::default());
    let kind = defaults.get(key).ok_or_else(|| unknown(key))?;
    let mut doc: toml_edit::DocumentMut = text.parse().with_context(|| format!("{file}: not valid TOML"))?;
    let bad = |what: &str| InputError::new(key, format!("{value:?} is not {what}"));
    let mut new = match kind {
        serde_json::Value::Array(_) => {
            let items: Vec<String> = value.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect();
            toml_edit::value(items.into_iter().collect::<toml_edit::Array>())
        }
        serde_json::Value::Number(n) if n.is_f64() => {
            toml_edit::value(value.trim().parse::<f64>().map_err(|_| bad("a number"))?)
        }
        serde_json::Value::Number(_) => {
            toml_edit::value(value.trim().parse::<i64>().map_err(|_| bad("a whole number"))?)
        }
        _ => toml_edit::value(value),
    };
    // Keep a comment written after the old value on the same line.
    if let (Some(old), Some(new_value)) = (doc.get(key).and_then(|i| i.as_value()), new.as_value_mut()) {
        *new_value.decor_mut() = old.decor().clone();
    }
    doc[key] = new;
    let new_text = doc.to_string();
    let config = Config::parse(file, &new_text)?;
    Ok((new_text, config))
}

/// A language that no deck has cards for would silently zero the language-depth score: each
/// must be a built-in language or an area of the user's own decks.
fn check_languages(languages: &[String], db: &Path) -> Result<(), InputError> {
    let book = crate::session::RoleBook::builtin();
    let mut areas: Option<Vec<String>> = None;
    for language in languages {
        let name = crate::values::Area::fold(language);
        if book.is_language(name.as_str()) {
            continue;
        }
        let areas = areas.get_or_insert_with(|| crate::store::areas_read_only(db));
        if !areas.iter().any(|a| crate::values::Area::fold(a) == name) {
            return Err(InputError::new(
                "languages",
                format!(
                    "no cards in a language {:?}; grill has {} (or name an area of a deck you imported)",
                    crate::render::safe_line(language),
                    book.languages().join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// Every setting by name, with its value (the names and types come from `Config` itself).
fn settings(config: &Config) -> serde_json::Map<String, serde_json::Value> {
    match serde_json::to_value(config) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    }
}

fn unknown(key: &str) -> InputError {
    let names: Vec<String> = settings(&Config::default()).keys().cloned().collect();
    InputError::new(key, format!("unknown setting; the settings are {}", names.join(", ")))
}

/// A value as `config get KEY` prints it: lists comma-separated, as `config set` takes them.
fn plain(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Array(items) => {
            items.iter().map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned)).collect::<Vec<_>>().join(",")
        }
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Writes `text` to a temporary file beside `path` and renames it over: a crash leaves the old
/// file or the new one, never half of one.
fn write_atomically(path: &Path, text: &str) -> Result<()> {
    crate::files::write_private(path, text.as_bytes()).with_context(|| format!("writing {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str =
        "# my settings\nnew_per_day = 5 # weekdays are busy\n\n# who I interview for\nroles = [\"data\"]\n";

    #[test]
    fn setting_a_value_keeps_comments_and_other_settings() {
        let (text, config) = set("c.toml", TEXT, "roles", "platform, product").unwrap();
        assert_eq!(text, TEXT.replace("[\"data\"]", "[\"platform\", \"product\"]"));
        assert_eq!((config.roles, config.new_per_day), (vec!["platform".to_owned(), "product".to_owned()], 5));
        let (text, _) = set("c.toml", TEXT, "new_per_day", "8").unwrap();
        assert!(text.contains("new_per_day = 8 # weekdays are busy"), "{text}");
    }

    #[test]
    fn a_missing_setting_is_added_with_its_type() {
        let (text, config) = set("c.toml", "", "desired_retention", "0.85").unwrap();
        assert_eq!(text, "desired_retention = 0.85\n");
        assert_eq!(config.desired_retention, 0.85);
        let (_, config) = set("c.toml", TEXT, "roles", "").unwrap();
        assert!(config.roles.is_empty());
    }

    #[test]
    fn bad_keys_and_values_are_refused() {
        let e = set("c.toml", TEXT, "colour", "red").unwrap_err();
        assert!(
            e.to_string().starts_with(
                "colour: unknown setting; the settings are day_rollover_hour, desired_retention, languages, new_per_day"
            ),
            "{e}"
        );
        let e = set("c.toml", TEXT, "new_per_day", "lots").unwrap_err();
        assert_eq!(e.to_string(), "new_per_day: \"lots\" is not a whole number");
        let e = set("c.toml", TEXT, "roles", "platform,devops").unwrap_err();
        assert!(e.to_string().starts_with("c.toml:5: roles: unknown role \"devops\""), "{e}");
        let e = set("c.toml", TEXT, "desired_retention", "2").unwrap_err();
        assert!(e.to_string().contains("desired_retention: 2 is outside 0.7-0.97"), "{e}");
    }
}
