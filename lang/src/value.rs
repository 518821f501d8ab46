//! JSON values with exact decimal numbers and insertion-ordered objects.

use crate::number::Number;
use std::fmt::Write as _;

/// An object: keys keep their input order (§13 rule 4).
pub type Map = indexmap::IndexMap<String, Value>;

/// A JSON value as flows see it. Numbers are exact decimals (§3).
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    /// JSON `null`.
    #[default]
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An exact decimal.
    Number(Number),
    /// A UTF-8 string.
    String(String),
    /// An array; flows index it 1-based.
    Array(Vec<Value>),
    /// An object in input order.
    Object(Map),
}

impl Value {
    /// A string value.
    pub fn str(s: impl Into<String>) -> Value {
        Value::String(s.into())
    }

    /// The member `key` of an object, or the 1-based element `index` of an array (§13 rule 9:
    /// a numeric segment on an object is a key; index 0, past the end or into a scalar is
    /// absent). `index` is the segment parsed as a number at build time, if it is one.
    pub fn segment(&self, key: &str, index: Option<usize>) -> Option<&Value> {
        match self {
            Value::Object(map) => map.get(key),
            Value::Array(items) => index
                .and_then(|i| i.checked_sub(1))
                .and_then(|i| items.get(i)),
            _ => None,
        }
    }

    /// The 1-based list position `pos` (a `#` segment).
    pub fn position(&self, pos: usize) -> Option<&Value> {
        match self {
            Value::Array(items) => pos.checked_sub(1).and_then(|i| items.get(i)),
            Value::Object(map) => map.get(pos.to_string().as_str()),
            _ => None,
        }
    }

    /// Appends the §3 string rendering: a string as is, a number in its shortest form,
    /// `true`/`false`, null as nothing, arrays and objects as compact JSON.
    pub fn render_into(&self, out: &mut String) {
        match self {
            Value::Null => {}
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Number(n) => {
                let _ = write!(out, "{n}");
            }
            Value::String(s) => out.push_str(s),
            Value::Array(_) | Value::Object(_) => self.write_json(out),
        }
    }

    /// The §3 string rendering as a new string.
    pub fn render(&self) -> String {
        let mut out = String::new();
        self.render_into(&mut out);
        out
    }

    /// Appends compact JSON, non-ASCII characters unescaped (§13 rule 4).
    pub fn write_json(&self, out: &mut String) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Number(n) => {
                let _ = write!(out, "{n}");
            }
            Value::String(s) => crate::json::write_string(s, out),
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write_json(out);
                }
                out.push(']');
            }
            Value::Object(map) => {
                out.push('{');
                for (i, (k, v)) in map.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    crate::json::write_string(k, out);
                    out.push(':');
                    v.write_json(out);
                }
                out.push('}');
            }
        }
    }

    /// Compact JSON text.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<Number> for Value {
    fn from(n: Number) -> Self {
        Value::Number(n)
    }
}
