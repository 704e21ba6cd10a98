//! A running drill, cram or mock session: the thin driver around the pure planning that records
//! answers in the store, requeues forgotten cards and undoes the last action.

use std::collections::VecDeque;

use chrono::{DateTime, TimeZone, Utc};

use crate::scheduler::{
    CardState, DayClock, Outcome, Rating, Review, ReviewKind, Scheduler, changes_state, comes_back_today,
};
use crate::session::Candidate;
use crate::store::{Store, StoreError};

/// How many other cards come between a forgotten card and its next showing.
pub const REQUEUE_GAP: usize = 3;

/// One rating given in this session, kept so it can be undone.
#[derive(Debug, Clone)]
struct Answered {
    review_id: i64,
    card: Candidate,
    rating: Rating,
}

/// Something done in this session that `u` can take back, newest last.
#[derive(Debug, Clone)]
enum Action {
    Rated(Answered),
    Skipped(Candidate),
    Suspended(Candidate),
}

/// What an undo took back, with the card's id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Undone {
    Rating(String),
    Skip(String),
    Suspend(String),
}

/// What a session is for: decides the kind of review logged and which cards come back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    /// The daily drill: every answer is a real review; Again (and Hard on a new card) come back.
    Drill,
    /// Cramming for an interview: answers are logged as `cram` and follow the scheduler's cram
    /// rule (only a card's first cram answer of the day moves its schedule), or with
    /// `reschedule: false` as `preview` (never moves it). A failed card comes back until passed.
    Cram { reschedule: bool },
}

/// What one answer did.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Answer {
    /// The outcome of the rating as the scheduler previews it (its interval is only real when
    /// `changed_state`).
    pub outcome: Outcome,
    /// Whether the answer moved the card's memory state and due date.
    pub changed_state: bool,
    /// Whether the card comes back later in this session.
    pub comes_back: bool,
}

/// A running drill or cram session.
pub struct Session<Tz: TimeZone> {
    kind: SessionKind,
    queue: VecDeque<Candidate>,
    scheduler: Scheduler,
    clock: DayClock<Tz>,
    answered: Vec<Answered>,
    /// Ratings, skips and suspensions, for undo.
    actions: Vec<Action>,
    /// Ratings given so far, by rating (index 0 = Again).
    tally: [usize; 4],
}

impl<Tz: TimeZone> Session<Tz> {
    /// A drill over `queue` (already planned).
    pub fn new(queue: Vec<Candidate>, scheduler: Scheduler, clock: DayClock<Tz>) -> Self {
        Self::of_kind(SessionKind::Drill, queue, scheduler, clock)
    }

    /// A session of `kind` over `queue` (already planned).
    pub fn of_kind(kind: SessionKind, queue: Vec<Candidate>, scheduler: Scheduler, clock: DayClock<Tz>) -> Self {
        Session {
            kind,
            queue: queue.into(),
            scheduler,
            clock,
            answered: Vec::new(),
            actions: Vec::new(),
            tally: [0; 4],
        }
    }

    /// What the session is for.
    pub fn kind(&self) -> SessionKind {
        self.kind
    }

    /// The card to show now, if any are left.
    pub fn current(&self) -> Option<&Candidate> {
        self.queue.front()
    }

    /// Cards left in the queue, the current one included.
    pub fn remaining(&self) -> usize {
        self.queue.len()
    }

    /// Ratings given so far (Again, Hard, Good, Easy).
    pub fn tally(&self) -> [usize; 4] {
        self.tally
    }

    /// Ratings given (minus those undone): a card forgotten and answered again counts twice.
    pub fn answered(&self) -> usize {
        self.answered.len()
    }

    /// Distinct cards rated.
    pub fn cards_rated(&self) -> usize {
        self.answered_cards().len()
    }

    /// The ids of the cards answered in this session, each once, in the order first answered.
    pub fn answered_cards(&self) -> Vec<i64> {
        let mut ids: Vec<i64> = Vec::new();
        for answer in &self.answered {
            if !ids.contains(&answer.card.id) {
                ids.push(answer.card.id);
            }
        }
        ids
    }

    /// The review logged by the last rating still standing in this session (to keep its notes).
    pub fn last_review_id(&self) -> Option<i64> {
        self.answered.last().map(|a| a.review_id)
    }

    /// The areas of the cards answered in this session.
    pub fn areas_touched(&self) -> Vec<String> {
        let mut areas: Vec<String> = self.answered.iter().map(|a| a.card.area.clone()).collect();
        areas.sort();
        areas.dedup();
        areas
    }

    /// What each rating would do to the current card.
    pub fn preview(&self, now: DateTime<Utc>) -> Result<Option<[Outcome; 4]>, StoreError> {
        let Some(card) = self.current() else { return Ok(None) };
        Ok(Some(self.scheduler.preview(&card.key, card.state.as_ref(), now, &self.clock)?))
    }

    /// Whether answering the current card now would move its schedule: always in a drill; in a
    /// cram session only for the card's first cram answer of the day, never without rescheduling.
    pub fn answer_changes_state(&self, store: &Store, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let Some(card) = self.current() else { return Ok(false) };
        match review_kind(self.kind, card.state.as_ref(), now, &self.clock) {
            ReviewKind::Cram => {
                let review = Review { at: now, rating: Rating::Good, kind: ReviewKind::Cram };
                Ok(changes_state(&review, &history(store, card.id)?, &self.clock))
            }
            kind => Ok(kind != ReviewKind::Preview),
        }
    }

