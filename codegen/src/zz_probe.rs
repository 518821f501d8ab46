//! TEMPORARY output probe (to be deleted).
use crate::BundleSource;
use flowc_lang::Value;
use std::fmt::Write as _;

fn cases(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            cases(&p, out);
        } else if p.extension().is_some_and(|e| e == "json") {
            out.push(p);
        }
    }
}

fn from_case(bundle: &Value) -> BundleSource {
    let Value::Object(map) = bundle else { panic!() };
    let mut files = Vec::new();
    if let Some(r) = map.get("routes") {
        files.push(("routes.json".to_owned(), r.to_json()));
    }
    if let Some(r) = map.get("integrations") {
        files.push(("integrations.json".to_owned(), r.to_json()));
    }
    if let Some(Value::Array(flows)) = map.get("flows") {
        for (i, f) in flows.iter().enumerate() {
            files.push((format!("flow-{i:03}.flow.json"), f.to_json()));
        }
    }
    files.sort();
    BundleSource { origin: "probe".into(), files }
}

fn record(label: &str, source: &BundleSource, out: &mut String) {
    let checked = crate::check(source);
    let _ = writeln!(out, "===== {label}\n{}", checked.diagnostics.render());
    if let Some(ir) = checked.ir {
        let _ = writeln!(out, "{:?}", ir);
        let g = crate::generate(&ir);
        let old = crate::emit::format_file(&crate::emit::bundle_tokens(&ir), &ir.origin);
        assert!(g == old, "{label}: generate differs from format_file");
        let steps: usize = ir.flows.iter().map(|f| f.steps.len()).sum();
        for n in [2usize, 3] {
            if steps >= n {
                let p = crate::emit::pieces::format_in_pieces(&ir, 2, n);
                assert!(p.as_deref() == Some(g.as_str()), "{label}: {n} pieces differ");
            }
        }
        out.push_str(&g);
    }
}

fn synthetic(flows: usize, steps: usize, cross: bool, bad: bool) -> BundleSource {
    let mut files = vec![];
    let rows: Vec<String> = (0..flows).map(|f| format!(r#"{{"id": "00000000-0000-4000-8000-{f:012}", "name": "r{f}", "method": "POST", "allowed_ips": "127.0.0.1", "flow": "f{f:04}", "token_sha256": "{}"}}"#, "0".repeat(64))).collect();
    files.push(("routes.json".to_owned(), format!("{{\"routes\": [\n{}\n]}}\n", rows.join(",\n"))));
    for f in 0..flows {
        let last = steps - 1;
        let fail = steps;
        let mut nodes = vec![r#"{"step": 1, "type": "start", "next": 2}"#.to_owned()];
        for s in 2..last {
            let next = if cross && s == 7 && f + 1 < flows { format!(r#"{{"flow": "f{:04}", "step": 3}}"#, f + 1) } else { (s + 1).to_string() };
            nodes.push(match s % 5 {
                0 => format!(r#"{{"step": {s}, "type": "set_variable", "assign": {{"v{s}": "[[request:body.name]]-{s}"}}, "next": {next}}}"#),
                1 => format!(r#"{{"step": {s}, "type": "calculate", "name": "c{s}", "expression": "[[request:body.n]] * {s} + 1", "yes": {next}, "no": {fail}}}"#),
                2 => format!(r#"{{"step": {s}, "type": "is_empty", "input": "[[request:body.name]] [[r{}:1]] [[c{}:result]]", "yes": {fail}, "no": {next}}}"#, s.max(7) - 4, s.max(7) - 1),
                3 => format!(r#"{{"step": {s}, "type": "regex", "name": "r{s}", "input": "[[request:body.name]]", "pattern": "^[A-Za-z]+(\\d*)$", "yes": {next}, "no": {fail}}}"#),
                _ => format!(r#"{{"step": {s}, "type": "switch_case", "input": "[[request:body.kind]]", "cases": [{{"value": "a", "next": {next}}}, {{"value": "b", "next": {next}}}], "default": {next}}}"#),
            });
        }
        nodes.push(format!(r#"{{"step": {last}, "type": "api_end", "body": {{"flow": "f{f:04}", "v": "[[v5]] [[r8:1]] {}"}}}}"#, if bad { "[[c6:x]] [[zz]] [[r8:y]]" } else { "[[c6:result]]" }));
        nodes.push(format!(r#"{{"step": {fail}, "type": "api_end", "status": 422, "body": {{"error": "failed"}}}}"#));
        files.push((format!("f{f:04}.flow.json"), format!("{{\"flow\": \"f{f:04}\", \"steps\": [\n{}\n]}}\n", nodes.join(",\n"))));
    }
    files.sort();
    BundleSource { origin: "synthetic".into(), files }
}

#[test]
#[ignore]
fn probe() {
    let mut out = String::new();
    let mut paths = Vec::new();
    cases(std::path::Path::new("/work/shared/conformance/cases"), &mut paths);
    cases(std::path::Path::new("/work/main/codegen/tests/build_errors"), &mut paths);
    for p in paths {
        let text = std::fs::read_to_string(&p).unwrap();
        let Ok(v) = flowc_lang::json::parse(&text) else { continue };
        let Value::Object(map) = &v else { continue };
        let Some(b) = map.get("bundle") else { continue };
        record(&p.display().to_string(), &from_case(b), &mut out);
    }
    for d in ["/work/main/flows", "/work/main/bench/flows", "/work/main/tests/crash/bundle"] {
        let s = BundleSource::read_dir(std::path::Path::new(d)).unwrap();
        record(d, &s, &mut out);
    }
    for (i, (c, b)) in [(false, false), (false, true), (true, false), (true, true)].into_iter().enumerate() {
        record(&format!("syn{i}"), &synthetic(12, 30, c, b), &mut out);
    }
    std::fs::write(std::env::var("PROBE_OUT").unwrap(), out).unwrap();
}

#[test]
#[ignore]
fn probe_chain_timing() {
    for n in [100usize, 250, 500] {
        let s = synthetic(n, 30, true, false);
        let t = std::time::Instant::now();
        let c = crate::check(&s);
        eprintln!("CHAIN {n}: check {:?} ok={}", t.elapsed(), c.ir.is_some());
    }
}
