//! The trigger graph: which flows a session can pass through before reaching a flow.
//!
//! A session carries its variables and node results into a triggered flow (§2, §13 rule 12),
//! so a flow may read what any flow that can trigger it, directly or through others, wrote
//! (§13 rule 36).

use super::index::Index;
use super::{Bundle, Step, Target};
use std::collections::BTreeSet;

/// For each flow (by index in [`Bundle::flows`]), the flows whose writes it may read:
/// itself and every flow that can trigger it.
#[derive(Debug, Clone, Default)]
pub struct Visibility {
    visible: Vec<BTreeSet<usize>>,
}

impl Visibility {
    /// Computes the visibility of every flow of `bundle`.
    pub fn new(bundle: &Bundle) -> Visibility {
        Visibility::indexed(bundle, &Index::new(bundle))
    }

    /// As [`Visibility::new`], with the bundle's index already built.
    pub(crate) fn indexed(bundle: &Bundle, index: &Index) -> Visibility {
        let callers = callers(bundle, index);
        let visible = (0..bundle.flows.len())
            .map(|i| ancestors(&callers, i))
            .collect();
        Visibility { visible }
    }

    /// The flows whose writes flow `flow` may read (itself included).
    pub fn of(&self, flow: usize) -> &BTreeSet<usize> {
        static EMPTY: BTreeSet<usize> = BTreeSet::new();
        self.visible.get(flow).unwrap_or(&EMPTY)
    }
}

/// For each flow, the flows whose targets trigger it: the trigger graph reversed once, so
/// finding a flow's ancestors walks only them instead of scanning every flow per step.
fn callers(bundle: &Bundle, index: &Index) -> Vec<BTreeSet<usize>> {
    let mut callers = vec![BTreeSet::new(); bundle.flows.len()];
    for (from, flow) in bundle.flows.iter().enumerate() {
        for site in flow.steps.iter().flat_map(Step::targets) {
            let Target::Flow { flow: id, .. } = site.target else {
                continue;
            };
            if let Some(set) = index.flow_index(id).and_then(|to| callers.get_mut(to)) {
                set.insert(from);
            }
        }
    }
    callers
}

/// `target` and every flow from which a chain of triggers leads to it.
fn ancestors(callers: &[BTreeSet<usize>], target: usize) -> BTreeSet<usize> {
    let mut seen = BTreeSet::from([target]);
    let mut todo = vec![target];
    while let Some(current) = todo.pop() {
        for from in callers.get(current).into_iter().flatten() {
            if seen.insert(*from) {
                todo.push(*from);
            }
        }
    }
    seen
}

impl Bundle {
    /// The index of the first flow with this id.
    pub fn flow_index(&self, id: &str) -> Option<usize> {
        self.flows.iter().position(|f| f.id.as_deref() == Some(id))
    }

    /// The flows that flow `flow`'s targets trigger.
    pub fn triggers(&self, flow: usize) -> BTreeSet<usize> {
        let Some(f) = self.flows.get(flow) else {
            return BTreeSet::new();
        };
        f.steps
            .iter()
            .flat_map(|s| s.targets())
            .filter_map(|site| match site.target {
                Target::Flow { flow, .. } => self.flow_index(flow),
                Target::Step(_) => None,
            })
            .collect()
    }
}
