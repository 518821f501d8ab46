//! A user's own axum application mounting flows with the proc-macro, next to its own routes.

use flowc_tests::client::{send, HttpRequest};
use flowc_tests::server::Server;
use std::sync::Arc;
use std::time::Duration;

flowc_macros::bundle!("../flows" as my_flows);

/// The application: one route of its own, and every flow of the bundle.
async fn app() -> Result<axum::Router, String> {
    let config = Arc::new(flowc_runtime::Config::default());
    let flows = my_flows::router(config).await.map_err(|e| e.to_string())?;
    Ok(axum::Router::new()
        .route("/hello", axum::routing::get(|| async { "mine" }))
        .merge(flows))
}

async fn get(
    server: &Server,
    target: &str,
    headers: Vec<(String, String)>,
    body: &str,
) -> (u16, String) {
    let request = HttpRequest {
        method: "POST".into(),
        target: target.into(),
        headers,
        body: body.into(),
    };
    let peer = "127.0.0.1".parse().expect("an address");
    let answer = send(server.port(), peer, &request, Duration::from_secs(5))
        .await
        .expect("an answer");
    (answer.status, answer.body_text())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flows_and_own_routes_share_one_app() {
    let server = Server::start(Arc::new(|| Box::pin(app())), false).expect("start");
    let own = HttpRequest {
        method: "GET".into(),
        target: "/hello".into(),
        ..Default::default()
    };
    let peer = "127.0.0.1".parse().expect("an address");
    let answer = send(server.port(), peer, &own, Duration::from_secs(5))
        .await
        .expect("an answer");
    assert_eq!(
        (answer.status, answer.body_text()),
        (200, "mine".to_owned())
    );

    let headers = vec![
        (
            "authorization".to_owned(),
            "Bearer demo-5629db2b8d255c8e657802d9670aa844".to_owned(),
        ),
        ("content-type".to_owned(), "application/json".to_owned()),
    ];
    let (status, body) = get(
        &server,
        "/dynamic/8e18fca2-add3-4e43-bd65-58e2d29e3037",
        headers,
        r#"{"name":"Grace"}"#,
    )
    .await;
    assert_eq!(
        (status, body.as_str()),
        (200, r#"{"greeting":"Hello, Grace"}"#)
    );
    server.stop(false).await;
}

#[test]
fn the_macro_module_lists_the_bundle_routes() {
    let names: Vec<String> = my_flows::app()
        .routes
        .into_iter()
        .map(|(spec, _)| spec.name)
        .collect();
    // One per route of flows/routes.json, sorted by id.
    let text = include_str!("../../flows/routes.json");
    let file = flowc_lang::json::parse(text).expect("routes.json parses");
    let mut routes: Vec<(String, String)> = match file.segment("routes", None) {
        Some(flowc_lang::Value::Array(items)) => items
            .iter()
            .map(|r| {
                (
                    r.segment("id", None)
                        .map(|v| v.render())
                        .unwrap_or_default(),
                    r.segment("name", None)
                        .map(|v| v.render())
                        .unwrap_or_default(),
                )
            })
            .collect(),
        _ => Vec::new(),
    };
    routes.sort();
    let expected: Vec<String> = routes.into_iter().map(|(_, name)| name).collect();
    assert!(expected.len() >= 3, "the example bundle has its routes");
    assert_eq!(names, expected);
}
