//! The drill in a real terminal: tmux runs `grill drill` at a given width, keys are typed with
//! `send-keys` and the screen is read with `capture-pane`, as a person would see it.

use std::process::Command;
use std::thread::sleep;
use std::time::{Duration, Instant};

use crate::common::{Env, s};

/// A tmux session running one command; killed when dropped.
struct Tmux {
    name: String,
}

impl Tmux {
    /// `None` (after saying why) when tmux is missing outside CI; CI must have it.
    fn start(env: &Env, width: u16, args: &[&str]) -> Option<Tmux> {
        if Command::new("tmux").arg("-V").output().is_err() {
            assert!(std::env::var_os("CI").is_none(), "CI must have tmux installed (.ci/run installs it)");
            println!("skipped: tmux is not installed");
            return None;
        }
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
        let name = format!("grill-test-{}-{width}-{nanos}", std::process::id());
        let mut shell = format!(
            "env -i HOME={home} PATH=/usr/bin:/bin TERM=xterm-256color TZ=UTC GRILL_DB={db} GRILL_CONFIG={config} \
             GRILL_NOW={now} GRILL_SEED=7 {bin}",
            home = s(env.dir.path()),
            db = s(&env.db()),
            config = s(&env.config()),
            now = env.now,
            bin = env!("CARGO_BIN_EXE_grill"),
        );
        for arg in args {
            shell.push(' ');
            shell.push_str(arg);
        }
        // Keep the pane after grill exits, so its last screen can be read.
        shell.push_str("; sleep 60");
        let status = Command::new("tmux")
            .args(["new-session", "-d", "-s", &name, "-x", &width.to_string(), "-y", "50", &shell])
            .status()
            .expect("tmux runs");
        assert!(status.success());
        Some(Tmux { name })
    }

    fn keys(&self, keys: &[&str]) {
        let status = Command::new("tmux").args(["send-keys", "-t", &self.name]).args(keys).status().unwrap();
        assert!(status.success());
    }

    /// The screen's lines, trailing blanks trimmed.
    fn screen(&self) -> Vec<String> {
        let out = Command::new("tmux").args(["capture-pane", "-p", "-t", &self.name]).output().unwrap();
        String::from_utf8_lossy(&out.stdout).lines().map(|l| l.trim_end().to_owned()).collect()
    }

    /// Waits until the screen holds `text` (at most 10 s).
    fn wait_for(&self, text: &str) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let screen = self.screen();
            if screen.iter().any(|l| l.contains(text)) || Instant::now() > deadline {
                return screen;
            }
            sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux").args(["kill-session", "-t", &self.name]).status();
    }
}

/// A 150-character note typed while the timer prints several lines stays on screen whole, at
/// every width, and nothing on screen is wider than the terminal.
#[test]
fn typed_notes_survive_the_answer_timer_at_every_width() {
    let note = "joins keep rows from the left side while where clauses filter after the join so a \
                filter on the right table turns it into an inner join unless you move it into the on clause";
    assert!(note.len() >= 150);
    for width in [60u16, 80, 200] {
        let env = Env::new();
        std::fs::write(env.config(), "timer_secs = 1\n").unwrap();
        let Some(tmux) = Tmux::start(&env, width, &["drill", "--limit", "1"]) else { return };
        tmux.wait_for("answer>");
        tmux.keys(&["-l", note]);
        // Several timer lines are printed above the prompt while the note sits there.
        let screen = tmux.wait_for("⏱ 0:03");
        let joined: String = screen.iter().skip_while(|l| !l.starts_with("answer> ")).cloned().collect();
        // The terminal wraps the typed line at its width: compare without the spaces a wrap eats.
        let squeeze = |t: &str| t.replace(' ', "");
        assert!(
            squeeze(&joined).starts_with(&squeeze(&format!("answer> {note}"))),
            "at {width} columns the note is intact after the ticks:\n{}",
            screen.join("\n")
        );
        assert!(screen.iter().filter(|l| l.starts_with("⏱")).count() >= 3, "{}", screen.join("\n"));
        assert!(screen.iter().all(|l| l.chars().count() <= usize::from(width)), "{}", screen.join("\n"));
        // Enter reveals; the key points fit the width too.
        tmux.keys(&["Enter"]);
        let screen = tmux.wait_for("rate>");
        assert!(screen.iter().any(|l| l.contains("Key points")), "{}", screen.join("\n"));
        assert!(screen.iter().all(|l| l.chars().count() <= usize::from(width)), "{}", screen.join("\n"));
        tmux.keys(&["3", "Enter"]);
        let screen = tmux.wait_for("done>");
        assert!(screen.iter().any(|l| l.starts_with("good")), "{}", screen.join("\n"));
    }
}
