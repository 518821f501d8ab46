//! Session groups: the flows a session can move between share one session type; every
//! other flow gets its own.
//!
//! A session only ever runs the steps of the flows it can reach from its entry, and a step
//! of one flow that targets a step of another ("trigger another workflow") joins the two.
//! So the bundle's flows fall into groups (the connected components of that relation, in
//! either direction: `a → b ← c` is one group), and each group is emitted as a module of
//! its own: a `Session` struct with a field for exactly the variables and node outputs its
//! steps write or read, a `Step` enum of its steps, and its `run` loop. A greeting route's
//! session then holds one variable, not every variable and node output of the bundle: a
//! session is made, moved into its future and dropped on every request, and in a large
//! bundle the whole-bundle struct was kilobytes. (A flow that every other flow triggers,
//! a shared error flow say, makes one large group again; splitting by what each route
//! reaches would avoid that, at the price of one session type per route.)

use super::json_nodes::json_nodes;
use super::moves::{last_reads, Field};
use super::result_slots::result_slots;
use crate::ir::{Bundle, StepKind, StepRef, Target};
use flowc_lang::nodes::RegexParts;
use flowc_lang::template::{NodePart, Ref};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};
use std::collections::{BTreeMap, BTreeSet};

/// Flows that share a session type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Its position among the bundle's groups, which names its module.
    pub index: usize,
    /// Its flows, as indices into [`Bundle::flows`], ascending.
    pub flows: Vec<usize>,
    /// The variables its steps write or read, sorted: the `Session` fields `v_…`.
    pub variables: Vec<String>,
    /// The node outputs its steps read, or write where something may read them, sorted:
    /// the `Session` fields `n_…`. A `regex` node nobody reads, in a group whose sessions
    /// are never stored, only tests its input and has no field ([`Group::tests_only`]).
    pub nodes: Vec<String>,
    /// Whether one of its steps waits for a callback (its sessions can be stored).
    pub has_waits: bool,
    /// The parts of each node's output its steps read (only regex nodes use it).
    pub parts_read: BTreeMap<String, RegexParts>,
    /// The fields each `set_variable` and `remap` step reads for the last time
    /// ([`super::moves`]).
    pub last_reads: BTreeMap<StepRef, BTreeSet<Field>>,
    /// The `remap` nodes kept as JSON text, their fields `Option<String>`
    /// ([`super::json_nodes`]).
    pub json_nodes: BTreeSet<String>,
    /// The nodes kept as their result alone, their fields `ResultSlot`
    /// ([`super::result_slots`]).
    pub result_slots: BTreeSet<String>,
}

impl Group {
    /// The module holding the group's session: `group_0`, …
    pub fn module(&self) -> Ident {
        format_ident!("group_{}", self.index)
    }

    /// The type of its `n_…` fields: outputs live in the session struct, unless the group
    /// has so many nodes that a session would be large to make and move, most of them
    /// never run; then each output is boxed when its node first runs.
    pub fn slot_type(&self) -> TokenStream {
        if self.nodes.len() <= INLINE_SLOTS {
            quote! { __lang::scope::NodeSlot }
        } else {
            quote! { __lang::scope::BoxedNodeSlot }
        }
    }

    /// The parts of the regex node `name` to make: those its group's steps read, or all of
    /// them when sessions are stored, since they carry every output whole.
    pub fn regex_parts(&self, name: &str) -> RegexParts {
        if self.has_waits {
            return RegexParts::ALL;
        }
        self.parts_read.get(name).copied().unwrap_or_default()
    }

    /// Whether the node named `name` runs only for its branch: it keeps no output, since
    /// no step of the group reads one and no stored session carries it.
    pub fn tests_only(&self, name: &str) -> bool {
        self.nodes
            .binary_search_by(|n| n.as_str().cmp(name))
            .is_err()
    }
}

/// Up to this many node outputs a session keeps them inline: 64 outputs of about a hundred
/// bytes each make a session of six kilobytes.
const INLINE_SLOTS: usize = 64;

/// The bundle's groups, ordered by their first flow (so by flow id): the same bundle
/// always gives the same groups and names.
pub fn groups(bundle: &Bundle) -> Vec<Group> {
    let mut parent: Vec<usize> = (0..bundle.flows.len()).collect();
    for (fi, flow) in bundle.flows.iter().enumerate() {
        for target in flow.steps.iter().flat_map(|s| s.kind.targets()) {
            if let Target::Step(to) = target {
                union(&mut parent, fi, to.flow);
            }
        }
    }
    let mut members: Vec<Vec<usize>> = Vec::new();
    let mut slot_of_root = vec![usize::MAX; parent.len()];
    for fi in 0..parent.len() {
        let root = find(&mut parent, fi);
        if slot_of_root[root] == usize::MAX {
            slot_of_root[root] = members.len();
            members.push(Vec::new());
        }
        members[slot_of_root[root]].push(fi);
    }
    members
        .into_iter()
        .enumerate()
        .map(|(index, flows)| group(bundle, index, flows))
        .collect()
}

