//! The three servers answer alike: the same status and the same body (the current time
//! and request ids aside) for the benchmark's requests and for the flows' own error paths;
//! W5, which the limit does not serve, on flowc's two servers. Served in process over real
//! sockets, with W3's upstream, without timing anything.

use crate::backends::{Served, Server, Setup};
use crate::server::TempDir;
use crate::workloads::{Workload, W1, W2, W3, W4, W5};
use crate::{load, upstream, verify};
use flowc_runtime::store::Store;
use std::time::{Duration, Instant};

/// How much of two answers must agree.
#[derive(Clone, Copy, Debug)]
enum Agree {
    /// Status and body (request ids and the current time aside).
    Body,
    /// Status and JSON shape: the limit words some error messages its own way (a JSON
    /// syntax error is serde's message there).
    Shape,
}

/// The workload with another body or token, and the status every server must give.
fn rows() -> Vec<(Workload, u16, Agree)> {
    let with = |w: Workload, body: &'static str| Workload { body, ..w };
    vec![
        (W1, 200, Agree::Body),
        (with(W1, r#"{"name":"  Grace "}"#), 200, Agree::Body),
        (with(W1, r#"{"name":"   "}"#), 422, Agree::Body),
        (with(W1, "{}"), 422, Agree::Body),
        (with(W1, ""), 422, Agree::Body),
        (
            Workload {
                token: "wrong",
                ..W1
            },
            401,
            Agree::Shape,
        ),
        (with(W1, "{nope"), 400, Agree::Shape),
        (W2, 200, Agree::Body),
        (
            with(
                W2,
                r#"{"customer":{"id":"C000001","tier":"Silver"},"items":[{"qty":3,"price":0.1}]}"#,
            ),
            200,
            Agree::Body,
        ),
        (
            with(W2, r#"{"customer":{"id":"C000001"}}"#),
            200,
            Agree::Body,
        ),
        (
            with(W2, r#"{"customer":{"id":"X1"},"items":[]}"#),
            422,
            Agree::Body,
        ),
        (Workload { token: "", ..W2 }, 401, Agree::Shape),
        (W3, 200, Agree::Body),
        (with(W3, r#"{"account":"B0002"}"#), 200, Agree::Body),
        (with(W3, r#"{"account":"Z0001"}"#), 502, Agree::Body),
        (with(W3, r#"{"account":"A12"}"#), 422, Agree::Body),
        (with(W3, r#"{"account":"a1234"}"#), 422, Agree::Body),
        (with(W3, "{}"), 422, Agree::Body),
        (with(W3, ""), 422, Agree::Body),
        (
            Workload {
                token: "bench-greeting-token",
                ..W3
            },
            401,
            Agree::Body,
        ),
        (W4, 200, Agree::Body),
        (
            with(
                W4,
                r#"{"user":{"id":"U00001","name":"bo","email":"b@x.io","age":18,"country":"za"},"scores":[1,2],"amount":10,"tags":[]}"#,
            ),
            200,
            Agree::Body,
        ),
        (
            with(
                W4,
                r#"{"user":{"id":"U00001","name":"Bo","email":"b@x.io","age":40,"tier":"silver"},"scores":[7],"coupon":"nope","amount":99.99}"#,
            ),
            200,
            Agree::Body,
        ),
        (with(W4, r#"{"scores":[1]}"#), 422, Agree::Body),
        (with(W4, r#"{"user":{"id":"U1"}}"#), 422, Agree::Body),
        (
            with(W4, r#"{"user":{"id":"U00001","name":" "}}"#),
            422,
            Agree::Body,
        ),
        (
            with(W4, r#"{"user":{"id":"U00001","name":"Bo","email":"b@x"}}"#),
            422,
            Agree::Body,
        ),
        (
            with(
                W4,
                r#"{"user":{"id":"U00001","name":"Bo","email":"b@x.io","age":16}}"#,
            ),
            422,
            Agree::Body,
        ),
        (
            with(
                W4,
                r#"{"user":{"id":"U00001","name":"Bo","email":"b@x.io","age":30},"scores":[],"amount":5}"#,
            ),
            422,
            Agree::Body,
        ),
        // Acknowledged whatever the body: the session runs afterwards.
        (W5, 202, Agree::Body),
        (with(W5, "{}"), 202, Agree::Body),
        (with(W5, "{nope"), 400, Agree::Body),
        (Workload { token: "", ..W5 }, 401, Agree::Body),
    ]
}

/// A server served in this process on a free port, with what must live as long.
struct Running {
    server: Server,
    port: u16,
    store: Option<Store>,
    _served: Served,
    _data_dir: TempDir,
}

/// W3's upstream, in this process; its base URL.
async fn start_upstream() -> String {
    let (listener, url) = upstream::bind().await.unwrap();
    tokio::spawn(upstream::serve(listener));
    url
}

/// Serves `server` in this process on a free port, calling the upstream at `upstream`.
async fn start(server: Server, upstream: &str) -> Running {
    let data_dir = TempDir::fresh(&format!("agreement-{}", server.name())).unwrap();
    let setup = Setup {
        upstream: upstream.to_owned(),
        data_dir: data_dir.path().to_owned(),
    };
    let served = server.start(&setup).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(flowc_runtime::serve::serve(
        listener,
        served.router.clone(),
        std::future::pending(),
    ));
    Running {
        server,
        port,
        store: served.store.clone(),
        _served: served,
        _data_dir: data_dir,
    }
}

#[tokio::test]
async fn servers_answer_alike() {
    let upstream = start_upstream().await;
    let mut running = Vec::new();
    for server in Server::ALL {
        running.push(start(server, &upstream).await);
    }
    for (i, (workload, status, agree)) in rows().into_iter().enumerate() {
        let mut first = None;
        let serving = running.iter().filter(|r| r.server.serves(&workload));
        for r in serving {
            let reply = load::request_once(r.port, &workload).await.unwrap();
            let row = format!(
                "row {i} ({}) on {}: {}",
                workload.key,
                r.server.name(),
                reply.body
            );
            assert_eq!(reply.status, status, "{row}");
            let seen = match agree {
                Agree::Body => verify::comparable(&reply.body),
                Agree::Shape => verify::shape(&reply.body),
            };
            match &first {
                None => first = Some(seen),
                Some(expected) => assert_eq!(&seen, expected, "{row}"),
            }
        }
    }
}

/// The limit does not serve W5: its path is unknown there.
#[tokio::test]
async fn the_limit_has_no_async_route() {
    let r = start(Server::Limit, "http://127.0.0.1:9").await;
    let reply = load::request_once(r.port, &W5).await.unwrap();
    assert_eq!(reply.status, 404, "{}", reply.body);
}

/// W5's acknowledged requests run in the background on flowc's servers: the greeting is
/// recorded in the store, and the store committed (enqueue, claim, finish).
#[tokio::test]
async fn acknowledged_requests_run() {
    let upstream = start_upstream().await;
    for server in [Server::Compiled, Server::Interp] {
        let r = start(server, &upstream).await;
        let store = r.store.clone().unwrap();
        let reply = load::request_once(r.port, &W5).await.unwrap();
        assert_eq!(reply.status, 202, "{}: {}", server.name(), reply.body);
        let id = request_id(&reply.body);
        let answer = recorded_answer(&store, &id).await;
        assert!(
            answer.contains(r#"\"greeting\":\"Hello, Ada\""#),
            "{}: {answer}",
            server.name()
        );
        assert!(
            store.commits() >= 2,
            "{}: {}",
            server.name(),
            store.commits()
        );
    }
}

/// The `request_id` of a `202` body.
fn request_id(body: &str) -> String {
    let value = flowc_lang::json::parse(body).unwrap();
    match value.segment("request_id", None) {
        Some(flowc_lang::Value::String(id)) => id.clone(),
        other => panic!("no request id in {body}: {other:?}"),
    }
}

/// The answer a background session recorded, as JSON text; waits up to 10 s for it.
async fn recorded_answer(store: &Store, id: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(answer) = store.answer(id).await.unwrap() {
            return answer.to_json();
        }
        assert!(Instant::now() < deadline, "job {id} did not finish");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
