//! The template functions of §3.2 and §13 rules 2, 6 and 7, as plain functions that both
//! backends call.

use crate::number::Number;
use crate::value::Value;

/// Full Unicode lower case.
pub fn lower(x: &str) -> String {
    x.to_lowercase()
}

/// Full Unicode upper case (`ümlaut` → `ÜMLAUT`).
pub fn upper(x: &str) -> String {
    x.to_uppercase()
}

/// The first `n` characters (all if shorter; negative counts as 0).
pub fn left(n: i64, x: &str) -> String {
    x.chars().take(count(n)).collect()
}

/// The last `n` characters (all if shorter; negative counts as 0).
pub fn right(n: i64, x: &str) -> String {
    let skip = x.chars().count().saturating_sub(count(n));
    x.chars().skip(skip).collect()
}

/// Characters `start` (inclusive) to `end` (exclusive), 0-based, clamped; `start > end` is "".
pub fn substr(start: i64, end: i64, x: &str) -> String {
    let (start, end) = (count(start), count(end));
    if start >= end {
        return String::new();
    }
    x.chars().skip(start).take(end - start).collect()
}

/// Without leading and trailing white space.
pub fn trim(x: &str) -> String {
    x.trim().to_owned()
}

/// [`trim`] of an argument that is borrowed (copied once, trimmed) or was rendered for
/// the call (trimmed in place): either way one string.
pub fn trim_cow(x: std::borrow::Cow<'_, str>) -> String {
    match x {
        std::borrow::Cow::Borrowed(x) => trim(x),
        std::borrow::Cow::Owned(x) => trim_owned(x),
    }
}

/// [`trim`] of a string the caller owns (a rendered argument), in place: no second string.
pub fn trim_owned(mut x: String) -> String {
    let end = x.trim_end().len();
    x.truncate(end);
    let start = x.len() - x.trim_start().len();
    x.drain(..start);
    x
}

/// Characters of a string, items of an array, keys of an object; 0 for absent or null;
/// other scalars count the characters of their rendering.
pub fn length(x: Option<&Value>) -> Number {
    let n = match x {
        None | Some(Value::Null) => 0,
        Some(Value::String(s)) => s.chars().count(),
        Some(Value::Array(items)) => items.len(),
        Some(Value::Object(map)) => map.len(),
        Some(other @ (Value::Bool(_) | Value::Number(_))) => other.render().chars().count(),
    };
    Number::from_i64(i64::try_from(n).unwrap_or(i64::MAX))
}

/// `x` with its type, or `d` as a string where `x` is absent, null or "".
pub fn default(d: String, x: Option<Value>) -> Value {
    match x {
        None | Some(Value::Null) => Value::String(d),
        Some(Value::String(s)) if s.is_empty() => Value::String(d),
        Some(v) => v,
    }
}

/// `x` as compact JSON text (absent is `null`).
pub fn json(x: Option<&Value>) -> String {
    x.map_or_else(|| "null".to_owned(), Value::to_json)
}

/// Percent-encodes all but RFC 3986 unreserved characters, upper-case hex (§13 rule 7).
pub fn urlencode(x: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(x.len());
    for &b in x.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        }
    }
    out
}

/// A new random UUID v4.
pub fn uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The current time, ISO-8601 UTC with milliseconds.
pub fn now() -> String {
    crate::time::now_iso()
}

/// [`now`] as a JSON string, appended: the stamp has nothing to escape, so it is written
/// in place, with no `String` of its own and no scan for escapes.
pub fn write_now_json(out: &mut String) {
    out.push('"');
    crate::time::push_now(out);
    out.push('"');
}

/// An integer argument (N, S, E): the value rendered and read as a number, truncated toward
/// zero; anything that is not a number counts as 0.
pub fn int_arg(x: Option<&Value>) -> i64 {
    let Some(value) = x else { return 0 };
    let number = match value {
        Value::Number(n) => Some(*n),
        other => Number::parse_numeric_string(&other.render()),
    };
    match number {
        // Truncation toward zero; a count beyond i64 saturates (it means "all" anyway).
        Some(n) => Number(n.0.trunc())
            .to_i64()
            .unwrap_or(if n.0.is_sign_negative() {
                i64::MIN
            } else {
                i64::MAX
            }),
        None => 0,
    }
}

