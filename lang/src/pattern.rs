//! The regex node's pattern language (§4.2, §13 rule 20): the linear-time ECMAScript
//! subset, checked and translated at build time to the `regex` crate's syntax.
//!
//! The translation walks the ECMAScript pattern once, character by character, and writes
//! `regex` syntax whose meaning is the same: `\d \w \s \b` become their ASCII (ECMAScript)
//! sets, `.` excludes ECMAScript's line terminators, classes are rebuilt atom by atom so
//! `regex`'s nested classes and set operators (`[[`, `&&`, `--`, `~~`) cannot appear by
//! accident. Features with no linear-time equivalent (look-around, backreferences) are
//! rejected with the column where they start.

use std::fmt::Write as _;

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
    Ok(Pattern { translated, group_count: t.group_count, group_names: t.group_names })
}

/// Runs a compiled pattern: `None` when it does not match, else group 0 (the match) and
/// every group (`None` when it took no part) as strings.
pub fn exec(re: &regex::Regex, input: &str) -> Option<Vec<Option<String>>> {
    let caps = re.captures(input)?;
    Some(caps.iter().map(|g| g.map(|m| m.as_str().to_owned())).collect())
}

impl Pattern {
    /// Compiles the translated pattern (it was compiled once by [`translate`], so this
    /// fails only if the `regex` crate's limits changed in between).
    pub fn compile(&self) -> Result<regex::Regex, regex::Error> {
        regex::Regex::new(&self.translated)
    }
}

/// ECMAScript's `\w`, ASCII only (no `u` flag).
const WORD: &str = "0-9A-Za-z_";
/// ECMAScript's `\s`: WhiteSpace and LineTerminator.
const SPACE: &str =
    r"\t\n\x0B\x0C\r \x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}";
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
                _ => return Err(error(0, format!("unknown regex flag `{c}` (flags may hold i, m, s)"))),
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
    PatternError { column, message: message.into() }
}

