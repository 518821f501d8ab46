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
    /// Length of the warm-up before each measured run.
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
    /// How busy the server's core was over the measured window, % (near 100: the server
    /// limited the throughput; well below: the load generator or the machine did).
    pub busy_pct: f64,
    /// The reply checked before loading.
    pub reply: Reply,
}

/// Measures every server on every workload. Per workload, every server is started and
/// checked first; then the runs go round the servers (run 1 of each, run 2 of each, …),
/// each run after its own warm-up, so a noisy moment on the machine does not fall on one
/// server alone. A server that does not start or answers the check wrongly is reported and
/// left out; the rest go on.
pub fn run_all(
    runtime: &tokio::runtime::Runtime,
    plan: &Plan,
    workloads: &[Workload],
    servers: &[Server],
) -> Vec<Measured> {
    let mut results = Vec::new();
    for workload in workloads {
        let started: Vec<(Server, ServerProcess, Reply)> = servers
            .iter()
            .filter_map(|&server| match start_and_check(runtime, workload, server) {
                Ok((process, reply)) => Some((server, process, reply)),
                Err(e) => {
                    eprintln!("  {} on {}: {e}", workload.key, server.name());
                    None
                }
            })
            .collect();
        let mut runs: Vec<Vec<Run>> = started.iter().map(|_| Vec::new()).collect();
        for round in 1..=plan.runs.max(1) {
            for ((server, process, _), done) in started.iter().zip(&mut runs) {
                eprintln!("· {} on {}, run {round} …", workload.key, server.name());
                match warm_and_run(runtime, plan, workload, process) {
                    Ok(run) => done.push(run),
                    Err(e) => eprintln!("  {} on {}: {e}", workload.key, server.name()),
                }
            }
        }
        for ((server, process, reply), done) in started.into_iter().zip(runs) {
            if !done.is_empty() {
                results.push(summarise(workload, server, &process, reply, &done));
            }
        }
    }
    results
}

/// Starts a server and checks its answer to the workload's request.
fn start_and_check(
    runtime: &tokio::runtime::Runtime,
    workload: &Workload,
    server: Server,
) -> Result<(ServerProcess, Reply), String> {
    let process = ServerProcess::start(server)?;
    let reply = runtime.block_on(load::request_once(process.port, workload))?;
    if reply.status != workload.status {
        return Err(format!(
            "the check request got {} (expected {}): {}",
            reply.status, workload.status, reply.body
        ));
    }
    Ok((process, reply))
}

/// Medians over the runs, and the process's peak RSS.
fn summarise(
    workload: &Workload,
    server: Server,
    process: &ServerProcess,
    reply: Reply,
    runs: &[Run],
) -> Measured {
    let median = |f: fn(&Run) -> f64| {
        stats::median(&runs.iter().map(f).collect::<Vec<_>>()).unwrap_or(f64::NAN)
    };
    Measured {
        workload: *workload,
        server,
        rps: median(|r| r.rps),
        p50_us: median(|r| r.p50_us),
        p99_us: median(|r| r.p99_us),
        errors: runs.iter().map(|r| r.errors).sum(),
        rss_kib: process.peak_rss_kib().map_or(f64::NAN, |k| k as f64),
        cpu_us: median(|r| r.cpu_us),
        busy_pct: median(|r| r.busy_pct),
        reply,
    }
}

/// The figures of one measured run.
struct Run {
    rps: f64,
    p50_us: f64,
    p99_us: f64,
    errors: u64,
    cpu_us: f64,
    busy_pct: f64,
}

/// A warm-up, then one measured run.
fn warm_and_run(
    runtime: &tokio::runtime::Runtime,
    plan: &Plan,
    workload: &Workload,
    process: &ServerProcess,
) -> Result<Run, String> {
    runtime.block_on(load::run(
        process.port,
        workload,
        plan.connections,
        plan.warmup,
        || {},
    ))?;
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
    let cpu_seconds = match (cpu_before, cpu_after) {
        (Some(before), Some(after)) => {
            after.saturating_sub(before) as f64 / plan.ticks_per_second as f64
        }
        _ => f64::NAN,
    };
    let elapsed = sample.elapsed.as_secs_f64();
    let micros =
        |p| stats::percentile(&sample.latencies_ns, p).map_or(f64::NAN, |ns| ns as f64 / 1e3);
    Ok(Run {
        rps: sample.ok as f64 / elapsed,
        p50_us: micros(50.0),
        p99_us: micros(99.0),
        errors: sample.errors,
        cpu_us: stats::ratio(cpu_seconds * 1e6, requests as f64),
        busy_pct: stats::ratio(cpu_seconds * 100.0, elapsed),
    })
}
