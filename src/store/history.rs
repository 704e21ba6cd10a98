//! Review history brought in by an import: appended to the log (never rewritten), each
//! affected card's state replayed from its whole log, inside the import's transaction.

use std::collections::{BTreeMap, HashSet};

use chrono::TimeZone;
use rusqlite::Transaction;

use super::reviews::{review_from, write_state};
use super::{StoreError, to_ms};
use crate::deck::ImportedReview;
use crate::scheduler::{DayClock, Review, Scheduler};

/// Appends the reviews of `history` the log does not have yet (same card, same millisecond)
/// and replays every card that gained one. Returns (added, already known, cards replayed).
pub(super) fn import_history<Tz: TimeZone>(
    tx: &Transaction,
    history: &[ImportedReview],
    scheduler: &Scheduler,
    clock: &DayClock<Tz>,
    progress: &mut dyn FnMut(),
) -> Result<(usize, usize, HashSet<i64>), StoreError> {
    let mut by_card: BTreeMap<&str, Vec<&ImportedReview>> = BTreeMap::new();
    for review in history {
        by_card.entry(&*review.card_key).or_default().push(review);
    }
    // In card id order: the log's card index then grows at its end instead of everywhere.
    let mut cards = Vec::with_capacity(by_card.len());
    for (key, reviews) in by_card {
        let card_id: i64 = tx
            .prepare_cached("SELECT id FROM cards WHERE key = ?1")?
            .query_row([key], |r| r.get(0))
            .map_err(|_| StoreError::NoSuchCard(key.to_owned()))?;
        cards.push((card_id, key, reviews));
    }
    cards.sort_unstable_by_key(|(id, _, _)| *id);
    let (mut added, mut known) = (0, 0);
    let mut replayed = HashSet::new();
    let mut rows = Vec::with_capacity(PENDING_REVIEWS);
    for (card_id, key, reviews) in cards {
        let log = card_log(tx, card_id)?;
        let mut seen: HashSet<i64> = log.iter().map(|r| to_ms(r.at)).collect();
        let mut fresh: Vec<&ImportedReview> = Vec::new();
        for review in reviews {
            progress();
            if seen.insert(to_ms(review.at)) {
                fresh.push(review);
            } else {
                known += 1;
            }
        }
        if fresh.is_empty() {
            continue;
        }
        added += fresh.len();
        replay_and_append(tx, card_id, key, log, fresh, scheduler, clock, &mut rows)?;
        replayed.insert(card_id);
        if rows.len() >= PENDING_REVIEWS {
            append_rows(tx, &rows)?;
            rows.clear();
        }
    }
    append_rows(tx, &rows)?;
    Ok((added, known, replayed))
}

/// Imported reviews held before they are written, several per statement (one statement per
/// review was a million statements for an Anki collection). The log's triggers read no card
/// state, so a card's state may be written before its reviews.
const PENDING_REVIEWS: usize = 4096;

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

/// Merges `fresh` into the card's log by time, replays it all, adds each fresh review with the
/// memory state it led to to `rows`, and stores the card's final state.
#[allow(clippy::too_many_arguments)]
fn replay_and_append<Tz: TimeZone>(
    tx: &Transaction,
    card_id: i64,
    key: &str,
    log: Vec<Review>,
    mut fresh: Vec<&ImportedReview>,
    scheduler: &Scheduler,
    clock: &DayClock<Tz>,
    rows: &mut Vec<LogRow>,
) -> Result<(), StoreError> {
    fresh.sort_by_key(|r| r.at);
    let mut merged: Vec<(Review, Option<&ImportedReview>)> = log.into_iter().map(|r| (r, None)).collect();
    merged.extend(fresh.into_iter().map(|r| (Review { at: r.at, rating: r.rating, kind: r.kind }, Some(r))));
    merged.sort_by_key(|(r, _)| r.at);
    let facts = super::imported::load(tx, card_id)?;
    let mut state = None;
    let mut done: Vec<Review> = Vec::with_capacity(merged.len());
    for (review, imported) in merged {
        state = scheduler.apply_from(key, facts.start.as_ref(), state, &review, &done, clock)?;
        if let Some(imported) = imported {
            rows.push((
                card_id,
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
    write_state(tx, card_id, super::imported::finish(state, Some(&facts)).as_ref())
}
