//! Every number checked against a small hand-made review log (days roll over at 4 a.m. UTC;
//! "today" is Monday 2026-03-02).

use chrono::{NaiveDate, TimeZone, Utc};

use super::*;
use crate::scheduler::{Rating, ReviewKind};

use Rating::{Again, Easy, Good, Hard};
use ReviewKind::{Cram, Interview, Learn, Preview, Relearn, Review as Rev};

fn clock() -> DayClock<Utc> {
    DayClock::new(Utc, 4)
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn at(y: i32, m: u32, d: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, hour, 0, 0).unwrap()
}

fn state(due: DateTime<Utc>, lapses: u32) -> Option<CardState> {
    Some(CardState { stability: 5.0, difficulty: 5.0, due, last_review: at(2026, 2, 28, 9), reps: 3, lapses })
}

fn card(id: i64, key: &str, area: &str, limit: Option<u32>, state: Option<CardState>) -> CardFacts {
    CardFacts {
        id,
        key: key.into(),
        area: area.into(),
        time_limit_secs: limit,
        suspended: false,
        leech_cleared_at: None,
        state,
    }
}

fn cards() -> Vec<CardFacts> {
    vec![
        card(1, "sql/a", "sql", Some(60), state(at(2026, 3, 2, 4), 0)),
        card(2, "sql/b", "sql", Some(120), state(at(2026, 3, 5, 4), 8)),
        card(3, "api/c", "api-design", None, state(at(2026, 2, 20, 4), 2)),
        CardFacts { suspended: true, ..card(4, "api/d", "api-design", Some(90), state(at(2026, 3, 3, 4), 9)) },
        card(5, "api/e", "api-design", Some(90), None),
        CardFacts { leech_cleared_at: Some(8), ..card(6, "sql/f", "sql", None, state(at(2026, 4, 15, 4), 8)) },
    ]
}

fn entry(card_id: i64, at: DateTime<Utc>, rating: Rating, kind: ReviewKind, secs: i64) -> LogEntry {
    LogEntry { card_id, review: Review { at, rating, kind }, duration_ms: secs * 1000 }
}

/// The hand-made log; the comments say how each answer counts for true retention.
fn log() -> Vec<LogEntry> {
    vec![
        entry(1, at(2026, 2, 20, 9), Good, Learn, 50), // first answer: no previous review
        entry(1, at(2026, 2, 23, 9), Good, Rev, 40),   // pass, 7 days ago: 30 and 365 only
        entry(1, at(2026, 2, 24, 9), Again, Preview, 10), // preview: never counts
        entry(1, at(2026, 2, 25, 9), Again, Cram, 30), // first cram answer that day: fail
        entry(1, at(2026, 2, 25, 10), Good, Cram, 20), // cram repeat: excluded
        entry(1, at(2026, 3, 1, 9), Hard, Rev, 70),    // pass (Hard is a pass)
        entry(1, at(2026, 3, 2, 3), Good, Relearn, 15), // 3 a.m.: still Sunday's grill day
        entry(2, at(2025, 1, 10, 9), Good, Learn, 80),
        entry(2, at(2025, 2, 1, 9), Again, Rev, 80), // fail, but 394 days ago
        entry(2, at(2025, 12, 1, 9), Again, Rev, 80), // fail, 91 days ago: 365 only
        entry(2, at(2026, 2, 26, 9), Good, Rev, 100), // pass
        entry(2, at(2026, 2, 26, 9) + chrono::Duration::minutes(30), Again, Interview, 200), // same day
        entry(3, at(2026, 2, 1, 9), Easy, Learn, 30),
        entry(3, at(2026, 2, 10, 9), Again, Rev, 45), // fail, 20 days ago
        entry(3, at(2026, 2, 10, 10), Good, Relearn, 25), // same day
        entry(3, at(2026, 3, 2, 8), Good, Rev, 35),   // pass, today
        entry(4, at(2026, 2, 27, 9), Good, Learn, 60),
        entry(4, at(2026, 2, 28, 9), Good, Rev, 50), // pass (the card is suspended now)
    ]
}

fn stats() -> Stats {
    compute(&cards(), &log(), now(), &clock(), &[])
}

fn windows(stats: &Stats, area: &str) -> Vec<(usize, usize)> {
    let row = stats.retention.iter().find(|r| r.area == area).unwrap();
    row.windows.iter().map(|w| (w.passed, w.total)).collect()
}

#[test]
fn true_retention_counts_reviews_a_day_or_more_apart_per_area_and_window() {
    let stats = stats();
    assert_eq!(stats.retention.iter().map(|r| r.area.as_str()).collect::<Vec<_>>(), ["api-design", "sql", "all"]);
    assert_eq!(windows(&stats, "sql"), [(2, 3), (3, 4), (3, 5)]);
    assert_eq!(windows(&stats, "api-design"), [(2, 2), (2, 3), (2, 3)]);
    assert_eq!(windows(&stats, "all"), [(4, 5), (5, 7), (5, 8)]);
    let all = &stats.retention[2].windows;
    assert_eq!(all.iter().map(|w| w.days).collect::<Vec<_>>(), [7, 30, 365]);
    assert_eq!(all[0].rate, Some(0.8));
}

