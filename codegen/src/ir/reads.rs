//! What a bundle reads of the request, found by walking every template of the IR.
//!
//! Both backends use [`headers_read`] so the router copies only the headers some flow can
//! read: a flow names every header it reads (`[[request:header.x]]`), there is no reference
//! to all of them, so any other header is dead weight on every request.

use super::{Bundle, EndBody, IntegrationValue, Piece, StepKind};
use flowc_lang::template::{Ref, RequestRef, Template, ValueTemplate};
use std::collections::BTreeSet;

/// Every header name (lower case, sorted, once) a reference anywhere in the bundle reads:
/// in step templates, expressions, list patterns, integrations and route msisdn templates.
pub fn headers_read(bundle: &Bundle) -> Vec<String> {
    let mut names = BTreeSet::new();
    bundle_refs(bundle, &mut |r| {
        if let Ref::Request(RequestRef::Header(name)) = r {
            names.insert(name.clone());
        }
    });
    names.into_iter().collect()
}

/// Every request body path a reference anywhere in the bundle reads, dotted, sorted, once;
/// `None` when one reads the body whole (`[[request:body]]`), so all of it is kept. The
/// router builds only what these reach of a synchronous route's body
/// (`flowc_lang::json::Shape`); like [`headers_read`] it is the bundle's, not the route's.
pub fn body_reads(bundle: &Bundle) -> Option<Vec<String>> {
    let mut paths = BTreeSet::new();
    let mut whole = false;
    bundle_refs(bundle, &mut |r| {
        if let Ref::Request(RequestRef::Body(path)) = r {
            whole |= path.segs.is_empty();
            paths.insert(path.to_dotted());
        }
    });
    (!whole).then(|| paths.into_iter().collect())
}

/// Every reference anywhere in the bundle: route msisdn templates, every step's own
/// templates, and every integration's.
fn bundle_refs<'b>(bundle: &'b Bundle, f: &mut dyn FnMut(&'b Ref)) {
    for route in &bundle.routes {
        route.msisdn.iter().for_each(|t| template(t, f));
    }
    for step in bundle.flows.iter().flat_map(|flow| &flow.steps) {
        kind_refs(&step.kind, f);
    }
    for integration in &bundle.integrations {
        integration_refs(integration, f);
    }
}

/// Every reference one step reads, its integration's included (an `api_integration`
/// evaluates the integration's templates in the step's session).
pub fn step_refs<'b>(bundle: &'b Bundle, kind: &'b StepKind, f: &mut dyn FnMut(&'b Ref)) {
    kind_refs(kind, f);
    if let StepKind::ApiIntegration { integration, .. } = kind {
        bundle
            .integrations
            .get(*integration)
            .into_iter()
            .for_each(|i| integration_refs(i, f));
    }
}

/// Every reference of one step's own templates. The match lists every kind, so a new kind
/// with templates cannot be forgotten here.
fn kind_refs<'b>(kind: &'b StepKind, f: &mut dyn FnMut(&'b Ref)) {
    match kind {
        StepKind::Start { .. } => {}
        StepKind::SetVariable { assign, .. } => assign.iter().for_each(|(_, vt)| value(vt, f)),
        StepKind::Calculate { expr, .. } => expr.visit_refs(&mut |r| each_ref(r, f)),
        StepKind::SwitchCase { input, .. }
        | StepKind::IsEmpty { input, .. }
        | StepKind::IsNull { input, .. }
        | StepKind::Regex { input, .. }
        | StepKind::DateFormat { input, .. }
        | StepKind::NumberFormat { input, .. }
        | StepKind::Encrypt { input, .. } => template(input, f),
        StepKind::DisplayList { pattern, .. } => {
            pattern.refs().for_each(|(_, r, _)| each_ref(r, f))
        }
        StepKind::WaitForCallback { reference, .. } => template(reference, f),
        StepKind::OptOut { number, .. } => template(number, f),
        StepKind::ApiIntegration {
            path,
            query,
            headers,
            body,
            ..
        } => {
            path.iter().for_each(|t| template(t, f));
            query
                .iter()
                .chain(headers)
                .for_each(|(_, t)| template(t, f));
            body.iter().for_each(|vt| value(vt, f));
        }
        StepKind::SendTemplate { to, parameters, .. } => {
            template(to, f);
            parameters.iter().for_each(|(_, t)| template(t, f));
        }
        StepKind::Remap { mapping, .. } => value(mapping, f),
        StepKind::ApiEnd { headers, body, .. } => {
            headers.iter().for_each(|(_, t)| template(t, f));
            match body {
                EndBody::Empty => {}
                EndBody::Json(vt) => value(vt, f),
                EndBody::Text { template: t, .. } => template(t, f),
            }
        }
    }
}

fn integration_refs<'b>(integration: &'b super::Integration, f: &mut dyn FnMut(&'b Ref)) {
    let texts = std::iter::once(&integration.url)
        .chain(integration.headers.iter().map(|(_, p)| p))
        .chain(integration.query.iter().map(|(_, p)| p));
    texts.for_each(|pieces| pieces_refs(pieces, f));
    if let Some(body) = &integration.body {
        integration_value(body, f);
    }
}

fn integration_value<'b>(v: &'b IntegrationValue, f: &mut dyn FnMut(&'b Ref)) {
    match v {
        IntegrationValue::Plain(vt) => value(vt, f),
        IntegrationValue::Text(pieces) => pieces_refs(pieces, f),
        IntegrationValue::Array(items) => items.iter().for_each(|i| integration_value(i, f)),
        IntegrationValue::Object(members) => {
            members.iter().for_each(|(_, m)| integration_value(m, f))
        }
    }
}

fn pieces_refs<'b>(pieces: &'b [Piece], f: &mut dyn FnMut(&'b Ref)) {
    for piece in pieces {
        if let Piece::Ref(r) = piece {
            each_ref(r, f);
        }
    }
}

fn value<'b>(vt: &'b ValueTemplate, f: &mut dyn FnMut(&'b Ref)) {
    vt.visit_templates(&mut String::new(), &mut |_, t| template(t, f));
}

fn template<'b>(t: &'b Template, f: &mut dyn FnMut(&'b Ref)) {
    // `visit_refs` already descends into function arguments.
    t.visit_refs(&mut |r| f(r));
}

/// A reference and, for a function call, every reference in its arguments.
fn each_ref<'b>(r: &'b Ref, f: &mut dyn FnMut(&'b Ref)) {
    f(r);
    if let Ref::Call(call) = r {
        call.args.iter().for_each(|arg| template(arg, f));
    }
}

#[cfg(test)]
mod tests;
