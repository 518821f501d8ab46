//! Writing dates: Java's count rules, week fields, zones, `iso8601` and `epoch_ms`.

use super::tests::{check_write as check, NOW};
use super::*;

#[test]
fn counts_choose_text_or_number_and_width() {
    let t = "2024-07-09T04:05:03.007Z";
    check(&[
        ("UTC", t, "M|MM|MMM|MMMM|MMMMM", "7|07|Jul|July|July"),
        ("UTC", t, "L|LL|LLL|LLLL", "7|07|Jul|July"),
        (
            "UTC",
            t,
            "E|EE|EEE|EEEE|EEEEE",
            "Tue|Tue|Tue|Tuesday|Tuesday",
        ),
        ("UTC", t, "d|dd|ddd", "9|09|009"),
        ("UTC", t, "y|yy|yyy|yyyy|yyyyy", "2024|24|2024|2024|02024"),
        ("UTC", "0045-03-01T00:00:00Z", "y|yy|yyyy", "45|45|0045"),
        ("UTC", "2005-03-01T00:00:00Z", "yy|YY", "05|05"),
        ("UTC", t, "S|SS|SSS|SSSS", "7|07|007|0007"),
        (
            "UTC",
            "2024-07-09T04:05:03.235Z",
            "S|SS|SSS|SSSS",
            "235|235|235|0235",
        ),
        ("UTC", t, "H|HH|m|mm|s|ss", "4|04|5|05|3|03"),
        ("UTC", t, "a|aa|aaaa", "AM|AM|AM"),
        ("UTC", t, "u|uu", "2|02"),
        ("UTC", "2024-07-07T00:00:00Z", "u EEEE", "7 Sunday"),
        ("UTC", "2024-07-08T00:00:00Z", "u EEEE", "1 Monday"),
        ("UTC", "2024-01-05T00:00:00Z", "D|DDD", "5|005"),
        ("UTC", "2024-12-31T00:00:00Z", "D", "366"),
        ("UTC", "2023-12-31T00:00:00Z", "D", "365"),
    ]);
}

#[test]
fn hours_at_midnight_noon_and_evening() {
    let pattern = "H k K h a|HH kk KK hh";
    check(&[
        (
            "UTC",
            "2024-07-09T00:00:00Z",
            pattern,
            "0 24 0 12 AM|00 24 00 12",
        ),
        (
            "UTC",
            "2024-07-09T00:30:00Z",
            "h:mm a|K:mm a|k:mm",
            "12:30 AM|0:30 AM|24:30",
        ),
        (
            "UTC",
            "2024-07-09T01:00:00Z",
            pattern,
            "1 1 1 1 AM|01 01 01 01",
        ),
        (
            "UTC",
            "2024-07-09T11:59:00Z",
            pattern,
            "11 11 11 11 AM|11 11 11 11",
        ),
        (
            "UTC",
            "2024-07-09T12:00:00Z",
            pattern,
            "12 12 0 12 PM|12 12 00 12",
        ),
        (
            "UTC",
            "2024-07-09T13:00:00Z",
            pattern,
            "13 13 1 1 PM|13 13 01 01",
        ),
        (
            "UTC",
            "2024-07-09T23:00:00Z",
            pattern,
            "23 23 11 11 PM|23 23 11 11",
        ),
    ]);
}

