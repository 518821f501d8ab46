//! A JSON reader that keeps numbers exact and objects ordered, with an optional source-
//! located tree for diagnostics, and the writer for strings.

use crate::number::Number;
use crate::value::{Map, Value};
use std::fmt;

mod reader;
mod scan;
mod shape;
mod write;

pub use shape::{Keyed, Shape};

pub use write::{write_escaped, write_rendered, write_string};

/// A syntax error with its 1-based line and column (columns count characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// What is wrong.
    pub message: String,
}

/// Parses a JSON text into a [`Value`]. A duplicate key keeps the last value. Leading and
/// trailing white space is allowed; anything else after the value is an error.
pub fn parse(text: &str) -> Result<Value, JsonError> {
    reader::Parser::new(text).document::<Value>()
}

/// [`parse`], keeping only what `shape` reaches: the same errors at the same places (every
/// part is read and checked), and the same value wherever a path of the shape reads it.
pub fn parse_shaped(text: &str, shape: &Shape) -> Result<Value, JsonError> {
    reader::Parser::new(text).document_shaped(shape)
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

impl std::error::Error for JsonError {}

/// A JSON value with the 1-based line and column where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned {
    /// The value.
    pub node: SpannedNode,
    /// 1-based line of its first character.
    pub line: u32,
    /// 1-based column of its first character.
    pub column: u32,
}

/// The kinds of a located JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum SpannedNode {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number: exact value and the source text.
    Number(Number, String),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Spanned>),
    /// An object: members in source order, duplicates kept (validation reports them).
    Object(Vec<(String, Spanned)>),
}

/// Parses a JSON text keeping the location of every value. A number beyond the decimal
/// range is an error here (bundles must be exact).
pub fn parse_spanned(text: &str) -> Result<Spanned, JsonError> {
    reader::Parser::new(text).document::<Spanned>()
}

impl Spanned {
    /// The plain value (a duplicate key keeps the last value).
    pub fn to_value(&self) -> Value {
        match &self.node {
            SpannedNode::Null => Value::Null,
            SpannedNode::Bool(b) => Value::Bool(*b),
            SpannedNode::Number(n, _) => Value::Number(*n),
            SpannedNode::String(s) => Value::String(s.clone()),
            SpannedNode::Array(items) => {
                Value::Array(items.iter().map(Spanned::to_value).collect())
            }
            SpannedNode::Object(members) => {
                let mut map = Map::with_capacity(members.len());
                for (k, v) in members {
                    map.insert(k.clone(), v.to_value());
                }
                Value::Object(map)
            }
        }
    }

