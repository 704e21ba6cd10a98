//! Writing decks into the database idempotently: texts are updated in place (the card keeps its
//! row, so its history stays), and cards gone from a deck are suspended, never deleted.

use std::collections::HashSet;

use chrono::{DateTime, TimeZone, Utc};
use rusqlite::{OptionalExtension, Transaction, params};

use super::history::CardAnswers;
use super::params::{SavedParameters, insert_parameters};
use super::{Store, StoreError, to_ms};
use crate::deck::{CardSpec, Deck, ImportedReview, ImportedSchedule};
use crate::scheduler::{DayClock, Scheduler};

/// What a sync did (or, for a dry run, would do).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SyncReport {
    pub added: Vec<String>,
    pub updated: Vec<String>,
    pub unchanged: usize,
    /// Cards in the database but no longer in their deck: suspended, history kept.
    pub missing: Vec<String>,
    /// Imported reviews added to the log.
    pub reviews_added: usize,
    /// Imported reviews the log already had.
    pub reviews_known: usize,
    /// Added cards suspended because they were suspended or buried in the package.
    pub suspended: usize,
}

impl SyncReport {
    /// Adds another deck's card counts and lists to this report.
    fn absorb(&mut self, other: SyncReport) {
        self.added.extend(other.added);
        self.updated.extend(other.updated);
        self.unchanged += other.unchanged;
        self.missing.extend(other.missing);
    }
}

/// The stored area of the deck `key`, if the deck exists.
fn deck_area(conn: &rusqlite::Connection, key: &str) -> Result<Option<String>, StoreError> {
    Ok(conn.query_row("SELECT area FROM decks WHERE key = ?1", [key], |r| r.get(0)).optional()?)
}

const BUILTIN_KEY: &str = "builtin_fingerprint";

impl Store {
    /// The fingerprint of the built-in decks last synced into this database, so start-up can
    /// skip even parsing them when they have not changed.
    pub fn synced_builtin_fingerprint(&self) -> Result<Option<String>, StoreError> {
        self.meta(BUILTIN_KEY)
    }

    /// The stored area of the deck `key`, if the deck exists (a re-import whose file names no
    /// area keeps it).
    pub fn deck_area(&self, key: &str) -> Result<Option<String>, StoreError> {
        deck_area(&self.conn, key)
    }

    /// Syncs the decks built into the binary, skipping the work when they have not changed
    /// since the last sync.
    pub fn sync_builtin(&mut self, decks: &[Deck], fingerprint: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        if self.meta(BUILTIN_KEY)?.as_deref() == Some(fingerprint) {
            return Ok(false);
        }
        let tx = self.conn.transaction()?;
        for deck in decks {
            sync_deck(&tx, deck, "builtin", true, now, &mut || {})?;
        }
        tx.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![BUILTIN_KEY, fingerprint],
        )?;
        tx.commit()?;
        Ok(true)
    }

    /// Syncs imported `decks` and their review `history` in one transaction: any error leaves
    /// the database as it was. With `dry_run` the report is computed and nothing is kept. With
    /// `suspend_missing`, cards no longer in a deck are suspended (built-in decks); otherwise
    /// they are only reported (imports). Reviews already in the log (same card, same
    /// millisecond) are not added again; cards that gain reviews get their state replayed.
    /// `progress` is called once per card and once per review handled.
    pub fn sync_decks<Tz: TimeZone>(
        &mut self,
        decks: &[Deck],
        history: &[ImportedReview],
        how: &SyncOptions<'_, Tz>,
        progress: &mut dyn FnMut(),
    ) -> Result<SyncReport, StoreError> {
        let mut groups = super::history::by_card(history);
        self.sync_answers(decks, &mut groups, history.len(), how, progress, &mut drop)
    }

    /// [`Store::sync_decks`] with the history in groups of cards' answers, taken one at a time
    /// (from a reader that maps them while the earlier ones are written): `answers` is how many
    /// they hold in all (at most), which sets how the log is written. An error from `groups`
    /// rolls everything back. Each group, once written, goes to `spent` (the reader may free it
    /// on its own thread).
    pub fn sync_answers<Tz: TimeZone>(
        &mut self,
        decks: &[Deck],
        groups: &mut dyn Iterator<Item = Result<Vec<CardAnswers>, StoreError>>,
        answers: usize,
        how: &SyncOptions<'_, Tz>,
        progress: &mut dyn FnMut(),
        spent: &mut dyn FnMut(Vec<CardAnswers>),
    ) -> Result<SyncReport, StoreError> {
        let bulk = answers >= BULK_REVIEWS;
        with_import_settings(&mut self.conn, bulk, |conn| {
            let tx = conn.transaction()?;
            let report = if bulk {
                super::derived::without_derived_triggers(&tx, || {
                    super::derived::without_new_card_triggers(&tx, || {
                        without_time_index_if(&tx, answers, || write_decks(&tx, decks, groups, how, progress, spent))
                    })
                })?
            } else {
                write_decks(&tx, decks, groups, how, progress, spent)?
            };
            if how.dry_run {
                tx.rollback()?;
            } else {
                tx.commit()?;
            }
            Ok(report)
        })
    }
}

