//! The embedded store: one SQLite file, `<data_dir>/flowc.db`, in WAL mode.
//!
//! Writes go through one writer thread that commits them in groups
//! ([`sqlite_writer`](super::sqlite_writer)); reads use a second connection on the blocking
//! pool. Nothing here blocks an async thread.

use super::schema::{self, ClaimRow, CLAIMABLE_KINDS, CLAIM_COLUMNS, CLAIM_SET};
use super::sqlite_writer::{self, db_error, Done, Work};
use super::types::{CallbackOutcome, Channel, ClaimedJob, NewJob, Notice, ParkOutcome, StoreError};
use flowc_lang::Value;
use rusqlite::{params, Connection, ErrorCode, OptionalExtension};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc, LazyLock, Mutex};
use std::time::{Duration, SystemTime};
use tokio::sync::{broadcast, oneshot};

/// The store's file name inside `--data-dir`.
pub const FILE_NAME: &str = "flowc.db";

/// How many notices a slow listener may miss before it lags (it then just claims).
const NOTICE_CAPACITY: usize = 64;

/// The embedded SQLite store. Cheap to clone; every clone shares one writer thread.
#[derive(Clone)]
pub struct SqliteStore {
    inner: Arc<Inner>,
}

struct Inner {
    writer: mpsc::Sender<Work>,
    reader: Arc<Mutex<Connection>>,
    notices: broadcast::Sender<Notice>,
    commits: Arc<AtomicU64>,
}

impl SqliteStore {
    /// Opens (creating on first start) `<data_dir>/flowc.db` and migrates it forward.
    ///
    /// The file belongs to one server process: opening it hands every job that was
    /// `running` (leased by a process that died) back at once instead of after its lease,
    /// so open it once per process.
    pub async fn open(data_dir: &Path) -> Result<SqliteStore, StoreError> {
        let dir = data_dir.to_owned();
        tokio::task::spawn_blocking(move || open_blocking(&dir))
            .await
            .map_err(|e| StoreError::Open(e.to_string()))?
    }

    /// How many write transactions the writer thread has committed.
    pub fn commits(&self) -> u64 {
        self.inner.commits.load(Ordering::Relaxed)
    }

    /// A receiver of this store's notices (in-process: one file, one server).
    pub fn notices(&self) -> broadcast::Receiver<Notice> {
        self.inner.notices.subscribe()
    }

    /// See [`Store::enqueue`](super::Store::enqueue).
    pub async fn enqueue(&self, job: NewJob) -> Result<(), StoreError> {
        let payload = job.payload.to_json();
        self.write(move |c| {
            let now = schema::now_ms();
            let sql = "INSERT INTO jobs (id, route_id, payload, state, attempt, created_at, \
                       updated_at) VALUES (?1, ?2, ?3, 'queued', 0, ?4, ?4)";
            match c
                .prepare_cached(sql)
                .and_then(|mut s| s.execute(params![job.id, job.route_id, payload, now]))
            {
                Ok(_) => Ok(()),
                Err(e) if is_constraint(&e) => Err(StoreError::Duplicate(job.id)),
                Err(e) => Err(db_error(e)),
            }
        })
        .await?;
        let _ = self.inner.notices.send(Notice::Enqueued);
        Ok(())
    }

    /// See [`Store::claim`](super::Store::claim).
    pub async fn claim(
        &self,
        worker: &str,
        lease: Duration,
        max: usize,
    ) -> Result<Vec<ClaimedJob>, StoreError> {
        let worker = worker.to_owned();
        let max = i64::try_from(max).unwrap_or(i64::MAX);
        let rows = self
            .write(move |c| {
                let mut stmt = c.prepare_cached(&CLAIM_SQL).map_err(db_error)?;
                let params = params![worker, schema::lease_until(lease), schema::now_ms(), max];
                let rows = stmt.query_map(params, claim_row).map_err(db_error)?;
                rows.collect::<Result<Vec<_>, _>>().map_err(db_error)
            })
            .await?;
        rows.into_iter().map(ClaimRow::into_job).collect()
    }

