//! The limit: W1 to W4 written by hand with axum + tokio, the way a Rust engineer would
//! write these endpoints without flowc — typed `serde` structs for the parts of the body
//! each endpoint reads, `rust_decimal` for money, `regex` for the patterns, one pooled
//! `reqwest` client for W3's upstream. W5 (an asynchronous route) has no counterpart here:
//! a hand-written server with a durable queue would be a different program to write.
//!
//! It keeps the same HTTP contract as flowc's router, so both do the same work per request:
//! caller address (403), bearer token as SHA-256 compared in constant time (401), method
//! (405), body size (413), JSON content type (415) and syntax (400), the same error body,
//! `X-Request-Id` on every answer; and the same answers for the benchmark's requests and
//! for the flows' own error paths. Bodies of another shape than the flows expect (a number
//! where a string goes) get 400 here, where the flows would read them leniently.

mod account;
mod num;
mod order;
mod profile;

use crate::workloads::{Workload, W1, W2, W3, W4};
use axum::body::{to_bytes, Body};
use axum::extract::{ConnectInfo, State};
use axum::http::header::{ALLOW, AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use subtle::ConstantTimeEq;

/// The largest accepted body, as flowc's default `--max-body`.
const MAX_BODY: usize = 1 << 20;

/// The hand-written server's router (serve it with connect info); W3 calls the upstream
/// at `upstream` (`http://127.0.0.1:PORT`).
pub fn router(upstream: &str) -> Result<Router, String> {
    let app = Arc::new(Limit {
        greeting: Route::new(&W1),
        order: Route::new(&W2),
        account: Route::new(&W3),
        profile: Route::new(&W4),
        upstream: account::Upstream::new(upstream)?,
    });
    Ok(Router::new()
        .route(&W1.path(), any(greeting))
        .route(&W2.path(), any(order))
        .route(&W3.path(), any(account))
        .route(&W4.path(), any(profile))
        .fallback(not_found)
        .with_state(app))
}

/// What each endpoint checks requests against, prepared at start.
struct Limit {
    greeting: Route,
    order: Route,
    account: Route,
    profile: Route,
    /// W3's upstream and its pooled client.
    upstream: account::Upstream,
}

/// One endpoint's credentials and callers.
struct Route {
    /// The SHA-256 of the valid token.
    token_sha256: [u8; 32],
    /// The callers allowed (`allowed_ips: 127.0.0.1`).
    allowed: Vec<IpAddr>,
}

impl Route {
    fn new(workload: &Workload) -> Route {
        Route {
            token_sha256: decode_hex(workload.token_sha256),
            allowed: vec![IpAddr::V4(Ipv4Addr::LOCALHOST)],
        }
    }
}

/// A request to an endpoint, as the handlers receive it.
type Req = (ConnectInfo<SocketAddr>, Method, HeaderMap, Body);

/// The answer of a workload: a status and its JSON body, or a failed check.
type Outcome = Result<(StatusCode, Vec<u8>), ApiError>;

/// `POST /dynamic/<W1>`: `{"name": "Ada"}` → `{"greeting": "Hello, Ada"}`.
async fn greeting(
    State(app): State<Arc<Limit>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    method: Method,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let req: Req = (ConnectInfo(peer), method, headers, body);
    respond(handle(&app.greeting, req, greet).await)
}

/// `POST /dynamic/<W2>`: order triage.
async fn order(
    State(app): State<Arc<Limit>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    method: Method,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let req: Req = (ConnectInfo(peer), method, headers, body);
    respond(handle(&app.order, req, order::triage).await)
}

/// `POST /dynamic/<W3>`: the account's status from the upstream.
async fn account(
    State(app): State<Arc<Limit>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    method: Method,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let req: Req = (ConnectInfo(peer), method, headers, body);
    let outcome = match checked(&app.account, req).await {
        Ok(input) => Ok(account::lookup(&app.upstream, input).await),
        Err(e) => Err(e),
    };
    respond(outcome)
}

/// `POST /dynamic/<W4>`: profile scoring.
async fn profile(
    State(app): State<Arc<Limit>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    method: Method,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let req: Req = (ConnectInfo(peer), method, headers, body);
    respond(handle(&app.profile, req, profile::score).await)
}

/// Every other path.
async fn not_found() -> Response {
    respond(Err(ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "no route at this path",
    )))
}

