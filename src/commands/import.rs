//! `grill import FILE...`: one transaction for all the files, so any error leaves the database
//! as it was. CSV, TSV and TOML files are written while they are read (see [`stream`]); the
//! others are parsed whole first. A folder stands for every deck file in it (what
//! `grill export -o FOLDER` writes).

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Result;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::app::{App, Ui};
use crate::cli::ImportArgs;
use crate::deck::anki::{ParameterChoice, ReplayCounts};
use crate::deck::{self, DeckError, ImportOptions, Parsed};
use crate::render::safe_line;
use crate::scheduler::Scheduler;
use crate::store::{SavedParameters, SyncOptions, SyncReport};

/// Below this many cards and reviews an import is quick enough to need no progress bar.
const PROGRESS_FROM: usize = 500;

/// How many ids a list shows before "and N more" (a dry run shows them all).
const LIST_LIMIT: usize = 20;

/// Imports the files, or with `--dry-run` reports what that would do.
pub fn run(app: &mut App, args: &ImportArgs, out: &mut Ui) -> Result<()> {
    let files = deck_files(&args.files)?;
    if files.iter().all(|f| streams(f)) {
        return stream(app, args, &files, out);
    }
    let options = ImportOptions { deck: args.deck.clone(), area: args.area.clone() };
    let (mut all, answers) = read_files(app, &files, &options)?;
    let kept = keep_stored_areas(app, &mut all)?;
    let answered = answers.as_ref().map_or(all.history.len(), deck::anki::Answers::len);
    let bar = progress_bar(all.decks.iter().map(|d| d.cards.len()).sum::<usize>() + answered);
    if answered == 0 && all.schedules.is_empty() {
        // Cards only (TOML, Markdown, an Anki package without answers or schedules): written as
        // the CSV stream writes them.
        let (report, ()) =
            app.store.import_cards(app.now(), args.dry_run, |import| import.add(&all.decks, &mut |_, _| bar.inc(1)))?;
        bar.finish_and_clear();
        let prompts: HashMap<&str, &str> =
            all.decks.iter().flat_map(|d| &d.cards).map(|c| (c.id.as_str(), c.prompt.as_str())).collect();
        print_report(out, &all, &report, &prompts, args.dry_run)?;
        return print_notes(out, &all, &kept).map_err(Into::into);
    }
    let in_use = app.store.fsrs_parameters()?.map(|p| p.parameters).unwrap_or_default();
    let choice = deck::anki::choose_parameters(&all.presets, &in_use);
    let adopted = adoption(&choice, &args.files, app.now(), app.scheduler.desired_retention())?;
    let how = SyncOptions {
        dry_run: args.dry_run,
        schedules: &all.schedules,
        keep_due: !args.reschedule,
        adopt: adopted.as_ref().map(|(saved, _)| saved),
        ..SyncOptions::import(app.now(), adopted.as_ref().map_or(&app.scheduler, |(_, s)| s), &app.days)
    };
    let report = match answers {
        Some(answers) => write_answers(&mut app.store, &all, answers, &how, &bar)?,
        None => app.store.sync_decks(&all.decks, &all.history, &how, &mut || bar.inc(1))?,
    };
    bar.finish_and_clear();
    let prompts: HashMap<&str, &str> =
        all.decks.iter().flat_map(|d| &d.cards).map(|c| (c.id.as_str(), c.prompt.as_str())).collect();
    print_report(out, &all, &report, &prompts, args.dry_run)?;
    print_notes(out, &all, &kept)?;
    print_anki(out, &all, &report, &choice, args, app.scheduler.desired_retention())?;
    Ok(())
}

/// Reads the files that are not streamed. One Anki package is opened with its answers left to
/// be mapped while they are written ([`write_answers`]); anything else is read whole.
fn read_files(
    app: &App,
    files: &[PathBuf],
    options: &ImportOptions,
) -> Result<(Parsed, Option<deck::anki::Answers>), DeckError> {
    if let [path] = files {
        let name = path.display().to_string();
        let bytes = read_file(path)?;
        if deck::import::detect(&name, &bytes)? == deck::Format::Anki {
            let (parsed, answers) = deck::open_anki(&name, bytes, options, &app.days)?;
            return Ok((parsed, Some(answers)));
        }
        return Ok((deck::parse_import(&name, &bytes, options, &app.days)?, None));
    }
    let mut all = Parsed::default();
    let mut owners = HashMap::new();
    for path in files {
        let parsed = parse_file(app, path, options)?;
        merge(&mut all, &mut owners, parsed, &path.display().to_string())?;
    }
    Ok((all, None))
}

