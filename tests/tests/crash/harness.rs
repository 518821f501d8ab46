//! The crash tests' moving parts: `crash_server` child processes that can be killed with
//! SIGKILL, a counting upstream, and a private PostgreSQL schema per test.
//!
//! Everything listens on 127.0.0.1. A server process gets `--listen 127.0.0.1:0` and
//! reports its port in the route lines it prints at start; it also gets
//! `--exit-with-stdin`, so a test process that dies takes its servers with it.

use flowc_lang::Value;
use flowc_tests::client::{send, HttpRequest, HttpResponse};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};
use tokio::sync::oneshot;

/// Every test's client and upstream address.
const LOCAL: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// The bundle's token (tests/crash/bundle/routes.json holds its SHA-256).
const TOKEN: &str = "crash-token-1";

/// How long a server may take to print its route lines.
const STARTUP: Duration = Duration::from_secs(20);

/// The job lease PostgreSQL instances run with (`FLOWC_JOB_LEASE_MS`), so that jobs a killed
/// instance held are taken again within seconds rather than after the default 30 s.
const PG_LEASE_MS: &str = "2000";

/// Which backend `crash_server` serves the bundle with.
#[derive(Debug, Clone, Copy)]
pub enum Backend {
    /// The code `flowc_macros::bundle!` generated.
    Compiled,
    /// The interpreter.
    Interp,
}

impl Backend {
    fn flag(self) -> &'static str {
        match self {
            Backend::Compiled => "compiled",
            Backend::Interp => "interp",
        }
    }
}

/// Where a server keeps its store.
#[derive(Debug, Clone)]
pub enum StoreAt {
    /// SQLite under this `--data-dir`.
    Dir(PathBuf),
    /// PostgreSQL at this `--database-url`.
    Url(String),
}

/// What every process of one test printed, each line prefixed with the process's name:
/// shown when the test fails.
#[derive(Debug, Clone, Default)]
pub struct Log(Arc<Mutex<String>>);

impl Log {
    fn line(&self, who: &str, line: &str) {
        let mut text = self.0.lock().unwrap_or_else(|e| e.into_inner());
        text.push_str(&format!("[{who}] {line}\n"));
    }

