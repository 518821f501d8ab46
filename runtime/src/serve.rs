//! Serving a router: bind, log the routes, stop on SIGTERM after the sessions in flight.
//!
//! [`run_server`] is the `main` of every flow server: the generated one (through [`main`])
//! and `flowc serve`.

use crate::app::App;
use crate::config::ServerArgs;
use crate::http::RouteSpec;
use std::future::Future;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

/// Serves `router` on `listener` until `shutdown` completes; then stops accepting and
/// waits for the requests in flight (their sessions included) to finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: axum::Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// Completes on SIGTERM or Ctrl-C. If a signal cannot be watched, only the other one
/// stops the server (and with neither it runs until killed).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                term.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}

/// The start-up log (§12): `POST http://127.0.0.1:8080/dynamic/<id>  <name> → <entry>`.
pub fn route_lines(base_url: &str, routes: &[RouteSpec]) -> Vec<String> {
    let base = base_url.trim_end_matches('/');
    routes
        .iter()
        .map(|r| {
            format!(
                "{} {base}/dynamic/{}  {} → {}",
                r.method, r.id, r.name, r.entry
            )
        })
        .collect()
}

/// The `main` of a flow server: makes the configuration (an error exits 2), builds the
/// router, binds `--listen` (`[::]:PORT` is one dual-stack socket), prints one line per
/// Runs a server until SIGTERM: makes the configuration from the flags (a bad flag: exit
/// 2), starts the app (a missing or malformed environment value: exit 2, every problem
/// named), binds, logs one line per route, serves.
pub fn run_server(args: &ServerArgs, app: impl FnOnce() -> App) -> ExitCode {
    let config = match args.config() {
        Ok(config) => Arc::new(config),
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let app = app();
        let specs: Vec<RouteSpec> = app.routes.iter().map(|(spec, _)| spec.clone()).collect();
        let router = match crate::app::start(app, config).await {
            Ok(router) => router,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        };
        match bind_and_serve(&args.listen, router, &specs).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        }
    })
}

/// The command line of a generated server: the server flags alone.
#[derive(Debug, clap::Parser)]
#[command(about = "A flow server built by flowc from a flow bundle.")]
struct ServerCli {
    #[command(flatten)]
    server: ServerArgs,
}

/// The whole `main` of a generated server: parses the flags (exiting 2 with clap's message
/// on a bad one) and runs [`run_server`] with the generated app.
pub fn main(app: impl FnOnce() -> App) -> ExitCode {
    let cli = <ServerCli as clap::Parser>::parse();
    run_server(&cli.server, app)
}

/// Binds, logs the routes with the address actually bound, and serves.
async fn bind_and_serve(
    listen: &str,
    router: axum::Router,
    routes: &[RouteSpec],
) -> Result<(), String> {
    let listener = bind(listen).map_err(|e| format!("--listen {listen}: {e}"))?;
    let local = listener
        .local_addr()
        .map_err(|e| format!("--listen {listen}: {e}"))?;
    for line in route_lines(&format!("http://{local}"), routes) {
        println!("{line}");
    }
    serve(listener, router, shutdown_signal())
        .await
        .map_err(|e| format!("serving on {local}: {e}"))
}

/// Binds with std: on Linux a `[::]` socket is dual-stack unless the system disables it
/// (`net.ipv6.bindv6only`), and std does not set `IPV6_V6ONLY`.
fn bind(listen: &str) -> std::io::Result<tokio::net::TcpListener> {
    let listener = std::net::TcpListener::bind(listen)?;
    listener.set_nonblocking(true)?;
    tokio::net::TcpListener::from_std(listener)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(id: &str, name: &str, method: &'static str, entry: &str) -> RouteSpec {
        RouteSpec {
            id: id.to_owned(),
            name: name.to_owned(),
            method,
            allowed: Vec::new(),
            token_sha256: Vec::new(),
            is_async: false,
            timeout_ms: 1000,
            entry: entry.to_owned(),
            headers_read: Vec::new(),
            body_reads: None,
        }
    }

    #[test]
    fn route_lines_format() {
        let routes = [
            spec("abc", "order-triage", "POST", "order-triage:1"),
            spec("x", "n", "GET", "f:7"),
        ];
        assert_eq!(
            route_lines("http://127.0.0.1:8080/", &routes),
            vec![
                "POST http://127.0.0.1:8080/dynamic/abc  order-triage → order-triage:1".to_owned(),
                "GET http://127.0.0.1:8080/dynamic/x  n → f:7".to_owned(),
            ]
        );
    }

    fn server_args(argv: &[&str]) -> ServerArgs {
        use clap::Parser;
        #[derive(Parser)]
        struct Cli {
            #[command(flatten)]
            server: ServerArgs,
        }
        let argv = std::iter::once("server").chain(argv.iter().copied());
        Cli::try_parse_from(argv).map(|c| c.server).unwrap()
    }

    #[test]
    fn run_server_exit_codes() {
        let never = || -> App { panic!("built despite a bad config") };
        assert_eq!(
            run_server(
                &server_args(&["--max-steps", "1", "--trusted-proxy", "nope"]),
                never
            ),
            ExitCode::from(2)
        );
        let empty = || App {
            routes: Vec::new(),
            needs: Default::default(),
        };
        assert_eq!(
            run_server(&server_args(&["--listen", "256.0.0.1:1"]), empty),
            ExitCode::FAILURE
        );
    }

    #[tokio::test]
    async fn serves_until_shutdown_and_dual_stack() {
        let listener = bind("[::]:0").or_else(|_| bind("127.0.0.1:0")).unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let router = crate::http::router(
            Vec::new(),
            crate::app::Services::bare(Arc::new(crate::config::Config::default())),
        );
        let server = tokio::spawn(serve(listener, router, async {
            let _ = stopped.await;
        }));
        let reply = get_healthz(addr.port()).await;
        assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
        assert!(
            reply.to_ascii_lowercase().contains("x-request-id:"),
            "{reply}"
        );
        let _ = stop.send(());
        assert!(server.await.unwrap().is_ok());
    }

    /// A bare HTTP/1.1 GET over IPv4 loopback (reaching a `[::]` listener through dual stack).
    async fn get_healthz(port: u16) -> String {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .unwrap();
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
            .await
            .unwrap();
        let mut reply = String::new();
        stream.read_to_string(&mut reply).await.unwrap();
        reply
    }
}