/// Writes an opened Anki package: a thread maps its answers card by card and replays each
/// card's on their own (what a card with no answer logged yet gets), handing them on in groups
/// while the writer stores the ones before. The two cores then share the work, and the
/// package's answers are never all held as grill's reviews; the package's log goes with the
/// thread, before the writer rebuilds the tables derived from grill's.
fn write_answers(
    store: &mut crate::store::Store,
    parsed: &Parsed,
    answers: deck::anki::Answers,
    how: &SyncOptions<'_, chrono::Local>,
    bar: &ProgressBar,
) -> Result<SyncReport, crate::store::StoreError> {
    use crate::store::{CARDS_PER_GROUP, CardAnswers, StoreError};
    std::thread::scope(|scope| {
        let (groups, received) = std::sync::mpsc::sync_channel::<Result<Vec<CardAnswers>, StoreError>>(2);
        // Written groups come back to be freed on this thread, which made them (as a streamed
        // deck's batches do, see `stream`): freeing them on the writer cost it
        // about 10% of its time in glibc's locks.
        let (written, spent) = std::sync::mpsc::channel::<Vec<CardAnswers>>();
        let (scheduler, clock, keep_due) = (how.scheduler.clone(), how.clock.clone(), how.keep_due);
        let total = answers.len();
        scope.spawn(move || {
            for first in (0..answers.cards()).step_by(CARDS_PER_GROUP) {
                spent.try_iter().for_each(drop);
                let cards = first..(first + CARDS_PER_GROUP).min(answers.cards());
                let group: Result<Vec<CardAnswers>, StoreError> = cards
                    .filter_map(|i| {
                        let (key, reviews) = answers.card(i, &clock);
                        if reviews.is_empty() {
                            return None;
                        }
                        // Schedule `i` is card `i`'s (checked: a wrong one would replay wrongly).
                        let Some(schedule) = parsed.schedules.get(i).filter(|s| *s.card_key == *key) else {
                            return Some(Ok(CardAnswers { key, reviews, alone: None }));
                        };
                        let alone =
                            crate::store::replay_alone(&key, &reviews, Some(schedule), keep_due, &scheduler, &clock);
                        Some(alone.map(|alone| CardAnswers { key, reviews, alone: Some(alone) }))
                    })
                    .collect();
                let failed = group.is_err();
                // Stop when the writer stopped (it failed) or this group could not be replayed.
                if groups.send(group).is_err() || failed {
                    return;
                }
            }
        });
        let mut received = received.into_iter();
        store.sync_answers(&parsed.decks, &mut received, total, how, &mut || bar.inc(1), &mut |group| {
            // Once the reader is done, the last few are freed here.
            let _ = written.send(group);
        })
    })
}

/// The files to read: each argument, a folder replaced by its deck files in name order
/// (hidden files, such as an interrupted export's `.tmp`, and other extensions left out).
fn deck_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, DeckError> {
    let mut files = Vec::new();
    for path in paths {
        if !path.is_dir() {
            files.push(path.clone());
            continue;
        }
        let name = path.display().to_string();
        let folder_error =
            |message: String| DeckError { file: name.clone(), line: 0, field: "folder".to_owned(), message };
        let entries = std::fs::read_dir(path).map_err(|e| folder_error(format!("cannot read it ({e})")))?;
        let mut found = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| folder_error(format!("cannot read it ({e})")))?;
            let file = entry.path();
            if file.is_file() && deck::import::is_deck_file(&entry.file_name().to_string_lossy()) {
                found.push(file);
            }
        }
        if found.is_empty() {
            let known: Vec<String> = deck::import::EXTENSIONS.iter().map(|e| format!(".{e}")).collect();
            return Err(folder_error(format!("no deck files in the folder (grill imports {})", known.join(", "))));
        }
        found.sort();
        files.extend(found);
    }
    Ok(files)
}

