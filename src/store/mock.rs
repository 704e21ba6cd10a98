//! Typed notes kept beside their reviews, and mock rounds as entries of the interview log.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError, from_ms, to_ms};
use crate::cycle::gaps::AskedQuestion;
use crate::cycle::mock::Rubric;
use crate::cycle::mock::trend::ScoredRound;
use crate::scheduler::Rating;

/// What the user typed when answering a card once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub review_id: i64,
    pub at: DateTime<Utc>,
    pub text: String,
}

/// A mock round to store in the interview log.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMockRound {
    /// The company it prepares for (`--company` or the next interview), else `mock`.
    pub company: String,
    pub held_on: chrono::NaiveDate,
    pub role: String,
    /// The interview log's format token.
    pub format: String,
    pub at: DateTime<Utc>,
    pub minutes: u32,
    pub took_ms: u64,
    pub rubric: Rubric,
    pub transcript: String,
    pub questions: Vec<MockQuestion>,
}

/// One question of a stored mock round.
#[derive(Debug, Clone, PartialEq)]
pub struct MockQuestion {
    /// The deck card asked, `None` for a question from the profile.
    pub card_id: Option<i64>,
    pub prompt: String,
    pub area: String,
    pub tags: Vec<String>,
    pub rating: Rating,
    pub took_ms: u64,
    pub budget_ms: u64,
    /// The key points the typed answer did not touch.
    pub missed: Vec<String>,
}

/// A stored round's rubric, for the log and trends.
#[derive(Debug, Clone, PartialEq)]
pub struct MockRoundRow {
    pub interview_id: i64,
    pub minutes: u32,
    pub took_ms: u64,
    pub rubric: Rubric,
    pub transcript: String,
}

impl Store {
    /// Keeps what the user typed when giving review `review_id` (nothing for blank text). The
    /// notes go when the review is undone.
    pub fn save_note(&self, review_id: i64, card_id: i64, at: DateTime<Utc>, text: &str) -> Result<(), StoreError> {
        if text.trim().is_empty() {
            return Ok(());
        }
        self.conn().execute(
            "INSERT OR REPLACE INTO review_notes (review_id, card_id, at, text) VALUES (?1, ?2, ?3, ?4)",
            params![review_id, card_id, to_ms(at), text.trim()],
        )?;
        Ok(())
    }