#[test]
fn an_area_without_reviews_has_no_rate() {
    let only_new = [card(5, "api/e", "api-design", None, None)];
    let stats = compute(&only_new, &[], now(), &clock(), &[]);
    assert_eq!(stats.retention[0].windows[0], Retention { days: 7, passed: 0, total: 0, rate: None });
}

#[test]
fn the_heatmap_covers_twelve_calendar_weeks_and_counts_every_answer() {
    let stats = stats();
    assert_eq!(stats.heatmap.len(), 78, "11 whole weeks and today (a Monday)");
    assert_eq!(stats.heatmap[0].date, ymd(2025, 12, 15));
    assert_eq!(stats.heatmap[0].date.weekday(), chrono::Weekday::Mon);
    assert_eq!(stats.heatmap.last().unwrap().date, ymd(2026, 3, 2));
    let count = |d| stats.heatmap.iter().find(|c| c.date == d).unwrap().count;
    assert_eq!(count(ymd(2026, 2, 25)), 2, "both cram answers");
    assert_eq!(count(ymd(2026, 2, 24)), 1, "the preview");
    assert_eq!(count(ymd(2026, 3, 1)), 2, "the 3 a.m. answer belongs to Sunday");
    assert_eq!(count(ymd(2026, 3, 2)), 1);
    assert_eq!(count(ymd(2026, 2, 21)), 0);
    assert_eq!(stats.heatmap.iter().map(|c| c.count).sum::<usize>(), 15, "the 3 answers of 2025 are older");
    assert_eq!(stats.answers, 18);
}

#[test]
fn the_streak_counts_consecutive_days_up_to_today() {
    let streak = stats().streak;
    assert_eq!(streak, Streak { current: 8, longest: 8, answered_today: true });
}

#[test]
fn a_streak_survives_until_today_ends_without_an_answer() {
    let log: Vec<LogEntry> =
        log().into_iter().filter(|e| clock().day_of(e.review.at) < clock().day_of(now())).collect();
    let streak = compute(&cards(), &log, now(), &clock(), &[]).streak;
    assert_eq!(streak, Streak { current: 7, longest: 7, answered_today: false });
    let two_days_later = now() + chrono::Duration::days(2);
    assert_eq!(compute(&cards(), &log, two_days_later, &clock(), &[]).streak.current, 0);
}

#[test]
fn the_forecast_puts_overdue_cards_today_and_skips_suspended_ones() {
    let forecast = stats().forecast;
    assert_eq!(forecast.len(), 30);
    assert_eq!((forecast[0].date, forecast[29].date), (ymd(2026, 3, 2), ymd(2026, 3, 31)));
    let counts: Vec<usize> = forecast.iter().map(|d| d.count).collect();
    let mut expected = vec![0; 30];
    expected[0] = 2; // sql/a due today, api/c overdue since 20 Feb
    expected[3] = 1; // sql/b on 5 March; api/d is suspended, sql/f is due in 44 days
    assert_eq!(counts, expected);
}

#[test]
fn answer_times_are_medians_of_the_last_30_days_against_the_time_limits() {
    let times = stats().answer_times;
    let api = &times[0];
    assert_eq!(api.area, "api-design");
    // 25 30 35 | 45 50 60: the mean of the middle two.
    assert_eq!((api.answers, api.median_secs, api.limit_median_secs), (6, 40.0, Some(90.0)));
    assert_eq!((api.timed, api.over_limit), (2, 0));
    let sql = &times[1];
    // 10 15 20 30 [40] 50 70 100 200; the 2025 answers are too old.
    assert_eq!((sql.answers, sql.median_secs, sql.limit_median_secs), (9, 40.0, Some(60.0)));
    assert_eq!((sql.timed, sql.over_limit), (9, 2), "70 s over 60 s, 200 s over 120 s");
}

#[test]
fn leeches_are_cards_with_eight_lapses_unless_rewritten_most_lapses_first() {
    let leeches = stats().leeches;
    assert_eq!(
        leeches,
        [
            Leech { card: "api/d".into(), area: "api-design".into(), lapses: 9, suspended: true },
            Leech { card: "sql/b".into(), area: "sql".into(), lapses: 8, suspended: false },
        ]
    );
}

#[test]
fn card_counts_split_studied_new_and_suspended() {
    assert_eq!(stats().cards, CardCounts { total: 6, studied: 4, new: 1, suspended: 1 });
}

#[test]
fn narrowing_to_an_area_narrows_every_number() {
    let stats = compute(&cards(), &log(), now(), &clock(), &["sql".to_owned()]);
    assert_eq!(stats.areas, ["sql"]);
    assert_eq!(windows(&stats, "all"), [(2, 3), (3, 4), (3, 5)]);
    assert_eq!(stats.forecast[0].count, 1);
    assert_eq!(stats.leeches.len(), 1);
    assert_eq!(stats.answers, 12);
    assert_eq!(stats.answer_times.len(), 1);
    assert_eq!(stats.cards.total, 3);
}

#[test]
fn median_of_an_even_count_is_the_mean_of_the_middle_two() {
    assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
    assert_eq!(median(&mut [5.0]), Some(5.0));
    assert_eq!(median(&mut []), None);
}