/// A deck already stored whose file names no area (CSV, Anki, Markdown without `area:`) and
/// no `--area` keeps its stored area instead of the guess from its name. Returns the decks
/// whose area this changed: (deck, kept area).
fn keep_stored_areas(app: &App, all: &mut Parsed) -> Result<Vec<(String, String)>> {
    let mut kept = Vec::new();
    for deck in &mut all.decks {
        if all.guessed_areas.contains(&deck.deck.id) {
            kept.extend(keep_stored_area(deck, app.store.deck_area(&deck.deck.id)?));
        }
    }
    Ok(kept)
}

/// Gives `deck`, whose area was guessed, the area `stored` for it, if that differs; returns
/// (deck, kept area) when it did.
fn keep_stored_area(deck: &mut deck::Deck, stored: Option<String>) -> Option<(String, String)> {
    let stored = stored.filter(|s| *s != deck.deck.area)?;
    deck.deck.area = stored.clone();
    Some((deck.deck.id.clone(), stored))
}

/// What the import did beyond the counts: ids moved out of a built-in deck, areas kept.
fn print_notes(out: &mut dyn Write, parsed: &Parsed, kept: &[(String, String)]) -> std::io::Result<()> {
    for r in &parsed.renamed {
        let (from, to) = (safe_line(&r.from), safe_line(&r.to));
        writeln!(
            out,
            "  {} card id{} renamed {from}/... -> {to}/... ({from} is a built-in deck; the copy has its own history)",
            r.cards,
            if r.cards == 1 { "" } else { "s" }
        )?;
    }
    for (deck, area) in kept {
        writeln!(
            out,
            "  deck {} keeps its area {} (the file names none; --area AREA changes it)",
            safe_line(deck),
            safe_line(area)
        )?;
    }
    Ok(())
}

/// The parameters the import replays with: the package's adopted ones (saved with their
/// origin in the import's transaction) or the ones in use.
fn adoption(
    choice: &ParameterChoice,
    files: &[std::path::PathBuf],
    now: chrono::DateTime<chrono::Utc>,
    desired_retention: f32,
) -> Result<Option<(SavedParameters, Scheduler)>> {
    let ParameterChoice::Adopt { preset, parameters } = choice else { return Ok(None) };
    let file = files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>().join(", ");
    let saved = SavedParameters::adopted(parameters.clone(), format!("anki: {file}, preset {preset:?}"), now);
    Ok(Some((saved, Scheduler::new(parameters, desired_retention)?)))
}

fn parse_file(app: &App, path: &Path, options: &ImportOptions) -> Result<Parsed, DeckError> {
    deck::parse_import(&path.display().to_string(), &read_file(path)?, options, &app.days)
}

/// The error for a card id of `file` that deck `other` of an earlier file already has.
fn in_earlier_file(file: &str, card: &str, other: &str) -> DeckError {
    DeckError {
        file: file.to_owned(),
        line: 0,
        field: "id".to_owned(),
        message: format!("card id {card:?} is also in deck {other:?} of an earlier file"),
    }
}

/// Adds `more` ids moved out of built-in decks to `into`, one entry per (from, to).
fn add_renamed(into: &mut Vec<deck::import::Renamed>, more: Vec<deck::import::Renamed>) {
    for r in more {
        match into.iter_mut().find(|a| a.from == r.from && a.to == r.to) {
            Some(a) => a.cards += r.cards,
            None => into.push(r),
        }
    }
}

