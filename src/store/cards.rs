//! Reading cards and decks, and changing a card's suspended flag.

use chrono::{DateTime, Utc};
use rusqlite::types::Value;
use rusqlite::{OptionalExtension, Row, params};

use super::{Store, StoreError, from_ms, to_ms};
use crate::deck::Example;
use crate::scheduler::CardState;
use crate::session::Candidate;

/// A card with its text and scheduling state, as the drill and the browser show it.
#[derive(Debug, Clone, PartialEq)]
pub struct CardRow {
    pub id: i64,
    pub key: String,
    pub deck: String,
    pub area: String,
    pub prompt: String,
    pub answer: String,
    pub follow_ups: Vec<String>,
    pub tags: Vec<String>,
    pub roles: Vec<String>,
    pub level: Option<String>,
    pub time_limit_secs: Option<u32>,
    pub example: Option<Example>,
    pub suspended: bool,
    pub state: Option<CardState>,
    /// Whether the user rewrote this built-in card (`grill edit`); prompt, answer and follow-ups
    /// are then the rewrite.
    pub edited: bool,
    /// The card's lapses when a rewrite cleared its leech status.
    pub leech_cleared_at: Option<u32>,
}

impl CardRow {
    /// Whether the card is a leech (forgotten [`crate::stats::LEECH_LAPSES`] times or more).
    pub fn is_leech(&self) -> bool {
        self.state.is_some_and(|s| crate::stats::is_leech(s.lapses, self.leech_cleared_at))
    }
}

/// Which cards `grill cards` lists.
#[derive(Debug, Default, Clone)]
pub struct CardFilter {
    pub decks: Vec<String>,
    pub areas: Vec<String>,
    pub search: Option<String>,
}

/// One line of `grill decks`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeckSummary {
    pub key: String,
    pub name: String,
    pub area: String,
    pub cards: i64,
    pub new: i64,
    pub due: i64,
    pub suspended: i64,
}

const CARD_COLUMNS: &str = "c.id, c.key, d.key, c.area, coalesce(e.prompt, c.prompt),
    coalesce(e.answer, c.answer), coalesce(e.follow_ups, c.follow_ups), c.tags, c.roles,
    c.level, c.time_limit_secs, c.example, c.suspended,
    s.stability, s.difficulty, s.due, s.last_review, s.reps, s.lapses,
    e.card_id IS NOT NULL, c.leech_cleared_at";

/// The joins [`CARD_COLUMNS`] reads from.
const CARD_JOINS: &str = "FROM cards c JOIN decks d ON d.id = c.deck_id
    LEFT JOIN card_state s ON s.card_id = c.id LEFT JOIN card_edits e ON e.card_id = c.id";

fn json_list(text: String) -> Vec<String> {
    serde_json::from_str(&text).unwrap_or_default()
}

fn card_row(r: &Row) -> rusqlite::Result<CardRow> {
    Ok(CardRow {
        id: r.get(0)?,
        key: r.get(1)?,
        deck: r.get(2)?,
        area: r.get(3)?,
        prompt: r.get(4)?,
        answer: r.get(5)?,
        follow_ups: json_list(r.get(6)?),
        tags: json_list(r.get(7)?),
        roles: json_list(r.get(8)?),
        level: r.get(9)?,
        time_limit_secs: r.get(10)?,
        example: r.get::<_, Option<String>>(11)?.and_then(|t| serde_json::from_str(&t).ok()),
        suspended: r.get(12)?,
        state: state_at(r, 13)?,
        edited: r.get(19)?,
        leech_cleared_at: r.get(20)?,
    })
}

/// Reads a `card_state` row joined at column `i` (NULL columns: a card never reviewed).
pub(super) fn state_at(r: &Row, i: usize) -> rusqlite::Result<Option<CardState>> {
    let Some(stability) = r.get::<_, Option<f32>>(i)? else { return Ok(None) };
    Ok(Some(CardState {
        stability,
        difficulty: r.get(i + 1)?,
        due: from_ms(r.get(i + 2)?),
        last_review: from_ms(r.get(i + 3)?),
        reps: r.get(i + 4)?,
        lapses: r.get(i + 5)?,
    }))
}

impl Store {
    /// The card with database id `id`.
    pub fn card(&self, id: i64) -> Result<CardRow, StoreError> {
        let sql = format!("SELECT {CARD_COLUMNS} {CARD_JOINS} WHERE c.id = ?1");
        // Cached: the drill looks up every card it shows.
        let mut stmt = self.conn().prepare_cached(&sql)?;
        stmt.query_row([id], card_row).optional()?.ok_or_else(|| StoreError::NoSuchCard(id.to_string()))
    }

    /// The card with stable id `key` (exactly; `app::queries::card` also takes prefixes and
    /// prompt text, for ids typed by a user).
    pub fn card_by_key(&self, key: &str) -> Result<CardRow, StoreError> {
        let id: Option<i64> =
            self.conn().query_row("SELECT id FROM cards WHERE key = ?1", [key], |r| r.get(0)).optional()?;
        self.card(id.ok_or_else(|| StoreError::NoSuchCard(key.to_owned()))?)
    }

