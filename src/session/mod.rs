//! A drill session: the planned queue (pure, in `plan`) and a thin driver that records answers,
//! requeues forgotten cards and undoes the last rating.

mod plan;

pub use plan::{Allowance, Candidate, plan_queue};

use std::collections::VecDeque;

use chrono::{DateTime, TimeZone, Utc};

use crate::scheduler::{DayClock, Outcome, Rating, Review, Scheduler, comes_back_today};
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

/// A running drill.
pub struct Session<Tz: TimeZone> {
    queue: VecDeque<Candidate>,
    scheduler: Scheduler,
    clock: DayClock<Tz>,
    answered: Vec<Answered>,
    /// Ratings given so far, by rating (index 0 = Again).
    tally: [usize; 4],
}

impl<Tz: TimeZone> Session<Tz> {
    /// A session over `queue` (already planned).
    pub fn new(queue: Vec<Candidate>, scheduler: Scheduler, clock: DayClock<Tz>) -> Self {
        Session { queue: queue.into(), scheduler, clock, answered: Vec::new(), tally: [0; 4] }
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

    /// Distinct cards answered (ratings given minus those undone).
    pub fn answered(&self) -> usize {
        self.answered.len()
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

    /// Rates the current card: logs the review and its new state in one transaction, then
    /// moves on. A forgotten card comes back after [`REQUEUE_GAP`] other cards.
    ///
    /// The outcome is computed from the card's state as stored when the rating is saved (another
    /// grill may have rated it since the queue was planned), and a clock that went back is
    /// treated as standing still, so the log stays in order and replaying it gives this state.
    pub fn answer(
        &mut self,
        store: &mut Store,
        rating: Rating,
        now: DateTime<Utc>,
        duration_ms: u64,
    ) -> Result<Option<Outcome>, StoreError> {
        let Some(card) = self.queue.front().cloned() else { return Ok(None) };
        let (scheduler, clock) = (&self.scheduler, &self.clock);
        let (review_id, (outcome, stored)) = store.record_review_with(card.id, duration_ms, |stored| {
            let at = stored.map_or(now, |s| now.max(s.last_review));
            let outcome = scheduler.preview(&card.key, stored.as_ref(), at, clock)?[rating as usize - 1];
            let review = Review { at, rating, kind: Scheduler::drill_kind(stored.as_ref(), at, clock) };
            Ok((review, Some(outcome.state), (outcome, stored)))
        })?;
        self.queue.pop_front();
        if comes_back_today(stored.as_ref(), rating) {
            let again = Candidate { state: Some(outcome.state), ..card.clone() };
            self.queue.insert(REQUEUE_GAP.min(self.queue.len()), again);
        }
        self.tally[rating as usize - 1] += 1;
        self.answered.push(Answered { review_id, card, rating });
        Ok(Some(outcome))
    }

    /// Takes back the last rating of this session: the review is removed, the card's state is
    /// rebuilt from its log, and the card is shown again next. Returns the card's id.
    pub fn undo(&mut self, store: &mut Store) -> Result<Option<String>, StoreError> {
        let Some(last) = self.answered.pop() else { return Ok(None) };
        let restored = store.undo_review(last.review_id, &self.scheduler, &self.clock)?;
        self.queue.retain(|c| c.id != last.card.id);
        self.queue.push_front(Candidate { state: restored, ..last.card.clone() });
        self.tally[last.rating as usize - 1] -= 1;
        Ok(Some(last.card.key))
    }

    /// Leaves the current card for another day.
    pub fn skip(&mut self) -> Option<Candidate> {
        self.queue.pop_front()
    }

    /// Suspends the current card: it leaves the queue and future drills.
    pub fn suspend(&mut self, store: &Store, now: DateTime<Utc>) -> Result<Option<Candidate>, StoreError> {
        let Some(card) = self.queue.pop_front() else { return Ok(None) };
        store.set_suspended(card.id, true, now)?;
        Ok(Some(card))
    }
}
