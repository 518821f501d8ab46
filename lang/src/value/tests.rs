//! Value tables: positions, the stack-buffer decimal and nesting depth.

use super::*;
use crate::json;

fn v(text: &str) -> Value {
    match json::parse(text) {
        Ok(v) => v,
        Err(e) => panic!("{text}: {e}"),
    }
}

#[test]
fn decimal_writes_every_usize() {
    for (n, expected) in [
        (0, "0"),
        (7, "7"),
        (10, "10"),
        (12_345, "12345"),
        (usize::MAX, usize::MAX.to_string().as_str()),
    ] {
        assert_eq!(decimal(n, &mut [0; 20]), expected, "decimal({n})");
    }
}

#[test]
fn positions_in_arrays_and_objects() {
    let list = v(r#"["a", "b"]"#);
    let object = v(r#"{"1": "one", "10": "ten", "0": "zero", "01": "padded"}"#);
    // (value, position, the element as JSON or None when absent)
    for (value, pos, expected) in [
        (&list, 1, Some(r#""a""#)),
        (&list, 2, Some(r#""b""#)),
        (&list, 0, None),
        (&list, 3, None),
        (&object, 1, Some(r#""one""#)),
        (&object, 10, Some(r#""ten""#)),
        (&object, 0, Some(r#""zero""#)),
        (&object, 2, None),
        (&Value::str("ab"), 1, None),
    ] {
        let got = value.position(pos).map(Value::to_json);
        assert_eq!(got.as_deref(), expected, "{} at {pos}", value.to_json());
    }
}

#[test]
fn deeper_than_counts_array_and_object_levels() {
    // (value, limit, whether it nests more than `limit` levels)
    for (text, limit, expected) in [
        ("1", 0, false),
        (r#""s""#, 0, false),
        ("[]", 0, true),
        ("[]", 1, false),
        ("{}", 0, true),
        ("[[1]]", 1, true),
        ("[[1]]", 2, false),
        (r#"{"a": [{"b": 1}]}"#, 2, true),
        (r#"{"a": [{"b": 1}]}"#, 3, false),
        (r#"[1, 2, [3, [4]]]"#, 2, true),
        (r#"[1, 2, [3, [4]]]"#, 3, false),
        (r#"[[], {"x": {}}]"#, 2, true),
    ] {
        assert_eq!(
            v(text).deeper_than(limit),
            expected,
            "{text}.deeper_than({limit})"
        );
    }
}

/// `levels` arrays nested in each other, built without recursion.
fn nested(levels: usize) -> Value {
    let mut value = Value::Null;
    for _ in 0..levels {
        value = Value::Array(vec![value]);
    }
    value
}

/// Takes a nested value apart one level at a time: dropping it whole would recurse as deep
/// as it nests.
fn dismantle(mut value: Value) {
    while let Value::Array(mut items) = value {
        value = items.pop().unwrap_or_default();
    }
}

#[test]
fn deeper_than_stops_at_the_limit_on_very_deep_values() {
    // A million levels would overflow the stack if the walk went to the bottom.
    let deep = nested(1_000_000);
    assert!(deep.deeper_than(MAX_DEPTH));
    assert!(deep.deeper_than(0));
    dismantle(deep);
    let exact = nested(MAX_DEPTH);
    assert!(!exact.deeper_than(MAX_DEPTH));
    assert!(exact.deeper_than(MAX_DEPTH - 1));
    dismantle(exact);
}

#[test]
fn node_outputs_survive_a_round_trip_through_json() {
    use crate::scope::{NodeOutput, RareParts};
    let full = NodeOutput {
        result: Some(Value::str("C123")),
        error: None,
        groups: vec![Some(Value::str("C123")), None, Some(Value::Null)],
        rare: Some(Box::new(RareParts {
            count: Some(Value::Number(crate::Number::from_i64(2))),
            message_id: Some(Value::str("m-1")),
            status_code: Some(Value::Number(crate::Number::from_i64(200))),
            headers: vec![("x-a".into(), "1, 2".into())],
        })),
    };
    for output in [full, NodeOutput::default()] {
        let text = output.to_value().to_json();
        let back = NodeOutput::from_value(&crate::json::parse(&text).unwrap());
        assert_eq!(back, output, "{text}");
    }
}

/// Small objects are searched in order, large ones by hash: both find the same members.
#[test]
fn members_are_found_in_small_and_large_objects() {
    for size in [1, 3, 8, 9, 20] {
        let members: Vec<String> = (0..size).map(|i| format!(r#""k{i}": {i}"#)).collect();
        let text = format!("{{{}}}", members.join(", "));
        let object = crate::json::parse(&text).unwrap_or_default();
        for i in 0..size {
            let found = object.segment(&format!("k{i}"), None).map(Value::render);
            assert_eq!(found, Some(i.to_string()), "k{i} of {size}");
        }
        assert_eq!(object.segment("k", None), None, "{size}");
        assert_eq!(object.segment(&format!("k{size}"), None), None, "{size}");
    }
    let numbered = crate::json::parse(r#"{"1": "a", "2": "b"}"#).unwrap_or_default();
    assert_eq!(
        numbered.position(2).map(Value::render),
        Some("b".to_owned())
    );
}