/// The checks in flowc's order, then the endpoint's own logic on the typed body
/// (`None` for an empty body).
async fn handle<T: DeserializeOwned>(
    route: &Route,
    req: Req,
    logic: impl FnOnce(Option<T>) -> Result<Vec<u8>, &'static str>,
) -> Outcome {
    let input = checked(route, req).await?;
    match logic(input) {
        Ok(json) => Ok((StatusCode::OK, json)),
        Err(message) => Ok((StatusCode::UNPROCESSABLE_ENTITY, error_json(message))),
    }
}

/// The checks in flowc's order; the typed body (`None` for an empty body) once they pass.
async fn checked<T: DeserializeOwned>(
    route: &Route,
    (ConnectInfo(peer), method, headers, body): Req,
) -> Result<Option<T>, ApiError> {
    if !route.allowed.contains(&peer.ip().to_canonical()) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "the caller's address is not allowed on this route",
        ));
    }
    if !token_ok(route, &headers) {
        return Err(ApiError::unauthorized());
    }
    if method != Method::POST {
        return Err(ApiError::method_not_allowed());
    }
    read_json(&headers, body).await
}

/// `Authorization: Bearer <token>` whose SHA-256 equals the route's, compared in
/// constant time.
fn token_ok(route: &Route, headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(AUTHORIZATION).map(HeaderValue::as_bytes) else {
        return false;
    };
    let Some((scheme, token)) = value.trim_ascii().split_once_space() else {
        return false;
    };
    let token = token.trim_ascii();
    if !scheme.eq_ignore_ascii_case(b"bearer") || token.is_empty() {
        return false;
    }
    let digest: [u8; 32] = Sha256::digest(token).into();
    digest.ct_eq(&route.token_sha256).into()
}

/// Splitting a header value at its first space or tab.
trait SplitOnceSpace {
    fn split_once_space(&self) -> Option<(&[u8], &[u8])>;
}

impl SplitOnceSpace for [u8] {
    fn split_once_space(&self) -> Option<(&[u8], &[u8])> {
        let at = self.iter().position(|b| *b == b' ' || *b == b'\t')?;
        Some((&self[..at], &self[at..]))
    }
}

/// The body, up to [`MAX_BODY`] bytes, as `T`: `None` when empty; 415 unless the content
/// type is JSON; 400 when it is not JSON or not of `T`'s shape.
async fn read_json<T: DeserializeOwned>(
    headers: &HeaderMap,
    body: Body,
) -> Result<Option<T>, ApiError> {
    let bytes = to_bytes(body, MAX_BODY).await.map_err(|_| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("the body is larger than {MAX_BODY} bytes"),
        )
    })?;
    if bytes.is_empty() {
        return Ok(None);
    }
    if !headers.get(CONTENT_TYPE).is_some_and(is_json) {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "the body must have Content-Type application/json",
        ));
    }
    serde_json::from_slice(&bytes).map(Some).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            format!("the body is not valid: {e}"),
        )
    })
}

/// `application/json` or `application/<x>+json`, parameters allowed.
fn is_json(value: &HeaderValue) -> bool {
    let Ok(text) = value.to_str() else {
        return false;
    };
    let essence = text.split(';').next().unwrap_or("").trim();
    let Some((kind, subtype)) = essence.split_once('/') else {
        return false;
    };
    kind.eq_ignore_ascii_case("application")
        && (subtype.eq_ignore_ascii_case("json")
            || subtype.to_ascii_lowercase().ends_with("+json") && subtype.len() > 5)
}

