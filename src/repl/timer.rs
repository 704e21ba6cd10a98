//! The running answer timer: on a terminal, the hint line above the answer prompt counts the
//! seconds while the user thinks. Off a terminal nothing is drawn (transcripts stay clean).

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::render::clock_time;

/// Redraws the line above the cursor once a second until dropped.
pub struct Ticker {
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

impl Ticker {
    /// Starts redrawing `line(elapsed)` on the line above the cursor, from `started`.
    pub fn start(started: Instant, limit_ms: Option<u64>) -> Ticker {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let dim = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        let handle = std::thread::spawn(move || {
            while !flag.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(250));
                if flag.load(Ordering::Relaxed) {
                    break;
                }
                let elapsed = started.elapsed().as_millis() as u64;
                // Save the cursor, go up one line, rewrite it, restore: one write, so it cannot
                // interleave with the line editor's own output.
                let text = format!("\x1b7\x1b[1A\r\x1b[2K{}\x1b8", hint(elapsed, limit_ms, dim));
                let mut out = std::io::stdout().lock();
                let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
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

/// The hint line under a question: the time limit, then (while answering) the time taken.
pub fn hint(elapsed_ms: u64, limit_ms: Option<u64>, dim: bool) -> String {
    let aim = limit_ms.map(|l| format!("aim for {} · ", clock_time(l))).unwrap_or_default();
    let over = limit_ms.is_some_and(|l| elapsed_ms > l);
    let time = if elapsed_ms >= 1000 {
        format!("{}{} · ", clock_time(elapsed_ms), if over { " over time" } else { "" })
    } else {
        String::new()
    };
    let (on, off) = if dim { ("\x1b[2m", "\x1b[0m") } else { ("", "") };
    format!("{on}({time}{aim}type notes or think aloud; Enter reveals){off}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hint_counts_time_against_the_limit() {
        assert_eq!(hint(0, Some(90_000), false), "(aim for 1:30 · type notes or think aloud; Enter reveals)");
        assert_eq!(
            hint(12_000, Some(90_000), false),
            "(0:12 · aim for 1:30 · type notes or think aloud; Enter reveals)"
        );
        assert!(hint(95_000, Some(90_000), false).starts_with("(1:35 over time · "));
        assert!(hint(5_000, None, true).starts_with("\x1b[2m(0:05 · type"));
    }
}
