use super::*;

/// Translates and checks the `regex` syntax written.
fn check_translation(pattern: &str, flags: &str, full_match: bool, want: &str) {
    let got = translate(pattern, flags, full_match).map(|p| p.translated);
    assert_eq!(
        got.as_deref(),
        Ok(want),
        "{pattern:?} flags {flags:?} full {full_match}"
    );
}

/// Translates, compiles and runs; `want` is `None` for no match, else every group.
fn check_match(
    pattern: &str,
    flags: &str,
    full_match: bool,
    input: &str,
    want: Option<&[Option<&str>]>,
) {
    let p = translate(pattern, flags, full_match).unwrap_or_else(|e| panic!("{pattern:?}: {e:?}"));
    let re = p.compile().unwrap();
    let got = exec(&re, input);
    let want = want.map(|groups| {
        groups
            .iter()
            .map(|g| g.map(str::to_owned))
            .collect::<Vec<_>>()
    });
    assert_eq!(
        got, want,
        "{pattern:?} flags {flags:?} full {full_match} on {input:?}"
    );
    assert_eq!(
        re.group_count(),
        p.group_count + 1,
        "{pattern:?} group count"
    );
}

/// A build error at `column` whose message contains `needle`.
fn check_error(pattern: &str, flags: &str, column: usize, needle: &str) {
    match translate(pattern, flags, false) {
        Ok(p) => panic!("{pattern:?} should be rejected, got {:?}", p.translated),
        Err(e) => {
            assert_eq!(e.column, column, "{pattern:?} column ({})", e.message);
            assert!(
                e.message.contains(needle),
                "{pattern:?}: {:?} lacks {needle:?}",
                e.message
            );
        }
    }
}

#[test]
fn translations() {
    let cases: &[(&str, &str, bool, &str)] = &[
        (r"^C\d{6}$", "", false, r"^C[0-9]{6}$"),
        (r"\d{4}", "", true, r"\A(?:[0-9]{4})\z"),
        (r"\D\w\W", "", false, r"[^0-9][0-9A-Za-z_][^0-9A-Za-z_]"),
        (r"\s", "", false, r"[\t\n\x0B\x0C\r ]"),
        (r"\S", "", false, r"[^\t\n\x0B\x0C\r ]"),
        (r"[\s]", "", false, r"[\t\n\x0B\x0C\r ]"),
        (r"[^\S]", "", false, r"[^[^\t\n\x0B\x0C\r ]]"),
        (r"[\d.]", "", false, r"[0-9\.]"),
        (r"[^\w-]", "", false, r"[^0-9A-Za-z_\-]"),
        (r"[\D]", "", false, r"[[^0-9]]"),
        (r"[a-z\d]+", "", false, r"[a-z0-9]+"),
        (r"[\d-z]", "", false, r"[0-9\-z]"),
        (r"[+--]", "", false, r"[\+-\-]"),
        (r"[[]", "", false, r"[\[]"),
        (r"[&&~~]", "", false, r"[\&\&\~\~]"),
        (r"[\b]", "", false, r"[\x{8}]"),
        (r"[]", "", false, r"[^\x{0}-\x{10FFFF}]"),
        (r"[^]", "", false, r"[\x{0}-\x{10FFFF}]"),
        (r"\bword\B", "", false, r"(?-u:\b)word(?-u:\B)"),
        (
            "(?<year>\\d{4})-(?<m>\\d\\d)",
            "",
            false,
            "(?P<year>[0-9]{4})\\-(?P<m>[0-9][0-9])",
        ),
        ("(?:ab)+?", "", false, "(?:ab)+?"),
        ("a.b", "", false, r"a[^\n\r\x{2028}\x{2029}]b"),
        ("a.b", "s", false, "(?s)a.b"),
        ("^a$", "m", false, "(?mR)^a$"),
        (r"\d", "i", false, "(?i)(?-i:[0-9])"),
        ("ab", "ims", true, r"(?imRs)\A(?:ab)\z"),
        ("a{2,}b{1,3}c{,2}", "", false, r"a{2,}b{1,3}c\{,2\}"),
        ("x{", "", false, r"x\{"),
        ("}]", "", false, r"\}\]"),
        (r"\/\.\\\-\a", "", false, r"/\.\\\-a"),
        (
            r"\t\n\v\f\r\0",
            "",
            false,
            r"\x{9}\x{A}\x{B}\x{C}\x{D}\x{0}",
        ),
        (r"\x41\u00e9\cJ", "", false, r"Aé\x{A}"),
        (r"\uD83D\uDE00", "", false, "😀"),
        ("a b#", "", false, r"a b\#"),
        ("", "", false, ""),
        ("a|", "", false, "a|"),
    ];
    for (pattern, flags, full, want) in cases {
        check_translation(pattern, flags, *full, want);
    }
}

