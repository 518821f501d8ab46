//! The conformance runner: every case of `FLOWC_CONFORMANCE_DIR` (default: this crate's
//! `conformance/cases`) against the compiled server and the interpreter, over real sockets.
//!
//! Arguments that do not start with `-` filter cases by name
//! (`cargo test -p flowc-tests --test conformance -- calculate/`). The last line of output
//! is `conformance: N passed, N failed, N skipped`; any failure makes the exit code 1.

use flowc_tests::run::{case_name, run_case, Outcome};
use flowc_tests::{discover, CompiledCase};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use tokio::sync::Semaphore;

mod compiled {
    include!(concat!(env!("OUT_DIR"), "/cases.rs"));
}

/// How many cases run at once.
const PARALLEL: usize = 4;

fn main() -> ExitCode {
    let var = std::env::var(discover::DIR_VAR).ok();
    let dir = discover::cases_dir(Path::new(env!("CARGO_MANIFEST_DIR")), var.as_deref());
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            println!("cannot start tokio: {e}");
            println!("conformance: 0 passed, 1 failed, 0 skipped");
            return ExitCode::FAILURE;
        }
    };
    let counts = runtime.block_on(run_all(&dir, &filters));
    println!(
        "conformance: {} passed, {} failed, {} skipped",
        counts[0], counts[1], counts[2]
    );
    if counts[1] > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Runs the matching cases, up to [`PARALLEL`] at a time, printing one line per case in
/// path order; returns `[passed, failed, skipped]`.
async fn run_all(dir: &Path, filters: &[String]) -> [usize; 3] {
    let cases = match discover::find_cases(dir) {
        Ok(cases) => cases,
        Err(e) => {
            println!("FAIL {}: cannot read the cases folder: {e}", dir.display());
            return [0, 1, 0];
        }
    };
    let limit = Arc::new(Semaphore::new(PARALLEL));
    let mut running = Vec::new();
    for (rel, path) in cases {
        let name = case_name(&rel).to_owned();
        if !filters.is_empty() && !filters.iter().any(|f| name.contains(f.as_str())) {
            continue;
        }
        let limit = limit.clone();
        running.push((name, tokio::spawn(run_one(rel, path, limit))));
    }
    let mut counts = [0; 3];
    for (name, task) in running {
        let outcome = task
            .await
            .unwrap_or_else(|e| Outcome::Fail(format!("the runner panicked: {e}")));
        match outcome {
            Outcome::Pass => {
                counts[0] += 1;
                println!("PASS {name}");
            }
            Outcome::Fail(reason) => {
                counts[1] += 1;
                println!("FAIL {name}: {reason}");
            }
            Outcome::Skip(reason) => {
                counts[2] += 1;
                println!("SKIP {name}: {reason}");
            }
        }
    }
    counts
}

/// Reads and runs one case once a slot is free.
async fn run_one(rel: String, path: PathBuf, limit: Arc<Semaphore>) -> Outcome {
    let _slot = limit.acquire_owned().await;
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => return Outcome::Fail(format!("cannot read {}: {e}", path.display())),
    };
    let compiled: Option<&CompiledCase> = compiled::COMPILED.iter().find(|c| c.path == rel);
    // A panic in the code under test fails this case only.
    let task = tokio::spawn(async move { run_case(&rel, &text, compiled).await });
    task.await
        .unwrap_or_else(|e| Outcome::Fail(format!("panicked: {}", panic_text(e))))
}

/// The message of a panicked task.
fn panic_text(error: tokio::task::JoinError) -> String {
    match error.try_into_panic() {
        Ok(panic) => {
            if let Some(s) = panic.downcast_ref::<&str>() {
                (*s).to_owned()
            } else if let Some(s) = panic.downcast_ref::<String>() {
                s.clone()
            } else {
                "(no message)".to_owned()
            }
        }
        Err(e) => e.to_string(),
    }
}
