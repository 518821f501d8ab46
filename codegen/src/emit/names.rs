//! Names of generated items. Every generated name carries a prefix (`v_`, `n_`, `RE_`, …)
//! so a flow's names can never clash with Rust keywords or with each other.

use crate::ir::{Bundle, StepRef};
use proc_macro2::{Ident, Span};
use quote::format_ident;

/// The session field of a variable.
pub fn var_field(name: &str) -> Ident {
    format_ident!("v_{}", name)
}

/// The session field of a result node's output.
pub fn node_field(name: &str) -> Ident {
    format_ident!("n_{}", name)
}

/// The `Step` enum variant for a step: `F1OrderTriage_2`. The flow's index makes every
/// name unique (`a-b` and `a_b`, `check-out` and `checkout` differ by it); the CamelCase id
/// keeps it readable.
pub fn step_variant(bundle: &Bundle, at: StepRef) -> Ident {
    Ident::new(
        &format!(
            "F{}{}_{}",
            at.flow,
            camel(&bundle.flows[at.flow].id),
            at.step
        ),
        Span::call_site(),
    )
}

/// The static holding a regex step's compiled pattern.
pub fn regex_static(at: StepRef) -> Ident {
    format_ident!("RE_F{}_{}", at.flow, at.step)
}

/// The static holding a formatting step's compiled pattern (date, number, list).
pub fn step_static(at: StepRef) -> Ident {
    format_ident!("FMT_F{}_{}", at.flow, at.step)
}

/// The function evaluating a `calculate` step's expression.
pub fn calc_ident(at: StepRef) -> Ident {
    format_ident!("calc_f{}_{}", at.flow, at.step)
}

/// The entry function of route number `index`.
pub fn route_fn(index: usize) -> Ident {
    format_ident!("route_{}", index)
}

/// A flow id in CamelCase: `order-triage` → `OrderTriage`.
fn camel(id: &str) -> String {
    let mut out = String::new();
    let mut upper = true;
    for c in id.chars() {
        if c == '-' || c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}
