//! Node semantics that need no I/O (§4, §13 rules 10, 16 and 18).

use crate::value::Value;

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
/// with full Unicode case folding when `ignore_case`.
pub fn switch_matches(input: &str, case: &str, ignore_case: bool) -> bool {
    if ignore_case {
        input == case || input.to_lowercase() == case.to_lowercase()
    } else {
        input == case
    }
}

/// Normalises a phone number (§13 rule 10): spaces, parentheses, dashes and dots dropped,
/// a missing `+` added; the result must be `+` and 7–15 digits.
pub fn normalize_msisdn(raw: &str) -> Option<String> {
    let mut out = String::with_capacity(raw.len() + 1);
    out.push('+');
    for (i, c) in raw.trim().chars().enumerate() {
        match c {
            '+' if i == 0 => {}
            ' ' | '(' | ')' | '-' | '.' => {}
            '0'..='9' => out.push(c),
            _ => return None,
        }
    }
    let digits = out.len() - 1;
    (7..=15).contains(&digits).then_some(out)
}
