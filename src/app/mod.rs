//! What every command gets (the store, the clock, the config, the scheduler, the output) and
//! the use cases several commands share (`queries`).

pub mod editor;
pub mod history;
pub mod queries;
pub mod session;
pub mod sync;
pub mod ui;

pub use ui::Ui;

use std::path::PathBuf;

use anyhow::{Context, Result};
use chrono::{DateTime, Local, Utc};

use crate::cli::Global;
use crate::clock::Clock;
use crate::config::Config;
use crate::deck;
use crate::scheduler::{DayClock, Scheduler};
use crate::store::{SavedParameters, Store};

/// The opened world a command runs in.
pub struct App {
    pub store: Store,
    pub config: Config,
    pub clock: Clock,
    pub days: DayClock<Local>,
    pub scheduler: Scheduler,
    /// The user's own FSRS parameters (`grill optimize`), when saved; `None`: the defaults.
    pub parameters: Option<SavedParameters>,
    /// Seed for every random choice (`GRILL_SEED`, else from the clock).
    pub seed: u64,
}

impl App {
    /// Opens the database and config the global options point at, and syncs the built-in decks.
    pub fn open(global: &Global) -> Result<App> {
        Self::open_with(global, Store::open, true)
    }

    /// Opens the database only to read it (see [`Store::open_for_reading`]): for commands that
    /// write nothing, when the database or its folder is write-protected. The built-in decks
    /// are as the database last saw them.
    pub fn open_for_reading(global: &Global) -> Result<App> {
        Self::open_with(global, Store::open_for_reading, false)
    }

    fn open_with(
        global: &Global,
        open: fn(&std::path::Path) -> Result<Store, crate::store::StoreError>,
        sync_builtin: bool,
    ) -> Result<App> {
        let clock = Clock::from_env()?;
        let config = Config::load(&config_path(global)?)?;
        let mut store = open(&db_path(global)?)?;
        if store.wal_went_missing() {
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "grill: warning: the last grill on {} stopped without closing it, and its -wal file has been \
                 deleted since: answers saved after its last checkpoint are lost (restore a backup with \
                 `grill restore` if they matter)",
                store.path().display()
            );
        }
        // Fitted parameters (if any) schedule every answer; card states were replayed with them
        // when they were saved.
        let parameters = store.fsrs_parameters()?;
        let fitted = parameters.as_ref().map_or(&[][..], |p| &p.parameters[..]);
        let scheduler = Scheduler::new(fitted, config.desired_retention)?;
        let days = DayClock::new(Local, config.day_rollover_hour);
        let now = clock.now();
        // Parsing the ~400 built-in cards takes milliseconds, the rest of the start-up about
        // four: only when they changed since the last sync.
        let fingerprint = deck::builtin_fingerprint();
        if sync_builtin && store.synced_builtin_fingerprint()?.as_deref() != Some(fingerprint.as_str()) {
            let decks = deck::builtin_decks().context("a built-in deck is broken")?;
            store.sync_builtin(&decks, &fingerprint, now)?;
        }
        let seed = match std::env::var("GRILL_SEED") {
            Ok(s) if !s.trim().is_empty() => {
                s.trim().parse().with_context(|| format!("GRILL_SEED: {s:?} is not a whole number"))?
            }
            _ => now.timestamp_millis() as u64,
        };
        Ok(App { store, config, clock, days, scheduler, parameters, seed })
    }

    /// Now, from the one clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The moment the next day starts (cards due before it are due today).
    pub fn tomorrow(&self) -> DateTime<Utc> {
        self.days.day_start(self.days.day_of(self.now()) + 1)
    }

    /// The moment today started.
    pub fn today_start(&self) -> DateTime<Utc> {
        self.days.day_start(self.days.day_of(self.now()))
    }
}

/// The config file the global options point at (`--config`, `GRILL_CONFIG`, else the platform
/// config dir).
pub fn config_path(global: &Global) -> Result<PathBuf> {
    Ok(match &global.config {
        Some(path) => path.clone(),
        None => default_dir(Dir::Config)?.join("config.toml"),
    })
}

/// The dashboard's profile: `profile.toml` in the config file's folder.
pub fn profile_path(global: &Global) -> Result<PathBuf> {
    let config = config_path(global)?;
    Ok(config.parent().map_or_else(|| PathBuf::from("profile.toml"), |dir| dir.join("profile.toml")))
}

/// The database file the global options point at (`--db`, `GRILL_DB`, else the data dir).
pub fn db_path(global: &Global) -> Result<PathBuf> {
    match &global.db {
        Some(path) => Ok(path.clone()),
        None => Ok(default_dir(Dir::Data)?.join("grill.db")),
    }
}

enum Dir {
    Config,
    Data,
}

/// grill's folder in the platform's config or data dir (XDG on Linux).
fn default_dir(which: Dir) -> Result<PathBuf> {
    use etcetera::BaseStrategy;
    let base = etcetera::choose_base_strategy().context("cannot find your home directory; use --db and --config")?;
    Ok(match which {
        Dir::Config => base.config_dir(),
        Dir::Data => base.data_dir(),
    }
    .join("grill"))
}
