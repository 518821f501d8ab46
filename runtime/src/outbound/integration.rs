//! `api_integration` (§4.7, §13 rule 25) over parts the caller has already rendered.
//!
//! Both backends render the templates (the compiled one with references resolved at build
//! time, the interpreter over its scope) and hand the pieces to [`call`]; what happens to
//! them — URL building and encoding, header and query overrides, the request, reading the
//! answer — and how the answer becomes a branch ([`outcome`], [`pick`]) and a node output
//! ([`store`]) is decided here, once.

use super::client::{Outbound, OutboundRequest, OutboundResponse};
pub use super::url::{build_url, check_url, UrlPart};
use crate::session::{ErrorCode, SessionError};
use flowc_lang::jsonpath::{JsonPath, Validation};
use flowc_lang::scope::{NodeOutput, RareParts};
use flowc_lang::{json, Number, Value};
use std::time::Duration;

/// `timeout_ms` when an integration gives none (§13 rule 25).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(10_000);

/// One call, every template rendered.
#[derive(Debug, Clone, PartialEq)]
pub struct IntegrationCall {
    /// The node's method, else the integration's; empty means `GET`.
    pub method: String,
    /// The integration's URL.
    pub url: Vec<UrlPart>,
    /// The node's `path`, appended to the URL's path with one `/` (empty: none).
    pub path: Vec<UrlPart>,
    /// Query parameters: the integration's, then the node's; a later name replaces an
    /// earlier one (exact match).
    pub query: Vec<(String, String)>,
    /// Headers: the integration's, then the node's; a later name replaces an earlier one
    /// (names match case-insensitively).
    pub headers: Vec<(String, String)>,
    /// The JSON body (see [`merge_body`]), sent with `Content-Type: application/json` unless
    /// the headers name another content type.
    pub json_body: Option<Value>,
}

/// A response body as the node keeps it.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// A zero-length body.
    Empty,
    /// A body that parses as JSON.
    Json(Value),
    /// Anything else, as text (invalid UTF-8 replaced).
    Text(String),
}

/// What a call came to.
#[derive(Debug, Clone, PartialEq)]
pub enum IntegrationResult {
    /// An answer, whatever its status.
    Answered {
        /// The status code.
        status: u16,
        /// Headers by lower-case name, repeated ones joined with `, `.
        headers: Vec<(String, String)>,
        /// The whole body.
        body: Body,
    },
    /// No answer: a connection error, a timeout, or a request that could not be built.
    Failed {
        /// The message for `[[node:error]]`.
        error: String,
    },
    /// An answer whose body was over the size cap.
    TooLarge {
        /// The status code.
        status: u16,
        /// Headers as in [`IntegrationResult::Answered`].
        headers: Vec<(String, String)>,
        /// The message for `[[node:error]]`.
        error: String,
    },
}

/// Which way the node goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The validation value, to look up in `branches` (unmatched there: `other` or CT51).
    Branch(String),
    /// The JSONPath selected nothing: `other` or CT51.
    Unmatched,
    /// No usable answer: `other`, else CT11 (`ct11`: connection error or timeout) or CT51
    /// (a body over the cap).
    Failed {
        /// Whether the error without `other` is CT11 rather than CT51.
        ct11: bool,
        /// The message.
        error: String,
    },
}

/// Sends the call and reads the answer.
pub async fn call(out: &Outbound, call: IntegrationCall, timeout: Duration) -> IntegrationResult {
    let request = match request(call, timeout) {
        Ok(request) => request,
        Err(error) => return IntegrationResult::Failed { error },
    };
    match out.send(request).await {
        OutboundResponse::Ok {
            status,
            headers,
            body,
        } => IntegrationResult::Answered {
            status,
            headers,
            body: parse_body(body),
        },
        OutboundResponse::Failed { error } => IntegrationResult::Failed { error },
        OutboundResponse::TooLarge {
            status,
            headers,
            error,
        } => IntegrationResult::TooLarge {
            status,
            headers,
            error,
        },
    }
}

/// The request a call sends: URL built, overrides applied, body serialised.
pub fn request(call: IntegrationCall, timeout: Duration) -> Result<OutboundRequest, String> {
    let query = last_wins(call.query, |a, b| a == b);
    let url = build_url(&call.url, &call.path, &query)?;
    let method = if call.method.is_empty() {
        "GET".to_owned()
    } else {
        call.method
    };
    let body = call
        .json_body
        .map(|v| ("application/json".to_owned(), v.to_json().into_bytes()));
    Ok(OutboundRequest {
        method,
        url,
        headers: last_wins(call.headers, str::eq_ignore_ascii_case),
        body,
        timeout,
    })
}

/// The node's body over the integration's: two objects merge key by key (the node's values
/// win, new keys come after the integration's); otherwise the node's body, if it has one,
/// replaces the integration's.
pub fn merge_body(integration: Option<Value>, node: Option<Value>) -> Option<Value> {
    match (integration, node) {
        (Some(Value::Object(mut base)), Some(Value::Object(over))) => {
            base.extend(over);
            Some(Value::Object(base))
        }
        (base, None) => base,
        (_, node) => node,
    }
}

