//! The tables the benchmark prints (Markdown, so they paste into `BENCHMARKS.md`).

use crate::backends::Server;
use crate::generator::GeneratorResult;
use crate::http_bench::Measured;
use crate::micro::MicroResult;
use crate::stats::ratio;
use crate::verify;
use std::fmt::Write as _;

/// The machine: CPU model and the number of logical cores, from `/proc/cpuinfo`.
pub fn machine() -> String {
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = info
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .and_then(|rest| rest.split_once(':'))
        .map_or("unknown CPU", |(_, name)| name.trim())
        .to_owned();
    let cores = info.lines().filter(|l| l.starts_with("processor")).count();
    format!("{model}, {cores} logical cores")
}

/// One table per workload: each server's figures; for an asynchronous workload, a note, a
/// row saying the limit has no counterpart, and what the store did.
pub fn http_tables(results: &[Measured]) -> String {
    let mut out = String::new();
    for key in workload_keys(results) {
        let rows: Vec<&Measured> = results.iter().filter(|m| m.workload.key == key).collect();
        let Some(workload) = rows.first().map(|m| m.workload) else {
            continue;
        };
        let _ = writeln!(out, "\n#### {} — {}\n", key.to_uppercase(), workload.title);
        if !workload.limit_serves() {
            out.push_str(ASYNC_NOTE);
        }
        out.push_str(
            "| server | req/s | p50 µs | p99 µs | errors | peak RSS MiB | CPU µs/req | server core busy |\n",
        );
        out.push_str("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for m in &rows {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} | {}% |",
                m.server.name(),
                num(m.rps, 0),
                num(m.p50_us, 1),
                num(m.p99_us, 1),
                m.errors,
                num(m.rss_kib / 1024.0, 1),
                num(m.cpu_us, 2),
                num(m.busy_pct, 0),
            );
        }
        if !workload.limit_serves() {
            out.push_str("| limit | n/a | n/a | n/a | n/a | n/a | n/a | n/a |\n");
            out.push_str(&store_table(&rows));
        }
    }
    out
}

/// What the req/s of an asynchronous workload means.
const ASYNC_NOTE: &str = "req/s: acknowledged requests (`202`, each committed to the \
     SQLite store first) per second. CPU µs/req: everything the server did in the window \
     (acknowledging, the background sessions, the store's writes) per acknowledgement. \
     The limit has no durable queue, so no counterpart.\n\n";

/// The store's figures of an asynchronous workload, per acknowledged request.
fn store_table(rows: &[&Measured]) -> String {
    let mut out = String::from(
        "\n| server | store commits per ack | sessions finished per ack | acknowledged, not finished at the end |\n\
         |---|---:|---:|---:|\n",
    );
    for m in rows {
        let Some(store) = m.store else { continue };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            m.server.name(),
            num(store.commits_per_ack, 3),
            num(store.finished_per_ack, 2),
            num(store.pending_at_end, 0),
        );
    }
    out
}

/// Whether the servers answered the check request alike, per workload.
pub fn verification(results: &[Measured]) -> String {
    let mut out = String::from("\n#### Answers checked before loading\n\n");
    for key in workload_keys(results) {
        let rows: Vec<&Measured> = results.iter().filter(|m| m.workload.key == key).collect();
        let Some(first) = rows.first() else { continue };
        let reference = verify::comparable(&first.reply.body);
        let shape = verify::shape(&first.reply.body);
        let differing: Vec<&str> = rows
            .iter()
            .filter(|m| {
                m.reply.status != first.reply.status || verify::shape(&m.reply.body) != shape
            })
            .map(|m| m.server.name())
            .collect();
        let unequal: Vec<&str> = rows
            .iter()
            .filter(|m| verify::comparable(&m.reply.body) != reference)
            .map(|m| m.server.name())
            .collect();
        let servers: Vec<&str> = rows.iter().map(|m| m.server.name()).collect();
        let verdict = if !differing.is_empty() {
            format!(
                "status or shape differs from {}: {}",
                first.server.name(),
                differing.join(", ")
            )
        } else if !unequal.is_empty() {
            format!(
                "same status and shape; values differ: {}",
                unequal.join(", ")
            )
        } else {
            "same status and body (the current time and request ids aside)".to_owned()
        };
        let _ = writeln!(
            out,
            "- {} ({}): {} {verdict}. `{}`",
            key.to_uppercase(),
            servers.join(", "),
            first.reply.status,
            reference
        );
    }
    out
}

