//! `send_template` (§4.8, §13 rule 26): a pre-approved WhatsApp template through a
//! Clickatell-style messaging gateway.
//!
//! The caller renders `to` and the parameters and checks the opt-out list; this module
//! normalises the number, refuses before sending when it cannot or must not be used, sends
//! the one request of §4.8 and reads the gateway's verdict.

use super::client::{Outbound, OutboundRequest, OutboundResponse};
use flowc_lang::nodes::normalize_msisdn;
use flowc_lang::scope::{NodeOutput, RareParts};
use flowc_lang::{json, Map, Value};
use std::fmt;
use std::time::Duration;

/// The gateway's base URL when `FLOWC_MESSAGING_URL` is not set.
pub const DEFAULT_GATEWAY_URL: &str = "https://platform.clickatell.com";

/// The variable naming the gateway's base URL.
pub const GATEWAY_URL_VAR: &str = "FLOWC_MESSAGING_URL";

/// The variable holding the gateway's API key.
pub const GATEWAY_KEY_VAR: &str = "FLOWC_MESSAGING_KEY";

/// How long the gateway has to answer; a timeout is a `no` (§13 rule 26).
pub const GATEWAY_TIMEOUT: Duration = Duration::from_secs(10);

/// The only channel so far.
const CHANNEL: &str = "whatsapp";

/// Where messages go, read once at server start.
#[derive(Clone, PartialEq, Eq)]
pub struct Gateway {
    /// The base URL; requests go to `{base_url}/v1/message`.
    pub base_url: String,
    /// The API key sent as `Authorization`; without one nothing is sent.
    pub key: Option<String>,
}

// By hand, so the key never shows in a debug print.
impl fmt::Debug for Gateway {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Gateway")
            .field("base_url", &self.base_url)
            .field("key", &self.key.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

impl Gateway {
    /// The gateway the process environment names.
    pub fn from_env() -> Gateway {
        Gateway::from_lookup(&|name| std::env::var(name).ok())
    }

    /// The gateway `lookup` names (an empty variable counts as unset).
    pub fn from_lookup(lookup: &dyn Fn(&str) -> Option<String>) -> Gateway {
        let set = |name| lookup(name).filter(|v: &String| !v.is_empty());
        Gateway {
            base_url: set(GATEWAY_URL_VAR).unwrap_or_else(|| DEFAULT_GATEWAY_URL.to_owned()),
            key: set(GATEWAY_KEY_VAR),
        }
    }

    fn message_url(&self) -> String {
        format!("{}/v1/message", self.base_url.trim_end_matches('/'))
    }
}

/// One template message, every template rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateMessage<'a> {
    /// The rendered `to` (`None` when absent); normalised here (§13 rule 10).
    pub to: Option<&'a str>,
    /// The template's name.
    pub template: &'a str,
    /// Its language code.
    pub language: &'a str,
    /// Parameter number → rendered value, in order.
    pub parameters: Vec<(String, String)>,
    /// `<session id>-<step>`: stable when a session runs again, so the gateway can drop a
    /// duplicate.
    pub client_message_id: String,
}

/// How the send went.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SendOutcome {
    /// `yes`: the gateway accepted the message.
    pub yes: bool,
    /// The gateway's `apiMessageId`.
    pub message_id: Option<String>,
    /// Why not, on `no`.
    pub error: Option<String>,
}

/// The number to send to and to check against the opt-out list, or `None` when `to` is
/// absent or unparseable.
pub fn recipient(to: Option<&str>) -> Option<String> {
    to.and_then(normalize_msisdn)
}

