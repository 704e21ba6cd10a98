//! A full disk, a read-only disk and a write-protected file: a clear message, the session
//! stops cleanly, and nothing already saved is lost.
//!
//! The full and read-only disks are real: a 4 MiB tmpfs mounted in a private mount namespace
//! (`unshare -m`), so nothing outside the test sees it. That needs root (CI runs as root);
//! elsewhere these tests say they were skipped, and under `CI` they fail instead.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use crate::common::Env;

/// A small tmpfs in a private mount namespace, held open by a sleeping process.
struct SmallDisk {
    holder: Child,
    /// The mount point (the same path inside and outside the namespace).
    dir: PathBuf,
}

impl SmallDisk {
    /// Mounts a 4 MiB tmpfs on `dir` in a new mount namespace; `None` when this machine does
    /// not allow it (not root).
    fn mount(dir: &Path) -> Option<SmallDisk> {
        std::fs::create_dir_all(dir).unwrap();
        let mut holder = Command::new("unshare")
            .args(["--mount", "--propagation", "private", "sh", "-c"])
            .arg("mount -t tmpfs -o size=4m,mode=0700 tmpfs \"$0\" && echo ready && exec sleep 600")
            .arg(dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let mut line = String::new();
        BufReader::new(holder.stdout.take().unwrap()).read_line(&mut line).ok()?;
        if line.trim() != "ready" {
            let _ = holder.kill();
            let _ = holder.wait();
            return None;
        }
        Some(SmallDisk { holder, dir: dir.to_owned() })
    }

    /// `path` (under the mount point) as the test process reaches it: through the holder's root.
    fn outside(&self, path: &Path) -> PathBuf {
        let relative = path.strip_prefix("/").unwrap();
        PathBuf::from(format!("/proc/{}/root", self.holder.id())).join(relative)
    }

    /// `command` run inside the namespace.
    fn inside(&self, command: Command) -> Command {
        let mut nsenter = Command::new("nsenter");
        nsenter.arg(format!("--target={}", self.holder.id())).arg("--mount").arg("--").arg(command.get_program());
        nsenter.args(command.get_args());
        nsenter.env_clear().envs(command.get_envs().filter_map(|(k, v)| Some((k, v?))));
        nsenter
    }

    /// Runs `grill ARGS` on the small disk with `stdin`.
    fn grill(&self, env: &Env, args: &[&str], stdin: &str) -> Output {
        let mut child = self
            .inside(env.command(args))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("nsenter runs");
        // A grill that refuses at once may exit before reading: a closed pipe here is fine.
        let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
        child.wait_with_output().unwrap()
    }

    /// Fills the disk with a file until `leave` bytes (rounded to pages) are left.
    fn fill(&self, leave: u64) -> PathBuf {
        let filler = self.outside(&self.dir.join("filler"));
        let mut file = std::fs::File::create(&filler).unwrap();
        let chunk = vec![0u8; 4096];
        let mut written = 0u64;
        while file.write_all(&chunk).is_ok() {
            written += chunk.len() as u64;
        }
        let _ = file.sync_all();
        file.set_len(written.saturating_sub(leave)).unwrap();
        filler
    }

    fn remount(&self, mode: &str) {
        let mut mount = Command::new("mount");
        mount.arg("-o").arg(format!("remount,{mode}")).arg(&self.dir);
        assert!(self.inside(mount).status().unwrap().success(), "remount {mode}");
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = self.holder.kill();
        let _ = self.holder.wait();
    }
}

/// A test env whose database lives on a fresh small disk (or `None`, said out loud, when the
/// machine cannot mount one outside CI).
fn env_on_small_disk() -> Option<(Env, SmallDisk)> {
    let env = Env::new();
    // The database's own folder is the mount point.
    let Some(disk) = SmallDisk::mount(env.db().parent().unwrap()) else {
        assert!(std::env::var_os("CI").is_none(), "CI must be able to mount a tmpfs (run as root)");
        eprintln!("SKIPPED: cannot mount a tmpfs here (needs root); CI runs this test");
        return None;
    };
    Some((env, disk))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Reviews and integrity of the database on the disk, read from a copy (the test process is
/// outside the namespace, and SQLite must not follow /proc/PID/root itself).
fn saved(env: &Env, disk: &SmallDisk) -> (usize, String) {
    let copy = env.dir.path().join("inspect.db");
    std::fs::copy(disk.outside(&env.db()), &copy).unwrap();
    let wal = disk.outside(&env.db().with_file_name("grill.db-wal"));
    let copy_wal = env.dir.path().join("inspect.db-wal");
    let _ = std::fs::remove_file(&copy_wal);
    if wal.exists() {
        std::fs::copy(wal, &copy_wal).unwrap();
    }
    let conn = rusqlite::Connection::open(&copy).unwrap();
    let result = (crate::common::review_log(&conn).len(), crate::common::integrity(&conn));
    drop(conn);
    let _ = std::fs::remove_file(&copy);
    let _ = std::fs::remove_file(&copy_wal);
    result
}

#[test]
fn a_full_disk_stops_the_drill_with_a_clear_message_and_keeps_every_saved_rating() {
    let Some((env, disk)) = env_on_small_disk() else { return };
    assert!(disk.grill(&env, &["decks"], "").status.success());
    let filler = disk.fill(96 * 1024);
    let out = disk.grill(&env, &["drill", "--new", "60"], &"\n3\n".repeat(60));
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(!out.status.success(), "the drill cannot have saved 60 ratings on a full disk:\n{stdout}");
    assert!(stderr.contains("the disk is full") && stderr.contains(crate::common::s(&env.db())), "{stderr}");
    let confirmed = stdout.lines().filter(|l| crate::common::live::is_confirmation(l)).count();
    assert!(stdout.contains(&format!("The drill stopped. The {confirmed} ratings")), "{stdout}");
    assert!(confirmed > 0, "some ratings fitted before the disk filled:\n{stdout}");

    std::fs::remove_file(filler).unwrap();
    assert_eq!(saved(&env, &disk), (confirmed, "ok".to_owned()), "every confirmed rating is saved, once");
    // With space again, the drill carries on where it stopped.
    let out = disk.grill(&env, &["drill", "--new", "1"], "\n3\n");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(saved(&env, &disk).0, confirmed + 1);
}

#[test]
fn a_disk_with_no_space_left_at_all_is_a_clear_error_and_loses_nothing() {
    let Some((env, disk)) = env_on_small_disk() else { return };
    assert!(disk.grill(&env, &["drill", "--new", "2"], "\n3\n\n3\n").status.success());
    let filler = disk.fill(0);
    let out = disk.grill(&env, &["drill", "--new", "2"], "\n3\n\n3\n");
    let stderr = text(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("the disk"), "a message about the disk, not an SQLite code: {stderr}");
    assert!(stderr.contains("everything saved before is safe"), "{stderr}");
    std::fs::remove_file(filler).unwrap();
    assert_eq!(saved(&env, &disk), (2, "ok".to_owned()));
}

#[test]
fn a_read_only_disk_is_a_clear_error_and_loses_nothing() {
    let Some((env, disk)) = env_on_small_disk() else { return };
    assert!(disk.grill(&env, &["drill", "--new", "2"], "\n3\n\n3\n").status.success());
    disk.remount("ro");
    for args in [&["drill"][..], &["decks"], &["suspend", "sql/anti-join"]] {
        let out = disk.grill(&env, args, "\n3\n");
        let stderr = text(&out.stderr);
        assert!(!out.status.success(), "grill {args:?} on a read-only disk");
        assert!(stderr.contains("read-only") || stderr.contains("folder exists and is writable"), "{stderr}");
        assert!(stderr.contains(crate::common::s(&env.db())), "{stderr}");
    }
    disk.remount("rw");
    assert_eq!(saved(&env, &disk), (2, "ok".to_owned()));
}

/// Makes `path` unwritable for this user: `chattr +i` for root (who ignores modes), else 0400.
/// The guard undoes it so the temp dir can be removed.
struct WriteProtected(PathBuf, bool);

impl WriteProtected {
    fn new(path: &Path) -> WriteProtected {
        let root = Command::new("id").arg("-u").output().map(|o| text(&o.stdout).trim() == "0").unwrap_or(false);
        if root {
            assert!(Command::new("chattr").arg("+i").arg(path).status().unwrap().success(), "chattr +i");
        } else {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o400)).unwrap();
        }
        WriteProtected(path.to_owned(), root)
    }
}

impl Drop for WriteProtected {
    fn drop(&mut self) {
        if self.1 {
            let _ = Command::new("chattr").arg("-i").arg(&self.0).status();
        }
    }
}

#[test]
fn a_write_protected_database_file_is_a_clear_error_and_loses_nothing() {
    let env = Env::new();
    env.run(&["drill", "--new", "2"], "\n3\n\n3\n");
    let before = std::fs::read(env.db()).unwrap();
    let guard = WriteProtected::new(&env.db());
    for args in [&["drill"][..], &["decks"]] {
        let out = env.grill(args).write_stdin("\n3\n").output().unwrap();
        let stderr = text(&out.stderr);
        assert!(!out.status.success(), "grill {args:?} on a write-protected file");
        assert!(
            stderr.contains("the database is read-only") && stderr.contains(crate::common::s(&env.db())),
            "{stderr}"
        );
    }
    // A backup only reads: it still works.
    let copy = env.dir.path().join("copy.db");
    env.run(&["backup", "-o", crate::common::s(&copy)], "");
    drop(guard);
    assert!(std::fs::read(env.db()).unwrap() == before, "the file was not modified");
    assert_eq!(crate::common::review_log(&env.sql()).len(), 2);
}
