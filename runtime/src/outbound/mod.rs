//! Outbound calls: `api_integration` (§4.7) and `send_template` (§4.8).
//!
//! * [`client`]: the one shared HTTP client ([`Outbound`]): pooled keep-alive connections,
//!   rustls, no redirects, no retries, a 10 MiB cap on answers.
//! * [`integration`]: an integration call from rendered parts, its branch and node output.
//! * [`url`]: the URL from rendered parts, values percent-encoded where they land.
//! * [`messaging`]: a WhatsApp template through the messaging gateway.
//! * [`start`]: what start resolves for these calls (`${ENV}` slots, the client, the gateway).
//! * [`node`]: the two nodes as both backends run them, over what start resolved.
//!
//! Both backends render templates their own way and then call these functions, so the
//! behaviour of a call is written once. JSONPaths and `${ENV}` texts are parsed at build
//! time by [`flowc_lang::jsonpath`] and [`flowc_lang::envsubst`].

pub mod client;
pub mod integration;
pub mod messaging;
pub mod node;
pub mod start;
#[cfg(test)]
pub(crate) mod tests;
pub mod url;

pub use client::{Outbound, OutboundRequest, OutboundResponse, MAX_RESPONSE_BYTES};
pub use flowc_lang::jsonpath::{JsonPath, Validation};
pub use integration::{IntegrationCall, IntegrationResult, Outcome, UrlPart};
pub use messaging::{Gateway, SendOutcome, TemplateMessage};
