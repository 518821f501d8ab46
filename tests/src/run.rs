//! Running cases: decide build-error / skip / run, then run the script against the
//! compiled server and the interpreter, each with its own upstreams and data folder.

use crate::case::{Case, RequestStep, Step};
use crate::client::{self, HttpRequest, HttpResponse};
use crate::matching;
use crate::server::{RouterFactory, Server};
use crate::setup::{server_config, server_env, TempDir};
use crate::upstream::Upstream;
use crate::{discover, CompiledCase};
use flowc_codegen::{BundleSource, Checked};
use flowc_runtime::Config;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::task::JoinHandle;

/// The prefix of diagnostics for features that a later issue brings.
pub const NOT_SUPPORTED: &str = "not supported yet: ";

/// How long one request may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// How long upstream work may take to settle, from the last server start.
const SETTLE_LIMIT: Duration = Duration::from_secs(5);
/// How long the upstream record must stay as expected before it counts as settled.
const SETTLE_QUIET: Duration = Duration::from_millis(250);
/// The longest a whole case may take.
const CASE_TIMEOUT: Duration = Duration::from_secs(120);

/// How a case ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Both backends gave the required answers (or the build failed as required).
    Pass,
    /// Why it failed.
    Fail(String),
    /// Why it did not run.
    Skip(String),
}

/// Makes a backend's router for a configuration.
pub type BackendFn = Arc<dyn Fn(Arc<Config>) -> flowc_runtime::App + Send + Sync>;

/// A case's name for the report: its relative path without `.json`.
pub fn case_name(rel: &str) -> &str {
    rel.strip_suffix(".json").unwrap_or(rel)
}

/// Runs one case file, never taking longer than two minutes.
pub async fn run_case(rel: &str, text: &str, compiled: Option<&CompiledCase>) -> Outcome {
    match tokio::time::timeout(CASE_TIMEOUT, run_case_inner(rel, text, compiled)).await {
        Ok(outcome) => outcome,
        Err(_) => Outcome::Fail(format!(
            "the case did not finish within {} s",
            CASE_TIMEOUT.as_secs()
        )),
    }
}

/// [`run_case`] without the time limit.
async fn run_case_inner(rel: &str, text: &str, compiled: Option<&CompiledCase>) -> Outcome {
    let (case, source) = match read_case(rel, text) {
        Ok(read) => read,
        Err(e) => return Outcome::Fail(format!("bad case: {e}")),
    };
    let Some(compiled) = compiled else {
        return Outcome::Fail("rebuild needed: the case is not in the compiled table".into());
    };
    if compiled.hash != discover::text_hash(text) {
        return Outcome::Fail("rebuild needed: the case changed since the build".into());
    }
    let checked = flowc_codegen::check(&source);
    if let Some(needles) = &case.expect_build_error {
        return expect_build_error(needles, &checked, compiled);
    }
    let (ir, app) = match (checked.ir, compiled.app) {
        (Some(ir), Some(app)) => (ir, app),
        (None, _) => return skip_or_fail(&checked.diagnostics),
        (Some(_), None) => {
            return Outcome::Fail(format!(
                "the build failed but check passed:\n{}",
                compiled.report
            ))
        }
    };
    let ir = Arc::new(ir);
    let compiled_backend: BackendFn = Arc::new(move |_| app());
    let interp_backend: BackendFn = Arc::new(move |_| flowc_runtime::interp::app(ir.clone()));
    let (a, b) = tokio::join!(
        run_backend(&case, "compiled", compiled_backend),
        run_backend(&case, "interpreter", interp_backend)
    );
    let failures: Vec<String> = [a, b].into_iter().filter_map(Result::err).collect();
    if failures.is_empty() {
        Outcome::Pass
    } else {
        Outcome::Fail(failures.join("\n    "))
    }
}

/// Parses a case and its bundle.
fn read_case(rel: &str, text: &str) -> Result<(Case, BundleSource), String> {
    let value = flowc_lang::json::parse(text)
        .map_err(|e| format!("{}:{}: {}", e.line, e.column, e.message))?;
    let case = Case::from_value(&value)?;
    let source = discover::bundle_source(rel, &case.bundle)?;
    Ok((case, source))
}

