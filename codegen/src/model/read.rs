//! Reading JSON objects against the tables of [`super::schema`].

use super::schema::{FieldSpec, Kind, CASE_FIELDS, FLOW_TARGET_FIELDS};
use super::sites::{locate, node_at};
use super::{Case, Field, FieldValue, Fields, Loc, Located, Target, ValueField};
use crate::diag::{Diagnostic, Diagnostics};
use crate::validate::hint::did_you_mean;
use flowc_lang::json::{Spanned, SpannedNode};
use flowc_lang::template::{self, Template, ValueTemplate};
use flowc_lang::{calc, datefmt, display_list, numfmt, Value};

/// Reads values of one file, reporting into the collector.
pub(crate) struct Reader<'a> {
    /// The file name for diagnostics.
    pub file: &'a str,
    /// The step being read, for diagnostics.
    pub step: Option<u64>,
    /// The collector.
    pub diags: &'a mut Diagnostics,
}

impl<'a> Reader<'a> {
    pub fn new(file: &'a str, diags: &'a mut Diagnostics) -> Reader<'a> {
        Reader {
            file,
            step: None,
            diags,
        }
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    pub fn error(&mut self, loc: &Loc, message: impl Into<String>) -> Diagnostic {
        loc.error(self.file, self.step, message)
    }

    fn report(&mut self, loc: &Loc, message: impl Into<String>) {
        let d = self.error(loc, message);
        self.push(d);
    }

    /// Reads an object whose allowed fields are `specs`; `what` names it in messages
    /// ("a `regex` node"). Unknown keys are errors unless `strict` is false (a node of
    /// unknown type, already reported). A later duplicate key wins, as in `to_value`.
    pub fn object(
        &mut self,
        value: &Spanned,
        loc: &Loc,
        specs: &[&[FieldSpec]],
        what: &str,
        strict: bool,
    ) -> Option<Fields> {
        let SpannedNode::Object(members) = &value.node else {
            self.report(
                loc,
                format!("{what} must be an object, not {}", describe(value)),
            );
            return None;
        };
        let mut fields = Fields {
            items: Vec::with_capacity(members.len()),
        };
        for (key, member) in members {
            let member_loc = loc.key(key, member);
            match specs.iter().flat_map(|s| s.iter()).find(|s| s.name == key) {
                Some(spec) => {
                    let field = Field {
                        name: spec.name,
                        value: self.field(spec, member, &member_loc),
                        loc: member_loc,
                    };
                    fields.items.retain(|f| f.name != spec.name);
                    fields.items.push(field);
                }
                None if strict => self.unknown_key(key, &member_loc, specs, what),
                None => {}
            }
        }
        self.missing_fields(&fields, loc, specs, what);
        Some(fields)
    }

    /// Typos must not pass silently (§1): an unknown key is an error, with the nearest
    /// known key as a hint.
    fn unknown_key(&mut self, key: &str, loc: &Loc, specs: &[&[FieldSpec]], what: &str) {
        let known = specs.iter().flat_map(|s| s.iter()).map(|s| s.name);
        let mut d = self.error(loc, format!("unknown key `{key}` in {what}"));
        if let Some(hint) = did_you_mean(key, known) {
            d = d.hint(hint);
        }
        self.push(d);
    }

    fn missing_fields(&mut self, fields: &Fields, loc: &Loc, specs: &[&[FieldSpec]], what: &str) {
        for spec in specs.iter().flat_map(|s| s.iter()) {
            if spec.required && fields.get(spec.name).is_none() {
                self.report(
                    &loc.absent(spec.name),
                    format!("{what} needs the field `{}`", spec.name),
                );
            }
        }
    }