#[test]
fn week_fields_follow_us_rules_across_the_year_boundary() {
    let p = "YYYY-ww|yyyy|W F";
    check(&[
        // 2021-01-01 is a Friday: its week (Sunday 27 December on) is week 1 of 2021.
        ("UTC", "2020-12-26T12:00:00Z", p, "2020-52|2020|4 4"),
        ("UTC", "2020-12-27T12:00:00Z", p, "2021-01|2020|5 4"),
        ("UTC", "2020-12-31T12:00:00Z", p, "2021-01|2020|5 5"),
        ("UTC", "2021-01-01T12:00:00Z", p, "2021-01|2021|1 1"),
        ("UTC", "2021-01-02T12:00:00Z", p, "2021-01|2021|1 1"),
        ("UTC", "2021-01-03T12:00:00Z", p, "2021-02|2021|2 1"),
        // 2020-01-01 is a Wednesday: week 1 starts on Sunday 29 December 2019.
        ("UTC", "2019-12-28T12:00:00Z", p, "2019-52|2019|4 4"),
        ("UTC", "2019-12-29T12:00:00Z", p, "2020-01|2019|5 5"),
        // 2022-01-01 is a Saturday, alone with the end of 2021 in week 1 of 2022.
        (
            "UTC",
            "2021-12-31T12:00:00Z",
            "YYYY-ww yyyy-MM-dd",
            "2022-01 2021-12-31",
        ),
        ("UTC", "2022-01-02T12:00:00Z", "YYYY-ww", "2022-02"),
        // 2017-01-01 is a Sunday: week 1 begins on it, 2016-12-31 is in week 53.
        ("UTC", "2016-12-31T12:00:00Z", "YYYY-ww", "2016-53"),
        ("UTC", "2017-01-01T12:00:00Z", "YYYY-ww", "2017-01"),
        // July 2024 starts on a Monday.
        ("UTC", "2024-07-06T00:00:00Z", "W F", "1 1"),
        ("UTC", "2024-07-07T00:00:00Z", "W F", "2 1"),
        ("UTC", "2024-07-08T00:00:00Z", "W F", "2 2"),
        ("UTC", "2024-07-31T00:00:00Z", "W F", "5 5"),
    ]);
}

#[test]
fn zones_abbreviations_long_names_and_offsets() {
    let p = "z|zzzz|Z|X|XX|XXX";
    check(&[
        (
            "UTC",
            "2024-07-09T12:00:00Z",
            p,
            "UTC|Coordinated Universal Time|+0000|Z|Z|Z",
        ),
        (
            "Europe/Berlin",
            "2024-01-09T12:00:00Z",
            p,
            "CET|Central European Standard Time|+0100|+01|+0100|+01:00",
        ),
        (
            "Europe/Berlin",
            "2024-07-09T12:00:00Z",
            p,
            "CEST|Central European Summer Time|+0200|+02|+0200|+02:00",
        ),
        (
            "Europe/London",
            "2024-01-09T12:00:00Z",
            p,
            "GMT|Greenwich Mean Time|+0000|Z|Z|Z",
        ),
        (
            "Europe/London",
            "2024-07-09T12:00:00Z",
            "z|zzzz",
            "BST|British Summer Time",
        ),
        (
            "Africa/Johannesburg",
            "2024-07-09T12:00:00Z",
            "z|zzzz",
            "SAST|South Africa Standard Time",
        ),
        (
            "America/New_York",
            "2024-01-09T12:00:00Z",
            "z|zzzz|XXX",
            "EST|Eastern Standard Time|-05:00",
        ),
        (
            "America/Los_Angeles",
            "2024-01-09T12:00:00Z",
            "z|zzzz|Z",
            "PST|Pacific Standard Time|-0800",
        ),
        (
            "Asia/Kolkata",
            "2024-07-09T12:00:00Z",
            p,
            "IST|India Standard Time|+0530|+05|+0530|+05:30",
        ),
        (
            "Europe/Dublin",
            "2024-07-09T12:00:00Z",
            "z|zzzz",
            "IST|Irish Standard Time",
        ),
        (
            "Asia/Shanghai",
            "2024-07-09T12:00:00Z",
            "z|zzzz",
            "CST|China Standard Time",
        ),
        (
            "America/Chicago",
            "2024-01-09T12:00:00Z",
            "z|zzzz",
            "CST|Central Standard Time",
        ),
        (
            "Asia/Dubai",
            "2024-07-09T12:00:00Z",
            "z|zzzz",
            "+04|Gulf Standard Time",
        ),
        (
            "America/St_Johns",
            "2024-01-09T12:00:00Z",
            "Z|X|XXX",
            "-0330|-03|-03:30",
        ),
        // No long name in the table: the abbreviation.
        (
            "Asia/Kathmandu",
            "2024-07-09T12:00:00Z",
            "z|zzzz|XX",
            "+0545|+0545|+0545",
        ),
    ]);
}

