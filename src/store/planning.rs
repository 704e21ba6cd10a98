//! What planning reads: active cards with what weighs them, recent answer times, and upcoming
//! interviews.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError, to_ms};
use crate::session::{Candidate, PlanCard};

/// An interview the user has coming up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpcomingInterview {
    pub id: i64,
    pub name: String,
    /// The calendar day (user's time zone).
    pub day: NaiveDate,
    /// Target roles for this interview (empty: the configured ones).
    pub roles: Vec<String>,
}

const DAY_FORMAT: &str = "%Y-%m-%d";

impl Store {
    /// Every active (not suspended) card, as the planners see it, by area and deck order.
    pub fn plan_cards(&self) -> Result<Vec<PlanCard>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT c.id, c.key, c.area, c.position, s.stability, s.difficulty, s.due, s.last_review, s.reps,
                    s.lapses, c.tags, c.roles, c.time_limit_secs
             FROM cards c LEFT JOIN card_state s ON s.card_id = c.id
             WHERE c.suspended = 0 ORDER BY c.area, c.position, c.id",
        )?;
        let rows = stmt.query_map([], |r| {
            let list = |i: usize| -> rusqlite::Result<Vec<String>> {
                Ok(serde_json::from_str(&r.get::<_, String>(i)?).unwrap_or_default())
            };
            Ok(PlanCard {
                card: Candidate {
                    id: r.get(0)?,
                    key: r.get(1)?,
                    area: r.get(2)?,
                    position: r.get(3)?,
                    state: super::cards::state_at(r, 4)?,
                },
                tags: list(10)?,
                roles: list(11)?,
                time_limit_secs: r.get(12)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every area with active cards, with their cards' time limits (one entry per card that
    /// has one), read from the `cards_time_limits` index instead of the cards.
    pub fn active_time_limits(&self) -> Result<std::collections::BTreeMap<String, Vec<u32>>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT area, time_limit_secs, count(*) FROM cards INDEXED BY cards_time_limits
             WHERE suspended = 0 GROUP BY area, time_limit_secs",
        )?;
        let mut rows = stmt.query([])?;
        let mut out: std::collections::BTreeMap<String, Vec<u32>> = Default::default();
        while let Some(r) = rows.next()? {
            let limits = out.entry(r.get(0)?).or_default();
            if let Some(limit) = r.get::<_, Option<u32>>(1)? {
                limits.extend(std::iter::repeat_n(limit, r.get::<_, i64>(2)?.max(0) as usize));
            }
        }
        Ok(out)
    }

    /// Answer times (area, milliseconds from question to reveal), oldest first: the most recent
    /// `per_area` of each area. Walks the log backwards through the time index and stops once
    /// every area has `per_area` answers or all it has (`area_answers` counts them): a few
    /// hundred rows for a daily user, instead of ranking every review of every area.
    pub fn answer_times(&self, per_area: usize) -> Result<Vec<(String, u64)>, StoreError> {
        use std::collections::HashMap;
        let mut stmt = self.conn().prepare_cached("SELECT area, timed FROM area_answers WHERE timed > 0")?;
        let wanted: HashMap<String, usize> = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, (r.get::<_, i64>(1)?.max(0) as usize).min(per_area))))?
            .collect::<Result<_, _>>()?;
        let areas = wanted.len() as i64;
        let mut stmt = self.conn().prepare_cached(
            "SELECT c.area, r.duration_ms FROM reviews r JOIN cards c ON c.id = r.card_id
             WHERE r.duration_ms > 0 ORDER BY r.at DESC, r.id DESC",
        )?;
        let mut rows = stmt.query([])?;
        let mut taken: HashMap<String, usize> = HashMap::new();
        let mut full = 0;
        let mut out = Vec::new();
        while full < areas
            && let Some(r) = rows.next()?
        {
            let area: String = r.get(0)?;
            let n = taken.entry(area.clone()).or_default();
            let enough = wanted.get(&area).copied().unwrap_or(per_area);
            if *n < per_area {
                *n += 1;
                full += i64::from(*n == enough);
                out.push((area, r.get::<_, i64>(1)?.max(0) as u64));
            }
        }
        out.reverse();
        Ok(out)
    }

    /// Records an upcoming interview; returns its id.
    pub fn add_interview(
        &self,
        name: &str,
        day: NaiveDate,
        roles: &[String],
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        self.conn().execute(
            "INSERT INTO upcoming_interviews (name, day, roles, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![
                name,
                day.format(DAY_FORMAT).to_string(),
                serde_json::to_string(roles).unwrap_or_default(),
                to_ms(now)
            ],
        )?;
        Ok(self.conn().last_insert_rowid())
    }

    /// Interviews on `from` or later, soonest first.
    pub fn interviews_from(&self, from: NaiveDate) -> Result<Vec<UpcomingInterview>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT id, name, day, roles FROM upcoming_interviews WHERE day >= ?1 ORDER BY day, id")?;
        let rows = stmt.query_map([from.format(DAY_FORMAT).to_string()], interview)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The next interview on `from` or later.
    pub fn next_interview(&self, from: NaiveDate) -> Result<Option<UpcomingInterview>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT id, name, day, roles FROM upcoming_interviews WHERE day >= ?1 ORDER BY day, id LIMIT 1",
                [from.format(DAY_FORMAT).to_string()],
                interview,
            )
            .optional()?)
    }

    /// Interviews recorded with `grill interview add` whose day is in `from..until` (past ones,
    /// for the nudge to log them).
    pub fn interviews_between(&self, from: NaiveDate, until: NaiveDate) -> Result<Vec<UpcomingInterview>, StoreError> {
        let mut stmt = self.conn().prepare(
            "SELECT id, name, day, roles FROM upcoming_interviews WHERE day >= ?1 AND day < ?2 ORDER BY day, id",
        )?;
        let rows =
            stmt.query_map([from.format(DAY_FORMAT).to_string(), until.format(DAY_FORMAT).to_string()], interview)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Forgets interview `id`; returns whether there was one.
    pub fn remove_interview(&self, id: i64) -> Result<bool, StoreError> {
        Ok(self.conn().execute("DELETE FROM upcoming_interviews WHERE id = ?1", [id])? > 0)
    }
}