/// A card import written while its files are still read: decks arrive in batches of cards,
/// all inside one transaction (see [`Store::import_cards`]).
pub struct CardImport<'a> {
    tx: &'a Transaction<'a>,
    now: DateTime<Utc>,
    /// The decks written so far, in the order they first came.
    decks: Vec<DeckWriter>,
}

impl CardImport<'_> {
    /// The stored area of deck `key`, if the database has the deck.
    pub fn stored_area(&self, key: &str) -> Result<Option<String>, StoreError> {
        deck_area(self.tx, key)
    }

    /// Writes a batch of cards. A deck seen for the first time is created (or updated) from
    /// its [`DeckInfo`](crate::deck::DeckInfo) here; later batches of it only bring cards,
    /// which take the places after the ones before. `each` hears what happens to each card.
    pub fn add(&mut self, decks: &[Deck], each: &mut dyn FnMut(&CardSpec, Change)) -> Result<(), StoreError> {
        for deck in decks {
            let i = match self.decks.iter().position(|d| d.info.id == deck.deck.id) {
                Some(i) => i,
                None => {
                    self.decks.push(DeckWriter::begin(self.tx, &deck.deck, "import")?);
                    self.decks.len() - 1
                }
            };
            for card in &deck.cards {
                let change = self.decks[i].add(self.tx, card, self.now)?;
                each(card, change);
            }
        }
        Ok(())
    }

    /// The name deck `key` had when it first came, if it came.
    pub fn deck_name(&self, key: &str) -> Option<&str> {
        self.decks.iter().find(|d| d.info.id == key).map(|d| d.info.name.as_str())
    }

    /// Renames deck `key`, which came earlier in this import.
    pub fn rename_deck(&mut self, key: &str, name: &str) -> Result<(), StoreError> {
        if let Some(deck) = self.decks.iter_mut().find(|d| d.info.id == key) {
            deck.info.name = name.to_owned();
            self.tx.execute("UPDATE decks SET name = ?2 WHERE id = ?1", params![deck.id, name])?;
        }
        Ok(())
    }
}

