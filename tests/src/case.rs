//! The case format of `shared/conformance/README.md`, read from a parsed JSON value.
//!
//! Reading is strict: an unknown key is an error, so a typo in a case fails loudly instead
//! of silently testing less.

use flowc_lang::{Map, Value};
use std::net::{IpAddr, Ipv4Addr};

/// One conformance case.
#[derive(Debug, Clone)]
pub struct Case {
    /// The case's name (`calculate/precedence`).
    pub name: String,
    /// The bundle, as written in the case.
    pub bundle: Value,
    /// Server environment; values may hold `${upstream:NAME}`.
    pub env: Vec<(String, String)>,
    /// Extra server flags.
    pub server_args: Vec<String>,
    /// The fake upstream services, by name.
    pub upstreams: Vec<(String, Vec<UpstreamEntry>)>,
    /// The exchanges, in order.
    pub script: Vec<Step>,
    /// What the named upstreams must have received.
    pub upstream_requests: Vec<(String, Vec<ExpectedRequest>)>,
    /// When present, the build must fail with these strings in its report.
    pub expect_build_error: Option<Vec<String>>,
}

/// One script step.
#[derive(Debug, Clone)]
pub enum Step {
    /// Send a request and check the answer.
    Request(Box<RequestStep>),
    /// Wait this many milliseconds.
    Sleep(u64),
    /// Stop the server (abruptly when `kill`) and start it again on the same data.
    Restart {
        /// Abort instead of a graceful stop.
        kill: bool,
    },
}

/// A request step.
#[derive(Debug, Clone)]
pub struct RequestStep {
    /// Any method string (`HEAD` and `OPTIONS` included).
    pub method: String,
    /// The path: `path` when given, else `/dynamic/<route>`.
    pub path: String,
    /// The source address.
    pub peer: IpAddr,
    /// Headers in order; `token` became `authorization`.
    pub headers: Vec<(String, String)>,
    /// Query pairs, encoded when sent.
    pub query: Vec<(String, String)>,
    /// The body bytes and whether they are JSON (which sets a default content type).
    pub body: Option<(Vec<u8>, bool)>,
    /// Send without waiting; check the answer before the case ends.
    pub background: bool,
    /// The required answer.
    pub response: ExpectedResponse,
}

/// A required answer.
#[derive(Debug, Clone, Default)]
pub struct ExpectedResponse {
    /// The status.
    pub status: u16,
    /// Headers that must be present, values exact or patterns.
    pub headers: Vec<(String, String)>,
    /// The body as JSON, compared exactly.
    pub body: Option<Value>,
    /// The body as text.
    pub body_text: Option<String>,
}

/// One prepared answer of a fake upstream.
#[derive(Debug, Clone)]
pub struct UpstreamEntry {
    /// The method it answers.
    pub method: String,
    /// The path it answers (without the query).
    pub path: String,
    /// What it does.
    pub response: UpstreamResponse,
}

/// What an upstream entry answers.
#[derive(Debug, Clone)]
pub enum UpstreamResponse {
    /// Close the connection without answering.
    Close,
    /// Answer, possibly after a delay.
    Answer {
        /// The status (default 200).
        status: u16,
        /// Extra headers.
        headers: Vec<(String, String)>,
        /// The body bytes; JSON bodies get `content-type: application/json`.
        body: Option<(Vec<u8>, bool)>,
        /// Wait this long first.
        delay_ms: u64,
    },
}

/// A request an upstream must have received.
#[derive(Debug, Clone)]
pub struct ExpectedRequest {
    /// The method.
    pub method: String,
    /// The path without the query.
    pub path: String,
    /// Headers that must be present (values exact or patterns).
    pub headers: Vec<(String, String)>,
    /// When given, the decoded first values of the query string, as an object.
    pub query: Option<Value>,
    /// When given, the body as JSON.
    pub body: Option<Value>,
}

impl Case {
    /// Reads a case from its JSON value.
    pub fn from_value(value: &Value) -> Result<Case, String> {
        let map = object(value, "")?;
        known_keys(
            map,
            "",
            &[
                "case",
                "spec",
                "description",
                "bundle",
                "env",
                "server_args",
                "upstreams",
                "script",
                "upstream_requests",
                "expect_build_error",
            ],
        )?;
        Ok(Case {
            name: opt_string(map, "case", "")?.unwrap_or_default(),
            bundle: map
                .get("bundle")
                .cloned()
                .ok_or("the case has no `bundle`")?,
            env: string_pairs(map.get("env"), "/env")?,
            server_args: string_list(map.get("server_args"), "/server_args")?,
            upstreams: upstreams(map.get("upstreams"))?,
            script: script(map.get("script"))?,
            upstream_requests: upstream_requests(map.get("upstream_requests"))?,
            expect_build_error: match map.get("expect_build_error") {
                None => None,
                Some(v) => Some(string_list(Some(v), "/expect_build_error")?),
            },
        })
    }

