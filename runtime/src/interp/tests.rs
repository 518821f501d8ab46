//! The interpreter on small IR bundles built by hand (mirroring the conformance cases of
//! flow_control, set_variable, calculate, switch_case, is_empty, regex, remap, api_end).

use super::*;
use crate::session::{Answer, ErrorCode, SessionError};
use flowc_codegen::ir::{
    Bundle, Case, EndBody, Flow, Method, Route, Step, StepKind, StepRef, Target,
};
use flowc_lang::scope::{RequestData, SessionData};
use flowc_lang::template::{self, NodePart, Ref, Template, ValueTemplate};
use flowc_lang::{calc, json, pattern};

// ---- building IR by hand ---------------------------------------------------------------

/// Resolves `[[node:x]]` the way lowering does for these tests: a number or a listed group
/// name is a regex group, anything else a path under `result`.
fn resolve(r: &mut Ref) {
    if let Ref::Node { part, .. } = r {
        if let NodePart::Other(path) = part {
            let dotted = path.to_dotted();
            let group = match dotted.as_str() {
                "year" => Some(1),
                "month" => Some(2),
                d => d.parse().ok(),
            };
            *part = match group {
                Some(n) => NodePart::Group(n),
                None => NodePart::Result(path.clone()),
            };
        }
    }
}

fn t(s: &str) -> Template {
    let mut t = template::parse(s).unwrap_or_else(|e| panic!("{s}: {e:?}"));
    t.visit_refs_mut(&mut resolve);
    t
}

fn vt(s: &str) -> ValueTemplate {
    let value = json::parse(s).unwrap_or_else(|e| panic!("{s}: {e:?}"));
    let mut vt = ValueTemplate::from_value(&value).unwrap_or_else(|e| panic!("{s}: {e:?}"));
    vt.visit_templates_mut(&mut |t| t.visit_refs_mut(&mut resolve));
    vt
}

fn expr(s: &str) -> calc::Expr {
    let mut e = calc::parse(s).unwrap_or_else(|e| panic!("{s}: {e:?}"));
    e.visit_refs_mut(&mut resolve);
    e
}

/// A target in flow 0.
fn to(step: u64) -> Target {
    Target::Step(StepRef { flow: 0, step })
}

fn start(n: u64, next: u64) -> Step {
    step(n, StepKind::Start { next: to(next) })
}

fn step(number: u64, kind: StepKind) -> Step {
    Step {
        number,
        label: None,
        kind,
    }
}

fn set(n: u64, assign: &[(&str, &str)], next: Target) -> Step {
    let assign = assign.iter().map(|(k, v)| (k.to_string(), vt(v))).collect();
    step(n, StepKind::SetVariable { assign, next })
}

fn calculate(n: u64, name: &str, e: &str, yes: Target, no: Target) -> Step {
    step(
        n,
        StepKind::Calculate {
            name: name.to_owned(),
            expr: expr(e),
            yes,
            no,
        },
    )
}

fn end_json(n: u64, status: u16, body: &str) -> Step {
    step(
        n,
        StepKind::ApiEnd {
            status,
            headers: vec![],
            body: EndBody::Json(vt(body)),
        },
    )
}

fn flow(id: &str, steps: Vec<Step>) -> Flow {
    Flow {
        id: id.to_owned(),
        file: format!("{id}.flow.json"),
        start: steps[0].number,
        steps,
    }
}

fn route(entry: StepRef) -> Route {
    Route {
        id: "r1".into(),
        name: "the-route".to_owned(),
        method: Method::Post,
        allowed: vec![],
        is_async: false,
        entry,
        token_sha256: vec![],
        timeout_ms: 1000,
        msisdn: None,
    }
}

fn bundle(flows: Vec<Flow>) -> Bundle {
    let entry = StepRef {
        flow: 0,
        step: flows[0].start,
    };
    Bundle {
        origin: "test".to_owned(),
        flows,
        routes: vec![route(entry)],
        keys: vec![],
        integrations: vec![],
    }
}