#[test]
fn matches() {
    type Row<'a> = (
        &'a str,
        &'a str,
        bool,
        &'a str,
        Option<&'a [Option<&'a str>]>,
    );
    let cases: &[Row] = &[
        // The shared conformance cases regex/find-vs-full-match.
        (r"\d{4}", "", false, "ab1234cd", Some(&[Some("1234")])),
        (r"\d{4}", "", true, "ab1234cd", None),
        (r"\d{4}", "", false, "a 98765 b", Some(&[Some("9876")])),
        (r"\d{4}", "", true, "12345", None),
        (r"\d{4}", "", true, "1234", Some(&[Some("1234")])),
        (r"\d{4}", "", false, "12", None),
        // regex/groups-and-named-groups.
        (
            r"([A-Z]{2})-(\d+)",
            "",
            false,
            "order ZA-00917 ok",
            Some(&[Some("ZA-00917"), Some("ZA"), Some("00917")]),
        ),
        (r"([A-Z]{2})-(\d+)", "", false, "za-00917", None),
        (
            r"(?<year>\d{4})-(?<month>\d{2})",
            "",
            false,
            "due 2024-07",
            Some(&[Some("2024-07"), Some("2024"), Some("07")]),
        ),
        // The spec's example.
        (r"^C\d{6}$", "", false, "C123456", Some(&[Some("C123456")])),
        (r"^C\d{6}$", "", false, "C12345x", None),
        (r"^C\d{6}$", "", false, "xC123456", None),
        // A group that took no part is None.
        (
            r"(a)|(b)",
            "",
            false,
            "b",
            Some(&[Some("b"), None, Some("b")]),
        ),
        (r"x(y)?z", "", false, "xz", Some(&[Some("xz"), None])),
        // ASCII classes: Arabic-Indic digits and accented letters are not \d / \w.
        (r"\d+", "", false, "٣٤٥", None),
        (r"\w+", "", false, "é", None),
        (r"\W", "", false, "é", Some(&[Some("é")])),
        (r"\bcat\b", "", false, "écat", Some(&[Some("cat")])),
        (r"\bcat\b", "", false, "concat", None),
        (r"\Bcat", "", false, "concat", Some(&[Some("cat")])),
        // ASCII white space only (§13 rule 20): Unicode spaces are not `\s`.
        (r"a\sb", "", false, "a b", Some(&[Some("a b")])),
        (
            r"\s+",
            "",
            false,
            "x\t\n\u{B}\u{C}\r y",
            Some(&[Some("\t\n\u{B}\u{C}\r ")]),
        ),
        (r"a\sb", "", false, "a\u{A0}b", None),
        (r"a\sb", "", false, "a\u{FEFF}b", None),
        (r"a\sb", "", false, "a\u{2028}b", None),
        (r"a\sb", "", false, "a\u{3000}b", None),
        (r"a\Sb", "", false, "a\u{A0}b", Some(&[Some("a\u{A0}b")])),
        (r"a\Sb", "", false, "a b", None),
        (r"[\s\d]+", "", false, "x1 2\t3y", Some(&[Some("1 2\t3")])),
        // `.` excludes line terminators unless `s`.
        ("a.b", "", false, "a\nb", None),
        ("a.b", "", false, "a\u{2028}b", None),
        ("a.b", "s", false, "a\nb", Some(&[Some("a\nb")])),
        ("a.b", "", false, "aéb", Some(&[Some("aéb")])),
        // `$` without `m` is the end of the input; with `m` a line end.
        ("a$", "", false, "a\nb", None),
        ("a$", "m", false, "a\nb", Some(&[Some("a")])),
        ("a$", "m", false, "a\r\nb", Some(&[Some("a")])),
        ("^b", "m", false, "a\nb", Some(&[Some("b")])),
        // Flags.
        ("abc", "i", false, "xABCx", Some(&[Some("ABC")])),
        ("abc", "", false, "xABCx", None),
        (r"\w", "i", false, "\u{212A}", None),
        // Full match anchors the whole alternation.
        ("a|ab", "", true, "ab", Some(&[Some("ab")])),
        ("a|b", "", true, "ab", None),
        // Classes keep ECMAScript meaning.
        ("[]", "", false, "a", None),
        ("[^]", "", false, "\n", Some(&[Some("\n")])),
        ("[a-c-e]+", "", false, "zb-ez", Some(&[Some("b-e")])),
        (r"[\d-z]+", "", false, "a1-z", Some(&[Some("1-z")])),
        // Lazy quantifiers.
        ("<.+?>", "", false, "<a><b>", Some(&[Some("<a>")])),
        ("x{", "", false, "ax{", Some(&[Some("x{")])),
    ];
    for (pattern, flags, full, input, want) in cases {
        check_match(pattern, flags, *full, input, *want);
    }
}

