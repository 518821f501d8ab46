//! The steps of the whole bundle as one graph, for checks that follow sessions from
//! every route.
//!
//! Following each route's sessions on its own costs the steps that route can reach, and
//! where flows trigger one another a route can reach much of the bundle: that made those
//! checks quadratic in the bundle's size (issue #6). Their question is nearly always
//! answered "no" — can this entry reach a left-out branch, or a loop with no way out? —
//! so here it is answered for every step at once, by walking the graph backwards from the
//! steps in question; only routes that can reach one are then followed on their own, to
//! name the step their warning points at.

use super::Ctx;
use crate::model::schema::NodeType;
use crate::model::{Step, Target};
use std::collections::{HashMap, HashSet};

/// A step: its flow's index and its number.
pub(crate) type Node = (usize, u64);

/// Every step (the first with its number, as targets resolve) and where it can go next:
/// the steps its targets name that exist. An `api_end` goes nowhere.
#[derive(Debug, Default)]
pub(crate) struct StepGraph {
    /// Each step's next steps.
    next: HashMap<Node, Vec<Node>>,
    /// Each step's predecessors: the graph reversed.
    callers: HashMap<Node, Vec<Node>>,
}

impl StepGraph {
    /// The graph of every step of the bundle.
    pub(crate) fn new(ctx: &Ctx) -> StepGraph {
        let mut graph = StepGraph::default();
        for (f, _, step) in ctx.steps() {
            let Some(n) = step.number else { continue };
            let first = ctx.index.step(f, n).is_some_and(|s| s.index == step.index);
            if !first {
                continue;
            }
            graph.add((f, n), next_steps(ctx, f, step));
        }
        graph
    }

    /// Adds step `from` with its edges, both ways.
    fn add(&mut self, from: Node, next: Vec<Node>) {
        for to in &next {
            self.callers.entry(*to).or_default().push(from);
        }
        self.next.insert(from, next);
    }

    /// The steps for which `wanted` holds, with every step from which a path leads to one.
    pub(crate) fn leading_to(&self, wanted: impl Fn(Node) -> bool) -> HashSet<Node> {
        let mut found: HashSet<Node> = self.next.keys().copied().filter(|n| wanted(*n)).collect();
        let mut todo: Vec<Node> = found.iter().copied().collect();
        while let Some(node) = todo.pop() {
            for caller in self.callers.get(&node).into_iter().flatten() {
                if found.insert(*caller) {
                    todo.push(*caller);
                }
            }
        }
        found
    }

    /// The steps from which a path leads into a loop that no step of can reach `finish`
    /// (the steps that can reach an `api_end`): a session there can loop forever.
    pub(crate) fn leading_to_traps(&self, finish: &HashSet<Node>) -> HashSet<Node> {
        let looping = self.reaching_cycles(|n| !finish.contains(&n));
        self.leading_to(|n| looping.contains(&n))
    }

    /// The steps `inside` the set from which a path within it leads into a cycle within it.
    /// A step `inside` that cannot finish only leads to steps that cannot either, so for
    /// those steps "within it" is no restriction. Found by removing, again and again, the
    /// steps with no next step left: what remains reaches a cycle.
    fn reaching_cycles(&self, inside: impl Fn(Node) -> bool) -> HashSet<Node> {
        let mut left: HashMap<Node, usize> = HashMap::new();
        for (node, next) in self.next.iter().filter(|(n, _)| inside(**n)) {
            left.insert(*node, next.iter().filter(|m| inside(**m)).count());
        }
        let mut todo: Vec<Node> = left
            .iter()
            .filter(|(_, c)| **c == 0)
            .map(|(n, _)| *n)
            .collect();
        while let Some(node) = todo.pop() {
            left.remove(&node);
            for caller in self.callers.get(&node).into_iter().flatten() {
                if let Some(count) = left.get_mut(caller).filter(|c| **c > 0) {
                    *count -= 1;
                    if *count == 0 {
                        todo.push(*caller);
                    }
                }
            }
        }
        left.into_keys().collect()
    }
}

