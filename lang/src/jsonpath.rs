//! The JSONPath subset of `api_integration` (§4.7): `$`, `.key`, `['key']` and `[n]`.
//!
//! Paths are parsed once at build time into plain data ([`JsonPath`]), so generated code can
//! write them as literals and nothing is parsed per request. Indices are 0-based, as JSONPath
//! has them (unlike the 1-based paths of §3.1). Wildcards, filters, slices, unions and
//! recursive descent select several values where a branch needs one, so they are errors.

use crate::value::Value;
use std::fmt;

/// A parsed path: follow the segments from the root (`$` alone has none).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct JsonPath {
    /// The steps from the root, in order.
    pub segments: Vec<JsonPathSeg>,
}

/// One step of a [`JsonPath`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum JsonPathSeg {
    /// An object member: `.key` or `['key']`.
    Key(String),
    /// A 0-based array element: `[0]`.
    Index(usize),
}

/// Why a path does not parse, with the 1-based column (in characters) where it went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonPathError {
    /// 1-based column of the offending character.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

/// What an `api_integration` branches on (§4.7 `validation`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Validation {
    /// `HTTP_RESPONSE_CODE`: the status code as a string (`"200"`).
    StatusCode,
    /// A JSONPath into the whole response body; its value rendered as a string.
    Path(JsonPath),
}

/// The `validation` word that selects the status code.
pub const STATUS_CODE_VALIDATION: &str = "HTTP_RESPONSE_CODE";

/// Reads a `validation` value: `HTTP_RESPONSE_CODE` or a JSONPath.
pub fn parse_validation(text: &str) -> Result<Validation, JsonPathError> {
    if text == STATUS_CODE_VALIDATION {
        return Ok(Validation::StatusCode);
    }
    parse(text).map(Validation::Path)
}

/// Parses `$`, `$.a.b`, `$.items[0].state`, `$['key with space']`.
pub fn parse(text: &str) -> Result<JsonPath, JsonPathError> {
    let chars: Vec<char> = text.chars().collect();
    Parser { chars, pos: 0 }.path()
}

impl JsonPath {
    /// The value the path selects in `root`, if any. A key on a non-object, an index on a
    /// non-array or past the end selects nothing.
    pub fn get<'a>(&self, root: &'a Value) -> Option<&'a Value> {
        self.segments
            .iter()
            .try_fold(root, |cur, seg| match (seg, cur) {
                (JsonPathSeg::Key(k), Value::Object(map)) => map.get(k),
                (JsonPathSeg::Index(i), Value::Array(items)) => items.get(*i),
                _ => None,
            })
    }

    /// Like [`JsonPath::get`], but moves the selected value out of `root` instead of
    /// borrowing it, so a large response is not copied to keep one part of it.
    pub fn take(&self, root: Value) -> Option<Value> {
        self.segments
            .iter()
            .try_fold(root, |cur, seg| match (seg, cur) {
                (JsonPathSeg::Key(k), Value::Object(map)) => map.into_value(k),
                (JsonPathSeg::Index(i), Value::Array(mut items)) => {
                    (*i < items.len()).then(|| items.swap_remove(*i))
                }
                _ => None,
            })
    }
}

// Written back in the bracket form wherever a key would not read back as a dotted name, so
// `parse(&p.to_string()) == p` for every path.
impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("$")?;
        for seg in &self.segments {
            match seg {
                JsonPathSeg::Index(i) => write!(f, "[{i}]")?,
                JsonPathSeg::Key(k) if is_plain_name(k) => write!(f, ".{k}")?,
                JsonPathSeg::Key(k) => {
                    f.write_str("['")?;
                    for c in k.chars() {
                        if c == '\'' || c == '\\' {
                            f.write_str("\\")?;
                        }
                        write!(f, "{c}")?;
                    }
                    f.write_str("']")?;
                }
            }
        }
        Ok(())
    }
}

impl fmt::Display for JsonPathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "column {}: {}", self.column, self.message)
    }
}

impl std::error::Error for JsonPathError {}

