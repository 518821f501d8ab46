//! The trigger graph: which flows a session can pass through before reaching a flow.
//!
//! A session carries its variables and node results into a triggered flow (§2, §13 rule 12),
//! so a flow may read what any flow that can trigger it, directly or through others, wrote
//! (§13 rule 36).

use super::{Bundle, Target};
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
        let triggers: Vec<BTreeSet<usize>> = (0..bundle.flows.len())
            .map(|i| bundle.triggers(i))
            .collect();
        let visible = (0..bundle.flows.len())
            .map(|i| ancestors(&triggers, i))
            .collect();
        Visibility { visible }
    }

    /// The flows whose writes flow `flow` may read (itself included).
    pub fn of(&self, flow: usize) -> &BTreeSet<usize> {
        static EMPTY: BTreeSet<usize> = BTreeSet::new();
        self.visible.get(flow).unwrap_or(&EMPTY)
    }
}

/// `target` and every flow from which a chain of triggers leads to it.
fn ancestors(triggers: &[BTreeSet<usize>], target: usize) -> BTreeSet<usize> {
    let mut seen = BTreeSet::from([target]);
    let mut todo = vec![target];
    while let Some(current) = todo.pop() {
        for (from, to) in triggers.iter().enumerate() {
            if to.contains(&current) && seen.insert(from) {
                todo.push(from);
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
