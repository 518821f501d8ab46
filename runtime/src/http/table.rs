//! The route table: everything a request needs from a route, prepared once.

use super::{FlowFn, RouteSpec};
use crate::app::Services;
use crate::config::Config;
use axum::http::Method;
use flowc_lang::json::Shape;
use flowc_lang::path::Path;
use std::collections::HashMap;
use std::sync::Arc;

/// A route ready to serve.
pub(super) struct Entry {
    /// As the bundle gave it.
    pub spec: RouteSpec,
    /// The session.
    pub flow: FlowFn,
    /// The accepted method, parsed once (`None` would be a method no call can have).
    pub method: Option<Method>,
    /// The valid token hashes, decoded (`--tokens` replaces the bundle's).
    pub hashes: Vec<[u8; 32]>,
    /// `/dynamic/<id>` and the route's name, shared with every session's facts rather than
    /// copied into each.
    pub path: Arc<str>,
    /// The route's name, shared likewise.
    pub name: Arc<str>,
    /// What of a body to build ([`RouteSpec::body_reads`]).
    pub body_shape: Shape,
}

/// Routes by exact path, and the configuration.
pub(super) struct Table {
    routes: HashMap<String, Entry>,
    /// The configuration and what was resolved at start.
    pub services: Arc<Services>,
}

impl Table {
    /// Prepares every route.
    pub fn new(routes: Vec<(RouteSpec, FlowFn)>, services: Arc<Services>) -> Table {
        let config = &services.config;
        let routes = routes
            .into_iter()
            .map(|(spec, flow)| {
                let entry = Entry::new(spec, flow, config);
                (entry.path.to_string(), entry)
            })
            .collect();
        Table { routes, services }
    }

    /// The route at exactly this (raw) path.
    pub fn lookup(&self, path: &str) -> Option<&Entry> {
        self.routes.get(path)
    }
}

impl Entry {
    fn new(spec: RouteSpec, flow: FlowFn, config: &Config) -> Entry {
        // `--tokens` replaces the bundle's hashes for the routes it lists (§13 rule 29).
        let hex = config.tokens.get(&spec.id).unwrap_or(&spec.token_sha256);
        let hashes = hex.iter().filter_map(|h| decode_sha256(h)).collect();
        // An unknown method cannot come from a checked bundle; matching nothing is the safe
        // reading (every call gets 405).
        let method = Method::from_bytes(spec.method.as_bytes()).ok();
        let body_shape = match &spec.body_reads {
            Some(dotted) => {
                Shape::of_paths(&dotted.iter().map(|p| Path::parse(p)).collect::<Vec<_>>())
            }
            None => Shape::Whole,
        };
        Entry {
            body_shape,
            path: Arc::from(format!("/dynamic/{}", spec.id)),
            name: Arc::from(spec.name.as_str()),
            spec,
            flow,
            method,
            hashes,
        }
    }
}

/// 64 hex digits (either case) as 32 bytes; anything else is no valid hash.
pub(super) fn decode_sha256(hex: &str) -> Option<[u8; 32]> {
    let bytes = hex.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in bytes.chunks_exact(2).enumerate() {
        out[i] = (hex_digit(pair[0])? << 4) | hex_digit(pair[1])?;
    }
    Some(out)
}

fn hex_digit(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}
