//! Asynchronous routes (§6.2): a request is stored durably before its `202` leaves, and
//! workers run it in the background — at least once, whatever crashes.
//!
//! The job's payload is the session's input (the request and the session facts); a parked
//! session's state travels separately, through the store.

use crate::app::Services;
use crate::http::{Call, FlowFn};
use crate::session::{Outcome, SessionError};
use crate::store::{spawn_workers, ClaimedJob, JobResult, NewJob, RunFn, Store};
use flowc_lang::scope::{RequestData, SessionData};
use flowc_lang::{Map, Value};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// How long a worker owns a job before another may take it (a worker that dies loses it
/// after this long).
pub const LEASE: Duration = Duration::from_secs(30);

/// The lease workers take: [`LEASE`], unless `FLOWC_JOB_LEASE_MS` holds a positive number of
/// milliseconds. Crash tests shorten it so that a killed instance's jobs are taken again
/// within seconds; a server in production has no reason to set it.
pub fn lease() -> Duration {
    lease_from(std::env::var("FLOWC_JOB_LEASE_MS").ok().as_deref())
}

/// [`lease`] from the variable's value; anything but a positive integer keeps [`LEASE`].
fn lease_from(value: Option<&str>) -> Duration {
    match value.and_then(|v| v.trim().parse::<u64>().ok()) {
        Some(ms) if ms > 0 => Duration::from_millis(ms),
        _ => LEASE,
    }
}

/// Stores `call` as a job of `route_id`; the acknowledgement may leave once this returns.
pub async fn enqueue(
    store: &Store,
    route_id: &str,
    call: &Call,
) -> Result<(), crate::store::StoreError> {
    let job = NewJob {
        id: call.session.id.to_string(),
        route_id: route_id.to_owned(),
        payload: payload(call),
    };
    store.enqueue(job).await
}

/// Starts the workers that run stored jobs through the routes' session functions; they
/// stop claiming when `shutdown` turns true.
pub fn start_workers(
    services: &Arc<Services>,
    store: Store,
    flows: HashMap<String, FlowFn>,
    shutdown: tokio::sync::watch::Receiver<bool>,
) {
    let slots = services.config.job_slots as usize;
    let services = Arc::downgrade(services);
    let flows = Arc::new(flows);
    let run: RunFn = Arc::new(move |job: ClaimedJob| {
        let (services, flows) = (services.clone(), flows.clone());
        Box::pin(async move {
            let Some(services) = services.upgrade() else {
                return JobResult::Finished(error_value(&SessionError::new(
                    crate::session::ErrorCode::Ct21,
                    "the server stopped",
                )));
            };
            run_job(&services, &flows, job).await
        })
    });
    // Sessions are tasks that mostly wait (on the store, on the network): how many run at
    // once is `--job-slots`, not the number of cores. Each finished session is one more
    // write for the store's group commit, so many at once share a transaction.
    spawn_workers(store, slots, lease(), run, shutdown);
}

/// Runs one claimed job to its end or its next wait.
async fn run_job(
    services: &Arc<Services>,
    flows: &HashMap<String, FlowFn>,
    job: ClaimedJob,
) -> JobResult {
    let Some(flow) = flows.get(&job.route_id) else {
        let e = SessionError::new(
            crate::session::ErrorCode::Ct21,
            format!("no route `{}` in this build", job.route_id),
        );
        return JobResult::Finished(error_value(&e));
    };
    let Some(mut call) = call_from(&job.payload, services) else {
        let e = SessionError::new(
            crate::session::ErrorCode::Ct21,
            "the stored request cannot be read",
        );
        return JobResult::Finished(error_value(&e));
    };
    call.resume = job.resume;
    // A panic in a session fails that job, not the worker: the route's entry function,
    // which makes the session's future, runs inside the task too.
    let flow = flow.clone();
    match tokio::spawn(async move { flow(call).await }).await {
        Ok(Ok(Outcome::Answered(answer))) => JobResult::Finished(answer_value(&answer)),
        Ok(Ok(Outcome::Parked(p))) => JobResult::Wait {
            reference: p.reference,
            deadline: p.deadline,
            state: p.state,
        },
        Ok(Err(e)) => JobResult::Finished(error_value(&e)),
        Err(_) => JobResult::Finished(error_value(&SessionError::new(
            crate::session::ErrorCode::Ct21,
            "the session failed unexpectedly",
        ))),
    }
}

/// The recorded answer of a finished session.
fn answer_value(answer: &crate::session::Answer) -> Value {
    let mut map = Map::default();
    map.insert(
        "status".into(),
        Value::Number(flowc_lang::Number::from_i64(answer.status.into())),
    );
    let headers = answer
        .headers
        .iter()
        .map(|(k, v)| Value::Array(vec![k.as_str().into(), v.as_str().into()]));
    map.insert("headers".into(), Value::Array(headers.collect()));
    if let Some(ct) = &answer.content_type {
        map.insert("content_type".into(), Value::str(&**ct));
    }
    map.insert(
        "body".into(),
        String::from_utf8_lossy(&answer.body).into_owned().into(),
    );
    Value::Object(map)
}

/// The recorded end of a failed session.
fn error_value(e: &SessionError) -> Value {
    let mut map = Map::default();
    map.insert(
        "status".into(),
        Value::Number(flowc_lang::Number::from_i64(e.code.status().into())),
    );
    map.insert("code".into(), e.code.as_str().into());
    map.insert("message".into(), e.message.as_str().into());
    Value::Object(map)
}

