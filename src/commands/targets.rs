//! What the planning commands (drill, plan, cram) share: the cards, the weights of the target
//! roles, the user's pace, the next interview, and how days are written.

use anyhow::Result;

use crate::app::App;
use crate::session::pace::{Pace, RECENT_ANSWERS};
use crate::session::when::{date_of_day, day_of_date};
use crate::session::{AreaWeights, InputError, PlanCard, RoleBook};
use crate::store::UpcomingInterview;

/// Today's day number.
pub fn today(app: &App) -> i64 {
    app.days.day_of(app.now())
}

/// The active cards, only those of `areas` when any are given (each must have cards).
pub fn cards(app: &App, areas: &[String]) -> Result<Vec<PlanCard>> {
    let all = app.store.plan_cards()?;
    if let Some(unknown) = areas.iter().find(|a| !all.iter().any(|c| c.area() == a.as_str())) {
        let mut known: Vec<&str> = all.iter().map(PlanCard::area).collect();
        known.dedup();
        return Err(InputError::new(
            "--area",
            format!("no cards in area {unknown:?}; the areas are {}", known.join(", ")),
        )
        .into());
    }
    Ok(all.into_iter().filter(|c| areas.is_empty() || areas.iter().any(|a| a == c.area())).collect())
}

/// The weight of every area of `cards` for `roles` and the configured languages; areas asked
/// for by name count at least 1 even when the roles give them nothing.
pub fn weights(app: &App, roles: &[String], cards: &[PlanCard], areas: &[String]) -> AreaWeights {
    let mut names: Vec<&str> = cards.iter().map(PlanCard::area).collect();
    names.sort_unstable();
    names.dedup();
    RoleBook::builtin().weights(roles, &app.config.languages, names).restricted_to(areas, 1.0)
}

/// Checks role names given on the command line.
pub fn check_roles(roles: &[String]) -> Result<(), InputError> {
    RoleBook::builtin().check("--role", roles)
}

/// The user's pace, from their recent answers.
pub fn pace(app: &App, cards: &[PlanCard]) -> Result<Pace> {
    Ok(Pace::new(&app.store.answer_times(RECENT_ANSWERS)?, cards))
}

/// The next interview, today or later.
pub fn next_interview(app: &App) -> Result<Option<UpcomingInterview>> {
    Ok(app.store.next_interview(date_of_day(today(app)))?)
}

/// One line about the next interview for the drill and plan headers, if there is one.
pub fn interview_line(app: &App) -> Result<Option<String>> {
    Ok(next_interview(app)?.map(|i| {
        let day = day_of_date(i.day);
        format!(
            "Next interview: {} on {} ({}) · `grill cram` prepares for it",
            crate::render::safe_line(&i.name),
            day_label(day),
            from_today(day - today(app))
        )
    }))
}

/// A day as headers show it: `Fri 06 Mar`.
pub fn day_label(day: i64) -> String {
    date_of_day(day).format("%a %d %b").to_string()
}

/// `today`, `tomorrow`, `in 4 days`.
pub fn from_today(days: i64) -> String {
    match days {
        0 => "today".to_owned(),
        1 => "tomorrow".to_owned(),
        n => format!("in {n} days"),
    }
}

/// A share (0-1) as a whole percentage.
pub fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

/// A share (0-1) as a percentage to a tenth: one session moves readiness by fractions of a point.
pub fn percent_tenths(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

/// Roles as a header shows them.
pub fn roles_label(roles: &[String]) -> String {
    if roles.is_empty() {
        "all areas alike (no target roles set)".to_owned()
    } else {
        format!("roles {}", roles.join(", "))
    }
}
