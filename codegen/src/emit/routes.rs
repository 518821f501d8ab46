//! `app()` and `router()`: each route's fixed facts as a `RouteSpec` and its entry
//! function, handed to the runtime's router which owns the HTTP contract.

use super::groups::{group_of_flows, Group};
use super::names::{regex_static, route_fn, step_variant};
use super::refs::{render, Env};
use crate::ir::{Bundle, Route, StepKind, StepRef};
use flowc_lang::net::IpNet;
use proc_macro2::{Literal, TokenStream};
use quote::quote;

/// The public `app()` / `router()`: every route with the entry function in its group's
/// module.
pub fn routes(bundle: &Bundle, groups: &[Group]) -> TokenStream {
    let group_of = group_of_flows(bundle, groups);
    let reads = Reads {
        headers: crate::ir::headers_read(bundle),
        body: crate::ir::body_reads(bundle),
    };
    let specs = bundle.routes.iter().enumerate().map(|(i, r)| {
        let spec = route_spec(bundle, r, &reads);
        let module = groups[group_of[r.entry.flow]].module();
        let f = route_fn(i);
        quote! { (#spec, ::std::sync::Arc::new(#module::#f) as ::flowc_runtime::FlowFn) }
    });
    let (_, format_statics) = super::formats::statics(bundle);
    let statics = regex_statics(bundle)
        .map(|(name, _)| name)
        .chain(format_statics);
    let force = statics.map(|name| quote! { ::std::sync::LazyLock::force(&#name); });
    let store = needs_store(bundle);
    let outbound = super::outbound::needs(bundle);
    let keys = bundle.keys.iter().map(|k| {
        let env = &k.env;
        let algorithm = k.algorithm.name();
        quote! {
            ::flowc_runtime::KeyNeed {
                env: ::std::string::String::from(#env),
                algorithm: ::flowc_runtime::compiled::algorithm(#algorithm),
            }
        }
    });
    quote! {
        /// The bundle: every route with its entry function, and what it needs at start.
        pub fn app() -> ::flowc_runtime::App {
            // Build every pattern now, so a server never meets one first on a request.
            #(#force)*
            ::flowc_runtime::App {
                routes: vec![#(#specs),*],
                needs: ::flowc_runtime::Needs {
                    keys: vec![#(#keys),*],
                    store: #store,
                    outbound: #outbound,
                },
            }
        }

        /// The axum router serving the bundle's routes under the HTTP contract, once every
        /// value the bundle needs from the environment has been read.
        pub async fn router(
            config: ::std::sync::Arc<::flowc_runtime::Config>,
        ) -> ::std::result::Result<::flowc_runtime::deps::axum::Router, ::flowc_runtime::StartupError> {
            ::flowc_runtime::start(app(), config).await
        }
    }
}

/// One `static RE_…: LazyLock<Regex>` per regex step.
pub fn regex_decls(bundle: &Bundle) -> TokenStream {
    let decls = regex_statics(bundle).map(|(name, pattern)| {
        quote! {
            static #name: ::std::sync::LazyLock<::flowc_runtime::deps::lang::pattern::Matcher> =
                ::std::sync::LazyLock::new(|| ::flowc_runtime::compiled::compile_regex(#pattern));
        }
    });
    quote! { #(#decls)* }
}

fn regex_statics(bundle: &Bundle) -> impl Iterator<Item = (proc_macro2::Ident, String)> + '_ {
    bundle.flows.iter().enumerate().flat_map(move |(fi, flow)| {
        flow.steps.iter().filter_map(move |step| match &step.kind {
            StepKind::Regex { pattern, .. } => {
                let at = StepRef {
                    flow: fi,
                    step: step.number,
                };
                Some((regex_static(at), pattern.translated.clone()))
            }
            _ => None,
        })
    })
}

/// The entry functions of the routes whose sessions start in `group`.
pub fn entry_fns(bundle: &Bundle, group: &Group) -> TokenStream {
    let entries = bundle
        .routes
        .iter()
        .enumerate()
        .filter(|(_, r)| group.flows.contains(&r.entry.flow))
        .map(|(i, r)| entry_fn(bundle, i, r));
    quote! { #(#entries)* }
}

fn entry_fn(bundle: &Bundle, index: usize, route: &Route) -> TokenStream {
    let f = route_fn(index);
    let start = step_variant(bundle, route.entry);
    let flow = &bundle.flows[route.entry.flow].id;
    let doc = format!(
        " Route `{}`: `{} /dynamic/{}`.",
        route.name,
        route.method.as_str(),
        route.id
    );
    let msisdn = route.msisdn.as_ref().map(|t| {
        // Validation lets the msisdn template read only `request:` and `session:`: no
        // variable exists yet when a session starts.
        let text = render(t, &Env::step(flow));
        quote! {
            let raw = #text;
            call.session.msisdn = __lang::nodes::normalize_msisdn(&raw);
        }
    });
    quote! {
        #[doc = #doc]
        pub(super) fn #f(mut call: ::flowc_runtime::Call) -> ::flowc_runtime::FlowFuture {
            call.session.flow = ::std::borrow::Cow::Borrowed(#flow);
            #msisdn
            start(call, Step::#start)
        }
    }
}

/// What the bundle's flows read of a request ([`crate::ir::headers_read`],
/// [`crate::ir::body_reads`]), for every route's spec.
struct Reads {
    headers: Vec<String>,
    body: Option<Vec<String>>,
}

fn route_spec(bundle: &Bundle, r: &Route, reads: &Reads) -> TokenStream {
    let headers_read = &reads.headers;
    // An asynchronous route's request is stored whole, for whichever build resumes it.
    let body_reads = match reads.body.as_ref().filter(|_| !r.is_async) {
        Some(paths) => quote! { Some(vec![#(::std::string::String::from(#paths)),*]) },
        None => quote! { None },
    };
    let (id, name, method) = (&r.id, &r.name, r.method.as_str());
    let allowed = r.allowed.iter().map(ip_net);
    let hashes = r.token_sha256.iter();
    let (is_async, timeout) = (r.is_async, Literal::u64_unsuffixed(r.timeout_ms));
    let entry = format!("{}:{}", bundle.flows[r.entry.flow].id, r.entry.step);
    quote! {
        ::flowc_runtime::RouteSpec {
            id: ::std::string::String::from(#id),
            name: ::std::string::String::from(#name),
            method: #method,
            allowed: vec![#(#allowed),*],
            token_sha256: vec![#(::std::string::String::from(#hashes)),*],
            is_async: #is_async,
            timeout_ms: #timeout,
            entry: ::std::string::String::from(#entry),
            headers_read: vec![#(::std::string::String::from(#headers_read)),*],
            body_reads: #body_reads,
        }
    }
}

/// A block as a `const fn` call: parsed at build time, never at run time.
fn ip_net(net: &IpNet) -> TokenStream {
    match *net {
        IpNet::V4(addr, prefix) => {
            let addr = Literal::u32_unsuffixed(addr);
            quote! { __lang::net::IpNet::v4(#addr, #prefix) }
        }
        IpNet::V6(addr, prefix) => {
            let addr = Literal::u128_unsuffixed(addr);
            quote! { __lang::net::IpNet::v6(#addr, #prefix) }
        }
    }
}

/// Whether sessions read or write the store themselves (the opt-out list); asynchronous
/// routes open it anyway.
pub fn needs_store(bundle: &Bundle) -> bool {
    let steps = bundle.flows.iter().flat_map(|f| &f.steps);
    // `send_template` checks the opt-out list before it sends (§4.8).
    steps
        .map(|s| &s.kind)
        .any(|k| matches!(k, StepKind::OptOut { .. } | StepKind::SendTemplate { .. }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A synchronous route's spec names the body paths to keep; an asynchronous one keeps
    /// the whole body, which is stored for whichever build resumes it.
    #[test]
    fn an_asynchronous_route_keeps_its_whole_body() {
        let routes = r#"{"routes": [
            {"id": "r1", "name": "s", "method": "POST", "allowed_ips": "127.0.0.1", "flow": "f"},
            {"id": "r2", "name": "a", "method": "POST", "allowed_ips": "127.0.0.1", "flow": "f", "async": true}
        ]}"#;
        let flow = r#"{"flow": "f", "steps": [
            {"step": 1, "type": "start", "next": 2},
            {"step": 2, "type": "api_end", "body": {"x": "[[request:body.x]]"}}
        ]}"#;
        let bundle = crate::test_ir(&[("routes.json", routes), ("f.flow.json", flow)]);
        let reads = Reads {
            headers: Vec::new(),
            body: crate::ir::body_reads(&bundle),
        };
        let spec = |i: usize| route_spec(&bundle, &bundle.routes[i], &reads).to_string();
        let kept = quote! { body_reads: Some(vec![::std::string::String::from("x")]) };
        assert!(spec(0).contains(&kept.to_string()), "{}", spec(0));
        assert!(
            spec(1).contains(&quote! { body_reads: None }.to_string()),
            "{}",
            spec(1)
        );
    }
}
