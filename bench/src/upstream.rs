//! The local upstream W3 calls: a tiny axum server on 127.0.0.1 answering
//! `GET /accounts/<id>` with a small JSON object. The benchmark starts it on its own
//! thread, on the load generator's core, before any server; the servers find it through
//! [`ENV`] (the bundle's `integrations.json` reads `${BENCH_UPSTREAM}`).

use axum::extract::Path;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Serialize;

/// The environment variable that holds the upstream's base URL (`http://127.0.0.1:PORT`).
pub const ENV: &str = "BENCH_UPSTREAM";

/// Ids starting with this letter are unknown accounts (404): the flows' error path.
const UNKNOWN_PREFIX: char = 'Z';

/// The upstream's router.
pub fn router() -> Router {
    Router::new().route("/accounts/{id}", get(account))
}

/// `GET /accounts/<id>`.
async fn account(Path(id): Path<String>) -> Response {
    let (status, body) = answer(&id);
    let mut response = (status, body).into_response();
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// The status and JSON body the upstream gives for an account id.
pub fn answer(id: &str) -> (StatusCode, String) {
    #[derive(Serialize)]
    struct Account<'a> {
        id: &'a str,
        status: &'a str,
        balance: f64,
        currency: &'a str,
    }
    if id.starts_with(UNKNOWN_PREFIX) {
        return (
            StatusCode::NOT_FOUND,
            r#"{"error":"unknown account"}"#.to_owned(),
        );
    }
    let account = Account {
        id,
        status: "active",
        balance: 1234.5,
        currency: "GBP",
    };
    // Serialising four plain fields cannot fail; an empty body would show in the answers.
    (
        StatusCode::OK,
        serde_json::to_string(&account).unwrap_or_default(),
    )
}

/// Binds 127.0.0.1 on a free port; the listener and its base URL.
pub async fn bind() -> Result<(tokio::net::TcpListener, String), String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| format!("the upstream cannot listen: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    Ok((listener, format!("http://{addr}")))
}

/// Serves the upstream on `listener` until the process ends.
pub async fn serve(listener: tokio::net::TcpListener) {
    if let Err(e) = axum::serve(listener, router()).await {
        eprintln!("the upstream stopped: {e}");
    }
}

/// Starts the upstream on a thread of its own with a one-thread runtime, pinned to
/// `core`, and returns its base URL once it listens. It serves until the process ends.
pub fn start_thread(core: usize) -> Result<String, String> {
    let (ready, bound) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("bench-upstream".to_owned())
        .spawn(move || {
            crate::affinity::pin_current_thread(core);
            let runtime = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime,
                Err(e) => {
                    let _ = ready.send(Err(format!("the upstream's runtime: {e}")));
                    return;
                }
            };
            runtime.block_on(async move {
                match bind().await {
                    Ok((listener, url)) => {
                        let _ = ready.send(Ok(url));
                        serve(listener).await;
                    }
                    Err(e) => {
                        let _ = ready.send(Err(e));
                    }
                }
            });
        })
        .map_err(|e| format!("cannot start the upstream's thread: {e}"))?;
    bound
        .recv()
        .map_err(|_| "the upstream's thread ended before listening".to_owned())?
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(id: &str, status: u16, body: &str) {
        let (s, b) = answer(id);
        assert_eq!((s.as_u16(), b.as_str()), (status, body), "{id}");
    }

    #[test]
    fn answers() {
        check(
            "A1234",
            200,
            r#"{"id":"A1234","status":"active","balance":1234.5,"currency":"GBP"}"#,
        );
        check(
            "B0001",
            200,
            r#"{"id":"B0001","status":"active","balance":1234.5,"currency":"GBP"}"#,
        );
        check("Z0001", 404, r#"{"error":"unknown account"}"#);
    }
}
