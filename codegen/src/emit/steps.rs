//! One `match` arm per step: the node's behaviour as calls into the runtime, and the
//! branch it takes as the next `Step` variant.

use super::calc::ResultType;
use super::formats;
use super::groups::Group;
use super::moves::Field;
use super::names::{calc_ident, node_field, regex_static, step_variant, var_field};
use super::refs::{
    reads_node, ref_text, reference, render, template_cow, text_cow, value, Env, RefText,
};
use super::store_nodes;
use crate::ir::{Bundle, EndBody, Flow, Step, StepKind, StepRef, Target};
use flowc_lang::nodes::RegexParts;
use flowc_lang::template::Template;
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeSet;

/// The arm `Step::X => { … }` of one step.
pub fn arm(bundle: &Bundle, group: &Group, flow_index: usize, step: &Step) -> TokenStream {
    let at = StepRef {
        flow: flow_index,
        step: step.number,
    };
    let flow = &bundle.flows[flow_index];
    let variant = step_variant(bundle, at);
    let ctx = StepCtx {
        bundle,
        group,
        flow,
        at,
        env: Env::step(&flow.id).moving(moves(group, at, &step.kind)),
    };
    let body = ctx.body(&step.kind);
    quote! { Step::#variant => { #body } }
}

/// The fields the step may move out of the session: only a `set_variable` or a `remap`
/// copies values in the step's own arm, where `s` is mutable; every other kind reads
/// through borrows or in functions that take `&Session`.
fn moves<'g>(group: &'g Group, at: StepRef, kind: &StepKind) -> Option<&'g BTreeSet<Field>> {
    match kind {
        StepKind::SetVariable { .. } | StepKind::Remap { .. } => group.last_reads.get(&at),
        _ => None,
    }
}

struct StepCtx<'a> {
    bundle: &'a Bundle,
    group: &'a Group,
    flow: &'a Flow,
    at: StepRef,
    env: Env<'a>,
}

