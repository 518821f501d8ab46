//! The HTTP contract of §6: one axum router for every backend.
//!
//! Generated code and the interpreter both hand [`router`] a list of routes, each a
//! [`RouteSpec`] (everything fixed at build time) and a [`FlowFn`] (the session). The checks
//! of §6.1 run here, in order, once, for both backends.

use crate::config::Config;
use crate::session::SessionResult;
use flowc_lang::net::IpNet;
use flowc_lang::scope::{RequestData, SessionData};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

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
    /// For the start-up log: `order-triage → order-triage:1`.
    pub entry: String,
}

/// One session's input, made by the router after the checks passed.
#[derive(Debug, Clone)]
pub struct Call {
    /// The request as flows see it.
    pub request: RequestData,
    /// Session facts; the flow fills `flow` and `msisdn` when it starts.
    pub session: SessionData,
    /// The step budget (`--max-steps`).
    pub max_steps: u64,
}

/// A running session.
pub type FlowFuture = Pin<Box<dyn Future<Output = SessionResult> + Send>>;

/// Starts a session for a call.
pub type FlowFn = Arc<dyn Fn(Call) -> FlowFuture + Send + Sync>;

/// The axum router serving `/dynamic/<id>` for every route, `/healthz`, and a 404 error body
/// for everything else; every answer carries `X-Request-Id`. The caller's address comes
/// from `ConnectInfo<SocketAddr>` (serve with `into_make_service_with_connect_info`).
pub fn router(routes: Vec<(RouteSpec, FlowFn)>, config: Arc<Config>) -> axum::Router {
    let _ = (routes, config);
    todo!()
}