/// Sends the message unless the number is unparseable or `opted_out` (checked by the caller
/// on [`recipient`]'s number); either of those is a `no` with nothing sent.
pub async fn send_template(
    out: &Outbound,
    gw: &Gateway,
    msg: TemplateMessage<'_>,
    opted_out: bool,
) -> SendOutcome {
    let Some(number) = recipient(msg.to) else {
        return refused("the number to send to is missing or not a valid phone number");
    };
    if opted_out {
        return refused("opted out");
    }
    let Some(key) = &gw.key else {
        return refused("the messaging gateway key (FLOWC_MESSAGING_KEY) is not set");
    };
    let request = OutboundRequest {
        method: "POST".to_owned(),
        url: gw.message_url(),
        headers: vec![
            ("Authorization".to_owned(), key.clone()),
            ("Accept".to_owned(), "application/json".to_owned()),
        ],
        body: Some((
            "application/json".to_owned(),
            request_body(&number, &msg).into_bytes(),
        )),
        timeout: GATEWAY_TIMEOUT,
    };
    verdict(out.send(request).await)
}

/// The node's output: `message_id` on `yes`, `error` on `no`.
pub fn store(outcome: SendOutcome) -> NodeOutput {
    NodeOutput {
        error: outcome.error.map(Value::String),
        rare: outcome.message_id.map(|id| {
            Box::new(RareParts {
                message_id: Some(Value::String(id)),
                ..RareParts::EMPTY
            })
        }),
        ..NodeOutput::default()
    }
}

/// The JSON of §4.8: `to` without `+`, parameters as strings.
fn request_body(number: &str, msg: &TemplateMessage<'_>) -> String {
    let parameters: Map = msg
        .parameters
        .iter()
        .map(|(k, v)| (k.clone(), Value::str(v.as_str())))
        .collect();
    let template = object([
        ("templateName", Value::str(msg.template)),
        ("language", Value::str(msg.language)),
        ("body", object([("parameters", Value::Object(parameters))])),
    ]);
    let message = object([
        ("channel", Value::str(CHANNEL)),
        ("to", Value::str(number.trim_start_matches('+'))),
        (
            "clientMessageId",
            Value::str(msg.client_message_id.as_str()),
        ),
        ("template", template),
    ]);
    object([("messages", Value::Array(vec![message]))]).to_json()
}

fn object<const N: usize>(members: [(&str, Value); N]) -> Value {
    Value::Object(
        members
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
    )
}

/// `yes` only for a 2xx whose `messages[0].accepted` is `true`.
fn verdict(response: OutboundResponse) -> SendOutcome {
    let (status, body) = match response {
        OutboundResponse::Ok { status, body, .. } => (status, body),
        OutboundResponse::Failed { error } | OutboundResponse::TooLarge { error, .. } => {
            return refused(&format!("the messaging gateway did not answer: {error}"))
        }
    };
    let text = String::from_utf8_lossy(&body);
    let answer = json::parse(&text).ok();
    let first = answer
        .as_ref()
        .and_then(|a| member(a, "messages"))
        .and_then(|m| match m {
            Value::Array(items) => items.first(),
            _ => None,
        });
    let accepted = first.and_then(|m| member(m, "accepted")) == Some(&Value::Bool(true));
    if (200..300).contains(&status) && accepted {
        return SendOutcome {
            yes: true,
            message_id: first
                .and_then(|m| member(m, "apiMessageId"))
                .filter(|id| !matches!(id, Value::Null))
                .map(Value::render),
            error: None,
        };
    }
    let reason = first
        .and_then(|m| member(m, "error"))
        .or_else(|| answer.as_ref().and_then(|a| member(a, "error")))
        .filter(|e| !matches!(e, Value::Null))
        .map(Value::render);
    refused(&match reason {
        Some(reason) => format!("the messaging gateway refused the message ({status}): {reason}"),
        None => format!("the messaging gateway did not accept the message ({status})"),
    })
}

fn member<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    match value {
        Value::Object(map) => map.get(key),
        _ => None,
    }
}

fn refused(error: &str) -> SendOutcome {
    SendOutcome {
        yes: false,
        message_id: None,
        error: Some(error.to_owned()),
    }
}
