//! A group's session: a struct with one typed field per variable and per result node, the
//! `Step` enum, and the `run` loop that dispatches on it (see `super::groups`).

use super::calc::calc_fn;
use super::groups::Group;
use super::names::{calc_ident, node_field, step_variant, var_field};
use super::refs::Env;
use super::steps::arm;
use crate::ir::{Bundle, StepKind, StepRef};
use proc_macro2::TokenStream;
use quote::quote;

/// `struct Session { … }`: variables are `Option<Value>` (absent until set), node outputs
/// are slots (empty until the node runs, [`Group::slot_type`]), the result alone where
/// only it is read ([`Group::result_slots`]), or the JSON text of a remap only answered
/// ([`Group::json_nodes`]); only those of the group. No map of names
/// is consulted at run time.
pub fn session_struct(group: &Group) -> TokenStream {
    let vars = group.variables.iter().map(|name| {
        let field = var_field(name);
        let doc = format!(" `[[{name}]]`");
        quote! { #[doc = #doc] #field: Option<__lang::Value>, }
    });
    let slot = group.slot_type();
    let nodes = group.nodes.iter().map(|name| {
        let field = node_field(name);
        if group.json_nodes.contains(name) {
            let doc = format!(" `[[{name}:result]]`, as JSON text");
            return quote! { #[doc = #doc] #field: Option<::std::string::String>, };
        }
        if group.result_slots.contains(name) {
            let doc = format!(" `[[{name}:result]]`, the only part read");
            return quote! { #[doc = #doc] #field: __lang::scope::ResultSlot, };
        }
        let doc = format!(" `[[{name}:…]]`");
        quote! { #[doc = #doc] #field: #slot, }
    });
    let wake = group.has_waits.then(|| {
        quote! {
            /// What woke a stored session, for the `wait_for_callback` it resumes at.
            wake: Option<::flowc_runtime::store::Resume>,
        }
    });
    quote! {
        /// The state of one session: the variables and node outputs of the group's flows.
        #[derive(Debug, Default)]
        #[allow(non_snake_case)]
        struct Session {
            #(#vars)*
            #(#nodes)*
            #wake
        }
    }
}

/// `enum Step { … }`: one variant per step of the group's flows.
pub fn step_enum(bundle: &Bundle, group: &Group) -> TokenStream {
    let variants = group_steps(bundle, group).map(|at| {
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

/// `async fn run(call, at, s)`: the step loop over the group's steps. Every executed step
/// spends the budget, which also enforces the route's deadline. The session is boxed: its
/// node outputs live in it, and a future holding it whole would be copied into the route's
/// box, kilobytes per request.
pub fn run_fn(bundle: &Bundle, group: &Group) -> TokenStream {
    let arms = group.flows.iter().flat_map(|&fi| {
        bundle.flows[fi]
            .steps
            .iter()
            .map(move |step| arm(bundle, group, fi, step))
    });
    quote! {
        /// Runs a session from `at` until an `api_end` answers, an asynchronous session
        /// parks at a wait, or an error ends it.
        #[allow(unused_variables, unused_mut, clippy::needless_late_init)]
        async fn run(
            call: ::flowc_runtime::Call,
            mut at: Step,
            mut s: ::std::boxed::Box<Session>,
        ) -> ::flowc_runtime::session::SessionResult {
            let mut budget = ::flowc_runtime::session::Budget::new(call.max_steps, call.deadline);
            loop {
                if budget.spend()? {
                budget.checkpoint().await?;
            }
                at = match at {
                    #(#arms)*
                };
            }
        }
    }
}

/// How many steps the bundle has: one `match` arm each.
pub fn step_count(bundle: &Bundle) -> usize {
    bundle.flows.iter().map(|f| f.steps.len()).sum()
}

/// The expression function of every `calculate` step of the group.
pub fn calc_fns(bundle: &Bundle, group: &Group) -> TokenStream {
    let fns = group.flows.iter().flat_map(|&fi| {
        let flow = &bundle.flows[fi];
        flow.steps.iter().filter_map(move |step| match &step.kind {
            StepKind::Calculate { expr, .. } => {
                let at = StepRef {
                    flow: fi,
                    step: step.number,
                };
                let env = Env::step(&flow.id);
                Some(calc_fn(&calc_ident(at), expr, &env))
            }
            _ => None,
        })
    });
    quote! { #(#fns)* }
}

/// Every step of the group, flow by flow, in step order.
pub fn group_steps<'a>(bundle: &'a Bundle, group: &'a Group) -> impl Iterator<Item = StepRef> + 'a {
    group.flows.iter().flat_map(move |&flow| {
        bundle.flows[flow].steps.iter().map(move |s| StepRef {
            flow,
            step: s.number,
        })
    })
}
