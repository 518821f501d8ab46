//! `flowc run`: one session through the interpreter, with the steps it took (Chat Flow's
//! preview, for API flows).

use flowc_codegen::ir;
use flowc_lang::scope::{RequestData, SessionData};
use flowc_runtime::interp::TraceStep;
use flowc_runtime::session::Outcome;
use flowc_runtime::{Call, Config, Services};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

/// Arguments of `flowc run`.
#[derive(clap::Args)]
pub struct RunArgs {
    /// The bundle folder.
    bundle: PathBuf,
    /// The route's id or name.
    #[arg(long)]
    route: String,
    /// A file holding the JSON request body.
    #[arg(long)]
    body: Option<PathBuf>,
    /// A query parameter `key=value` (repeatable).
    #[arg(long = "query", value_name = "KEY=VALUE")]
    query: Vec<String>,
    /// A request header `name: value` (repeatable).
    #[arg(long = "header", value_name = "NAME: VALUE")]
    headers: Vec<String>,
    /// The caller's address as the flow sees it.
    #[arg(long, default_value = "127.0.0.1")]
    ip: String,
    /// The step budget.
    #[arg(long, default_value_t = 10_000)]
    max_steps: u64,
    /// Print every step the session took.
    #[arg(long)]
    trace: bool,
}

/// Runs the preview.
pub fn run(args: &RunArgs) -> ExitCode {
    let Some(bundle) = super::checked_ir(&args.bundle) else {
        return ExitCode::FAILURE;
    };
    let Some(route) = bundle
        .routes
        .iter()
        .find(|r| r.id == args.route || r.name == args.route)
    else {
        let names: Vec<&str> = bundle.routes.iter().map(|r| r.name.as_str()).collect();
        eprintln!(
            "flowc: no route `{}`; routes: {}",
            args.route,
            names.join(", ")
        );
        return ExitCode::FAILURE;
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("flowc: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let services = match runtime.block_on(start_services(&bundle, args)) {
        Ok(services) => services,
        Err(message) => {
            eprintln!("flowc: {message}");
            return ExitCode::FAILURE;
        }
    };
    let call = match make_call(args, route, services) {
        Ok(call) => call,
        Err(message) => {
            eprintln!("flowc: {message}");
            return ExitCode::FAILURE;
        }
    };
    let mut trace = Vec::new();
    let result = runtime.block_on(flowc_runtime::interp::run(
        &bundle,
        route.entry,
        route,
        call,
        Some(&mut trace),
    ));
    if args.trace {
        print_trace(&trace);
    }
    match result {
        Ok(Outcome::Parked(parked)) => {
            // A preview runs synchronously; only an asynchronous session parks.
            println!("parked, waiting for a callback on `{}`", parked.reference);
            ExitCode::SUCCESS
        }
        Ok(Outcome::Answered(answer)) => {
            println!("HTTP {}", answer.status);
            if let Some(ct) = &answer.content_type {
                println!("content-type: {ct}");
            }
            for (name, value) in &answer.headers {
                println!("{name}: {value}");
            }
            println!();
            println!("{}", String::from_utf8_lossy(&answer.body));
            ExitCode::SUCCESS
        }
        Err(e) => {
            println!(
                "HTTP {} {}: {}",
                e.code.status(),
                e.code.as_str(),
                e.message
            );
            ExitCode::FAILURE
        }
    }
}

fn make_call(args: &RunArgs, route: &ir::Route, services: Arc<Services>) -> Result<Call, String> {
    let body = match &args.body {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let value = flowc_lang::json::parse(&text).map_err(|e| {
                format!("{}:{}:{}: {}", path.display(), e.line, e.column, e.message)
            })?;
            Some(value)
        }
        None => None,
    };
    let mut query = flowc_lang::Map::default();
    for pair in &args.query {
        let (k, v) = pair
            .split_once('=')
            .ok_or_else(|| format!("--query `{pair}` is not KEY=VALUE"))?;
        query.get_or_insert_with(k.to_owned(), || v.into());
    }
    let mut headers = Vec::new();
    for h in &args.headers {
        let (k, v) = h
            .split_once(':')
            .ok_or_else(|| format!("--header `{h}` is not NAME: VALUE"))?;
        headers.push((k.trim().to_ascii_lowercase(), v.trim().to_owned()));
    }
    let request = RequestData {
        method: route.method.as_str().to_owned().into(),
        path: format!("/dynamic/{}", route.id).into(),
        ip: args.ip.as_str().into(),
        query,
        headers,
        body,
    };
    let session = SessionData {
        id: flowc_lang::func::uuid().into(),
        route: route.name.as_str().into(),
        flow: Default::default(),
        started_at: flowc_lang::time::StartTime::now(),
        msisdn: None,
    };
    Ok(Call {
        services,
        request,
        session,
        max_steps: args.max_steps,
        deadline: None,
        is_async: false,
        resume: None,
    })
}

/// Resolves what the bundle needs from the environment, as a server would at start.
async fn start_services(bundle: &ir::Bundle, args: &RunArgs) -> Result<Arc<Services>, String> {
    let config = Arc::new(Config {
        max_steps: args.max_steps,
        ..Config::default()
    });
    let needs = flowc_runtime::interp::needs(bundle);
    Services::start(&needs, config)
        .await
        .map_err(|e| e.to_string())
}

fn print_trace(trace: &[TraceStep]) {
    for (i, step) in trace.iter().enumerate() {
        println!(
            "{:>4}  {}:{}  {}  → {}",
            i + 1,
            step.flow,
            step.step,
            step.kind,
            step.outcome
        );
        for (name, value) in &step.wrote {
            println!("        {name} = {value}");
        }
    }
    println!();
}
