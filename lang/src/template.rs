//! Templates: literal text with `[[...]]` references and functions (§3, §13 rules 1–13).
//!
//! [`parse`] turns the source text into a [`Template`] once, at build time. Node parts are
//! classified syntactically here ([`NodePart::Other`] for anything not reserved); `codegen`'s
//! lowering resolves `Other` into a regex group or a result path (§13 rule 13).

use crate::path::Path;

/// A parsed template.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Template {
    /// Literal text and references, in order. Adjacent texts are merged.
    pub parts: Vec<Part>,
}

/// A piece of a template.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    /// Literal text (escapes already resolved).
    Text(String),
    /// A reference or function call.
    Ref(Ref),
}

/// What a `[[...]]` names.
#[derive(Debug, Clone, PartialEq)]
pub enum Ref {
    /// `[[name]]` or `[[name.path]]`: a session variable, optionally followed by a path.
    Var {
        /// The variable's name.
        name: String,
        /// A path into the variable's value (empty for the whole value).
        path: Path,
    },
    /// `[[node:part]]`: a part of a named node's output.
    Node {
        /// The node's name.
        node: String,
        /// Which part.
        part: NodePart,
    },
    /// `[[request:...]]`.
    Request(RequestRef),
    /// `[[session:...]]`.
    Session(SessionRef),
    /// A function call such as `[[left:3:[[x]]]]`.
    Call(Box<Call>),
}

/// A part of a node's output (§3.1, §13 rule 13).
#[derive(Debug, Clone, PartialEq)]
pub enum NodePart {
    /// `result` or `result.path`.
    Result(Path),
    /// `error`.
    Error,
    /// `count` (display_list).
    Count,
    /// `message_id` (send_template).
    MessageId,
    /// `HTTP_RESPONSE_CODE` (api_integration).
    StatusCode,
    /// `header.x` (api_integration), name in lower case.
    Header(String),
    /// A regex group: 0 is the whole match, then groups in order (named groups too).
    Group(usize),
    /// Not yet resolved: a group number or name, or a short form of `result.path`.
    Other(Path),
}

/// `[[request:...]]` references.
#[derive(Debug, Clone, PartialEq)]
pub enum RequestRef {
    /// `body` or `body.path`.
    Body(Path),
    /// `query` (an object of first values) or `query.k`.
    Query(Option<String>),
    /// `header.x-name`, name in lower case.
    Header(String),
    /// `method`.
    Method,
    /// `ip`: the caller after §6.3.
    Ip,
    /// `path`, without the query string.
    Path,
}

/// `[[session:...]]` references.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionRef {
    /// `id`: the execution id.
    Id,
    /// `route`: the route's name.
    Route,
    /// `flow`: the current flow.
    Flow,
    /// `started_at`: ISO-8601 UTC with milliseconds.
    StartedAt,
    /// `msisdn`: the route's msisdn template, normalised (§13 rule 10).
    Msisdn,
}

/// A function call.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// Which function.
    pub func: Func,
    /// Its arguments, each a template; the last one is X where the function takes one.
    pub args: Vec<Template>,
}

/// The functions of §3.2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Func {
    /// `lower:X`
    Lower,
    /// `upper:X`
    Upper,
    /// `left:N:X`
    Left,
    /// `right:N:X`
    Right,
    /// `substr:S:E:X`
    Substr,
    /// `trim:X`
    Trim,
    /// `length:X`
    Length,
    /// `default:D:X`
    Default,
    /// `json:X`
    Json,
    /// `urlencode:X`
    Urlencode,
    /// `uuid`
    Uuid,
    /// `now`
    Now,
}

impl Func {
    /// Every function, for lookups and docs.
    pub const ALL: [Func; 12] = [
        Func::Lower,
        Func::Upper,
        Func::Left,
        Func::Right,
        Func::Substr,
        Func::Trim,
        Func::Length,
        Func::Default,
        Func::Json,
        Func::Urlencode,
        Func::Uuid,
        Func::Now,
    ];

