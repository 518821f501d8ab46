//! The worker loop on both backends, with a scripted session: a payload with `wait` parks
//! on that reference for `secs`, one with `sleep_ms` takes that long; a resumed session
//! ends saying why it resumed.

use super::{both, eventually, v, Env};
use crate::store::{spawn_workers, ClaimedJob, JobResult, NewJob, ParkOutcome, Resume, RunFn};
use crate::store::{CallbackOutcome, Store};
use flowc_lang::Value;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};
use tokio::sync::watch;
use tokio::task::JoinHandle;

both!(workers:
    workers_run_every_job_once,
    wait_then_callback_resumes,
    reference_in_use_goes_on_at_no,
    timeout_resumes_at_no,
    lease_is_renewed_while_running,
    shutdown_lets_running_jobs_finish,
    dead_workers_job_runs_again,
);

const LEASE: Duration = Duration::from_secs(30);

/// Every run, as `id#attempt`.
type Log = Arc<Mutex<Vec<String>>>;

fn scripted(log: &Log) -> RunFn {
    let log = Arc::clone(log);
    Arc::new(move |job: ClaimedJob| {
        let log = Arc::clone(&log);
        Box::pin(async move {
            let entry = format!("{}#{}", job.id, job.attempt);
            log.lock().unwrap_or_else(|p| p.into_inner()).push(entry);
            session(job).await
        })
    })
}

