//! The interpreter: runs a bundle loaded at run time, with the same semantics and the same
//! HTTP contract as generated code.
//!
//! [`routes`] prepares a bundle once (every regex compiled, every route's spec made) and
//! gives the router one [`FlowFn`] per route; [`run`] runs one session directly (for
//! `flowc run`, with an optional [`TraceStep`] trace). The semantics live in `step`
//! (one function per node kind) over the session `state`.

mod formats;
mod outbound;
mod state;
mod step;
mod store_nodes;
#[cfg(test)]
mod tests;

use crate::app::{App, KeyNeed, Needs, StartupError};
use crate::config::Config;
use crate::http::{Call, FlowFn, RouteSpec};
use crate::session::SessionResult;
use flowc_codegen::ir::{self, StepKind, StepRef};
use flowc_lang::pattern::Matcher;
use std::collections::HashMap;
use std::sync::Arc;

/// One executed step, for `flowc run --trace`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceStep {
    /// The flow it belongs to.
    pub flow: String,
    /// Its step number.
    pub step: u64,
    /// The node type (`start`, `calculate`, …).
    pub kind: &'static str,
    /// Where it went: `yes`, `no`, `next`, `case 2`, `default`, `end 200`.
    pub outcome: String,
    /// What it wrote: a variable name or `node:part`, and the value as compact JSON.
    pub wrote: Vec<(String, String)>,
}

/// Every route of a bundle with its session, for [`crate::http::router`]. Regexes are
/// compiled here, once per bundle load.
pub fn routes(bundle: Arc<ir::Bundle>) -> Vec<(RouteSpec, FlowFn)> {
    let program = Arc::new(Program::new(bundle));
    (0..program.bundle.routes.len())
        .map(|i| (program.route_spec(i), flow_fn(&program, i)))
        .collect()
}

/// The bundle as an [`App`]: its routes and what it needs at start.
pub fn app(bundle: Arc<ir::Bundle>) -> App {
    let needs = needs(&bundle);
    App {
        routes: routes(bundle),
        needs,
    }
}

/// What the bundle needs from the environment at start.
pub fn needs(bundle: &ir::Bundle) -> Needs {
    let keys = bundle.keys.iter().map(|k| KeyNeed {
        env: k.env.clone(),
        algorithm: k.algorithm,
    });
    Needs {
        keys: keys.collect(),
        // The opt-out list lives in the store (§4.10).
        // `send_template` checks it before it sends (§4.8).
        store: bundle.flows.iter().flat_map(|f| &f.steps).any(|s| {
            matches!(
                s.kind,
                ir::StepKind::OptOut { .. } | ir::StepKind::SendTemplate { .. }
            )
        }),
        outbound: crate::outbound::start::OutboundNeeds::from_ir(bundle),
    }
}

/// The HTTP router serving a bundle through the interpreter, its needs resolved.
pub async fn router(
    bundle: Arc<ir::Bundle>,
    config: Arc<Config>,
) -> Result<axum::Router, StartupError> {
    crate::app::start(app(bundle), config).await
}

/// Runs one session of `route` from `entry`, optionally recording a trace. Compiles the
/// bundle's regexes first; to run many sessions, use [`Program`].
pub async fn run(
    bundle: &ir::Bundle,
    entry: StepRef,
    route: &ir::Route,
    call: Call,
    trace: Option<&mut Vec<TraceStep>>,
) -> SessionResult {
    let regexes = Regexes::compile(bundle);
    step::Machine {
        bundle,
        regexes: &regexes,
    }
    .run(entry, route, call, trace)
    .await
}

/// A bundle prepared for running: the IR and its compiled regexes.
#[derive(Debug)]
pub struct Program {
    bundle: Arc<ir::Bundle>,
    regexes: Regexes,
    /// [`ir::headers_read`], walked once for every route's spec.
    headers_read: Vec<String>,
    /// [`ir::body_reads`], likewise.
    body_reads: Option<Vec<String>>,
}

impl Program {
    /// Prepares a bundle (compiles every regex once).
    pub fn new(bundle: Arc<ir::Bundle>) -> Program {
        let regexes = Regexes::compile(&bundle);
        let headers_read = ir::headers_read(&bundle);
        let body_reads = ir::body_reads(&bundle);
        Program {
            bundle,
            regexes,
            headers_read,
            body_reads,
        }
    }

    /// The bundle.
    pub fn bundle(&self) -> &ir::Bundle {
        &self.bundle
    }

    /// Runs one session of the route at `route` (an index into [`ir::Bundle::routes`]).
    /// An index out of range is CT21: no such route runs.
    pub async fn run_route(
        &self,
        route: usize,
        call: Call,
        trace: Option<&mut Vec<TraceStep>>,
    ) -> SessionResult {
        let Some(r) = self.bundle.routes.get(route) else {
            return Err(crate::session::SessionError::new(
                crate::session::ErrorCode::Ct21,
                "no such route",
            ));
        };
        step::Machine {
            bundle: &self.bundle,
            regexes: &self.regexes,
        }
        .run(r.entry, r, call, trace)
        .await
    }

    /// The route's fixed facts for the router.
    fn route_spec(&self, index: usize) -> RouteSpec {
        let r = &self.bundle.routes[index];
        let entry_flow = self
            .bundle
            .flows
            .get(r.entry.flow)
            .map_or("?", |f| f.id.as_str());
        RouteSpec {
            id: r.id.clone(),
            name: r.name.clone(),
            method: r.method.as_str(),
            allowed: r.allowed.clone(),
            token_sha256: r.token_sha256.clone(),
            is_async: r.is_async,
            timeout_ms: r.timeout_ms,
            entry: format!("{entry_flow}:{}", r.entry.step),
            headers_read: self.headers_read.clone(),
            // An asynchronous route's request is stored whole, for whichever build resumes it.
            body_reads: self.body_reads.clone().filter(|_| !r.is_async),
        }
    }
}

/// The session function of route `index`.
fn flow_fn(program: &Arc<Program>, index: usize) -> FlowFn {
    let program = Arc::clone(program);
    Arc::new(move |call: Call| {
        let program = Arc::clone(&program);
        Box::pin(async move { program.run_route(index, call, None).await })
    })
}

/// The compiled pattern of every `regex` step, by step.
#[derive(Debug, Default)]
pub(crate) struct Regexes(HashMap<StepRef, Matcher>);

impl Regexes {
    /// Compiles every pattern of the bundle. Lowering checked them, so a failure cannot
    /// happen with a checked bundle; such a step is left out and fails its session (CT21).
    fn compile(bundle: &ir::Bundle) -> Regexes {
        let mut map = HashMap::new();
        for (fi, flow) in bundle.flows.iter().enumerate() {
            for s in &flow.steps {
                if let StepKind::Regex { pattern, .. } = &s.kind {
                    if let Ok(re) = pattern.compile() {
                        map.insert(
                            StepRef {
                                flow: fi,
                                step: s.number,
                            },
                            re,
                        );
                    }
                }
            }
        }
        Regexes(map)
    }

    /// The pattern of a step.
    fn get(&self, at: StepRef) -> Option<&Matcher> {
        self.0.get(&at)
    }
}