    /// The name used in templates.
    pub fn name(self) -> &'static str {
        match self {
            Func::Lower => "lower",
            Func::Upper => "upper",
            Func::Left => "left",
            Func::Right => "right",
            Func::Substr => "substr",
            Func::Trim => "trim",
            Func::Length => "length",
            Func::Default => "default",
            Func::Json => "json",
            Func::Urlencode => "urlencode",
            Func::Uuid => "uuid",
            Func::Now => "now",
        }
    }

    /// How many arguments it takes (X included).
    pub fn arity(self) -> usize {
        match self {
            Func::Uuid | Func::Now => 0,
            Func::Lower
            | Func::Upper
            | Func::Trim
            | Func::Length
            | Func::Json
            | Func::Urlencode => 1,
            Func::Left | Func::Right | Func::Default => 2,
            Func::Substr => 3,
        }
    }

    /// The function with this name.
    pub fn from_name(name: &str) -> Option<Func> {
        Func::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// Words no node or variable may be named (§13 rule 11).
pub const RESERVED_WORDS: [&str; 14] = [
    "lower",
    "upper",
    "left",
    "right",
    "substr",
    "trim",
    "length",
    "default",
    "json",
    "urlencode",
    "uuid",
    "now",
    "request",
    "session",
];

/// Whether `name` is a valid node or variable name: `[A-Za-z_][A-Za-z0-9_]*`.
pub fn is_valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A template syntax error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    /// Character offset (0-based, in Unicode scalar values) where the problem starts.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl Template {
    /// A template of literal text only.
    pub fn text(s: impl Into<String>) -> Template {
        Template {
            parts: vec![Part::Text(s.into())],
        }
    }

    /// Whether this template, as a value, can be a value copied whole from a reference
    /// whose depth is known only at run time ([`ValueTemplate::copies_values`]).
    pub fn copies_value(&self) -> bool {
        self.single_ref().is_some_and(|r| match r {
            Ref::Call(call) => call.func == Func::Default,
            r => !r.reads_shallow(),
        })
    }

    /// The single reference, when the template is exactly one reference (§3: typed).
    pub fn single_ref(&self) -> Option<&Ref> {
        match self.parts.as_slice() {
            [Part::Ref(r)] => Some(r),
            _ => None,
        }
    }

    /// The literal text, when the template has no reference.
    pub fn as_literal(&self) -> Option<String> {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Text(t) => out.push_str(t),
                Part::Ref(_) => return None,
            }
        }
        Some(out)
    }

    /// Visits every reference, nested ones inside function arguments included.
    pub fn visit_refs<'a>(&'a self, f: &mut dyn FnMut(&'a Ref)) {
        for p in &self.parts {
            if let Part::Ref(r) = p {
                f(r);
                if let Ref::Call(call) = r {
                    for arg in &call.args {
                        arg.visit_refs(f);
                    }
                }
            }
        }
    }

    /// Visits every reference mutably (used by lowering to resolve node parts).
    pub fn visit_refs_mut(&mut self, f: &mut dyn FnMut(&mut Ref)) {
        for p in &mut self.parts {
            if let Part::Ref(r) = p {
                f(r);
                if let Ref::Call(call) = r {
                    for arg in &mut call.args {
                        arg.visit_refs_mut(f);
                    }
                }
            }
        }
    }
}

/// Parses a template (§3): `[[...]]` references, nested function arguments, `\[[` escapes
/// and `\\[[` (a backslash, then a reference).
pub fn parse(source: &str) -> Result<Template, TemplateError> {
    crate::template_parse::parse(source)
}

/// A JSON value whose strings are templates (`assign` values, `api_end` and
/// `api_integration` bodies, `remap` mappings), with §3 "lists from positions".
#[derive(Debug, Clone, PartialEq)]
pub enum ValueTemplate {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number literal.
    Number(crate::number::Number),
    /// A string: a template (typed when it is exactly one reference).
    Str(Template),
    /// An array (kept as is).
    Array(Vec<ValueTemplate>),
    /// An array of exactly one element that contains `#` references: one element per
    /// position, `#` = 1, 2, … until a `#` reference is absent.
    Positions(Box<ValueTemplate>),
    /// An object; keys are literal (§13 rule 17).
    Object(Vec<(String, ValueTemplate)>),
}

