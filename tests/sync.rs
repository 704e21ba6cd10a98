//! `grill sync DIR` with two and three simulated devices: separate databases (each its own
//! `Env`) sharing one folder, all through the real binary.

use std::path::{Path, PathBuf};

use crate::common::live::{Live, is_confirmation};
use crate::common::{Env, s, states_match_replay};

/// A shared folder and the devices syncing through it.
struct Devices {
    folder: tempfile::TempDir,
    devices: Vec<Env>,
}

/// A review as every device must hold it: (card key, at, rating, kind, duration).
type Logged = (String, i64, i64, i64, i64);

impl Devices {
    fn new(n: usize) -> Devices {
        Devices { folder: tempfile::tempdir().unwrap(), devices: (0..n).map(|_| Env::new()).collect() }
    }

    fn dir(&self) -> &Path {
        self.folder.path()
    }

    /// Device `i` drills `new` new cards (of `area`, when given), answering each with `rating`.
    fn drill(&self, i: usize, new: usize, area: Option<&str>, rating: &str) -> String {
        let new = new.to_string();
        let mut args = vec!["drill", "--new", new.as_str()];
        if let Some(area) = area {
            args.extend(["--area", area]);
        }
        self.devices[i].run(&args, &format!("\n{rating}\n").repeat(40))
    }

    fn sync(&self, i: usize) -> String {
        self.devices[i].run(&["sync", s(self.dir())], "")
    }

    /// The review log as a sorted multiset (a device can log two equal reviews: "again" twice
    /// in the same instant; duplicates show as a longer log than the devices made).
    fn log(&self, i: usize) -> Vec<Logged> {
        let conn = self.devices[i].sql();
        let mut stmt = conn
            .prepare(
                "SELECT c.key, r.at, r.rating, r.kind, r.duration_ms FROM reviews r JOIN cards c ON c.id = r.card_id
                 ORDER BY c.key, r.at, r.rating, r.kind, r.duration_ms",
            )
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }

    /// Every card state, by card key, as text.
    fn states(&self, i: usize) -> Vec<String> {
        let conn = self.devices[i].sql();
        let mut stmt = conn
            .prepare(
                "SELECT c.key || ' s=' || s.stability || ' d=' || s.difficulty || ' due=' || s.due || ' last=' ||
                        s.last_review || ' reps=' || s.reps || ' lapses=' || s.lapses
                 FROM card_state s JOIN cards c ON c.id = s.card_id ORDER BY c.key",
            )
            .unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    }

    /// Every device holds the same log and states, the states are what its log replays to, and
    /// the log holds `expected` reviews.
    fn assert_converged(&self, expected: usize) {
        let (log, states) = (self.log(0), self.states(0));
        assert_eq!(log.len(), expected, "reviews on device 0");
        for i in 0..self.devices.len() {
            assert_eq!(self.log(i), log, "device {i}'s log differs from device 0's");
            assert_eq!(self.states(i), states, "device {i}'s card states differ from device 0's");
            states_match_replay(&self.devices[i].db()).unwrap();
        }
    }

    fn reviews(&self, i: usize) -> usize {
        self.devices[i].sql().query_row("SELECT count(*) FROM reviews", [], |r| r.get::<_, i64>(0)).unwrap() as usize
    }

    /// Device `i`'s own folder in the shared folder.
    fn own_folder(&self, i: usize) -> PathBuf {
        let id: String = self.devices[i]
            .sql()
            .query_row("SELECT value FROM meta WHERE key = 'device_id'", [], |r| r.get(0))
            .unwrap();
        self.dir().join(id)
    }
}

/// Fresh devices holding copies of `base`'s databases (drilled, never synced).
fn copies_of(base: &Devices) -> Devices {
    let d = Devices::new(base.devices.len());
    for (from, to) in base.devices.iter().zip(&d.devices) {
        std::fs::create_dir_all(to.db().parent().unwrap()).unwrap();
        std::fs::copy(from.db(), to.db()).unwrap();
    }
    d
}

/// Two devices drill the same and different cards on the same morning (device 1 later).
fn two_devices_that_drilled_apart() -> (Devices, usize) {
    let mut d = Devices::new(2);
    d.devices[1].at("2026-03-02T12:00:00Z");
    d.drill(0, 4, None, "3");
    d.drill(1, 3, None, "1");
    d.drill(1, 2, Some("sql"), "4");
    let total = d.reviews(0) + d.reviews(1);
    (d, total)
}