    /// Everything so far.
    pub fn text(&self) -> String {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// A `crash_server` process; dropping it kills it with SIGKILL.
#[derive(Debug)]
pub struct ServerProc {
    child: Child,
    /// The port it serves on.
    pub port: u16,
}

impl ServerProc {
    /// Starts a server and waits until it prints its routes; a server that exits or stays
    /// silent fails the test with everything the processes printed.
    pub async fn start(
        name: &str,
        backend: Backend,
        store: &StoreAt,
        upstream: &str,
        log: &Log,
    ) -> ServerProc {
        let mut child = match command(backend, store, upstream).spawn() {
            Ok(child) => child,
            Err(e) => panic!("cannot start crash_server: {e}"),
        };
        let port = watch_output(&mut child, name, log);
        match tokio::time::timeout(STARTUP, port).await {
            Ok(Ok(port)) => ServerProc { child, port },
            Ok(Err(_)) => panic!("{name} exited before serving:\n{}", log.text()),
            Err(_) => panic!("{name} did not start within {STARTUP:?}:\n{}", log.text()),
        }
    }

    /// SIGKILL: the process gets no chance to finish or record anything.
    pub fn sigkill(self) {
        drop(self);
    }
}

impl Drop for ServerProc {
    fn drop(&mut self) {
        // `Child::kill` sends SIGKILL on Unix; waiting reaps the process.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The server's command line; no `FLOWC_*` variable of the test's environment leaks in.
fn command(backend: Backend, store: &StoreAt, upstream: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_crash_server"));
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("FLOWC_") {
            cmd.env_remove(name);
        }
    }
    cmd.args([
        "--backend",
        backend.flag(),
        "--exit-with-stdin",
        "--listen",
        "127.0.0.1:0",
    ]);
    match store {
        StoreAt::Dir(dir) => {
            cmd.arg("--data-dir").arg(dir);
        }
        StoreAt::Url(url) => {
            cmd.args(["--database-url", url])
                .env("FLOWC_JOB_LEASE_MS", PG_LEASE_MS);
        }
    }
    cmd.env("CRASH_UPSTREAM", upstream);
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Copies the child's output into `log` on two threads; the receiver gets the port of the
/// first route line (and an error if the output ends before one).
fn watch_output(child: &mut Child, name: &str, log: &Log) -> oneshot::Receiver<u16> {
    let (tx, rx) = oneshot::channel();
    if let Some(out) = child.stdout.take() {
        let (name, log) = (name.to_owned(), log.clone());
        std::thread::spawn(move || {
            let mut tx = Some(tx);
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                log.line(&name, &line);
                if let Some(port) = route_port(&line) {
                    if let Some(tx) = tx.take() {
                        let _ = tx.send(port);
                    }
                }
            }
        });
    }
    if let Some(err) = child.stderr.take() {
        let (name, log) = (name.to_owned(), log.clone());
        std::thread::spawn(move || copy_lines(err, &name, &log));
    }
    rx
}

fn copy_lines(from: impl Read, name: &str, log: &Log) {
    for line in BufReader::new(from).lines().map_while(Result::ok) {
        log.line(name, &line);
    }
}

/// The port in a route line (`POST http://127.0.0.1:PORT/dynamic/<id>  name → flow:1`).
fn route_port(line: &str) -> Option<u16> {
    let (_, rest) = line.split_once("http://")?;
    let authority = rest.split('/').next()?;
    authority.rsplit_once(':')?.1.parse().ok()
}

/// A fresh name for a data folder, a schema or a reference.
pub fn unique(prefix: &str) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("{prefix}_{}_{nanos}_{n}", std::process::id())
}

/// A data folder removed at the end of the test.
#[derive(Debug)]
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// A new, not yet created, folder under the system's temporary folder.
    pub fn new() -> TempDir {
        TempDir(std::env::temp_dir().join(unique("flowc_crash")))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Sends one request with the bundle's token from 127.0.0.1.
pub async fn post(port: u16, target: &str, headers: &[(&str, &str)], body: &str) -> HttpResponse {
    let mut all = vec![("content-type".to_owned(), "application/json".to_owned())];
    all.extend(
        headers
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned())),
    );
    let request = HttpRequest {
        method: "POST".into(),
        target: target.into(),
        headers: all,
        body: body.as_bytes().to_vec(),
    };
    match send(port, LOCAL, &request, Duration::from_secs(10)).await {
        Ok(answer) => answer,
        Err(e) => panic!("POST {target} on port {port}: {e}"),
    }
}

/// Calls an asynchronous route; asserts the `202` and returns the acknowledged session id.
pub async fn acknowledge(port: u16, route: &str, body: &str) -> String {
    let auth = format!("Bearer {TOKEN}");
    let answer = post(port, route, &[("authorization", &auth)], body).await;
    assert_eq!(answer.status, 202, "{route} {body}: {}", answer.body_text());
    let parsed = flowc_lang::json::parse(&answer.body_text()).ok();
    match parsed.as_ref().and_then(|v| v.segment("request_id", None)) {
        Some(Value::String(id)) => id.clone(),
        _ => panic!("no request_id in {}", answer.body_text()),
    }
}

/// `POST /chat/callback` with `reference` and an empty body; the status.
pub async fn callback(port: u16, reference: &str) -> u16 {
    post(port, "/chat/callback", &[("reference", reference)], "")
        .await
        .status
}

/// A fake upstream on 127.0.0.1: `POST /hit` answers `200 {}` after a set delay, `POST
/// /done` at once; every body is kept with its path, recorded on arrival.
#[derive(Debug)]
pub struct Upstream {
    /// `http://127.0.0.1:PORT`, the value of `CRASH_UPSTREAM`.
    pub url: String,
    seen: Seen,
    task: tokio::task::JoinHandle<()>,
}

/// The calls an upstream received, in order: the path and the body (JSON; `null` for
/// anything else). And how long `/hit` waits before answering.
#[derive(Debug, Clone)]
struct Seen {
    calls: Arc<Mutex<Vec<(&'static str, Value)>>>,
    hit_delay: Duration,
}

impl Upstream {
    /// Starts one on the current runtime, answering each `/hit` after `hit_delay`.
    pub async fn start(hit_delay: Duration) -> Upstream {
        let seen = Seen {
            calls: Arc::default(),
            hit_delay,
        };
        let app = axum::Router::new()
            .route("/hit", axum::routing::post(hit))
            .route("/done", axum::routing::post(done))
            .with_state(seen.clone());
        let listener = match tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await {
            Ok(listener) => listener,
            Err(e) => panic!("cannot bind the upstream: {e}"),
        };
        let port = listener.local_addr().map_or(0, |a| a.port());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Upstream {
            url: format!("http://127.0.0.1:{port}"),
            seen,
            task,
        }
    }

    /// The bodies that arrived at `path`, in order.
    fn bodies(&self, path: &str) -> Vec<Value> {
        let calls = self.seen.calls.lock().unwrap_or_else(|e| e.into_inner());
        calls
            .iter()
            .filter(|(p, _)| *p == path)
            .map(|(_, body)| body.clone())
            .collect()
    }

    /// The `id`s that arrived at `path` (`/hit`: a session made its call; `/done`: a
    /// session got past it), each with the `n` of every arrival, rendered.
    pub fn ids(&self, path: &str) -> HashMap<String, Vec<String>> {
        let mut ids: HashMap<String, Vec<String>> = HashMap::new();
        for body in self.bodies(path) {
            if let Some(Value::String(id)) = body.segment("id", None) {
                let n = body.segment("n", None).map(Value::render);
                ids.entry(id.clone())
                    .or_default()
                    .push(n.unwrap_or_default());
            }
        }
        ids
    }

