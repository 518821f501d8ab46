use super::headers_read;
use crate::BundleSource;

/// One flow `f` whose step 2 is `step` (going on to the `api_end` at 9), a route with
/// `route_extra` members, and `integrations.json`; `expected` is what [`headers_read`] says.
fn check(route_extra: &str, integrations: &str, step: &str, expected: &[&str]) {
    let routes = format!(
        r#"{{"routes": [{{"id": "r1", "name": "r", "method": "POST", "allowed_ips": "127.0.0.1", "flow": "f"{route_extra}}}]}}"#
    );
    let flow = format!(
        r#"{{"flow": "f", "steps": [{{"step": 1, "type": "start", "next": 2}}, {step}, {{"step": 9, "type": "api_end"}}]}}"#
    );
    let mut files = vec![
        ("routes.json".to_owned(), routes),
        ("f.flow.json".to_owned(), flow),
    ];
    if !integrations.is_empty() {
        files.push(("integrations.json".to_owned(), integrations.to_owned()));
    }
    let checked = crate::check(&BundleSource {
        origin: "test".into(),
        files,
    });
    let Some(ir) = checked.ir else {
        panic!("{step}: {}", checked.diagnostics.render());
    };
    assert_eq!(
        headers_read(&ir),
        expected,
        "{route_extra} {integrations} {step}"
    );
}

/// A step 2 of `kind` with `fields`, and the headers a bundle holding it reads.
#[rustfmt::skip]
const ROWS: &[(&str, &str, &[&str])] = &[
    ("set_variable", r#""assign": {"a": "[[request:body.x]]"}, "next": 9"#, &[]),
    ("set_variable", r#""assign": {"a": "[[request:header.X-One]]"}, "next": 9"#, &["x-one"]),
    // Inside a function's argument, inside a position list.
    ("remap", r#""name": "m", "mapping": {"l": ["[[request:body.i.#]] [[lower:[[request:header.x-pos]]]]"]}, "next": 9"#, &["x-pos"]),
    ("calculate", r#""name": "c", "expression": "[[request:header.x-n]] + 1", "yes": 9, "no": 9"#, &["x-n"]),
    ("switch_case", r#""input": "[[request:header.x-s]]", "cases": [{"value": "a", "next": 9}], "default": 9"#, &["x-s"]),
    ("regex", r#""name": "re", "input": "[[request:header.x-r]]", "pattern": "a", "yes": 9, "no": 9"#, &["x-r"]),
    ("is_empty", r#""input": "[[request:header.x-e]]", "yes": 9, "no": 9"#, &["x-e"]),
    ("display_list", r#""name": "d", "pattern": "[request:body.i.#] [[request:header.x-d]]", "yes": 9, "no": 9"#, &["x-d"]),
    ("api_end", r#""headers": {"x-out": "[[request:header.x-b]]"}, "body_text": "[[request:header.x-a]]""#, &["x-a", "x-b"]),
    // Sorted and once, whatever the order and case they are written in.
    ("api_end", r#""body": {"a": "[[request:header.X-B]]", "b": "[[request:header.x-a]]", "c": "[[request:header.x-b]]"}"#, &["x-a", "x-b"]),
];

#[test]
fn every_place_a_header_can_be_read() {
    for (kind, fields, expected) in ROWS {
        let step = format!(r#"{{"step": 2, "type": "{kind}", {fields}}}"#);
        check("", "", &step, expected);
    }
}

#[test]
fn routes_and_integrations_are_read_too() {
    let end = r#"{"step": 2, "type": "api_end", "status": 200}"#;
    check(
        r#", "msisdn": "[[request:header.x-phone]]""#,
        "",
        end,
        &["x-phone"],
    );
    let integration = r#"{"integrations": [{"name": "i", "url": "http://api.test/[[request:header.x-u]]", "headers": {"X-F": "[[request:header.x-f]]"}, "body": {"k": "${K} [[request:header.x-k]]"}}]}"#;
    let call = r#"{"step": 2, "type": "api_integration", "name": "c", "integration": "i", "headers": {"x-n": "[[request:header.x-node]]"}, "other": 9}"#;
    check("", integration, call, &["x-f", "x-k", "x-node", "x-u"]);
}

/// The body paths of a one-flow bundle whose step 2 is `step`.
fn body_reads_of(step: &str) -> Option<Vec<String>> {
    let routes = r#"{"routes": [{"id": "r1", "name": "r", "method": "POST", "allowed_ips": "127.0.0.1", "flow": "f"}]}"#;
    let flow = format!(
        r#"{{"flow": "f", "steps": [{{"step": 1, "type": "start", "next": 2}}, {step}, {{"step": 9, "type": "api_end"}}]}}"#
    );
    let checked = crate::check(&BundleSource {
        origin: "test".into(),
        files: vec![
            ("routes.json".to_owned(), routes.to_owned()),
            ("f.flow.json".to_owned(), flow),
        ],
    });
    let Some(ir) = checked.ir else {
        panic!("{step}: {}", checked.diagnostics.render());
    };
    super::body_reads(&ir)
}

#[test]
fn body_reads_are_every_body_path_or_none_for_the_whole_body() {
    let step = r#"{"step": 2, "type": "remap", "name": "m", "mapping": {"l": ["[[request:body.i.#.q]] [[lower:[[request:body.c.id]]]]"], "n": "[[request:body.c.id]]"}, "next": 9}"#;
    let expected = ["c.id", "i.#.q"].map(String::from).to_vec();
    assert_eq!(body_reads_of(step), Some(expected));
    let calc = r#"{"step": 2, "type": "calculate", "name": "c", "expression": "sum([[request:body.items.#.qty]])", "yes": 9, "no": 9}"#;
    assert_eq!(body_reads_of(calc), Some(vec!["items.#.qty".to_owned()]));
    let whole = r#"{"step": 2, "type": "set_variable", "assign": {"b": "[[request:body]]", "x": "[[request:body.x]]"}, "next": 9}"#;
    assert_eq!(body_reads_of(whole), None);
    let none = r#"{"step": 2, "type": "set_variable", "assign": {"h": "[[request:header.x]]"}, "next": 9}"#;
    assert_eq!(body_reads_of(none), Some(Vec::new()));
}
