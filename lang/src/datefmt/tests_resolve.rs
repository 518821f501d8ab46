//! Resolving fields to an instant: week and day fields, two-digit years, DST, offsets in
//! the input, `iso8601` input, and round trips.

use super::tests::{write_with, NOW};
use super::tests_parse::{check_read as check, read_with};
use super::*;

#[test]
fn week_and_day_fields_resolve_a_date() {
    check(&[
        (
            "UTC",
            "YYYY-'W'ww-u",
            "2021-W01-4",
            Some("2020-12-31T00:00:00Z"),
        ),
        (
            "UTC",
            "YYYY-'W'ww-u",
            "2021-W01-7",
            Some("2020-12-27T00:00:00Z"),
        ),
        (
            "UTC",
            "YYYY-'W'ww-u",
            "2016-W53-6",
            Some("2016-12-31T00:00:00Z"),
        ),
        ("UTC", "YYYY-ww", "2021-02", Some("2021-01-03T00:00:00Z")),
        ("UTC", "YYYY", "2021", Some("2020-12-27T00:00:00Z")),
        ("UTC", "yyyy-DDD", "2024-366", Some("2024-12-31T00:00:00Z")),
        ("UTC", "yyyy-DDD", "2023-060", Some("2023-03-01T00:00:00Z")),
        (
            "UTC",
            "yyyy-MM F EEE",
            "2024-07 2 Tue",
            Some("2024-07-09T00:00:00Z"),
        ),
        (
            "UTC",
            "yyyy-MM W EEE",
            "2024-07 2 Tue",
            Some("2024-07-09T00:00:00Z"),
        ),
        (
            "UTC",
            "yyyy-MM-dd W F D w",
            "2024-07-09 2 2 191 28",
            Some("2024-07-09T00:00:00Z"),
        ),
        ("UTC", "yyyy-MM-dd w", "2024-07-09 27", None),
        // A week year only agrees with the calendar date where they coincide.
        (
            "UTC",
            "YYYY-MM-dd",
            "2024-07-09",
            Some("2024-07-09T00:00:00Z"),
        ),
        ("UTC", "YYYY-MM-dd", "2020-12-31", None),
    ]);
}

#[test]
fn two_digit_years_use_javas_window() {
    // NOW is 2026-07-01T00:00:00Z: the window runs from 1946-07-01 to 2046-06-30.
    check(&[
        ("UTC", "yy-MM-dd", "26-07-09", Some("2026-07-09T00:00:00Z")),
        ("UTC", "yy-MM-dd", "45-06-01", Some("2045-06-01T00:00:00Z")),
        ("UTC", "yy-MM-dd", "47-01-01", Some("1947-01-01T00:00:00Z")),
        ("UTC", "yy-MM-dd", "99-12-31", Some("1999-12-31T00:00:00Z")),
        ("UTC", "yy-MM-dd", "00-02-29", Some("2000-02-29T00:00:00Z")),
        // 46 is the ambiguous year: 1946 from July on, 2046 before.
        ("UTC", "yy-MM-dd", "46-07-02", Some("1946-07-02T00:00:00Z")),
        ("UTC", "yy-MM-dd", "46-06-30", Some("2046-06-30T00:00:00Z")),
        ("UTC", "y-MM-dd", "24-07-09", Some("2024-07-09T00:00:00Z")),
        ("UTC", "yyMMdd", "240709", Some("2024-07-09T00:00:00Z")),
        // Other lengths are the year as written.
        (
            "UTC",
            "yy-MM-dd",
            "2024-07-09",
            Some("2024-07-09T00:00:00Z"),
        ),
        ("UTC", "yy-MM-dd", "7-07-09", Some("0007-07-09T00:00:00Z")),
        (
            "UTC",
            "yyyy-MM-dd",
            "24-07-09",
            Some("0024-07-09T00:00:00Z"),
        ),
        (
            "UTC",
            "YY-'W'ww-u",
            "21-W01-4",
            Some("2020-12-31T00:00:00Z"),
        ),
    ]);
}

#[test]
fn local_times_in_dst_gaps_and_overlaps() {
    let p = "yyyy-MM-dd HH:mm";
    check(&[
        // Berlin skips 02:00–03:00 on 2021-03-28: 02:30 moves forward by the gap.
        (
            "Europe/Berlin",
            p,
            "2021-03-28 02:30",
            Some("2021-03-28T03:30:00+02:00"),
        ),
        (
            "Europe/Berlin",
            p,
            "2021-03-28 01:59",
            Some("2021-03-28T01:59:00+01:00"),
        ),
        (
            "Europe/Berlin",
            p,
            "2021-03-28 03:00",
            Some("2021-03-28T03:00:00+02:00"),
        ),
        // 02:00–03:00 happens twice on 2021-10-31: the earlier offset.
        (
            "Europe/Berlin",
            p,
            "2021-10-31 02:30",
            Some("2021-10-31T02:30:00+02:00"),
        ),
        (
            "Europe/Berlin",
            p,
            "2021-10-31 03:00",
            Some("2021-10-31T03:00:00+01:00"),
        ),
        (
            "America/New_York",
            p,
            "2024-03-10 02:15",
            Some("2024-03-10T03:15:00-04:00"),
        ),
        (
            "America/New_York",
            p,
            "2024-11-03 01:30",
            Some("2024-11-03T01:30:00-04:00"),
        ),
    ]);
}

