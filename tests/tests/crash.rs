//! Crash tests over real processes (issue 5; spec §6.2, §4.9, §8, §13 rule 27): an
//! acknowledged asynchronous request is never lost, and a parked session survives its
//! server.
//!
//! Each test starts `crash_server` (tests/src/bin/crash_server.rs, serving
//! tests/crash/bundle) as a child process, kills it with SIGKILL, starts it again on the
//! same store, and watches a counting upstream that every session calls:
//!
//! * the `count` route calls the upstream's slow `/hit` with `{"id": <session id>, "n": …}`
//!   and then `/done` with the same: after a kill and a restart, every acknowledged session
//!   reaches `/done` — at least once and at most twice (a session cut off mid-run runs
//!   again: at-least-once). Servers are killed while calls are under way, so `/done`, not
//!   `/hit`, is what proves that a session ran after the crash;
//! * the `wait` route parks on `wait_for_callback` (`timeout_s` 3) and then reports
//!   `{"ref": …, "outcome": "callback" | "timeout"}`.
//!
//! SQLite runs always; PostgreSQL (two instances on one database, each test in its own
//! schema) when `FLOWC_TEST_DATABASE_URL` is set. Both backends run every scenario.

#[path = "crash/harness.rs"]
mod harness;

use harness::{
    acknowledge, callback, unique, until, Backend, Log, PgSchema, ServerProc, StoreAt, TempDir,
    Upstream,
};
use std::collections::HashMap;
use std::future::Future;
use std::time::{Duration, Instant};

const COUNT_ROUTE: &str = "/dynamic/df99211a-caea-4ab2-a7ba-549541ca1300";
const WAIT_ROUTE: &str = "/dynamic/ba0717ac-62fb-4d29-bb38-568c5371262a";

/// Acknowledged requests per kill test.
const N: usize = 40;

/// The wait route's `timeout_s`.
const WAIT_TIMEOUT: Duration = Duration::from_secs(3);

/// Long enough for a worker to claim a fresh job and park it.
const PARK_TIME: Duration = Duration::from_millis(300);

/// How long the upstream takes to answer in the kill tests: long enough that most of the
/// acknowledged sessions have not run when the server is killed, and that the first ones
/// are cut off in the middle of their call.
const SLOW_UPSTREAM: Duration = Duration::from_millis(100);

/// The most a whole test may take.
const TEST_LIMIT: Duration = Duration::from_secs(60);

/// Runs a scenario on a fresh runtime, bounded by [`TEST_LIMIT`], and says how long it took.
fn run(name: &str, scenario: impl Future<Output = ()>) {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => panic!("cannot start a runtime: {e}"),
    };
    let started = Instant::now();
    runtime.block_on(async {
        if tokio::time::timeout(TEST_LIMIT, scenario).await.is_err() {
            panic!("{name} took longer than {TEST_LIMIT:?}");
        }
    });
    println!("{name}: {:?}", started.elapsed());
}

