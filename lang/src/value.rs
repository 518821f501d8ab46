//! JSON values with exact decimal numbers and insertion-ordered objects.

use crate::number::Number;

pub use crate::map::Map;

/// How deeply arrays and objects built by a session may nest ([`Value::deeper_than`]): deep
/// enough for any real document, shallow enough that rendering, comparing and dropping a
/// value, which recurse, cannot overflow the stack.
pub const MAX_DEPTH: usize = 256;

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
            Value::Object(map) => map.get(decimal(pos, &mut [0; 20])),
            _ => None,
        }
    }

    /// Whether arrays and objects nest more than `limit` levels deep (a scalar is 0 levels,
    /// `[]` one, `[[1]]` two). It looks no deeper than `limit + 1` levels, so it is safe on
    /// a value too deep to walk recursively: callers bound what flows may build with it
    /// ([`MAX_DEPTH`]) before anything recursive (rendering, dropping) meets the value.
    #[inline]
    pub fn deeper_than(&self, limit: usize) -> bool {
        // A scalar is answered where the check is made: most values sessions check are
        // scalars, and a call for each was a W4 session's 19 checks' whole cost.
        self.is_container() && self.container_deeper_than(limit)
    }

    fn container_deeper_than(&self, limit: usize) -> bool {
        // `limit == 0` is checked first, so `limit - 1` cannot underflow.
        // Scalars are tested in line: most members of what flows build are scalars, and a
        // call per member was most of a `remap`'s depth check.
        let deeper = |v: &Value| v.is_container() && v.container_deeper_than(limit - 1);
        match self {
            Value::Array(items) => limit == 0 || items.iter().any(deeper),
            Value::Object(map) => limit == 0 || map.values().any(deeper),
            _ => false,
        }
    }

    fn is_container(&self) -> bool {
        matches!(self, Value::Array(_) | Value::Object(_))
    }

    /// Appends the §3 string rendering: a string as is, a number in its shortest form,
    /// `true`/`false`, null as nothing, arrays and objects as compact JSON.
    pub fn render_into(&self, out: &mut String) {
        match self {
            Value::Null => {}
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Number(n) => {
                n.write_into(out);
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

    /// The §3 string rendering, borrowed when the value is a string (it is its own
    /// rendering), so reading a string costs no copy.
    pub fn render_cow(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Value::String(s) => std::borrow::Cow::Borrowed(s),
            other => std::borrow::Cow::Owned(other.render()),
        }
    }

    /// Appends compact JSON, non-ASCII characters unescaped (§13 rule 4).
    pub fn write_json(&self, out: &mut String) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Number(n) => {
                n.write_into(out);
            }
            Value::String(s) => crate::json::write_string(s, out),
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write_json_item(out);
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
                    v.write_json_item(out);
                }
                out.push('}');
            }
        }
    }

    /// [`Value::write_json`] of a member or element: strings and numbers, most of what
    /// answers hold, are written here, without a call of the recursive writer each.
    #[inline(always)]
    fn write_json_item(&self, out: &mut String) {
        match self {
            Value::String(s) => crate::json::write_string(s, out),
            Value::Number(n) => n.write_into(out),
            other => other.write_json(out),
        }
    }

    /// Compact JSON text.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }
}

/// `n` in decimal, written into `buf` (20 bytes hold every `u64`): an object member named
/// by a position is looked up without allocating.
fn decimal(mut n: usize, buf: &mut [u8; 20]) -> &str {
    let mut start = buf.len();
    loop {
        start -= 1;
        // `n % 10` is below 10, so the cast and the sum stay in ASCII digits.
        buf[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    std::str::from_utf8(&buf[start..]).unwrap_or_default()
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

#[cfg(test)]
mod tests;
