//! Small helpers that only generated code calls: behaviour stays here, generated code is glue.

/// Compiles a pattern that `flowc-codegen` already checked and translated at build time.
///
/// Generated code calls this once per pattern, when the router is built, so a pattern the
/// `regex` crate still refuses (its size limits are the only thing the build-time check
/// cannot see) stops the server at start-up with the pattern named, never on a request.
pub fn compile_regex(pattern: &str) -> flowc_lang::pattern::Matcher {
    match flowc_lang::pattern::Matcher::new(pattern) {
        Ok(re) => re,
        Err(e) => {
            panic!("pattern `{pattern}` passed the build-time check but does not compile: {e}")
        }
    }
}

/// A time zone that `flowc-codegen` already found in the bundled database at build time.
pub fn zone(name: &str) -> flowc_lang::datefmt::Zone {
    match flowc_lang::datefmt::zone(name) {
        Ok(zone) => zone,
        Err(e) => panic!("time zone `{name}` passed the build-time check but is unknown: {e}"),
    }
}

/// An algorithm by the name `flowc-codegen` wrote from a checked bundle.
pub fn algorithm(name: &str) -> flowc_lang::crypto::Algorithm {
    match flowc_lang::crypto::Algorithm::parse(name) {
        Some(algorithm) => algorithm,
        None => panic!("algorithm `{name}` passed the build-time check but is unknown"),
    }
}
