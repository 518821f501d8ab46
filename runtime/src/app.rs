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
    /// Services for a bundle that needs nothing from the environment (tests, previews).
    pub fn bare(config: Arc<Config>) -> Arc<Services> {
        Arc::new(Services {
            config,
            keys: Vec::new(),
        })
    }

    /// Resolves every need; all problems are reported together.
    pub async fn start(needs: &Needs, config: Arc<Config>) -> Result<Arc<Services>, StartupError> {
        let mut problems = Vec::new();
        let keys = resolve_keys(&needs.keys, &config, &mut problems);
        if !problems.is_empty() {
            return Err(StartupError { problems });
        }
        Ok(Arc::new(Services { config, keys }))
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

/// Resolves the app's needs and builds its router.
pub async fn start(app: App, config: Arc<Config>) -> Result<axum::Router, StartupError> {
    let services = Services::start(&app.needs, config).await?;
    Ok(crate::http::router(app.routes, services))
}
