//! Per-run setup: the server's environment, its configuration from the case's flags, and
//! a fresh data folder.

use crate::upstream::Upstream;
use flowc_runtime::{Config, ServerArgs};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The case's `env` with every `${upstream:NAME}` replaced by that upstream's base URL.
pub fn server_env(
    env: &[(String, String)],
    upstreams: &[(String, Upstream)],
) -> Result<Vec<(String, String)>, String> {
    let urls: Vec<(String, String)> = upstreams
        .iter()
        .map(|(n, u)| (n.clone(), u.base_url()))
        .collect();
    env.iter()
        .map(|(k, v)| substitute_upstreams(v, &urls).map(|v| (k.clone(), v)))
        .collect()
}

/// Replaces `${upstream:NAME}` by the URL of `NAME`; an unknown name is an error.
pub fn substitute_upstreams(text: &str, urls: &[(String, String)]) -> Result<String, String> {
    const OPEN: &str = "${upstream:";
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(OPEN) {
        out.push_str(&rest[..at]);
        let after = &rest[at + OPEN.len()..];
        let end = after
            .find('}')
            .ok_or_else(|| format!("unclosed `{OPEN}` in `{text}`"))?;
        let name = &after[..end];
        let url = urls
            .iter()
            .find(|(n, _)| n == name)
            .ok_or_else(|| format!("no upstream named `{name}`"))?;
        out.push_str(&url.1);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The command line the runner parses, like a flow server's.
#[derive(Debug, clap::Parser)]
struct Args {
    #[command(flatten)]
    server: ServerArgs,
}

/// The server configuration for the case's flags, with a fresh data folder when the server
/// takes `--data-dir`.
pub fn server_config(
    server_args: &[String],
    data_dir: &Path,
    env: &[(String, String)],
) -> Result<Config, String> {
    let argv = server_argv(server_args, data_dir, supports_flag("data-dir"));
    let args = <Args as clap::Parser>::try_parse_from(argv)
        .map_err(|e| format!("bad server_args: {e}"))?;
    let config = args
        .server
        .config()
        .map_err(|e| format!("bad server_args: {e}"))?;
    apply_env(config, env)
}

/// `conformance <server_args…> [--data-dir DIR]`.
fn server_argv(server_args: &[String], data_dir: &Path, data_dir_flag: bool) -> Vec<String> {
    let mut argv = vec!["conformance".to_owned()];
    argv.extend(server_args.iter().cloned());
    if data_dir_flag && !server_args.iter().any(|a| a == "--data-dir") {
        argv.push("--data-dir".to_owned());
        argv.push(data_dir.display().to_string());
    }
    argv
}

/// Whether the server flags include `--<name>`.
fn supports_flag(name: &str) -> bool {
    let command = <Args as clap::CommandFactory>::command();
    let found = command.get_arguments().any(|a| a.get_long() == Some(name));
    found
}

/// Hands the case's environment to the server. Config has no place for it yet (it arrives
/// with the integrations of issue 4), so a case that needs it must be skipped by its node
/// types until then; a case that sets it anyway fails here rather than pass by accident.
/// The case's environment goes into the server's own [`Config::env`], which wins over the
/// process environment: both backends run in this process, each with its own upstreams.
fn apply_env(mut config: Config, env: &[(String, String)]) -> Result<Config, String> {
    config.env.extend(env.iter().cloned());
    Ok(config)
}

/// A folder under the system temp folder, removed on drop.
#[derive(Debug)]
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    /// Makes a new, empty, uniquely named folder.
    pub fn new() -> std::io::Result<TempDir> {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("flowc-conformance-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path)?;
        Ok(TempDir { path })
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substitutes_upstream_urls() {
        let urls = [
            ("crm".to_owned(), "http://127.0.0.1:1".to_owned()),
            ("b".to_owned(), "http://b".to_owned()),
        ];
        let rows: &[(&str, Result<&str, &str>)] = &[
            ("${upstream:crm}", Ok("http://127.0.0.1:1")),
            (
                "${upstream:crm}/x?${upstream:b}",
                Ok("http://127.0.0.1:1/x?http://b"),
            ),
            ("plain ${OTHER}", Ok("plain ${OTHER}")),
            ("${upstream:nope}", Err("no upstream named `nope`")),
            (
                "${upstream:crm",
                Err("unclosed `${upstream:` in `${upstream:crm`"),
            ),
        ];
        for (input, expected) in rows {
            let expected = expected.map(str::to_owned).map_err(str::to_owned);
            assert_eq!(substitute_upstreams(input, &urls), expected, "{input}");
        }
    }

    #[test]
    fn builds_the_server_command_line() {
        let args = ["--max-steps".to_owned(), "5".to_owned()];
        let dir = Path::new("/tmp/d");
        assert_eq!(
            server_argv(&args, dir, false),
            ["conformance", "--max-steps", "5"]
        );
        assert_eq!(
            server_argv(&args, dir, true),
            ["conformance", "--max-steps", "5", "--data-dir", "/tmp/d"]
        );
    }

    #[test]
    fn makes_the_server_config() {
        let dir = Path::new("/tmp/data-x");
        let args = [
            "--max-steps".to_owned(),
            "5".to_owned(),
            "--max-body".to_owned(),
            "64".to_owned(),
        ];
        let config = server_config(&args, dir, &[]).unwrap();
        assert_eq!((config.max_steps, config.max_body), (5, 64));
        assert_eq!(config.data_dir, dir);
        let bad =
            server_config(&["--max-steps".to_owned(), "many".to_owned()], dir, &[]).unwrap_err();
        assert!(bad.starts_with("bad server_args: "), "{bad}");
        let env = [("HOOK_URL".to_owned(), "http://x".to_owned())];
        let with_env = server_config(&[], dir, &env).unwrap();
        assert_eq!(with_env.env_var("HOOK_URL").as_deref(), Some("http://x"));
    }
}
