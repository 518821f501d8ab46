//! `api_integration` calls against loopback upstreams: branches, stored output, failures,
//! and what the upstream received.

use super::{client, raw_server, read_head, stream_body, Reply, Upstream};
use crate::outbound::integration::{
    call, finish, pick, Body, IntegrationCall, IntegrationResult, Outcome, UrlPart,
};
use crate::outbound::{Validation, MAX_RESPONSE_BYTES};
use crate::session::ErrorCode;
use flowc_lang::jsonpath::{self, JsonPath};
use flowc_lang::path::Path;
use flowc_lang::scope::NodeOutput;
use flowc_lang::template::NodePart;
use flowc_lang::{json, Value};
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(5);

fn get(url: &str) -> IntegrationCall {
    IntegrationCall {
        method: "GET".to_owned(),
        url: vec![UrlPart::Literal(url.to_owned())],
        path: vec![],
        query: vec![],
        headers: vec![],
        json_body: None,
    }
}

fn path(text: &str) -> JsonPath {
    jsonpath::parse(text).unwrap()
}

/// `[[node:a.b]]` as the flows read it: 1-based, under `result`.
fn read(out: &NodeOutput, dotted: &str) -> Option<String> {
    out.part(&NodePart::Other(Path::parse(dotted)), None)
        .map(Value::to_json)
}

fn number(n: i64) -> Value {
    Value::Number(flowc_lang::Number::from_i64(n))
}

