//! Build-time rules of integrations and outbound nodes (§4.7, §4.8, §13 rule 25), as
//! rendered reports; and what lowering makes of an integration.

use flowc_codegen::ir::{IntegrationValue, Piece, StepKind};
use flowc_codegen::BundleSource;
use flowc_lang::envsubst::EnvPart;
use flowc_lang::jsonpath::{JsonPath, JsonPathSeg, Validation};

const ROUTES: &str = r#"{"routes": [{"id": "r1", "name": "r", "method": "POST", "allowed_ips": "127.0.0.1", "flow": "f"}]}"#;

fn source(integrations: &str, steps: &str) -> BundleSource {
    let flow = format!(
        r#"{{"flow": "f", "steps": [{{"step": 1, "type": "start", "next": 2}}, {steps}, {{"step": 9, "type": "api_end"}}]}}"#
    );
    BundleSource {
        origin: "test".into(),
        files: vec![
            ("routes.json".into(), ROUTES.into()),
            ("integrations.json".into(), integrations.into()),
            ("f.flow.json".into(), flow),
        ],
    }
}

/// A node calling integration `i`, going `other` to the end.
const CALL: &str =
    r#"{"step": 2, "type": "api_integration", "name": "c", "integration": "i", "other": 9}"#;

/// `integrations` (one line each) and the steps; `expected` is the report after a newline.
fn check(integrations: &str, steps: &str, expected: &str) {
    let actual = flowc_codegen::check(&source(integrations, steps))
        .diagnostics
        .render();
    let expected = expected.strip_prefix('\n').unwrap_or(expected);
    assert!(
        actual == expected,
        "report differs\n<<<ACTUAL\n{actual}ACTUAL>>>\nexpected:\n{expected}"
    );
}

