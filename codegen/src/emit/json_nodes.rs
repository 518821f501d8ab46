//! Nodes kept as JSON text: a `remap` whose result the session only ever answers whole.
//!
//! A `remap` builds a tree (an object with owned keys, values copied or moved in), and the
//! usual next step writes that tree into an `api_end` body and drops it: W4's two remaps
//! were a sixth of its session. When every read of the node in the group is the whole
//! result as a typed value of an `api_end` body written as text (`[[profile:result]]`
//! alone in a JSON string, [`super::json_out`]), the remap step writes its mapping as JSON
//! text instead, with the same writer, and the answer copies the text in: the same bytes,
//! no tree. The session field is then `Option<String>`.
//!
//! Left as trees: a node also written by a step of another kind or by a remap whose
//! mapping repeats a key (the tree keeps the last value), one read any other way (a path
//! into it, inside text, as a step's input, in a body that repeats a key and is built as a
//! tree), and every node of a group whose sessions can be stored at a wait (a stored
//! session carries trees, read back by either backend).

use super::groups::StepReads;
use crate::ir::{EndBody, StepKind};
use flowc_lang::template::{NodePart, Ref, ValueTemplate};
use std::collections::{BTreeMap, BTreeSet};

use super::json_out::repeats_a_key;

/// The names of the group's nodes kept as JSON text.
pub fn json_nodes(steps: &[StepReads], has_waits: bool) -> BTreeSet<String> {
    if has_waits {
        return BTreeSet::new();
    }
    let mut remaps = BTreeSet::new();
    let mut trees = BTreeSet::new();
    let (mut reads, mut whole_reads) = (BTreeMap::new(), BTreeMap::new());
    for step in steps {
        match step.kind {
            StepKind::Remap { name, mapping, .. } if !repeats_a_key(mapping) => {
                remaps.insert(name.as_str());
            }
            kind => trees.extend(kind.node_name()),
        }
        for r in &step.refs {
            if let Ref::Node { node, .. } = r {
                *reads.entry(node.clone()).or_insert(0_usize) += 1;
            }
        }
        if let StepKind::ApiEnd {
            body: EndBody::Json(body),
            ..
        } = step.kind
        {
            if !repeats_a_key(body) {
                count_whole_reads(body, &mut whole_reads);
            }
        }
    }
    remaps
        .into_iter()
        .filter(|name| !trees.contains(name))
        .filter(|name| reads.get(*name) == whole_reads.get(*name))
        .map(str::to_owned)
        .collect()
}

/// Counts, per node, the values of `vt` that are exactly `[[node:result]]`.
fn count_whole_reads(vt: &ValueTemplate, counts: &mut BTreeMap<String, usize>) {
    match vt {
        ValueTemplate::Str(t) => {
            if let Some(Ref::Node {
                node,
                part: NodePart::Result(path),
            }) = t.single_ref()
            {
                if path.segs.is_empty() {
                    *counts.entry(node.clone()).or_insert(0) += 1;
                }
            }
        }
        ValueTemplate::Array(items) => items.iter().for_each(|v| count_whole_reads(v, counts)),
        ValueTemplate::Object(members) => members
            .iter()
            .for_each(|(_, v)| count_whole_reads(v, counts)),
        ValueTemplate::Positions(item) => count_whole_reads(item, counts),
        ValueTemplate::Null | ValueTemplate::Bool(_) | ValueTemplate::Number(_) => {}
    }
}

#[cfg(test)]
mod tests;
