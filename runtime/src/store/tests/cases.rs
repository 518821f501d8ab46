//! The store's behaviour, one case per rule, each run on both backends.

use super::{both, v, Backend, Env};
use crate::store::{
    CallbackOutcome, Channel, ClaimedJob, NewJob, Notice, ParkOutcome, Resume, Store, StoreError,
};
use flowc_lang::Value;
use std::collections::HashSet;
use std::time::{Duration, SystemTime};

both!(cases:
    enqueue_then_claim_once,
    claim_takes_at_most_max,
    duplicate_id_is_refused,
    two_handles_never_share_a_job,
    expired_lease_is_claimed_again,
    claims_take_the_oldest_change_first_across_kinds,
    finish_records_the_answer,
    park_and_callback_resume_once,
    callback_without_body,
    second_park_on_a_reference_is_in_use,
    overdue_wait_frees_its_reference,
    overdue_deadline_times_out,
    timeout_fires_after_restart,
    callback_after_restart,
    jobs_survive_reopening,
    running_job_of_a_dead_process_runs_again,
    migrations_run_once,
    opt_out_rules,
    group_commit,
    notices_fire,
);

const LONG: Duration = Duration::from_secs(60);

fn job(id: &str) -> NewJob {
    NewJob {
        id: id.to_owned(),
        route_id: "route-1".to_owned(),
        payload: v(&format!(r#"{{"id": "{id}", "body": {{"n": 1.50}}}}"#)),
    }
}

async fn enqueue(store: &Store, id: &str) {
    if let Err(e) = store.enqueue(job(id)).await {
        panic!("enqueue {id}: {e}");
    }
}

async fn claim(store: &Store, worker: &str, lease: Duration) -> Vec<ClaimedJob> {
    match store.claim(worker, lease, 100).await {
        Ok(mut jobs) => {
            jobs.sort_by(|a, b| a.id.cmp(&b.id));
            jobs
        }
        Err(e) => panic!("claim: {e}"),
    }
}

/// Claims exactly one job, `id`.
async fn claim_one(store: &Store, worker: &str, id: &str) -> ClaimedJob {
    let mut jobs = claim(store, worker, LONG).await;
    assert_eq!(ids(&jobs), [id], "claimed");
    jobs.remove(0)
}

fn ids(jobs: &[ClaimedJob]) -> Vec<&str> {
    jobs.iter().map(|j| j.id.as_str()).collect()
}

fn in_secs(s: i64) -> SystemTime {
    let now = SystemTime::now();
    let d = Duration::from_secs(s.unsigned_abs());
    if s >= 0 {
        now + d
    } else {
        now - d
    }
}

/// Enqueues `id`, claims it as `w` and parks it on `reference` for `secs`.
async fn parked(store: &Store, id: &str, reference: &str, secs: i64) {
    enqueue(store, id).await;
    claim_one(store, "w", id).await;
    let out = store
        .park(id, "w", reference, in_secs(secs), v(r#"{"step": 2}"#))
        .await;
    assert_eq!(out, Ok(ParkOutcome::Parked));
}

async fn enqueue_then_claim_once(env: Env) {
    let store = env.open().await;
    for id in ["a", "b", "c"] {
        enqueue(&store, id).await;
    }
    let jobs = claim(&store, "w1", LONG).await;
    assert_eq!(ids(&jobs), ["a", "b", "c"]);
    for j in &jobs {
        assert_eq!(j.route_id, "route-1");
        assert_eq!(j.payload, job(&j.id).payload, "payload kept exactly");
        assert_eq!((j.attempt, &j.resume), (1, &None));
    }
    assert!(claim(&store, "w2", LONG).await.is_empty(), "claimed twice");
}

async fn claim_takes_at_most_max(env: Env) {
    let store = env.open().await;
    for i in 0..5 {
        enqueue(&store, &format!("j{i}")).await;
    }
    let first = store.claim("w", LONG, 2).await.unwrap_or_default();
    assert_eq!(first.len(), 2);
    assert_eq!(claim(&store, "w", LONG).await.len(), 3);
}

async fn duplicate_id_is_refused(env: Env) {
    let store = env.open().await;
    enqueue(&store, "same").await;
    let again = store.enqueue(job("same")).await;
    assert_eq!(again, Err(StoreError::Duplicate("same".to_owned())));
    assert_eq!(claim(&store, "w", LONG).await.len(), 1);
}

async fn two_handles_never_share_a_job(env: Env) {
    let (a, b) = (env.open().await, env.open().await);
    for i in 0..200 {
        enqueue(&a, &format!("j{i:03}")).await;
    }
    let take = |store: Store, worker: &'static str| {
        tokio::spawn(async move {
            let mut got = Vec::new();
            loop {
                match store.claim(worker, LONG, 7).await {
                    Ok(jobs) if jobs.is_empty() => return got,
                    Ok(jobs) => got.extend(jobs.into_iter().map(|j| j.id)),
                    Err(e) => panic!("claim: {e}"),
                }
            }
        })
    };
    let (ta, tb) = (take(a, "instance-a"), take(b, "instance-b"));
    let (ga, gb) = (ta.await.unwrap_or_default(), tb.await.unwrap_or_default());
    let all: HashSet<&String> = ga.iter().chain(&gb).collect();
    assert_eq!(ga.len() + gb.len(), 200, "a job was taken twice or lost");
    assert_eq!(all.len(), 200);
}

async fn expired_lease_is_claimed_again(env: Env) {
    let store = env.open().await;
    enqueue(&store, "j").await;
    let first = claim(&store, "dies", Duration::from_millis(100)).await;
    assert_eq!(first[0].attempt, 1);
    assert!(
        claim(&store, "w2", LONG).await.is_empty(),
        "lease not yet over"
    );
    tokio::time::sleep(Duration::from_millis(250)).await;
    let again = claim(&store, "w2", LONG).await;
    assert_eq!((ids(&again), again[0].attempt), (vec!["j"], 2));
    assert_eq!(store.extend_lease("j", "dies", LONG).await, Ok(false));
    let late = store.finish("j", "dies", v("1")).await;
    assert_eq!(late, Err(StoreError::LeaseLost("j".to_owned())));
    assert_eq!(store.extend_lease("j", "w2", LONG).await, Ok(true));
    assert_eq!(store.finish("j", "w2", v("2")).await, Ok(()));
    assert_eq!(store.answer("j").await, Ok(Some(v("2"))));
}

/// Queued jobs and expired leases are found separately (each through its own index) and
/// then merged: a claim still takes the oldest change first, and no more than asked.
async fn claims_take_the_oldest_change_first_across_kinds(env: Env) {
    let store = env.open().await;
    enqueue(&store, "expired").await;
    let short = Duration::from_millis(50);
    assert_eq!(ids(&claim(&store, "dies", short).await), ["expired"]);
    tokio::time::sleep(Duration::from_millis(10)).await;
    enqueue(&store, "queued-1").await;
    tokio::time::sleep(Duration::from_millis(10)).await;
    enqueue(&store, "queued-2").await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let take = |max| store.claim("w", LONG, max);
    let first = take(2).await.unwrap_or_default();
    let mut first: Vec<&str> = first.iter().map(|j| j.id.as_str()).collect();
    first.sort_unstable();
    assert_eq!(first, ["expired", "queued-1"]);
    assert_eq!(ids(&take(2).await.unwrap_or_default()), ["queued-2"]);
}

async fn finish_records_the_answer(env: Env) {
    let store = env.open().await;
    enqueue(&store, "j").await;
    claim_one(&store, "w", "j").await;
    assert_eq!(store.answer("j").await, Ok(None), "not finished yet");
    let answer = v(r#"{"status": 201, "body": {"ok": true, "n": 1.50, "s": "ümlaut"}}"#);
    assert_eq!(store.finish("j", "w", answer.clone()).await, Ok(()));
    assert_eq!(store.answer("j").await, Ok(Some(answer)));
    assert!(
        claim(&store, "w", LONG).await.is_empty(),
        "a done job is claimable"
    );
    assert_eq!(store.answer("nobody").await, Ok(None));
    let twice = store.finish("j", "w", v("0")).await;
    assert_eq!(twice, Err(StoreError::LeaseLost("j".to_owned())));
}

async fn park_and_callback_resume_once(env: Env) {
    let store = env.open().await;
    parked(&store, "j", "order-A17", 60).await;
    assert!(
        claim(&store, "w", LONG).await.is_empty(),
        "a waiting job is claimable"
    );
    let body = v(r#"{"status": "paid", "items": [{"sku": "X1"}]}"#);
    let cb = store.callback("order-A17", Some(body.clone())).await;
    assert_eq!(cb, Ok(CallbackOutcome::Resumed));
    let again = store.callback("order-A17", Some(body.clone())).await;
    assert_eq!(
        again,
        Ok(CallbackOutcome::Unknown),
        "a reference is used once"
    );
    let other = store.callback("order-a17", None).await;
    assert_eq!(
        other,
        Ok(CallbackOutcome::Unknown),
        "references are case-sensitive"
    );
    assert_eq!(
        store.callback("nope", None).await,
        Ok(CallbackOutcome::Unknown)
    );
    let j = claim_one(&store, "w2", "j").await;
    let state = v(r#"{"step": 2}"#);
    assert_eq!(j.resume, Some((state, Resume::Callback(Some(body)))));
    assert_eq!(j.attempt, 1);
    assert_eq!(store.finish("j", "w2", v("true")).await, Ok(()));
}

async fn callback_without_body(env: Env) {
    let store = env.open().await;
    parked(&store, "j", "r", 60).await;
    assert_eq!(
        store.callback("r", None).await,
        Ok(CallbackOutcome::Resumed)
    );
    let j = claim_one(&store, "w", "j").await;
    assert_eq!(j.resume.map(|r| r.1), Some(Resume::Callback(None)));
    // The same reference may be waited on again once it was used.
    let out = store.park("j", "w", "r", in_secs(60), Value::Null).await;
    assert_eq!(out, Ok(ParkOutcome::Parked));
    assert_eq!(
        store.callback("r", Some(Value::Null)).await,
        Ok(CallbackOutcome::Resumed)
    );
    let j = claim_one(&store, "w", "j").await;
    assert_eq!(
        j.resume,
        Some((Value::Null, Resume::Callback(Some(Value::Null))))
    );
}

async fn second_park_on_a_reference_is_in_use(env: Env) {
    let store = env.open().await;
    parked(&store, "first", "shared", 60).await;
    enqueue(&store, "second").await;
    claim_one(&store, "w", "second").await;
    let out = store
        .park("second", "w", "shared", in_secs(60), v("{}"))
        .await;
    assert_eq!(out, Ok(ParkOutcome::ReferenceInUse));
    // The second job stays leased to its worker, which goes on at `no`.
    assert_eq!(store.extend_lease("second", "w", LONG).await, Ok(true));
    assert_eq!(store.finish("second", "w", v(r#""no""#)).await, Ok(()));
    let stranger = store.park("first", "w", "x", in_secs(60), v("{}")).await;
    assert_eq!(stranger, Err(StoreError::LeaseLost("first".to_owned())));
    assert_eq!(
        store.callback("shared", None).await,
        Ok(CallbackOutcome::Resumed)
    );
}

async fn overdue_wait_frees_its_reference(env: Env) {
    let store = env.open().await;
    enqueue(&store, "old").await;
    enqueue(&store, "new").await;
    assert_eq!(claim(&store, "w", LONG).await.len(), 2);
    let state = v(r#"{"step": 2}"#);
    let old = store
        .park("old", "w", "r", in_secs(-1), state.clone())
        .await;
    assert_eq!(old, Ok(ParkOutcome::Parked));
    // The old wait timed out (while nobody ran its timeout): "r" is free again.
    let new = store.park("new", "w", "r", in_secs(60), v("{}")).await;
    assert_eq!(new, Ok(ParkOutcome::Parked));
    let j = claim_one(&store, "w", "old").await;
    assert_eq!(j.resume, Some((state, Resume::TimedOut)));
    assert_eq!(
        store.callback("r", None).await,
        Ok(CallbackOutcome::Resumed)
    );
    assert_eq!(ids(&claim(&store, "w", LONG).await), ["new"]);
}

async fn overdue_deadline_times_out(env: Env) {
    let store = env.open().await;
    parked(&store, "j", "late", -1).await;
    let cb = store.callback("late", Some(v("{}"))).await;
    assert_eq!(
        cb,
        Ok(CallbackOutcome::Unknown),
        "a callback after the deadline"
    );
    let j = claim_one(&store, "w", "j").await;
    assert_eq!(j.resume, Some((v(r#"{"step": 2}"#), Resume::TimedOut)));
    assert_eq!(j.attempt, 1);
    assert_eq!(
        store.callback("late", None).await,
        Ok(CallbackOutcome::Unknown)
    );
}

async fn timeout_fires_after_restart(env: Env) {
    let store = env.open().await;
    parked(&store, "j", "r", 1).await;
    assert!(claim(&store, "w", LONG).await.is_empty());
    drop(store);
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let store = env.open().await;
    let j = claim_one(&store, "w", "j").await;
    assert_eq!(j.resume.map(|r| r.1), Some(Resume::TimedOut));
}

async fn callback_after_restart(env: Env) {
    let store = env.open().await;
    parked(&store, "j", "r", 60).await;
    drop(store);
    let store = env.open().await;
    assert_eq!(
        store.callback("r", Some(v("7"))).await,
        Ok(CallbackOutcome::Resumed)
    );
    let j = claim_one(&store, "w", "j").await;
    assert_eq!(j.resume.map(|r| r.1), Some(Resume::Callback(Some(v("7")))));
}

async fn jobs_survive_reopening(env: Env) {
    let store = env.open().await;
    for id in ["a", "b", "c"] {
        enqueue(&store, id).await;
    }
    drop(store);
    if let Backend::Sqlite = env.backend {
        let file = env.config.data_dir.join(crate::store::FILE_NAME);
        assert!(file.is_file(), "{} missing", file.display());
    }
    let store = env.open().await;
    assert_eq!(ids(&claim(&store, "w", LONG).await), ["a", "b", "c"]);
}

async fn running_job_of_a_dead_process_runs_again(env: Env) {
    let store = env.open().await;
    enqueue(&store, "j").await;
    claim_one(&store, "dead", "j").await;
    drop(store);
    let store = env.open().await;
    match env.backend {
        // One file, one process: the new process takes the old one's jobs back at once.
        Backend::Sqlite => assert_eq!(claim_one(&store, "w", "j").await.attempt, 2),
        // Another instance may still be running it: only its lease frees it.
        Backend::Postgres => assert!(claim(&store, "w", LONG).await.is_empty()),
    }
}

async fn migrations_run_once(env: Env) {
    let a = env.open().await;
    enqueue(&a, "kept").await;
    let b = env.open().await;
    let c = env.open().await;
    for store in [&a, &b, &c] {
        assert_eq!(store.schema_versions().await, Ok(vec![1]));
    }
    assert_eq!(ids(&claim(&c, "w", LONG).await), ["kept"]);
}

/// One opt-out operation and what it must give.
enum Op {
    Add(&'static str, Channel),
    Check(&'static str, Channel, bool),
    Delete(&'static str, Channel, bool),
}

async fn opt_out_rules(env: Env) {
    use Channel::{Both, Sms, Whatsapp};
    use Op::{Add, Check, Delete};
    let table = [
        Check("+27821234567", Whatsapp, false),
        Add("+27821234567", Whatsapp),
        Add("+27821234567", Whatsapp), // already out: still fine
        Check("+27821234567", Whatsapp, true),
        Check("+27821234567", Sms, false),
        Check("+27821234567", Both, true), // either channel
        Check("+27821234568", Both, false),
        Delete("+27821234567", Sms, false),
        Delete("+27821234567", Both, true), // either was there
        Check("+27821234567", Both, false),
        Delete("+27821234567", Whatsapp, false),
        Add("+441234567", Both), // both channels
        Check("+441234567", Sms, true),
        Check("+441234567", Whatsapp, true),
        Delete("+441234567", Whatsapp, true),
        Check("+441234567", Whatsapp, false),
        Check("+441234567", Both, true),
        Delete("+441234567", Both, true),
        Check("+441234567", Sms, false),
        Add("+15550001", Sms),
    ];
    let store = env.open().await;
    for (row, op) in table.iter().enumerate() {
        check_op(&store, row, op).await;
    }
    drop(store);
    let store = env.open().await;
    check_op(&store, 99, &Check("+15550001", Sms, true)).await; // outlives restarts
}

async fn check_op(store: &Store, row: usize, op: &Op) {
    match *op {
        Op::Add(n, c) => assert_eq!(store.opt_out(n, c).await, Ok(()), "row {row}"),
        Op::Check(n, c, want) => {
            assert_eq!(store.is_opted_out(n, c).await, Ok(want), "row {row}")
        }
        Op::Delete(n, c, want) => {
            assert_eq!(store.delete_opt_out(n, c).await, Ok(want), "row {row}")
        }
    }
}

async fn group_commit(env: Env) {
    let store = env.open().await;
    let before = store.commits();
    let tasks: Vec<_> = (0..1000)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move { store.enqueue(job(&format!("g{i:04}"))).await })
        })
        .collect();
    for t in tasks {
        assert!(matches!(t.await, Ok(Ok(()))), "an enqueue failed");
    }
    let commits = store.commits() - before;
    println!("group commit: 1000 enqueues in {commits} transactions");
    assert!(commits <= 250, "1000 enqueues took {commits} transactions");
    let mut seen = HashSet::new();
    loop {
        let jobs = store.claim("w", LONG, 300).await.unwrap_or_default();
        if jobs.is_empty() {
            break;
        }
        seen.extend(jobs.into_iter().map(|j| j.id));
    }
    assert_eq!(seen.len(), 1000);
}

async fn notices_fire(env: Env) {
    let (a, b) = (env.open().await, env.open().await);
    // SQLite notices stay in their process; PostgreSQL's reach every instance.
    let listener = match env.backend {
        Backend::Sqlite => &a,
        Backend::Postgres => &b,
    };
    let mut notices = listener.notices();
    parked(&a, "j", "r", 60).await;
    assert_eq!(next_notice(&mut notices).await, Notice::Enqueued);
    assert_eq!(a.callback("r", None).await, Ok(CallbackOutcome::Resumed));
    assert_eq!(next_notice(&mut notices).await, Notice::Resumed);
    assert_eq!(a.callback("r", None).await, Ok(CallbackOutcome::Unknown));
    let quiet = tokio::time::timeout(Duration::from_millis(200), notices.recv()).await;
    assert!(quiet.is_err(), "an unknown callback gave a notice");
}

async fn next_notice(rx: &mut tokio::sync::broadcast::Receiver<Notice>) -> Notice {
    match tokio::time::timeout(Duration::from_secs(5), rx.recv()).await {
        Ok(Ok(notice)) => notice,
        other => panic!("no notice: {other:?}"),
    }
}