/// Where a session at `step` (of flow `flow`) can go next: the existing steps its targets
/// name, as the route checks follow them; an `api_end` ends the session.
fn next_steps(ctx: &Ctx, flow: usize, step: &Step) -> Vec<Node> {
    if step.kind == Some(NodeType::ApiEnd) {
        return Vec::new();
    }
    let to = step
        .targets()
        .into_iter()
        .filter_map(|site| match site.target {
            Target::Step(m) => Some((flow, *m)),
            Target::Flow { flow: id, step: m } => ctx.index.flow_index(id).map(|g| (g, *m)),
        });
    to.filter(|(g, m)| ctx.index.step(*g, *m).is_some())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Diagnostics;
    use crate::model::{self, Index};
    use crate::BundleSource;

    /// Flows `a` and `b` with these steps (JSON objects, comma-separated).
    fn bundle(a: &str, b: &str) -> model::Bundle {
        let flow = |id: &str, steps: &str| format!(r#"{{"flow": "{id}", "steps": [{steps}]}}"#);
        let source = BundleSource {
            origin: "test".into(),
            files: vec![
                ("a.flow.json".into(), flow("a", a)),
                ("b.flow.json".into(), flow("b", b)),
                ("routes.json".into(), r#"{"routes": []}"#.into()),
            ],
        };
        model::parse(&source, &mut Diagnostics::default())
    }

    /// The steps (as `flow:step`) that lead to a left-out branch and to a trap.
    fn check(a: &str, b: &str, dead_ends: &str, traps: &str) {
        let bundle = bundle(a, b);
        let index = Index::new(&bundle);
        let ctx = Ctx::new(&bundle, &index);
        let graph = ctx.step_graph();
        let show = |set: HashSet<Node>| {
            let mut nodes: Vec<Node> = set.into_iter().collect();
            nodes.sort();
            let names: Vec<String> = nodes.iter().map(|(f, n)| format!("{f}:{n}")).collect();
            names.join(" ")
        };
        let dead = |(f, n): Node| {
            let step = ctx.index.step(f, n);
            step.is_some_and(|s| {
                s.kind == Some(NodeType::SetVariable) && s.fields.get("next").is_none()
            })
        };
        let end = |(f, n): Node| {
            let step = ctx.index.step(f, n);
            step.is_some_and(|s| s.kind == Some(NodeType::ApiEnd))
        };
        assert_eq!(
            show(graph.leading_to(dead)),
            dead_ends,
            "dead ends: {a} | {b}"
        );
        let finishing = graph.leading_to(end);
        assert_eq!(
            show(graph.leading_to_traps(&finishing)),
            traps,
            "traps: {a} | {b}"
        );
    }

    const END: &str = r#"{"step": 9, "type": "api_end"}"#;

    fn set(n: u64, next: &str) -> String {
        format!(r#"{{"step": {n}, "type": "set_variable", "assign": {{"x": 1}}{next}}}"#)
    }

    fn test(n: u64, yes: &str, no: &str) -> String {
        format!(r#"{{"step": {n}, "type": "is_empty", "input": "x", "yes": {yes}, "no": {no}}}"#)
    }

    #[test]
    fn steps_leading_to_dead_ends_and_traps() {
        let next = |t: &str| format!(r#", "next": {t}"#);
        // A straight line to an `api_end`: nothing.
        check(
            &[set(1, &next("2")), set(2, &next("9")), END.into()].join(","),
            "",
            "",
            "",
        );
        // A left-out `next`, reached through a branch.
        let a = [test(1, "2", "9"), set(2, ""), END.into()].join(",");
        check(&a, "", "0:1 0:2", "");
        // A loop with a way out is no trap; one without is, with what leads into it.
        let a = [test(1, "1", "9"), END.into()].join(",");
        check(&a, "", "", "");
        let a = [
            test(1, "2", "9"),
            set(2, &next("3")),
            set(3, &next("2")),
            END.into(),
        ]
        .join(",");
        check(&a, "", "", "0:1 0:2 0:3");
        // A target to a step that does not exist goes nowhere.
        check(&set(1, &next("5")), "", "", "");
        // Across flows: `a` enters `b` at a step that loops on itself.
        let a = [set(1, &next(r#"{"flow": "b", "step": 2}"#))].join(",");
        let b = [set(1, &next("9")), test(2, "2", "2"), END.into()].join(",");
        check(&a, &b, "", "0:1 1:2");
    }
}