impl Store {
    /// Imports cards as `feed` hands them to a [`CardImport`], in one transaction: committed
    /// when `feed` returns, rolled back with `dry_run` or when `feed` or a write fails, so a
    /// fault found late in a file leaves the database as it was. Cards missing from their
    /// deck are reported, not suspended. Returns the report (decks in the order they came)
    /// and what `feed` returned.
    pub fn import_cards<T, E: From<StoreError>>(
        &mut self,
        now: DateTime<Utc>,
        dry_run: bool,
        feed: impl FnOnce(&mut CardImport<'_>) -> Result<T, E>,
    ) -> Result<(SyncReport, T), E> {
        let written = with_import_settings(&mut self.conn, true, |conn| {
            let tx = conn.transaction()?;
            let written = super::derived::without_card_insert_triggers(&tx, || {
                let mut import = CardImport { tx: &tx, now, decks: Vec::new() };
                let fed = match feed(&mut import) {
                    Ok(fed) => fed,
                    // Dropping the transaction rolls it back.
                    Err(e) => return Ok(Err(e)),
                };
                let mut report = SyncReport::default();
                for deck in std::mem::take(&mut import.decks) {
                    report.absorb(deck.finish(&tx, false, now)?);
                }
                Ok(Ok((report, fed)))
            })?;
            let (report, fed) = match written {
                Ok(done) => done,
                Err(e) => return Ok(Err(e)),
            };
            if dry_run {
                tx.rollback()?;
            } else {
                tx.commit()?;
            }
            Ok(Ok((report, fed)))
        });
        written.map_err(E::from)?
    }
}

/// From this many imported reviews on, an import drops the derived tables' triggers and
/// recomputes the tables once ([`super::derived::without_derived_triggers`]): each review and
/// each replayed state ran the triggers. The recomputation reads the whole collection (a few
/// tenths of a second at a million reviews), which the per-card triggers of a cards-only import
/// do not cost: measured on 100,000 new cards into the benchmark's database, the bulk path took
/// about 10% more CPU (bench/RESULTS.md, "Imports").
const BULK_REVIEWS: usize = 5_000;

/// New and changed cards held before they are written (several per statement).
const PENDING_CARDS: usize = 1024;

/// Runs `write` without the log's time index when `incoming` reviews at least double the log,
/// and builds the index again afterwards. Imported reviews go in card by card, so each lands at
/// a random place in the time index: a million of them into an empty log took 1.1 s more than
/// building the index once from the finished log (0.4 s). For a smaller import into a larger
/// log, rebuilding the whole index would cost more than it saves, so it is kept. The index's
/// definition is read from the schema, so a migration that changes it is followed.
fn without_time_index_if<T>(
    tx: &Transaction,
    incoming: usize,
    write: impl FnOnce() -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    // The largest id: the log's length (reviews are only ever appended) without counting it.
    let logged: i64 = tx.query_row("SELECT ifnull(max(id), 0) FROM reviews", [], |r| r.get(0))?;
    let index: Option<String> = tx
        .query_row("SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = 'reviews_at'", [], |r| r.get(0))
        .optional()?;
    let Some(index) = index.filter(|_| i64::try_from(incoming).unwrap_or(i64::MAX) >= logged) else {
        return write();
    };
    tx.execute_batch("DROP INDEX reviews_at")?;
    let written = write()?;
    tx.execute_batch(&index)?;
    Ok(written)
}

/// Runs `write`, an import, with its settings on `conn`, each set back afterwards. Every
/// import keeps SQLite's statement journal in memory: each upsert runs the derived tables'
/// triggers, so SQLite journals the pages it changes, and a third of a 100,000-card import's
/// time went to writing that journal to a file (bench/RESULTS.md, "Imports"). A `bulk` one
/// (a card import, or answers from [`BULK_REVIEWS`] on) also gets:
/// - a larger page cache: with SQLite's 2 MiB, pages were spilled to the WAL mid-transaction and
///   read back (100,000 cards: 7% of the writing; an Anki collection of a million answers, when
///   they were written out of card order: 13.4 s with 2 MiB, 10.4 s with 32 MiB, 10.5 s with
///   128 MiB). Now that answers come card by card, 16 MiB does as well as 32 (4.14 s against
///   4.11 s, medians of three) and holds 22 MB less;
/// - no foreign-key lookup per row: it refers only to cards and decks it wrote or looked up in
///   its own transaction, and checking each review's card against `cards` was a quarter of
///   writing a million answers (1.4 -> 1.1 s; 100,000 TOML cards 1.89 -> 1.80 s). The tests
///   check `PRAGMA foreign_key_check` after such imports.
fn with_import_settings<T>(
    conn: &mut rusqlite::Connection,
    bulk: bool,
    write: impl FnOnce(&mut rusqlite::Connection) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    let (foreign_keys, cache_kib) = if bulk { ("OFF", BULK_CACHE_KIB) } else { ("ON", DEFAULT_CACHE_KIB) };
    super::with_pragma(conn, "foreign_keys", &foreign_keys, |conn| {
        super::with_pragma(conn, "temp_store", &"MEMORY", |conn| {
            super::with_pragma(conn, "cache_size", &-cache_kib, write)
        })
    })
}

/// The page cache of an import with a bulk history, in KiB.
const BULK_CACHE_KIB: i64 = 16 * 1024;

/// SQLite's default page cache, in KiB (`PRAGMA cache_size = -2000`).
const DEFAULT_CACHE_KIB: i64 = 2000;

/// The writes of [`Store::sync_decks`], inside its transaction.
fn write_decks<Tz: TimeZone>(
    tx: &Transaction,
    decks: &[Deck],
    groups: &mut dyn Iterator<Item = Result<Vec<CardAnswers>, StoreError>>,
    how: &SyncOptions<'_, Tz>,
    progress: &mut dyn FnMut(),
    spent: &mut dyn FnMut(Vec<CardAnswers>),
) -> Result<SyncReport, StoreError> {
    let mut report = SyncReport::default();
    for deck in decks {
        report.absorb(sync_deck(tx, deck, how.source, how.suspend_missing, how.now, progress)?);
    }
    if let Some(saved) = how.adopt {
        insert_parameters(tx, saved)?;
    }
    let scheduled = apply_schedules(tx, how, &report.added, &mut report.suspended)?;
    let (added, known, replayed) =
        super::history::import_answers(tx, groups, how.scheduler, how.clock, progress, spent)?;
    report.reviews_added = added;
    report.reviews_known = known;
    if how.adopt.is_some() {
        // Every card follows the adopted parameters, not only the imported ones.
        super::replay::rewrite_states(tx, how.scheduler, how.clock)?;
    } else {
        replay_scheduled(tx, how, &scheduled, &replayed)?;
    }
    Ok(report)
}

/// How [`Store::sync_decks`] writes.
pub struct SyncOptions<'a, Tz: TimeZone> {
    /// `import` (or `user`): where the decks come from.
    pub source: &'a str,
    /// Suspend cards gone from their deck (built-in decks) instead of only reporting them.
    pub suspend_missing: bool,
    /// Compute the report, then roll everything back.
    pub dry_run: bool,
    /// The time written as the cards' `created_at`/`updated_at`.
    pub now: DateTime<Utc>,
    /// Replays cards that gain reviews.
    pub scheduler: &'a Scheduler,
    /// The day boundaries the replay uses.
    pub clock: &'a DayClock<Tz>,
    /// What the package says about each card's schedule (Anki packages).
    pub schedules: &'a [ImportedSchedule],
    /// Keep the package's due dates (else they follow from the replayed memory state).
    pub keep_due: bool,
    /// Parameters to adopt as the ones in use, in the same transaction (every state replayed).
    pub adopt: Option<&'a SavedParameters>,
}

