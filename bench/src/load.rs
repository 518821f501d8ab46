//! The load generator: N keep-alive HTTP/1.1 connections, closed loop (each sends its next
//! request when the answer to the last one is in), for a fixed time, timing every request.

use crate::workloads::Workload;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use std::time::{Duration, Instant};

/// One request's outcome as the verification sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The status.
    pub status: u16,
    /// The body as text.
    pub body: String,
}

/// What a measured run saw.
#[derive(Debug, Default)]
pub struct Sample {
    /// Answers with the workload's status.
    pub ok: u64,
    /// Other answers and failed exchanges.
    pub errors: u64,
    /// Latency of every answered request, in nanoseconds (saturating at ~4.3 s).
    pub latencies_ns: Vec<u32>,
    /// From the start of the run until the last answer.
    pub elapsed: Duration,
}

/// Sends the workload's request once on a fresh connection.
pub async fn request_once(port: u16, workload: &Workload) -> Result<Reply, String> {
    let template = RequestTemplate::new(port, workload);
    let mut sender = connect(port).await?;
    let (status, body) = exchange(&mut sender, &template).await?;
    Ok(Reply {
        status,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

/// Loads `port` with `connections` connections for `duration`. `on_start` runs once every
/// connection is open, right before the clock starts (the caller reads the server's CPU
/// time there).
pub async fn run(
    port: u16,
    workload: &Workload,
    connections: usize,
    duration: Duration,
    on_start: impl FnOnce(),
) -> Result<Sample, String> {
    let template = std::sync::Arc::new(RequestTemplate::new(port, workload));
    let mut senders = Vec::with_capacity(connections);
    for _ in 0..connections.max(1) {
        senders.push(connect(port).await?);
    }
    on_start();
    let start = Instant::now();
    let deadline = start + duration;
    let tasks: Vec<_> = senders
        .into_iter()
        .map(|sender| {
            let template = std::sync::Arc::clone(&template);
            tokio::spawn(connection_loop(sender, template, deadline))
        })
        .collect();
    let mut sample = Sample::default();
    for task in tasks {
        let part = task.await.map_err(|e| format!("a load task failed: {e}"))?;
        sample.ok += part.ok;
        sample.errors += part.errors;
        sample.latencies_ns.extend(part.latencies_ns);
    }
    sample.elapsed = start.elapsed();
    sample.latencies_ns.sort_unstable();
    Ok(sample)
}

/// One connection's closed loop until the deadline; a failed exchange counts as an error
/// and the connection is opened again.
async fn connection_loop(
    mut sender: SendRequest<Full<Bytes>>,
    template: std::sync::Arc<RequestTemplate>,
    deadline: Instant,
) -> Sample {
    let mut sample = Sample {
        latencies_ns: Vec::with_capacity(1 << 16),
        ..Sample::default()
    };
    while Instant::now() < deadline {
        let sent = Instant::now();
        match exchange(&mut sender, &template).await {
            Ok((status, _)) => {
                let ns = sent.elapsed().as_nanos();
                sample
                    .latencies_ns
                    .push(u32::try_from(ns).unwrap_or(u32::MAX));
                if status == template.status {
                    sample.ok += 1;
                } else {
                    sample.errors += 1;
                }
            }
            Err(_) => {
                sample.errors += 1;
                match connect(template.port).await {
                    Ok(fresh) => sender = fresh,
                    Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
                }
            }
        }
    }
    sample
}

/// The parts of the workload's request, made once.
struct RequestTemplate {
    port: u16,
    path: String,
    host: String,
    authorization: String,
    body: Bytes,
    status: u16,
}

impl RequestTemplate {
    fn new(port: u16, workload: &Workload) -> RequestTemplate {
        RequestTemplate {
            port,
            path: workload.path(),
            host: format!("127.0.0.1:{port}"),
            authorization: format!("Bearer {}", workload.token),
            body: Bytes::from_static(workload.body.as_bytes()),
            status: workload.status,
        }
    }

    fn request(&self) -> Result<hyper::Request<Full<Bytes>>, String> {
        hyper::Request::post(self.path.as_str())
            .header("host", self.host.as_str())
            .header("authorization", self.authorization.as_str())
            .header("content-type", "application/json")
            .body(Full::new(self.body.clone()))
            .map_err(|e| format!("bad request: {e}"))
    }
}

/// A keep-alive HTTP/1.1 connection to 127.0.0.1:`port`, its driver spawned.
async fn connect(port: u16) -> Result<SendRequest<Full<Bytes>>, String> {
    let stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .map_err(|e| format!("cannot connect to port {port}: {e}"))?;
    let _ = stream.set_nodelay(true);
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("handshake failed: {e}"))?;
    tokio::spawn(connection);
    Ok(sender)
}

/// One request and its whole answer.
async fn exchange(
    sender: &mut SendRequest<Full<Bytes>>,
    template: &RequestTemplate,
) -> Result<(u16, Bytes), String> {
    sender.ready().await.map_err(|e| e.to_string())?;
    let response = sender
        .send_request(template.request()?)
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    Ok((status, body))
}