/// An `expect_build_error` case: `check` and the build must both fail and mention every
/// listed string.
fn expect_build_error(needles: &[String], checked: &Checked, compiled: &CompiledCase) -> Outcome {
    let report = checked.diagnostics.render();
    if checked.ir.is_some() {
        return Outcome::Fail(format!(
            "check passed, but the case expects a build error:\n{report}"
        ));
    }
    if compiled.app.is_some() {
        return Outcome::Fail("the build succeeded, but the case expects a build error".into());
    }
    for (who, text) in [("check", report.as_str()), ("the build", compiled.report)] {
        let missing: Vec<&str> = needles
            .iter()
            .map(String::as_str)
            .filter(|n| !text.contains(n))
            .collect();
        if !missing.is_empty() {
            return Outcome::Fail(format!("{who}'s report lacks {missing:?}:\n{text}"));
        }
    }
    Outcome::Pass
}

/// A bundle that does not build: skipped when every error is a feature still to come.
fn skip_or_fail(diagnostics: &flowc_codegen::Diagnostics) -> Outcome {
    let mut reasons: Vec<&str> = Vec::new();
    for error in diagnostics.errors() {
        match error.message.strip_prefix(NOT_SUPPORTED) {
            Some(reason) if !reasons.contains(&reason) => reasons.push(reason),
            Some(_) => {}
            None => {
                return Outcome::Fail(format!(
                    "the bundle does not build:\n{}",
                    diagnostics.render()
                ))
            }
        }
    }
    if reasons.is_empty() {
        return Outcome::Fail(format!(
            "the bundle does not build:\n{}",
            diagnostics.render()
        ));
    }
    Outcome::Skip(reasons.join("; "))
}

/// Runs the script against one backend; the error names the backend and the step.
async fn run_backend(case: &Case, backend: &str, make: BackendFn) -> Result<(), String> {
    run_backend_inner(case, make)
        .await
        .map_err(|e| format!("[{backend}] {e}"))
}

/// [`run_backend`] without the backend's name.
async fn run_backend_inner(case: &Case, make: BackendFn) -> Result<(), String> {
    let upstreams = start_upstreams(case).await?;
    let env = server_env(&case.env, &upstreams)?;
    let data = TempDir::new().map_err(|e| format!("cannot make a data folder: {e}"))?;
    let config = Arc::new(server_config(&case.server_args, data.path(), &env)?);
    let factory: RouterFactory = Arc::new(move || {
        let (config, make) = (config.clone(), make.clone());
        Box::pin(async move {
            let app = make(config.clone());
            flowc_runtime::start(app, config)
                .await
                .map_err(|e| e.to_string())
        })
    });
    let mut run = ScriptRun::start(factory, case.has_ipv6_peer())?;
    let result = run.script(&case.script).await;
    let result = match result {
        Ok(()) => run.finish_background().await,
        Err(e) => Err(e),
    };
    let result = match result {
        Ok(()) => check_upstreams(case, &upstreams, run.last_start).await,
        Err(e) => Err(e),
    };
    run.stop().await;
    result
}

/// Starts every upstream the case names.
async fn start_upstreams(case: &Case) -> Result<Vec<(String, Upstream)>, String> {
    let mut started = Vec::new();
    for (name, entries) in &case.upstreams {
        let upstream = Upstream::start(entries.clone())
            .await
            .map_err(|e| format!("cannot start upstream `{name}`: {e}"))?;
        started.push((name.clone(), upstream));
    }
    Ok(started)
}
/// A background request: its step index, the step, and the task sending it.
type Background = (
    usize,
    Box<RequestStep>,
    JoinHandle<Result<HttpResponse, String>>,
);

/// One backend's script in progress.
struct ScriptRun {
    factory: RouterFactory,
    ipv6: bool,
    server: Option<Server>,
    last_start: Instant,
    background: Vec<Background>,
}