/// Sends [`N`] requests at once, request `i` to `ports[i % ports.len()]`; every one must be
/// acknowledged. The map is id → the `n` it was sent with.
async fn acknowledge_n(ports: &[u16]) -> HashMap<String, String> {
    let mut sends = tokio::task::JoinSet::new();
    for i in 0..N {
        let port = ports[i % ports.len()];
        sends.spawn(async move {
            let id = acknowledge(port, COUNT_ROUTE, &format!(r#"{{"n": {i}}}"#)).await;
            (id, i.to_string())
        });
    }
    let mut sent = HashMap::new();
    while let Some(done) = sends.join_next().await {
        match done {
            Ok((id, n)) => {
                sent.insert(id, n);
            }
            Err(e) => panic!("a request failed: {e}"),
        }
    }
    assert_eq!(sent.len(), N, "session ids must be distinct");
    sent
}

/// Waits (≤ 20 s) until every acknowledged session got past its call (`/done`), then
/// checks that each made its call and finished once or twice (at-least-once: a session
/// cut off mid-run runs again), always with its own `n`, and that nothing else ran.
async fn expect_all_counted(upstream: &Upstream, sent: &HashMap<String, String>, log: &Log) {
    let all_done = || {
        let done = upstream.ids("/done");
        sent.keys().all(|id| done.contains_key(id)).then_some(())
    };
    let what = "every acknowledged session to finish";
    until(what, Duration::from_secs(20), log, all_done).await;
    // A moment for a second run of a session cut off late to show up, if it will.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut repeated = 0;
    for path in ["/hit", "/done"] {
        let ids = upstream.ids(path);
        for (id, n) in sent {
            let arrivals = ids.get(id).map_or(&[][..], Vec::as_slice);
            let times = arrivals.len();
            assert!(
                (1..=2).contains(&times),
                "{id} at {path} {times} times:\n{}",
                log.text()
            );
            assert!(
                arrivals.iter().all(|got| got == n),
                "{id} sent n={n}, {path} saw {arrivals:?}"
            );
            repeated += times - 1;
        }
        let strangers: Vec<_> = ids.keys().filter(|id| !sent.contains_key(*id)).collect();
        assert!(
            strangers.is_empty(),
            "ids nobody acknowledged at {path}: {strangers:?}"
        );
    }
    println!("{N} acknowledged, all finished; {repeated} repeated calls");
}

/// Says how far the sessions had got when the server was killed.
fn at_the_kill(upstream: &Upstream) {
    let (called, finished) = (upstream.ids("/hit").len(), upstream.ids("/done").len());
    println!("at the kill: {called} of {N} had made their call, {finished} had finished it");
}

/// Sends a wait request with a fresh reference and gives it time to park; nothing may have
/// reached the upstream yet. Returns the reference.
async fn park(port: u16, upstream: &Upstream) -> String {
    let reference = unique("ref");
    acknowledge(port, WAIT_ROUTE, &format!(r#"{{"ref": "{reference}"}}"#)).await;
    tokio::time::sleep(PARK_TIME).await;
    assert_eq!(
        upstream.outcomes(&reference),
        Vec::<String>::new(),
        "the session did not wait"
    );
    reference
}

/// Delivers a callback, expecting `202`. A `404` is retried for a while: a server killed
/// before the session parked runs it again after the restart, and it parks then.
async fn deliver(port: u16, reference: &str, log: &Log) {
    let end = Instant::now() + Duration::from_secs(2);
    loop {
        let status = callback(port, reference).await;
        if status == 202 {
            return;
        }
        assert!(
            status == 404 && Instant::now() < end,
            "callback {reference}: {status}\n{}",
            log.text()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until the upstream heard how the wait on `reference` ended; it must be `expected`,
/// once.
async fn expect_outcome(
    upstream: &Upstream,
    reference: &str,
    expected: &str,
    limit: Duration,
    log: &Log,
) {
    let told = || {
        let outcomes = upstream.outcomes(reference);
        (!outcomes.is_empty()).then_some(())
    };
    until(&format!("the outcome of {reference}"), limit, log, told).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        upstream.outcomes(reference),
        vec![expected.to_owned()],
        "{reference}:\n{}",
        log.text()
    );
}

/// N acknowledged, SIGKILL at once, restart on the same folder: all N run.
async fn sqlite_kill_restart(backend: Backend) {
    let (upstream, dir, log) = (
        Upstream::start(SLOW_UPSTREAM).await,
        TempDir::new(),
        Log::default(),
    );
    let store = StoreAt::Dir(dir.0.clone());
    let first = ServerProc::start("first", backend, &store, &upstream.url, &log).await;
    let sent = acknowledge_n(&[first.port]).await;
    first.sigkill();
    at_the_kill(&upstream);
    let _second = ServerProc::start("second", backend, &store, &upstream.url, &log).await;
    expect_all_counted(&upstream, &sent, &log).await;
}

/// A session parked before a SIGKILL resumes on a callback to the restarted server.
async fn sqlite_callback_after_restart(backend: Backend) {
    let (upstream, dir, log) = (
        Upstream::start(Duration::ZERO).await,
        TempDir::new(),
        Log::default(),
    );
    let store = StoreAt::Dir(dir.0.clone());
    let first = ServerProc::start("first", backend, &store, &upstream.url, &log).await;
    let reference = park(first.port, &upstream).await;
    first.sigkill();
    let second = ServerProc::start("second", backend, &store, &upstream.url, &log).await;
    deliver(second.port, &reference, &log).await;
    expect_outcome(
        &upstream,
        &reference,
        "callback",
        Duration::from_secs(10),
        &log,
    )
    .await;
}

/// A wait whose timeout passes while the server is down times out when it is back.
async fn sqlite_timeout_after_restart(backend: Backend) {
    let (upstream, dir, log) = (
        Upstream::start(Duration::ZERO).await,
        TempDir::new(),
        Log::default(),
    );
    let store = StoreAt::Dir(dir.0.clone());
    let first = ServerProc::start("first", backend, &store, &upstream.url, &log).await;
    let reference = park(first.port, &upstream).await;
    first.sigkill();
    tokio::time::sleep(WAIT_TIMEOUT + Duration::from_secs(1)).await;
    let _second = ServerProc::start("second", backend, &store, &upstream.url, &log).await;
    expect_outcome(
        &upstream,
        &reference,
        "timeout",
        Duration::from_secs(5),
        &log,
    )
    .await;
}

/// Two instances on one database take N requests alternately; one is killed at once. The
/// other runs everything: what was queued at once, what the dead one held after its lease.
async fn postgres_kill_one_of_two(backend: Backend) {
    let Some(schema) = PgSchema::create().await else {
        return;
    };
    let (upstream, log) = (Upstream::start(SLOW_UPSTREAM).await, Log::default());
    let store = StoreAt::Url(schema.url());
    let a = ServerProc::start("A", backend, &store, &upstream.url, &log).await;
    let b = ServerProc::start("B", backend, &store, &upstream.url, &log).await;
    let sent = acknowledge_n(&[a.port, b.port]).await;
    a.sigkill();
    at_the_kill(&upstream);
    expect_all_counted(&upstream, &sent, &log).await;
}

/// A session parked by instance A resumes on a callback sent to instance B: while A is up,
/// and after A was killed.
async fn postgres_callback_on_other_instance(backend: Backend) {
    let Some(schema) = PgSchema::create().await else {
        return;
    };
    let (upstream, log) = (Upstream::start(Duration::ZERO).await, Log::default());
    let store = StoreAt::Url(schema.url());
    let a = ServerProc::start("A", backend, &store, &upstream.url, &log).await;
    let b = ServerProc::start("B", backend, &store, &upstream.url, &log).await;
    let while_up = park(a.port, &upstream).await;
    deliver(b.port, &while_up, &log).await;
    expect_outcome(
        &upstream,
        &while_up,
        "callback",
        Duration::from_secs(10),
        &log,
    )
    .await;
    let after_kill = park(a.port, &upstream).await;
    a.sigkill();
    deliver(b.port, &after_kill, &log).await;
    expect_outcome(
        &upstream,
        &after_kill,
        "callback",
        Duration::from_secs(10),
        &log,
    )
    .await;
}

#[test]
fn sqlite_compiled_kill_restart() {
    run(
        "sqlite_compiled_kill_restart",
        sqlite_kill_restart(Backend::Compiled),
    );
}

#[test]
fn sqlite_interp_kill_restart() {
    run(
        "sqlite_interp_kill_restart",
        sqlite_kill_restart(Backend::Interp),
    );
}

#[test]
fn sqlite_compiled_callback_after_restart() {
    run(
        "sqlite_compiled_callback_after_restart",
        sqlite_callback_after_restart(Backend::Compiled),
    );
}

#[test]
fn sqlite_interp_callback_after_restart() {
    run(
        "sqlite_interp_callback_after_restart",
        sqlite_callback_after_restart(Backend::Interp),
    );
}

#[test]
fn sqlite_compiled_timeout_after_restart() {
    run(
        "sqlite_compiled_timeout_after_restart",
        sqlite_timeout_after_restart(Backend::Compiled),
    );
}

#[test]
fn sqlite_interp_timeout_after_restart() {
    run(
        "sqlite_interp_timeout_after_restart",
        sqlite_timeout_after_restart(Backend::Interp),
    );
}

#[test]
fn postgres_compiled_kill_one_of_two() {
    run(
        "postgres_compiled_kill_one_of_two",
        postgres_kill_one_of_two(Backend::Compiled),
    );
}

#[test]
fn postgres_interp_kill_one_of_two() {
    run(
        "postgres_interp_kill_one_of_two",
        postgres_kill_one_of_two(Backend::Interp),
    );
}

#[test]
fn postgres_compiled_callback_on_other_instance() {
    run(
        "postgres_compiled_callback_on_other_instance",
        postgres_callback_on_other_instance(Backend::Compiled),
    );
}

#[test]
fn postgres_interp_callback_on_other_instance() {
    run(
        "postgres_interp_callback_on_other_instance",
        postgres_callback_on_other_instance(Backend::Interp),
    );
}
