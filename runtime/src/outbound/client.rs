//! The one HTTP client a server shares for every outbound call.
//!
//! A single [`Outbound`] per server means one connection pool: keep-alive connections to an
//! integration are reused across sessions. Redirects are not followed and nothing is
//! retried (§13 rules 25–26), so a call sends at most one request. Errors never quote the
//! request's URL or headers: both may carry credentials from `integrations.json`.

use std::error::Error as _;
use std::time::Duration;

/// Response bodies are read up to this many bytes; larger is an error (§4.7).
pub const MAX_RESPONSE_BYTES: usize = 10 * 1024 * 1024;

/// How long an idle pooled connection is kept.
const POOL_IDLE: Duration = Duration::from_secs(90);

/// TCP keep-alive probes on pooled connections, so dead peers are noticed.
const TCP_KEEPALIVE: Duration = Duration::from_secs(60);

/// The shared client; cloning it is cheap and shares the pool.
#[derive(Clone, Debug)]
pub struct Outbound {
    client: reqwest::Client,
}

/// One request, fully built: the URL is complete and every template is rendered.
#[derive(Clone)]
pub struct OutboundRequest {
    /// `GET`, `POST`, …
    pub method: String,
    /// The complete URL.
    pub url: String,
    /// Header names and values, in order.
    pub headers: Vec<(String, String)>,
    /// The content type and the bytes of the body, if any.
    pub body: Option<(String, Vec<u8>)>,
    /// The whole exchange (connect, send, read the body) must end within this.
    pub timeout: Duration,
}

/// What came back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutboundResponse {
    /// A complete answer, whatever its status.
    Ok {
        /// The status code.
        status: u16,
        /// Headers by lower-case name, repeated ones joined with `, `, in order.
        headers: Vec<(String, String)>,
        /// The body (at most [`MAX_RESPONSE_BYTES`]).
        body: Vec<u8>,
    },
    /// No answer: the request could not be built, the connection failed or closed, or the
    /// timeout passed.
    Failed {
        /// What went wrong, without the URL or headers.
        error: String,
    },
    /// An answer whose body is larger than [`MAX_RESPONSE_BYTES`].
    TooLarge {
        /// The status code.
        status: u16,
        /// Headers as in [`OutboundResponse::Ok`].
        headers: Vec<(String, String)>,
        /// The message.
        error: String,
    },
}