/// One integration `i` with this URL.
fn url(url: &str) -> String {
    format!(r#"{{"integrations": [{{"name": "i", "url": "{url}"}}]}}"#)
}

#[test]
fn urls_keep_templates_out_of_scheme_host_and_port() {
    let ok = "\n0 error(s), 0 warning(s)\n";
    let host = "\nintegrations.json:1:40 /integrations/0/url: error: a template may not stand in the scheme, host or port of an integration's URL, only in its path and query (and in headers and the body): a flow must not send data to a host that integrations.json does not name\n1 error(s), 0 warning(s)\n";
    let rows: &[(&str, &str)] = &[
        ("${CRM_URL}/users/[[request:body.id]]", ok),
        ("https://api.test:8443/v1/[[request:body.id]]?k=[[request:body.k]]", ok),
        ("HTTP://api.test?q=[[request:body.q]]", ok),
        ("https://${HOST}/x/[[request:body.id]]", ok),
        ("$${literal}", "\nintegrations.json:1:40 /integrations/0/url: error: the URL must start with `http://` or `https://`, or with a `${NAME}` that holds them\n1 error(s), 0 warning(s)\n"),
        ("http://[[request:body.host]]/x", host),
        ("http://api.test:[[request:body.port]]/x", host),
        ("${BASE}[[request:body.path]]", host),
        ("[[request:body.url]]", host),
        ("ftp://files.test/[[request:body.f]]", "\nintegrations.json:1:40 /integrations/0/url: error: the URL's scheme must be `http` or `https`, not `ftp`\n1 error(s), 0 warning(s)\n"),
        ("api.test/x", "\nintegrations.json:1:40 /integrations/0/url: error: the URL must start with `http://` or `https://`, or with a `${NAME}` that holds them\n1 error(s), 0 warning(s)\n"),
    ];
    for (u, expected) in rows {
        check(&url(u), CALL, expected);
    }
}

#[test]
fn environment_references_parse_at_build_time() {
    check(
        r#"{"integrations": [{"name": "i", "url": "${CRM URL}/x", "headers": {"Authorization": "Bearer ${TOKEN"}, "body": {"k": "${K:-${J}}", "items": [{"id": "[[request:body.items.#.id]]", "key": "${KEY}"}]}}]}"#,
        CALL,
        r##"
integrations.json:1:40 /integrations/0/url: error: invalid environment reference: `CRM URL` is not a variable name (letters, digits and `_`, not starting with a digit; a default is written `${NAME:-default}`)
integrations.json:1:85 /integrations/0/headers/Authorization: error: invalid environment reference: `${` is not closed by `}`
integrations.json:1:118 /integrations/0/body/k: error: invalid environment reference: the default of `K` holds another `${`, which is not supported
integrations.json:1:187 /integrations/0/body/items/0/key: error: `${…}` cannot stand inside a list from positions
4 error(s), 0 warning(s)
"##,
    );
}

#[test]
fn jsonpaths_parse_at_build_time_with_their_column() {
    check(
        r#"{"integrations": [{"name": "i", "url": "http://x", "validation": "$.items[*].state", "base_element": "data"}, {"name": "j", "url": "http://x", "validation": "$['a'].b[0]", "base_element": "$"}]}"#,
        CALL,
        r##"
integrations.json:1:75 /integrations/0/validation: error: invalid JSONPath: wildcards (`*`) are not supported
integrations.json:1:103 /integrations/0/base_element: error: invalid JSONPath: a JSONPath starts with `$`
2 error(s), 0 warning(s)
"##,
    );
}

#[test]
fn node_paths_and_header_names() {
    check(
        r#"{"integrations": [{"name": "i", "url": "http://x", "headers": {"X Key": "1"}}]}"#,
        r#"{"step": 2, "type": "api_integration", "name": "c", "integration": "i", "path": "users/[[request:body.id]]?full=1", "headers": {"": "x"}, "other": 9}"#,
        r##"
f.flow.json:1:146 /steps/1/path (step 2): error: `path` is appended to the integration URL's path: it may not hold `?` or `#` (use `query` for parameters)
f.flow.json:1:198 /steps/1/headers/ (step 2): error: a header name cannot be empty
integrations.json:1:73 /integrations/0/headers/X Key: error: invalid header name `X Key`: a header name is an HTTP token (letters, digits and any of !#$%&'*+-.^_`|~)
3 error(s), 0 warning(s)
"##,
    );
}

#[test]
fn send_template_builds() {
    check(
        r#"{"integrations": []}"#,
        r#"{"step": 2, "type": "send_template", "name": "wa", "to": "[[request:body.phone]]", "channel": "whatsapp", "template": "t", "language": "en", "parameters": {"1": "[[request:body.name]]"}, "yes": 9, "no": 9}"#,
        "\n0 error(s), 0 warning(s)\n",
    );
}

#[test]
fn lowering_makes_slots_sorted_integrations_and_literal_paths() {
    let integrations = r#"{"integrations": [
      {"name": "shop", "url": "${SHOP_URL:-http://127.0.0.1:9}/orders/[[request:body.id]]", "method": "POST",
       "headers": {"Authorization": "Bearer ${TOKEN}", "X-Plain": "p"},
       "query": {"v": "2"},
       "body": {"key": "${KEY}", "n": "[[request:body.n]]", "list": ["$${x}"]},
       "validation": "$.items[0].state", "base_element": "$.data", "timeout_ms": 2500},
      {"name": "crm", "url": "http://crm.test/u"}
    ]}"#;
    let steps = r#"{"step": 2, "type": "api_integration", "name": "c", "integration": "shop", "method": "PUT", "path": "x/[[request:body.p]]", "branches": {"shipped": 9}, "other": 9}, {"step": 3, "type": "api_integration", "name": "d", "integration": "crm", "other": 9}"#;
    let checked = flowc_codegen::check(&source(integrations, steps));
    let ir = checked
        .ir
        .unwrap_or_else(|| panic!("{}", checked.diagnostics.render()));
    let names: Vec<&str> = ir.integrations.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, ["crm", "shop"]);
    let crm = &ir.integrations[0];
    assert_eq!(crm.method, "GET");
    assert_eq!(crm.timeout_ms, 10_000);
    assert_eq!(crm.validation, Validation::StatusCode);
    assert_eq!(crm.url, [Piece::Text("http://crm.test/u".into())]);
    let shop = &ir.integrations[1];
    let var = |name: &str, default: Option<&str>| EnvPart::Var {
        name: name.into(),
        default: default.map(Into::into),
    };
    assert_eq!(
        shop.env,
        [
            vec![
                var("SHOP_URL", Some("http://127.0.0.1:9")),
                EnvPart::Text("/orders/".into())
            ],
            vec![EnvPart::Text("Bearer ".into()), var("TOKEN", None)],
            vec![var("KEY", None)],
            vec![EnvPart::Text("${x}".into())],
        ]
    );
    assert!(matches!(
        shop.url.as_slice(),
        [Piece::Env(0), Piece::Ref(_)]
    ));
    assert_eq!(shop.headers[0].1, [Piece::Env(1)]);
    assert_eq!(shop.headers[1].1, [Piece::Text("p".into())]);
    let Some(IntegrationValue::Object(members)) = &shop.body else {
        panic!("{:?}", shop.body)
    };
    assert!(matches!(members[0].1, IntegrationValue::Text(ref p) if p == &[Piece::Env(2)]));
    assert!(matches!(members[1].1, IntegrationValue::Plain(_)));
    assert!(matches!(members[2].1, IntegrationValue::Array(_)));
    let key = |k: &str| JsonPathSeg::Key(k.into());
    assert_eq!(
        shop.validation,
        Validation::Path(JsonPath {
            segments: vec![key("items"), JsonPathSeg::Index(0), key("state")]
        })
    );
    assert_eq!(
        shop.base_element,
        Some(JsonPath {
            segments: vec![key("data")]
        })
    );
    assert_eq!(shop.timeout_ms, 2500);
    let steps = &ir.flows[0].steps;
    let StepKind::ApiIntegration {
        integration,
        method,
        branches,
        ..
    } = &steps[1].kind
    else {
        panic!("{:?}", steps[1].kind)
    };
    assert_eq!((*integration, method.as_str()), (1, "PUT"));
    assert_eq!(branches[0].0, "shipped");
    let StepKind::ApiIntegration {
        integration,
        method,
        ..
    } = &steps[2].kind
    else {
        panic!("{:?}", steps[2].kind)
    };
    assert_eq!((*integration, method.as_str()), (0, "GET"));
    assert_eq!(
        flowc_codegen::environment::environment_note(&ir).as_deref(),
        Some("needs environment: SHOP_URL (default http://127.0.0.1:9), TOKEN, KEY")
    );
}

#[test]
fn environment_lists_keys_and_the_gateway() {
    let steps = r#"{"step": 2, "type": "encrypt", "name": "e", "input": "x", "algorithm": "hmac-sha256", "key": "env:SIGNING_KEY", "yes": 3, "no": 3}, {"step": 3, "type": "send_template", "name": "wa", "to": "+27820000000", "channel": "whatsapp", "template": "t", "language": "en", "yes": 4, "no": 4}, {"step": 4, "type": "api_integration", "name": "c", "integration": "i", "other": 9}"#;
    let integrations =
        r#"{"integrations": [{"name": "i", "url": "${A:-http://a}/x?k=${A}&e=${E:-}"}]}"#;
    let checked = flowc_codegen::check(&source(integrations, steps));
    let ir = checked
        .ir
        .unwrap_or_else(|| panic!("{}", checked.diagnostics.render()));
    assert_eq!(
        flowc_codegen::environment::environment_note(&ir).as_deref(),
        Some("needs environment: A, E (default empty), SIGNING_KEY, FLOWC_MESSAGING_URL (default https://platform.clickatell.com), FLOWC_MESSAGING_KEY")
    );
}
