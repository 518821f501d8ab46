//! Servers as child processes: the hidden `serve` subcommand (the child side) and
//! [`ServerProcess`] (the parent side), so each server has its own process to pin to a
//! core and to measure in `/proc`.

use crate::backends::Server;
use crate::{affinity, procfs};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};

/// The core servers run on; the load generator takes [`affinity::LOAD_CORE`].
pub const SERVER_CORE: usize = 0;

/// What the child prints once it listens: `listening 127.0.0.1:PORT`.
const READY: &str = "listening ";

/// The child side: pins itself to [`SERVER_CORE`], starts a one-worker runtime, serves
/// `server` on `127.0.0.1:port` (0: any free port), prints [`READY`] with the address and
/// serves until SIGTERM or killed.
pub fn serve_child(server: Server, port: u16) -> Result<(), String> {
    affinity::pin_current_thread(SERVER_CORE);
    // Built after pinning and with one worker for every server alike: one core each.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    runtime.block_on(async move {
        let router = server.router().await?;
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .map_err(|e| format!("cannot listen on port {port}: {e}"))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let mut out = std::io::stdout().lock();
        writeln!(out, "{READY}{addr}")
            .and_then(|()| out.flush())
            .map_err(|e| e.to_string())?;
        drop(out);
        flowc_runtime::serve::serve(listener, router, flowc_runtime::serve::shutdown_signal())
            .await
            .map_err(|e| format!("serving: {e}"))
    })
}

/// A server running as a child process; killed when dropped.
pub struct ServerProcess {
    child: Child,
    /// The port it listens on (127.0.0.1).
    pub port: u16,
}

impl ServerProcess {
    /// Starts `server` by re-running this executable with `serve`, and waits until it
    /// listens.
    pub fn start(server: Server) -> Result<ServerProcess, String> {
        let exe = std::env::current_exe().map_err(|e| format!("cannot find myself: {e}"))?;
        let mut child = Command::new(exe)
            .args(["serve", "--server", server.name(), "--port", "0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start the {} server: {e}", server.name()))?;
        let port = child.stdout.take().and_then(|out| {
            let mut line = String::new();
            BufReader::new(out).read_line(&mut line).ok()?;
            ready_port(&line)
        });
        let mut process = ServerProcess { child, port: 0 };
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
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        // Only this child, by its own handle; it holds no state worth a graceful stop.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The port of a `listening 127.0.0.1:PORT` line.
fn ready_port(line: &str) -> Option<u16> {
    let addr: std::net::SocketAddr = line.trim().strip_prefix(READY)?.parse().ok()?;
    Some(addr.port())
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
}