    /// See [`Store::extend_lease`](super::Store::extend_lease).
    pub async fn extend_lease(
        &self,
        id: &str,
        worker: &str,
        lease: Duration,
    ) -> Result<bool, StoreError> {
        let (id, worker) = (id.to_owned(), worker.to_owned());
        self.write(move |c| {
            let sql = "UPDATE jobs SET lease_until = ?1 WHERE id = ?2 AND worker = ?3 \
                       AND state = 'running'";
            let n = execute(c, sql, params![schema::lease_until(lease), id, worker])?;
            Ok(n > 0)
        })
        .await
    }

    /// See [`Store::finish`](super::Store::finish).
    pub async fn finish(&self, id: &str, worker: &str, answer: Value) -> Result<(), StoreError> {
        let (id, worker, answer) = (id.to_owned(), worker.to_owned(), answer.to_json());
        self.write(move |c| {
            let sql = "UPDATE jobs SET state = 'done', answer = ?1, worker = NULL, \
                       lease_until = NULL, parked_state = NULL, resume_kind = NULL, \
                       callback_body = NULL, updated_at = ?2 \
                       WHERE id = ?3 AND worker = ?4 AND state = 'running'";
            match execute(c, sql, params![answer, schema::now_ms(), id, worker])? {
                0 => Err(StoreError::LeaseLost(id)),
                _ => Ok(()),
            }
        })
        .await
    }

    /// See [`Store::park`](super::Store::park).
    pub async fn park(
        &self,
        id: &str,
        worker: &str,
        reference: &str,
        deadline: SystemTime,
        state: Value,
    ) -> Result<ParkOutcome, StoreError> {
        let (id, worker, reference) = (id.to_owned(), worker.to_owned(), reference.to_owned());
        let (deadline, state) = (schema::millis(deadline), state.to_json());
        self.write(move |c| {
            let now = schema::now_ms();
            // A wait whose deadline passed (its timeout not yet run) no longer holds its
            // reference; it still resumes as timed out.
            let free = "UPDATE jobs SET reference = NULL WHERE reference = ?1 \
                        AND state = 'waiting' AND deadline <= ?2";
            execute(c, free, params![reference, now])?;
            let sql = "UPDATE jobs SET state = 'waiting', reference = ?1, deadline = ?2, \
                       parked_state = ?3, resume_kind = NULL, callback_body = NULL, \
                       worker = NULL, lease_until = NULL, attempt = 0, updated_at = ?4 \
                       WHERE id = ?5 AND worker = ?6 AND state = 'running'";
            let params = params![reference, deadline, state, now, id, worker];
            match c.prepare_cached(sql).and_then(|mut s| s.execute(params)) {
                Ok(0) => Err(StoreError::LeaseLost(id)),
                Ok(_) => Ok(ParkOutcome::Parked),
                Err(e) if is_constraint(&e) => Ok(ParkOutcome::ReferenceInUse),
                Err(e) => Err(db_error(e)),
            }
        })
        .await
    }

    /// See [`Store::callback`](super::Store::callback).
    pub async fn callback(
        &self,
        reference: &str,
        body: Option<Value>,
    ) -> Result<CallbackOutcome, StoreError> {
        let reference = reference.to_owned();
        let body = body.map(|b| b.to_json());
        let outcome = self
            .write(move |c| {
                let sql = "UPDATE jobs SET state = 'queued', reference = NULL, \
                           resume_kind = 'callback', callback_body = ?2, updated_at = ?3 \
                           WHERE reference = ?1 AND state = 'waiting' AND deadline > ?3";
                match execute(c, sql, params![reference, body, schema::now_ms()])? {
                    0 => Ok(CallbackOutcome::Unknown),
                    _ => Ok(CallbackOutcome::Resumed),
                }
            })
            .await?;
        if outcome == CallbackOutcome::Resumed {
            let _ = self.inner.notices.send(Notice::Resumed);
        }
        Ok(outcome)
    }