    /// Reads one field per its kind; a wrong type is reported and gives [`FieldValue::Invalid`].
    fn field(&mut self, spec: &FieldSpec, v: &Spanned, loc: &Loc) -> FieldValue {
        let read = match spec.kind {
            Kind::Text => string(v).map(|s| FieldValue::Text(s.to_owned())),
            Kind::Template => string(v).map(|s| self.template(s, loc)),
            Kind::Bool => match v.node {
                SpannedNode::Bool(b) => Some(FieldValue::Bool(b)),
                _ => None,
            },
            Kind::Uint => uint(v).map(FieldValue::Uint),
            Kind::Target => self.target(v, loc),
            Kind::Json => Some(FieldValue::Json(v.clone())),
            Kind::List => {
                matches!(v.node, SpannedNode::Array(_)).then(|| FieldValue::Json(v.clone()))
            }
            Kind::Value => Some(
                self.value(v, loc)
                    .map_or(FieldValue::Invalid, |f| FieldValue::Value(Box::new(f))),
            ),
            Kind::Templates => self.templates(spec.name, v, loc),
            Kind::Assign => self.assign(v, loc),
            Kind::Cases => self.cases(v, loc),
            Kind::Branches => self.branches(v, loc),
            Kind::Strings => strings(v).map(FieldValue::Strings),
            Kind::Expr => string(v).map(|s| self.expr(s, loc)),
            Kind::Hashes => string(v)
                .map(|s| vec![s.to_owned()])
                .or_else(|| strings(v))
                .map(FieldValue::Hashes),
            Kind::DateIn | Kind::DateOut | Kind::NumberPattern | Kind::ListPattern => {
                string(v).map(|s| self.pattern(spec.kind, s, loc))
            }
        };
        read.unwrap_or_else(|| {
            self.report(
                loc,
                format!(
                    "`{}` must be {}, not {}",
                    spec.name,
                    spec.kind.expected(),
                    describe(v)
                ),
            );
            FieldValue::Invalid
        })
    }

    /// Parses a template; a syntax error points at its character inside the string.
    pub fn template(&mut self, text: &str, loc: &Loc) -> FieldValue {
        match template::parse(text) {
            Ok(t) => FieldValue::Template(t),
            Err(e) => {
                self.report(
                    &loc.inside(e.column),
                    format!("invalid template: {}", e.message),
                );
                FieldValue::Invalid
            }
        }
    }

    /// Compiles a date, number or list pattern; an error points at its column (§11).
    fn pattern(&mut self, kind: Kind, text: &str, loc: &Loc) -> FieldValue {
        let compiled = match kind {
            Kind::DateIn => datefmt::input_format(text)
                .map(FieldValue::DateIn)
                .map_err(|e| (e.column, format!("invalid date pattern: {}", e.message))),
            Kind::DateOut => datefmt::output_format(text)
                .map(FieldValue::DateOut)
                .map_err(|e| (e.column, format!("invalid date pattern: {}", e.message))),
            Kind::NumberPattern => numfmt::compile(text)
                .map(FieldValue::NumberPattern)
                .map_err(|e| (e.column, format!("invalid number pattern: {}", e.message))),
            _ => display_list::parse(text)
                .map(|p| {
                    let refs = p
                        .refs()
                        .map(|(_, r, per_item)| (one_ref(r), per_item))
                        .collect();
                    FieldValue::ListPattern(p, refs)
                })
                .map_err(|e| (e.column, format!("invalid list pattern: {}", e.message))),
        };
        compiled.unwrap_or_else(|(column, message)| {
            self.report(&loc.inside(column), message);
            FieldValue::Invalid
        })
    }

    fn expr(&mut self, text: &str, loc: &Loc) -> FieldValue {
        match calc::parse(text) {
            Ok(e) => FieldValue::Expr(e),
            Err(e) => {
                self.report(
                    &loc.inside(e.column),
                    format!("invalid expression: {}", e.message),
                );
                FieldValue::Invalid
            }
        }
    }

    /// Parses every string of a JSON value as a template, reporting each bad one.
    fn value(&mut self, v: &Spanned, loc: &Loc) -> Option<ValueField> {
        match ValueTemplate::from_value(&v.to_value()) {
            Ok(template) => Some(ValueField {
                template,
                source: v.clone(),
            }),
            Err(errors) => {
                for e in errors {
                    let at = locate(v, loc, &e.pointer);
                    // A template error points into its string; a structural one (a list
                    // inside a position list) at the value itself.
                    let (at, message) = match node_at(v, &e.pointer).node {
                        SpannedNode::String(_) => (
                            at.inside(e.error.column),
                            format!("invalid template: {}", e.error.message),
                        ),
                        _ => (at, e.error.message),
                    };
                    self.report(&at, message);
                }
                None
            }
        }
    }

    /// Reads a target; `None` for a wrong type, [`FieldValue::Invalid`] for a flow target
    /// with missing parts (already reported).
    fn target(&mut self, v: &Spanned, loc: &Loc) -> Option<FieldValue> {
        match &v.node {
            SpannedNode::Number(..) => uint(v).map(|n| FieldValue::Target(Target::Step(n))),
            SpannedNode::Object(_) => {
                let fields = self.object(v, loc, &[FLOW_TARGET_FIELDS], "a flow target", true)?;
                let target = fields.text("flow").zip(fields.uint("step"));
                Some(target.map_or(FieldValue::Invalid, |(flow, step)| {
                    FieldValue::Target(Target::Flow {
                        flow: flow.to_owned(),
                        step,
                    })
                }))
            }
            _ => None,
        }
    }

