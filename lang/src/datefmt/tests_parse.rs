//! Strict parsing (§13 rule 21): widths, names, clocks, defaults and error messages.

use super::tests::NOW;
use super::*;

/// Reads `input` with `pattern` in `zone` and writes it as `iso8601` in that zone.
pub(super) fn read_with(zone_name: &str, pattern: &str, input: &str) -> Result<String, String> {
    let z = zone(zone_name)?;
    let inp = input_format(pattern).map_err(|e| e.to_string())?;
    match format_date_at(
        Some(&Value::str(input)),
        &inp,
        &OutputFormat::Iso8601,
        &z,
        NOW,
    )? {
        Value::String(s) => Ok(s),
        other => Err(format!("not a string: {other:?}")),
    }
}

/// One row per (zone, pattern, input, expected `iso8601` or `None` for a parse error).
pub(super) fn check_read(rows: &[(&str, &str, &str, Option<&str>)]) {
    for &(zone_name, pattern, input, expected) in rows {
        let got = read_with(zone_name, pattern, input);
        match expected {
            Some(iso) => assert_eq!(got.as_deref(), Ok(iso), "{pattern} reading {input:?}"),
            None => assert!(got.is_err(), "{pattern} reading {input:?} gave {got:?}"),
        }
    }
}

const LA: &str = "America/Los_Angeles";

#[test]
fn java_documentation_examples_parse_back() {
    check_read(&[
        (
            LA,
            "yyyy.MM.dd 'at' HH:mm:ss z",
            "2001.07.04 at 12:08:56 PDT",
            Some("2001-07-04T12:08:56-07:00"),
        ),
        (
            LA,
            "hh 'o''clock' a, zzzz",
            "12 o'clock PM, Pacific Daylight Time",
            Some("1970-01-01T11:00:00-08:00"),
        ),
        (
            LA,
            "EEE, d MMM yyyy HH:mm:ss Z",
            "Wed, 4 Jul 2001 12:08:56 -0700",
            Some("2001-07-04T12:08:56-07:00"),
        ),
        (
            LA,
            "yyMMddHHmmssZ",
            "010704120856-0700",
            Some("2001-07-04T12:08:56-07:00"),
        ),
        (
            LA,
            "yyyy-MM-dd'T'HH:mm:ss.SSSZ",
            "2001-07-04T12:08:56.235-0700",
            Some("2001-07-04T12:08:56.235-07:00"),
        ),
        (
            LA,
            "yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
            "2001-07-04T12:08:56.235-07:00",
            Some("2001-07-04T12:08:56.235-07:00"),
        ),
        (
            LA,
            "YYYY-'W'ww-u",
            "2001-W27-3",
            Some("2001-07-04T00:00:00-07:00"),
        ),
        (
            LA,
            "yyyyy.MMMMM.dd hh:mm aaa",
            "02001.July.04 12:08 PM",
            Some("2001-07-04T12:08:00-07:00"),
        ),
    ]);
}

#[test]
fn conformance_inputs() {
    check_read(&[
        (
            "America/New_York",
            "yyyy-MM-dd HH:mm",
            "2024-07-09 10:00",
            Some("2024-07-09T10:00:00-04:00"),
        ),
        (
            "UTC",
            "yyyy-MM-dd",
            "2024-02-29",
            Some("2024-02-29T00:00:00Z"),
        ),
        ("UTC", "yyyy-MM-dd", "2024-02-30", None),
        ("UTC", "yyyy-MM-dd", "2023-02-29", None),
        ("UTC", "yyyy-MM-dd", "hello", None),
        (
            "UTC",
            "yyyy-MM-dd HH:mm:ss",
            "2024-07-09 14:05:03",
            Some("2024-07-09T14:05:03Z"),
        ),
    ]);
    let z = zone("America/New_York").unwrap();
    let got = format_date_at(
        Some(&Value::str("2024-07-09 10:00")),
        &input_format("yyyy-MM-dd HH:mm").unwrap(),
        &output_format("yyyy-MM-dd HH:mm Z").unwrap(),
        &z,
        NOW,
    );
    assert_eq!(got, Ok(Value::str("2024-07-09 10:00 -0400")));
}

#[test]
fn strict_parsing_failures() {
    check_read(&[
        ("UTC", "yyyy-MM-dd", "2024-07-09x", None),
        ("UTC", "yyyy-MM-dd", "2024-07-09 ", None),
        ("UTC", "yyyy-MM-dd", " 2024-07-09", None),
        ("UTC", "yyyy-MM-dd", "2024-13-09", None),
        ("UTC", "yyyy-MM-dd", "2024-00-09", None),
        ("UTC", "yyyy-MM-dd", "2024-07-32", None),
        ("UTC", "yyyy-MM-dd", "2024-07-00", None),
        ("UTC", "yyyy-MM-dd", "2024-O7-09", None),
        ("UTC", "yyyy-MM-dd", "2024/07/09", None),
        ("UTC", "yyyy-MM-dd", "2024-07-", None),
        ("UTC", "yyyy-MM-dd", "", None),
        ("UTC", "yyyy-MM-dd", "+2024-07-09", None),
        ("UTC", "yyyy-MM-dd", "2024-٠٧-09", None),
        ("UTC", "HH:mm", "24:00", None),
        ("UTC", "HH:mm", "23:60", None),
        ("UTC", "HH:mm:ss", "23:59:60", None),
        ("UTC", "h:mm a", "13:00 PM", None),
        ("UTC", "h:mm a", "0:00 AM", None),
        ("UTC", "K:mm a", "12:00 PM", None),
        ("UTC", "kk:mm", "00:00", None),
        ("UTC", "HH:mm a", "14:00 AM", None),
        ("UTC", "h:mm a", "1:00 XM", None),
        ("UTC", "EEE, d MMM yyyy", "Wed, 9 Jul 2024", None),
        ("UTC", "d MMM yyyy", "9 Jyl 2024", None),
        ("UTC", "yyyyMMdd", "202407", None),
        ("UTC", "yyyyMMdd", "202407091", None),
        ("UTC", "yyyy-DDD", "2023-366", None),
        ("UTC", "YYYY-'W'ww-u", "2020-W53-1", None),
        ("UTC", "YYYY-'W'ww-u", "2021-W01-8", None),
        ("UTC", "yyyy-MM-dd yyyy", "2024-07-09 2025", None),
        ("UTC", "SSS", "1000", None),
        ("UTC", "yyyy-MM-dd'T'HH:mm", "2024-07-09t10:00", None),
        ("UTC", "yyyy", "1234567890", None),
    ]);
}

