//! Lowering a validated model into the [`crate::ir`].
//!
//! Flows are sorted by id, steps by number, routes by id; targets become [`ir::StepRef`]s
//! into the sorted flows; node parts written as `[[node:x]]` are resolved to a regex group
//! or a path below `result` (§13 rule 13) using the nodes the reading flow can see.
//! Validation found no error, so every lookup here succeeds; should one not, the step or
//! route is left out with an internal error rather than a panic.

use crate::diag::{Diagnostic, Diagnostics};
use crate::ir;
use crate::model::schema::NodeType;
use crate::model::{
    regex_group, Bundle, Fields, Flow, Index, Route, Step, Target, Visibility, ROUTES_FILE,
};
use flowc_lang::calc::Expr;
use flowc_lang::net;
use flowc_lang::path::Path;
use flowc_lang::pattern::Pattern;
use flowc_lang::template::{NodePart, Ref, Template, ValueTemplate};
use std::collections::{BTreeMap, BTreeSet, HashMap};

mod outbound;

/// The content type of `body_text` when none is given (§6.2).
const DEFAULT_CONTENT_TYPE: &str = "text/plain; charset=utf-8";
/// How long a `wait_for_callback` waits when `timeout_s` is not given (§4).
const DEFAULT_WAIT_S: u64 = 540;
/// A route's synchronous time limit when none is given (§5).
const DEFAULT_TIMEOUT_MS: u64 = 30_000;

/// Lowers a bundle that validation found no error in.
pub fn lower(bundle: &Bundle, diags: &mut Diagnostics) -> ir::Bundle {
    lower_indexed(bundle, &Index::new(bundle), diags)
}

/// [`lower`] with the bundle's index made already (validation's, with its patterns).
pub(crate) fn lower_indexed<'a>(
    bundle: &'a Bundle,
    index: &'a Index<'a>,
    diags: &mut Diagnostics,
) -> ir::Bundle {
    let mut order: Vec<usize> = (0..bundle.flows.len()).collect();
    order.sort_by(|a, b| bundle.flows[*a].id.cmp(&bundle.flows[*b].id));
    let ir_index = order
        .iter()
        .enumerate()
        .map(|(ir, model)| (*model, ir))
        .collect();
    let regexes = bundle.flows.iter().enumerate();
    let lowerer = Lowerer {
        bundle,
        ir_index,
        visibility: Visibility::indexed(bundle, index),
        regexes: regexes.map(|(i, f)| regexes_by_name(index, i, f)).collect(),
        keys: keys(bundle),
        index,
    };
    let flows = order
        .iter()
        .filter_map(|i| lowerer.flow(*i, diags))
        .collect();
    let mut routes: Vec<ir::Route> = bundle
        .routes
        .iter()
        .filter_map(|r| lowerer.route(r, diags))
        .collect();
    routes.sort_by(|a, b| a.id.cmp(&b.id));
    ir::Bundle {
        origin: bundle.origin.clone(),
        flows,
        routes,
        keys: lowerer.keys,
        integrations: lower_integrations(bundle, diags),
    }
}

/// The integrations, sorted by name (§4.7).
fn lower_integrations(bundle: &Bundle, diags: &mut Diagnostics) -> Vec<ir::Integration> {
    outbound::integrations(bundle).unwrap_or_else(|| {
        diags.push(internal(
            crate::model::INTEGRATIONS_FILE,
            "an integration".into(),
        ));
        Vec::new()
    })
}

/// Every `(variable, algorithm)` an `encrypt` node reads its key from, sorted: the key
/// slots resolved at server start.
fn keys(bundle: &Bundle) -> Vec<ir::KeySlot> {
    let steps = bundle.flows.iter().flat_map(|f| &f.steps);
    let slots: BTreeSet<ir::KeySlot> = steps.filter_map(key_slot).collect();
    slots.into_iter().collect()
}

