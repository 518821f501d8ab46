//! The session: a struct with one typed field per variable and per result node, the
//! `Step` enum, and the `run` loop that dispatches on it.

use super::calc::calc_fn;
use super::names::{calc_ident, node_field, step_variant, var_field};
use super::refs::Env;
use super::steps::arm;
use crate::ir::{Bundle, StepKind, StepRef};
use proc_macro2::TokenStream;
use quote::quote;
use std::ops::Range;

/// `struct Session { … }`: variables are `Option<Value>` (absent until set), node outputs
/// are `NodeOutput`. No map of names is consulted at run time.
pub fn session_struct(bundle: &Bundle) -> TokenStream {
    let vars = bundle.variables.iter().map(|name| {
        let field = var_field(name);
        let doc = format!(" `[[{name}]]`");
        quote! { #[doc = #doc] #field: Option<__lang::Value>, }
    });
    let nodes = bundle.nodes.iter().map(|name| {
        let field = node_field(name);
        let doc = format!(" `[[{name}:…]]`");
        quote! { #[doc = #doc] #field: __lang::scope::NodeOutput, }
    });
    let wake = super::store_nodes::has_waits(bundle).then(|| {
        quote! {
            /// What woke a stored session, for the `wait_for_callback` it resumes at.
            wake: Option<::flowc_runtime::store::Resume>,
        }
    });
    quote! {
        /// The state of one session: every variable and node output of the bundle.
        #[derive(Debug, Default)]
        #[allow(non_snake_case)]
        struct Session {
            #(#vars)*
            #(#nodes)*
            #wake
        }
    }
}

/// `enum Step { … }`: one variant per step of every flow.
pub fn step_enum(bundle: &Bundle) -> TokenStream {
    let variants = all_steps(bundle).map(|at| {
        let variant = step_variant(bundle, at);
        let doc = format!(" `{}` step {}", bundle.flows[at.flow].id, at.step);
        quote! { #[doc = #doc] #variant, }
    });
    quote! {
        /// Where a session is: a step of a flow.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[allow(non_camel_case_types)]
        enum Step {
            #(#variants)*
        }
    }
}

/// `async fn run(call, at)`: the step loop. Every executed step spends the budget, which
/// also enforces the route's deadline.
pub fn run_fn(bundle: &Bundle) -> TokenStream {
    run_fn_with(bundle, 0..step_count(bundle))
}

/// How many steps the bundle has: one `match` arm of `run` each.
pub fn step_count(bundle: &Bundle) -> usize {
    bundle.flows.iter().map(|f| f.steps.len()).sum()
}

/// [`run_fn`] with only the arms of the steps at `positions` (counted in bundle order:
/// flows, then their steps). The rest of the function is the same, so the module can be
/// formatted in pieces that are joined afterwards (see `super::pieces`).
pub fn run_fn_with(bundle: &Bundle, positions: Range<usize>) -> TokenStream {
    let steps = bundle
        .flows
        .iter()
        .enumerate()
        .flat_map(|(fi, flow)| flow.steps.iter().map(move |step| (fi, step)));
    let arms = steps
        .skip(positions.start)
        .take(positions.len())
        .map(|(fi, step)| arm(bundle, fi, step));
    quote! {
        /// Runs a session from `at` until an `api_end` answers, an asynchronous session
        /// parks at a wait, or an error ends it.
        #[allow(unused_variables, unused_mut, clippy::needless_late_init)]
        async fn run(
            call: ::flowc_runtime::Call,
            mut at: Step,
            mut s: Session,
        ) -> ::flowc_runtime::session::SessionResult {
            let mut budget = ::flowc_runtime::session::Budget::new(call.max_steps, call.deadline);
            loop {
                budget.spend().await?;
                at = match at {
                    #(#arms)*
                };
            }
        }
    }
}

/// The expression function of every `calculate` step.
pub fn calc_fns(bundle: &Bundle) -> TokenStream {
    let fns = bundle.flows.iter().enumerate().flat_map(|(fi, flow)| {
        flow.steps.iter().filter_map(move |step| match &step.kind {
            StepKind::Calculate { expr, .. } => {
                let at = StepRef {
                    flow: fi,
                    step: step.number,
                };
                let env = Env {
                    flow: &flow.id,
                    has_pos: false,
                };
                Some(calc_fn(&calc_ident(at), expr, &env))
            }
            _ => None,
        })
    });
    quote! { #(#fns)* }
}

fn all_steps(bundle: &Bundle) -> impl Iterator<Item = StepRef> + '_ {
    bundle.flows.iter().enumerate().flat_map(|(flow, f)| {
        f.steps.iter().map(move |s| StepRef {
            flow,
            step: s.number,
        })
    })
}
