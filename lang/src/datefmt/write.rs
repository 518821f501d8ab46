//! Writing an instant with a compiled pattern, following Java's count rules.

use super::calendar::{day_of_week_in_month, week_of_month, week_of_year, weekday};
use super::names::{long_name, AM_PM, DAYS, DAYS_SHORT, MONTHS, MONTHS_SHORT};
use super::pattern::Item;
use super::zone::Moment;

/// Appends `m` written with `items`.
pub(super) fn write_pattern(out: &mut String, items: &[Item], m: &Moment<'_>) {
    for item in items {
        write_item(out, item, m);
    }
}

/// Appends one item.
fn write_item(out: &mut String, item: &Item, m: &Moment<'_>) {
    match item {
        Item::Literal(text) => out.push_str(text),
        Item::Year(n) => write_year(out, m.year, *n),
        Item::WeekYear(n) => write_year(out, week_of_year(m.days).0, *n),
        Item::Month(n) | Item::StandaloneMonth(n) => write_month(out, m.month, *n),
        Item::WeekInYear(n) => pad(out, week_of_year(m.days).1, *n),
        Item::WeekInMonth(n) => pad(out, week_of_month(m.days - m.day + 1, m.day), *n),
        Item::DayInYear(n) => pad(out, m.days - first_of_year(m) + 1, *n),
        Item::DayInMonth(n) => pad(out, m.day, *n),
        Item::DayOfWeekInMonth(n) => pad(out, day_of_week_in_month(m.day), *n),
        Item::DayName(n) => {
            let names = if *n >= 4 { &DAYS } else { &DAYS_SHORT };
            out.push_str(names[weekday_index(m.days)]);
        }
        // Monday = 1 … Sunday = 7.
        Item::DayNumber(n) => pad(out, (weekday(m.days) + 6) % 7 + 1, *n),
        Item::AmPm(_) => out.push_str(AM_PM[usize::from(m.hour >= 12)]),
        Item::Hour0To23(n) => pad(out, m.hour, *n),
        Item::Hour1To24(n) => pad(out, if m.hour == 0 { 24 } else { m.hour }, *n),
        Item::Hour0To11(n) => pad(out, m.hour % 12, *n),
        Item::Hour1To12(n) => pad(out, if m.hour % 12 == 0 { 12 } else { m.hour % 12 }, *n),
        Item::Minute(n) => pad(out, m.minute, *n),
        Item::Second(n) => pad(out, m.second, *n),
        Item::Millisecond(n) => pad(out, m.milli, *n),
        Item::ZoneName(n) => write_zone_name(out, m, *n),
        Item::ZoneRfc822(_) => write_offset(out, m.offset, true, false),
        Item::ZoneIso8601(n) => write_iso_offset(out, m.offset, *n),
    }
}

/// `y`/`Y`: two digits for a count of 2, else the whole year padded to the count. Years
/// before 1 are written as Java's year of era (0 is 1 BC).
fn write_year(out: &mut String, year: i64, count: u8) {
    let of_era = if year <= 0 { 1 - year } else { year };
    if count == 2 {
        pad(out, of_era % 100, 2);
    } else {
        pad(out, of_era, count);
    }
}

/// `M`/`L`: a number below three letters, then the short name, then (4+) the full name.
fn write_month(out: &mut String, month: i64, count: u8) {
    let index = usize::try_from(month - 1).unwrap_or(0).min(11);
    match count {
        1 | 2 => pad(out, month, count),
        3 => out.push_str(MONTHS_SHORT[index]),
        _ => out.push_str(MONTHS[index]),
    }
}

/// `z`–`zzz` the abbreviation, `zzzz` the long name from the table or the abbreviation.
fn write_zone_name(out: &mut String, m: &Moment<'_>, count: u8) {
    let abbr = m.info.abbreviation();
    match long_name(abbr, m.iana) {
        Some(long) if count >= 4 => out.push_str(long),
        _ => out.push_str(abbr),
    }
}

/// `X`, `XX`, `XXX`: `Z` for a zero offset, else hours, hours and minutes, or both with a
/// colon.
fn write_iso_offset(out: &mut String, offset: i32, count: u8) {
    if offset == 0 {
        out.push('Z');
    } else if count == 1 {
        out.push(if offset < 0 { '-' } else { '+' });
        pad(out, i64::from(offset.unsigned_abs() / 3600), 2);
    } else {
        write_offset(out, offset, count == 2, false);
    }
}

/// Writes `±hhmm` (`compact`) or `±hh:mm`; seconds of historical offsets are dropped, as in
/// Java. `z_for_zero` writes `Z` for UTC.
pub(super) fn write_offset(out: &mut String, offset: i32, compact: bool, z_for_zero: bool) {
    if z_for_zero && offset == 0 {
        out.push('Z');
        return;
    }
    let abs = offset.unsigned_abs();
    out.push(if offset < 0 { '-' } else { '+' });
    pad(out, i64::from(abs / 3600), 2);
    if !compact {
        out.push(':');
    }
    pad(out, i64::from(abs / 60 % 60), 2);
}

/// The index into Sunday-first name tables.
fn weekday_index(days: i64) -> usize {
    usize::try_from(weekday(days)).unwrap_or(0)
}

/// The day number of 1 January of the moment's year.
fn first_of_year(m: &Moment<'_>) -> i64 {
    super::calendar::days_from_civil(m.year, 1, 1)
}

/// Appends a non-negative number with at least `width` digits, zero-padded; negative
/// numbers (not produced by the writers) get a sign first.
pub(super) fn pad(out: &mut String, value: i64, width: u8) {
    if value < 0 {
        out.push('-');
    }
    let mut digits = [0u8; 20];
    let mut len = 0;
    let mut v = value.unsigned_abs();
    loop {
        digits[len] = b'0' + (v % 10) as u8;
        len += 1;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    for _ in len..usize::from(width) {
        out.push('0');
    }
    for &d in digits[..len].iter().rev() {
        out.push(char::from(d));
    }
}
