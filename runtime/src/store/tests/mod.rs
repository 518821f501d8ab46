//! One suite, run against both stores: SQLite in a temporary folder, and PostgreSQL when
//! `FLOWC_TEST_DATABASE_URL` is set (each test in a fresh schema, so tests run in parallel).

mod cases;
mod workers;

use super::{Store, StoreConfig};
use flowc_lang::Value;
use std::future::Future;
use std::path::PathBuf;
use std::time::Duration;

/// Which store a test runs against.
#[derive(Clone, Copy)]
pub(super) enum Backend {
    Sqlite,
    Postgres,
}

/// A test's private store location; [`Env::open`] opens another handle on it (another
/// instance, or the same server after a restart).
#[derive(Clone)]
pub(super) struct Env {
    pub config: StoreConfig,
    pub backend: Backend,
    /// PostgreSQL: the server URL and the test's schema, to drop at the end.
    pg: Option<(String, String)>,
}

impl Env {
    pub async fn open(&self) -> Store {
        match Store::open(&self.config).await {
            Ok(store) => store,
            Err(e) => panic!("open: {e}"),
        }
    }
}

/// Runs `case` against `backend`, or says it was skipped.
pub(super) async fn run<F, Fut>(backend: Backend, case: F)
where
    F: FnOnce(Env) -> Fut,
    Fut: Future<Output = ()>,
{
    let Some(env) = make_env(backend).await else {
        println!("skipped: FLOWC_TEST_DATABASE_URL not set");
        eprintln!("skipped: FLOWC_TEST_DATABASE_URL not set");
        return;
    };
    case(env.clone()).await;
    cleanup(env).await;
}

async fn make_env(backend: Backend) -> Option<Env> {
    let name = format!("flowc_t_{}", uuid::Uuid::new_v4().simple());
    match backend {
        Backend::Sqlite => Some(Env {
            config: StoreConfig {
                data_dir: std::env::temp_dir().join(&name),
                database_url: None,
            },
            backend,
            pg: None,
        }),
        Backend::Postgres => {
            let base = std::env::var("FLOWC_TEST_DATABASE_URL").ok()?;
            admin(&base, &format!("CREATE SCHEMA {name}")).await;
            let sep = if base.contains('?') { '&' } else { '?' };
            Some(Env {
                config: StoreConfig {
                    data_dir: PathBuf::new(),
                    database_url: Some(format!("{base}{sep}options=-csearch_path%3D{name}")),
                },
                backend,
                pg: Some((base, name)),
            })
        }
    }
}

async fn cleanup(env: Env) {
    match env.pg {
        Some((base, schema)) => admin(&base, &format!("DROP SCHEMA {schema} CASCADE")).await,
        None => {
            let _ = std::fs::remove_dir_all(&env.config.data_dir);
        }
    }
}

/// Runs one statement on the test database outside any store.
async fn admin(url: &str, sql: &str) {
    let (client, connection) = match tokio_postgres::connect(url, tokio_postgres::NoTls).await {
        Ok(pair) => pair,
        Err(e) => panic!("cannot reach FLOWC_TEST_DATABASE_URL: {e}"),
    };
    tokio::spawn(connection);
    if let Err(e) = client.batch_execute(sql).await {
        panic!("{sql}: {e}");
    }
}

/// A JSON value from text.
pub(super) fn v(text: &str) -> Value {
    match flowc_lang::json::parse(text) {
        Ok(value) => value,
        Err(e) => panic!("{text}: {e}"),
    }
}

/// Polls `probe` every 20 ms until it gives `Some`, for at most 10 s.
pub(super) async fn eventually<T, F, Fut>(what: &str, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let end = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(found) = probe().await {
            return found;
        }
        if tokio::time::Instant::now() > end {
            panic!("timed out waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Declares each named case in `cases` (an `async fn(Env)`) once per backend.
macro_rules! both {
    ($cases:ident: $($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    crate::store::tests::run(
                        crate::store::tests::Backend::Sqlite,
                        crate::store::tests::$cases::$name,
                    )
                    .await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    crate::store::tests::run(
                        crate::store::tests::Backend::Postgres,
                        crate::store::tests::$cases::$name,
                    )
                    .await
                }
            )*
        }
    };
}
pub(super) use both;
