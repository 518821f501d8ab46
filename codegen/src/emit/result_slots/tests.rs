use super::super::groups::groups;
use crate::test_ir as ir;

const ROUTES: &str = r#"{"routes": [
    {"id": "r1", "name": "r1", "method": "POST", "allowed_ips": "127.0.0.1", "flow": "a"}
]}"#;

/// The result slots of a one-flow bundle: `steps` from step 2 on, after its start.
fn slots_of(steps: &str) -> Vec<String> {
    let flow = format!(
        r#"{{"flow": "a", "steps": [{{"step": 1, "type": "start", "next": 2}}, {steps}]}}"#
    );
    let bundle = ir(&[("routes.json", ROUTES), ("a.flow.json", &flow)]);
    groups(&bundle)[0].result_slots.iter().cloned().collect()
}

#[test]
fn nodes_read_only_for_their_result_keep_the_result_alone() {
    let steps = r#"
        {"step": 2, "type": "calculate", "name": "c", "expression": "1 + 2", "yes": 3, "no": 3},
        {"step": 3, "type": "number_format", "name": "n", "input": "[[c:result]]", "pattern": "0.00", "yes": 4, "no": 4},
        {"step": 4, "type": "date_format", "name": "d", "input": "2026-01-02", "input_format": "yyyy-MM-dd", "output_format": "dd/MM/yyyy", "yes": 5, "no": 5},
        {"step": 5, "type": "remap", "name": "r", "mapping": {"x": "[[n:result]]"}, "next": 6},
        {"step": 6, "type": "set_variable", "assign": {"v": "[[r:result.x]] [[d:result]]"}, "next": 7},
        {"step": 7, "type": "api_end", "body": {"c": "[[c:result]]"}}"#;
    assert_eq!(slots_of(steps), ["c", "d", "n", "r"]);
}

#[test]
fn a_read_of_another_part_keeps_the_whole_output() {
    let steps = r#"
        {"step": 2, "type": "calculate", "name": "c", "expression": "1 / 0", "yes": 3, "no": 3},
        {"step": 3, "type": "number_format", "name": "n", "input": "x", "pattern": "0.00", "yes": 4, "no": 4},
        {"step": 4, "type": "regex", "name": "g", "input": "ab", "pattern": "^(a)", "yes": 5, "no": 5},
        {"step": 5, "type": "api_end", "body": {"e": "[[c:error]]", "n": "[[n:error]]", "g": "[[g:result]]"}}"#;
    assert_eq!(slots_of(steps), Vec::<String>::new());
}

#[test]
fn remaps_kept_as_text_and_stored_sessions_keep_no_slots() {
    let answered = r#"
        {"step": 2, "type": "remap", "name": "r", "mapping": {"x": 1}, "next": 3},
        {"step": 3, "type": "api_end", "body": {"r": "[[r:result]]"}}"#;
    assert_eq!(slots_of(answered), Vec::<String>::new());
    let waits = r#"
        {"step": 2, "type": "calculate", "name": "c", "expression": "1 + 2", "yes": 3, "no": 3},
        {"step": 3, "type": "wait_for_callback", "name": "cb", "reference": "r-1", "timeout_s": 60, "yes": 4, "no": 4},
        {"step": 4, "type": "api_end", "body": {"c": "[[c:result]]"}}"#;
    assert_eq!(slots_of(waits), Vec::<String>::new());
}