    /// Everything typed when answering card `card_id`, newest first (for `grill show`).
    pub fn notes_for(&self, card_id: i64) -> Result<Vec<Note>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT review_id, at, text FROM review_notes WHERE card_id = ?1 ORDER BY at DESC, review_id DESC",
        )?;
        let rows =
            stmt.query_map([card_id], |r| Ok(Note { review_id: r.get(0)?, at: from_ms(r.get(1)?), text: r.get(2)? }))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The last thing typed for card `card_id`, if anything ("last time you wrote: ...").
    pub fn last_note(&self, card_id: i64) -> Result<Option<Note>, StoreError> {
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT review_id, at, text FROM review_notes WHERE card_id = ?1 ORDER BY at DESC, review_id DESC LIMIT 1",
            )?
            .query_row([card_id], |r| Ok(Note { review_id: r.get(0)?, at: from_ms(r.get(1)?), text: r.get(2)? }))
            .optional()?)
    }

    /// Stores a mock round as an interview-log entry of kind `mock`, with its rubric and its
    /// questions, in one transaction. Returns the entry's id. (The deck questions' reviews were
    /// logged as they were rated.)
    pub fn save_mock_round(&mut self, round: &NewMockRound) -> Result<i64, StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO interviews (company, held_on, role, format, created_at, kind) VALUES (?1, ?2, ?3, ?4, ?5, 'mock')",
            params![round.company, round.held_on.to_string(), round.role, round.format, to_ms(round.at)],
        )?;
        let id = tx.last_insert_rowid();
        let [structure, depth, trade_offs, failure_modes, communication] = round.rubric;
        tx.execute(
            "INSERT INTO mock_rounds (interview_id, minutes, took_ms, structure, depth, trade_offs, failure_modes,
                                      communication, transcript)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                id,
                round.minutes,
                round.took_ms as i64,
                structure,
                depth,
                trade_offs,
                failure_modes,
                communication,
                round.transcript
            ],
        )?;
        for (i, q) in round.questions.iter().enumerate() {
            tx.execute(
                "INSERT INTO mock_questions (interview_id, position, card_id, prompt, area, tags, rating, took_ms,
                                             budget_ms, missed)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    id,
                    i as i64 + 1,
                    q.card_id,
                    q.prompt,
                    q.area,
                    serde_json::to_string(&q.tags).unwrap_or_else(|_| "[]".into()),
                    q.rating as i64,
                    q.took_ms as i64,
                    q.budget_ms as i64,
                    serde_json::to_string(&q.missed).unwrap_or_else(|_| "[]".into()),
                ],
            )?;
        }
        tx.commit()?;
        Ok(id)
    }

    /// The rubric and clock of mock round `interview_id`, if it is one.
    pub fn mock_round(&self, interview_id: i64) -> Result<Option<MockRoundRow>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT interview_id, minutes, took_ms, structure, depth, trade_offs, failure_modes, communication,
                        transcript
                 FROM mock_rounds WHERE interview_id = ?1",
                [interview_id],
                |r| {
                    let score = |i| r.get::<_, Option<u8>>(i);
                    Ok(MockRoundRow {
                        interview_id: r.get(0)?,
                        minutes: r.get(1)?,
                        took_ms: r.get::<_, i64>(2)? as u64,
                        rubric: [score(3)?, score(4)?, score(5)?, score(6)?, score(7)?],
                        transcript: r.get(8)?,
                    })
                },
            )
            .optional()?)
    }

    /// Every mock round with its rubric, in the order held (for the rubric trend).
    pub fn scored_mock_rounds(&self) -> Result<Vec<ScoredRound>, StoreError> {
        let mut stmt = self.conn().prepare(
            "SELECT i.id, i.held_on, i.company, i.format, m.minutes, m.took_ms,
                    (SELECT count(*) FROM mock_questions q WHERE q.interview_id = i.id),
                    m.structure, m.depth, m.trade_offs, m.failure_modes, m.communication
             FROM mock_rounds m JOIN interviews i ON i.id = m.interview_id ORDER BY i.held_on, i.id",
        )?;
        let rows = stmt.query_map([], |r| {
            let score = |i| r.get::<_, Option<u8>>(i);
            Ok(ScoredRound {
                id: r.get(0)?,
                held_on: r.get::<_, String>(1)?.parse().unwrap_or_default(),
                company: r.get(2)?,
                format: r.get(3)?,
                minutes: r.get(4)?,
                took_ms: r.get::<_, i64>(5)?.max(0) as u64,
                questions: r.get::<_, i64>(6)?.max(0) as usize,
                rubric: [score(7)?, score(8)?, score(9)?, score(10)?, score(11)?],
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The questions of mock round `interview_id`, in the order asked.
    pub fn mock_questions(&self, interview_id: i64) -> Result<Vec<MockQuestion>, StoreError> {
        let mut stmt = self.conn().prepare(
            "SELECT card_id, prompt, area, tags, rating, took_ms, budget_ms, missed FROM mock_questions
             WHERE interview_id = ?1 ORDER BY position",
        )?;
        let rows = stmt.query_map([interview_id], |r| {
            Ok(MockQuestion {
                card_id: r.get(0)?,
                prompt: r.get(1)?,
                area: r.get(2)?,
                tags: serde_json::from_str(&r.get::<_, String>(3)?).unwrap_or_default(),
                rating: Rating::from_number(r.get(4)?).unwrap_or(Rating::Again),
                took_ms: r.get::<_, i64>(5)? as u64,
                budget_ms: r.get::<_, i64>(6)? as u64,
                missed: serde_json::from_str(&r.get::<_, String>(7)?).unwrap_or_default(),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The deck questions of every mock round, as gap-finding sees interview questions (the
    /// company reads `... (mock)`), so a topic missed round after round is a recurring gap.
    pub(super) fn asked_in_mock_rounds(&self) -> Result<Vec<AskedQuestion>, StoreError> {
        let mut stmt = self.conn().prepare(
            "SELECT i.id, i.company, i.held_on, c.key, q.area, q.tags, q.rating
             FROM mock_questions q JOIN interviews i ON i.id = q.interview_id
             JOIN cards c ON c.id = q.card_id ORDER BY i.held_on, i.id, q.position",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(AskedQuestion {
                interview_id: r.get(0)?,
                company: format!("{} (mock)", r.get::<_, String>(1)?),
                held_on: r.get::<_, String>(2)?.parse().unwrap_or_default(),
                card_key: r.get(3)?,
                area: r.get(4)?,
                tags: serde_json::from_str(&r.get::<_, String>(5)?).unwrap_or_default(),
                rating: Rating::from_number(r.get(6)?).unwrap_or(Rating::Again),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::scheduler::{Review, ReviewKind};

    fn store_with_a_card() -> (Store, i64) {
        let store = Store::open_in_memory().unwrap();
        store
            .conn()
            .execute_batch(
                "INSERT INTO decks (id, key, name, area, source) VALUES (1, 'd', 'D', 'sql', 'import');
                 INSERT INTO cards (id, key, deck_id, area, prompt, answer, position, created_at, updated_at)
                 VALUES (1, 'd/1', 1, 'sql', 'q', 'a', 0, 0, 0);",
            )
            .unwrap();
        (store, 1)
    }

    #[test]
    fn notes_are_kept_newest_first_and_go_with_an_undone_review() {
        let (mut store, card) = store_with_a_card();
        let at = |h| Utc.with_ymd_and_hms(2026, 3, 1, h, 0, 0).unwrap();
        let review = |h| Review { at: at(h), rating: Rating::Good, kind: ReviewKind::Preview };
        let first = store.record_review(card, &review(9), 0, None).unwrap();
        let second = store.record_review(card, &review(10), 0, None).unwrap();
        store.save_note(first, card, at(9), "  use an index ").unwrap();
        store.save_note(second, card, at(10), "covering index on (a, b)").unwrap();
        store.save_note(second, card, at(10), "   ").unwrap();
        let texts: Vec<String> = store.notes_for(card).unwrap().into_iter().map(|n| n.text).collect();
        assert_eq!(texts, ["covering index on (a, b)", "use an index"]);
        let clock = crate::scheduler::DayClock::new(Utc, 4);
        store.undo_review(second, &crate::scheduler::Scheduler::default_params(), &clock).unwrap();
        assert_eq!(store.last_note(card).unwrap().map(|n| n.text).as_deref(), Some("use an index"));
    }
}
