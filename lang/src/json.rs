//! A JSON reader that keeps numbers exact and objects ordered, with an optional source-
//! located tree for diagnostics, and the writer for strings.

use crate::number::Number;
use crate::value::Value;

/// A syntax error with its 1-based line and column (columns count characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// What is wrong.
    pub message: String,
}

/// Parses a JSON text into a [`Value`]. A duplicate key keeps the last value. Leading and
/// trailing white space is allowed; anything else after the value is an error.
pub fn parse(text: &str) -> Result<Value, JsonError> {
    todo!("{text}")
}

/// A JSON value with the 1-based line and column where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned {
    /// The value.
    pub node: SpannedNode,
    /// 1-based line of its first character.
    pub line: u32,
    /// 1-based column of its first character.
    pub column: u32,
}

/// The kinds of a located JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum SpannedNode {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number: exact value and the source text.
    Number(Number, String),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Spanned>),
    /// An object: members in source order, duplicates kept (validation reports them).
    Object(Vec<(String, Spanned)>),
}

/// Parses a JSON text keeping the location of every value. A number beyond the decimal
/// range is an error here (bundles must be exact).
pub fn parse_spanned(text: &str) -> Result<Spanned, JsonError> {
    todo!("{text}")
}

impl Spanned {
    /// The plain value (a duplicate key keeps the last value).
    pub fn to_value(&self) -> Value {
        todo!()
    }

    /// The member `key` of an object (the last one when duplicated).
    pub fn get(&self, key: &str) -> Option<&Spanned> {
        match &self.node {
            SpannedNode::Object(members) => members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

/// Appends `s` as a JSON string literal: `"` and `\` escaped, control characters as `\n`,
/// `\t`, ... or `\u00XX`, everything else (non-ASCII included) as is.
pub fn write_string(s: &str, out: &mut String) {
    todo!("{s}{out}")
}
