//! Small helpers that only generated code calls: behaviour stays here, generated code is glue.

/// Compiles a pattern that `flowc-codegen` already checked and translated at build time.
///
/// Generated code calls this once per pattern, when the router is built, so a pattern the
/// `regex` crate still refuses (its size limits are the only thing the build-time check
/// cannot see) stops the server at start-up with the pattern named, never on a request.
pub fn compile_regex(pattern: &str) -> regex::Regex {
    match regex::Regex::new(pattern) {
        Ok(re) => re,
        Err(e) => {
            panic!("pattern `{pattern}` passed the build-time check but does not compile: {e}")
        }
    }
}
