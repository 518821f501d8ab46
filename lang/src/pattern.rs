//! The regex node's pattern language (§4.2, §13 rule 20): the linear-time ECMAScript
//! subset, checked and translated at build time to the `regex` crate's syntax.
//!
//! The translation walks the ECMAScript pattern once, character by character, and writes
//! `regex` syntax whose meaning is the same: `\d \w \s \b` become ASCII sets (§13 rule 20;
//! for `\s` that is narrower than ECMAScript's Unicode white space), `.` excludes
//! ECMAScript's line terminators, classes are rebuilt atom by atom so `regex`'s nested
//! classes and set operators (`[[`, `&&`, `--`, `~~`) cannot appear by accident. Features with no linear-time equivalent (look-around, backreferences) are
//! rejected with the column where they start.

use std::fmt::Write as _;

mod class;
mod escape;
mod matcher;
pub mod walk;

pub use matcher::{Found, Matcher};

/// A checked, translated pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    /// The pattern in `regex` crate syntax, flags and full-match anchoring folded in.
    pub translated: String,
    /// The number of capture groups (not counting group 0).
    pub group_count: usize,
    /// Named groups and their numbers.
    pub group_names: Vec<(String, usize)>,
}

/// A pattern error with its 0-based character column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    /// 0-based character column in the pattern.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

/// Checks and translates an ECMAScript pattern. `flags` may hold `i`, `m`, `s`. Look-around,
/// backreferences and `\p{…}` are errors. `\d \w \s \b` are ASCII.
pub fn translate(pattern: &str, flags: &str, full_match: bool) -> Result<Pattern, PatternError> {
    let flags = Flags::parse(flags)?;
    let mut t = Translator::new(pattern, flags);
    t.run()?;
    let mut translated = flags.prefix();
    let body_start = if full_match {
        translated.push_str(r"\A(?:");
        let start = translated.len();
        translated.push_str(&t.out);
        translated.push_str(r")\z");
        start
    } else {
        let start = translated.len();
        translated.push_str(&t.out);
        start
    };
    validate(&translated, body_start, &t.columns)?;
    Ok(Pattern {
        translated,
        group_count: t.group_count,
        group_names: t.group_names,
    })
}

/// Runs a compiled pattern: `None` when it does not match, else group 0 (the match) and
/// every group (`None` when it took no part) as strings.
pub fn exec(re: &Matcher, input: &str) -> Option<Vec<Option<String>>> {
    let found = re.captures(input)?;
    Some(
        (0..found.len())
            .map(|i| found.get(i).map(str::to_owned))
            .collect(),
    )
}

impl Pattern {
    /// Compiles the translated pattern into the matcher both backends run (it was
    /// compiled once by [`translate`], so this fails only if the `regex` crate's limits
    /// changed in between).
    pub fn compile(&self) -> Result<Matcher, regex::Error> {
        Matcher::new(&self.translated)
    }
}

/// ECMAScript's `\w`, ASCII only (no `u` flag).
const WORD: &str = "0-9A-Za-z_";
/// `\s`, ASCII only (§13 rule 20): tab, line feed, vertical tab, form feed, carriage return
/// and space. ECMAScript's own `\s` adds Unicode spaces such as U+00A0; flows do not.
const SPACE: &str = r"\t\n\x0B\x0C\r ";
/// What `.` matches without the `s` flag: anything but ECMAScript's line terminators.
const DOT: &str = r"[^\n\r\x{2028}\x{2029}]";

/// The `i`, `m` and `s` flags.
#[derive(Debug, Clone, Copy, Default)]
struct Flags {
    ignore_case: bool,
    multi_line: bool,
    dot_all: bool,
}

impl Flags {
    /// Only `i`, `m` and `s` exist here; ECMAScript's `g`, `y`, `u`, `d`, `v` change how a
    /// pattern runs in JavaScript, which a flow node does not do.
    fn parse(flags: &str) -> Result<Flags, PatternError> {
        let mut out = Flags::default();
        for c in flags.chars() {
            let slot = match c {
                'i' => &mut out.ignore_case,
                'm' => &mut out.multi_line,
                's' => &mut out.dot_all,
                _ => {
                    return Err(error(
                        0,
                        format!("unknown regex flag `{c}` (flags may hold i, m, s)"),
                    ))
                }
            };
            if *slot {
                return Err(error(0, format!("regex flag `{c}` is given twice")));
            }
            *slot = true;
        }
        Ok(out)
    }

    /// The inline flag group. `m` takes `R` too: ECMAScript's `^`/`$` see `\r` as a line end.
    fn prefix(self) -> String {
        let mut flags = String::new();
        if self.ignore_case {
            flags.push('i');
        }
        if self.multi_line {
            flags.push_str("mR");
        }
        if self.dot_all {
            flags.push('s');
        }
        if flags.is_empty() {
            flags
        } else {
            format!("(?{flags})")
        }
    }
}

