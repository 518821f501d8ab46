//! The three servers answer alike: the same status and the same body (the current time
//! aside) for the benchmark's requests and for the flows' own error paths. Served in
//! process over real sockets, without timing anything.

use crate::backends::Server;
use crate::load;
use crate::verify;
use crate::workloads::{Workload, W1, W2, W4};

/// How much of two answers must agree.
#[derive(Clone, Copy, Debug)]
enum Agree {
    /// Status and body.
    Body,
    /// Status and JSON shape (error bodies carry each answer's own request id).
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
    ]
}

/// Serves `server` in this process on a free port.
async fn start(server: Server) -> u16 {
    let router = server.router().await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(flowc_runtime::serve::serve(
        listener,
        router,
        std::future::pending(),
    ));
    port
}

#[tokio::test]
async fn servers_answer_alike() {
    let mut ports = Vec::new();
    for server in Server::ALL {
        ports.push((server, start(server).await));
    }
    for (i, (workload, status, agree)) in rows().into_iter().enumerate() {
        let mut first = None;
        for (server, port) in &ports {
            let reply = load::request_once(*port, &workload).await.unwrap();
            let row = format!(
                "row {i} ({}) on {}: {}",
                workload.key,
                server.name(),
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