    /// Whether any request comes from an IPv6 address (the server then listens on `[::]`).
    pub fn has_ipv6_peer(&self) -> bool {
        self.script
            .iter()
            .any(|s| matches!(s, Step::Request(r) if r.peer.is_ipv6()))
    }
}

/// The script steps.
fn script(value: Option<&Value>) -> Result<Vec<Step>, String> {
    let items = array(value, "/script")?;
    items
        .iter()
        .enumerate()
        .map(|(i, item)| step(item, &format!("/script/{i}")))
        .collect()
}

/// One script step.
fn step(value: &Value, at: &str) -> Result<Step, String> {
    let map = object(value, at)?;
    if map.contains_key("request") {
        known_keys(map, at, &["request", "response"])?;
        let response = expected_response(map.get("response"), &format!("{at}/response"))?;
        return request_step(map.get("request"), response, &format!("{at}/request"))
            .map(|r| Step::Request(Box::new(r)));
    }
    if let Some(ms) = map.get("sleep_ms") {
        known_keys(map, at, &["sleep_ms"])?;
        return Ok(Step::Sleep(integer(ms, &format!("{at}/sleep_ms"))?));
    }
    if map.contains_key("restart") {
        known_keys(map, at, &["restart", "kill"])?;
        return Ok(Step::Restart {
            kill: opt_bool(map, "kill", at)?.unwrap_or(false),
        });
    }
    Err(format!(
        "{at}: a step needs `request`, `sleep_ms` or `restart`"
    ))
}

/// A request step's request part.
fn request_step(
    value: Option<&Value>,
    response: ExpectedResponse,
    at: &str,
) -> Result<RequestStep, String> {
    let map = object(value.ok_or(format!("{at}: missing"))?, at)?;
    let keys = [
        "method",
        "route",
        "path",
        "token",
        "peer",
        "headers",
        "query",
        "body",
        "body_raw",
        "background",
    ];
    known_keys(map, at, &keys)?;
    let route = opt_string(map, "route", at)?;
    let path = match (opt_string(map, "path", at)?, route) {
        (Some(path), _) => path,
        (None, Some(route)) => format!("/dynamic/{route}"),
        (None, None) => return Err(format!("{at}: a request needs `route` or `path`")),
    };
    let peer = match opt_string(map, "peer", at)? {
        None => IpAddr::V4(Ipv4Addr::LOCALHOST),
        Some(p) => p
            .parse()
            .map_err(|_| format!("{at}/peer: `{p}` is not an address"))?,
    };
    let mut headers = Vec::new();
    if let Some(token) = opt_string(map, "token", at)? {
        headers.push(("authorization".to_owned(), format!("Bearer {token}")));
    }
    headers.extend(string_pairs(map.get("headers"), &format!("{at}/headers"))?);
    Ok(RequestStep {
        method: opt_string(map, "method", at)?.unwrap_or_else(|| "GET".to_owned()),
        path,
        peer,
        headers,
        query: string_pairs(map.get("query"), &format!("{at}/query"))?,
        body: body(map, at)?,
        background: opt_bool(map, "background", at)?.unwrap_or(false),
        response,
    })
}

/// `body` (JSON) or `body_raw` (text as is).
fn body(map: &Map, at: &str) -> Result<Option<(Vec<u8>, bool)>, String> {
    match (map.get("body"), opt_string(map, "body_raw", at)?) {
        (Some(_), Some(_)) => Err(format!("{at}: `body` and `body_raw` exclude each other")),
        (Some(json), None) => Ok(Some((json.to_json().into_bytes(), true))),
        (None, Some(raw)) => Ok(Some((raw.into_bytes(), false))),
        (None, None) => Ok(None),
    }
}

