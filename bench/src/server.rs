//! Servers as child processes: the hidden `serve` subcommand (the child side) and
//! [`ServerProcess`] (the parent side), so each server has its own process to pin to a
//! core and to measure in `/proc`.
//!
//! Besides HTTP, parent and child talk over the child's stdin and stdout: the child prints
//! [`READY`] once it listens, and answers each [`COMMITS_QUERY`] line with its store's
//! commit count, so the server under test serves nothing extra.

use crate::backends::{Server, Setup};
use crate::{affinity, procfs, upstream};
use flowc_runtime::store::Store;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// The core servers run on; the load generator takes [`affinity::LOAD_CORE`].
pub const SERVER_CORE: usize = 0;

/// What the child prints once it listens: `listening 127.0.0.1:PORT`.
const READY: &str = "listening ";

/// The parent's question on the child's stdin.
const COMMITS_QUERY: &str = "commits?";

/// The child's answer: `commits N`, or `commits none` without a store.
const COMMITS: &str = "commits ";

/// The child side: pins itself to [`SERVER_CORE`], starts a one-worker runtime, serves
/// `server` on `127.0.0.1:port` (0: any free port) with its store in `data_dir` and W3's
/// upstream from [`upstream::ENV`], prints [`READY`] with the address, answers commit
/// queries on stdin, and serves until SIGTERM or killed.
pub fn serve_child(server: Server, port: u16, data_dir: PathBuf) -> Result<(), String> {
    let upstream = std::env::var(upstream::ENV)
        .map_err(|_| format!("{} is not set (the benchmark sets it)", upstream::ENV))?;
    let setup = Setup { upstream, data_dir };
    affinity::pin_current_thread(SERVER_CORE);
    // Built after pinning and with one worker for every server alike: one core each.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    runtime.block_on(async move {
        let served = server.start(&setup).await?;
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .map_err(|e| format!("cannot listen on port {port}: {e}"))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        say(&format!("{READY}{addr}"))?;
        answer_commit_queries(served.store.clone());
        flowc_runtime::serve::serve(
            listener,
            served.router.clone(),
            flowc_runtime::serve::shutdown_signal(),
        )
        .await
        .map_err(|e| format!("serving: {e}"))
    })
}

/// One line to stdout, flushed.
fn say(line: &str) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}")
        .and_then(|()| out.flush())
        .map_err(|e| e.to_string())
}

/// Answers every [`COMMITS_QUERY`] line on stdin from a thread of its own (blocked on
/// stdin between queries), until stdin closes.
fn answer_commit_queries(store: Option<Store>) {
    let answer = move || {
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { break };
            if line.trim() == COMMITS_QUERY {
                let count = store.as_ref().map(Store::commits);
                if say(&commits_line(count)).is_err() {
                    break;
                }
            }
        }
    };
    if let Err(e) = std::thread::Builder::new()
        .name("bench-control".to_owned())
        .spawn(answer)
    {
        eprintln!("warning: no commit counts from this server: {e}");
    }
}

/// `commits 42` / `commits none`.
fn commits_line(count: Option<u64>) -> String {
    match count {
        Some(n) => format!("{COMMITS}{n}"),
        None => format!("{COMMITS}none"),
    }
}

/// The count of a `commits …` line; `None` for `none` or anything else.
fn parse_commits(line: &str) -> Option<u64> {
    line.trim().strip_prefix(COMMITS)?.parse().ok()
}

/// A server running as a child process; killed when dropped, its store's folder removed.
pub struct ServerProcess {
    child: Child,
    /// The port it listens on (127.0.0.1).
    pub port: u16,
    /// The child's stdin and stdout, for commit queries.
    control: Mutex<Option<(ChildStdin, BufReader<ChildStdout>)>>,
    /// The store's folder, fresh for this process.
    data_dir: TempDir,
}