/// One hand-written session without HTTP, for the session micro-benchmark: the body
/// deserialised beforehand into the endpoint's own structs, as a flow's [`flowc_runtime::Call`]
/// holds its body already parsed. [`Prepared::run`] clones the input (the benchmark takes
/// the clone's time off, measured with [`Prepared::clone_input`]) and computes the answer's
/// JSON, as the handler does between reading the body and responding.
#[derive(Clone)]
pub struct Prepared(Input);

/// The deserialised body of one endpoint.
#[derive(Clone)]
enum Input {
    Greeting(Option<GreetingIn>),
    Order(Option<order::OrderIn>),
    Profile(Option<profile::ProfileIn>),
}

impl Prepared {
    /// The prepared input of a workload that computes alone (W1, W2, W4); `None` for the
    /// others (W3 waits on its upstream, W5 has no counterpart here).
    pub fn new(workload: &Workload) -> Result<Option<Prepared>, String> {
        let read = |what: &str| format!("{}: the body does not read as {what}", workload.key);
        let body = workload.body;
        let input = match workload.route_id {
            id if id == W1.route_id => {
                Input::Greeting(serde_json::from_str(body).map_err(|_| read("a greeting"))?)
            }
            id if id == W2.route_id => {
                Input::Order(serde_json::from_str(body).map_err(|_| read("an order"))?)
            }
            id if id == W4.route_id => {
                Input::Profile(serde_json::from_str(body).map_err(|_| read("a profile"))?)
            }
            _ => return Ok(None),
        };
        Ok(Some(Prepared(input)))
    }

    /// One session on a clone of the input: the answer's JSON, or the flow's error message.
    pub fn run(&self) -> Result<Vec<u8>, &'static str> {
        match self.0.clone() {
            Input::Greeting(input) => greet(input),
            Input::Order(input) => order::triage(input),
            Input::Profile(input) => profile::score(input),
        }
    }

    /// The clone [`Prepared::run`] makes, alone.
    pub fn clone_input(&self) -> Prepared {
        self.clone()
    }
}

/// W1's logic.
fn greet(input: Option<GreetingIn>) -> Result<Vec<u8>, &'static str> {
    const NO_NAME: &str = "a non-empty `name` is required";
    let name = input.and_then(|i| i.name).ok_or(NO_NAME)?;
    let name = name.trim();
    if name.is_empty() {
        return Err(NO_NAME);
    }
    to_json(&GreetingOut {
        greeting: format!("Hello, {name}"),
    })
}

#[derive(Clone, Deserialize)]
struct GreetingIn {
    name: Option<String>,
}

#[derive(Serialize)]
struct GreetingOut {
    greeting: String,
}

/// A workload's answer as JSON text.
fn to_json(value: &impl Serialize) -> Result<Vec<u8>, &'static str> {
    serde_json::to_vec(value).map_err(|_| "the answer could not be written")
}

/// `{"error": "<message>"}`, the flows' own 422 body.
fn error_json(message: &str) -> Vec<u8> {
    #[derive(Serialize)]
    struct Body<'a> {
        error: &'a str,
    }
    serde_json::to_vec(&Body { error: message }).unwrap_or_default()
}

/// A failed check: its status, code, message and an extra header.
struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    header: Option<(axum::http::HeaderName, &'static str)>,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            header: None,
        }
    }

    fn unauthorized() -> ApiError {
        let mut e = ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "a valid bearer token is required",
        );
        e.header = Some((WWW_AUTHENTICATE, "Bearer"));
        e
    }

    fn method_not_allowed() -> ApiError {
        let mut e = ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "this route accepts POST only",
        );
        e.header = Some((ALLOW, "POST"));
        e
    }
}