#[test]
fn iso8601_output() {
    let iso = OutputFormat::Iso8601;
    for (zone_name, input, expected) in [
        ("UTC", "2024-07-09T14:05:30Z", "2024-07-09T14:05:30Z"),
        (
            "UTC",
            "2024-07-09T14:05:30.120Z",
            "2024-07-09T14:05:30.120Z",
        ),
        (
            "Africa/Johannesburg",
            "2024-07-09T14:05:30.001Z",
            "2024-07-09T16:05:30.001+02:00",
        ),
        (
            "America/New_York",
            "2024-07-09T14:05:30Z",
            "2024-07-09T10:05:30-04:00",
        ),
        (
            "Asia/Kolkata",
            "2024-07-09T14:05:30Z",
            "2024-07-09T19:35:30+05:30",
        ),
    ] {
        let z = zone(zone_name).unwrap();
        let got = format_date_at(
            Some(&Value::str(input)),
            &InputFormat::Iso8601,
            &iso,
            &z,
            NOW,
        );
        assert_eq!(got, Ok(Value::str(expected)), "{input} in {zone_name}");
    }
}

#[test]
fn epoch_ms_input_and_output() {
    let utc = Zone::utc();
    let iso = OutputFormat::Iso8601;
    let n = |i: i64| Value::Number(Number::from_i64(i));
    for (input, expected) in [
        (n(1_720_533_930_123), Ok("2024-07-09T14:05:30.123Z")),
        (Value::str("1720533930123"), Ok("2024-07-09T14:05:30.123Z")),
        (n(0), Ok("1970-01-01T00:00:00Z")),
        (n(-1), Ok("1969-12-31T23:59:59.999Z")),
        (Value::str("-86400000"), Ok("1969-12-31T00:00:00Z")),
        (Value::str("+1000"), Ok("1970-01-01T00:00:01Z")),
        (Value::str("1.5"), Err(())),
        (Value::str("12 345"), Err(())),
        (Value::str("abc"), Err(())),
        (Value::str(""), Err(())),
        (Value::Bool(true), Err(())),
        (n(i64::MAX), Err(())),
    ] {
        let got = format_date_at(Some(&input), &InputFormat::EpochMs, &iso, &utc, NOW);
        match expected {
            Ok(text) => assert_eq!(got, Ok(Value::str(text)), "{input:?}"),
            Err(()) => assert!(got.is_err(), "{input:?} gave {got:?}"),
        }
    }
    let out = format_date_at(
        Some(&Value::str("2024-07-09T16:05:30.123+02:00")),
        &InputFormat::Iso8601,
        &OutputFormat::EpochMs,
        &utc,
        NOW,
    );
    assert_eq!(out, Ok(n(1_720_533_930_123)));
    let millis = format_date_at(
        Some(&n(1_720_533_930_123)),
        &InputFormat::EpochMs,
        &output_format("yyyy-MM-dd HH:mm:ss.SSS").unwrap(),
        &utc,
        NOW,
    );
    assert_eq!(millis, Ok(Value::str("2024-07-09 14:05:30.123")));
}

#[test]
fn absent_and_null_inputs_are_errors() {
    let utc = Zone::utc();
    for input in [None, Some(&Value::Null)] {
        let got = format_date_at(
            input,
            &InputFormat::Iso8601,
            &OutputFormat::EpochMs,
            &utc,
            NOW,
        );
        assert_eq!(got, Err("the date input is absent or null".to_owned()));
    }
}
