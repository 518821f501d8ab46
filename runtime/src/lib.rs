//! What generated flow servers call at run time, and the interpreter.
//!
//! * [`http`]: the HTTP contract of §6 — route table, check order, error bodies,
//!   `X-Request-Id`, the caller's address, body parsing into [`flowc_lang::scope::RequestData`].
//! * [`session`]: the answer and error types a session ends with, shared by both backends.
//! * [`config`]: server flags (§12) and their environment variables.
//! * [`serve`]: binding, route logging, graceful shutdown — the `main` of every server.
//! * [`interp`]: the interpreter: runs an [`flowc_codegen::ir::Bundle`] loaded at run time.
//!
//! Generated code depends on this crate and on `flowc-lang`; this crate never depends on
//! generated code.
#![deny(missing_docs)]

pub mod app;
pub mod compiled;
pub mod config;
pub mod http;
pub mod interp;
pub mod jobs;
pub mod optouts;
pub mod outbound;
pub mod serve;
pub mod session;
pub mod store;
pub mod waits;

pub use app::{start, App, KeyNeed, Needs, Services, StartupError};
pub use config::{Config, ServerArgs};
pub use http::{router, Call, FlowFn, FlowFuture, RouteSpec};
pub use session::{Answer, SessionError};

/// Re-exports generated code names with absolute paths (`::flowc_runtime::deps::…`), so a
/// crate that mounts generated flows needs no extra dependencies of its own.
pub mod deps {
    pub use axum;
    pub use flowc_lang as lang;
    pub use regex;
}
