//! The three servers of the benchmark, and the one place that knows how each is built.

use flowc_codegen::ir;
use flowc_runtime::store::Store;
use flowc_runtime::{App, Config, FlowFn, RouteSpec, Services};
use std::path::PathBuf;
use std::sync::Arc;

/// The benchmark bundle compiled by `build.rs`. Generated code is linted where it is
/// made (flowc-codegen); the emitter currently writes `json.push_str("}")`.
#[allow(dead_code, clippy::single_char_add_str)]
mod bench_flows {
    include!(concat!(env!("OUT_DIR"), "/bench_flows.rs"));
}

/// The benchmark bundle's files, embedded, for the interpreter.
mod bench_sources {
    include!(concat!(env!("OUT_DIR"), "/bench_sources.rs"));
}

/// Which server answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Server {
    /// The bundle's generated Rust module behind flowc's router.
    Compiled,
    /// The interpreter running the same bundle behind the same router.
    Interp,
    /// The hand-written axum server.
    Limit,
}

impl Server {
    /// Every server, in table order.
    pub const ALL: [Server; 3] = [Server::Compiled, Server::Interp, Server::Limit];

    /// The name in tables and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Server::Compiled => "compiled",
            Server::Interp => "interp",
            Server::Limit => "limit",
        }
    }

    /// Whether it can serve the workload (the limit has no asynchronous routes).
    pub fn serves(self, workload: &crate::workloads::Workload) -> bool {
        self != Server::Limit || workload.limit_serves()
    }

    /// Starts the server: its router (serve it with connect info) and, for flowc's, the
    /// store with its workers. Fails when the bundle does not start.
    pub async fn start(self, setup: &Setup) -> Result<Served, String> {
        let app = match self {
            Server::Limit => {
                return Ok(Served {
                    router: crate::limit::router(&setup.upstream)?,
                    store: None,
                    _workers: None,
                })
            }
            Server::Compiled => compiled_app(),
            Server::Interp => interp_app()?,
        };
        let mut config = Config {
            data_dir: setup.data_dir.clone(),
            ..Config::default()
        };
        config
            .env
            .insert(crate::upstream::ENV.to_owned(), setup.upstream.clone());
        start_app(app, Arc::new(config)).await
    }
}

/// What every server starts with.
#[derive(Debug, Clone)]
pub struct Setup {
    /// W3's upstream, `http://127.0.0.1:PORT` (the bundle reads it as `${BENCH_UPSTREAM}`).
    pub upstream: String,
    /// The store's folder (`--data-dir`): fresh for every server.
    pub data_dir: PathBuf,
}

/// A started server.
pub struct Served {
    /// Its router.
    pub router: axum::Router,
    /// flowc's store (the bundle has an asynchronous route); `None` for the limit.
    pub store: Option<Store>,
    /// The store's workers claim jobs while this is held.
    _workers: Option<tokio::sync::watch::Sender<bool>>,
}

/// `flowc_runtime::start`, step by step, the same calls in the same order, only so that
/// the benchmark keeps a handle on the store and can read its commit count
/// ([`Store::commits`]); keep it in step with `start`.
async fn start_app(mut app: App, config: Arc<Config>) -> Result<Served, String> {
    let has_async = app.routes.iter().any(|(spec, _)| spec.is_async);
    app.needs.store |= has_async;
    let services = Services::start(&app.needs, config)
        .await
        .map_err(|e| format!("the bundle does not start: {e}"))?;
    let store = services.store.clone();
    let mut workers = None;
    if let (true, Some(store)) = (has_async, store.clone()) {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let flows = app
            .routes
            .iter()
            .map(|(spec, flow)| (spec.id.clone(), Arc::clone(flow)))
            .collect();
        flowc_runtime::jobs::start_workers(&services, store, flows, stopped);
        workers = Some(stop);
    }
    Ok(Served {
        router: flowc_runtime::router(app.routes, services),
        store,
        _workers: workers,
    })
}

/// The generated module as an app.
fn compiled_app() -> App {
    bench_flows::app()
}

/// The interpreter over the embedded bundle, as an app.
fn interp_app() -> Result<App, String> {
    Ok(flowc_runtime::interp::app(Arc::new(bundle()?)))
}

/// The generated module's routes.
pub fn compiled_routes() -> Vec<(RouteSpec, FlowFn)> {
    compiled_app().routes
}

/// The interpreter's routes over the embedded bundle.
pub fn interp_routes() -> Result<Vec<(RouteSpec, FlowFn)>, String> {
    Ok(interp_app()?.routes)
}

/// The embedded bundle, checked and lowered as `build.rs` did.
pub fn bundle() -> Result<ir::Bundle, String> {
    let source = flowc_codegen::BundleSource {
        origin: "flows".to_owned(),
        files: bench_sources::SOURCES
            .iter()
            .map(|(name, text)| ((*name).to_owned(), (*text).to_owned()))
            .collect(),
    };
    let checked = flowc_codegen::check(&source);
    checked.ir.ok_or_else(|| checked.diagnostics.render())
}

/// The session function of the route with this id, from a list of routes.
pub fn flow_fn(routes: &[(RouteSpec, FlowFn)], route_id: &str) -> Option<FlowFn> {
    routes
        .iter()
        .find(|(spec, _)| spec.id == route_id)
        .map(|(_, f)| Arc::clone(f))
}