fn error(column: usize, message: impl Into<String>) -> PatternError {
    PatternError {
        column,
        message: message.into(),
    }
}

/// The walk over the pattern.
struct Translator {
    chars: Vec<char>,
    pos: usize,
    flags: Flags,
    out: String,
    /// `(offset in out, column in the pattern)` at the start of every translated piece, to
    /// point errors that only `regex_syntax` finds at the right column.
    columns: Vec<(usize, usize)>,
    /// Columns of the groups still open.
    open: Vec<usize>,
    /// Whether the last piece can take a quantifier.
    repeatable: bool,
    group_count: usize,
    group_names: Vec<(String, usize)>,
}

impl Translator {
    fn new(pattern: &str, flags: Flags) -> Translator {
        Translator {
            chars: pattern.chars().collect(),
            pos: 0,
            flags,
            out: String::with_capacity(pattern.len() * 2),
            columns: Vec::new(),
            open: Vec::new(),
            repeatable: false,
            group_count: 0,
            group_names: Vec::new(),
        }
    }

    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.pos + ahead).copied()
    }

    fn looking_at(&self, text: &str) -> bool {
        text.chars()
            .enumerate()
            .all(|(i, c)| self.peek(i) == Some(c))
    }

    fn run(&mut self) -> Result<(), PatternError> {
        while let Some(c) = self.peek(0) {
            self.columns.push((self.out.len(), self.pos));
            self.step(c)?;
        }
        match self.open.last() {
            Some(&col) => Err(error(col, "unclosed group: `(` without `)`")),
            None => Ok(()),
        }
    }

    /// Translates the piece starting with `c` at the current position.
    fn step(&mut self, c: char) -> Result<(), PatternError> {
        let col = self.pos;
        match c {
            '\\' => return self.escape(),
            '[' => return self.class(),
            '(' => return self.group(),
            '*' | '+' | '?' => {
                self.pos += 1;
                let q = c.to_string();
                return self.quantifier(col, &q);
            }
            '{' => {
                if let Some((q, len)) = self.braced_quantifier()? {
                    self.pos += len;
                    return self.quantifier(col, &q);
                }
                // Annex B: a `{` that starts no quantifier is a literal.
                self.literal('{');
            }
            ')' => {
                if self.open.pop().is_none() {
                    return Err(error(col, "unmatched `)`"));
                }
                self.out.push(')');
                self.repeatable = true;
            }
            '|' | '^' | '$' => {
                self.out.push(c);
                self.repeatable = false;
            }
            '.' if self.flags.dot_all => self.piece("."),
            '.' => self.piece(DOT),
            _ => self.literal(c),
        }
        self.pos += 1;
        Ok(())
    }

    /// Writes a repeatable piece of translated syntax.
    fn piece(&mut self, text: &str) {
        self.out.push_str(text);
        self.repeatable = true;
    }

    /// Writes a literal character.
    fn literal(&mut self, c: char) {
        push_literal(&mut self.out, c);
        self.repeatable = true;
    }

    /// `*`, `+`, `?` or a braced quantifier (already consumed), then an optional lazy `?`.
    fn quantifier(&mut self, col: usize, q: &str) -> Result<(), PatternError> {
        if !self.repeatable {
            return Err(error(col, format!("nothing to repeat before `{q}`")));
        }
        self.out.push_str(q);
        if self.peek(0) == Some('?') {
            self.out.push('?');
            self.pos += 1;
        }
        // ECMAScript rejects `a**` and `a{2}{3}`: a quantifier cannot follow another.
        self.repeatable = false;
        Ok(())
    }

    /// `{n}`, `{n,}` or `{n,m}` at the current position: the quantifier text and its length
    /// in characters; `None` when the brace starts no quantifier.
    fn braced_quantifier(&self) -> Result<Option<(String, usize)>, PatternError> {
        let digits = |from: usize| {
            let mut n = 0;
            while self.peek(from + n).is_some_and(|c| c.is_ascii_digit()) {
                n += 1;
            }
            n
        };
        let text = |from: usize, len: usize| -> String {
            self.chars[self.pos + from..self.pos + from + len]
                .iter()
                .collect()
        };
        let min_len = digits(1);
        if min_len == 0 {
            return Ok(None);
        }
        let min = text(1, min_len);
        let mut at = 1 + min_len;
        let max = if self.peek(at) == Some(',') {
            let max_len = digits(at + 1);
            let max = text(at + 1, max_len);
            at += 1 + max_len;
            Some(max)
        } else {
            None
        };
        if self.peek(at) != Some('}') {
            return Ok(None);
        }
        if let Some(max) = max.as_deref().filter(|m| !m.is_empty()) {
            if bigger(&min, max) {
                return Err(error(
                    self.pos,
                    format!("numbers out of order in `{{{min},{max}}}`"),
                ));
            }
        }
        let q = match max {
            None => format!("{{{min}}}"),
            Some(max) => format!("{{{min},{max}}}"),
        };
        Ok(Some((q, at + 1)))
    }

    /// `(`, `(?:`, `(?<name>`; look-around is rejected.
    fn group(&mut self) -> Result<(), PatternError> {
        let col = self.pos;
        if self.looking_at("(?=") || self.looking_at("(?!") {
            return Err(error(
                col,
                "look-ahead `(?=…)` / `(?!…)` is not supported (patterns must run in linear time)",
            ));
        }
        if self.looking_at("(?<=") || self.looking_at("(?<!") {
            return Err(error(col, "look-behind `(?<=…)` / `(?<!…)` is not supported (patterns must run in linear time)"));
        }
        if self.looking_at("(?:") {
            self.out.push_str("(?:");
            self.pos += 3;
        } else if self.looking_at("(?<") {
            self.pos += 3;
            let name = self.group_name(col)?;
            self.group_count += 1;
            let _ = write!(self.out, "(?P<{name}>");
            self.group_names.push((name, self.group_count));
        } else if self.looking_at("(?") {
            return Err(error(
                col,
                "unsupported group syntax `(?`; use `(…)`, `(?:…)` or `(?<name>…)`",
            ));
        } else {
            self.group_count += 1;
            self.out.push('(');
            self.pos += 1;
        }
        self.open.push(col);
        self.repeatable = false;
        Ok(())
    }

    /// The name of `(?<name>` up to `>` (consumed); ASCII identifiers only, so every name
    /// can be written as a reference `[[node:name]]`.
    fn group_name(&mut self, col: usize) -> Result<String, PatternError> {
        let start = self.pos;
        while self.peek(0).is_some_and(|c| c != '>') {
            self.pos += 1;
        }
        if self.peek(0).is_none() {
            return Err(error(col, "unterminated group name: `(?<` without `>`"));
        }
        let name: String = self.chars[start..self.pos].iter().collect();
        self.pos += 1;
        let mut chars = name.chars();
        let valid = chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            return Err(error(start, format!("invalid group name `{name}` (letters, digits and `_`, not starting with a digit)")));
        }
        if self.group_names.iter().any(|(n, _)| *n == name) {
            return Err(error(start, format!("duplicate group name `{name}`")));
        }
        Ok(name)
    }
}