/// A step's `response`.
fn expected_response(value: Option<&Value>, at: &str) -> Result<ExpectedResponse, String> {
    let map = object(value.ok_or(format!("{at}: missing"))?, at)?;
    known_keys(map, at, &["status", "headers", "body", "body_text"])?;
    let status = map.get("status").ok_or(format!("{at}: missing `status`"))?;
    Ok(ExpectedResponse {
        status: status_code(status, &format!("{at}/status"))?,
        headers: string_pairs(map.get("headers"), &format!("{at}/headers"))?,
        body: map.get("body").cloned(),
        body_text: opt_string(map, "body_text", at)?,
    })
}

/// The `upstreams` object.
fn upstreams(value: Option<&Value>) -> Result<Vec<(String, Vec<UpstreamEntry>)>, String> {
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    let map = object(value, "/upstreams")?;
    let mut out = Vec::new();
    for (name, entries) in map {
        let at = format!("/upstreams/{name}");
        let items = array(Some(entries), &at)?;
        let parsed: Result<Vec<_>, _> = items
            .iter()
            .enumerate()
            .map(|(i, e)| upstream_entry(e, &format!("{at}/{i}")))
            .collect();
        out.push((name.clone(), parsed?));
    }
    Ok(out)
}

/// One upstream entry.
fn upstream_entry(value: &Value, at: &str) -> Result<UpstreamEntry, String> {
    let map = object(value, at)?;
    known_keys(map, at, &["request", "response"])?;
    let req_at = format!("{at}/request");
    let req = object(
        map.get("request").ok_or(format!("{req_at}: missing"))?,
        &req_at,
    )?;
    known_keys(req, &req_at, &["method", "path"])?;
    let res_at = format!("{at}/response");
    let res = object(
        map.get("response").ok_or(format!("{res_at}: missing"))?,
        &res_at,
    )?;
    known_keys(
        res,
        &res_at,
        &[
            "status",
            "headers",
            "body",
            "body_text",
            "delay_ms",
            "close",
        ],
    )?;
    let response = if opt_bool(res, "close", &res_at)?.unwrap_or(false) {
        UpstreamResponse::Close
    } else {
        UpstreamResponse::Answer {
            status: match res.get("status") {
                Some(s) => status_code(s, &format!("{res_at}/status"))?,
                None => 200,
            },
            headers: string_pairs(res.get("headers"), &format!("{res_at}/headers"))?,
            body: match (res.get("body"), opt_string(res, "body_text", &res_at)?) {
                (Some(json), _) => Some((json.to_json().into_bytes(), true)),
                (None, Some(text)) => Some((text.into_bytes(), false)),
                (None, None) => None,
            },
            delay_ms: match res.get("delay_ms") {
                Some(ms) => integer(ms, &format!("{res_at}/delay_ms"))?,
                None => 0,
            },
        }
    };
    Ok(UpstreamEntry {
        method: opt_string(req, "method", &req_at)?.unwrap_or_else(|| "GET".to_owned()),
        path: opt_string(req, "path", &req_at)?.ok_or(format!("{req_at}: missing `path`"))?,
        response,
    })
}

/// The `upstream_requests` object.
fn upstream_requests(value: Option<&Value>) -> Result<Vec<(String, Vec<ExpectedRequest>)>, String> {
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    let map = object(value, "/upstream_requests")?;
    let mut out = Vec::new();
    for (name, entries) in map {
        let at = format!("/upstream_requests/{name}");
        let items = array(Some(entries), &at)?;
        let parsed: Result<Vec<_>, _> = items
            .iter()
            .enumerate()
            .map(|(i, e)| expected_request(e, &format!("{at}/{i}")))
            .collect();
        out.push((name.clone(), parsed?));
    }
    Ok(out)
}

/// One expected upstream request.
fn expected_request(value: &Value, at: &str) -> Result<ExpectedRequest, String> {
    let map = object(value, at)?;
    known_keys(map, at, &["method", "path", "headers", "query", "body"])?;
    Ok(ExpectedRequest {
        method: opt_string(map, "method", at)?.ok_or(format!("{at}: missing `method`"))?,
        path: opt_string(map, "path", at)?.ok_or(format!("{at}: missing `path`"))?,
        headers: string_pairs(map.get("headers"), &format!("{at}/headers"))?,
        query: map.get("query").cloned(),
        body: map.get("body").cloned(),
    })
}

/// The value as an object.
fn object<'a>(value: &'a Value, at: &str) -> Result<&'a Map, String> {
    match value {
        Value::Object(map) => Ok(map),
        _ => Err(format!("{}: expected an object", display_at(at))),
    }
}

