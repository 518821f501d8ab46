//! The worker loop: claims stored jobs, runs them, and records how each run ended.
//!
//! One dispatcher task per [`spawn_workers`] call claims as many jobs as it has free
//! slots, runs each on its own task while renewing its lease, and then either records the
//! answer ([`Store::finish`]) or parks the session ([`Store::park`]). It claims again when a
//! [`Notice`](super::Notice) arrives, when a slot frees up while work is waiting, and every
//! [`POLL_INTERVAL`] (which is how expired leases and passed deadlines are found).
//!
//! A `wait_for_callback` in a stored session ends the run with [`JobResult::Wait`]. When the
//! reference is already in use, the worker runs the job again at once with
//! [`Resume::InUse`] and the state the session tried to park with, so the session goes on
//! at `no` (§13 rule 27) through the same resume path as a timeout. The run closure never
//! touches the store itself.

use super::types::{ClaimedJob, ParkOutcome, Resume};
use super::Store;
use flowc_lang::Value;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tokio::sync::{broadcast, watch, Semaphore};
use tokio::task::JoinHandle;

/// How often an idle dispatcher claims without a notice: the resolution of lease expiry
/// and of stored timeouts.
pub const POLL_INTERVAL: Duration = Duration::from_millis(250);

/// Runs one claimed job to its end or to its next wait.
pub type RunFn =
    Arc<dyn Fn(ClaimedJob) -> Pin<Box<dyn Future<Output = JobResult> + Send>> + Send + Sync>;

/// How a run of a stored session ended.
#[derive(Debug, Clone, PartialEq)]
pub enum JobResult {
    /// The session ended; the value is its `api_end` answer or error, recorded as is.
    Finished(Value),
    /// The session reached a `wait_for_callback`: park it with `state` until a callback
    /// names `reference` or `deadline` passes. It is claimed again with
    /// `resume: Some((state, Resume::Callback(_) | Resume::TimedOut))`, or — when the
    /// reference is in use — run again at once with `Some((state, Resume::InUse))`.
    Wait {
        /// The reference the callback must name.
        reference: String,
        /// When the wait times out (wall-clock; it keeps running while the server is down).
        deadline: SystemTime,
        /// Everything the session needs to resume: variables, node results, the step.
        state: Value,
    },
}

/// Starts `workers` concurrent job runners on `store`, each job leased for `lease` and
/// renewed every third of it while it runs. Setting `shutdown` to `true` (or dropping its
/// sender) stops claiming; the returned handle completes once the running jobs have
/// finished. Must be called inside a Tokio runtime.
pub fn spawn_workers(
    store: Store,
    workers: usize,
    lease: Duration,
    run: RunFn,
    shutdown: watch::Receiver<bool>,
) -> JoinHandle<()> {
    let ctx = Arc::new(Ctx {
        store,
        // A fresh name per process: a restarted server never mistakes a dead process's
        // lease for its own.
        worker: format!("worker-{}", uuid::Uuid::new_v4()),
        lease,
        run,
    });
    tokio::spawn(dispatch(ctx, workers.max(1), shutdown))
}

struct Ctx {
    store: Store,
    worker: String,
    lease: Duration,
    run: RunFn,
}

async fn dispatch(ctx: Arc<Ctx>, workers: usize, mut shutdown: watch::Receiver<bool>) {
    let slots = Arc::new(Semaphore::new(workers));
    let mut notices = ctx.store.notices();
    while !stopping(&shutdown) {
        let free = slots.available_permits();
        let mut more_waiting = false;
        if free > 0 {
            match ctx.store.claim(&ctx.worker, ctx.lease, free).await {
                Ok(jobs) => {
                    more_waiting = jobs.len() == free;
                    for job in jobs {
                        start(&ctx, &slots, job).await;
                    }
                }
                Err(e) => eprintln!("store: claiming jobs failed: {e}"),
            }
        }
        if more_waiting && slots.available_permits() > 0 {
            continue;
        }
        let full = free == 0 || more_waiting;
        wait_for_work(&slots, &mut notices, &mut shutdown, full).await;
    }
    // Let the running jobs finish: each holds a slot until it is recorded.
    let _ = slots.acquire_many(workers as u32).await;
}

/// Whether the dispatcher should stop claiming.
fn stopping(shutdown: &watch::Receiver<bool>) -> bool {
    *shutdown.borrow() || shutdown.has_changed().is_err()
}

/// Waits until claiming may find something: a free slot when all are busy (or more work
/// is known to wait), else a notice or the poll interval. Shutdown ends any wait.
async fn wait_for_work(
    slots: &Semaphore,
    notices: &mut broadcast::Receiver<super::Notice>,
    shutdown: &mut watch::Receiver<bool>,
    full: bool,
) {
    if full {
        tokio::select! {
            _ = slots.acquire() => {}
            _ = shutdown.changed() => {}
        }
        return;
    }
    tokio::select! {
        // A lagged receiver also just means "claim".
        _ = notices.recv() => {}
        _ = tokio::time::sleep(POLL_INTERVAL) => {}
        _ = shutdown.changed() => {}
    }
}

async fn start(ctx: &Arc<Ctx>, slots: &Arc<Semaphore>, job: ClaimedJob) {
    // Only the dispatcher takes slots and it claimed no more than were free, so this does
    // not wait; the semaphore is never closed.
    let Ok(slot) = Arc::clone(slots).acquire_owned().await else {
        return;
    };
    let ctx = Arc::clone(ctx);
    tokio::spawn(async move {
        run_job(&ctx, job).await;
        drop(slot);
    });
}

/// Runs a job until it is finished or parked. A store failure is logged and the job left
/// to its lease: when the lease runs out it is claimed again (at-least-once).
async fn run_job(ctx: &Ctx, mut job: ClaimedJob) {
    loop {
        let id = job.id.clone();
        let result = keep_leased(ctx, &id, (ctx.run)(job.clone())).await;
        let outcome = match result {
            JobResult::Finished(answer) => ctx.store.finish(&id, &ctx.worker, answer).await,
            JobResult::Wait {
                reference,
                deadline,
                state,
            } => {
                let parked = ctx
                    .store
                    .park(&id, &ctx.worker, &reference, deadline, state.clone())
                    .await;
                if parked == Ok(ParkOutcome::ReferenceInUse) {
                    job.resume = Some((state, Resume::InUse));
                    continue;
                }
                parked.map(|_| ())
            }
        };
        if let Err(e) = outcome {
            eprintln!("store: job {id}: {e}");
        }
        return;
    }
}

/// Awaits `run` while renewing the job's lease every third of it.
async fn keep_leased(ctx: &Ctx, id: &str, run: impl Future<Output = JobResult>) -> JobResult {
    tokio::pin!(run);
    let every = (ctx.lease / 3).max(Duration::from_millis(10));
    let mut renew = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    loop {
        tokio::select! {
            result = &mut run => return result,
            _ = renew.tick() => {
                match ctx.store.extend_lease(id, &ctx.worker, ctx.lease).await {
                    Ok(true) => {}
                    // Another worker has the job now; this run goes on (at-least-once), but
                    // its end will not be recorded.
                    Ok(false) => eprintln!("store: job {id}: lease lost while running"),
                    Err(e) => eprintln!("store: job {id}: renewing the lease failed: {e}"),
                }
            }
        }
    }
}
