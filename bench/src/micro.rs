//! One session's execution alone, without HTTP: the route's [`FlowFn`] called directly
//! with a prepared [`Call`], compiled vs interpreter; and, for scale, the hand-written
//! limit's logic on its own prepared input ([`limit::Prepared`]). Only the workloads that
//! compute alone ([`Kind::Compute`]): W3's session waits on its upstream, and W5's is W1's.

use crate::backends;
use crate::limit;
use crate::workloads::{Kind, Workload};
use flowc_lang::scope::{RequestData, SessionData};
use flowc_runtime::session::Outcome;
use flowc_runtime::{Call, Config, FlowFn, Services};
use std::future::Future;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

/// The figures of one workload.
#[derive(Debug, Clone)]
pub struct MicroResult {
    /// The workload.
    pub workload: Workload,
    /// Compiled: ns per session, the call's clone taken off.
    pub compiled_ns: f64,
    /// Interpreter: ns per session, the call's clone taken off.
    pub interp_ns: f64,
    /// Cloning the prepared call, ns (measured separately and taken off both figures).
    pub clone_ns: f64,
    /// The hand-written limit: ns per session, its input's clone taken off.
    pub limit_ns: f64,
}

/// Measures every workload that computes alone for about `time` per backend (median of
/// three slices); the others are left out.
pub fn run_all(workloads: &[Workload], time: Duration) -> Result<Vec<MicroResult>, String> {
    let compiled = backends::compiled_routes();
    let interp = backends::interp_routes()?;
    workloads
        .iter()
        .filter(|w| w.kind == Kind::Compute)
        .map(|w| {
            let call = prepared_call(w)?;
            let find = |routes: &[_]| {
                backends::flow_fn(routes, w.route_id)
                    .ok_or_else(|| format!("no route for {}", w.key))
            };
            let (compiled_fn, interp_fn) = (find(&compiled)?, find(&interp)?);
            check_answer(&compiled_fn, &call, w)?;
            check_answer(&interp_fn, &call, w)?;
            // Each session takes its own clone of the call; the router would make it
            // once per request instead, so the clone's time is measured and taken off.
            let clone_ns = time_per_iteration(time / 4, || clone_call(&call));
            let net = |ns: f64| (ns - clone_ns).max(1.0);
            let compiled_ns = net(time_per_iteration(time, || {
                compiled_session(&compiled_fn, &call)
            }));
            let interp_ns = net(time_per_iteration(time, || {
                interp_session(&interp_fn, &call)
            }));
            Ok(MicroResult {
                workload: *w,
                compiled_ns,
                interp_ns,
                clone_ns,
                limit_ns: limit_ns(w, time)?,
            })
        })
        .collect()
}

/// The call the router would make for the workload's request.
pub fn prepared_call(workload: &Workload) -> Result<Call, String> {
    let body = flowc_lang::json::parse(workload.body)
        .map_err(|e| format!("{} body: {}", workload.key, e.message))?;
    Ok(Call {
        services: Services::bare(Arc::new(Config::default())),
        request: RequestData {
            method: "POST".into(),
            path: workload.path().into(),
            ip: "127.0.0.1".into(),
            query: Default::default(),
            headers: vec![
                ("host".to_owned(), "127.0.0.1:8080".to_owned()),
                ("content-type".to_owned(), "application/json".to_owned()),
            ],
            body: Some(body),
        },
        session: SessionData {
            id: "00000000-0000-4000-8000-000000000000".into(),
            route: workload.title.into(),
            flow: Default::default(),
            started_at: flowc_lang::time::StartTime::now(),
            msisdn: None,
        },
        max_steps: Config::default().max_steps,
        // As the router sets it, far enough away never to end a measured session.
        deadline: Some(Instant::now() + Duration::from_secs(24 * 3600)),
        is_async: false,
        resume: None,
    })
}

/// The hand-written limit's session on the workload's input, its input's clone taken off.
fn limit_ns(w: &Workload, time: Duration) -> Result<f64, String> {
    let prepared = limit::Prepared::new(w)?
        .ok_or_else(|| format!("{}: the limit has no session alone", w.key))?;
    // The limit answers 200 with its JSON, or 422 with the flow's error message.
    let status = if prepared.run().is_ok() { 200 } else { 422 };
    if status != w.status {
        return Err(format!("{}: the limit answered {status}", w.key));
    }
    let clone_ns = time_per_iteration(time / 4, || clone_limit_input(&prepared));
    let ns = time_per_iteration(time, || limit_session(&prepared));
    Ok((ns - clone_ns).max(1.0))
}

/// The session must answer the workload's status, or the timing means nothing.
fn check_answer(f: &FlowFn, call: &Call, w: &Workload) -> Result<(), String> {
    match block_on(f(call.clone())) {
        Ok(Outcome::Answered(answer)) if answer.status == w.status => Ok(()),
        Ok(Outcome::Answered(answer)) => {
            Err(format!("{}: the session answered {}", w.key, answer.status))
        }
        Ok(Outcome::Parked(_)) => Err(format!("{}: the session parked", w.key)),
        Err(e) => Err(format!("{}: the session failed: {}", w.key, e.message)),
    }
}

/// Runs one session on a clone of the call.
fn run_session(f: &FlowFn, call: &Call) {
    let _ = std::hint::black_box(block_on(f(call.clone())));
}

// What is timed, each in a function of its own that is never inlined, so a profile
// counts each per call: `bench/callgrind-session.sh` reads these names.

/// A compiled session on a clone of the call.
#[inline(never)]
fn compiled_session(f: &FlowFn, call: &Call) {
    // A mark of its own: the two session functions would otherwise compile to the same
    // code, which the compiler merges into one symbol.
    std::hint::black_box("compiled");
    run_session(f, call);
}

/// An interpreted session on a clone of the call.
#[inline(never)]
fn interp_session(f: &FlowFn, call: &Call) {
    std::hint::black_box("interpreter");
    run_session(f, call);
}

/// A clone of the call, dropped: what both sessions' figures are net of.
#[inline(never)]
fn clone_call(call: &Call) {
    std::hint::black_box(call.clone());
}

/// The limit's session on a clone of its input.
#[inline(never)]
fn limit_session(prepared: &limit::Prepared) {
    let _ = std::hint::black_box(prepared.run());
}

/// A clone of the limit's input, dropped.
#[inline(never)]
fn clone_limit_input(prepared: &limit::Prepared) {
    std::hint::black_box(prepared.clone_input());
}

/// Nanoseconds per call of `body`: the median of three slices of `total / 3` each.
fn time_per_iteration(total: Duration, mut body: impl FnMut()) -> f64 {
    let slice = total / 3;
    let mut per = Vec::with_capacity(3);
    for _ in 0..3 {
        let start = Instant::now();
        let mut n: u64 = 0;
        while start.elapsed() < slice || n == 0 {
            for _ in 0..64 {
                body();
            }
            n += 64;
        }
        per.push(start.elapsed().as_nanos() as f64 / n as f64);
    }
    crate::stats::median(&per).unwrap_or(f64::NAN)
}

/// Drives a future that never waits on I/O (these flows compute only) to completion by
/// polling; one that does wait is driven by a small runtime instead.
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    match future.as_mut().poll(&mut cx) {
        Poll::Ready(output) => output,
        Poll::Pending => match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(runtime) => runtime.block_on(future),
            Err(e) => panic!("cannot start a runtime for a waiting session: {e}"),
        },
    }
}
