//! `display_list` (§4.5, §13 rule 23): Chat Flow's list pattern.
//!
//! A pattern such as `[lookup:products.#.desc] ([lookup:products.#.unitPrice] cents)` holds
//! single-bracket references, rendered once per list position `#` = 1, 2, …, and may hold
//! ordinary `[[…]]` references, rendered once for the whole list. [`parse`] reads the
//! pattern at build time; [`render_list`] runs it with a lookup the caller provides (the
//! interpreter over its scope, generated code over resolved fields).

use crate::eval::eval_ref;
use crate::scope::Scope;
use crate::template::Ref;
use crate::value::Value;
use std::borrow::Cow;

mod parse;
#[cfg(test)]
mod tests;

pub use parse::parse;

/// A safety net: no list grows past this many positions, whatever the lookup answers.
const MAX_POSITIONS: usize = 1_000_000;

/// A parsed list pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct ListPattern {
    /// Literal text and references, in order.
    pub parts: Vec<ListPart>,
}

/// A piece of a list pattern.
#[derive(Debug, Clone, PartialEq)]
pub enum ListPart {
    /// Literal text (escapes resolved).
    Text(String),
    /// A single-bracket reference `[node:path.#.field]`, rendered for every position.
    Item(Ref),
    /// A `[[…]]` reference, rendered once per list.
    Once(Ref),
}

/// What the list engine needs of a pattern: its literal text and, for each reference,
/// whether it is read per item and whether its absence ends the list. References are read
/// through the caller's lookup, so generated code emits a shape without any reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListShape {
    /// One entry per part of the pattern, in order.
    pub parts: Vec<ShapePart>,
}

/// A part of a [`ListShape`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShapePart {
    /// Literal text.
    Text(String),
    /// A reference read per item; `ends_list` when it holds `#`.
    Item {
        /// Whether its absence at a position ends the list.
        ends_list: bool,
    },
    /// A reference read once per list.
    Once,
}

/// Why a list pattern does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListPatternError {
    /// 0-based character column in the pattern.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

/// A node's list options (§4 table: `separator`, `numbered`, `index_separator`, `exclude`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListOptions {
    /// Between items; `"\n"` by default.
    pub separator: String,
    /// Prefix items with `1`, `2`, … and `index_separator`.
    pub numbered: bool,
    /// After the number; `". "` by default.
    pub index_separator: String,
    /// Rendered items equal to one of these are dropped (before numbering).
    pub exclude: Vec<String>,
}

impl Default for ListOptions {
    fn default() -> Self {
        ListOptions {
            separator: "\n".to_owned(),
            numbered: false,
            index_separator: ". ".to_owned(),
            exclude: Vec::new(),
        }
    }
}

impl ListPattern {
    /// The pattern's shape for [`render_list`].
    pub fn shape(&self) -> ListShape {
        let parts = self
            .parts
            .iter()
            .map(|part| match part {
                ListPart::Text(t) => ShapePart::Text(t.clone()),
                ListPart::Item(r) => ShapePart::Item {
                    ends_list: r.has_hash(),
                },
                ListPart::Once(_) => ShapePart::Once,
            })
            .collect();
        ListShape { parts }
    }

    /// Every reference with its index in [`ListPattern::parts`] and whether it is rendered
    /// per item (`true`, an [`ListPart::Item`]) or once (`false`, a [`ListPart::Once`]).
    pub fn refs(&self) -> impl Iterator<Item = (usize, &Ref, bool)> {
        self.parts
            .iter()
            .enumerate()
            .filter_map(|(i, part)| match part {
                ListPart::Text(_) => None,
                ListPart::Item(r) => Some((i, r, true)),
                ListPart::Once(r) => Some((i, r, false)),
            })
    }
}

