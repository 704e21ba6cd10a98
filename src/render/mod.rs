//! Terminal output helpers: untrusted text made inert, intervals and durations in words.

mod chart;
pub mod cli_doc;
mod labels;
mod layout;
pub mod mock;
pub mod report;
pub mod scorecard;
pub mod stats;
pub mod svg;
pub mod svg_readiness;

pub use crate::text::{json_safe, safe, safe_line, visible};
pub use chart::{bar, sparkline};
pub use labels::{day_label, from_today, percent, percent_tenths, plural, roles_label};
pub use layout::{fit, table, wrap};

/// Names the leeches of a session, with what to do about each: (card key, lapses).
pub fn leeches(out: &mut dyn std::io::Write, leeches: &[(String, u32)]) -> anyhow::Result<()> {
    let warn = anstyle::AnsiColor::Red.on_default();
    for (key, lapses) in leeches {
        let key = safe_line(key);
        writeln!(
            out,
            "{warn}Leech{warn:#}: {key} has been forgotten {lapses} times. Rewrite it in your own words \
             (grill edit {key}) or set it aside (grill suspend {key})."
        )?;
    }
    Ok(())
}

/// An interval as the rating buttons show it: `now` (this session), `1d`, `3w`, `4mo`, `1.5y`.
pub fn interval(days: u32) -> String {
    match days {
        0 => "now".to_owned(),
        1..=13 => format!("{days}d"),
        14..=59 => format!("{}w", (days as f32 / 7.0).round()),
        60..=364 => format!("{}mo", (days as f32 / 30.0).round()),
        _ => {
            let years = days as f32 / 365.0;
            if years < 10.0 { format!("{:.1}y", years) } else { format!("{}y", years.round()) }
        }
    }
}

/// A duration as `m:ss`.
pub fn clock_time(ms: u64) -> String {
    let secs = ms / 1000;
    format!("{}:{:02}", secs / 60, secs % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_read_like_anki_buttons() {
        assert_eq!(interval(0), "now");
        assert_eq!(interval(3), "3d");
        assert_eq!(interval(21), "3w");
        assert_eq!(interval(90), "3mo");
        assert_eq!(interval(547), "1.5y");
    }

    #[test]
    fn clock_time_pads_seconds() {
        assert_eq!(clock_time(65_000), "1:05");
        assert_eq!(clock_time(999), "0:00");
    }
}