impl<'a, Tz: TimeZone> SyncOptions<'a, Tz> {
    /// What `grill import` does: source `import`, cards missing from the file only reported,
    /// changes kept. Set `suspend_missing` or `dry_run` with struct update syntax.
    pub fn import(now: DateTime<Utc>, scheduler: &'a Scheduler, clock: &'a DayClock<Tz>) -> Self {
        SyncOptions {
            source: "import",
            suspend_missing: false,
            dry_run: false,
            now,
            scheduler,
            clock,
            schedules: &[],
            keep_due: true,
            adopt: None,
        }
    }
}

/// Records each card's imported start and due date, and suspends the newly added cards the
/// package had suspended or buried, counting them in `suspended`. Returns the card ids of
/// `how.schedules`, in their order.
fn apply_schedules<Tz: TimeZone>(
    tx: &Transaction,
    how: &SyncOptions<'_, Tz>,
    added: &[String],
    suspended: &mut usize,
) -> Result<Vec<i64>, StoreError> {
    let added: HashSet<&str> = added.iter().map(String::as_str).collect();
    let mut ids = Vec::with_capacity(how.schedules.len());
    for schedule in how.schedules {
        let card_id: i64 =
            tx.prepare_cached("SELECT id FROM cards WHERE key = ?1")?.query_row([&schedule.card_key], |r| r.get(0))?;
        super::imported::save(tx, card_id, schedule, how.keep_due)?;
        // Only new cards: a card the user unsuspended in grill stays unsuspended on re-import.
        if schedule.suspended && added.contains(schedule.card_key.as_str()) {
            tx.prepare_cached("UPDATE cards SET suspended = 1 WHERE id = ?1")?.execute([card_id])?;
            *suspended += 1;
        }
        ids.push(card_id);
    }
    Ok(ids)
}

/// Replays the cards the package describes (`scheduled`, their ids) that gained no answers
/// (`replayed` holds those that did), so a due date or start that changed without new answers
/// reaches the stored state too.
fn replay_scheduled<Tz: TimeZone>(
    tx: &Transaction,
    how: &SyncOptions<'_, Tz>,
    scheduled: &[i64],
    replayed: &HashSet<i64>,
) -> Result<(), StoreError> {
    for (schedule, &card_id) in how.schedules.iter().zip(scheduled) {
        if replayed.contains(&card_id) {
            continue;
        }
        let log = super::history::card_log(tx, card_id)?;
        let imported = super::imported::load(tx, card_id)?;
        let state = super::imported::replay_card(how.scheduler, &schedule.card_key, &log, Some(&imported), how.clock)?;
        super::reviews::write_state(tx, card_id, state.as_ref())?;
    }
    Ok(())
}

