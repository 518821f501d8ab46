//! A good bundle lowers to the IR that `ir.rs` documents.

use flowc_codegen::ir::{self, EndBody, StepKind, StepRef, Target};
use flowc_codegen::BundleSource;
use flowc_lang::path::Path;
use flowc_lang::template::{NodePart, Part, Ref, Template, ValueTemplate};

const ROUTES: &str = r#"{"routes": [
  {"id": "zz", "name": "second", "method": "GET", "allowed_ips": "10.0.0.0/8", "flow": "alpha", "step": 3,
   "token_sha256": "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", "timeout_ms": 500,
   "msisdn": "[[request:body.phone]]"},
  {"id": "aa", "name": "first", "method": "POST", "allowed_ips": "127.0.0.1;::1", "flow": "beta"}
]}"#;

/// `beta` (in a.flow.json) matches a regex, then triggers `alpha` (in z.flow.json).
const BETA: &str = r#"{"flow": "beta", "steps": [
  {"step": 5, "type": "set_variable", "assign": {"b": 1, "a": "[[m:1]]"}, "next": {"flow": "alpha", "step": 1}},
  {"step": 1, "type": "start", "next": 2},
  {"step": 2, "type": "regex", "name": "m", "input": "[[request:body.x]]", "pattern": "(a)(?<word>b)", "yes": 4, "no": 3},
  {"step": 4, "type": "calculate", "name": "c", "expression": "[[m:word]] + 1", "yes": 5},
  {"step": 3, "type": "api_end", "status": 404, "label": "missed", "headers": {"X-B": "2", "x-a": "1"}, "body_text": "no"}
]}"#;

const ALPHA: &str = r#"{"flow": "alpha", "steps": [
  {"step": 1, "type": "start", "next": 2},
  {"step": 2, "type": "remap", "name": "r", "mapping": {"w": "[[m:word]]"}, "next": 4},
  {"step": 4, "type": "switch_case", "input": "[[r:w]]", "cases": [{"value": 1.50, "next": 3}, {"value": true, "next": 3}], "default": 3},
  {"step": 3, "type": "api_end", "body": {"r": "[[r:w]]", "a": "[[a]]", "b": "[[b]]"}},
  {"step": 6, "type": "set_variable", "assign": {"a": 2}, "next": 3}
]}"#;

fn lower(files: &[(&str, &str)]) -> ir::Bundle {
    let files = files
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect();
    let checked = flowc_codegen::check(&BundleSource {
        origin: "bundle".into(),
        files,
    });
    match checked.ir {
        Some(ir) => ir,
        None => panic!("{}", checked.diagnostics.render()),
    }
}

fn bundle() -> ir::Bundle {
    lower(&[
        ("routes.json", ROUTES),
        ("a.flow.json", BETA),
        ("z.flow.json", ALPHA),
    ])
}

fn node_ref(node: &str, part: NodePart) -> Template {
    Template {
        parts: vec![Part::Ref(Ref::Node {
            node: node.into(),
            part,
        })],
    }
}

fn step(b: &ir::Bundle, flow: usize, number: u64) -> &StepKind {
    match b.flows[flow].step(number) {
        Some(s) => &s.kind,
        None => panic!("no step {number} in flow {flow}"),
    }
}

#[test]
fn flows_steps_and_names_are_sorted() {
    let b = bundle();
    assert_eq!(b.origin, "bundle");
    let flows: Vec<(&str, &str, u64)> = b
        .flows
        .iter()
        .map(|f| (f.id.as_str(), f.file.as_str(), f.start))
        .collect();
    assert_eq!(
        flows,
        [("alpha", "z.flow.json", 1), ("beta", "a.flow.json", 1)]
    );
    let numbers: Vec<Vec<u64>> = b
        .flows
        .iter()
        .map(|f| f.steps.iter().map(|s| s.number).collect())
        .collect();
    assert_eq!(numbers, [vec![1, 2, 3, 4, 6], vec![1, 2, 3, 4, 5]]);
}

#[test]
fn targets_become_step_refs_into_sorted_flows() {
    let b = bundle();
    let at = |flow, step| Target::Step(StepRef { flow, step });
    assert!(matches!(step(&b, 1, 1), StepKind::Start { next } if *next == at(1, 2)));
    assert!(matches!(step(&b, 1, 5), StepKind::SetVariable { next, .. } if *next == at(0, 1)));
    assert!(
        matches!(step(&b, 1, 4), StepKind::Calculate { yes, no: Target::Missing, .. } if *yes == at(1, 5))
    );
}