/// The value as an array (absent is empty).
fn array<'a>(value: Option<&'a Value>, at: &str) -> Result<&'a [Value], String> {
    match value {
        None => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => Err(format!("{at}: expected an array")),
    }
}

/// Fails on a key outside `allowed`.
fn known_keys(map: &Map, at: &str, allowed: &[&str]) -> Result<(), String> {
    match map.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(key) => Err(format!("{}: unknown key `{key}`", display_at(at))),
        None => Ok(()),
    }
}

/// An optional string member.
fn opt_string(map: &Map, key: &str, at: &str) -> Result<Option<String>, String> {
    match map.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(format!("{at}/{key}: expected a string")),
    }
}

/// An optional boolean member.
fn opt_bool(map: &Map, key: &str, at: &str) -> Result<Option<bool>, String> {
    match map.get(key) {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(format!("{at}/{key}: expected true or false")),
    }
}

/// An object of strings, as ordered pairs (absent is empty).
fn string_pairs(value: Option<&Value>, at: &str) -> Result<Vec<(String, String)>, String> {
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    let map = object(value, at)?;
    map.iter()
        .map(|(k, v)| match v {
            Value::String(s) => Ok((k.clone(), s.clone())),
            _ => Err(format!("{at}/{k}: expected a string")),
        })
        .collect()
}

/// A list of strings (absent is empty).
fn string_list(value: Option<&Value>, at: &str) -> Result<Vec<String>, String> {
    array(value, at)?
        .iter()
        .enumerate()
        .map(|(i, v)| match v {
            Value::String(s) => Ok(s.clone()),
            _ => Err(format!("{at}/{i}: expected a string")),
        })
        .collect()
}

/// A non-negative integer.
fn integer(value: &Value, at: &str) -> Result<u64, String> {
    match value {
        Value::Number(n) => n
            .to_i64()
            .and_then(|i| u64::try_from(i).ok())
            .ok_or(format!("{at}: expected a whole number")),
        _ => Err(format!("{at}: expected a number")),
    }
}

/// An HTTP status.
fn status_code(value: &Value, at: &str) -> Result<u16, String> {
    integer(value, at)?
        .try_into()
        .map_err(|_| format!("{at}: not a status"))
}