/// Keeps one entry per name: the last value, at the place of the first.
fn last_wins(
    entries: Vec<(String, String)>,
    same: impl Fn(&str, &str) -> bool,
) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::with_capacity(entries.len());
    for (name, value) in entries {
        match out.iter_mut().find(|(n, _)| same(n, &name)) {
            Some(slot) => *slot = (name, value),
            None => out.push((name, value)),
        }
    }
    out
}

/// JSON if it parses, else text; nothing for a zero-length body.
fn parse_body(bytes: Vec<u8>) -> Body {
    if bytes.is_empty() {
        return Body::Empty;
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };
    match json::parse(&text) {
        Ok(value) => Body::Json(value),
        Err(_) => Body::Text(text),
    }
}

/// The branch the answer selects. A status code validation takes the status as a string; a
/// JSONPath reads the whole body (not the based part), whatever the status, and a path that
/// selects nothing is unmatched; a text body is a string for it.
pub fn outcome(validation: &Validation, result: &IntegrationResult) -> Outcome {
    match result {
        IntegrationResult::Failed { error } => Outcome::Failed {
            ct11: true,
            error: error.clone(),
        },
        IntegrationResult::TooLarge { error, .. } => Outcome::Failed {
            ct11: false,
            error: error.clone(),
        },
        IntegrationResult::Answered { status, body, .. } => match validation {
            Validation::StatusCode => Outcome::Branch(status.to_string()),
            Validation::Path(path) => select(path, body),
        },
    }
}

fn select(path: &JsonPath, body: &Body) -> Outcome {
    let text;
    let root = match body {
        Body::Empty => return Outcome::Unmatched,
        Body::Json(value) => value,
        Body::Text(t) => {
            text = Value::String(t.clone());
            &text
        }
    };
    path.get(root)
        .map_or(Outcome::Unmatched, |v| Outcome::Branch(v.render()))
}

/// The node's output: `result` is the JSON below `base_element` (absent when that selects
/// nothing) or the text of a non-JSON answer; `HTTP_RESPONSE_CODE` a number; `header.x` the
/// response headers; `error` the message when there was no usable answer. Everything an
/// earlier run of the node left is replaced.
pub fn store(result: IntegrationResult, base_element: Option<&JsonPath>) -> NodeOutput {
    let mut out = NodeOutput::default();
    match result {
        IntegrationResult::Answered {
            status,
            headers,
            body,
        } => {
            out.rare = response_parts(status, headers);
            out.result = match (body, base_element) {
                (Body::Empty, _) => None,
                (Body::Json(value), Some(base)) => base.take(value),
                (Body::Json(value), None) => Some(value),
                (Body::Text(text), _) => Some(Value::String(text)),
            };
        }
        IntegrationResult::Failed { error } => out.error = Some(Value::String(error)),
        IntegrationResult::TooLarge {
            status,
            headers,
            error,
        } => {
            out.rare = response_parts(status, headers);
            out.error = Some(Value::String(error));
        }
    }
    out
}

/// `HTTP_RESPONSE_CODE` and the headers of an answer.
fn response_parts(status: u16, headers: Vec<(String, String)>) -> Option<Box<RareParts>> {
    Some(Box::new(RareParts {
        status_code: Some(status_value(status)),
        headers,
        ..RareParts::EMPTY
    }))
}

/// [`outcome`] and [`store`] in one go, without copying the body.
pub fn finish(
    result: IntegrationResult,
    validation: &Validation,
    base_element: Option<&JsonPath>,
) -> (NodeOutput, Outcome) {
    let outcome = outcome(validation, &result);
    (store(result, base_element), outcome)
}

/// The target the outcome takes among `branches` (validation value → target), else `other`;
/// without `other`, the §7 error.
pub fn pick<'a, T>(
    outcome: &Outcome,
    branches: &'a [(String, T)],
    other: Option<&'a T>,
) -> Result<&'a T, SessionError> {
    if let Some(key) = outcome.key() {
        if let Some((_, target)) = branches.iter().find(|(k, _)| k == key) {
            return Ok(target);
        }
    }
    other.ok_or_else(|| outcome.unhandled())
}

impl Outcome {
    /// The validation value, when the answer gave one.
    pub fn key(&self) -> Option<&str> {
        match self {
            Outcome::Branch(key) => Some(key),
            _ => None,
        }
    }

    /// The error for a node without `other` that no branch took (§7): CT11 after a
    /// connection error or timeout, CT51 otherwise.
    pub fn unhandled(&self) -> SessionError {
        match self {
            Outcome::Branch(key) => SessionError::new(
                ErrorCode::Ct51,
                format!("the integration answered `{key}`, which no branch takes"),
            ),
            Outcome::Unmatched => SessionError::new(
                ErrorCode::Ct51,
                "the integration's answer has no value at the validation path",
            ),
            Outcome::Failed { ct11: true, error } => SessionError::new(
                ErrorCode::Ct11,
                format!("the integration call failed: {error}"),
            ),
            Outcome::Failed { ct11: false, error } => SessionError::new(
                ErrorCode::Ct51,
                format!("the integration's answer was refused: {error}"),
            ),
        }
    }
}

fn status_value(status: u16) -> Value {
    Value::Number(Number::from_i64(i64::from(status)))
}
