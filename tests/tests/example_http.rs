//! The example bundle over real sockets: the compiled snapshot and the interpreter must
//! give the README's answers.

use flowc_lang::Value;
use flowc_runtime::Config;
use flowc_tests::client::{send, HttpRequest};
use flowc_tests::server::{RouterFactory, Server};
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// The checked-in generated code of `flows/`, compiled here.
#[allow(dead_code)]
mod example {
    include!("../snapshots/example_flows.rs");
}

const GREETING: &str = "8e18fca2-add3-4e43-bd65-58e2d29e3037";
const GREETING_TOKEN: &str = "demo-5629db2b8d255c8e657802d9670aa844";
const TRIAGE: &str = "fb8248ac-e314-443a-bb19-d0d24ca30288";
const TRIAGE_TOKEN: &str = "demo-9a01f6a427cc063531f30cb9e4177ebf";
const CUSTOMER: &str = "2665789d-0c79-4637-a501-d71144be0545";
const CUSTOMER_TOKEN: &str = "demo-0763089325a3d401f5e91aa2491664a8";

fn compiled() -> Server {
    let factory: RouterFactory = Arc::new(|| {
        Box::pin(async {
            example::router(Arc::new(Config::default()))
                .await
                .map_err(|e| e.to_string())
        })
    });
    Server::start(factory, false).expect("start the compiled server")
}

fn interpreted() -> Server {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../flows");
    let ir = flowc_codegen::check_dir(&dir)
        .ir
        .expect("the example bundle checks");
    let ir = Arc::new(ir);
    let factory: RouterFactory = Arc::new(move || {
        let ir = ir.clone();
        Box::pin(async move {
            let config = Arc::new(Config::default());
            flowc_runtime::interp::router(ir, config)
                .await
                .map_err(|e| e.to_string())
        })
    });
    Server::start(factory, false).expect("start the interpreter")
}

async fn post(server: &Server, route: &str, token: &str, body: &str) -> (u16, Value) {
    let request = HttpRequest {
        method: "POST".into(),
        target: format!("/dynamic/{route}"),
        headers: vec![
            ("authorization".into(), format!("Bearer {token}")),
            ("content-type".into(), "application/json".into()),
        ],
        body: body.as_bytes().to_vec(),
    };
    let peer: IpAddr = "127.0.0.1".parse().expect("an address");
    let answer = send(server.port(), peer, &request, Duration::from_secs(5))
        .await
        .expect("an answer");
    let json = flowc_lang::json::parse(&answer.body_text()).expect("a JSON answer");
    (answer.status, json)
}

/// Every (route, token, body) → (status, JSON answer) the README shows, and a few more.
fn table() -> Vec<(&'static str, &'static str, &'static str, u16, &'static str)> {
    vec![
        (
            GREETING,
            GREETING_TOKEN,
            r#"{"name": " Ada "}"#,
            200,
            r#"{"greeting":"Hello, Ada"}"#,
        ),
        (
            GREETING,
            GREETING_TOKEN,
            r#"{"name": "   "}"#,
            422,
            r#"{"error":"a non-empty `name` is required"}"#,
        ),
        (
            GREETING,
            GREETING_TOKEN,
            r#"{}"#,
            422,
            r#"{"error":"a non-empty `name` is required"}"#,
        ),
        (
            TRIAGE,
            TRIAGE_TOKEN,
            r#"{"customer": {"id": "C123456", "tier": "Gold"},
                "items": [{"sku": "A1", "qty": 2, "price": "19.99"}, {"sku": "B2", "qty": 1, "price": 5}]}"#,
            200,
            r#"{"customer":"C123456","tier":"gold","items":2,"subtotal":44.98,"discount_pct":10,
                "total":40.48,"lines":[{"sku":"A1","qty":2},{"sku":"B2","qty":1}]}"#,
        ),
        (
            TRIAGE,
            TRIAGE_TOKEN,
            r#"{"customer": {"id": "C000001"}, "items": [{"sku": "Z", "qty": 3, "price": 0.1}]}"#,
            200,
            r#"{"customer":"C000001","tier":"standard","items":1,"subtotal":0.3,"discount_pct":0,
                "total":0.3,"lines":[{"sku":"Z","qty":3}]}"#,
        ),
        (
            TRIAGE,
            TRIAGE_TOKEN,
            r#"{"customer": {"id": "X1"}, "items": []}"#,
            422,
            r#"{"error":"invalid customer id","customer_id":"X1"}"#,
        ),
        (
            TRIAGE,
            TRIAGE_TOKEN,
            r#"{"customer": {"id": "C123456"}, "items": [{"sku": "A", "qty": "two", "price": 1}]}"#,
            422,
            r#"{"error":"every item needs a numeric qty and price","detail":"$string"}"#,
        ),
        // Nothing answers at the integration's default URL: its `other` branch answers.
        (
            CUSTOMER,
            CUSTOMER_TOKEN,
            r#"{"customer": {"id": "C123456"}}"#,
            502,
            r#"{"error":"the CRM did not answer as expected","crm_status":null,"detail":"$regex:could not connect.*"}"#,
        ),
        (
            CUSTOMER,
            CUSTOMER_TOKEN,
            r#"{"customer": {"id": "C12"}}"#,
            422,
            r#"{"error":"invalid customer id","customer_id":"C12"}"#,
        ),
    ]
}

async fn check_all(server: &Server, backend: &str) {
    for (route, token, body, status, expected) in table() {
        let (got_status, got) = post(server, route, token, body).await;
        let expected = flowc_lang::json::parse(expected).expect("expected JSON");
        assert_eq!(
            got_status,
            status,
            "{backend}: status for {body}: {}",
            got.to_json()
        );
        if let Err(m) = flowc_tests::matching::match_json(&expected, &got) {
            panic!("{backend}: answer for {body}: {m:?}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compiled_example_answers_as_documented() {
    let server = compiled();
    check_all(&server, "compiled").await;
    server.stop(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interpreted_example_answers_as_documented() {
    let server = interpreted();
    check_all(&server, "interpreter").await;
    server.stop(false).await;
}
