//! What templates and expressions read (§3.1, §11, §13 rules 13 and 36).

use super::hint::did_you_mean;
use super::parts::produces;
use super::Ctx;
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::{Loc, Step, TemplateSite, INTEGRATIONS_FILE, ROUTES_FILE};
use flowc_lang::pattern::Pattern;
use flowc_lang::template::{NodePart, Ref, Template};
use std::collections::{BTreeMap, BTreeSet};

/// Every variable write and every named node of the bundle, by name.
struct Known<'a> {
    /// Variable name → the flows whose `set_variable` nodes write it.
    writers: BTreeMap<&'a str, BTreeSet<usize>>,
    /// Node name → the named nodes, in bundle order.
    nodes: BTreeMap<&'a str, Vec<Named<'a>>>,
}

/// A named node and the flow it is in.
struct Named<'a> {
    flow: usize,
    step: &'a Step,
    /// Whether it is a result node (found once: reads of its name ask again and again).
    result: bool,
}

impl<'a> Known<'a> {
    fn new(ctx: &Ctx<'a>) -> Known<'a> {
        let mut known = Known {
            writers: BTreeMap::new(),
            nodes: BTreeMap::new(),
        };
        for (i, _, step) in ctx.steps() {
            for (name, _) in step.fields.assign() {
                known.writers.entry(name.as_str()).or_default().insert(i);
            }
            if let Some(name) = step.name() {
                let result = step.result_name().is_some();
                let named = Named {
                    flow: i,
                    step,
                    result,
                };
                known.nodes.entry(name).or_default().push(named);
            }
        }
        known
    }
}

/// A session reads only what it wrote before: a variable from a `set_variable`, a node
/// part from a result node, in this flow or one that can trigger it (§13 rule 36). A
/// read of something nothing writes is almost always a typo.
pub(super) fn check_step_reads(ctx: &Ctx, diags: &mut Diagnostics) {
    let known = Known::new(ctx);
    for (flow_index, flow, step) in ctx.steps() {
        let reader = Reader {
            ctx,
            known: &known,
            flow: flow_index,
        };
        let mut report = |loc: &Loc, (message, hint): Problem| {
            diags.push(with_hint(loc.error(&flow.file, step.number, message), hint));
        };
        for site in step.fields.template_sites() {
            if let Some(p) = misplaced_hash(&site) {
                report(&site.loc, p);
            }
            each_ref(site.template, &mut |r| {
                reader
                    .check(r)
                    .into_iter()
                    .for_each(|p| report(&site.loc, p))
            });
        }
        if let Some(expr) = step.fields.expr("expression") {
            let loc = step.field_loc("expression");
            expr.visit_refs(&mut |r| reader.check(r).into_iter().for_each(|p| report(&loc, p)));
        }
    }
}

/// A route's `msisdn` is evaluated when the session starts (§3.1), before any node ran,
/// so it may only read the request and the session.
pub(super) fn check_route_reads(ctx: &Ctx, diags: &mut Diagnostics) {
    for route in &ctx.bundle.routes {
        let Some(template) = route.fields.template("msisdn") else {
            continue;
        };
        let loc = route.field_loc("msisdn");
        let site = TemplateSite {
            template,
            loc: loc.clone(),
            in_positions: false,
        };
        let mut problems: Vec<Problem> = misplaced_hash(&site).into_iter().collect();
        each_ref(template, &mut |r| {
            if matches!(r, Ref::Var { .. } | Ref::Node { .. }) {
                let msg = "a route's `msisdn` is read before the flow runs: only `[[request:…]]` and `[[session:…]]` have values then";
                problems.push((msg.into(), None));
            }
        });
        for (message, hint) in problems {
            diags.push(with_hint(loc.error(ROUTES_FILE, None, message), hint));
        }
    }
}

/// An integration serves any flow, so its templates may read what any flow writes.
pub(super) fn check_integration_reads(ctx: &Ctx, diags: &mut Diagnostics) {
    let known = Known::new(ctx);
    for integration in &ctx.bundle.integrations {
        for site in integration.fields.template_sites() {
            let mut problems: Vec<Problem> = misplaced_hash(&site).into_iter().collect();
            each_ref(site.template, &mut |r| match r {
                Ref::Var { name, .. } if !known.writers.contains_key(name.as_str()) => {
                    problems.push((
                        format!("no `set_variable` in the bundle writes `[[{name}]]`"),
                        None,
                    ));
                }
                Ref::Node { node, .. } if !known.nodes.contains_key(node.as_str()) => {
                    problems.push((
                        format!("there is no node named `{node}` in the bundle"),
                        None,
                    ));
                }
                _ => {}
            });
            for (message, hint) in problems {
                diags.push(with_hint(
                    site.loc.error(INTEGRATIONS_FILE, None, message),
                    hint,
                ));
            }
        }
    }
}

/// A message and an optional hint.
type Problem = (String, Option<String>);

fn with_hint(d: Diagnostic, hint: Option<String>) -> Diagnostic {
    match hint {
        Some(h) => d.hint(h),
        None => d,
    }
}

/// Visits every reference of a template, nested ones included.
fn each_ref<'t>(template: &'t Template, f: &mut dyn FnMut(&'t Ref)) {
    template.visit_refs(f);
}

/// `#` means "the current position" and only has one inside a list that repeats per
/// position (§3) or inside `sum`/`count` (checked by the expression parser).
fn misplaced_hash(site: &TemplateSite) -> Option<Problem> {
    let mut found = false;
    site.template.visit_refs(&mut |r| found |= r.has_hash());
    (found && !site.in_positions).then(|| {
        let msg = "`#` has no position here: it works inside a one-element list of a value (one item per position) or in `sum`/`count`";
        (msg.to_owned(), None)
    })
}

/// Checks the references of one flow.
struct Reader<'c, 'a> {
    ctx: &'c Ctx<'a>,
    known: &'c Known<'a>,
    flow: usize,
}

impl Reader<'_, '_> {
    fn check(&self, r: &Ref) -> Option<Problem> {
        match r {
            Ref::Var { name, .. } => self.variable(name),
            Ref::Node { node, part } => self.node(node, part),
            _ => None,
        }
    }

