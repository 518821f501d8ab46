//! Wall-clock helpers without a date library: ISO-8601 UTC with milliseconds (§13 rule 8).

use crate::lazy_text::{LazyText, Written};
use std::time::{SystemTime, UNIX_EPOCH};

/// When a session started (`[[session:started_at]]`), as ISO-8601 UTC with milliseconds,
/// written the first time a flow reads it; the Unix epoch by default.
pub type StartTime = LazyText<SystemTime>;

impl Written for SystemTime {
    const UNSET: &'static str = "1970-01-01T00:00:00.000Z";

    fn written(&self) -> String {
        format_iso_millis(*self)
    }
}

impl StartTime {
    /// Now.
    pub fn now() -> StartTime {
        LazyText::new(SystemTime::now())
    }
}

/// `SystemTime` as `2026-11-25T17:26:42.123Z`.
pub fn format_iso_millis(t: SystemTime) -> String {
    format_epoch_millis(epoch_millis(t))
}

/// Milliseconds since the Unix epoch, negative before it.
fn epoch_millis(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
        // Before 1970: count backwards, rounding toward the past like the clock does.
        Err(e) => {
            let d = e.duration();
            let whole = i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
            let partial = i64::from(d.subsec_nanos() % 1_000_000 != 0);
            -whole - partial
        }
    }
}

/// Now, as [`format_iso_millis`].
pub fn now_iso() -> String {
    format_iso_millis(SystemTime::now())
}

/// Appends now, as [`now_iso`] writes it, without a `String` of its own.
pub fn push_now(out: &mut String) {
    push_epoch_millis(out, epoch_millis(SystemTime::now()));
}

/// Milliseconds since the Unix epoch (negative before it) as ISO-8601 UTC.
pub fn format_epoch_millis(millis: i64) -> String {
    let mut out = String::with_capacity(STAMP.len());
    push_epoch_millis(&mut out, millis);
    out
}

/// The shape of a stamp; the digits are written over its zeros.
const STAMP: [u8; 24] = *b"0000-00-00T00:00:00.000Z";

/// Appends `millis` as [`format_epoch_millis`] writes it.
pub fn push_epoch_millis(out: &mut String, millis: i64) {
    let days = millis.div_euclid(86_400_000);
    let in_day = millis.rem_euclid(86_400_000) as u32;
    let (year, month, day) = civil_from_days(days);
    // Filled in a fixed buffer and appended once: every session start formats the time,
    // and a push per character cost more than the rest of a small session (issue 6).
    let mut stamp = STAMP;
    put_digits(&mut stamp[5..7], month);
    put_digits(&mut stamp[8..10], day);
    put_digits(&mut stamp[11..13], in_day / 3_600_000);
    put_digits(&mut stamp[14..16], in_day / 60_000 % 60);
    put_digits(&mut stamp[17..19], in_day / 1000 % 60);
    put_digits(&mut stamp[20..23], in_day % 1000);
    let rest = match u32::try_from(year) {
        Ok(year @ 0..=9999) => {
            put_digits(&mut stamp[0..4], year);
            &stamp[..]
        }
        // Outside four digits (never for a clock reading): as `{:04}` writes it.
        _ => {
            out.push_str(&format!("{year:04}"));
            &stamp[4..]
        }
    };
    // Only ASCII digits and separators are in the buffer, so this never falls back.
    out.push_str(std::str::from_utf8(rest).unwrap_or_default());
}

/// Writes `value` into `slot` as exactly `slot.len()` decimal digits (the value is below
/// 10^len).
fn put_digits(slot: &mut [u8], mut value: u32) {
    for digit in slot.iter_mut().rev() {
        *digit = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's
/// `civil_from_days`): shifting the year to start in March puts the leap day last.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11], March = 0
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn known_epoch_values() {
        for (millis, expected) in [
            (0, "1970-01-01T00:00:00.000Z"),
            (1, "1970-01-01T00:00:00.001Z"),
            (951_782_400_000, "2000-02-29T00:00:00.000Z"),
            (951_868_799_999, "2000-02-29T23:59:59.999Z"),
            (1_709_210_096_789, "2024-02-29T12:34:56.789Z"),
            (1_795_627_602_123, "2026-11-25T17:26:42.123Z"),
            (4_107_542_400_000, "2100-03-01T00:00:00.000Z"),
            (253_402_300_799_999, "9999-12-31T23:59:59.999Z"),
            (253_402_300_800_000, "10000-01-01T00:00:00.000Z"),
            (-1, "1969-12-31T23:59:59.999Z"),
            (-86_400_000, "1969-12-31T00:00:00.000Z"),
            (-2_208_988_800_000, "1900-01-01T00:00:00.000Z"),
        ] {
            assert_eq!(format_epoch_millis(millis), expected, "{millis}");
        }
    }

    #[test]
    fn stamps_agree_with_a_formatted_reference() {
        let reference = |millis: i64| {
            let (year, month, day) = civil_from_days(millis.div_euclid(86_400_000));
            let ms = millis.rem_euclid(86_400_000);
            format!(
                "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
                ms / 3_600_000,
                ms / 60_000 % 60,
                ms / 1000 % 60,
                ms % 1000
            )
        };
        // A walk over four millennia either side of the epoch in uneven strides, so every
        // field takes many values; and the ends of the four-digit range.
        let mut millis = -70_000_000_000_000_i64;
        while millis < 300_000_000_000_000 {
            assert_eq!(format_epoch_millis(millis), reference(millis), "{millis}");
            millis += 7_777_777_777 + millis.rem_euclid(1_000_003);
        }
        for millis in [
            -62_167_219_200_001,
            -62_167_219_200_000,
            253_402_300_800_000,
        ] {
            assert_eq!(format_epoch_millis(millis), reference(millis), "{millis}");
        }
        let mut out = String::from("at ");
        push_epoch_millis(&mut out, 1);
        assert_eq!(out, "at 1970-01-01T00:00:00.001Z");
    }

    #[test]
    fn system_time_both_sides_of_the_epoch() {
        let after =
            UNIX_EPOCH + Duration::from_millis(1_795_627_602_123) + Duration::from_micros(999);
        assert_eq!(format_iso_millis(after), "2026-11-25T17:26:42.123Z");
        let before = UNIX_EPOCH - Duration::from_micros(1500);
        assert_eq!(format_iso_millis(before), "1969-12-31T23:59:59.998Z");
        assert_eq!(now_iso().len(), 24);
        let mut out = String::from("[");
        push_now(&mut out);
        assert_eq!((out.len(), &out[..1], &out[11..12]), (25, "[", "T"));
    }

    #[test]
    fn start_times_are_written_when_read() {
        let now = StartTime::now();
        assert_eq!(now.as_str().len(), 24);
        assert_eq!(now.clone().as_str(), now.as_str());
        assert_eq!(StartTime::default().as_str(), "1970-01-01T00:00:00.000Z");
        assert_eq!(StartTime::default().as_str(), format_iso_millis(UNIX_EPOCH));
        let stored = StartTime::from("2026-11-25T17:26:42.123Z");
        assert_eq!(stored.as_str(), "2026-11-25T17:26:42.123Z");
    }
}