#[test]
fn two_devices_hold_the_same_log_and_states_whatever_order_they_sync_in() {
    for order in [&[0, 1, 0][..], &[1, 0, 1], &[0, 0, 1, 1, 0], &[1, 1, 0, 0, 1, 0, 1]] {
        let (d, total) = two_devices_that_drilled_apart();
        for &i in order {
            d.sync(i);
        }
        d.assert_converged(total);
    }
}

#[test]
fn three_devices_converge_whichever_of_the_six_orders_they_sync_in() {
    let mut base = Devices::new(3);
    for i in 0..3 {
        base.devices[i].at(&format!("2026-03-02T{:02}:00:00Z", 9 + i));
        base.drill(i, 2, None, ["3", "1", "4"][i]);
        base.drill(i, 1, Some(["sql", "python", "sql"][i]), "2");
    }
    let total: usize = (0..3).map(|i| base.reviews(i)).sum();
    let mut reached = std::collections::BTreeSet::new();
    for order in [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]] {
        let d = copies_of(&base);
        // Two rounds in the same order: after the first every device has written its reviews.
        for &i in order.iter().chain(&order) {
            d.sync(i);
        }
        d.assert_converged(total);
        reached.insert(d.states(0));
    }
    // Every order reaches the same states, not only the same states on every device.
    assert_eq!(reached.len(), 1, "{reached:?}");
}

#[test]
fn syncing_again_and_again_changes_nothing() {
    let (d, total) = two_devices_that_drilled_apart();
    for i in [0, 1, 0] {
        d.sync(i);
    }
    let before: Vec<_> = (0..2).map(|i| crate::common::snapshot(&d.devices[i].sql())).collect();
    for i in [1, 0, 1, 1, 0] {
        let out = d.sync(i);
        assert!(out.contains("wrote 0 reviews, added 0 reviews"), "{out}");
    }
    let after: Vec<_> = (0..2).map(|i| crate::common::snapshot(&d.devices[i].sql())).collect();
    assert_eq!(before, after);
    d.assert_converged(total);
}

#[test]
fn three_devices_with_interleaved_drills_over_days_converge() {
    let mut d = Devices::new(3);
    let mut order = 0;
    for day in 0..4 {
        for i in 0..3 {
            d.devices[i].day(day).at(&format!("2026-03-{:02}T{:02}:00:00Z", 2 + day, 8 + 3 * i));
            d.drill(i, 2, None, ["3", "2", "4"][(i + day as usize) % 3]);
            // Not everyone syncs every day, and never in the same order.
            if (i + day as usize).is_multiple_of(2) {
                d.sync((i + order) % 3);
                order += 1;
            }
        }
    }
    for i in [2, 0, 1, 2, 0] {
        d.sync(i);
    }
    let total = d.log(0).len();
    assert!(total > 24, "only {total} reviews: the devices drilled too little to test anything");
    d.assert_converged(total);
}

#[test]
fn the_same_card_answered_on_two_devices_is_rescheduled_from_both_answers() {
    let mut d = Devices::new(2);
    d.drill(0, 1, Some("sql"), "3");
    let alone = d.states(0);
    d.devices[1].at("2026-03-02T18:00:00Z");
    d.drill(1, 1, Some("sql"), "4");
    let total = d.reviews(0) + d.reviews(1);
    for i in [0, 1, 0] {
        d.sync(i);
    }
    d.assert_converged(total);
    let merged = d.states(0);
    assert_eq!(merged.len(), 1);
    assert_ne!(merged, alone, "the later 'easy' on the other device must change the schedule");
    assert!(merged[0].contains(&format!("reps={total}")), "{merged:?}");
}

#[test]
fn devices_syncing_at_the_same_moment_lose_and_double_nothing() {
    let (d, total) = two_devices_that_drilled_apart();
    for _ in 0..3 {
        // Both devices, and a second sync of device 0 (the drill's end-of-session sync racing a
        // manual one), all at once.
        let mut children: Vec<_> = [0, 1, 0]
            .iter()
            .map(|&i| d.devices[i].command(&["sync", s(d.dir())]).stdout(std::process::Stdio::null()).spawn().unwrap())
            .collect();
        for child in &mut children {
            assert!(child.wait().unwrap().success());
        }
    }
    d.sync(0);
    d.sync(1);
    d.assert_converged(total);
    // Each review of device 0 went into exactly one segment.
    let files: Vec<_> = std::fs::read_dir(d.own_folder(0)).unwrap().map(|e| e.unwrap().file_name()).collect();
    let segments = files.iter().filter(|f| f.to_string_lossy().starts_with("reviews-")).count();
    assert_eq!(segments, 1, "{files:?}");
}

