//! Day boundaries: a "day" starts at the rollover hour (4 a.m. by default) in the user's time
//! zone, as in Anki, so a late-night session still counts as the same day.

use std::cell::RefCell;
use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc};

/// Day numbers and day starts in a time zone with a rollover hour.
#[derive(Debug, Clone)]
pub struct DayClock<Tz: TimeZone> {
    tz: Tz,
    rollover_hour: u32,
    /// The days looked up so far, by the millisecond each begins: (day, the millisecond the
    /// next begins). Replaying a million reviews asks for the day of a million moments on a
    /// thousand days, and each day computed is a few time-zone conversions.
    days: RefCell<BTreeMap<i64, (i64, i64)>>,
}

/// At most this many days are remembered (a few MB); then the memo starts afresh.
const DAY_MEMO: usize = 1 << 16;

impl<Tz: TimeZone> DayClock<Tz> {
    /// A clock for `tz` whose days begin at `rollover_hour` (0-23).
    pub fn new(tz: Tz, rollover_hour: u32) -> Self {
        DayClock { tz, rollover_hour: rollover_hour.min(23), days: RefCell::default() }
    }

    /// The day number (days since 0001-01-01) that `at` falls in.
    pub fn day_of(&self, at: DateTime<Utc>) -> i64 {
        let ms = at.timestamp_millis();
        if let Some((_, &(day, next))) = self.days.borrow().range(..=ms).next_back()
            && ms < next
        {
            return day;
        }
        let day = day_of(at, &self.tz, self.rollover_hour);
        // A day is every moment from its start to the next day's ([`day_of`]'s definition).
        let (start, next) = (self.day_start(day).timestamp_millis(), self.day_start(day + 1).timestamp_millis());
        if start <= ms && ms < next {
            let mut days = self.days.borrow_mut();
            if days.len() >= DAY_MEMO {
                days.clear();
            }
            days.insert(start, (day, next));
        }
        day
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

/// The day number of `at` in `tz`, with days starting at `rollover_hour`: the last day whose
/// [`day_start`] is not after `at`. Defined through `day_start`, so the two always agree: when
/// the clocks repeat an hour holding the rollover, the hour's second pass is not a new day
/// (the local date alone would count the repeated hour in two days).
pub fn day_of<Tz: TimeZone>(at: DateTime<Utc>, tz: &Tz, rollover_hour: u32) -> i64 {
    let local = at.with_timezone(tz).naive_local() - Duration::hours(i64::from(rollover_hour));
    let mut day = i64::from(local.date().num_days_from_ce());
    // The local date is right but near a change of offset, where it is off by one at most.
    if day_start(day, tz, rollover_hour) > at {
        day -= 1;
    } else if day_start(day + 1, tz, rollover_hour) <= at {
        day += 1;
    }
    day
}

/// The moment day `day` begins in `tz`. In a daylight-saving gap the day begins when the clock
/// jumps; in an overlap, at the earlier of the two moments.
/// Never after [`crate::values::latest_moment`], so no due date prints past year 9999.
pub fn day_start<Tz: TimeZone>(day: i64, tz: &Tz, rollover_hour: u32) -> DateTime<Utc> {
    local_day_start(day, tz, rollover_hour).min(crate::values::latest_moment())
}

fn local_day_start<Tz: TimeZone>(day: i64, tz: &Tz, rollover_hour: u32) -> DateTime<Utc> {
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

#[cfg(test)]
mod tests {
    use chrono_tz::Tz;
    use proptest::prelude::*;

    use super::*;

    /// Zones whose clocks change at or around midnight, 1, 2 or 3 a.m., both hemispheres,
    /// half-hour shifts (Lord Howe) and a zone that skipped a whole day (Apia, 2011).
    const ZONES: [Tz; 10] = [
        chrono_tz::America::New_York,
        chrono_tz::Europe::Berlin,
        chrono_tz::Asia::Beirut,
        chrono_tz::America::Santiago,
        chrono_tz::America::Havana,
        chrono_tz::Australia::Lord_Howe,
        chrono_tz::Pacific::Apia,
        chrono_tz::Europe::London,
        chrono_tz::America::Sao_Paulo,
        chrono_tz::UTC,
    ];

    /// Every instant near a change of offset in 2025-2027, in 10-minute steps.
    fn near_offset_changes(zone: Tz) -> Vec<DateTime<Utc>> {
        use chrono::Offset;
        let offset = |t: DateTime<Utc>| t.with_timezone(&zone).offset().fix();
        let mut out = Vec::new();
        let mut hour = "2025-01-01T00:00:00Z".parse::<DateTime<Utc>>().unwrap();
        while hour.year() < 2028 {
            if offset(hour - Duration::hours(26)) != offset(hour + Duration::hours(26)) {
                out.extend((0..6).map(|i| hour + Duration::minutes(10 * i)));
            }
            hour += Duration::hours(1);
        }
        out
    }

    #[test]
    fn day_of_and_day_start_agree_around_every_clock_change() {
        // Before day_of was defined through day_start, New York with the day starting at 2 a.m.
        // (and Berlin 3, Beirut and Santiago 0) counted the repeated hour in two grill days.
        for zone in ZONES {
            let instants = near_offset_changes(zone);
            for hour in 0..24 {
                let clock = DayClock::new(zone, hour);
                for &at in &instants {
                    let day = clock.day_of(at);
                    assert!(
                        clock.day_start(day) <= at && at < clock.day_start(day + 1),
                        "{zone} rollover {hour}: {at} ({}) is given day {day}, which starts {} and ends {}",
                        at.with_timezone(&zone),
                        clock.day_start(day).with_timezone(&zone),
                        clock.day_start(day + 1).with_timezone(&zone)
                    );
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn day_of_and_day_start_agree_in_every_zone(
            zone in 0..ZONES.len(),
            hour in 0u32..24,
            secs in 1_262_304_000i64..1_924_992_000, // 2010-2031
        ) {
            let clock = DayClock::new(ZONES[zone], hour);
            let at = DateTime::<Utc>::from_timestamp(secs, 0).unwrap();
            let day = clock.day_of(at);
            prop_assert!(clock.day_start(day) <= at, "{at} is before the start of its day {day}");
            prop_assert!(at < clock.day_start(day + 1), "{at} is at or after the start of the next day");
            prop_assert!(clock.day_start(day) < clock.day_start(day + 1));
            let later = at + Duration::minutes(59);
            prop_assert!(clock.day_of(later) >= day, "days ran backwards from {at}");
        }
    }
}
