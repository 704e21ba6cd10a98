//! The interview log: each interview, its questions as cards of the `interviews` deck, and their
//! ratings as `interview` reviews, all written in one transaction.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{OptionalExtension, params};

use super::reviews::{insert_review, write_state};
use super::sync::sync_deck;
use super::{Store, StoreError, from_ms, to_ms};
use crate::cycle::gaps::{AskedQuestion, CardInfo, DrillTally};
use crate::cycle::interview::{self, DECK_ID, Format, Question};
use crate::deck::{CardSpec, Deck, DeckInfo};
use crate::scheduler::{CardState, Rating, Review, ReviewKind, SchedulerError};

/// An interview to log.
#[derive(Debug, Clone, PartialEq)]
pub struct NewInterview {
    pub company: String,
    pub held_on: NaiveDate,
    pub role: String,
    pub format: Format,
    /// When the questions were answered (the time their reviews carry).
    pub at: DateTime<Utc>,
}

/// One line of `grill log`.
#[derive(Debug, Clone, PartialEq)]
pub struct InterviewRow {
    pub id: i64,
    pub company: String,
    pub held_on: String,
    pub role: String,
    pub format: String,
    /// How many questions got each rating, Again first.
    pub ratings: [usize; 4],
    /// `real` or `mock` (a `grill mock` round).
    pub kind: String,
}

/// A question of a logged interview, with its card as it is now.
#[derive(Debug, Clone, PartialEq)]
pub struct QuestionRow {
    pub card_key: String,
    pub prompt: String,
    pub answer_missing: bool,
    pub area: String,
    pub tags: Vec<String>,
    pub rating: Rating,
    pub due: Option<DateTime<Utc>>,
}

fn interviews_deck() -> DeckInfo {
    DeckInfo {
        id: DECK_ID.to_owned(),
        name: "Interview questions".to_owned(),
        area: DECK_ID.to_owned(),
        description: "Questions asked in your real interviews (grill log add); write their answers with grill edit."
            .to_owned(),
    }
}

