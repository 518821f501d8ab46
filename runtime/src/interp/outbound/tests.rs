//! The outbound nodes in the interpreter, against recording servers on loopback: bundles
//! are checked and lowered from JSON like real ones, then run with services resolved at
//! start from a configuration's environment.

use super::super::{needs, run, TraceStep};
use crate::app::Services;
use crate::config::Config;
use crate::http::Call;
use crate::outbound::tests::{raw_server, read_head, Reply, Upstream};
use crate::session::{ErrorCode, Outcome, SessionResult};
use flowc_codegen::{ir, BundleSource};
use flowc_lang::json;
use flowc_lang::scope::{RequestData, SessionData};
use std::sync::Arc;
use std::time::Duration;

const ROUTES: &str = r#"{"routes": [{"id": "r1", "name": "r", "method": "POST", "allowed_ips": "127.0.0.1", "flow": "f"}]}"#;

/// Checks and lowers a bundle of `integrations.json` and flow `f`'s steps.
fn bundle(integrations: &str, steps: &str) -> ir::Bundle {
    let source = BundleSource {
        origin: "test".into(),
        files: vec![
            ("routes.json".into(), ROUTES.into()),
            ("integrations.json".into(), integrations.into()),
            (
                "f.flow.json".into(),
                format!(
                    r#"{{"flow": "f", "steps": [{{"step": 1, "type": "start", "next": 2}}, {steps}]}}"#
                ),
            ),
        ],
    };
    let checked = flowc_codegen::check(&source);
    checked
        .ir
        .unwrap_or_else(|| panic!("{}", checked.diagnostics.render()))
}