/// Renders the list and returns it with its item count (`[[name:result]]`,
/// `[[name:count]]`).
///
/// `lookup(i, pos)` answers the value of the reference in `parts[i]`: at position
/// `Some(pos)` for an item reference, `None` for a once-per-list one; `None` means absent.
/// For a function call, the caller answers `None` when one of the call's `#` references
/// ([`Ref::visit_hash_refs`]) is absent. Positions run `#` = 1, 2, … until the first at which
/// an item reference holding `#` is absent (a value that is present but null counts as
/// present); item references without `#` never end the list.
pub fn render_list(
    p: &ListShape,
    opts: &ListOptions,
    lookup: &mut dyn FnMut(usize, Option<usize>) -> Option<Value>,
) -> (String, usize) {
    let once = render_once_parts(p, lookup);
    let mut out = String::new();
    let mut count = 0usize;
    let mut values: Vec<Option<Value>> = Vec::with_capacity(p.parts.len());
    for pos in 1..=MAX_POSITIONS {
        if !item_values(p, pos, lookup, &mut values) {
            break;
        }
        let item = render_item(p, &once, &values);
        if opts.exclude.contains(&item) {
            continue;
        }
        if count > 0 {
            out.push_str(&opts.separator);
        }
        count += 1;
        if opts.numbered {
            out.push_str(&count.to_string());
            out.push_str(&opts.index_separator);
        }
        out.push_str(&item);
    }
    (out, count)
}

/// [`render_list`] with references read from a [`Scope`] (the interpreter's path).
pub fn render_in_scope(p: &ListPattern, opts: &ListOptions, scope: &dyn Scope) -> (String, usize) {
    let mut lookup = |i: usize, pos: Option<usize>| match p.parts.get(i)? {
        ListPart::Item(r) | ListPart::Once(r) => lookup_ref(r, scope, pos),
        ListPart::Text(_) => None,
    };
    render_list(&p.shape(), opts, &mut lookup)
}

/// The value of `r` at `pos` as [`render_list`]'s lookup must answer it: a function call is
/// absent at a position where one of its `#` references is absent.
pub fn lookup_ref(r: &Ref, scope: &dyn Scope, pos: Option<usize>) -> Option<Value> {
    if let (Ref::Call(_), Some(pos)) = (r, pos) {
        let mut present = true;
        r.visit_hash_refs(&mut |h| {
            present = present && eval_ref(h, scope, Some(pos)).is_some();
        });
        if !present {
            return None;
        }
    }
    eval_ref(r, scope, pos).map(Cow::into_owned)
}

/// The once-per-list parts rendered, by part index (empty for other parts). Each is
/// looked up exactly once, so `[[uuid]]` gives one value for the whole list.
fn render_once_parts(
    p: &ListShape,
    lookup: &mut dyn FnMut(usize, Option<usize>) -> Option<Value>,
) -> Vec<String> {
    p.parts
        .iter()
        .enumerate()
        .map(|(i, part)| match part {
            ShapePart::Once => lookup(i, None).map(|v| v.render()).unwrap_or_default(),
            _ => String::new(),
        })
        .collect()
}

/// Looks up every item reference at `pos` into `values` (by part index). Returns `false`
/// when a `#` reference is absent there: the list ends before `pos`.
fn item_values(
    p: &ListShape,
    pos: usize,
    lookup: &mut dyn FnMut(usize, Option<usize>) -> Option<Value>,
    values: &mut Vec<Option<Value>>,
) -> bool {
    values.clear();
    for (i, part) in p.parts.iter().enumerate() {
        let value = match part {
            ShapePart::Item { ends_list } => {
                let v = lookup(i, Some(pos));
                if v.is_none() && *ends_list {
                    return false;
                }
                v
            }
            ShapePart::Text(_) | ShapePart::Once => None,
        };
        values.push(value);
    }
    true
}

/// One item: texts, the item values of this position (§3 rendering) and the once parts.
fn render_item(p: &ListShape, once: &[String], values: &[Option<Value>]) -> String {
    let mut item = String::new();
    for (i, part) in p.parts.iter().enumerate() {
        match part {
            ShapePart::Text(t) => item.push_str(t),
            ShapePart::Item { .. } => {
                if let Some(Some(v)) = values.get(i) {
                    v.render_into(&mut item);
                }
            }
            ShapePart::Once => item.push_str(once.get(i).map_or("", String::as_str)),
        }
    }
    item
}
