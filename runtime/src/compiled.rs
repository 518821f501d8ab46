//! Small helpers that only generated code calls: behaviour stays here, generated code is glue.

use flowc_lang::scope::NodeOutput;
use flowc_lang::Value;

/// Compiles a pattern that `flowc-codegen` already checked and translated at build time.
///
/// Generated code calls this once per pattern, when the router is built, so a pattern the
/// `regex` crate still refuses (its size limits are the only thing the build-time check
/// cannot see) stops the server at start-up with the pattern named, never on a request.
pub fn compile_regex(pattern: &str) -> regex::Regex {
    match regex::Regex::new(pattern) {
        Ok(re) => re,
        Err(e) => panic!("pattern `{pattern}` passed the build-time check but does not compile: {e}"),
    }
}

/// Runs a regex node on its rendered input, replacing the node's output (§4.2). Returns
/// whether it matched.
pub fn regex_node(out: &mut NodeOutput, re: &regex::Regex, input: Option<&str>) -> bool {
    *out = NodeOutput::default();
    let Some(input) = input else { return false };
    match flowc_lang::pattern::exec(re, input) {
        Some(groups) => {
            out.result = groups.first().cloned().flatten().map(Value::String);
            out.groups = groups.into_iter().map(|g| g.map(Value::String)).collect();
            true
        }
        None => false,
    }
}

/// Stores a calculation's outcome in the node's output (§4.1, §13 rule 19) and returns the
/// branch: `true` for `yes`.
pub fn calc_node(out: &mut NodeOutput, outcome: flowc_lang::calc::Outcome) -> bool {
    use flowc_lang::calc::Outcome;
    *out = NodeOutput::default();
    match outcome {
        Outcome::Number(n) => {
            out.result = Some(Value::Number(n));
            true
        }
        Outcome::Bool(b) => {
            out.result = Some(Value::Bool(b));
            b
        }
        Outcome::Error(message) => {
            out.error = Some(Value::String(message));
            false
        }
    }
}
