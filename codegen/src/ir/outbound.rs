//! The integrations of `integrations.json` as the backends consume them (§4.7, §13 rule 25).
//!
//! An integration's texts may hold `${NAME}` environment references, which are expanded at
//! server start, never at build time (one build serves sandbox and production). So every
//! literal text that holds one becomes a slot: [`Piece::Env`] names its index in
//! [`Integration::env`], the text parsed into [`EnvPart`]s. At start each slot is expanded
//! once; at run time a piece is literal text, a start-time slot or a reference.

use flowc_lang::envsubst::EnvPart;
use flowc_lang::jsonpath::{JsonPath, Validation};
use flowc_lang::template::{Ref, ValueTemplate};

/// `timeout_ms` when an integration gives none (§13 rule 25).
pub const DEFAULT_INTEGRATION_TIMEOUT_MS: u64 = 10_000;

/// One integration, everything parsed; [`super::Bundle::integrations`] is sorted by name
/// and `api_integration` steps refer to it by index.
#[derive(Debug, Clone, PartialEq)]
pub struct Integration {
    /// Its name.
    pub name: String,
    /// Its method; `GET` when it gives none.
    pub method: String,
    /// The URL. Validation made sure no reference can land in its scheme, host or port.
    pub url: Vec<Piece>,
    /// Header names and values, in source order.
    pub headers: Vec<(String, Vec<Piece>)>,
    /// Query parameters, in source order.
    pub query: Vec<(String, Vec<Piece>)>,
    /// The JSON body, if any.
    pub body: Option<IntegrationValue>,
    /// The texts holding `${…}`, by [`Piece::Env`] index: expanded at server start.
    pub env: Vec<Vec<EnvPart>>,
    /// `base_element`: where `[[node:result]]` starts in the answer.
    pub base_element: Option<JsonPath>,
    /// What the node branches on (`HTTP_RESPONSE_CODE` when none is given).
    pub validation: Validation,
    /// The whole exchange must end within this.
    pub timeout_ms: u64,
}

/// A piece of an integration's text template.
#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    /// Literal text without `${`.
    Text(String),
    /// Literal text with `${…}`: slot `n` of [`Integration::env`], expanded at start.
    Env(usize),
    /// A reference, node parts resolved.
    Ref(Ref),
}

/// An integration's body: a JSON value whose strings are templates, where a string may also
/// hold `${…}`.
#[derive(Debug, Clone, PartialEq)]
pub enum IntegrationValue {
    /// A part without any `${…}`: a value template as in flows (position lists included).
    Plain(ValueTemplate),
    /// A string with `${…}` somewhere in its literal text: always a string.
    Text(Vec<Piece>),
    /// An array with `${…}` somewhere inside.
    Array(Vec<IntegrationValue>),
    /// An object with `${…}` somewhere inside; keys are literal.
    Object(Vec<(String, IntegrationValue)>),
}
