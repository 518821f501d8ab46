//! How far an asynchronous server's workers are behind its acknowledgements: the jobs in
//! its SQLite store, counted from this process through a read-only connection (WAL mode
//! lets it read while the server writes).
//!
//! This reads the store's schema (`jobs.state`, `runtime/src/store/schema.rs`) directly; if
//! that changes, the figures read `n/a` rather than anything wrong.

use std::path::Path;

/// The jobs of a store at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Jobs {
    /// Sessions that ran and recorded their answer.
    pub done: u64,
    /// Acknowledged but not finished yet (queued, running or waiting).
    pub pending: u64,
}

/// The counts in the store file at `path`; `None` when it cannot be read.
pub fn jobs(path: &Path) -> Option<Jobs> {
    let flags =
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = rusqlite::Connection::open_with_flags(path, flags).ok()?;
    conn.busy_timeout(std::time::Duration::from_secs(2)).ok()?;
    let (done, all): (i64, i64) = conn
        .query_row(
            "SELECT COUNT(*) FILTER (WHERE state = 'done'), COUNT(*) FROM jobs",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .ok()?;
    let done = u64::try_from(done).ok()?;
    let all = u64::try_from(all).ok()?;
    Some(Jobs {
        done,
        pending: all.saturating_sub(done),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_jobs_by_state() {
        let dir = crate::server::TempDir::fresh("queue-test").unwrap();
        let path = dir.path().join("flowc.db");
        assert_eq!(jobs(&path), None);
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             CREATE TABLE jobs (id TEXT PRIMARY KEY, state TEXT NOT NULL);
             INSERT INTO jobs VALUES ('a', 'done'), ('b', 'queued'), ('c', 'running'),
                                     ('d', 'done'), ('e', 'waiting');",
        )
        .unwrap();
        assert_eq!(
            jobs(&path),
            Some(Jobs {
                done: 2,
                pending: 3
            })
        );
    }
}
