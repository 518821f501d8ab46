//! `iso8601` and `epoch_ms`: the two keyword formats.

use super::parse::Fields;
use super::write::{pad, write_offset};
use super::zone::Moment;
use crate::number::Number;
use crate::value::Value;

/// Reads RFC 3339 `YYYY-MM-DDTHH:MM:SS[.fraction][Z|±HH:MM]` (§13 rule 21): the separator
/// may also be `t` or a space, `Z` may be `z`, the offset may be left out (the node's zone
/// applies). Fraction digits past milliseconds are dropped.
pub(super) fn read_iso(text: &str) -> Result<Fields, String> {
    let mut c = Cursor {
        bytes: text.as_bytes(),
        pos: 0,
    };
    let fields = c.date_time().ok_or_else(|| {
        format!(
            "\"{text}\" is not an ISO 8601 date-time such as 2024-07-09T14:05:30Z, \
             2024-07-09T16:05:30.250+02:00 or 2024-07-09 14:05:30"
        )
    })?;
    Ok(fields)
}

/// Writes `2024-07-09T16:05:30+02:00`: RFC 3339 with the zone's offset, `.mmm` only when
/// the milliseconds are not zero, and `Z` for a zero offset (as Java's `XXX` writes it).
pub(super) fn write_iso(out: &mut String, m: &Moment<'_>) {
    if m.year < 0 {
        out.push('-');
    }
    pad(out, m.year.abs(), 4);
    out.push('-');
    pad(out, m.month, 2);
    out.push('-');
    pad(out, m.day, 2);
    out.push('T');
    pad(out, m.hour, 2);
    out.push(':');
    pad(out, m.minute, 2);
    out.push(':');
    pad(out, m.second, 2);
    if m.milli != 0 {
        out.push('.');
        pad(out, m.milli, 3);
    }
    write_offset(out, m.offset, false, true);
}

/// The milliseconds of an `epoch_ms` input: an integer number or numeric string (§13 rule
/// 19 syntax), negative allowed.
pub(super) fn read_epoch_ms(value: &Value) -> Result<i64, String> {
    let number = match value {
        Value::Number(n) => Some(*n),
        Value::String(s) => Number::parse_numeric_string(s),
        _ => None,
    };
    number.and_then(Number::to_i64).ok_or_else(|| {
        format!(
            "{} is not a number of milliseconds since 1970-01-01T00:00:00Z",
            value.to_json()
        )
    })
}

/// A byte cursor; `None` means "does not match".
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    /// The whole grammar; the input must end after it.
    fn date_time(&mut self) -> Option<Fields> {
        let year = self.digits(4)?;
        self.byte(b'-')?;
        let month = self.digits(2).filter(|m| (1..=12).contains(m))?;
        self.byte(b'-')?;
        let day = self.digits(2).filter(|d| (1..=31).contains(d))?;
        self.one_of(b"Tt ")?;
        let hour = self.digits(2).filter(|h| *h <= 23)?;
        self.byte(b':')?;
        let minute = self.digits(2).filter(|m| *m <= 59)?;
        self.byte(b':')?;
        let second = self.digits(2).filter(|s| *s <= 59)?;
        let milli = self.fraction()?;
        let offset = self.offset()?;
        (self.pos == self.bytes.len()).then_some(Fields {
            year: Some(year),
            month: Some(month),
            day: Some(day),
            hour: Some(hour),
            minute: Some(minute),
            second: Some(second),
            milli: Some(milli),
            offset,
            ..Fields::default()
        })
    }

    /// `.` and 1–9 digits, truncated to milliseconds; 0 when absent.
    fn fraction(&mut self) -> Option<i64> {
        if self.byte(b'.').is_none() {
            return Some(0);
        }
        let start = self.pos;
        let len = self.bytes[start..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if !(1..=9).contains(&len) {
            return None;
        }
        self.pos += len;
        let milli = self.bytes[start..start + len.min(3)]
            .iter()
            .fold(0i64, |acc, b| acc * 10 + i64::from(b - b'0'));
        Some(milli * 10i64.pow(3 - len.min(3) as u32))
    }

    /// `Z`, `z`, `±HH:MM`, or nothing (`Some(None)`).
    fn offset(&mut self) -> Option<Option<i64>> {
        match self.bytes.get(self.pos) {
            None => Some(None),
            Some(b'Z' | b'z') => {
                self.pos += 1;
                Some(Some(0))
            }
            Some(&sign @ (b'+' | b'-')) => {
                self.pos += 1;
                let hours = self.digits(2).filter(|h| *h <= 23)?;
                self.byte(b':')?;
                let minutes = self.digits(2).filter(|m| *m <= 59)?;
                let seconds = hours * 3600 + minutes * 60;
                Some(Some(if sign == b'-' { -seconds } else { seconds }))
            }
            Some(_) => None,
        }
    }

    /// Exactly `n` ASCII digits.
    fn digits(&mut self, n: usize) -> Option<i64> {
        let slice = self.bytes.get(self.pos..self.pos + n)?;
        if !slice.iter().all(u8::is_ascii_digit) {
            return None;
        }
        self.pos += n;
        Some(
            slice
                .iter()
                .fold(0i64, |acc, b| acc * 10 + i64::from(b - b'0')),
        )
    }

    /// The byte `b`.
    fn byte(&mut self, b: u8) -> Option<()> {
        self.one_of(&[b])
    }

    /// Any one of `set`.
    fn one_of(&mut self, set: &[u8]) -> Option<()> {
        let b = self.bytes.get(self.pos)?;
        set.contains(b).then(|| self.pos += 1)
    }
}
