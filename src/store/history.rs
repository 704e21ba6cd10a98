//! Review history brought in by an import: appended to the log (never rewritten), each
//! affected card's state replayed from its whole log, inside the import's transaction.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use chrono::TimeZone;
use rusqlite::Transaction;

use super::reviews::{review_from, write_state};
use super::{StoreError, to_ms};
use crate::deck::{ImportedReview, ImportedSchedule};
use crate::scheduler::{CardState, DayClock, Review, Scheduler};

/// One card's imported answers, as an import hands them over.
#[derive(Debug)]
pub struct CardAnswers {
    pub key: Arc<str>,
    pub reviews: Vec<ImportedReview>,
    /// What [`replay_alone`] gives for them: used when the card has no answer logged yet (a
    /// first import), so that the replay can run on another thread while the log is written.
    pub alone: Option<Replayed>,
}

/// A card's imported answers replayed on their own (see [`replay_alone`]).
#[derive(Debug)]
pub struct Replayed {
    /// Each fresh answer with the state it led to.
    rows: Vec<FreshRow>,
    /// The card's state after them, with the imported facts applied.
    state: Option<CardState>,
    /// Answers given twice (same millisecond), counted as already known.
    known: usize,
}

/// Replays `reviews` as the only answers of a card that `schedule` describes (saved with
/// `keep_due`): what [`import_answers`] computes for a card with no logged answer, without the
/// database. The same code computes both.
pub fn replay_alone<Tz: TimeZone>(
    key: &str,
    reviews: &[ImportedReview],
    schedule: Option<&ImportedSchedule>,
    keep_due: bool,
    scheduler: &Scheduler,
    clock: &DayClock<Tz>,
) -> Result<Replayed, StoreError> {
    let facts = schedule.and_then(|s| super::imported::of(s, keep_due)).unwrap_or_default();
    let (fresh, known) = fresh_of(HashSet::new(), reviews);
    let (rows, state) = replay_merged(key, Vec::new(), fresh, &facts, scheduler, clock)?;
    Ok(Replayed { rows, state, known })
}

/// `history` grouped by card, in groups of [`CARDS_PER_GROUP`] cards, for [`import_answers`]:
/// each group's answers are copied when it is taken.
pub(super) fn by_card(history: &[ImportedReview]) -> impl Iterator<Item = Result<Vec<CardAnswers>, StoreError>> + '_ {
    let mut by_card: BTreeMap<&str, Vec<&ImportedReview>> = BTreeMap::new();
    for review in history {
        by_card.entry(&*review.card_key).or_default().push(review);
    }
    let mut cards = by_card.into_iter().peekable();
    std::iter::from_fn(move || {
        cards.peek()?;
        let group = cards.by_ref().take(CARDS_PER_GROUP).map(|(key, reviews)| CardAnswers {
            key: Arc::from(key),
            reviews: reviews.into_iter().cloned().collect(),
            alone: None,
        });
        Some(Ok(group.collect()))
    })
}

/// How many cards' answers an import hands over at a time ([`by_card`], and the Anki import's
/// reader): a few thousand answers, written while the next group is read.
pub const CARDS_PER_GROUP: usize = 1024;

/// Appends the imported answers the log does not have yet (same card, same millisecond) and
/// replays every card that gained one. They come in groups of cards (each card in one group),
/// as a reader hands them on: a group is written before the next is taken. Returns (added,
/// already known, cards replayed).
pub(super) fn import_answers<Tz: TimeZone>(
    tx: &Transaction,
    groups: &mut dyn Iterator<Item = Result<Vec<CardAnswers>, StoreError>>,
    scheduler: &Scheduler,
    clock: &DayClock<Tz>,
    progress: &mut dyn FnMut(),
    spent: &mut dyn FnMut(Vec<CardAnswers>),
) -> Result<(usize, usize, HashSet<i64>), StoreError> {
    let (mut added, mut known) = (0, 0);
    let mut replayed = HashSet::new();
    let mut rows = Vec::with_capacity(PENDING_REVIEWS);
    for group in groups {
        let group = group?;
        // In card id order: the log's card index then grows at its end instead of everywhere.
        let mut cards = Vec::with_capacity(group.len());
        for (i, answers) in group.iter().enumerate() {
            let card_id: i64 = tx
                .prepare_cached("SELECT id FROM cards WHERE key = ?1")?
                .query_row([&*answers.key], |r| r.get(0))
                .map_err(|_| StoreError::NoSuchCard(answers.key.to_string()))?;
            cards.push((card_id, i));
        }
        cards.sort_unstable_by_key(|(id, _)| *id);
        for (card_id, i) in cards {
            let answers = &group[i];
            for _ in &answers.reviews {
                progress();
            }
            let log = card_log(tx, card_id)?;
            let merged;
            let (fresh, state, was_known) = match &answers.alone {
                Some(alone) if log.is_empty() => (&alone.rows, alone.state.as_ref(), alone.known),
                _ => {
                    let seen = log.iter().map(|r| to_ms(r.at)).collect();
                    let (fresh, was_known) = fresh_of(seen, &answers.reviews);
                    merged = if fresh.is_empty() {
                        (Vec::new(), None)
                    } else {
                        let facts = super::imported::load(tx, card_id)?;
                        replay_merged(&answers.key, log, fresh, &facts, scheduler, clock)?
                    };
                    (&merged.0, merged.1.as_ref(), was_known)
                }
            };
            known += was_known;
            if fresh.is_empty() {
                continue;
            }
            added += fresh.len();
            rows.extend(fresh.iter().map(|&(at, r, k, d, s, f)| (card_id, at, r, k, d, s, f)));
            write_state(tx, card_id, state)?;
            replayed.insert(card_id);
            if rows.len() >= PENDING_REVIEWS {
                append_rows(tx, &rows)?;
                rows.clear();
            }
        }
        spent(group);
    }
    append_rows(tx, &rows)?;
    Ok((added, known, replayed))
}

