//! The list pattern reader (§4.5, §13 rule 23).
//!
//! Single-bracket references are found here; their inside, and every `[[…]]` reference,
//! is parsed by the template parser, so a reference means the same as in any template.

use super::{ListPart, ListPattern, ListPatternError};
use crate::template::{self, Ref};

/// Parses a list pattern: `[node:…]` / `[request:…]` (any single-bracket text with a `:`)
/// is a per-item reference, `[[…]]` a once-per-list one, `\[` a literal bracket, `\[[` a
/// literal `[[`, and brackets without a `:` are text. The pattern must repeat something:
/// at least one per-item reference holds `#`.
pub fn parse(pattern: &str) -> Result<ListPattern, ListPatternError> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut b = Builder::default();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let next = chars.get(i + 1).copied();
        let third = chars.get(i + 2).copied();
        match (c, next, third) {
            ('\\', Some('['), Some('[')) => {
                b.text.push_str("[[");
                i += 3;
            }
            ('\\', Some('['), _) => {
                b.text.push('[');
                i += 2;
            }
            // `\\[`: one backslash, and the bracket after it means what it always does.
            ('\\', Some('\\'), Some('[')) => {
                b.text.push('\\');
                i += 2;
            }
            // In `[[[x]]]` the first bracket is text, as in templates.
            ('[', Some('['), t) if t != Some('[') => {
                let end = template_end(&chars, i)?;
                b.push(ListPart::Once(once_ref(&chars, i, end)?));
                i = end;
            }
            ('[', _, _) => match item_close(&chars, i) {
                Some(close) => {
                    b.push(ListPart::Item(item_ref(&chars, i, close)?));
                    i = close + 1;
                }
                None => {
                    b.text.push('[');
                    i += 1;
                }
            },
            _ => {
                b.text.push(c);
                i += 1;
            }
        }
    }
    let parts = b.finish();
    let repeats = parts
        .iter()
        .any(|p| matches!(p, ListPart::Item(r) if r.has_hash()));
    if !repeats {
        return Err(error(
            0,
            "the pattern repeats nothing: use a single-bracket reference with `#`, \
             such as `[node:items.#.name]`",
        ));
    }
    Ok(ListPattern { parts })
}

/// Parts with adjacent text merged.
#[derive(Default)]
struct Builder {
    parts: Vec<ListPart>,
    text: String,
}

impl Builder {
    fn push(&mut self, part: ListPart) {
        self.flush();
        self.parts.push(part);
    }

    fn flush(&mut self) {
        if !self.text.is_empty() {
            self.parts
                .push(ListPart::Text(std::mem::take(&mut self.text)));
        }
    }

    fn finish(mut self) -> Vec<ListPart> {
        self.flush();
        self.parts
    }
}

/// The index just past the `]]` that closes the `[[` at `open`, by the template
/// tokenizer's rules (`\[[` is text, `\\[[` a backslash and a reference).
fn template_end(chars: &[char], open: usize) -> Result<usize, ListPatternError> {
    let at = |k: usize| chars.get(k).copied();
    let opens = |k: usize| at(k) == Some('[') && at(k + 1) == Some('[') && at(k + 2) != Some('[');
    let mut depth = 0usize;
    let mut i = open;
    while i < chars.len() {
        if at(i) == Some('\\') && opens(i + 1) {
            i += 3;
        } else if at(i) == Some('\\') && at(i + 1) == Some('\\') && opens(i + 2) {
            i += 2;
        } else if opens(i) {
            depth += 1;
            i += 2;
        } else if at(i) == Some(']') && at(i + 1) == Some(']') {
            depth = depth.saturating_sub(1);
            i += 2;
            if depth == 0 {
                return Ok(i);
            }
        } else {
            i += 1;
        }
    }
    Err(error(open, "unclosed `[[` (a reference ends with `]]`)"))
}

/// The `]` closing the single bracket at `open` when the bracket is a reference: balanced,
/// with a `:` outside any nested brackets (`[upper:[[x]]]` is one, `[see [[x]]]` is not).
fn item_close(chars: &[char], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut colon = false;
    for (k, &c) in chars.iter().enumerate().skip(open) {
        match c {
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    return colon.then_some(k);
                }
            }
            ':' if depth == 1 => colon = true,
            _ => {}
        }
    }
    None
}

/// The reference of `[[…]]` in `open..end`; it may not hold `#` (it is rendered once).
fn once_ref(chars: &[char], open: usize, end: usize) -> Result<Ref, ListPatternError> {
    let source: String = chars[open..end].iter().collect();
    let r = only_ref(&source, open, 0, open)?;
    if r.has_hash() {
        return Err(error(
            open,
            "`#` in a `[[…]]` reference, which is rendered once per list: \
             write it in single brackets, such as `[node:items.#.name]`",
        ));
    }
    Ok(r)
}

/// The reference inside the single brackets at `open` and `close`.
fn item_ref(chars: &[char], open: usize, close: usize) -> Result<Ref, ListPatternError> {
    let inside: String = chars[open + 1..close].iter().collect();
    // In `[[inside]]` the inside starts at 2, in the pattern at `open + 1`.
    only_ref(&format!("[[{inside}]]"), open + 1, 2, open)
}

/// Parses `source` as a template that must be exactly one reference. Its character `k`
/// (from `skip` on) stands at column `base + k - skip` of the pattern; `open` is where the
/// reference starts.
fn only_ref(source: &str, base: usize, skip: usize, open: usize) -> Result<Ref, ListPatternError> {
    let t = template::parse(source)
        .map_err(|e| error(base + e.column.saturating_sub(skip), &e.message))?;
    t.single_ref()
        .cloned()
        .ok_or_else(|| error(open, "expected exactly one reference"))
}

fn error(column: usize, message: &str) -> ListPatternError {
    ListPatternError {
        column,
        message: message.to_owned(),
    }
}