async fn session(job: ClaimedJob) -> JobResult {
    match job.resume {
        Some((_, Resume::Callback(body))) => {
            let body = body.unwrap_or(Value::Null).to_json();
            JobResult::Finished(v(&format!(r#"{{"resumed": "callback", "body": {body}}}"#)))
        }
        Some((_, Resume::TimedOut)) => JobResult::Finished(v(r#"{"resumed": "timeout"}"#)),
        Some((_, Resume::InUse)) => JobResult::Finished(v(r#"{"resumed": "in_use"}"#)),
        None => first_run(&job).await,
    }
}

async fn first_run(job: &ClaimedJob) -> JobResult {
    if let Some(reference) = text(&job.payload, "wait") {
        let secs = text(&job.payload, "secs")
            .and_then(|s| s.parse().ok())
            .unwrap_or(60);
        return JobResult::Wait {
            reference,
            deadline: SystemTime::now() + Duration::from_secs(secs),
            state: v(r#"{"step": 2}"#),
        };
    }
    let ms = text(&job.payload, "sleep_ms")
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    tokio::time::sleep(Duration::from_millis(ms)).await;
    let answer = format!(r#"{{"id": "{}", "attempt": {}}}"#, job.id, job.attempt);
    JobResult::Finished(v(&answer))
}

fn text(payload: &Value, key: &str) -> Option<String> {
    match payload.segment(key, None) {
        Some(Value::String(s)) => Some(s.clone()),
        _ => None,
    }
}

async fn enqueue(store: &Store, id: &str, payload: &str) {
    let job = NewJob {
        id: id.to_owned(),
        route_id: "r".to_owned(),
        payload: v(payload),
    };
    if let Err(e) = store.enqueue(job).await {
        panic!("enqueue {id}: {e}");
    }
}

fn start(store: &Store, workers: usize, lease: Duration, log: &Log) -> Workers {
    let (stop, shutdown) = watch::channel(false);
    let handle = spawn_workers(store.clone(), workers, lease, scripted(log), shutdown);
    Workers { stop, handle }
}

struct Workers {
    stop: watch::Sender<bool>,
    handle: JoinHandle<()>,
}

impl Workers {
    async fn stop(self) {
        let _ = self.stop.send(true);
        let ended = tokio::time::timeout(Duration::from_secs(10), self.handle).await;
        assert!(matches!(ended, Ok(Ok(()))), "workers did not stop");
    }
}

async fn answer_of(store: &Store, id: &str) -> Value {
    eventually(&format!("the answer of {id}"), || async {
        store.answer(id).await.ok().flatten()
    })
    .await
}

fn runs(log: &Log) -> Vec<String> {
    let mut runs = log.lock().unwrap_or_else(|p| p.into_inner()).clone();
    runs.sort();
    runs
}

async fn workers_run_every_job_once(env: Env) {
    let store = env.open().await;
    let log = Log::default();
    let workers = start(&store, 4, LEASE, &log);
    let ids: Vec<String> = (0..30).map(|i| format!("j{i:02}")).collect();
    for id in &ids {
        enqueue(&store, id, r#"{"sleep_ms": "5"}"#).await;
    }
    for id in &ids {
        let want = v(&format!(r#"{{"id": "{id}", "attempt": 1}}"#));
        assert_eq!(answer_of(&store, id).await, want);
    }
    workers.stop().await;
    let want: Vec<String> = ids.iter().map(|id| format!("{id}#1")).collect();
    assert_eq!(runs(&log), want, "each job runs once");
}

async fn wait_then_callback_resumes(env: Env) {
    let store = env.open().await;
    let log = Log::default();
    let workers = start(&store, 2, LEASE, &log);
    enqueue(&store, "j", r#"{"wait": "ref-1"}"#).await;
    eventually("the session to park", || async {
        let body = Some(v(r#"{"paid": true}"#));
        (store.callback("ref-1", body).await == Ok(CallbackOutcome::Resumed)).then_some(())
    })
    .await;
    let want = v(r#"{"resumed": "callback", "body": {"paid": true}}"#);
    assert_eq!(answer_of(&store, "j").await, want);
    workers.stop().await;
    assert_eq!(
        runs(&log),
        ["j#1", "j#1"],
        "first run, then the resumed run"
    );
}

async fn reference_in_use_goes_on_at_no(env: Env) {
    let store = env.open().await;
    enqueue(&store, "first", "{}").await;
    let claimed = store.claim("elsewhere", LEASE, 1).await.unwrap_or_default();
    assert_eq!(claimed.len(), 1);
    let deadline = SystemTime::now() + Duration::from_secs(60);
    let parked = store
        .park("first", "elsewhere", "same", deadline, v("{}"))
        .await;
    assert_eq!(parked, Ok(ParkOutcome::Parked));
    let log = Log::default();
    let workers = start(&store, 2, LEASE, &log);
    enqueue(&store, "second", r#"{"wait": "same"}"#).await;
    assert_eq!(
        answer_of(&store, "second").await,
        v(r#"{"resumed": "in_use"}"#)
    );
    assert_eq!(
        store.callback("same", None).await,
        Ok(CallbackOutcome::Resumed)
    );
    let want = v(r#"{"resumed": "callback", "body": null}"#);
    assert_eq!(answer_of(&store, "first").await, want);
    workers.stop().await;
}

async fn timeout_resumes_at_no(env: Env) {
    let store = env.open().await;
    let log = Log::default();
    let workers = start(&store, 1, LEASE, &log);
    enqueue(&store, "j", r#"{"wait": "never", "secs": "1"}"#).await;
    assert_eq!(answer_of(&store, "j").await, v(r#"{"resumed": "timeout"}"#));
    workers.stop().await;
    assert_eq!(
        store.callback("never", None).await,
        Ok(CallbackOutcome::Unknown)
    );
}

async fn lease_is_renewed_while_running(env: Env) {
    let store = env.open().await;
    let thief = env.open().await;
    let log = Log::default();
    let workers = start(&store, 1, Duration::from_millis(150), &log);
    enqueue(&store, "slow", r#"{"sleep_ms": "800"}"#).await;
    eventually("the job to start", || async {
        (!runs(&log).is_empty()).then_some(())
    })
    .await;
    for _ in 0..8 {
        tokio::time::sleep(Duration::from_millis(80)).await;
        let stolen = thief.claim("thief", LEASE, 5).await.unwrap_or_default();
        assert!(stolen.is_empty(), "the lease ran out while the job ran");
    }
    assert_eq!(
        answer_of(&store, "slow").await,
        v(r#"{"id": "slow", "attempt": 1}"#)
    );
    workers.stop().await;
    assert_eq!(runs(&log), ["slow#1"]);
}

async fn shutdown_lets_running_jobs_finish(env: Env) {
    let store = env.open().await;
    let log = Log::default();
    let workers = start(&store, 1, LEASE, &log);
    enqueue(&store, "running", r#"{"sleep_ms": "400"}"#).await;
    eventually("the job to start", || async {
        (!runs(&log).is_empty()).then_some(())
    })
    .await;
    let _ = workers.stop.send(true);
    tokio::time::sleep(Duration::from_millis(50)).await;
    enqueue(&store, "later", "{}").await;
    workers.stop().await;
    let done = store.answer("running").await;
    assert_eq!(done, Ok(Some(v(r#"{"id": "running", "attempt": 1}"#))));
    assert_eq!(
        store.answer("later").await,
        Ok(None),
        "claimed after shutdown"
    );
    let left = store.claim("next", LEASE, 5).await.unwrap_or_default();
    assert_eq!(
        left.iter().map(|j| j.id.as_str()).collect::<Vec<_>>(),
        ["later"]
    );
}

async fn dead_workers_job_runs_again(env: Env) {
    let store = env.open().await;
    enqueue(&store, "j", "{}").await;
    let taken = store.claim("crashed", Duration::from_millis(100), 1).await;
    assert_eq!(taken.map(|j| j.len()), Ok(1));
    let log = Log::default();
    let workers = start(&store, 1, LEASE, &log);
    assert_eq!(
        answer_of(&store, "j").await,
        v(r#"{"id": "j", "attempt": 2}"#)
    );
    workers.stop().await;
    assert_eq!(runs(&log), ["j#2"]);
}
