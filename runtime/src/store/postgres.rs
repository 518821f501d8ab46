//! The shared store: PostgreSQL, for several server instances on one database (§8).
//!
//! Every operation is one statement (so one transaction) on one pipelined connection;
//! enqueues are gathered by a task into one multi-row `INSERT` per batch (group commit).
//! Claims use `FOR UPDATE SKIP LOCKED`, so two instances never take the same job. Enqueues
//! and callbacks `NOTIFY` a channel named after the schema, which every instance `LISTEN`s
//! on: a callback that reaches one instance wakes the workers of all.

use super::schema::{self, ClaimRow, CLAIMABLE_KINDS, CLAIM_COLUMNS, CLAIM_SET};
use super::types::{CallbackOutcome, Channel, ClaimedJob, NewJob, Notice, ParkOutcome, StoreError};
use flowc_lang::Value;
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tokio::sync::{broadcast, mpsc, oneshot};
use tokio_postgres::error::SqlState;
use tokio_postgres::tls::NoTlsStream;
use tokio_postgres::{AsyncMessage, Client, Connection, NoTls, Socket, Statement};

/// Serialises migrations of concurrently starting instances (any constant; "flowc").
const MIGRATION_LOCK: i64 = 0x0066_6c6f_7763;

/// The most jobs one `INSERT` takes.
const MAX_BATCH: usize = 1024;

/// How many notices a slow listener may miss before it lags (it then just claims).
const NOTICE_CAPACITY: usize = 64;

/// The PostgreSQL store. Cheap to clone; clones share one connection.
#[derive(Clone)]
pub struct PgStore {
    inner: Arc<Inner>,
}

struct Inner {
    client: Arc<Client>,
    sql: Statements,
    enqueue: mpsc::UnboundedSender<Pending>,
    notices: broadcast::Sender<Notice>,
    channel: String,
    batches: Arc<AtomicU64>,
}

/// An enqueue waiting for its batch: id, route, payload JSON, and where to answer.
type Pending = (
    String,
    String,
    String,
    oneshot::Sender<Result<(), StoreError>>,
);

/// Every statement, prepared once per connection.
struct Statements {
    claim: Statement,
    extend: Statement,
    finish: Statement,
    free_reference: Statement,
    park: Statement,
    callback: Statement,
    answer: Statement,
    opt_out: Statement,
    is_opted_out: Statement,
    delete_opt_out: Statement,
}

impl PgStore {
    /// Connects (no TLS: the database is expected on loopback or a private network),
    /// migrates the schema under an advisory lock, and listens for notices.
    pub async fn open(url: &str) -> Result<PgStore, StoreError> {
        let config: tokio_postgres::Config = url
            .parse()
            .map_err(|e| StoreError::Open(format!("invalid database URL: {e}")))?;
        let (mut client, connection) = config.connect(NoTls).await.map_err(open_error)?;
        let (notices, _) = broadcast::channel(NOTICE_CAPACITY);
        tokio::spawn(drive(connection, notices.clone()));
        migrate(&mut client).await?;
        let channel = channel_name(&client).await?;
        client
            .batch_execute(&format!("LISTEN {channel}"))
            .await
            .map_err(open_error)?;
        let sql = Statements::prepare(&client).await?;
        let enqueue_sql = client.prepare(ENQUEUE).await.map_err(open_error)?;
        let client = Arc::new(client);
        let batches = Arc::new(AtomicU64::new(0));
        let (enqueue, pending) = mpsc::unbounded_channel();
        tokio::spawn(batch_enqueues(
            Arc::clone(&client),
            enqueue_sql,
            pending,
            channel.clone(),
            Arc::clone(&batches),
        ));
        Ok(PgStore {
            inner: Arc::new(Inner {
                client,
                sql,
                enqueue,
                notices,
                channel,
                batches,
            }),
        })
    }

    /// How many enqueue batches (one transaction each) this handle has committed.
    pub fn commits(&self) -> u64 {
        self.inner.batches.load(Ordering::Relaxed)
    }

    /// A receiver of the notices of every instance on this database and schema.
    pub fn notices(&self) -> broadcast::Receiver<Notice> {
        self.inner.notices.subscribe()
    }

    /// See [`Store::enqueue`](super::Store::enqueue).
    pub async fn enqueue(&self, job: NewJob) -> Result<(), StoreError> {
        let (tx, rx) = oneshot::channel();
        let pending = (job.id, job.route_id, job.payload.to_json(), tx);
        self.inner
            .enqueue
            .send(pending)
            .map_err(|_| StoreError::Closed)?;
        rx.await.map_err(|_| StoreError::Closed)?
    }

