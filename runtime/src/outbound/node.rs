//! The two outbound nodes as both backends run them: parts rendered by the backend in, the
//! node's output and its branch out. Generated code and the interpreter call these same
//! functions, so a call behaves the same in both.

use super::integration::{self, IntegrationCall, IntegrationResult, Outcome};
use super::messaging::{self, SendOutcome, TemplateMessage};
use crate::app::Services;
use crate::session::{ErrorCode, SessionError};
use crate::store::Channel;
use flowc_lang::jsonpath::{JsonPath, Validation};
use flowc_lang::scope::NodeOutput;
use std::time::Duration;

/// What the bundle fixes about an integration's answer: built once per integration.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    /// What the node branches on.
    pub validation: Validation,
    /// Where `[[node:result]]` starts in the answer.
    pub base_element: Option<JsonPath>,
    /// The whole exchange must end within this.
    pub timeout: Duration,
}

/// Sends the call through the server's shared client; the node's output and where the
/// answer points (see [`Outcome::key`] and [`Outcome::unhandled`]).
pub async fn api_integration(
    services: &Services,
    spec: &Spec,
    call: IntegrationCall,
) -> (NodeOutput, Outcome) {
    let result = match &services.outbound.client {
        Some(client) => integration::call(client, call, spec.timeout).await,
        None => IntegrationResult::Failed {
            error: "this server was started without outbound calls".to_owned(),
        },
    };
    integration::finish(result, &spec.validation, spec.base_element.as_ref())
}

/// Checks the opt-out list (a number on it gets nothing), then sends; the node's output
/// and whether it goes `yes`. A store that cannot be read is CT21 (§7). Without a store
/// the list is empty.
pub async fn send_template(
    services: &Services,
    message: TemplateMessage<'_>,
) -> Result<(NodeOutput, bool), SessionError> {
    let number = messaging::recipient(message.to);
    let opted_out = match (&number, &services.store) {
        (Some(number), Some(store)) => store
            .is_opted_out(number, Channel::Whatsapp)
            .await
            .map_err(|e| {
                SessionError::new(
                    ErrorCode::Ct21,
                    format!("the opt-out list cannot be read: {e}"),
                )
            })?,
        _ => false,
    };
    let outbound = &services.outbound;
    let outcome = match (&outbound.client, &outbound.gateway) {
        (Some(client), Some(gateway)) => {
            messaging::send_template(client, gateway, message, opted_out).await
        }
        _ => SendOutcome {
            yes: false,
            message_id: None,
            error: Some("this server was started without the messaging gateway".to_owned()),
        },
    };
    let yes = outcome.yes;
    Ok((messaging::store(outcome), yes))
}
