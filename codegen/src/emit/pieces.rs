//! Formatting a large module in pieces, on several threads, byte for byte as if it were
//! formatted whole.
//!
//! Parsing the emitted tokens back with `syn` and printing them with prettyplease is most
//! of the generator's time on a large bundle (issue #6). The module is a sequence of
//! top-level items: the shared statics, one module per group of flows (`super::groups`),
//! then `app()` / `router()`. prettyplease prints each top-level item after a hard line
//! break at column zero, so each piece — the items before the groups, each group's module,
//! the items after them — prints exactly as it does inside the whole module, and the
//! pieces are joined in order. Small syntax trees are also much faster to make, walk and
//! free than one tree of the whole module (≈ 25 % on one thread). Each thread takes the
//! next piece nobody has taken, which keeps them equally busy whatever the pieces' sizes; a
//! thread makes its own tokens and trees from the IR, since those are not `Send`.
//!
//! The threads make `proc_macro2` tokens of their own, which works where `proc_macro2`
//! runs on its own (build scripts, programs) but not inside a procedural macro, where
//! tokens belong to the compiler's thread: the macro front end expands
//! [`super::bundle_tokens`] and never comes here.

use super::groups::{groups, Group};
use super::{group_module, header, items_before_groups, routes, session, unparse};
use crate::ir::Bundle;
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Below this many steps the module is formatted whole: it takes milliseconds, and pieces
/// and threads would cost more than they save.
const MIN_STEPS_TO_SPLIT: usize = 256;

/// The formatted module of `ir`, header included: the same text as
/// `format_file(&bundle_tokens(ir), &ir.origin)`, made in pieces on every available core
/// when the bundle is large. Not for use inside a procedural macro (see the module docs).
pub fn format_bundle(ir: &Bundle) -> String {
    if session::step_count(ir) < MIN_STEPS_TO_SPLIT {
        return format_whole(ir);
    }
    let threads = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
    format_in_pieces(ir, threads)
}

/// The module printed in one piece, on this thread.
fn format_whole(ir: &Bundle) -> String {
    header(&ir.origin) + &unparse(super::bundle_tokens(ir))
}

/// A part of the module that prints on its own.
#[derive(Debug, Clone, Copy)]
enum Piece {
    /// The items before the groups.
    Before,
    /// The module of the group at this index.
    Group(usize),
    /// The items after the groups.
    After,
}

impl Piece {
    /// The piece made, parsed and printed.
    fn print(self, ir: &Bundle, groups: &[Group]) -> String {
        match self {
            Piece::Before => unparse(items_before_groups(ir)),
            Piece::Group(i) => unparse(group_module(ir, &groups[i])),
            Piece::After => unparse(routes::routes(ir, groups)),
        }
    }
}

/// The module printed by `threads` threads, piece by piece, joined in order.
fn format_in_pieces(ir: &Bundle, threads: usize) -> String {
    let groups = groups(ir);
    let pieces: Vec<Piece> = std::iter::once(Piece::Before)
        .chain((0..groups.len()).map(Piece::Group))
        .chain(std::iter::once(Piece::After))
        .collect();
    let texts = print_all(ir, &groups, &pieces, threads);
    let mut out = header(&ir.origin);
    // Sized once: the module is megabytes long, and growing it by doubling copies it.
    out.reserve(texts.iter().map(String::len).sum());
    texts.iter().for_each(|t| out.push_str(t));
    out
}

/// Every piece printed, in order, by `threads` threads that each take the next piece
/// nobody has taken yet.
fn print_all(ir: &Bundle, groups: &[Group], pieces: &[Piece], threads: usize) -> Vec<String> {
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(piece) = pieces.get(i) else {
                return done;
            };
            done.push((i, piece.print(ir, groups)));
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

    /// However many threads print the pieces, they join into the text formatted whole.
    #[test]
    fn pieces_join_into_the_whole_module() {
        for ir in bundles() {
            let whole = format_whole(&ir);
            assert_eq!(format_bundle(&ir), whole);
            for threads in [1, 2, 3] {
                let joined = format_in_pieces(&ir, threads);
                assert!(joined == whole, "{threads} threads");
            }
        }
    }
}