#[test]
fn a_file_cut_short_by_an_interrupted_copy_is_skipped_until_it_is_complete() {
    let (d, total) = two_devices_that_drilled_apart();
    d.sync(1);
    let segment = std::fs::read_dir(d.own_folder(1))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("reviews-"))
        .unwrap();
    let whole = std::fs::read(&segment).unwrap();
    std::fs::write(&segment, &whole[..whole.len() / 2]).unwrap();
    // A writer stopped before its rename leaves a temp file: never read.
    std::fs::write(d.own_folder(1).join(".reviews-000000000099-000000000099.grill.123.tmp"), b"grill-sync 1").unwrap();
    let out = d.sync(0);
    assert!(out.contains("added 0 reviews"), "{out}");
    assert!(out.contains("Skipped ") && out.contains("incomplete or damaged"), "{out}");
    assert_eq!(d.reviews(0), total - d.log(1).len());
    // A garbled but complete-looking file is refused by its checksum, too.
    let mut garbled = whole.clone();
    let n = garbled.len() - 10;
    garbled[n] = b'9';
    std::fs::write(&segment, &garbled).unwrap();
    assert!(d.sync(0).contains("Skipped "));
    // The copy completes: the next sync takes every review, once.
    std::fs::write(&segment, &whole).unwrap();
    d.sync(0);
    d.sync(1);
    d.assert_converged(total);
}

