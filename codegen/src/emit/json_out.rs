//! An `api_end` JSON body, or a `remap` kept as text (`super::json_nodes`), written
//! straight into one `String`.
//!
//! Building the body as a `Value` tree and then serialising it costs a map with owned keys,
//! a clone of every value read and a walk over the tree, on every answer. Here the body's
//! shape is known at build time, so its literal parts (keys, punctuation, literal scalars
//! and text) are serialised now and pushed as `&'static str`, and only references are
//! written at run time. The text is byte for byte what `Value::write_json` writes of the
//! tree (compact, non-ASCII unescaped): the same writer serialises the literal parts now,
//! and the run-time parts go through `write_json` and the same string escaping.

use super::names::node_field;
use super::refs::{reference, visit_hash_refs_vt, Env, PositionReads, RefExpr};
use flowc_lang::template::{Func, NodePart, Part, Ref, Template, ValueTemplate};
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::{BTreeSet, HashSet};

/// A `String` expression holding the JSON text of `vt`, or `None` when an object of it
/// repeats a key: a tree keeps the first position and the last value of a repeated key,
/// which the caller keeps by building the tree. `json_nodes` are the group's nodes kept as
/// JSON text ([`super::groups::Group::json_nodes`]), whose text is copied in.
pub fn body(vt: &ValueTemplate, env: &Env, json_nodes: &BTreeSet<String>) -> Option<TokenStream> {
    if repeats_a_key(vt) {
        return None;
    }
    let mut w = Writer::new(json_nodes, false);
    w.value(vt, env);
    Some(w.finish())
}

/// A `String` expression holding the JSON text of a `remap` mapping kept as text, with the
/// depth check the tree would have had: a value copied in whole ends the session with CT21
/// when the tree holding it would nest past the limit (`check_depth_within`). The mapping
/// repeats no key ([`super::json_nodes`] keeps only such remaps as text).
pub fn node_text(mapping: &ValueTemplate, env: &Env, json_nodes: &BTreeSet<String>) -> TokenStream {
    let mut w = Writer::new(json_nodes, true);
    w.value(mapping, env);
    w.finish()
}

/// The pieces of the text in order; adjacent literal pieces are merged into one push.
struct Writer<'n> {
    pieces: Vec<Piece>,
    json_nodes: &'n BTreeSet<String>,
    /// Whether values copied whole are checked against the depth limit.
    checks_depth: bool,
    /// How many arrays and objects enclose what is written next.
    depth: usize,
}

enum Piece {
    /// Text known at build time.
    Lit(String),
    /// Statements appending to `json` at run time.
    Code(TokenStream),
}

