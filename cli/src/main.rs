//! The `flowc` command: check, expand, build, run, serve and route management for flow
//! bundles. Each subcommand is a thin front end over `flowc-codegen` and `flowc-runtime`.

mod build;
mod pretty;
mod route;
mod run;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

/// `flowc serve` runs on the allocator of built servers (`flowc-server`), so the two
/// backends of one bundle compare like for like.
#[global_allocator]
static ALLOCATOR: flowc_alloc::MiMalloc = flowc_alloc::MiMalloc;

/// flowc: the flow compiler.
#[derive(Parser)]
#[command(
    name = "flowc",
    version,
    about = "Compile JSON flow bundles into HTTP servers"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check a bundle and print every problem (exit 1 on errors).
    Check {
        /// The bundle folder.
        bundle: PathBuf,
        /// `text` for people, `json` for machines.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Print the Rust code generated for a bundle (and, with --ir, the lowered IR).
    Expand {
        /// The bundle folder.
        bundle: PathBuf,
        /// Print the lowered IR instead of the code.
        #[arg(long)]
        ir: bool,
    },
    /// Build a server binary for a bundle.
    Build(build::BuildArgs),
    /// Preview one session with the interpreter and print its answer (and trace).
    Run(run::RunArgs),
    /// Serve a bundle with the interpreter (same HTTP contract as a built server).
    Serve {
        /// The bundle folder.
        bundle: PathBuf,
        #[command(flatten)]
        server: flowc_runtime::ServerArgs,
    },
    /// Manage routes.
    Route {
        #[command(subcommand)]
        command: route::RouteCommand,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Check { bundle, format } => check(&bundle, format),
        Command::Expand { bundle, ir } => expand(&bundle, ir),
        Command::Build(args) => build::build(&args),
        Command::Run(args) => run::run(&args),
        Command::Serve { bundle, server } => serve(&bundle, &server),
        Command::Route { command } => route::route(command),
    }
}

fn check(bundle: &std::path::Path, format: Format) -> ExitCode {
    let checked = flowc_codegen::check_dir(bundle);
    match format {
        Format::Text => {
            print!("{}", checked.diagnostics.render());
            // A build never reads the environment; the server will (§4.7).
            let note = checked
                .ir
                .as_ref()
                .and_then(flowc_codegen::environment::environment_note);
            if let Some(note) = note {
                println!("{note}");
            }
        }
        Format::Json => println!("{}", checked.diagnostics.to_json()),
    }
    if checked.ir.is_some() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Checks a bundle, printing the report on errors.
fn checked_ir(bundle: &std::path::Path) -> Option<flowc_codegen::ir::Bundle> {
    let checked = flowc_codegen::check_dir(bundle);
    if checked.ir.is_none() {
        eprint!("{}", checked.diagnostics.render());
    }
    checked.ir
}

fn expand(bundle: &std::path::Path, ir: bool) -> ExitCode {
    let Some(lowered) = checked_ir(bundle) else {
        return ExitCode::FAILURE;
    };
    if ir {
        println!("{lowered:#?}");
    } else {
        print!("{}", flowc_codegen::generate(&lowered));
    }
    ExitCode::SUCCESS
}

fn serve(bundle: &std::path::Path, server: &flowc_runtime::ServerArgs) -> ExitCode {
    let Some(lowered) = checked_ir(bundle) else {
        return ExitCode::FAILURE;
    };
    let bundle = std::sync::Arc::new(lowered);
    flowc_runtime::serve::run_server(server, move || flowc_runtime::interp::app(bundle))
}
