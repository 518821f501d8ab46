//! The proc-macro front end of flowc: `flowc_macros::bundle!("path")`.
//!
//! A thin wrapper over `flowc_codegen`: read the bundle (relative to the calling crate's
//! `CARGO_MANIFEST_DIR`), check it, emit it. No logic lives here.

use proc_macro::TokenStream;
use quote::{format_ident, quote};
use std::path::PathBuf;
use syn::parse::{Parse, ParseStream};
use syn::{Ident, LitStr, Token};

/// `bundle!("flows")` expands to `pub mod flows { … }` with `pub fn app()` and
/// `pub async fn router(config) -> Result<axum::Router, StartupError>`; `bundle!("path/to/x" as name)` names the module.
/// Bundle errors become `compile_error!`s next to a skeleton module, so code that uses the
/// module does not drown in follow-up errors.
#[proc_macro]
pub fn bundle(input: TokenStream) -> TokenStream {
    let args = syn::parse_macro_input!(input as Args);
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let dir = manifest.join(args.path.value());
    let module = args.name.unwrap_or_else(|| default_name(&args.path));
    let checked = flowc_codegen::check_dir(&dir);
    let body = match &checked.ir {
        Some(ir) => flowc_codegen::emit::bundle_tokens(ir),
        None => skeleton(&checked.diagnostics.render()),
    };
    let tracked = tracked_files(&dir);
    quote! {
        #[allow(missing_docs)]
        pub mod #module {
            #body
            // Recompile the caller when a bundle file changes.
            const _: &[&str] = &[#(include_str!(#tracked)),*];
        }
    }
    .into()
}

struct Args {
    path: LitStr,
    name: Option<Ident>,
}

impl Parse for Args {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let path: LitStr = input.parse()?;
        let name = if input.peek(Token![as]) {
            input.parse::<Token![as]>()?;
            Some(input.parse()?)
        } else {
            None
        };
        Ok(Args { path, name })
    }
}

fn default_name(path: &LitStr) -> Ident {
    let value = path.value();
    let last = value
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("flows");
    let cleaned: String = last
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let cleaned = if cleaned.starts_with(|c: char| c.is_ascii_digit()) || cleaned.is_empty() {
        format!("bundle_{cleaned}")
    } else {
        cleaned
    };
    format_ident!("{}", cleaned, span = path.span())
}

fn skeleton(report: &str) -> proc_macro2::TokenStream {
    let message = format!("flowc: the bundle has errors:\n{report}");
    quote! {
        compile_error!(#message);
        pub fn app() -> ::flowc_runtime::App {
            ::flowc_runtime::App { routes: ::std::vec::Vec::new(), needs: ::std::default::Default::default() }
        }
        pub async fn router(
            config: ::std::sync::Arc<::flowc_runtime::Config>,
        ) -> ::std::result::Result<::flowc_runtime::deps::axum::Router, ::flowc_runtime::StartupError> {
            ::flowc_runtime::start(app(), config).await
        }
    }
}

fn tracked_files(dir: &std::path::Path) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| flowc_codegen::BundleSource::is_bundle_file(&e.file_name().to_string_lossy()))
        .map(|e| e.path().display().to_string())
        .collect();
    files.sort();
    files
}
