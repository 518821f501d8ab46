//! Writing JSON strings, whole or in pieces.
//!
//! Escaping maps each byte on its own (only ASCII bytes are escaped, never part of a
//! multi-byte character), so the escaped text of `a + b` is the escaped `a` then the
//! escaped `b`. Generated code relies on that to write a string made of literal text and
//! references piece by piece, the literal pieces escaped at build time.

use crate::value::Value;

/// Appends `s` as a JSON string literal: `"` and `\` escaped, control characters as `\n`,
/// `\t`, ... or `\u00XX`, everything else (non-ASCII included) as is.
pub fn write_string(s: &str, out: &mut String) {
    out.reserve(s.len() + 2);
    out.push('"');
    write_escaped(s, out);
    out.push('"');
}

/// Appends `s` escaped as the inside of a JSON string literal, without the quotes.
pub fn write_escaped(s: &str, out: &mut String) {
    // Most strings need no escape at all: skip plain text eight bytes at a time.
    let plain = super::scan::plain_run(s.as_bytes());
    if plain == s.len() {
        out.push_str(s);
    } else {
        write_escaped_from(s, plain, out);
    }
}

/// [`write_escaped`] of a string whose first byte to escape is at `first`.
#[cold]
fn write_escaped_from(s: &str, first: usize, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = s.as_bytes();
    let mut run = 0;
    for (i, &b) in bytes.iter().enumerate().skip(first) {
        let short = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        // Escaped bytes are ASCII, so `run..i` always lies on character boundaries.
        out.push_str(&s[run..i]);
        run = i + 1;
        if short.is_empty() {
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        } else {
            out.push_str(short);
        }
    }
    out.push_str(&s[run..]);
}

/// Appends the §3 rendering of `v` escaped as the inside of a JSON string: what
/// `write_string(&v.render(), out)` writes between its quotes, without rendering strings,
/// numbers and booleans into a string of their own first.
pub fn write_rendered(v: &Value, out: &mut String) {
    match v {
        Value::String(s) => write_escaped(s, out),
        // Digits, `-`, `.`, `e`, letters: nothing to escape.
        Value::Null | Value::Bool(_) | Value::Number(_) => v.render_into(out),
        Value::Array(_) | Value::Object(_) => write_escaped(&v.to_json(), out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::parse;

    /// Strings escape the same whether the byte to escape falls early, late, in the last
    /// partial word, or after multi-byte characters, and whatever their length.
    #[test]
    fn strings_escape_at_every_position() {
        for len in 0..20 {
            for at in 0..=len {
                let mut text = "x".repeat(len);
                text.insert(at, '\n');
                let mut out = String::new();
                write_escaped(&text, &mut out);
                assert_eq!(out, text.replace('\n', "\\n"), "newline at {at} of {len}");
            }
            let plain = "é".repeat(len);
            let mut out = String::new();
            write_escaped(&plain, &mut out);
            assert_eq!(out, plain);
        }
        for at in 0..20 {
            let mut text: Vec<char> = "é0123456789abcdefghi😀".chars().collect();
            text.insert(at, '"');
            let text: String = text.into_iter().collect();
            let mut out = String::new();
            write_escaped(&text, &mut out);
            assert_eq!(out, text.replace('"', "\\\""), "quote at {at}");
        }
    }

    /// Whatever the value, `write_rendered` is the inside of `write_string` of its rendering.
    #[test]
    fn rendered_is_the_escaped_rendering() {
        let values = [
            "null",
            "true",
            "-12.50",
            "1e-7",
            r#""plain""#,
            r#""q\"b\\ \n\t\u0001 é😀""#,
            r#"[1,"a\"b",null,{"k":"v\n"}]"#,
            r#"{"é":["\\"],"n":{}}"#,
        ];
        for text in values {
            let v = parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            let mut quoted = String::new();
            write_string(&v.render(), &mut quoted);
            let mut inside = String::from("\"");
            write_rendered(&v, &mut inside);
            inside.push('"');
            assert_eq!(inside, quoted, "{text}");
        }
    }

    /// Escaping `a + b` is escaping `a`, then `b`, wherever the text is cut.
    #[test]
    fn escaping_distributes_over_concatenation() {
        let s = "a\"é\u{1}😀\\\n z";
        let mut whole = String::new();
        write_escaped(s, &mut whole);
        for (cut, _) in s.char_indices() {
            let mut pieces = String::new();
            write_escaped(&s[..cut], &mut pieces);
            write_escaped(&s[cut..], &mut pieces);
            assert_eq!(pieces, whole, "cut at {cut}");
        }
    }
}
