//! `grill cram`: a session that raises the role-weighted readiness on the interview day as much
//! as the minutes allow, without wrecking the long-term schedule.

use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::time::{Duration, Instant};

use anstyle::Style;
use anyhow::Result;

use crate::app::queries as targets;
use crate::app::session::{Session, SessionKind};
use crate::app::{App, Ui};
use crate::cli::CramArgs;
use crate::cycle::gaps;
use crate::render::safe_line;
use crate::render::{day_label, from_today, percent, percent_tenths, roles_label};
use crate::repl::{self, Input};
use crate::scheduler::{Rating, Review, ReviewKind, changes_state};
use crate::session::cram::{CramGoal, CramPlan, plan_cram};
use crate::session::forecast::Context;
use crate::session::when::day_of;
use crate::session::{InputError, PlanCard, Readiness};

/// The day to cram for, and for whom.
#[derive(Debug, Clone, PartialEq)]
struct Target {
    day: i64,
    /// The interview's name, when the day came from `grill interview`.
    name: Option<String>,
    roles: Vec<String>,
}

/// Runs a cram session, reading answers from stdin.
pub fn run(app: &mut App, args: &CramArgs, out: &mut Ui) -> Result<()> {
    let mut input = repl::stdin_input()?;
    cram(app, args, input.as_mut(), out)
}

/// A cram session with explicit input and output.
pub fn cram(app: &mut App, args: &CramArgs, input: &mut dyn Input, out: &mut dyn Write) -> Result<()> {
    let target = target(app, args)?;
    let (cards, areas) = cram_cards(app, args)?;
    if cards.is_empty() {
        writeln!(out, "Nothing to cram: `grill gaps` names no cards (log your interviews with `grill log add`).")?;
        return Ok(());
    }
    let weights = targets::weights(app, &target.roles, &cards, &areas);
    let goal =
        CramGoal { day: target.day, weights, budget_minutes: f64::from(args.minutes), reschedule: !args.no_reschedule };
    let pace = targets::pace(app, &cards)?;
    let logged_only = crammed_today(app, &cards)?;
    let ctx = Context { scheduler: &app.scheduler, clock: &app.days, pace: &pace, now: app.now() };
    let plan = plan_cram(&cards, &goal, &logged_only, &ctx)?;
    print_header(app, out, &target, args, &plan)?;
    if plan.items.is_empty() {
        writeln!(out, "Nothing to cram: no card would raise your readiness on that day.")?;
        return Ok(());
    }
    let queue = plan.items.iter().map(|i| i.card.card.clone()).collect();
    let kind = SessionKind::Cram { reschedule: goal.reschedule };
    let mut session = Session::of_kind(kind, queue, app.scheduler.clone(), app.days.clone());
    let started = Instant::now();
    let time_box = Duration::from_secs(u64::from(args.minutes) * 60);
    let ending = repl::run(app, &mut session, input, out, Some(time_box))?;
    repl::print_summary(out, ending, &session, started.elapsed(), "Done: every planned card answered.", "")?;
    // The same cards as before the session (answers may change which cards the gaps name).
    let ids: HashSet<i64> = cards.iter().map(|c| c.card.id).collect();
    let now_cards: Vec<PlanCard> = targets::cards(app, &[])?.into_iter().filter(|c| ids.contains(&c.card.id)).collect();
    let after = Readiness::on(&app.scheduler, &app.days, &now_cards, &goal.weights, goal.day);
    writeln!(
        out,
        "Projected readiness on {}: {} before → {} after this session ({:+.1} points).",
        day_label(goal.day),
        percent_tenths(plan.before.overall),
        percent_tenths(after.overall),
        (after.overall - plan.before.overall) * 100.0
    )?;
    crate::render::leeches(out, &targets::leeches(app, &session.answered_cards())?)
}

/// The cards to cram and the areas asked for: with `--gaps` exactly the cards `grill gaps`
/// names (their areas named, so no role weight leaves one out), else the `--area` selection.
fn cram_cards(app: &App, args: &CramArgs) -> Result<(Vec<PlanCard>, Vec<String>)> {
    let areas = targets::areas(app, &args.areas)?;
    let cards = targets::cards(app, &areas)?;
    if !args.gaps {
        return Ok((cards, areas));
    }
    let keys: HashSet<String> = gaps::gap_card_keys(&crate::app::queries::gaps(app)?).into_iter().collect();
    let cards: Vec<PlanCard> = cards.into_iter().filter(|c| keys.contains(&c.card.key)).collect();
    let mut areas: Vec<String> = cards.iter().map(|c| c.area().to_owned()).collect();
    areas.sort();
    areas.dedup();
    Ok((cards, areas))
}