/// The key slot of an `encrypt` step with a key.
fn key_slot(step: &Step) -> Option<ir::KeySlot> {
    if step.kind != Some(NodeType::Encrypt) {
        return None;
    }
    let algorithm = flowc_lang::crypto::Algorithm::parse(step.fields.text("algorithm")?)?;
    let env = flowc_lang::crypto::env_key_name(step.fields.text("key")?)?;
    Some(ir::KeySlot {
        env: env.to_owned(),
        algorithm,
    })
}

struct Lowerer<'a> {
    bundle: &'a Bundle,
    /// Model flow index → IR flow index.
    ir_index: BTreeMap<usize, usize>,
    visibility: Visibility,
    /// Flows by id for routes and cross-flow targets, and regex patterns.
    index: &'a Index<'a>,
    /// Per model flow: regex node name → the nodes' patterns, in step order. Every
    /// `[[node:x]]` looks at those of the regexes its flow can see (§13 rule 13); scanning
    /// every visible step and translating each pattern again, per reference, was
    /// quadratic.
    regexes: Vec<HashMap<&'a str, Vec<&'a Pattern>>>,
    /// The key slots, sorted; an `encrypt` step's key is its position here.
    keys: Vec<ir::KeySlot>,
}

/// The usable patterns of the regex nodes of `flow` (model flow `index`), by node name,
/// in step order.
fn regexes_by_name<'a>(
    patterns: &'a Index<'a>,
    index: usize,
    flow: &'a Flow,
) -> HashMap<&'a str, Vec<&'a Pattern>> {
    let mut map: HashMap<&str, Vec<&Pattern>> = HashMap::new();
    for step in &flow.steps {
        let Some(name) = step.name() else { continue };
        if let Some(Ok(pattern)) = patterns.regex(index, step) {
            map.entry(name).or_default().push(pattern);
        }
    }
    map
}

/// An internal error: validation should have caught what makes lowering fail.
fn internal(file: &str, what: String) -> Diagnostic {
    Diagnostic::error(
        file,
        format!("internal: cannot lower {what} although it passed validation"),
    )
}