/// The session's input as a stored value.
pub fn payload(call: &Call) -> Value {
    let r = &call.request;
    let mut request = Map::default();
    request.insert("method".into(), Value::str(&*r.method));
    request.insert("path".into(), Value::str(&*r.path));
    request.insert("ip".into(), r.ip.as_str().into());
    request.insert("query".into(), Value::Object(r.query.clone()));
    let headers = r
        .headers
        .iter()
        .map(|(k, v)| Value::Array(vec![k.as_str().into(), v.as_str().into()]));
    request.insert("headers".into(), Value::Array(headers.collect()));
    if let Some(body) = &r.body {
        request.insert("body".into(), body.clone());
    }
    let s = &call.session;
    let mut session = Map::default();
    session.insert("id".into(), Value::str(&*s.id));
    session.insert("route".into(), Value::str(&*s.route));
    session.insert("started_at".into(), s.started_at.as_str().into());
    let mut map = Map::default();
    map.insert("request".into(), Value::Object(request));
    map.insert("session".into(), Value::Object(session));
    map.insert(
        "max_steps".into(),
        Value::Number(flowc_lang::Number::from_i64(
            i64::try_from(call.max_steps).unwrap_or(i64::MAX),
        )),
    );
    Value::Object(map)
}

/// The call a stored payload describes, run in the background.
pub fn call_from(payload: &Value, services: &Arc<Services>) -> Option<Call> {
    let text = |v: &Value, key: &str| match v.segment(key, None) {
        Some(Value::String(s)) => Some(s.clone()),
        _ => None,
    };
    let r = payload.segment("request", None)?;
    let query = match r.segment("query", None) {
        Some(Value::Object(map)) => map.clone(),
        _ => Map::default(),
    };
    let headers = match r.segment("headers", None) {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|pair| match pair {
                Value::Array(kv) => match kv.as_slice() {
                    [Value::String(k), Value::String(v)] => Some((k.clone(), v.clone())),
                    _ => None,
                },
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let request = RequestData {
        method: text(r, "method")?.into(),
        path: text(r, "path")?.into(),
        ip: text(r, "ip")?.into(),
        query,
        headers,
        body: r.segment("body", None).cloned(),
    };
    let s = payload.segment("session", None)?;
    let session = SessionData {
        id: text(s, "id")?.into(),
        route: text(s, "route")?.into(),
        started_at: text(s, "started_at")?.into(),
        flow: Default::default(),
        msisdn: None,
    };
    let max_steps = match payload.segment("max_steps", None) {
        Some(Value::Number(n)) => n.to_i64().and_then(|n| u64::try_from(n).ok()),
        _ => None,
    };
    Some(Call {
        services: services.clone(),
        request,
        session,
        max_steps: max_steps.unwrap_or(services.config.max_steps),
        deadline: None,
        is_async: true,
        resume: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A claimed job for `route`, its payload stored as `enqueue` stores one.
    fn job(route: &str, services: &Arc<Services>) -> ClaimedJob {
        let call = Call {
            services: services.clone(),
            request: RequestData {
                method: "POST".into(),
                path: "/dynamic/x".into(),
                ip: "127.0.0.1".into(),
                query: Map::default(),
                headers: Vec::new(),
                body: None,
            },
            session: SessionData {
                id: "s-1".into(),
                route: route.into(),
                flow: Default::default(),
                started_at: flowc_lang::time::StartTime::now(),
                msisdn: None,
            },
            max_steps: 100,
            deadline: None,
            is_async: true,
            resume: None,
        };
        ClaimedJob {
            id: "s-1".into(),
            route_id: route.into(),
            payload: payload(&call),
            attempt: 1,
            resume: None,
        }
    }

    /// A session that panics fails its job with CT21 and leaves the worker running, also
    /// when the panic comes from the route's entry function, before any future exists.
    #[tokio::test]
    async fn a_panicking_session_fails_only_its_job() {
        let services = Services::bare(Arc::new(crate::Config::default()));
        let in_entry: FlowFn = Arc::new(|_call| panic!("in the entry function"));
        let in_future: FlowFn = Arc::new(|_call| Box::pin(async { panic!("in the session") }));
        let flows = HashMap::from([
            ("entry".to_owned(), in_entry),
            ("future".to_owned(), in_future),
        ]);
        for route in ["entry", "future"] {
            let result = run_job(&services, &flows, job(route, &services)).await;
            let JobResult::Finished(value) = result else {
                panic!("{route}: the job did not finish");
            };
            let code = value.segment("code", None).map(Value::render);
            assert_eq!(
                code.as_deref(),
                Some("CT21"),
                "{route}: {}",
                value.to_json()
            );
        }
    }

    #[test]
    fn lease_override() {
        let check = |value: Option<&str>, expected: Duration| {
            assert_eq!(lease_from(value), expected, "{value:?}");
        };
        check(None, LEASE);
        check(Some("2000"), Duration::from_millis(2000));
        check(Some(" 150 "), Duration::from_millis(150));
        check(Some("0"), LEASE);
        check(Some("-5"), LEASE);
        check(Some("2s"), LEASE);
        check(Some(""), LEASE);
    }
}