#[test]
fn node_parts_resolve_to_groups_or_result_paths() {
    let b = bundle();
    let StepKind::SetVariable { assign, .. } = step(&b, 1, 5) else {
        panic!("set_variable")
    };
    let keys: Vec<&str> = assign.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["b", "a"], "source order");
    assert_eq!(
        assign[1].1,
        ValueTemplate::Str(node_ref("m", NodePart::Group(1)))
    );
    // `alpha` sees `m` because `beta` triggers it.
    let StepKind::Remap { mapping, .. } = step(&b, 0, 2) else {
        panic!("remap")
    };
    assert_eq!(
        *mapping,
        ValueTemplate::Object(vec![(
            "w".into(),
            ValueTemplate::Str(node_ref("m", NodePart::Group(2)))
        )])
    );
    let StepKind::SwitchCase { input, .. } = step(&b, 0, 4) else {
        panic!("switch_case")
    };
    assert_eq!(*input, node_ref("r", NodePart::Result(Path::parse("w"))));
    let StepKind::Calculate { expr, .. } = step(&b, 1, 4) else {
        panic!("calculate")
    };
    let mut parts = Vec::new();
    expr.visit_refs(&mut |r| parts.push(r.clone()));
    assert_eq!(
        parts,
        [Ref::Node {
            node: "m".into(),
            part: NodePart::Group(2)
        }]
    );
}

#[test]
fn switch_cases_are_rendered_and_api_ends_get_defaults() {
    let b = bundle();
    let StepKind::SwitchCase {
        cases, ignore_case, ..
    } = step(&b, 0, 4)
    else {
        panic!("switch_case")
    };
    let values: Vec<&str> = cases.iter().map(|c| c.value.as_str()).collect();
    assert_eq!(values, ["1.5", "true"]);
    assert!(!ignore_case);
    let StepKind::ApiEnd {
        status,
        headers,
        body,
    } = step(&b, 1, 3)
    else {
        panic!("api_end")
    };
    assert_eq!(*status, 404);
    // Names are lower-cased once, here, in source order.
    let names: Vec<&str> = headers.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["x-b", "x-a"]);
    assert_eq!(
        *body,
        EndBody::Text {
            template: Template::text("no"),
            content_type: "text/plain; charset=utf-8".into()
        }
    );
    assert_eq!(
        b.flows[1].step(3).and_then(|s| s.label.as_deref()),
        Some("missed")
    );
    let StepKind::ApiEnd { status, body, .. } = step(&b, 0, 3) else {
        panic!("api_end")
    };
    assert_eq!(*status, 200);
    assert!(matches!(body, EndBody::Json(_)));
}

#[test]
fn routes_are_sorted_with_defaults() {
    let b = bundle();
    let summary: Vec<_> = b
        .routes
        .iter()
        .map(|r| {
            (
                r.id.as_str(),
                r.name.as_str(),
                r.method,
                r.entry,
                r.timeout_ms,
                r.allowed.len(),
                r.msisdn.is_some(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "aa",
                "first",
                ir::Method::Post,
                StepRef { flow: 1, step: 1 },
                30_000,
                2,
                false
            ),
            (
                "zz",
                "second",
                ir::Method::Get,
                StepRef { flow: 0, step: 3 },
                500,
                1,
                true
            ),
        ]
    );
    assert_eq!(
        b.routes[1].token_sha256,
        ["e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"]
    );
    assert!(b.routes[0].token_sha256.is_empty());
    assert!(!b.routes[0].is_async);
}

#[test]
fn lowering_is_deterministic_whatever_the_file_order() {
    let reversed = lower(&[
        ("z.flow.json", ALPHA),
        ("a.flow.json", BETA),
        ("routes.json", ROUTES),
    ]);
    assert_eq!(bundle(), reversed);
}

/// The workspace's example bundle builds (its warnings are its own business).
#[test]
fn the_example_bundle_lowers() {
    let checked = flowc_codegen::check_dir(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../flows"),
    );
    assert!(
        !checked.diagnostics.has_errors(),
        "{}",
        checked.diagnostics.render()
    );
    assert!(checked.ir.is_some_and(|ir| !ir.flows.is_empty()));
}
