//! The one-page dashboard, PURE: computed from the profile, the area scores and the gaps, then
//! rendered for the terminal or as Markdown. Missing parts become prompts to fill in.

use chrono::NaiveDate;
use serde::Serialize;

use super::gaps::{Gap, Subject};
use super::mock::trend::{self, RubricTrend, ScoredRound};
use super::profile::{DesignPrompt, Profile, Story};
use crate::scorecard::LANGUAGE_AREAS;
use crate::text::safe;

/// Areas scoring below this (1-5) are weak spots.
pub const WEAK_BELOW: f32 = 3.0;
/// The dashboard names at most this many weak spots.
pub const MAX_WEAK_SPOTS: usize = 5;
/// How many project stories and system design prompts the page holds.
pub const STORIES: usize = 3;
/// See [`STORIES`].
pub const DESIGN_PROMPTS: usize = 2;
/// The behavioural themes, as (profile key, heading).
pub const THEMES: [(&str, &str); 4] = [
    ("ownership", "Ownership"),
    ("conflict", "Conflict"),
    ("debugging", "Debugging"),
    ("uncertainty", "Delivery under uncertainty"),
];

/// The dashboard's content.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dashboard {
    #[serde(serialize_with = "super::iso_date")]
    pub on: NaiveDate,
    pub profile: Profile,
    /// The language area with the best score, as measured by the drill.
    pub measured_language: Option<(String, f32)>,
    pub weak_spots: Vec<WeakSpot>,
    /// Whether any area has been drilled at all (else weak spots cannot be known).
    pub drilled: bool,
    /// The rubric trend across the latest mock rounds (`None`: no scored round yet).
    pub mock: Option<RubricTrend>,
}

/// A current weak spot and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeakSpot {
    pub name: String,
    pub why: String,
}

/// Builds the dashboard: weak spots are the recurring gaps first, then the lowest-scoring
/// areas below [`WEAK_BELOW`]. `scores` are (area, 1-5) with `drilled` telling whether any of
/// them rests on reviews.
pub fn compute(on: NaiveDate, profile: &Profile, scores: &[(String, f32)], drilled: bool, gaps: &[Gap]) -> Dashboard {
    let mut weak_spots: Vec<WeakSpot> = gaps
        .iter()
        .map(|g| {
            let mut why = Vec::new();
            if g.recurring {
                let list: Vec<String> =
                    g.bad_interviews.iter().map(|i| format!("{} {}", i.company, i.held_on)).collect();
                why.push(format!("again/hard in {} interviews ({})", g.bad_interviews.len(), list.join(", ")));
            }
            if let (true, Some(drill)) = (g.worse_than_drill, g.drill_mean) {
                why.push(format!("interviews {:.1} vs drill {drill:.1} on the 1-4 scale", g.interview_mean));
            }
            let score = scores.iter().find(|(area, _)| g.subject == Subject::Area(area.clone()));
            if let (true, Some((_, score))) = (drilled, score) {
                why.push(format!("score {score:.1}/5"));
            }
            WeakSpot { name: g.subject.label(), why: why.join("; ") }
        })
        .collect();
    if drilled {
        let mut low: Vec<&(String, f32)> = scores.iter().filter(|(_, s)| *s < WEAK_BELOW).collect();
        low.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        for (area, score) in low {
            if !weak_spots.iter().any(|w| &w.name == area) {
                weak_spots.push(WeakSpot { name: area.clone(), why: format!("score {score:.1}/5") });
            }
        }
    }
    weak_spots.truncate(MAX_WEAK_SPOTS);
    let measured_language = scores
        .iter()
        .filter(|(area, _)| LANGUAGE_AREAS.contains(&area.as_str()))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .filter(|_| drilled)
        .cloned();
    Dashboard { on, profile: profile.clone(), measured_language, weak_spots, drilled, mock: None }
}

impl Dashboard {
    /// The page with the rubric trend of `rounds` (every stored mock round, in the order held).
    pub fn with_mock_rounds(mut self, rounds: &[ScoredRound]) -> Dashboard {
        self.mock = trend::compute(rounds);
        self
    }
}

/// Where the page goes: the terminal (plain headings) or a Markdown file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Terminal,
    Markdown,
}