impl StepCtx<'_> {
    fn body(&self, kind: &StepKind) -> TokenStream {
        match kind {
            StepKind::Start { next } => self.goto(next, "next"),
            StepKind::SetVariable { assign, next } => self.set_variable(assign, next),
            StepKind::Calculate {
                name,
                expr,
                yes,
                no,
            } => {
                let field = node_field(name);
                let f = calc_ident(self.at);
                let branch = self.branch(quote! { ok }, yes, no);
                let store = ResultType::of(expr)
                    .store(quote! { s.#field.output_mut() }, quote! { outcome });
                quote! {
                    let outcome = #f(&s, &call);
                    let ok = #store;
                    #branch
                }
            }
            StepKind::SwitchCase {
                input,
                cases,
                default,
                ignore_case,
            } => {
                let input = text_cow(input, &self.env);
                let default = self.goto(default, "default");
                let arms = cases.iter().enumerate().map(|(i, c)| {
                    let value = &c.value;
                    let next = self.goto(&c.next, &format!("case {}", i + 1));
                    quote! { if __lang::nodes::switch_matches_folded(&input, #value) { #next } else }
                });
                // Case values were folded at build time; the input is folded once here.
                let input = if *ignore_case {
                    quote! { __lang::nodes::fold_case(&#input) }
                } else {
                    input
                };
                quote! {
                    let input = #input;
                    #(#arms)* { #default }
                }
            }
            StepKind::IsEmpty { input, yes, no } => {
                self.test(input, quote! { __lang::nodes::is_empty }, yes, no)
            }
            StepKind::IsNull { input, yes, no } => {
                self.test(input, quote! { __lang::nodes::is_null }, yes, no)
            }
            StepKind::Regex {
                name,
                input,
                yes,
                no,
                ..
            } => {
                let re = regex_static(self.at);
                let branch = self.branch(quote! { matched }, yes, no);
                if self.group.tests_only(name) {
                    let text = regex_input(input, name, &self.env);
                    return quote! {
                        let input: Option<::std::borrow::Cow<'_, str>> = #text;
                        let matched = input.is_some_and(|text| #re.is_match(&text));
                        #branch
                    };
                }
                let field = node_field(name);
                let text = regex_input(input, name, &self.env);
                let RegexParts { result, groups } = self.group.regex_parts(name);
                let store = quote! {
                    __lang::nodes::store_regex_parts(s.#field.output_mut(), &#re, input.as_deref(),
                        __lang::nodes::RegexParts { result: #result, groups: #groups })
                };
                quote! {
                    let input: Option<::std::borrow::Cow<'_, str>> = #text;
                    let matched = #store;
                    #branch
                }
            }
            StepKind::Remap {
                name,
                mapping,
                next,
            } if self.group.json_nodes.contains(name) => {
                let field = node_field(name);
                // Borrowed, not moved: writing the text copies what it reads.
                let env = Env::step(&self.flow.id);
                let text = super::json_out::node_text(mapping, &env, &self.group.json_nodes);
                let next = self.goto(next, "next");
                quote! {
                    s.#field = Some(#text);
                    #next
                }
            }
            StepKind::Remap {
                name,
                mapping,
                next,
            } => {
                let field = node_field(name);
                let check = depth_check(mapping, &quote::format_ident!("result"));
                let mapping = value(mapping, &self.env);
                let next = self.goto(next, "next");
                quote! {
                    let result = #mapping;
                    #check
                    s.#field.set(__lang::scope::NodeOutput { result: Some(result), ..Default::default() });
                    #next
                }
            }
            StepKind::ApiEnd {
                status,
                headers,
                body,
            } => self.api_end(*status, headers, body),
            StepKind::DateFormat {
                name,
                input,
                yes,
                no,
                ..
            } => self.with_ok(
                formats::date_format(name, input, self.at, &self.env),
                yes,
                no,
            ),
            StepKind::NumberFormat {
                name,
                input,
                yes,
                no,
                ..
            } => self.with_ok(
                formats::number_format(name, input, self.at, &self.env),
                yes,
                no,
            ),
            StepKind::DisplayList {
                name,
                pattern,
                yes,
                no,
                ..
            } => self.with_ok(
                formats::display_list(name, pattern, self.at, &self.env),
                yes,
                no,
            ),
            StepKind::Encrypt { name, yes, no, .. } => {
                self.with_ok(formats::encrypt(name, kind, &self.env), yes, no)
            }
            StepKind::ApiIntegration { .. } => {
                super::outbound::api_integration(self.bundle, kind, &self.env, &|t, b| {
                    self.goto(t, b)
                })
            }
            StepKind::SendTemplate { yes, no, .. } => self.with_ok(
                super::outbound::send_template(kind, self.at.step, &self.env),
                yes,
                no,
            ),
            StepKind::WaitForCallback { yes, no, .. } => {
                let (yes, no) = (self.goto(yes, "yes"), self.goto(no, "no"));
                store_nodes::wait(self.bundle, self.at, kind, &self.env, yes, no)
            }
            StepKind::OptOut { yes, no, .. } => {
                self.with_ok(store_nodes::opt_out(kind, &self.env), yes, no)
            }
        }
    }

    /// A node body that leaves `ok`, then the branch on it.
    fn with_ok(&self, body: TokenStream, yes: &Target, no: &Target) -> TokenStream {
        let branch = self.branch(quote! { ok }, yes, no);
        quote! { #body #branch }
    }

    fn set_variable(
        &self,
        assign: &[(String, flowc_lang::template::ValueTemplate)],
        next: &Target,
    ) -> TokenStream {
        let temps: Vec<_> = (0..assign.len())
            .map(|i| quote::format_ident!("value_{}", i))
            .collect();
        let evals = assign.iter().zip(&temps).map(|((_, vt), tmp)| {
            let v = value(vt, &self.env);
            let check = depth_check(vt, tmp);
            quote! { let #tmp = #v; #check }
        });
        let stores = assign.iter().zip(&temps).map(|((name, _), tmp)| {
            let field = var_field(name);
            quote! { s.#field = Some(#tmp); }
        });
        let next = self.goto(next, "next");
        // Every value is evaluated before any is assigned (§4: `a = [[b]], b = [[a]]` swaps).
        quote! { #(#evals)* #(#stores)* #next }
    }

    fn test(
        &self,
        input: &Template,
        predicate: TokenStream,
        yes: &Target,
        no: &Target,
    ) -> TokenStream {
        let cow = template_cow(input, &self.env);
        let branch = self.branch(quote! { hit }, yes, no);
        quote! {
            let hit = { let v = #cow; #predicate(v.as_deref()) };
            #branch
        }
    }

    fn api_end(&self, status: u16, headers: &[(String, Template)], body: &EndBody) -> TokenStream {
        let headers = headers.iter().map(|(name, t)| {
            let v = render(t, &self.env);
            quote! { (::std::string::String::from(#name), #v) }
        });
        let headers = quote! { vec![#(#headers),*] };
        let answer = match body {
            EndBody::Empty => quote! { ::flowc_runtime::Answer::empty(#status, #headers) },
            EndBody::Json(vt) => match super::json_out::body(vt, &self.env, &self.group.json_nodes)
            {
                Some(text) => {
                    quote! { ::flowc_runtime::Answer::json_text(#status, #headers, #text) }
                }
                None => {
                    let v = value(vt, &self.env);
                    quote! { ::flowc_runtime::Answer::json(#status, #headers, &#v) }
                }
            },
            EndBody::Text {
                template,
                content_type,
            } => {
                let text = render(template, &self.env);
                quote! { ::flowc_runtime::Answer::text(#status, #headers, #content_type, #text) }
            }
        };
        quote! { return Ok(::flowc_runtime::session::Outcome::Answered(#answer)); }
    }

    fn branch(&self, cond: TokenStream, yes: &Target, no: &Target) -> TokenStream {
        if yes == no {
            // Both branches go to one step: the node still ran for its output.
            let next = self.goto(yes, "yes");
            return quote! { let _ = #cond; #next };
        }
        let (yes, no) = (self.goto(yes, "yes"), self.goto(no, "no"));
        quote! { if #cond { #yes } else { #no } }
    }

    /// The next step's variant, or CT04 for a branch left out.
    fn goto(&self, target: &Target, branch: &str) -> TokenStream {
        match target {
            Target::Step(to) => {
                let variant = step_variant(self.bundle, *to);
                quote! { Step::#variant }
            }
            Target::Missing => {
                let (flow, step) = (&self.flow.id, self.at.step);
                quote! { return Err(::flowc_runtime::SessionError::no_target(#flow, #step, #branch)) }
            }
        }
    }
}

/// An `Option<Cow<'_, str>>` expression: a single reference's rendering, `None` when
/// absent; any other template's rendering.
fn regex_input(t: &Template, node: &str, env: &Env) -> TokenStream {
    // The input may borrow from the session unless it reads the node being replaced.
    let copy = reads_node(t, node);
    match t.single_ref().map(|r| ref_text(reference(r, env), copy)) {
        Some(RefText::Always(e)) => quote! { Some(#e) },
        Some(RefText::Maybe(e)) => e,
        None => {
            let s = render(t, env);
            quote! { Some(::std::borrow::Cow::<'_, str>::Owned(#s)) }
        }
    }
}

/// The depth check of a value made from `vt` (§13: CT21 past the depth limit), only where
/// the value can hold one copied from a reference: literal nesting is bounded at build time.
fn depth_check(
    vt: &flowc_lang::template::ValueTemplate,
    value: &proc_macro2::Ident,
) -> TokenStream {
    if vt.copies_values() {
        quote! { ::flowc_runtime::session::check_depth(&#value)?; }
    } else {
        quote! {}
    }
}
