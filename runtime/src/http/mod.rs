//! The HTTP contract of §6: one axum router for every backend.
//!
//! Generated code and the interpreter both hand [`router`] a list of routes, each a
//! [`RouteSpec`] (everything fixed at build time) and a [`FlowFn`] (the session). The checks
//! of §6.1 run here, in order, once, for both backends:
//!
//! 1. route exists (404) — `table`, 2. caller allowed (403) and 3. token (401) —
//!    `checks`, 4. method (405), 5. size (413), 6. media type (415) then JSON (400) —
//!    `body`; then the session runs (`answer`). Errors are [`ApiError`]s.
//!
//! Everything a request needs from the route (decoded hashes, the parsed method) is
//! prepared once when the router is built, so the per-request path does one hash-map
//! lookup and no parsing of route configuration.

mod answer;
mod body;
mod callback;
mod checks;
mod error;
mod request;
mod table;
#[cfg(test)]
mod tests;

pub use error::ApiError;

use crate::app::Services;
use crate::session::SessionResult;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method};
use axum::response::{IntoResponse, Response};
use flowc_lang::net::IpNet;
use flowc_lang::scope::{RequestData, SessionData};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use table::Table;

/// Everything about a route that the bundle fixes (§5).
#[derive(Debug, Clone)]
pub struct RouteSpec {
    /// The route id; the path is `/dynamic/<id>`.
    pub id: String,
    /// The route's name.
    pub name: String,
    /// `GET`, `POST`, `PUT` or `DELETE`.
    pub method: &'static str,
    /// The allowlist blocks.
    pub allowed: Vec<IpNet>,
    /// Lower-case hex SHA-256 hashes of the valid tokens.
    pub token_sha256: Vec<String>,
    /// Asynchronous routes acknowledge with 202 (not supported yet: rejected at build time).
    pub is_async: bool,
    /// The synchronous session time limit (CT12).
    pub timeout_ms: u64,
    /// Where sessions start, for the start-up log: `order-triage:1`.
    pub entry: String,
    /// The request headers the bundle's flows can read (`[[request:header.x]]`), lower
    /// case and sorted: the only ones copied into the session's request, since no flow can
    /// read any other. `authorization` is never copied, named here or not (§13 rule 31).
    pub headers_read: Vec<String>,
    /// The body paths the bundle's flows can read (`[[request:body.a.#.b]]`, dotted), or
    /// `None` when something reads the body whole or the route is asynchronous (a stored
    /// request keeps its whole body, for whichever build resumes it). A synchronous
    /// route's body is parsed keeping only what these reach ([`flowc_lang::json::Shape`]):
    /// every part is still checked, none of the rest is built.
    pub body_reads: Option<Vec<String>>,
}

/// One session's input, made by the router after the checks passed.
#[derive(Debug, Clone)]
pub struct Call {
    /// The configuration and what was resolved from the environment at start.
    pub services: Arc<Services>,
    /// The request as flows see it.
    pub request: RequestData,
    /// Session facts; the flow fills `flow` and `msisdn` when it starts.
    pub session: SessionData,
    /// The step budget (`--max-steps`).
    pub max_steps: u64,
    /// When a synchronous session must have answered (the route's `timeout_ms`, CT12);
    /// `None` for sessions bounded by the step budget alone.
    pub deadline: Option<std::time::Instant>,
    /// Whether the session runs in the background (an asynchronous route): its waits park
    /// in the store instead of holding a request open.
    pub is_async: bool,
    /// A stored session being resumed: its state and what woke it.
    pub resume: Option<(flowc_lang::Value, crate::store::Resume)>,
}

/// A running session.
pub type FlowFuture = Pin<Box<dyn Future<Output = SessionResult> + Send>>;

/// Starts a session for a call.
pub type FlowFn = Arc<dyn Fn(Call) -> FlowFuture + Send + Sync>;

/// The header carrying the session id on every answer.
pub const REQUEST_ID: &str = "x-request-id";

/// The axum router serving `/dynamic/<id>` for every route, `/healthz`, and a 404 error body
/// for everything else; every answer carries `X-Request-Id`. The caller's address comes
/// from `ConnectInfo<SocketAddr>` (serve with `into_make_service_with_connect_info`).
///
/// Routes are dispatched by the fallback with an exact lookup of the raw path, rather than
/// registered one by one with axum: the lookup is exact by construction (a trailing slash
/// or any near miss is a 404 with our error body), and no route id can trip axum's path
/// syntax (`{`, `*`, `:`).
pub fn router(routes: Vec<(RouteSpec, FlowFn)>, services: Arc<Services>) -> axum::Router {
    let table = Arc::new(Table::new(routes, services));
    axum::Router::new()
        .route("/healthz", axum::routing::any(healthz))
        .route("/chat/callback", axum::routing::any(callback::callback))
        .fallback(dispatch)
        .with_state(table)
}

/// A new session id (also the request id of an answer that starts no session), made
/// straight into the shared string every part of a request uses.
pub fn new_request_id() -> Arc<str> {
    let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
    Arc::from(&*uuid::Uuid::new_v4().hyphenated().encode_lower(&mut text))
}

/// `GET /healthz`: 200 while serving.
async fn healthz(method: Method) -> Response {
    let id = new_request_id();
    if method != Method::GET {
        return ApiError::method_not_allowed("GET")
            .with_id(&id)
            .into_response();
    }
    let mut response = answer::json_response(axum::http::StatusCode::OK, r#"{"status":"ok"}"#);
    set_request_id(&mut response, &id);
    response
}

/// Every other path: a route's, or 404.
async fn dispatch(State(table): State<Arc<Table>>, request: Request) -> Response {
    let id = new_request_id();
    let mut response = match handle(&table, &id, request).await {
        Ok(response) => response,
        Err(error) => error.with_id(&id).into_response(),
    };
    set_request_id(&mut response, &id);
    response
}

/// The checks of §6.1 in order, then the session.
async fn handle(table: &Table, id: &Arc<str>, request: Request) -> Result<Response, ApiError> {
    let route = table
        .lookup(request.uri().path())
        .ok_or_else(ApiError::not_found)?;
    let ip = checks::caller(&request, &table.services.config.trusted_proxies)?;
    checks::allowed(route, ip)?;
    checks::token(route, request.headers())?;
    checks::method(route, request.method())?;
    let (parts, body) = request.into_parts();
    let max_body = table.services.config.max_body;
    let json = body::read_json(&parts.headers, body, max_body, &route.body_shape).await?;
    let call = request::call(&parts, ip, json, route, id, &table.services);
    answer::run(route, call).await
}

/// Sets `X-Request-Id`, replacing any value a flow gave (the session id always wins).
fn set_request_id(response: &mut Response, id: &str) {
    if let Ok(value) = HeaderValue::from_str(id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
}
