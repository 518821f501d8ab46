//! URL building, overrides, body merging and branch picking: pure functions, data tables.

use crate::outbound::integration::{
    build_url, check_url, merge_body, pick, request, IntegrationCall, Outcome, UrlPart,
};
use crate::session::ErrorCode;
use flowc_lang::json;
use std::time::Duration;

/// `"http://h/users/{id}"`: text in braces is a rendered value, the rest literal.
fn parts(text: &str) -> Vec<UrlPart> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').unwrap() + open;
        if open > 0 {
            out.push(UrlPart::Literal(rest[..open].to_owned()));
        }
        out.push(UrlPart::Value(rest[open + 1..close].to_owned()));
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        out.push(UrlPart::Literal(rest.to_owned()));
    }
    out
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// URL, node path, query parameters, the URL or a part of the error.
type UrlRow<'a> = (
    &'a str,
    &'a str,
    &'a [(&'a str, &'a str)],
    Result<&'a str, &'a str>,
);

#[test]
fn builds_urls() {
    let host_error = Err("scheme, host or port");
    #[rustfmt::skip]
    let rows: &[UrlRow] = &[
        ("http://h/users/{42}", "", &[], Ok("http://h/users/42")),
        ("http://h/users/{a b/c?#}", "", &[], Ok("http://h/users/a%20b%2Fc%3F%23")),
        ("http://h/users/{}", "", &[], Ok("http://h/users/")),
        ("http://h/api/", "/users", &[], Ok("http://h/api/users")),
        ("http://h/api", "users", &[], Ok("http://h/api/users")),
        ("http://h", "users", &[], Ok("http://h/users")),
        ("http://h/", "", &[], Ok("http://h/")),
        ("http://h/api//", "//x", &[], Ok("http://h/api/x")),
        ("http://h/a", "{v/}/x", &[], Ok("http://h/a/v%2F/x")),
        ("http://h/a?x=1", "b", &[("q", "1 2")], Ok("http://h/a/b?x=1&q=1%202")),
        ("http://h/a?", "", &[("q", "v")], Ok("http://h/a?q=v")),
        ("http://h/a", "", &[("q", "a&b=c"), ("r", "")], Ok("http://h/a?q=a%26b%3Dc&r=")),
        ("http://h/a?id={x y&z}", "", &[], Ok("http://h/a?id=x%20y%26z")),
        ("http://h/a#frag", "b", &[("q", "1")], Ok("http://h/a/b?q=1#frag")),
        ("http://h?x=1", "p", &[], Ok("http://h/p?x=1")),
        ("https://h:8443/ü/{ü}", "", &[], Ok("https://h:8443/ü/%C3%BC")),
        ("http://h/{a}{b}", "", &[("ü", "é")], Ok("http://h/ab?%C3%BC=%C3%A9")),
        ("http://{h}/a", "", &[], host_error),
        ("http://h:{8080}/a", "", &[], host_error),
        ("{http}://h/a", "", &[], host_error),
        ("http://h{.evil.example}/a", "", &[], host_error),
        ("http://{}", "", &[], host_error),
        ("/relative/x", "", &[], Err("no scheme and host")),
    ];
    for (url, path, query, expected) in rows {
        let got = build_url(&parts(url), &parts(path), &pairs(query));
        match (expected, got) {
            (Ok(want), Ok(got)) => assert_eq!(&got, want, "{url} + {path}"),
            (Err(want), Err(got)) => assert!(got.contains(want), "{url}: {got}"),
            (want, got) => panic!("{url} + {path}: expected {want:?}, got {got:?}"),
        }
    }
}

#[test]
fn checks_urls_at_start() {
    let rows: &[(&str, bool)] = &[
        ("http://h/{x}", true),
        ("https://h", true),
        ("http://127.0.0.1:9/users/{id}?a={b}", true),
        ("ftp://h/{x}", false),
        ("http://{x}", false),
        ("http://h:{p}/", false),
        ("h/{x}", false),
        ("http://", false),
        ("not a url", false),
    ];
    for (url, ok) in rows {
        assert_eq!(check_url(&parts(url)).is_ok(), *ok, "{url}");
    }
}

