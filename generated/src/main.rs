//! The server built from a flow bundle: `cargo run --release` serves `flows/`.
//!
//! `build.rs` turns the bundle into `flows.rs`; this file only mounts it.

/// The bundle's generated flows. `router()` is there for embedding; this binary
/// starts `app()` itself, so it does not call it.
#[allow(dead_code)]
mod flows {
    include!(concat!(env!("OUT_DIR"), "/flows.rs"));
}

/// mimalloc rather than the system allocator: sessions allocate many small strings and
/// maps, and mimalloc serves those several times faster than glibc's malloc (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: flowc_alloc::MiMalloc = flowc_alloc::MiMalloc;

fn main() -> std::process::ExitCode {
    flowc_runtime::serve::main(flows::app)
}
