//! Character classes `[...]`, rebuilt atom by atom so that `regex`'s own class syntax
//! (nested classes, `&&`, `--`, `~~`) cannot appear by accident.

use super::escape::escape_set;
use super::{error, push_literal, PatternError, Translator};
use std::fmt::Write as _;

/// A class atom: one character, or one of the escape sets (`\d`, `\W`, …).
#[derive(Debug, Clone, Copy)]
enum ClassAtom {
    Char(char),
    /// The set's members in class syntax, and whether it is negated.
    Set(&'static str, bool),
}

impl Translator {
    /// A class `[...]`, rebuilt atom by atom.
    pub(super) fn class(&mut self) -> Result<(), PatternError> {
        let col = self.pos;
        self.pos += 1;
        let negated = self.peek(0) == Some('^');
        if negated {
            self.pos += 1;
        }
        let mut items = String::new();
        loop {
            match self.peek(0) {
                None => return Err(error(col, "unterminated character class: `[` without `]`")),
                Some(']') => break,
                Some(_) => self.class_item(&mut items)?,
            }
        }
        self.pos += 1;
        let class = match (items.is_empty(), negated) {
            // ECMAScript's `[]` matches nothing and `[^]` anything.
            (true, false) => r"[^\x{0}-\x{10FFFF}]".to_owned(),
            (true, true) => r"[\x{0}-\x{10FFFF}]".to_owned(),
            (false, false) => format!("[{items}]"),
            (false, true) => format!("[^{items}]"),
        };
        self.piece(&class);
        Ok(())
    }

    /// One atom of a class, or a range `a-z`.
    fn class_item(&mut self, items: &mut String) -> Result<(), PatternError> {
        let col = self.pos;
        let first = self.class_atom()?;
        let is_range = self.peek(0) == Some('-') && self.peek(1).is_some_and(|c| c != ']');
        if !is_range {
            push_class_atom(items, first);
            return Ok(());
        }
        self.pos += 1;
        let second = self.class_atom()?;
        match (first, second) {
            (ClassAtom::Char(a), ClassAtom::Char(b)) => {
                if a > b {
                    return Err(error(
                        col,
                        format!("range out of order in character class: `{a}-{b}`"),
                    ));
                }
                push_literal(items, a);
                items.push('-');
                push_literal(items, b);
            }
            // Annex B: a range with a set on either side is the set, `-` and the other atom.
            _ => {
                push_class_atom(items, first);
                items.push_str(r"\-");
                push_class_atom(items, second);
            }
        }
        Ok(())
    }

    fn class_atom(&mut self) -> Result<ClassAtom, PatternError> {
        match self.peek(0) {
            Some('\\') => {
                if let Some(set) = self.peek(1).and_then(escape_set) {
                    self.pos += 2;
                    return Ok(ClassAtom::Set(set.0, set.1));
                }
                Ok(ClassAtom::Char(self.char_escape(true)?))
            }
            Some(c) => {
                self.pos += 1;
                Ok(ClassAtom::Char(c))
            }
            None => Err(error(self.pos, "unterminated character class")),
        }
    }
}

fn push_class_atom(items: &mut String, atom: ClassAtom) {
    match atom {
        ClassAtom::Char(c) => push_literal(items, c),
        ClassAtom::Set(set, false) => items.push_str(set),
        ClassAtom::Set(set, true) => {
            let _ = write!(items, "[^{set}]");
        }
    }
}
