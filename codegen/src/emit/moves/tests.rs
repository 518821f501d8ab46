use super::*;
use crate::test_ir;

const ROUTE: &str = r#"{"routes": [
    {"id": "r1", "name": "r1", "method": "POST", "allowed_ips": "127.0.0.1", "flow": "a"}
]}"#;

/// The last reads of each step of the one group holding flow `a`, as `(step, fields)`.
fn moves_of(files: &[(&str, &str)]) -> Vec<(u64, Vec<Field>)> {
    let bundle = test_ir(files);
    let group = super::super::groups::groups(&bundle)
        .into_iter()
        .find(|g| g.flows.contains(&0))
        .expect("the group of flow a");
    group
        .last_reads
        .iter()
        .map(|(at, fields)| (at.step, fields.iter().cloned().collect()))
        .collect()
}

fn var(name: &str) -> Field {
    Field::Var(name.to_owned())
}

fn node(name: &str) -> Field {
    Field::Node(name.to_owned())
}

/// Straight on: each field moves at the step that reads it last; one read later, by an
/// answer, keeps it copied; a field read twice in one step, or written there, is copied.
#[test]
fn a_field_moves_where_it_is_read_last() {
    let a = r#"{"flow": "a", "steps": [
        {"step": 1, "type": "start", "next": 2},
        {"step": 2, "type": "regex", "name": "re", "input": "[[request:body.x]]", "pattern": "^(a)$", "yes": 3, "no": 3},
        {"step": 3, "type": "set_variable", "assign": {"x": "[[re:1]]", "y": "1", "z": "2"}, "next": 4},
        {"step": 4, "type": "remap", "name": "m", "mapping": {"x": "[[x]]", "y": "[[y]]", "yy": "[[y]]", "z": "[[z]]"}, "next": 5},
        {"step": 5, "type": "set_variable", "assign": {"z": "[[z]]"}, "next": 6},
        {"step": 6, "type": "api_end", "body": {"m": "[[m:result]]", "z": "[[z]]"}}
    ]}"#;
    let moves = moves_of(&[("routes.json", ROUTE), ("a.flow.json", a)]);
    assert_eq!(moves, [(3, vec![node("re")]), (4, vec![var("x")])]);
}

/// A step on a loop reads its fields again on the next round: nothing on the loop moves.
#[test]
fn nothing_moves_on_a_loop() {
    let a = r#"{"flow": "a", "steps": [
        {"step": 1, "type": "start", "next": 2},
        {"step": 2, "type": "set_variable", "assign": {"x": "1", "n": 0}, "next": 3},
        {"step": 3, "type": "calculate", "name": "c", "expression": "[[n]] + 1", "yes": 4, "no": 4},
        {"step": 4, "type": "set_variable", "assign": {"n": "[[c:result]]", "y": "[[x]]"}, "next": 5},
        {"step": 5, "type": "switch_case", "input": "[[n]]", "cases": [{"value": "3", "next": 6}], "default": 3},
        {"step": 6, "type": "remap", "name": "m", "mapping": {"y": "[[y]]"}, "next": 7},
        {"step": 7, "type": "api_end", "body": {"m": "[[m:result]]"}}
    ]}"#;
    let moves = moves_of(&[("routes.json", ROUTE), ("a.flow.json", a)]);
    assert_eq!(moves, [(6, vec![var("y")])]);
}

/// A flow the step triggers reads the field: it stays.
#[test]
fn a_read_in_a_triggered_flow_keeps_the_field() {
    let a = r#"{"flow": "a", "steps": [
        {"step": 1, "type": "start", "next": 2},
        {"step": 2, "type": "set_variable", "assign": {"v": "[[request:body.v]]"}, "next": 3},
        {"step": 3, "type": "remap", "name": "m", "mapping": {"v": "[[v]]"}, "next": {"flow": "b", "step": 2}}
    ]}"#;
    let b = r#"{"flow": "b", "steps": [
        {"step": 1, "type": "start", "next": 2},
        {"step": 2, "type": "api_end", "body": {"m": "[[m:result]]", "v": "[[v]]"}}
    ]}"#;
    let files = [
        ("routes.json", ROUTE),
        ("a.flow.json", a),
        ("b.flow.json", b),
    ];
    assert_eq!(moves_of(&files), []);
}

/// Sessions that can be stored at a wait carry every field: nothing moves.
#[test]
fn waits_keep_every_field() {
    let with_wait = r#"{"flow": "a", "steps": [
        {"step": 1, "type": "start", "next": 2},
        {"step": 2, "type": "set_variable", "assign": {"v": "1"}, "next": 3},
        {"step": 3, "type": "remap", "name": "m", "mapping": {"v": "[[v]]"}, "next": 4},
        {"step": 4, "type": "wait_for_callback", "name": "cb", "reference": "ref", "timeout_s": 5, "yes": 5, "no": 5},
        {"step": 5, "type": "api_end", "body": {"m": "[[m:result]]"}}
    ]}"#;
    let without = with_wait.replace(
        r#"{"step": 4, "type": "wait_for_callback", "name": "cb", "reference": "ref", "timeout_s": 5, "yes": 5, "no": 5}"#,
        r#"{"step": 4, "type": "set_variable", "assign": {"w": "1"}, "next": 5}"#,
    );
    assert_eq!(
        moves_of(&[("routes.json", ROUTE), ("a.flow.json", with_wait)]),
        []
    );
    assert_eq!(
        moves_of(&[("routes.json", ROUTE), ("a.flow.json", &without)]),
        [(3, vec![var("v")])]
    );
}

/// A later read by any kind of step keeps the field: here through `switch_case`,
/// `is_empty`, `calculate`, `regex` and an integration's URL template, each the only later
/// reader of one variable.
#[test]
fn every_kind_of_later_read_keeps_the_field() {
    let integrations = r#"{"integrations": [
        {"name": "api", "url": "http://127.0.0.1:9/x/[[e]]", "method": "GET", "timeout_ms": 100}
    ]}"#;
    let a = r#"{"flow": "a", "steps": [
        {"step": 1, "type": "start", "next": 2},
        {"step": 2, "type": "set_variable", "assign": {"a": "1", "b": "2", "c": "3", "d": "4", "e": "5", "f": "6"}, "next": 3},
        {"step": 3, "type": "remap", "name": "m", "mapping": ["[[a]]", "[[b]]", "[[c]]", "[[d]]", "[[e]]", "[[f]]"], "next": 4},
        {"step": 4, "type": "switch_case", "input": "[[a]]", "cases": [{"value": "1", "next": 5}], "default": 5},
        {"step": 5, "type": "is_empty", "input": "[[b]]", "yes": 6, "no": 6},
        {"step": 6, "type": "calculate", "name": "n", "expression": "[[c]] + 1", "yes": 7, "no": 7},
        {"step": 7, "type": "regex", "name": "r", "input": "[[d]]", "pattern": "^4$", "yes": 8, "no": 8},
        {"step": 8, "type": "api_integration", "name": "i", "integration": "api", "branches": {"200": 9}, "other": 9},
        {"step": 9, "type": "api_end", "body": {"m": "[[m:result]]", "n": "[[n:result]]"}}
    ]}"#;
    let files = [
        ("routes.json", ROUTE),
        ("integrations.json", integrations),
        ("a.flow.json", a),
    ];
    assert_eq!(moves_of(&files), [(3, vec![var("f")])]);
}
