//! The character sets a [`super::Walk`] takes runs of.

use regex_syntax::hir::{Class, Hir, HirKind};

/// A set of characters: ASCII as a bit set, the rest as sorted inclusive ranges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Set {
    ascii: u128,
    wide: Box<[(char, char)]>,
}

impl Set {
    pub(super) fn one(c: char) -> Set {
        Set::from_ranges([(c, c)])
    }

    /// The set a class matches; `None` for a byte class that reaches beyond ASCII (it
    /// could match part of a character).
    pub(super) fn of(class: &Class) -> Option<Set> {
        match class {
            Class::Unicode(u) => Some(Set::from_ranges(u.iter().map(|r| (r.start(), r.end())))),
            Class::Bytes(b) => {
                let ranges: Option<Vec<_>> = b
                    .iter()
                    .map(|r| (r.end() < 0x80).then(|| (char::from(r.start()), char::from(r.end()))))
                    .collect();
                Some(Set::from_ranges(ranges?))
            }
        }
    }

    /// The set of a repeated single character or class.
    pub(super) fn single(hir: &Hir) -> Option<Set> {
        match hir.kind() {
            HirKind::Class(class) => Set::of(class),
            HirKind::Literal(literal) => {
                let mut chars = std::str::from_utf8(&literal.0).ok()?.chars();
                let c = chars.next()?;
                chars.next().is_none().then(|| Set::one(c))
            }
            _ => None,
        }
    }

    fn from_ranges(ranges: impl IntoIterator<Item = (char, char)>) -> Set {
        let mut ascii = 0u128;
        let mut wide = Vec::new();
        for (start, end) in ranges {
            for c in start..=end.min('\x7f') {
                ascii |= 1 << u32::from(c);
            }
            if end > '\x7f' {
                wide.push((start.max('\u{80}'), end));
            }
        }
        Set {
            ascii,
            wide: wide.into_boxed_slice(),
        }
    }

    fn contains(&self, c: char) -> bool {
        let code = u32::from(c);
        if code < 128 {
            self.ascii & (1 << code) != 0
        } else {
            self.wide.iter().any(|&(start, end)| start <= c && c <= end)
        }
    }

    pub(super) fn disjoint(&self, other: &Set) -> bool {
        self.ascii & other.ascii == 0
            && self
                .wide
                .iter()
                .all(|&(a, b)| other.wide.iter().all(|&(c, d)| b < c || d < a))
    }

    /// The position after the character at byte `pos` of `text` when the set has it.
    /// `pos` is always on a character boundary: every step moves by whole characters.
    #[inline]
    pub(super) fn step(&self, text: &str, pos: usize) -> Option<usize> {
        let &b = text.as_bytes().get(pos)?;
        if b < 0x80 {
            return (self.ascii & (1 << b) != 0).then_some(pos + 1);
        }
        let c = text[pos..].chars().next()?;
        self.contains(c).then(|| pos + c.len_utf8())
    }

    /// Takes between `min` and `max` characters of the set from `text` at byte `pos`, as
    /// many as there are; the position after them, or `None` when fewer than `min` are.
    pub(super) fn take(&self, text: &str, mut pos: usize, min: u32, max: u32) -> Option<usize> {
        let mut taken = 0;
        while taken < max {
            let Some(after) = self.step(text, pos) else {
                break;
            };
            pos = after;
            taken += 1;
        }
        (taken >= min).then_some(pos)
    }
}
