//! Server flags (§12), each also read from an environment variable, and the [`Config`]
//! they make.
//!
//! [`ServerArgs`] is what clap parses; [`ServerArgs::config`] checks every value that clap
//! cannot (blocks, the tokens file, durations) and names the flag and the bad value, so a
//! server that starts has a configuration that holds together.

use flowc_lang::net::IpNet;
use flowc_lang::value::Value;
use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// The flags every flow server takes (the generated server and `flowc serve`).
#[derive(Clone, clap::Args)]
pub struct ServerArgs {
    /// Address to listen on; `[::]:PORT` serves IPv4 and IPv6 callers.
    #[arg(long, env = "FLOWC_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// Folder of the embedded store.
    #[arg(long, env = "FLOWC_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// A PostgreSQL store instead of the embedded one.
    #[arg(long, env = "FLOWC_DATABASE_URL")]
    pub database_url: Option<String>,
    /// JSON file `{"<route id>": ["<sha256>", …]}` replacing the bundle's token hashes.
    #[arg(long, env = "FLOWC_TOKENS", value_name = "FILE")]
    pub tokens: Option<PathBuf>,
    /// Token `/chat/callback` callers must present.
    #[arg(long, env = "FLOWC_CALLBACK_TOKEN", value_name = "TOKEN")]
    pub callback_token: Option<String>,
    /// A proxy block whose `X-Forwarded-For` is believed (repeatable).
    #[arg(
        long = "trusted-proxy",
        env = "FLOWC_TRUSTED_PROXY",
        value_name = "CIDR",
        value_delimiter = ','
    )]
    pub trusted_proxy: Vec<String>,
    /// Largest accepted request body in bytes.
    #[arg(long, env = "FLOWC_MAX_BODY", value_name = "BYTES", default_value_t = 1 << 20)]
    pub max_body: usize,
    /// The step budget of a session.
    #[arg(
        long,
        env = "FLOWC_MAX_STEPS",
        value_name = "N",
        default_value_t = 10_000
    )]
    pub max_steps: u64,
    /// How many stored sessions (asynchronous routes) run at once. They mostly wait on
    /// the store and the network, so this is not a count of cores.
    #[arg(
        long,
        env = "FLOWC_JOB_SLOTS",
        value_name = "N",
        default_value_t = DEFAULT_JOB_SLOTS,
        value_parser = clap::value_parser!(u32).range(1..)
    )]
    pub job_slots: u32,
    /// How long traces are kept: `30s`, `15m`, `1h`, `2d`.
    #[arg(
        long,
        env = "FLOWC_TRACE_RETENTION",
        value_name = "DURATION",
        default_value = "1h"
    )]
    pub trace_retention: String,
}

/// `--job-slots` when not given.
pub const DEFAULT_JOB_SLOTS: u32 = 64;

/// The run-time configuration the router and sessions read.
#[derive(Clone)]
pub struct Config {
    /// Largest accepted body in bytes (`--max-body`, default 1 MiB).
    pub max_body: usize,
    /// The step budget (`--max-steps`, default 10,000).
    pub max_steps: u64,
    /// `--trusted-proxy` blocks.
    pub trusted_proxies: Vec<IpNet>,
    /// `--tokens`: route id → token hashes that replace the bundle's.
    pub tokens: HashMap<String, Vec<String>>,
    /// `--data-dir`: where the embedded store lives.
    pub data_dir: PathBuf,
    /// `--database-url`: a PostgreSQL store instead.
    pub database_url: Option<String>,
    /// `--callback-token`: the token `/chat/callback` requires, if any.
    pub callback_token: Option<String>,
    /// `--job-slots`: how many stored sessions run at once (default 64).
    pub job_slots: u32,
    /// `--trace-retention`: how long execution traces are kept.
    pub trace_retention: Duration,
    /// Environment values that take precedence over the process environment (tests and
    /// embedding applications set them; a server started from a shell leaves it empty).
    pub env: HashMap<String, String>,
}

impl Config {
    /// An environment variable: [`Config::env`] first, then the process environment.
    pub fn env_var(&self, name: &str) -> Option<String> {
        self.env
            .get(name)
            .cloned()
            .or_else(|| std::env::var(name).ok())
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_body: 1 << 20,
            max_steps: 10_000,
            trusted_proxies: Vec::new(),
            tokens: HashMap::new(),
            data_dir: PathBuf::from("./data"),
            database_url: None,
            callback_token: None,
            job_slots: DEFAULT_JOB_SLOTS,
            trace_retention: Duration::from_secs(3600),
            env: HashMap::new(),
        }
    }
}

// Written by hand so that a debug print of the configuration never shows a credential.
impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("max_body", &self.max_body)
            .field("max_steps", &self.max_steps)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("tokens", &self.tokens)
            .field("data_dir", &self.data_dir)
            .field("database_url", &self.database_url.as_ref().map(|_| "<set>"))
            .field(
                "callback_token",
                &self.callback_token.as_ref().map(|_| "<redacted>"),
            )
            .field("job_slots", &self.job_slots)
            .field("trace_retention", &self.trace_retention)
            .finish()
    }
}

