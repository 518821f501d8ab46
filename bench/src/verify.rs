//! Whether the servers answer alike: the same status, the same JSON shape, and the same
//! body once the fields that differ by nature (the current time, the request id) are set
//! aside.

use flowc_lang::Value;

/// Keys whose values differ between any two answers: `[[now]]`, and the request id of a
/// `202` or an error body.
const VOLATILE_KEYS: &[&str] = &["priced_at", "request_id"];

/// The shape of a JSON text: keys in order and value types (`{greeting:s}`); the text
/// itself when it is not JSON.
pub fn shape(text: &str) -> String {
    match flowc_lang::json::parse(text) {
        Ok(value) => {
            let mut out = String::new();
            shape_of(&value, &mut out);
            out
        }
        Err(_) => format!("not JSON: {text}"),
    }
}

fn shape_of(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(_) => out.push('b'),
        Value::Number(_) => out.push('n'),
        Value::String(_) => out.push('s'),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                shape_of(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(key);
                out.push(':');
                shape_of(item, out);
            }
            out.push('}');
        }
    }
}

/// The body as compact JSON without its volatile keys, for comparing answers.
pub fn comparable(text: &str) -> String {
    match flowc_lang::json::parse(text) {
        Ok(mut value) => {
            strip_volatile(&mut value);
            value.to_json()
        }
        Err(_) => text.to_owned(),
    }
}

fn strip_volatile(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for key in VOLATILE_KEYS {
                if let Some(v) = map.get_mut(key) {
                    *v = Value::str("…");
                }
            }
            map.values_mut().for_each(strip_volatile);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_volatile),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let rows = [
            (r#"{"greeting":"Hello, Ada"}"#, "{greeting:s}"),
            (
                r#"{"a":[1,true,null],"b":{"c":2.5}}"#,
                "{a:[n,b,null],b:{c:n}}",
            ),
            ("[]", "[]"),
            ("nope", "not JSON: nope"),
        ];
        for (text, expected) in rows {
            assert_eq!(shape(text), expected, "{text}");
        }
    }

    #[test]
    fn comparable_bodies() {
        let a = comparable(r#"{"total":1,"priced_at":"2026-01-01T00:00:00.000Z"}"#);
        let b = comparable(r#"{"total":1,"priced_at":"2026-11-25T17:26:42.123Z"}"#);
        assert_eq!(a, b);
        assert_ne!(a, comparable(r#"{"total":2,"priced_at":"x"}"#));
        let accepted =
            |id: &str| comparable(&format!(r#"{{"status":"accepted","request_id":"{id}"}}"#));
        assert_eq!(
            accepted("5b0c4a8e-0000-4000-8000-000000000001"),
            accepted("9e1d7f00-0000-4000-8000-000000000002")
        );
        assert_eq!(accepted("x"), r#"{"status":"accepted","request_id":"…"}"#);
    }
}
