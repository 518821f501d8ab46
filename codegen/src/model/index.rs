//! Look-ups by flow id and by step number, and regex patterns, made once per bundle.
//!
//! Validation and lowering ask "which flow has this id?" and "which step of that flow has
//! this number?" for every target, route and reference. [`Bundle::flow_index`] and
//! [`Flow::step`](super::Flow::step) answer by scanning, which made checking a bundle
//! quadratic in its size (issue #6: 500 flows × 30 steps). This index gives the same
//! answers — the *first* flow with an id, the *first* step with a number, as those methods
//! do, so duplicates (already reported) resolve the same way — from maps built in one pass.
//!
//! It also keeps each regex node's translated pattern: translating one compiles it, which
//! costs more than anything else about a step, and checking and lowering need it for the
//! node itself and for every `[[node:x]]` that may read it.

use super::schema::NodeType;
use super::{Bundle, Step};
use flowc_lang::pattern::{Pattern, PatternError};
use std::cell::OnceCell;
use std::collections::HashMap;

/// A regex node's pattern, translated when first asked for.
type RegexCell = OnceCell<Option<Result<Pattern, PatternError>>>;

/// Flows by id, steps by number and regex patterns, for one bundle.
#[derive(Debug)]
pub(crate) struct Index<'a> {
    /// Flow id → index of the first flow with it.
    flows: HashMap<&'a str, usize>,
    /// Per flow (by index): step number → the first step with it.
    steps: Vec<HashMap<u64, &'a Step>>,
    /// (flow index, step index) → the pattern of that regex node, for every regex node.
    regexes: HashMap<(usize, usize), RegexCell>,
}

impl<'a> Index<'a> {
    /// Indexes every flow and step of `bundle`.
    pub(crate) fn new(bundle: &'a Bundle) -> Index<'a> {
        let mut flows = HashMap::with_capacity(bundle.flows.len());
        for (i, flow) in bundle.flows.iter().enumerate() {
            if let Some(id) = flow.id.as_deref() {
                flows.entry(id).or_insert(i);
            }
        }
        let steps = bundle.flows.iter().map(|f| steps_by_number(&f.steps));
        let all_steps = bundle.flows.iter().enumerate();
        let regexes = all_steps.flat_map(|(i, f)| {
            let regex_steps = f.steps.iter().filter(|s| s.kind == Some(NodeType::Regex));
            regex_steps.map(move |s| ((i, s.index), OnceCell::new()))
        });
        Index {
            flows,
            steps: steps.collect(),
            regexes: regexes.collect(),
        }
    }

    /// The index of the first flow with this id, as [`Bundle::flow_index`].
    pub(crate) fn flow_index(&self, id: &str) -> Option<usize> {
        self.flows.get(id).copied()
    }

    /// The first step numbered `number` of flow `flow`, as [`Flow::step`](super::Flow::step).
    pub(crate) fn step(&self, flow: usize, number: u64) -> Option<&'a Step> {
        self.steps.get(flow)?.get(&number).copied()
    }

    /// [`Step::regex_pattern`] of `step`, a step of flow `flow`, translated once.
    pub(crate) fn regex(&self, flow: usize, step: &Step) -> Option<&Result<Pattern, PatternError>> {
        match self.regexes.get(&(flow, step.index)) {
            Some(cell) => cell.get_or_init(|| step.regex_pattern()).as_ref(),
            // Not a regex node (of this bundle): it has no pattern.
            None => None,
        }
    }
}

/// Step number → the first step with it.
fn steps_by_number(steps: &[Step]) -> HashMap<u64, &Step> {
    let mut map = HashMap::with_capacity(steps.len());
    for step in steps {
        if let Some(number) = step.number {
            map.entry(number).or_insert(step);
        }
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Flow, Loc};

    fn step(number: Option<u64>, index: usize) -> Step {
        Step {
            index,
            loc: Loc::default(),
            number,
            kind: None,
            fields: Default::default(),
        }
    }

    fn flow(id: Option<&str>, numbers: &[Option<u64>]) -> Flow {
        Flow {
            file: String::new(),
            id: id.map(str::to_owned),
            fields: Default::default(),
            steps: numbers
                .iter()
                .enumerate()
                .map(|(i, n)| step(*n, i))
                .collect(),
        }
    }

    /// The index answers exactly what the scanning methods answer, duplicates included.
    #[test]
    fn agrees_with_the_scans() {
        let bundle = Bundle {
            flows: vec![
                flow(Some("a"), &[Some(1), Some(2), Some(2), None]),
                flow(None, &[Some(1)]),
                flow(Some("b"), &[]),
                flow(Some("a"), &[Some(7)]),
            ],
            ..Bundle::default()
        };
        let index = Index::new(&bundle);
        for id in ["a", "b", "c", ""] {
            assert_eq!(index.flow_index(id), bundle.flow_index(id), "{id}");
        }
        for (f, flow) in bundle.flows.iter().enumerate() {
            for n in 0..9 {
                let scanned = flow.step(n).map(|s| s.index);
                assert_eq!(index.step(f, n).map(|s| s.index), scanned, "{f} {n}");
            }
        }
        assert_eq!(index.step(9, 1).map(|s| s.index), None);
    }
}
