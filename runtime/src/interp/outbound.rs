//! `api_integration` and `send_template` (§4.7, §4.8) in the interpreter: templates rendered
//! over the session state, then the same `crate::outbound::node` calls generated code makes.

use super::state::State;
use super::step::{yes_no, Branch, Next, Writes};
use crate::outbound::integration::{merge_body, IntegrationCall};
use crate::outbound::node::{self, Spec};
use crate::outbound::{TemplateMessage, UrlPart};
use crate::session::{ErrorCode, SessionError};
use flowc_codegen::ir::{self, IntegrationValue, Piece, StepKind, StepRef, Target};
use flowc_lang::eval;
use flowc_lang::template::{Part, Template};
use flowc_lang::{Map, Value};
use std::time::Duration;

#[cfg(test)]
mod tests;

/// Runs an `api_integration` or `send_template` step.
pub(super) async fn exec(
    bundle: &ir::Bundle,
    at: StepRef,
    kind: &StepKind,
    state: &mut State,
    w: &mut Writes,
) -> Result<Next, SessionError> {
    match kind {
        StepKind::ApiIntegration { .. } => api_integration(bundle, kind, state, w).await,
        StepKind::SendTemplate { .. } => send_template(at, kind, state, w).await,
        _ => Err(SessionError::new(
            ErrorCode::Ct21,
            format!("step {} is not an outbound node", at.step),
        )),
    }
}

async fn api_integration(
    bundle: &ir::Bundle,
    kind: &StepKind,
    state: &mut State,
    w: &mut Writes,
) -> Result<Next, SessionError> {
    let StepKind::ApiIntegration {
        name,
        integration,
        method,
        path,
        query,
        headers,
        body,
        branches,
        other,
    } = kind
    else {
        return Err(not_here());
    };
    let base = bundle.integrations.get(*integration).ok_or_else(not_here)?;
    let pieces = Pieces {
        state,
        integration: *integration,
    };
    let call = IntegrationCall {
        method: method.clone(),
        url: base.url.iter().map(|p| pieces.url_part(p)).collect(),
        path: path
            .as_ref()
            .map_or_else(Vec::new, |t| path_parts(t, state)),
        query: pieces.pairs(&base.query, query),
        headers: pieces.pairs(&base.headers, headers),
        json_body: merge_body(
            base.body.as_ref().map(|b| pieces.value(b)),
            body.as_ref().map(|b| eval::eval_value(b, &*state, None)),
        ),
    };
    let spec = Spec {
        validation: base.validation.clone(),
        base_element: base.base_element.clone(),
        timeout: Duration::from_millis(base.timeout_ms),
    };
    let services = std::sync::Arc::clone(&state.services);
    let (output, outcome) = node::api_integration(&services, &spec, call).await;
    w.node(name, &output);
    state.set_node(name, output);
    let matched = outcome
        .key()
        .and_then(|key| branches.iter().position(|(value, _)| value == key));
    match (matched, other) {
        (Some(i), _) => Ok(Next::Go(Branch::Matched(i), branches[i].1)),
        (None, Target::Step(_)) => Ok(Next::Go(Branch::Other, *other)),
        (None, Target::Missing) => Err(outcome.unhandled()),
    }
}

async fn send_template(
    at: StepRef,
    kind: &StepKind,
    state: &mut State,
    w: &mut Writes,
) -> Result<Next, SessionError> {
    let StepKind::SendTemplate {
        name,
        to,
        template,
        language,
        parameters,
        yes,
        no,
    } = kind
    else {
        return Err(not_here());
    };
    let to = state.input(to).map(|v| v.render());
    let message = TemplateMessage {
        to: to.as_deref(),
        template,
        language,
        parameters: parameters
            .iter()
            .map(|(k, t)| (k.clone(), state.render(t)))
            .collect(),
        client_message_id: format!("{}-{}", state.session.id, at.step),
    };
    let services = std::sync::Arc::clone(&state.services);
    let (output, ok) = node::send_template(&services, message).await?;
    w.node(name, &output);
    state.set_node(name, output);
    Ok(yes_no(ok, *yes, *no))
}

fn not_here() -> SessionError {
    SessionError::new(ErrorCode::Ct21, "an outbound step does not hold together")
}

/// A node's `path`: literal text as written, references as values the runtime encodes.
fn path_parts(t: &Template, state: &State) -> Vec<UrlPart> {
    t.parts
        .iter()
        .map(|p| match p {
            Part::Text(s) => UrlPart::Literal(s.clone()),
            Part::Ref(r) => UrlPart::Value(render_ref(r, state)),
        })
        .collect()
}

fn render_ref(r: &flowc_lang::template::Ref, state: &State) -> String {
    let mut out = String::new();
    if let Some(v) = eval::eval_ref(r, state, None) {
        v.render_into(&mut out);
    }
    out
}

/// Renders an integration's pieces, its `${…}` slots as expanded at start.
struct Pieces<'a> {
    state: &'a State,
    integration: usize,
}

impl Pieces<'_> {
    fn slot(&self, k: usize) -> &str {
        crate::outbound::start::env_text(&self.state.services, self.integration, k)
    }

    fn url_part(&self, p: &Piece) -> UrlPart {
        match p {
            Piece::Text(s) => UrlPart::Literal(s.clone()),
            Piece::Env(k) => UrlPart::Literal(self.slot(*k).to_owned()),
            Piece::Ref(r) => UrlPart::Value(render_ref(r, self.state)),
        }
    }

    fn string(&self, pieces: &[Piece]) -> String {
        let mut out = String::new();
        for p in pieces {
            match p {
                Piece::Text(s) => out.push_str(s),
                Piece::Env(k) => out.push_str(self.slot(*k)),
                Piece::Ref(r) => {
                    if let Some(v) = eval::eval_ref(r, self.state, None) {
                        v.render_into(&mut out);
                    }
                }
            }
        }
        out
    }

    /// The integration's entries, then the node's.
    fn pairs(
        &self,
        base: &[(String, Vec<Piece>)],
        node: &[(String, Template)],
    ) -> Vec<(String, String)> {
        let base = base.iter().map(|(k, v)| (k.clone(), self.string(v)));
        let node = node.iter().map(|(k, t)| (k.clone(), self.state.render(t)));
        base.chain(node).collect()
    }

    fn value(&self, v: &IntegrationValue) -> Value {
        match v {
            IntegrationValue::Plain(vt) => eval::eval_value(vt, self.state, None),
            IntegrationValue::Text(pieces) => Value::String(self.string(pieces)),
            IntegrationValue::Array(items) => {
                Value::Array(items.iter().map(|i| self.value(i)).collect())
            }
            IntegrationValue::Object(members) => {
                let map: Map = members
                    .iter()
                    .map(|(k, v)| (k.clone(), self.value(v)))
                    .collect();
                Value::Object(map)
            }
        }
    }
}
