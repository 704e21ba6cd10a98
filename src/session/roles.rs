//! Target roles (`decks/roles.toml`): how much each area matters for each role type, and the
//! per-area weights that a choice of roles and languages gives. Pure: the file arrives as text.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

use super::when::InputError;
use crate::file_error::FileError;

/// The weight key that stands for "your language(s)".
const LANGUAGE_KEY: &str = "language";
/// The weight key for areas the file does not name (custom decks).
const OTHER_KEY: &str = "other";

/// The whole `roles.toml`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct RolesFile {
    language_areas: Vec<String>,
    roles: BTreeMap<String, Role>,
}

/// One `[roles.NAME]` table.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    /// What the role's loops evaluate, in a few words.
    pub description: String,
    /// Area (or `language`, `other`) to weight, 0-3.
    pub weights: BTreeMap<String, f64>,
}

/// The parsed role weights.
#[derive(Debug, Clone, PartialEq)]
pub struct RoleBook {
    language_areas: Vec<String>,
    roles: BTreeMap<String, Role>,
}

/// The weight of every area for one choice of target roles and languages.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AreaWeights(BTreeMap<String, f64>);

impl AreaWeights {
    /// The weight of `area` (0 for an area not weighed).
    pub fn get(&self, area: &str) -> f64 {
        self.0.get(area).copied().unwrap_or(0.0)
    }

    /// Areas with a weight above zero: the ones that matter for the target.
    pub fn relevant(&self) -> impl Iterator<Item = (&str, f64)> {
        self.0.iter().filter(|(_, w)| **w > 0.0).map(|(a, w)| (a.as_str(), *w))
    }

    /// Every weighed area, by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, f64)> {
        self.0.iter().map(|(a, w)| (a.as_str(), *w))
    }

    /// Only `areas` (when not empty), each at least `floor`: an area the user asked for by name
    /// still counts even when the roles give it nothing.
    pub fn restricted_to(&self, areas: &[String], floor: f64) -> AreaWeights {
        if areas.is_empty() {
            return self.clone();
        }
        AreaWeights(areas.iter().map(|a| (a.clone(), self.get(a).max(floor))).collect())
    }
}

impl FromIterator<(String, f64)> for AreaWeights {
    fn from_iter<I: IntoIterator<Item = (String, f64)>>(iter: I) -> Self {
        AreaWeights(iter.into_iter().collect())
    }
}

impl RoleBook {
    /// Parses `text` (the contents of `file`); errors name the file, line and field.
    pub fn parse(file: &str, text: &str) -> Result<RoleBook, FileError> {
        let parsed: RolesFile = toml::from_str(text).map_err(|e| FileError {
            file: file.to_owned(),
            line: e.span().map_or(0, |s| text[..s.start.min(text.len())].matches('\n').count() + 1),
            field: "roles".to_owned(),
            message: e.message().replace('\n', " "),
        })?;
        for (name, role) in &parsed.roles {
            for (area, weight) in &role.weights {
                if !weight.is_finite() || *weight < 0.0 {
                    let line = text
                        .lines()
                        .position(|l| l.trim_start().starts_with(area.as_str()) && l.contains(&weight.to_string()))
                        .map_or(0, |i| i + 1);
                    return Err(FileError {
                        file: file.to_owned(),
                        line,
                        field: format!("roles.{name}.weights.{area}"),
                        message: format!("{weight} is not a weight (0 or more)"),
                    });
                }
            }
        }
        Ok(RoleBook { language_areas: parsed.language_areas, roles: parsed.roles })
    }

