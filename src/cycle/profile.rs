//! The profile, PURE: the hand-written half of the dashboard (`profile.toml`, next to
//! `config.toml`): target roles, regions, strongest stack, project stories, system design
//! prompts and behavioural examples.

use serde::{Deserialize, Serialize};

use super::interview::ROLE_TYPES;
use crate::file_error::{FileError, toml_error};

/// Everything the user writes about themselves for the dashboard; every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Profile {
    /// Role types aimed at: product, platform, data, enterprise, startup.
    pub target_roles: Vec<String>,
    /// Where the user can work from / for (e.g. "EU", "UK").
    pub regions: Vec<String>,
    /// Remote constraints: time zones, overlap hours, async.
    pub remote: String,
    pub strongest_language: String,
    pub strongest_framework: String,
    /// Project stories told in detail (the dashboard shows three).
    pub stories: Vec<Story>,
    /// System design prompts the user can walk through (the dashboard shows two).
    pub system_design: Vec<DesignPrompt>,
    pub behavioral: Behavioral,
}

/// A project story: what was owned, the problem, the choices, the constraints, the validation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Story {
    pub title: String,
    pub owned: String,
    pub problem: String,
    pub choices: String,
    pub constraints: String,
    pub validation: String,
}

/// A system design prompt and the user's notes for walking through it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DesignPrompt {
    pub prompt: String,
    pub notes: String,
}

/// One behavioural example for each theme loops ask about.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Behavioral {
    pub ownership: String,
    pub conflict: String,
    pub debugging: String,
    /// Delivery under uncertainty.
    pub uncertainty: String,
}

/// The file `grill profile edit` starts from: every field present, empty, with a comment
/// saying what goes in it.
pub const TEMPLATE: &str = r#"# grill profile: the hand-written half of `grill dashboard`. Every field is optional;
# the dashboard shows what is missing as a prompt to fill in. Multi-line text: use """ ... """.

# Role types you aim at: product, platform, data, enterprise, startup.
target_roles = []
# Where you can work from or for, e.g. ["EU", "UK"].
regions = []
# Remote constraints: time zones, overlap hours, async, e.g. "CET; up to 4h overlap with US East".
remote = ""
strongest_language = ""
strongest_framework = ""

# Three project stories, told in detail: what you owned, the problem, your choices, the
# constraints, and how you validated the result. Copy the block for each story.
[[stories]]
title = ""
owned = ""
problem = ""
choices = ""
constraints = ""
validation = ""

# Two system design prompts you can walk through in under five minutes, with your notes.
[[system_design]]
prompt = ""
notes = ""

# One example each: ownership, conflict, debugging, delivery under uncertainty.
[behavioral]
ownership = ""
conflict = ""
debugging = ""
uncertainty = ""
"#;

impl Profile {
    /// Parses profile TOML; errors name the file, line and field.
    pub fn parse(file: &str, text: &str) -> Result<Profile, FileError> {
        let profile: Profile = toml::from_str(text).map_err(|e| toml_error(file, text, &e))?;
        for role in &profile.target_roles {
            if !ROLE_TYPES.contains(&role.as_str()) {
                return Err(FileError {
                    file: file.to_owned(),
                    line: text.lines().position(|l| l.trim_start().starts_with("target_roles")).map_or(0, |i| i + 1),
                    field: "target_roles".into(),
                    message: format!("{role:?} is not a role type; use {}", ROLE_TYPES.join(", ")),
                });
            }
        }
        Ok(profile)
    }
}

impl Story {
    /// Whether the story has anything written.
    pub fn is_blank(&self) -> bool {
        [&self.title, &self.owned, &self.problem, &self.choices, &self.constraints, &self.validation]
            .iter()
            .all(|s| s.trim().is_empty())
    }
}

impl DesignPrompt {
    /// Whether the prompt has anything written.
    pub fn is_blank(&self) -> bool {
        self.prompt.trim().is_empty() && self.notes.trim().is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_parses_to_an_empty_profile_with_blank_entries() {
        let p = Profile::parse("profile.toml", TEMPLATE).unwrap();
        assert!(p.target_roles.is_empty() && p.remote.is_empty());
        assert!(p.stories.iter().all(Story::is_blank));
        assert!(p.system_design.iter().all(DesignPrompt::is_blank));
    }

    #[test]
    fn an_unknown_role_or_field_names_the_line() {
        let e = Profile::parse("p.toml", "remote = \"x\"\ntarget_roles = [\"backend\"]\n").unwrap_err();
        assert_eq!((e.line, e.field.as_str()), (2, "target_roles"));
        let e = Profile::parse("p.toml", "[behavioral]\nownrship = \"x\"\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("ownrship"), "{e}");
    }
}