struct Page {
    format: Format,
    out: String,
}

impl Page {
    fn heading(&mut self, text: &str) {
        match self.format {
            Format::Markdown => self.out.push_str(&format!("\n## {text}\n\n")),
            Format::Terminal => self.out.push_str(&format!("\n{}\n{}\n", text.to_uppercase(), "─".repeat(text.len()))),
        }
    }

    fn sub(&mut self, text: &str) {
        match self.format {
            Format::Markdown => {
                let gap = if self.out.ends_with("\n\n") { "" } else { "\n" };
                self.out.push_str(&format!("{gap}### {text}\n\n"));
            }
            Format::Terminal => self.out.push_str(&format!("\n  {text}\n")),
        }
    }

    /// A `- label: value` line; an empty value becomes the prompt `todo`.
    fn item(&mut self, label: &str, value: &str, todo: &str) {
        let value = if value.trim().is_empty() { self.todo(todo) } else { self.text(value) };
        let label = match (self.format, label.is_empty()) {
            (_, true) => String::new(),
            (Format::Markdown, false) => format!("**{label}:** "),
            (Format::Terminal, false) => format!("{label}: "),
        };
        let bullet = if self.format == Format::Markdown { "- " } else { "  • " };
        self.out.push_str(&format!("{bullet}{label}{value}\n"));
    }

    fn todo(&self, what: &str) -> String {
        match self.format {
            Format::Markdown => format!("_to fill in: {what}_"),
            Format::Terminal => format!("✎ to fill in: {what}"),
        }
    }

    /// User text made safe, continuation lines indented under the bullet. In Markdown, HTML
    /// is escaped: the page may be rendered by a viewer that runs it.
    fn text(&self, value: &str) -> String {
        let indent = if self.format == Format::Markdown { "\n  " } else { "\n    " };
        let value = safe(value.trim());
        let value = if self.format == Format::Markdown { escape_html(&value) } else { value };
        value.lines().collect::<Vec<_>>().join(indent)
    }

    /// A `- label: value` line whose value is already safe for this format (no second escape).
    fn safe_item(&mut self, label: &str, value: &str) {
        let (bullet, label) = match self.format {
            Format::Markdown => ("- ", format!("**{label}:** ")),
            Format::Terminal => ("  • ", format!("{label}: ")),
        };
        self.out.push_str(&format!("{bullet}{label}{value}\n"));
    }

