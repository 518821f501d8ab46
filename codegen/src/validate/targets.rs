//! Branch targets, reachability and how sessions end (§2, §11, §13 rule 14).

use super::hint::did_you_mean;
use super::step_graph::Node;
use super::Ctx;
use crate::diag::Diagnostics;
use crate::model::schema::NodeType;
use crate::model::{Flow, Loc, Route, Step, Target, ROUTES_FILE};
use std::collections::{BTreeSet, HashMap, VecDeque};

/// A target naming a step or flow that does not exist would fail every session that
/// takes it (CT04), so it is a build error.
pub(super) fn check_targets_exist(ctx: &Ctx, diags: &mut Diagnostics) {
    for (i, flow, step) in ctx.steps() {
        for site in step.targets() {
            if let Some(msg) = missing_target(ctx, i, site.target) {
                let (message, hint) = msg;
                let mut d = site.loc.error(&flow.file, step.number, message);
                if let Some(h) = hint {
                    d = d.hint(h);
                }
                diags.push(d);
            }
        }
    }
}

/// Why `target`, written in flow `flow`, does not resolve, with a hint, or `None` when
/// it does.
fn missing_target(ctx: &Ctx, flow: usize, target: &Target) -> Option<(String, Option<String>)> {
    match target {
        Target::Step(n) if ctx.index.step(flow, *n).is_none() => {
            Some((format!("there is no step {n} in this flow"), None))
        }
        Target::Step(_) => None,
        Target::Flow { flow: id, step } => match ctx.index.flow_index(id) {
            None if !ctx.bundle.unreadable.is_empty() => None,
            None => {
                let ids = ctx.bundle.flows.iter().filter_map(|f| f.id.as_deref());
                Some((format!("there is no flow `{id}`"), did_you_mean(id, ids)))
            }
            Some(i) if ctx.index.step(i, *step).is_none() => {
                Some((format!("flow `{id}` has no step {step}"), None))
            }
            Some(_) => None,
        },
    }
}

/// A left-out branch is allowed (Chat Flow lets a node dangle) but a session that takes
/// it fails with CT04, so it is worth a warning (§13 rule 14).
pub(super) fn check_left_out_branches(ctx: &Ctx, diags: &mut Diagnostics) {
    for (_, flow, step) in ctx.steps() {
        for (loc, branch) in left_out_branches(step) {
            let msg = match branch {
                "default" => "the `switch_case` has no `default`: an input that matches no case fails with CT04".into(),
                _ => format!("no `{branch}` target: a session that takes it fails with CT04"),
            };
            diags.push(loc.warning(&flow.file, step.number, msg));
        }
    }
}

/// The branches of `step` that are left out, with where they would stand.
fn left_out_branches(step: &Step) -> Vec<(Loc, &'static str)> {
    let Some(kind) = step.kind else {
        return Vec::new();
    };
    let mut out: Vec<(Loc, &'static str)> = kind
        .branch_fields()
        .iter()
        .filter(|b| step.fields.get(b).is_none())
        .map(|b| (step.loc.absent(b), *b))
        .collect();
    for case in step.fields.cases().iter().filter(|c| c.next.is_none()) {
        out.push((case.loc.absent("next"), "next"));
    }
    out
}

/// A step nothing leads to is dead weight, usually a forgotten link.
pub(super) fn check_reachable(ctx: &Ctx, diags: &mut Diagnostics) {
    let entries = Entries::new(ctx);
    for (i, flow) in ctx.bundle.flows.iter().enumerate() {
        let Some(start) = flow.start().and_then(|s| s.number) else {
            continue;
        };
        let reached = reach_in_flow(ctx, i, entries.of(i, flow, start));
        for step in &flow.steps {
            let Some(n) = step.number else { continue };
            let first = ctx.index.step(i, n).is_some_and(|s| s.index == step.index);
            if n > 0 && first && !reached.contains(&n) {
                diags.push(step.loc.warning(
                    &flow.file,
                    step.number,
                    format!("step {n} is unreachable"),
                ));
            }
        }
    }
}

/// Where sessions enter each flow besides its start: the `step` of each route into it and
/// the step of each target into it from any flow. Gathered in one pass over the routes and
/// the steps rather than once per flow, which made this check quadratic in the bundle.
struct Entries<'a> {
    /// Flow index → the `step` of each route into it.
    routes: Vec<Vec<u64>>,
    /// Flow id → the steps that targets naming it enter at.
    triggers: HashMap<&'a str, Vec<u64>>,
}

