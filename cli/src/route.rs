//! `flowc route add`: a new route with a generated id and a 256-bit token, written into the
//! bundle's `routes.json` as its SHA-256 hash. The token is printed once and kept nowhere.

use flowc_lang::{Map, Value};
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use std::process::ExitCode;

/// Route subcommands.
#[derive(clap::Subcommand)]
pub enum RouteCommand {
    /// Add a route to a bundle's routes.json.
    Add(AddArgs),
}

/// Arguments of `flowc route add`.
#[derive(clap::Args)]
pub struct AddArgs {
    /// The bundle folder.
    #[arg(long, default_value = "flows")]
    bundle: PathBuf,
    /// The route's unique name.
    #[arg(long)]
    name: String,
    /// GET, POST, PUT or DELETE.
    #[arg(long, default_value = "POST")]
    method: String,
    /// The flow the route starts.
    #[arg(long)]
    flow: String,
    /// The step to start at (default: the flow's start).
    #[arg(long)]
    step: Option<u64>,
    /// Allowed callers: `;`-separated addresses and CIDR blocks.
    #[arg(long, default_value = "127.0.0.1;::1")]
    allow: String,
    /// Acknowledge with 202 and run in the background.
    #[arg(long = "async")]
    is_async: bool,
}

/// Runs a route subcommand.
pub fn route(command: RouteCommand) -> ExitCode {
    match command {
        RouteCommand::Add(args) => match add(&args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("flowc: {message}");
                ExitCode::FAILURE
            }
        },
    }
}

fn add(args: &AddArgs) -> Result<(), String> {
    let method = args.method.to_ascii_uppercase();
    if !["GET", "POST", "PUT", "DELETE"].contains(&method.as_str()) {
        return Err(format!(
            "--method must be GET, POST, PUT or DELETE, not `{}`",
            args.method
        ));
    }
    let path = args.bundle.join("routes.json");
    let mut file = read_routes(&path)?;
    let routes = routes_array(&mut file)?;
    if routes
        .iter()
        .any(|r| r.segment("name", None) == Some(&Value::from(args.name.as_str())))
    {
        return Err(format!(
            "a route named `{}` already exists in {}",
            args.name,
            path.display()
        ));
    }
    let token = new_token()?;
    let id = flowc_lang::func::uuid();
    routes.push(route_value(args, &method, &id, &token));
    let mut text = String::new();
    super::pretty::write(&file, 0, &mut text);
    text.push('\n');
    std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!("added route `{}`: {method} /dynamic/{id}", args.name);
    println!("token (shown once, store it now): {token}");
    Ok(())
}

fn read_routes(path: &std::path::Path) -> Result<Value, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => flowc_lang::json::parse(&text)
            .map_err(|e| format!("{}:{}:{}: {}", path.display(), e.line, e.column, e.message)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut map = Map::default();
            map.insert("routes".into(), Value::Array(Vec::new()));
            Ok(Value::Object(map))
        }
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

fn routes_array(file: &mut Value) -> Result<&mut Vec<Value>, String> {
    match file {
        Value::Object(map) => match map.get_mut("routes") {
            Some(Value::Array(items)) => Ok(items),
            _ => Err("routes.json has no `routes` array".into()),
        },
        _ => Err("routes.json is not a JSON object".into()),
    }
}

/// 256 random bits from the operating system, as 64 hex characters.
fn new_token() -> Result<String, String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| format!("no randomness for the token: {e}"))?;
    Ok(hex(&bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn route_value(args: &AddArgs, method: &str, id: &str, token: &str) -> Value {
    let mut route = Map::default();
    route.insert("id".into(), id.into());
    route.insert("name".into(), args.name.as_str().into());
    route.insert("method".into(), method.into());
    route.insert("allowed_ips".into(), args.allow.as_str().into());
    route.insert("async".into(), args.is_async.into());
    route.insert("flow".into(), args.flow.as_str().into());
    if let Some(step) = args.step {
        route.insert(
            "step".into(),
            Value::Number(flowc_lang::Number::from_i64(step as i64)),
        );
    }
    route.insert(
        "token_sha256".into(),
        hex(&Sha256::digest(token.as_bytes())).into(),
    );
    Value::Object(route)
}
