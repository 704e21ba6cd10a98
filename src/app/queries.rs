//! The use cases several commands share: load what a computation needs from the store, run the
//! pure core on it, and hand back plain values for a command to render. Commands are leaves:
//! when two of them need the same thing, it lives here.

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};

use crate::app::App;
use crate::cycle::gaps::{self, Gap};
use crate::render::{day_label, from_today};
use crate::scheduler::ReviewKind;
use crate::scorecard::{self, AnswerSlot, Inputs, Scorecard, slot_of};
use crate::session::forecast::new_card_shares;
use crate::session::pace::{Pace, RECENT_ANSWERS};
use crate::session::when::{date_of_day, day_of_date};
use crate::session::{
    Allowance, AreaWeights, Candidate, InputError, PlanCard, Readiness, RoleBook, plan_queue_weighted,
};
use crate::stats::{self, CardFacts, LogEntry, Stats};
use crate::store::{CardFilter, CardRow, LoggedReview, UpcomingInterview};
use crate::values::Area;

/// Today's day number.
pub fn today(app: &App) -> i64 {
    app.days.day_of(app.now())
}

/// The areas `--area` names, as the decks spell them: checked against the cards once, for
/// every command alike. A dimension (`remote-communication`) stands for the area it is measured
/// from; an unknown name is an error that lists the areas there are.
pub fn areas(app: &App, typed: &[Area]) -> Result<Vec<String>> {
    if typed.is_empty() {
        return Ok(Vec::new());
    }
    let known = app.store.areas()?;
    let mut found = Vec::new();
    for area in typed {
        let wanted = crate::scorecard::canonical_name(area.as_str());
        match known.iter().find(|k| **k == wanted || Area::fold(k).as_str() == wanted) {
            Some(k) if !found.contains(k) => found.push(k.clone()),
            Some(_) => {}
            None => {
                let list: Vec<String> = known.iter().map(|k| crate::render::safe_line(k)).collect();
                return Err(InputError::new(
                    "--area",
                    format!("no cards in area {:?}; the areas are: {}", area.as_str(), list.join(", ")),
                )
                .into());
            }
        }
    }
    Ok(found)
}

/// The decks `--deck` names, checked against the store: an unknown id is an error that lists
/// the decks there are.
pub fn decks(app: &App, typed: &[String]) -> Result<Vec<String>> {
    if typed.is_empty() {
        return Ok(Vec::new());
    }
    let mut known: Vec<String> = app.store.deck_summaries(app.tomorrow())?.into_iter().map(|d| d.key).collect();
    // The interview log's deck exists from the first logged interview on; its name is always valid.
    known.push(crate::cycle::interview::DECK_ID.to_owned());
    for deck in typed {
        if !known.contains(deck) {
            let list: Vec<String> = known.iter().map(|k| crate::render::safe_line(k)).collect();
            return Err(InputError::new(
                "--deck",
                format!("no deck {:?}; the decks are: {}", crate::render::safe_line(deck), list.join(", ")),
            )
            .into());
        }
    }
    Ok(typed.to_vec())
}

