//! Turning read fields into an instant: Java's field resolution for the fields we have,
//! defaults of 1970-01-01 00:00:00.000, a check that every field read agrees with the
//! result (strict parsing: `2023-02-29` or a wrong day name fail), and the zone's rules
//! for local times (gaps move forward, overlaps take the earlier offset).

use super::calendar::{
    day_of_week_in_month, days_from_civil, month_length, week_of_month, week_of_year,
    week_one_start, weekday,
};
use super::names::DAYS_SHORT;
use super::parse::Fields;
use super::zone::Zone;
use crate::time::civil_from_days;
use jiff::civil::DateTime;
use jiff::tz::Offset;
use jiff::{Span, Timestamp};

/// The instant `fields` describe; times without an offset are in `zone`. Two-digit years
/// go into the century that starts 80 years before `now`, as Java places them.
pub(super) fn resolve(fields: &Fields, zone: &Zone, now: Timestamp) -> Result<Timestamp, String> {
    if !fields.year_short && !fields.week_year_short {
        return instant(fields, zone);
    }
    let century = Century::new(zone, now)?;
    let mut f = *fields;
    let mut ambiguous = false;
    if f.year_short {
        f.year = f.year.map(|v| century.place(v, &mut ambiguous));
    }
    if f.week_year_short {
        f.week_year = f.week_year.map(|v| century.place(v, &mut ambiguous));
    }
    let ts = instant(&f, zone)?;
    // Java's one ambiguous two-digit year (the start year's own) is in the later century
    // when the date falls before the window opens.
    if ambiguous && ts < century.start {
        f.year = f.year.map(|y| if f.year_short { y + 100 } else { y });
        f.week_year = f
            .week_year
            .map(|y| if f.week_year_short { y + 100 } else { y });
        return instant(&f, zone);
    }
    Ok(ts)
}

/// Java's two-digit-year window: the 100 years that start 80 years before now.
struct Century {
    start: Timestamp,
    start_year: i64,
}

impl Century {
    /// The window for `now` on the wall clock of `zone`.
    fn new(zone: &Zone, now: Timestamp) -> Result<Century, String> {
        let start = now
            .to_zoned_datetime(zone.tz().clone())
            .checked_sub(Span::new().years(80))
            .map_err(|e| format!("cannot place a two-digit year: {e}"))?;
        Ok(Century {
            start: start.timestamp(),
            start_year: i64::from(start.year()),
        })
    }

    /// The full year of two digits `v`; sets `ambiguous` for the start year's own digits.
    fn place(&self, v: i64, ambiguous: &mut bool) -> i64 {
        let start_digits = self.start_year.rem_euclid(100);
        *ambiguous |= v == start_digits;
        let base = self.start_year - start_digits;
        base + v + if v < start_digits { 100 } else { 0 }
    }
}

/// The instant of fields whose years are final.
fn instant(f: &Fields, zone: &Zone) -> Result<Timestamp, String> {
    let days = date(f)?;
    check_agrees(f, days)?;
    let (year, month, day) = civil_from_days(days);
    let year = i16::try_from(year)
        .ok()
        .filter(|y| (-9999..=9999).contains(y))
        .ok_or_else(|| format!("year {year} is out of range (-9999 to 9999)"))?;
    let (hour, minute, second, milli) = time(f)?;
    // Every part is in range by now: the reader checked the time fields, the date was
    // built from a day number.
    let dt = DateTime::new(
        year,
        month as i8,
        day as i8,
        hour as i8,
        minute as i8,
        second as i8,
        (milli * 1_000_000) as i32,
    )
    .map_err(|e| format!("not a date-time: {e}"))?;
    let ts = match f.offset {
        Some(seconds) => Offset::from_seconds(seconds as i32).and_then(|o| o.to_timestamp(dt)),
        None => zone.tz().to_ambiguous_timestamp(dt).compatible(),
    };
    ts.map_err(|e| format!("the date-time is out of range: {e}"))
}