/// Adds one file's decks to the import: decks with the same id merge (so cards missing from
/// a deck are judged against all its files), and a card id may appear only once (a file's own
/// duplicates are refused by its parser). `owners` maps each card id merged so far to its deck:
/// one lookup per card (scanning the merged decks for each card took 8 of an Anki collection's
/// 21 s at 50,000 cards in 10 decks).
fn merge(all: &mut Parsed, owners: &mut HashMap<String, String>, parsed: Parsed, file: &str) -> Result<(), DeckError> {
    for deck in &parsed.decks {
        if let Some((card, other)) = deck.cards.iter().find_map(|c| owners.get(&c.id).map(|o| (c, o))) {
            return Err(in_earlier_file(file, &card.id, other));
        }
    }
    for deck in &parsed.decks {
        owners.extend(deck.cards.iter().map(|c| (c.id.clone(), deck.deck.id.clone())));
    }
    for deck in parsed.decks {
        match all.decks.iter_mut().find(|d| d.deck.id == deck.deck.id) {
            Some(existing) => existing.cards.extend(deck.cards),
            None => {
                // The first file's deck settles the deck's area, guessed or not.
                if parsed.guessed_areas.contains(&deck.deck.id) {
                    all.guessed_areas.insert(deck.deck.id.clone());
                }
                all.decks.push(deck);
            }
        }
    }
    add_renamed(&mut all.renamed, parsed.renamed);
    all.history.extend(parsed.history);
    all.media += parsed.media;
    all.skipped_log_entries += parsed.skipped_log_entries;
    all.skipped_cards += parsed.skipped_cards;
    all.schedules.extend(parsed.schedules);
    for preset in parsed.presets {
        match all.presets.iter_mut().find(|p| p.name == preset.name && p.params == preset.params) {
            Some(p) => p.cards += preset.cards,
            None => all.presets.push(preset),
        }
    }
    Ok(())
}

/// A bar on stderr for large imports; indicatif hides it when stderr is not a terminal.
fn progress_bar(total: usize) -> ProgressBar {
    if total < PROGRESS_FROM {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("importing {bar:40} {pos}/{len}") {
        bar.set_style(style);
    }
    bar
}

/// Whether `path` is read while it is written: CSV, TSV or TOML by its name, and not a zip (a
/// zip is an Anki package whatever its name, see [`deck::import::detect`]).
fn streams(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 4];
    let zip = std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut head)).is_ok() && &head == b"PK\x03\x04";
    deck::streams(&path.display().to_string()) && !zip
}

/// Imports CSV, TSV and TOML files while they are read: a thread parses each file and hands
/// on batches of cards, which are written as they come, in one transaction (a fault late in a
/// file rolls back what was written before it). Parsing and writing then overlap on two
/// cores, and no file's cards are all held in memory at once.
fn stream(app: &mut App, args: &ImportArgs, files: &[PathBuf], out: &mut Ui) -> Result<()> {
    let options = ImportOptions { deck: args.deck.clone(), area: args.area.clone() };
    let bytes: u64 = files.iter().filter_map(|f| std::fs::metadata(f).ok()).map(|m| m.len()).sum();
    let bar = spinner(bytes);
    let (report, seen) = app.store.import_cards(app.now(), args.dry_run, |import| -> Result<Streamed> {
        let mut seen = Streamed { listed: if args.dry_run { usize::MAX } else { LIST_LIMIT }, ..Streamed::default() };
        for path in files {
            let name = path.display().to_string();
            std::thread::scope(|scope| -> Result<()> {
                let (batches, received) = std::sync::mpsc::sync_channel::<Result<Parsed, DeckError>>(2);
                // Written batches come back to be freed by the thread that made them: glibc
                // frees another thread's memory under that thread's arena lock, and freeing a
                // 100,000-card deck's texts on the writer cost it 0.15 s of CPU (the writer
                // is the slower side: 1.40 s against 1.31 s for the whole import).
                let (written, spent) = std::sync::mpsc::channel::<Parsed>();
                let (file, options) = (name.clone(), &options);
                scope.spawn(move || {
                    let opened = std::fs::File::open(path).map_err(|e| deck::import::unreadable(&file, &e));
                    let sent = opened.and_then(|mut reader| {
                        deck::stream(&file, &mut reader, &|| read_file(path), options, &mut |batch| {
                            spent.try_iter().for_each(drop);
                            // The writer stopped (it failed): stop reading.
                            batches.send(Ok(batch)).map_err(|_| DeckError {
                                file: file.clone(),
                                line: 0,
                                field: "file".to_owned(),
                                message: "import stopped".to_owned(),
                            })
                        })
                    });
                    if let Err(e) = sent {
                        let _ = batches.send(Err(e));
                    }
                });
                for batch in received {
                    let mut batch = batch?;
                    seen.take(import, &mut batch, &name, options, files.len() > 1)?;
                    bar.set_position(seen.cards);
                    // Once the reader is done, the last few are freed here.
                    let _ = written.send(batch);
                }
                Ok(())
            })?;
        }
        Ok(seen)
    })?;
    bar.finish_and_clear();
    let parsed = Parsed {
        decks: seen.decks.iter().map(|id| deck::Deck { deck: deck_info(id), cards: Vec::new() }).collect(),
        renamed: seen.renamed,
        ..Parsed::default()
    };
    let prompts: HashMap<&str, &str> = seen.prompts.iter().map(|(k, p)| (k.as_str(), p.as_str())).collect();
    print_report(out, &parsed, &report, &prompts, args.dry_run)?;
    print_notes(out, &parsed, &seen.kept)?;
    Ok(())
}