/// A row read in UTC.
fn zoned<'a>(
    p: &'a str,
    input: &'a str,
    expected: &'a str,
) -> (&'a str, &'a str, &'a str, Option<&'a str>) {
    ("UTC", p, input, Some(expected))
}

#[test]
fn offsets_in_the_input_win_over_the_zone() {
    let p_z = "yyyy-MM-dd HH:mm z";
    check(&[
        zoned(p_z, "2001-07-04 12:08 PDT", "2001-07-04T19:08:00Z"),
        zoned(p_z, "2001-07-04 12:08 pst", "2001-07-04T20:08:00Z"),
        zoned(
            p_z,
            "2001-07-04 12:08 Pacific Daylight Time",
            "2001-07-04T19:08:00Z",
        ),
        zoned(p_z, "2001-07-04 12:08 GMT", "2001-07-04T12:08:00Z"),
        zoned(p_z, "2001-07-04 12:08 UTC", "2001-07-04T12:08:00Z"),
        zoned(p_z, "2001-07-04 12:08 GMT+02:00", "2001-07-04T10:08:00Z"),
        zoned(p_z, "2001-07-04 12:08 GMT-5", "2001-07-04T17:08:00Z"),
        zoned(p_z, "2001-07-04 12:08 +0530", "2001-07-04T06:38:00Z"),
        zoned(p_z, "2001-07-04 12:08 SAST", "2001-07-04T10:08:00Z"),
        zoned(
            "yyyy-MM-dd HH:mm Z",
            "2001-07-04 12:08 -0700",
            "2001-07-04T19:08:00Z",
        ),
        zoned(
            "yyyy-MM-dd HH:mm X",
            "2001-07-04 12:08 Z",
            "2001-07-04T12:08:00Z",
        ),
        zoned(
            "yyyy-MM-dd HH:mm X",
            "2001-07-04 12:08 -07",
            "2001-07-04T19:08:00Z",
        ),
        zoned(
            "yyyy-MM-dd HH:mmXX",
            "2001-07-04 12:08+0200",
            "2001-07-04T10:08:00Z",
        ),
        zoned(
            "yyyy-MM-dd HH:mmXXX",
            "2001-07-04 12:08+05:30",
            "2001-07-04T06:38:00Z",
        ),
        ("UTC", "yyyy-MM-dd HH:mmXXX", "2001-07-04 12:08+0530", None),
        ("UTC", "yyyy-MM-dd HH:mm Z", "2001-07-04 12:08 -07", None),
        ("UTC", p_z, "2001-07-04 12:08 Mars Time", None),
        // CST means Central time, except where the zone says China.
        (
            "America/Chicago",
            p_z,
            "2024-01-09 12:00 CST",
            Some("2024-01-09T12:00:00-06:00"),
        ),
        (
            "UTC",
            p_z,
            "2024-01-09 12:00 CST",
            Some("2024-01-09T18:00:00Z"),
        ),
        (
            "Asia/Shanghai",
            p_z,
            "2024-01-09 12:00 CST",
            Some("2024-01-09T12:00:00+08:00"),
        ),
        // IST means India in Kolkata and Ireland in Dublin.
        (
            "Asia/Kolkata",
            p_z,
            "2024-07-09 12:00 IST",
            Some("2024-07-09T12:00:00+05:30"),
        ),
        (
            "Europe/Dublin",
            p_z,
            "2024-07-09 12:00 IST",
            Some("2024-07-09T12:00:00+01:00"),
        ),
    ]);
}