/// A template error inside a value template, with the JSON pointer (relative to the
/// value) of the string that holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueTemplateError {
    /// Pointer relative to the value, e.g. `/items/0/sku`; empty for the value itself.
    pub pointer: String,
    /// The template error.
    pub error: TemplateError,
}

impl ValueTemplate {
    /// Parses every string of `value` as a template and marks position lists. Returns all
    /// errors, not just the first.
    pub fn from_value(
        value: &crate::value::Value,
    ) -> Result<ValueTemplate, Vec<ValueTemplateError>> {
        crate::template_parse::value_template(value)
    }

    /// Visits every template inside, with its pointer relative to the value.
    pub fn visit_templates<'a>(
        &'a self,
        pointer: &mut String,
        f: &mut dyn FnMut(&str, &'a Template),
    ) {
        match self {
            ValueTemplate::Str(t) => f(pointer, t),
            ValueTemplate::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let len = pointer.len();
                    pointer.push_str(&format!("/{i}"));
                    item.visit_templates(pointer, f);
                    pointer.truncate(len);
                }
            }
            ValueTemplate::Positions(item) => {
                let len = pointer.len();
                pointer.push_str("/0");
                item.visit_templates(pointer, f);
                pointer.truncate(len);
            }
            ValueTemplate::Object(members) => {
                for (k, v) in members {
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&k.replace('~', "~0").replace('/', "~1"));
                    v.visit_templates(pointer, f);
                    pointer.truncate(len);
                }
            }
            ValueTemplate::Null | ValueTemplate::Bool(_) | ValueTemplate::Number(_) => {}
        }
    }

    /// Mutable visit of every template (lowering resolves node parts with it).
    pub fn visit_templates_mut(&mut self, f: &mut dyn FnMut(&mut Template)) {
        match self {
            ValueTemplate::Str(t) => f(t),
            ValueTemplate::Array(items) => items.iter_mut().for_each(|i| i.visit_templates_mut(f)),
            ValueTemplate::Positions(item) => item.visit_templates_mut(f),
            ValueTemplate::Object(members) => members
                .iter_mut()
                .for_each(|(_, v)| v.visit_templates_mut(f)),
            ValueTemplate::Null | ValueTemplate::Bool(_) | ValueTemplate::Number(_) => {}
        }
    }
}

/// The `#` references of a value template ([`Ref::visit_hash_refs`] over every template in
/// it), in source order: a position list stops at the first position where one is absent.
/// Collected once, so the stop rule need not walk the template at every position.
pub fn hash_refs(vt: &ValueTemplate) -> Vec<&Ref> {
    let mut refs = Vec::new();
    vt.visit_templates(&mut String::new(), &mut |_, t| {
        for part in &t.parts {
            if let Part::Ref(r) = part {
                r.visit_hash_refs(&mut |h| refs.push(h));
            }
        }
    });
    refs
}

impl ValueTemplate {
    /// Whether a value made from this template can hold a value copied whole from a
    /// reference (a typed single reference, §3, or `default`'s typed fallback), whose depth
    /// is known only at run time. Anything else is at most as deep as the template's own
    /// literal nesting, which the bundle's JSON reader already bounds below the session's
    /// depth limit, so generated code checks only these. A reference that always reads a
    /// value at most one level deep ([`Ref::reads_shallow`]) adds at most one level, which
    /// that margin absorbs.
    pub fn copies_values(&self) -> bool {
        match self {
            ValueTemplate::Null | ValueTemplate::Bool(_) | ValueTemplate::Number(_) => false,
            ValueTemplate::Str(t) => t.copies_value(),
            ValueTemplate::Array(items) => items.iter().any(ValueTemplate::copies_values),
            ValueTemplate::Positions(item) => item.copies_values(),
            ValueTemplate::Object(members) => members.iter().any(|(_, v)| v.copies_values()),
        }
    }
}

