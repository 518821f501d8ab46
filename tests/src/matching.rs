//! Comparing what a server answered (or an upstream received) with what a case requires.
//!
//! JSON is compared exactly — same keys, same array lengths, numbers as exact decimals
//! (`2.50` equals `2.5`) — except where the expectation is a pattern string: `$any`,
//! `$uuid`, `$iso8601`, `$string`, `$number`, `$regex:<pattern>`; `$$…` is the literal `$…`.

use crate::case::{ExpectedRequest, ExpectedResponse};
use crate::client::HttpResponse;
use crate::upstream::RecordedRequest;
use flowc_lang::{Number, Value};
use std::fmt;

/// Where and how a JSON value differs from its expectation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// The JSON pointer of the difference (`""` for the root).
    pub pointer: String,
    /// What was required.
    pub expected: String,
    /// What was there.
    pub got: String,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.pointer.is_empty() {
            "/"
        } else {
            &self.pointer
        };
        write!(f, "at {at}: expected {}, got {}", self.expected, self.got)
    }
}

/// What an expectation string means.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Expect<'a> {
    /// Equal to this text.
    Literal(&'a str),
    /// Present, any value.
    Any,
    /// A UUID in 8-4-4-4-12 hex form.
    Uuid,
    /// An RFC 3339 date and time.
    Iso8601,
    /// Any string.
    String,
    /// A JSON number (in a header: text that reads as one).
    Number,
    /// The whole string matches this regex.
    Regex(&'a str),
}

/// Classifies an expectation string.
fn expect(text: &str) -> Expect<'_> {
    let Some(rest) = text.strip_prefix('$') else {
        return Expect::Literal(text);
    };
    if rest.starts_with('$') {
        return Expect::Literal(rest);
    }
    if let Some(pattern) = rest.strip_prefix("regex:") {
        return Expect::Regex(pattern);
    }
    match rest {
        "any" => Expect::Any,
        "uuid" => Expect::Uuid,
        "iso8601" => Expect::Iso8601,
        "string" => Expect::String,
        "number" => Expect::Number,
        // A `$` word that names no pattern is literal text (the shared number_format case
        // expects `"$1,234.50"` as written).
        _ => Expect::Literal(text),
    }
}

const UUID: &str = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
const ISO8601: &str =
    "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})";

/// Whether the whole of `text` matches `pattern`; an invalid pattern is an error.
///
/// Classes are ASCII (`\d`, `\w`, `\s`), as in ECMAScript and the flows' own regexes: the
/// workspace builds `regex` without its Unicode class tables. Matching bytes lets `.` run
/// in that mode; a non-ASCII literal still matches its UTF-8 bytes.
fn whole_match(pattern: &str, text: &str) -> Result<bool, String> {
    regex::bytes::RegexBuilder::new(&format!("^(?:{pattern})$"))
        .unicode(false)
        .build()
        .map(|re| re.is_match(text.as_bytes()))
        .map_err(|e| format!("invalid $regex pattern `{pattern}`: {e}"))
}

/// Checks a text value (a header, a status line part) against an expectation string.
pub fn match_text(expected: &str, got: &str) -> Result<(), String> {
    let ok = match expect(expected) {
        Expect::Literal(lit) => lit == got,
        Expect::Any | Expect::String => true,
        Expect::Uuid => whole_match(UUID, got)?,
        Expect::Iso8601 => whole_match(ISO8601, got)?,
        Expect::Number => Number::parse_json(got).is_some(),
        Expect::Regex(pattern) => whole_match(pattern, got)?,
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "expected {}, got {}",
            quoted(expected),
            quoted(got)
        ))
    }
}

/// Compares JSON exactly, patterns allowed in expected strings.
pub fn match_json(expected: &Value, got: &Value) -> Result<(), Mismatch> {
    match_at(expected, got, &mut String::new())
}

