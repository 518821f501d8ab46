//! Fields as read from an object, with typed accessors.

use super::{Case, Loc, Located, Target, ValueField};
use flowc_lang::calc::Expr;
use flowc_lang::json::Spanned;
use flowc_lang::template::Template;

/// A field's value, read per its [`schema::Kind`].
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue {
    /// A literal string.
    Text(String),
    /// A parsed template.
    Template(Template),
    /// A boolean.
    Bool(bool),
    /// A non-negative integer.
    Uint(u64),
    /// A branch target.
    Target(Target),
    /// Any JSON value, or a list, as written.
    Json(Spanned),
    /// A value template.
    Value(Box<ValueField>),
    /// Name → template entries, in source order.
    Templates(Vec<(String, Located<Template>)>),
    /// Variable name → value template, in source order.
    Assign(Vec<(String, Located<ValueField>)>),
    /// `switch_case` cases.
    Cases(Vec<Case>),
    /// Validation value → target.
    Branches(Vec<(String, Located<Target>)>),
    /// Literal strings.
    Strings(Vec<String>),
    /// A parsed expression.
    Expr(Expr),
    /// Token hashes.
    Hashes(Vec<String>),
    /// A compiled `date_format` input format.
    DateIn(flowc_lang::datefmt::InputFormat),
    /// A compiled `date_format` output format.
    DateOut(flowc_lang::datefmt::OutputFormat),
    /// A compiled number pattern.
    NumberPattern(flowc_lang::numfmt::NumberPattern),
    /// A parsed list pattern, with each of its references as a one-reference template
    /// (and whether it is read per item, where `#` is allowed) for the reference checks.
    ListPattern(flowc_lang::display_list::ListPattern, Vec<(Template, bool)>),
    /// Present but unusable; the reason was already reported.
    Invalid,
}

/// A field: value and location.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The key.
    pub name: &'static str,
    /// Where the value stands.
    pub loc: Loc,
    /// The value.
    pub value: FieldValue,
}

/// The known fields of an object, in source order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fields {
    /// The fields.
    pub items: Vec<Field>,
}

impl Fields {
    /// The field `name`, if present.
    pub fn get(&self, name: &str) -> Option<&Field> {
        self.items.iter().find(|f| f.name == name)
    }

    /// The location of field `name`, if present.
    pub fn loc(&self, name: &str) -> Option<&Loc> {
        self.get(name).map(|f| &f.loc)
    }

    /// A compiled `date_format` input format.
    pub fn date_in(&self, name: &str) -> Option<&flowc_lang::datefmt::InputFormat> {
        match &self.get(name)?.value {
            FieldValue::DateIn(f) => Some(f),
            _ => None,
        }
    }

    /// A compiled `date_format` output format.
    pub fn date_out(&self, name: &str) -> Option<&flowc_lang::datefmt::OutputFormat> {
        match &self.get(name)?.value {
            FieldValue::DateOut(f) => Some(f),
            _ => None,
        }
    }

    /// A compiled number pattern.
    pub fn number_pattern(&self, name: &str) -> Option<&flowc_lang::numfmt::NumberPattern> {
        match &self.get(name)?.value {
            FieldValue::NumberPattern(p) => Some(p),
            _ => None,
        }
    }

    /// A parsed list pattern.
    pub fn list_pattern(&self, name: &str) -> Option<&flowc_lang::display_list::ListPattern> {
        match &self.get(name)?.value {
            FieldValue::ListPattern(p, _) => Some(p),
            _ => None,
        }
    }

    /// A list of literal strings (empty when absent).
    pub fn strings(&self, name: &str) -> &[String] {
        match self.get(name).map(|f| &f.value) {
            Some(FieldValue::Strings(items)) => items,
            _ => &[],
        }
    }

    /// A literal string field.
    pub fn text(&self, name: &str) -> Option<&str> {
        match &self.get(name)?.value {
            FieldValue::Text(s) => Some(s),
            _ => None,
        }
    }

    /// A template field.
    pub fn template(&self, name: &str) -> Option<&Template> {
        match &self.get(name)?.value {
            FieldValue::Template(t) => Some(t),
            _ => None,
        }
    }

    /// A boolean field.
    pub fn bool(&self, name: &str) -> Option<bool> {
        match self.get(name)?.value {
            FieldValue::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// An integer field.
    pub fn uint(&self, name: &str) -> Option<u64> {
        match self.get(name)?.value {
            FieldValue::Uint(n) => Some(n),
            _ => None,
        }
    }

    /// A target field with its location.
    pub fn target(&self, name: &str) -> Option<Located<&Target>> {
        let field = self.get(name)?;
        match &field.value {
            FieldValue::Target(t) => Some(Located {
                value: t,
                loc: field.loc.clone(),
            }),
            _ => None,
        }
    }

    /// A raw JSON field.
    pub fn json(&self, name: &str) -> Option<&Spanned> {
        match &self.get(name)?.value {
            FieldValue::Json(v) => Some(v),
            _ => None,
        }
    }

    /// A value-template field.
    pub fn value(&self, name: &str) -> Option<&ValueField> {
        match &self.get(name)?.value {
            FieldValue::Value(v) => Some(v),
            _ => None,
        }
    }

    /// A name → template field (empty when absent).
    pub fn templates(&self, name: &str) -> &[(String, Located<Template>)] {
        match self.get(name).map(|f| &f.value) {
            Some(FieldValue::Templates(t)) => t,
            _ => &[],
        }
    }

    /// `assign` (empty when absent).
    pub fn assign(&self) -> &[(String, Located<ValueField>)] {
        match self.get("assign").map(|f| &f.value) {
            Some(FieldValue::Assign(a)) => a,
            _ => &[],
        }
    }

    /// `cases` (empty when absent).
    pub fn cases(&self) -> &[Case] {
        match self.get("cases").map(|f| &f.value) {
            Some(FieldValue::Cases(c)) => c,
            _ => &[],
        }
    }

    /// `branches` (empty when absent).
    pub fn branches(&self) -> &[(String, Located<Target>)] {
        match self.get("branches").map(|f| &f.value) {
            Some(FieldValue::Branches(b)) => b,
            _ => &[],
        }
    }

    /// An expression field.
    pub fn expr(&self, name: &str) -> Option<&Expr> {
        match &self.get(name)?.value {
            FieldValue::Expr(e) => Some(e),
            _ => None,
        }
    }

    /// Token hashes (empty when absent).
    pub fn hashes(&self, name: &str) -> &[String] {
        match self.get(name).map(|f| &f.value) {
            Some(FieldValue::Hashes(h)) => h,
            _ => &[],
        }
    }
}