    /// A regex node's pattern, when it translates (kept in the index: a node is read from
    /// every flow it can reach).
    fn pattern(&self, named: &Named) -> Option<&Pattern> {
        let pattern = self.ctx.index.regex(named.flow, named.step)?;
        pattern.as_ref().ok()
    }

    fn visible(&self, flow: usize) -> bool {
        self.ctx.visibility.of(self.flow).contains(&flow)
    }

    /// Whether this flow can see any of `flows`. The smaller set is walked: a flow usually
    /// sees few flows, while a common variable may be written in every flow.
    fn sees_any(&self, flows: &BTreeSet<usize>) -> bool {
        let visible = self.ctx.visibility.of(self.flow);
        if visible.len() < flows.len() {
            visible.iter().any(|f| flows.contains(f))
        } else {
            flows.iter().any(|f| visible.contains(f))
        }
    }

    /// The entries of `named` (in bundle order, so by flow) that this flow can see, walking
    /// the smaller side as [`Reader::sees_any`] does.
    fn visible_named<'n>(&self, named: &'n [Named<'n>]) -> Vec<&'n Named<'n>> {
        let visible = self.ctx.visibility.of(self.flow);
        if visible.len() >= named.len() {
            return named.iter().filter(|n| visible.contains(&n.flow)).collect();
        }
        let in_flow = |flow: usize| {
            let start = named.partition_point(|n| n.flow < flow);
            let end = named.partition_point(|n| n.flow <= flow);
            named.get(start..end).unwrap_or_default()
        };
        visible.iter().flat_map(|f| in_flow(*f)).collect()
    }

    fn flow_id(&self, flow: usize) -> &str {
        self.ctx.bundle.flows[flow].id.as_deref().unwrap_or("?")
    }

    fn variable(&self, name: &str) -> Option<Problem> {
        match self.known.writers.get(name) {
            Some(flows) if self.sees_any(flows) => None,
            Some(flows) => {
                let first = flows.iter().next().map_or("?", |f| self.flow_id(*f));
                Some((format!("`[[{name}]]` is only written in flow `{first}`, which cannot trigger this flow"), None))
            }
            None => {
                let visible = self
                    .known
                    .writers
                    .iter()
                    .filter(|(_, fs)| self.sees_any(fs));
                let hint = did_you_mean(name, visible.map(|(n, _)| *n));
                let msg = format!("no `set_variable` writes `[[{name}]]` in this flow or a flow that can trigger it");
                Some((msg, hint))
            }
        }
    }

    /// A read of `[[node:part]]` is fine when one result node of that name that this flow
    /// can see produces the part; else the first one's problem is reported.
    fn node(&self, node: &str, part: &NodePart) -> Option<Problem> {
        let named = self.known.nodes.get(node).map_or(&[][..], Vec::as_slice);
        let visible = self.visible_named(named);
        let mut results = visible.into_iter().filter(|n| n.result);
        let Some(first) = results.next() else {
            return Some(self.no_such_node(node, named));
        };
        let problem = produces(first.step, self.pattern(first), part).err()?;
        let any_produces = results.any(|n| produces(n.step, self.pattern(n), part).is_ok());
        (!any_produces).then_some(problem)
    }

    fn no_such_node(&self, node: &str, named: &[Named]) -> Problem {
        if let Some(n) = named.iter().find(|n| n.result) {
            return (
                format!(
                    "node `{node}` is in flow `{}`, which cannot trigger this flow",
                    self.flow_id(n.flow)
                ),
                None,
            );
        }
        if let Some(kind) = named
            .iter()
            .find(|n| self.visible(n.flow))
            .and_then(|n| n.step.kind)
        {
            return (
                format!("`{node}` is {}, which stores no results", kind.described()),
                None,
            );
        }
        let results = self
            .known
            .nodes
            .iter()
            .filter(|(_, ns)| ns.iter().any(|n| self.visible(n.flow) && n.result));
        let hint = did_you_mean(node, results.map(|(n, _)| *n));
        (
            format!(
                "there is no result node named `{node}` in this flow or a flow that can trigger it"
            ),
            hint,
        )
    }
}