/// [`match_json`] at `pointer`.
fn match_at(expected: &Value, got: &Value, pointer: &mut String) -> Result<(), Mismatch> {
    match (expected, got) {
        (Value::String(e), _) if e.starts_with('$') => match_pattern_value(e, got, pointer),
        (Value::Object(e), Value::Object(g)) => {
            if let Some(key) = e.keys().find(|k| !g.contains_key(k)) {
                return Err(mismatch(
                    &child(pointer, key),
                    &e[key.as_str()].to_json(),
                    "nothing (missing key)",
                ));
            }
            if let Some((key, value)) = g.iter().find(|(k, _)| !e.contains_key(k)) {
                return Err(mismatch(&child(pointer, key), "no such key", &short(value)));
            }
            for (key, value) in e {
                let len = pointer.len();
                pointer.push_str(&child("", key));
                match_at(value, &g[key.as_str()], pointer)?;
                pointer.truncate(len);
            }
            Ok(())
        }
        (Value::Array(e), Value::Array(g)) => {
            if e.len() != g.len() {
                let expected = format!("{} item(s)", e.len());
                return Err(mismatch(
                    pointer,
                    &expected,
                    &format!("{} item(s): {}", g.len(), short(got)),
                ));
            }
            for (i, (ev, gv)) in e.iter().zip(g).enumerate() {
                let len = pointer.len();
                pointer.push_str(&format!("/{i}"));
                match_at(ev, gv, pointer)?;
                pointer.truncate(len);
            }
            Ok(())
        }
        // Numbers are exact decimals whose equality ignores trailing zeros.
        _ if expected == got => Ok(()),
        _ => Err(mismatch(pointer, &short(expected), &short(got))),
    }
}

/// Checks a JSON value against a `$` expectation.
fn match_pattern_value(expected: &str, got: &Value, pointer: &str) -> Result<(), Mismatch> {
    let text = match got {
        Value::String(s) => Some(s.as_str()),
        _ => None,
    };
    let result = match (expect(expected), text) {
        (Expect::Any, _) | (Expect::String, Some(_)) => Ok(true),
        (Expect::Number, _) => Ok(matches!(got, Value::Number(_))),
        (Expect::Literal(lit), Some(s)) => Ok(lit == s),
        (Expect::Uuid, Some(s)) => whole_match(UUID, s),
        (Expect::Iso8601, Some(s)) => whole_match(ISO8601, s),
        (Expect::Regex(pattern), Some(s)) => whole_match(pattern, s),
        (_, None) => Ok(false),
    };
    match result {
        Ok(true) => Ok(()),
        Ok(false) => Err(mismatch(pointer, &quoted(expected), &short(got))),
        Err(problem) => Err(mismatch(pointer, &problem, &short(got))),
    }
}

/// Checks an answer: status, listed headers, then the body.
pub fn match_response(expected: &ExpectedResponse, got: &HttpResponse) -> Result<(), String> {
    if expected.status != got.status {
        return Err(format!(
            "status: expected {}, got {}; body: {}",
            expected.status,
            got.status,
            got.body_text()
        ));
    }
    match_headers(&expected.headers, &got.headers)?;
    if let Some(text) = &expected.body_text {
        if *text != got.body_text() {
            return Err(format!(
                "body: expected {}, got {}",
                quoted(text),
                quoted(&got.body_text())
            ));
        }
    }
    if let Some(body) = &expected.body {
        match_json_body(body, &got.body).map_err(|e| format!("body {e}"))?;
    }
    Ok(())
}

/// Checks that every listed header is present (names case-insensitive) with a matching
/// value; a header sent several times counts as its values joined with `, `.
pub fn match_headers(
    expected: &[(String, String)],
    got: &[(String, String)],
) -> Result<(), String> {
    for (name, value) in expected {
        let values: Vec<&str> = got
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect();
        if values.is_empty() {
            return Err(format!(
                "header `{name}`: missing (expected {})",
                quoted(value)
            ));
        }
        match_text(value, &values.join(", ")).map_err(|e| format!("header `{name}`: {e}"))?;
    }
    Ok(())
}

/// Parses a body as JSON and compares it.
fn match_json_body(expected: &Value, body: &[u8]) -> Result<(), String> {
    let text = String::from_utf8_lossy(body);
    let got = flowc_lang::json::parse(&text)
        .map_err(|e| format!("is not JSON ({}): {}", e.message, quoted(&text)))?;
    match_json(expected, &got).map_err(|m| m.to_string())
}

