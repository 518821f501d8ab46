//! Lowering integrations and the outbound nodes (§4.7, §4.8).
//!
//! An integration serves every flow, so a `[[node:x]]` in its templates is resolved
//! against every flow of the bundle (a regex group where some regex of that name has the
//! group, else a path below `result`). Literal texts holding `${…}` become start-time slots
//! ([`ir::Piece::Env`]).

use super::StepLowerer;
use crate::ir::{self, IntegrationValue, Piece, DEFAULT_INTEGRATION_TIMEOUT_MS};
use crate::model::schema::NodeType;
use crate::model::{regex_group, Bundle, Integration};
use flowc_lang::envsubst::{self, EnvPart};
use flowc_lang::jsonpath::{self, Validation};
use flowc_lang::path::Path;
use flowc_lang::template::{NodePart, Part, Ref, Template, ValueTemplate};

/// The method of an integration or node that names none.
const DEFAULT_METHOD: &str = "GET";

/// Every integration, sorted by name; `None` for one that does not lower (validation
/// reported why).
pub(super) fn integrations(bundle: &Bundle) -> Option<Vec<ir::Integration>> {
    let mut out = bundle
        .integrations
        .iter()
        .map(|i| integration(bundle, i))
        .collect::<Option<Vec<_>>>()?;
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Some(out)
}

fn integration(bundle: &Bundle, i: &Integration) -> Option<ir::Integration> {
    let f = &i.fields;
    let mut texts = Texts {
        bundle,
        env: Vec::new(),
    };
    let url = texts.pieces(f.template("url")?)?;
    let headers = texts.entries(f.templates("headers"))?;
    let query = texts.entries(f.templates("query"))?;
    let body = match f.value("body") {
        Some(b) => Some(texts.value(&b.template)?),
        None => None,
    };
    let validation = match f.text("validation") {
        Some(v) => jsonpath::parse_validation(v).ok()?,
        None => Validation::StatusCode,
    };
    let base_element = match f.text("base_element") {
        Some(p) => Some(jsonpath::parse(p).ok()?),
        None => None,
    };
    Some(ir::Integration {
        name: f.text("name")?.to_owned(),
        method: f.text("method").unwrap_or(DEFAULT_METHOD).to_owned(),
        url,
        headers,
        query,
        body,
        env: texts.env,
        base_element,
        validation,
        timeout_ms: f
            .uint("timeout_ms")
            .unwrap_or(DEFAULT_INTEGRATION_TIMEOUT_MS),
    })
}

/// Lowers an integration's templates, collecting its `${…}` slots.
struct Texts<'a> {
    bundle: &'a Bundle,
    env: Vec<Vec<EnvPart>>,
}

impl Texts<'_> {
    fn pieces(&mut self, t: &Template) -> Option<Vec<Piece>> {
        t.parts
            .iter()
            .map(|part| match part {
                Part::Text(s) if envsubst::has_vars(s) => {
                    self.env.push(envsubst::parse(s).ok()?);
                    Some(Piece::Env(self.env.len() - 1))
                }
                Part::Text(s) => Some(Piece::Text(s.clone())),
                Part::Ref(r) => {
                    let mut r = r.clone();
                    resolve_anywhere(self.bundle, &mut r);
                    Some(Piece::Ref(r))
                }
            })
            .collect()
    }

    fn entries(
        &mut self,
        entries: &[(String, crate::model::Located<Template>)],
    ) -> Option<Vec<(String, Vec<Piece>)>> {
        entries
            .iter()
            .map(|(k, t)| Some((k.clone(), self.pieces(&t.value)?)))
            .collect()
    }

    /// A body: parts without `${…}` stay value templates; a `${…}` inside a position list
    /// was refused by validation.
    fn value(&mut self, vt: &ValueTemplate) -> Option<IntegrationValue> {
        if !has_env(vt) {
            let mut vt = vt.clone();
            vt.visit_templates_mut(&mut |t| {
                t.visit_refs_mut(&mut |r| resolve_anywhere(self.bundle, r))
            });
            return Some(IntegrationValue::Plain(vt));
        }
        Some(match vt {
            ValueTemplate::Str(t) => IntegrationValue::Text(self.pieces(t)?),
            ValueTemplate::Array(items) => {
                IntegrationValue::Array(items.iter().map(|i| self.value(i)).collect::<Option<_>>()?)
            }
            ValueTemplate::Object(members) => IntegrationValue::Object(
                members
                    .iter()
                    .map(|(k, v)| Some((k.clone(), self.value(v)?)))
                    .collect::<Option<_>>()?,
            ),
            _ => return None,
        })
    }
}