impl ScriptRun {
    /// Starts the first server.
    fn start(factory: RouterFactory, ipv6: bool) -> Result<ScriptRun, String> {
        let server = Server::start(factory.clone(), ipv6)
            .map_err(|e| format!("cannot start the server: {e}"))?;
        Ok(ScriptRun {
            factory,
            ipv6,
            server: Some(server),
            last_start: Instant::now(),
            background: Vec::new(),
        })
    }

    /// Runs the steps in order, stopping at the first failure.
    async fn script(&mut self, steps: &[Step]) -> Result<(), String> {
        for (index, step) in steps.iter().enumerate() {
            match step {
                Step::Request(request) if request.background => {
                    let (port, req) = (self.port(), http_request(request));
                    let peer = request.peer;
                    let handle = tokio::spawn(async move {
                        client::send(port, peer, &req, REQUEST_TIMEOUT).await
                    });
                    self.background.push((index, request.clone(), handle));
                }
                Step::Request(request) => {
                    let got = client::send(
                        self.port(),
                        request.peer,
                        &http_request(request),
                        REQUEST_TIMEOUT,
                    )
                    .await;
                    check_answer(index, request, got)?;
                }
                Step::Sleep(ms) => tokio::time::sleep(Duration::from_millis(*ms)).await,
                Step::Restart { kill } => self
                    .restart(*kill)
                    .await
                    .map_err(|e| format!("step {index}: {e}"))?,
            }
        }
        Ok(())
    }

    /// Stops the server and starts a new one on the same configuration and data folder
    /// (the old one is gone first: both would use the same data).
    async fn restart(&mut self, kill: bool) -> Result<(), String> {
        if let Some(old) = self.server.take() {
            old.stop(kill).await;
        }
        let fresh = Server::start(self.factory.clone(), self.ipv6)
            .map_err(|e| format!("cannot restart: {e}"))?;
        self.server = Some(fresh);
        self.last_start = Instant::now();
        Ok(())
    }

    /// The current server's port (0, which refuses connections, while none runs).
    fn port(&self) -> u16 {
        self.server.as_ref().map_or(0, Server::port)
    }

    /// Stops the current server gracefully.
    async fn stop(&mut self) {
        if let Some(server) = self.server.take() {
            server.stop(false).await;
        }
    }

    /// Waits for the background requests and checks their answers.
    async fn finish_background(&mut self) -> Result<(), String> {
        for (index, request, handle) in self.background.drain(..) {
            let got = handle
                .await
                .unwrap_or_else(|e| Err(format!("the request task failed: {e}")));
            check_answer(index, &request, got).map_err(|e| format!("{e} (background)"))?;
        }
        Ok(())
    }
}

/// Checks one answer; the error names the step.
fn check_answer(
    index: usize,
    request: &RequestStep,
    got: Result<HttpResponse, String>,
) -> Result<(), String> {
    let at = format!("step {index} ({} {})", request.method, request.path);
    let got = got.map_err(|e| format!("{at}: {e}"))?;
    matching::match_response(&request.response, &got).map_err(|e| format!("{at}: {e}"))
}

/// The HTTP request of a step: query encoded, body with a JSON content type unless the
/// step gives one.
pub fn http_request(step: &RequestStep) -> HttpRequest {
    let mut target = step.path.clone();
    if !step.query.is_empty() {
        target.push(if target.contains('?') { '&' } else { '?' });
        target.push_str(&crate::url::encode_query(&step.query));
    }
    let mut headers = step.headers.clone();
    let has_type = headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("content-type"));
    if let Some((_, true)) = &step.body {
        if !has_type {
            headers.push(("content-type".to_owned(), "application/json".to_owned()));
        }
    }
    let body = step
        .body
        .as_ref()
        .map(|(b, _)| b.clone())
        .unwrap_or_default();
    HttpRequest {
        method: step.method.clone(),
        target,
        headers,
        body,
    }
}