#[test]
fn a_device_whose_clock_is_an_hour_off_keeps_its_own_reviews_in_order() {
    let mut d = Devices::new(2);
    // Device 1's clock runs an hour fast; both answer the same card, device 1 in between.
    d.drill(0, 1, Some("sql"), "3");
    d.devices[1].at("2026-03-02T10:30:00Z");
    d.drill(1, 1, Some("sql"), "2");
    d.devices[0].at("2026-03-02T09:45:00Z");
    d.sync(1);
    d.sync(0);
    d.devices[0].day(5);
    d.drill(0, 0, Some("sql"), "3");
    d.devices[1].at("2026-03-07T10:30:00Z");
    d.devices[1].day(5).at("2026-03-07T11:00:00Z");
    d.drill(1, 2, Some("sql"), "4");
    for i in [0, 1, 0, 1] {
        d.sync(i);
    }
    d.assert_converged(d.log(0).len());
    // Device 1's reviews appear on device 0 in the order device 1 gave them.
    let on = |i: usize| -> Vec<i64> {
        let conn = d.devices[i].sql();
        let sql = "SELECT r.at FROM reviews r LEFT JOIN review_origin o ON o.review_id = r.id
                   WHERE (o.device IS NULL) = ?1 ORDER BY coalesce(o.seq, r.id)";
        let mut stmt = conn.prepare(sql).unwrap();
        stmt.query_map([i == 1], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    };
    let own = on(1);
    assert!(own.len() >= 2);
    assert_eq!(on(0), own);
    assert!(own.windows(2).all(|w| w[0] <= w[1]), "{own:?}");
}

#[test]
fn an_existing_log_keeps_every_row_and_its_reviews_go_out_by_row_id() {
    let (d, total) = two_devices_that_drilled_apart();
    let rows = |i: usize| crate::common::review_log(&d.devices[i].sql());
    let before = rows(0);
    d.sync(1);
    d.sync(0);
    let after = rows(0);
    assert_eq!(&after[..before.len()], &before[..], "syncing rewrote the existing log");
    assert_eq!(after.len(), total);
    // The merged-in reviews carry device 1's stable ids: its row ids there.
    let conn = d.devices[0].sql();
    let seqs: Vec<i64> = conn
        .prepare("SELECT seq FROM review_origin ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let theirs: Vec<i64> = rows(1).iter().map(|r| r.0).collect();
    assert_eq!(seqs, theirs);
}

#[test]
fn imported_decks_rewrites_and_self_assessments_reach_the_other_device() {
    let d = Devices::new(2);
    let deck = d.devices[0].write(
        "mine.toml",
        "[deck]\nid = \"mine\"\nname = \"Mine\"\narea = \"sql\"\n\n[[cards]]\nid = \"mine/mvcc\"\nprompt = \"What is MVCC?\"\nanswer = \"Versions.\"\n",
    );
    d.devices[0].run(&["import", s(&deck)], "");
    d.devices[0].run(&["score", "set", "sql", "4"], "");
    d.devices[0].run(&["drill", "--new", "0"], "");
    let conn = d.devices[0].sql();
    let mvcc: i64 = conn.query_row("SELECT id FROM cards WHERE key = 'mine/mvcc'", [], |r| r.get(0)).unwrap();
    drop(conn);
    d.drill(0, 1, Some("sql"), "3");
    d.sync(0);
    let out = d.sync(1);
    assert!(out.contains("Cards added 1"), "{out}");
    let b = d.devices[1].sql();
    let prompt: String = b.query_row("SELECT prompt FROM cards WHERE key = 'mine/mvcc'", [], |r| r.get(0)).unwrap();
    assert_eq!(prompt, "What is MVCC?");
    let score: i64 = b.query_row("SELECT score FROM self_assessments WHERE area = 'sql'", [], |r| r.get(0)).unwrap();
    assert_eq!(score, 4);
    let _ = mvcc;
}

#[test]
fn a_conflicting_edit_resolves_to_the_later_one_on_every_device() {
    let mut d = Devices::new(2);
    let deck = d.devices[0].write(
        "mine.toml",
        "[deck]\nid = \"mine\"\nname = \"Mine\"\narea = \"sql\"\n\n[[cards]]\nid = \"mine/a\"\nprompt = \"Q\"\nanswer = \"first\"\n",
    );
    d.devices[0].run(&["import", s(&deck)], "");
    d.sync(0);
    d.sync(1);
    // Both devices change the answer; device 1's change is the later one.
    let edit = |env: &Env, answer: &str| {
        let path = env.write("changed.toml", &std::fs::read_to_string(&deck).unwrap().replace("first", answer));
        env.run(&["import", s(&path)], "");
    };
    d.devices[0].at("2026-03-02T10:00:00Z");
    edit(&d.devices[0], "from the laptop");
    d.devices[1].at("2026-03-02T11:00:00Z");
    edit(&d.devices[1], "from the desktop");
    for i in [1, 0, 1] {
        d.sync(i);
    }
    for i in 0..2 {
        let answer: String =
            d.devices[i].sql().query_row("SELECT answer FROM cards WHERE key = 'mine/a'", [], |r| r.get(0)).unwrap();
        assert_eq!(answer, "from the desktop", "device {i}");
    }
}

#[test]
fn a_drill_with_sync_dir_set_takes_the_other_devices_reviews_first_and_sends_its_own() {
    let d = Devices::new(2);
    for env in &d.devices {
        env.write("config.toml", &format!("sync_dir = {:?}\n", s(d.dir())));
    }
    d.drill(0, 2, None, "3");
    assert!(d.own_folder(0).exists(), "the drill's closing sync wrote nothing");
    let out = d.drill(1, 0, None, "3");
    assert!(out.starts_with("Synced: 2 reviews from your other devices."), "{out}");
    d.drill(0, 0, None, "3");
    d.assert_converged(2);
}

#[test]
fn a_drill_still_runs_when_the_sync_folder_is_gone() {
    let d = Devices::new(1);
    d.devices[0].write("config.toml", "sync_dir = \"/nonexistent/grill-sync\"\n");
    let out = d.drill(0, 1, None, "3");
    assert!(out.contains("grill: sync /nonexistent/grill-sync: "), "{out}");
    assert!(out.contains("1 card rated") || out.contains("rated"), "{out}");
    assert_eq!(d.reviews(0), 1);
}

#[test]
fn sync_without_a_folder_or_with_a_missing_one_is_a_usage_error() {
    let env = Env::new();
    let out = env.grill(&["sync"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "grill: sync: no folder given and no sync_dir in config.toml (grill config set sync_dir PATH)\n"
    );
    let out = env.grill(&["sync", "/nonexistent/x"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("grill: sync: /nonexistent/x: not a folder"));
}

#[test]
fn a_copied_database_is_refused_before_it_writes_under_the_same_id() {
    let d = Devices::new(1);
    d.drill(0, 2, None, "3");
    d.sync(0);
    let copy = d.devices[0].dir.path().join("copy.db");
    std::fs::copy(d.devices[0].db(), &copy).unwrap();
    // The original drills on and syncs; the copy drills different answers under the same id.
    d.drill(0, 1, None, "4");
    d.sync(0);
    let copy_env =
        |args: &[&str]| d.devices[0].grill(args).env("GRILL_DB", &copy).write_stdin("\n1\n").output().unwrap();
    copy_env(&["drill", "--new", "1"]);
    let out = copy_env(&["sync", s(d.dir())]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("another database uses this device's id"), "{out:?}");
}

#[test]
fn reviews_of_a_deck_not_here_yet_wait_and_merged_segments_are_not_read_again() {
    let d = Devices::new(2);
    let deck = d.devices[1].write(
        "mine.toml",
        "[deck]\nid = \"mine\"\nname = \"Mine\"\narea = \"mine-area\"\n\n[[cards]]\nid = \"mine/a\"\nprompt = \"Q\"\nanswer = \"A\"\n",
    );
    d.devices[1].run(&["import", s(&deck)], "");
    d.drill(1, 1, Some("mine-area"), "3");
    d.drill(1, 1, Some("sql"), "3");
    d.sync(1);
    // The sync tool has copied device 1's reviews but not yet its state file (with the deck).
    let state = d.own_folder(1).join("state.grill");
    let kept = std::fs::read(&state).unwrap();
    std::fs::remove_file(&state).unwrap();
    let out = d.sync(0);
    assert!(
        out.contains("added 1 review ") && out.contains("1 review of cards this database does not have yet"),
        "{out}"
    );
    std::fs::write(&state, kept).unwrap();
    let out = d.sync(0);
    assert!(out.contains("added 1 review "), "{out}");
    d.sync(1);
    d.assert_converged(2);
    // Every segment is merged whole now: damaging one changes nothing, it is not read again.
    for entry in std::fs::read_dir(d.own_folder(1)).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().unwrap().to_string_lossy().starts_with("reviews-") {
            std::fs::write(&path, b"garbage").unwrap();
        }
    }
    let out = d.sync(0);
    assert!(!out.contains("Skipped"), "{out}");
    d.assert_converged(2);
}

#[test]
fn undo_in_a_drill_keeps_a_rating_another_grill_already_synced() {
    let d = Devices::new(1);
    let mut drill = Live::start(&d.devices[0], &["drill", "--new", "2"]);
    drill.wait_for_prompt("answer> ");
    drill.send("\n3\n");
    drill.wait_for(is_confirmation);
    // A second grill on this machine syncs while the drill waits for the next answer.
    d.sync(0);
    drill.send("u\n");
    let said = drill.wait_for(|l| l.contains("cannot be undone") || l.contains("undone"));
    assert!(said.contains("already on your other devices (grill sync): it stands and cannot be undone"), "{said}");
    drill.send("q\n");
    let (status, _, stderr) = drill.finish();
    assert!(status.success(), "{stderr}");
    assert_eq!(d.reviews(0), 1);
}

#[test]
fn parameters_fitted_on_one_device_schedule_every_device() {
    let mut d = Devices::new(2);
    d.drill(0, 2, None, "3");
    d.devices[1].at("2026-03-02T12:00:00Z");
    d.drill(1, 2, Some("sql"), "2");
    // Device 0 keeps its own fitted parameters (as `grill optimize` saves them) and replays.
    let mut fitted = fsrs::DEFAULT_PARAMETERS.to_vec();
    fitted[2] = 5.0; // a longer first interval after Good
    let json = serde_json::to_string(&fitted).unwrap();
    d.devices[0]
        .sql()
        .execute("INSERT INTO fsrs_parameters (saved_at, parameters, reviews) VALUES (1772440000000, ?1, 500)", [&json])
        .unwrap();
    d.devices[0].run(&["rebuild"], "");
    let total = d.reviews(0) + d.reviews(1);
    d.sync(0);
    let out = d.sync(1);
    assert!(out.contains("Took the FSRS parameters another device saved later"), "{out}");
    d.sync(0);
    let saved = |i: usize| -> String {
        d.devices[i]
            .sql()
            .query_row("SELECT parameters FROM fsrs_parameters ORDER BY id DESC", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(saved(1), saved(0));
    // The same log and states on both (the replay check here uses the default parameters, so
    // only the equality between the devices is checked).
    assert_eq!(d.log(1), d.log(0));
    assert_eq!(d.log(0).len(), total);
    assert_eq!(d.states(1), d.states(0));
    assert!(d.devices[1].run(&["rebuild"], "").contains(": 0 states changed."));
}