/// `/` for the root pointer, so messages never start with an empty location.
fn display_at(at: &str) -> &str {
    if at.is_empty() {
        "/"
    } else {
        at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Case, String> {
        let value = flowc_lang::json::parse(text).map_err(|e| e.message)?;
        Case::from_value(&value)
    }

    #[test]
    fn reads_a_full_case() {
        let case = read(
            r#"{"case": "c", "bundle": {"routes": {"routes": []}},
                "env": {"U": "${upstream:crm}"}, "server_args": ["--max-steps", "5"],
                "upstreams": {"crm": [{"request": {"method": "GET", "path": "/u"},
                                       "response": {"status": 201, "body": {"a": 1}, "delay_ms": 5}},
                                      {"request": {"method": "GET", "path": "/x"}, "response": {"close": true}}]},
                "script": [
                  {"request": {"method": "POST", "route": "r1", "token": "t", "peer": "::1",
                               "headers": {"x-a": "1"}, "query": {"k": "v"}, "body": {"n": 1}, "background": true},
                   "response": {"status": 200, "headers": {"x-b": "$any"}, "body": {"ok": true}}},
                  {"sleep_ms": 20},
                  {"restart": true, "kill": true},
                  {"request": {"route": "r1", "path": "/chat/callback", "body_raw": "x"},
                   "response": {"status": 202, "body_text": "t"}}
                ],
                "upstream_requests": {"crm": [{"method": "GET", "path": "/u", "query": {"a": "1"}}]}}"#,
        )
        .unwrap();
        assert_eq!(case.name, "c");
        assert_eq!(
            case.env,
            vec![("U".to_owned(), "${upstream:crm}".to_owned())]
        );
        assert_eq!(case.server_args, ["--max-steps", "5"]);
        assert_eq!(case.upstreams[0].1.len(), 2);
        assert!(matches!(
            case.upstreams[0].1[1].response,
            UpstreamResponse::Close
        ));
        assert!(matches!(
            case.upstreams[0].1[0].response,
            UpstreamResponse::Answer {
                status: 201,
                delay_ms: 5,
                ..
            }
        ));
        let Step::Request(first) = &case.script[0] else {
            panic!("not a request")
        };
        assert_eq!(first.path, "/dynamic/r1");
        assert_eq!(
            first.headers[0],
            ("authorization".to_owned(), "Bearer t".to_owned())
        );
        assert_eq!(first.body, Some((b"{\"n\":1}".to_vec(), true)));
        assert!(first.background && case.has_ipv6_peer());
        assert!(matches!(case.script[1], Step::Sleep(20)));
        assert!(matches!(case.script[2], Step::Restart { kill: true }));
        let Step::Request(last) = &case.script[3] else {
            panic!("not a request")
        };
        assert_eq!(last.path, "/chat/callback");
        assert_eq!(last.body, Some((b"x".to_vec(), false)));
        assert_eq!(last.response.body_text.as_deref(), Some("t"));
        assert!(case.upstream_requests[0].1[0].query.is_some());
    }

    #[test]
    fn rejects_mistakes_with_their_location() {
        let rows = [
            (r#"{"bundle": {}, "scirpt": []}"#, "/: unknown key `scirpt`"),
            (r#"{"script": []}"#, "the case has no `bundle`"),
            (
                r#"{"bundle": {}, "script": [{"request": {"route": "r"}, "response": {"status": 200, "bdy": 1}}]}"#,
                "/script/0/response: unknown key `bdy`",
            ),
            (
                r#"{"bundle": {}, "script": [{"request": {}, "response": {"status": 200}}]}"#,
                "/script/0/request: a request needs `route` or `path`",
            ),
            (
                r#"{"bundle": {}, "script": [{"request": {"route": "r", "peer": "nope"}, "response": {"status": 200}}]}"#,
                "/script/0/request/peer: `nope` is not an address",
            ),
            (
                r#"{"bundle": {}, "script": [{"wait": 1}]}"#,
                "/script/0: a step needs `request`, `sleep_ms` or `restart`",
            ),
            (
                r#"{"bundle": {}, "script": [{"request": {"route": "r"}, "response": {}}]}"#,
                "/script/0/response: missing `status`",
            ),
            (
                r#"{"bundle": {}, "upstreams": {"u": [{"request": {"method": "GET"}, "response": {}}]}}"#,
                "/upstreams/u/0/request: missing `path`",
            ),
        ];
        for (text, expected) in rows {
            assert_eq!(read(text).unwrap_err(), expected, "{text}");
        }
    }

    /// Every route's token hashes, by route id.
    fn token_hashes(bundle: &Value) -> Vec<(String, String)> {
        let Some(Value::Object(routes)) = bundle.segment("routes", None) else {
            return Vec::new();
        };
        let Some(Value::Array(routes)) = routes.get("routes") else {
            return Vec::new();
        };
        let field = |route: &Value, key: &str| {
            route
                .segment(key, None)
                .map(Value::render)
                .unwrap_or_default()
        };
        routes
            .iter()
            .map(|r| (field(r, "id"), field(r, "token_sha256")))
            .collect()
    }

    /// The project's own cases read, and every token a step presents to a known route,
    /// unless it expects 401, is that route's token: a typo would otherwise show up as a
    /// confusing failure of both backends.
    #[test]
    fn own_cases_are_well_formed() {
        use sha2::Digest as _;
        let dir =
            crate::discover::cases_dir(std::path::Path::new(env!("CARGO_MANIFEST_DIR")), None);
        let cases = crate::discover::find_cases(&dir).unwrap();
        assert!(cases.len() >= 10, "{} own cases", cases.len());
        for (rel, path) in cases {
            let text = std::fs::read_to_string(&path).unwrap();
            let case = read(&text).unwrap_or_else(|e| panic!("{rel}: {e}"));
            assert_eq!(format!("{}.json", case.name), rel);
            crate::discover::bundle_source(&rel, &case.bundle).unwrap();
            let hashes = token_hashes(&case.bundle);
            for step in &case.script {
                let Step::Request(request) = step else {
                    continue;
                };
                let Some(route) = request.path.strip_prefix("/dynamic/") else {
                    continue;
                };
                let Some((_, hash)) = hashes.iter().find(|(id, _)| id == route) else {
                    continue;
                };
                let Some((_, auth)) = request.headers.iter().find(|(n, _)| n == "authorization")
                else {
                    continue;
                };
                let token = auth.split_once(' ').map_or("", |(_, t)| t);
                let digest: String = sha2::Sha256::digest(token.as_bytes())
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect();
                assert!(
                    digest == *hash
                        || request.response.status == 401
                        || request.response.status == 403,
                    "{rel}: {token}"
                );
            }
        }
    }
}
