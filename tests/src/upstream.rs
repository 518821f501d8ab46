//! Fake upstream services: real HTTP servers on loopback that answer from a case's list
//! and record every request they receive.
//!
//! A request takes the first unused entry whose method and path (without the query) match;
//! an unmatched request gets `599 {"unmatched": true}`. An entry may delay its answer or
//! close the connection without answering (to provoke connection errors).

use crate::case::{UpstreamEntry, UpstreamResponse};
use bytes::Bytes;
use flowc_lang::{Map, Value};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};

/// A request as an upstream received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// The method.
    pub method: String,
    /// The path without the query.
    pub path: String,
    /// The decoded query pairs, in order, with repeats.
    pub query: Vec<(String, String)>,
    /// Headers in order, names lower case.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl RecordedRequest {
    /// A record from the request line's target (`/path?query`).
    pub fn new(
        method: &str,
        target: &str,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    ) -> RecordedRequest {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let headers = headers
            .into_iter()
            .map(|(n, v)| (n.to_ascii_lowercase(), v))
            .collect();
        RecordedRequest {
            method: method.to_owned(),
            path: path.to_owned(),
            query: crate::url::decode_query(query),
            headers,
            body,
        }
    }

    /// The query as an object of first values (what `upstream_requests.query` describes).
    pub fn query_object(&self) -> Value {
        let map: Map = crate::url::first_values(&self.query)
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect();
        Value::Object(map)
    }
}

/// The entries and the record, shared by every connection of one upstream.
#[derive(Debug, Default)]
struct State {
    /// The prepared answers and whether each was used.
    entries: Vec<(UpstreamEntry, bool)>,
    /// What arrived, in order.
    requests: Vec<RecordedRequest>,
}

/// A running fake upstream; dropping it stops it.
#[derive(Debug)]
pub struct Upstream {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    task: JoinHandle<()>,
}

impl Upstream {
    /// Starts serving `entries` on a free loopback port.
    pub async fn start(entries: Vec<UpstreamEntry>) -> std::io::Result<Upstream> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        let entries = entries.into_iter().map(|e| (e, false)).collect();
        let state = Arc::new(Mutex::new(State {
            entries,
            requests: Vec::new(),
        }));
        let task = tokio::spawn(accept_loop(listener, state.clone()));
        Ok(Upstream { addr, state, task })
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.state).requests.clone()
    }
}