fn call(body: &str) -> Call {
    let body = (!body.is_empty()).then(|| json::parse(body).unwrap());
    let request = RequestData {
        method: "POST".into(),
        path: "/dynamic/r1".into(),
        ip: "127.0.0.1".into(),
        body,
        ..RequestData::default()
    };
    let session = SessionData {
        id: "00000000-0000-4000-8000-000000000000".into(),
        route: "the-route".into(),
        started_at: "2026-01-01T00:00:00.000Z".into(),
        ..SessionData::default()
    };
    Call {
        services: crate::app::Services::bare(std::sync::Arc::new(crate::Config::default())),
        request,
        session,
        max_steps: 10_000,
        deadline: None,
        is_async: false,
        resume: None,
    }
}

/// Runs the bundle's route with `body`, tracing.
fn exec(b: &Bundle, body: &str) -> (SessionResult, Vec<TraceStep>) {
    let mut trace = Vec::new();
    let result = block_on(run(
        b,
        b.routes[0].entry,
        &b.routes[0],
        call(body),
        Some(&mut trace),
    ));
    (result, trace)
}

/// Runs a session future to completion on a small runtime of its own.
fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a test runtime")
        .block_on(f)
}

/// The JSON answer's body text (and a check that it is a JSON answer).
fn answer_json(result: SessionResult) -> String {
    let answer = result
        .unwrap_or_else(|e| panic!("{e:?}"))
        .answer()
        .expect("an answer, not a parked session");
    assert_eq!(answer.content_type.as_deref(), Some("application/json"));
    String::from_utf8(answer.body.to_vec()).unwrap()
}

/// Runs each `(request body, expected answer body)` row.
fn check_rows(b: &Bundle, rows: &[(&str, &str)]) {
    for (body, expected) in rows {
        let (result, _) = exec(b, body);
        assert_eq!(answer_json(result), *expected, "request {body}");
    }
}

fn outcomes(trace: &[TraceStep]) -> Vec<String> {
    trace
        .iter()
        .map(|s| format!("{}:{} {} {}", s.flow, s.step, s.kind, s.outcome))
        .collect()
}

// ---- tests -----------------------------------------------------------------------------