fn interview(r: &rusqlite::Row) -> rusqlite::Result<UpcomingInterview> {
    let day: String = r.get(2)?;
    Ok(UpcomingInterview {
        id: r.get(0)?,
        name: r.get(1)?,
        day: NaiveDate::parse_from_str(&day, DAY_FORMAT)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text, Box::new(e)))?,
        roles: serde_json::from_str(&r.get::<_, String>(3)?).unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn interviews_come_back_soonest_first_and_past_ones_are_left_out() {
        let store = Store::open_in_memory().unwrap();
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
        let d = |day| NaiveDate::from_ymd_opt(2026, 3, day).unwrap();
        store.add_interview("Later", d(20), &[], now).unwrap();
        store.add_interview("Past", d(1), &[], now).unwrap();
        let id = store.add_interview("Acme", d(6), &["platform".to_owned()], now).unwrap();
        let next = store.next_interview(d(2)).unwrap().unwrap();
        assert_eq!(
            (next.id, next.name.as_str(), next.day, next.roles),
            (id, "Acme", d(6), vec!["platform".to_owned()])
        );
        assert_eq!(store.interviews_from(d(2)).unwrap().len(), 2);
        assert!(store.remove_interview(id).unwrap());
        assert!(!store.remove_interview(id).unwrap());
        assert_eq!(store.next_interview(d(2)).unwrap().unwrap().name, "Later");
    }

    #[test]
    fn plan_cards_leave_out_suspended_cards_and_carry_tags_and_roles() {
        let mut store = Store::open_in_memory().unwrap();
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
        let decks = crate::deck::builtin_decks().unwrap();
        store.sync_builtin(&decks, "x", now).unwrap();
        let all = store.plan_cards().unwrap();
        let first = &all[0];
        store.set_suspended(first.card.id, true, now).unwrap();
        let after = store.plan_cards().unwrap();
        assert_eq!(after.len(), all.len() - 1);
        assert!(all.iter().any(|c| !c.tags.is_empty() && !c.roles.is_empty() && c.time_limit_secs.is_some()));
    }

    #[test]
    fn active_time_limits_are_the_active_cards_limits_by_area() {
        let mut store = Store::open_in_memory().unwrap();
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
        store.sync_builtin(&crate::deck::builtin_decks().unwrap(), "x", now).unwrap();
        let first = store.plan_cards().unwrap()[0].card.id;
        store.set_suspended(first, true, now).unwrap();
        let mut expected: std::collections::BTreeMap<String, Vec<u32>> = Default::default();
        for card in store.plan_cards().unwrap() {
            expected.entry(card.area().to_owned()).or_default().extend(card.time_limit_secs);
        }
        let mut got = store.active_time_limits().unwrap();
        for limits in expected.values_mut().chain(got.values_mut()) {
            limits.sort_unstable();
        }
        assert_eq!(got, expected);
        assert!(got.values().any(|l| !l.is_empty()));
    }
}
