//! `grill cards`: the card browser.

use anyhow::Result;
use serde::Serialize;
use std::io::Write;

use crate::app::{App, Ui, queries};
use crate::cli::CardsArgs;
use crate::render::safe_line;
use crate::store::{CardFilter, CardRow};

/// One card in `--json` output: these field names are a stable interface.
#[derive(Debug, Serialize)]
struct CardJson<'a> {
    id: &'a str,
    deck: &'a str,
    area: &'a str,
    prompt: &'a str,
    due: Option<String>,
    stability: Option<f32>,
    difficulty: Option<f32>,
    reps: Option<u32>,
    lapses: Option<u32>,
    suspended: bool,
}

impl<'a> From<&'a CardRow> for CardJson<'a> {
    fn from(c: &'a CardRow) -> Self {
        CardJson {
            id: &c.key,
            deck: &c.deck,
            area: &c.area,
            prompt: &c.prompt,
            due: c
                .state
                .map(|s| s.due.min(crate::values::latest_moment()).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            stability: c.state.map(|s| s.stability),
            difficulty: c.state.map(|s| s.difficulty),
            reps: c.state.map(|s| s.reps),
            lapses: c.state.map(|s| s.lapses),
            suspended: c.suspended,
        }
    }
}

/// Lists the cards matching the filters.
pub fn run(app: &App, args: &CardsArgs, out: &mut Ui) -> Result<()> {
    let filter = CardFilter {
        decks: queries::decks(app, &args.decks)?,
        areas: queries::areas(app, &args.areas)?,
        search: args.search.clone(),
    };
    let tomorrow = app.tomorrow();
    let cards: Vec<CardRow> = app
        .store
        .cards(&filter)?
        .into_iter()
        .filter(|c| !args.due || (!c.suspended && c.state.is_some_and(|s| s.due < tomorrow)))
        .filter(|c| !args.new_only || c.state.is_none())
        .filter(|c| !args.suspended || c.suspended)
        .filter(|c| !args.leeches || c.is_leech())
        .collect();
    if args.json {
        let json: Vec<CardJson> = cards.iter().map(CardJson::from).collect();
        writeln!(out, "{}", crate::render::json_safe(&serde_json::to_string_pretty(&json)?))?;
        return Ok(());
    }
    if cards.is_empty() {
        writeln!(out, "No cards match.")?;
        return Ok(());
    }
    // A narrow terminal gets the columns a browser needs, each card on one line; the memory
    // figures are in `grill show CARD` and `--json`.
    let compact = out.width().filter(|&w| w < WIDE_ENOUGH);
    let mut table = crate::render::table(out.width());
    let id_width = cards.iter().map(|c| safe_line(&c.key).chars().count()).max().unwrap_or(2);
    let due_width = if cards.iter().all(|c| c.state.is_none() && !c.suspended) { 3 } else { 10 };
    let prompt_max = match compact {
        // What the borders, the padding, the id and the due column leave.
        Some(width) => width.saturating_sub(id_width + due_width + 10).max(12),
        None => 60,
    };
    if let Some(width) = compact {
        // The widths are worked out above: each card on one line, when the ids leave room.
        if id_width + due_width + 10 + prompt_max <= width {
            table.set_content_arrangement(comfy_table::ContentArrangement::Disabled);
        }
        table.set_header(["id", "prompt", "due"]);
    } else {
        table.set_header(["id", "area", "prompt", "due", "stab.", "diff.", "reps", "lapses"]);
    }
    for c in &cards {
        let prompt = safe_line(&c.prompt);
        let short: String = if prompt.chars().count() > prompt_max {
            prompt.chars().take(prompt_max - 1).chain(['…']).collect()
        } else {
            prompt
        };
        let state = |f: &dyn Fn(&crate::scheduler::CardState) -> String| c.state.as_ref().map(f).unwrap_or_default();
        let due = if c.suspended {
            "suspended".to_owned()
        } else if c.is_leech() && compact.is_some() {
            "leech".to_owned()
        } else {
            c.state
                .map(|s| s.due.with_timezone(&chrono::Local).format("%Y-%m-%d").to_string())
                .unwrap_or_else(|| "new".to_owned())
        };
        if compact.is_some() {
            table.add_row([safe_line(&c.key), short, due]);
            continue;
        }
        table.add_row([
            safe_line(&c.key),
            safe_line(&c.area),
            short,
            due,
            state(&|s| format!("{:.1}", s.stability)),
            state(&|s| format!("{:.1}", s.difficulty)),
            state(&|s| s.reps.to_string()),
            // A leech is tagged where its lapses show.
            state(&|s| if c.is_leech() { format!("{} leech", s.lapses) } else { s.lapses.to_string() }),
        ]);
    }
    writeln!(out, "{}", crate::render::fit(table))?;
    writeln!(out, "{}", crate::render::plural(cards.len(), "card", "cards"))?;
    Ok(())
}

/// The width from which `grill cards` shows every column (stability, difficulty, reps, lapses).
const WIDE_ENOUGH: usize = 120;