#[test]
fn start_then_api_end() {
    let b = bundle(vec![flow(
        "f",
        vec![
            start(1, 2),
            end_json(2, 200, r#"{"a": "[[request:body.a]]"}"#),
        ],
    )]);
    let (result, trace) = exec(&b, r#"{"a": 1}"#);
    assert_eq!(answer_json(result), r#"{"a":1}"#);
    assert_eq!(outcomes(&trace), ["f:1 start next", "f:2 api_end end 200"]);
}

#[test]
fn set_variable_evaluates_then_assigns() {
    let b = bundle(vec![flow(
        "f",
        vec![
            start(1, 2),
            set(2, &[("a", "1"), ("b", r#""two""#)], to(3)),
            set(
                3,
                &[
                    ("a", r#""[[b]]""#),
                    ("b", r#""[[a]]""#),
                    ("c", r#""[[request:body.none]]""#),
                ],
                to(4),
            ),
            end_json(4, 200, r#"{"a": "[[a]]", "b": "[[b]]", "c": "[[c]]"}"#),
        ],
    )]);
    let (result, trace) = exec(&b, "");
    assert_eq!(answer_json(result), r#"{"a":"two","b":1,"c":null}"#);
    let wrote: Vec<_> = trace[2]
        .wrote
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    assert_eq!(wrote, ["a=\"two\"", "b=1", "c=null"]);
}

#[test]
fn repeat_step_loop() {
    // flow_control/repeat-step-loop.
    let b = bundle(vec![flow(
        "counter",
        vec![
            start(1, 2),
            set(2, &[("i", r#""0""#), ("acc", r#""""#)], to(3)),
            calculate(3, "inc", "[[i]] + 1", to(4), to(9)),
            set(
                4,
                &[
                    ("i", r#""[[inc:result]]""#),
                    ("acc", r#""[[acc]][[inc:result]],""#),
                ],
                to(5),
            ),
            calculate(5, "more", "[[i]] < [[request:body.times]]", to(3), to(6)),
            end_json(6, 200, r#"{"i": "[[i]]", "acc": "[[acc]]"}"#),
            end_json(9, 500, r#"{"failed": true}"#),
        ],
    )]);
    check_rows(
        &b,
        &[
            (r#"{"times": 5}"#, r#"{"i":5,"acc":"1,2,3,4,5,"}"#),
            (r#"{"times": 1}"#, r#"{"i":1,"acc":"1,"}"#),
        ],
    );
}

#[test]
fn calculate_outcomes_replace_the_node_output() {
    let b = bundle(vec![flow(
        "f",
        vec![
            start(1, 2),
            calculate(2, "c", "[[request:body.x]] * 2", to(3), to(4)),
            calculate(
                3,
                "c",
                "[[request:body.x]] / [[request:body.y]]",
                to(5),
                to(5),
            ),
            end_json(4, 422, r#"{"r": "[[c:result]]", "e": "[[c:error]]"}"#),
            calculate(5, "cmp", "[[request:body.x]] > 100", to(6), to(6)),
            end_json(
                6,
                200,
                r#"{"r": "[[c:result]]", "has_error": "[[length:[[c:error]]]]", "cmp": "[[cmp:result]]", "cmp_err": "[[cmp:error]]"}"#,
            ),
        ],
    )]);
    let (result, trace) = exec(&b, r#"{"x": 3, "y": 4}"#);
    assert_eq!(
        answer_json(result),
        r#"{"r":0.75,"has_error":0,"cmp":false,"cmp_err":null}"#
    );
    assert_eq!(
        outcomes(&trace)[1..4],
        ["f:2 calculate yes", "f:3 calculate yes", "f:5 calculate no"]
    );
    assert_eq!(trace[1].wrote, [("c:result".to_owned(), "6".to_owned())]);
    // Division by zero: the result of the earlier run is gone, the error is set.
    let (result, trace) = exec(&b, r#"{"x": 3, "y": 0}"#);
    let body = answer_json(result);
    assert!(
        body.starts_with(r#"{"r":null,"has_error":"#) && !body.contains(r#""has_error":0"#),
        "{body}"
    );
    assert_eq!(trace[2].outcome, "no");
    assert_eq!(trace[2].wrote[0].0, "c:error");
    // A non-numeric operand goes no at once, result absent, error set.
    let (result, _) = exec(&b, r#"{"x": "abc"}"#);
    let body = answer_json(result);
    assert!(body.starts_with(r#"{"r":null,"e":""#), "{body}");
}

#[test]
fn step_budget_counts_every_node() {
    let spin = bundle(vec![flow(
        "spin",
        vec![
            start(1, 2),
            calculate(2, "tick", "1 + 1", to(2), to(3)),
            end_json(3, 200, "{}"),
        ],
    )]);
    let (result, trace) = exec(&spin, "");
    assert_eq!(result, Err(SessionError::step_budget(10_000)));
    assert_eq!(trace.len(), 10_000);

    let short = bundle(vec![flow("f", vec![start(1, 2), end_json(2, 200, "{}")])]);
    let mut c = call("");
    c.max_steps = 2;
    assert!(block_on(run(
        &short,
        short.routes[0].entry,
        &short.routes[0],
        c.clone(),
        None
    ))
    .is_ok());
    c.max_steps = 1;
    let result = block_on(run(
        &short,
        short.routes[0].entry,
        &short.routes[0],
        c,
        None,
    ));
    assert_eq!(result.map_err(|e| e.code), Err(ErrorCode::Ct21));
}

#[test]
fn missing_targets_are_ct04() {
    let b = bundle(vec![flow(
        "f",
        vec![
            start(1, 2),
            step(
                2,
                StepKind::IsNull {
                    input: t("[[request:body.v]]"),
                    yes: to(3),
                    no: Target::Missing,
                },
            ),
            end_json(3, 200, "{}"),
        ],
    )]);
    assert!(exec(&b, "{}").0.is_ok());
    let (result, trace) = exec(&b, r#"{"v": 1}"#);
    assert_eq!(result, Err(SessionError::no_target("f", 2, "no")));
    assert_eq!(
        outcomes(&trace).last().map(String::as_str),
        Some("f:2 is_null no")
    );
}

fn switch(cases: &[(&str, u64)], default: Target, ignore_case: bool) -> Bundle {
    let cases = cases
        .iter()
        .map(|(v, n)| Case {
            value: v.to_string(),
            next: to(*n),
        })
        .collect();
    let input = t("[[request:body.v]]");
    bundle(vec![flow(
        "f",
        vec![
            start(1, 2),
            step(
                2,
                StepKind::SwitchCase {
                    input,
                    cases,
                    default,
                    ignore_case,
                },
            ),
            end_json(10, 200, r#""ten""#),
            end_json(11, 200, r#""eleven""#),
            end_json(12, 200, r#""twelve""#),
            end_json(19, 200, r#""default""#),
        ],
    )])
}

#[test]
fn switch_case() {
    let b = switch(
        &[("gold", 10), ("1.5", 11), ("", 12), ("Gold", 11)],
        to(19),
        false,
    );
    check_rows(
        &b,
        &[
            (r#"{"v": "gold"}"#, r#""ten""#),
            (r#"{"v": "Gold"}"#, r#""eleven""#),
            (r#"{"v": 1.50}"#, r#""eleven""#),
            (r#"{"v": "1.50"}"#, r#""default""#),
            (r#"{}"#, r#""twelve""#),
            (r#"{"v": null}"#, r#""twelve""#),
            (r#"{"v": "GOLD"}"#, r#""default""#),
        ],
    );
    let (_, trace) = exec(&b, r#"{"v": 1.5}"#);
    assert_eq!(trace[1].outcome, "case 2");
    // With `ignore_case`, lowering folds case values (`straße` → `strasse`).
    let folded = switch(&[("strasse", 10)], to(19), true);
    check_rows(
        &folded,
        &[
            (r#"{"v": "STRAßE"}"#, r#""ten""#),
            (r#"{"v": "strase"}"#, r#""default""#),
        ],
    );
    let no_default = switch(&[("a", 10)], Target::Missing, false);
    assert_eq!(
        exec(&no_default, r#"{"v": "b"}"#).0.map_err(|e| e.code),
        Err(ErrorCode::Ct04)
    );
}

#[test]
fn is_empty_and_is_null() {
    let kinds = |input: &str| {
        let empty = StepKind::IsEmpty {
            input: t(input),
            yes: to(3),
            no: to(4),
        };
        let null = StepKind::IsNull {
            input: t(input),
            yes: to(3),
            no: to(4),
        };
        [empty, null].map(|k| {
            bundle(vec![flow(
                "f",
                vec![
                    start(1, 2),
                    step(2, k),
                    end_json(3, 200, "true"),
                    end_json(4, 200, "false"),
                ],
            )])
        })
    };
    let [empty, null] = kinds("[[request:body.v]]");
    // (body, is_empty, is_null)
    let rows = [
        ("{}", "true", "true"),
        (r#"{"v": null}"#, "true", "true"),
        (r#"{"v": ""}"#, "true", "false"),
        (r#"{"v": []}"#, "true", "false"),
        (r#"{"v": {}}"#, "true", "false"),
        (r#"{"v": " "}"#, "false", "false"),
        (r#"{"v": 0}"#, "false", "false"),
        (r#"{"v": false}"#, "false", "false"),
        (r#"{"v": [null]}"#, "false", "false"),
        ("", "true", "true"),
    ];
    for (body, e, n) in rows {
        check_rows(&empty, &[(body, e)]);
        check_rows(&null, &[(body, n)]);
    }
    // Text around a reference makes a string: never null, empty only when it renders "".
    let [empty, null] = kinds("x[[request:body.v]]");
    check_rows(&empty, &[("{}", "false")]);
    check_rows(&null, &[("{}", "false")]);
    let [empty, _] = kinds("[[request:body.v]][[request:body.w]]");
    check_rows(&empty, &[("{}", "true"), (r#"{"w": 1}"#, "false")]);
}

fn regex_bundle(pattern_src: &str, full_match: bool, body: &str) -> Bundle {
    let pattern =
        pattern::translate(pattern_src, "", full_match).unwrap_or_else(|e| panic!("{e:?}"));
    let kind = StepKind::Regex {
        name: "m".to_owned(),
        input: t("[[request:body.s]]"),
        pattern,
        yes: to(3),
        no: to(4),
    };
    bundle(vec![flow(
        "f",
        vec![
            start(1, 2),
            step(2, kind),
            end_json(3, 200, body),
            end_json(
                4,
                200,
                r#"{"match": false, "r": "[[m:result]]", "g1": "[[m:1]]"}"#,
            ),
        ],
    )])
}

#[test]
fn regex_find_full_and_absent() {
    let find = regex_bundle(r"\d{4}", false, r#"{"match": true, "r": "[[m:result]]"}"#);
    let full = regex_bundle(r"\d{4}", true, r#"{"match": true, "r": "[[m:result]]"}"#);
    let no = r#"{"match":false,"r":null,"g1":null}"#;
    check_rows(
        &find,
        &[
            (r#"{"s": "ab1234cd"}"#, r#"{"match":true,"r":"1234"}"#),
            (r#"{"s": "a 98765 b"}"#, r#"{"match":true,"r":"9876"}"#),
            (r#"{"s": 123456}"#, r#"{"match":true,"r":"1234"}"#),
            (r#"{"s": "12"}"#, no),
            ("{}", no),
        ],
    );
    check_rows(
        &full,
        &[
            (r#"{"s": "ab1234cd"}"#, no),
            (r#"{"s": "12345"}"#, no),
            (r#"{"s": "1234"}"#, r#"{"match":true,"r":"1234"}"#),
        ],
    );
}

#[test]
fn regex_groups_and_named_groups() {
    let groups = regex_bundle(
        r"(?<year>\d{4})-(?<month>\d{2})(-(\d\d))?",
        false,
        r#"{"r": "[[m:result]]", "y": "[[m:year]]", "m": "[[m:2]]", "d": "[[m:4]]", "missing": "[[m:3]]"}"#,
    );
    check_rows(
        &groups,
        &[
            (
                r#"{"s": "due 2024-07-31"}"#,
                r#"{"r":"2024-07-31","y":"2024","m":"07","d":"31","missing":"-31"}"#,
            ),
            (
                r#"{"s": "due 2024-07"}"#,
                r#"{"r":"2024-07","y":"2024","m":"07","d":null,"missing":null}"#,
            ),
        ],
    );
    let (_, trace) = exec(&groups, r#"{"s": "2024-07"}"#);
    let wrote: Vec<_> = trace[1]
        .wrote
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    assert_eq!(
        wrote,
        ["m:result=\"2024-07\"", "m:1=\"2024\"", "m:2=\"07\""]
    );
}

#[test]
fn regex_no_match_clears_the_earlier_output() {
    let pattern = pattern::translate(r"(\d+)", "", false).unwrap();
    let regex = |n: u64, input: &str, yes: u64, no: u64| {
        let kind = StepKind::Regex {
            name: "m".to_owned(),
            input: t(input),
            pattern: pattern.clone(),
            yes: to(yes),
            no: to(no),
        };
        step(n, kind)
    };
    let b = bundle(vec![flow(
        "f",
        vec![
            start(1, 2),
            regex(2, "a1", 3, 3),
            regex(3, "[[request:body.s]]", 4, 4),
            end_json(4, 200, r#"["[[m:result]]", "[[m:1]]"]"#),
        ],
    )]);
    check_rows(
        &b,
        &[
            (r#"{"s": "x"}"#, "[null,null]"),
            (r#"{"s": "x9"}"#, r#"["9","9"]"#),
            ("{}", "[null,null]"),
        ],
    );
}

#[test]
fn remap_reshapes_with_positions() {
    let mapping = vt(
        r#"{"customer": {"name": "[[request:body.name]]"}, "items": [{"sku": "[[request:body.lines.#.code]]", "n": "[[request:body.lines.#.qty]]"}]}"#,
    );
    let b = bundle(vec![flow(
        "f",
        vec![
            start(1, 2),
            step(
                2,
                StepKind::Remap {
                    name: "shape".to_owned(),
                    mapping,
                    next: to(3),
                },
            ),
            end_json(
                3,
                200,
                r#"{"all": "[[shape:result]]", "first": "[[shape:items.1.sku]]", "name": "[[shape:customer.name]]"}"#,
            ),
        ],
    )]);
    check_rows(
        &b,
        &[(
            r#"{"name": "Ada", "lines": [{"code": "A", "qty": 1}, {"code": "B", "qty": 2}]}"#,
            r#"{"all":{"customer":{"name":"Ada"},"items":[{"sku":"A","n":1},{"sku":"B","n":2}]},"first":"A","name":"Ada"}"#,
        )],
    );
}

#[test]
fn api_end_status_headers_and_bodies() {
    let end = |body: EndBody| {
        let headers = vec![
            ("X-Order-Id".to_owned(), t("[[request:body.id]]")),
            ("cache-control".to_owned(), t("no-store")),
        ];
        bundle(vec![flow(
            "f",
            vec![
                start(1, 2),
                step(
                    2,
                    StepKind::ApiEnd {
                        status: 201,
                        headers,
                        body,
                    },
                ),
            ],
        )])
    };
    let text = EndBody::Text {
        template: t("id,qty\n[[request:body.id]],[[request:body.qty]]"),
        content_type: "text/csv".to_owned(),
    };
    let (result, trace) = exec(&end(text), r#"{"id": "A1", "qty": 3}"#);
    let want_headers = vec![
        ("X-Order-Id".to_owned(), "A1".to_owned()),
        ("cache-control".to_owned(), "no-store".to_owned()),
    ];
    let want = Answer {
        status: 201,
        headers: want_headers.clone(),
        content_type: Some("text/csv".into()),
        body: bytes::Bytes::from_static(b"id,qty\nA1,3"),
    };
    assert_eq!(result, Ok(want.into()));
    assert_eq!(trace[1].outcome, "end 201");
    let (result, _) = exec(&end(EndBody::Empty), r#"{"id": "A1"}"#);
    let want = Answer {
        status: 201,
        headers: want_headers,
        content_type: None,
        body: bytes::Bytes::new(),
    };
    assert_eq!(result, Ok(want.into()));
    let (result, _) = exec(
        &end(EndBody::Json(vt(
            r#"{"id": "[[request:body.id]]", "created": true}"#,
        ))),
        r#"{"id": "A1"}"#,
    );
    assert_eq!(answer_json(result), r#"{"id":"A1","created":true}"#);
}

#[test]
fn trigger_another_workflow() {
    // flow_control/trigger-workflow: variables and node results carry over.
    let main = flow(
        "main",
        vec![
            start(1, 2),
            set(
                2,
                &[
                    ("greeting", r#""Hello [[request:body.name]]""#),
                    ("times", r#""[[request:body.n]]""#),
                ],
                Target::Step(StepRef { flow: 1, step: 1 }),
            ),
        ],
    );
    let second = flow(
        "second",
        vec![
            step(
                1,
                StepKind::Start {
                    next: Target::Step(StepRef { flow: 1, step: 2 }),
                },
            ),
            calculate(
                2,
                "dbl",
                "[[times]] * 2",
                Target::Step(StepRef { flow: 1, step: 3 }),
                Target::Missing,
            ),
            end_json(
                3,
                200,
                r#"{"greeting": "[[greeting]]", "double": "[[dbl:result]]", "flow": "[[session:flow]]", "route": "[[session:route]]"}"#,
            ),
        ],
    );
    let b = bundle(vec![main, second]);
    let (result, trace) = exec(&b, r#"{"name": "Ada", "n": 21}"#);
    assert_eq!(
        answer_json(result),
        r#"{"greeting":"Hello Ada","double":42,"flow":"second","route":"the-route"}"#
    );
    assert_eq!(
        outcomes(&trace),
        [
            "main:1 start next",
            "main:2 set_variable next",
            "second:1 start next",
            "second:2 calculate yes",
            "second:3 api_end end 200"
        ]
    );
}

#[test]
fn session_flow_and_msisdn_at_start() {
    let mut b = bundle(vec![flow(
        "f",
        vec![
            start(1, 2),
            end_json(
                2,
                200,
                r#"{"flow": "[[session:flow]]", "msisdn": "[[session:msisdn]]"}"#,
            ),
        ],
    )]);
    b.routes[0].msisdn = Some(t("[[request:body.msisdn]]"));
    check_rows(
        &b,
        &[
            (
                r#"{"msisdn": "+27 (82) 123-4567"}"#,
                r#"{"flow":"f","msisdn":"+27821234567"}"#,
            ),
            (
                r#"{"msisdn": 27821234567}"#,
                r#"{"flow":"f","msisdn":"+27821234567"}"#,
            ),
            (r#"{"msisdn": "12"}"#, r#"{"flow":"f","msisdn":null}"#),
            ("{}", r#"{"flow":"f","msisdn":null}"#),
        ],
    );
}

#[test]
fn routes_give_specs_and_sessions() {
    let b = regex_bundle(r"\d", false, r#""yes""#);
    let mut b2 = b.clone();
    b2.routes[0].entry = StepRef { flow: 0, step: 2 };
    let program = Program::new(Arc::new(b2));
    assert_eq!(program.regexes.0.len(), 1, "compiled once, at load");
    let routes = routes(Arc::new(b));
    assert_eq!(routes.len(), 1);
    let (spec, _) = &routes[0];
    assert_eq!(
        (
            spec.id.as_str(),
            spec.name.as_str(),
            spec.method,
            spec.entry.as_str()
        ),
        ("r1", "the-route", "POST", "f:1")
    );
    assert_eq!(program.route_spec(0).entry, "f:2");
    assert_eq!(
        block_on(program.run_route(5, call(""), None)).map_err(|e| e.code),
        Err(ErrorCode::Ct21)
    );
}

#[tokio::test]
async fn router_serves_a_bundle() {
    use axum::extract::connect_info::ConnectInfo;
    use sha2::Digest;
    use tower::ServiceExt;
    let mut b = bundle(vec![flow(
        "f",
        vec![
            start(1, 2),
            end_json(
                2,
                200,
                r#"{"a": "[[request:body.a]]", "id": "[[session:id]]"}"#,
            ),
        ],
    )]);
    let hash: String = sha2::Sha256::digest(b"tok")
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    b.routes[0].token_sha256 = vec![hash];
    b.routes[0].allowed = vec![flowc_lang::net::IpNet::V4(0x7f00_0001, 32)];
    let app = router(Arc::new(b), Arc::new(crate::Config::default()))
        .await
        .expect("starts");
    let mut request = axum::http::Request::post("/dynamic/r1")
        .header("authorization", "Bearer tok")
        .header("content-type", "application/json")
        .body(axum::body::Body::from(r#"{"a": [1]}"#))
        .unwrap();
    request
        .extensions_mut()
        .insert(ConnectInfo(std::net::SocketAddr::from((
            [127, 0, 0, 1],
            5000,
        ))));
    let response = app.oneshot(request).await.unwrap();
    assert_eq!(response.status(), 200);
    let id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    assert_eq!(
        std::str::from_utf8(&body).unwrap(),
        format!(r#"{{"a":[1],"id":"{id}"}}"#)
    );
}

#[test]
fn run_is_the_same_as_program() {
    let b = bundle(vec![flow(
        "f",
        vec![start(1, 2), end_json(2, 200, r#""x""#)],
    )]);
    let direct = block_on(run(&b, b.routes[0].entry, &b.routes[0], call(""), None));
    let prepared = block_on(Program::new(Arc::new(b.clone())).run_route(0, call(""), None));
    assert_eq!(direct, prepared);
}

/// A stored session names its wait by flow id and step number: one that names no wait step
/// of this bundle (a step of another kind, a flow it does not have, another shape) is not
/// resumed anywhere else, it fails with CT21.
#[test]
fn stored_states_must_name_a_wait_of_this_bundle() {
    let b = bundle(vec![flow(
        "f",
        vec![start(1, 2), end_json(2, 200, r#"{"a": 1}"#)],
    )]);
    let empty = flowc_lang::Map::default;
    for at in [
        crate::waits::at_value("f", 2),
        crate::waits::at_value("gone", 2),
        flowc_lang::Value::Null,
    ] {
        let mut c = call("");
        let state = crate::waits::state(at.clone(), empty(), empty());
        c.resume = Some((state, crate::store::Resume::TimedOut));
        let result = block_on(run(&b, b.routes[0].entry, &b.routes[0], c, None));
        let code = result.err().map(|e| e.code);
        assert_eq!(code, Some(ErrorCode::Ct21), "{at:?}");
    }
    let at = crate::waits::at_value("f", 7);
    assert_eq!(crate::waits::value_at(&at), Some(("f", 7)));
}