/// A deck known only by its id (what the report prints).
fn deck_info(id: &str) -> deck::DeckInfo {
    deck::DeckInfo { id: id.to_owned(), name: id.to_owned(), area: String::new(), description: String::new() }
}

/// What a streamed import remembers of the batches it wrote.
#[derive(Default)]
struct Streamed {
    /// Deck ids in the order they came.
    decks: Vec<String>,
    /// Decks that kept their stored area: (deck, area).
    kept: Vec<(String, String)>,
    renamed: Vec<deck::import::Renamed>,
    /// Card id -> deck, across files (a card id may be in one file only).
    owners: HashMap<String, String>,
    /// The prompts of the new and changed cards the report lists.
    prompts: HashMap<String, String>,
    /// How many added and updated cards get their prompt listed.
    listed: usize,
    added: usize,
    updated: usize,
    cards: u64,
}

impl Streamed {
    /// Writes one batch of `file`: a deck seen for the first time keeps its stored area when
    /// the file only guessed one, and (with `--deck`) a deck that turns out to gather several
    /// of the file's decks is named after its id, as a file read whole would name it.
    fn take(
        &mut self,
        import: &mut crate::store::CardImport<'_>,
        batch: &mut Parsed,
        file: &str,
        options: &ImportOptions,
        several_files: bool,
    ) -> Result<()> {
        for deck in &mut batch.decks {
            let id = deck.deck.id.clone();
            match import.deck_name(&id) {
                None => {
                    if batch.guessed_areas.contains(&id) {
                        self.kept.extend(keep_stored_area(deck, import.stored_area(&id)?));
                    }
                    self.decks.push(id.clone());
                }
                Some(name) if options.deck.is_some() && name != deck.deck.name && name != id => {
                    import.rename_deck(&id, &id)?;
                }
                Some(_) => {}
            }
            if several_files {
                for card in &deck.cards {
                    // The file's own duplicates were refused as it was read: an id seen before
                    // is from an earlier file.
                    if let Some(other) = self.owners.get(&card.id) {
                        return Err(in_earlier_file(file, &card.id, other).into());
                    }
                    self.owners.insert(card.id.clone(), id.clone());
                }
            }
        }
        add_renamed(&mut self.renamed, std::mem::take(&mut batch.renamed));
        let (listed, prompts) = (self.listed, &mut self.prompts);
        let (added, updated) = (&mut self.added, &mut self.updated);
        import.add(&batch.decks, &mut |card, change| {
            let count = match change {
                crate::store::Change::Added => &mut *added,
                crate::store::Change::Updated => &mut *updated,
                crate::store::Change::Unchanged => return,
            };
            *count += 1;
            if *count <= listed && (change == crate::store::Change::Updated || listed == usize::MAX) {
                prompts.insert(card.id.clone(), card.prompt.clone());
            }
        })?;
        self.cards += batch.decks.iter().map(|d| d.cards.len() as u64).sum::<u64>();
        Ok(())
    }
}