impl ServerProcess {
    /// Starts `server` by re-running this executable with `serve`, its store in a fresh
    /// folder and W3's upstream at `upstream` in its environment, and waits until it
    /// listens.
    pub fn start(server: Server, upstream: &str) -> Result<ServerProcess, String> {
        let exe = std::env::current_exe().map_err(|e| format!("cannot find myself: {e}"))?;
        let data_dir = TempDir::fresh(server.name())?;
        let mut child = Command::new(exe)
            .args(["serve", "--server", server.name(), "--port", "0"])
            .arg("--data-dir")
            .arg(data_dir.path())
            .env(upstream::ENV, upstream)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start the {} server: {e}", server.name()))?;
        let control = child
            .stdin
            .take()
            .zip(child.stdout.take().map(BufReader::new));
        let mut process = ServerProcess {
            child,
            port: 0,
            control: Mutex::new(control),
            data_dir,
        };
        let port = process.read_line().and_then(|line| ready_port(&line));
        match port {
            Some(port) => {
                process.port = port;
                Ok(process)
            }
            None => Err(format!("the {} server did not start", server.name())),
        }
    }

    /// Its process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Its CPU time so far, in clock ticks.
    pub fn cpu_ticks(&self) -> Option<u64> {
        procfs::cpu_ticks(self.pid())
    }

    /// Its peak resident set size so far, in KiB.
    pub fn peak_rss_kib(&self) -> Option<u64> {
        procfs::peak_rss_kib(self.pid())
    }

    /// Its store's commits so far ([`Store::commits`]); `None` without a store.
    pub fn store_commits(&self) -> Option<u64> {
        let mut control = self.control.lock().ok()?;
        let (stdin, stdout) = control.as_mut()?;
        writeln!(stdin, "{COMMITS_QUERY}")
            .and_then(|()| stdin.flush())
            .ok()?;
        // Skip anything else the child may print; the answer is the next `commits` line.
        loop {
            let mut line = String::new();
            if stdout.read_line(&mut line).ok()? == 0 {
                return None;
            }
            if line.starts_with(COMMITS) {
                return parse_commits(&line);
            }
        }
    }

    /// Its store's file (`<data dir>/flowc.db`), which exists once a store opened.
    pub fn store_file(&self) -> PathBuf {
        self.data_dir.path().join(flowc_runtime::store::FILE_NAME)
    }

    /// One line of the child's stdout.
    fn read_line(&self) -> Option<String> {
        let mut control = self.control.lock().ok()?;
        let (_, stdout) = control.as_mut()?;
        let mut line = String::new();
        stdout.read_line(&mut line).ok()?;
        Some(line)
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        // Only this child, by its own handle; it holds no state worth a graceful stop.
        let _ = self.child.kill();
        let _ = self.child.wait();
        // `data_dir` is removed after this, once the child is gone.
    }
}

/// The port of a `listening 127.0.0.1:PORT` line.
fn ready_port(line: &str) -> Option<u16> {
    let addr: std::net::SocketAddr = line.trim().strip_prefix(READY)?.parse().ok()?;
    Some(addr.port())
}

/// A fresh folder under the system's temporary folder, removed when dropped.
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    /// `<tmp>/flowc-bench-<pid>-<label>-<n>`, empty.
    pub fn fresh(label: &str) -> Result<TempDir, String> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("flowc-bench-{}-{label}-{n}", std::process::id()));
        // A folder of that name can only be left over from a dead run with the same pid.
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path)
            .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
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
    fn ready_lines() {
        assert_eq!(ready_port("listening 127.0.0.1:4040\n"), Some(4040));
        assert_eq!(ready_port("listening nowhere"), None);
        assert_eq!(ready_port("error: cannot listen"), None);
    }

    #[test]
    fn commit_lines() {
        let rows = [
            (Some(0), "commits 0"),
            (Some(42), "commits 42"),
            (None, "commits none"),
        ];
        for (count, line) in rows {
            assert_eq!(commits_line(count), line);
            assert_eq!(parse_commits(&format!("{line}\n")), count, "{line}");
        }
        assert_eq!(parse_commits("listening 127.0.0.1:1"), None);
    }

    #[test]
    fn temp_dirs_are_fresh_and_removed() {
        let a = TempDir::fresh("test").unwrap();
        let b = TempDir::fresh("test").unwrap();
        assert_ne!(a.path(), b.path());
        std::fs::write(a.path().join("x"), "x").unwrap();
        let kept = a.path().to_owned();
        drop(a);
        assert!(!kept.exists());
        assert!(b.path().is_dir());
    }
}