/// Which group each flow is in, by flow index.
pub fn group_of_flows(bundle: &Bundle, groups: &[Group]) -> Vec<usize> {
    let mut of = vec![0; bundle.flows.len()];
    for g in groups {
        g.flows.iter().for_each(|&fi| of[fi] = g.index);
    }
    of
}

/// One step of a group with every reference it reads (its integration's included): the
/// steps are walked once, and every analysis of the group reads this.
pub struct StepReads<'b> {
    /// Where the step is.
    pub at: StepRef,
    /// What it does.
    pub kind: &'b StepKind,
    /// What it reads, in the order [`crate::ir::step_refs`] reports it.
    pub refs: Vec<&'b Ref>,
}

/// The steps of `flows`, in flow and step order, with what each reads.
fn step_reads<'b>(bundle: &'b Bundle, flows: &[usize]) -> Vec<StepReads<'b>> {
    let steps = flows
        .iter()
        .flat_map(|&fi| bundle.flows[fi].steps.iter().map(move |s| (fi, s)));
    steps
        .map(|(fi, step)| {
            let mut refs = Vec::new();
            crate::ir::step_refs(bundle, &step.kind, &mut |r| refs.push(r));
            let at = StepRef {
                flow: fi,
                step: step.number,
            };
            StepReads {
                at,
                kind: &step.kind,
                refs,
            }
        })
        .collect()
}

fn group(bundle: &Bundle, index: usize, flows: Vec<usize>) -> Group {
    let mut variables = BTreeSet::new();
    let mut nodes = BTreeSet::new();
    let mut parts_read = BTreeMap::new();
    let steps = step_reads(bundle, &flows);
    let has_waits = steps
        .iter()
        .any(|s| matches!(s.kind, StepKind::WaitForCallback { .. }));
    for step in &steps {
        if let StepKind::SetVariable { assign, .. } = step.kind {
            variables.extend(assign.iter().map(|(name, _)| name.clone()));
        }
        // A regex is the one node kind whose branch does not need its output; stored
        // sessions carry every output, so with waits every output is kept.
        if has_waits || !matches!(step.kind, StepKind::Regex { .. }) {
            nodes.extend(step.kind.node_name().map(str::to_owned));
        }
        for r in &step.refs {
            match r {
                Ref::Var { name, .. } => {
                    variables.insert(name.clone());
                }
                Ref::Node { node, part } => {
                    nodes.insert(node.clone());
                    note_part_read(parts_read.entry(node.clone()).or_default(), part);
                }
                _ => {}
            }
        }
    }
    let last_reads = last_reads(&steps, has_waits);
    let json_nodes = json_nodes(&steps, has_waits);
    let result_slots = result_slots(&steps, has_waits, &json_nodes);
    Group {
        index,
        flows,
        variables: variables.into_iter().collect(),
        nodes: nodes.into_iter().collect(),
        has_waits,
        parts_read,
        last_reads,
        json_nodes,
        result_slots,
    }
}

/// Adds what reading `part` of a regex node needs. A group past 63 has no bit: it sets
/// every bit, which means every group ([`RegexParts::groups`]).
fn note_part_read(parts: &mut RegexParts, part: &NodePart) {
    match part {
        NodePart::Result(_) | NodePart::Other(_) => parts.result = true,
        NodePart::Group(i) if *i < 64 => parts.groups |= 1 << i,
        NodePart::Group(_) => parts.groups = u64::MAX,
        _ => {}
    }
}

fn find(parent: &mut [usize], mut at: usize) -> usize {
    while parent[at] != at {
        parent[at] = parent[parent[at]];
        at = parent[at];
    }
    at
}