/// A character count from an integer argument: negative counts as 0 (§13 rule 6).
fn count(n: i64) -> usize {
    usize::try_from(n.max(0)).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trimming_in_place_trims_like_trim() {
        for text in ["", "  ", "a", "  a b  ", "\t\u{a0}é\u{2003}", "x  ", "  x"] {
            assert_eq!(trim_owned(text.to_owned()), trim(text), "{text:?}");
            assert_eq!(trim_cow(text.into()), trim(text), "{text:?}");
            assert_eq!(trim_cow(text.to_owned().into()), trim(text), "{text:?}");
        }
    }
    use crate::json;

    fn v(text: &str) -> Value {
        match json::parse(text) {
            Ok(v) => v,
            Err(e) => panic!("{text}: {e:?}"),
        }
    }

    #[test]
    fn left_right_substr_count_scalar_values() {
        for (got, expected) in [
            (left(3, "Ada Lovelace"), "Ada"),
            (left(50, "abc"), "abc"),
            (left(0, "abc"), ""),
            (left(-2, "abc"), ""),
            (left(2, "éü€x"), "éü"),
            (left(1, "😀a"), "😀"),
            (right(8, "Ada Lovelace"), "Lovelace"),
            (right(3, "tvwxyz"), "xyz"),
            (right(50, "abc"), "abc"),
            (right(-1, "abc"), ""),
            (right(2, "x€ü"), "€ü"),
            (substr(2, 6, "abcdABCD"), "cdAB"),
            (substr(4, 99, "Ada Lovelace"), "Lovelace"),
            (substr(5, 2, "abcdef"), ""),
            (substr(-3, 2, "abcdef"), "ab"),
            (substr(-3, -1, "abcdef"), ""),
            (substr(1, 3, "ñéü€"), "éü"),
            (substr(9, 12, "abc"), ""),
        ] {
            assert_eq!(got, expected);
        }
    }

    #[test]
    fn case_mapping_and_trim() {
        assert_eq!(upper("ümlaut"), "ÜMLAUT");
        assert_eq!(upper("straße"), "STRASSE");
        assert_eq!(lower("ÀB"), "àb");
        assert_eq!(trim("  hi there \t"), "hi there");
    }

    #[test]
    fn length_of_every_kind() {
        for (input, expected) in [
            (Some(v(r#""Ada Lovelace""#)), 12),
            (Some(v(r#""é€""#)), 2),
            (Some(v("[1,2,3]")), 3),
            (Some(v(r#"{"a":1,"b":[true,null]}"#)), 2),
            (Some(v("null")), 0),
            (None, 0),
            (Some(v("1.50")), 3),
            (Some(v("true")), 4),
            (Some(v("-12")), 3),
        ] {
            assert_eq!(
                length(input.as_ref()),
                Number::from_i64(expected),
                "length({input:?})"
            );
        }
    }

    #[test]
    fn default_keeps_type_or_gives_d_as_string() {
        for (x, expected) in [
            (None, r#""none""#),
            (Some(v("null")), r#""none""#),
            (Some(v(r#""""#)), r#""none""#),
            (Some(v(r#""Ada""#)), r#""Ada""#),
            (Some(v("0")), "0"),
            (Some(v("false")), "false"),
            (Some(v("[]")), "[]"),
            (Some(v(r#"{"a":1}"#)), r#"{"a":1}"#),
        ] {
            assert_eq!(
                default("none".to_owned(), x.clone()).to_json(),
                expected,
                "default(none, {x:?})"
            );
        }
    }

    #[test]
    fn json_is_compact_in_input_order() {
        for (x, expected) in [
            (None, "null"),
            (Some(v("null")), "null"),
            (Some(v(r#""5""#)), r#""5""#),
            (Some(v("5")), "5"),
            (
                Some(v(r#"{ "b": 1, "a": [true, null, 1.50, "é\n"] }"#)),
                r#"{"b":1,"a":[true,null,1.5,"é\n"]}"#,
            ),
        ] {
            assert_eq!(json(x.as_ref()), expected, "json({x:?})");
        }
    }

    #[test]
    fn urlencode_keeps_only_unreserved() {
        for (input, expected) in [
            ("a b&c=d/é", "a%20b%26c%3Dd%2F%C3%A9"),
            ("AZaz09-._~", "AZaz09-._~"),
            (
                "+%?#[]@!$'()*,;:",
                "%2B%25%3F%23%5B%5D%40%21%24%27%28%29%2A%2C%3B%3A",
            ),
            ("😀", "%F0%9F%98%80"),
            ("", ""),
        ] {
            assert_eq!(urlencode(input), expected, "urlencode({input:?})");
        }
    }

    #[test]
    fn int_arg_reads_rendered_numbers_truncating() {
        for (x, expected) in [
            (None, 0),
            (Some(v("null")), 0),
            (Some(v("3")), 3),
            (Some(v("3.9")), 3),
            (Some(v("-3.9")), -3),
            (Some(v(r#""7""#)), 7),
            (Some(v(r#""+7""#)), 7),
            (Some(v(r#""2.5e1""#)), 25),
            (Some(v(r#"" 5""#)), 0),
            (Some(v(r#""1,000""#)), 0),
            (Some(v(r#""abc""#)), 0),
            (Some(v("true")), 0),
            (Some(v("[1]")), 0),
            (Some(v("1e25")), i64::MAX),
            (Some(v("-1e25")), i64::MIN),
        ] {
            assert_eq!(int_arg(x.as_ref()), expected, "int_arg({x:?})");
        }
    }

    #[test]
    fn uuid_and_now_have_their_shapes() {
        let id = uuid();
        assert_eq!(id.len(), 36);
        assert_eq!(id.as_bytes()[14], b'4');
        let t = now();
        assert_eq!(t.len(), 24);
        assert!(t.ends_with('Z'));
        // As a JSON string: what the writer makes of `now()`, and as fresh.
        let mut json = String::new();
        write_now_json(&mut json);
        let read = crate::json::parse(&json).ok();
        let Some(crate::Value::String(written)) = read else {
            panic!("not a JSON string: {json}")
        };
        assert_eq!(written.len(), 24);
        assert!(written.as_str() >= t.as_str(), "{written} before {t}");
        let mut expected = String::new();
        crate::json::write_string(&written, &mut expected);
        assert_eq!(json, expected);
    }
}
