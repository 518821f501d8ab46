//! `flowc build`: a server binary for a bundle, built by cargo from this workspace's
//! `generated` crate with `FLOWC_BUNDLE` pointing at the bundle.

use std::path::PathBuf;
use std::process::{Command, ExitCode};

/// Arguments of `flowc build`.
#[derive(clap::Args)]
pub struct BuildArgs {
    /// The bundle folder.
    bundle: PathBuf,
    /// Accept only approved, production-ready flows (§10).
    #[arg(long)]
    production: bool,
    /// Where to put the server binary.
    #[arg(short = 'o', long, default_value = "flowc-server")]
    output: PathBuf,
}

/// The flowc workspace this binary was built from: the `generated` crate lives there.
fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Checks first (for the report), then runs cargo and copies the binary.
pub fn build(args: &BuildArgs) -> ExitCode {
    if super::checked_ir(&args.bundle).is_none() {
        return ExitCode::FAILURE;
    }
    let bundle = match std::fs::canonicalize(&args.bundle) {
        Ok(path) => path,
        Err(e) => {
            eprintln!("flowc: cannot resolve {}: {e}", args.bundle.display());
            return ExitCode::FAILURE;
        }
    };
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace().join("target"), PathBuf::from);
    let mut cargo = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cargo
        .current_dir(workspace())
        .args(["build", "--release", "-p", "flowc-server"]);
    cargo
        .env("FLOWC_BUNDLE", &bundle)
        .env("CARGO_TARGET_DIR", &target);
    if args.production {
        cargo.env("FLOWC_PROFILE", "production");
    }
    match cargo.status() {
        Ok(status) if status.success() => {}
        Ok(_) => return ExitCode::FAILURE,
        Err(e) => {
            eprintln!("flowc: cannot run cargo: {e}");
            return ExitCode::FAILURE;
        }
    }
    let built = target.join("release").join("flowc-server");
    match std::fs::copy(&built, &args.output) {
        Ok(_) => {
            println!("built {}", args.output.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!(
                "flowc: cannot copy {} to {}: {e}",
                built.display(),
                args.output.display()
            );
            ExitCode::FAILURE
        }
    }
}
