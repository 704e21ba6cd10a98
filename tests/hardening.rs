//! What a hostile probe got through (issue "Hardening"), each through the real binary: a
//! database path that is a device, a pipe or empty; a restore under a running drill; foreign
//! triggers in a restored database; a rating typed while an import holds the lock; and more.
//! docs/reliability.md lists each with its test.

use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::{Env, s};

/// Runs `cmd`, killing it after 30 s (a read of a FIFO would block for ever).
fn run_bounded(cmd: &mut Command) -> Output {
    let mut child = cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("grill blocked: {:?}", child.wait_with_output().unwrap());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn assert_bad_input(out: &Output, expected: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    assert!(stderr.starts_with("grill: ") && stderr.contains(expected), "expected {expected:?}: {stderr}");
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

#[test]
fn a_database_path_that_is_a_device_a_pipe_or_a_folder_is_refused_untouched() {
    let env = Env::new();
    // A character device like /dev/null. As root one is made here (grill used to chmod it to
    // 0600, which on the real /dev/null breaks the system); otherwise /dev/null itself is safe.
    let device = env.dir.path().join("null");
    let made = Command::new("mknod").args([s(&device), "c", "1", "3"]).status().is_ok_and(|s| s.success());
    let device = if made {
        std::fs::set_permissions(&device, std::fs::Permissions::from_mode(0o666)).unwrap();
        device
    } else {
        Path::new("/dev/null").to_owned()
    };
    assert!(std::fs::metadata(&device).unwrap().file_type().is_char_device());
    let before = mode(&device);
    let out = run_bounded(&mut env.command(&["decks"]).env("GRILL_DB", &device));
    assert_bad_input(&out, "not a regular file (a device, pipe, socket or folder); refusing to touch it");
    assert_eq!(mode(&device), before, "the device's mode changed");
    let fifo = env.dir.path().join("fifo");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    for path in [&fifo, &env.dir.path().to_owned()] {
        let out = run_bounded(&mut env.command(&["decks"]).env("GRILL_DB", path));
        assert_bad_input(&out, "not a regular file");
        let out = run_bounded(&mut env.command(&["restore", s(path)]));
        assert_bad_input(&out, "not a regular file");
    }
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
}

#[test]
fn empty_environment_variables_are_refused_in_one_line() {
    let env = Env::new();
    for name in ["GRILL_DB", "GRILL_CONFIG", "GRILL_NOW"] {
        let out = run_bounded(&mut env.command(&["decks"]).env(name, ""));
        assert_bad_input(&out, &format!("{name} is set but empty"));
    }
    assert!(!env.db().exists(), "nothing was created");
}
