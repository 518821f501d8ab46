//! The `date_format` node (§4.3, §13 rule 21): Java `SimpleDateFormat` patterns, the
//! `iso8601` and `epoch_ms` keywords, IANA time zones.
//!
//! Build time: [`input_format`] / [`output_format`] compile the node's formats (an unknown
//! letter is an error at its column) and [`zone`] checks its `timezone`. Run time:
//! [`format_date`] parses the input strictly and writes it in the zone. A compiled
//! [`DatePattern`] is plain data (a list of [`Item`]s), so generated code can embed it as a
//! literal and no pattern text is walked per request.
//!
//! Choices where Java leaves room:
//! - `iso8601` output is `2024-07-09T16:05:30+02:00`, with `.mmm` only when the
//!   milliseconds are not zero and `Z` for a zero offset (what Java's
//!   `yyyy-MM-dd'T'HH:mm:ss.SSSXXX` gives, less zero milliseconds).
//! - `zzzz` uses the CLDR long names modern Java prints, for the zones in the project's
//!   table; `z` parses `GMT±hh:mm`, `±hhmm` and the table's names and abbreviations.
//! - Two-digit years are placed in the window that starts 80 years before now, in the
//!   node's zone, as Java does when the format is created.
//! - Parsing is Java's non-lenient mode: literal text matches exactly (case-sensitively),
//!   and every field read must agree with the resolved date (`Wed` on a Tuesday fails).

mod calendar;
mod iso;
mod names;
mod parse;
mod pattern;
mod resolve;
mod write;
mod zone;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_parse;
#[cfg(test)]
mod tests_resolve;
#[cfg(test)]
mod tests_write;

pub use pattern::{compile, DatePattern, DatePatternError, Item};
pub use zone::{zone, Zone};

use crate::number::Number;
use crate::value::Value;
use jiff::Timestamp;
use std::borrow::Cow;
use zone::Moment;

/// How a `date_format` node reads its input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputFormat {
    /// A `SimpleDateFormat` pattern, parsed strictly.
    Pattern(DatePattern),
    /// RFC 3339, with or without an offset (`iso8601`).
    Iso8601,
    /// Milliseconds since the Unix epoch, a number or numeric string (`epoch_ms`).
    EpochMs,
}

/// How a `date_format` node writes its result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputFormat {
    /// A `SimpleDateFormat` pattern; the result is a string.
    Pattern(DatePattern),
    /// RFC 3339 with the zone's offset (`iso8601`); a string.
    Iso8601,
    /// Milliseconds since the Unix epoch (`epoch_ms`); a number.
    EpochMs,
}

/// Compiles an `input_format`: `iso8601`, `epoch_ms` or a pattern.
pub fn input_format(text: &str) -> Result<InputFormat, DatePatternError> {
    Ok(match text {
        "iso8601" => InputFormat::Iso8601,
        "epoch_ms" => InputFormat::EpochMs,
        _ => InputFormat::Pattern(compile(text)?),
    })
}

/// Compiles an `output_format`: `iso8601`, `epoch_ms` or a pattern.
pub fn output_format(text: &str) -> Result<OutputFormat, DatePatternError> {
    Ok(match text {
        "iso8601" => OutputFormat::Iso8601,
        "epoch_ms" => OutputFormat::EpochMs,
        _ => OutputFormat::Pattern(compile(text)?),
    })
}

/// The node's behaviour: reads `input` with `input_format` (times without an offset are in
/// `zone`) and writes it in `zone` with `output_format`. `Err` holds the message for
/// `[[name:error]]`: an absent or null input, or one that does not parse.
pub fn format_date(
    input: Option<&Value>,
    input_format: &InputFormat,
    output_format: &OutputFormat,
    zone: &Zone,
) -> Result<Value, String> {
    format_date_at(
        input,
        input_format,
        output_format,
        zone,
        Timestamp::now().as_millisecond(),
    )
}

/// [`format_date`] with "now" given as milliseconds since the epoch: only two-digit years
/// depend on it. For tests and replays.
pub fn format_date_at(
    input: Option<&Value>,
    input_format: &InputFormat,
    output_format: &OutputFormat,
    zone: &Zone,
    now_ms: i64,
) -> Result<Value, String> {
    let input = match input {
        None | Some(Value::Null) => return Err("the date input is absent or null".to_owned()),
        Some(value) => value,
    };
    let ts = read(input, input_format, zone, now_ms)?;
    Ok(write(ts, output_format, zone))
}

/// The instant `input` names.
fn read(
    input: &Value,
    format: &InputFormat,
    zone: &Zone,
    now_ms: i64,
) -> Result<Timestamp, String> {
    let fields = match format {
        InputFormat::EpochMs => {
            let ms = iso::read_epoch_ms(input)?;
            return Timestamp::from_millisecond(ms).map_err(|_| {
                format!("{ms} milliseconds is outside the supported years (-9999 to 9999)")
            });
        }
        InputFormat::Iso8601 => iso::read_iso(&text_of(input))?,
        InputFormat::Pattern(p) => parse::parse_fields(&p.items, &text_of(input), zone.name())?,
    };
    let now = Timestamp::from_millisecond(now_ms).unwrap_or(Timestamp::UNIX_EPOCH);
    resolve::resolve(&fields, zone, now)
}

/// The text of a non-string input: its §3 rendering (a number as digits), as other nodes
/// read non-string inputs.
fn text_of(input: &Value) -> Cow<'_, str> {
    match input {
        Value::String(s) => Cow::Borrowed(s),
        other => Cow::Owned(other.render()),
    }
}

/// The result value of `ts` in `format`.
fn write(ts: Timestamp, format: &OutputFormat, zone: &Zone) -> Value {
    match format {
        OutputFormat::EpochMs => Value::Number(Number::from_i64(ts.as_millisecond())),
        OutputFormat::Iso8601 => {
            let mut out = String::with_capacity(29);
            iso::write_iso(&mut out, &Moment::new(zone, ts));
            Value::String(out)
        }
        OutputFormat::Pattern(p) => {
            let mut out = String::with_capacity(32);
            write::write_pattern(&mut out, &p.items, &Moment::new(zone, ts));
            Value::String(out)
        }
    }
}