/// Whether `key` can be written after a `.`.
fn is_plain_name(key: &str) -> bool {
    !key.is_empty() && !key.starts_with('*') && key.chars().all(is_name_char)
}

/// Characters of a dotted name: anything that does not start another step or a filter.
fn is_name_char(c: char) -> bool {
    !matches!(
        c,
        '.' | '[' | ']' | '\'' | '"' | '(' | ')' | '?' | '@' | '$' | ',' | ':' | '\\'
    ) && !c.is_whitespace()
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
}

impl Parser {
    fn path(mut self) -> Result<JsonPath, JsonPathError> {
        if self.peek() != Some('$') {
            return Err(self.error("a JSONPath starts with `$`"));
        }
        self.pos += 1;
        let mut segments = Vec::new();
        while let Some(c) = self.peek() {
            let seg = match c {
                '.' => self.dotted()?,
                '[' => self.bracket()?,
                _ => return Err(self.error(&format!("expected `.` or `[`, found `{c}`"))),
            };
            segments.push(seg);
        }
        Ok(JsonPath { segments })
    }

    /// `.name` (the `.` is next).
    fn dotted(&mut self) -> Result<JsonPathSeg, JsonPathError> {
        self.pos += 1;
        match self.peek() {
            Some('.') => return Err(self.error("recursive descent (`..`) is not supported")),
            Some('*') => return Err(self.error("wildcards (`*`) are not supported")),
            _ => {}
        }
        let start = self.pos;
        while self.peek().is_some_and(is_name_char) {
            self.pos += 1;
        }
        if self.pos == start {
            return Err(self.error("expected a member name after `.`"));
        }
        Ok(JsonPathSeg::Key(
            self.chars[start..self.pos].iter().collect(),
        ))
    }

    /// `[0]` or `['key']` / `["key"]` (the `[` is next).
    fn bracket(&mut self) -> Result<JsonPathSeg, JsonPathError> {
        self.pos += 1;
        let seg = match self.peek() {
            Some(q @ ('\'' | '"')) => JsonPathSeg::Key(self.quoted(q)?),
            Some(c) if c.is_ascii_digit() => JsonPathSeg::Index(self.index()?),
            Some('*') => return Err(self.error("wildcards (`*`) are not supported")),
            Some('?') => return Err(self.error("filters (`?(...)`) are not supported")),
            Some('-') => return Err(self.error("negative indices are not supported")),
            Some(':') => return Err(self.error("slices are not supported")),
            _ => return Err(self.error("expected an index or a quoted name after `[`")),
        };
        match self.peek() {
            Some(']') => {
                self.pos += 1;
                Ok(seg)
            }
            Some(',') => Err(self.error("unions (`,`) are not supported")),
            Some(':') => Err(self.error("slices are not supported")),
            _ => Err(self.error("expected `]`")),
        }
    }

