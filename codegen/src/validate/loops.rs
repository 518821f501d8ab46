//! Loops a session cannot leave (§7, §13 rule 15): a cycle from which no `api_end` can be
//! reached keeps a synchronous caller waiting until `--max-steps` or the route's timeout
//! ends the session with an error, so the route gets a warning.

use super::step_graph::Node;
use super::targets::route_entry;
use super::Ctx;
use crate::diag::Diagnostics;
use crate::model::schema::NodeType;
use crate::model::{Target, ROUTES_FILE};
use std::collections::{BTreeMap, BTreeSet, HashSet, VecDeque};

/// Warns once per route whose entry can reach such a cycle, naming a step on it.
pub(super) fn check_routes_do_not_trap(ctx: &Ctx, diags: &mut Diagnostics) {
    let graph = ctx.step_graph();
    let finishing = graph.leading_to(|n| is_end(ctx, n));
    // Found for every step at once; only the entries that reach a trap are followed on
    // their own, to name the step nearest to them.
    let trapped = graph.leading_to_traps(&finishing);
    for route in &ctx.bundle.routes {
        let Some(entry) = route_entry(ctx, route).filter(|e| trapped.contains(e)) else {
            continue;
        };
        let Some((flow, step)) = trapping_cycle(ctx, entry, &finishing) else {
            continue;
        };
        let flow = &ctx.bundle.flows[flow];
        let id = flow.id.as_deref().unwrap_or(&flow.file);
        let msg = format!(
            "sessions on route `{}` can loop without reaching an `api_end` (step {step} of flow `{id}`)",
            route.label()
        );
        diags.push(route.loc.warning(ROUTES_FILE, None, msg));
    }
}

/// A step on a cycle that `entry` can reach and from which no `api_end` can be reached
/// (`finishing` holds the steps from which one can).
fn trapping_cycle(ctx: &Ctx, entry: Node, finishing: &HashSet<Node>) -> Option<Node> {
    let graph = reachable_graph(ctx, entry);
    let mut done = BTreeSet::new();
    // Nearest the entry first, so the step named is the one a reader meets first.
    graph
        .order
        .iter()
        .filter(|n| !finishing.contains(n))
        .find_map(|n| first_cycle(&graph, *n, &mut done))
}

/// Every step reachable from an entry across flows, with the steps it can go to next
/// (those that exist; an `api_end` goes nowhere).
struct Graph {
    /// The steps in breadth-first order from the entry.
    order: Vec<Node>,
    /// Each step's next steps, in source order.
    next: BTreeMap<Node, Vec<Node>>,
}

fn reachable_graph(ctx: &Ctx, entry: Node) -> Graph {
    let mut graph = Graph {
        order: Vec::new(),
        next: BTreeMap::new(),
    };
    let mut todo = VecDeque::from([entry]);
    while let Some((f, n)) = todo.pop_front() {
        let Some(step) = ctx.index.step(f, n) else {
            continue;
        };
        if graph.next.contains_key(&(f, n)) {
            continue;
        }
        let mut next = Vec::new();
        if step.kind != Some(NodeType::ApiEnd) {
            for site in step.targets() {
                let to = match site.target {
                    Target::Step(m) => Some((f, *m)),
                    Target::Flow { flow: id, step: m } => ctx.index.flow_index(id).map(|g| (g, *m)),
                };
                next.extend(to.filter(|(g, m)| ctx.index.step(*g, *m).is_some()));
            }
        }
        todo.extend(next.iter().copied());
        graph.order.push((f, n));
        graph.next.insert((f, n), next);
    }
    graph
}

/// Whether step `n` is an `api_end`.
fn is_end(ctx: &Ctx, (f, n): Node) -> bool {
    ctx.index
        .step(f, n)
        .is_some_and(|s| s.kind == Some(NodeType::ApiEnd))
}

/// Depth-first from `start`, a step that cannot finish (it only leads to steps that cannot
/// either), skipping steps already `done`: the step a back edge returns to, i.e. one on a
/// cycle, if there is one.
fn first_cycle(graph: &Graph, start: Node, done: &mut BTreeSet<Node>) -> Option<Node> {
    if done.contains(&start) {
        return None;
    }
    let mut on_path = BTreeSet::from([start]);
    let mut stack: Vec<(Node, usize)> = vec![(start, 0)];
    while let Some(top) = stack.last_mut() {
        let (node, i) = *top;
        top.1 += 1;
        let Some(&next) = graph.next.get(&node).and_then(|n| n.get(i)) else {
            on_path.remove(&node);
            done.insert(node);
            stack.pop();
            continue;
        };
        if on_path.contains(&next) {
            return Some(next);
        }
        if !done.contains(&next) {
            on_path.insert(next);
            stack.push((next, 0));
        }
    }
    None
}