/// The active cards, only those of `areas` (as [`areas`] checked them) when any are given.
pub fn cards(app: &App, areas: &[String]) -> Result<Vec<PlanCard>> {
    let all = app.store.plan_cards()?;
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

/// The user's pace and the areas' weights for `roles`, for the active cards of `areas` (all
/// when empty), from the areas' time limits instead of the cards: what `grill plan` needs.
pub fn pace_and_weights(app: &App, areas: &[String], roles: &[String]) -> Result<(Pace, AreaWeights)> {
    let mut limits = app.store.active_time_limits()?;
    limits.retain(|area, _| areas.is_empty() || areas.contains(area));
    let pace = Pace::from_limits(&app.store.answer_times(RECENT_ANSWERS)?, &limits);
    let names = limits.keys().map(String::as_str);
    let weights = RoleBook::builtin().weights(roles, &app.config.languages, names);
    Ok((pace, weights))
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

/// Today's queue as the drill will show it.
#[derive(Debug, Clone)]
pub struct Today {
    pub queue: Vec<Candidate>,
    /// Reviews logged today so far.
    pub done_today: usize,
    /// When the daily review limit left due cards out: how many are still due today.
    pub held_back: Option<usize>,
    /// The readiness summary the queue was planned with (the drill's "before" reuses it).
    pub summary: scorecard::Summary,
}

/// What the drill may take today beyond the config's daily limits (`--new N`, `--reviews N`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Overrides {
    pub new: Option<usize>,
    pub reviews: Option<usize>,
    pub limit: Option<usize>,
}

/// Plans today's queue: due reviews interleaved across areas, and new cards from the areas
/// that weigh most for the target roles and score lowest, in proportion.
pub fn todays_queue(app: &App, areas: &[String], overrides: Overrides) -> Result<Today> {
    let Overrides { new, reviews, limit } = overrides;
    let today = app.store.reviews_between(app.today_start(), app.tomorrow())?;
    let new_today = today.iter().filter(|r| r.review.kind == ReviewKind::Learn).count();
    let reviews_today = today.iter().filter(|r| r.review.kind == ReviewKind::Review).count();
    let allowance = Allowance {
        new: new.unwrap_or(app.config.new_per_day.saturating_sub(new_today)),
        reviews: reviews.unwrap_or(app.config.reviews_per_day.saturating_sub(reviews_today)),
    };
    let skipped = app.store.skipped_at(app.now())?;
    let mut candidates = app.store.candidates(app.tomorrow(), allowance.reviews, allowance.new, areas)?;
    candidates.retain(|c| !skipped.contains(&c.id));
    // Planning reads only the areas and their readiness (derived tables), not every card.
    let summary = app.store.readiness_summary()?;
    let names = summary.areas.iter().filter(|a| a.active > 0).map(|a| a.area.as_str());
    let weights = RoleBook::builtin().weights(&app.config.roles, &app.config.languages, names);
    let recall = Readiness::on_summary(&app.scheduler, &app.days, &summary, &weights, self::today(app));
    let shares = new_card_shares(&recall, &weights, app.seed);
    let mut queue = plan_queue_weighted(candidates, allowance, &shares, app.seed);
    if let Some(limit) = limit {
        queue.truncate(limit);
    }
    // The limit was reached while cards are still due: say so rather than "nothing due".
    let held_back = if reviews.is_none() && candidates_due(&queue) == allowance.reviews {
        let left = app.store.due_count(app.tomorrow(), app.now(), areas)?.saturating_sub(candidates_due(&queue));
        (left > 0).then_some(left)
    } else {
        None
    };
    Ok(Today { queue, done_today: today.len(), held_back, summary })
}

fn candidates_due(queue: &[Candidate]) -> usize {
    queue.iter().filter(|c| !c.is_new()).count()
}

/// The scorecard of every area at `at`, from the database as it is now.
pub fn scorecard_at(app: &App, at: DateTime<Utc>) -> Result<Scorecard> {
    Ok(scorecards_at(app, &[at])?.remove(0))
}

/// The scorecard at each of `moments` (oldest first), reading the database once. When every
/// moment comes after the last review, the derived tables and the retention window's log are
/// all it needs (no card is read); a moment in the past replays the whole log.
pub fn scorecards_at(app: &App, moments: &[DateTime<Utc>]) -> Result<Vec<Scorecard>> {
    scorecards_with(app, moments, None)
}

/// [`scorecard_at`] with the readiness summary already read (by [`todays_queue`], before any
/// write since).
pub fn scorecard_with(app: &App, at: DateTime<Utc>, summary: scorecard::Summary) -> Result<Scorecard> {
    Ok(scorecards_with(app, &[at], Some(summary))?.remove(0))
}

fn scorecards_with(
    app: &App,
    moments: &[DateTime<Utc>],
    summary: Option<scorecard::Summary>,
) -> Result<Vec<Scorecard>> {
    if let Some((recent, slots)) = recent_inputs(app, moments)? {
        let summary = match summary {
            Some(summary) => summary,
            None => app.store.readiness_summary()?,
        };
        let slots = slots.as_deref();
        return Ok(scorecard::compute_summarised(&summary, &recent, slots, moments, &app.scheduler, &app.days));
    }
    Ok(scorecard::compute_many(&scorecard_inputs(app)?, moments, &app.scheduler, &app.days)?)
}

/// When every moment comes after the last review: the self-assessments and the retention
/// window, all the summarised scorecard needs besides the derived tables. The window comes
/// from the answers per slot (`answer_slots`), or from the log when it holds a cram or mock
/// answer of an active card (whether those count depends on the card's other answers that day).
fn recent_inputs(app: &App, moments: &[DateTime<Utc>]) -> Result<Option<(Inputs, Option<Vec<AnswerSlot>>)>> {
    let Some(first) = moments.iter().min() else { return Ok(None) };
    if app.store.latest_review_at()?.is_some_and(|latest| latest > *first) {
        return Ok(None);
    }
    let since = app.days.day_start(app.days.day_of(*first) - (scorecard::RETENTION_DAYS - 1));
    let inputs = |cards| Inputs { cards, self_ratings: Vec::new(), languages: app.config.languages.clone() };
    let slots = app.store.answer_slots(slot_of(since), true)?;
    let (mut recent, slots) = if slots.iter().any(|r| r.gap == scorecard::GAP_FROM_LOG) {
        (inputs(app.store.retention_window(since)?), None)
    } else {
        (inputs(Vec::new()), Some(slots))
    };
    recent.self_ratings = app.store.self_ratings()?;
    Ok(Some((recent, slots)))
}

/// Everything the scorecard is computed from, read from the database (also the report's).
pub fn scorecard_inputs(app: &App) -> Result<Inputs> {
    Ok(Inputs {
        cards: app.store.scorecard_cards()?,
        self_ratings: app.store.self_ratings()?,
        languages: app.config.languages.clone(),
    })
}

/// Per-area scores now: (area, 1-5), by area name, for the areas with at least one reviewed
/// card (an area never drilled scores 1, which says it is unknown, not that it is weak), and
/// whether any card has been reviewed at all.
pub fn area_scores(app: &App) -> Result<(Vec<(String, f32)>, bool)> {
    let card = scorecard_at(app, app.now())?;
    let drilled = card.areas.iter().any(|a| a.seen > 0);
    let scores =
        card.areas.iter().filter(|a| a.seen > 0).filter_map(|a| Some((a.area.clone(), a.score? as f32))).collect();
    Ok((scores, drilled))
}

/// Reads the cards and the log and computes the stats (what `grill report` shows too).
pub fn stats(app: &App, areas: &[String]) -> Result<Stats> {
    let now = app.now();
    let forecast_end = app.days.day_start(today(app) + stats::FORECAST_DAYS);
    let slots_from = app.days.day_start(today(app) - stats::OLDEST_WINDOW_DAYS);
    let window = stats::answer_time_window_start(now, &app.days);
    let parts = app.store.stats_parts(window, forecast_end, slots_from, areas)?;
    if let Some(stats) = stats::compute_from_parts(&parts, now, &app.days, areas) {
        return Ok(stats);
    }
    stats_from_log(app, areas)
}

/// The stats computed from every card and the whole log: what [`stats`] falls back to when a
/// retention window holds a cram or mock answer.
pub fn stats_from_log(app: &App, areas: &[String]) -> Result<Stats> {
    let cards: Vec<CardFacts> = app.store.cards(&CardFilter::default())?.iter().map(facts).collect();
    let log: Vec<LogEntry> = app.store.review_log()?.iter().map(entry).collect();
    Ok(stats::compute(&cards, &log, app.now(), &app.days, areas))
}

/// The gaps from the interview log, the drill log and the cards.
pub fn gaps(app: &App) -> Result<Vec<Gap>> {
    let questions = app.store.asked_questions()?;
    let drill = app.store.drill_tallies()?;
    let cards = app.store.gap_cards()?;
    Ok(gaps::find_gaps(&questions, &drill, &cards))
}

fn facts(card: &CardRow) -> CardFacts {
    CardFacts {
        id: card.id,
        key: card.key.clone(),
        area: card.area.clone(),
        time_limit_secs: card.time_limit_secs,
        suspended: card.suspended,
        leech_cleared_at: card.leech_cleared_at,
        state: card.state,
    }
}

fn entry(logged: &LoggedReview) -> LogEntry {
    LogEntry { card_id: logged.card_id, review: logged.review, duration_ms: logged.duration_ms }
}

/// The cards among `answered` that are leeches: (card key, lapses).
pub fn leeches(app: &App, answered: &[i64]) -> Result<Vec<(String, u32)>> {
    let mut found = Vec::new();
    for id in answered {
        let card = app.store.card(*id)?;
        if card.is_leech() {
            found.push((card.key.clone(), card.state.map_or(0, |s| s.lapses)));
        }
    }
    Ok(found)
}

/// The card a user means by `typed` (the `CARD` argument of show, edit, suspend): its id, else
/// the one id that starts with it, else the one card whose text contains it. Several matches
/// or none are input errors that say what to type instead.
pub fn card(app: &App, typed: &str) -> Result<CardRow> {
    let typed = typed.trim();
    if let Ok(card) = app.store.card_by_key(typed) {
        return Ok(card);
    }
    let ambiguous = |keys: &[String]| {
        let shown: Vec<String> = keys.iter().take(5).map(|k| crate::render::safe_line(k)).collect();
        let more = if keys.len() > 5 { ", ..." } else { "" };
        InputError::new(
            "CARD",
            format!("{typed:?} matches several cards: {}{more}; give more of the id", shown.join(", ")),
        )
    };
    let keys = app.store.keys_starting(typed, 6)?;
    match keys.len() {
        1 => return Ok(app.store.card_by_key(&keys[0])?),
        n if n > 1 => return Err(ambiguous(&keys).into()),
        _ => {}
    }
    let found = app.store.cards(&CardFilter { search: Some(typed.to_owned()), ..Default::default() })?;
    match found.len() {
        1 => Ok(found.into_iter().next().expect("one card")),
        0 => Err(InputError::new(
            "CARD",
            format!(
                "no card {:?}: give its id as `grill cards` shows it (or the start of it), or text from its prompt",
                crate::render::safe_line(typed)
            ),
        )
        .into()),
        _ => Err(ambiguous(&found.into_iter().map(|c| c.key).collect::<Vec<_>>()).into()),
    }
}

/// How long after an interview's day grill reminds you to log it.
const LOG_NUDGE_DAYS: i64 = 14;

/// Interviews from `grill interview add` whose day has passed (within two weeks) and that
/// have no entry in the interview log on that day: each with the `grill log add` line that
/// logs it, prefilled.
pub fn unlogged_interviews(app: &App) -> Result<Vec<(UpcomingInterview, String)>> {
    let today = date_of_day(self::today(app));
    let from = today - chrono::Duration::days(LOG_NUDGE_DAYS);
    let past = app.store.interviews_between(from, today)?;
    if past.is_empty() {
        return Ok(Vec::new());
    }
    let logged: Vec<String> = app.store.interviews()?.into_iter().map(|i| i.held_on).collect();
    Ok(past
        .into_iter()
        .filter(|i| !logged.contains(&i.day.to_string()))
        .map(|i| {
            let role = i.roles.first().map(|r| format!(" --role {r}")).unwrap_or_default();
            let line = format!("grill log add --company {:?} --on {}{role}", crate::render::safe_line(&i.name), i.day);
            (i, line)
        })
        .collect())
}

/// Reads the profile; a missing file is an empty profile.
pub fn profile(path: &std::path::Path) -> Result<crate::cycle::profile::Profile> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(crate::cycle::profile::Profile::parse(&path.display().to_string(), &text)?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(crate::cycle::profile::Profile::default()),
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}