impl Lowerer<'_> {
    fn flow(&self, index: usize, diags: &mut Diagnostics) -> Option<ir::Flow> {
        let flow = &self.bundle.flows[index];
        let (Some(id), Some(start)) = (flow.id.clone(), flow.start().and_then(|s| s.number)) else {
            diags.push(internal(&flow.file, "the flow".into()));
            return None;
        };
        let mut steps: Vec<ir::Step> = flow
            .steps
            .iter()
            .filter_map(|s| self.step(index, flow, s, diags))
            .collect();
        steps.sort_by_key(|s| s.number);
        Some(ir::Flow {
            id,
            file: flow.file.clone(),
            start,
            steps,
        })
    }

    fn step(
        &self,
        flow_index: usize,
        flow: &Flow,
        step: &Step,
        diags: &mut Diagnostics,
    ) -> Option<ir::Step> {
        let kind = StepLowerer {
            lowerer: self,
            flow: flow_index,
            fields: &step.fields,
        }
        .kind(step);
        match (step.number, kind) {
            (Some(number), Some(kind)) => Some(ir::Step {
                number,
                label: step.fields.text("label").map(str::to_owned),
                kind,
            }),
            _ => {
                diags.push(internal(&flow.file, format!("/steps/{}", step.index)));
                None
            }
        }
    }

    fn route(&self, route: &Route, diags: &mut Diagnostics) -> Option<ir::Route> {
        let lowered = self.try_route(route);
        if lowered.is_none() {
            diags.push(internal(ROUTES_FILE, format!("/routes/{}", route.index)));
        }
        lowered
    }

    fn try_route(&self, route: &Route) -> Option<ir::Route> {
        let f = &route.fields;
        let flow = self.index.flow_index(f.text("flow")?)?;
        let step = f
            .uint("step")
            .or_else(|| self.bundle.flows[flow].start()?.number)?;
        Some(ir::Route {
            id: f.text("id")?.to_owned(),
            name: f.text("name")?.to_owned(),
            method: method(f.text("method")?)?,
            allowed: net::parse_allowlist(f.text("allowed_ips")?).ok()?,
            is_async: f.bool("async").unwrap_or(false),
            entry: ir::StepRef {
                flow: *self.ir_index.get(&flow)?,
                step,
            },
            token_sha256: f
                .hashes("token_sha256")
                .iter()
                .map(|h| h.to_ascii_lowercase())
                .collect(),
            timeout_ms: f.uint("timeout_ms").unwrap_or(DEFAULT_TIMEOUT_MS),
            msisdn: f.template("msisdn").cloned(),
        })
    }

    /// Resolves `[[node:x]]` parts in place, reading from `flow` (§13 rule 13).
    fn resolve_ref(&self, flow: usize, r: &mut Ref) {
        if let Ref::Node { node, part } = r {
            if let NodePart::Other(path) = part {
                *part = self.resolve_part(flow, node, path);
            }
        }
    }

    /// A regex group when a regex named `node` that `flow` can see has that group, else a
    /// path below `result`. The reading flow's own nodes are looked at first.
    fn resolve_part(&self, flow: usize, node: &str, path: &Path) -> NodePart {
        let visible = self.visibility.of(flow);
        let flows = std::iter::once(flow).chain(visible.iter().copied().filter(|f| *f != flow));
        let patterns = flows.filter_map(|f| self.regexes.get(f)?.get(node));
        let group = patterns.flatten().find_map(|p| regex_group(p, path));
        group.map_or_else(|| NodePart::Result(path.clone()), NodePart::Group)
    }

    /// The translated pattern of `step`, a regex node of model flow `flow`.
    fn pattern(&self, flow: usize, step: &Step) -> Option<Pattern> {
        self.index.regex(flow, step)?.as_ref().ok().cloned()
    }

    fn template(&self, flow: usize, t: &Template) -> Template {
        let mut t = t.clone();
        t.visit_refs_mut(&mut |r| self.resolve_ref(flow, r));
        t
    }

    fn value(&self, flow: usize, v: &ValueTemplate) -> ValueTemplate {
        let mut v = v.clone();
        v.visit_templates_mut(&mut |t| t.visit_refs_mut(&mut |r| self.resolve_ref(flow, r)));
        v
    }

    fn expr(&self, flow: usize, e: &Expr) -> Expr {
        let mut e = e.clone();
        e.visit_refs_mut(&mut |r| self.resolve_ref(flow, r));
        e
    }

    fn target(&self, flow: usize, target: Option<&Target>) -> ir::Target {
        let step_ref = match target {
            Some(Target::Step(step)) => self.ir_index.get(&flow).map(|f| ir::StepRef {
                flow: *f,
                step: *step,
            }),
            Some(Target::Flow { flow: id, step }) => {
                let f = self
                    .index
                    .flow_index(id)
                    .and_then(|i| self.ir_index.get(&i));
                f.map(|f| ir::StepRef {
                    flow: *f,
                    step: *step,
                })
            }
            None => None,
        };
        step_ref.map_or(ir::Target::Missing, ir::Target::Step)
    }
}

/// The method of a route.
fn method(name: &str) -> Option<ir::Method> {
    match name {
        "GET" => Some(ir::Method::Get),
        "POST" => Some(ir::Method::Post),
        "PUT" => Some(ir::Method::Put),
        "DELETE" => Some(ir::Method::Delete),
        _ => None,
    }
}

/// Lowers one step's fields.
struct StepLowerer<'l, 'a> {
    lowerer: &'l Lowerer<'a>,
    flow: usize,
    fields: &'l Fields,
}