#[test]
fn number_widths_and_names() {
    check_read(&[
        // Without a number right after it, a field takes as many digits as there are.
        (
            "UTC",
            "yyyy-MM-dd",
            "2024-7-9",
            Some("2024-07-09T00:00:00Z"),
        ),
        ("UTC", "d/M/y", "09/07/2024", Some("2024-07-09T00:00:00Z")),
        (
            "UTC",
            "yyyy-MM-dd",
            "24-07-09",
            Some("0024-07-09T00:00:00Z"),
        ),
        // Followed by a number, exactly its count.
        ("UTC", "yyyyMMdd", "20240709", Some("2024-07-09T00:00:00Z")),
        (
            "UTC",
            "yyyyMMddHHmmssSSS",
            "20240709140530007",
            Some("2024-07-09T14:05:30.007Z"),
        ),
        ("UTC", "HHmm", "0905", Some("1970-01-01T09:05:00Z")),
        // The last number of a run is unbounded again.
        ("UTC", "HHmm", "09051", Some("1970-01-01T09:51:00Z")),
        ("UTC", "yyyyMMdd", "2024079", Some("2024-07-09T00:00:00Z")),
        ("UTC", "ss.S", "05.5", Some("1970-01-01T00:00:05.005Z")),
        // Names in any case, short or full whatever the count.
        (
            "UTC",
            "dd MMM yyyy",
            "09 jul 2024",
            Some("2024-07-09T00:00:00Z"),
        ),
        (
            "UTC",
            "dd MMM yyyy",
            "09 JULY 2024",
            Some("2024-07-09T00:00:00Z"),
        ),
        (
            "UTC",
            "dd MMMM yyyy",
            "09 Jul 2024",
            Some("2024-07-09T00:00:00Z"),
        ),
        (
            "UTC",
            "dd LLL yyyy",
            "09 Jun 2024",
            Some("2024-06-09T00:00:00Z"),
        ),
        (
            "UTC",
            "EEE, d MMM yyyy",
            "tue, 9 Jul 2024",
            Some("2024-07-09T00:00:00Z"),
        ),
        (
            "UTC",
            "EEE, d MMM yyyy",
            "TUESDAY, 9 Jul 2024",
            Some("2024-07-09T00:00:00Z"),
        ),
        (
            "UTC",
            "u yyyy-MM-dd",
            "2 2024-07-09",
            Some("2024-07-09T00:00:00Z"),
        ),
        ("UTC", "h:mm a", "2:05 pm", Some("1970-01-01T14:05:00Z")),
    ]);
}

#[test]
fn twelve_and_twenty_four_hour_clocks() {
    check_read(&[
        ("UTC", "hh:mm a", "12:00 AM", Some("1970-01-01T00:00:00Z")),
        ("UTC", "hh:mm a", "12:30 PM", Some("1970-01-01T12:30:00Z")),
        ("UTC", "hh:mm a", "11:59 PM", Some("1970-01-01T23:59:00Z")),
        ("UTC", "K:mm a", "0:08 PM", Some("1970-01-01T12:08:00Z")),
        ("UTC", "K:mm a", "0:08 AM", Some("1970-01-01T00:08:00Z")),
        ("UTC", "K:mm a", "11:08 AM", Some("1970-01-01T11:08:00Z")),
        ("UTC", "hh:mm", "12:15", Some("1970-01-01T00:15:00Z")),
        ("UTC", "kk:mm", "24:00", Some("1970-01-01T00:00:00Z")),
        ("UTC", "kk:mm", "13:00", Some("1970-01-01T13:00:00Z")),
        ("UTC", "a", "PM", Some("1970-01-01T12:00:00Z")),
        ("UTC", "HH:mm a", "14:00 PM", Some("1970-01-01T14:00:00Z")),
    ]);
}

#[test]
fn missing_fields_default_to_the_epoch() {
    check_read(&[
        ("UTC", "HH:mm", "10:30", Some("1970-01-01T10:30:00Z")),
        ("UTC", "MM/yyyy", "07/2024", Some("2024-07-01T00:00:00Z")),
        ("UTC", "yyyy", "2024", Some("2024-01-01T00:00:00Z")),
        ("UTC", "dd", "15", Some("1970-01-15T00:00:00Z")),
        ("UTC", "'x'", "x", Some("1970-01-01T00:00:00Z")),
        (
            "Africa/Johannesburg",
            "yyyy-MM-dd",
            "2024-07-09",
            Some("2024-07-09T00:00:00+02:00"),
        ),
    ]);
}