pub(super) fn sync_deck(
    tx: &Transaction,
    deck: &Deck,
    source: &str,
    suspend_missing: bool,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(),
) -> Result<SyncReport, StoreError> {
    let mut writer = DeckWriter::begin(tx, &deck.deck, source)?;
    for card in &deck.cards {
        progress();
        writer.add(tx, card, now)?;
    }
    writer.finish(tx, suspend_missing, now)
}

/// One deck being written, card by card: its row, where its next card goes, which of its
/// cards the file holds, and the new and changed cards waiting to be written.
struct DeckWriter {
    info: crate::deck::DeckInfo,
    id: i64,
    next_position: i64,
    present: HashSet<String>,
    /// Whether the deck held cards when this import began: if not, every card it holds at the
    /// end came in this import, and none can be missing.
    had_cards: bool,
    pending: Vec<(String, Fields)>,
    report: SyncReport,
}

impl DeckWriter {
    /// Creates or updates the deck's row.
    fn begin(tx: &Transaction, info: &crate::deck::DeckInfo, source: &str) -> Result<DeckWriter, StoreError> {
        tx.execute(
            "INSERT INTO decks (key, name, area, description, source) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (key) DO UPDATE SET name = excluded.name, area = excluded.area,
                 description = excluded.description",
            params![info.id, info.name, info.area, info.description, source],
        )?;
        let id: i64 = tx.query_row("SELECT id FROM decks WHERE key = ?1", [&info.id], |r| r.get(0))?;
        let had_cards = tx.query_row("SELECT EXISTS (SELECT 1 FROM cards WHERE deck_id = ?1)", [id], |r| r.get(0))?;
        Ok(DeckWriter {
            info: info.clone(),
            id,
            next_position: 0,
            present: HashSet::new(),
            had_cards,
            pending: Vec::with_capacity(PENDING_CARDS),
            report: SyncReport::default(),
        })
    }

    /// Takes the deck's next card: unchanged ones are only counted, new and changed ones are
    /// written with the next batch. Returns whether the card is new or changed.
    fn add(&mut self, tx: &Transaction, card: &CardSpec, now: DateTime<Utc>) -> Result<Change, StoreError> {
        let row = Fields::of(card, card.area(&self.info), self.id, self.next_position);
        self.next_position += 1;
        if self.had_cards {
            self.present.insert(card.id.clone());
        }
        let mut find = tx.prepare_cached(
            "SELECT deck_id, area, prompt, answer, follow_ups, tags, roles, level, time_limit_secs,
                    example, position, missing
             FROM cards WHERE key = ?1",
        )?;
        let existing = find
            .query_row([&card.id], |r| {
                Ok((
                    Fields {
                        deck_id: r.get(0)?,
                        area: r.get(1)?,
                        prompt: r.get(2)?,
                        answer: r.get(3)?,
                        follow_ups: r.get(4)?,
                        tags: r.get(5)?,
                        roles: r.get(6)?,
                        level: r.get(7)?,
                        time_limit_secs: r.get(8)?,
                        example: r.get(9)?,
                        position: r.get(10)?,
                    },
                    r.get::<_, bool>(11)?,
                ))
            })
            .optional()?;
        let change = match &existing {
            None => Change::Added,
            Some((old, missing)) if *old != row || *missing => Change::Updated,
            Some(_) => Change::Unchanged,
        };
        match change {
            Change::Unchanged => {
                self.report.unchanged += 1;
                return Ok(change);
            }
            Change::Added => self.report.added.push(card.id.clone()),
            Change::Updated => self.report.updated.push(card.id.clone()),
        }
        self.pending.push((card.id.clone(), row));
        if self.pending.len() == PENDING_CARDS {
            self.flush(tx, now)?;
        }
        Ok(change)
    }

    fn flush(&mut self, tx: &Transaction, now: DateTime<Utc>) -> Result<(), StoreError> {
        upsert_cards(tx, &self.pending, now)?;
        self.pending.clear();
        Ok(())
    }

