//! The build-time checks of §11 and §13 rules 14, 29, 35 and 36, each a small named
//! function feeding one collector, so one run reports every problem.
//!
//! Syntax errors of embedded languages (templates, expressions) and of the files
//! themselves are reported while [`crate::model`] reads them; everything here is about
//! meaning: names, targets, references, routes.

mod formats;
pub mod hint;
mod http;
mod integrations;
mod loops;
mod nodes;
mod parts;
mod refs;
mod routes;
mod step_graph;
mod structure;
mod targets;

use crate::diag::Diagnostics;
use crate::model::{Bundle, Flow, Index, Step, Visibility};
use std::cell::OnceCell;
use step_graph::StepGraph;

/// Runs every check.
pub fn validate(bundle: &Bundle, diags: &mut Diagnostics) {
    validate_indexed(bundle, &Index::new(bundle), diags);
}

/// [`validate`] with the bundle's index made already (and kept for lowering).
pub(crate) fn validate_indexed<'a>(
    bundle: &'a Bundle,
    index: &'a Index<'a>,
    diags: &mut Diagnostics,
) {
    let ctx = Ctx::new(bundle, index);
    structure::check_flow_ids(&ctx, diags);
    structure::check_flow_status(&ctx, diags);
    structure::check_step_numbers(&ctx, diags);
    structure::check_one_start(&ctx, diags);
    structure::check_node_names(&ctx, diags);
    structure::check_variable_names(&ctx, diags);
    targets::check_targets_exist(&ctx, diags);
    targets::check_left_out_branches(&ctx, diags);
    targets::check_reachable(&ctx, diags);
    targets::check_routes_end_in_api_end(&ctx, diags);
    loops::check_routes_do_not_trap(&ctx, diags);
    nodes::check_regex(&ctx, diags);
    formats::check_timezones(&ctx, diags);
    nodes::check_api_end(&ctx, diags);
    http::check_api_end_http(&ctx, diags);
    nodes::check_switch_cases(&ctx, diags);
    nodes::check_literal_choices(&ctx, diags);
    nodes::check_integration_names(&ctx, diags);
    integrations::check_outbound(&ctx, diags);
    refs::check_step_reads(&ctx, diags);
    refs::check_route_reads(&ctx, diags);
    refs::check_integration_reads(&ctx, diags);
    routes::check_routes(&ctx, diags);
    routes::check_integrations(&ctx, diags);
}

/// What every check may look at.
pub(crate) struct Ctx<'a> {
    /// The bundle.
    pub bundle: &'a Bundle,
    /// Which flows each flow may read from.
    pub visibility: Visibility,
    /// Flows by id, steps by number and regex patterns: checks look them up for every
    /// target, route and reference.
    pub index: &'a Index<'a>,
    /// The steps as one graph, made for the first check that follows routes.
    step_graph: OnceCell<StepGraph>,
}

impl<'a> Ctx<'a> {
    fn new(bundle: &'a Bundle, index: &'a Index<'a>) -> Ctx<'a> {
        Ctx {
            bundle,
            visibility: Visibility::indexed(bundle, index),
            index,
            step_graph: OnceCell::new(),
        }
    }

    /// Every step of the bundle as one graph.
    pub fn step_graph(&self) -> &StepGraph {
        self.step_graph.get_or_init(|| StepGraph::new(self))
    }

    /// Every step with its flow and the flow's index.
    pub fn steps(&self) -> impl Iterator<Item = (usize, &'a Flow, &'a Step)> {
        let flows = &self.bundle.flows;
        flows
            .iter()
            .enumerate()
            .flat_map(|(i, f)| f.steps.iter().map(move |s| (i, f, s)))
    }
}