    /// The role weights built into grill (`decks/roles.toml`).
    pub fn builtin() -> &'static RoleBook {
        static BOOK: OnceLock<RoleBook> = OnceLock::new();
        BOOK.get_or_init(|| {
            let text = crate::embedded::DECK_FILES
                .iter()
                .find(|(name, _)| *name == "roles.toml")
                .map(|(_, text)| *text)
                .expect("decks/roles.toml is embedded");
            RoleBook::parse("decks/roles.toml", text).expect("the built-in decks/roles.toml is valid")
        })
    }

    /// The role names, sorted.
    pub fn names(&self) -> Vec<&str> {
        self.roles.keys().map(String::as_str).collect()
    }

    /// The role called `name`.
    pub fn role(&self, name: &str) -> Option<&Role> {
        self.roles.get(name)
    }

    /// Checks that every name in `roles` is a known role; `flag` says where they came from.
    pub fn check(&self, flag: &str, roles: &[String]) -> Result<(), InputError> {
        match roles.iter().find(|r| !self.roles.contains_key(r.as_str())) {
            None => Ok(()),
            Some(role) => {
                Err(InputError::new(flag, format!("unknown role {role:?}; the roles are {}", self.names().join(", "))))
            }
        }
    }

    /// The built-in language areas.
    pub fn languages(&self) -> &[String] {
        &self.language_areas
    }

    /// Whether `area` is a language area.
    pub fn is_language(&self, area: &str) -> bool {
        self.language_areas.iter().any(|l| l == area)
    }

    /// The weight of each of `areas` for the target `roles` (mean over the roles; 1 each with no
    /// roles) and `languages` (a language area not among them weighs 0, when any are given).
    pub fn weights<'a>(
        &self,
        roles: &[String],
        languages: &[String],
        areas: impl IntoIterator<Item = &'a str>,
    ) -> AreaWeights {
        areas.into_iter().map(|area| (area.to_owned(), self.weight(roles, languages, area))).collect()
    }

    fn weight(&self, roles: &[String], languages: &[String], area: &str) -> f64 {
        let language = self.is_language(area);
        if language && !languages.is_empty() && !languages.iter().any(|l| l == area) {
            return 0.0;
        }
        let known: Vec<&Role> = roles.iter().filter_map(|r| self.roles.get(r)).collect();
        if known.is_empty() {
            return 1.0;
        }
        let fallback = if language { LANGUAGE_KEY } else { OTHER_KEY };
        let sum: f64 = known
            .iter()
            .map(|role| role.weights.get(area).or_else(|| role.weights.get(fallback)).copied().unwrap_or(1.0))
            .sum();
        sum / known.len() as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOOK: &str = r#"
language_areas = ["python", "java"]
[roles.a]
description = "A"
[roles.a.weights]
sql = 3
language = 2
java = 3
other = 0.5
[roles.b]
description = "B"
[roles.b.weights]
sql = 1
cloud = 3
"#;

    fn s(list: &[&str]) -> Vec<String> {
        list.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn several_roles_weigh_an_area_by_their_mean() {
        let book = RoleBook::parse("r.toml", BOOK).unwrap();
        let w = book.weights(&s(&["a", "b"]), &[], ["sql", "cloud"]);
        assert_eq!(w.get("sql"), 2.0);
        // Role a does not name cloud: its `other` weight (0.5) counts.
        assert_eq!(w.get("cloud"), (0.5 + 3.0) / 2.0);
    }

    #[test]
    fn languages_not_chosen_weigh_nothing_and_a_named_language_overrides_the_generic_weight() {
        let book = RoleBook::parse("r.toml", BOOK).unwrap();
        let any = book.weights(&s(&["a"]), &[], ["python", "java"]);
        assert_eq!((any.get("python"), any.get("java")), (2.0, 3.0));
        let python_only = book.weights(&s(&["a"]), &s(&["python"]), ["python", "java"]);
        assert_eq!((python_only.get("python"), python_only.get("java")), (2.0, 0.0));
        assert_eq!(python_only.relevant().map(|(a, _)| a).collect::<Vec<_>>(), vec!["python"]);
    }

    #[test]
    fn no_roles_weigh_every_area_equally() {
        let book = RoleBook::parse("r.toml", BOOK).unwrap();
        let w = book.weights(&[], &[], ["sql", "cloud", "java"]);
        assert!(w.iter().all(|(_, x)| x == 1.0), "{w:?}");
    }

    #[test]
    fn an_unknown_role_is_named_with_the_known_ones() {
        let book = RoleBook::parse("r.toml", BOOK).unwrap();
        let e = book.check("--role", &s(&["a", "devops"])).unwrap_err();
        assert_eq!(e.to_string(), "--role: unknown role \"devops\"; the roles are a, b");
    }

    #[test]
    fn a_negative_weight_names_the_line_and_field() {
        let e = RoleBook::parse("r.toml", &BOOK.replace("cloud = 3", "cloud = -1")).unwrap_err();
        assert_eq!((e.line, e.field.as_str()), (14, "roles.b.weights.cloud"));
    }

    #[test]
    fn the_built_in_roles_are_the_five_role_types_and_weigh_every_built_in_area() {
        let book = RoleBook::builtin();
        assert_eq!(book.names(), vec!["data", "enterprise", "platform", "product", "startup"]);
        let areas = ["sql", "system-design", "api-design", "testing", "cloud", "debugging", "behavioral"];
        for role in book.names() {
            let weights = &book.role(role).unwrap().weights;
            for area in areas.iter().chain(&[LANGUAGE_KEY, OTHER_KEY]) {
                assert!(weights.contains_key(*area), "{role} has no weight for {area}");
            }
        }
        // Each role has a clear focus: its top areas differ from every other role's.
        let top = |role: &str| {
            let w = book.weights(&[role.to_owned()], &[], areas);
            let max = w.iter().map(|(_, x)| x).fold(0.0, f64::max);
            w.iter().filter(|(_, x)| *x == max).map(|(a, _)| a.to_owned()).collect::<Vec<_>>()
        };
        assert_eq!(top("platform"), vec!["cloud", "debugging"]);
        assert_eq!(top("data"), vec!["sql", "system-design"]);
        assert_eq!(top("product"), vec!["api-design", "sql", "testing"]);
    }

    #[test]
    fn the_language_areas_match_the_scorecards() {
        let book = RoleBook::builtin();
        let mut ours: Vec<&str> = book.language_areas.iter().map(String::as_str).collect();
        let mut scorecard = crate::scorecard::LANGUAGE_AREAS.to_vec();
        ours.sort();
        scorecard.sort();
        assert_eq!(ours, scorecard);
    }
}
