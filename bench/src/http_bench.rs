//! The HTTP benchmark: every workload against every server, each server its own pinned
//! child process, loaded by this process from another core.

use crate::backends::Server;
use crate::load::{self, Reply};
use crate::queue::{self, Jobs};
use crate::server::ServerProcess;
use crate::stats;
use crate::workloads::{Kind, Workload};
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
    /// For an asynchronous workload: what the store did (medians over the runs).
    pub store: Option<StoreFigures>,
}

/// What an asynchronous server's store did over a measured window, per acknowledged
/// request (`NaN` where a figure could not be read).
#[derive(Debug, Clone, Copy)]
pub struct StoreFigures {
    /// Store transactions committed (enqueue batches, and the workers' claims and
    /// finishes, which go through the same writer).
    pub commits_per_ack: f64,
    /// Background sessions that ran and recorded their answer: about 1 when the workers
    /// keep up with the acknowledgements.
    pub finished_per_ack: f64,
    /// Jobs acknowledged but not finished at the end of the window.
    pub pending_at_end: f64,
}

/// Measures every server on every workload. Per workload, every server is started and
/// checked first; then the runs go round the servers (run 1 of each, run 2 of each, …),
/// each run after its own warm-up, so a noisy moment on the machine does not fall on one
/// server alone. A server that does not start or answers the check wrongly is reported and
/// left out; the rest go on. A server that cannot serve a workload (the limit, an
/// asynchronous one) is left out of it. Every server calls W3's upstream at `upstream`.
pub fn run_all(
    runtime: &tokio::runtime::Runtime,
    plan: &Plan,
    workloads: &[Workload],
    servers: &[Server],
    upstream: &str,
) -> Vec<Measured> {
    let mut results = Vec::new();
    for workload in workloads {
        let started: Vec<(Server, ServerProcess, Reply)> = servers
            .iter()
            .filter(|server| server.serves(workload))
            .filter_map(
                |&server| match start_and_check(runtime, workload, server, upstream) {
                    Ok((process, reply)) => Some((server, process, reply)),
                    Err(e) => {
                        eprintln!("  {} on {}: {e}", workload.key, server.name());
                        None
                    }
                },
            )
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
    upstream: &str,
) -> Result<(ServerProcess, Reply), String> {
    let process = ServerProcess::start(server, upstream)?;
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
        store: (workload.kind == Kind::Async).then(|| StoreFigures {
            commits_per_ack: median(|r| r.store.commits_per_ack),
            finished_per_ack: median(|r| r.store.finished_per_ack),
            pending_at_end: median(|r| r.store.pending_at_end),
        }),
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
    /// `NaN`s for a synchronous workload.
    store: StoreFigures,
}

/// The store's counters at one moment.
#[derive(Debug, Clone, Copy, Default)]
struct StoreSnapshot {
    commits: Option<u64>,
    jobs: Option<Jobs>,
}

impl StoreSnapshot {
    /// The counters of an asynchronous workload's server; nothing for the others.
    fn take(workload: &Workload, process: &ServerProcess) -> StoreSnapshot {
        if workload.kind != Kind::Async {
            return StoreSnapshot::default();
        }
        StoreSnapshot {
            commits: process.store_commits(),
            jobs: queue::jobs(&process.store_file()),
        }
    }
}

/// Per acknowledged request, between two snapshots.
fn store_figures(before: StoreSnapshot, after: StoreSnapshot, acks: u64) -> StoreFigures {
    let per_ack = |from: Option<u64>, to: Option<u64>| match (from, to) {
        (Some(a), Some(b)) => stats::ratio(b.saturating_sub(a) as f64, acks as f64),
        _ => f64::NAN,
    };
    let done = |s: StoreSnapshot| s.jobs.map(|j| j.done);
    StoreFigures {
        commits_per_ack: per_ack(before.commits, after.commits),
        finished_per_ack: per_ack(done(before), done(after)),
        pending_at_end: after.jobs.map_or(f64::NAN, |j| j.pending as f64),
    }
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
    let (mut cpu_before, mut store_before) = (None, StoreSnapshot::default());
    let sample = runtime.block_on(load::run(
        process.port,
        workload,
        plan.connections,
        plan.duration,
        || {
            store_before = StoreSnapshot::take(workload, process);
            cpu_before = process.cpu_ticks();
        },
    ))?;
    let cpu_after = process.cpu_ticks();
    let store_after = StoreSnapshot::take(workload, process);
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
        store: store_figures(store_before, store_after, sample.ok),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(commits: Option<u64>, done: u64, pending: u64) -> StoreSnapshot {
        StoreSnapshot {
            commits,
            jobs: Some(Jobs { done, pending }),
        }
    }

    fn check(before: StoreSnapshot, after: StoreSnapshot, acks: u64, expected: [f64; 3]) {
        let f = store_figures(before, after, acks);
        let got = [f.commits_per_ack, f.finished_per_ack, f.pending_at_end];
        for (g, e) in got.iter().zip(expected) {
            assert!(
                g == &e || g.is_nan() && e.is_nan(),
                "{before:?} → {after:?} / {acks}: {got:?}"
            );
        }
    }

    #[test]
    fn store_figures_per_ack() {
        let nan = f64::NAN;
        // 1000 acks in 50 commits, 990 finished, 12 left.
        check(
            snapshot(Some(100), 10, 2),
            snapshot(Some(150), 1000, 12),
            1000,
            [0.05, 0.99, 12.0],
        );
        check(
            snapshot(None, 0, 0),
            snapshot(Some(5), 4, 0),
            4,
            [nan, 1.0, 0.0],
        );
        check(
            StoreSnapshot::default(),
            StoreSnapshot::default(),
            10,
            [nan; 3],
        );
        check(
            snapshot(Some(1), 0, 0),
            snapshot(Some(2), 0, 0),
            0,
            [nan, nan, 0.0],
        );
    }
}