impl Drop for Upstream {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Locks the state; a panic elsewhere must not hide what was recorded.
fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Accepts connections until aborted; aborting drops the set, which ends every connection.
async fn accept_loop(listener: TcpListener, state: Arc<Mutex<State>>) {
    let mut connections = JoinSet::new();
    while let Ok((stream, _)) = listener.accept().await {
        while connections.try_join_next().is_some() {}
        let state = state.clone();
        connections.spawn(async move {
            let service = hyper::service::service_fn(move |req| answer(state.clone(), req));
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// Returned by the service to make hyper drop the connection without an answer.
#[derive(Debug)]
struct CloseConnection;

impl std::fmt::Display for CloseConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("closing the connection as the case asks")
    }
}

impl std::error::Error for CloseConnection {}

/// Records the request, then answers from the first unused matching entry.
async fn answer(
    state: Arc<Mutex<State>>,
    req: hyper::Request<hyper::body::Incoming>,
) -> Result<hyper::Response<Full<Bytes>>, CloseConnection> {
    let (parts, body) = req.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes().to_vec())
        .unwrap_or_default();
    let target = parts
        .uri
        .path_and_query()
        .map_or_else(|| parts.uri.path().to_owned(), |pq| pq.as_str().to_owned());
    let headers = parts
        .headers
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let record = RecordedRequest::new(parts.method.as_str(), &target, headers, body);
    let response = take_entry(&state, &record);
    match response {
        None => Ok(respond(
            599,
            &[],
            Some((b"{\"unmatched\":true}".to_vec(), true)),
        )),
        Some(UpstreamResponse::Close) => Err(CloseConnection),
        Some(UpstreamResponse::Answer {
            status,
            headers,
            body,
            delay_ms,
        }) => {
            tokio::time::sleep(Duration::from_millis(delay_ms)).await;
            Ok(respond(status, &headers, body))
        }
    }
}

/// Records a request and takes the entry that answers it, if any.
fn take_entry(state: &Mutex<State>, record: &RecordedRequest) -> Option<UpstreamResponse> {
    let mut state = lock(state);
    state.requests.push(record.clone());
    let (entry, used) = state.entries.iter_mut().find(|(e, used)| {
        !*used && e.method.eq_ignore_ascii_case(&record.method) && e.path == record.path
    })?;
    *used = true;
    Some(entry.response.clone())
}

/// Builds an answer; a JSON body gets `content-type: application/json` unless the entry
/// names a content type.
fn respond(
    status: u16,
    headers: &[(String, String)],
    body: Option<(Vec<u8>, bool)>,
) -> hyper::Response<Full<Bytes>> {
    let mut builder = hyper::Response::builder().status(status);
    let has_type = headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("content-type"));
    if let Some((_, true)) = &body {
        if !has_type {
            builder = builder.header("content-type", "application/json");
        }
    }
    for (name, value) in headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    let bytes = body.map(|(b, _)| b).unwrap_or_default();
    builder
        .body(Full::new(Bytes::from(bytes)))
        .unwrap_or_else(|_| {
            let mut fallback = hyper::Response::new(Full::new(Bytes::from_static(
                b"bad upstream entry in the case",
            )));
            *fallback.status_mut() = hyper::StatusCode::INTERNAL_SERVER_ERROR;
            fallback
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::{send, HttpRequest};
    use std::net::IpAddr;

    fn entry(method: &str, path: &str, response: UpstreamResponse) -> UpstreamEntry {
        UpstreamEntry {
            method: method.into(),
            path: path.into(),
            response,
        }
    }

    fn ok(status: u16, body: &str, delay_ms: u64) -> UpstreamResponse {
        UpstreamResponse::Answer {
            status,
            headers: vec![("x-a".into(), "1".into())],
            body: Some((body.into(), true)),
            delay_ms,
        }
    }

    async fn call(
        upstream: &Upstream,
        method: &str,
        target: &str,
    ) -> Result<(u16, String), String> {
        let port = upstream.addr.port();
        let request = HttpRequest {
            method: method.into(),
            target: target.into(),
            ..HttpRequest::default()
        };
        let peer = IpAddr::V4(Ipv4Addr::LOCALHOST);
        let response = send(port, peer, &request, Duration::from_secs(5)).await?;
        Ok((response.status, response.body_text()))
    }

    #[tokio::test]
    async fn answers_in_order_and_records() {
        let upstream = Upstream::start(vec![
            entry("GET", "/u", ok(200, r#"{"n":1}"#, 0)),
            entry("GET", "/u", ok(201, r#"{"n":2}"#, 0)),
            entry("POST", "/v", ok(202, "{}", 0)),
        ])
        .await
        .unwrap();
        assert_eq!(
            call(&upstream, "GET", "/u?a=1&a=2").await,
            Ok((200, r#"{"n":1}"#.into()))
        );
        assert_eq!(
            call(&upstream, "GET", "/v").await,
            Ok((599, r#"{"unmatched":true}"#.into()))
        );
        assert_eq!(
            call(&upstream, "GET", "/u").await,
            Ok((201, r#"{"n":2}"#.into()))
        );
        assert_eq!(
            call(&upstream, "GET", "/u").await,
            Ok((599, r#"{"unmatched":true}"#.into()))
        );
        let seen: Vec<String> = upstream
            .requests()
            .iter()
            .map(|r| format!("{} {}", r.method, r.path))
            .collect();
        assert_eq!(seen, ["GET /u", "GET /v", "GET /u", "GET /u"]);
        assert_eq!(
            upstream.requests()[0].query_object().to_json(),
            r#"{"a":"1"}"#
        );
    }

    #[tokio::test]
    async fn closes_and_delays() {
        let upstream = Upstream::start(vec![
            entry("GET", "/close", UpstreamResponse::Close),
            entry("GET", "/slow", ok(200, "{}", 300)),
        ])
        .await
        .unwrap();
        let closed = call(&upstream, "GET", "/close").await;
        assert!(closed.is_err(), "{closed:?}");
        let started = std::time::Instant::now();
        assert_eq!(
            call(&upstream, "GET", "/slow").await,
            Ok((200, "{}".into()))
        );
        assert!(started.elapsed() >= Duration::from_millis(300));
    }

    #[test]
    fn records_decoded_requests() {
        let record = RecordedRequest::new(
            "POST",
            "/p?k=v+1&k=2",
            vec![("X-A".into(), "1".into())],
            Vec::new(),
        );
        assert_eq!(record.path, "/p");
        assert_eq!(record.headers, [("x-a".to_owned(), "1".to_owned())]);
        assert_eq!(record.query_object().to_json(), r#"{"k":"v 1"}"#);
    }
}