    fn index(&mut self) -> Result<usize, JsonPathError> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        let digits: String = self.chars[start..self.pos].iter().collect();
        digits.parse().map_err(|_| JsonPathError {
            column: start + 1,
            message: "the index is too large".to_owned(),
        })
    }

    /// A quoted name; `\` escapes the next character.
    fn quoted(&mut self, quote: char) -> Result<String, JsonPathError> {
        let open = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            match self.peek() {
                None => {
                    return Err(JsonPathError {
                        column: open + 1,
                        message: "the quoted name is not closed".to_owned(),
                    })
                }
                Some(c) if c == quote => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some('\\') => {
                    self.pos += 1;
                    let Some(c) = self.peek() else { continue };
                    out.push(c);
                    self.pos += 1;
                }
                Some(c) => {
                    out.push(c);
                    self.pos += 1;
                }
            }
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn error(&self, message: &str) -> JsonPathError {
        JsonPathError {
            column: self.pos + 1,
            message: message.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn key(k: &str) -> JsonPathSeg {
        JsonPathSeg::Key(k.to_owned())
    }

    #[test]
    fn parses() {
        use JsonPathSeg::Index;
        let rows: &[(&str, Vec<JsonPathSeg>)] = &[
            ("$", vec![]),
            ("$.a", vec![key("a")]),
            ("$.a.b", vec![key("a"), key("b")]),
            (
                "$.items[0].state",
                vec![key("items"), Index(0), key("state")],
            ),
            ("$['key with space']", vec![key("key with space")]),
            ("$[\"dq\"]", vec![key("dq")]),
            ("$['it\\'s']", vec![key("it's")]),
            ("$.a[2]", vec![key("a"), Index(2)]),
            ("$[0][1]", vec![Index(0), Index(1)]),
            ("$.données", vec![key("données")]),
            ("$.a-b_c", vec![key("a-b_c")]),
            ("$.0", vec![key("0")]),
            ("$['']", vec![key("")]),
        ];
        for (text, segments) in rows {
            let got = parse(text).map(|p| p.segments);
            assert_eq!(got.as_ref(), Ok(segments), "{text}");
        }
    }

    #[test]
    fn rejects() {
        let rows: &[(&str, usize, &str)] = &[
            ("", 1, "starts with `$`"),
            ("a.b", 1, "starts with `$`"),
            ("$.", 3, "member name"),
            ("$..a", 3, "recursive descent"),
            ("$.*", 3, "wildcards"),
            ("$[*]", 3, "wildcards"),
            ("$.a[?(@.x)]", 5, "filters"),
            ("$.a[-1]", 5, "negative"),
            ("$.a[0:2]", 6, "slices"),
            ("$.a[:2]", 5, "slices"),
            ("$.a[0,1]", 6, "unions"),
            ("$.a[0", 6, "expected `]`"),
            ("$['a", 3, "not closed"),
            ("$.a b", 4, "expected `.` or `[`"),
            ("$a", 2, "expected `.` or `[`"),
            ("$[]", 3, "index or a quoted name"),
            ("$[99999999999999999999999]", 3, "too large"),
        ];
        for (text, column, message) in rows {
            let err = parse(text).expect_err(text);
            assert_eq!(err.column, *column, "{text}: {err}");
            assert!(err.message.contains(message), "{text}: {err}");
        }
    }

    #[test]
    fn gets() {
        let doc = r#"{"items": [{"state": "shipped", "ok": true}, {"n": 2}],
                      "key with space": 1, "nested": {"a": {"b": null}}}"#;
        let root = json::parse(doc).expect("test JSON");
        let rows: &[(&str, Option<&str>)] = &[
            ("$.items[0].state", Some(r#""shipped""#)),
            ("$.items[0].ok", Some("true")),
            ("$.items[1].n", Some("2")),
            ("$.items[2]", None),
            ("$.items.0", None),
            ("$.items[0][0]", None),
            ("$['key with space']", Some("1")),
            ("$.nested.a.b", Some("null")),
            ("$.nested.a.b.c", None),
            ("$[0]", None),
            ("$.missing", None),
            ("$.nested", Some(r#"{"a":{"b":null}}"#)),
        ];
        for (text, expected) in rows {
            let path = parse(text).expect(text);
            let got = path.get(&root).map(Value::to_json);
            assert_eq!(got.as_deref(), *expected, "get {text}");
            let taken = path.take(root.clone()).map(|v| v.to_json());
            assert_eq!(taken.as_deref(), *expected, "take {text}");
        }
        assert_eq!(parse("$").expect("root").get(&root), Some(&root));
    }

    #[test]
    fn displays_back() {
        let rows = [
            "$",
            "$.a.b",
            "$.items[0].state",
            "$['key with space']",
            "$['it\\'s']",
            "$['']",
            "$['*']",
            "$['a.b']",
            "$['*x']",
        ];
        for text in rows {
            let path = parse(text).expect(text);
            assert_eq!(path.to_string(), text);
            assert_eq!(parse(&path.to_string()), Ok(path));
        }
    }

    #[test]
    fn validations() {
        assert_eq!(
            parse_validation("HTTP_RESPONSE_CODE"),
            Ok(Validation::StatusCode)
        );
        assert_eq!(
            parse_validation("$.a"),
            Ok(Validation::Path(JsonPath {
                segments: vec![key("a")]
            }))
        );
        assert!(parse_validation("http_response_code").is_err());
    }
}