#[test]
fn merges_bodies() {
    let rows: &[(Option<&str>, Option<&str>, Option<&str>)] = &[
        (None, None, None),
        (Some(r#"{"a":1}"#), None, Some(r#"{"a":1}"#)),
        (None, Some(r#"{"a":1}"#), Some(r#"{"a":1}"#)),
        (
            Some(r#"{"a":1,"b":{"x":1}}"#),
            Some(r#"{"b":{"y":2},"c":3}"#),
            Some(r#"{"a":1,"b":{"y":2},"c":3}"#),
        ),
        (Some(r#"{"a":1}"#), Some("[1]"), Some("[1]")),
        (Some("[1]"), Some(r#"{"a":1}"#), Some(r#"{"a":1}"#)),
        (Some(r#"{"a":1}"#), Some("null"), Some("null")),
    ];
    let value = |s: &Option<&str>| s.map(|s| json::parse(s).unwrap());
    for (base, node, expected) in rows {
        let got = merge_body(value(base), value(node)).map(|v| v.to_json());
        assert_eq!(got.as_deref(), *expected, "{base:?} + {node:?}");
    }
}

#[test]
fn node_overrides_integration() {
    let call = IntegrationCall {
        method: String::new(),
        url: parts("http://h/x"),
        path: vec![],
        query: pairs(&[("a", "1"), ("b", "2"), ("A", "3"), ("a", "4")]),
        headers: pairs(&[
            ("X-Source", "integration"),
            ("Authorization", "Bearer t"),
            ("x-source", "node"),
            ("X-New", "n"),
        ]),
        json_body: Some(json::parse(r#"{"k":"v"}"#).unwrap()),
    };
    let req = request(call, Duration::from_millis(5)).unwrap();
    assert_eq!(req.method, "GET");
    assert_eq!(req.url, "http://h/x?a=4&b=2&A=3");
    assert_eq!(
        req.headers,
        pairs(&[
            ("x-source", "node"),
            ("Authorization", "Bearer t"),
            ("X-New", "n")
        ])
    );
    let (content_type, body) = req.body.clone().unwrap();
    assert_eq!(content_type, "application/json");
    assert_eq!(body, br#"{"k":"v"}"#);
    assert_eq!(req.timeout, Duration::from_millis(5));
    // A debug print of a request shows neither the URL nor header values.
    let debug = format!("{req:?}");
    assert!(
        !debug.contains("Bearer") && !debug.contains("http://h"),
        "{debug}"
    );
}

#[test]
fn picks_targets() {
    let branches = vec![("200".to_owned(), 3), ("shipped".to_owned(), 4)];
    let failed = |ct11| Outcome::Failed {
        ct11,
        error: "boom".to_owned(),
    };
    let branch = |k: &str| Outcome::Branch(k.to_owned());
    #[rustfmt::skip]
    let rows: Vec<(Outcome, Option<u64>, Result<u64, ErrorCode>)> = vec![
        (branch("200"), None, Ok(3)),
        (branch("shipped"), Some(9), Ok(4)),
        (branch("404"), Some(9), Ok(9)),
        (branch("404"), None, Err(ErrorCode::Ct51)),
        (Outcome::Unmatched, Some(9), Ok(9)),
        (Outcome::Unmatched, None, Err(ErrorCode::Ct51)),
        (failed(true), Some(9), Ok(9)),
        (failed(true), None, Err(ErrorCode::Ct11)),
        (failed(false), Some(9), Ok(9)),
        (failed(false), None, Err(ErrorCode::Ct51)),
    ];
    for (outcome, other, expected) in rows {
        let got = pick(&outcome, &branches, other.as_ref())
            .copied()
            .map_err(|e| e.code);
        assert_eq!(got, expected, "{outcome:?} other={other:?}");
    }
    let message = failed(true).unhandled().message;
    assert!(message.contains("boom"), "{message}");
}
