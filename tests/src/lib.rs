//! Black-box testing of flow servers over real sockets: the pieces of the conformance
//! runner (`tests/conformance.rs`), usable by other HTTP tests too.
//!
//! * [`discover`]: which files are cases, and a case's bundle as a `BundleSource` (shared
//!   with `build.rs`).
//! * [`case`]: the case format of `shared/conformance/README.md`, read into types.
//! * [`matching`]: comparing answers with expectations (exact JSON, patterns).
//! * [`url`]: query strings, both ways.
//! * [`upstream`]: fake upstream HTTP services that record what they receive.
//! * [`client`]: one HTTP/1 request from a chosen source address.
//! * [`server`]: a flow server on its own runtime, stoppable gracefully or killed.
//! * [`setup`]: a run's server environment, configuration and data folder.
//! * [`run`]: running one case against both backends.
//!
//! Only test targets depend on this crate.
#![deny(missing_docs)]

pub mod case;
pub mod client;
pub mod discover;
pub mod matching;
pub mod run;
pub mod server;
pub mod setup;
pub mod upstream;
pub mod url;

/// One case as `build.rs` compiled it (the table lives in `OUT_DIR/cases.rs`).
#[derive(Debug, Clone, Copy)]
pub struct CompiledCase {
    /// The case file's path relative to the cases folder (`calculate/comparisons.json`).
    pub path: &'static str,
    /// [`discover::text_hash`] of the case text the build saw.
    pub hash: u64,
    /// The generated `app()`, when the bundle built.
    pub app: Option<fn() -> flowc_runtime::App>,
    /// The build's rendered diagnostics.
    pub report: &'static str,
}
