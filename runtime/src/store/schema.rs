//! The schema both implementations share, its migrations, and the conversions between
//! stored columns and the store's types.
//!
//! A job row moves through `state`:
//!
//! ```text
//! queued ──claim──▶ running ──finish──▶ done
//!   ▲                 │  ▲
//!   │ callback       park │ claim (deadline passed: resume_kind = 'timeout')
//!   │                 ▼  │
//!   └───────────── waiting
//! ```
//!
//! A `running` row whose `lease_until` passed is claimable again (its worker died). A
//! `waiting` row holds its `reference` (unique among rows) until a callback or its timeout
//! releases it. Times are wall-clock milliseconds since the Unix epoch, so deadlines keep
//! running while the server is down.

use super::types::{ClaimedJob, Resume, StoreError};
use flowc_lang::Value;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The migrations, in order; version N is `MIGRATIONS[N - 1]`. Written in the SQL both
/// SQLite and PostgreSQL accept. Never edit a released entry: add a new one.
pub(crate) const MIGRATIONS: &[&str] = &[
    // 1: jobs (asynchronous sessions, parked sessions, answers) and the opt-out list.
    "CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        route_id TEXT NOT NULL,
        payload TEXT NOT NULL,
        state TEXT NOT NULL,
        attempt BIGINT NOT NULL DEFAULT 0,
        worker TEXT,
        lease_until BIGINT,
        reference TEXT UNIQUE,
        deadline BIGINT,
        parked_state TEXT,
        resume_kind TEXT,
        callback_body TEXT,
        answer TEXT,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
    );
    CREATE INDEX jobs_state_updated ON jobs (state, updated_at);
    CREATE INDEX jobs_state_lease ON jobs (state, lease_until);
    CREATE INDEX jobs_state_deadline ON jobs (state, deadline);
    CREATE TABLE opt_outs (
        number TEXT NOT NULL,
        channel TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (number, channel)
    );",
];

/// Creates the version table if needed (run inside the migration's transaction).
pub(crate) const CREATE_VERSION_TABLE: &str =
    "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)";

/// The highest applied version, 0 for a new store.
pub(crate) const CURRENT_VERSION: &str = "SELECT COALESCE(MAX(version), 0) FROM schema_version";

/// The migrations still to apply to a store at `current`, with their version numbers; an
/// error when the store was written by a newer flowc (its schema we cannot know).
pub(crate) fn pending(current: i64) -> Result<Vec<(i64, &'static str)>, StoreError> {
    let known = MIGRATIONS.len() as i64;
    if current > known {
        return Err(StoreError::Open(format!(
            "the store's schema version {current} is newer than this flowc knows ({known})"
        )));
    }
    Ok((current + 1..=known)
        .map(|v| (v, MIGRATIONS[(v - 1) as usize]))
        .collect())
}

/// Wall-clock milliseconds since the Unix epoch (0 for times before it).
pub(crate) fn millis(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Now, in [`millis`].
pub(crate) fn now_ms() -> i64 {
    millis(SystemTime::now())
}

/// `now + lease` in [`millis`].
pub(crate) fn lease_until(lease: Duration) -> i64 {
    let lease_ms = i64::try_from(lease.as_millis()).unwrap_or(i64::MAX);
    now_ms().saturating_add(lease_ms)
}

/// Reads a stored JSON text back.
pub(crate) fn parse_json(text: &str) -> Result<Value, StoreError> {
    flowc_lang::json::parse(text).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// The columns a claim returns, in the order of [`CLAIM_COLUMNS`].
pub(crate) struct ClaimRow {
    pub id: String,
    pub route_id: String,
    pub payload: String,
    pub attempt: i64,
    pub parked_state: Option<String>,
    pub resume_kind: Option<String>,
    pub callback_body: Option<String>,
}

/// What a claim returns, in [`ClaimRow`]'s order.
pub(crate) const CLAIM_COLUMNS: &str =
    "id, route_id, payload, attempt, parked_state, resume_kind, callback_body";

/// The `SET` list of a claim; `?1`/`$1` is the worker, `2` the lease end, `3` now. A row
/// taken for its passed deadline resumes as timed out and gives up its reference.
pub(crate) const CLAIM_SET: &str = "state = 'running', worker = {1}, lease_until = {2}, \
     attempt = attempt + 1, updated_at = {3}, \
     resume_kind = CASE WHEN state = 'waiting' THEN 'timeout' ELSE resume_kind END, \
     reference = CASE WHEN state = 'waiting' THEN NULL ELSE reference END";

/// The kinds of row a claim may take, each a filter one index serves; `{3}` is now: queued
/// jobs, running ones whose lease ran out (their worker died), waiting ones whose deadline
/// passed.
pub(crate) const CLAIMABLE_KINDS: [&str; 3] = [
    "state = 'queued'",
    "state = 'running' AND lease_until < {3}",
    "state = 'waiting' AND deadline <= {3}",
];

/// Replaces `{N}` with the dialect's placeholder (`?N` for SQLite, `$N` for PostgreSQL).
pub(crate) fn placeholders(sql: &str, sigil: char) -> String {
    let mut out = sql.to_owned();
    for n in 1..=9 {
        out = out.replace(&format!("{{{n}}}"), &format!("{sigil}{n}"));
    }
    out
}

impl ClaimRow {
    /// The claimed job this row describes.
    pub(crate) fn into_job(self) -> Result<ClaimedJob, StoreError> {
        let resume = match (self.parked_state, self.resume_kind.as_deref()) {
            (Some(state), Some("callback")) => {
                let body = self.callback_body.as_deref().map(parse_json).transpose()?;
                Some((parse_json(&state)?, Resume::Callback(body)))
            }
            (Some(state), Some("timeout")) => Some((parse_json(&state)?, Resume::TimedOut)),
            _ => None,
        };
        Ok(ClaimedJob {
            id: self.id,
            route_id: self.route_id,
            payload: parse_json(&self.payload)?,
            attempt: u32::try_from(self.attempt).unwrap_or(u32::MAX),
            resume,
        })
    }
}