    /// Up to `limit` card ids starting with `prefix`, in key order.
    pub fn keys_starting(&self, prefix: &str, limit: usize) -> Result<Vec<String>, StoreError> {
        // A range on the key index: no LIKE, so `_` and `%` in ids mean themselves.
        let mut stmt = self.conn().prepare_cached(
            "SELECT key FROM cards WHERE key >= ?1 AND key < ?1 || char(1114111) ORDER BY key LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![prefix, limit as i64], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Cards matching `filter`, by deck and position.
    pub fn cards(&self, filter: &CardFilter) -> Result<Vec<CardRow>, StoreError> {
        let mut sql = format!("SELECT {CARD_COLUMNS} {CARD_JOINS} WHERE 1 = 1");
        let mut args: Vec<Value> = Vec::new();
        for (column, values) in [("d.key", &filter.decks), ("c.area", &filter.areas)] {
            sql.push_str(&in_clause(column, values, &mut args));
        }
        if let Some(text) = &filter.search {
            args.push(format!("%{}%", text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")).into());
            let n = args.len();
            sql.push_str(&format!(
                " AND (coalesce(e.prompt, c.prompt) LIKE ?{n} ESCAPE '\\' OR coalesce(e.answer, c.answer) LIKE ?{n} ESCAPE '\\'
                   OR c.key LIKE ?{n} ESCAPE '\\' OR c.tags LIKE ?{n} ESCAPE '\\')"
            ));
        }
        sql.push_str(" ORDER BY d.key, c.position, c.key");
        let mut stmt = self.conn().prepare(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), card_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every deck with its counts; `due` counts cards due before `due_before`.
    pub fn deck_summaries(&self, due_before: DateTime<Utc>) -> Result<Vec<DeckSummary>, StoreError> {
        let mut stmt = self.conn().prepare(
            "SELECT d.key, d.name, d.area, count(c.id),
                    coalesce(sum(c.suspended = 0 AND s.card_id IS NULL), 0),
                    coalesce(sum(c.suspended = 0 AND s.due < ?1), 0),
                    coalesce(sum(c.suspended), 0)
             FROM decks d LEFT JOIN cards c ON c.deck_id = d.id
             LEFT JOIN card_state s ON s.card_id = c.id
             GROUP BY d.id ORDER BY d.key",
        )?;
        let rows = stmt.query_map([to_ms(due_before)], |r| {
            Ok(DeckSummary {
                key: r.get(0)?,
                name: r.get(1)?,
                area: r.get(2)?,
                cards: r.get(3)?,
                new: r.get(4)?,
                due: r.get(5)?,
                suspended: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Suspends or unsuspends a card (a user's choice, so a later deck sync keeps it).
    pub fn set_suspended(&self, id: i64, suspended: bool, now: DateTime<Utc>) -> Result<(), StoreError> {
        // A drill suspends by id: checked against a restore like a rating (see `generation`).
        let tx = super::patient_transaction(self.conn())?;
        super::generation::check(&tx, &self.generation)?;
        tx.execute(
            "UPDATE cards SET suspended = ?2, missing = 0, updated_at = ?3 WHERE id = ?1",
            params![id, suspended, to_ms(now)],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Leaves card `id` out of every drill until `until` (`s` in the drill: for today).
    pub fn skip_until(&self, id: i64, until: DateTime<Utc>) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT INTO skips (card_id, until) VALUES (?1, ?2) ON CONFLICT (card_id) DO UPDATE SET until = ?2",
            params![id, to_ms(until)],
        )?;
        Ok(())
    }

    /// Takes back a skip (undo).
    pub fn unskip(&self, id: i64) -> Result<(), StoreError> {
        self.conn().execute("DELETE FROM skips WHERE card_id = ?1", [id])?;
        Ok(())
    }

    /// The cards skipped for a day that has not ended at `now`.
    pub fn skipped_at(&self, now: DateTime<Utc>) -> Result<std::collections::HashSet<i64>, StoreError> {
        let mut stmt = self.conn().prepare_cached("SELECT card_id FROM skips WHERE until > ?1")?;
        let rows = stmt.query_map([to_ms(now)], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The drill's candidates: up to `max_due` active cards due before `due_before` (most
    /// overdue first) and up to `new_per_deck` never-reviewed cards from each deck, in deck order.
    /// `areas` (when not empty) narrows both.
    pub fn candidates(
        &self,
        due_before: DateTime<Utc>,
        max_due: usize,
        new_per_deck: usize,
        areas: &[String],
    ) -> Result<Vec<Candidate>, StoreError> {
        let mut args: Vec<Value> = vec![to_ms(due_before).into(), (max_due as i64).into()];
        // Ordered as the due index is (due, then card id), so SQLite stops after `max_due` rows
        // instead of reading every due card to sort them. CROSS JOIN keeps the due index the
        // outer loop: left to itself, SQLite walked every active card (cards_outline) and sorted.
        // A card's key, area and suspension come from the narrow `cards_area` index, not from
        // its row with its texts (a page per card); the position only orders new cards.
        let sql = format!(
            "SELECT c.id, c.key, c.area, 0, s.stability, s.difficulty, s.due, s.last_review, s.reps, s.lapses
             FROM card_state s CROSS JOIN cards c INDEXED BY cards_area ON c.id = s.card_id
             WHERE s.due < ?1 AND c.suspended = 0{} ORDER BY s.due, s.card_id LIMIT ?2",
            area_clause(areas, &mut args)
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let mut out: Vec<Candidate> =
            stmt.query_map(rusqlite::params_from_iter(args.iter()), candidate)?.collect::<Result<_, _>>()?;
        out.extend(self.new_candidates(new_per_deck, areas)?);
        Ok(out)
    }

    /// How many active cards are due before `due_before` and not skipped at `now` (only of
    /// `areas` when given). The whole 15-minute slots before `due_before` are summed from
    /// `due_slots` (a few hundred rows); only the cards of its last, partial slot and the
    /// skipped cards are looked up. Counting every due card through its row read a page per
    /// card: 380 of the 980 pages a heavy user's drill read before its first prompt.
    pub fn due_count(
        &self,
        due_before: DateTime<Utc>,
        now: DateTime<Utc>,
        areas: &[String],
    ) -> Result<usize, StoreError> {
        let due_before = to_ms(due_before);
        let boundary = due_before.div_euclid(crate::scorecard::SLOT_MS);
        let mut args: Vec<Value> =
            vec![boundary.into(), (boundary * crate::scorecard::SLOT_MS).into(), due_before.into(), to_ms(now).into()];
        let slot_areas = in_clause("area", areas, &mut args);
        let card_areas = area_clause(areas, &mut args);
        let sql = format!(
            "SELECT (SELECT ifnull(sum(n), 0) FROM due_slots WHERE slot < ?1{slot_areas})
                  + (SELECT count(*) FROM card_state s CROSS JOIN cards c INDEXED BY cards_area ON c.id = s.card_id
                     WHERE s.due >= ?2 AND s.due < ?3 AND c.suspended = 0{card_areas})
                  - (SELECT count(*) FROM skips k CROSS JOIN card_state s ON s.card_id = k.card_id
                         CROSS JOIN cards c INDEXED BY cards_area ON c.id = k.card_id
                     WHERE k.until > ?4 AND s.due < ?3 AND c.suspended = 0{card_areas})"
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let n: i64 = stmt.query_row(rusqlite::params_from_iter(args.iter()), |r| r.get(0))?;
        Ok(n.max(0) as usize)
    }

    /// Up to `per_deck` never-reviewed active cards of each deck, in deck order. Reads the
    /// `new_cards` index (kept by triggers) deck by deck, never every card: a heavy user has
    /// 50,000, and scanning them for the absence of a state took most of the drill's start-up.
    fn new_candidates(&self, per_deck: usize, areas: &[String]) -> Result<Vec<Candidate>, StoreError> {
        let mut args: Vec<Value> = vec![0.into(), (per_deck as i64).into()];
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT c.id, c.key, c.area, n.position, NULL, NULL, NULL, NULL, NULL, NULL
             FROM new_cards n CROSS JOIN cards c INDEXED BY cards_area ON c.id = n.card_id
             WHERE n.deck_id = ?1 AND c.suspended = 0{}
             ORDER BY n.position, n.card_id LIMIT ?2",
            area_clause(areas, &mut args)
        ))?;
        let mut deck_ids = self.conn().prepare_cached("SELECT id FROM decks ORDER BY id")?;
        let decks: Vec<i64> = deck_ids.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
        let mut out = Vec::new();
        for deck in decks {
            args[0] = deck.into();
            out.extend(
                stmt.query_map(rusqlite::params_from_iter(args.iter()), candidate)?.collect::<Result<Vec<_>, _>>()?,
            );
        }
        out.sort_by_key(|c| (c.position, c.id));
        Ok(out)
    }
}

/// ` AND c.area IN (?n, ...)` for a non-empty `areas`, its values pushed onto `args`.
fn area_clause(areas: &[String], args: &mut Vec<Value>) -> String {
    in_clause("c.area", areas, args)
}

/// ` AND column IN (?n, ...)` for non-empty `values`, the values pushed onto `args` (so the
/// numbers follow the parameters already there); empty for no values.
pub(super) fn in_clause(column: &str, values: &[String], args: &mut Vec<Value>) -> String {
    if values.is_empty() {
        return String::new();
    }
    let marks: Vec<String> = values
        .iter()
        .map(|v| {
            args.push(v.clone().into());
            format!("?{}", args.len())
        })
        .collect();
    format!(" AND {column} IN ({})", marks.join(", "))
}

fn candidate(r: &Row) -> rusqlite::Result<Candidate> {
    Ok(Candidate { id: r.get(0)?, key: r.get(1)?, area: r.get(2)?, position: r.get(3)?, state: state_at(r, 4)? })
}