/// A counter on stderr for large streamed imports (their number of cards is known only at the
/// end); hidden when stderr is not a terminal.
fn spinner(bytes: u64) -> ProgressBar {
    if bytes < PROGRESS_FROM_BYTES {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("importing {pos} cards") {
        bar.set_style(style);
    }
    bar
}

/// From this size on, a streamed import shows its counter (about 500 short cards).
const PROGRESS_FROM_BYTES: u64 = 64 * 1024;

fn read_file(path: &Path) -> Result<Vec<u8>, DeckError> {
    std::fs::read(path).map_err(|e| deck::import::unreadable(&path.display().to_string(), &e))
}

fn print_report(
    out: &mut dyn Write,
    parsed: &Parsed,
    report: &SyncReport,
    prompts: &HashMap<&str, &str>,
    dry_run: bool,
) -> std::io::Result<()> {
    let decks: Vec<String> = parsed.decks.iter().map(|d| safe_line(&d.deck.id)).collect();
    if dry_run {
        writeln!(out, "Dry run: nothing was written. Importing would change deck(s) {}:", decks.join(", "))?;
    } else if decks.is_empty() {
        // A package of grill's own cards (`grill export --format apkg`) brings only answers.
        writeln!(out, "Imported into grill's own cards:")?;
    } else {
        writeln!(out, "Imported into deck(s) {}:", decks.join(", "))?;
    }
    let (added, updated) = if dry_run { ("would add", "would update") } else { ("added", "updated") };
    writeln!(
        out,
        "  {added} {} · {updated} {} · unchanged {} · missing {}",
        report.added.len(),
        report.updated.len(),
        report.unchanged,
        report.missing.len()
    )?;
    let limit = if dry_run { usize::MAX } else { LIST_LIMIT };
    if dry_run {
        list(out, added, &report.added, prompts, limit)?;
    }
    list(out, updated, &report.updated, prompts, limit)?;
    if !report.missing.is_empty() {
        writeln!(out, "  missing from the file but kept, with their history (suspend them if you like):")?;
        list(out, "missing", &report.missing, prompts, limit)?;
    }
    if report.reviews_added + report.reviews_known > 0 {
        let verb = if dry_run { "would add" } else { "added" };
        writeln!(
            out,
            "  review history: {verb} {} reviews ({} already in the log)",
            report.reviews_added, report.reviews_known
        )?;
    }
    if parsed.media > 0 {
        writeln!(out, "  {} media file(s) in the package not imported (grill shows text only)", parsed.media)?;
    }
    if parsed.skipped_cards > 0 {
        writeln!(out, "  {} Anki card(s) skipped: their question is empty", parsed.skipped_cards)?;
    }
    if parsed.skipped_log_entries > 0 {
        writeln!(
            out,
            "  {} Anki log entries skipped: rescheduling or manual changes, not answers",
            parsed.skipped_log_entries
        )?;
    }
    Ok(())
}

/// One line per card: its prompt (first line, shortened) and its id, so a user can tell the
/// cards apart and still name one in `suspend` or `edit`.
fn list(
    out: &mut dyn Write,
    label: &str,
    keys: &[String],
    prompts: &HashMap<&str, &str>,
    limit: usize,
) -> std::io::Result<()> {
    for key in keys.iter().take(limit) {
        match prompts.get(key.as_str()) {
            Some(prompt) => writeln!(out, "    {label}: {}  [{}]", short(prompt), safe_line(key))?,
            None => writeln!(out, "    {label}: {}", safe_line(key))?,
        }
    }
    if keys.len() > limit {
        writeln!(out, "    ... and {} more", keys.len() - limit)?;
    }
    Ok(())
}

/// A prompt's first line, made safe and cut to about 70 characters.
fn short(prompt: &str) -> String {
    const MAX: usize = 70;
    let line = safe_line(prompt.lines().find(|l| !l.trim().is_empty()).unwrap_or(""));
    let line = line.trim();
    if line.chars().count() <= MAX {
        return line.to_owned();
    }
    let cut: String = line.chars().take(MAX - 1).collect();
    format!("{}…", cut.trim_end())
}

/// What an Anki package's history and presets became: how each card's state was replayed,
/// with which parameters, the due dates and suspended cards.
fn print_anki(
    out: &mut dyn Write,
    parsed: &Parsed,
    report: &SyncReport,
    choice: &ParameterChoice,
    args: &ImportArgs,
    retention: f32,
) -> std::io::Result<()> {
    let counts = ReplayCounts::of(parsed);
    if counts.replayed == 0 {
        return Ok(());
    }
    let verb = if args.dry_run { "would be replayed" } else { "replayed" };
    writeln!(
        out,
        "  memory states ({} cards) {verb} as Anki's FSRS reads its log: {} from complete histories, \
         {} from the SM-2 fallback (history without learning steps); {} after a reset, \
         {} with the preset's \"ignore reviews before\" date",
        counts.replayed, counts.complete, counts.sm2, counts.after_reset, counts.cut_off
    )?;
    if counts.without_state > 0 {
        writeln!(
            out,
            "  {} card(s) have answers but no memory state (reset in Anki and not answered since): new in grill",
            counts.without_state
        )?;
    }
    print_parameters(out, parsed, choice, args.dry_run, retention)?;
    if args.reschedule {
        writeln!(out, "  due dates: recomputed from the replayed memory states (--reschedule)")?;
    } else if counts.due_kept > 0 {
        writeln!(
            out,
            "  due dates: {} kept as Anki had them (--reschedule recomputes them from the memory states)",
            counts.due_kept
        )?;
    }
    if report.suspended > 0 {
        let verb = if args.dry_run { "would be suspended" } else { "suspended" };
        writeln!(
            out,
            "  {} card(s) {verb}: suspended or buried in Anki (grill unsuspend CARD brings one back)",
            report.suspended
        )?;
    }
    Ok(())
}

/// Each preset, the parameters the cards were replayed with, and Anki's desired retention.
fn print_parameters(
    out: &mut dyn Write,
    parsed: &Parsed,
    choice: &ParameterChoice,
    dry_run: bool,
    retention: f32,
) -> std::io::Result<()> {
    for preset in &parsed.presets {
        let kind = if preset.params.is_empty() { "default parameters" } else { "optimized parameters" };
        writeln!(
            out,
            "  preset {:?}: {} card(s) with history, {kind}, desired retention {:.2}",
            safe_line(&preset.name),
            preset.cards,
            preset.desired_retention
        )?;
    }
    match choice {
        ParameterChoice::Defaults => {
            writeln!(out, "  replayed with grill's parameters in use (the presets use FSRS's defaults)")?
        }
        ParameterChoice::InUse { preset } => writeln!(
            out,
            "  FSRS parameters: those of preset {:?}, already in use (adopted from Anki earlier)",
            safe_line(preset)
        )?,
        ParameterChoice::Adopt { preset, parameters } => writeln!(
            out,
            "  FSRS parameters: grill used the defaults, so it {} the optimized parameters of preset {:?} \
             ({} numbers; every card is replayed with them; `grill optimize --reset` goes back to the defaults)",
            if dry_run { "would adopt" } else { "adopted" },
            safe_line(preset),
            parameters.len()
        )?,
        ParameterChoice::Keep { optimized, yours } => writeln!(
            out,
            "  FSRS parameters: kept {}; the cards of preset(s) {} were replayed with them, not with their preset's optimized ones",
            if *yours {
                "your own (from `grill optimize` or an earlier import)"
            } else {
                "the defaults (the package carries several optimized sets, or one FSRS refuses)"
            },
            optimized.iter().map(|n| format!("{:?}", safe_line(n))).collect::<Vec<_>>().join(", ")
        )?,
    }
    let on_defaults: usize = parsed.presets.iter().filter(|p| p.params.is_empty()).map(|p| p.cards).sum();
    if on_defaults > 0 && !matches!(choice, ParameterChoice::Defaults) {
        writeln!(
            out,
            "  the {on_defaults} card(s) of presets on FSRS's default parameters were replayed with grill's parameters in use"
        )?;
    }
    let anki_retention = parsed.presets.iter().max_by_key(|p| p.cards).map(|p| p.desired_retention);
    if let Some(r) = anki_retention.filter(|r| (r - retention).abs() > 0.005) {
        writeln!(
            out,
            "  Anki's desired retention was {r:.2}, grill's is {retention:.2}; to use Anki's: grill config set desired_retention {r:.2}"
        )?;
    }
    Ok(())
}
