//! The nodes that use the store or wait (§4.9, §4.10), and what a stored session needs:
//! its state written and read back, and the entry that resumes it.

use super::groups::Group;
use super::names::{node_field, step_variant, var_field};
use super::refs::{render, Env};
use super::session::group_steps;
use crate::ir::{Bundle, Channel, OptOutAction, StepKind, StepRef};
use proc_macro2::TokenStream;
use quote::quote;

/// The arm body of a `wait_for_callback` step, ending with the next step (or a return).
pub fn wait(
    bundle: &Bundle,
    at: StepRef,
    kind: &StepKind,
    env: &Env,
    yes: TokenStream,
    no: TokenStream,
) -> TokenStream {
    let StepKind::WaitForCallback {
        name,
        reference,
        timeout_s,
        ..
    } = kind
    else {
        return quote! {};
    };
    let (field, reference) = (node_field(name), render(reference, env));
    let (flow, step) = (&bundle.flows[at.flow].id, at.step);
    quote! {
        let reference = #reference;
        let wake = s.wake.take();
        match ::flowc_runtime::waits::wait(&call, wake, reference, #timeout_s).await {
            ::flowc_runtime::waits::Waited::Callback(body) => {
                s.#field.set(__lang::scope::NodeOutput { result: body, ..Default::default() });
                #yes
            }
            ::flowc_runtime::waits::Waited::No(message) => {
                s.#field.set(__lang::scope::NodeOutput {
                    error: Some(__lang::Value::String(message)),
                    ..Default::default()
                });
                #no
            }
            ::flowc_runtime::waits::Waited::Park { reference, deadline } => {
                let state = s.save(#flow, #step);
                return Ok(::flowc_runtime::session::Outcome::Parked(
                    ::flowc_runtime::session::Parked { reference, deadline, state },
                ));
            }
        }
    }
}

/// The arm body of an opt-out step; leaves `ok`.
pub fn opt_out(kind: &StepKind, env: &Env) -> TokenStream {
    let StepKind::OptOut {
        action,
        number,
        channel,
        ..
    } = kind
    else {
        return quote! {};
    };
    let number = render(number, env);
    let action = match action {
        OptOutAction::Record => quote! { Record },
        OptOutAction::Verify => quote! { Verify },
        OptOutAction::Delete => quote! { Delete },
    };
    let channel = match channel {
        Channel::Whatsapp => quote! { Whatsapp },
        Channel::Sms => quote! { Sms },
        Channel::Both => quote! { Both },
    };
    quote! {
        let number = #number;
        let ok = ::flowc_runtime::optouts::run(
            &call.services,
            ::flowc_runtime::optouts::Action::#action,
            ::flowc_runtime::store::Channel::#channel,
            &number,
        )
        .await?;
    }
}

/// `Session::save` / `Session::restore` and `Step::waiting_at`, for groups that wait. A
/// stored session names its wait by flow id and step number, which a rebuild of the bundle
/// keeps (§4.9); a name this build has no wait step for cannot be resumed (CT21).
pub fn persistence(bundle: &Bundle, group: &Group) -> TokenStream {
    if !group.has_waits {
        return quote! {};
    }
    let save_vars = group.variables.iter().map(|name| {
        let field = var_field(name);
        quote! { if let Some(v) = &self.#field { vars.insert(::std::string::String::from(#name), v.clone()); } }
    });
    let save_nodes = group.nodes.iter().map(|name| {
        let field = node_field(name);
        quote! { nodes.insert(::std::string::String::from(#name), self.#field.to_value()); }
    });
    let load_vars = group.variables.iter().map(|name| {
        let field = var_field(name);
        quote! { #field: vars.get(#name).cloned(), }
    });
    let slot = group.slot_type();
    let load_nodes = group.nodes.iter().map(|name| {
        let field = node_field(name);
        quote! { #field: nodes.get(#name).map(#slot::from_value).unwrap_or_default(), }
    });
    let waits = group_steps(bundle, group).filter_map(|at| {
        let step = bundle.flows[at.flow].step(at.step)?;
        matches!(step.kind, StepKind::WaitForCallback { .. }).then(|| {
            let (flow, number, variant) =
                (&bundle.flows[at.flow].id, at.step, step_variant(bundle, at));
            quote! { (#flow, #number) => Some(Step::#variant), }
        })
    });
    quote! {
        impl Step {
            /// The wait step a stored session names by flow id and step number.
            fn waiting_at(flow: &str, step: u64) -> Option<Step> {
                match (flow, step) {
                    #(#waits)*
                    _ => None,
                }
            }
        }

        impl Session {
            /// The session's state for the store (§4.9): variables, node outputs, and the
            /// wait (flow id, step number) it parks at.
            // A group without variables (or nodes) leaves its map empty.
            #[allow(unused_mut)]
            fn save(&self, flow: &str, step: u64) -> __lang::Value {
                let mut vars = __lang::Map::default();
                #(#save_vars)*
                let mut nodes = __lang::Map::default();
                #(#save_nodes)*
                ::flowc_runtime::waits::state(::flowc_runtime::waits::at_value(flow, step), vars, nodes)
            }

            /// A session from a saved state, and the step it was at.
            #[allow(unused_variables)]
            fn restore(state: &__lang::Value) -> Option<(Session, Step)> {
                let (at, vars, nodes) = ::flowc_runtime::waits::unstate(state)?;
                let (flow, step) = ::flowc_runtime::waits::value_at(at)?;
                let at = Step::waiting_at(flow, step)?;
                let s = Session {
                    #(#load_vars)*
                    #(#load_nodes)*
                    ..Default::default()
                };
                Some((s, at))
            }
        }
    }
}

/// `fn start(call, entry)`: the future of a new session from `entry`, or of a stored one
/// resumed.
pub fn start_fn(group: &Group) -> TokenStream {
    let resume = if group.has_waits {
        quote! {
            Some((state, wake)) => Box::pin(async move {
                let Some((mut s, at)) = Session::restore(&state) else {
                    return Err(::flowc_runtime::waits::unreadable_state());
                };
                s.wake = Some(wake);
                run(call, at, ::std::boxed::Box::new(s)).await
            }),
        }
    } else {
        // Without waits nothing is ever parked, so nothing is resumed.
        quote! { Some(_) => Box::pin(async { Err(::flowc_runtime::waits::unreadable_state()) }), }
    };
    quote! {
        /// Starts a session: from `entry`, or from where a stored one waited.
        fn start(mut call: ::flowc_runtime::Call, entry: Step) -> ::flowc_runtime::FlowFuture {
            match call.resume.take() {
                // Boxed as it is: no future around `run`'s, which would be moved whole
                // into the box and then move the call again into `run`.
                None => Box::pin(run(call, entry, ::std::boxed::Box::default())),
                #resume
            }
        }
    }
}
