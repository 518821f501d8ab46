//! Formatting a large module in pieces, on several threads, byte for byte as if it were
//! formatted whole.
//!
//! Parsing the emitted tokens back with `syn` and printing them with prettyplease is most
//! of the generator's time on a large bundle (issue #6), and one item, `run`, holds most of
//! the code: a `match` arm per step. So the module is cut into pieces — the items before
//! `run`, `run` with a slice of its arms (one piece per slice), the items after it — and
//! each piece is made, parsed and printed on its own: small syntax trees are much faster
//! to make, walk and free than one tree of the whole module (≈ 25 % on one thread), and
//! pieces can go to several threads. Each thread takes the next piece nobody has taken,
//! which keeps them equally busy whatever the pieces' sizes; a thread makes its own tokens
//! and trees from the IR, since those are not `Send`.
//!
//! prettyplease prints each top-level item, and each arm of a `match`, after a hard line
//! break at a fixed indentation, so a piece prints exactly as it does inside the whole
//! module. The arms of each `run` slice are cut out between the lines that open and close
//! the `match` and joined in order; should those frames ever differ between slices, the
//! module is formatted whole instead.
//!
//! The threads make `proc_macro2` tokens of their own, which works where `proc_macro2`
//! runs on its own (build scripts, programs) but not inside a procedural macro, where
//! tokens belong to the compiler's thread: the macro front end expands
//! [`super::bundle_tokens`] and never comes here.

use super::{header, items_after_run, items_before_run, session, unparse};
use crate::ir::Bundle;
use std::num::NonZeroUsize;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Below this many steps the module is formatted whole: it takes milliseconds, and pieces
/// and threads would cost more than they save.
const MIN_STEPS_TO_SPLIT: usize = 256;

/// Arms per `run` slice. Small slices keep each syntax tree small, which parses and prints
/// faster than one large tree (it stays in cache), and the last pieces taken are small, so
/// no thread waits long for another at the end.
const ARMS_PER_SLICE: usize = 64;

/// The end of the line that opens `run`'s `match`, as prettyplease prints it; the arms
/// follow it.
const MATCH_OPEN: &str = "at = match at {\n";

/// The line that closes `run`'s `match`, with the newline ending the last arm before it.
const MATCH_CLOSE: &str = "\n        };\n";

/// The formatted module of `ir`, header included: the same text as
/// `format_file(&bundle_tokens(ir), &ir.origin)`, made in pieces on every available core
/// when the bundle is large. Not for use inside a procedural macro (see the module docs).
pub fn format_bundle(ir: &Bundle) -> String {
    let steps = session::step_count(ir);
    if steps < MIN_STEPS_TO_SPLIT {
        return format_whole(ir);
    }
    let threads = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
    let slices = steps / ARMS_PER_SLICE;
    format_in_pieces(ir, threads, slices).unwrap_or_else(|| format_whole(ir))
}

/// The module printed in one piece, on this thread.
fn format_whole(ir: &Bundle) -> String {
    header(&ir.origin) + &unparse(super::bundle_tokens(ir))
}

/// A part of the module that prints on its own.
#[derive(Debug, Clone)]
enum Piece {
    /// The items before `run`.
    Before,
    /// `run` with the arms of the steps at these positions.
    Run(Range<usize>),
    /// The items after `run`.
    After,
}

impl Piece {
    /// The piece made, parsed and printed.
    fn print(&self, ir: &Bundle) -> String {
        match self {
            Piece::Before => unparse(items_before_run(ir)),
            Piece::Run(arms) => unparse(session::run_fn_with(ir, arms.clone())),
            Piece::After => unparse(items_after_run(ir)),
        }
    }
}

/// The module printed by `threads` threads in `slices` slices of `run` (at least one),
/// or `None` if the slices do not join.
fn format_in_pieces(ir: &Bundle, threads: usize, slices: usize) -> Option<String> {
    let runs = cut(session::step_count(ir), slices.max(1)).into_iter();
    // The items after `run` first: they are the largest piece besides the slices.
    let pieces: Vec<Piece> = std::iter::once(Piece::After)
        .chain(runs.map(Piece::Run))
        .chain(std::iter::once(Piece::Before))
        .collect();
    let texts = print_all(ir, &pieces, threads);
    let (after, rest) = texts.split_first()?;
    let (before, runs) = rest.split_last()?;
    join(&ir.origin, before, runs, after)
}

/// Every piece printed, in order, by `threads` threads that each take the next piece
/// nobody has taken yet.
fn print_all(ir: &Bundle, pieces: &[Piece], threads: usize) -> Vec<String> {
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(piece) = pieces.get(i) else {
                return done;
            };
            done.push((i, piece.print(ir)));
        }
    };
    let threads = threads.clamp(1, pieces.len().max(1));
    let mut done: Vec<(usize, String)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads).map(|_| scope.spawn(work)).collect();
        handles.into_iter().flat_map(join_thread).collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, text)| text).collect()
}

/// A thread's result; a panic in it (tokens that do not parse: a bug) goes on here.
fn join_thread<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    handle
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// `total` arm positions cut into `count` slices of nearly equal length, none empty when
/// `total >= count`.
fn cut(total: usize, count: usize) -> Vec<Range<usize>> {
    let bound = |i: usize| total * i / count;
    (0..count).map(|i| bound(i)..bound(i + 1)).collect()
}