impl StepLowerer<'_, '_> {
    fn kind(&self, step: &Step) -> Option<ir::StepKind> {
        use ir::StepKind as K;
        let name = || self.fields.text("name").map(str::to_owned);
        Some(match step.kind? {
            NodeType::Start => K::Start {
                next: self.target("next"),
            },
            NodeType::SetVariable => K::SetVariable {
                assign: self.assign(),
                next: self.target("next"),
            },
            NodeType::Calculate => K::Calculate {
                name: name()?,
                expr: self
                    .lowerer
                    .expr(self.flow, self.fields.expr("expression")?),
                yes: self.target("yes"),
                no: self.target("no"),
            },
            NodeType::SwitchCase => K::SwitchCase {
                input: self.template("input")?,
                cases: self.cases(),
                default: self.target("default"),
                ignore_case: self.fields.bool("ignore_case").unwrap_or(false),
            },
            NodeType::IsEmpty => K::IsEmpty {
                input: self.template("input")?,
                yes: self.target("yes"),
                no: self.target("no"),
            },
            NodeType::IsNull => K::IsNull {
                input: self.template("input")?,
                yes: self.target("yes"),
                no: self.target("no"),
            },
            NodeType::Regex => K::Regex {
                name: name()?,
                input: self.template("input")?,
                pattern: self.lowerer.pattern(self.flow, step)?,
                yes: self.target("yes"),
                no: self.target("no"),
            },
            NodeType::Remap => K::Remap {
                name: name()?,
                mapping: self
                    .lowerer
                    .value(self.flow, &self.fields.value("mapping")?.template),
                next: self.target("next"),
            },
            NodeType::DateFormat => K::DateFormat {
                name: name()?,
                input: self.template("input")?,
                input_format: self.fields.date_in("input_format")?.clone(),
                output_format: self.fields.date_out("output_format")?.clone(),
                timezone: self.fields.text("timezone").unwrap_or("UTC").to_owned(),
                yes: self.target("yes"),
                no: self.target("no"),
            },
            NodeType::NumberFormat => K::NumberFormat {
                name: name()?,
                input: self.template("input")?,
                pattern: self.fields.number_pattern("pattern")?.clone(),
                yes: self.target("yes"),
                no: self.target("no"),
            },
            NodeType::DisplayList => K::DisplayList {
                name: name()?,
                pattern: self.list_pattern()?,
                options: self.list_options(),
                yes: self.target("yes"),
                no: self.target("no"),
            },
            NodeType::Encrypt => self.encrypt(step)?,
            NodeType::ApiIntegration => self.api_integration()?,
            NodeType::SendTemplate => self.send_template()?,
            NodeType::WaitForCallback => K::WaitForCallback {
                name: name()?,
                reference: self.template("reference")?,
                timeout_s: self.fields.uint("timeout_s").unwrap_or(DEFAULT_WAIT_S),
                yes: self.target("yes"),
                no: self.target("no"),
            },
            NodeType::OptOut | NodeType::VerifyOptOut | NodeType::DeleteOptOut => K::OptOut {
                action: match step.kind? {
                    NodeType::OptOut => ir::OptOutAction::Record,
                    NodeType::VerifyOptOut => ir::OptOutAction::Verify,
                    _ => ir::OptOutAction::Delete,
                },
                number: self.template("number")?,
                channel: match self.fields.text("channel")? {
                    "whatsapp" => ir::Channel::Whatsapp,
                    "sms" => ir::Channel::Sms,
                    "both" => ir::Channel::Both,
                    _ => return None,
                },
                yes: self.target("yes"),
                no: self.target("no"),
            },
            NodeType::ApiEnd => self.api_end()?,
        })
    }

    /// The list pattern with its node parts resolved.
    fn list_pattern(&self) -> Option<flowc_lang::display_list::ListPattern> {
        use flowc_lang::display_list::ListPart;
        let mut pattern = self.fields.list_pattern("pattern")?.clone();
        for part in &mut pattern.parts {
            if let ListPart::Item(r) | ListPart::Once(r) = part {
                self.lowerer.resolve_ref(self.flow, r);
                if let Ref::Call(call) = r {
                    for arg in &mut call.args {
                        arg.visit_refs_mut(&mut |r| self.lowerer.resolve_ref(self.flow, r));
                    }
                }
            }
        }
        Some(pattern)
    }