impl<'n> Writer<'n> {
    fn new(json_nodes: &'n BTreeSet<String>, checks_depth: bool) -> Writer<'n> {
        Writer {
            pieces: Vec::new(),
            json_nodes,
            checks_depth,
            depth: 0,
        }
    }

    fn lit(&mut self, text: &str) {
        match self.pieces.last_mut() {
            Some(Piece::Lit(last)) => last.push_str(text),
            _ => self.pieces.push(Piece::Lit(text.to_owned())),
        }
    }

    fn code(&mut self, code: TokenStream) {
        self.pieces.push(Piece::Code(code));
    }

    fn value(&mut self, vt: &ValueTemplate, env: &Env) {
        match vt {
            ValueTemplate::Null => self.lit("null"),
            ValueTemplate::Bool(b) => self.lit(if *b { "true" } else { "false" }),
            ValueTemplate::Number(n) => self.lit(&n.to_string()),
            ValueTemplate::Str(t) => self.template(t, env),
            ValueTemplate::Array(items) => {
                self.lit("[");
                self.depth += 1;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.lit(",");
                    }
                    self.value(item, env);
                }
                self.depth -= 1;
                self.lit("]");
            }
            ValueTemplate::Object(members) => {
                self.lit("{");
                self.depth += 1;
                for (i, (key, v)) in members.iter().enumerate() {
                    let mut text = String::from(if i > 0 { "," } else { "" });
                    flowc_lang::json::write_string(key, &mut text);
                    text.push(':');
                    self.lit(&text);
                    self.value(v, env);
                }
                self.depth -= 1;
                self.lit("}");
            }
            ValueTemplate::Positions(item) => self.positions(item, env),
        }
    }

    /// §3: a typed value for exactly one reference (absent → `null`), else a string.
    fn template(&mut self, t: &Template, env: &Env) {
        if let Some(r) = t.single_ref() {
            if let Some(field) = self.json_node(r) {
                return self.code(quote! {
                    json.push_str(s.#field.as_deref().unwrap_or("null"));
                });
            }
            if is_now(r) {
                return self.code(quote! { __lang::func::write_now_json(&mut json); });
            }
            let depth = (self.checks_depth && t.copies_value()).then_some(self.depth);
            return self.code(typed(reference(r, env), depth));
        }
        self.lit("\"");
        for part in &t.parts {
            match part {
                Part::Text(text) => {
                    let mut escaped = String::new();
                    flowc_lang::json::write_escaped(text, &mut escaped);
                    self.lit(&escaped);
                }
                Part::Ref(r) if is_now(r) => {
                    self.code(quote! { __lang::time::push_now(&mut json); })
                }
                Part::Ref(r) => self.code(escaped(reference(r, env))),
            }
        }
        self.lit("\"");
    }

    /// One element per position until a `#` reference is absent, as `value()` builds it.
    fn positions(&mut self, item: &ValueTemplate, env: &Env) {
        let reads = PositionReads::new(env.flow, |f| visit_hash_refs_vt(item, f));
        let (before_loop, read_or_break) = (reads.before_loop(), reads.read_or_break());
        let mut element = Writer::new(self.json_nodes, self.checks_depth);
        element.depth = self.depth + 1;
        element.value(item, &reads.env(env.flow));
        let element = element.statements();
        self.lit("[");
        self.code(quote! {{
            #before_loop
            let mut pos: usize = 1;
            loop {
                #read_or_break
                if pos > 1 {
                    json.push(',');
                }
                #(#element)*
                pos += 1;
            }
        }});
        self.lit("]");
    }

    fn statements(self) -> Vec<TokenStream> {
        let pieces = self.pieces.into_iter();
        pieces
            .map(|piece| match piece {
                Piece::Lit(text) => push(&text),
                Piece::Code(code) => code,
            })
            .collect()
    }

    /// The whole text: a constant when nothing is read at run time.
    fn finish(self) -> TokenStream {
        if let [Piece::Lit(text)] = self.pieces.as_slice() {
            return quote! { ::std::string::String::from(#text) };
        }
        let (literal_len, reads) = self.pieces.iter().fold((0, 0), |(len, reads), p| match p {
            Piece::Lit(t) => (len + t.len(), reads),
            Piece::Code(_) => (len, reads + 1),
        });
        // Room for the literal text and a short value per reference: most answers fit in
        // one allocation.
        let capacity = literal_len + 16 * reads;
        let statements = self.statements();
        quote! {{
            let mut json = ::std::string::String::with_capacity(#capacity);
            #(#statements)*
            json
        }}
    }
}

/// Appends literal text: one character as a `char`, longer text as a `&str`.
fn push(text: &str) -> TokenStream {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => quote! { json.push(#c); },
        _ => quote! { json.push_str(#text); },
    }
}

impl Writer<'_> {
    /// The session field holding the JSON text `r` reads whole, if it reads a node kept as
    /// text.
    fn json_node(&self, r: &Ref) -> Option<proc_macro2::Ident> {
        match r {
            Ref::Node {
                node,
                part: NodePart::Result(path),
            } if path.segs.is_empty() && self.json_nodes.contains(node) => Some(node_field(node)),
            _ => None,
        }
    }
}

/// Whether `r` is `[[now]]`, whose text is written in place: it needs no escaping.
fn is_now(r: &Ref) -> bool {
    matches!(r, Ref::Call(call) if call.func == Func::Now)
}

/// Statements writing a reference as a typed JSON value, `null` when absent; with a depth,
/// checked first as a value copied that many containers deep into a node's text.
fn typed(r: RefExpr, depth: Option<usize>) -> TokenStream {
    match (r, depth) {
        (RefExpr::OptRef(e), Some(depth)) => quote! {
            match #e {
                Some(v) => {
                    ::flowc_runtime::session::check_depth_within(v, #depth)?;
                    v.write_json(&mut json)
                }
                None => json.push_str("null"),
            }
        },
        (RefExpr::Owned(e), Some(depth)) => quote! {{
            let v = #e;
            ::flowc_runtime::session::check_depth_within(&v, #depth)?;
            __lang::Value::write_json(&v, &mut json);
        }},
        (r, _) => typed_unchecked(r),
    }
}

/// Statements writing a reference as a typed JSON value, `null` when absent.
fn typed_unchecked(r: RefExpr) -> TokenStream {
    match r {
        RefExpr::OptRef(e) => quote! {
            match #e {
                Some(v) => v.write_json(&mut json),
                None => json.push_str("null"),
            }
        },
        RefExpr::OptStr(e) => quote! {
            match #e {
                Some(x) => __lang::json::write_string(x, &mut json),
                None => json.push_str("null"),
            }
        },
        RefExpr::Owned(e) => quote! { __lang::Value::write_json(&#e, &mut json); },
        RefExpr::Str(e) => quote! { __lang::json::write_string(#e, &mut json); },
        RefExpr::OwnedString(e) => quote! { __lang::json::write_string(&#e, &mut json); },
    }
}

/// Statements writing a reference's §3 rendering inside a JSON string (absent → nothing).
fn escaped(r: RefExpr) -> TokenStream {
    match r {
        RefExpr::OptRef(e) => quote! {
            if let Some(v) = #e {
                __lang::json::write_rendered(v, &mut json);
            }
        },
        RefExpr::OptStr(e) => quote! {
            if let Some(x) = #e {
                __lang::json::write_escaped(x, &mut json);
            }
        },
        RefExpr::Owned(e) => quote! { __lang::json::write_rendered(&#e, &mut json); },
        RefExpr::Str(e) => quote! { __lang::json::write_escaped(#e, &mut json); },
        RefExpr::OwnedString(e) => quote! { __lang::json::write_escaped(&#e, &mut json); },
    }
}

/// Whether an object anywhere in `vt` names a key twice.
pub fn repeats_a_key(vt: &ValueTemplate) -> bool {
    match vt {
        ValueTemplate::Object(members) => {
            let mut seen = HashSet::new();
            members
                .iter()
                .any(|(k, v)| !seen.insert(k.as_str()) || repeats_a_key(v))
        }
        ValueTemplate::Array(items) => items.iter().any(repeats_a_key),
        ValueTemplate::Positions(item) => repeats_a_key(item),
        ValueTemplate::Null
        | ValueTemplate::Bool(_)
        | ValueTemplate::Number(_)
        | ValueTemplate::Str(_) => false,
    }
}

#[cfg(test)]
mod tests;
