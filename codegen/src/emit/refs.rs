//! References, templates and value templates as Rust expressions.
//!
//! Every reference is resolved at build time to a direct read: a session field, a request
//! part, a literal. A reference becomes a [`RefExpr`] whose variant says the Rust type the
//! expression has, so each use site (render into a string, take a typed value, test for
//! presence) adapts it without a detour through a generic lookup.

use super::moves::Field;
use super::names::{node_field, var_field};
use super::number_tokens;
use flowc_lang::path::{Path, Seg};
use flowc_lang::template::{
    Call, Func, NodePart, Part, Ref, RequestRef, SessionRef, Template, ValueTemplate,
};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};
use std::collections::BTreeSet;

/// What the emitted code can see while a step runs.
pub struct Env<'a> {
    /// The id of the flow the step belongs to (`[[session:flow]]` is this literal).
    pub flow: &'a str,
    /// Whether a `#` position `pos: usize` is in scope.
    pub has_pos: bool,
    /// `#` references already read at `pos` into locals (`Option<&Value>`) by a
    /// [`PositionReads`]: a use reads the local instead of walking the path again.
    pub at_pos: &'a [(&'a Ref, Ident)],
    /// The fields the step reads for the last time ([`super::moves`]): a whole-value
    /// copy of one moves it out of the session. Never set inside a position loop, whose
    /// body runs once per position.
    pub moves: Option<&'a BTreeSet<Field>>,
}