    /// Rates the current card: logs the review and the card's resulting state in one
    /// transaction, then moves on. A forgotten card comes back after [`REQUEUE_GAP`] other cards.
    ///
    /// The outcome is computed from the card's state as stored when the rating is saved (another
    /// grill may have rated it since the queue was planned), and a clock that went back is
    /// treated as standing still, so the log stays in order and replaying it gives this state.
    /// Cram answers get their state from `Scheduler::apply`, the rule replay uses.
    pub fn answer(
        &mut self,
        store: &mut Store,
        rating: Rating,
        now: DateTime<Utc>,
        duration_ms: u64,
    ) -> Result<Option<Answer>, StoreError> {
        let Some(card) = self.queue.front().cloned() else { return Ok(None) };
        let history = match self.kind {
            SessionKind::Drill => Vec::new(),
            SessionKind::Cram { .. } => history(store, card.id)?,
        };
        let (scheduler, clock, kind) = (&self.scheduler, &self.clock, self.kind);
        let (review_id, answer) = store.record_review_with(card.id, duration_ms, |stored| {
            let at = stored.map_or(now, |s| now.max(s.last_review));
            let outcome = scheduler.preview(&card.key, stored.as_ref(), at, clock)?[rating as usize - 1];
            let review = Review { at, rating, kind: review_kind(kind, stored.as_ref(), at, clock) };
            let (state, changed_state, comes_back) = match kind {
                SessionKind::Drill => (Some(outcome.state), true, comes_back_today(stored.as_ref(), rating)),
                SessionKind::Cram { .. } => {
                    let changed = changes_state(&review, &history, clock);
                    (scheduler.apply(&card.key, stored, &review, &history, clock)?, changed, !rating.is_pass())
                }
            };
            Ok((review, state, (Answer { outcome, changed_state, comes_back }, state)))
        })?;
        let (answer, state) = answer;
        self.queue.pop_front();
        if answer.comes_back {
            let again = Candidate { state, ..card.clone() };
            self.queue.insert(REQUEUE_GAP.min(self.queue.len()), again);
        }
        self.tally[rating as usize - 1] += 1;
        let answered = Answered { review_id, card, rating };
        self.answered.push(answered.clone());
        self.actions.push(Action::Rated(answered));
        Ok(Some(answer))
    }

    /// Takes back the last thing done in this session: a rating (the review is removed, the
    /// card's state rebuilt from its log), a skip or a suspension; the card is shown again next.
    pub fn undo(&mut self, store: &mut Store, now: DateTime<Utc>) -> Result<Option<Undone>, StoreError> {
        let Some(action) = self.actions.pop() else { return Ok(None) };
        let (card, undone) = match action {
            Action::Rated(last) => {
                let restored = match store.undo_review(last.review_id, &self.scheduler, &self.clock) {
                    Ok(restored) => restored,
                    Err(e) => {
                        // Not taken back (another grill synced it): it stays the last action.
                        self.actions.push(Action::Rated(last));
                        return Err(e);
                    }
                };
                self.answered.retain(|a| a.review_id != last.review_id);
                self.tally[last.rating as usize - 1] -= 1;
                let key = last.card.key.clone();
                (Candidate { state: restored, ..last.card }, Undone::Rating(key))
            }
            Action::Skipped(card) => {
                store.unskip(card.id)?;
                let key = card.key.clone();
                (card, Undone::Skip(key))
            }
            Action::Suspended(card) => {
                store.set_suspended(card.id, false, now)?;
                let key = card.key.clone();
                (card, Undone::Suspend(key))
            }
        };
        self.queue.retain(|c| c.id != card.id);
        self.queue.push_front(card);
        Ok(Some(undone))
    }

    /// Leaves the current card until `until` (the next day's start): no drill offers it again
    /// today.
    pub fn skip(&mut self, store: &Store, until: DateTime<Utc>) -> Result<Option<Candidate>, StoreError> {
        let Some(card) = self.queue.pop_front() else { return Ok(None) };
        store.skip_until(card.id, until)?;
        // A forgotten card waiting to come back is skipped with it.
        self.queue.retain(|c| c.id != card.id);
        self.actions.push(Action::Skipped(card.clone()));
        Ok(Some(card))
    }

    /// Suspends the current card: it leaves the queue and future drills.
    pub fn suspend(&mut self, store: &Store, now: DateTime<Utc>) -> Result<Option<Candidate>, StoreError> {
        let Some(card) = self.queue.pop_front() else { return Ok(None) };
        store.set_suspended(card.id, true, now)?;
        self.queue.retain(|c| c.id != card.id);
        self.actions.push(Action::Suspended(card.clone()));
        Ok(Some(card))
    }
}

/// A card's logged reviews, oldest first, as the scheduler's rules need them.
/// The kind a session logs for an answer at `at` to a card in `state`.
fn review_kind<Tz: TimeZone>(
    kind: SessionKind,
    state: Option<&CardState>,
    at: DateTime<Utc>,
    clock: &DayClock<Tz>,
) -> ReviewKind {
    match kind {
        SessionKind::Drill => Scheduler::drill_kind(state, at, clock),
        SessionKind::Cram { reschedule: true } => ReviewKind::Cram,
        SessionKind::Cram { reschedule: false } => ReviewKind::Preview,
    }
}

fn history(store: &Store, card_id: i64) -> Result<Vec<Review>, StoreError> {
    Ok(store.card_reviews(card_id)?.into_iter().map(|l| l.review).collect())
}
