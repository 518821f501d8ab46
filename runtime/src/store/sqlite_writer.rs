//! The SQLite store's one writer thread: group commit.
//!
//! Every write goes through a channel to this thread, which takes whatever has queued up
//! (up to [`MAX_BATCH`]) and runs it in one transaction, so a burst of acknowledged requests
//! costs one fsync per batch rather than one each. Each operation runs inside its own
//! savepoint, so a failing operation undoes only itself. Callers hear their result only
//! after the batch's `COMMIT`: an `enqueue` that returned is on disk.

use super::types::StoreError;
use rusqlite::Connection;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::thread;

/// The most operations one transaction takes; bounds the latency of the first in a batch.
const MAX_BATCH: usize = 1024;

/// One operation: runs on the writer's connection (or learns that the transaction could
/// not start), says whether it succeeded, and returns what to do once the batch committed.
pub(crate) type Work = Box<dyn FnOnce(Result<&Connection, StoreError>) -> (bool, Done) + Send>;

/// Delivers an operation's result once its batch's commit succeeded or failed.
pub(crate) type Done = Box<dyn FnOnce(Result<(), StoreError>) + Send>;

/// Starts the writer thread on `conn`; it stops when every sender is dropped. `commits`
/// counts the transactions it committed.
pub(crate) fn spawn(
    conn: Connection,
    commits: Arc<AtomicU64>,
) -> Result<mpsc::Sender<Work>, StoreError> {
    let (tx, rx) = mpsc::channel::<Work>();
    thread::Builder::new()
        .name("flowc-store".to_owned())
        .spawn(move || run(&conn, &rx, &commits))
        .map_err(|e| StoreError::Open(format!("cannot start the store thread: {e}")))?;
    Ok(tx)
}

/// Maps a SQLite error to a store error.
pub(crate) fn db_error(e: rusqlite::Error) -> StoreError {
    StoreError::Database(e.to_string())
}

fn run(conn: &Connection, rx: &mpsc::Receiver<Work>, commits: &AtomicU64) {
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(work) => batch.push(work),
                Err(_) => break,
            }
        }
        commit_batch(conn, batch, commits);
    }
}

fn commit_batch(conn: &Connection, batch: Vec<Work>, commits: &AtomicU64) {
    // IMMEDIATE takes the write lock now, so a second process on the same file waits
    // (busy timeout) instead of failing half-way.
    if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
        let err = db_error(e);
        for work in batch {
            let (_, done) = work(Err(err.clone()));
            done(Err(err.clone()));
        }
        return;
    }
    let dones: Vec<Done> = batch
        .into_iter()
        .map(|work| in_savepoint(conn, work))
        .collect();
    let committed = conn.execute_batch("COMMIT").map_err(db_error);
    match &committed {
        Ok(()) => {
            commits.fetch_add(1, Ordering::Relaxed);
        }
        Err(_) => {
            // Nothing of the batch is kept; every caller hears the commit's error.
            let _ = conn.execute_batch("ROLLBACK");
        }
    }
    for done in dones {
        done(committed.clone());
    }
}

fn in_savepoint(conn: &Connection, work: Work) -> Done {
    if let Err(e) = conn.execute_batch("SAVEPOINT op") {
        return work(Err(db_error(e))).1;
    }
    let (ok, done) = work(Ok(conn));
    let end = if ok {
        "RELEASE op"
    } else {
        "ROLLBACK TO op; RELEASE op"
    };
    match conn.execute_batch(end) {
        Ok(()) => done,
        // The savepoint could not be closed: the operation's result cannot be trusted, so
        // its caller hears an error even if the batch commits.
        Err(e) => {
            let err = db_error(e);
            Box::new(move |_| done(Err(err)))
        }
    }
}
