//! One HTTP/1 request over a fresh connection from a chosen source address.
//!
//! The source address matters: routes allow callers by address, so the client binds its
//! socket to the step's `peer` (any address in 127.0.0.0/8, or `::1`) before connecting.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;
use tokio::net::TcpSocket;

/// A request to send.
#[derive(Debug, Clone, Default)]
pub struct HttpRequest {
    /// Any method string.
    pub method: String,
    /// Path and query (`/dynamic/x?k=v`).
    pub target: String,
    /// Headers in order.
    pub headers: Vec<(String, String)>,
    /// The body (empty for none).
    pub body: Vec<u8>,
}

/// An answer as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// The status.
    pub status: u16,
    /// Headers in order, names lower case.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The body as text (invalid UTF-8 replaced).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends `request` from `peer` to the server's `port` on the loopback address of the
/// peer's family, waiting at most `timeout` for the whole exchange.
pub async fn send(
    port: u16,
    peer: IpAddr,
    request: &HttpRequest,
    timeout: Duration,
) -> Result<HttpResponse, String> {
    match tokio::time::timeout(timeout, exchange(port, peer, request)).await {
        Ok(result) => result,
        Err(_) => Err(format!("no answer within {} ms", timeout.as_millis())),
    }
}

/// The server address a caller at `peer` reaches: loopback of the same family.
pub fn server_addr(port: u16, peer: IpAddr) -> SocketAddr {
    match peer {
        IpAddr::V4(_) => SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
        IpAddr::V6(_) => SocketAddr::from((Ipv6Addr::LOCALHOST, port)),
    }
}

/// Connects from `peer`, sends, and reads the whole answer.
async fn exchange(port: u16, peer: IpAddr, request: &HttpRequest) -> Result<HttpResponse, String> {
    let target = server_addr(port, peer);
    let socket = match peer {
        IpAddr::V4(_) => TcpSocket::new_v4(),
        IpAddr::V6(_) => TcpSocket::new_v6(),
    }
    .map_err(|e| format!("cannot make a socket: {e}"))?;
    socket
        .bind(SocketAddr::new(peer, 0))
        .map_err(|e| format!("cannot bind to {peer}: {e}"))?;
    let stream = socket
        .connect(target)
        .await
        .map_err(|e| format!("cannot connect to {target}: {e}"))?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("handshake failed: {e}"))?;
    let driver = tokio::spawn(connection);
    let answer = sender
        .send_request(build(request, target)?)
        .await
        .map_err(|e| format!("request failed: {e}"));
    let result = match answer {
        Ok(response) => read(response).await,
        Err(e) => Err(e),
    };
    driver.abort();
    result
}

/// The hyper request, with a `host` header unless the step gives one.
fn build(request: &HttpRequest, target: SocketAddr) -> Result<hyper::Request<Full<Bytes>>, String> {
    let method = hyper::Method::from_bytes(request.method.as_bytes())
        .map_err(|_| format!("`{}` is not a method", request.method))?;
    let mut builder = hyper::Request::builder()
        .method(method)
        .uri(&request.target);
    if !request
        .headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("host"))
    {
        builder = builder.header("host", target.to_string());
    }
    for (name, value) in &request.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    builder
        .body(Full::new(Bytes::from(request.body.clone())))
        .map_err(|e| format!("bad request: {e}"))
}

/// Reads status, headers and the whole body.
async fn read(response: hyper::Response<hyper::body::Incoming>) -> Result<HttpResponse, String> {
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| format!("reading the body failed: {e}"))?;
    Ok(HttpResponse {
        status,
        headers,
        body: body.to_bytes().to_vec(),
    })
}
