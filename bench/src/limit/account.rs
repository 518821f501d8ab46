//! W3 by hand: the account's status from the upstream, through one pooled HTTP client.

use super::error_json;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;
use std::time::Duration;

/// Account ids look like `A1234` (checked before anything leaves the server).
static ACCOUNT_ID: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new("^[A-Z][0-9]{4}$").unwrap_or_else(|e| panic!("{e}")));

/// The integration's `timeout_ms`.
const TIMEOUT: Duration = Duration::from_millis(2000);

const INVALID_ID: &str = "invalid account id";
const BAD_UPSTREAM: &str = "the upstream did not answer as expected";

/// The upstream and the client every call shares (one connection pool).
pub(super) struct Upstream {
    client: reqwest::Client,
    base: String,
}

impl Upstream {
    /// A pooled client for the upstream at `base` (`http://127.0.0.1:PORT`).
    pub(super) fn new(base: &str) -> Result<Upstream, String> {
        let client = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .pool_idle_timeout(Duration::from_secs(90))
            .build()
            .map_err(|e| format!("the limit's HTTP client: {e}"))?;
        Ok(Upstream {
            client,
            base: base.trim_end_matches('/').to_owned(),
        })
    }
}

#[derive(Deserialize)]
pub(super) struct AccountIn {
    account: Option<String>,
}

/// The part of the upstream's answer W3 reads.
#[derive(Deserialize)]
struct UpstreamAccount {
    status: Option<String>,
}

#[derive(Serialize)]
struct AccountOut<'a> {
    account: &'a str,
    status: Option<String>,
}

#[derive(Serialize)]
struct Failed {
    error: &'static str,
    upstream_status: Option<u16>,
}

/// W3's logic: the id checked, the upstream asked, its `status` answered; 422 for a bad
/// id, 502 with the upstream's status (null when it did not answer) for anything but 200.
pub(super) async fn lookup(upstream: &Upstream, input: Option<AccountIn>) -> (StatusCode, Vec<u8>) {
    let id = input.and_then(|i| i.account).unwrap_or_default();
    if !ACCOUNT_ID.is_match(&id) {
        return (StatusCode::UNPROCESSABLE_ENTITY, error_json(INVALID_ID));
    }
    match ask(upstream, &id).await {
        Some((200, body)) => {
            let status = serde_json::from_slice::<UpstreamAccount>(&body)
                .ok()
                .and_then(|a| a.status);
            let out = AccountOut {
                account: &id,
                status,
            };
            (StatusCode::OK, serde_json::to_vec(&out).unwrap_or_default())
        }
        answered => {
            let failed = Failed {
                error: BAD_UPSTREAM,
                upstream_status: answered.map(|(status, _)| status),
            };
            let body = serde_json::to_vec(&failed).unwrap_or_default();
            (StatusCode::BAD_GATEWAY, body)
        }
    }
}

/// `GET <upstream>/accounts/<id>`: the status and the whole body, or `None` when no
/// complete answer came (connection error, timeout, a body cut short).
async fn ask(upstream: &Upstream, id: &str) -> Option<(u16, bytes::Bytes)> {
    // The id pattern admits no character a URL path would need escaped.
    let url = format!("{}/accounts/{id}", upstream.base);
    let response = upstream
        .client
        .get(url)
        .header("accept", "application/json")
        .timeout(TIMEOUT)
        .send()
        .await
        .ok()?;
    let status = response.status().as_u16();
    let body = response.bytes().await.ok()?;
    Some((status, body))
}
