//! The [`Call`] a session starts with: the request as flows see it (§3.1, §13 rule 9).

use super::table::Entry;
use super::Call;
use crate::app::Services;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::http::HeaderMap;
use flowc_lang::scope::{RequestData, SessionData};
use flowc_lang::value::{Map, Value};
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Makes the call for a request that passed every check.
pub(super) fn call(
    parts: &Parts,
    ip: IpAddr,
    body: Option<Value>,
    route: &Entry,
    id: &Arc<str>,
    services: &Arc<Services>,
) -> Call {
    let request = RequestData {
        // The route matched this method (405 otherwise) and its path exactly.
        method: route.spec.method.into(),
        path: route.path.clone(),
        ip: ip.into(),
        query: parts.uri.query().map(parse_query).unwrap_or_default(),
        headers: flow_headers(&parts.headers, &route.spec.headers_read),
        body,
    };
    let session = SessionData {
        id: id.clone(),
        route: route.name.clone(),
        flow: Default::default(),
        started_at: flowc_lang::time::StartTime::now(),
        msisdn: None,
    };
    Call {
        request,
        session,
        max_steps: services.config.max_steps,
        // Asynchronous sessions are bounded by the step budget and their waits (§13 rule 33).
        deadline: (!route.spec.is_async)
            .then(|| Instant::now() + Duration::from_millis(route.spec.timeout_ms)),
        is_async: route.spec.is_async,
        resume: None,
        services: services.clone(),
    }
}

/// The headers in `read` (lower-case names) that the request has, repeated ones joined
/// with `, `. Only those: copying headers no flow can read costs every request an
/// allocation per header. `Authorization` is left out even when named: no flow can then
/// echo the presented token (§13 rule 31).
pub(super) fn flow_headers(headers: &HeaderMap, read: &[String]) -> Vec<(String, String)> {
    read.iter()
        .filter(|name| name.as_str() != AUTHORIZATION.as_str())
        .filter_map(|name| {
            let mut values = headers.get_all(name.as_str()).iter();
            let mut joined = String::from_utf8_lossy(values.next()?.as_bytes()).into_owned();
            for v in values {
                joined.push_str(", ");
                joined.push_str(&String::from_utf8_lossy(v.as_bytes()));
            }
            Some((name.clone(), joined))
        })
        .collect()
}

/// Query parameters, form-decoded (`+` is a space), first value of each, in order.
pub(super) fn parse_query(query: &str) -> Map {
    let mut map = Map::default();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        map.get_or_insert_with(decode_component(key), || {
            Value::String(decode_component(value))
        });
    }
    map
}

/// Percent-decoding with `+` as a space; a `%` not followed by two hex digits stays as
/// is, and invalid UTF-8 becomes U+FFFD.
pub(super) fn decode_component(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => match (
                bytes.get(i + 1).and_then(hex),
                bytes.get(i + 2).and_then(hex),
            ) {
                (Some(hi), Some(lo)) => {
                    out.push(hi << 4 | lo);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: &u8) -> Option<u8> {
    (*b as char).to_digit(16).map(|d| d as u8)
}