impl<'a> Env<'a> {
    /// What a step of `flow` sees: no position.
    pub fn step(flow: &'a str) -> Env<'a> {
        Env {
            flow,
            has_pos: false,
            at_pos: &[],
            moves: None,
        }
    }

    /// This environment, with the fields the step reads for the last time.
    pub fn moving(self, moves: Option<&'a BTreeSet<Field>>) -> Env<'a> {
        Env { moves, ..self }
    }

    /// Inside a position loop whose `#` references are read where they are used.
    pub fn with_pos(flow: &'a str) -> Env<'a> {
        Env {
            flow,
            has_pos: true,
            at_pos: &[],
            moves: None,
        }
    }
}

/// The `#` references of a position list, `sum` or `count`, each read once per position
/// into a local, so that testing whether all are present and then using them walks each
/// path once (W2's `sum(qty × price)` walked `items` four times per item before).
pub(super) struct PositionReads<'r> {
    bound: Vec<(&'r Ref, Ident)>,
    reads: Vec<TokenStream>,
    /// The paths' parts before their first `#`, which no position changes: read once,
    /// before the loop, into `base_<i>` locals (`Option<&Value>`), one per distinct part.
    bases: Vec<(String, TokenStream)>,
    /// `#` references that are not an optional value (none today), tested where they are.
    unbound: Vec<TokenStream>,
}

impl<'r> PositionReads<'r> {
    /// The distinct `#` references `visit` reports, for a step of `flow`.
    pub fn new(flow: &str, visit: impl FnOnce(&mut dyn FnMut(&'r Ref))) -> PositionReads<'r> {
        let env = Env::with_pos(flow);
        let mut reads = PositionReads {
            bound: Vec::new(),
            reads: Vec::new(),
            bases: Vec::new(),
            unbound: Vec::new(),
        };
        visit(&mut |r| {
            if reads.bound.iter().any(|(b, _)| *b == r) {
                return;
            }
            let read = match split_at_hash(r, &env) {
                Some((base, rest)) => {
                    let base = reads.base(base);
                    path_chain(quote! { #base }, &rest, &env)
                }
                None => match reference(r, &env) {
                    RefExpr::OptRef(e) => e,
                    other => return reads.unbound.push(other.is_present()),
                },
            };
            let local = format_ident!("at_pos_{}", reads.bound.len());
            reads.bound.push((r, local));
            reads.reads.push(read);
        });
        reads
    }

    /// The local holding `base`, read before the loop.
    fn base(&mut self, base: TokenStream) -> Ident {
        let key = base.to_string();
        let i = match self.bases.iter().position(|(k, _)| *k == key) {
            Some(i) => i,
            None => {
                self.bases.push((key, base));
                self.bases.len() - 1
            }
        };
        format_ident!("base_{}", i)
    }

    /// Statements for before the loop: the path parts no position changes.
    pub fn before_loop(&self) -> TokenStream {
        let bases = self.bases.iter().enumerate().map(|(i, (_, base))| {
            let local = format_ident!("base_{}", i);
            quote! { let #local: ::std::option::Option<&__lang::Value> = #base; }
        });
        quote! { #(#bases)* }
    }

    /// Statements for the top of a loop over `pos`: read each reference and `break` as
    /// soon as one is absent.
    pub fn read_or_break(&self) -> TokenStream {
        let reads = self
            .bound
            .iter()
            .zip(&self.reads)
            .map(|((_, local), read)| {
                quote! {
                    let #local: ::std::option::Option<&__lang::Value> = #read;
                    if #local.is_none() {
                        break;
                    }
                }
            });
        let unbound = self
            .unbound
            .iter()
            .map(|present| quote! { if !(#present) { break; } });
        // Validation guarantees a `#` reference; without one the list would never end, so
        // it is empty instead.
        let never_ends =
            (self.bound.is_empty() && self.unbound.is_empty()).then(|| quote! { break; });
        quote! { #(#reads)* #(#unbound)* #never_ends }
    }

    /// The environment of the loop's body: the references read from their locals.
    pub fn env<'e>(&'e self, flow: &'e str) -> Env<'e> {
        Env {
            flow,
            has_pos: true,
            at_pos: &self.bound,
            moves: None,
        }
    }
}

/// A reference as an expression, by the Rust type it has: optional (the reference may be
/// absent) or always present, borrowed or owned.
pub enum RefExpr {
    /// `Option<&Value>`: session fields, request body paths, node parts.
    OptRef(TokenStream),
    /// `Option<&str>`: headers, the msisdn.
    OptStr(TokenStream),
    /// `Value`, always present: `length`, `default`, the query object.
    Owned(TokenStream),
    /// `String`, always present: function results.
    OwnedString(TokenStream),
    /// `&str`, always present: the method, the path, session facts.
    Str(TokenStream),
}

impl RefExpr {
    /// As `Option<Cow<'_, Value>>`.
    pub fn cow(&self) -> TokenStream {
        match self {
            RefExpr::OptRef(e) => quote! { #e.map(::std::borrow::Cow::<__lang::Value>::Borrowed) },
            RefExpr::OptStr(e) => {
                quote! { #e.map(|x| ::std::borrow::Cow::<__lang::Value>::Owned(__lang::Value::from(x))) }
            }
            RefExpr::Owned(e) => quote! { Some(::std::borrow::Cow::<__lang::Value>::Owned(#e)) },
            RefExpr::Str(e) => {
                quote! { Some(::std::borrow::Cow::<__lang::Value>::Owned(__lang::Value::from(#e))) }
            }
            RefExpr::OwnedString(e) => {
                quote! { Some(::std::borrow::Cow::<__lang::Value>::Owned(__lang::Value::String(#e))) }
            }
        }
    }

    /// As an owned `Value` (absent → null, §13 rule 1).
    pub fn value(&self) -> TokenStream {
        match self {
            RefExpr::OptRef(e) => quote! { #e.cloned().unwrap_or_default() },
            RefExpr::OptStr(e) => quote! { #e.map(__lang::Value::from).unwrap_or_default() },
            RefExpr::Owned(e) => e.clone(),
            RefExpr::Str(e) => quote! { __lang::Value::from(#e) },
            RefExpr::OwnedString(e) => quote! { __lang::Value::String(#e) },
        }
    }

    /// A statement appending the §3 rendering to `out`.
    pub fn render_into(&self, out: &TokenStream) -> TokenStream {
        match self {
            RefExpr::OptRef(e) => quote! { if let Some(v) = #e { v.render_into(&mut #out); } },
            RefExpr::Owned(e) => quote! { #e.render_into(&mut #out); },
            RefExpr::Str(e) => quote! { #out.push_str(#e); },
            RefExpr::OptStr(e) => quote! { if let Some(x) = #e { #out.push_str(x); } },
            RefExpr::OwnedString(e) => quote! { #out.push_str(&#e); },
        }
    }

    /// A `bool` expression: whether the reference is present.
    pub fn is_present(&self) -> TokenStream {
        match self {
            RefExpr::OptRef(e) | RefExpr::OptStr(e) => quote! { #e.is_some() },
            RefExpr::Owned(_) | RefExpr::OwnedString(_) | RefExpr::Str(_) => quote! { true },
        }
    }
}

/// Emits a reference.
pub fn reference(r: &Ref, env: &Env) -> RefExpr {
    if let Some((_, local)) = env.at_pos.iter().find(|(read, _)| *read == r) {
        return RefExpr::OptRef(quote! { #local });
    }
    match r {
        Ref::Var { name, path } => {
            let field = var_field(name);
            RefExpr::OptRef(path_chain(quote! { s.#field.as_ref() }, path, env))
        }
        Ref::Node { node, part } => node_part(node, part, env),
        Ref::Request(req) => request(req, env),
        Ref::Session(sess) => session(*sess, env),
        Ref::Call(call) => self::call(call, env),
    }
}

fn node_part(node: &str, part: &NodePart, env: &Env) -> RefExpr {
    let field = node_field(node);
    let out = quote! { s.#field };
    match part {
        NodePart::Result(path) | NodePart::Other(path) => {
            RefExpr::OptRef(path_chain(quote! { #out.result.as_ref() }, path, env))
        }
        NodePart::Error => RefExpr::OptRef(quote! { #out.error.as_ref() }),
        NodePart::Count => RefExpr::OptRef(quote! { #out.count() }),
        NodePart::MessageId => RefExpr::OptRef(quote! { #out.message_id() }),
        NodePart::StatusCode => RefExpr::OptRef(quote! { #out.status_code() }),
        NodePart::Header(name) => RefExpr::OptStr(quote! { #out.header(#name) }),
        NodePart::Group(i) => {
            RefExpr::OptRef(quote! { #out.groups.get(#i).and_then(|g| g.as_ref()) })
        }
    }
}

fn request(req: &RequestRef, env: &Env) -> RefExpr {
    match req {
        RequestRef::Body(path) => {
            RefExpr::OptRef(path_chain(quote! { call.request.body.as_ref() }, path, env))
        }
        RequestRef::Query(Some(key)) => RefExpr::OptRef(quote! { call.request.query.get(#key) }),
        RequestRef::Query(None) => {
            RefExpr::Owned(quote! { __lang::Value::Object(call.request.query.clone()) })
        }
        RequestRef::Header(name) => RefExpr::OptStr(quote! { call.request.header(#name) }),
        RequestRef::Method => RefExpr::Str(quote! { call.request.method() }),
        RequestRef::Ip => RefExpr::Str(quote! { call.request.ip.as_str() }),
        RequestRef::Path => RefExpr::Str(quote! { call.request.path() }),
    }
}

fn session(field: SessionRef, env: &Env) -> RefExpr {
    match field {
        SessionRef::Id => RefExpr::Str(quote! { call.session.id() }),
        SessionRef::Route => RefExpr::Str(quote! { call.session.route() }),
        SessionRef::Flow => {
            let flow = env.flow;
            RefExpr::Str(quote! { #flow })
        }
        SessionRef::StartedAt => RefExpr::Str(quote! { call.session.started_at.as_str() }),
        SessionRef::Msisdn => RefExpr::OptStr(quote! { call.session.msisdn.as_deref() }),
    }
}

/// A reference whose path holds a `#`, as the read of its part before the first `#` (an
/// `Option<&Value>` expression, made as the reference itself is) and the rest of the path.
fn split_at_hash(r: &Ref, env: &Env) -> Option<(TokenStream, Path)> {
    let segs = &r.path()?.segs;
    let hash = segs.iter().position(|seg| matches!(seg, Seg::Hash))?;
    let before = r.with_path(Path {
        segs: segs[..hash].to_vec(),
    })?;
    match reference(&before, env) {
        RefExpr::OptRef(e) => Some((
            e,
            Path {
                segs: segs[hash..].to_vec(),
            },
        )),
        _ => None,
    }
}

/// Follows a path from an `Option<&Value>` expression; segments are resolved at build time.
fn path_chain(root: TokenStream, path: &Path, env: &Env) -> TokenStream {
    let mut expr = root;
    for seg in &path.segs {
        expr = match seg {
            Seg::Key {
                key,
                index: Some(i),
            } => quote! { #expr.and_then(|v| v.segment(#key, Some(#i))) },
            Seg::Key { key, index: None } => quote! { #expr.and_then(|v| v.segment(#key, None)) },
            // Validation rejects `#` where no position is in scope; an absent read is the
            // safe meaning should one slip through.
            Seg::Hash if env.has_pos => quote! { #expr.and_then(|v| v.position(pos)) },
            Seg::Hash => quote! { None::<&__lang::Value> },
        };
    }
    expr
}

fn call(call: &Call, env: &Env) -> RefExpr {
    // Text arguments are only read: a single reference is borrowed, not copied.
    let arg_text = |i: usize| text_cow(&call.args[i], env);
    // A literal count (`left:1:…`) is read at build time.
    let arg_int = |i: usize| match call.args[i].as_literal() {
        Some(lit) => {
            let n = flowc_lang::func::int_arg(Some(&flowc_lang::Value::str(lit)));
            quote! { #n }
        }
        None => {
            let v = template_ref(&call.args[i], env);
            quote! { __lang::func::int_arg(#v) }
        }
    };
    match call.func {
        Func::Lower => text(quote! { __lang::func::lower }, arg_text(0)),
        Func::Upper => text(quote! { __lang::func::upper }, arg_text(0)),
        // A borrowed argument is copied once, trimmed; one rendered here is trimmed in place.
        Func::Trim => {
            let x = arg_text(0);
            RefExpr::OwnedString(quote! { __lang::func::trim_cow(#x) })
        }
        Func::Urlencode => text(quote! { __lang::func::urlencode }, arg_text(0)),
        Func::Left | Func::Right => {
            let f = if call.func == Func::Left {
                quote! { left }
            } else {
                quote! { right }
            };
            let (n, x) = (arg_int(0), arg_text(1));
            RefExpr::OwnedString(quote! { __lang::func::#f(#n, &#x) })
        }
        Func::Substr => {
            let (a, b, x) = (arg_int(0), arg_int(1), arg_text(2));
            RefExpr::OwnedString(quote! { __lang::func::substr(#a, #b, &#x) })
        }
        Func::Length => {
            let x = template_ref(&call.args[0], env);
            RefExpr::Owned(quote! { __lang::Value::Number(__lang::func::length(#x)) })
        }
        Func::Json => {
            let x = template_ref(&call.args[0], env);
            RefExpr::OwnedString(quote! { __lang::func::json(#x) })
        }
        Func::Default => {
            let (d, x) = (
                render(&call.args[0], env),
                template_option(&call.args[1], env),
            );
            RefExpr::Owned(quote! { __lang::func::default(#d, #x) })
        }
        Func::Uuid => RefExpr::OwnedString(quote! { __lang::func::uuid() }),
        Func::Now => RefExpr::OwnedString(quote! { __lang::func::now() }),
    }
}

fn text(f: TokenStream, x: TokenStream) -> RefExpr {
    RefExpr::OwnedString(quote! { #f(&#x) })
}

/// A `String` expression: the template rendered per §3. Literal text is a constant.
pub fn render(t: &Template, env: &Env) -> TokenStream {
    if let Some(lit) = t.as_literal() {
        return quote! { ::std::string::String::from(#lit) };
    }
    // A lone function call (`[[upper:…]]`) already makes the string.
    if let Some(RefExpr::OwnedString(e)) = t.single_ref().map(|r| reference(r, env)) {
        return e;
    }
    let literal_len: usize = t
        .parts
        .iter()
        .map(|p| if let Part::Text(s) = p { s.len() } else { 0 })
        .sum();
    let capacity = literal_len + 16;
    let out = quote! { out };
    let pushes = t.parts.iter().map(|p| match p {
        Part::Text(s) => push_text(&out, s),
        Part::Ref(r) => reference(r, env).render_into(&out),
    });
    quote! {{
        let mut #out = ::std::string::String::with_capacity(#capacity);
        #(#pushes)*
        #out
    }}
}

/// A single reference's §3 rendering as a `Cow<'_, str>` expression.
pub(super) enum RefText {
    /// A `Cow<'_, str>`: the reference is always present.
    Always(TokenStream),
    /// An `Option<Cow<'_, str>>`: `None` where the reference is absent.
    Maybe(TokenStream),
}

/// The text of a reference, borrowed where it can be unless `copy` (the caller is about
/// to replace what it would borrow from).
pub(super) fn ref_text(r: RefExpr, copy: bool) -> RefText {
    let cow = quote! { ::std::borrow::Cow::<'_, str> };
    match r {
        RefExpr::OptRef(e) if copy => {
            RefText::Maybe(quote! { #e.map(|v| #cow::Owned(v.render())) })
        }
        RefExpr::OptRef(e) => RefText::Maybe(quote! { #e.map(|v| v.render_cow()) }),
        RefExpr::OptStr(e) if copy => {
            RefText::Maybe(quote! { #e.map(|x| #cow::Owned(x.to_owned())) })
        }
        RefExpr::OptStr(e) => RefText::Maybe(quote! { #e.map(#cow::Borrowed) }),
        RefExpr::Str(e) => RefText::Always(quote! { #cow::Borrowed(#e) }),
        RefExpr::OwnedString(e) => RefText::Always(quote! { #cow::Owned(#e) }),
        RefExpr::Owned(e) => RefText::Always(quote! { #cow::Owned(#e.render()) }),
    }
}

/// A `Cow<'_, str>` expression: the template rendered per §3 (absent → ""), borrowed
/// where it is one string reference or literal text, for uses that only read it
/// (function arguments, a `switch_case` input).
pub fn text_cow(t: &Template, env: &Env) -> TokenStream {
    let cow = quote! { ::std::borrow::Cow::<'_, str> };
    if let Some(lit) = t.as_literal() {
        return quote! { #cow::Borrowed(#lit) };
    }
    match t.single_ref().map(|r| ref_text(reference(r, env), false)) {
        Some(RefText::Always(e)) => e,
        Some(RefText::Maybe(e)) => quote! { #e.unwrap_or_default() },
        None => {
            let s = render(t, env);
            quote! { #cow::Owned(#s) }
        }
    }
}

/// Appends literal text: one character as a `char`, longer text as a `&str`.
fn push_text(out: &TokenStream, text: &str) -> TokenStream {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => quote! { #out.push(#c); },
        _ => quote! { #out.push_str(#text); },
    }
}

/// An `Option<Cow<'_, Value>>` expression: a single reference keeps its type and absence;
/// anything else is its rendered string.
pub fn template_cow(t: &Template, env: &Env) -> TokenStream {
    match t.single_ref() {
        Some(r) => reference(r, env).cow(),
        None => {
            let s = render(t, env);
            quote! { Some(::std::borrow::Cow::<__lang::Value>::Owned(__lang::Value::String(#s))) }
        }
    }
}

/// An `Option<&Value>` expression (through a temporary where the value is made here): a
/// single reference keeps its type and absence; anything else is its rendered string.
pub(super) fn template_ref(t: &Template, env: &Env) -> TokenStream {
    match t.single_ref().map(|r| reference(r, env)) {
        Some(RefExpr::OptRef(e)) => e,
        Some(RefExpr::OptStr(e)) => quote! { #e.map(__lang::Value::from).as_ref() },
        Some(RefExpr::Owned(e)) => quote! { Some(&#e) },
        Some(RefExpr::Str(e)) => quote! { Some(&__lang::Value::from(#e)) },
        Some(RefExpr::OwnedString(e)) => quote! { Some(&__lang::Value::String(#e)) },
        None => {
            let s = render(t, env);
            quote! { Some(&__lang::Value::String(#s)) }
        }
    }
}

/// Whether the template reads the node `node`: its input must then be copied out before
/// the node's output is replaced, or the generated code would borrow the output twice.
pub(super) fn reads_node(t: &Template, node: &str) -> bool {
    let mut reads = false;
    t.visit_refs(&mut |r| reads |= matches!(r, Ref::Node { node: n, .. } if n == node));
    reads
}

/// An `Option<Value>` expression: like [`template_ref`], owned.
pub(super) fn template_option(t: &Template, env: &Env) -> TokenStream {
    match t.single_ref().map(|r| reference(r, env)) {
        Some(RefExpr::OptRef(e)) => quote! { #e.cloned() },
        Some(RefExpr::OptStr(e)) => quote! { #e.map(__lang::Value::from) },
        Some(RefExpr::Owned(e)) => quote! { Some(#e) },
        Some(RefExpr::Str(e)) => quote! { Some(__lang::Value::from(#e)) },
        Some(RefExpr::OwnedString(e)) => quote! { Some(__lang::Value::String(#e)) },
        None => {
            let s = render(t, env);
            quote! { Some(__lang::Value::String(#s)) }
        }
    }
}

/// A `Value` expression: the template evaluated per §3 (typed single reference, absent →
/// null; otherwise a string).
pub fn template_value(t: &Template, env: &Env) -> TokenStream {
    match t.single_ref() {
        Some(r) => match moved(r, env) {
            Some(take) => quote! { #take.unwrap_or_default() },
            None => reference(r, env).value(),
        },
        None => {
            let s = render(t, env);
            quote! { __lang::Value::String(#s) }
        }
    }
}

/// An `Option<Value>` expression taking what `r` reads out of the session, when `r` reads
/// its field whole (a variable or a node's `result` without a path, a regex group) and
/// this is the step's last read of that field.
fn moved(r: &Ref, env: &Env) -> Option<TokenStream> {
    let moves = env.moves?;
    let (read, take) = match r {
        Ref::Var { name, path } if path.segs.is_empty() => {
            let field = var_field(name);
            (Field::Var(name.clone()), quote! { s.#field.take() })
        }
        Ref::Node {
            node,
            part: NodePart::Group(i),
        } => {
            let field = node_field(node);
            (
                Field::Node(node.clone()),
                quote! { s.#field.take_group(#i) },
            )
        }
        Ref::Node {
            node,
            part: NodePart::Result(path),
        } if path.segs.is_empty() => {
            let field = node_field(node);
            (Field::Node(node.clone()), quote! { s.#field.take_result() })
        }
        _ => return None,
    };
    moves.contains(&read).then_some(take)
}

/// A `Value` expression for a value template, position lists expanded (§3).
pub fn value(vt: &ValueTemplate, env: &Env) -> TokenStream {
    match vt {
        ValueTemplate::Null => quote! { __lang::Value::Null },
        ValueTemplate::Bool(b) => quote! { __lang::Value::Bool(#b) },
        ValueTemplate::Number(n) => {
            let n = number_tokens(*n);
            quote! { __lang::Value::Number(#n) }
        }
        ValueTemplate::Str(t) => template_value(t, env),
        ValueTemplate::Array(items) => {
            let items = items.iter().map(|i| value(i, env));
            quote! { __lang::Value::Array(::std::vec::Vec::from([#(#items),*])) }
        }
        // A value template is built from a parsed `Map` (`template_parse::build_value`),
        // so its keys are distinct and none is compared.
        ValueTemplate::Object(members) => {
            let members = members.iter().map(|(k, v)| {
                let v = value(v, env);
                quote! { (::std::string::String::from(#k), #v) }
            });
            quote! {
                __lang::Value::Object(__lang::Map::from_distinct(::std::vec::Vec::from([#(#members),*])))
            }
        }
        ValueTemplate::Positions(item) => positions(item, env),
    }
}

/// `[elem]` with `#` references: one element per position until a `#` reference is absent.
fn positions(item: &ValueTemplate, env: &Env) -> TokenStream {
    let reads = PositionReads::new(env.flow, |f| visit_hash_refs_vt(item, f));
    let (before_loop, read_or_break) = (reads.before_loop(), reads.read_or_break());
    let elem = value(item, &reads.env(env.flow));
    quote! {{
        #before_loop
        let mut items = ::std::vec::Vec::new();
        let mut pos: usize = 1;
        loop {
            #read_or_break
            items.push(#elem);
            pos += 1;
        }
        __lang::Value::Array(items)
    }}
}

/// Reports every `#` reference in the value template.
pub(super) fn visit_hash_refs_vt<'r>(vt: &'r ValueTemplate, f: &mut dyn FnMut(&'r Ref)) {
    let mut ptr = String::new();
    vt.visit_templates(&mut ptr, &mut |_, t| {
        for part in &t.parts {
            if let Part::Ref(r) = part {
                r.visit_hash_refs(f);
            }
        }
    });
}

/// A `bool` expression: every reference in `refs` (the `#` references) is present at `pos`.
pub fn hash_refs_present(refs: &[&Ref], env: &Env) -> TokenStream {
    and_all(
        refs.iter()
            .map(|r| reference(r, env).is_present())
            .collect(),
    )
}

fn and_all(checks: Vec<TokenStream>) -> TokenStream {
    if checks.is_empty() {
        // Validation guarantees a `#` reference in every position list; without one the
        // list would never end, so it is empty instead.
        quote! { false }
    } else {
        quote! { #(#checks)&&* }
    }
}