fn config(env: &[(&str, &str)]) -> Arc<Config> {
    let mut config = Config::default();
    config
        .env
        .extend(env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
    Arc::new(config)
}

/// Services as a server of `b` would start them.
async fn start(b: &ir::Bundle, env: &[(&str, &str)]) -> Arc<Services> {
    Services::start(&needs(b), config(env))
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

fn call(services: Arc<Services>, body: &str) -> Call {
    Call {
        services,
        request: RequestData {
            method: "POST".into(),
            path: "/dynamic/r1".into(),
            ip: "127.0.0.1".into(),
            body: Some(json::parse(body).unwrap()),
            ..RequestData::default()
        },
        session: SessionData {
            id: "sess-1".into(),
            route: "r".into(),
            started_at: "2026-01-01T00:00:00.000Z".into(),
            ..SessionData::default()
        },
        max_steps: 100,
        deadline: None,
        is_async: false,
        resume: None,
    }
}

/// Runs the route once with `body`; the result and the trace's outcomes.
async fn exec(b: &ir::Bundle, services: Arc<Services>, body: &str) -> (SessionResult, Vec<String>) {
    let mut trace: Vec<TraceStep> = Vec::new();
    let route = &b.routes[0];
    let result = run(
        b,
        route.entry,
        route,
        call(services, body),
        Some(&mut trace),
    )
    .await;
    let outcomes = trace.iter().map(|t| t.outcome.clone()).collect();
    (result, outcomes)
}

/// The JSON text of the answer.
fn answer(result: SessionResult) -> (u16, String) {
    match result {
        Ok(Outcome::Answered(a)) => (a.status, String::from_utf8(a.body.to_vec()).unwrap()),
        other => panic!("no answer: {other:?}"),
    }
}

const ANSWER: &str = r#"{"step": 3, "type": "api_end", "body": {"name": "[[c:name]]", "first_tag": "[[c:tags.1]]", "code": "[[c:HTTP_RESPONSE_CODE]]", "trace": "[[c:header.x-trace]]", "error": "[[c:error]]"}},
 {"step": 4, "type": "api_end", "status": 404, "body": {"code": "[[c:HTTP_RESPONSE_CODE]]", "whole": "[[c:result]]"}},
 {"step": 5, "type": "api_end", "status": 502, "body": {"code": "[[c:HTTP_RESPONSE_CODE]]", "error": "[[c:error]]"}}"#;

#[tokio::test]
async fn status_branches_parts_and_what_the_upstream_got() {
    let up = Upstream::start(|seen| match seen.path.as_str() {
        "/api/users/a%20b%2Fc/profile" => {
            Reply::json(200, r#"{"data": {"name": "Ada", "tags": ["x", "y"]}}"#)
                .header("X-Trace", "t-1")
        }
        "/api/users/gone/profile" => Reply::json(404, r#"{"data": {"error": "no"}}"#),
        _ => Reply::json(500, r#"{"data": {}}"#),
    })
    .await;
    let integrations = r#"{"integrations": [{"name": "crm", "url": "${CRM_URL}/api/users/[[request:body.id]]", "method": "GET",
        "headers": {"Authorization": "Bearer ${CRM_TOKEN}", "X-Mode": "${CRM_MODE:-live}"}, "query": {"v": "1"},
        "body": {"k": "${CRM_TOKEN}", "n": "[[request:body.n]]"},
        "base_element": "$.data", "validation": "HTTP_RESPONSE_CODE", "timeout_ms": 2000}]}"#;
    let steps = format!(
        r#"{{"step": 2, "type": "api_integration", "name": "c", "integration": "crm", "method": "PUT", "path": "profile",
            "headers": {{"x-mode": "[[request:body.mode]]"}}, "query": {{"v": "2", "w": "[[request:body.n]]"}}, "body": {{"extra": true}},
            "branches": {{"200": 3, "404": 4}}, "other": 5}}, {ANSWER}"#
    );
    let b = bundle(integrations, &steps);
    let env = [("CRM_URL", up.base.as_str()), ("CRM_TOKEN", "tk")];
    let services = start(&b, &env).await;
    let rows: &[(&str, u16, &str, &[&str])] = &[
        (
            r#"{"id": "a b/c", "n": 3, "mode": "test"}"#,
            200,
            r#"{"name":"Ada","first_tag":"x","code":200,"trace":"t-1","error":null}"#,
            &["next", "branch 1", "end 200"],
        ),
        (
            r#"{"id": "gone", "n": 3}"#,
            404,
            r#"{"code":404,"whole":{"error":"no"}}"#,
            &["next", "branch 2", "end 404"],
        ),
        (
            r#"{"id": "boom", "n": 3}"#,
            502,
            r#"{"code":500,"error":null}"#,
            &["next", "other", "end 502"],
        ),
    ];
    for (body, status, expected, outcomes) in rows {
        let (result, trace) = exec(&b, Arc::clone(&services), body).await;
        assert_eq!(answer(result), (*status, (*expected).to_owned()), "{body}");
        assert_eq!(&trace, outcomes, "{body}");
    }
    let first = &up.seen()[0];
    assert_eq!(first.method, "PUT");
    assert_eq!(first.path, "/api/users/a%20b%2Fc/profile");
    assert_eq!(first.query.as_deref(), Some("v=2&w=3"));
    assert_eq!(first.header("authorization"), Some("Bearer tk"));
    assert_eq!(first.header("x-mode"), Some("test"));
    assert_eq!(first.header("content-type"), Some("application/json"));
    assert_eq!(first.body_text(), r#"{"k":"tk","n":3,"extra":true}"#);
    // An empty rendering still replaces the integration's value.
    assert_eq!(up.seen()[1].header("x-mode"), Some(""));
}

#[tokio::test]
async fn jsonpath_branches_read_the_whole_body() {
    let up = Upstream::start(|seen| match seen.path.as_str() {
        "/o/1" => Reply::json(500, r#"{"items": [{"state": "shipped"}], "ok": true}"#),
        "/o/2" => Reply::json(200, r#"{"items": [{"state": true}]}"#),
        _ => Reply::json(200, r#"{"items": []}"#),
    })
    .await;
    let integrations = r#"{"integrations": [{"name": "o", "url": "${O_URL}/o/[[request:body.n]]", "validation": "$.items[0].state", "base_element": "$.items"}]}"#;
    let steps = r#"{"step": 2, "type": "api_integration", "name": "c", "integration": "o", "branches": {"shipped": 3, "true": 4}, "other": 5},
        {"step": 3, "type": "api_end", "body": {"b": "shipped", "first": "[[c:1.state]]"}},
        {"step": 4, "type": "api_end", "body": {"b": "true"}},
        {"step": 5, "type": "api_end", "body": {"b": "other", "result": "[[c:result]]"}}"#;
    let b = bundle(integrations, steps);
    let services = start(&b, &[("O_URL", up.base.as_str())]).await;
    let rows = [
        (r#"{"n": 1}"#, r#"{"b":"shipped","first":"shipped"}"#),
        (r#"{"n": 2}"#, r#"{"b":"true"}"#),
        (r#"{"n": 3}"#, r#"{"b":"other","result":[]}"#),
    ];
    for (body, expected) in rows {
        let (result, _) = exec(&b, Arc::clone(&services), body).await;
        assert_eq!(answer(result).1, expected, "{body}");
    }
}

#[tokio::test]
async fn failures_take_other_or_end_with_ct11_and_ct51() {
    let up = Upstream::start(|seen| match seen.path.as_str() {
        "/slow" => Reply::json(200, "{}").delayed(Duration::from_millis(800)),
        _ => Reply::json(418, "{}"),
    })
    .await;
    let closing = raw_server(|mut stream| async move {
        read_head(&mut stream).await;
    })
    .await;
    let integrations = r#"{"integrations": [{"name": "i", "url": "${I_URL}/[[request:body.p]]", "timeout_ms": 200}]}"#;
    let with_other = r#"{"step": 2, "type": "api_integration", "name": "c", "integration": "i", "branches": {"200": 3}, "other": 4},
        {"step": 3, "type": "api_end", "body": {"ok": true}},
        {"step": 4, "type": "api_end", "status": 502, "body": {"error": "[[c:error]]", "code": "[[c:HTTP_RESPONSE_CODE]]"}}"#;
    let without = r#"{"step": 2, "type": "api_integration", "name": "c", "integration": "i", "branches": {"200": 3}},
        {"step": 3, "type": "api_end", "body": {"ok": true}}"#;
    for (url, path, code) in [
        (up.base.as_str(), "slow", ErrorCode::Ct11),
        (closing.as_str(), "x", ErrorCode::Ct11),
        (up.base.as_str(), "teapot", ErrorCode::Ct51),
    ] {
        let body = format!(r#"{{"p": "{path}"}}"#);
        let b = bundle(integrations, with_other);
        let services = start(&b, &[("I_URL", url)]).await;
        let (result, trace) = exec(&b, services, &body).await;
        let (status, text) = answer(result);
        assert_eq!(
            (status, trace[1].as_str()),
            (502, "other"),
            "{path}: {text}"
        );
        let got = json::parse(&text).unwrap();
        let error = got.segment("error", None).cloned().unwrap_or_default();
        if code == ErrorCode::Ct11 {
            assert!(!error.render().is_empty(), "{path}: {text}");
            assert!(
                !text.contains("127.0.0.1"),
                "errors never quote the URL: {text}"
            );
        } else {
            assert_eq!(text, r#"{"error":null,"code":418}"#);
        }
        let b = bundle(integrations, without);
        let services = start(&b, &[("I_URL", url)]).await;
        let (result, _) = exec(&b, services, &body).await;
        let error = result.expect_err(path);
        assert_eq!(error.code, code, "{path}: {}", error.message);
    }
}

#[tokio::test]
async fn a_missing_variable_stops_the_start_naming_all_of_them() {
    let integrations = r#"{"integrations": [
        {"name": "a", "url": "${FLOWC_T_A_URL}/x", "headers": {"K": "${FLOWC_T_KEY}"}},
        {"name": "b", "url": "${FLOWC_T_B_URL:-http://127.0.0.1:9}/y", "headers": {"K": "${FLOWC_T_KEY}"}}]}"#;
    let steps = r#"{"step": 2, "type": "api_integration", "name": "c", "integration": "a", "other": 3},
        {"step": 3, "type": "api_end"}"#;
    let b = bundle(integrations, steps);
    let error = Services::start(&needs(&b), config(&[]))
        .await
        .expect_err("variables are missing");
    assert_eq!(
        error.problems,
        ["integrations.json needs environment variables that are not set: FLOWC_T_A_URL, FLOWC_T_KEY"]
    );
}

#[tokio::test]
async fn send_template_sends_the_message_of_section_4_8() {
    let gateway = Upstream::start(|seen| {
        if seen.body_text().contains("\"to\":\"27820000001\"") {
            Reply::json(
                202,
                r#"{"messages": [{"apiMessageId": "m-1", "accepted": true}]}"#,
            )
        } else {
            Reply::json(
                400,
                r#"{"messages": [{"accepted": false, "error": "not approved"}]}"#,
            )
        }
    })
    .await;
    let steps = r#"{"step": 2, "type": "send_template", "name": "wa", "to": "[[request:body.to]]", "channel": "whatsapp",
        "template": "hello", "language": "en", "parameters": {"1": "[[request:body.name]]", "2": "[[request:body.n]]"}, "yes": 3, "no": 4},
        {"step": 3, "type": "api_end", "body": {"id": "[[wa:message_id]]"}},
        {"step": 4, "type": "api_end", "status": 422, "body": {"error": "[[wa:error]]"}}"#;
    let b = bundle(r#"{"integrations": []}"#, steps);
    let data = std::env::temp_dir().join(format!("flowc-interp-send-{}", std::process::id()));
    let mut config = Config {
        data_dir: data.clone(),
        ..Config::default()
    };
    config.env.extend([
        ("FLOWC_MESSAGING_URL".to_owned(), gateway.base.clone()),
        ("FLOWC_MESSAGING_KEY".to_owned(), "key-1".to_owned()),
    ]);
    let services = Services::start(&needs(&b), Arc::new(config))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let rows = [
        (
            r#"{"to": "+27 82 000 0001", "name": "Ada", "n": 7}"#,
            200,
            r#"{"id":"m-1"}"#,
        ),
        (
            r#"{"to": "+27820000002", "name": "Bo"}"#,
            422,
            r#"{"error":"the messaging gateway refused the message (400): not approved"}"#,
        ),
    ];
    for (body, status, expected) in rows {
        let (result, _) = exec(&b, Arc::clone(&services), body).await;
        assert_eq!(answer(result), (status, expected.to_owned()), "{body}");
    }
    let (result, _) = exec(&b, Arc::clone(&services), r#"{"to": "call me"}"#).await;
    assert_eq!(answer(result).0, 422);
    let seen = gateway.seen();
    assert_eq!(seen.len(), 2, "an unparseable number is not sent");
    assert_eq!(seen[0].path, "/v1/message");
    assert_eq!(seen[0].header("authorization"), Some("key-1"));
    assert_eq!(
        seen[0].body_text(),
        r#"{"messages":[{"channel":"whatsapp","to":"27820000001","clientMessageId":"sess-1-2","template":{"templateName":"hello","language":"en","body":{"parameters":{"1":"Ada","2":"7"}}}}]}"#
    );
    drop(services);
    let _ = std::fs::remove_dir_all(data);
}
