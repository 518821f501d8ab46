use super::*;

/// Compiles `pattern`, formats the JSON number `input` and compares.
fn check(pattern: &str, input: &str, expected: &str) {
    let p = compile(pattern).unwrap_or_else(|e| panic!("{pattern:?} should compile: {e:?}"));
    let n = Number::parse_json(input).unwrap_or_else(|| panic!("{input} is a number"));
    let got = p.format(n);
    assert_eq!(got.as_deref(), Ok(expected), "{pattern:?} on {input}");
}

/// Expected values are what Java 17's `DecimalFormat` (US symbols, `HALF_EVEN`) writes for
/// the same `BigDecimal`, except where a comment says otherwise.
#[test]
fn java_decimal_format_table() {
    for (pattern, input, expected) in [
        // §4.4's examples and the shared conformance case.
        ("###,###.##", "123123.1", "123,123.1"),
        ("000,000.00", "1234.5", "001,234.50"),
        ("$###,###.00", "1234.5", "$1,234.50"),
        ("0.00", "0.125", "0.12"),
        ("0.00", "0.375", "0.38"),
        ("#,##0", "2.5", "2"),
        ("0.0%", "0.1234", "12.3%"),
        ("#,##0.00 ZAR", "1500", "1,500.00 ZAR"),
        // DecimalFormat's documented patterns.
        ("#,##0.00", "1234567.891", "1,234,567.89"),
        ("#,##0.00", "0", "0.00"),
        ("#,##0.###", "1234567.891", "1,234,567.891"),
        ("#,##0.0#", "1.2345", "1.23"),
        ("#,##0.0#", "1", "1.0"),
        ("00.00%", "0.1234", "12.34%"),
        ("00.00%", "0.05", "05.00%"),
        ("0000", "12", "0012"),
        ("0,000", "1", "0,001"),
        // Half-even ties on the exact decimal (Java's double gives 2.67 for 2.675).
        ("0.00", "2.675", "2.68"),
        ("0.00", "0.135", "0.14"),
        ("0.00", "0.145", "0.14"),
        ("#,##0", "3.5", "4"),
        ("#0.#", "1.05", "1"),
        ("#0.#", "1.15", "1.2"),
        ("#%", "0.005", "0%"),
        ("#%", "0.015", "2%"),
        ("0", "0.5", "0"),
        ("0", "1.5", "2"),
        ("0", "-2.5", "-2"),
        // Zero and optional digits.
        ("#", "0", "0"),
        ("#.#", "0", "0"),
        ("#.##", "0", "0"),
        ("#.00", "0.5", ".50"),
        ("#.0#", "0", ".0"),
        (".00", "0", ".00"),
        (".##", "0.5", ".5"),
        (".##", "0", ".0"),
        (".##", "1", "1.0"),
        ("0.", "5", "5."),
        ("#.", "5", "5."),
        ("#,##0.00", "1e-30", "0.00"),
        // §13 rule 22 (Java 17 writes `0.5` and `0.46` here: it reads `#.##` as `0.##`).
        ("#.##", "0.5", ".5"),
        ("#.##", "0.456", ".46"),
        ("###,###.##", "0.25", ".25"),
        ("#.##", "12.345", "12.34"),
        // Negative numbers as Java writes them.
        ("$#,##0.00", "-1234.5", "-$1,234.50"),
        ("#,##0;(#,##0)", "-1234", "(1,234)"),
        ("#,##0;(#,##0)", "1234", "1,234"),
        ("#,##0.00;(#,##0.00)", "-0.001", "(0.00)"),
        ("#,##0.00;[#]", "-5", "[5.00]"),
        ("#,##0.##;#,##0.##-", "-3.5", "3.5-"),
        ("x#;y#z", "-5", "y5z"),
        ("#;(#", "-5", "(5"),
        ("#;#", "-5", "-5"),
        ("#;-#", "-5", "-5"),
        ("#;'-'#", "-5", "-5"),
        ("0.00;", "-5", "-5.00"),
        ("#,##0 ZAR;-#,##0 ZAR", "-1500", "-1,500 ZAR"),
        ("0.00%", "-0.5", "-50.00%"),
        // A negative value that rounds to zero keeps its sign; an exact zero has none.
        ("0.00", "-0.001", "-0.00"),
        ("#,##0.00", "-0.001", "-0.00"),
        ("#.##", "-0.001", "-0"),
        ("#", "-0.4", "-0"),
        ("0.0", "-0.05", "-0.0"),
        ("#", "-0", "0"),
        ("00.##", "-0", "00"),
        // Grouping: the last group size counts.
        ("######,##", "123456789", "1,23,45,67,89"),
        ("#,####", "123456789", "1,2345,6789"),
        ("#,#,##0", "1234567", "1,234,567"),
        ("##,##,##0", "1234567", "1,234,567"),
        (",##0", "1234567", "1,234,567"),
        ("#,##0", "999", "999"),
        ("#,##0", "-1000", "-1,000"),
        // Large numbers and many digits.
        (
            "#,##0",
            "12345678901234567890123",
            "12,345,678,901,234,567,890,123",
        ),
        (
            "0.0000000000000000000000000000##",
            "0.5",
            "0.5000000000000000000000000000",
        ),
        (
            "#,##0.00",
            "79228162514264337593543950335",
            "79,228,162,514,264,337,593,543,950,335.00",
        ),
        // Literal prefixes and suffixes, quoted and not.
        ("'#'#", "12", "#12"),
        ("'don''t' #", "5", "don't 5"),
        ("'a''b'#", "1", "a'b1"),
        ("#''", "1", "1'"),
        ("#' ZAR'", "5", "5 ZAR"),
        ("# ZAR", "5", "5 ZAR"),
        ("%#", "0.5", "%50"),
        ("#-", "5", "5-"),
        ("#,##0.00 EUR", "2", "2.00 EUR"),
        ("R #,##0.00", "12.5", "R 12.50"),
        ("#' #'", "3", "3 #"),
        ("'%'#", "0.5", "%0"),
        ("€#,##0.00", "9.999", "€10.00"),
    ] {
        check(pattern, input, expected);
    }
}