    /// See [`Store::claim`](super::Store::claim).
    pub async fn claim(
        &self,
        worker: &str,
        lease: Duration,
        max: usize,
    ) -> Result<Vec<ClaimedJob>, StoreError> {
        let max = i64::try_from(max).unwrap_or(i64::MAX);
        let (until, now) = (schema::lease_until(lease), schema::now_ms());
        let rows = self
            .client()
            .query(&self.inner.sql.claim, &[&worker, &until, &now, &max])
            .await
            .map_err(db_error)?;
        rows.iter()
            .map(|r| claim_row(r).map_err(db_error)?.into_job())
            .collect()
    }

    /// See [`Store::extend_lease`](super::Store::extend_lease).
    pub async fn extend_lease(
        &self,
        id: &str,
        worker: &str,
        lease: Duration,
    ) -> Result<bool, StoreError> {
        let until = schema::lease_until(lease);
        let n = self
            .client()
            .execute(&self.inner.sql.extend, &[&until, &id, &worker])
            .await
            .map_err(db_error)?;
        Ok(n > 0)
    }

    /// See [`Store::finish`](super::Store::finish).
    pub async fn finish(&self, id: &str, worker: &str, answer: Value) -> Result<(), StoreError> {
        let (answer, now) = (answer.to_json(), schema::now_ms());
        let n = self
            .client()
            .execute(&self.inner.sql.finish, &[&answer, &now, &id, &worker])
            .await
            .map_err(db_error)?;
        match n {
            0 => Err(StoreError::LeaseLost(id.to_owned())),
            _ => Ok(()),
        }
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
        let (deadline, state, now) = (schema::millis(deadline), state.to_json(), schema::now_ms());
        // A wait whose deadline passed (its timeout not yet run) no longer holds its
        // reference; it still resumes as timed out. Idempotent, so it needs no transaction
        // with the park itself.
        self.client()
            .execute(&self.inner.sql.free_reference, &[&reference, &now])
            .await
            .map_err(db_error)?;
        let params: [&(dyn tokio_postgres::types::ToSql + Sync); 6] =
            [&reference, &deadline, &state, &now, &id, &worker];
        match self.client().execute(&self.inner.sql.park, &params).await {
            Ok(0) => Err(StoreError::LeaseLost(id.to_owned())),
            Ok(_) => Ok(ParkOutcome::Parked),
            Err(e) if e.code() == Some(&SqlState::UNIQUE_VIOLATION) => {
                Ok(ParkOutcome::ReferenceInUse)
            }
            Err(e) => Err(db_error(e)),
        }
    }

    /// See [`Store::callback`](super::Store::callback).
    pub async fn callback(
        &self,
        reference: &str,
        body: Option<Value>,
    ) -> Result<CallbackOutcome, StoreError> {
        let (body, now) = (body.map(|b| b.to_json()), schema::now_ms());
        let rows = self
            .client()
            .query(
                &self.inner.sql.callback,
                &[&reference, &body, &now, &self.inner.channel],
            )
            .await
            .map_err(db_error)?;
        Ok(match rows.is_empty() {
            true => CallbackOutcome::Unknown,
            false => CallbackOutcome::Resumed,
        })
    }

    /// See [`Store::answer`](super::Store::answer).
    pub async fn answer(&self, id: &str) -> Result<Option<Value>, StoreError> {
        let row = self
            .client()
            .query_opt(&self.inner.sql.answer, &[&id])
            .await
            .map_err(db_error)?;
        let text: Option<String> = match row {
            Some(r) => r.try_get(0).map_err(db_error)?,
            None => None,
        };
        text.as_deref().map(schema::parse_json).transpose()
    }

    /// See [`Store::opt_out`](super::Store::opt_out).
    pub async fn opt_out(&self, number: &str, channel: Channel) -> Result<(), StoreError> {
        let (names, now) = (channel.names(), schema::now_ms());
        self.client()
            .execute(&self.inner.sql.opt_out, &[&number, &names, &now])
            .await
            .map_err(db_error)?;
        Ok(())
    }

    /// See [`Store::is_opted_out`](super::Store::is_opted_out).
    pub async fn is_opted_out(&self, number: &str, channel: Channel) -> Result<bool, StoreError> {
        let names = channel.names();
        let row = self
            .client()
            .query_one(&self.inner.sql.is_opted_out, &[&number, &names])
            .await
            .map_err(db_error)?;
        row.try_get(0).map_err(db_error)
    }

    /// See [`Store::delete_opt_out`](super::Store::delete_opt_out).
    pub async fn delete_opt_out(&self, number: &str, channel: Channel) -> Result<bool, StoreError> {
        let names = channel.names();
        let n = self
            .client()
            .execute(&self.inner.sql.delete_opt_out, &[&number, &names])
            .await
            .map_err(db_error)?;
        Ok(n > 0)
    }