/// Checks the requests an upstream received: exactly these, in this order.
pub fn match_requests(expected: &[ExpectedRequest], got: &[RecordedRequest]) -> Result<(), String> {
    if expected.len() != got.len() {
        let seen: Vec<String> = got
            .iter()
            .map(|r| format!("{} {}", r.method, r.path))
            .collect();
        return Err(format!(
            "expected {} request(s), got {}: [{}]",
            expected.len(),
            got.len(),
            seen.join(", ")
        ));
    }
    for (i, (e, g)) in expected.iter().zip(got).enumerate() {
        match_request(e, g)
            .map_err(|problem| format!("request {i} ({} {}): {problem}", g.method, g.path))?;
    }
    Ok(())
}

/// Checks one received request.
fn match_request(expected: &ExpectedRequest, got: &RecordedRequest) -> Result<(), String> {
    match_text(&expected.method, &got.method).map_err(|e| format!("method: {e}"))?;
    match_text(&expected.path, &got.path).map_err(|e| format!("path: {e}"))?;
    match_headers(&expected.headers, &got.headers)?;
    if let Some(query) = &expected.query {
        match_json(query, &got.query_object()).map_err(|m| format!("query {m}"))?;
    }
    if let Some(body) = &expected.body {
        match_json_body(body, &got.body).map_err(|e| format!("body {e}"))?;
    }
    Ok(())
}

/// A mismatch at `pointer`.
fn mismatch(pointer: &str, expected: &str, got: &str) -> Mismatch {
    Mismatch {
        pointer: pointer.to_owned(),
        expected: expected.to_owned(),
        got: got.to_owned(),
    }
}

/// `pointer` extended by one object key, escaped per RFC 6901.
fn child(pointer: &str, key: &str) -> String {
    format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"))
}

/// A value as JSON, cut to a readable length.
fn short(value: &Value) -> String {
    cut(value.to_json())
}

/// A text quoted as a JSON string, cut to a readable length.
fn quoted(text: &str) -> String {
    cut(Value::str(text).to_json())
}

