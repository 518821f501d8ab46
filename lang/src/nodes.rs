//! Node semantics that need no I/O (§4, §13 rules 10, 16 and 18).

use crate::calc::{CalcResult, Outcome};
use crate::pattern::Matcher;
use crate::scope::{NodeOutput, ResultOrError};
use crate::value::Value;
use crate::Number;

/// `is_empty`: absent, null, `""`, `[]` or `{}` (whitespace, `0`, `false`, `[null]` are not).
pub fn is_empty(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.is_empty(),
        Some(Value::Array(a)) => a.is_empty(),
        Some(Value::Object(o)) => o.is_empty(),
        Some(_) => false,
    }
}

/// `is_null`: absent or null.
pub fn is_null(v: Option<&Value>) -> bool {
    matches!(v, None | Some(Value::Null))
}

/// Whether a `switch_case` input (rendered) equals a case value (rendered at build time),
/// with full Unicode case folding when `ignore_case`. It folds the case value on every
/// call; a node that runs often folds its case values once with [`fold_case`] and uses
/// [`switch_matches_folded`].
pub fn switch_matches(input: &str, case: &str, ignore_case: bool) -> bool {
    input == case || (ignore_case && switch_matches_folded(&fold_case(input), &fold_case(case)))
}

/// The `ignore_case` comparison on strings already folded with [`fold_case`]: the case
/// value once at build time, the input once per node run (not once per case).
pub fn switch_matches_folded(input_folded: &str, case_folded: &str) -> bool {
    input_folded == case_folded
}

/// Full case folding, approximated by upper-casing then lower-casing: `ß` and `SS` both
/// give `ss`, the Kelvin sign gives `k`, and `ΣΑΣ`, `σας` and `σασ` come out the same —
/// lower-casing alone misses all three. (It differs from Unicode's table only at rare
/// letters such as the dotless `ı`, which it takes as `i`.)
pub fn fold_case(s: &str) -> String {
    // ASCII folds to its lower case: one string instead of two.
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    s.to_uppercase().to_lowercase()
}

/// Normalises a phone number (§13 rule 10): spaces, parentheses, dashes and dots dropped,
/// a missing `+` added; the result must be `+` and 7–15 digits.
pub fn normalize_msisdn(raw: &str) -> Option<String> {
    let mut out = String::with_capacity(raw.len() + 1);
    out.push('+');
    let mut plus_seen = false;
    for c in raw.chars() {
        match c {
            ' ' | '(' | ')' | '-' | '.' => {}
            // One `+`, before the first digit: `(+27) 82 …` is as good as `+27 82 …`.
            '+' if !plus_seen && out.len() == 1 => plus_seen = true,
            '0'..='9' => out.push(c),
            _ => return None,
        }
    }
    let digits = out.len() - 1;
    (7..=15).contains(&digits).then_some(out)
}

/// Stores a calculation's outcome as the node's output, replacing what an earlier run left
/// (§4.1, §13 rule 19), and returns the branch: `true` for `yes`. A number goes `yes`; a
/// comparison goes `yes` when true; an error sets `error`, leaves `result` absent, goes `no`.
pub fn store_calc(out: &mut impl ResultOrError, outcome: Outcome) -> bool {
    match outcome {
        Outcome::Number(n) => store_calc_number(out, Ok(n)),
        Outcome::Bool(b) => store_calc_bool(out, Ok(b)),
        Outcome::Error(message) => store_calc_number(out, Err(message)),
    }
}

/// [`store_calc`] for an expression that is a number at build time (compiled code: no
/// [`Outcome`] in between).
#[inline]
pub fn store_calc_number(out: &mut impl ResultOrError, result: CalcResult<Number>) -> bool {
    match result {
        Ok(n) => {
            out.store(Some(Value::Number(n)), None);
            true
        }
        Err(message) => store_calc_error(out, message),
    }
}