/// The ratios the issue sets targets for, marked met or missed.
pub fn ratios(results: &[Measured]) -> String {
    let mut out = String::from(
        "\n#### Ratios (same run)\n\n\
         | workload | req/s compiled/limit (≥ 0.90) | CPU/req compiled/limit (≤ 1.15) | p99 compiled/limit (≤ 1.2) | RSS compiled/limit (≤ 1.5) | req/s compiled/interp | CPU/req interp/compiled |\n\
         |---|---|---|---|---|---:|---:|\n",
    );
    for key in workload_keys(results) {
        let get = |s: Server| {
            results
                .iter()
                .find(|m| m.workload.key == key && m.server == s)
        };
        let (Some(c), limit, interp) = (
            get(Server::Compiled),
            get(Server::Limit),
            get(Server::Interp),
        ) else {
            continue;
        };
        let vs_limit = |f: fn(&Measured) -> f64, target: f64, at_least: bool| {
            limit.map_or("n/a".to_owned(), |l| {
                marked(ratio(f(c), f(l)), target, at_least)
            })
        };
        let vs_interp = |f: fn(&Measured) -> f64, flip: bool| {
            interp.map_or("n/a".to_owned(), |i| {
                let r = if flip {
                    ratio(f(i), f(c))
                } else {
                    ratio(f(c), f(i))
                };
                format!("{}×", num(r, 2))
            })
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            key.to_uppercase(),
            vs_limit(|m| m.rps, 0.90, true),
            vs_limit(|m| m.cpu_us, 1.15, false),
            vs_limit(|m| m.p99_us, 1.2, false),
            vs_limit(|m| m.rss_kib, 1.5, false),
            vs_interp(|m| m.rps, false),
            vs_interp(|m| m.cpu_us, true),
        );
    }
    out
}

/// The session micro-benchmark.
pub fn micro_table(results: &[MicroResult]) -> String {
    let mut out = String::from(
        "\n#### One session alone (no HTTP)\n\n\
         | workload | compiled ns/session | interp ns/session | interp/compiled (≥ 10) | cloning the call (taken off), ns | limit ns/session | interp/limit | compiled/limit |\n\
         |---|---:|---:|---|---:|---:|---:|---:|\n",
    );
    for m in results {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            m.workload.key.to_uppercase(),
            num(m.compiled_ns, 0),
            num(m.interp_ns, 0),
            marked(ratio(m.interp_ns, m.compiled_ns), 10.0, true),
            num(m.clone_ns, 0),
            num(m.limit_ns, 0),
            num(ratio(m.interp_ns, m.limit_ns), 2),
            num(ratio(m.compiled_ns, m.limit_ns), 2),
        );
    }
    out
}

/// The generator benchmark.
pub fn generator_table(g: &GeneratorResult) -> String {
    let total = (g.check + g.generate).as_secs_f64();
    let verdict = if total < 2.0 { "met" } else { "missed" };
    format!(
        "\n#### Generator\n\n\
         | bundle | check ms | generate ms | total (< 2 s) | generated code |\n\
         |---|---:|---:|---|---:|\n\
         | {} flows × {} steps | {} | {} | {} s ({verdict}) | {} lines, {} KiB |\n",
        g.flows,
        g.steps,
        num(g.check.as_secs_f64() * 1e3, 0),
        num(g.generate.as_secs_f64() * 1e3, 0),
        num(total, 2),
        g.code_lines,
        g.code_bytes / 1024,
    )
}

/// `0.93 (met)` / `0.85 (missed)`; `n/a` for no value.
fn marked(value: f64, target: f64, at_least: bool) -> String {
    if !value.is_finite() {
        return "n/a".to_owned();
    }
    let met = if at_least {
        value >= target
    } else {
        value <= target
    };
    format!("{} ({})", num(value, 2), if met { "met" } else { "missed" })
}

/// A number with `digits` decimals; `n/a` for NaN.
fn num(value: f64, digits: usize) -> String {
    if value.is_finite() {
        format!("{value:.digits$}")
    } else {
        "n/a".to_owned()
    }
}

/// The workload keys in the order results came.
fn workload_keys(results: &[Measured]) -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = Vec::new();
    for m in results {
        if !keys.contains(&m.workload.key) {
            keys.push(m.workload.key);
        }
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks() {
        let rows = [
            (0.93, 0.90, true, "0.93 (met)"),
            (0.85, 0.90, true, "0.85 (missed)"),
            (1.10, 1.15, false, "1.10 (met)"),
            (1.30, 1.15, false, "1.30 (missed)"),
            (f64::NAN, 1.0, true, "n/a"),
        ];
        for (value, target, at_least, expected) in rows {
            assert_eq!(marked(value, target, at_least), expected);
        }
    }

    #[test]
    fn machine_names_a_cpu() {
        assert!(machine().contains("logical cores"));
    }
}