    /// The applied schema versions, in order.
    #[cfg(test)]
    pub(crate) async fn schema_versions(&self) -> Result<Vec<i64>, StoreError> {
        let rows = self
            .client()
            .query("SELECT version FROM schema_version ORDER BY version", &[])
            .await
            .map_err(db_error)?;
        rows.iter()
            .map(|r| r.try_get(0).map_err(db_error))
            .collect()
    }

    fn client(&self) -> &Client {
        &self.inner.client
    }
}

/// Inserts a batch of jobs in one statement and notifies; `RETURNING` tells which ids were
/// new (an id already stored is a duplicate, not a failure of the whole batch).
const ENQUEUE: &str = "WITH ins AS (
        INSERT INTO jobs (id, route_id, payload, state, attempt, created_at, updated_at)
        SELECT j.id, j.route_id, j.payload, 'queued', 0, $4::bigint, $4::bigint
        FROM unnest($1::text[], $2::text[], $3::text[]) AS j(id, route_id, payload)
        ON CONFLICT (id) DO NOTHING
        RETURNING id)
    SELECT ins.id, pg_notify($5::text, 'enqueued') FROM ins";

/// The claim statement: lease up to `$4` claimable rows, oldest change first.
///
/// Each kind of claimable row ([`CLAIMABLE_KINDS`]) is found through its own index, the
/// oldest `$4` of it locked (`SKIP LOCKED`: another instance's candidates are passed over),
/// and only those few candidates are merged and sorted. One `WHERE` with the three kinds
/// `OR`ed made PostgreSQL read and sort every queued job for each claim (17 ms with 50,000
/// queued, against 0.2 ms). A statement holds the locks of its unchosen candidates (at most
/// twice `$4`) until it ends.
fn claim_sql() -> String {
    let names = ["queued", "expired", "overdue"];
    let ctes: Vec<String> = names
        .iter()
        .zip(CLAIMABLE_KINDS)
        .map(|(name, filter)| {
            format!(
                "{name} AS (SELECT id, updated_at FROM jobs WHERE {filter} \
                 ORDER BY updated_at LIMIT {{4}} FOR UPDATE SKIP LOCKED)"
            )
        })
        .collect();
    let union = names
        .map(|n| format!("SELECT * FROM {n}"))
        .join(" UNION ALL ");
    format!(
        "WITH {} UPDATE jobs SET {CLAIM_SET} WHERE id IN (SELECT id FROM ({union}) AS candidates \
         ORDER BY updated_at LIMIT {{4}}) RETURNING {CLAIM_COLUMNS}",
        ctes.join(", ")
    )
}

impl Statements {
    async fn prepare(c: &Client) -> Result<Statements, StoreError> {
        let claim = schema::placeholders(&claim_sql(), '$');
        let p = |sql: String| async move { c.prepare(&sql).await.map_err(open_error) };
        Ok(Statements {
            claim: p(claim).await?,
            extend: p(
                "UPDATE jobs SET lease_until = $1 WHERE id = $2 AND worker = $3 \
                       AND state = 'running'"
                    .into(),
            )
            .await?,
            finish: p(
                "UPDATE jobs SET state = 'done', answer = $1, worker = NULL, \
                       lease_until = NULL, parked_state = NULL, resume_kind = NULL, \
                       callback_body = NULL, updated_at = $2 \
                       WHERE id = $3 AND worker = $4 AND state = 'running'"
                    .into(),
            )
            .await?,
            free_reference: p("UPDATE jobs SET reference = NULL WHERE reference = $1 \
                               AND state = 'waiting' AND deadline <= $2"
                .into())
            .await?,
            park: p(
                "UPDATE jobs SET state = 'waiting', reference = $1, deadline = $2, \
                     parked_state = $3, resume_kind = NULL, callback_body = NULL, \
                     worker = NULL, lease_until = NULL, attempt = 0, updated_at = $4 \
                     WHERE id = $5 AND worker = $6 AND state = 'running'"
                    .into(),
            )
            .await?,
            callback: p(
                "WITH r AS (UPDATE jobs SET state = 'queued', reference = NULL, \
                         resume_kind = 'callback', callback_body = $2, updated_at = $3 \
                         WHERE reference = $1 AND state = 'waiting' AND deadline > $3 \
                         RETURNING id) \
                         SELECT r.id, pg_notify($4::text, 'resumed') FROM r"
                    .into(),
            )
            .await?,
            answer: p("SELECT answer FROM jobs WHERE id = $1 AND state = 'done'".into()).await?,
            opt_out: p("INSERT INTO opt_outs (number, channel, created_at) \
                        SELECT $1::text, c, $3::bigint FROM unnest($2::text[]) AS c \
                        ON CONFLICT DO NOTHING"
                .into())
            .await?,
            is_opted_out: p("SELECT EXISTS (SELECT 1 FROM opt_outs WHERE number = $1 \
                             AND channel = ANY($2::text[]))"
                .into())
            .await?,
            delete_opt_out: p("DELETE FROM opt_outs WHERE number = $1 \
                               AND channel = ANY($2::text[])"
                .into())
            .await?,
        })
    }
}