#[tokio::test]
async fn status_branches_and_stored_output() {
    let crm = Upstream::start(|seen| match seen.path.as_str() {
        "/users/42" => Reply::json(
            200,
            r#"{"data": {"name": "Ada", "tags": ["admin", "ops"], "orders": [{"id": 7}, {"id": 9}]},
                "meta": {"v": 1}}"#,
        )
        .header("x-trace", "t-42")
        .header("x-multi", "a")
        .header("x-multi", "b"),
        "/users/43" => Reply::json(404, r#"{"data": {"error": "not found"}}"#),
        _ => Reply::json(500, r#"{"data": {"error": "boom"}}"#),
    })
    .await;
    let out = client();
    let base = path("$.data");
    let branches = vec![("200".to_owned(), 3), ("404".to_owned(), 4)];
    let mut answers = Vec::new();
    for id in ["42", "43", "44"] {
        let mut c = get(&format!("{}/users/", crm.base));
        c.url.push(UrlPart::Value(id.to_owned()));
        c.headers = vec![("Authorization".to_owned(), "Bearer s3cr3t".to_owned())];
        let result = call(&out, c, TIMEOUT).await;
        answers.push(finish(result, &Validation::StatusCode, Some(&base)));
    }

    let (ok, outcome) = &answers[0];
    assert_eq!(outcome, &Outcome::Branch("200".to_owned()));
    assert_eq!(pick(outcome, &branches, Some(&5)).ok(), Some(&3));
    assert_eq!(ok.status_code().cloned(), Some(number(200)));
    assert_eq!(ok.header("x-trace"), Some("t-42"));
    assert_eq!(ok.header("x-multi"), Some("a, b"));
    assert_eq!(ok.error, None);
    assert_eq!(read(ok, "name").as_deref(), Some(r#""Ada""#));
    assert_eq!(read(ok, "tags.2").as_deref(), Some(r#""ops""#));
    assert_eq!(read(ok, "orders.1.id").as_deref(), Some("7"));
    assert_eq!(read(ok, "meta.v"), None, "outside the base element");
    assert_eq!(
        ok.result.as_ref().map(Value::to_json).as_deref(),
        Some(r#"{"name":"Ada","tags":["admin","ops"],"orders":[{"id":7},{"id":9}]}"#)
    );

    let (not_found, outcome) = &answers[1];
    assert_eq!(pick(outcome, &branches, Some(&5)).ok(), Some(&4));
    assert_eq!(read(not_found, "error").as_deref(), Some(r#""not found""#));

    let (failed, outcome) = &answers[2];
    assert_eq!(pick(outcome, &branches, Some(&5)).ok(), Some(&5));
    assert_eq!(failed.status_code().cloned(), Some(number(500)));
    let error = pick(outcome, &branches, None).unwrap_err();
    assert_eq!(error.code, ErrorCode::Ct51);

    let seen = crm.seen();
    let paths: Vec<&str> = seen.iter().map(|s| s.path.as_str()).collect();
    assert_eq!(paths, ["/users/42", "/users/43", "/users/44"]);
    assert!(seen
        .iter()
        .all(|s| s.header("authorization") == Some("Bearer s3cr3t")));
    // One pooled keep-alive connection serves the three calls.
    assert!(seen[0].peer.is_some());
    assert!(seen.iter().all(|s| s.peer == seen[0].peer), "{seen:?}");
}

#[tokio::test]
async fn jsonpath_branches_read_the_whole_body() {
    let shop = Upstream::start(|seen| match seen.path.as_str() {
        "/1" => Reply::json(
            200,
            r#"{"items": [{"state": "shipped"}, {"state": "pending"}]}"#,
        ),
        "/2" => Reply::json(500, r#"{"items": [{"state": "pending"}]}"#),
        "/3" => Reply::json(200, r#"{"items": [{"state": "lost"}]}"#),
        "/4" => Reply::json(200, r#"{"items": []}"#),
        "/5" => Reply::json(200, r#"{"items": [{"state": true}]}"#),
        "/6" => Reply::json(200, r#"{"items": [{"state": 1.50}]}"#),
        _ => Reply::json(200, r#"{"items": [{"state": null}]}"#),
    })
    .await;
    let out = client();
    let validation = Validation::Path(path("$.items[0].state"));
    // The base element does not change what the validation path reads.
    let base = path("$.items");
    let rows: &[(&str, Outcome)] = &[
        ("/1", Outcome::Branch("shipped".to_owned())),
        ("/2", Outcome::Branch("pending".to_owned())),
        ("/3", Outcome::Branch("lost".to_owned())),
        ("/4", Outcome::Unmatched),
        ("/5", Outcome::Branch("true".to_owned())),
        ("/6", Outcome::Branch("1.5".to_owned())),
        ("/7", Outcome::Branch(String::new())),
    ];
    for (p, expected) in rows {
        let result = call(&out, get(&format!("{}{p}", shop.base)), TIMEOUT).await;
        let (stored, outcome) = finish(result, &validation, Some(&base));
        assert_eq!(&outcome, expected, "{p}");
        assert!(stored.result.is_some(), "{p}");
    }
    let result = call(&out, get(&format!("{}/1", shop.base)), TIMEOUT).await;
    let (stored, _) = finish(result, &validation, Some(&base));
    assert_eq!(read(&stored, "2.state").as_deref(), Some(r#""pending""#));
}

#[tokio::test]
async fn missing_base_element_and_other_bodies() {
    let up = Upstream::start(|seen| match seen.path.as_str() {
        "/json" => Reply::json(200, r#"{"meta": 1}"#),
        "/text" => Reply::text(502, "Bad gateway, try later"),
        "/string" => Reply::json(200, r#""just a string""#),
        _ => Reply::text(204, ""),
    })
    .await;
    let out = client();
    let base = path("$.data");
    let whole = Validation::Path(path("$"));
    let rows: &[(&str, Option<&str>, Outcome)] = &[
        ("/json", None, Outcome::Branch(r#"{"meta":1}"#.to_owned())),
        (
            "/text",
            Some(r#""Bad gateway, try later""#),
            Outcome::Branch("Bad gateway, try later".to_owned()),
        ),
        ("/string", None, Outcome::Branch("just a string".to_owned())),
        ("/empty", None, Outcome::Unmatched),
    ];
    for (p, result, expected) in rows {
        let answer = call(&out, get(&format!("{}{p}", up.base)), TIMEOUT).await;
        let (stored, outcome) = finish(answer, &whole, Some(&base));
        assert_eq!(
            stored.result.as_ref().map(Value::to_json).as_deref(),
            *result,
            "{p}"
        );
        assert_eq!(&outcome, expected, "{p}");
        assert!(
            stored.status_code().is_some() && stored.error.is_none(),
            "{p}"
        );
    }
    let answer = call(&out, get(&format!("{}/text", up.base)), TIMEOUT).await;
    let IntegrationResult::Answered { body, status, .. } = &answer else {
        panic!("{answer:?}")
    };
    assert_eq!(*status, 502);
    assert_eq!(body, &Body::Text("Bad gateway, try later".to_owned()));
    let (stored, _) = finish(answer, &Validation::StatusCode, None);
    assert_eq!(stored.result, Some(Value::str("Bad gateway, try later")));
}

#[tokio::test]
async fn templated_request_reaches_the_upstream() {
    let hook = Upstream::start(|_| Reply::json(201, r#"{"id": "h1"}"#)).await;
    let c = IntegrationCall {
        method: "POST".to_owned(),
        url: vec![
            UrlPart::Literal(format!("{}/hooks/", hook.base)),
            UrlPart::Value("in bound/1?x#y".to_owned()),
            UrlPart::Literal("?fixed=1".to_owned()),
        ],
        path: vec![
            UrlPart::Literal("/v2/".to_owned()),
            UrlPart::Value("é".to_owned()),
        ],
        query: vec![
            ("ref".to_owned(), "R 9&x=1".to_owned()),
            ("v".to_owned(), "1".to_owned()),
            ("v".to_owned(), "2".to_owned()),
        ],
        headers: vec![
            ("X-Api-Key".to_owned(), "k-123".to_owned()),
            ("X-Source".to_owned(), "integration".to_owned()),
            ("x-source".to_owned(), "node".to_owned()),
            ("X-Customer".to_owned(), "Ada".to_owned()),
        ],
        json_body: Some(
            json::parse(r#"{"name":"Ada","qty":3,"tags":["a","Ada"],"n":null}"#).unwrap(),
        ),
    };
    let result = call(&client(), c, TIMEOUT).await;
    let (stored, outcome) = finish(result, &Validation::StatusCode, None);
    assert_eq!(outcome, Outcome::Branch("201".to_owned()));
    assert_eq!(read(&stored, "id").as_deref(), Some(r#""h1""#));

    let seen = hook.seen();
    assert_eq!(seen.len(), 1);
    let s = &seen[0];
    assert_eq!(s.method, "POST");
    assert_eq!(s.path, "/hooks/in%20bound%2F1%3Fx%23y/v2/%C3%A9");
    assert_eq!(s.query.as_deref(), Some("fixed=1&ref=R%209%26x%3D1&v=2"));
    assert_eq!(s.header("x-api-key"), Some("k-123"));
    assert_eq!(s.header("x-customer"), Some("Ada"));
    let sources: Vec<_> = s.headers.iter().filter(|(n, _)| n == "x-source").collect();
    assert_eq!(sources, [&("x-source".to_owned(), "node".to_owned())]);
    assert_eq!(s.header("content-type"), Some("application/json"));
    assert_eq!(
        s.body_text(),
        r#"{"name":"Ada","qty":3,"tags":["a","Ada"],"n":null}"#
    );
}

#[tokio::test]
async fn a_content_type_header_wins_over_the_json_default() {
    let up = Upstream::start(|_| Reply::json(200, "{}")).await;
    let mut c = get(&up.base);
    c.method = "PUT".to_owned();
    c.headers = vec![(
        "Content-Type".to_owned(),
        "application/vnd.x+json".to_owned(),
    )];
    c.json_body = Some(Value::str("x"));
    call(&client(), c, TIMEOUT).await;
    let seen = up.seen();
    assert_eq!(seen[0].method, "PUT");
    assert_eq!(
        seen[0].header("content-type"),
        Some("application/vnd.x+json")
    );
    assert_eq!(seen[0].body_text(), r#""x""#);
}

#[tokio::test]
async fn a_timeout_is_a_connection_failure() {
    let slow = Upstream::start(|_| Reply::json(200, "{}").delayed(Duration::from_secs(3))).await;
    let started = Instant::now();
    let result = call(&client(), get(&slow.base), Duration::from_millis(200)).await;
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    let (stored, outcome) = finish(result, &Validation::StatusCode, None);
    assert_failed_ct11(&stored, &outcome, "200 ms");
}

#[tokio::test]
async fn a_closed_connection_is_a_connection_failure() {
    let base = raw_server(|mut stream| async move {
        read_head(&mut stream).await;
        drop(stream);
    })
    .await;
    let result = call(&client(), get(&base), TIMEOUT).await;
    let (stored, outcome) = finish(result, &Validation::StatusCode, None);
    assert_failed_ct11(&stored, &outcome, "");
}

#[tokio::test]
async fn a_refused_connection_is_a_connection_failure() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let result = call(&client(), get(&format!("http://{addr}/x")), TIMEOUT).await;
    let (stored, outcome) = finish(result, &Validation::StatusCode, None);
    assert_failed_ct11(&stored, &outcome, "could not connect");
}

#[tokio::test]
async fn a_template_cannot_pick_the_host() {
    let c = IntegrationCall {
        url: vec![
            UrlPart::Literal("http://".to_owned()),
            UrlPart::Value("evil.example".to_owned()),
        ],
        ..get("")
    };
    let result = call(&client(), c, TIMEOUT).await;
    let (stored, outcome) = finish(result, &Validation::StatusCode, None);
    assert_failed_ct11(&stored, &outcome, "scheme, host or port");
}

fn assert_failed_ct11(stored: &NodeOutput, outcome: &Outcome, says: &str) {
    let Outcome::Failed { ct11: true, error } = outcome else {
        panic!("{outcome:?}")
    };
    assert!(error.contains(says), "{error}");
    assert_eq!(stored.status_code(), None);
    assert_eq!(stored.result, None);
    assert_eq!(stored.error, Some(Value::str(error.as_str())));
    let branches = [("200".to_owned(), 1)];
    assert_eq!(pick(outcome, &branches, Some(&9)).ok(), Some(&9));
    let code = pick(outcome, &branches, None).unwrap_err().code;
    assert_eq!(code, ErrorCode::Ct11);
}

#[tokio::test]
async fn a_body_over_the_cap_is_too_large() {
    let declared = Upstream::start(|_| Reply {
        body: vec![b' '; MAX_RESPONSE_BYTES + 1],
        ..Reply::json(200, "")
    })
    .await;
    let streamed = raw_server(|stream| stream_body(stream, MAX_RESPONSE_BYTES + 100_000)).await;
    for base in [declared.base.clone(), streamed] {
        let result = call(&client(), get(&base), TIMEOUT).await;
        let (stored, outcome) = finish(result, &Validation::StatusCode, None);
        let Outcome::Failed { ct11: false, error } = &outcome else {
            panic!("{base}: {outcome:?}")
        };
        assert!(error.contains("larger than"), "{error}");
        assert_eq!(stored.status_code().cloned(), Some(number(200)));
        assert_eq!(stored.result, None);
        assert!(stored.error.is_some());
        let code = pick(&outcome, &[("200".to_owned(), 1)], None)
            .unwrap_err()
            .code;
        assert_eq!(code, ErrorCode::Ct51);
    }
}

#[tokio::test]
async fn a_body_at_the_cap_is_read() {
    let base = raw_server(|stream| stream_body(stream, MAX_RESPONSE_BYTES)).await;
    let result = call(&client(), get(&base), TIMEOUT).await;
    let IntegrationResult::Answered { status, body, .. } = &result else {
        panic!("{:?}", outcome_of(&result))
    };
    assert_eq!(*status, 200);
    let Body::Text(text) = body else {
        panic!("not text")
    };
    assert_eq!(text.len(), MAX_RESPONSE_BYTES);
}

fn outcome_of(result: &IntegrationResult) -> Outcome {
    crate::outbound::integration::outcome(&Validation::StatusCode, result)
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let up = Upstream::start(|seen| match seen.path.as_str() {
        "/old" => Reply::text(302, "").header("location", "/new"),
        _ => Reply::json(200, r#"{"moved": true}"#),
    })
    .await;
    let result = call(&client(), get(&format!("{}/old", up.base)), TIMEOUT).await;
    let (stored, outcome) = finish(result, &Validation::StatusCode, None);
    assert_eq!(outcome, Outcome::Branch("302".to_owned()));
    assert_eq!(stored.header("location"), Some("/new"));
    assert_eq!(up.seen().len(), 1);
}
