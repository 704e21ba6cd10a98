//! One way to run the real binary in tests: a clean environment, a temp HOME, a temp database
//! and a fixed clock (as jj's TestEnvironment does).
#![allow(dead_code)]

pub mod live;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

/// A temp home with a database path and a clock.
pub struct Env {
    pub dir: TempDir,
    pub now: String,
}

impl Env {
    /// A fresh environment at 2026-03-02 09:00 UTC (a Monday).
    pub fn new() -> Env {
        Env { dir: tempfile::tempdir().expect("temp dir"), now: "2026-03-02T09:00:00Z".to_owned() }
    }

    /// The database file.
    pub fn db(&self) -> PathBuf {
        self.dir.path().join("data").join("grill.db")
    }

    /// The config file.
    pub fn config(&self) -> PathBuf {
        self.dir.path().join("config.toml")
    }

    /// Sets the clock to `rfc3339`.
    pub fn at(&mut self, rfc3339: &str) -> &mut Self {
        self.now = rfc3339.to_owned();
        self
    }

    /// Moves the clock `days` days after the first day (09:00 UTC).
    pub fn day(&mut self, days: i64) -> &mut Self {
        let start = chrono::DateTime::parse_from_rfc3339("2026-03-02T09:00:00Z").unwrap();
        self.now = (start + chrono::Duration::days(days)).to_rfc3339();
        self
    }

    /// `grill ARGS` with a clean environment: temp HOME, this env's database, config and clock,
    /// UTC time zone and a fixed seed.
    pub fn grill(&self, args: &[&str]) -> Command {
        Command::from_std(self.command(args))
    }

    /// The same command as [`Env::grill`], as a std `Command` (to spawn, stream and kill).
    pub fn command(&self, args: &[&str]) -> std::process::Command {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_grill"));
        cmd.env_clear()
            .env("HOME", self.dir.path())
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("TZ", "UTC")
            .env("GRILL_DB", self.db())
            .env("GRILL_CONFIG", self.config())
            .env("GRILL_NOW", &self.now)
            .env("GRILL_SEED", "7")
            .args(args);
        cmd
    }

    /// Runs `grill ARGS` with `stdin`, asserts success and returns stdout.
    pub fn run(&self, args: &[&str], stdin: &str) -> String {
        let out = self.grill(args).write_stdin(stdin).output().expect("runs");
        assert!(
            out.status.success(),
            "grill {args:?} failed ({}):\n{}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("UTF-8 output")
    }

    /// `grill cards --json` parsed.
    pub fn cards(&self, extra: &[&str]) -> Vec<serde_json::Value> {
        let mut args = vec!["cards", "--json"];
        args.extend_from_slice(extra);
        serde_json::from_str(&self.run(&args, "")).expect("cards --json is JSON")
    }

    /// Opens the database directly (read-only checks).
    pub fn sql(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(self.db()).expect("open db")
    }

    /// Waits until some process holds the write lock of this database (a `BEGIN IMMEDIATE`
    /// from here is refused at once) and returns when it saw that, or `None` if `child` ended
    /// first. The probe takes the lock for a moment when it is free, which the other process's
    /// busy timeout rides out; it writes nothing.
    pub fn wait_for_write_lock(&self, child: &mut std::process::Child) -> Option<std::time::Instant> {
        use std::time::{Duration, Instant};
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut probe: Option<rusqlite::Connection> = None;
        while Instant::now() < deadline {
            if child.try_wait().ok().flatten().is_some() {
                return None;
            }
            if probe.is_none() && self.db().exists() {
                let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE;
                // No busy timeout (rusqlite's default waits 5 s): a held lock must show at once.
                probe = rusqlite::Connection::open_with_flags(self.db(), flags)
                    .ok()
                    .filter(|c| c.busy_timeout(Duration::ZERO).is_ok());
            }
            if let Some(conn) = &probe
                && conn.execute_batch("BEGIN IMMEDIATE; ROLLBACK").is_err()
            {
                return Some(Instant::now());
            }
            std::thread::sleep(Duration::from_micros(300));
        }
        None
    }

    /// Writes a file under the temp dir and returns its path.
    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).expect("write file");
        path
    }
}

/// The review log as (review id, card key, rating), oldest first.
pub fn review_log(conn: &rusqlite::Connection) -> Vec<(i64, String, i64)> {
    let mut stmt = conn
        .prepare("SELECT r.id, c.key, r.rating FROM reviews r JOIN cards c ON c.id = r.card_id ORDER BY r.id")
        .expect("review log query");
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().collect::<Result<_, _>>().unwrap()
}

/// Every row an import can touch, as text: equal snapshots mean an unchanged database.
pub fn snapshot(conn: &rusqlite::Connection) -> Vec<String> {
    let mut out = Vec::new();
    for sql in [
        "SELECT key || '|' || name || '|' || area || '|' || description FROM decks ORDER BY key",
        "SELECT key || '|' || prompt || '|' || answer || '|' || tags || '|' || suspended || '|' || position FROM cards ORDER BY key",
        "SELECT card_id || '|' || at || '|' || rating || '|' || kind || '|' || duration_ms || '|' || ifnull(stability, '') FROM reviews ORDER BY id",
        "SELECT card_id || '|' || stability || '|' || difficulty || '|' || due || '|' || reps FROM card_state ORDER BY card_id",
    ] {
        let mut stmt = conn.prepare(sql).expect("snapshot query");
        out.extend(stmt.query_map([], |r| r.get::<_, String>(0)).unwrap().map(Result::unwrap));
    }
    out
}

/// `PRAGMA integrity_check`'s verdict.
pub fn integrity(conn: &rusqlite::Connection) -> String {
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).expect("integrity_check")
}

/// Whether every stored card state is exactly what replaying the review log gives (the log is
/// the source of truth; a rating half-written would break this).
pub fn states_match_replay(db: &Path) -> Result<(), String> {
    let store = grill::Store::open(db).map_err(|e| e.to_string())?;
    let scheduler = grill::Scheduler::default_params();
    let clock = grill::DayClock::new(chrono::Utc, 4);
    let replayed = store.replayed_states(&scheduler, &clock).map_err(|e| e.to_string())?;
    let stored = store.stored_states().map_err(|e| e.to_string())?;
    if replayed == stored { Ok(()) } else { Err(format!("stored {stored:?}\nreplayed {replayed:?}")) }
}

/// The path as a &str (tests only use UTF-8 temp paths).
pub fn s(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

/// Writes an executable shell script (e.g. an `EDITOR` for tests) that runs `body` with the
/// edited file as "$1", and returns its path.
pub fn script(env: &Env, name: &str, body: &str) -> String {
    use std::os::unix::fs::PermissionsExt;
    let path = env.write(name, &format!("#!/bin/sh\nset -e\n{body}\n"));
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    s(&path).to_owned()
}
