//! A flow server under test, on its own thread and tokio runtime.
//!
//! Its own runtime is what makes a kill real: aborting drops the runtime, and with it every
//! task the server spawned (background sessions included), as a crashed process would lose
//! them. A graceful stop lets the server finish what is in flight first.

use std::future::Future;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;

/// Builds the router to serve (starting a bundle resolves its environment, so this is
/// async and may fail); called on the server's own runtime, once per start.
pub type RouterFactory = Arc<
    dyn Fn() -> Pin<Box<dyn Future<Output = Result<axum::Router, String>> + Send>> + Send + Sync,
>;

/// A factory for a router that is ready at once.
pub fn ready(make: impl Fn() -> axum::Router + Send + Sync + 'static) -> RouterFactory {
    let make = Arc::new(make);
    Arc::new(move || {
        let router = make();
        Box::pin(async move { Ok(router) })
    })
}

/// How long a graceful stop may take before the server is killed anyway.
const GRACE: Duration = Duration::from_secs(10);

/// A running server.
#[derive(Debug)]
pub struct Server {
    port: u16,
    graceful: Option<oneshot::Sender<()>>,
    kill: Option<oneshot::Sender<()>>,
    done: Option<oneshot::Receiver<()>>,
}

impl Server {
    /// Binds a free port (`[::]` when `ipv6`, which also serves IPv4 callers, else
    /// 127.0.0.1) and starts serving on a new thread once the router is built; a router
    /// that cannot be built (a startup error) is an error here.
    pub fn start(factory: RouterFactory, ipv6: bool) -> std::io::Result<Server> {
        let addr: SocketAddr = if ipv6 {
            (Ipv6Addr::UNSPECIFIED, 0).into()
        } else {
            (Ipv4Addr::LOCALHOST, 0).into()
        };
        let listener = std::net::TcpListener::bind(addr)?;
        listener.set_nonblocking(true)?;
        let port = listener.local_addr()?.port();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        let (graceful_tx, graceful_rx) = oneshot::channel();
        let (kill_tx, kill_rx) = oneshot::channel();
        let (done_tx, done_rx) = oneshot::channel();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name(format!("flow-server-{port}"))
            .spawn(move || {
                match runtime.block_on(factory()) {
                    Ok(router) => {
                        let _ = ready_tx.send(Ok(()));
                        runtime.block_on(run(listener, router, graceful_rx, kill_rx));
                    }
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                    }
                }
                // Whatever the server left running ends here, as at a process exit.
                runtime.shutdown_background();
                let _ = done_tx.send(());
            })?;
        match ready_rx.recv() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(std::io::Error::other(e)),
            Err(_) => {
                return Err(std::io::Error::other(
                    "the server thread ended before serving",
                ))
            }
        }
        Ok(Server {
            port,
            graceful: Some(graceful_tx),
            kill: Some(kill_tx),
            done: Some(done_rx),
        })
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stops the server: gracefully (in-flight requests finish, at most 10 s), or at once
    /// when `kill`. Returns when its runtime is gone.
    pub async fn stop(mut self, kill: bool) {
        if kill {
            self.send_kill();
        } else if let Some(tx) = self.graceful.take() {
            let _ = tx.send(());
        }
        let Some(mut done) = self.done.take() else {
            return;
        };
        if tokio::time::timeout(GRACE, &mut done).await.is_err() {
            self.send_kill();
            let _ = done.await;
        }
    }

    /// Asks the server thread to drop everything now.
    fn send_kill(&mut self) {
        if let Some(tx) = self.kill.take() {
            let _ = tx.send(());
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.send_kill();
    }
}

/// Serves until a graceful stop completes or a kill arrives.
async fn run(
    listener: std::net::TcpListener,
    router: axum::Router,
    graceful: oneshot::Receiver<()>,
    kill: oneshot::Receiver<()>,
) {
    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
        return;
    };
    let service = router.into_make_service_with_connect_info::<SocketAddr>();
    let serve = axum::serve(listener, service).with_graceful_shutdown(async move {
        let _ = graceful.await;
    });
    tokio::select! {
        _ = serve => {}
        _ = kill => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::{send, HttpRequest};
    use axum::extract::ConnectInfo;
    use std::net::IpAddr;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Answers `/peer` with the caller's address, `/slow` after 300 ms, and `/spawn` at once
    /// while a spawned task counts to `counter` 300 ms later.
    fn factory(counter: Arc<AtomicUsize>) -> RouterFactory {
        ready(move || {
            let counter = counter.clone();
            axum::Router::new()
                .route(
                    "/peer",
                    axum::routing::get(|ConnectInfo(peer): ConnectInfo<SocketAddr>| async move {
                        peer.ip().to_string()
                    }),
                )
                .route(
                    "/slow",
                    axum::routing::get(|| async {
                        tokio::time::sleep(Duration::from_millis(300)).await;
                        "slow"
                    }),
                )
                .route(
                    "/spawn",
                    axum::routing::get(move || async move {
                        tokio::spawn(async move {
                            tokio::time::sleep(Duration::from_millis(300)).await;
                            counter.fetch_add(1, Ordering::SeqCst);
                        });
                        "spawned"
                    }),
                )
        })
    }

    async fn get(port: u16, peer: &str, path: &str) -> Result<String, String> {
        let peer: IpAddr = peer.parse().map_err(|_| "bad peer".to_owned())?;
        let request = HttpRequest {
            method: "GET".into(),
            target: path.into(),
            ..HttpRequest::default()
        };
        send(port, peer, &request, Duration::from_secs(5))
            .await
            .map(|r| r.body_text())
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn callers_come_from_their_peer_address() {
        let v4 = Server::start(factory(Arc::default()), false).unwrap();
        assert_eq!(
            get(v4.port(), "127.0.0.7", "/peer").await,
            Ok("127.0.0.7".into())
        );
        v4.stop(false).await;
        let dual = Server::start(factory(Arc::default()), true).unwrap();
        assert_eq!(get(dual.port(), "::1", "/peer").await, Ok("::1".into()));
        assert_eq!(
            get(dual.port(), "127.0.0.9", "/peer").await,
            Ok("::ffff:127.0.0.9".into())
        );
        dual.stop(false).await;
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn graceful_stop_finishes_requests_in_flight() {
        let server = Server::start(factory(Arc::default()), false).unwrap();
        let port = server.port();
        let slow = tokio::spawn(async move { get(port, "127.0.0.1", "/slow").await });
        tokio::time::sleep(Duration::from_millis(100)).await;
        server.stop(false).await;
        assert_eq!(slow.await.unwrap(), Ok("slow".into()));
        assert!(get(port, "127.0.0.1", "/peer").await.is_err());
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn kill_drops_background_tasks() {
        let counter = Arc::new(AtomicUsize::new(0));
        let killed = Server::start(factory(counter.clone()), false).unwrap();
        assert_eq!(
            get(killed.port(), "127.0.0.1", "/spawn").await,
            Ok("spawned".into())
        );
        killed.stop(true).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(counter.load(Ordering::SeqCst), 0);
        let alive = Server::start(factory(counter.clone()), false).unwrap();
        assert_eq!(
            get(alive.port(), "127.0.0.1", "/spawn").await,
            Ok("spawned".into())
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(counter.load(Ordering::SeqCst), 1);
        alive.stop(true).await;
    }
}