    fn templates(&mut self, name: &str, v: &Spanned, loc: &Loc) -> Option<FieldValue> {
        let SpannedNode::Object(members) = &v.node else {
            return None;
        };
        let mut out = Vec::new();
        for (key, member) in members {
            let at = loc.key(key, member);
            match string(member).map(|s| self.template(s, &at)) {
                Some(FieldValue::Template(t)) => {
                    out.push((key.clone(), Located { value: t, loc: at }))
                }
                Some(_) => {}
                None => self.report(
                    &at,
                    format!(
                        "values of `{name}` must be strings (templates), not {}",
                        describe(member)
                    ),
                ),
            }
        }
        Some(FieldValue::Templates(out))
    }

    fn assign(&mut self, v: &Spanned, loc: &Loc) -> Option<FieldValue> {
        let SpannedNode::Object(members) = &v.node else {
            return None;
        };
        let mut out = Vec::new();
        for (key, member) in members {
            let at = loc.key(key, member);
            if let Some(field) = self.value(member, &at) {
                out.push((
                    key.clone(),
                    Located {
                        value: field,
                        loc: at,
                    },
                ));
            }
        }
        Some(FieldValue::Assign(out))
    }

    fn cases(&mut self, v: &Spanned, loc: &Loc) -> Option<FieldValue> {
        let SpannedNode::Array(items) = &v.node else {
            return None;
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let at = loc.key(&i.to_string(), item);
            let Some(fields) = self.object(item, &at, &[CASE_FIELDS], "a case", true) else {
                continue;
            };
            let value = fields.get("value").and_then(|f| match &f.value {
                FieldValue::Json(j) => Some(Located {
                    value: j.to_value(),
                    loc: f.loc.clone(),
                }),
                _ => None,
            });
            let next = fields.target("next").map(|t| Located {
                value: t.value.clone(),
                loc: t.loc,
            });
            out.push(Case {
                loc: at,
                value,
                next,
            });
        }
        Some(FieldValue::Cases(out))
    }

    fn branches(&mut self, v: &Spanned, loc: &Loc) -> Option<FieldValue> {
        let SpannedNode::Object(members) = &v.node else {
            return None;
        };
        let mut out = Vec::new();
        for (key, member) in members {
            let at = loc.key(key, member);
            match self.target(member, &at) {
                Some(FieldValue::Target(t)) => {
                    out.push((key.clone(), Located { value: t, loc: at }))
                }
                Some(_) => {}
                None => self.report(
                    &at,
                    format!(
                        "a branch must be {}, not {}",
                        Kind::Target.expected(),
                        describe(member)
                    ),
                ),
            }
        }
        Some(FieldValue::Branches(out))
    }
}

/// The string, when `v` is one.
pub(crate) fn string(v: &Spanned) -> Option<&str> {
    match &v.node {
        SpannedNode::String(s) => Some(s),
        _ => None,
    }
}

fn strings(v: &Spanned) -> Option<Vec<String>> {
    match &v.node {
        SpannedNode::Array(items) => items.iter().map(|i| string(i).map(str::to_owned)).collect(),
        _ => None,
    }
}

/// The non-negative integer, when `v` is one (`1e2` counts, `1.5` and `-1` do not).
pub(crate) fn uint(v: &Spanned) -> Option<u64> {
    let SpannedNode::Number(n, text) = &v.node else {
        return None;
    };
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse().ok();
    }
    n.is_integer()
        .then(|| n.to_i64())
        .flatten()
        .and_then(|i| u64::try_from(i).ok())
}

/// What a value is, for "must be …, not …" messages.
pub(crate) fn describe(v: &Spanned) -> String {
    match &v.node {
        SpannedNode::Null => "null".into(),
        SpannedNode::Bool(b) => format!("`{b}`"),
        SpannedNode::Number(_, text) => format!("`{text}`"),
        SpannedNode::String(_) => "a string".into(),
        SpannedNode::Array(_) => "a list".into(),
        SpannedNode::Object(_) => "an object".into(),
    }
}

/// A plain value's kind, for case values and the like.
pub(crate) fn describe_value(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// A template that is exactly `r`, so a list pattern's references go through the same
/// reference checks as every template.
fn one_ref(r: &flowc_lang::template::Ref) -> Template {
    Template {
        parts: vec![flowc_lang::template::Part::Ref(r.clone())],
    }
}
