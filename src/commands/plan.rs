//! `grill plan`: today's queue per area with estimated minutes; `--month`: the four-week
//! refresh cycle. Also builds today's queue for the drill, so the plan is what the drill shows.

use std::collections::BTreeMap;
use std::io::Write;

use anyhow::Result;

use crate::app::queries::{self as targets, todays_queue};
use crate::app::{App, Ui};
use crate::cli::PlanArgs;
use crate::render::safe_line;
use crate::render::{day_label, percent, roles_label};
use crate::session::forecast::Context;
use crate::session::month::{MonthGoal, Week, plan_month};
use crate::session::pace::{Pace, PaceSource};
use crate::session::{Candidate, RoleBook};

/// Prints today's plan or, with `--month`, the four-week cycle.
pub fn run(app: &App, args: &PlanArgs, out: &mut Ui) -> Result<()> {
    if args.month {
        return month(app, args, out);
    }
    let areas = targets::areas(app, &args.areas)?;
    let today = todays_queue(app, &areas, Default::default())?;
    let (pace, weights) = targets::pace_and_weights(app, &areas, &app.config.roles)?;
    writeln!(out, "Today's plan · {} · {}", day_label(targets::today(app)), roles_label(&app.config.roles))?;
    if let Some(line) = targets::interview_line(app)? {
        writeln!(out, "{line}")?;
    }
    if today.queue.is_empty() {
        writeln!(out, "Nothing left for today: no cards due and no new cards allowed.")?;
        return Ok(());
    }
    let rows = per_area(&today.queue, &pace);
    let mut ordered: Vec<(&String, &(usize, usize, f64))> = rows.iter().collect();
    ordered.sort_by(|a, b| weights.get(b.0).total_cmp(&weights.get(a.0)).then(a.0.cmp(b.0)));
    let mut table = crate::render::table(out.width());
    table.set_header(["area", "weight", "due", "new", "min/card", "minutes"]);
    for (area, (due, new, minutes)) in ordered {
        table.add_row([
            safe_line(area),
            format!("{:.1}", weights.get(area)),
            due.to_string(),
            new.to_string(),
            format!("{:.1}", pace.minutes(area)),
            format!("{minutes:.0}"),
        ]);
    }
    let (due, new, minutes) = rows.values().fold((0, 0, 0.0), |t, r| (t.0 + r.0, t.1 + r.1, t.2 + r.2));
    table.add_row([
        "total".to_owned(),
        String::new(),
        due.to_string(),
        new.to_string(),
        String::new(),
        format!("{minutes:.0}"),
    ]);
    writeln!(out, "{}", crate::render::fit(table))?;
    writeln!(out, "About {minutes:.0} minutes for {} cards. {}", due + new, pace_note(&pace, rows.keys()))?;
    Ok(())
}

/// (due, new, expected minutes) per area of the queue.
fn per_area(queue: &[Candidate], pace: &Pace) -> BTreeMap<String, (usize, usize, f64)> {
    let mut rows: BTreeMap<String, (usize, usize, f64)> = BTreeMap::new();
    for card in queue {
        let row = rows.entry(card.area.clone()).or_default();
        if card.is_new() {
            row.1 += 1
        } else {
            row.0 += 1
        }
        row.2 += pace.minutes(&card.area);
    }
    rows
}

/// Where the per-card times come from, in a sentence.
fn pace_note<'a>(pace: &Pace, areas: impl Iterator<Item = &'a String>) -> String {
    let sources: Vec<PaceSource> = areas.map(|a| pace.source(a)).collect();
    if sources.contains(&PaceSource::Floor) {
        "Times: your median answer per area, but never under half the decks' time limit (quick reveals are \
         not answers), plus reading the key points."
            .to_owned()
    } else if sources.iter().all(|s| *s == PaceSource::Area) {
        "Times: your median answer per area, plus reading the key points.".to_owned()
    } else if sources.contains(&PaceSource::Default) {
        "Times: the decks' time limits until you have answered a few cards, plus reading the key points.".to_owned()
    } else {
        "Times: your median answer per area (all areas where you have answered few), plus reading the key points."
            .to_owned()
    }
}

/// `grill plan --month`.
fn month(app: &App, args: &PlanArgs, out: &mut dyn Write) -> Result<()> {
    let areas = targets::areas(app, &args.areas)?;
    let cards = targets::cards(app, &areas)?;
    let pace = targets::pace(app, &cards)?;
    let weights = targets::weights(app, &app.config.roles, &cards, &areas);
    let goal = MonthGoal { weights: &weights, roles: &app.config.roles, week_minutes: f64::from(args.week_minutes) };
    let book = RoleBook::builtin();
    let is_language = |area: &str| book.is_language(area);
    let ctx = Context { scheduler: &app.scheduler, clock: &app.days, pace: &pace, now: app.now() };
    let weeks = plan_month(&cards, &goal, &is_language, &ctx)?;
    // Only the prompts the weeks show (every card's texts took 40% of the command at 50,000
    // cards).
    let mut prompts: BTreeMap<i64, String> = BTreeMap::new();
    for item in weeks.iter().flat_map(|w| &w.items) {
        let id = item.card.card.id;
        if let std::collections::btree_map::Entry::Vacant(slot) = prompts.entry(id) {
            slot.insert(app.store.card(id)?.prompt);
        }
    }
    writeln!(
        out,
        "Four-week refresh · from {} · {} · {} minutes a week · weakest relevant areas first",
        day_label(targets::today(app)),
        roles_label(&app.config.roles),
        args.week_minutes
    )?;
    for week in &weeks {
        print_week(out, week, &prompts)?;
    }
    let left_out: Vec<&str> = {
        let mut areas: Vec<&str> = cards.iter().map(|c| c.area()).filter(|a| weights.get(a) > 0.0).collect();
        areas.dedup();
        areas.retain(|a| !weeks.iter().any(|w| w.readiness.areas.iter().any(|r| r.area == *a)));
        areas
    };
    if !left_out.is_empty() {
        writeln!(
            out,
            "\nNot in the cycle: {} (drill them with `grill drill --area AREA`).",
            safe_line(&left_out.join(", "))
        )?;
    }
    Ok(())
}

fn print_week(out: &mut dyn Write, week: &Week, prompts: &BTreeMap<i64, String>) -> Result<()> {
    writeln!(
        out,
        "\nWeek {} · {} – {} · {}",
        week.number,
        day_label(week.first_day),
        day_label(week.first_day + 6),
        week.theme.title
    )?;
    if week.readiness.areas.is_empty() {
        writeln!(out, "  nothing relevant for your roles and languages: a week for anything you choose")?;
        return Ok(());
    }
    let areas: Vec<String> = week
        .readiness
        .areas
        .iter()
        .map(|a| format!("{} (weight {:.1}, recall {})", safe_line(&a.area), a.weight, percent(a.recall)))
        .collect();
    writeln!(out, "  areas: {}", areas.join(" · "))?;
    if let Some(design) = &week.design {
        writeln!(out, "  the design: {}", safe_line(design))?;
    }
    writeln!(out, "  {} cards, about {:.0} minutes:", week.items.len(), week.minutes)?;
    for item in &week.items {
        let prompt = prompts.get(&item.card.card.id).map(|p| safe_line(p)).unwrap_or_default();
        let short: String =
            if prompt.chars().count() > 70 { prompt.chars().take(69).chain(['…']).collect() } else { prompt };
        writeln!(out, "    {:<44} {short}", safe_line(&item.card.card.key))?;
    }
    Ok(())
}