/// Compiles `pattern` and expects an error at `column` whose message contains `fragment`.
fn check_error(pattern: &str, column: usize, fragment: &str) {
    match compile(pattern) {
        Ok(p) => panic!("{pattern:?} should not compile, got {p:?}"),
        Err(e) => {
            assert_eq!(e.column, column, "{pattern:?}: {e:?}");
            assert!(e.message.contains(fragment), "{pattern:?}: {e:?}");
        }
    }
}

#[test]
fn bad_patterns_point_at_their_column() {
    for (pattern, column, fragment) in [
        ("0.###E0", 5, "scientific"),
        ("#,##0.00E", 8, "scientific"),
        ("#;#E0", 3, "scientific"),
        ("#,##0\u{2030}", 5, "per mille"),
        ("\u{a4}#,##0.00", 0, "currency"),
        ("#;\u{a4}#", 2, "currency"),
        ("", 0, "no digits"),
        ("abc", 0, "no digits"),
        ("'#'", 0, "no digits"),
        ("$;#", 1, "`;` before any digit"),
        ("#;#;#", 3, "second `;`"),
        ("#.#.#", 3, "second decimal point"),
        ("#,##0.0,0", 7, "after the decimal point"),
        ("#,##0,", 5, "followed by integer digits"),
        ("#,.00", 1, "followed by integer digits"),
        ("0#", 1, "`#` after `0`"),
        ("#.#0", 3, "`0` after `#`"),
        ("#x#", 2, "must be quoted"),
        ("0 Rs.", 4, "must be quoted"),
        ("'abc#", 0, "never closed"),
        ("#'x", 1, "never closed"),
        ("#%%", 2, "more than one `%`"),
    ] {
        check_error(pattern, column, fragment);
    }
}

#[test]
fn compiled_fields_are_javas() {
    let p = compile("$#,##0.00;($#,##0.00)").unwrap();
    assert_eq!(
        p,
        NumberPattern {
            positive_prefix: "$".into(),
            positive_suffix: String::new(),
            negative_prefix: "($".into(),
            negative_suffix: ")".into(),
            min_integer_digits: 1,
            max_integer_digits: usize::MAX,
            min_fraction_digits: 2,
            max_fraction_digits: 2,
            grouping_size: 3,
            percent: false,
            decimal_always_shown: false,
        }
    );
    let p = compile("00.0#%").unwrap();
    assert_eq!(
        (
            p.min_integer_digits,
            p.min_fraction_digits,
            p.max_fraction_digits
        ),
        (2, 1, 2)
    );
    assert!(p.percent);
    assert_eq!(
        (p.negative_prefix.as_str(), p.positive_suffix.as_str()),
        ("-", "%")
    );
    // A `%` only in the negative subpattern is text there, not a multiplier.
    let p = compile("#;#%").unwrap();
    assert!(!p.percent);
    assert_eq!(p.negative_suffix, "%");
}

#[test]
fn max_integer_digits_keeps_the_least_significant() {
    let mut p = compile("#,##0").unwrap();
    p.max_integer_digits = 2;
    assert_eq!(p.format(Number::from_i64(1997)).as_deref(), Ok("97"));
}

#[test]
fn inputs_numbers_and_numeric_strings_only() {
    let p = compile("#,##0.00").unwrap();
    let num = |s: &str| Value::Number(Number::parse_json(s).unwrap());
    for (input, expected) in [
        (Some(num("1500")), Ok("1,500.00")),
        (Some(Value::str("1500")), Ok("1,500.00")),
        (Some(Value::str("+2.5")), Ok("2.50")),
        (Some(Value::str("-1e3")), Ok("-1,000.00")),
        (Some(Value::str("abc")), Err("'abc' is not a number")),
        (Some(Value::str("1,000")), Err("'1,000' is not a number")),
        (Some(Value::str(" 5")), Err("' 5' is not a number")),
        (Some(Value::str("")), Err("'' is not a number")),
        (Some(Value::Bool(true)), Err("true is not a number")),
        (Some(Value::Null), Err("the input is null, not a number")),
        (Some(Value::Array(vec![])), Err("a list is not a number")),
        (None, Err("the input is absent")),
    ] {
        let got = format_number(input.as_ref(), &p);
        let want = expected.map(str::to_owned).map_err(str::to_owned);
        assert_eq!(got, want, "{input:?}");
    }
}

#[test]
fn percent_of_the_largest_decimal_is_an_error() {
    let p = compile("0%").unwrap();
    let big = Number::parse_json("79228162514264337593543950335").unwrap();
    assert!(p.format(big).is_err());
}