#[test]
fn iso8601_input_variants() {
    let iso = |zone_name: &str, input: &str| {
        let z = zone(zone_name).unwrap();
        format_date_at(
            Some(&Value::str(input)),
            &InputFormat::Iso8601,
            &OutputFormat::Iso8601,
            &z,
            NOW,
        )
    };
    for (zone_name, input, expected) in [
        ("UTC", "2024-07-09T14:05:30Z", Some("2024-07-09T14:05:30Z")),
        ("UTC", "2024-07-09t14:05:30z", Some("2024-07-09T14:05:30Z")),
        (
            "UTC",
            "2024-07-09 14:05:30+02:00",
            Some("2024-07-09T12:05:30Z"),
        ),
        (
            "UTC",
            "2024-07-09T14:05:30.5-01:30",
            Some("2024-07-09T15:35:30.500Z"),
        ),
        (
            "UTC",
            "2024-07-09T14:05:30.123456789Z",
            Some("2024-07-09T14:05:30.123Z"),
        ),
        (
            "Africa/Johannesburg",
            "2024-07-09T14:05:30",
            Some("2024-07-09T14:05:30+02:00"),
        ),
        (
            "Europe/Berlin",
            "2021-03-28T02:30:00",
            Some("2021-03-28T03:30:00+02:00"),
        ),
        ("UTC", "2024-02-29T00:00:00Z", Some("2024-02-29T00:00:00Z")),
        ("UTC", "2024-07-09", None),
        ("UTC", "2024-07-09T14:05", None),
        ("UTC", "2024-07-09T14:05:30+0200", None),
        ("UTC", "2024-07-09T14:05:30+02", None),
        ("UTC", "2024-07-09T14:05:30.Z", None),
        ("UTC", "2024-07-09T14:05:30.1234567890Z", None),
        ("UTC", "2024-13-09T14:05:30Z", None),
        ("UTC", "2023-02-29T14:05:30Z", None),
        ("UTC", "2024-07-09T24:00:00Z", None),
        ("UTC", "2024-07-09T14:05:60Z", None),
        ("UTC", "2024-07-09T14:05:30Z ", None),
        ("UTC", "2024-07-09_14:05:30Z", None),
        ("UTC", "24-07-09T14:05:30Z", None),
    ] {
        let got = iso(zone_name, input);
        match expected {
            Some(text) => assert_eq!(got, Ok(Value::str(text)), "{input}"),
            None => assert!(got.is_err(), "{input} gave {got:?}"),
        }
    }
    // A number is read as its text, like other nodes read non-string inputs.
    let z = Zone::utc();
    let number = Value::Number(Number::from_i64(20_240_709));
    let got = format_date_at(
        Some(&number),
        &input_format("yyyyMMdd").unwrap(),
        &OutputFormat::Iso8601,
        &z,
        NOW,
    );
    assert_eq!(got, Ok(Value::str("2024-07-09T00:00:00Z")));
}

#[test]
fn errors_say_what_was_expected_and_where() {
    for (pattern, input, expected) in [
        ("yyyy-MM-dd", "2024-07-09x", "\"2024-07-09x\" does not match the date pattern: expected the end of the input at character 10, found `x`"),
        ("yyyy-MM-dd", "2024/07/09", "\"2024/07/09\" does not match the date pattern: expected `-` at character 4, found `/`"),
        ("yyyy-MM-dd", "2024-13-09", "month 13 is out of range (1-12) in \"2024-13-09\""),
        ("yyyy-MM-dd", "2023-02-29", "2023-02-29 is not a date: that month has 28 days"),
        ("yyyyMMdd", "202407", "\"202407\" does not match the date pattern: expected digits for the day at character 6, found the end"),
        ("EEE yyyy-MM-dd", "Wed 2024-07-09", "the date fields disagree: day of week Wed does not fit 2024-07-09"),
    ] {
        assert_eq!(read_with("UTC", pattern, input), Err(expected.to_owned()), "{pattern} {input}");
    }
}

#[test]
fn round_trips_through_common_patterns() {
    let patterns = [
        "yyyy-MM-dd HH:mm:ss.SSS",
        "yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
        "yyyy-MM-dd'T'HH:mm:ss.SSSZ",
        "EEE, d MMM yyyy HH:mm:ss.SSS Z",
        "EEEE, MMMM d, yyyy h:mm:ss.SSS a z",
        "dd/MM/yyyy hh:mm:ss.SSS a zzzz",
        "yyyyMMddHHmmssSSSX",
        "YYYY-'W'ww-u HH:mm:ss.SSS",
        "yyyy-DDD kk:mm:ss.SSS",
    ];
    let instants = [
        "2001-07-04T19:08:56.235Z",
        "2020-12-31T23:59:59.999Z",
        "2021-01-01T00:00:00.001Z",
        "2024-02-29T12:00:00.500Z",
        "1969-12-31T23:00:00.000Z",
        "2024-10-27T00:30:00.000Z",
    ];
    for zone_name in [
        "UTC",
        "Europe/Berlin",
        "America/Los_Angeles",
        "Africa/Johannesburg",
    ] {
        for pattern in patterns {
            for instant in instants {
                let Ok(Value::String(text)) = write_with(zone_name, instant, pattern) else {
                    panic!("{pattern} could not write {instant}");
                };
                let back = read_with("UTC", "iso8601", instant);
                let again = read_with(zone_name, pattern, &text)
                    .and_then(|iso| read_with("UTC", "iso8601", &iso));
                assert_eq!(again, back, "{pattern} in {zone_name}: {instant} -> {text}");
            }
        }
    }
}
