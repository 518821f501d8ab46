//! Reading a bundle: `routes.json`, `integrations.json` and `*.flow.json` (§1).

use crate::diag::{Diagnostic, Diagnostics};
use std::path::Path;

/// The files of a bundle, in memory, sorted by name.
#[derive(Debug, Clone, Default)]
pub struct BundleSource {
    /// Where it came from (for the `@generated` header and messages).
    pub origin: String,
    /// `(file name, text)`, e.g. `("order.flow.json", "{…}")`.
    pub files: Vec<(String, String)>,
}

impl BundleSource {
    /// Reads the bundle files of `dir` (other files are ignored).
    pub fn read_dir(dir: &Path) -> Result<BundleSource, Diagnostics> {
        let mut diags = Diagnostics::default();
        let mut files = Vec::new();
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => {
                diags.push(Diagnostic::error(
                    dir.display().to_string(),
                    format!("cannot read the bundle folder: {e}"),
                ));
                return Err(diags);
            }
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !Self::is_bundle_file(&name) {
                continue;
            }
            match std::fs::read_to_string(entry.path()) {
                Ok(text) => files.push((name, text)),
                Err(e) => diags.push(Diagnostic::error(
                    name,
                    format!("cannot read the file: {e}"),
                )),
            }
        }
        if diags.has_errors() {
            return Err(diags);
        }
        files.sort();
        Ok(BundleSource {
            origin: origin_name(dir),
            files,
        })
    }

    /// Whether a file name belongs to a bundle.
    pub fn is_bundle_file(name: &str) -> bool {
        name == "routes.json" || name == "integrations.json" || name.ends_with(".flow.json")
    }
}

/// The folder's own name (`flows`), not its absolute path, so generated code does not
/// depend on where the checkout lives.
fn origin_name(dir: &Path) -> String {
    let canonical = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    match canonical.file_name() {
        Some(name) => name.to_string_lossy().into_owned(),
        None => dir.display().to_string(),
    }
}