/// The day from `--until`/`--in`, else the next interview; the roles from `--role`, else the
/// interview's, else config.toml's.
fn target(app: &App, args: &CramArgs) -> Result<Target> {
    targets::check_roles(&args.roles)?;
    let today = targets::today(app);
    let (day, name, interview_roles) = match (&args.until, &args.within) {
        (Some(until), _) => (day_of("--until", *until, today, &app.days)?, None, Vec::new()),
        (None, Some(span)) => (today + i64::from(span.days), None, Vec::new()),
        (None, None) => match targets::next_interview(app)? {
            Some(i) => (crate::session::when::day_of_date(i.day), Some(i.name), i.roles),
            // Closing interview gaps needs no interview date: aim at tomorrow.
            None if args.gaps => (today + 1, None, Vec::new()),
            None => {
                return Err(InputError::new(
                    "--until",
                    "no interview day: give --until DATE or --in 3d, or record it with \
                     `grill interview add NAME --on DATE`",
                )
                .into());
            }
        },
    };
    let roles = [&args.roles, &interview_roles, &app.config.roles]
        .into_iter()
        .find(|r| !r.is_empty())
        .cloned()
        .unwrap_or_default();
    Ok(Target { day, name, roles })
}

/// Cards whose cram answer now would only be logged: the scheduler's rule, asked with today's
/// reviews (the rule only looks at the same day).
fn crammed_today(app: &App, cards: &[PlanCard]) -> Result<HashSet<i64>> {
    let now = app.now();
    let mut today: BTreeMap<i64, Vec<Review>> = BTreeMap::new();
    for logged in app.store.reviews_between(app.today_start(), app.tomorrow())? {
        today.entry(logged.card_id).or_default().push(logged.review);
    }
    let probe = Review { at: now, rating: Rating::Good, kind: ReviewKind::Cram };
    Ok(cards
        .iter()
        .map(|c| c.card.id)
        .filter(|id| today.get(id).is_some_and(|history| !changes_state(&probe, history, &app.days)))
        .collect())
}

fn print_header(app: &App, out: &mut dyn Write, target: &Target, args: &CramArgs, plan: &CramPlan) -> Result<()> {
    let dim = Style::new().dimmed();
    let name = target.name.as_deref().map(|n| format!("{} · ", safe_line(n))).unwrap_or_default();
    writeln!(
        out,
        "Cram · {name}{} ({}) · {} · {} minutes",
        day_label(target.day),
        from_today(target.day - targets::today(app)),
        roles_label(&target.roles),
        args.minutes
    )?;
    writeln!(
        out,
        "Projected readiness on {}: {} (role-weighted recall)",
        day_label(target.day),
        percent_tenths(plan.before.overall)
    )?;
    for area in &plan.before.areas {
        writeln!(
            out,
            "  {:<16} weight {:.1} · {:>3} cards · recall on the day {:>4} → {} with this plan",
            safe_line(&area.area),
            area.weight,
            area.cards,
            percent(area.recall),
            percent(plan.planned.recall(&area.area))
        )?;
    }
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for item in &plan.items {
        *counts.entry(item.card.area()).or_default() += 1;
    }
    let mut counts: Vec<(&str, usize)> = counts.into_iter().collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let split: Vec<String> = counts.iter().map(|(a, n)| format!("{} {n}", safe_line(a))).collect();
    writeln!(
        out,
        "Plan: {} {}, about {:.0} minutes ({}). Answered as planned: about {} on the day.",
        plan.items.len(),
        if plan.items.len() == 1 { "card" } else { "cards" },
        plan.minutes,
        split.join(" · "),
        percent_tenths(plan.planned.overall)
    )?;
    let rule = if args.no_reschedule {
        "--no-reschedule: answers are logged; no card's schedule changes."
    } else {
        "A card's first cram answer today counts as a review; repeats are logged only. Failed cards come back."
    };
    writeln!(out, "{dim}{rule} Rate 1-4; ? for help{dim:#}")?;
    Ok(())
}