/// A character as `regex` syntax: meta characters escaped, control characters in hex.
fn push_literal(out: &mut String, c: char) {
    if regex_syntax::is_meta_character(c) {
        out.push('\\');
        out.push(c);
    } else if c.is_control() || (c.is_whitespace() && c != ' ') {
        let _ = write!(out, "\\x{{{:X}}}", u32::from(c));
    } else {
        out.push(c);
    }
}

/// Whether the decimal `a` is bigger than the decimal `b` (both ASCII digits, any length).
fn bigger(a: &str, b: &str) -> bool {
    let a = a.trim_start_matches('0');
    let b = b.trim_start_matches('0');
    (a.len(), a) > (b.len(), b)
}

/// Lets `regex_syntax` and `regex` check the result, so no bad pattern reaches run time;
/// an error they find is pointed at the pattern column that produced that piece.
fn validate(
    translated: &str,
    body_start: usize,
    columns: &[(usize, usize)],
) -> Result<(), PatternError> {
    let column_of = |offset: usize| {
        let offset = offset.saturating_sub(body_start);
        columns
            .iter()
            .rev()
            .find(|(at, _)| *at <= offset)
            .map_or(0, |&(_, col)| col)
    };
    let parsed = regex_syntax::ParserBuilder::new().build().parse(translated);
    if let Err(e) = parsed {
        let (offset, message) = match &e {
            regex_syntax::Error::Parse(e) => (e.span().start.offset, e.kind().to_string()),
            regex_syntax::Error::Translate(e) => (e.span().start.offset, e.kind().to_string()),
            other => (body_start, other.to_string()),
        };
        return Err(error(
            column_of(offset),
            format!("invalid pattern: {message}"),
        ));
    }
    match regex::Regex::new(translated) {
        Ok(_) => Ok(()),
        Err(regex::Error::CompiledTooBig(limit)) => Err(error(
            0,
            format!("pattern is too large: it compiles beyond the {limit}-byte limit"),
        )),
        Err(e) => Err(error(0, format!("invalid pattern: {e}"))),
    }
}

#[cfg(test)]
mod tests;
