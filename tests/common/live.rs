//! A grill process driven line by line: type, wait for what it prints, then type again. For
//! tests that interleave two drills or kill one at a chosen moment.

use std::io::{BufReader, Read, Write};
use std::process::{Child, ChildStdin, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use super::Env;

/// A running grill with piped stdin and stdout.
pub struct Live {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    /// Everything printed so far, in order.
    pub seen: Vec<String>,
    stderr: Option<std::thread::JoinHandle<String>>,
}

impl Live {
    /// Starts `grill ARGS` in `env`.
    pub fn start(env: &Env, args: &[&str]) -> Live {
        Live::spawn(env.command(args))
    }

    /// Starts `command` (a grill command, perhaps wrapped in a shell).
    pub fn spawn(mut command: std::process::Command) -> Live {
        let mut child =
            command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("grill starts");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            // Prompts ("answer> ") end without a newline until the answer is read: split on
            // the prompt's space as well so a waiting prompt is seen.
            let mut reader = BufReader::new(stdout);
            let mut line = Vec::new();
            let mut byte = [0u8; 1];
            while reader.read(&mut byte).unwrap_or(0) == 1 {
                line.push(byte[0]);
                if byte[0] == b'\n' || line.ends_with(b"> ") {
                    let text = String::from_utf8_lossy(&line).trim_end_matches('\n').to_owned();
                    if tx.send(text).is_err() {
                        return;
                    }
                    line.clear();
                }
            }
            if !line.is_empty() {
                let _ = tx.send(String::from_utf8_lossy(&line).into_owned());
            }
        });
        let mut err = child.stderr.take().expect("stderr");
        let stderr = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = err.read_to_string(&mut text);
            text
        });
        let stdin = child.stdin.take();
        Live { child, stdin, lines, seen: Vec::new(), stderr: Some(stderr) }
    }

    /// Types `text` (add the newline yourself).
    pub fn send(&mut self, text: &str) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(text.as_bytes()).expect("grill reads its input");
        stdin.flush().expect("flush");
    }

    /// Waits until a printed line satisfies `want` and returns it; panics after 20 s with
    /// everything printed so far.
    pub fn wait_for(&mut self, want: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if want(&line) {
                        return line;
                    }
                }
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {
                    panic!("grill never printed the line waited for; it printed:\n{}", self.seen.join("\n"))
                }
            }
        }
    }

    /// Waits for the next prompt of the drill (`answer> `, `rate> `, `done> `).
    pub fn wait_for_prompt(&mut self, prompt: &str) {
        self.wait_for(|l| l.ends_with(prompt));
    }

    /// Closes stdin, waits for the exit and returns (status, all stdout, stderr).
    pub fn finish(mut self) -> (ExitStatus, String, String) {
        drop(self.stdin.take());
        let status = self.child.wait().expect("grill exits");
        self.seen.extend(self.lines.iter());
        let stderr = self.stderr.take().map(|h| h.join().expect("stderr reader")).unwrap_or_default();
        (status, self.seen.join("\n"), stderr)
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Lines that confirm a rating: `good · next in 2d`, `again · back in a few cards`.
pub fn is_confirmation(line: &str) -> bool {
    let line = line.trim_start_matches("rate> ");
    ["again · ", "hard · ", "good · ", "easy · "].iter().any(|p| line.starts_with(p))
}

/// The card key at the end of a question header (`sql · new · 3 left · sql/joins`).
pub fn shown_card(line: &str) -> Option<String> {
    let parts: Vec<&str> = line.split(" · ").collect();
    (parts.len() == 4 && parts[2].ends_with(" left")).then(|| parts[3].to_owned())
}

/// The lines of `text` that are a question header, as card keys.
pub fn shown_cards(text: &str) -> Vec<String> {
    text.lines().filter_map(shown_card).collect()
}
