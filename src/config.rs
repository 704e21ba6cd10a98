//! The user's settings (`config.toml`): daily limits, desired retention, day rollover, target
//! roles and languages.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::file_error::{FileError, toml_error};

/// Settings read from `config.toml`; every field has a default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// New cards introduced per day.
    pub new_per_day: usize,
    /// Reviews shown per day at most.
    pub reviews_per_day: usize,
    /// The share of reviews FSRS aims to have you remember (0.7-0.97; 0.9 by default).
    pub desired_retention: f32,
    /// The hour (local time) at which a new day starts.
    pub day_rollover_hour: u32,
    /// Target role types (see `decks/roles.toml`); empty weighs every area equally.
    pub roles: Vec<String>,
    /// The languages you interview in (lowercase area names, e.g. python); empty: all of them.
    pub languages: Vec<String>,
    /// Seconds between the answer timer's lines above the prompt (a line also shows when a
    /// card's time limit passes); 0 turns the timer off.
    pub timer_secs: u32,
    /// A folder a sync tool shares between your machines: `grill sync` uses it, and the drill
    /// syncs through it quietly when it starts and ends (docs/sync.md). Unset: no syncing.
    pub sync_dir: Option<std::path::PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            new_per_day: 10,
            reviews_per_day: 200,
            desired_retention: 0.9,
            day_rollover_hour: 4,
            roles: Vec::new(),
            languages: Vec::new(),
            timer_secs: 30,
            sync_dir: None,
        }
    }
}

impl Config {
    /// Reads `path`; a missing file gives the defaults. Errors name the file, line and field.
    pub fn load(path: &Path) -> Result<Config, FileError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(e) => {
                return Err(FileError {
                    file: path.display().to_string(),
                    line: 0,
                    field: "file".into(),
                    message: e.to_string(),
                });
            }
        };
        Self::parse(&path.display().to_string(), &text)
    }

    /// Parses config text; `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<Config, FileError> {
        let mut config: Config = toml::from_str(text).map_err(|e| toml_error(file, text, &e))?;
        let bad = |field: &str, message: String| FileError {
            file: file.to_owned(),
            line: text.lines().position(|l| l.trim_start().starts_with(field)).map_or(0, |i| i + 1),
            field: field.to_owned(),
            message,
        };
        if !(0.7..=0.97).contains(&config.desired_retention) {
            return Err(bad("desired_retention", format!("{} is outside 0.7-0.97", config.desired_retention)));
        }
        if config.day_rollover_hour > 23 {
            return Err(bad("day_rollover_hour", format!("{} is not an hour (0-23)", config.day_rollover_hour)));
        }
        if let Err(e) = crate::session::RoleBook::builtin().check("roles", &config.roles) {
            return Err(bad("roles", e.message));
        }
        if let Some(l) = config.languages.iter().find(|l| l.trim().is_empty() || l.contains(char::is_whitespace)) {
            return Err(bad("languages", format!("{l:?} is not a language name (e.g. python)")));
        }
        config.languages = config.languages.iter().map(|l| l.to_lowercase()).collect();
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_file_gives_the_defaults() {
        assert_eq!(Config::parse("c.toml", "").unwrap(), Config::default());
    }

    #[test]
    fn limits_are_read() {
        let c = Config::parse("c.toml", "new_per_day = 3\nreviews_per_day = 50\n").unwrap();
        assert_eq!((c.new_per_day, c.reviews_per_day), (3, 50));
    }

    #[test]
    fn roles_and_languages_are_read_and_languages_lowercased() {
        let c = Config::parse("c.toml", "roles = [\"platform\", \"data\"]\nlanguages = [\"Python\"]\n").unwrap();
        assert_eq!(c.roles, vec!["platform", "data"]);
        assert_eq!(c.languages, vec!["python"]);
    }

    #[test]
    fn an_unknown_role_names_the_line_and_the_known_roles() {
        let e = Config::parse("c.toml", "new_per_day = 3\nroles = [\"devops\"]\n").unwrap_err();
        assert_eq!((e.line, e.field.as_str()), (2, "roles"));
        assert!(e.message.contains("unknown role \"devops\"; the roles are data, enterprise"), "{e}");
    }

    #[test]
    fn a_bad_value_names_the_line_and_field() {
        let e = Config::parse("c.toml", "new_per_day = 3\ndesired_retention = 1.5\n").unwrap_err();
        assert_eq!((e.line, e.field.as_str()), (2, "desired_retention"));
        let e = Config::parse("c.toml", "\nnew_per_day = \"x\"\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.to_string().starts_with("c.toml:2: "), "{e}");
    }
}