/// Waits until the named upstreams hold exactly the expected requests and stay so briefly,
/// or until five seconds after the last server start; then compares.
async fn check_upstreams(
    case: &Case,
    upstreams: &[(String, Upstream)],
    last_start: Instant,
) -> Result<(), String> {
    if case.upstream_requests.is_empty() {
        return Ok(());
    }
    let deadline = last_start + SETTLE_LIMIT;
    loop {
        let result = compare_upstreams(case, upstreams);
        if result.is_ok() {
            tokio::time::sleep(SETTLE_QUIET).await;
            if compare_upstreams(case, upstreams).is_ok() {
                return Ok(());
            }
        } else if Instant::now() >= deadline {
            return result;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Compares every named upstream's record with its expectation.
fn compare_upstreams(case: &Case, upstreams: &[(String, Upstream)]) -> Result<(), String> {
    for (name, expected) in &case.upstream_requests {
        let upstream = upstreams
            .iter()
            .find(|(n, _)| n == name)
            .ok_or_else(|| format!("no upstream named `{name}`"))?;
        matching::match_requests(expected, &upstream.1.requests())
            .map_err(|e| format!("upstream `{name}`: {e}"))?;
    }
    Ok(())
}
#[cfg(test)]
mod tests {
    use super::*;

    fn step(text: &str) -> RequestStep {
        let value = flowc_lang::json::parse(text).unwrap();
        let case = Case::from_value(&value).unwrap();
        match case.script.into_iter().next() {
            Some(Step::Request(r)) => *r,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn builds_requests() {
        let json = step(
            r#"{"bundle": {}, "script": [{"request": {"method": "POST", "route": "r", "token": "t",
                "query": {"k": "v 1", "a": "&"}, "body": {"x": 1}}, "response": {"status": 200}}]}"#,
        );
        let req = http_request(&json);
        assert_eq!(req.target, "/dynamic/r?k=v%201&a=%26");
        assert_eq!(req.body, b"{\"x\":1}");
        assert!(req
            .headers
            .contains(&("content-type".to_owned(), "application/json".to_owned())));
        assert!(req
            .headers
            .contains(&("authorization".to_owned(), "Bearer t".to_owned())));
        let raw = step(
            r#"{"bundle": {}, "script": [{"request": {"method": "POST", "path": "/p?z=1", "query": {"k": "v"},
                "headers": {"Content-Type": "text/plain"}, "body": "s"}, "response": {"status": 200}}]}"#,
        );
        let req = http_request(&raw);
        assert_eq!(req.target, "/p?z=1&k=v");
        assert_eq!(
            req.headers,
            [("Content-Type".to_owned(), "text/plain".to_owned())]
        );
        assert_eq!(req.body, b"\"s\"");
    }

    #[test]
    fn names_cases_by_path() {
        assert_eq!(case_name("calculate/x.json"), "calculate/x");
        assert_eq!(case_name("y"), "y");
    }

    async fn post(port: u16, body: &str) {
        let request = HttpRequest {
            method: "POST".into(),
            target: "/a".into(),
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.into(),
        };
        let peer = std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);
        let _ = client::send(port, peer, &request, Duration::from_secs(5)).await;
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn waits_for_upstream_requests_to_settle() {
        let value = flowc_lang::json::parse(
            r#"{"bundle": {},
                "upstreams": {"u": [{"request": {"method": "POST", "path": "/a"}, "response": {"status": 200}}]},
                "upstream_requests": {"u": [{"method": "POST", "path": "/a", "body": {"x": 1}}]}}"#,
        )
        .unwrap();
        let case = Case::from_value(&value).unwrap();
        let upstreams = start_upstreams(&case).await.unwrap();
        let port = upstreams[0].1.addr().port();
        let started = Instant::now();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            post(port, r#"{"x": 1}"#).await;
        });
        assert_eq!(check_upstreams(&case, &upstreams, started).await, Ok(()));
        assert!(started.elapsed() >= Duration::from_millis(300));
        post(port, "{}").await;
        let long_ago = Instant::now() - SETTLE_LIMIT;
        assert_eq!(
            check_upstreams(&case, &upstreams, long_ago).await,
            Err("upstream `u`: expected 1 request(s), got 2: [POST /a, POST /a]".to_owned())
        );
    }
}
