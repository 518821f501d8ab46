//! `api_integration` and `send_template` (§4.7, §4.8): the request built from direct reads
//! of the session, handed to `flowc_runtime::outbound`, and the branch on its outcome.
//!
//! Everything the bundle fixes is settled here: which integration (its settings are a
//! `static` per integration, the JSONPaths written as literals), which URL parts are literal,
//! which method. Only `${…}` texts wait for the server start; a request reads them from the
//! slots resolved then (`env_text`). The response lands in the node's `NodeOutput`, whose
//! parts the flow reads by path: nothing is flattened.

use super::names::node_field;
use super::refs::{reference, render, value, Env, RefExpr};
use crate::ir::{Bundle, Integration, IntegrationValue, Piece, StepKind, Target};
use flowc_lang::envsubst::EnvPart;
use flowc_lang::jsonpath::{JsonPath, JsonPathSeg, Validation};
use flowc_lang::template::{Part, Template};
use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

/// The `static` holding integration `index`'s fixed settings.
fn spec_static(index: usize) -> Ident {
    format_ident!("INTEGRATION_{}", index)
}

/// One `static` per integration a step calls: its validation, base element and timeout.
pub fn statics(bundle: &Bundle) -> TokenStream {
    let used = used_integrations(bundle);
    let decls = used.into_iter().filter_map(|i| {
        let integration = bundle.integrations.get(i)?;
        let name = spec_static(i);
        let validation = validation_tokens(&integration.validation);
        let base = match &integration.base_element {
            Some(p) => {
                let p = json_path_tokens(p);
                quote! { Some(#p) }
            }
            None => quote! { None },
        };
        let timeout = Literal::u64_unsuffixed(integration.timeout_ms);
        let doc = format!(" Integration `{}`.", integration.name);
        Some(quote! {
            #[doc = #doc]
            static #name: ::std::sync::LazyLock<::flowc_runtime::outbound::node::Spec> =
                ::std::sync::LazyLock::new(|| ::flowc_runtime::outbound::node::Spec {
                    validation: #validation,
                    base_element: #base,
                    timeout: ::std::time::Duration::from_millis(#timeout),
                });
        })
    });
    quote! { #(#decls)* }
}

/// The indices of the integrations some step calls, sorted.
fn used_integrations(bundle: &Bundle) -> std::collections::BTreeSet<usize> {
    let steps = bundle.flows.iter().flat_map(|f| &f.steps);
    steps
        .filter_map(|s| match s.kind {
            StepKind::ApiIntegration { integration, .. } => Some(integration),
            _ => None,
        })
        .collect()
}

/// `Needs::outbound`: every integration's `${…}` texts and URL shape, and whether the
/// messaging gateway is used.
pub fn needs(bundle: &Bundle) -> TokenStream {
    let integrations = bundle.integrations.iter().map(integration_need);
    let messaging = bundle
        .flows
        .iter()
        .flat_map(|f| &f.steps)
        .any(|s| matches!(s.kind, StepKind::SendTemplate { .. }));
    quote! {
        ::flowc_runtime::outbound::start::OutboundNeeds {
            integrations: vec![#(#integrations),*],
            messaging: #messaging,
        }
    }
}

fn integration_need(i: &Integration) -> TokenStream {
    let name = &i.name;
    let env = i.env.iter().map(|parts| {
        let parts = parts.iter().map(env_part_tokens);
        quote! { vec![#(#parts),*] }
    });
    let url = i.url.iter().map(|p| match p {
        Piece::Text(s) => {
            quote! { ::flowc_runtime::outbound::start::UrlShape::Text(::std::string::String::from(#s)) }
        }
        Piece::Env(k) => quote! { ::flowc_runtime::outbound::start::UrlShape::Env(#k) },
        Piece::Ref(_) => quote! { ::flowc_runtime::outbound::start::UrlShape::Value },
    });
    quote! {
        ::flowc_runtime::outbound::start::IntegrationNeed {
            name: ::std::string::String::from(#name),
            env: vec![#(#env),*],
            url: vec![#(#url),*],
        }
    }
}

fn env_part_tokens(part: &EnvPart) -> TokenStream {
    match part {
        EnvPart::Text(s) => {
            quote! { __lang::envsubst::EnvPart::Text(::std::string::String::from(#s)) }
        }
        EnvPart::Var { name, default } => {
            let default = match default {
                Some(d) => quote! { Some(::std::string::String::from(#d)) },
                None => quote! { None },
            };
            quote! {
                __lang::envsubst::EnvPart::Var {
                    name: ::std::string::String::from(#name),
                    default: #default,
                }
            }
        }
    }
}

fn validation_tokens(v: &Validation) -> TokenStream {
    match v {
        Validation::StatusCode => quote! { __lang::jsonpath::Validation::StatusCode },
        Validation::Path(p) => {
            let p = json_path_tokens(p);
            quote! { __lang::jsonpath::Validation::Path(#p) }
        }
    }
}

/// A JSONPath parsed at build time, as a literal.
fn json_path_tokens(p: &JsonPath) -> TokenStream {
    let segments = p.segments.iter().map(|s| match s {
        JsonPathSeg::Key(k) => {
            quote! { __lang::jsonpath::JsonPathSeg::Key(::std::string::String::from(#k)) }
        }
        JsonPathSeg::Index(i) => quote! { __lang::jsonpath::JsonPathSeg::Index(#i) },
    });
    quote! { __lang::jsonpath::JsonPath { segments: vec![#(#segments),*] } }
}

/// The arm body of an `api_integration` step: the request, the call, the branch.
pub fn api_integration(
    bundle: &Bundle,
    kind: &StepKind,
    env: &Env,
    goto: &dyn Fn(&Target, &str) -> TokenStream,
) -> TokenStream {
    let StepKind::ApiIntegration {
        name,
        integration,
        method,
        path,
        query,
        headers,
        body,
        branches,
        other,
    } = kind
    else {
        return quote! {};
    };
    let Some(base) = bundle.integrations.get(*integration) else {
        return quote! { return Err(::flowc_runtime::SessionError::new(::flowc_runtime::session::ErrorCode::Ct21, "the step names no integration")); };
    };
    let at = *integration;
    let url = base.url.iter().map(|p| url_part(p, at, env));
    let path = path.iter().flat_map(|t| &t.parts).map(|p| match p {
        Part::Text(s) => {
            quote! { ::flowc_runtime::outbound::UrlPart::Literal(::std::string::String::from(#s)) }
        }
        Part::Ref(r) => {
            let v = render(&one_ref(r), env);
            quote! { ::flowc_runtime::outbound::UrlPart::Value(#v) }
        }
    });
    let query = pairs(&base.query, query, at, env);
    let headers = pairs(&base.headers, headers, at, env);
    let json_body = match (&base.body, body) {
        (None, None) => quote! { None },
        (base_body, node_body) => {
            let base_body = optional(base_body.as_ref().map(|b| integration_value(b, at, env)));
            let node_body = optional(node_body.as_ref().map(|b| value(b, env)));
            quote! { ::flowc_runtime::outbound::integration::merge_body(#base_body, #node_body) }
        }
    };
    let (field, spec) = (node_field(name), spec_static(at));
    let branch = branch(branches, other, goto);
    quote! {
        let request = ::flowc_runtime::outbound::IntegrationCall {
            method: ::std::string::String::from(#method),
            url: vec![#(#url),*],
            path: vec![#(#path),*],
            query: #query,
            headers: #headers,
            json_body: #json_body,
        };
        let (output, outcome) =
            ::flowc_runtime::outbound::node::api_integration(&call.services, &#spec, request).await;
        s.#field.set(output);
        #branch
    }
}

/// The branch on the outcome: the matched value's target, else `other`, else CT11/CT51.
fn branch(
    branches: &[(String, Target)],
    other: &Target,
    goto: &dyn Fn(&Target, &str) -> TokenStream,
) -> TokenStream {
    let fallback = match other {
        Target::Step(_) => goto(other, "other"),
        Target::Missing => quote! { return Err(outcome.unhandled()) },
    };
    if branches.is_empty() {
        return quote! { { let _ = &outcome; #fallback } };
    }
    let arms = branches.iter().map(|(value, target)| {
        let next = goto(target, value);
        quote! { Some(#value) => #next, }
    });
    quote! {
        match outcome.key() {
            #(#arms)*
            _ => #fallback,
        }
    }
}

/// `vec![(name, value), …]`: the integration's entries, then the node's.
fn pairs(
    base: &[(String, Vec<Piece>)],
    node: &[(String, Template)],
    at: usize,
    env: &Env,
) -> TokenStream {
    let base = base.iter().map(|(k, v)| {
        let v = pieces_string(v, at, env);
        quote! { (::std::string::String::from(#k), #v) }
    });
    let node = node.iter().map(|(k, t)| {
        let v = render(t, env);
        quote! { (::std::string::String::from(#k), #v) }
    });
    quote! { vec![#(#base,)* #(#node),*] }
}

fn optional(v: Option<TokenStream>) -> TokenStream {
    match v {
        Some(v) => quote! { Some(#v) },
        None => quote! { None },
    }
}

/// A URL piece: literal text and start-time slots as they are, references as values the
/// runtime percent-encodes where they land.
fn url_part(p: &Piece, at: usize, env: &Env) -> TokenStream {
    match p {
        Piece::Text(s) => {
            quote! { ::flowc_runtime::outbound::UrlPart::Literal(::std::string::String::from(#s)) }
        }
        Piece::Env(k) => {
            let text = env_text(at, *k);
            quote! { ::flowc_runtime::outbound::UrlPart::Literal(::std::string::String::from(#text)) }
        }
        Piece::Ref(r) => {
            let v = render(&one_ref(r), env);
            quote! { ::flowc_runtime::outbound::UrlPart::Value(#v) }
        }
    }
}

/// A `&str` expression: slot `slot` of integration `at`, expanded at start.
fn env_text(at: usize, slot: usize) -> TokenStream {
    quote! { ::flowc_runtime::outbound::start::env_text(&call.services, #at, #slot) }
}

/// A `String` expression: the pieces rendered per §3.
fn pieces_string(pieces: &[Piece], at: usize, env: &Env) -> TokenStream {
    if let [Piece::Text(s)] = pieces {
        return quote! { ::std::string::String::from(#s) };
    }
    let out = quote! { out };
    let pushes = pieces.iter().map(|p| match p {
        Piece::Text(s) => quote! { #out.push_str(#s); },
        Piece::Env(k) => {
            let text = env_text(at, *k);
            quote! { #out.push_str(#text); }
        }
        Piece::Ref(r) => reference(r, env).render_into(&out),
    });
    quote! {{
        let mut #out = ::std::string::String::new();
        #(#pushes)*
        #out
    }}
}

/// A `Value` expression for an integration's body.
fn integration_value(v: &IntegrationValue, at: usize, env: &Env) -> TokenStream {
    match v {
        IntegrationValue::Plain(vt) => value(vt, env),
        IntegrationValue::Text(pieces) => {
            let s = pieces_string(pieces, at, env);
            quote! { __lang::Value::String(#s) }
        }
        IntegrationValue::Array(items) => {
            let items = items.iter().map(|i| integration_value(i, at, env));
            quote! { __lang::Value::Array(vec![#(#items),*]) }
        }
        IntegrationValue::Object(members) => {
            let inserts = members.iter().map(|(k, v)| {
                let v = integration_value(v, at, env);
                quote! { m.insert(::std::string::String::from(#k), #v); }
            });
            quote! {{
                let mut m = __lang::Map::default();
                #(#inserts)*
                __lang::Value::Object(m)
            }}
        }
    }
}

fn one_ref(r: &flowc_lang::template::Ref) -> Template {
    Template {
        parts: vec![Part::Ref(r.clone())],
    }
}

/// The arm body of a `send_template` step: rendered parts to the runtime, which checks the
/// opt-out list and sends; `ok` tells the branch.
pub fn send_template(kind: &StepKind, step: u64, env: &Env) -> TokenStream {
    let StepKind::SendTemplate {
        name,
        to,
        template,
        language,
        parameters,
        ..
    } = kind
    else {
        return quote! {};
    };
    let to = optional_text(to, env);
    let parameters = parameters.iter().map(|(k, t)| {
        let v = render(t, env);
        quote! { (::std::string::String::from(#k), #v) }
    });
    let field = node_field(name);
    let suffix = format!("-{step}");
    quote! {
        let to: Option<::std::string::String> = #to;
        let message = ::flowc_runtime::outbound::TemplateMessage {
            to: to.as_deref(),
            template: #template,
            language: #language,
            parameters: vec![#(#parameters),*],
            client_message_id: format!("{}{}", call.session.id, #suffix),
        };
        let (output, ok) = ::flowc_runtime::outbound::node::send_template(&call.services, message).await?;
        s.#field.set(output);
    }
}

/// An `Option<String>`: a single reference's rendering, `None` when absent; any other
/// template's rendering.
fn optional_text(t: &Template, env: &Env) -> TokenStream {
    match t.single_ref().map(|r| reference(r, env)) {
        Some(RefExpr::OptRef(e)) => quote! { #e.map(|v| v.render()) },
        Some(RefExpr::OptStr(e)) => quote! { #e.map(::std::string::String::from) },
        Some(r @ (RefExpr::Owned(_) | RefExpr::OwnedString(_) | RefExpr::Str(_))) => {
            let v = r.value();
            quote! { Some(#v.render()) }
        }
        None => {
            let s = render(t, env);
            quote! { Some(#s) }
        }
    }
}
