//! Starting a bundle: what it needs from the environment, resolved once into [`Services`].
//!
//! A bundle (compiled or interpreted) is an [`App`]: its routes and its [`Needs`] — the
//! environment variables its encryption keys and integrations read (§4.6, §4.7). [`start`]
//! resolves every need at server start and reports every missing or malformed value in one
//! [`StartupError`], so a server never discovers a bad key on a request. Sessions reach the
//! resolved values through `Call::services`, by index: generated code knows each slot's
//! index at build time.

use crate::config::Config;
use crate::http::{FlowFn, RouteSpec};
use std::fmt;
use std::sync::Arc;

/// A bundle ready to start: routes and what they need.
pub struct App {
    /// Every route with its session function.
    pub routes: Vec<(RouteSpec, FlowFn)>,
    /// What the routes need from the environment.
    pub needs: Needs,
}

/// What a bundle needs from the environment at start.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Needs {
    /// Encryption keys, in slot order: the variable and the algorithm it is for.
    pub keys: Vec<KeyNeed>,
    /// Whether sessions use the store (opt-out lists, waits); asynchronous routes need it
    /// whatever this says.
    pub store: bool,
    /// Integrations' `${ENV}` texts and the messaging gateway (§4.7, §4.8).
    pub outbound: crate::outbound::start::OutboundNeeds,
}

/// One key an `encrypt` node reads (`key: "env:NAME"`).
#[derive(Debug, Clone, PartialEq)]
pub struct KeyNeed {
    /// The environment variable.
    pub env: String,
    /// The algorithm, which decides the key's form (AES: 32 bytes as base64).
    pub algorithm: flowc_lang::crypto::Algorithm,
}

/// What sessions use at run time besides the request: the configuration and every value
/// resolved from the environment at start.
pub struct Services {
    /// The server configuration.
    pub config: Arc<Config>,
    /// Encryption keys by slot ([`Needs::keys`]).
    pub keys: Vec<flowc_lang::crypto::Key>,
    /// The store (§8), when the bundle needs one.
    pub store: Option<crate::store::Store>,
    /// Synchronous sessions waiting for a callback in this process.
    pub waiters: crate::waits::Waiters,
    /// The shared HTTP client and what integrations read from the environment.
    pub outbound: crate::outbound::start::OutboundServices,
    /// Dropped with the services: the background workers stop claiming then.
    workers_stop: Option<tokio::sync::watch::Sender<bool>>,
}

// By hand, so that no key is ever printed.
impl fmt::Debug for Services {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Services")
            .field("config", &self.config)
            .field("keys", &self.keys.len())
            .finish_non_exhaustive()
    }
}

impl Services {
    /// The encryption key of a slot ([`Needs::keys`]).
    pub fn key(&self, slot: usize) -> Option<&flowc_lang::crypto::Key> {
        self.keys.get(slot)
    }

    /// Services for a bundle that needs nothing from the environment (tests, previews).
    pub fn bare(config: Arc<Config>) -> Arc<Services> {
        Arc::new(Services {
            config,
            keys: Vec::new(),
            store: None,
            waiters: crate::waits::Waiters::default(),
            outbound: crate::outbound::start::OutboundServices::default(),
            workers_stop: None,
        })
    }

    /// Resolves every need; all problems are reported together.
    pub async fn start(needs: &Needs, config: Arc<Config>) -> Result<Arc<Services>, StartupError> {
        let mut problems = Vec::new();
        let keys = resolve_keys(&needs.keys, &config, &mut problems);
        let store = if needs.store {
            open_store(&config, &mut problems).await
        } else {
            None
        };
        let outbound = crate::outbound::start::resolve(&needs.outbound, &config, &mut problems);
        if !problems.is_empty() {
            return Err(StartupError { problems });
        }
        Ok(Arc::new(Services {
            config,
            keys,
            store,
            waiters: crate::waits::Waiters::default(),
            outbound,
            workers_stop: None,
        }))
    }
}

/// Opens the store the flags name: PostgreSQL with `--database-url`, else SQLite under
/// `--data-dir` (§8).
async fn open_store(config: &Config, problems: &mut Vec<String>) -> Option<crate::store::Store> {
    let cfg = crate::store::StoreConfig {
        data_dir: config.data_dir.clone(),
        database_url: config.database_url.clone(),
    };
    match crate::store::Store::open(&cfg).await {
        Ok(store) => Some(store),
        Err(e) => {
            problems.push(format!("the store cannot be opened: {e}"));
            None
        }
    }
}

/// Reads and checks every key (§13 rule 24: keys are checked at start for every flow).
fn resolve_keys(
    needs: &[KeyNeed],
    config: &Config,
    problems: &mut Vec<String>,
) -> Vec<flowc_lang::crypto::Key> {
    let mut keys = Vec::with_capacity(needs.len());
    for need in needs {
        let Some(raw) = config.env_var(&need.env) else {
            problems.push(format!(
                "the environment variable `{}` (an encryption key) is not set",
                need.env
            ));
            continue;
        };
        match flowc_lang::crypto::Key::from_env_value(need.algorithm, &need.env, &raw) {
            Ok(key) => keys.push(key),
            Err(e) => problems.push(e),
        }
    }
    keys
}

/// Everything that stops a bundle from starting, named at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartupError {
    /// One sentence per problem.
    pub problems: Vec<String>,
}

impl fmt::Display for StartupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the bundle cannot start:")?;
        for p in &self.problems {
            write!(f, "\n  - {p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for StartupError {}

/// Resolves the app's needs, starts the background workers of asynchronous routes, and
/// builds the router.
pub async fn start(mut app: App, config: Arc<Config>) -> Result<axum::Router, StartupError> {
    let has_async = app.routes.iter().any(|(spec, _)| spec.is_async);
    app.needs.store |= has_async;
    let mut services = Services::start(&app.needs, config).await?;
    if let (true, Some(store)) = (has_async, services.store.clone()) {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        if let Some(s) = Arc::get_mut(&mut services) {
            s.workers_stop = Some(stop);
        }
        let flows = app
            .routes
            .iter()
            .map(|(spec, flow)| (spec.id.clone(), flow.clone()))
            .collect();
        crate::jobs::start_workers(&services, store, flows, stopped);
    }
    Ok(crate::http::router(app.routes, services))
}
