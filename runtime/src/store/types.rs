//! The values that cross the store's interface, shared by both implementations.

use flowc_lang::Value;
use std::fmt;
use std::path::PathBuf;

/// Where the store lives (§8): `--data-dir` for SQLite, or `--database-url` for PostgreSQL.
#[derive(Clone, PartialEq, Eq)]
pub struct StoreConfig {
    /// Folder of the embedded store; the file is `<data_dir>/flowc.db`.
    pub data_dir: PathBuf,
    /// `postgres://…`: use PostgreSQL instead of SQLite.
    pub database_url: Option<String>,
}

impl fmt::Debug for StoreConfig {
    // The URL may carry a password: never print it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoreConfig")
            .field("data_dir", &self.data_dir)
            .field("database_url", &self.database_url.as_ref().map(|_| "<set>"))
            .finish()
    }
}

/// An asynchronous request to store before its `202` leaves (§6.2).
#[derive(Debug, Clone, PartialEq)]
pub struct NewJob {
    /// The session id (also the request id).
    pub id: String,
    /// The route the request came in on.
    pub route_id: String,
    /// The request and session facts; opaque to the store.
    pub payload: Value,
}

/// A job leased to one worker by [`Store::claim`](super::Store::claim).
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimedJob {
    /// The session id.
    pub id: String,
    /// The route the request came in on.
    pub route_id: String,
    /// The payload given to [`Store::enqueue`](super::Store::enqueue).
    pub payload: Value,
    /// 1 on the first claim of a run (after enqueueing, or after a resume); 2 and more when
    /// an earlier worker's lease expired before it finished or parked the job.
    pub attempt: u32,
    /// For a session that waited (§4.9): the state it parked with, and why it resumes.
    pub resume: Option<(Value, Resume)>,
}

/// Why a parked session runs again.
#[derive(Debug, Clone, PartialEq)]
pub enum Resume {
    /// `POST /chat/callback` named its reference; the body, if the callback had one.
    /// The session continues at `yes`.
    Callback(Option<Value>),
    /// The deadline passed first (also while the server was down). The session continues
    /// at `no`.
    TimedOut,
    /// The reference was already in use by another waiting session, so this one did not
    /// park (§13 rule 27). The session continues at `no` at once. Only the worker loop
    /// produces this (see [`JobResult::Wait`](super::JobResult::Wait)); `claim` never does.
    InUse,
}

/// What [`Store::park`](super::Store::park) did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParkOutcome {
    /// The session waits durably for its reference or its deadline.
    Parked,
    /// Another session already waits on that reference; nothing changed, the job is still
    /// leased to the caller.
    ReferenceInUse,
}

/// What [`Store::callback`](super::Store::callback) did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallbackOutcome {
    /// A waiting session took the callback and is claimable again; the reference is used up.
    Resumed,
    /// Nobody waits on that reference (any more): 404 CT40. Nothing was stored.
    Unknown,
}

/// The channels of the opt-out nodes (§4.10).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// `whatsapp`.
    Whatsapp,
    /// `sms`.
    Sms,
    /// `both`: recorded and removed on both; verified when either holds (§13 rule 28).
    Both,
}

impl Channel {
    /// The stored channel names this channel stands for.
    pub(crate) fn names(self) -> &'static [&'static str] {
        match self {
            Channel::Whatsapp => &["whatsapp"],
            Channel::Sms => &["sms"],
            Channel::Both => &["whatsapp", "sms"],
        }
    }
}

/// A hint that work may be available; workers claim when they get one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// New jobs were enqueued.
    Enqueued,
    /// A callback made a waiting session claimable.
    Resumed,
}

/// Why a store operation failed. Messages never contain the database URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// The store could not be opened, created or migrated.
    Open(String),
    /// A query or the connection failed.
    Database(String),
    /// [`Store::enqueue`](super::Store::enqueue) got an id that is already stored.
    Duplicate(String),
    /// The job is not (any more) leased to this worker: its lease expired and another
    /// worker took it, or it already finished or parked.
    LeaseLost(String),
    /// A stored JSON value could not be read back.
    Corrupt(String),
    /// The store's background thread or task has stopped.
    Closed,
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Open(m) => write!(f, "cannot open the store: {m}"),
            StoreError::Database(m) => write!(f, "store query failed: {m}"),
            StoreError::Duplicate(id) => write!(f, "job {id} is already stored"),
            StoreError::LeaseLost(id) => write!(f, "job {id} is not leased to this worker"),
            StoreError::Corrupt(m) => write!(f, "stored value unreadable: {m}"),
            StoreError::Closed => f.write_str("the store has stopped"),
        }
    }
}

impl std::error::Error for StoreError {}