/// At most 300 characters, marked when cut.
fn cut(text: String) -> String {
    const MAX: usize = 300;
    match text.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(text: &str) -> Value {
        flowc_lang::json::parse(text).unwrap()
    }

    /// `None` means the pair matches; `Some(text)` is the expected failure message.
    fn check_json(expected: &str, got: &str, failure: Option<&str>) {
        let result = match_json(&json(expected), &json(got)).map_err(|m| m.to_string());
        assert_eq!(result.err().as_deref(), failure, "{expected} vs {got}");
    }

    #[test]
    fn compares_json_exactly() {
        let rows: &[(&str, &str, Option<&str>)] = &[
            (
                r#"{"a": 1, "b": [true, null]}"#,
                r#"{"b": [true, null], "a": 1}"#,
                None,
            ),
            ("2.5", "2.50", None),
            ("0.3", "0.30000", None),
            ("-0", "0", None),
            ("100", "1e2", None),
            ("1", "1.0000001", Some("at /: expected 1, got 1.0000001")),
            ("1", r#""1""#, Some(r#"at /: expected 1, got "1""#)),
            (
                r#"{"a": 1}"#,
                r#"{"a": 1, "b": 2}"#,
                Some("at /b: expected no such key, got 2"),
            ),
            (
                r#"{"a": 1, "b": 2}"#,
                r#"{"a": 1}"#,
                Some("at /b: expected 2, got nothing (missing key)"),
            ),
            (
                r#"{"a": {"b": [1, 2]}}"#,
                r#"{"a": {"b": [1, 3]}}"#,
                Some("at /a/b/1: expected 2, got 3"),
            ),
            (
                "[1, 2]",
                "[1]",
                Some("at /: expected 2 item(s), got 1 item(s): [1]"),
            ),
            (
                r#"{"a/b": {"c~d": 1}}"#,
                r#"{"a/b": {"c~d": 2}}"#,
                Some("at /a~1b/c~0d: expected 1, got 2"),
            ),
            ("null", "false", Some("at /: expected null, got false")),
            (r#""x""#, r#""X""#, Some(r#"at /: expected "x", got "X""#)),
        ];
        for (expected, got, failure) in rows {
            check_json(expected, got, *failure);
        }
    }

    #[test]
    fn matches_patterns_in_json() {
        let rows: &[(&str, &str, Option<&str>)] = &[
            (r#""$any""#, "null", None),
            (r#""$any""#, r#"{"x": 1}"#, None),
            (
                r#"{"a": "$any"}"#,
                "{}",
                Some(r#"at /a: expected "$any", got nothing (missing key)"#),
            ),
            (r#""$string""#, r#""""#, None),
            (
                r#""$string""#,
                "1",
                Some(r#"at /: expected "$string", got 1"#),
            ),
            (r#""$number""#, "-1.5", None),
            (
                r#""$number""#,
                r#""1""#,
                Some(r#"at /: expected "$number", got "1""#),
            ),
            (
                r#""$uuid""#,
                r#""6f1c2b7e-9a0d-4c3e-8b5f-1a2b3c4d5e6f""#,
                None,
            ),
            (
                r#""$uuid""#,
                r#""6F1C2B7E-9A0D-4C3E-8B5F-1A2B3C4D5E6F""#,
                None,
            ),
            (
                r#""$uuid""#,
                r#""6f1c2b7e9a0d4c3e8b5f1a2b3c4d5e6f""#,
                Some(r#"at /: expected "$uuid", got "6f1c2b7e9a0d4c3e8b5f1a2b3c4d5e6f""#),
            ),
            (r#""$iso8601""#, r#""2026-11-25T17:26:42.123Z""#, None),
            (r#""$iso8601""#, r#""2026-11-25T17:26:42+02:00""#, None),
            (
                r#""$iso8601""#,
                r#""2026-11-25 17:26""#,
                Some(r#"at /: expected "$iso8601", got "2026-11-25 17:26""#),
            ),
            (r#""$regex:a[0-9]+""#, r#""a123""#, None),
            (
                r#""$regex:a[0-9]+""#,
                r#""xa123""#,
                Some(r#"at /: expected "$regex:a[0-9]+", got "xa123""#),
            ),
            (
                r#""$regex:a|b""#,
                r#""ab""#,
                Some(r#"at /: expected "$regex:a|b", got "ab""#),
            ),
            (r#""$regex:a|b""#, r#""b""#, None),
            (
                r#""$regex:1""#,
                "1",
                Some(r#"at /: expected "$regex:1", got 1"#),
            ),
            (r#""$$5.00""#, r#""$5.00""#, None),
            (
                r#""$$any""#,
                r#""x""#,
                Some(r#"at /: expected "$$any", got "x""#),
            ),
            (
                r#""$bogus""#,
                r#""x""#,
                Some(r#"at /: expected "$bogus", got "x""#),
            ),
        ];
        for (expected, got, failure) in rows {
            check_json(expected, got, *failure);
        }
    }

    #[test]
    fn matches_text_values() {
        let rows: &[(&str, &str, Result<(), &str>)] = &[
            ("Bearer", "Bearer", Ok(())),
            (
                "Bearer",
                "bearer",
                Err(r#"expected "Bearer", got "bearer""#),
            ),
            ("$any", "", Ok(())),
            ("$number", "12.5", Ok(())),
            ("$number", "12,5", Err(r#"expected "$number", got "12,5""#)),
            (
                "$regex:application/json.*",
                "application/json; charset=utf-8",
                Ok(()),
            ),
            ("$regex:(", "x", Err("invalid $regex pattern `(`")),
            ("$$x", "$x", Ok(())),
            ("$regex:\\d{4}-\\d{2}", "2024-07", Ok(())),
            (
                "$regex:\\d+",
                "٣",
                Err(r#"expected "$regex:\\d+", got "٣""#),
            ),
            (
                "$regex:gr.n",
                "grün",
                Err(r#"expected "$regex:gr.n", got "grün""#),
            ),
            ("$regex:gr..n", "grün", Ok(())),
            ("$regex:grün", "grün", Ok(())),
            ("$regex:(?i)ab", "AB", Ok(())),
        ];
        for (expected, got, result) in rows {
            let actual = match_text(expected, got);
            match result {
                Ok(()) => assert_eq!(actual, Ok(()), "{expected} vs {got}"),
                Err(prefix) => {
                    let message = actual.expect_err(expected);
                    assert!(message.starts_with(prefix), "{message}");
                }
            }
        }
    }

    fn headers(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn matches_headers_case_insensitively() {
        let got = headers(&[("X-Request-Id", "abc"), ("vary", "a"), ("Vary", "b")]);
        type Row<'a> = (&'a [(&'a str, &'a str)], Result<(), &'a str>);
        let rows: &[Row] = &[
            (&[("x-request-id", "$any")], Ok(())),
            (&[("VARY", "a, b")], Ok(())),
            (
                &[("allow", "POST")],
                Err(r#"header `allow`: missing (expected "POST")"#),
            ),
            (
                &[("x-request-id", "abd")],
                Err(r#"header `x-request-id`: expected "abd", got "abc""#),
            ),
        ];
        for (expected, result) in rows {
            assert_eq!(
                match_headers(&headers(expected), &got),
                result.map_err(str::to_owned)
            );
        }
    }

    fn response(status: u16, body: &str) -> HttpResponse {
        HttpResponse {
            status,
            headers: headers(&[("content-type", "application/json")]),
            body: body.into(),
        }
    }

    #[test]
    fn matches_responses() {
        let expected = ExpectedResponse {
            status: 200,
            headers: headers(&[("content-type", "$regex:application/json.*")]),
            body: Some(json(r#"{"n": 2.5}"#)),
            body_text: None,
        };
        assert_eq!(
            match_response(&expected, &response(200, r#"{"n":2.50}"#)),
            Ok(())
        );
        assert_eq!(
            match_response(&expected, &response(500, "oops")),
            Err("status: expected 200, got 500; body: oops".to_owned())
        );
        assert_eq!(
            match_response(&expected, &response(200, r#"{"n":2.6}"#)),
            Err("body at /n: expected 2.5, got 2.6".to_owned())
        );
        let message = match_response(&expected, &response(200, "{")).unwrap_err();
        assert!(message.starts_with("body is not JSON"), "{message}");
        let text = ExpectedResponse {
            status: 200,
            body_text: Some("a\nb".into()),
            ..ExpectedResponse::default()
        };
        assert_eq!(match_response(&text, &response(200, "a\nb")), Ok(()));
        assert_eq!(
            match_response(&text, &response(200, "a")),
            Err(r#"body: expected "a\nb", got "a""#.to_owned())
        );
    }

    fn recorded(method: &str, target: &str, body: &str) -> RecordedRequest {
        RecordedRequest::new(
            method,
            target,
            headers(&[("Content-Type", "application/json")]),
            body.into(),
        )
    }

    fn expected_request(text: &str) -> ExpectedRequest {
        let Value::Object(map) = json(text) else {
            panic!("not an object")
        };
        ExpectedRequest {
            method: map["method"].render(),
            path: map["path"].render(),
            headers: match map.get("headers") {
                Some(Value::Object(h)) => h.iter().map(|(k, v)| (k.clone(), v.render())).collect(),
                _ => Vec::new(),
            },
            query: map.get("query").cloned(),
            body: map.get("body").cloned(),
        }
    }

    #[test]
    fn matches_upstream_requests() {
        let got = [
            recorded("POST", "/hooks?ref=R%209&v=2&v=3", r#"{"a":1}"#),
            recorded("GET", "/x", ""),
        ];
        let ok = [
            expected_request(
                r#"{"method": "POST", "path": "/hooks", "query": {"ref": "R 9", "v": "2"},
                                 "headers": {"content-type": "$regex:application/json.*"}, "body": {"a": 1}}"#,
            ),
            expected_request(r#"{"method": "GET", "path": "/x"}"#),
        ];
        assert_eq!(match_requests(&ok, &got), Ok(()));
        assert_eq!(
            match_requests(&ok[..1], &got),
            Err("expected 1 request(s), got 2: [POST /hooks, GET /x]".to_owned())
        );
        let wrong_query = [expected_request(
            r#"{"method": "POST", "path": "/hooks", "query": {"ref": "R 9"}}"#,
        )];
        assert_eq!(
            match_requests(&wrong_query, &got[..1]),
            Err("request 0 (POST /hooks): query at /v: expected no such key, got \"2\"".to_owned())
        );
        let wrong_body = [expected_request(
            r#"{"method": "POST", "path": "/hooks", "body": {"a": 2}}"#,
        )];
        assert_eq!(
            match_requests(&wrong_body, &got[..1]),
            Err("request 0 (POST /hooks): body at /a: expected 2, got 1".to_owned())
        );
    }
}
