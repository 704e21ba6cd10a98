//! How days, shares and roles are written in headers and tables.

use crate::session::when::date_of_day;

/// A day as headers show it: `Fri 06 Mar`.
pub fn day_label(day: i64) -> String {
    date_of_day(day).format("%a %d %b").to_string()
}

/// `today`, `tomorrow`, `in 4 days`.
pub fn from_today(days: i64) -> String {
    match days {
        0 => "today".to_owned(),
        1 => "tomorrow".to_owned(),
        n => format!("in {n} days"),
    }
}

/// A share (0-1) as a whole percentage.
pub fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

/// A share (0-1) as a percentage to a tenth: one session moves readiness by fractions of a point.
pub fn percent_tenths(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

/// Roles as a header shows them.
pub fn roles_label(roles: &[String]) -> String {
    if roles.is_empty() {
        "all areas alike (no target roles set)".to_owned()
    } else {
        format!("roles {}", roles.join(", "))
    }
}

/// `1 card`, `2 cards`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
