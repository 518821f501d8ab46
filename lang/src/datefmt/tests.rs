//! Compiling patterns, and the documented examples. Expected values in all `tests*` files
//! come from Java's `SimpleDateFormat` documentation, the shared conformance cases and
//! Java's rules for the edge cases.

use super::*;

/// A fixed "now" (2026-07-01T00:00:00Z) so two-digit years do not depend on the clock.
pub(super) const NOW: i64 = 1_782_864_000_000;

/// Reads `input` (`iso8601`) and writes it with `pattern` in `zone`.
pub(super) fn write_with(zone_name: &str, input: &str, pattern: &str) -> Result<Value, String> {
    let z = zone(zone_name)?;
    let out = output_format(pattern).map_err(|e| e.to_string())?;
    format_date_at(
        Some(&Value::str(input)),
        &InputFormat::Iso8601,
        &out,
        &z,
        NOW,
    )
}

/// One row per (zone, instant, pattern, expected text).
pub(super) fn check_write(rows: &[(&str, &str, &str, &str)]) {
    for &(zone_name, input, pattern, expected) in rows {
        let got = write_with(zone_name, input, pattern);
        assert_eq!(
            got,
            Ok(Value::str(expected)),
            "{pattern} on {input} in {zone_name}"
        );
    }
}

/// The moment of Java's examples: 2001-07-04 12:08:56.235 in US Pacific time.
const JAVA: &str = "2001-07-04T12:08:56.235-07:00";
const LA: &str = "America/Los_Angeles";

#[test]
fn java_documentation_examples() {
    check_write(&[
        (
            LA,
            JAVA,
            "yyyy.MM.dd 'at' HH:mm:ss z",
            "2001.07.04 at 12:08:56 PDT",
        ),
        (LA, JAVA, "EEE, MMM d, ''yy", "Wed, Jul 4, '01"),
        (LA, JAVA, "h:mm a", "12:08 PM"),
        (
            LA,
            JAVA,
            "hh 'o''clock' a, zzzz",
            "12 o'clock PM, Pacific Daylight Time",
        ),
        (LA, JAVA, "K:mm a, z", "0:08 PM, PDT"),
        (
            LA,
            JAVA,
            "yyyyy.MMMMM.dd hh:mm aaa",
            "02001.July.04 12:08 PM",
        ),
        (
            LA,
            JAVA,
            "EEE, d MMM yyyy HH:mm:ss Z",
            "Wed, 4 Jul 2001 12:08:56 -0700",
        ),
        (LA, JAVA, "yyMMddHHmmssZ", "010704120856-0700"),
        (
            LA,
            JAVA,
            "yyyy-MM-dd'T'HH:mm:ss.SSSZ",
            "2001-07-04T12:08:56.235-0700",
        ),
        (
            LA,
            JAVA,
            "yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
            "2001-07-04T12:08:56.235-07:00",
        ),
        (LA, JAVA, "YYYY-'W'ww-u", "2001-W27-3"),
    ]);
}

#[test]
fn java_era_examples_are_build_errors() {
    for (pattern, column) in [
        ("yyyy.MM.dd G 'at' HH:mm:ss z", 11),
        ("yyyyy.MMMMM.dd GGG hh:mm aaa", 15),
    ] {
        let err = compile(pattern).unwrap_err();
        assert_eq!(err.column, column, "{pattern}");
        assert!(
            err.message.starts_with("unknown pattern letter `G`"),
            "{}",
            err.message
        );
    }
}

#[test]
fn conformance_patterns() {
    let when = "2024-07-09T14:05:03Z";
    check_write(&[
        ("UTC", when, "dd-MM-yyyy", "09-07-2024"),
        ("UTC", when, "EEEE, d MMMM yyyy", "Tuesday, 9 July 2024"),
        ("UTC", when, "EEE, MMM d, ''yy", "Tue, Jul 9, '24"),
        ("UTC", when, "h:mm a", "2:05 PM"),
        ("UTC", when, "hh 'o''clock' a", "02 o'clock PM"),
        ("UTC", when, "D/u", "191/2"),
        (
            "Africa/Johannesburg",
            "2024-07-09T14:05:30Z",
            "yyyy-MM-dd HH:mm:ss XXX",
            "2024-07-09 16:05:30 +02:00",
        ),
        (
            "UTC",
            "2024-07-09T23:30:00+02:00",
            "yyyy-MM-dd'T'HH:mm Z",
            "2024-07-09T21:30 +0000",
        ),
    ]);
}