    /// The outcomes reported (at `/hit`) for a wait reference, in order.
    pub fn outcomes(&self, reference: &str) -> Vec<String> {
        let for_ref =
            |b: &Value| matches!(b.segment("ref", None), Some(Value::String(r)) if r == reference);
        let outcome = |b: &Value| b.segment("outcome", None).map(Value::render);
        self.bodies("/hit")
            .iter()
            .filter(|b| for_ref(b))
            .map(|b| outcome(b).unwrap_or_default())
            .collect()
    }
}

impl Drop for Upstream {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The answer of both paths.
type Reply = ([(&'static str, &'static str); 1], &'static str);

async fn hit(
    axum::extract::State(seen): axum::extract::State<Seen>,
    body: axum::body::Bytes,
) -> Reply {
    seen.record("/hit", &body);
    tokio::time::sleep(seen.hit_delay).await;
    ([("content-type", "application/json")], "{}")
}

async fn done(
    axum::extract::State(seen): axum::extract::State<Seen>,
    body: axum::body::Bytes,
) -> Reply {
    seen.record("/done", &body);
    ([("content-type", "application/json")], "{}")
}

impl Seen {
    fn record(&self, path: &'static str, body: &[u8]) {
        let value = flowc_lang::json::parse(&String::from_utf8_lossy(body)).unwrap_or(Value::Null);
        let mut calls = self.calls.lock().unwrap_or_else(|e| e.into_inner());
        calls.push((path, value));
    }
}

/// Polls `probe` every 50 ms until it gives `Some`, for at most `limit`; on timeout the
/// test fails with `what` and the processes' output.
pub async fn until<T>(
    what: &str,
    limit: Duration,
    log: &Log,
    mut probe: impl FnMut() -> Option<T>,
) -> T {
    let end = tokio::time::Instant::now() + limit;
    loop {
        if let Some(found) = probe() {
            return found;
        }
        if tokio::time::Instant::now() > end {
            panic!(
                "timed out after {limit:?} waiting for {what}:\n{}",
                log.text()
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A test's own PostgreSQL schema: instances reach it through the URL's `search_path`
/// option (the store's tables, and its `LISTEN` channel, follow the schema), so tests run
/// in parallel on one database. Dropped with the value, when the test ends or fails.
#[derive(Debug)]
pub struct PgSchema {
    base: String,
    name: String,
}

impl PgSchema {
    /// A fresh schema on `FLOWC_TEST_DATABASE_URL`; `None` (after saying so) when it is not
    /// set.
    pub async fn create() -> Option<PgSchema> {
        let Ok(base) = std::env::var("FLOWC_TEST_DATABASE_URL") else {
            println!("skipped: FLOWC_TEST_DATABASE_URL not set");
            eprintln!("skipped: FLOWC_TEST_DATABASE_URL not set");
            return None;
        };
        let name = unique("flowc_crash");
        admin(&base, &format!("CREATE SCHEMA {name}")).await;
        Some(PgSchema { base, name })
    }

    /// The `--database-url` of the schema.
    pub fn url(&self) -> String {
        let sep = if self.base.contains('?') { '&' } else { '?' };
        format!("{}{sep}options=-csearch_path%3D{}", self.base, self.name)
    }
}

// Also when the test fails: a schema left behind would only clutter the test database. The
// test's servers are dropped (killed) first, as they were made after the schema.
impl Drop for PgSchema {
    fn drop(&mut self) {
        let (base, sql) = (
            self.base.clone(),
            format!("DROP SCHEMA {} CASCADE", self.name),
        );
        // A runtime of its own on a thread of its own: this runs inside the test's runtime,
        // where another one cannot be started.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build();
            if let Ok(runtime) = runtime {
                runtime.block_on(admin(&base, &sql));
            }
        });
        let _ = dropped.join();
    }
}

/// Runs one statement on the test database outside any server.
async fn admin(url: &str, sql: &str) {
    let (client, connection) = match tokio_postgres::connect(url, tokio_postgres::NoTls).await {
        Ok(pair) => pair,
        Err(e) => panic!("cannot reach FLOWC_TEST_DATABASE_URL: {e}"),
    };
    tokio::spawn(connection);
    if let Err(e) = client.batch_execute(sql).await {
        panic!("{sql}: {e}");
    }
}

#[test]
fn route_port_reads_the_route_line() {
    let check =
        |line: &str, expected: Option<u16>| assert_eq!(route_port(line), expected, "{line}");
    check(
        "POST http://127.0.0.1:41234/dynamic/df99  crash-count → count:1",
        Some(41234),
    );
    check("POST http://[::]:8080/dynamic/x  n → f:1", Some(8080));
    check("error: --listen: in use", None);
    check("POST http://127.0.0.1/dynamic/x  n → f:1", None);
}