/// Whether a literal text of the value holds `${`.
pub(crate) fn has_env(vt: &ValueTemplate) -> bool {
    let mut found = false;
    vt.visit_templates(&mut String::new(), &mut |_, t| {
        found |= t
            .parts
            .iter()
            .any(|p| matches!(p, Part::Text(s) if envsubst::has_vars(s)));
    });
    found
}

/// Resolves `[[node:x]]` (nested ones in function arguments included) against every flow.
fn resolve_anywhere(bundle: &Bundle, r: &mut Ref) {
    match r {
        Ref::Node { node, part } => {
            if let NodePart::Other(path) = part {
                *part = part_anywhere(bundle, node, path);
            }
        }
        Ref::Call(call) => {
            for arg in &mut call.args {
                arg.visit_refs_mut(&mut |r| resolve_anywhere(bundle, r));
            }
        }
        _ => {}
    }
}

fn part_anywhere(bundle: &Bundle, node: &str, path: &Path) -> NodePart {
    let steps = bundle.flows.iter().flat_map(|f| &f.steps);
    let group = steps
        .filter(|s| s.kind == Some(NodeType::Regex) && s.name() == Some(node))
        .filter_map(|s| s.regex_pattern()?.ok())
        .find_map(|p| regex_group(&p, path));
    group.map_or_else(|| NodePart::Result(path.clone()), NodePart::Group)
}

impl StepLowerer<'_, '_> {
    /// An `api_integration` step; its integration's index is its place among the sorted
    /// names.
    pub(super) fn api_integration(&self) -> Option<ir::StepKind> {
        let f = self.fields;
        let name = f.text("integration")?;
        let bundle = self.lowerer.bundle;
        let model = bundle
            .integrations
            .iter()
            .find(|i| i.fields.text("name") == Some(name))?;
        let mut names: Vec<&str> = bundle
            .integrations
            .iter()
            .filter_map(|i| i.fields.text("name"))
            .collect();
        names.sort_unstable();
        let integration = names.binary_search(&name).ok()?;
        let method = f
            .text("method")
            .or_else(|| model.fields.text("method"))
            .unwrap_or(DEFAULT_METHOD);
        let branches = f.branches().iter().map(|(value, target)| {
            let target = self.lowerer.target(self.flow, Some(&target.value));
            (value.clone(), target)
        });
        Some(ir::StepKind::ApiIntegration {
            name: f.text("name")?.to_owned(),
            integration,
            method: method.to_owned(),
            path: self.template("path"),
            query: self.entries("query"),
            headers: self.entries("headers"),
            body: f
                .value("body")
                .map(|b| self.lowerer.value(self.flow, &b.template)),
            branches: branches.collect(),
            other: self.target("other"),
        })
    }

    /// A `send_template` step.
    pub(super) fn send_template(&self) -> Option<ir::StepKind> {
        let f = self.fields;
        Some(ir::StepKind::SendTemplate {
            name: f.text("name")?.to_owned(),
            to: self.template("to")?,
            template: f.text("template")?.to_owned(),
            language: f.text("language")?.to_owned(),
            parameters: self.entries("parameters"),
            yes: self.target("yes"),
            no: self.target("no"),
        })
    }

    /// A name → template field with node parts resolved (empty when absent).
    fn entries(&self, field: &str) -> Vec<(String, Template)> {
        let entries = self.fields.templates(field).iter();
        entries
            .map(|(k, t)| (k.clone(), self.lowerer.template(self.flow, &t.value)))
            .collect()
    }
}
