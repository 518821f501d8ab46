//! The example bundle over real sockets: the compiled snapshot and the interpreter must
//! give the README's answers.

use flowc_lang::Value;
use flowc_runtime::Config;
use flowc_tests::client::{send, HttpRequest};
use flowc_tests::server::{RouterFactory, Server};
use flowc_tests::setup::TempDir;
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

const RECEIPT: &str = "db9d8d82-3671-48ee-ae71-d47a46048d8b";
const RECEIPT_TOKEN: &str = "demo-91d3bcafab2fbd42cd1ab24fadd0efae";
const PREFERENCES: &str = "08a28b18-c79a-424d-a6a7-e06666ab09e5";
const PREFERENCES_TOKEN: &str = "demo-56059df4e9f330ffb012aa3a87e4592d";
const PAYMENT: &str = "f514e04e-dd34-47fc-bd7f-a4cee345d438";
const PAYMENT_TOKEN: &str = "demo-59f231c06b85a80f58dd976d0da1083b";

/// A configuration with a store of its own (opt-outs live there).
fn config(data: &TempDir) -> Arc<Config> {
    Arc::new(Config {
        data_dir: data.path().to_path_buf(),
        ..Config::default()
    })
}

/// A data folder that lives as long as the server's factory (removed on drop).
fn data_dir() -> Arc<TempDir> {
    Arc::new(TempDir::new().expect("a data folder"))
}

fn compiled() -> Server {
    let data = data_dir();
    let factory: RouterFactory = Arc::new(move || {
        let config = config(&data);
        Box::pin(async move { example::router(config).await.map_err(|e| e.to_string()) })
    });
    Server::start(factory, false).expect("start the compiled server")
}

fn interpreted() -> Server {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../flows");
    let ir = flowc_codegen::check_dir(&dir)
        .ir
        .expect("the example bundle checks");
    let ir = Arc::new(ir);
    let data = data_dir();
    let factory: RouterFactory = Arc::new(move || {
        let (ir, config) = (ir.clone(), config(&data));
        Box::pin(async move {
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
        (
            RECEIPT,
            RECEIPT_TOKEN,
            r#"{"order_id": "A-1001", "total": 1234.5, "phone": "+27 82 123 4567",
                "items": [{"sku": "MUG", "qty": 2}, {"sku": "FREEBIE", "qty": 0}, {"sku": "TEE", "qty": 1}]}"#,
            200,
            r#"{"order_id":"A-1001","when":"$regex:[A-Z][a-z]+day, [0-9]+ [A-Z][a-z]+ [0-9]{4} at [0-9]{2}:[0-9]{2} SAST",
                "amount":"R 1,234.50","lines":"2 × MUG, 1 × TEE","line_count":2,
                "digest":"d3438661d8f4acb46c56c064f843d4b574579e0e5f72be22009f787a31d98cc4",
                "whatsapp_message":null,"whatsapp_note":"$string"}"#,
        ),
        (
            RECEIPT,
            RECEIPT_TOKEN,
            r#"{"order_id": "A-1002", "total": "lots", "items": []}"#,
            422,
            r#"{"error":"`total` must be a number","detail":"$string"}"#,
        ),
        (
            PREFERENCES,
            PREFERENCES_TOKEN,
            r#"{"action": "STOP", "phone": "+27 82 555 0000"}"#,
            200,
            r#"{"phone":"+27 82 555 0000","action":"stop","done":true}"#,
        ),
        (
            RECEIPT,
            RECEIPT_TOKEN,
            r#"{"order_id": "A-1003", "total": 1, "phone": "+27825550000", "items": [{"sku": "MUG", "qty": 1}]}"#,
            200,
            r#"{"order_id":"A-1003","when":"$string","amount":"R 1.00","lines":"1 × MUG","line_count":1,
                "digest":"$regex:[0-9a-f]{64}","whatsapp_message":null,"whatsapp_note":"opted out"}"#,
        ),
        (
            PREFERENCES,
            PREFERENCES_TOKEN,
            r#"{"action": "start", "phone": "+27825550000"}"#,
            200,
            r#"{"phone":"+27825550000","action":"start","done":true}"#,
        ),
        (
            PREFERENCES,
            PREFERENCES_TOKEN,
            r#"{"action": "maybe", "phone": "+27825550000"}"#,
            422,
            r#"{"error":"$string"}"#,
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

/// The payment flow waits for a callback while the caller's request stays open.
async fn check_payment(server: &Server, backend: &str) {
    let port = server.port();
    let waiting = tokio::spawn(async move {
        let request = HttpRequest {
            method: "POST".into(),
            target: format!("/dynamic/{PAYMENT}"),
            headers: vec![
                ("authorization".into(), format!("Bearer {PAYMENT_TOKEN}")),
                ("content-type".into(), "application/json".into()),
            ],
            body: br#"{"order_id": "A-77"}"#.to_vec(),
        };
        let peer: IpAddr = "127.0.0.1".parse().expect("an address");
        send(port, peer, &request, Duration::from_secs(10)).await
    });
    let callback = HttpRequest {
        method: "POST".into(),
        target: "/chat/callback".into(),
        headers: vec![
            ("reference".into(), "pay-A-77".into()),
            ("content-type".into(), "application/json".into()),
        ],
        body: br#"{"amount": 10.5}"#.to_vec(),
    };
    let peer: IpAddr = "127.0.0.1".parse().expect("an address");
    // The session registers its wait shortly after the request arrives.
    let mut status = 0;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        status = send(port, peer, &callback, Duration::from_secs(5))
            .await
            .expect("an answer")
            .status;
        if status == 202 {
            break;
        }
    }
    assert_eq!(
        status, 202,
        "{backend}: the callback found the waiting session"
    );
    let answer = waiting.await.expect("the request task").expect("an answer");
    assert_eq!(answer.status, 200, "{backend}: {}", answer.body_text());
    assert_eq!(
        answer.body_text(),
        r#"{"order_id":"A-77","payment":{"amount":10.5}}"#,
        "{backend}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payment_waits_for_its_callback_on_both_backends() {
    for (server, backend) in [(compiled(), "compiled"), (interpreted(), "interpreter")] {
        check_payment(&server, backend).await;
        server.stop(false).await;
    }
}
