//! `flowc-bench`: the side-by-side benchmark of issue #6.
//!
//! One command serves the benchmark bundle (`bench/flows/`) three ways — compiled, by the
//! interpreter, and as a hand-written axum server (the limit) — loads each with the same
//! load generator, and prints the figures and their ratios; then times one session alone
//! (no HTTP) and the generator on a large synthetic bundle. See `BENCHMARKS.md`.
//!
//! Each server runs as a child process of this one (`flowc-bench serve …`, hidden), pinned
//! to core 0, with its store in a fresh temporary folder; the load generator runs here,
//! pinned to core 1, and so does W3's local upstream, on a thread of its own.
#![deny(missing_docs)]

/// Every server of the benchmark, the limit included, runs on the allocator the
/// generated server (`flowc-server`) uses, so the comparison stays like for like.
#[global_allocator]
static ALLOCATOR: flowc_alloc::MiMalloc = flowc_alloc::MiMalloc;

mod affinity;
#[cfg(test)]
mod agreement;
mod backends;
mod generator;
mod http_bench;
mod limit;
mod load;
mod micro;
mod procfs;
mod queue;
mod report;
mod server;
mod stats;
mod upstream;
mod verify;
mod workloads;

use backends::Server;
use clap::{Parser, Subcommand, ValueEnum};
use std::process::ExitCode;
use std::time::Duration;

/// Compiled flows vs the interpreter vs hand-written axum, on one machine, in one run.
#[derive(Debug, Parser)]
#[command(name = "flowc-bench")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Measured runs per workload and server (the median is reported).
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Seconds per measured run.
    #[arg(long, default_value_t = 5.0)]
    duration: f64,
    /// Seconds of warm-up before each measured run.
    #[arg(long, default_value_t = 1.0)]
    warmup: f64,
    /// Concurrent keep-alive connections of the load generator.
    #[arg(long, default_value_t = 16)]
    connections: usize,
    /// Only these parts (repeatable); all by default.
    #[arg(long, value_enum)]
    only: Vec<Part>,
    /// Only these workloads (`w1,w3,w5`); all by default.
    #[arg(long, value_delimiter = ',')]
    workloads: Vec<String>,
    /// Only these servers; all by default.
    #[arg(long, value_enum, value_delimiter = ',')]
    servers: Vec<Server>,
    /// Seconds of timing per backend and workload in the session micro-benchmark.
    #[arg(long, default_value_t = 2.0)]
    micro_seconds: f64,
    /// Flows in the generator's synthetic bundle.
    #[arg(long, default_value_t = 500)]
    gen_flows: usize,
    /// Steps per flow in the generator's synthetic bundle.
    #[arg(long, default_value_t = 30)]
    gen_steps: usize,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve one server (the benchmark starts these itself).
    #[command(hide = true)]
    Serve {
        #[arg(long, value_enum)]
        server: Server,
        /// 0 for any free port; the bound address is printed.
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// The store's folder (the bundle has an asynchronous route).
        #[arg(long)]
        data_dir: std::path::PathBuf,
    },
}

/// The parts of the benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Part {
    /// Every workload on every server over HTTP.
    Http,
    /// One session's execution alone, compiled vs interpreter.
    Micro,
    /// The generator on a synthetic 500 × 30 bundle.
    Generator,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Serve {
            server,
            port,
            data_dir,
        }) => server::serve_child(server, port, data_dir),
        None => bench(&cli),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The whole benchmark, printing Markdown to stdout and progress to stderr.
fn bench(cli: &Cli) -> Result<(), String> {
    let wants = |part| cli.only.is_empty() || cli.only.contains(&part);
    let workloads = workloads::select(&cli.workloads)?;
    let seconds = |s: f64| Duration::try_from_secs_f64(s).map_err(|e| format!("{s} s: {e}"));
    println!("### flowc-bench\n\nMachine: {}", report::machine());
    if wants(Part::Http) {
        let servers = if cli.servers.is_empty() {
            Server::ALL.to_vec()
        } else {
            cli.servers.clone()
        };
        let plan = http_bench::Plan {
            runs: cli.runs.max(1),
            duration: seconds(cli.duration)?,
            warmup: seconds(cli.warmup)?,
            connections: cli.connections.max(1),
            ticks_per_second: procfs::clock_ticks_per_second(),
        };
        println!(
            "\nHTTP: {} connections, {} run(s) × {:?}, each after a {:?} warm-up, medians; server on core {}, load on core {}.",
            plan.connections, plan.runs, plan.duration, plan.warmup, server::SERVER_CORE, affinity::LOAD_CORE
        );
        // Pinned before the servers start: they inherit this core, then move to theirs.
        affinity::pin_current_thread(affinity::LOAD_CORE);
        let upstream = upstream::start_thread(affinity::LOAD_CORE)?;
        eprintln!(
            "· W3's upstream at {upstream} (its own thread, core {})",
            affinity::LOAD_CORE
        );
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the load generator's runtime: {e}"))?;
        let results = http_bench::run_all(&runtime, &plan, &workloads, &servers, &upstream);
        print!("{}", report::http_tables(&results));
        print!("{}", report::verification(&results));
        print!("{}", report::ratios(&results));
    }
    if wants(Part::Micro) {
        eprintln!("· sessions alone …");
        affinity::pin_current_thread(server::SERVER_CORE);
        let micro = micro::run_all(&workloads, seconds(cli.micro_seconds)?)?;
        print!("{}", report::micro_table(&micro));
    }
    if wants(Part::Generator) {
        eprintln!("· generator …");
        let g = generator::run(cli.gen_flows, cli.gen_steps)?;
        print!("{}", report::generator_table(&g));
    }
    Ok(())
}
