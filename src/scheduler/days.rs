//! Day boundaries: a "day" starts at the rollover hour (4 a.m. by default) in the user's time
//! zone, as in Anki, so a late-night session still counts as the same day.

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc};

/// Day numbers and day starts in a time zone with a rollover hour.
#[derive(Debug, Clone)]
pub struct DayClock<Tz: TimeZone> {
    tz: Tz,
    rollover_hour: u32,
}

impl<Tz: TimeZone> DayClock<Tz> {
    /// A clock for `tz` whose days begin at `rollover_hour` (0-23).
    pub fn new(tz: Tz, rollover_hour: u32) -> Self {
        DayClock { tz, rollover_hour: rollover_hour.min(23) }
    }

    /// The day number (days since 0001-01-01) that `at` falls in.
    pub fn day_of(&self, at: DateTime<Utc>) -> i64 {
        day_of(at, &self.tz, self.rollover_hour)
    }

    /// The moment day `day` begins.
    pub fn day_start(&self, day: i64) -> DateTime<Utc> {
        day_start(day, &self.tz, self.rollover_hour)
    }

    /// Whole days from `earlier` to `later`, never negative (a clock set back counts as 0).
    pub fn days_between(&self, earlier: DateTime<Utc>, later: DateTime<Utc>) -> u32 {
        u32::try_from(self.day_of(later) - self.day_of(earlier)).unwrap_or(0)
    }
}

/// The day number of `at` in `tz`, with days starting at `rollover_hour`.
pub fn day_of<Tz: TimeZone>(at: DateTime<Utc>, tz: &Tz, rollover_hour: u32) -> i64 {
    let local = at.with_timezone(tz).naive_local() - Duration::hours(i64::from(rollover_hour));
    i64::from(local.date().num_days_from_ce())
}

/// The moment day `day` begins in `tz`. In a daylight-saving gap the day begins when the clock
/// jumps; in an overlap, at the earlier of the two moments.
pub fn day_start<Tz: TimeZone>(day: i64, tz: &Tz, rollover_hour: u32) -> DateTime<Utc> {
    let date = i32::try_from(day).ok().and_then(NaiveDate::from_num_days_from_ce_opt).unwrap_or(NaiveDate::MAX);
    let time = NaiveTime::from_hms_opt(rollover_hour, 0, 0).unwrap_or(NaiveTime::MIN);
    let mut local = date.and_time(time);
    // A gap is at most a few hours; step forward until the local time exists.
    for _ in 0..24 {
        match tz.from_local_datetime(&local) {
            LocalResult::Single(at) => return at.with_timezone(&Utc),
            // Not `earliest()`: chrono's `Local` lists the two moments by offset, not by time,
            // so its "earliest" is the later one in autumn (seen with TZ=Europe/Berlin).
            LocalResult::Ambiguous(a, b) => return a.with_timezone(&Utc).min(b.with_timezone(&Utc)),
            LocalResult::None => local += Duration::minutes(30),
        }
    }
    DateTime::<Utc>::from_naive_utc_and_offset(date.and_time(time), Utc)
}