/// The answer with `Content-Type: application/json` and a fresh `X-Request-Id`, which an
/// error body repeats.
fn respond(outcome: Outcome) -> Response {
    let id = uuid::Uuid::new_v4().to_string();
    let (status, body, header) = match outcome {
        Ok((status, body)) => (status, body, None),
        Err(e) => (e.status, error_body(&e, &id), e.header),
    };
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if let Ok(value) = HeaderValue::from_str(&id) {
        headers.insert("x-request-id", value);
    }
    if let Some((name, value)) = header {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

/// `{"error": {"code", "message", "request_id"}}`.
fn error_body(e: &ApiError, id: &str) -> Vec<u8> {
    #[derive(Serialize)]
    struct Outer<'a> {
        error: Inner<'a>,
    }
    #[derive(Serialize)]
    struct Inner<'a> {
        code: &'a str,
        message: &'a str,
        request_id: &'a str,
    }
    serde_json::to_vec(&Outer {
        error: Inner {
            code: e.code,
            message: &e.message,
            request_id: id,
        },
    })
    .unwrap_or_default()
}

/// 64 hex digits as 32 bytes (the workload table's constants; anything else is all zero,
/// which no token hashes to).
fn decode_hex(hex: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    let digits: Vec<u8> = hex
        .bytes()
        .filter_map(|b| (b as char).to_digit(16).map(|d| d as u8))
        .collect();
    if digits.len() == 64 {
        for (i, pair) in digits.chunks_exact(2).enumerate() {
            out[i] = pair[0] << 4 | pair[1];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_greet(body: &str, expected: Result<&str, &str>) {
        let input = serde_json::from_str::<GreetingIn>(body).ok();
        let got = greet(input).map(|json| String::from_utf8(json).unwrap());
        assert_eq!(got, expected.map(str::to_owned), "{body}");
    }

    #[test]
    fn greetings() {
        check_greet(r#"{"name":"Ada"}"#, Ok(r#"{"greeting":"Hello, Ada"}"#));
        check_greet(r#"{"name":"  Ada  "}"#, Ok(r#"{"greeting":"Hello, Ada"}"#));
        check_greet(r#"{"name":"   "}"#, Err("a non-empty `name` is required"));
        check_greet(r#"{"name":null}"#, Err("a non-empty `name` is required"));
        check_greet(r#"{}"#, Err("a non-empty `name` is required"));
    }

    /// The micro-benchmark's hand-written sessions answer as the handlers do, and only the
    /// workloads that compute alone have one.
    #[test]
    fn prepared_sessions() {
        let answer = |w: &Workload| {
            let prepared = Prepared::new(w).unwrap().expect("a session alone");
            String::from_utf8(prepared.run().unwrap()).unwrap()
        };
        assert_eq!(answer(&W1), r#"{"greeting":"Hello, Ada"}"#);
        assert!(answer(&W2).starts_with(r#"{"customer":"C123456","subtotal":67.23,"#));
        assert!(answer(&W4).contains(r#""domain":"example.com""#));
        assert!(Prepared::new(&W3).unwrap().is_none());
        assert!(Prepared::new(&crate::workloads::W5).unwrap().is_none());
    }

    fn check_json_type(value: &str, expected: bool) {
        assert_eq!(
            is_json(&HeaderValue::from_str(value).unwrap()),
            expected,
            "{value}"
        );
    }

    #[test]
    fn json_types() {
        check_json_type("application/json", true);
        check_json_type("Application/JSON; charset=utf-8", true);
        check_json_type("application/problem+json", true);
        check_json_type("application/+json", false);
        check_json_type("text/json", false);
        check_json_type("application/jsonx", false);
    }

    #[test]
    fn tokens() {
        let route = Route::new(&W1);
        let check = |value: Option<&str>, expected: bool| {
            let mut headers = HeaderMap::new();
            if let Some(v) = value {
                headers.insert(AUTHORIZATION, HeaderValue::from_str(v).unwrap());
            }
            assert_eq!(token_ok(&route, &headers), expected, "{value:?}");
        };
        check(Some("Bearer bench-greeting-token"), true);
        check(Some("bearer  bench-greeting-token "), true);
        check(Some("Bearer bench-order-token"), false);
        check(Some("Basic bench-greeting-token"), false);
        check(Some("Bearer"), false);
        check(None, false);
    }
}