    /// See [`Store::answer`](super::Store::answer).
    pub async fn answer(&self, id: &str) -> Result<Option<Value>, StoreError> {
        let id = id.to_owned();
        let text: Option<Option<String>> = self
            .read(move |c| {
                let sql = "SELECT answer FROM jobs WHERE id = ?1 AND state = 'done'";
                c.prepare_cached(sql)
                    .and_then(|mut s| s.query_row([id], |r| r.get(0)).optional())
                    .map_err(db_error)
            })
            .await?;
        text.flatten()
            .as_deref()
            .map(schema::parse_json)
            .transpose()
    }

    /// See [`Store::opt_out`](super::Store::opt_out).
    pub async fn opt_out(&self, number: &str, channel: Channel) -> Result<(), StoreError> {
        let number = number.to_owned();
        self.write(move |c| {
            let sql = "INSERT INTO opt_outs (number, channel, created_at) VALUES (?1, ?2, ?3) \
                       ON CONFLICT DO NOTHING";
            for name in channel.names() {
                execute(c, sql, params![number, name, schema::now_ms()])?;
            }
            Ok(())
        })
        .await
    }

    /// See [`Store::is_opted_out`](super::Store::is_opted_out).
    pub async fn is_opted_out(&self, number: &str, channel: Channel) -> Result<bool, StoreError> {
        let number = number.to_owned();
        self.read(move |c| {
            let (a, b) = channel_pair(channel);
            let sql = "SELECT EXISTS (SELECT 1 FROM opt_outs WHERE number = ?1 \
                       AND channel IN (?2, ?3))";
            c.prepare_cached(sql)
                .and_then(|mut s| s.query_row(params![number, a, b], |r| r.get(0)))
                .map_err(db_error)
        })
        .await
    }

    /// See [`Store::delete_opt_out`](super::Store::delete_opt_out).
    pub async fn delete_opt_out(&self, number: &str, channel: Channel) -> Result<bool, StoreError> {
        let number = number.to_owned();
        self.write(move |c| {
            let (a, b) = channel_pair(channel);
            let sql = "DELETE FROM opt_outs WHERE number = ?1 AND channel IN (?2, ?3)";
            Ok(execute(c, sql, params![number, a, b])? > 0)
        })
        .await
    }

    /// The applied schema versions, in order.
    #[cfg(test)]
    pub(crate) async fn schema_versions(&self) -> Result<Vec<i64>, StoreError> {
        self.read(|c| {
            let mut s = c
                .prepare_cached("SELECT version FROM schema_version ORDER BY version")
                .map_err(db_error)?;
            let rows = s.query_map([], |r| r.get(0)).map_err(db_error)?;
            rows.collect::<Result<Vec<i64>, _>>().map_err(db_error)
        })
        .await
    }

    /// Runs `op` on the writer thread in the next batch; returns once the batch committed.
    async fn write<T: Send + 'static>(
        &self,
        op: impl FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let (tx, rx) = oneshot::channel();
        let work: Work = Box::new(move |conn| {
            let result = conn.and_then(op);
            let ok = result.is_ok();
            let done: Done = Box::new(move |commit| {
                let _ = tx.send(commit.and(result));
            });
            (ok, done)
        });
        self.inner
            .writer
            .send(work)
            .map_err(|_| StoreError::Closed)?;
        rx.await.map_err(|_| StoreError::Closed)?
    }

    /// Runs `op` on the reader connection, on the blocking pool.
    async fn read<T: Send + 'static>(
        &self,
        op: impl FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let reader = Arc::clone(&self.inner.reader);
        tokio::task::spawn_blocking(move || {
            // A panic while holding the lock leaves the connection usable: SQLite rolls
            // back any statement it did not finish.
            let conn = reader.lock().unwrap_or_else(|p| p.into_inner());
            op(&conn)
        })
        .await
        .map_err(|_| StoreError::Closed)?
    }
}

