//! Evaluation of templates and value templates over a [`Scope`] (the interpreter's path;
//! generated code calls the same leaf functions with references resolved at build time).

use crate::func;
use crate::scope::{NodeOutput, RequestData, Scope, SessionData};
use crate::template::{
    self, Call, Func, NodePart, Part, Ref, RequestRef, SessionRef, Template, ValueTemplate,
};
use crate::value::{Map, Value};
use std::borrow::Cow;

/// The value a reference names, or `None` when absent. `pos` is the `#` position, if any.
pub fn eval_ref<'a>(r: &Ref, scope: &'a dyn Scope, pos: Option<usize>) -> Option<Cow<'a, Value>> {
    match r {
        Ref::Var { name, path } => path.get(scope.var(name)?, pos).map(Cow::Borrowed),
        Ref::Node { node, part } => node_part(scope.node(node)?, part, pos),
        Ref::Request(req) => request_part(scope.request(), req, pos),
        Ref::Session(s) => session_part(scope.session(), *s).map(Cow::Owned),
        Ref::Call(call) => Some(Cow::Owned(eval_call(call, scope, pos))),
    }
}

/// Appends the string rendering of a template (§3).
pub fn render_into(t: &Template, scope: &dyn Scope, pos: Option<usize>, out: &mut String) {
    for part in &t.parts {
        match part {
            Part::Text(text) => out.push_str(text),
            Part::Ref(r) => {
                if let Some(v) = eval_ref(r, scope, pos) {
                    v.render_into(out);
                }
            }
        }
    }
}

/// Evaluates a template: exactly one reference keeps its type (absent → null, §13 rule 1),
/// anything else is a string.
pub fn eval_template(t: &Template, scope: &dyn Scope, pos: Option<usize>) -> Value {
    match t.single_ref() {
        Some(r) => eval_ref(r, scope, pos).map_or(Value::Null, Cow::into_owned),
        None => Value::String(render(t, scope, pos)),
    }
}

/// Evaluates a value template, expanding position lists (§3).
pub fn eval_value(vt: &ValueTemplate, scope: &dyn Scope, pos: Option<usize>) -> Value {
    match vt {
        ValueTemplate::Null => Value::Null,
        ValueTemplate::Bool(b) => Value::Bool(*b),
        ValueTemplate::Number(n) => Value::Number(*n),
        ValueTemplate::Str(t) => eval_template(t, scope, pos),
        ValueTemplate::Array(items) => {
            Value::Array(items.iter().map(|i| eval_value(i, scope, pos)).collect())
        }
        ValueTemplate::Positions(item) => Value::Array(eval_positions(item, scope)),
        // A value template is built from a parsed `Map`: its keys are distinct.
        ValueTemplate::Object(members) => Value::Object(Map::from_distinct(
            members
                .iter()
                .map(|(k, v)| (k.clone(), eval_value(v, scope, pos)))
                .collect(),
        )),
    }
}

/// Whether every `#` reference inside `vt` is present at position `pos` (the stop rule of
/// position lists).
pub fn hash_refs_present(vt: &ValueTemplate, scope: &dyn Scope, pos: usize) -> bool {
    refs_present(&template::hash_refs(vt), scope, pos)
}

/// Whether every reference of `refs` (the `#` references of a template, collected once
/// with [`template::hash_refs`]) is present at position `pos`.
pub fn refs_present(refs: &[&Ref], scope: &dyn Scope, pos: usize) -> bool {
    refs.iter().all(|r| eval_ref(r, scope, Some(pos)).is_some())
}

/// One element per position `1, 2, …` while every `#` reference is present. There is no
/// cap: the data bounds the list, as in the compiled backend.
fn eval_positions(item: &ValueTemplate, scope: &dyn Scope) -> Vec<Value> {
    let refs = template::hash_refs(item);
    if refs.is_empty() {
        // Not built by `from_value`; without a `#` nothing would ever stop the list, so it
        // is empty, as the compiled emitter makes it.
        return Vec::new();
    }
    (1..)
        .take_while(|&p| refs_present(&refs, scope, p))
        .map(|p| eval_value(item, scope, Some(p)))
        .collect()
}

fn render(t: &Template, scope: &dyn Scope, pos: Option<usize>) -> String {
    let mut out = String::new();
    render_into(t, scope, pos, &mut out);
    out
}

fn node_part<'a>(
    out: &'a NodeOutput,
    part: &NodePart,
    pos: Option<usize>,
) -> Option<Cow<'a, Value>> {
    match part {
        NodePart::Header(name) => out.header(name).map(|h| Cow::Owned(Value::str(h))),
        _ => out.part(part, pos).map(Cow::Borrowed),
    }
}

