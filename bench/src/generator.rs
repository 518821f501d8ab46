//! The generator's speed on a large synthetic bundle: `flows` flows of `steps` steps each,
//! made in memory, checked (parse → validate → lower) and generated (emit → format).

use std::fmt::Write as _;
use std::time::{Duration, Instant};

/// What the generator took and made.
#[derive(Debug, Clone)]
pub struct GeneratorResult {
    /// Flows in the bundle.
    pub flows: usize,
    /// Steps per flow.
    pub steps: usize,
    /// parse → validate → lower.
    pub check: Duration,
    /// emit → format.
    pub generate: Duration,
    /// The generated code, bytes.
    pub code_bytes: usize,
    /// The generated code, lines.
    pub code_lines: usize,
}

/// Makes the bundle, then times `check` and `generate` once each.
pub fn run(flows: usize, steps: usize) -> Result<GeneratorResult, String> {
    let source = synthetic_bundle(flows, steps);
    let start = Instant::now();
    let checked = flowc_codegen::check(&source);
    let check = start.elapsed();
    let ir = checked.ir.ok_or_else(|| {
        format!(
            "the synthetic bundle does not check:\n{}",
            checked.diagnostics.render()
        )
    })?;
    let start = Instant::now();
    let code = flowc_codegen::generate(&ir);
    let generate = start.elapsed();
    Ok(GeneratorResult {
        flows,
        steps,
        check,
        generate,
        code_bytes: code.len(),
        code_lines: code.lines().count(),
    })
}

/// `flows` flows of `steps` steps (at least 3: start, one node, api_end), each with a
/// route. The middle steps cycle through `set_variable`, `calculate`, `is_empty`, `regex`
/// and `switch_case`; every failure branch goes to a second `api_end`.
pub fn synthetic_bundle(flows: usize, steps: usize) -> flowc_codegen::BundleSource {
    let steps = steps.max(3);
    let mut files = vec![("routes.json".to_owned(), routes(flows))];
    for f in 0..flows {
        files.push((format!("f{f:04}.flow.json"), flow(f, steps)));
    }
    files.sort();
    flowc_codegen::BundleSource {
        origin: "synthetic".to_owned(),
        files,
    }
}

/// One route per flow.
fn routes(flows: usize) -> String {
    let rows: Vec<String> = (0..flows)
        .map(|f| {
            format!(
                r#"{{"id": "00000000-0000-4000-8000-{f:012}", "name": "r{f}", "method": "POST", "allowed_ips": "127.0.0.1", "flow": "f{f:04}", "token_sha256": "{}"}}"#,
                "0".repeat(64)
            )
        })
        .collect();
    format!("{{\"routes\": [\n{}\n]}}\n", rows.join(",\n"))
}

/// Flow `f`: steps 1 (start) to `steps - 1` (its answer), and `steps`, the failure answer.
fn flow(f: usize, steps: usize) -> String {
    let last = steps - 1;
    let fail = steps;
    let mut nodes = vec![r#"{"step": 1, "type": "start", "next": 2}"#.to_owned()];
    for s in 2..last {
        nodes.push(middle_step(s, s + 1, fail));
    }
    // The answer reads the first variable (step 5 at the latest writes it) when there is one.
    let var = (2..last).find(|s| s % 5 == 0).map(|s| format!("[[v{s}]]"));
    nodes.push(format!(
        r#"{{"step": {last}, "type": "api_end", "body": {{"flow": "f{f:04}", "v": "{}"}}}}"#,
        var.unwrap_or_default()
    ));
    nodes.push(format!(
        r#"{{"step": {fail}, "type": "api_end", "status": 422, "body": {{"error": "failed"}}}}"#
    ));
    let mut text = format!("{{\"flow\": \"f{f:04}\", \"steps\": [\n");
    let _ = write!(text, "{}", nodes.join(",\n"));
    text.push_str("\n]}\n");
    text
}

/// Step `s`, going on to `next` or, on failure, to `fail`.
fn middle_step(s: usize, next: usize, fail: usize) -> String {
    match s % 5 {
        0 => format!(
            r#"{{"step": {s}, "type": "set_variable", "assign": {{"v{s}": "[[request:body.name]]-{s}"}}, "next": {next}}}"#
        ),
        1 => format!(
            r#"{{"step": {s}, "type": "calculate", "name": "c{s}", "expression": "[[request:body.n]] * {s} + 1", "yes": {next}, "no": {fail}}}"#
        ),
        2 => format!(
            r#"{{"step": {s}, "type": "is_empty", "input": "[[request:body.name]]", "yes": {fail}, "no": {next}}}"#
        ),
        3 => format!(
            r#"{{"step": {s}, "type": "regex", "name": "r{s}", "input": "[[request:body.name]]", "pattern": "^[A-Za-z]+(\\d*)$", "yes": {next}, "no": {fail}}}"#
        ),
        _ => format!(
            r#"{{"step": {s}, "type": "switch_case", "input": "[[request:body.kind]]", "cases": [{{"value": "a", "next": {next}}}, {{"value": "b", "next": {next}}}], "default": {next}}}"#
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_synthetic_bundles_check() {
        for (flows, steps) in [(1, 3), (2, 12), (3, 30)] {
            let source = synthetic_bundle(flows, steps);
            assert_eq!(source.files.len(), flows + 1);
            let checked = flowc_codegen::check(&source);
            assert!(
                checked.ir.is_some(),
                "{flows} × {steps}:\n{}",
                checked.diagnostics.render()
            );
        }
    }

    #[test]
    fn steps_per_flow() {
        let text = flow(0, 30);
        // The failure answer is one of the 30.
        assert_eq!(text.matches("\"step\": ").count(), 30);
    }
}