fn union(parent: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    // The smaller index becomes the root; membership is what matters, not the root.
    let (low, high) = (ra.min(rb), ra.max(rb));
    parent[high] = low;
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::test_ir as ir;

    const ROUTES: &str = r#"{"routes": [
        {"id": "r1", "name": "r1", "method": "POST", "allowed_ips": "127.0.0.1", "flow": "a"},
        {"id": "r2", "name": "r2", "method": "POST", "allowed_ips": "127.0.0.1", "flow": "c"}
    ]}"#;

    /// `a` triggers `b`; `c` stands alone and reads a node of its own.
    fn three_flows() -> Bundle {
        let a = r#"{"flow": "a", "steps": [
            {"step": 1, "type": "start", "next": 2},
            {"step": 2, "type": "set_variable", "assign": {"x": "1"}, "next": {"flow": "b", "step": 2}}
        ]}"#;
        let b = r#"{"flow": "b", "steps": [
            {"step": 1, "type": "start", "next": 2},
            {"step": 2, "type": "set_variable", "assign": {"y": "[[x]]"}, "next": 3},
            {"step": 3, "type": "api_end", "body": {"y": "[[y]]"}}
        ]}"#;
        let c = r#"{"flow": "c", "steps": [
            {"step": 1, "type": "start", "next": 2},
            {"step": 2, "type": "calculate", "name": "sum", "expression": "1 + 2", "yes": 3, "no": 3},
            {"step": 3, "type": "api_end", "body": {"s": "[[sum:result]]"}}
        ]}"#;
        ir(&[
            ("routes.json", ROUTES),
            ("a.flow.json", a),
            ("b.flow.json", b),
            ("c.flow.json", c),
        ])
    }

    #[test]
    fn flows_that_trigger_each_other_share_a_group() {
        let bundle = three_flows();
        let groups = groups(&bundle);
        let flows: Vec<Vec<&str>> = groups
            .iter()
            .map(|g| {
                g.flows
                    .iter()
                    .map(|&f| bundle.flows[f].id.as_str())
                    .collect()
            })
            .collect();
        assert_eq!(flows, [vec!["a", "b"], vec!["c"]]);
        assert_eq!(group_of_flows(&bundle, &groups), [0, 0, 1]);
        assert_eq!(groups[1].module().to_string(), "group_1");
    }

    #[test]
    fn a_group_holds_what_its_steps_write_and_read() {
        let groups = groups(&three_flows());
        assert_eq!(groups[0].variables, ["x", "y"]);
        assert!(groups[0].nodes.is_empty());
        assert!(groups[1].variables.is_empty());
        assert_eq!(groups[1].nodes, ["sum"]);
        assert!(!groups[0].has_waits && !groups[1].has_waits);
    }

    /// A regex nobody reads only tests its input: no session field, unless the group's
    /// sessions can be stored (a wait), which carry every node output.
    #[test]
    fn unread_regex_nodes_keep_no_output_unless_sessions_are_stored() {
        let a = r#"{"flow": "a", "steps": [
            {"step": 1, "type": "start", "next": 2},
            {"step": 2, "type": "regex", "name": "unread", "input": "[[request:body.x]]", "pattern": "^a", "yes": 3, "no": 3},
            {"step": 3, "type": "regex", "name": "read", "input": "[[request:body.x]]", "pattern": "^(a)", "yes": 4, "no": 4},
            {"step": 4, "type": "api_end", "body": {"g": "[[read:1]]"}}
        ]}"#;
        let c = r#"{"flow": "c", "steps": [
            {"step": 1, "type": "start", "next": 2},
            {"step": 2, "type": "regex", "name": "unread", "input": "[[request:body.x]]", "pattern": "^a", "yes": 3, "no": 3},
            {"step": 3, "type": "wait_for_callback", "name": "cb", "reference": "r-[[request:body.x]]", "timeout_s": 60, "yes": 4, "no": 4},
            {"step": 4, "type": "api_end", "body": {}}
        ]}"#;
        let groups = groups(&ir(&[
            ("routes.json", ROUTES),
            ("a.flow.json", a),
            ("c.flow.json", c),
        ]));
        assert_eq!(groups[0].nodes, ["read"]);
        assert!(groups[0].tests_only("unread") && !groups[0].tests_only("read"));
        assert_eq!(groups[1].nodes, ["cb", "unread"]);
        assert!(!groups[1].tests_only("unread"));
    }

    /// Outputs live in the session up to [`INLINE_SLOTS`] nodes; past that they are boxed.
    #[test]
    fn many_nodes_box_their_outputs() {
        let group = |nodes: usize| Group {
            index: 0,
            flows: vec![0],
            variables: Vec::new(),
            nodes: (0..nodes).map(|i| format!("n{i:03}")).collect(),
            has_waits: false,
            parts_read: BTreeMap::new(),
            last_reads: BTreeMap::new(),
            json_nodes: BTreeSet::new(),
            result_slots: BTreeSet::new(),
        };
        let inline = quote! { __lang::scope::NodeSlot }.to_string();
        let boxed = quote! { __lang::scope::BoxedNodeSlot }.to_string();
        assert_eq!(group(INLINE_SLOTS).slot_type().to_string(), inline);
        assert_eq!(group(INLINE_SLOTS + 1).slot_type().to_string(), boxed);
    }
}
