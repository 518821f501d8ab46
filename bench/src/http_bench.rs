//! The HTTP benchmark: every workload against every server, each server its own pinned
//! child process, loaded by this process from another core.

use crate::backends::Server;
use crate::load::{self, Reply};
use crate::server::ServerProcess;
use crate::stats;
use crate::workloads::Workload;
use std::time::Duration;

/// How to measure.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Measured runs per workload and server.
    pub runs: usize,
    /// Length of each measured run.
    pub duration: Duration,
    /// Length of the warm-up before the runs.
    pub warmup: Duration,
    /// Concurrent keep-alive connections.
    pub connections: usize,
    /// Clock ticks per second of `/proc/<pid>/stat`.
    pub ticks_per_second: u64,
}

/// The figures of one workload on one server: medians over the runs.
#[derive(Debug, Clone)]
pub struct Measured {
    /// The workload.
    pub workload: Workload,
    /// The server.
    pub server: Server,
    /// Successful answers per second.
    pub rps: f64,
    /// Median latency, µs.
    pub p50_us: f64,
    /// 99th-percentile latency, µs.
    pub p99_us: f64,
    /// Errors over all runs (wrong status or failed exchange).
    pub errors: u64,
    /// Peak RSS of the server process over its whole life, KiB.
    pub rss_kib: f64,
    /// Server CPU time (user + sys) per request over the measured window, µs.
    pub cpu_us: f64,
    /// The reply checked before loading.
    pub reply: Reply,
}

/// Measures every server on every workload in turn. A server that does not start or
/// answers the check wrongly is reported and left out; the rest go on.
pub fn run_all(
    runtime: &tokio::runtime::Runtime,
    plan: &Plan,
    workloads: &[Workload],
    servers: &[Server],
) -> Vec<Measured> {
    let mut results = Vec::new();
    for workload in workloads {
        for &server in servers {
            eprintln!("· {} on {} …", workload.key, server.name());
            match measure(runtime, plan, workload, server) {
                Ok(m) => results.push(m),
                Err(e) => eprintln!("  {} on {}: {e}", workload.key, server.name()),
            }
        }
    }
    results
}

/// One server on one workload: start, check, warm up, measure `plan.runs` times.
fn measure(
    runtime: &tokio::runtime::Runtime,
    plan: &Plan,
    workload: &Workload,
    server: Server,
) -> Result<Measured, String> {
    let process = ServerProcess::start(server)?;
    let reply = runtime.block_on(load::request_once(process.port, workload))?;
    if reply.status != workload.status {
        return Err(format!(
            "the check request got {} (expected {}): {}",
            reply.status, workload.status, reply.body
        ));
    }
    runtime.block_on(load::run(
        process.port,
        workload,
        plan.connections,
        plan.warmup,
        || {},
    ))?;
    let mut runs = Vec::with_capacity(plan.runs);
    for _ in 0..plan.runs.max(1) {
        runs.push(one_run(runtime, plan, workload, &process)?);
    }
    let median = |f: fn(&Run) -> f64| {
        stats::median(&runs.iter().map(f).collect::<Vec<_>>()).unwrap_or(f64::NAN)
    };
    Ok(Measured {
        workload: *workload,
        server,
        rps: median(|r| r.rps),
        p50_us: median(|r| r.p50_us),
        p99_us: median(|r| r.p99_us),
        errors: runs.iter().map(|r| r.errors).sum(),
        rss_kib: process.peak_rss_kib().map_or(f64::NAN, |k| k as f64),
        cpu_us: median(|r| r.cpu_us),
        reply,
    })
}

/// The figures of one measured run.
struct Run {
    rps: f64,
    p50_us: f64,
    p99_us: f64,
    errors: u64,
    cpu_us: f64,
}

fn one_run(
    runtime: &tokio::runtime::Runtime,
    plan: &Plan,
    workload: &Workload,
    process: &ServerProcess,
) -> Result<Run, String> {
    let mut cpu_before = None;
    let sample = runtime.block_on(load::run(
        process.port,
        workload,
        plan.connections,
        plan.duration,
        || cpu_before = process.cpu_ticks(),
    ))?;
    let cpu_after = process.cpu_ticks();
    let requests = sample.ok + sample.errors;
    let cpu_us = match (cpu_before, cpu_after) {
        (Some(before), Some(after)) if requests > 0 => {
            let seconds = after.saturating_sub(before) as f64 / plan.ticks_per_second as f64;
            seconds * 1e6 / requests as f64
        }
        _ => f64::NAN,
    };
    let micros =
        |p| stats::percentile(&sample.latencies_ns, p).map_or(f64::NAN, |ns| ns as f64 / 1e3);
    Ok(Run {
        rps: sample.ok as f64 / sample.elapsed.as_secs_f64(),
        p50_us: micros(50.0),
        p99_us: micros(99.0),
        errors: sample.errors,
        cpu_us,
    })
}