/// One row per pattern and the items it compiles to.
fn check_compile(rows: &[(&str, Vec<Item>)]) {
    for (pattern, items) in rows {
        assert_eq!(
            compile(pattern),
            Ok(DatePattern {
                items: items.clone()
            }),
            "{pattern}"
        );
    }
}

#[test]
fn compile_items_and_quotes() {
    let lit = |s: &str| Item::Literal(s.to_owned());
    check_compile(&[
        ("", vec![]),
        (
            "yyyy-MM-dd'T'HH",
            vec![
                Item::Year(4),
                lit("-"),
                Item::Month(2),
                lit("-"),
                Item::DayInMonth(2),
                lit("T"),
                Item::Hour0To23(2),
            ],
        ),
        (
            "hh 'o''clock' a",
            vec![Item::Hour1To12(2), lit(" o'clock "), Item::AmPm(1)],
        ),
        ("''yy", vec![lit("'"), Item::Year(2)]),
        ("'it''s' ''", vec![lit("it's '")]),
        ("'yyyy'", vec![lit("yyyy")]),
        ("é d", vec![lit("é "), Item::DayInMonth(1)]),
        (
            "YwWDFEuakKLSzZXXX",
            vec![
                Item::WeekYear(1),
                Item::WeekInYear(1),
                Item::WeekInMonth(1),
                Item::DayInYear(1),
                Item::DayOfWeekInMonth(1),
                Item::DayName(1),
                Item::DayNumber(1),
                Item::AmPm(1),
                Item::Hour1To24(1),
                Item::Hour0To11(1),
                Item::StandaloneMonth(1),
                Item::Millisecond(1),
                Item::ZoneName(1),
                Item::ZoneRfc822(1),
                Item::ZoneIso8601(3),
            ],
        ),
    ]);
}

#[test]
fn compile_errors_point_at_their_column() {
    let many_y = "y".repeat(256);
    for (pattern, column, message_start) in [
        ("yyyy-Q", 5, "unknown pattern letter `Q`"),
        ("é ñ yyyy G", 9, "unknown pattern letter `G`"),
        ("dd 'at HH", 3, "unterminated quote"),
        ("'", 0, "unterminated quote"),
        ("HH:mm XXXX", 6, "`X` takes 1 to 3 letters"),
        ("T", 0, "unknown pattern letter `T`"),
        ("b", 0, "unknown pattern letter `b`"),
        (
            many_y.as_str(),
            0,
            "pattern letter `y` repeated more than 255 times",
        ),
    ] {
        let err = compile(pattern).unwrap_err();
        assert_eq!(err.column, column, "{pattern}");
        assert!(
            err.message.starts_with(message_start),
            "{pattern}: {}",
            err.message
        );
    }
}

#[test]
fn format_keywords() {
    assert_eq!(input_format("iso8601"), Ok(InputFormat::Iso8601));
    assert_eq!(input_format("epoch_ms"), Ok(InputFormat::EpochMs));
    assert_eq!(output_format("iso8601"), Ok(OutputFormat::Iso8601));
    assert_eq!(output_format("epoch_ms"), Ok(OutputFormat::EpochMs));
    assert_eq!(
        output_format("dd"),
        Ok(OutputFormat::Pattern(DatePattern {
            items: vec![Item::DayInMonth(2)]
        }))
    );
    assert_eq!(input_format("ISO8601").unwrap_err().column, 0);
}

#[test]
fn zone_names() {
    assert_eq!(
        zone("Africa/Johannesburg").unwrap().name(),
        Some("Africa/Johannesburg")
    );
    assert!(zone("UTC").is_ok());
    assert!(zone("Etc/UTC").is_ok());
    for bad in ["", "Mars/Olympus_Mons", "Europe/Berln", "+02:00"] {
        assert!(zone(bad).is_err(), "{bad}");
    }
}
