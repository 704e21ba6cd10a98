//! Reminders, PURE: the preparation rhythm as an iCalendar file (RFC 5545) of recurring events
//! that any calendar imports. Times are "floating" local times (no time zone), so 09:00 stays
//! 09:00 wherever the user is; UIDs are fixed, so importing a newer file updates the events.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc, Weekday};

/// One recurring reminder.
#[derive(Debug, Clone, PartialEq)]
pub struct Reminder {
    /// Stable id part of the UID.
    pub id: &'static str,
    pub summary: &'static str,
    pub description: &'static str,
    pub rule: Rule,
    pub time: NaiveTime,
    pub minutes: u32,
}

/// How a reminder recurs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Every day.
    Daily,
    /// On the first `weekday` of every `months` months.
    Monthly { weekday: Weekday, months: u32 },
}

impl Rule {
    /// The RRULE value.
    fn rrule(self) -> String {
        match self {
            Rule::Daily => "FREQ=DAILY".to_owned(),
            Rule::Monthly { weekday, months } => {
                let interval = if months > 1 { format!(";INTERVAL={months}") } else { String::new() };
                format!("FREQ=MONTHLY{interval};BYDAY=1{}", byday(weekday))
            }
        }
    }

    /// The first date on or after `from` that the rule falls on (RFC 5545 wants DTSTART to be
    /// the first occurrence).
    pub fn first_on_or_after(self, from: NaiveDate) -> NaiveDate {
        match self {
            Rule::Daily => from,
            Rule::Monthly { weekday, .. } => {
                let this_month = first_weekday(from.year(), from.month(), weekday);
                if this_month >= from {
                    this_month
                } else {
                    let (y, m) =
                        if from.month() == 12 { (from.year() + 1, 1) } else { (from.year(), from.month() + 1) };
                    first_weekday(y, m, weekday)
                }
            }
        }
    }
}

fn first_weekday(year: i32, month: u32, weekday: Weekday) -> NaiveDate {
    NaiveDate::from_weekday_of_month_opt(year, month, weekday, 1).expect("every month has a first weekday")
}

fn byday(weekday: Weekday) -> &'static str {
    ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][weekday.num_days_from_monday() as usize]
}

/// grill's rhythm: the daily drill at `drill_time`; on the first Saturday of each month the
/// market review, on the first Sunday the weak-area refresh and dashboard update; every three
/// months the resume and story review.
pub fn rhythm(drill_time: NaiveTime) -> Vec<Reminder> {
    let at = |h| NaiveTime::from_hms_opt(h, 0, 0).expect("valid hour");
    vec![
        Reminder {
            id: "daily-drill",
            summary: "grill: daily drill",
            description: "Run `grill` (today's drill: due reviews and new cards, about 10-20 minutes). \
                After a real interview, log it the same day: `grill log add`.",
            rule: Rule::Daily,
            time: drill_time,
            minutes: 20,
        },
        Reminder {
            id: "market-review",
            summary: "grill: monthly market review",
            description: "Read 20-30 job listings at your level and stack. Save them as text and run \
                `grill market add FILE...` (or paste: `grill market add -`), then `grill market` for \
                the tally, what changed and what to study next.",
            rule: Rule::Monthly { weekday: Weekday::Sat, months: 1 },
            time: at(10),
            minutes: 60,
        },
        Reminder {
            id: "weak-area-refresh",
            summary: "grill: weak-area refresh and dashboard",
            description: "Run `grill gaps` and pick one or two weak areas for the month (`grill drill \
                --area AREA`, `grill cram --gaps`). Then update the one-page dashboard: `grill \
                dashboard` (write it out with `grill dashboard --md dashboard.md`).",
            rule: Rule::Monthly { weekday: Weekday::Sun, months: 1 },
            time: at(10),
            minutes: 45,
        },
        Reminder {
            id: "quarterly-review",
            summary: "grill: quarterly resume and story review",
            description: "Review your resume, project bullets and stories: what you owned, the problem, \
                the choices, the constraints, how you validated results. Edit them with `grill profile \
                edit` and check the page with `grill dashboard`.",
            rule: Rule::Monthly { weekday: Weekday::Sat, months: 3 },
            time: at(14),
            minutes: 90,
        },
    ]
}