/// The reviews of `reviews` whose millisecond is not in `seen` (nor earlier in `reviews`),
/// and how many were.
fn fresh_of(mut seen: HashSet<i64>, reviews: &[ImportedReview]) -> (Vec<&ImportedReview>, usize) {
    let mut fresh = Vec::with_capacity(reviews.len());
    let mut known = 0;
    for review in reviews {
        if seen.insert(to_ms(review.at)) {
            fresh.push(review);
        } else {
            known += 1;
        }
    }
    (fresh, known)
}

/// Imported reviews held before they are written, several per statement (one statement per
/// review was a million statements for an Anki collection). The log's triggers read no card
/// state, so a card's state may be written before its reviews.
const PENDING_REVIEWS: usize = 4096;

/// An imported answer with the state it led to: time, rating, kind, duration, stability,
/// difficulty.
type FreshRow = (i64, i64, i64, i64, Option<f32>, Option<f32>);

/// A review as the log stores it: card, time, rating, kind, duration, stability, difficulty.
type LogRow = (i64, i64, i64, i64, i64, Option<f32>, Option<f32>);

fn append_rows(tx: &Transaction, rows: &[LogRow]) -> Result<(), StoreError> {
    let values: Vec<[&dyn rusqlite::ToSql; 7]> =
        rows.iter().map(|(c, at, r, k, d, s, f)| [c as &dyn rusqlite::ToSql, at, r, k, d, s, f]).collect();
    super::batch::insert_rows(
        tx,
        "INSERT INTO reviews (card_id, at, rating, kind, duration_ms, stability, difficulty)",
        "",
        &values,
    )
}

/// The card's logged reviews, oldest first.
pub(super) fn card_log(tx: &Transaction, card_id: i64) -> Result<Vec<Review>, StoreError> {
    let mut stmt = tx.prepare_cached("SELECT at, rating, kind FROM reviews WHERE card_id = ?1 ORDER BY at, id")?;
    let rows = stmt.query_map([card_id], |r| Ok(review_from(r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Merges `fresh` into the card's log by time and replays it all with the card's imported
/// `facts`: each fresh review with the state it led to, (at, rating, kind, duration, stability,
/// difficulty), and the card's final state.
fn replay_merged<Tz: TimeZone>(
    key: &str,
    log: Vec<Review>,
    mut fresh: Vec<&ImportedReview>,
    facts: &super::imported::Imported,
    scheduler: &Scheduler,
    clock: &DayClock<Tz>,
) -> Result<(Vec<FreshRow>, Option<CardState>), StoreError> {
    fresh.sort_by_key(|r| r.at);
    let mut merged: Vec<(Review, Option<&ImportedReview>)> = log.into_iter().map(|r| (r, None)).collect();
    merged.extend(fresh.into_iter().map(|r| (Review { at: r.at, rating: r.rating, kind: r.kind }, Some(r))));
    merged.sort_by_key(|(r, _)| r.at);
    let mut state = None;
    let mut rows = Vec::new();
    let mut done: Vec<Review> = Vec::with_capacity(merged.len());
    for (review, imported) in merged {
        state = scheduler.apply_from(key, facts.start.as_ref(), state, &review, &done, clock)?;
        if let Some(imported) = imported {
            rows.push((
                to_ms(review.at),
                review.rating as i64,
                review.kind as i64,
                i64::try_from(imported.duration_ms).unwrap_or(i64::MAX),
                state.map(|s| s.stability),
                state.map(|s| s.difficulty),
            ));
        }
        done.push(review);
    }
    Ok((rows, super::imported::finish(state, Some(facts))))
}