/// The day number the date fields select, Java's resolution order simplified to the fields
/// this pattern language has: a day in month wins, then a week in year, a day in year, a
/// day of week in month, a week in month (or a bare day name), a bare week year.
fn date(f: &Fields) -> Result<i64, String> {
    let year = f.year.or(f.week_year).unwrap_or(1970);
    let month = f.month.unwrap_or(1);
    let weekday_or_sunday = f.weekday.unwrap_or(0);
    if let Some(day) = f.day {
        let length = month_length(year, month);
        if day > length {
            return Err(format!(
                "{year:04}-{month:02}-{day:02} is not a date: that month has {length} days"
            ));
        }
        return Ok(days_from_civil(year, month, day));
    }
    if let Some(week) = f.week_of_year {
        let week_year = f.week_year.or(f.year).unwrap_or(1970);
        return Ok(week_one_start(week_year) + (week - 1) * 7 + weekday_or_sunday);
    }
    if let Some(day_of_year) = f.day_of_year {
        return Ok(days_from_civil(year, 1, 1) + day_of_year - 1);
    }
    let first = days_from_civil(year, month, 1);
    if let Some(nth) = f.day_of_week_in_month {
        let to_weekday = (weekday_or_sunday - weekday(first)).rem_euclid(7);
        return Ok(first + to_weekday + (nth - 1) * 7);
    }
    if f.week_of_month.is_some() || f.weekday.is_some() {
        let week = f.week_of_month.unwrap_or(1);
        return Ok(first - weekday(first) + (week - 1) * 7 + weekday_or_sunday);
    }
    if f.week_year.is_some() && f.year.is_none() && f.month.is_none() {
        return Ok(week_one_start(year));
    }
    Ok(first)
}

/// Strictness: every date field that was read must describe the resolved day.
fn check_agrees(f: &Fields, days: i64) -> Result<(), String> {
    let (year, month, day) = civil_from_days(days);
    let (month, day) = (i64::from(month), i64::from(day));
    let (week_year, week) = week_of_year(days);
    let first = days - day + 1;
    let checks = [
        ("year", f.year, year),
        ("month", f.month, month),
        ("day", f.day, day),
        ("week year", f.week_year, week_year),
        ("week in year", f.week_of_year, week),
        (
            "day in year",
            f.day_of_year,
            days - days_from_civil(year, 1, 1) + 1,
        ),
        ("week in month", f.week_of_month, week_of_month(first, day)),
        (
            "day of week in month",
            f.day_of_week_in_month,
            day_of_week_in_month(day),
        ),
        ("day of week", f.weekday, weekday(days)),
    ];
    for (what, given, actual) in checks {
        if let Some(given) = given.filter(|&g| g != actual) {
            let given = if what == "day of week" {
                DAYS_SHORT[given.rem_euclid(7) as usize].to_owned()
            } else {
                given.to_string()
            };
            return Err(format!(
                "the date fields disagree: {what} {given} does not fit {year:04}-{month:02}-{day:02}"
            ));
        }
    }
    Ok(())
}

/// Hour, minute, second and millisecond. `H`/`k` win over `K`/`h`; `a` alone means 00:00
/// or 12:00; a 24-hour value must agree with `a` and `K`/`h` when they are read too.
fn time(f: &Fields) -> Result<(i64, i64, i64, i64), String> {
    let hour = match (f.hour, f.hour12, f.pm) {
        (Some(h), h12, pm) => {
            if h12.is_some_and(|v| v != h % 12) || pm.is_some_and(|pm| pm != (h >= 12)) {
                return Err(format!(
                    "the hour fields disagree: hour {h} with a different 12-hour value or AM/PM"
                ));
            }
            h
        }
        (None, Some(h12), pm) => h12 + if pm == Some(true) { 12 } else { 0 },
        (None, None, Some(pm)) => {
            if pm {
                12
            } else {
                0
            }
        }
        (None, None, None) => 0,
    };
    Ok((
        hour,
        f.minute.unwrap_or(0),
        f.second.unwrap_or(0),
        f.milli.unwrap_or(0),
    ))
}
