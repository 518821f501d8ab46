//! Last reads: where a `set_variable` or `remap` step copies a variable or a node's output
//! that no later step of the session can read, the emitted code moves the value out of the
//! session instead of cloning it (W4's `remap` cloned seven strings nothing read again).
//!
//! A read is a last read when the step reads the field exactly once, does not write it,
//! and no step reachable from the step's branches reads it (a liveness analysis without
//! kills, so a loop back to the step keeps the copy). Groups whose sessions can be stored
//! at a wait are left alone: a stored session carries every field, and it is read back by
//! whichever backend resumes it. (A route's msisdn template, the one template read outside
//! the steps, may read only the request and the session's facts.)

use super::groups::StepReads;
use crate::ir::{StepKind, StepRef, Target};
use flowc_lang::template::Ref;
use std::collections::{BTreeMap, BTreeSet};

/// A session field a step reads: a variable or a node's output.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Field {
    /// `v_<name>`.
    Var(String),
    /// `n_<name>`.
    Node(String),
}

impl Field {
    /// The field a reference reads, if it reads one.
    fn read_by(r: &Ref) -> Option<Field> {
        match r {
            Ref::Var { name, .. } => Some(Field::Var(name.clone())),
            Ref::Node { node, .. } => Some(Field::Node(node.clone())),
            Ref::Request(_) | Ref::Session(_) | Ref::Call(_) => None,
        }
    }
}

/// The fields each `set_variable` and `remap` step of a group's flows may move out of the
/// session; steps with none are left out.
pub fn last_reads(steps: &[StepReads], has_waits: bool) -> BTreeMap<StepRef, BTreeSet<Field>> {
    if has_waits {
        return BTreeMap::new();
    }
    let reads: BTreeMap<StepRef, BTreeMap<Field, usize>> =
        steps.iter().map(|s| (s.at, reads_of(&s.refs))).collect();
    let live_after = live_after(steps, &reads);
    let mut moves = BTreeMap::new();
    for step in steps {
        if !matches!(
            step.kind,
            StepKind::SetVariable { .. } | StepKind::Remap { .. }
        ) {
            continue;
        }
        let written = writes_of(step.kind);
        let movable: BTreeSet<Field> = reads[&step.at]
            .iter()
            .filter(|&(field, &count)| {
                count == 1 && !written.contains(field) && !live_after[&step.at].contains(field)
            })
            .map(|(field, _)| field.clone())
            .collect();
        if !movable.is_empty() {
            moves.insert(step.at, movable);
        }
    }
    moves
}

/// How many references of the step read each field.
fn reads_of(refs: &[&Ref]) -> BTreeMap<Field, usize> {
    let mut counts = BTreeMap::new();
    for field in refs.iter().filter_map(|r| Field::read_by(r)) {
        *counts.entry(field).or_insert(0) += 1;
    }
    counts
}

/// The fields the step writes.
fn writes_of(kind: &StepKind) -> BTreeSet<Field> {
    let mut written: BTreeSet<Field> = kind
        .node_name()
        .map(|n| Field::Node(n.to_owned()))
        .into_iter()
        .collect();
    if let StepKind::SetVariable { assign, .. } = kind {
        written.extend(assign.iter().map(|(name, _)| Field::Var(name.clone())));
    }
    written
}

/// For each step, every field some step reachable from its branches reads: the least
/// fixpoint of `after(s) = ∪ over successors t of (reads(t) ∪ after(t))`.
fn live_after(
    steps: &[StepReads],
    reads: &BTreeMap<StepRef, BTreeMap<Field, usize>>,
) -> BTreeMap<StepRef, BTreeSet<Field>> {
    let successors: BTreeMap<StepRef, Vec<StepRef>> = steps
        .iter()
        .map(|step| {
            let next = step.kind.targets().into_iter().filter_map(|t| match t {
                Target::Step(to) if reads.contains_key(&to) => Some(to),
                _ => None,
            });
            (step.at, next.collect())
        })
        .collect();
    let mut after: BTreeMap<StepRef, BTreeSet<Field>> =
        steps.iter().map(|s| (s.at, BTreeSet::new())).collect();
    let mut changed = true;
    while changed {
        changed = false;
        // Backwards, so a chain of steps settles in one pass.
        for at in steps.iter().rev().map(|s| s.at) {
            let mut live = BTreeSet::new();
            for to in &successors[&at] {
                live.extend(reads[to].keys().cloned());
                live.extend(after[to].iter().cloned());
            }
            if live.len() != after[&at].len() {
                after.insert(at, live);
                changed = true;
            }
        }
    }
    after
}

#[cfg(test)]
mod tests;
