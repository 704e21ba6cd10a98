//! `grill optimize`: fit FSRS-6 to the user's own reviews, keep the fit only if it predicts
//! them better, and show what each desired retention would cost.

use std::io::Write;

use anstyle::Style;
use anyhow::Result;
use comfy_table::{CellAlignment, Table, presets::NOTHING};

use crate::app::{App, Ui};
use crate::cli::OptimizeArgs;
use crate::render::clock_time;
use crate::scheduler::optimize::{Evaluation, Fit, OptimizeError, TrainingSet, fit};
use crate::scheduler::workload::{HORIZON_DAYS, Situation, workloads};
use crate::scheduler::{Review, Scheduler};
use crate::stats::median;
use crate::store::{CardFilter, CardRow, LoggedReview, SavedParameters};

const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();

/// Answers needed before the workload uses the user's own median answer time.
const MIN_TIMED_ANSWERS: usize = 20;

/// Fits, compares and (unless `--dry-run`) keeps better parameters; or `--reset`s them.
pub fn run(app: &mut App, args: &OptimizeArgs, out: &mut Ui) -> Result<()> {
    let log = app.store.review_log()?;
    let logs = logs_by_card(&log);
    if args.reset {
        reset(app, out)?;
    } else {
        optimize(app, &logs, args.dry_run, out)?;
    }
    workload(app, &logs, &log, out)
}

fn in_use(app: &App) -> &[f32] {
    app.parameters.as_ref().map_or(&[], |p| &p.parameters)
}

fn reset(app: &mut App, out: &mut impl Write) -> Result<()> {
    if in_use(app).is_empty() {
        writeln!(out, "Already using the default FSRS-6 parameters.")?;
        return Ok(());
    }
    let saved = SavedParameters::defaults(app.now());
    let scheduler = Scheduler::new(&[], app.config.desired_retention)?;
    let cards = app.store.save_parameters(&saved, &scheduler, &app.days)?;
    writeln!(out, "Back to the default FSRS-6 parameters; {cards} card states replayed with them.")?;
    app.scheduler = scheduler;
    app.parameters = Some(saved);
    Ok(())
}

/// Each card's log, oldest first (from the log sorted by card): what the optimizer and the
/// simulator read.
fn logs_by_card(log: &[LoggedReview]) -> Vec<(i64, Vec<Review>)> {
    let mut logs: Vec<(i64, Vec<Review>)> = Vec::new();
    for logged in log {
        match logs.last_mut() {
            Some((card, reviews)) if *card == logged.card_id => reviews.push(logged.review),
            _ => logs.push((logged.card_id, vec![logged.review])),
        }
    }
    logs
}