/// A class atom: one character, or one of the escape sets (`\d`, `\W`, …).
#[derive(Debug, Clone, Copy)]
enum ClassAtom {
    Char(char),
    /// The set's members in class syntax, and whether it is negated.
    Set(&'static str, bool),
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
        text.chars().enumerate().all(|(i, c)| self.peek(i) == Some(c))
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
        let text = |from: usize, len: usize| -> String { self.chars[self.pos + from..self.pos + from + len].iter().collect() };
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
                return Err(error(self.pos, format!("numbers out of order in `{{{min},{max}}}`")));
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
            return Err(error(col, "look-ahead `(?=…)` / `(?!…)` is not supported (patterns must run in linear time)"));
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
            return Err(error(col, "unsupported group syntax `(?`; use `(…)`, `(?:…)` or `(?<name>…)`"));
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
        let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            return Err(error(start, format!("invalid group name `{name}` (letters, digits and `_`, not starting with a digit)")));
        }
        if self.group_names.iter().any(|(n, _)| *n == name) {
            return Err(error(start, format!("duplicate group name `{name}`")));
        }
        Ok(name)
    }

    /// An escape outside a class.
    fn escape(&mut self) -> Result<(), PatternError> {
        let col = self.pos;
        let Some(e) = self.peek(1) else {
            return Err(error(col, "`\\` at the end of the pattern"));
        };
        match e {
            'b' | 'B' => {
                // ASCII word boundaries, as ECMAScript without the `u` flag.
                self.out.push_str(if e == 'b' { r"(?-u:\b)" } else { r"(?-u:\B)" });
                self.repeatable = false;
                self.pos += 2;
            }
            'd' | 'D' | 'w' | 'W' | 's' | 'S' => {
                let (set, negated) = escape_set(e).unwrap_or(("", false));
                let class = format!("[{}{set}]", if negated { "^" } else { "" });
                // The sets are ASCII and closed under ASCII case mapping; keeping `i` off
                // stops Unicode folding from adding the Kelvin sign or the long s.
                if self.flags.ignore_case {
                    let _ = write!(self.out, "(?-i:{class})");
                } else {
                    self.out.push_str(&class);
                }
                self.repeatable = true;
                self.pos += 2;
            }
            _ => {
                let c = self.char_escape(false)?;
                self.literal(c);
            }
        }
        Ok(())
    }

    /// An escape that stands for one character (the `\` is at the current position); the
    /// whole escape is consumed. `in_class`: `\b` is a backspace there.
    fn char_escape(&mut self, in_class: bool) -> Result<char, PatternError> {
        let col = self.pos;
        let Some(e) = self.peek(1) else {
            return Err(error(col, "`\\` at the end of the pattern"));
        };
        self.pos += 2;
        let c = match e {
            't' => '\t',
            'n' => '\n',
            'v' => '\u{0B}',
            'f' => '\u{0C}',
            'r' => '\r',
            'b' if in_class => '\u{08}',
            '0' if self.peek(0).is_some_and(|c| c.is_ascii_digit()) => {
                return Err(error(col, "octal escapes are not supported"));
            }
            '0' => '\0',
            '1'..='9' => {
                return Err(error(col, format!("backreference `\\{e}` is not supported (patterns must run in linear time)")));
            }
            'k' => return Err(error(col, "backreference `\\k<name>` is not supported (patterns must run in linear time)")),
            'p' | 'P' => return Err(error(col, format!("Unicode property escape `\\{e}{{…}}` is not supported"))),
            'B' => return Err(error(col, "`\\B` is not allowed in a character class")),
            'c' => match self.peek(0) {
                Some(l) if l.is_ascii_alphabetic() => {
                    self.pos += 1;
                    char::from(l as u8 % 32)
                }
                _ => return Err(error(col, "`\\c` must be followed by a letter")),
            },
            'x' => self.hex_char(col, 2)?,
            'u' => self.unicode_escape(col)?,
            // Identity escapes (`\.`, `\/`, `\-`, …) stand for the character itself.
            other => other,
        };
        Ok(c)
    }

    /// `n` hex digits at the current position as a code unit.
    fn hex_digits(&mut self, col: usize, n: usize) -> Result<u32, PatternError> {
        let mut value = 0;
        for i in 0..n {
            let digit = self.peek(i).and_then(|c| c.to_digit(16));
            let Some(digit) = digit else {
                return Err(error(col, format!("invalid escape: expected {n} hex digits")));
            };
            value = value * 16 + digit;
        }
        self.pos += n;
        Ok(value)
    }

    fn hex_char(&mut self, col: usize, n: usize) -> Result<char, PatternError> {
        let value = self.hex_digits(col, n)?;
        char::from_u32(value).ok_or_else(|| error(col, "invalid character escape"))
    }

    /// `\uXXXX`, a surrogate pair `\uD83D\uDE00` giving one character. A lone surrogate can
    /// never match a UTF-8 string, so it is rejected rather than silently dead.
    fn unicode_escape(&mut self, col: usize) -> Result<char, PatternError> {
        let high = self.hex_digits(col, 4)?;
        if !(0xD800..0xDC00).contains(&high) {
            return char::from_u32(high).ok_or_else(|| error(col, "lone surrogate escapes are not supported"));
        }
        if !self.looking_at("\\u") {
            return Err(error(col, "lone surrogate escapes are not supported"));
        }
        self.pos += 2;
        let low = self.hex_digits(col, 4)?;
        if !(0xDC00..0xE000).contains(&low) {
            return Err(error(col, "lone surrogate escapes are not supported"));
        }
        let c = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
        char::from_u32(c).ok_or_else(|| error(col, "invalid character escape"))
    }

    /// A class `[...]`, rebuilt atom by atom.
    fn class(&mut self) -> Result<(), PatternError> {
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
                    return Err(error(col, format!("range out of order in character class: `{a}-{b}`")));
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

/// The set an escape letter names (`d`, `D`, `w`, `W`, `s`, `S`): members and negation.
fn escape_set(e: char) -> Option<(&'static str, bool)> {
    match e {
        'd' => Some(("0-9", false)),
        'D' => Some(("0-9", true)),
        'w' => Some((WORD, false)),
        'W' => Some((WORD, true)),
        's' => Some((SPACE, false)),
        'S' => Some((SPACE, true)),
        _ => None,
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
fn validate(translated: &str, body_start: usize, columns: &[(usize, usize)]) -> Result<(), PatternError> {
    let column_of = |offset: usize| {
        let offset = offset.saturating_sub(body_start);
        columns.iter().rev().find(|(at, _)| *at <= offset).map_or(0, |&(_, col)| col)
    };
    let parsed = regex_syntax::ParserBuilder::new().build().parse(translated);
    if let Err(e) = parsed {
        let (offset, message) = match &e {
            regex_syntax::Error::Parse(e) => (e.span().start.offset, e.kind().to_string()),
            regex_syntax::Error::Translate(e) => (e.span().start.offset, e.kind().to_string()),
            other => (body_start, other.to_string()),
        };
        return Err(error(column_of(offset), format!("invalid pattern: {message}")));
    }
    match regex::Regex::new(translated) {
        Ok(_) => Ok(()),
        Err(regex::Error::CompiledTooBig(limit)) => {
            Err(error(0, format!("pattern is too large: it compiles beyond the {limit}-byte limit")))
        }
        Err(e) => Err(error(0, format!("invalid pattern: {e}"))),
    }
}

#[cfg(test)]
mod tests;