/// [`store_calc`] for a comparison: `yes` when true.
#[inline]
pub fn store_calc_bool(out: &mut impl ResultOrError, result: CalcResult<bool>) -> bool {
    match result {
        Ok(b) => {
            out.store(Some(Value::Bool(b)), None);
            b
        }
        Err(message) => store_calc_error(out, message),
    }
}

fn store_calc_error(out: &mut impl ResultOrError, message: String) -> bool {
    out.store(None, Some(Value::String(message)));
    false
}

/// Runs a regex node on its rendered input (`None` when the input is absent), replacing the
/// node's output (§4.2): the match as `result`, every group (absent when it took no part).
/// Returns whether it matched.
pub fn store_regex(out: &mut NodeOutput, re: &Matcher, input: Option<&str>) -> bool {
    store_regex_parts(out, re, input, RegexParts::ALL)
}

/// The parts of a regex node's output to make: those the steps of a compiled session read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RegexParts {
    /// `[[name:result]]`, or a path under it.
    pub result: bool,
    /// Bit `i` set: group `i` (`[[name:i]]`, 0 the whole match). Every bit set: every
    /// group, those past 63 (which have no bit) included.
    pub groups: u64,
}

impl RegexParts {
    /// The whole output: what the interpreter and stored sessions keep.
    pub const ALL: RegexParts = RegexParts {
        result: true,
        groups: u64::MAX,
    };

    /// Nothing read: the node only tests its input.
    pub const NONE: RegexParts = RegexParts {
        result: false,
        groups: 0,
    };
}

/// [`store_regex`] making only `parts`: a part no step reads costs no string. The output
/// reads the same wherever it is read.
pub fn store_regex_parts(
    out: &mut NodeOutput,
    re: &Matcher,
    input: Option<&str>,
    parts: RegexParts,
) -> bool {
    *out = NodeOutput::default();
    let Some(captures) = input.and_then(|text| re.captures(text)) else {
        return false;
    };
    let every = parts.groups == u64::MAX;
    let wanted = |i: usize| every || (i < 64 && parts.groups & (1 << i) != 0);
    let len = if every {
        captures.len()
    } else {
        64 - parts.groups.leading_zeros() as usize
    };
    // Sized up front and read by index: collecting the crate's group iterator grew the
    // vector step by step (a fifth of a W4 regex node's cost).
    let mut groups = Vec::with_capacity(len);
    for i in 0..len {
        let group = captures.get(i).filter(|_| wanted(i));
        groups.push(group.map(Value::str));
    }
    out.groups = groups;
    if parts.result {
        out.result = captures.get(0).map(Value::str);
    }
    true
}

/// Stores a formatting node's outcome (`date_format`, `number_format`): the value as
/// `result` and `yes`, or the message as `error` and `no`. Replaces the earlier output.
pub fn store_result(out: &mut impl ResultOrError, result: Result<Value, String>) -> bool {
    match result {
        Ok(value) => {
            out.store(Some(value), None);
            true
        }
        Err(message) => {
            out.store(None, Some(Value::String(message)));
            false
        }
    }
}

/// Stores a `display_list` outcome (§4.5): the text as `result`, the item count as `count`;
/// `yes` when there is at least one item.
pub fn store_list(out: &mut NodeOutput, (text, count): (String, usize)) -> bool {
    *out = NodeOutput::default();
    out.result = Some(Value::String(text));
    out.rare_mut().count = Some(Value::Number(crate::Number::from_i64(
        i64::try_from(count).unwrap_or(i64::MAX),
    )));
    count > 0
}