    /// Writes what is waiting and reports the deck's stored cards the file no longer holds
    /// (suspended with `suspend_missing`). A deck new to the database skips the look: reading
    /// the keys of 100,000 cards just written took 80 ms of a 1.6 s import.
    fn finish(mut self, tx: &Transaction, suspend_missing: bool, now: DateTime<Utc>) -> Result<SyncReport, StoreError> {
        self.flush(tx, now)?;
        if !self.had_cards {
            return Ok(self.report);
        }
        let mut stmt = tx.prepare_cached("SELECT key FROM cards WHERE deck_id = ?1 AND missing = 0")?;
        let keys: Vec<String> = stmt.query_map([self.id], |r| r.get(0))?.collect::<Result<_, _>>()?;
        for key in keys.into_iter().filter(|k| !self.present.contains(k)) {
            if suspend_missing {
                tx.execute(
                    "UPDATE cards SET suspended = 1, missing = 1, updated_at = ?2 WHERE key = ?1",
                    params![key, to_ms(now)],
                )?;
            }
            self.report.missing.push(key);
        }
        Ok(self.report)
    }
}

/// What an import does to one card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Added,
    Updated,
    Unchanged,
}

/// Writes new and changed cards in one multi-row upsert per batch: a changed card keeps its row
/// (and so its history), a card that had vanished from its deck comes back unsuspended, and
/// `created_at` never moves.
fn upsert_cards(tx: &Transaction, rows: &[(String, Fields)], now: DateTime<Utc>) -> Result<(), StoreError> {
    let now = to_ms(now);
    let values: Vec<[&dyn rusqlite::ToSql; 14]> = rows
        .iter()
        .map(|(key, row)| {
            [
                key as &dyn rusqlite::ToSql,
                &row.deck_id,
                &row.area,
                &row.prompt,
                &row.answer,
                &row.follow_ups,
                &row.tags,
                &row.roles,
                &row.level,
                &row.time_limit_secs,
                &row.example,
                &row.position,
                &now,
                &now,
            ]
        })
        .collect();
    super::batch::insert_rows(
        tx,
        "INSERT INTO cards (key, deck_id, area, prompt, answer, follow_ups, tags, roles, level,
            time_limit_secs, example, position, created_at, updated_at)",
        "ON CONFLICT (key) DO UPDATE SET deck_id = excluded.deck_id, area = excluded.area,
            prompt = excluded.prompt, answer = excluded.answer, follow_ups = excluded.follow_ups,
            tags = excluded.tags, roles = excluded.roles, level = excluded.level,
            time_limit_secs = excluded.time_limit_secs, example = excluded.example,
            position = excluded.position, updated_at = excluded.updated_at,
            suspended = CASE WHEN cards.missing = 1 THEN 0 ELSE cards.suspended END, missing = 0",
        &values,
    )
}

/// A card's stored columns, compared to decide whether a sync changes anything.
#[derive(Debug, PartialEq)]
struct Fields {
    deck_id: i64,
    area: String,
    prompt: String,
    answer: String,
    follow_ups: String,
    tags: String,
    roles: String,
    level: Option<String>,
    time_limit_secs: Option<i64>,
    example: Option<String>,
    position: i64,
}

