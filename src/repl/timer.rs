//! The answer timer on a terminal. It never moves the cursor over what the user typed: every so
//! often (and when the card's time limit passes) one line is printed ABOVE the answer prompt
//! through the line editor, which then redraws the prompt and the typed text intact. Off a
//! terminal nothing is printed (transcripts stay clean); the time taken shows on reveal.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::render::clock_time;

/// Something that prints a line above the line being edited (rustyline's external printer).
pub type Printer = Box<dyn FnMut(String) + Send>;

/// Prints timer lines until dropped.
pub struct Ticker {
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

impl Ticker {
    /// Starts counting from `started`: a line every `every` (none: only at the limit) and one
    /// when `limit_ms` passes.
    pub fn start(mut print: Printer, started: Instant, limit_ms: Option<u64>, every: Option<Duration>) -> Ticker {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let colour = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        let handle = std::thread::spawn(move || {
            let mut said = 0;
            while !flag.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(100));
                let elapsed = started.elapsed().as_millis() as u64;
                let marks = marks_passed(elapsed, limit_ms, every.map(|e| e.as_millis() as u64));
                if marks > said && !flag.load(Ordering::Relaxed) {
                    said = marks;
                    print(line(elapsed, limit_ms, colour));
                }
            }
        });
        Ticker { stop, handle: Some(handle) }
    }
}

impl Drop for Ticker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(handle) = self.handle.take() {
            let _ = handle.join();
        }
    }
}

/// How many timer lines are due after `elapsed_ms`: one per whole `every_ms`, plus one for
/// the limit.
pub fn marks_passed(elapsed_ms: u64, limit_ms: Option<u64>, every_ms: Option<u64>) -> u64 {
    let ticks = every_ms.filter(|&e| e > 0).map_or(0, |e| elapsed_ms / e);
    let limit = u64::from(limit_ms.is_some_and(|l| elapsed_ms >= l && every_ms.is_none_or(|e| e == 0 || l % e != 0)));
    ticks + limit
}

/// One timer line: the time so far, against the limit.
pub fn line(elapsed_ms: u64, limit_ms: Option<u64>, colour: bool) -> String {
    let time = clock_time(elapsed_ms);
    let (text, warn) = match limit_ms {
        Some(limit) if elapsed_ms >= limit => {
            (format!("⏱ {time} · over the {} a spoken answer should take", clock_time(limit)), true)
        }
        Some(limit) => (format!("⏱ {time} of {}", clock_time(limit)), false),
        None => (format!("⏱ {time}"), false),
    };
    match (colour, warn) {
        (false, _) => text,
        (true, true) => format!("\x1b[33m{text}\x1b[0m"),
        (true, false) => format!("\x1b[2m{text}\x1b[0m"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_due_every_interval_and_at_the_limit() {
        assert_eq!(marks_passed(29_000, Some(90_000), Some(30_000)), 0);
        assert_eq!(marks_passed(30_000, Some(90_000), Some(30_000)), 1);
        // The limit falls on a tick: one line, not two.
        assert_eq!(marks_passed(90_000, Some(90_000), Some(30_000)), 3);
        assert_eq!(marks_passed(45_000, Some(45_000), Some(30_000)), 2);
        assert_eq!(marks_passed(45_000, Some(45_000), None), 1);
        assert_eq!(marks_passed(10_000, None, None), 0);
    }

    #[test]
    fn the_line_says_the_time_against_the_limit() {
        assert_eq!(line(12_000, Some(90_000), false), "⏱ 0:12 of 1:30");
        assert_eq!(line(95_000, Some(90_000), false), "⏱ 1:35 · over the 1:30 a spoken answer should take");
        assert_eq!(line(5_000, None, false), "⏱ 0:05");
        assert!(line(95_000, Some(90_000), true).starts_with("\x1b[33m"));
    }
}
