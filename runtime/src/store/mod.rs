//! The durable store (§8): asynchronous requests (§6.2), waiting sessions (§4.9) and the
//! opt-out list (§4.10).
//!
//! Two implementations with one behaviour: [`SqliteStore`] (the default, one file under
//! `--data-dir`) and [`PgStore`] (`--database-url`, several instances on one database).
//! [`Store`] dispatches between them without `dyn`. [`spawn_workers`] runs stored jobs.
//!
//! Invariants:
//! * An `enqueue` that returned `Ok` is committed; batches of concurrent enqueues share one
//!   commit (group commit).
//! * A job is leased to one worker at a time; a lease that runs out makes the job
//!   claimable again (at-least-once, never "zombie" jobs behind a dead worker).
//! * A reference is held by at most one waiting session; a callback uses it up.
//! * Deadlines are wall-clock times, so timeouts keep running while the server is down.

mod postgres;
mod schema;
mod sqlite;
mod sqlite_writer;
mod types;
mod worker;

#[cfg(test)]
mod tests;

pub use postgres::PgStore;
pub use sqlite::{SqliteStore, FILE_NAME};
pub use types::{
    CallbackOutcome, Channel, ClaimedJob, NewJob, Notice, ParkOutcome, Resume, StoreConfig,
    StoreError,
};
pub use worker::{spawn_workers, JobResult, RunFn, POLL_INTERVAL};

use flowc_lang::Value;
use std::time::{Duration, SystemTime};
use tokio::sync::broadcast;

/// The server's store: SQLite or PostgreSQL. Cheap to clone.
#[derive(Clone)]
pub enum Store {
    /// The embedded store.
    Sqlite(SqliteStore),
    /// The shared store.
    Postgres(PgStore),
}

/// Calls the same method on whichever store this is.
macro_rules! dispatch {
    ($self:ident . $method:ident ( $($arg:expr),* )) => {
        match $self {
            Store::Sqlite(s) => s.$method($($arg),*).await,
            Store::Postgres(s) => s.$method($($arg),*).await,
        }
    };
}

impl Store {
    /// Opens the store `cfg` names: PostgreSQL when it has a database URL, else
    /// `<data_dir>/flowc.db` (created on first start). Either is migrated forward.
    pub async fn open(cfg: &StoreConfig) -> Result<Store, StoreError> {
        match &cfg.database_url {
            Some(url) => PgStore::open(url).await.map(Store::Postgres),
            None => SqliteStore::open(&cfg.data_dir).await.map(Store::Sqlite),
        }
    }

    /// Stores an asynchronous request; when this returns `Ok`, it is committed and the
    /// `202` may leave. An id already stored is [`StoreError::Duplicate`].
    pub async fn enqueue(&self, job: NewJob) -> Result<(), StoreError> {
        dispatch!(self.enqueue(job))
    }

    /// Leases up to `max` jobs to `worker` for `lease`: queued jobs, jobs whose lease ran
    /// out, parked jobs whose callback came, and parked jobs whose deadline passed.
    pub async fn claim(
        &self,
        worker: &str,
        lease: Duration,
        max: usize,
    ) -> Result<Vec<ClaimedJob>, StoreError> {
        dispatch!(self.claim(worker, lease, max))
    }

    /// Renews `worker`'s lease on a running job; `false` when the job is no longer its own.
    pub async fn extend_lease(
        &self,
        id: &str,
        worker: &str,
        lease: Duration,
    ) -> Result<bool, StoreError> {
        dispatch!(self.extend_lease(id, worker, lease))
    }

    /// Records the answer (or error) a session ended with; the job is done.
    /// [`StoreError::LeaseLost`] when the job is no longer leased to `worker`.
    pub async fn finish(&self, id: &str, worker: &str, answer: Value) -> Result<(), StoreError> {
        dispatch!(self.finish(id, worker, answer))
    }

    /// Parks a running session until a callback names `reference` or `deadline` passes,
    /// with the `state` it resumes from. [`ParkOutcome::ReferenceInUse`] when another
    /// session waits on that reference (the job stays leased to `worker`).
    pub async fn park(
        &self,
        id: &str,
        worker: &str,
        reference: &str,
        deadline: SystemTime,
        state: Value,
    ) -> Result<ParkOutcome, StoreError> {
        dispatch!(self.park(id, worker, reference, deadline, state))
    }

    /// Delivers a callback: the session waiting on `reference` becomes claimable with
    /// [`Resume::Callback`]. [`CallbackOutcome::Unknown`] when nobody waits on it (CT40);
    /// nothing is buffered.
    pub async fn callback(
        &self,
        reference: &str,
        body: Option<Value>,
    ) -> Result<CallbackOutcome, StoreError> {
        dispatch!(self.callback(reference, body))
    }

    /// The answer a finished session recorded; `None` while it has not finished.
    pub async fn answer(&self, id: &str) -> Result<Option<Value>, StoreError> {
        dispatch!(self.answer(id))
    }

    /// Puts a number on the opt-out list for `channel` (both lists for `Both`). A number
    /// already there stays. Numbers are stored as given: normalise them first
    /// (`flowc_lang::nodes::normalize_msisdn`).
    pub async fn opt_out(&self, number: &str, channel: Channel) -> Result<(), StoreError> {
        dispatch!(self.opt_out(number, channel))
    }

    /// Whether the number is opted out for `channel` (for `Both`: for either).
    pub async fn is_opted_out(&self, number: &str, channel: Channel) -> Result<bool, StoreError> {
        dispatch!(self.is_opted_out(number, channel))
    }

    /// Takes a number off the list for `channel` (both for `Both`); `true` if it was on
    /// any of them.
    pub async fn delete_opt_out(&self, number: &str, channel: Channel) -> Result<bool, StoreError> {
        dispatch!(self.delete_opt_out(number, channel))
    }

    /// Notices that work may be available (a new job, a callback). SQLite: from this
    /// process; PostgreSQL: from every instance, through `LISTEN`/`NOTIFY`.
    pub fn notices(&self) -> broadcast::Receiver<Notice> {
        match self {
            Store::Sqlite(s) => s.notices(),
            Store::Postgres(s) => s.notices(),
        }
    }

    /// How many group-commit transactions this handle committed (SQLite: all writes;
    /// PostgreSQL: enqueue batches). Far fewer than enqueues under load.
    pub fn commits(&self) -> u64 {
        match self {
            Store::Sqlite(s) => s.commits(),
            Store::Postgres(s) => s.commits(),
        }
    }

    /// The applied schema versions, in order.
    #[cfg(test)]
    pub(crate) async fn schema_versions(&self) -> Result<Vec<i64>, StoreError> {
        dispatch!(self.schema_versions())
    }
}
