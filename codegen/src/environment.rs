//! The environment variables a bundle reads at server start (§4.6, §4.7, §4.8), for
//! `flowc check`: a build never reads them, so the report is where an operator learns what
//! a server of this bundle will ask for.

use crate::ir::{Bundle, StepKind};
use flowc_lang::envsubst::EnvPart;

/// The messaging gateway's variables (§4.8) and the gateway's default address.
const MESSAGING_URL: (&str, &str) = ("FLOWC_MESSAGING_URL", "https://platform.clickatell.com");
const MESSAGING_KEY: &str = "FLOWC_MESSAGING_KEY";

/// One variable a server of the bundle reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvVar {
    /// The variable's name.
    pub name: String,
    /// The value used when it is unset, when every use of it gives one (the first given).
    pub default: Option<String>,
}

/// Every variable the bundle reads, each once, in this order: integrations (by name, then
/// in the order of their texts), encryption keys, the messaging gateway.
pub fn environment(bundle: &Bundle) -> Vec<EnvVar> {
    let mut out: Vec<EnvVar> = Vec::new();
    let mut add = |name: &str, default: Option<&str>| {
        match out.iter_mut().find(|v| v.name == name) {
            // A use without a default makes the variable required.
            Some(known) if default.is_none() => known.default = None,
            Some(_) => {}
            None => out.push(EnvVar {
                name: name.to_owned(),
                default: default.map(str::to_owned),
            }),
        }
    };
    let parts = bundle
        .integrations
        .iter()
        .flat_map(|i| i.env.iter().flatten());
    for part in parts {
        if let EnvPart::Var { name, default } = part {
            add(name, default.as_deref());
        }
    }
    for key in &bundle.keys {
        add(&key.env, None);
    }
    let mut steps = bundle.flows.iter().flat_map(|f| &f.steps);
    if steps.any(|s| matches!(s.kind, StepKind::SendTemplate { .. })) {
        add(MESSAGING_URL.0, Some(MESSAGING_URL.1));
        add(MESSAGING_KEY, None);
    }
    out
}

/// `needs environment: CRM_URL (default http://…), CRM_TOKEN`, or `None` when the bundle
/// reads nothing.
pub fn environment_note(bundle: &Bundle) -> Option<String> {
    let vars = environment(bundle);
    if vars.is_empty() {
        return None;
    }
    let items: Vec<String> = vars
        .iter()
        .map(|v| match &v.default {
            Some(d) if d.is_empty() => format!("{} (default empty)", v.name),
            Some(d) => format!("{} (default {d})", v.name),
            None => v.name.clone(),
        })
        .collect();
    Some(format!("needs environment: {}", items.join(", ")))
}