// Same reason as for `Config`: the callback token and the database URL (which may hold a
// password) stay out of debug output.
impl fmt::Debug for ServerArgs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerArgs")
            .field("listen", &self.listen)
            .field("data_dir", &self.data_dir)
            .field("database_url", &self.database_url.as_ref().map(|_| "<set>"))
            .field("tokens", &self.tokens)
            .field(
                "callback_token",
                &self.callback_token.as_ref().map(|_| "<redacted>"),
            )
            .field("trusted_proxy", &self.trusted_proxy)
            .field("max_body", &self.max_body)
            .field("max_steps", &self.max_steps)
            .field("job_slots", &self.job_slots)
            .field("trace_retention", &self.trace_retention)
            .finish()
    }
}

impl ServerArgs {
    /// Checks the flags and makes the configuration. An error names the flag and the bad
    /// value; the token file's hashes are never quoted back in full.
    pub fn config(&self) -> Result<Config, String> {
        let tokens = match &self.tokens {
            Some(path) => read_tokens_file(path)?,
            None => HashMap::new(),
        };
        Ok(Config {
            max_body: self.max_body,
            max_steps: self.max_steps,
            trusted_proxies: parse_trusted_proxies(&self.trusted_proxy)?,
            tokens,
            data_dir: self.data_dir.clone(),
            database_url: self.database_url.clone(),
            // An empty `FLOWC_CALLBACK_TOKEN=` means no token rather than the empty one.
            callback_token: self.callback_token.clone().filter(|t| !t.is_empty()),
            job_slots: self.job_slots,
            trace_retention: parse_duration(&self.trace_retention)
                .map_err(|e| format!("--trace-retention: {e}"))?,
            env: HashMap::new(),
        })
    }
}

/// Parses every `--trusted-proxy` block; blank entries (a trailing comma in the
/// environment variable) are ignored.
fn parse_trusted_proxies(entries: &[String]) -> Result<Vec<IpNet>, String> {
    entries
        .iter()
        .map(|e| e.trim())
        .filter(|e| !e.is_empty())
        .map(|e| {
            IpNet::parse(e)
                .ok_or_else(|| format!("--trusted-proxy: `{e}` is not an address or CIDR block"))
        })
        .collect()
}

/// Parses `30s`, `15m`, `1h` or `2d`: a whole number and one unit.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let bad = || format!("`{text}` is not a duration (write 30s, 15m, 1h or 2d)");
    let unit_at = text
        .len()
        .checked_sub(1)
        .filter(|&i| text.is_char_boundary(i))
        .ok_or_else(bad)?;
    let (digits, unit) = text.split_at(unit_at);
    let n: u64 = digits.parse().map_err(|_| bad())?;
    let seconds_per_unit = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(bad()),
    };
    n.checked_mul(seconds_per_unit)
        .map(Duration::from_secs)
        .ok_or_else(bad)
}

/// Reads and checks a `--tokens` file.
fn read_tokens_file(path: &std::path::Path) -> Result<HashMap<String, Vec<String>>, String> {
    let shown = path.display();
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("--tokens {shown}: cannot read the file: {e}"))?;
    parse_tokens(&text).map_err(|e| format!("--tokens {shown}: {e}"))
}