/// The header, the items before `run`, `run` with every slice's arms in order, the items
/// after it; `None` if the slices' `run`s do not have the same frame around their arms.
fn join(origin: &str, before: &str, runs: &[String], after: &str) -> Option<String> {
    let runs: Vec<(&str, &str, &str)> = runs.iter().map(|r| split_run(r)).collect::<Option<_>>()?;
    let (open, _, close) = *runs.first()?;
    if runs.iter().any(|(o, _, c)| *o != open || *c != close) {
        return None;
    }
    let mut out = header(origin);
    // Sized once: the module is megabytes long, and growing it by doubling copies it.
    let arms: usize = runs.iter().map(|(_, arms, _)| arms.len()).sum();
    out.reserve(before.len() + open.len() + arms + close.len() + after.len());
    out.push_str(before);
    out.push_str(open);
    runs.iter().for_each(|(_, arms, _)| out.push_str(arms));
    out.push_str(close);
    out.push_str(after);
    Some(out)
}

/// A printed `run` as the text up to its arms, the arms, and the text after them.
fn split_run(run: &str) -> Option<(&str, &str, &str)> {
    let start = run.find(MATCH_OPEN)? + MATCH_OPEN.len();
    // Past the newline that ends the last arm; an arm never holds the closing line, which
    // is less indented than any arm's text.
    let end = run.rfind(MATCH_CLOSE)? + 1;
    let (open, rest) = run.split_at_checked(start)?;
    let (arms, close) = rest.split_at_checked(end.checked_sub(start)?)?;
    Some((open, arms, close))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::BundleSource;

    /// The example bundle of the workspace, and a synthetic one with every kind of step
    /// it has and a flow that triggers another.
    fn bundles() -> Vec<Bundle> {
        let examples = concat!(env!("CARGO_MANIFEST_DIR"), "/../flows");
        let sources = [
            BundleSource::read_dir(std::path::Path::new(examples)).ok(),
            Some(synthetic(7)),
        ];
        let checked = sources.into_iter().flatten().map(|s| crate::check(&s));
        checked
            .map(|c| c.ir.unwrap_or_else(|| panic!("{}", c.diagnostics.render())))
            .collect()
    }

    /// `flows` flows of steps of five kinds; flow 0 triggers flow 1.
    fn synthetic(flows: usize) -> BundleSource {
        let route = |f: usize| {
            format!(
                r#"{{"id": "r{f}", "name": "r{f}", "method": "POST", "allowed_ips": "127.0.0.1", "flow": "f{f}"}}"#
            )
        };
        let routes: Vec<String> = (0..flows).map(route).collect();
        let mut files = vec![(
            "routes.json".to_owned(),
            format!(r#"{{"routes": [{}]}}"#, routes.join(",")),
        )];
        for f in 0..flows {
            let next = if f == 0 {
                r#"{"flow": "f1", "step": 2}"#
            } else {
                "3"
            };
            let text = format!(
                r#"{{"flow": "f{f}", "steps": [
                {{"step": 1, "type": "start", "next": 2}},
                {{"step": 2, "type": "set_variable", "assign": {{"v": "[[request:body.name]]"}}, "next": {next}}},
                {{"step": 3, "type": "calculate", "name": "c", "expression": "[[request:body.n]] * 2 + 1", "yes": 4, "no": 9}},
                {{"step": 4, "type": "regex", "name": "r", "input": "[[v]]", "pattern": "^([A-Za-z]+)(\\d*)$", "yes": 5, "no": 9}},
                {{"step": 5, "type": "switch_case", "input": "[[r:1]]", "cases": [{{"value": "a", "next": 6}}], "default": 6}},
                {{"step": 6, "type": "is_empty", "input": "[[r:2]]", "yes": 9, "no": 7}},
                {{"step": 7, "type": "api_end", "body": {{"v": "[[v]]", "c": "[[c:result]]"}}}},
                {{"step": 9, "type": "api_end", "status": 422, "body": {{"error": "failed"}}}}
                ]}}"#
            );
            files.push((format!("f{f}.flow.json"), text));
        }
        BundleSource {
            origin: "synthetic".into(),
            files,
        }
    }

    /// However the module is cut, the pieces join into the text formatted whole.
    #[test]
    fn pieces_join_into_the_whole_module() {
        for ir in bundles() {
            let whole = format_whole(&ir);
            let steps = session::step_count(&ir);
            assert_eq!(format_bundle(&ir), whole);
            for (threads, slices) in [(1, 1), (2, 2), (2, 5), (3, steps)] {
                let joined = format_in_pieces(&ir, threads, slices.min(steps));
                let what = format!("{threads} threads, {slices} slices");
                assert!(joined.as_deref() == Some(whole.as_str()), "{what}");
            }
        }
    }

    #[test]
    fn slices_cover_every_position_once() {
        for (total, count, expected) in [
            (10, 2, vec![0..5, 5..10]),
            (11, 2, vec![0..5, 5..11]),
            (9, 3, vec![0..3, 3..6, 6..9]),
            (2, 2, vec![0..1, 1..2]),
        ] {
            assert_eq!(cut(total, count), expected, "{total} / {count}");
        }
    }

    #[test]
    fn a_run_splits_around_its_arms() {
        let run = "fn run() {\n    loop {\n        at = match at {\n            A => B,\n            B => {\n                x\n            }\n        };\n    }\n}\n";
        let (open, arms, close) = split_run(run).unwrap_or_default();
        assert_eq!(open, "fn run() {\n    loop {\n        at = match at {\n");
        assert_eq!(
            arms,
            "            A => B,\n            B => {\n                x\n            }\n"
        );
        assert_eq!(close, "        };\n    }\n}\n");
        assert_eq!(split_run("fn f() {}\n"), None);
    }
}