    /// The member `key` of an object (the last one when duplicated).
    pub fn get(&self, key: &str) -> Option<&Spanned> {
        match &self.node {
            SpannedNode::Object(members) => {
                members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v)
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `parse(input)` as compact JSON, or the error as `line:column: message`.
    fn check(input: &str, expected: &str) {
        let got = match parse(input) {
            Ok(v) => v.to_json(),
            Err(e) => format!("{}:{}: {}", e.line, e.column, e.message),
        };
        assert_eq!(got, expected, "parse({input:?})");
    }

    /// The first containers of a document are opened with room for eight members; the
    /// rest grow from nothing, so a body of many tiny containers takes no more memory.
    #[test]
    fn only_the_first_containers_get_room() {
        let text = format!("[{}]", vec!["[1]"; 40].join(","));
        let Ok(Value::Array(outer)) = parse(&text) else {
            panic!("an array")
        };
        let room: Vec<usize> = outer
            .iter()
            .map(|v| match v {
                Value::Array(inner) => inner.capacity(),
                other => panic!("not an array: {other:?}"),
            })
            .collect();
        // The outer array took the first room, then fifteen inner ones.
        assert!(room[..15].iter().all(|&c| c == 8), "{room:?}");
        assert!(room[15..].iter().all(|&c| c < 8), "{room:?}");
        assert_eq!(outer.len(), 40);
    }

    #[test]
    fn parses_every_kind_exactly() {
        for (input, expected) in [
            ("null", "null"),
            (" true ", "true"),
            ("\tfalse\r\n", "false"),
            ("0", "0"),
            ("-0", "0"),
            ("1.50", "1.5"),
            ("0.1", "0.1"),
            ("-12.5e3", "-12500"),
            ("1E-7", "1e-7"),
            (r#""hi""#, r#""hi""#),
            (r#""""#, r#""""#),
            (r#""é😀""#, r#""é😀""#),
            (r#""a\"b\\c\/d\b\f\n\r\t""#, r#""a\"b\\c/d\b\f\n\r\t""#),
            (r#""\u00e9\u00E9\ud83d\ude00\u0001""#, r#""éé😀\u0001""#),
            ("[]", "[]"),
            ("[ 1 , [ 2 , [ ] ] ]", "[1,[2,[]]]"),
            ("{}", "{}"),
            (
                r#"{ "b" : 1, "a" : { "c" : [true, null] } }"#,
                r#"{"b":1,"a":{"c":[true,null]}}"#,
            ),
            (r#"{"a": 1, "b": 2, "a": 3}"#, r#"{"a":3,"b":2}"#),
            (r#"{"k":"v"}"#, r#"{"k":"v"}"#),
        ] {
            check(input, expected);
        }
    }

    #[test]
    fn reports_errors_with_line_and_character_column() {
        for (input, expected) in [
            ("", "1:1: unexpected end of input, expected a value"),
            ("   ", "1:4: unexpected end of input, expected a value"),
            ("[1,]", "1:4: unexpected `]`, expected a value"),
            (r#"{"a":1,}"#, "1:8: unexpected `}`, expected a string key"),
            ("{'a':1}", "1:2: unexpected `'`, expected a string key"),
            (
                r#"{"a" 1}"#,
                "1:6: unexpected `1`, expected `:` after the key",
            ),
            ("[1 2]", "1:4: unexpected `2`, expected `,` or `]`"),
            (
                r#"{"a":1 "b":2}"#,
                "1:8: unexpected `\"`, expected `,` or `}`",
            ),
            ("[1", "1:3: unexpected end of input, expected `,` or `]`"),
            ("tru", "1:1: unexpected `t`, expected a value"),
            ("nul", "1:1: unexpected `n`, expected a value"),
            ("01", "1:1: invalid number `01`"),
            ("1.", "1:1: invalid number `1.`"),
            ("-", "1:1: invalid number `-`"),
            ("+1", "1:1: unexpected `+`, expected a value"),
            (".5", "1:1: unexpected `.`, expected a value"),
            ("NaN", "1:1: unexpected `N`, expected a value"),
            (
                "1e400",
                "1:1: number `1e400` is beyond the decimal range (28 digits)",
            ),
            ("1 2", "1:3: unexpected text after the JSON value"),
            ("{}x", "1:3: unexpected text after the JSON value"),
            ("\"abc", "1:5: unexpected end of input inside a string"),
            (
                "\"a\nb\"",
                "1:3: control character in a string (write it as an escape)",
            ),
            (
                r#""\x""#,
                r#"1:2: invalid escape (use \" \\ \/ \b \f \n \r \t or \uXXXX)"#,
            ),
            (r#""\u12""#, "1:2: a \\u escape needs four hex digits"),
            (r#""\ud83d""#, "1:2: unpaired surrogate in a \\u escape"),
            (r#""\ude00""#, "1:2: unpaired surrogate in a \\u escape"),
            (
                r#""\ud83d\u0041""#,
                "1:2: unpaired surrogate in a \\u escape",
            ),
            ("\u{feff}{}", "1:1: unexpected `\u{feff}`, expected a value"),
            (
                "{\n  \"é\": [1,\n   x]}",
                "3:4: unexpected `x`, expected a value",
            ),
            ("[\"éé\", @]", "1:8: unexpected `@`, expected a value"),
        ] {
            check(input, expected);
        }
    }

    #[test]
    fn nesting_is_limited() {
        let deep = "[".repeat(100_000);
        let err = parse(&deep).err().map(|e| e.message);
        assert_eq!(err.as_deref(), Some("nested deeper than 256 levels"));
        let ok = format!("{}{}", "[".repeat(256), "]".repeat(256));
        assert!(parse(&ok).is_ok());
    }

    fn loc(s: &Spanned) -> (u32, u32) {
        (s.line, s.column)
    }

    #[test]
    fn spanned_keeps_locations_and_duplicates() {
        let text = "{\n  \"é\": [1, \"two\"],\n  \"a\": 1.50,\n\t\"a\": {\"x\": null}\n}";
        let doc = match parse_spanned(text) {
            Ok(d) => d,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(loc(&doc), (1, 1));
        let SpannedNode::Object(members) = &doc.node else {
            panic!("not an object")
        };
        assert_eq!(members.len(), 3);
        assert_eq!(members[0].0, "é");
        assert_eq!(loc(&members[0].1), (2, 8));
        let SpannedNode::Array(items) = &members[0].1.node else {
            panic!("not an array")
        };
        assert_eq!(loc(&items[0]), (2, 9));
        assert_eq!(loc(&items[1]), (2, 12));
        assert_eq!(loc(&members[1].1), (3, 8));
        assert!(matches!(&members[1].1.node, SpannedNode::Number(_, t) if t == "1.50"));
        assert_eq!(loc(&members[2].1), (4, 7));
        assert_eq!(doc.get("a").map(loc), Some((4, 7)));
        assert_eq!(
            doc.to_value().to_json(),
            r#"{"é":[1,"two"],"a":{"x":null}}"#
        );
        assert_eq!(
            parse(text).map(|v| v.to_json()),
            Ok(doc.to_value().to_json())
        );
    }

    #[test]
    fn spanned_rejects_what_parse_rejects() {
        for bad in ["1e29", "[1,]", "{\"a\" 1}", "\"\\q\""] {
            assert_eq!(parse_spanned(bad).err(), parse(bad).err(), "{bad}");
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn write_string_escapes_only_what_json_needs() {
        for (input, expected) in [
            ("plain", r#""plain""#),
            ("q\"b\\", r#""q\"b\\""#),
            ("\n\r\t\u{8}\u{c}", r#""\n\r\t\b\f""#),
            ("\u{0}\u{1f}\u{1}", r#""\u0000\u001f\u0001""#),
            ("é€😀\u{7f}", "\"é€😀\u{7f}\""),
            ("", r#""""#),
        ] {
            let mut out = String::from(">");
            write_string(input, &mut out);
            assert_eq!(out, format!(">{expected}"), "write_string({input:?})");
        }
    }

    #[test]
    fn written_strings_read_back() {
        let s = "a\"\\\u{1}é\n😀";
        let mut out = String::new();
        write_string(s, &mut out);
        assert_eq!(parse(&out), Ok(Value::String(s.to_owned())));
    }
}
