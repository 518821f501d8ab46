//! Day arithmetic on day numbers (days since 1970-01-01) and Java's US week rules: weeks
//! start on Sunday and the week holding 1 January is week 1 (minimal days in the first
//! week: 1). Plain integers keep these rules independent of the time-zone library.

use crate::time::civil_from_days;

/// The day number of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`, the
/// inverse of [`civil_from_days`]).
pub(super) fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (month + 9) % 12; // March = 0
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The day of the week of a day number, Sunday = 0 … Saturday = 6.
pub(super) fn weekday(days: i64) -> i64 {
    // 1970-01-01 was a Thursday.
    (days + 4).rem_euclid(7)
}

/// The first day (a Sunday) of week 1 of `year`: the week that holds 1 January.
pub(super) fn week_one_start(year: i64) -> i64 {
    let jan1 = days_from_civil(year, 1, 1);
    jan1 - weekday(jan1)
}

/// The week year and week in year of a day (`Y`, `w`). The last days of December belong to
/// week 1 of the next year when that week holds 1 January.
pub(super) fn week_of_year(days: i64) -> (i64, i64) {
    let (year, _, _) = civil_from_days(days);
    let next = week_one_start(year + 1);
    if days >= next {
        (year + 1, 1)
    } else {
        (year, (days - week_one_start(year)) / 7 + 1)
    }
}

/// The week in month (`W`) of day `day` of a month whose first day is `first`.
pub(super) fn week_of_month(first: i64, day: i64) -> i64 {
    (day - 1 + weekday(first)) / 7 + 1
}

/// The day of week in month (`F`): 1 for days 1–7, 2 for 8–14, …
pub(super) fn day_of_week_in_month(day: i64) -> i64 {
    (day - 1) / 7 + 1
}

/// The number of days in a month.
pub(super) fn month_length(year: i64, month: i64) -> i64 {
    let (next_year, next_month) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    days_from_civil(next_year, next_month, 1) - days_from_civil(year, month, 1)
}