/// Gathers the enqueues that queued up while the previous batch was being written, and
/// writes them as one statement (one commit).
async fn batch_enqueues(
    client: Arc<Client>,
    sql: Statement,
    mut pending: mpsc::UnboundedReceiver<Pending>,
    channel: String,
    batches: Arc<AtomicU64>,
) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while pending.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let ids: Vec<&str> = batch.iter().map(|p| p.0.as_str()).collect();
        let routes: Vec<&str> = batch.iter().map(|p| p.1.as_str()).collect();
        let payloads: Vec<&str> = batch.iter().map(|p| p.2.as_str()).collect();
        let now = schema::now_ms();
        let result = client
            .query(&sql, &[&ids, &routes, &payloads, &now, &channel])
            .await;
        let inserted: Result<HashSet<String>, StoreError> =
            result.map_err(db_error).and_then(|rows| {
                rows.iter()
                    .map(|r| r.try_get(0).map_err(db_error))
                    .collect()
            });
        if inserted.is_ok() {
            batches.fetch_add(1, Ordering::Relaxed);
        }
        for (id, _, _, reply) in batch.drain(..) {
            let outcome = match &inserted {
                Ok(set) if set.contains(&id) => Ok(()),
                Ok(_) => Err(StoreError::Duplicate(id)),
                Err(e) => Err(e.clone()),
            };
            let _ = reply.send(outcome);
        }
    }
}

/// Drives the connection and turns its notifications into notices. Ends when the client
/// is dropped or the connection breaks (then every query fails with an error).
async fn drive(
    mut connection: Connection<Socket, NoTlsStream>,
    notices: broadcast::Sender<Notice>,
) {
    loop {
        match std::future::poll_fn(|cx| connection.poll_message(cx)).await {
            Some(Ok(AsyncMessage::Notification(n))) => {
                let notice = match n.payload() {
                    "resumed" => Notice::Resumed,
                    _ => Notice::Enqueued,
                };
                let _ = notices.send(notice);
            }
            Some(Ok(_)) => {}
            Some(Err(e)) => {
                eprintln!("store: PostgreSQL connection failed: {e}");
                return;
            }
            None => return,
        }
    }
}

/// Applies the pending migrations in one transaction that holds an advisory lock, so
/// instances starting together migrate once.
async fn migrate(client: &mut Client) -> Result<(), StoreError> {
    let tx = client.transaction().await.map_err(open_error)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .await
        .map_err(open_error)?;
    tx.batch_execute(schema::CREATE_VERSION_TABLE)
        .await
        .map_err(open_error)?;
    let current: i64 = tx
        .query_one(schema::CURRENT_VERSION, &[])
        .await
        .and_then(|r| r.try_get(0))
        .map_err(open_error)?;
    for (version, sql) in schema::pending(current)? {
        tx.batch_execute(sql).await.map_err(open_error)?;
        tx.execute(
            "INSERT INTO schema_version (version, applied_at) VALUES ($1, $2)",
            &[&version, &schema::now_ms()],
        )
        .await
        .map_err(open_error)?;
    }
    tx.commit().await.map_err(open_error)
}

/// The notification channel: one per schema, so deployments sharing a database in
/// different schemas do not wake each other. A hash keeps it a short, plain identifier.
async fn channel_name(client: &Client) -> Result<String, StoreError> {
    let schema: Option<String> = client
        .query_one("SELECT current_schema()", &[])
        .await
        .and_then(|r| r.try_get(0))
        .map_err(open_error)?;
    let digest = Sha256::digest(schema.unwrap_or_default().as_bytes());
    let mut name = String::from("flowc_");
    for byte in &digest[..8] {
        let _ = write!(name, "{byte:02x}");
    }
    Ok(name)
}

fn claim_row(r: &tokio_postgres::Row) -> Result<ClaimRow, tokio_postgres::Error> {
    Ok(ClaimRow {
        id: r.try_get(0)?,
        route_id: r.try_get(1)?,
        payload: r.try_get(2)?,
        attempt: r.try_get(3)?,
        parked_state: r.try_get(4)?,
        resume_kind: r.try_get(5)?,
        callback_body: r.try_get(6)?,
    })
}

fn db_error(e: tokio_postgres::Error) -> StoreError {
    StoreError::Database(e.to_string())
}

fn open_error(e: tokio_postgres::Error) -> StoreError {
    StoreError::Open(e.to_string())
}
