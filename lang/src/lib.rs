//! The pure flow language shared by the compiled backend and the interpreter.
//!
//! Values and exact decimals, the template / reference / function language of §3,
//! `calculate` expressions (§4.1), the linear-time regex subset (§4.2), addresses and
//! CIDR blocks (§5), and the node semantics that need no I/O. This crate knows neither
//! axum nor tokio: `codegen` parses with it at build time, `runtime` and generated code
//! evaluate with it at run time.
#![deny(missing_docs)]

pub mod calc;
pub mod crypto;
pub mod datefmt;
pub mod display_list;
pub mod envsubst;
pub mod eval;
pub mod func;
pub mod json;
pub mod jsonpath;
pub mod lazy_text;
pub mod map;
pub mod net;
pub mod nodes;
pub mod number;
pub mod numfmt;
pub mod path;
pub mod pattern;
pub mod scope;
pub mod template;
mod template_parse;
pub mod time;
pub mod value;

pub use number::Number;
pub use value::{Map, Value};
