use super::*;
use crate::test_ir as ir;

const ROUTES: &str = r#"{"routes": [
    {"id": "r1", "name": "r1", "method": "POST", "allowed_ips": "127.0.0.1", "flow": "a"}
]}"#;

/// The JSON nodes of a one-flow bundle whose step 2 is a remap `p` and whose later steps
/// are `rest` (step 3 on).
fn json_nodes_of(rest: &str) -> BTreeSet<String> {
    let flow = format!(
        r#"{{"flow": "a", "steps": [
            {{"step": 1, "type": "start", "next": 2}},
            {{"step": 2, "type": "remap", "name": "p", "mapping": {{"x": "[[request:body.x]]"}}, "next": 3}},
            {rest}
        ]}}"#
    );
    let bundle = ir(&[("routes.json", ROUTES), ("a.flow.json", &flow)]);
    let groups = super::super::groups::groups(&bundle);
    groups[0].json_nodes.clone()
}

fn p() -> BTreeSet<String> {
    BTreeSet::from(["p".to_owned()])
}

#[test]
fn a_remap_only_answered_whole_is_kept_as_text() {
    let answer = r#"{"step": 3, "type": "api_end", "body": {"p": "[[p:result]]", "in": [{"q": "[[p:result]]"}]}}"#;
    assert_eq!(json_nodes_of(answer), p());
    // Read by no step at all: nothing needs its tree either.
    assert_eq!(
        json_nodes_of(r#"{"step": 3, "type": "api_end", "body": {}}"#),
        p()
    );
}

#[test]
fn any_other_read_keeps_the_tree() {
    for rest in [
        // A path into it.
        r#"{"step": 3, "type": "api_end", "body": {"p": "[[p:result]]", "x": "[[p:result.x]]"}}"#,
        // Inside text.
        r#"{"step": 3, "type": "api_end", "body": {"p": "p is [[p:result]]"}}"#,
        // Inside a function.
        r#"{"step": 3, "type": "api_end", "body": {"p": "[[json:[[p:result]]]]"}}"#,
        // In a header.
        r#"{"step": 3, "type": "api_end", "headers": {"x-p": "[[p:result]]"}, "body": {"p": "[[p:result]]"}}"#,
        // As a text body.
        r#"{"step": 3, "type": "api_end", "body_text": "[[p:result]]"}"#,
        // By another step.
        r#"{"step": 3, "type": "set_variable", "assign": {"v": "[[p:result]]"}, "next": 4},
           {"step": 4, "type": "api_end", "body": {"p": "[[p:result]]"}}"#,
    ] {
        assert_eq!(json_nodes_of(rest), BTreeSet::new(), "{rest}");
    }
}

/// Node names are unique within a flow, not within a group: a node of another kind of the
/// same name in a flow the session can move to shares the field, which must stay a tree.
#[test]
fn a_name_written_as_a_tree_anywhere_stays_a_tree() {
    let a = r#"{"flow": "a", "steps": [
        {"step": 1, "type": "start", "next": 2},
        {"step": 2, "type": "remap", "name": "p", "mapping": {"x": 1}, "next": {"flow": "b", "step": 2}}
    ]}"#;
    let b = |kind: &str| {
        format!(
            r#"{{"flow": "b", "steps": [
                {{"step": 1, "type": "start", "next": 2}},
                {{"step": 2, {kind}}},
                {{"step": 3, "type": "api_end", "body": {{"p": "[[p:result]]"}}}}
            ]}}"#
        )
    };
    let of = |kind: &str| {
        let bundle = ir(&[
            ("routes.json", ROUTES),
            ("a.flow.json", a),
            ("b.flow.json", &b(kind)),
        ]);
        super::super::groups::groups(&bundle)[0].json_nodes.clone()
    };
    assert_eq!(
        of(r#""type": "remap", "name": "p", "mapping": {"y": 2}, "next": 3"#),
        p()
    );
    let calculate = r#""type": "calculate", "name": "p", "expression": "1", "yes": 3, "no": 3"#;
    assert_eq!(of(calculate), BTreeSet::new());
}

#[test]
fn sessions_that_can_be_stored_keep_trees() {
    let rest = r#"{"step": 3, "type": "wait_for_callback", "name": "cb", "reference": "r-1", "timeout_s": 60, "yes": 4, "no": 4},
        {"step": 4, "type": "api_end", "body": {"p": "[[p:result]]"}}"#;
    assert_eq!(json_nodes_of(rest), BTreeSet::new());
}
