//! Server flags (§12), each also read from an environment variable.

use flowc_lang::net::IpNet;
use std::collections::HashMap;

/// The flags every flow server takes (the generated server and `flowc serve`).
#[derive(Debug, Clone, clap::Args)]
pub struct ServerArgs {
    /// Address to listen on; `[::]:PORT` serves IPv4 and IPv6 callers.
    #[arg(long, env = "FLOWC_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
}

/// The run-time configuration the router and sessions read.
#[derive(Debug, Clone)]
pub struct Config {
    /// Largest accepted body in bytes (`--max-body`, default 1 MiB).
    pub max_body: usize,
    /// The step budget (`--max-steps`, default 10,000).
    pub max_steps: u64,
    /// `--trusted-proxy` blocks.
    pub trusted_proxies: Vec<IpNet>,
    /// `--tokens`: route id → token hashes that replace the bundle's.
    pub tokens: HashMap<String, Vec<String>>,
}

impl Default for Config {
    fn default() -> Self {
        Config { max_body: 1 << 20, max_steps: 10_000, trusted_proxies: Vec::new(), tokens: HashMap::new() }
    }
}
