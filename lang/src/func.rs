//! The template functions of §3.2 and §13 rules 2, 6 and 7, as plain functions that both
//! backends call.

use crate::number::Number;
use crate::value::Value;

/// Full Unicode lower case.
pub fn lower(x: &str) -> String {
    x.to_lowercase()
}

/// Full Unicode upper case (`ümlaut` → `ÜMLAUT`).
pub fn upper(x: &str) -> String {
    x.to_uppercase()
}

/// The first `n` characters (all if shorter; negative counts as 0).
pub fn left(n: i64, x: &str) -> String {
    todo!("{n}{x}")
}

/// The last `n` characters (all if shorter; negative counts as 0).
pub fn right(n: i64, x: &str) -> String {
    todo!("{n}{x}")
}

/// Characters `start` (inclusive) to `end` (exclusive), 0-based, clamped; `start > end` is "".
pub fn substr(start: i64, end: i64, x: &str) -> String {
    todo!("{start}{end}{x}")
}

/// Without leading and trailing white space.
pub fn trim(x: &str) -> String {
    x.trim().to_owned()
}

/// Characters of a string, items of an array, keys of an object; 0 for absent or null;
/// other scalars count the characters of their rendering.
pub fn length(x: Option<&Value>) -> Number {
    todo!("{x:?}")
}

/// `x` with its type, or `d` as a string where `x` is absent, null or "".
pub fn default(d: String, x: Option<Value>) -> Value {
    todo!("{d}{x:?}")
}

/// `x` as compact JSON text (absent is `null`).
pub fn json(x: Option<&Value>) -> String {
    todo!("{x:?}")
}

/// Percent-encodes all but RFC 3986 unreserved characters, upper-case hex (§13 rule 7).
pub fn urlencode(x: &str) -> String {
    todo!("{x}")
}

/// A new random UUID v4.
pub fn uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The current time, ISO-8601 UTC with milliseconds.
pub fn now() -> String {
    crate::time::now_iso()
}

/// An integer argument (N, S, E): the value rendered and read as a number, truncated toward
/// zero; anything that is not a number counts as 0.
pub fn int_arg(x: Option<&Value>) -> i64 {
    todo!("{x:?}")
}
