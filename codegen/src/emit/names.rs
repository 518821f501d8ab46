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

/// The `Step` enum variant for a step: `OrderTriage_2`.
pub fn step_variant(bundle: &Bundle, at: StepRef) -> Ident {
    Ident::new(
        &format!("{}_{}", flow_camel(bundle, at.flow), at.step),
        Span::call_site(),
    )
}

/// The static holding a regex step's compiled pattern.
pub fn regex_static(bundle: &Bundle, at: StepRef) -> Ident {
    format_ident!(
        "RE_{}_{}",
        flow_camel(bundle, at.flow).to_uppercase(),
        at.step
    )
}

/// The function evaluating a `calculate` step's expression.
pub fn calc_ident(bundle: &Bundle, at: StepRef) -> Ident {
    format_ident!(
        "calc_{}_{}",
        flow_camel(bundle, at.flow).to_lowercase(),
        at.step
    )
}

/// The entry function of route number `index`.
pub fn route_fn(index: usize) -> Ident {
    format_ident!("route_{}", index)
}

/// A flow id in CamelCase; the flow's index is appended when two ids would collide
/// (`a-b` and `a_b`).
fn flow_camel(bundle: &Bundle, flow: usize) -> String {
    let camel = camel(&bundle.flows[flow].id);
    let clashes = bundle
        .flows
        .iter()
        .filter(|f| camel_eq(&f.id, &camel))
        .count()
        > 1;
    if clashes {
        format!("{camel}F{flow}")
    } else {
        camel
    }
}

fn camel_eq(id: &str, camel_form: &str) -> bool {
    camel(id) == camel_form
}

fn camel(id: &str) -> String {
    let mut out = String::from("F");
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
