//! The flowc generator: one library behind every front end (build.rs, the proc-macro, the
//! CLI) and the interpreter.
//!
//! The pipeline has typed stages:
//! [`source`] (read files) → [`model`] (parse with locations) → [`validate`] (all
//! diagnostics at once) → [`lower`] (to the typed [`ir`]) → `emit` (tokens with `quote`,
//! feature `emit`) → `format` (prettyplease). Emission only ever sees an [`ir::Bundle`],
//! which only [`lower`] can make, so "validated" is a type.
//!
//! May depend on `flowc-lang`; never on axum or tokio.
#![deny(missing_docs)]

pub mod diag;
pub mod environment;
pub mod ir;
pub mod lower;
pub mod model;
pub mod source;
pub mod validate;

#[cfg(feature = "emit")]
pub mod emit;

pub use diag::{Diagnostic, Diagnostics, Severity};
pub use source::BundleSource;

/// The result of checking a bundle: the IR when there are no errors, and every diagnostic
/// (warnings included) either way.
#[derive(Debug)]
pub struct Checked {
    /// The lowered bundle, present when there are no errors.
    pub ir: Option<ir::Bundle>,
    /// Every error and warning, in a stable order.
    pub diagnostics: Diagnostics,
}

/// The IR of an in-memory bundle of `(file name, text)` pairs that must check.
#[cfg(test)]
pub(crate) fn test_ir(files: &[(&str, &str)]) -> ir::Bundle {
    let source = BundleSource {
        origin: "test".into(),
        files: files
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect(),
    };
    let checked = check(&source);
    checked
        .ir
        .unwrap_or_else(|| panic!("{}", checked.diagnostics.render()))
}

/// Runs parse → validate → lower on an in-memory bundle.
pub fn check(source: &BundleSource) -> Checked {
    let mut diags = Diagnostics::default();
    let model = model::parse(source, &mut diags);
    // Validation and lowering share one index, and with it each regex's translation.
    let index = model::Index::new(&model);
    validate::validate_indexed(&model, &index, &mut diags);
    let ir = if diags.has_errors() {
        None
    } else {
        Some(lower::lower_indexed(&model, &index, &mut diags))
    };
    diags.sort();
    let ir = if diags.has_errors() { None } else { ir };
    Checked {
        ir,
        diagnostics: diags,
    }
}

/// Reads a bundle folder and checks it.
pub fn check_dir(dir: &std::path::Path) -> Checked {
    match BundleSource::read_dir(dir) {
        Ok(source) => check(&source),
        Err(diagnostics) => Checked {
            ir: None,
            diagnostics,
        },
    }
}

/// Generates the formatted Rust module for a checked bundle (`// @generated` header
/// included). The same IR always gives byte-identical text. A large bundle is formatted
/// in pieces on several threads (see `emit::format_bundle`): call this from a build script
/// or a program, not from inside a procedural macro, which expands `emit::bundle_tokens`.
#[cfg(feature = "emit")]
pub fn generate(ir: &ir::Bundle) -> String {
    emit::format_bundle(ir)
}
