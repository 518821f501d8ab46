//! Routes and integrations (§4.7, §5, §13 rules 25 and 29).

use super::hint::did_you_mean;
use super::Ctx;
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::{Route, INTEGRATIONS_FILE, ROUTES_FILE};
use flowc_lang::net;
use std::collections::BTreeMap;

/// The methods a route may accept (§5).
pub const METHODS: [&str; 4] = ["GET", "POST", "PUT", "DELETE"];

/// Runs every per-route rule, then the uniqueness rules across routes.
pub(super) fn check_routes(ctx: &Ctx, diags: &mut Diagnostics) {
    for route in &ctx.bundle.routes {
        check_route_id(route, diags);
        check_method(route, diags);
        check_allowed_ips(route, diags);
        check_entry(ctx, route, diags);
        check_tokens(route, diags);
        check_timeout(route, diags);
    }
    check_unique(ctx, "id", diags);
    check_unique(ctx, "name", diags);
}

fn error(route: &Route, field: &str, message: impl Into<String>) -> Diagnostic {
    route.field_loc(field).error(ROUTES_FILE, None, message)
}

/// The id is the URL `/dynamic/<id>`: it must be a plain path segment.
fn check_route_id(route: &Route, diags: &mut Diagnostics) {
    let Some(id) = route.id() else { return };
    let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~');
    if id.is_empty() || !id.chars().all(plain) {
        diags.push(error(
            route,
            "id",
            format!("route id `{id}` must be a plain URL segment (letters, digits, `-_.~`)"),
        ));
    }
}

/// A route serves one of the four methods of §5.
fn check_method(route: &Route, diags: &mut Diagnostics) {
    let Some(method) = route.fields.text("method").filter(|m| !METHODS.contains(m)) else {
        return;
    };
    let mut d = error(
        route,
        "method",
        format!(
            "method `{method}` of route `{}` must be GET, POST, PUT or DELETE",
            route.label()
        ),
    );
    if let Some(h) = did_you_mean(method, METHODS) {
        d = d.hint(h);
    }
    diags.push(d);
}

/// An invalid entry would otherwise silently shrink the allowlist (§5, §13 rule 29);
/// an empty list is valid but lets nobody in.
fn check_allowed_ips(route: &Route, diags: &mut Diagnostics) {
    let Some(list) = route.fields.text("allowed_ips") else {
        return;
    };
    match net::parse_allowlist(list) {
        Ok(nets) if nets.is_empty() => {
            let msg = format!(
                "route `{}` allows nobody: `allowed_ips` is empty",
                route.label()
            );
            diags.push(
                route
                    .field_loc("allowed_ips")
                    .warning(ROUTES_FILE, None, msg),
            );
        }
        Ok(_) => {}
        Err(bad) => {
            for entry in bad {
                let msg = format!(
                    "invalid address or CIDR block `{entry}` in route `{}`",
                    route.label()
                );
                diags.push(error(route, "allowed_ips", msg));
            }
        }
    }
}

/// A route must start its sessions at a step that exists (§5, §13 rule 29).
fn check_entry(ctx: &Ctx, route: &Route, diags: &mut Diagnostics) {
    let Some(id) = route.fields.text("flow") else {
        return;
    };
    let Some(flow) = ctx.index.flow_index(id) else {
        if !ctx.bundle.unreadable.is_empty() {
            return;
        }
        let ids = ctx.bundle.flows.iter().filter_map(|f| f.id.as_deref());
        let mut d = error(
            route,
            "flow",
            format!(
                "route `{}` names flow `{id}`, which does not exist",
                route.label()
            ),
        );
        if let Some(h) = did_you_mean(id, ids) {
            d = d.hint(h);
        }
        diags.push(d);
        return;
    };
    if let Some(step) = route
        .fields
        .uint("step")
        .filter(|s| ctx.index.step(flow, *s).is_none())
    {
        diags.push(error(
            route,
            "step",
            format!(
                "route `{}` starts at step {step}, which flow `{id}` does not have",
                route.label()
            ),
        ));
    }
}

/// Only the hash of a token is stored; it is a SHA-256 in hex.
fn check_tokens(route: &Route, diags: &mut Diagnostics) {
    for hash in route.fields.hashes("token_sha256") {
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            let msg = format!(
                "`token_sha256` of route `{}` must be 64 hex characters (a SHA-256)",
                route.label()
            );
            diags.push(error(route, "token_sha256", msg));
        }
    }
}

/// A zero time limit would fail every synchronous session at once.
fn check_timeout(route: &Route, diags: &mut Diagnostics) {
    if route.fields.uint("timeout_ms") == Some(0) {
        diags.push(error(route, "timeout_ms", "`timeout_ms` must be positive"));
    }
}

/// Routes are found by id (the URL) and by name (`flowc run --route`), so both are
/// unique; the later duplicate is reported (§13 rules 29 and 35).
fn check_unique(ctx: &Ctx, field: &str, diags: &mut Diagnostics) {
    let mut seen = BTreeMap::new();
    for route in &ctx.bundle.routes {
        let Some(value) = route.fields.text(field) else {
            continue;
        };
        if let Some(first) = seen.insert(value, route.index) {
            diags.push(error(
                route,
                field,
                format!("duplicate route {field} `{value}` (first at /routes/{first})"),
            ));
            seen.insert(value, first);
        }
    }
}

/// Nodes name integrations, so names are unique; `validation` is a status code switch or
/// a JSONPath (§4.7).
pub(super) fn check_integrations(ctx: &Ctx, diags: &mut Diagnostics) {
    let mut seen = BTreeMap::new();
    for integration in &ctx.bundle.integrations {
        let loc = |field: &str| {
            integration
                .fields
                .loc(field)
                .cloned()
                .unwrap_or_else(|| integration.loc.absent(field))
        };
        if let Some(name) = integration.fields.text("name") {
            if let Some(first) = seen.insert(name, integration.index) {
                let msg =
                    format!("duplicate integration name `{name}` (first at /integrations/{first})");
                diags.push(loc("name").error(INTEGRATIONS_FILE, None, msg));
                seen.insert(name, first);
            }
        }
        if let Some(v) = integration.fields.text("validation") {
            if v != "HTTP_RESPONSE_CODE" && !v.starts_with('$') {
                let msg = format!(
                    "`validation` must be `HTTP_RESPONSE_CODE` or a JSONPath (`$.a.b`), not `{v}`"
                );
                diags.push(loc("validation").error(INTEGRATIONS_FILE, None, msg));
            }
        }
        if let Some(m) = integration
            .fields
            .text("method")
            .filter(|m| !["GET", "POST", "PUT", "PATCH", "DELETE"].contains(m))
        {
            diags.push(loc("method").error(
                INTEGRATIONS_FILE,
                None,
                format!("unknown HTTP method `{m}`"),
            ));
        }
    }
}