fn optimize(app: &mut App, logs: &[(i64, Vec<Review>)], dry_run: bool, out: &mut impl Write) -> Result<()> {
    let set = TrainingSet::from_logs(logs, &app.days);
    writeln!(
        out,
        "Fitting FSRS-6 to {} reviews of {} cards {DIM}(answers a day or more after the card's previous one; \
         previews and cram repeats left out){DIM:#}",
        set.len(),
        set.cards
    )?;
    let fit = match fit(&set, in_use(app)) {
        Ok(fit) => fit,
        Err(e @ OptimizeError::NotEnoughReviews { .. }) => {
            writeln!(out, "{}.", capitalised(&e.to_string()))?;
            writeln!(out, "Keep drilling and run `grill optimize` again later.")?;
            return Ok(());
        }
        Err(e) => return Err(e.into()),
    };
    writeln!(out, "\n{}", metrics_table(app, &fit))?;
    let numbers: Vec<String> = fit.parameters.iter().map(|w| format!("{w:.4}")).collect();
    writeln!(out, "{DIM}fitted parameters: {}{DIM:#}", numbers.join(", "))?;
    if !fit.improves() {
        writeln!(out, "Not kept: they do not predict your answers better than the parameters in use.")?;
        return Ok(());
    }
    if dry_run {
        writeln!(out, "Better, but not saved (--dry-run): the parameters in use stay.")?;
        return Ok(());
    }
    let saved = SavedParameters::fitted(&fit, app.now());
    let scheduler = Scheduler::new(&saved.parameters, app.config.desired_retention)?;
    let cards = app.store.save_parameters(&saved, &scheduler, &app.days)?;
    writeln!(
        out,
        "{BOLD}Kept{BOLD:#}: they predict your answers better. Saved {}; from now on they schedule every \
         answer, and the {cards} card states were replayed with them.",
        saved.saved_at.with_timezone(&chrono::Local).format("%Y-%m-%d")
    )?;
    app.scheduler = scheduler;
    app.parameters = Some(saved);
    Ok(())
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

fn metrics_table(app: &App, fit: &Fit) -> Table {
    let mut table = Table::new();
    table.load_style(NOTHING).set_header(["parameters", "log-loss", "RMSE (bins)"]);
    let row =
        |name: String, e: &Evaluation| [name, format!("{:.4}", e.log_loss), format!("{:.2}%", e.rmse_bins * 100.0)];
    table.add_row(row("default".into(), &fit.default));
    if let Some(saved) = app.parameters.as_ref().filter(|p| !p.parameters.is_empty()) {
        let date = saved.saved_at.with_timezone(&chrono::Local).format("%Y-%m-%d");
        let how = if saved.origin.is_some() { "from Anki" } else { "fitted" };
        table.add_row(row(format!("in use ({how} {date})"), &fit.current));
    }
    table.add_row(row("fitted now".into(), &fit.fitted));
    for column in table.column_iter_mut().skip(1) {
        column.set_cell_alignment(CellAlignment::Right);
    }
    table
}

/// The expected daily workload at each desired retention, with the parameters in use.
fn workload(app: &App, logs: &[(i64, Vec<Review>)], log: &[LoggedReview], out: &mut impl Write) -> Result<()> {
    let cards = app.store.cards(&CardFilter::default())?;
    let active: Vec<_> = cards.iter().filter(|c| !c.suspended).collect();
    let states: Vec<_> = active.iter().filter_map(|c| c.state).collect();
    let (seconds, source) = answer_seconds(log, &active);
    let situation = Situation {
        parameters: in_use(app),
        cards: &states,
        new_cards: active.len() - states.len(),
        new_per_day: app.config.new_per_day,
        reviews_per_day: app.config.reviews_per_day,
        seconds_per_answer: seconds,
        log: logs,
        today: app.days.day_of(app.now()),
    };
    let rows = workloads(&situation, &app.days)?;
    writeln!(out, "\n{BOLD}Desired retention{BOLD:#}")?;
    writeln!(
        out,
        "`desired_retention` in config.toml (now {:.2}) is the chance of remembering a card that FSRS aims \
         for when it picks an interval: higher means shorter intervals and more reviews.",
        app.config.desired_retention
    )?;
    writeln!(
        out,
        "Expected over the next {HORIZON_DAYS} days for your {} active cards ({} new), {} new and {} reviews a \
         day at most, {} per answer ({source}):",
        active.len(),
        situation.new_cards,
        app.config.new_per_day,
        app.config.reviews_per_day,
        clock_time((seconds * 1000.0) as u64)
    )?;
    let mut table = Table::new();
    table.load_style(NOTHING).set_header(["retention", "answers/day", "minutes/day", "remembered after a year"]);
    for w in &rows {
        let mine = (w.desired_retention - app.config.desired_retention).abs() < 0.001;
        table.add_row([
            format!("{:.2}{}", w.desired_retention, if mine { " (yours)" } else { "" }),
            format!("{:.1}", w.answers_per_day),
            format!("{:.1}", w.minutes_per_day),
            format!("{:.0} of {}", w.remembered, active.len()),
        ]);
    }
    for column in table.column_iter_mut().skip(1) {
        column.set_cell_alignment(CellAlignment::Right);
    }
    writeln!(out, "{}", crate::render::fit(table))?;
    Ok(())
}

/// Seconds per answer for the workload: the user's median answer time once there are enough
/// answers, else the median time limit of the active cards (a spoken answer's length).
fn answer_seconds(log: &[LoggedReview], active: &[&CardRow]) -> (f32, &'static str) {
    let mut times: Vec<f64> = log.iter().filter(|r| r.duration_ms > 0).map(|r| r.duration_ms as f64 / 1000.0).collect();
    if times.len() >= MIN_TIMED_ANSWERS {
        // Quick reveals are not answers: never under half the cards' time limit.
        let limits: Vec<u32> = active.iter().filter_map(|c| c.time_limit_secs).collect();
        let floor = crate::session::pace::floor_secs(&limits);
        let median = median(&mut times).unwrap_or(60.0);
        if median < floor {
            return (floor as f32, "half the cards' median time limit: your answers were quicker");
        }
        return (median as f32, "your median answer time");
    }
    let mut limits: Vec<f64> = active.iter().filter_map(|c| c.time_limit_secs).map(f64::from).collect();
    (median(&mut limits).unwrap_or(60.0) as f32, "the cards' median time limit, until you have answered more")
}
