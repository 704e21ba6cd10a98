//! Area names: the language areas, the six seed dimensions users rate themselves on, and the
//! spelling users may type for them.

/// Areas that count as languages for "language depth" when the config lists none.
/// (`decks/roles.toml` lists the same names; a test keeps the two in step.)
pub const LANGUAGE_AREAS: [&str; 11] =
    ["python", "java", "go", "javascript", "typescript", "kotlin", "csharp", "ruby", "rust", "scala", "php"];

/// The id of the language-depth dimension (also the area name its self-assessments use).
pub const LANGUAGE_DEPTH: &str = "language-depth";

/// Where a dimension's measured score comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The best score among the user's language areas.
    BestLanguage,
    /// Exactly one area.
    Area(&'static str),
}

/// A seed dimension of the readiness scorecard users keep (see `DOMAIN.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dimension {
    /// Its id, as `grill score set` accepts it.
    pub id: &'static str,
    /// Its name in words.
    pub label: &'static str,
    pub source: Source,
}

/// The six dimensions, in the order users list them.
pub const DIMENSIONS: [Dimension; 6] = [
    Dimension { id: LANGUAGE_DEPTH, label: "language depth", source: Source::BestLanguage },
    Dimension { id: "sql", label: "SQL", source: Source::Area("sql") },
    Dimension { id: "system-design", label: "system design", source: Source::Area("system-design") },
    Dimension { id: "testing", label: "testing", source: Source::Area("testing") },
    Dimension { id: "cloud", label: "cloud", source: Source::Area("cloud") },
    Dimension { id: "remote-communication", label: "remote communication", source: Source::Area("behavioral") },
];

/// The name a user typed, as grill stores it: lower case, spaces and underscores as hyphens,
/// and a dimension measured from one area replaced by that area (`remote communication` ->
/// `behavioral`, `SQL` -> `sql`), so a self-assessment shows wherever its area does.
pub fn canonical_name(typed: &str) -> String {
    let name = crate::values::Area::fold(typed).as_str().to_owned();
    match DIMENSIONS.iter().find(|d| d.id == name) {
        Some(Dimension { source: Source::Area(area), .. }) => (*area).to_owned(),
        _ => name,
    }
}

/// The language areas among `areas`: those the config lists, else the known language names.
pub fn language_areas<'a>(areas: impl Iterator<Item = &'a str>, configured: &[String]) -> Vec<String> {
    let is_language = |area: &str| {
        if configured.is_empty() {
            LANGUAGE_AREAS.contains(&area)
        } else {
            configured.iter().any(|c| canonical_name(c) == area)
        }
    };
    let mut out: Vec<String> = areas.filter(|a| is_language(a)).map(str::to_owned).collect();
    out.sort();
    out.dedup();
    out
}