/// The calendar: `reminders` starting on or after `start`, stamped `now`.
pub fn calendar(reminders: &[Reminder], start: NaiveDate, now: DateTime<Utc>) -> String {
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        format!("PRODID:-//grill//grill {}//EN", env!("CARGO_PKG_VERSION")),
        "CALSCALE:GREGORIAN".to_owned(),
        "METHOD:PUBLISH".to_owned(),
        "X-WR-CALNAME:grill interview preparation".to_owned(),
    ];
    for r in reminders {
        let first = r.rule.first_on_or_after(start).and_time(r.time);
        lines.extend([
            "BEGIN:VEVENT".to_owned(),
            format!("UID:grill-{}@grill.invalid", r.id),
            format!("DTSTAMP:{}", now.format("%Y%m%dT%H%M%SZ")),
            format!("DTSTART:{}", first.format("%Y%m%dT%H%M%S")),
            format!("DURATION:PT{}M", r.minutes),
            format!("RRULE:{}", r.rule.rrule()),
            format!("SUMMARY:{}", escape(r.summary)),
            format!("DESCRIPTION:{}", escape(r.description)),
            "TRANSP:TRANSPARENT".to_owned(),
            "BEGIN:VALARM".to_owned(),
            "ACTION:DISPLAY".to_owned(),
            format!("DESCRIPTION:{}", escape(r.summary)),
            "TRIGGER:-PT10M".to_owned(),
            "END:VALARM".to_owned(),
            "END:VEVENT".to_owned(),
        ]);
    }
    lines.push("END:VCALENDAR".to_owned());
    lines.iter().map(|l| fold(l)).collect::<Vec<_>>().concat()
}

/// Escapes a TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and newline.
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace(';', "\\;").replace(',', "\\,").replace('\n', "\\n")
}

/// One content line, folded so no line exceeds 75 octets (RFC 5545 3.1): continuation lines
/// start with a space, and a UTF-8 character is never split. Ends with CRLF.
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}

/// Parses a time of day as `HH:MM`.
pub fn parse_time(text: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(text.trim(), "%H:%M")
        .map_err(|_| format!("{text:?} is not a time; use HH:MM, e.g. 08:30"))
}

/// The default start: the day after `today`.
pub fn default_start(today: NaiveDate) -> NaiveDate {
    today + Duration::days(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn monthly_rules_start_on_the_first_matching_weekday() {
        let first_sat = Rule::Monthly { weekday: Weekday::Sat, months: 1 };
        assert_eq!(first_sat.first_on_or_after(date("2026-03-03")), date("2026-03-07"));
        assert_eq!(first_sat.first_on_or_after(date("2026-03-07")), date("2026-03-07"));
        assert_eq!(first_sat.first_on_or_after(date("2026-03-08")), date("2026-04-04"));
        assert_eq!(first_sat.first_on_or_after(date("2026-12-20")), date("2027-01-02"));
        assert_eq!(Rule::Daily.first_on_or_after(date("2026-03-03")), date("2026-03-03"));
    }

    #[test]
    fn rrules_say_daily_monthly_and_quarterly() {
        assert_eq!(Rule::Daily.rrule(), "FREQ=DAILY");
        assert_eq!(Rule::Monthly { weekday: Weekday::Sun, months: 1 }.rrule(), "FREQ=MONTHLY;BYDAY=1SU");
        assert_eq!(Rule::Monthly { weekday: Weekday::Sat, months: 3 }.rrule(), "FREQ=MONTHLY;INTERVAL=3;BYDAY=1SA");
    }

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_characters() {
        let line = format!("DESCRIPTION:{}", "é".repeat(100));
        let folded = fold(&line);
        for part in folded.split("\r\n").filter(|p| !p.is_empty()) {
            assert!(part.len() <= 75, "{} octets: {part}", part.len());
        }
        let unfolded = folded.trim_end_matches("\r\n").replace("\r\n ", "");
        assert_eq!(unfolded, line);
    }

    #[test]
    fn text_values_escape_commas_semicolons_and_newlines() {
        assert_eq!(escape("a, b; c\\d\ne"), "a\\, b\\; c\\\\d\\ne");
    }
}