    /// `separator`, `numbered`, `index_separator`, `exclude` with their defaults (§4).
    fn list_options(&self) -> flowc_lang::display_list::ListOptions {
        let defaults = flowc_lang::display_list::ListOptions::default();
        let text =
            |name: &str, default: String| self.fields.text(name).map_or(default, str::to_owned);
        flowc_lang::display_list::ListOptions {
            separator: text("separator", defaults.separator),
            numbered: self.fields.bool("numbered").unwrap_or(false),
            index_separator: text("index_separator", defaults.index_separator),
            exclude: self.fields.strings("exclude").to_vec(),
        }
    }

    fn encrypt(&self, step: &Step) -> Option<ir::StepKind> {
        let algorithm = flowc_lang::crypto::Algorithm::parse(self.fields.text("algorithm")?)?;
        let encoding = match self.fields.text("encoding") {
            Some(e) => flowc_lang::crypto::Encoding::parse(e)?,
            None => flowc_lang::crypto::Encoding::default(),
        };
        let key = key_slot(step).map(|slot| self.lowerer.keys.binary_search(&slot));
        let key = match key {
            Some(Ok(index)) => Some(index),
            Some(Err(_)) => return None,
            None => None,
        };
        Some(ir::StepKind::Encrypt {
            name: self.fields.text("name")?.to_owned(),
            input: self.template("input")?,
            algorithm,
            key,
            encoding,
            yes: self.target("yes"),
            no: self.target("no"),
        })
    }

    fn target(&self, field: &str) -> ir::Target {
        let target = self.fields.target(field);
        self.lowerer
            .target(self.flow, target.as_ref().map(|t| t.value))
    }

    fn template(&self, field: &str) -> Option<Template> {
        Some(
            self.lowerer
                .template(self.flow, self.fields.template(field)?),
        )
    }

    fn assign(&self) -> Vec<(String, ValueTemplate)> {
        let entries = self.fields.assign().iter();
        entries
            .map(|(k, v)| (k.clone(), self.lowerer.value(self.flow, &v.value.template)))
            .collect()
    }

    /// Case values are rendered per §3 once, here (§13 rule 16: `1.50` matches `"1.5"`).
    /// With `ignore_case` they are also case-folded here, once, so a session folds only its
    /// input.
    fn cases(&self) -> Vec<ir::Case> {
        let fold = self.fields.bool("ignore_case").unwrap_or(false);
        let cases = self.fields.cases().iter();
        cases
            .map(|c| ir::Case {
                value: c
                    .value
                    .as_ref()
                    .map(|v| v.value.render())
                    .map(|v| {
                        if fold {
                            flowc_lang::nodes::fold_case(&v)
                        } else {
                            v
                        }
                    })
                    .unwrap_or_default(),
                next: self
                    .lowerer
                    .target(self.flow, c.next.as_ref().map(|n| &n.value)),
            })
            .collect()
    }

    fn api_end(&self) -> Option<ir::StepKind> {
        let status = u16::try_from(self.fields.uint("status").unwrap_or(200)).ok()?;
        let headers = self.fields.templates("headers").iter();
        // Header names are case-insensitive; lower-cased once here, the runtime never
        // needs to look at their case again.
        let headers = headers
            .map(|(k, t)| {
                let template = self.lowerer.template(self.flow, &t.value);
                (k.to_ascii_lowercase(), template)
            })
            .collect();
        let body = if let Some(body) = self.fields.value("body") {
            ir::EndBody::Json(self.lowerer.value(self.flow, &body.template))
        } else if let Some(text) = self.fields.template("body_text") {
            let content_type = self
                .fields
                .text("content_type")
                .unwrap_or(DEFAULT_CONTENT_TYPE)
                .to_owned();
            ir::EndBody::Text {
                template: self.lowerer.template(self.flow, text),
                content_type,
            }
        } else {
            ir::EndBody::Empty
        };
        Some(ir::StepKind::ApiEnd {
            status,
            headers,
            body,
        })
    }
}