#[test]
fn errors() {
    let cases: &[(&str, &str, usize, &str)] = &[
        // build_errors/regex-lookahead.
        (r"^(?=.*\d)\w{8,}$", "", 1, "look-ahead"),
        ("a(?!b)", "", 1, "look-ahead"),
        ("(?<=a)b", "", 0, "look-behind"),
        ("xy(?<!a)b", "", 2, "look-behind"),
        (r"(a)\1", "", 3, "backreference"),
        (r"[\1]", "", 1, "backreference"),
        (r"(?<n>a)\k<n>", "", 7, "backreference"),
        (r"\p{L}", "", 0, "Unicode property"),
        (r"a\P{L}", "", 1, "Unicode property"),
        (r"[\p{L}]", "", 1, "Unicode property"),
        (r"\01", "", 0, "octal"),
        ("abc", "g", 0, "unknown regex flag `g`"),
        ("abc", "u", 0, "unknown regex flag `u`"),
        ("abc", "ii", 0, "twice"),
        ("(ab", "", 0, "unclosed group"),
        ("a(b(c)", "", 1, "unclosed group"),
        ("ab)", "", 2, "unmatched `)`"),
        ("[ab", "", 0, "unterminated character class"),
        ("x[z-a]", "", 2, "range out of order"),
        ("*a", "", 0, "nothing to repeat"),
        ("a|+", "", 2, "nothing to repeat"),
        ("a**", "", 2, "nothing to repeat"),
        ("^*", "", 1, "nothing to repeat"),
        (r"\b+", "", 2, "nothing to repeat"),
        ("{2}", "", 0, "nothing to repeat"),
        ("a{3,2}", "", 1, "out of order"),
        ("(?i:a)", "", 0, "unsupported group"),
        ("(?P<n>a)", "", 0, "unsupported group"),
        ("(?<1a>x)", "", 3, "invalid group name"),
        ("(?<a-b>x)", "", 3, "invalid group name"),
        ("(?<>x)", "", 3, "invalid group name"),
        ("(?<a>x)(?<a>y)", "", 10, "duplicate group name"),
        ("(?<a", "", 0, "unterminated group name"),
        ("ab\\", "", 2, "at the end"),
        (r"\x4", "", 0, "hex digits"),
        (r"\u12", "", 0, "hex digits"),
        (r"\uD800", "", 0, "lone surrogate"),
        (r"\c1", "", 0, "\\c"),
        (r"[\B]", "", 1, "class"),
        // Found only by regex-syntax: a repetition count beyond its range.
        ("ab{99999999999}", "", 2, "invalid pattern"),
        // Found only when compiling: too big.
        ("(?:a{1000}){1000}", "", 0, "too large"),
    ];
    for (pattern, flags, column, needle) in cases {
        check_error(pattern, flags, *column, needle);
    }
}

#[test]
fn groups_are_counted_and_named() {
    type Row<'a> = (&'a str, usize, &'a [(&'a str, usize)]);
    let cases: &[Row] = &[
        ("abc", 0, &[]),
        ("(a)(b)", 2, &[]),
        ("(?:a)(b)", 1, &[]),
        ("(a)(?<x>b)(c)(?<y>d)", 4, &[("x", 2), ("y", 4)]),
        ("((a)|(?<in>b))", 3, &[("in", 3)]),
        ("[(](a)", 1, &[]),
        (r"\((a)", 1, &[]),
    ];
    for (pattern, count, names) in cases {
        let p = translate(pattern, "", false).unwrap();
        let names: Vec<(String, usize)> = names.iter().map(|(n, i)| (n.to_string(), *i)).collect();
        assert_eq!(
            (p.group_count, p.group_names),
            (*count, names),
            "{pattern:?}"
        );
    }
}