impl Ref {
    /// Whether this reference always reads a value nested at most one level deep, so a
    /// copy of it cannot pass the session's depth limit: the node parts made as text or
    /// numbers (`error`, `count`, `message_id`, `HTTP_RESPONSE_CODE`, headers, regex
    /// groups), everything of the request but its body (the query is an object of
    /// strings), and the session's facts. Variables, node results and the body can hold
    /// anything.
    pub fn reads_shallow(&self) -> bool {
        match self {
            Ref::Node { part, .. } => !matches!(part, NodePart::Result(_) | NodePart::Other(_)),
            Ref::Request(r) => !matches!(r, RequestRef::Body(_)),
            Ref::Session(_) => true,
            Ref::Var { .. } | Ref::Call(_) => false,
        }
    }

    /// Visits the references whose own path holds `#`: this one, or, for a function call,
    /// those among its arguments. These decide where a position list, `sum` or `count`
    /// stops; a call itself is never absent, so it is never one of them.
    pub fn visit_hash_refs<'a>(&'a self, f: &mut dyn FnMut(&'a Ref)) {
        match self {
            Ref::Call(call) => {
                for arg in &call.args {
                    for part in &arg.parts {
                        if let Part::Ref(r) = part {
                            r.visit_hash_refs(f);
                        }
                    }
                }
            }
            r if r.has_hash() => f(r),
            _ => {}
        }
    }

    /// Whether this reference (or a nested argument) contains a `#` segment.
    pub fn has_hash(&self) -> bool {
        match self {
            Ref::Call(call) => call.args.iter().any(|a| {
                let mut found = false;
                a.visit_refs(&mut |r| found |= r.has_hash());
                found
            }),
            r => r.path().is_some_and(Path::has_hash),
        }
    }

    /// The path of a reference that has one: a variable, a node's result, the body.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Ref::Var { path, .. }
            | Ref::Node {
                part: NodePart::Result(path) | NodePart::Other(path),
                ..
            }
            | Ref::Request(RequestRef::Body(path)) => Some(path),
            _ => None,
        }
    }

    /// The same reference with another path; `None` for one without a path.
    pub fn with_path(&self, path: Path) -> Option<Ref> {
        let mut other = self.clone();
        match &mut other {
            Ref::Var { path: p, .. }
            | Ref::Node {
                part: NodePart::Result(p) | NodePart::Other(p),
                ..
            }
            | Ref::Request(RequestRef::Body(p)) => *p = path,
            _ => return None,
        }
        Some(other)
    }
}

#[cfg(test)]
mod tests {
    use super::ValueTemplate;

    fn template(json: &str) -> ValueTemplate {
        let value = crate::json::parse(json).expect("test JSON");
        ValueTemplate::from_value(&value).expect("test template")
    }

    /// Only a lone reference (or `default`, which may return one) to what may nest copies
    /// a value whole; text, rendered references, other functions and references to
    /// what is always text or a number make strings or numbers.
    #[test]
    fn only_typed_references_copy_values() {
        for copies in [
            r#""[[x]]""#,
            r#""[[request:body.user]]""#,
            r#""[[n:result]]""#,
            r#""[[default:none:[[x]]]]""#,
            r#"{"a":[1,{"b":"[[x]]"}]}"#,
            r#"["[[request:body.items.#]]"]"#,
            r#""[[n:result.a]]""#,
            r#""[[n:other]]""#,
        ] {
            assert!(template(copies).copies_values(), "{copies}");
        }
        for scalar in [
            "null",
            "12.5",
            r#""plain""#,
            r#""Hello, [[name]]""#,
            r#""[[upper:[[x]]]]""#,
            r#""[[length:[[x]]]]""#,
            r#"{"a":[1,{"b":"x [[x]]"}],"c":true}"#,
            r#""[[n:error]]""#,
            r#""[[n:HTTP_RESPONSE_CODE]]""#,
            r#""[[request:method]]""#,
            r#""[[request:header.x-a]]""#,
            r#"{"q":"[[request:query]]","s":"[[session:id]]"}"#,
        ] {
            assert!(!template(scalar).copies_values(), "{scalar}");
        }
    }
}
