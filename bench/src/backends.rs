//! The three servers of the benchmark, and the one place that knows how each is built.

use flowc_codegen::ir;
use flowc_runtime::{App, Config, FlowFn, RouteSpec};
use std::sync::Arc;

/// The benchmark bundle compiled by `build.rs`.
#[allow(dead_code)]
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

    /// The server's router (serve it with connect info). Fails when the bundle does not
    /// start (it needs nothing from the environment, so this is a bug report).
    pub async fn router(self) -> Result<axum::Router, String> {
        let app = match self {
            Server::Limit => return Ok(crate::limit::router()),
            Server::Compiled => compiled_app(),
            Server::Interp => interp_app()?,
        };
        flowc_runtime::start(app, Arc::new(Config::default()))
            .await
            .map_err(|e| format!("the bundle does not start: {e}"))
    }
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
