//! Node outputs kept as their result alone (`flowc_lang::scope::ResultSlot`).
//!
//! A calculation, a remap, a `date_format`, a `number_format` or an `encrypt` node makes a
//! result or an error. When no step of the group reads anything of the node but its
//! result (or a path under it), its session field holds that result alone: made, replaced
//! and dropped as one optional value, not a whole output with its error, groups and rare
//! parts. The generated code reads and writes it as it does an output (`result`,
//! `output_mut`, `set`, `take_result`), so only the field's type changes.
//!
//! Left whole: a node whose name a step of another kind also writes, one a step reads the
//! error (or any other part) of, a remap kept as JSON text ([`super::json_nodes`]), and
//! every node of a group whose sessions can be stored at a wait (a stored session carries
//! whole outputs, read back by either backend).

use super::groups::StepReads;
use crate::ir::StepKind;
use flowc_lang::template::{NodePart, Ref};
use std::collections::BTreeSet;

/// The names of the group's nodes kept as their result alone.
pub fn result_slots(
    steps: &[StepReads],
    has_waits: bool,
    json_nodes: &BTreeSet<String>,
) -> BTreeSet<String> {
    if has_waits {
        return BTreeSet::new();
    }
    let mut results_only = BTreeSet::new();
    let mut whole = BTreeSet::new();
    for step in steps {
        match step.kind {
            StepKind::Calculate { name, .. }
            | StepKind::Remap { name, .. }
            | StepKind::DateFormat { name, .. }
            | StepKind::NumberFormat { name, .. }
            | StepKind::Encrypt { name, .. } => {
                results_only.insert(name.as_str());
            }
            kind => whole.extend(kind.node_name()),
        }
        for r in &step.refs {
            if let Ref::Node { node, part } = r {
                if !matches!(part, NodePart::Result(_)) {
                    whole.insert(node.as_str());
                }
            }
        }
    }
    results_only
        .into_iter()
        .filter(|name| !whole.contains(name) && !json_nodes.contains(*name))
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests;