// By hand, so that a debug print never shows header values or the URL (credentials).
impl std::fmt::Debug for OutboundRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("OutboundRequest")
            .field("method", &self.method)
            .field("url", &"<redacted>")
            .field("headers", &names)
            .field("body", &self.body.as_ref().map(|(ct, b)| (ct, b.len())))
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl Outbound {
    /// The client every outbound call of a server shares. Proxies named by the usual
    /// environment variables (`HTTPS_PROXY`, `NO_PROXY`, …) are used.
    pub fn new() -> Result<Outbound, String> {
        Outbound::build(true)
    }

    /// A client that ignores proxy variables: tests talk to loopback servers directly.
    pub fn without_proxies() -> Result<Outbound, String> {
        Outbound::build(false)
    }

    fn build(proxies: bool) -> Result<Outbound, String> {
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .retry(reqwest::retry::never())
            .pool_idle_timeout(POOL_IDLE)
            .tcp_keepalive(TCP_KEEPALIVE)
            .user_agent(concat!("flowc/", env!("CARGO_PKG_VERSION")));
        if !proxies {
            builder = builder.no_proxy();
        }
        let client = builder
            .build()
            .map_err(|e| format!("cannot set up the HTTP client: {}", chain(&e)))?;
        Ok(Outbound { client })
    }

    /// Sends one request and reads the answer. Never panics and never retries.
    pub async fn send(&self, req: OutboundRequest) -> OutboundResponse {
        let timeout = req.timeout;
        let builder = match self.request(req) {
            Ok(builder) => builder,
            Err(error) => return OutboundResponse::Failed { error },
        };
        match tokio::time::timeout(timeout, exchange(builder)).await {
            Ok(response) => response,
            Err(_) => OutboundResponse::Failed {
                error: format!("no answer within {} ms", timeout.as_millis()),
            },
        }
    }

    /// Turns the plain request into reqwest's, naming (only) the part that is invalid.
    fn request(&self, req: OutboundRequest) -> Result<reqwest::RequestBuilder, String> {
        let method = reqwest::Method::from_bytes(req.method.as_bytes())
            .map_err(|_| format!("`{}` is not an HTTP method", req.method))?;
        let url = reqwest::Url::parse(&req.url).map_err(|e| format!("invalid URL: {e}"))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(format!(
                "the URL's scheme `{}` is not http or https",
                url.scheme()
            ));
        }
        let mut headers = reqwest::header::HeaderMap::with_capacity(req.headers.len() + 1);
        for (name, value) in &req.headers {
            let name = reqwest::header::HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| format!("`{name}` is not a valid header name"))?;
            // Bytes, not `from_str`: UTF-8 text is allowed in a value, control characters
            // (a header injection) are not.
            let value = reqwest::header::HeaderValue::from_bytes(value.as_bytes())
                .map_err(|_| format!("the value of header `{name}` is not valid in HTTP"))?;
            headers.append(name, value);
        }
        let mut builder = self.client.request(method, url);
        if let Some((content_type, bytes)) = req.body {
            if !headers.contains_key(reqwest::header::CONTENT_TYPE) {
                let value = reqwest::header::HeaderValue::from_str(&content_type)
                    .map_err(|_| "the content type is not valid in HTTP".to_owned())?;
                headers.insert(reqwest::header::CONTENT_TYPE, value);
            }
            builder = builder.body(bytes);
        }
        Ok(builder.headers(headers))
    }
}

/// Sends and reads the body up to the cap.
async fn exchange(builder: reqwest::RequestBuilder) -> OutboundResponse {
    let mut response = match builder.send().await {
        Ok(response) => response,
        Err(e) => {
            return OutboundResponse::Failed {
                error: describe(&e),
            }
        }
    };
    let status = response.status().as_u16();
    let headers = lower_case_headers(response.headers());
    let too_large = || OutboundResponse::TooLarge {
        status,
        headers: headers.clone(),
        error: format!("the response body is larger than {MAX_RESPONSE_BYTES} bytes"),
    };
    // A declared length over the cap is refused before reading anything.
    if response
        .content_length()
        .is_some_and(|n| n > MAX_RESPONSE_BYTES as u64)
    {
        return too_large();
    }
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) if body.len() + chunk.len() > MAX_RESPONSE_BYTES => return too_large(),
            Ok(Some(chunk)) => body.extend_from_slice(&chunk),
            Ok(None) => break,
            Err(e) => {
                return OutboundResponse::Failed {
                    error: format!("reading the response failed: {}", describe(&e)),
                }
            }
        }
    }
    OutboundResponse::Ok {
        status,
        headers,
        body,
    }
}

/// Headers by lower-case name (http already lower-cases them), repeated names joined with
/// `, ` at the place of their first appearance (§13 rule 25).
fn lower_case_headers(map: &reqwest::header::HeaderMap) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::with_capacity(map.keys_len());
    for name in map.keys() {
        let values: Vec<String> = map
            .get_all(name)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect();
        out.push((name.as_str().to_owned(), values.join(", ")));
    }
    out
}

/// A reqwest error as a message without its URL.
fn describe(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else {
        "the request failed"
    };
    match e.source() {
        Some(source) => format!("{kind}: {}", chain(source)),
        None => kind.to_owned(),
    }
}

/// An error and its sources, joined with `: `.
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let next = s.to_string();
        // hyper repeats its source's text in its own message; say it once.
        if !text.ends_with(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = s.source();
    }
    text
}