impl Fields {
    fn of(card: &CardSpec, area: &str, deck_id: i64, position: i64) -> Fields {
        let json = |v: &Vec<String>| serde_json::to_string(v).expect("strings serialise");
        Fields {
            deck_id,
            area: area.to_owned(),
            prompt: card.prompt.clone(),
            answer: card.answer.clone(),
            follow_ups: json(&card.follow_ups),
            tags: json(&card.tags),
            roles: json(&card.roles),
            level: card.level.clone(),
            time_limit_secs: card.time_limit_secs.map(i64::from),
            example: card.example.as_ref().map(|e| serde_json::to_string(e).expect("example serialises")),
            position,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use chrono::{Duration, TimeZone, Utc};

    use super::*;
    use crate::deck::parse_toml;
    use crate::scheduler::{Rating, ReviewKind};

    fn deck(cards: usize) -> Deck {
        let body: String =
            (0..cards).map(|i| format!("[[cards]]\nid = \"t/{i}\"\nprompt = \"q {i}\"\nanswer = \"- a\"\n")).collect();
        parse_toml("t.toml", &format!("[deck]\nid = \"t\"\nname = \"T\"\narea = \"sql\"\n{body}")).unwrap()
    }

    /// `n` daily reviews of each of `cards` cards, from 2025-01-01.
    fn history(cards: usize, n: usize, key: impl Fn(usize) -> String) -> Vec<ImportedReview> {
        let start = Utc.with_ymd_and_hms(2025, 1, 1, 9, 0, 0).unwrap();
        (0..cards)
            .flat_map(|c| {
                let key: Arc<str> = key(c).into();
                (0..n).map(move |i| ImportedReview {
                    card_key: key.clone(),
                    at: start + Duration::days(i as i64) + Duration::minutes(c as i64),
                    rating: Rating::Good,
                    kind: if i == 0 { ReviewKind::Learn } else { ReviewKind::Review },
                    duration_ms: 1000,
                })
            })
            .collect()
    }

    fn time_index(store: &Store) -> Option<String> {
        store
            .conn()
            .query_row("SELECT sql FROM sqlite_schema WHERE name = 'reviews_at'", [], |r| r.get(0))
            .optional()
            .unwrap()
    }

    fn import(store: &mut Store, history: &[ImportedReview]) -> Result<SyncReport, StoreError> {
        let (scheduler, clock) = (Scheduler::default_params(), DayClock::new(Utc, 4));
        let how = SyncOptions::import(Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap(), &scheduler, &clock);
        store.sync_decks(&[deck(60)], history, &how, &mut || {})
    }

    #[test]
    fn a_history_that_doubles_the_log_is_written_without_the_time_index_which_is_built_again() {
        let mut store = Store::open_in_memory().unwrap();
        let before = time_index(&store).expect("the log has a time index");
        // More than BULK_REVIEWS into an empty log: the index is dropped while it is written.
        let report = import(&mut store, &history(60, 100, |c| format!("t/{c}"))).unwrap();
        assert_eq!(report.reviews_added, 6000);
        assert_eq!(time_index(&store), Some(before.clone()));
        let plan: String =
            store.conn().query_row("EXPLAIN QUERY PLAN SELECT id FROM reviews WHERE at > 0", [], |r| r.get(3)).unwrap();
        assert!(plan.contains("reviews_at"), "{plan}");
        let logged: Vec<i64> = store
            .conn()
            .prepare("SELECT at FROM reviews ORDER BY at")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let indexed: Vec<i64> = store
            .conn()
            .prepare("SELECT at FROM reviews INDEXED BY reviews_at WHERE at > -1 ORDER BY at")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(indexed, logged);
        // Written without checking its references, which hold; the checks are back on.
        let broken: Vec<String> = store
            .conn()
            .prepare("PRAGMA foreign_key_check")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert!(broken.is_empty(), "{broken:?}");
        let checked: bool = store.conn().query_row("PRAGMA foreign_keys", [], |r| r.get(0)).unwrap();
        assert!(checked);
        // A failed import (a review of a card the deck does not have) leaves the index as it was.
        let mut bad = history(60, 200, |c| format!("t/{c}"));
        bad.extend(history(1, 1, |_| "t/missing".to_owned()));
        assert!(import(&mut store, &bad).is_err());
        assert_eq!(time_index(&store), Some(before));
        assert_eq!(store.conn().query_row("SELECT count(*) FROM reviews", [], |r| r.get::<_, i64>(0)).unwrap(), 6000);
    }

    /// Answers of `cards` cards over `n` days: every rating, some twice a day, one given twice
    /// in the same millisecond; starting `from` days after 2025-01-01.
    fn varied(cards: usize, n: usize, from: i64) -> Vec<ImportedReview> {
        let start = Utc.with_ymd_and_hms(2025, 1, 1, 9, 0, 0).unwrap();
        let mut out = Vec::new();
        for c in 0..cards {
            let key: Arc<str> = format!("t/{c}").into();
            for i in 0..n {
                let day = from + (i * (1 + c % 4)) as i64;
                let at = start + Duration::days(day) + Duration::minutes(c as i64 + (i % 3) as i64 * 90);
                let rating = [Rating::Good, Rating::Again, Rating::Hard, Rating::Good, Rating::Easy][(c + i) % 5];
                let kind = if from == 0 && i == 0 { ReviewKind::Learn } else { ReviewKind::Review };
                let review = ImportedReview { card_key: key.clone(), at, rating, kind, duration_ms: 700 + i as u64 };
                if c % 7 == 3 && i == 2 {
                    out.push(review.clone());
                }
                out.push(review);
            }
        }
        out
    }

    /// What a package says about each card: an SM-2 start at the third answer for every other
    /// card, a due date after the last answer, lapses counted before.
    fn schedules(history: &[ImportedReview]) -> Vec<ImportedSchedule> {
        let mut out: Vec<ImportedSchedule> = Vec::new();
        for card in history.chunk_by(|a, b| a.card_key == b.card_key) {
            let c = out.len();
            let last = card.iter().map(|r| r.at).max().unwrap();
            out.push(ImportedSchedule {
                card_key: card[0].card_key.to_string(),
                answered: true,
                counted: c % 5 != 4,
                sm2: c.is_multiple_of(2).then(|| crate::scheduler::Sm2Start {
                    at: card[2].at,
                    ease: 2.3,
                    interval_days: 9.0,
                    retention: 0.9,
                }),
                after_reset: false,
                cut_off: false,
                due: c
                    .is_multiple_of(3)
                    .then(|| crate::deck::ImportedDue { due: last + Duration::days(40), after: last }),
                suspended: false,
                lapses_before: (c % 4) as u32,
                preset: "Default".to_owned(),
            });
        }
        out
    }

    /// Every row of the log and of the states, as text.
    fn log_and_states(store: &Store) -> (Vec<String>, Vec<String>) {
        let rows = |sql: &str| -> Vec<String> {
            let mut stmt = store.conn().prepare(sql).unwrap();
            let n = stmt.column_count();
            stmt.query_map([], |r| {
                Ok((0..n).map(|i| format!("{:?}", r.get_ref(i).unwrap())).collect::<Vec<_>>().join(" "))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect()
        };
        (rows("SELECT * FROM reviews ORDER BY id"), rows("SELECT * FROM card_state ORDER BY card_id"))
    }

    /// Imports `history` into both stores: `by_writer` replays in the writer; `by_reader` gets
    /// each card's answers replayed on their own beforehand, as the Anki import's reader does.
    fn import_both(by_writer: &mut Store, by_reader: &mut Store, history: &[ImportedReview]) {
        let (scheduler, clock) = (Scheduler::default_params(), DayClock::new(Utc, 4));
        let schedules = schedules(history);
        let how = SyncOptions {
            schedules: &schedules,
            ..SyncOptions::import(Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap(), &scheduler, &clock)
        };
        let written = by_writer.sync_decks(&[deck(60)], history, &how, &mut || {}).unwrap();
        let mut groups = super::super::history::by_card(history).map(|group| {
            let replayed = group?.into_iter().map(|mut card| {
                let schedule = schedules.iter().find(|s| *s.card_key == *card.key);
                let alone = super::super::history::replay_alone(
                    &card.key,
                    &card.reviews,
                    schedule,
                    how.keep_due,
                    &scheduler,
                    &clock,
                )?;
                card.alone = Some(alone);
                Ok(card)
            });
            replayed.collect::<Result<Vec<_>, StoreError>>()
        });
        let read =
            by_reader.sync_answers(&[deck(60)], &mut groups, history.len(), &how, &mut || {}, &mut drop).unwrap();
        assert_eq!((read.reviews_added, read.reviews_known), (written.reviews_added, written.reviews_known));
    }

    #[test]
    fn answers_replayed_beforehand_are_written_as_the_writer_would_replay_them() {
        let (mut by_writer, mut by_reader) = (Store::open_in_memory().unwrap(), Store::open_in_memory().unwrap());
        let first = varied(60, 8, 0);
        import_both(&mut by_writer, &mut by_reader, &first);
        let (log, states) = log_and_states(&by_writer);
        assert_eq!(log.len(), first.len() - 9, "the same millisecond twice is one answer");
        assert_eq!(states.len(), 60);
        assert_eq!(log_and_states(&by_reader), (log, states));
        // Cards with answers logged: the answers replayed on their own (without the logged
        // ones) must not be used; the writer replays the whole log.
        let mut more = varied(60, 6, 20);
        more.extend(varied(60, 2, 0));
        more.sort_by(|a, b| a.card_key.cmp(&b.card_key));
        import_both(&mut by_writer, &mut by_reader, &more);
        let (log, states) = log_and_states(&by_writer);
        assert!(log.len() > first.len(), "the second import added answers");
        assert_eq!(log_and_states(&by_reader), (log, states));
    }
}