fn request_part<'a>(
    req: &'a RequestData,
    r: &RequestRef,
    pos: Option<usize>,
) -> Option<Cow<'a, Value>> {
    match r {
        RequestRef::Body(path) => path.get(req.body.as_ref()?, pos).map(Cow::Borrowed),
        RequestRef::Query(None) => Some(Cow::Owned(Value::Object(req.query.clone()))),
        RequestRef::Query(Some(k)) => req.query.get(k).map(Cow::Borrowed),
        RequestRef::Header(name) => req.header(name).map(|h| Cow::Owned(Value::str(h))),
        RequestRef::Method => Some(Cow::Owned(Value::str(&*req.method))),
        RequestRef::Ip => Some(Cow::Owned(Value::str(req.ip.as_str()))),
        RequestRef::Path => Some(Cow::Owned(Value::str(&*req.path))),
    }
}

fn session_part(s: &SessionData, r: SessionRef) -> Option<Value> {
    let text: &str = match r {
        SessionRef::Id => &s.id,
        SessionRef::Route => &s.route,
        SessionRef::Flow => &s.flow,
        SessionRef::StartedAt => s.started_at.as_str(),
        SessionRef::Msisdn => s.msisdn.as_ref()?,
    };
    Some(Value::str(text))
}

/// A function call (§3.2); typed results per §13 rule 2.
fn eval_call(call: &Call, scope: &dyn Scope, pos: Option<usize>) -> Value {
    let empty = Template::default();
    let arg = |i: usize| call.args.get(i).unwrap_or(&empty);
    let text = |i: usize| render(arg(i), scope, pos);
    let int = |i: usize| func::int_arg(typed(arg(i), scope, pos).as_deref());
    match call.func {
        Func::Lower => Value::String(func::lower(&text(0))),
        Func::Upper => Value::String(func::upper(&text(0))),
        Func::Left => Value::String(func::left(int(0), &text(1))),
        Func::Right => Value::String(func::right(int(0), &text(1))),
        Func::Substr => Value::String(func::substr(int(0), int(1), &text(2))),
        Func::Trim => Value::String(func::trim(&text(0))),
        Func::Length => Value::Number(func::length(typed(arg(0), scope, pos).as_deref())),
        Func::Default => func::default(text(0), typed(arg(1), scope, pos).map(Cow::into_owned)),
        Func::Json => Value::String(func::json(typed(arg(0), scope, pos).as_deref())),
        Func::Urlencode => Value::String(func::urlencode(&text(0))),
        Func::Uuid => Value::String(func::uuid()),
        Func::Now => Value::String(func::now()),
    }
}

/// An argument with its type: a lone reference is its value (absent stays absent), anything
/// else is its rendering as a string.
fn typed<'a>(t: &Template, scope: &'a dyn Scope, pos: Option<usize>) -> Option<Cow<'a, Value>> {
    match t.single_ref() {
        Some(r) => eval_ref(r, scope, pos),
        None => Some(Cow::Owned(Value::String(render(t, scope, pos)))),
    }
}

/// A plain [`Scope`] for tests: variables, node outputs, a request and a session, held in
/// vectors. The interpreter has its own; other crates' tests may use this one.
#[derive(Debug, Clone, Default)]
pub struct MapScope {
    /// Session variables; the last entry of a name wins.
    pub vars: Vec<(String, Value)>,
    /// Node outputs; the last entry of a name wins (§13 rule 12).
    pub nodes: Vec<(String, NodeOutput)>,
    /// The request.
    pub request: RequestData,
    /// The session facts.
    pub session: SessionData,
}

impl MapScope {
    /// An empty scope.
    pub fn new() -> MapScope {
        MapScope::default()
    }

    /// Adds a variable.
    pub fn with_var(mut self, name: &str, value: Value) -> MapScope {
        self.vars.push((name.to_owned(), value));
        self
    }

    /// Adds a node output.
    pub fn with_node(mut self, name: &str, output: NodeOutput) -> MapScope {
        self.nodes.push((name.to_owned(), output));
        self
    }

    /// Sets the request body.
    pub fn with_body(mut self, body: Value) -> MapScope {
        self.request.body = Some(body);
        self
    }
}

impl Scope for MapScope {
    fn var(&self, name: &str) -> Option<&Value> {
        self.vars
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    fn node(&self, name: &str) -> Option<&NodeOutput> {
        self.nodes
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    fn request(&self) -> &RequestData {
        &self.request
    }

    fn session(&self) -> &SessionData {
        &self.session
    }
}

#[cfg(test)]
mod tests;