/// Runs an `encrypt` node (§4.6, §13 rule 24): an absent or null input goes `no`; any
/// other input is rendered per §3 and encrypted.
pub fn store_encrypt(
    out: &mut impl ResultOrError,
    algorithm: crate::crypto::Algorithm,
    key: Option<&crate::crypto::Key>,
    input: Option<&Value>,
    encoding: crate::crypto::Encoding,
) -> bool {
    let result = match input {
        None | Some(Value::Null) => Err("the input is absent or null".to_owned()),
        Some(v) => crate::crypto::encrypt(algorithm, key, &v.render(), encoding).map(Value::String),
    };
    store_result(out, result)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::number::Number;
    use crate::value::Map;

    /// The typed stores compiled code calls leave the output and take the branch exactly
    /// as [`store_calc`] does with the [`Outcome`] `calc::finish` makes of the same value.
    #[test]
    fn typed_calc_stores_match_store_calc() {
        use crate::calc::{finish, Operand};
        enum Typed {
            Num(CalcResult<Number>),
            Bool(CalcResult<bool>),
        }
        let cases = [
            Typed::Num(Ok(Number::from_i64(7))),
            Typed::Num(Err("division by zero".to_owned())),
            Typed::Bool(Ok(true)),
            Typed::Bool(Ok(false)),
            Typed::Bool(Err("\"x\" is not a number".to_owned())),
        ];
        let with_groups = NodeOutput {
            groups: vec![None],
            ..NodeOutput::default()
        };
        for typed in cases {
            let outcome = match &typed {
                Typed::Num(r) => finish(r.clone().map(Operand::Num)),
                Typed::Bool(r) => finish(r.clone().map(Operand::Bool)),
            };
            for before in [NodeOutput::default(), with_groups.clone()] {
                let (mut a, mut b) = (before.clone(), before);
                let went = match &typed {
                    Typed::Num(r) => store_calc_number(&mut a, r.clone()),
                    Typed::Bool(r) => store_calc_bool(&mut a, r.clone()),
                };
                assert_eq!(went, store_calc(&mut b, outcome.clone()), "{outcome:?}");
                assert_eq!(a, b, "{outcome:?}");
            }
        }
    }

    /// Every part a step reads reads as [`store_regex`] makes it; the others are left out.
    #[test]
    fn regex_parts_read_as_the_full_output() {
        let re = Matcher::new("^(a)(x)?(c)$").expect("a pattern");
        let mut full = NodeOutput::default();
        assert!(store_regex(&mut full, &re, Some("ac")));
        for groups in 0..16u64 {
            for result in [false, true] {
                let parts = RegexParts { result, groups };
                let mut some = NodeOutput::default();
                assert!(store_regex_parts(&mut some, &re, Some("ac"), parts));
                for i in 0..5 {
                    let read = |o: &NodeOutput| o.groups.get(i).cloned().flatten();
                    let expected = if groups & (1 << i) != 0 {
                        read(&full)
                    } else {
                        None
                    };
                    assert_eq!(read(&some), expected, "group {i} of {groups:b}");
                }
                let expected = if result { full.result.clone() } else { None };
                assert_eq!(some.result, expected);
            }
        }
        let wide = Matcher::new(&format!("^{}$", "(a)".repeat(70))).expect("a pattern");
        let mut all = NodeOutput::default();
        assert!(store_regex_parts(
            &mut all,
            &wide,
            Some(&"a".repeat(70)),
            RegexParts::ALL
        ));
        assert_eq!(all.groups.len(), 71);
        assert_eq!(all.groups[70], Some(Value::str("a")));
        let mut missed = NodeOutput::default();
        let all = RegexParts {
            result: true,
            groups: u64::MAX,
        };
        assert!(!store_regex_parts(&mut missed, &re, Some("ab"), all));
        assert!(!store_regex_parts(&mut missed, &re, None, all));
        assert_eq!(missed, NodeOutput::EMPTY);
    }

    #[test]
    fn empty_and_null() {
        let num = |s: &str| Value::Number(Number::parse_json(s).unwrap());
        let object = |entries: &[(&str, Value)]| {
            Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.clone()))
                    .collect::<Map>(),
            )
        };
        // (value, is_empty, is_null): §4 and §13 rule 18.
        let cases: Vec<(Option<Value>, bool, bool)> = vec![
            (None, true, true),
            (Some(Value::Null), true, true),
            (Some(Value::str("")), true, false),
            (Some(Value::Array(vec![])), true, false),
            (Some(object(&[])), true, false),
            (Some(Value::str("x")), false, false),
            (Some(Value::str(" ")), false, false),
            (Some(Value::str("\t\n")), false, false),
            (Some(num("0")), false, false),
            (Some(num("0.0")), false, false),
            (Some(Value::Bool(false)), false, false),
            (Some(Value::Array(vec![Value::Null])), false, false),
            (Some(Value::Array(vec![Value::str("")])), false, false),
            (Some(object(&[("a", Value::Null)])), false, false),
        ];
        for (value, empty, null) in cases {
            assert_eq!(is_empty(value.as_ref()), empty, "is_empty {value:?}");
            assert_eq!(is_null(value.as_ref()), null, "is_null {value:?}");
        }
    }

    #[test]
    fn switch_case_matching() {
        let cases: &[(&str, &str, bool, bool)] = &[
            ("gold", "gold", false, true),
            ("Gold", "gold", false, false),
            ("Gold", "gold", true, true),
            ("GOLD", "gold", true, true),
            ("gold ", "gold", true, false),
            ("", "", false, true),
            ("", "x", true, false),
            ("ümlaut", "ÜMLAUT", true, true),
            ("straße", "STRASSE", true, true),
            ("straße", "STRASSE", false, false),
            ("\u{212A}elvin", "kelvin", true, true),
            ("ΣΑΣ", "σας", true, true),
            ("σασ", "ΣΑΣ", true, true),
            ("1.5", "1.50", true, false),
        ];
        for (input, case, ignore_case, want) in cases {
            assert_eq!(
                switch_matches(input, case, *ignore_case),
                *want,
                "{input:?} vs {case:?} ignore_case {ignore_case}"
            );
            if *ignore_case {
                assert_eq!(
                    switch_matches_folded(&fold_case(input), &fold_case(case)),
                    *want,
                    "folded {input:?} vs {case:?}"
                );
            }
        }
    }

    #[test]
    fn case_folding() {
        let cases: &[(&str, &str)] = &[
            ("", ""),
            ("Gold", "gold"),
            ("STRASSE", "strasse"),
            ("straße", "strasse"),
            ("\u{212A}elvin", "kelvin"),
            // Rust's lower-casing writes a final sigma at the end of a word.
            ("ΣΑΣ", "σας"),
            ("σασ", "σας"),
            ("ÜMLAUT", "ümlaut"),
            ("1.5", "1.5"),
        ];
        for (input, want) in cases {
            assert_eq!(fold_case(input), *want, "fold_case({input:?})");
            assert_eq!(fold_case(want), *want, "folding is idempotent on {want:?}");
        }
        // The ASCII shortcut folds every ASCII character as the general path does.
        let ascii: String = (0u8..128).map(char::from).collect();
        assert_eq!(fold_case(&ascii), ascii.to_uppercase().to_lowercase());
    }

    #[test]
    fn msisdn() {
        let cases: &[(&str, Option<&str>)] = &[
            ("+27821234567", Some("+27821234567")),
            ("27821234567", Some("+27821234567")),
            ("+27 82 123 4567", Some("+27821234567")),
            ("(082) 123-4567", Some("+0821234567")),
            ("+1 (555) 010.9999", Some("+15550109999")),
            ("(+27) 82 123 4567", Some("+27821234567")),
            (" +27821234567 ", Some("+27821234567")),
            ("1234567", Some("+1234567")),
            ("123456", None),
            ("123456789012345", Some("+123456789012345")),
            ("1234567890123456", None),
            ("", None),
            ("+", None),
            ("++27821234567", None),
            ("2782+1234567", None),
            ("+27821234567+", None),
            ("27 82 abc 4567", None),
            ("27821234567\t", None),
            ("27/82/1234567", None),
            ("٢٧٨٢١٢٣٤٥٦٧", None),
        ];
        for (raw, want) in cases {
            assert_eq!(normalize_msisdn(raw).as_deref(), *want, "{raw:?}");
        }
    }
}