impl<'a> Entries<'a> {
    fn new(ctx: &Ctx<'a>) -> Entries<'a> {
        let mut routes = vec![Vec::new(); ctx.bundle.flows.len()];
        for route in &ctx.bundle.routes {
            let flow = route
                .fields
                .text("flow")
                .and_then(|f| ctx.index.flow_index(f));
            let list = flow.and_then(|f| routes.get_mut(f));
            list.into_iter()
                .for_each(|l| l.extend(route.fields.uint("step")));
        }
        let mut triggers: HashMap<&str, Vec<u64>> = HashMap::new();
        for site in ctx.steps().flat_map(|(_, _, s)| s.targets()) {
            if let Target::Flow { flow, step } = site.target {
                triggers.entry(flow.as_str()).or_default().push(*step);
            }
        }
        Entries { routes, triggers }
    }

    /// Every entry of flow `index` (which is `flow`), its `start` first.
    fn of(&self, index: usize, flow: &Flow, start: u64) -> Vec<u64> {
        let routes = self.routes.get(index).into_iter().flatten();
        let id = flow.id.as_deref();
        let triggers = id
            .and_then(|id| self.triggers.get(id))
            .into_iter()
            .flatten();
        let mut entries = vec![start];
        entries.extend(routes.chain(triggers));
        entries
    }
}

/// The step numbers reachable inside flow `index` from `entries`.
fn reach_in_flow(ctx: &Ctx, index: usize, entries: Vec<u64>) -> BTreeSet<u64> {
    let id = ctx.bundle.flows[index].id.as_deref();
    let mut seen = BTreeSet::new();
    let mut todo = entries;
    while let Some(n) = todo.pop() {
        let Some(step) = ctx.index.step(index, n).filter(|_| seen.insert(n)) else {
            continue;
        };
        for site in step.targets() {
            match site.target {
                Target::Step(m) => todo.push(*m),
                Target::Flow { flow: f, step: m } if Some(f.as_str()) == id => todo.push(*m),
                Target::Flow { .. } => {}
            }
        }
    }
    seen
}

/// A synchronous caller waits for an `api_end`; a path from a route's entry into a
/// left-out branch ends the session with CT04 instead (§7), so the route gets a warning
/// naming the first such branch found.
pub(super) fn check_routes_end_in_api_end(ctx: &Ctx, diags: &mut Diagnostics) {
    // Found for every step at once; only the entries that reach a left-out branch are
    // followed on their own, to name the first one.
    let ending = ctx.step_graph().leading_to(|n| is_dead_end(ctx, n));
    for route in &ctx.bundle.routes {
        let Some((flow, entry)) = route_entry(ctx, route).filter(|e| ending.contains(e)) else {
            continue;
        };
        if let Some((flow, step, branch)) = first_dead_end(ctx, flow, entry) {
            let file = &ctx.bundle.flows[flow].file;
            let msg = format!(
                "a session of route `{}` can end without an `api_end`: step {step} of `{file}` has no `{branch}` target",
                route.label()
            );
            diags.push(route.loc.warning(ROUTES_FILE, None, msg));
        }
    }
}

/// Whether step `n` has a left-out branch a session can take (an `api_end` takes none).
fn is_dead_end(ctx: &Ctx, (f, n): Node) -> bool {
    let step = ctx.index.step(f, n);
    step.is_some_and(|s| s.kind != Some(NodeType::ApiEnd) && !left_out_branches(s).is_empty())
}

/// Where sessions of `route` begin: its flow's index and its `step`, or the flow's start.
pub(super) fn route_entry(ctx: &Ctx, route: &Route) -> Option<(usize, u64)> {
    let flow = route
        .fields
        .text("flow")
        .and_then(|f| ctx.index.flow_index(f))?;
    let entry = route
        .fields
        .uint("step")
        .or_else(|| ctx.bundle.flows[flow].start().and_then(|s| s.number))?;
    Some((flow, entry))
}

/// Breadth-first from an entry across flows: the first step with a left-out branch.
fn first_dead_end(ctx: &Ctx, flow: usize, entry: u64) -> Option<(usize, u64, &'static str)> {
    let mut seen = BTreeSet::new();
    let mut todo = VecDeque::from([(flow, entry)]);
    while let Some((f, n)) = todo.pop_front() {
        let Some(step) = ctx.index.step(f, n).filter(|_| seen.insert((f, n))) else {
            continue;
        };
        if step.kind == Some(NodeType::ApiEnd) {
            continue;
        }
        if let Some((_, branch)) = left_out_branches(step).into_iter().next() {
            return Some((f, n, branch));
        }
        for site in step.targets() {
            match site.target {
                Target::Step(m) => todo.push_back((f, *m)),
                Target::Flow { flow: id, step: m } => {
                    todo.extend(ctx.index.flow_index(id).map(|g| (g, *m)))
                }
            }
        }
    }
    None
}