/// Parses the tokens file text: an object of route id → list of hex SHA-256 hashes
/// (stored lower case, as the bundle's are).
pub fn parse_tokens(text: &str) -> Result<HashMap<String, Vec<String>>, String> {
    let value = flowc_lang::json::parse(text).map_err(|e| {
        format!(
            "not valid JSON: {} at line {}, column {}",
            e.message, e.line, e.column
        )
    })?;
    let Value::Object(routes) = value else {
        return Err(r#"expected an object {"<route id>": ["<sha256>", …]}"#.to_owned());
    };
    let mut out = HashMap::with_capacity(routes.len());
    for (route, hashes) in routes {
        let hashes = parse_hash_list(&route, &hashes)?;
        out.insert(route, hashes);
    }
    Ok(out)
}

/// One route's list of hashes.
fn parse_hash_list(route: &str, value: &Value) -> Result<Vec<String>, String> {
    let Value::Array(items) = value else {
        return Err(format!(
            "route `{route}`: expected a list of SHA-256 hashes"
        ));
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| match item {
            Value::String(s) if is_sha256_hex(s) => Ok(s.to_ascii_lowercase()),
            _ => Err(format!(
                "route `{route}`, entry {}: expected 64 hex digits (a SHA-256 hash)",
                i + 1
            )),
        })
        .collect()
}

/// Whether `s` is 64 hex digits.
pub fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        server: ServerArgs,
    }

    fn args(argv: &[&str]) -> ServerArgs {
        let mut full = vec!["server"];
        full.extend_from_slice(argv);
        match Cli::try_parse_from(full) {
            Ok(cli) => cli.server,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn durations() {
        let check = |text: &str, expected: Option<u64>| {
            assert_eq!(
                parse_duration(text).ok().map(|d| d.as_secs()),
                expected,
                "{text}"
            );
        };
        check("30s", Some(30));
        check("15m", Some(900));
        check("1h", Some(3600));
        check("2d", Some(172_800));
        check(" 0s ", Some(0));
        check("1", None);
        check("h", None);
        check("", None);
        check("1x", None);
        check("-1h", None);
        check("1.5h", None);
        check("1é", None);
        check("99999999999999999999d", None);
    }

    const H1: &str = "bf2d4494761aca67129fd3c7b33e0389e3f6f762fda9de6a9b38729ef76b3911";

    #[test]
    fn tokens_file() {
        let check = |text: &str, expected: Result<Vec<(&str, Vec<String>)>, &str>| {
            let got = parse_tokens(text);
            match expected {
                Ok(rows) => {
                    let want: HashMap<String, Vec<String>> =
                        rows.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
                    assert_eq!(got, Ok(want), "{text}");
                }
                Err(fragment) => {
                    let e = got.expect_err(text);
                    assert!(e.contains(fragment), "{e} should contain {fragment}");
                }
            }
        };
        check(
            &format!(r#"{{"r1": ["{H1}"]}}"#),
            Ok(vec![("r1", vec![H1.to_owned()])]),
        );
        check(
            &format!(r#"{{"r1": ["{}"]}}"#, H1.to_uppercase()),
            Ok(vec![("r1", vec![H1.to_owned()])]),
        );
        check(r#"{"r1": []}"#, Ok(vec![("r1", vec![])]));
        check("{}", Ok(vec![]));
        check("[]", Err("expected an object"));
        check(r#"{"r1": "x"}"#, Err("route `r1`: expected a list"));
        check(r#"{"r1": ["abc"]}"#, Err("route `r1`, entry 1"));
        check(
            &format!(r#"{{"r1": ["{H1}", 5]}}"#),
            Err("route `r1`, entry 2"),
        );
        check("{", Err("not valid JSON"));
    }

    #[test]
    fn defaults() {
        let a = args(&[]);
        assert_eq!(a.listen, "127.0.0.1:8080");
        assert_eq!(a.data_dir, PathBuf::from("./data"));
        let c = a.config().unwrap();
        assert_eq!(c.max_body, 1 << 20);
        assert_eq!(c.max_steps, 10_000);
        assert_eq!(c.job_slots, DEFAULT_JOB_SLOTS);
        assert_eq!(c.trace_retention, Duration::from_secs(3600));
        assert!(c.trusted_proxies.is_empty() && c.tokens.is_empty() && c.callback_token.is_none());
    }

    #[test]
    fn flags() {
        let a = args(&[
            "--listen",
            "[::]:9000",
            "--max-body",
            "64",
            "--max-steps",
            "5",
            "--trusted-proxy",
            "127.0.0.1/32",
            "--trusted-proxy",
            "10.0.0.0/8,::1",
            "--trace-retention",
            "15m",
            "--callback-token",
            "secret-cb",
            "--job-slots",
            "8",
        ]);
        assert_eq!(a.listen, "[::]:9000");
        let c = a.config().unwrap();
        assert_eq!((c.max_body, c.max_steps, c.job_slots), (64, 5, 8));
        assert_eq!(c.trusted_proxies.len(), 3);
        assert_eq!(c.trace_retention, Duration::from_secs(900));
        assert_eq!(c.callback_token.as_deref(), Some("secret-cb"));
        assert!(!format!("{c:?}").contains("secret-cb"));
        assert!(!format!("{a:?}").contains("secret-cb"));
    }

    #[test]
    fn config_errors_name_the_flag_and_value() {
        let check = |argv: &[&str], fragment: &str| {
            let e = args(argv).config().expect_err(fragment);
            assert!(e.contains(fragment), "{e} should contain {fragment}");
        };
        check(
            &["--trusted-proxy", "10.0.0.300"],
            "--trusted-proxy: `10.0.0.300`",
        );
        check(&["--trace-retention", "1w"], "--trace-retention: `1w`");
        check(
            &["--tokens", "/nonexistent/flowc-tokens.json"],
            "--tokens /nonexistent/flowc-tokens.json",
        );
    }

    #[test]
    fn tokens_flag_reads_the_file() {
        let path = std::env::temp_dir().join(format!("flowc-tokens-{}.json", std::process::id()));
        std::fs::write(&path, format!(r#"{{"r1": ["{H1}"]}}"#)).unwrap();
        let c = args(&["--tokens", path.to_str().unwrap()]).config();
        let _ = std::fs::remove_file(&path);
        assert_eq!(c.unwrap().tokens.get("r1"), Some(&vec![H1.to_owned()]));
    }
}