/// The claim statement: lease up to `?4` claimable rows, oldest change first.
///
/// Each kind of claimable row ([`CLAIMABLE_KINDS`]: queued, lease expired, wait timed
/// out) is found through its own index, oldest change first and at most `?4` of it, and
/// only those few candidates are merged and sorted. One `WHERE` with the three `OR`ed made
/// SQLite (3.40) read and sort every queued job for each claim: with a backlog, claims
/// slowed down as it grew, on the writer thread every acknowledgement waits for (issue 6).
static CLAIM_SQL: LazyLock<String> = LazyLock::new(|| {
    let kind = |filter| {
        format!(
            "SELECT * FROM (SELECT id, updated_at FROM jobs WHERE {filter} \
             ORDER BY updated_at LIMIT {{4}})"
        )
    };
    let candidates = CLAIMABLE_KINDS.map(kind).join(" UNION ALL ");
    let sql = format!(
        "UPDATE jobs SET {CLAIM_SET} WHERE id IN (SELECT id FROM ({candidates}) \
         ORDER BY updated_at LIMIT {{4}}) RETURNING {CLAIM_COLUMNS}"
    );
    schema::placeholders(&sql, '?')
});

fn claim_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ClaimRow> {
    Ok(ClaimRow {
        id: r.get(0)?,
        route_id: r.get(1)?,
        payload: r.get(2)?,
        attempt: r.get(3)?,
        parked_state: r.get(4)?,
        resume_kind: r.get(5)?,
        callback_body: r.get(6)?,
    })
}

/// The one or two stored channel names to match (`IN (?, ?)` with a repeat for one).
fn channel_pair(channel: Channel) -> (&'static str, &'static str) {
    let names = channel.names();
    (names[0], names[names.len() - 1])
}

fn execute(c: &Connection, sql: &str, params: impl rusqlite::Params) -> Result<usize, StoreError> {
    c.prepare_cached(sql)
        .and_then(|mut s| s.execute(params))
        .map_err(db_error)
}

fn is_constraint(e: &rusqlite::Error) -> bool {
    e.sqlite_error_code() == Some(ErrorCode::ConstraintViolation)
}

fn open_blocking(dir: &Path) -> Result<SqliteStore, StoreError> {
    std::fs::create_dir_all(dir)
        .map_err(|e| StoreError::Open(format!("{}: {e}", dir.display())))?;
    let path = dir.join(FILE_NAME);
    let mut writer = connect(&path)?;
    migrate(&mut writer)?;
    let reader = connect(&path)?;
    let commits = Arc::new(AtomicU64::new(0));
    let writer = sqlite_writer::spawn(writer, Arc::clone(&commits))?;
    let (notices, _) = broadcast::channel(NOTICE_CAPACITY);
    Ok(SqliteStore {
        inner: Arc::new(Inner {
            writer,
            reader: Arc::new(Mutex::new(reader)),
            notices,
            commits,
        }),
    })
}

/// Opens one connection with the store's settings: WAL (readers never block the writer),
/// `synchronous = FULL` (a committed batch survives a power cut, not only a crash), and a
/// busy timeout for a second process on the same file.
fn connect(path: &Path) -> Result<Connection, StoreError> {
    let open = |e: rusqlite::Error| StoreError::Open(format!("{}: {e}", path.display()));
    let conn = Connection::open(path).map_err(open)?;
    conn.busy_timeout(Duration::from_secs(5)).map_err(open)?;
    let mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .map_err(open)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Open(format!(
            "{}: cannot use WAL mode (got {mode})",
            path.display()
        )));
    }
    conn.pragma_update(None, "synchronous", "FULL")
        .map_err(open)?;
    Ok(conn)
}

/// Applies the pending migrations in one transaction, then hands back the jobs a dead
/// process had leased.
fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let open = |e: rusqlite::Error| StoreError::Open(format!("migration failed: {e}"));
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(open)?;
    tx.execute_batch(schema::CREATE_VERSION_TABLE)
        .map_err(open)?;
    let current: i64 = tx
        .query_row(schema::CURRENT_VERSION, [], |r| r.get(0))
        .map_err(open)?;
    for (version, sql) in schema::pending(current)? {
        tx.execute_batch(sql).map_err(open)?;
        tx.execute(
            "INSERT INTO schema_version (version, applied_at) VALUES (?1, ?2)",
            params![version, schema::now_ms()],
        )
        .map_err(open)?;
    }
    tx.execute(
        "UPDATE jobs SET lease_until = 0 WHERE state = 'running'",
        [],
    )
    .map_err(open)?;
    tx.commit().map_err(open)
}
