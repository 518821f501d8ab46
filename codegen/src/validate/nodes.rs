//! Per-node-type rules (§4, §13 rules 16, 17, 20, 24, 26, 36).

use super::hint::did_you_mean;
use super::structure::quoted;
use super::Ctx;
use crate::diag::Diagnostics;
use crate::model::read::describe_value;
use crate::model::schema::NodeType;
use flowc_lang::Value;
use std::collections::BTreeMap;

/// Patterns are checked at build time so that no pattern can hang a server or fail at
/// run time (§4.2): look-around, backreferences and `\p{…}` are rejected with a column.
pub(super) fn check_regex(ctx: &Ctx, diags: &mut Diagnostics) {
    for (i, flow, step) in ctx
        .steps()
        .filter(|(_, _, s)| s.kind == Some(NodeType::Regex))
    {
        if let Some(flags) = step.fields.text("flags") {
            if let Some(bad) = flags.chars().find(|c| !matches!(c, 'i' | 'm' | 's')) {
                let msg = format!("unknown regex flag `{bad}`: `flags` may hold `i`, `m` and `s`");
                diags.push(step.field_loc("flags").error(&flow.file, step.number, msg));
                continue;
            }
        }
        if let Some(Err(e)) = ctx.index.regex(i, step) {
            let loc = step.field_loc("pattern").inside(e.column);
            diags.push(loc.error(
                &flow.file,
                step.number,
                format!("invalid pattern: {}", e.message),
            ));
        }
    }
}

/// An `api_end` answers the caller: its status must be a valid HTTP status, and a body
/// is either JSON (`body`) or text (`body_text` with its `content_type`), never both
/// (§4, §13 rule 17).
pub(super) fn check_api_end(ctx: &Ctx, diags: &mut Diagnostics) {
    for (_, flow, step) in ctx
        .steps()
        .filter(|(_, _, s)| s.kind == Some(NodeType::ApiEnd))
    {
        let fields = &step.fields;
        let mut error = |field: &str, msg: &str| {
            diags.push(step.field_loc(field).error(&flow.file, step.number, msg))
        };
        if let Some(status) = fields.uint("status").filter(|s| !(100..=599).contains(s)) {
            error(
                "status",
                &format!("status {status} is not an HTTP status (100–599)"),
            );
        }
        if fields.get("body").is_some() && fields.get("body_text").is_some() {
            error(
                "body_text",
                "an `api_end` has `body` (JSON) or `body_text`, not both",
            );
        }
        if fields.get("content_type").is_some() && fields.get("body_text").is_none() {
            error(
                "content_type",
                "`content_type` goes with `body_text`; a `body` is always `application/json`",
            );
        }
    }
}

/// Case values are compared with the input as rendered strings (§13 rule 16), so only
/// scalars make sense; a value repeated in an earlier case can never match.
pub(super) fn check_switch_cases(ctx: &Ctx, diags: &mut Diagnostics) {
    for (_, flow, step) in ctx
        .steps()
        .filter(|(_, _, s)| s.kind == Some(NodeType::SwitchCase))
    {
        let mut seen = BTreeMap::new();
        for (i, case) in step.fields.cases().iter().enumerate() {
            let Some(value) = &case.value else { continue };
            match &value.value {
                Value::String(_) | Value::Number(_) | Value::Bool(_) => {}
                other => {
                    let msg = format!(
                        "a case value must be a string, number or boolean, not {}",
                        describe_value(other)
                    );
                    diags.push(value.loc.error(&flow.file, step.number, msg));
                    continue;
                }
            }
            if let Some(first) = seen.insert(value.value.render(), i) {
                let msg = format!("this case can never match: case {first} has the same value");
                diags.push(value.loc.warning(&flow.file, step.number, msg));
                seen.insert(value.value.render(), first);
            }
        }
    }
}

/// Literal fields with a fixed set of values (§4.6, §4.8, §4.10, §13 rules 24 and 26).
const CHOICES: &[(NodeType, &str, &[&str])] = &[
    (
        NodeType::Encrypt,
        "algorithm",
        &["aes-256-gcm", "sha256", "hmac-sha256"],
    ),
    (NodeType::Encrypt, "encoding", &["base64", "hex"]),
    (NodeType::SendTemplate, "channel", &["whatsapp"]),
    (NodeType::OptOut, "channel", &["whatsapp", "sms", "both"]),
    (
        NodeType::VerifyOptOut,
        "channel",
        &["whatsapp", "sms", "both"],
    ),
    (
        NodeType::DeleteOptOut,
        "channel",
        &["whatsapp", "sms", "both"],
    ),
    (
        NodeType::ApiIntegration,
        "method",
        &["GET", "POST", "PUT", "PATCH", "DELETE"],
    ),
];

/// A misspelt choice would only show at run time; these are cheap to check now.
pub(super) fn check_literal_choices(ctx: &Ctx, diags: &mut Diagnostics) {
    for (_, flow, step) in ctx.steps() {
        for (kind, field, allowed) in CHOICES.iter().filter(|(k, ..)| Some(*k) == step.kind) {
            let Some(value) = step.fields.text(field).filter(|v| !allowed.contains(v)) else {
                continue;
            };
            let msg = format!(
                "`{field}` of {} must be {}, not `{value}`",
                kind.described(),
                quoted(allowed)
            );
            let mut d = step.field_loc(field).error(&flow.file, step.number, msg);
            if let Some(h) = did_you_mean(value, allowed.iter().copied()) {
                d = d.hint(h);
            }
            diags.push(d);
        }
        if step.kind == Some(NodeType::Encrypt) {
            check_encrypt_key(flow, step, diags);
        }
    }
}

/// Keys never stand in a flow file (§4.6): `key` names an environment variable, is
/// required for the keyed algorithms and refused for `sha256` (§13 rule 24).
fn check_encrypt_key(
    flow: &crate::model::Flow,
    step: &crate::model::Step,
    diags: &mut Diagnostics,
) {
    let algorithm = step.fields.text("algorithm");
    let key = step.fields.text("key");
    let error = |msg: &str| step.field_loc("key").error(&flow.file, step.number, msg);
    match (algorithm, key) {
        (Some("sha256"), Some(_)) => diags.push(error("`sha256` takes no `key`")),
        (Some("aes-256-gcm" | "hmac-sha256"), None) => {
            diags.push(error("this algorithm needs a `key` (`env:NAME`)"))
        }
        (_, Some(k)) if !k.starts_with("env:") || k.len() == 4 => {
            diags.push(error("`key` names an environment variable: `env:NAME`"));
        }
        _ => {}
    }
}

/// An `api_integration` must name an integration of `integrations.json` (§13 rule 36).
pub(super) fn check_integration_names(ctx: &Ctx, diags: &mut Diagnostics) {
    let names: Vec<&str> = ctx
        .bundle
        .integrations
        .iter()
        .filter_map(|i| i.fields.text("name"))
        .collect();
    for (_, flow, step) in ctx
        .steps()
        .filter(|(_, _, s)| s.kind == Some(NodeType::ApiIntegration))
    {
        let Some(name) = step
            .fields
            .text("integration")
            .filter(|n| !names.contains(n))
        else {
            continue;
        };
        let msg = format!("there is no integration `{name}` in integrations.json");
        let mut d = step
            .field_loc("integration")
            .error(&flow.file, step.number, msg);
        if let Some(h) = did_you_mean(name, names.iter().copied()) {
            d = d.hint(h);
        }
        diags.push(d);
    }
}