    /// Text from imports and the interview log (area names, company names): in Markdown,
    /// every character with a meaning is escaped, so it cannot become a link, an image or HTML.
    fn untrusted(&self, value: &str) -> String {
        let value = crate::text::safe_line(value);
        match self.format {
            Format::Markdown => escape_markdown(&value),
            Format::Terminal => value,
        }
    }
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// `text` inert in Markdown: HTML escaped, and the characters that open emphasis, a link or
/// an image (`[`), code or a table cell escaped with a backslash (no `[`, no link).
fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in escape_html(text).chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Renders the dashboard as one page.
pub fn render(d: &Dashboard, format: Format) -> String {
    let mut page = Page { format, out: String::new() };
    let p = &d.profile;
    match format {
        Format::Markdown => page.out.push_str(&format!(
            "# Backend interview dashboard\n\n_Updated {} with `grill dashboard`; the hand-written parts live in `grill profile edit`._\n",
            d.on
        )),
        Format::Terminal => page.out.push_str(&format!("Backend interview dashboard · {}\n", d.on)),
    }
    page.heading("Target");
    page.item("Role types", &p.target_roles.join(", "), "target_roles (product, platform, data, enterprise, startup)");
    page.item("Regions", &p.regions.join(", "), "regions, e.g. [\"EU\", \"UK\"]");
    page.item("Remote constraints", &p.remote, "remote: time zones, overlap hours, async");
    let measured = d.measured_language.as_ref().map(|(a, s)| format!(" (best measured language area: {a}, {s:.1}/5)"));
    page.item(
        "Strongest language",
        &p.strongest_language,
        &format!("strongest_language{}", measured.unwrap_or_default()),
    );
    page.item("Strongest framework", &p.strongest_framework, "strongest_framework");
    weak_spots(&mut page, d);
    mock_rounds(&mut page, d.mock.as_ref());
    stories(&mut page, &p.stories);
    designs(&mut page, &p.system_design);
    page.heading("Behavioural examples");
    let b = &p.behavioral;
    for ((key, title), value) in THEMES.iter().zip([&b.ownership, &b.conflict, &b.debugging, &b.uncertainty]) {
        page.item(title, value, &format!("[behavioral] {key}"));
    }
    page.out
}

fn weak_spots(page: &mut Page, d: &Dashboard) {
    page.heading("Current weak spots");
    if d.weak_spots.is_empty() {
        let note = if d.drilled {
            "none: no recurring interview gap and every area scores 3/5 or more"
        } else {
            "not measured yet: drill for a few days (`grill`) and log your interviews (`grill log add`)"
        };
        page.item("", note, "");
        return;
    }
    for w in &d.weak_spots {
        // Escaped once here: `item` would escape the HTML entities a second time (`&amp;amp;`).
        let (name, why) = (page.untrusted(&w.name), page.untrusted(&w.why));
        page.safe_item(&name, &why);
    }
    page.item("", "drill them: `grill cram --gaps` (interview gaps), `grill drill --area AREA`", "");
}

fn mock_rounds(page: &mut Page, trend: Option<&RubricTrend>) {
    page.heading("Mock rounds");
    let Some(trend) = trend else {
        page.item(
            "",
            "none scored yet: `grill mock --format system-design` runs a round under an interview's clock",
            "",
        );
        return;
    };
    let rounds: Vec<String> = trend
        .rounds
        .iter()
        .map(|r| match r.company.as_str() {
            // A round for no interview in particular is stored for company `mock`.
            "mock" => format!("{} {}", r.held_on, page.untrusted(&r.format)),
            company => format!("{} {} for {}", r.held_on, page.untrusted(&r.format), page.untrusted(company)),
        })
        .collect();
    page.safe_item("Rubric trend", &format!("{} (scores oldest first)", trend.span_text()));
    page.safe_item("Rounds", &rounds.join(", "));
    for c in &trend.criteria {
        page.safe_item(c.name, &format!("{} ({})", c.scores_text(), c.summary()));
    }
    if let Some(weakest) = trend.weakest_text() {
        page.safe_item("Weakest", &format!("{weakest}: aim the next round at it"));
    }
}

fn stories(page: &mut Page, stories: &[Story]) {
    page.heading("Project stories");
    let written: Vec<&Story> = stories.iter().filter(|s| !s.is_blank()).collect();
    for i in 0..STORIES {
        let Some(s) = written.get(i) else {
            page.sub(&format!("{}. (story {} of {STORIES})", i + 1, i + 1));
            page.item("", "", "a [[stories]] entry: title, owned, problem, choices, constraints, validation");
            continue;
        };
        let title = if s.title.trim().is_empty() { format!("Story {}", i + 1) } else { safe(s.title.trim()) };
        page.sub(&format!("{}. {title}", i + 1));
        page.item("Owned", &s.owned, "what you owned");
        page.item("Problem", &s.problem, "the problem");
        page.item("Choices", &s.choices, "the choices you made and why");
        page.item("Constraints", &s.constraints, "the constraints");
        page.item("Validation", &s.validation, "how you validated the result");
    }
}

fn designs(page: &mut Page, designs: &[DesignPrompt]) {
    page.heading("System design prompts");
    let written: Vec<&DesignPrompt> = designs.iter().filter(|s| !s.is_blank()).collect();
    for i in 0..DESIGN_PROMPTS {
        match written.get(i) {
            Some(d) => {
                let prompt =
                    if d.prompt.trim().is_empty() { format!("Prompt {}", i + 1) } else { safe(d.prompt.trim()) };
                page.sub(&format!("{}. {prompt}", i + 1));
                page.item("Notes", &d.notes, "how you walk through it: requirements, data, APIs, failure modes");
            }
            None => {
                page.sub(&format!("{}. (prompt {} of {DESIGN_PROMPTS})", i + 1, i + 1));
                page.item("", "", "a [[system_design]] entry: prompt, notes (e.g. a notification pipeline)");
            }
        }
    }
}

#[cfg(test)]
mod tests;