impl Store {
    /// Areas a question can belong to: those of every deck but the interviews deck itself.
    pub fn known_areas(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn().prepare(
            "SELECT c.area FROM cards c JOIN decks d ON d.id = c.deck_id WHERE d.key <> ?1
             UNION SELECT area FROM decks WHERE key <> ?1 ORDER BY 1",
        )?;
        let rows = stmt.query_map([DECK_ID], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Logs an interview in one transaction: the interview, one card per question (ids
    /// `interviews/<company>-<date>-<n>`, numbered on from any earlier interview with the same
    /// prefix), and each rating as an `interview` review with the state `state_for(key, rating)`
    /// gives. Returns the interview's id and the new card ids.
    pub fn log_interview(
        &mut self,
        new: &NewInterview,
        questions: &[Question],
        state_for: &dyn Fn(&str, Rating) -> Result<CardState, SchedulerError>,
    ) -> Result<(i64, Vec<String>), StoreError> {
        let tx = self.conn.transaction()?;
        let prefix = interview::key_prefix(&new.company, new.held_on);
        let taken = {
            let mut stmt = tx.prepare("SELECT key FROM cards WHERE substr(key, 1, length(?1)) = ?1")?;
            let keys = stmt.query_map([&prefix], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
            keys.iter().filter_map(|k| k[prefix.len()..].parse::<u32>().ok()).max().unwrap_or(0)
        };
        let keys: Vec<String> = (1..=questions.len() as u32).map(|n| format!("{prefix}{}", taken + n)).collect();
        let cards = questions.iter().zip(&keys).map(|(q, key)| question_card(q, key, &new.role)).collect();
        let next_position: i64 = tx.query_row(
            "SELECT coalesce(max(c.position) + 1, 0) FROM cards c JOIN decks d ON d.id = c.deck_id WHERE d.key = ?1",
            [DECK_ID],
            |r| r.get(0),
        )?;
        sync_deck(&tx, &Deck { deck: interviews_deck(), cards }, "user", false, new.at, &mut || {})?;
        tx.execute(
            "INSERT INTO interviews (company, held_on, role, format, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![new.company, new.held_on.to_string(), new.role, new.format.token(), to_ms(new.at)],
        )?;
        let interview_id = tx.last_insert_rowid();
        for (position, (q, key)) in questions.iter().zip(&keys).enumerate() {
            let card_id: i64 = tx.query_row("SELECT id FROM cards WHERE key = ?1", [key], |r| r.get(0))?;
            // The sync numbered the new cards from 0; the deck keeps the order they were asked in.
            tx.execute(
                "UPDATE cards SET position = ?2 WHERE id = ?1",
                params![card_id, next_position + position as i64],
            )?;
            let state = state_for(key, q.rating)?;
            let review = Review { at: new.at, rating: q.rating, kind: ReviewKind::Interview };
            insert_review(&tx, card_id, &review, 0, Some(&state))?;
            write_state(&tx, card_id, Some(&state))?;
            tx.execute(
                "INSERT INTO interview_questions (interview_id, position, card_id, rating) VALUES (?1, ?2, ?3, ?4)",
                params![interview_id, position as i64 + 1, card_id, q.rating as i64],
            )?;
        }
        tx.commit()?;
        Ok((interview_id, keys))
    }

    /// Every logged interview, most recent first.
    pub fn interviews(&self) -> Result<Vec<InterviewRow>, StoreError> {
        let mut stmt = self.conn().prepare(
            "SELECT i.id, i.company, i.held_on, i.role, i.format,
                    coalesce(sum(q.rating = 1), 0), coalesce(sum(q.rating = 2), 0),
                    coalesce(sum(q.rating = 3), 0), coalesce(sum(q.rating = 4), 0), i.kind
             FROM interviews i
             LEFT JOIN (SELECT interview_id, rating FROM interview_questions
                        UNION ALL SELECT interview_id, rating FROM mock_questions) q ON q.interview_id = i.id
             GROUP BY i.id ORDER BY i.held_on DESC, i.id DESC",
        )?;
        let rows = stmt.query_map([], interview_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One interview and its questions in the order asked; `None` if there is no such interview.
    pub fn interview(&self, id: i64) -> Result<Option<(InterviewRow, Vec<QuestionRow>)>, StoreError> {
        let Some(row) = self.interviews()?.into_iter().find(|i| i.id == id) else { return Ok(None) };
        let mut stmt = self.conn().prepare(
            "SELECT c.key, c.prompt, c.answer, c.area, c.tags, q.rating, s.due
             FROM interview_questions q JOIN cards c ON c.id = q.card_id
             LEFT JOIN card_state s ON s.card_id = c.id
             WHERE q.interview_id = ?1 ORDER BY q.position",
        )?;
        let questions = stmt.query_map([id], |r| {
            Ok(QuestionRow {
                card_key: r.get(0)?,
                prompt: r.get(1)?,
                answer_missing: interview::answer_missing(&r.get::<_, String>(2)?),
                area: r.get(3)?,
                tags: serde_json::from_str(&r.get::<_, String>(4)?).unwrap_or_default(),
                rating: Rating::from_number(r.get(5)?).unwrap_or(Rating::Again),
                due: r.get::<_, Option<i64>>(6)?.map(from_ms),
            })
        })?;
        Ok(Some((row, questions.collect::<Result<_, _>>()?)))
    }

    /// Every question asked in an interview, with its card's current area and tags (so fixing a
    /// card with `grill edit` fixes the gaps too), then the deck questions of mock rounds.
    pub fn asked_questions(&self) -> Result<Vec<AskedQuestion>, StoreError> {
        let mut stmt = self.conn().prepare(
            "SELECT i.id, i.company, i.held_on, c.key, c.area, c.tags, q.rating
             FROM interview_questions q JOIN interviews i ON i.id = q.interview_id
             JOIN cards c ON c.id = q.card_id ORDER BY i.held_on, i.id, q.position",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(AskedQuestion {
                interview_id: r.get(0)?,
                company: r.get(1)?,
                held_on: r.get::<_, String>(2)?.parse().unwrap_or_default(),
                card_key: r.get(3)?,
                area: r.get(4)?,
                tags: serde_json::from_str(&r.get::<_, String>(5)?).unwrap_or_default(),
                rating: Rating::from_number(r.get(6)?).unwrap_or(Rating::Again),
            })
        })?;
        let mut asked: Vec<AskedQuestion> = rows.collect::<Result<_, _>>()?;
        asked.extend(self.asked_in_mock_rounds()?);
        Ok(asked)
    }

    /// Each card's drill answers (learning, reviews, relearning, cram), counted with the sum of
    /// their ratings, for the cards that have any: one pass over the log in its own order (a
    /// query grouping by card walked the card index and fetched each answer's row).
    pub fn drill_tallies(&self) -> Result<Vec<DrillTally>, StoreError> {
        let kinds = [ReviewKind::Learn, ReviewKind::Review, ReviewKind::Relearn, ReviewKind::Cram].map(|k| k as i64);
        let mut by_card: HashMap<i64, (usize, u64)> = HashMap::new();
        let mut stmt =
            self.conn().prepare("SELECT card_id, rating FROM reviews NOT INDEXED WHERE kind IN (?1, ?2, ?3, ?4)")?;
        let mut rows = stmt.query(kinds)?;
        while let Some(r) = rows.next()? {
            let tally = by_card.entry(r.get(0)?).or_default();
            tally.0 += 1;
            // A rating outside 1-4 (a damaged row) counts as Again, as `Rating::from_number` reads it.
            tally.1 += match r.get::<_, i64>(1)? {
                n @ 1..=4 => n as u64,
                _ => 1,
            };
        }
        let mut keys = self.conn().prepare("SELECT id, key FROM cards INDEXED BY cards_area")?;
        let mut rows = keys.query([])?;
        let mut out = Vec::with_capacity(by_card.len());
        while let Some(r) = rows.next()? {
            if let Some((answers, rating_sum)) = by_card.get(&r.get::<_, i64>(0)?) {
                out.push(DrillTally { card_key: r.get(1)?, answers: *answers, rating_sum: *rating_sum });
            }
        }
        Ok(out)
    }

    /// Every card as the gaps read it (no texts), in `grill cards` order (deck, position, id).
    pub fn gap_cards(&self) -> Result<Vec<CardInfo>, StoreError> {
        let mut stmt = self.conn().prepare(
            "SELECT c.key, d.key, c.area, c.tags, c.suspended, s.stability
             FROM cards c JOIN decks d ON d.id = c.deck_id LEFT JOIN card_state s ON s.card_id = c.id
             ORDER BY d.key, c.position, c.key",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(CardInfo {
                key: r.get(0)?,
                deck: r.get(1)?,
                area: r.get(2)?,
                tags: serde_json::from_str(&r.get::<_, String>(3)?).unwrap_or_default(),
                suspended: r.get(4)?,
                stability: r.get::<_, Option<f64>>(5)?.map(|s| s as f32),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Where a deck came from (`builtin`, `import` or `user`), by the deck's key.
    pub fn deck_source(&self, deck: &str) -> Result<Option<String>, StoreError> {
        Ok(self.conn().query_row("SELECT source FROM decks WHERE key = ?1", [deck], |r| r.get(0)).optional()?)
    }
}

fn interview_row(r: &rusqlite::Row) -> rusqlite::Result<InterviewRow> {
    let count = |i| r.get::<_, i64>(i).map(|n| n as usize);
    Ok(InterviewRow {
        id: r.get(0)?,
        company: r.get(1)?,
        held_on: r.get(2)?,
        role: r.get(3)?,
        format: r.get(4)?,
        ratings: [count(5)?, count(6)?, count(7)?, count(8)?],
        kind: r.get(9)?,
    })
}

/// The card a question becomes; its answer waits to be written with `grill edit`.
fn question_card(question: &Question, key: &str, role: &str) -> CardSpec {
    CardSpec {
        id: key.to_owned(),
        prompt: question.text.clone(),
        answer: format!("{} {key}`", interview::ANSWER_PLACEHOLDER),
        follow_ups: Vec::new(),
        tags: question.tags.clone(),
        roles: vec![role.to_owned()],
        level: None,
        time_limit_secs: None,
        area: Some(question.area.clone()),
        example: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_question_card_carries_the_area_tags_role_and_a_placeholder_answer() {
        let q = interview::Question {
            area: "sql".into(),
            tags: vec!["joins".into()],
            rating: crate::scheduler::Rating::Good,
            text: "Q?".into(),
        };
        let card = question_card(&q, "interviews/acme-2026-03-02-1", "product");
        assert_eq!(card.area.as_deref(), Some("sql"));
        assert_eq!(card.roles, vec!["product"]);
        assert!(interview::answer_missing(&card.answer));
        assert!(card.answer.contains("grill edit interviews/acme-2026-03-02-1"));
    }
}
