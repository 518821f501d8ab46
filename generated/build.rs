//! Generates the server's flow module from the bundle in `FLOWC_BUNDLE` (default `../flows`).
//!
//! A thin front end: read, call `flowc_codegen`, report, write. The build fails with the
//! same report `flowc check` prints.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    println!("cargo:rerun-if-env-changed=FLOWC_BUNDLE");
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let bundle = match std::env::var_os("FLOWC_BUNDLE") {
        Some(dir) => manifest.join(dir),
        None => manifest.join("../flows"),
    };
    watch(&bundle);
    let checked = flowc_codegen::check_dir(&bundle);
    for d in checked.diagnostics.items() {
        if d.severity == flowc_codegen::Severity::Warning {
            println!("cargo:warning={}", d.render().replace('\n', " "));
        }
    }
    let Some(ir) = checked.ir else {
        eprintln!(
            "flowc: the bundle {} has errors:\n{}",
            bundle.display(),
            checked.diagnostics.render()
        );
        return ExitCode::FAILURE;
    };
    let code = flowc_codegen::generate(&ir);
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default()).join("flows.rs");
    // Rewrite only on change so an unchanged bundle does not recompile the server.
    if std::fs::read_to_string(&out).ok().as_deref() != Some(code.as_str()) {
        if let Err(e) = std::fs::write(&out, code) {
            eprintln!("flowc: cannot write {}: {e}", out.display());
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

/// Re-run when the folder or any bundle file in it changes.
fn watch(bundle: &Path) {
    println!("cargo:rerun-if-changed={}", bundle.display());
    if let Ok(entries) = std::fs::read_dir(bundle) {
        for entry in entries.flatten() {
            println!("cargo:rerun-if-changed={}", entry.path().display());
        }
    }
}
