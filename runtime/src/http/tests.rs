//! The HTTP contract through `Router::oneshot`: every check, its order, the error body,
//! `X-Request-Id`, and how answers and session errors become responses.

use super::*;
use crate::app::Services;
use crate::config::Config;
use crate::session::{Answer, ErrorCode, SessionError};
use axum::body::Body;
use axum::extract::connect_info::ConnectInfo;
use axum::http::{Request, StatusCode};
use sha2::{Digest, Sha256};
use std::net::SocketAddr;
use std::sync::Mutex;
use tower::ServiceExt;

const ID: &str = "3f0c9a52-6a2d-4d8e-9b1c-0d7e5f4a2b11";
const PATH: &str = "/dynamic/3f0c9a52-6a2d-4d8e-9b1c-0d7e5f4a2b11";
const TOKEN: &str = "v-secret-token-1234";
const MAX_BODY: usize = 32;

fn sha256_hex(s: &str) -> String {
    Sha256::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// 127.0.0.1 and 203.0.113.0/24.
fn allowlist() -> Vec<IpNet> {
    vec![IpNet::V4(0x7f00_0001, 32), IpNet::V4(0xcb00_7100, 24)]
}

fn spec() -> RouteSpec {
    RouteSpec {
        id: ID.to_owned(),
        name: "order-triage".to_owned(),
        method: "POST",
        allowed: allowlist(),
        token_sha256: vec![sha256_hex("an-old-token"), sha256_hex(TOKEN)],
        is_async: false,
        timeout_ms: 200,
        entry: "order-triage:1".to_owned(),
        // `authorization` is named to show it is left out all the same.
        headers_read: [
            "authorization",
            "content-type",
            "x-absent",
            "x-multi",
            "x-upper",
        ]
        .map(String::from)
        .to_vec(),
        body_reads: None,
    }
}

/// A flow that records its call and answers 200 `{"ok":true}`.
fn recording_flow(seen: Arc<Mutex<Vec<Call>>>) -> FlowFn {
    Arc::new(move |call: Call| {
        let seen = Arc::clone(&seen);
        Box::pin(async move {
            seen.lock().unwrap().push(call);
            Ok(crate::session::Outcome::Answered(Answer {
                status: 200,
                headers: vec![],
                content_type: Some("application/json".into()),
                body: bytes::Bytes::from_static(br#"{"ok":true}"#),
            }))
        })
    })
}

/// A flow that ends with `result` (after `delay_ms`).
fn fixed_flow(result: crate::session::SessionResult, delay_ms: u64) -> FlowFn {
    Arc::new(move |_call: Call| {
        let result = result.clone();
        Box::pin(async move {
            tokio::time::sleep(std::time::Duration::from_millis(delay_ms)).await;
            result
        })
    })
}

fn config() -> Config {
    Config {
        max_body: MAX_BODY,
        max_steps: 77,
        trusted_proxies: vec![IpNet::V4(0x7f00_0001, 32)],
        ..Config::default()
    }
}

struct App {
    router: axum::Router,
    seen: Arc<Mutex<Vec<Call>>>,
}

fn app_with(spec: RouteSpec, config: Config) -> App {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let router = router(
        vec![(spec, recording_flow(Arc::clone(&seen)))],
        Services::bare(Arc::new(config)),
    );
    App { router, seen }
}

fn app() -> App {
    app_with(spec(), config())
}

/// A request to send: method, path, peer, headers, body.
#[derive(Clone)]
struct Req {
    method: &'static str,
    path: String,
    peer: &'static str,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

/// A valid call: POST with the token and a small JSON body from 127.0.0.1.
fn ok() -> Req {
    Req {
        method: "POST",
        path: PATH.to_owned(),
        peer: "127.0.0.1:40000",
        headers: vec![
            ("authorization", format!("Bearer {TOKEN}")),
            ("content-type", "application/json".to_owned()),
        ],
        body: br#"{"a":1}"#.to_vec(),
    }
}

impl Req {
    fn method(mut self, m: &'static str) -> Req {
        self.method = m;
        self
    }
    fn path(mut self, p: &str) -> Req {
        p.clone_into(&mut self.path);
        self
    }
    fn peer(mut self, p: &'static str) -> Req {
        self.peer = p;
        self
    }
    fn header(mut self, name: &'static str, value: &str) -> Req {
        self.headers.retain(|(n, _)| *n != name);
        self.headers.push((name, value.to_owned()));
        self
    }
    fn add_header(mut self, name: &'static str, value: &str) -> Req {
        self.headers.push((name, value.to_owned()));
        self
    }
    fn without(mut self, name: &'static str) -> Req {
        self.headers.retain(|(n, _)| *n != name);
        self
    }
    fn body(mut self, b: &[u8]) -> Req {
        self.body = b.to_vec();
        self
    }

    fn build(self) -> Request<Body> {
        let mut builder = Request::builder().method(self.method).uri(self.path);
        for (name, value) in &self.headers {
            builder = builder.header(*name, value);
        }
        let mut request = builder.body(Body::from(self.body)).unwrap();
        let peer: SocketAddr = self.peer.parse().unwrap();
        request.extensions_mut().insert(ConnectInfo(peer));
        request
    }
}

/// What came back.
struct Resp {
    status: u16,
    headers: axum::http::HeaderMap,
    body: String,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    fn json(&self) -> flowc_lang::Value {
        flowc_lang::json::parse(&self.body).unwrap_or_else(|e| panic!("{e:?}: {}", self.body))
    }

    /// The error body's `code`, checking the body's shape and that `request_id` equals
    /// `X-Request-Id`.
    fn error_code(&self) -> String {
        let v = self.json();
        let err = v
            .segment("error", None)
            .unwrap_or_else(|| panic!("no error member: {}", self.body));
        let field = |k: &str| match err.segment(k, None) {
            Some(flowc_lang::Value::String(s)) => s.clone(),
            other => panic!("error.{k} is {other:?} in {}", self.body),
        };
        assert_eq!(
            Some(field("request_id").as_str()),
            self.header("x-request-id"),
            "{}",
            self.body
        );
        assert!(!field("message").is_empty());
        assert_eq!(self.header("content-type"), Some("application/json"));
        field("code")
    }
}

async fn send(router: &axum::Router, req: Req) -> Resp {
    let response = router.clone().oneshot(req.build()).await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    Resp {
        status,
        headers,
        body: String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

/// Sends `req` and checks the status and, for errors, the code.
async fn check(app: &App, req: Req, status: u16, code: Option<&str>) -> Resp {
    let resp = send(&app.router, req).await;
    assert_eq!(resp.status, status, "{}", resp.body);
    assert!(
        resp.header("x-request-id").is_some_and(|id| id.len() == 36),
        "x-request-id on every answer"
    );
    assert!(
        !resp.body.contains(TOKEN) && !resp.body.contains("wrong-token-xyz"),
        "a token leaked: {}",
        resp.body
    );
    if let Some(code) = code {
        assert_eq!(resp.error_code(), code);
    }
    resp
}

#[tokio::test]
async fn checks_and_their_order() {
    let app = app();
    let too_big = vec![b' '; MAX_BODY + 1];
    // (request, status, code): each row fails exactly one check, the earliest one wins.
    let rows: Vec<(Req, u16, Option<&str>)> = vec![
        (ok(), 200, None),
        // 1. route exists, checked before everything else.
        (
            ok().path("/dynamic/nope")
                .peer("10.9.9.9:1")
                .without("authorization"),
            404,
            Some("not_found"),
        ),
        (ok().path(&format!("{PATH}/")), 404, Some("not_found")),
        (ok().path(&PATH.to_uppercase()), 404, Some("not_found")),
        (ok().path("/dynamic/"), 404, Some("not_found")),
        (ok().path("/dynamic"), 404, Some("not_found")),
        (ok().path("/"), 404, Some("not_found")),
        (ok().path(&format!("{PATH}?x=1")), 200, None),
        // 2. the address before the token.
        (
            ok().peer("127.0.0.2:1").without("authorization"),
            403,
            Some("forbidden"),
        ),
        (ok().peer("[::1]:1"), 403, Some("forbidden")),
        (ok().peer("[::ffff:127.0.0.1]:1"), 200, None),
        // 3. the token before the method.
        (
            ok().method("GET").without("authorization"),
            401,
            Some("unauthorized"),
        ),
        (
            ok().header("authorization", "Bearer wrong-token-xyz"),
            401,
            Some("unauthorized"),
        ),
        (
            ok().header("authorization", TOKEN),
            401,
            Some("unauthorized"),
        ),
        (
            ok().header("authorization", &format!("Basic {TOKEN}")),
            401,
            Some("unauthorized"),
        ),
        (
            ok().header("authorization", "Bearer "),
            401,
            Some("unauthorized"),
        ),
        (
            ok().header("authorization", &format!("Bearer {TOKEN}x")),
            401,
            Some("unauthorized"),
        ),
        (
            ok().header("authorization", &format!("bearer {TOKEN}")),
            200,
            None,
        ),
        (
            ok().header("authorization", &format!("BEARER   {TOKEN} ")),
            200,
            None,
        ),
        (
            ok().header("authorization", "Bearer an-old-token"),
            200,
            None,
        ),
        // 4. the method before the size.
        (
            ok().method("GET").body(&too_big),
            405,
            Some("method_not_allowed"),
        ),
        (ok().method("PUT"), 405, Some("method_not_allowed")),
        (ok().method("HEAD"), 405, None),
        (ok().method("OPTIONS"), 405, Some("method_not_allowed")),
        // 5. the size before the media type.
        (
            ok().header("content-type", "text/plain").body(&too_big),
            413,
            Some("payload_too_large"),
        ),
        // 6. media type, then JSON.
        (
            ok().header("content-type", "text/plain").body(b"{"),
            415,
            Some("unsupported_media_type"),
        ),
        (
            ok().without("content-type"),
            415,
            Some("unsupported_media_type"),
        ),
        (
            ok().header("content-type", "application/jsonx"),
            415,
            Some("unsupported_media_type"),
        ),
        (
            ok().header("content-type", "application/+json"),
            415,
            Some("unsupported_media_type"),
        ),
        (
            ok().header("content-type", "text/json"),
            415,
            Some("unsupported_media_type"),
        ),
        (ok().body(b"{\"a\": "), 400, Some("bad_request")),
        (ok().body(b"   "), 400, Some("bad_request")),
        (ok().body(b"\xff"), 400, Some("bad_request")),
        (
            ok().header("content-type", "Application/JSON; charset=UTF-8"),
            200,
            None,
        ),
        (
            ok().header("content-type", "application/problem+json"),
            200,
            None,
        ),
        (
            ok().header("content-type", "application/vnd.api+json ; v=1"),
            200,
            None,
        ),
        (
            ok().header("content-type", "text/plain").body(b""),
            200,
            None,
        ),
        (ok().without("content-type").body(b""), 200, None),
    ];
    for (i, (req, status, code)) in rows.into_iter().enumerate() {
        let resp = send(&app.router, req).await;
        assert_eq!(resp.status, status, "row {i}: {}", resp.body);
        assert!(resp.header("x-request-id").is_some(), "row {i}");
        assert!(
            !resp.body.contains(TOKEN) && !resp.body.contains("wrong-token-xyz"),
            "row {i}"
        );
        if let Some(code) = code {
            assert_eq!(resp.error_code(), code, "row {i}");
        }
    }
}

#[tokio::test]
async fn error_headers() {
    let app = app();
    let r = check(
        &app,
        ok().without("authorization"),
        401,
        Some("unauthorized"),
    )
    .await;
    assert_eq!(r.header("www-authenticate"), Some("Bearer"));
    let r = check(&app, ok().method("DELETE"), 405, Some("method_not_allowed")).await;
    assert_eq!(r.header("allow"), Some("POST"));
    let r = check(&app, ok().method("HEAD"), 405, None).await;
    assert_eq!(r.header("allow"), Some("POST"));
}

#[tokio::test]
async fn body_size_boundaries() {
    let app = app();
    // Exactly max_body bytes of valid JSON pass; one more does not.
    let exact = format!(r#"{{"a":"{}"}}"#, "x".repeat(MAX_BODY - 8));
    assert_eq!(exact.len(), MAX_BODY);
    check(&app, ok().body(exact.as_bytes()), 200, None).await;
    let over = format!(r#"{{"a":"{}"}}"#, "x".repeat(MAX_BODY - 7));
    check(
        &app,
        ok().body(over.as_bytes()),
        413,
        Some("payload_too_large"),
    )
    .await;
    // A declared length over the limit is refused without reading.
    let lying = ok()
        .body(b"{}")
        .header("content-length", &(MAX_BODY + 1).to_string());
    check(&app, lying, 413, Some("payload_too_large")).await;
}

#[tokio::test]
async fn zero_length_body_is_no_body() {
    let app = app();
    check(
        &app,
        ok().header("content-type", "image/png").body(b""),
        200,
        None,
    )
    .await;
    let calls = app.seen.lock().unwrap();
    assert_eq!(calls.len(), 1);
    assert!(calls[0].request.body.is_none());
}

/// A synchronous route's body keeps what the flows' paths reach, and every part is still
/// checked; an asynchronous route's is kept whole (it is stored for a later build).
#[tokio::test]
async fn the_body_keeps_what_the_flows_read() {
    let reads = ["customer.id", "items.#.qty"].map(String::from).to_vec();
    let shaped = RouteSpec {
        body_reads: Some(reads),
        ..spec()
    };
    let roomy = Config {
        max_body: 4096,
        ..config()
    };
    let app = app_with(shaped, roomy);
    let body =
        br#"{"customer":{"id":"C1","tier":"gold"},"items":[{"sku":"A","qty":2}],"note":"x"}"#;
    check(&app, ok().body(body), 200, None).await;
    let kept = flowc_lang::json::parse(r#"{"customer":{"id":"C1"},"items":[{"qty":2}]}"#).ok();
    assert_eq!(app.seen.lock().unwrap()[0].request.body, kept);
    // Broken where no flow reads: still 400, with the same message as a whole parse.
    let broken = br#"{"customer":{"id":"C1"},"note":"\x"}"#;
    let resp = check(&app, ok().body(broken), 400, None).await;
    assert!(resp.body.contains("invalid escape"), "{}", resp.body);
}

#[tokio::test]
async fn the_call_a_session_sees() {
    let app = app();
    let req = ok()
        .path(&format!(
            "{PATH}?k=v+1&e=%C3%A9%2B&k=second&flag&=empty&bad=%zz"
        ))
        .add_header("x-multi", "a")
        .add_header("x-multi", "b")
        .header("X-Upper", "U")
        .header("x-unread", "no flow names it");
    let resp = check(&app, req, 200, None).await;
    let calls = app.seen.lock().unwrap();
    let call = &calls[0];
    let r = &call.request;
    assert_eq!(
        (&*r.method, &*r.path, r.ip.as_str()),
        ("POST", PATH, "127.0.0.1")
    );
    let query: Vec<(String, String)> = r
        .query
        .iter()
        .map(|(k, v)| (k.clone(), v.render()))
        .collect();
    let want = [
        ("k", "v 1"),
        ("e", "é+"),
        ("flag", ""),
        ("", "empty"),
        ("bad", "%zz"),
    ];
    assert_eq!(query, want.map(|(k, v)| (k.to_owned(), v.to_owned())));
    // Only the headers the route's flows name, in the order of `headers_read`; the token
    // never reaches a flow, named or not.
    let headers: Vec<(&str, &str)> = r
        .headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let want = [
        ("content-type", "application/json"),
        ("x-multi", "a, b"),
        ("x-upper", "U"),
    ];
    assert_eq!(headers, want);
    assert_eq!(
        r.body.as_ref().map(|b| b.to_json()),
        Some(r#"{"a":1}"#.to_owned())
    );
    let s = &call.session;
    assert_eq!(Some(&*s.id), resp.header("x-request-id"));
    assert_eq!(
        (&*s.route, &*s.flow, s.msisdn.as_deref()),
        ("order-triage", "", None)
    );
    assert_eq!(
        s.started_at.as_str().len(),
        "2026-11-25T17:26:42.123Z".len()
    );
    assert_eq!(call.max_steps, 77);
}

#[tokio::test]
async fn trusted_proxies() {
    let app = app();
    let via = |peer: &'static str, xff: &str| ok().peer(peer).header("x-forwarded-for", xff);
    check(&app, via("127.0.0.1:1", "203.0.113.9"), 200, None).await;
    check(
        &app,
        via("127.0.0.1:1", "198.51.100.1, 203.0.113.77"),
        200,
        None,
    )
    .await;
    check(
        &app,
        via("127.0.0.1:1", "203.0.113.50, 198.51.100.1"),
        403,
        Some("forbidden"),
    )
    .await;
    // An untrusted peer's X-Forwarded-For is ignored: the peer itself is checked.
    check(
        &app,
        via("127.0.0.2:1", "203.0.113.9"),
        403,
        Some("forbidden"),
    )
    .await;
    check(
        &app,
        via("[::ffff:127.0.0.1]:1", "::ffff:203.0.113.5"),
        200,
        None,
    )
    .await;
    let ips: Vec<String> = app
        .seen
        .lock()
        .unwrap()
        .iter()
        .map(|c| c.request.ip.as_str().to_owned())
        .collect();
    assert_eq!(ips, ["203.0.113.9", "203.0.113.77", "203.0.113.5"]);
}

#[tokio::test]
async fn tokens_flag_replaces_the_bundle_hashes() {
    let mut config = config();
    config
        .tokens
        .insert(ID.to_owned(), vec![sha256_hex("rotated").to_uppercase()]);
    let app = app_with(spec(), config);
    check(&app, ok(), 401, Some("unauthorized")).await;
    check(
        &app,
        ok().header("authorization", "Bearer rotated"),
        200,
        None,
    )
    .await;
    // A file that lists another route leaves this one alone.
    let mut config = self::config();
    config
        .tokens
        .insert("other".to_owned(), vec![sha256_hex("rotated")]);
    check(&app_with(spec(), config), ok(), 200, None).await;
}

#[tokio::test]
async fn request_id_matches_on_success_and_differs_per_request() {
    let app = app();
    let a = check(&app, ok(), 200, None).await;
    let b = check(&app, ok(), 200, None).await;
    assert_ne!(a.header("x-request-id"), b.header("x-request-id"));
    let ids: Vec<String> = app
        .seen
        .lock()
        .unwrap()
        .iter()
        .map(|c| c.session.id.to_string())
        .collect();
    assert_eq!(
        ids,
        [
            a.header("x-request-id").unwrap(),
            b.header("x-request-id").unwrap()
        ]
    );
}

#[tokio::test]
async fn healthz() {
    let app = app();
    let r = check(
        &app,
        ok().path("/healthz").method("GET").body(b""),
        200,
        None,
    )
    .await;
    assert_eq!(r.body, r#"{"status":"ok"}"#);
    assert_eq!(r.header("content-type"), Some("application/json"));
    let r = check(&app, ok().path("/healthz"), 405, Some("method_not_allowed")).await;
    assert_eq!(r.header("allow"), Some("GET"));
    check(&app, ok().path("/healthz/"), 404, Some("not_found")).await;
}

#[tokio::test]
async fn missing_connect_info_fails_closed() {
    let app = app();
    let mut request = ok().build();
    request.extensions_mut().remove::<ConnectInfo<SocketAddr>>();
    let response = app.router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(app.seen.lock().unwrap().is_empty());
}

/// An app whose only route ends with `result` after `delay_ms`.
fn app_ending(
    result: crate::session::SessionResult,
    delay_ms: u64,
    spec: RouteSpec,
) -> axum::Router {
    router(
        vec![(spec, fixed_flow(result, delay_ms))],
        Services::bare(Arc::new(config())),
    )
}

fn answer(status: u16, headers: &[(&str, &str)], content_type: Option<&str>, body: &str) -> Answer {
    Answer {
        status,
        headers: headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        content_type: content_type.map(|c| c.to_owned().into()),
        body: bytes::Bytes::from(body.to_owned()),
    }
}

#[tokio::test]
async fn answers_become_responses() {
    let plain = Some("text/plain; charset=utf-8");
    type Row<'a> = (Answer, u16, Vec<(&'a str, &'a str)>, &'a str);
    let rows: Vec<Row> = vec![
        (
            answer(201, &[("X-Order", "A1")], Some("application/json"), "{}"),
            201,
            vec![("x-order", "A1"), ("content-type", "application/json")],
            "{}",
        ),
        (
            answer(200, &[], plain, "Hi"),
            200,
            vec![("content-type", "text/plain; charset=utf-8")],
            "Hi",
        ),
        (
            answer(200, &[("Content-Type", "text/csv")], plain, "a,b"),
            200,
            vec![("content-type", "text/csv")],
            "a,b",
        ),
        (answer(204, &[], None, ""), 204, vec![], ""),
        (
            answer(200, &[("x-request-id", "mine")], None, ""),
            200,
            vec![],
            "",
        ),
        (answer(200, &[("x-bad", "a\nb")], None, ""), 500, vec![], ""),
        (answer(200, &[("bad name", "v")], None, ""), 500, vec![], ""),
    ];
    for (i, (answer, status, headers, body)) in rows.into_iter().enumerate() {
        let router = app_ending(Ok(answer.into()), 0, spec());
        let resp = send(&router, ok()).await;
        assert_eq!(resp.status, status, "row {i}: {}", resp.body);
        let id = resp.header("x-request-id").unwrap_or_default();
        assert_eq!(
            id.len(),
            36,
            "row {i}: the session id wins over a flow's x-request-id"
        );
        if status == 500 {
            assert_eq!(resp.error_code(), "CT21", "row {i}");
            continue;
        }
        for (name, value) in headers {
            assert_eq!(resp.header(name), Some(value), "row {i}: {name}");
        }
        if body.is_empty() {
            assert_eq!(
                resp.header("content-type"),
                None,
                "row {i}: no body, no content type"
            );
        }
        assert_eq!(resp.body, body, "row {i}");
    }
}

#[tokio::test]
async fn repeated_answer_headers_keep_their_order() {
    let answer = answer(
        200,
        &[("set-cookie", "a=1"), ("set-cookie", "b=2")],
        None,
        "",
    );
    let response = app_ending(Ok(answer.into()), 0, spec())
        .oneshot(ok().build())
        .await
        .unwrap();
    let cookies: Vec<_> = response.headers().get_all("set-cookie").iter().collect();
    assert_eq!(cookies, ["a=1", "b=2"]);
}

#[tokio::test]
async fn session_errors_timeouts_panics_and_async() {
    let ct04 = Err(SessionError::no_target("f", 3, "no"));
    let resp = send(&app_ending(ct04, 0, spec()), ok()).await;
    assert_eq!((resp.status, resp.error_code().as_str()), (500, "CT04"));

    let ct51 = Err(SessionError::new(ErrorCode::Ct51, "upstream said no"));
    let resp = send(&app_ending(ct51, 0, spec()), ok()).await;
    assert_eq!((resp.status, resp.error_code().as_str()), (502, "CT51"));

    let slow = app_ending(
        Ok(answer(200, &[], None, "").into()),
        1_000,
        RouteSpec {
            timeout_ms: 20,
            ..spec()
        },
    );
    let resp = send(&slow, ok()).await;
    assert_eq!((resp.status, resp.error_code().as_str()), (504, "CT12"));

    let async_route = app_ending(
        Ok(answer(200, &[], None, "").into()),
        0,
        RouteSpec {
            is_async: true,
            ..spec()
        },
    );
    let resp = send(&async_route, ok()).await;
    // Without a store an acknowledgement cannot be made durable: refuse rather than lose it.
    assert_eq!((resp.status, resp.error_code().as_str()), (500, "CT21"));
    assert!(resp.body.contains("store"));

    assert_a_panic_fails_only_its_request(0).await;
}

/// A session that panics when the request has a body, after waiting `wait_ms` (0: in its
/// first poll, in the request's task; more: in the task it continues in).
async fn assert_a_panic_fails_only_its_request(wait_ms: u64) {
    let panicking: FlowFn = Arc::new(move |call: Call| {
        Box::pin(async move {
            if wait_ms > 0 {
                tokio::time::sleep(std::time::Duration::from_millis(wait_ms)).await;
            }
            if call.request.body.is_some() {
                panic!("a bug in a session");
            }
            Ok(answer(200, &[], None, "").into())
        })
    });
    let router = router(
        vec![(spec(), panicking)],
        Services::bare(Arc::new(config())),
    );
    let resp = send(&router, ok()).await;
    assert_eq!((resp.status, resp.error_code().as_str()), (500, "CT21"));
    // The server goes on.
    assert_eq!(send(&router, ok().body(b"")).await.status, 200);
}

/// A session that waits is finished by a task of its own: it still answers, and a panic
/// after the wait still fails only its own request.
#[tokio::test]
async fn sessions_that_wait_answer_and_fail_alone() {
    let waits_then_answers = app_ending(Ok(answer(201, &[], None, "").into()), 5, spec());
    assert_eq!(send(&waits_then_answers, ok()).await.status, 201);

    assert_a_panic_fails_only_its_request(5).await;
}

#[test]
fn bearer_parsing() {
    let check =
        |value: &[u8], expected: Option<&[u8]>| assert_eq!(checks::bearer_token(value), expected);
    check(b"Bearer abc", Some(b"abc"));
    check(b"bEaReR\tabc", Some(b"abc"));
    check(b"  Bearer   abc  ", Some(b"abc"));
    check(b"Bearer", None);
    check(b"Bearer   ", None);
    check(b"Bearerabc", None);
    check(b"Basic abc", None);
    check(b"", None);
}

#[test]
fn json_media_types() {
    let check = |value: &str, expected: bool| {
        assert_eq!(
            body::is_json_media_type(value.as_bytes()),
            expected,
            "{value}"
        )
    };
    check("application/json", true);
    check("application/json; charset=utf-8", true);
    check("APPLICATION/JSON", true);
    check(" application/json ;x=y", true);
    check("application/ld+json", true);
    check("application/vnd.api+json", true);
    check("application/+json", false);
    check("application/json5", false);
    check("application/jsonp", false);
    check("text/json", false);
    check("application/x+json+xml", false);
    check("application/a b+json", false);
    check("Application/LD+JSON", true);
    check("application/", false);
    check("applicatio", false);
    check("", false);
}

#[test]
fn query_decoding() {
    let check = |query: &str, expected: &[(&str, &str)]| {
        let got: Vec<(String, String)> = request::parse_query(query)
            .iter()
            .map(|(k, v)| (k.clone(), v.render()))
            .collect();
        let want: Vec<(String, String)> = expected
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(got, want, "{query}");
    };
    check("", &[]);
    check("a=1&b=2", &[("a", "1"), ("b", "2")]);
    check("b=2&a=1&b=3", &[("b", "2"), ("a", "1")]);
    check("a=x+y%20z", &[("a", "x y z")]);
    check("a%3Db=c%26d", &[("a=b", "c&d")]);
    check("a=%E2%82%AC", &[("a", "€")]);
    check("a=%ff", &[("a", "\u{fffd}")]);
    check("a=%2", &[("a", "%2")]);
    check("a=1=2", &[("a", "1=2")]);
    check("&&a&", &[("a", "")]);
}

#[test]
fn sha256_decoding() {
    let h = sha256_hex("x");
    assert!(table::decode_sha256(&h).is_some());
    assert_eq!(
        table::decode_sha256(&h),
        table::decode_sha256(&h.to_uppercase())
    );
    assert!(table::decode_sha256(&h[1..]).is_none());
    assert!(table::decode_sha256(&format!("{}g", &h[1..])).is_none());
    let hashes = [table::decode_sha256(&h).unwrap()];
    assert!(checks::hash_matches(&hashes, b"x"));
    assert!(!checks::hash_matches(&hashes, b"y"));
    assert!(!checks::hash_matches(&[], b"x"));
}
