//! The byte-level RFC 8259 reader behind [`super::parse`] and [`super::parse_spanned`].
//!
//! One recursive-descent parser builds either tree through the [`Tree`] trait, so the two
//! entry points cannot disagree on the grammar. It is on the request path: it works on
//! bytes, copies each string once, and only computes a line and column when a value must
//! carry one or an error is reported.

use super::shape::Shape;
use super::{JsonError, Spanned, SpannedNode};
use crate::number::{Number, NumberError};
use crate::value::{Map, Value};
use std::borrow::Cow;

/// Room made for the members of a non-empty object or array when it is opened: request
/// bodies are mostly objects of up to eight members, which then grow no vector step by
/// step (a vector of 32-byte values starts at four and doubles; W4's body grew four
/// times). Only the first [`ROOMY_CONTAINERS`] of a document get it, so a body of many
/// tiny containers costs no more memory than before.
const FIRST_ROOM: usize = 8;
const ROOMY_CONTAINERS: u8 = 16;

/// Nesting limit: a request body must not be able to overflow the stack.
const MAX_DEPTH: usize = 256;

/// A tree the parser can build.
pub(super) trait Tree: Sized {
    /// Where a value starts, if the tree keeps it.
    type Loc: Copy;
    /// An object under construction.
    type Obj;
    /// The location of the value starting at the parser's position.
    fn locate(p: &mut Parser<'_>) -> Self::Loc;
    /// A new, empty object with room for `capacity` members.
    fn new_object(capacity: usize) -> Self::Obj;
    /// Adds a member (what a duplicate does is the tree's choice).
    fn add_member(obj: &mut Self::Obj, key: Cow<'_, str>, value: Self);
    /// The finished value.
    fn make(node: Node<'_, Self>, loc: Self::Loc) -> Self;
}

/// One parsed value, before the tree wraps it.
pub(super) enum Node<'t, T: Tree> {
    Null,
    Bool(bool),
    Number(Number, &'t str),
    String(Cow<'t, str>),
    Array(Vec<T>),
    Object(T::Obj),
}

impl Tree for Value {
    type Loc = ();
    type Obj = Map;

    fn locate(_: &mut Parser<'_>) {}

    fn new_object(capacity: usize) -> Map {
        Map::with_capacity(capacity)
    }

    #[inline]
    fn add_member(obj: &mut Map, key: Cow<'_, str>, value: Value) {
        // Last wins (the key keeps its first position, as in every ordered JSON map).
        obj.insert(key.into_owned(), value);
    }

    fn make(node: Node<'_, Value>, _: ()) -> Value {
        match node {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(b),
            Node::Number(n, _) => Value::Number(n),
            Node::String(s) => Value::String(s.into_owned()),
            Node::Array(items) => Value::Array(items),
            Node::Object(map) => Value::Object(map),
        }
    }
}

impl Tree for Spanned {
    type Loc = (u32, u32);
    type Obj = Vec<(String, Spanned)>;

    fn locate(p: &mut Parser<'_>) -> (u32, u32) {
        p.current_location()
    }

    fn new_object(capacity: usize) -> Self::Obj {
        Vec::with_capacity(capacity)
    }

    fn add_member(obj: &mut Self::Obj, key: Cow<'_, str>, value: Spanned) {
        // Duplicates are kept: validation reports them with their own location.
        obj.push((key.into_owned(), value));
    }

    fn make(node: Node<'_, Spanned>, (line, column): (u32, u32)) -> Spanned {
        let node = match node {
            Node::Null => SpannedNode::Null,
            Node::Bool(b) => SpannedNode::Bool(b),
            Node::Number(n, text) => SpannedNode::Number(n, text.to_owned()),
            Node::String(s) => SpannedNode::String(s.into_owned()),
            Node::Array(items) => SpannedNode::Array(items),
            Node::Object(members) => SpannedNode::Object(members),
        };
        Spanned { node, line, column }
    }
}

/// A value read only to check it: what a shaped parse skips builds nothing, copies no
/// string without escapes, and fails exactly where the whole parse would.
struct Discard;

impl Tree for Discard {
    type Loc = ();
    type Obj = ();

    fn locate(_: &mut Parser<'_>) {}

    fn new_object(_: usize) {}

    fn add_member(_: &mut (), _: Cow<'_, str>, _: Discard) {}

    fn make(_: Node<'_, Discard>, _: ()) -> Discard {
        Discard
    }
}

/// The parser state: a cursor over the text, plus the line bookkeeping for locations.
pub(super) struct Parser<'t> {
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
    depth: usize,
    /// 1-based line of `pos`, kept up to date by [`Parser::skip_ws`].
    line: u32,
    /// Byte offset where that line starts.
    line_start: usize,
    /// A byte offset on the current line whose column is known, so columns are counted
    /// incrementally (values are located in increasing order).
    col_mark: (usize, u32),
    /// How many more containers are opened with [`FIRST_ROOM`].
    roomy_left: u8,
}

impl<'t> Parser<'t> {
    pub(super) fn new(text: &'t str) -> Parser<'t> {
        Parser {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            depth: 0,
            line: 1,
            line_start: 0,
            col_mark: (0, 1),
            roomy_left: ROOMY_CONTAINERS,
        }
    }

    /// A whole document: one value, white space around it, nothing else.
    pub(super) fn document<T: Tree>(mut self) -> Result<T, JsonError> {
        let value = self.value::<T>()?;
        self.skip_ws();
        if self.pos < self.bytes.len() {
            return Err(self.error_here("unexpected text after the JSON value"));
        }
        Ok(value)
    }

    /// A whole document as [`Parser::document`] reads it, keeping only what `shape`
    /// reaches: a member no path names is checked and left out; an element no path names is
    /// checked and kept as `null`, so the others keep their positions.
    pub(super) fn document_shaped(mut self, shape: &Shape) -> Result<Value, JsonError> {
        let value = self.value_in(shape)?;
        self.skip_ws();
        if self.pos < self.bytes.len() {
            return Err(self.error_here("unexpected text after the JSON value"));
        }
        Ok(value)
    }

    /// A value kept as `shape` says: whole straight away (most members a path reaches are
    /// read whole), else through [`Parser::value_shaped`].
    #[inline]
    fn value_in(&mut self, shape: &Shape) -> Result<Value, JsonError> {
        match shape {
            Shape::Whole => self.value::<Value>(),
            parts => self.value_shaped(parts),
        }
    }

    fn value_shaped(&mut self, shape: &Shape) -> Result<Value, JsonError> {
        self.skip_ws();
        match self.peek() {
            Some(b'{') => self.object_shaped(shape).map(Value::Object),
            Some(b'[') => self.array_shaped(shape).map(Value::Array),
            _ => self.value::<Value>(),
        }
    }

    /// [`Parser::object`] for a shaped parse.
    #[inline(never)]
    fn object_shaped(&mut self, shape: &Shape) -> Result<Map, JsonError> {
        self.members(Map::with_capacity, |p, obj, key| {
            match shape.member(&key) {
                Some(member) => {
                    let value = p.value_in(member)?;
                    Value::add_member(obj, key, value);
                }
                None => {
                    p.value::<Discard>()?;
                }
            }
            Ok(())
        })
    }

    /// [`Parser::array`] for a shaped parse.
    #[inline(never)]
    fn array_shaped(&mut self, shape: &Shape) -> Result<Vec<Value>, JsonError> {
        self.elements(|p, items| {
            let item = match shape.element(items.len() + 1) {
                Some(element) => p.value_in(element)?,
                None => {
                    p.value::<Discard>()?;
                    Value::Null
                }
            };
            items.push(item);
            Ok(())
        })
    }

    fn value<T: Tree>(&mut self) -> Result<T, JsonError> {
        self.skip_ws();
        let loc = T::locate(self);
        let node = match self.peek() {
            Some(b'{') => Node::Object(self.object::<T>()?),
            Some(b'[') => Node::Array(self.array::<T>()?),
            Some(b'"') => Node::String(self.string()?),
            Some(b't') => self.literal("true", Node::Bool(true))?,
            Some(b'f') => self.literal("false", Node::Bool(false))?,
            Some(b'n') => self.literal("null", Node::Null)?,
            Some(b'-' | b'0'..=b'9') => {
                let (n, text) = self.number()?;
                Node::Number(n, text)
            }
            Some(_) => return Err(self.unexpected("a value")),
            None => return Err(self.error_here("unexpected end of input, expected a value")),
        };
        Ok(T::make(node, loc))
    }

    fn object<T: Tree>(&mut self) -> Result<T::Obj, JsonError> {
        self.members(T::new_object, |p, obj, key| {
            let value = p.value::<T>()?;
            T::add_member(obj, key, value);
            Ok(())
        })
    }

    fn array<T: Tree>(&mut self) -> Result<Vec<T>, JsonError> {
        self.elements(|p, items| {
            items.push(p.value::<T>()?);
            Ok(())
        })
    }

    /// An object's syntax, the parser at its `{`: `new` makes the object with room for
    /// its members, and `member` reads each member's value (the parser just past its `:`)
    /// into it under its key. Every way of reading an object shares this grammar.
    fn members<O>(
        &mut self,
        new: impl FnOnce(usize) -> O,
        mut member: impl FnMut(&mut Self, &mut O, Cow<'t, str>) -> Result<(), JsonError>,
    ) -> Result<O, JsonError> {
        self.enter()?;
        self.pos += 1;
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(new(0));
        }
        let mut obj = new(self.room());
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(self.unexpected("a string key"));
            }
            let key = self.string()?;
            self.skip_ws();
            if self.peek() != Some(b':') {
                return Err(self.unexpected("`:` after the key"));
            }
            self.pos += 1;
            member(self, &mut obj, key)?;
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => break,
                _ => return Err(self.unexpected("`,` or `}`")),
            }
        }
        self.pos += 1;
        self.depth -= 1;
        Ok(obj)
    }

    /// An array's syntax, the parser at its `[`: `element` reads each element into the
    /// items. Every way of reading an array shares this grammar.
    fn elements<V>(
        &mut self,
        mut element: impl FnMut(&mut Self, &mut Vec<V>) -> Result<(), JsonError>,
    ) -> Result<Vec<V>, JsonError> {
        self.enter()?;
        self.pos += 1;
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(Vec::new());
        }
        let mut items = Vec::with_capacity(self.room());
        loop {
            element(self, &mut items)?;
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => break,
                _ => return Err(self.unexpected("`,` or `]`")),
            }
        }
        self.pos += 1;
        self.depth -= 1;
        Ok(items)
    }

    /// The room to make for a non-empty container being opened.
    fn room(&mut self) -> usize {
        if self.roomy_left == 0 {
            return 0;
        }
        self.roomy_left -= 1;
        FIRST_ROOM
    }

    fn enter(&mut self) -> Result<(), JsonError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error_here(&format!("nested deeper than {MAX_DEPTH} levels")));
        }
        Ok(())
    }

    fn literal<'n, T: Tree>(
        &mut self,
        word: &str,
        node: Node<'n, T>,
    ) -> Result<Node<'n, T>, JsonError> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(node)
        } else {
            Err(self.unexpected("a value"))
        }
    }

    /// A number: the longest run of number characters, then the exact grammar check, so
    /// `01` or `1.5.5` is reported whole.
    fn number(&mut self) -> Result<(Number, &'t str), JsonError> {
        let start = self.pos;
        let len = self.bytes[start..]
            .iter()
            .take_while(|b| matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
            .count();
        let text = &self.text[start..start + len];
        match Number::parse_json_checked(text) {
            Ok(n) => {
                self.pos += len;
                Ok((n, text))
            }
            Err(NumberError::Syntax) => {
                Err(self.error_at(start, &format!("invalid number `{text}`")))
            }
            Err(NumberError::Range) => Err(self.error_at(
                start,
                &format!("number `{text}` is beyond the decimal range (28 digits)"),
            )),
        }
    }

    /// A string starting at the opening quote: borrowed from the text when it has no
    /// escape (the tree copies it once; a skipped one is never copied).
    fn string(&mut self) -> Result<Cow<'t, str>, JsonError> {
        self.pos += 1;
        let start = self.pos;
        let run = self.plain_run();
        if self.peek() == Some(b'"') {
            self.pos += 1;
            return Ok(Cow::Borrowed(&self.text[start..start + run]));
        }
        let mut out = String::with_capacity(run + 16);
        out.push_str(&self.text[start..start + run]);
        loop {
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(Cow::Owned(out));
                }
                Some(b'\\') => self.escape(&mut out)?,
                Some(_) => {
                    return Err(
                        self.error_here("control character in a string (write it as an escape)")
                    )
                }
                None => return Err(self.error_here("unexpected end of input inside a string")),
            }
            let from = self.pos;
            let run = self.plain_run();
            out.push_str(&self.text[from..from + run]);
        }
    }

    /// Skips bytes that need no decoding; stops at a quote, a backslash, a control
    /// character or the end (all ASCII, so the run ends on a character boundary).
    fn plain_run(&mut self) -> usize {
        let n = super::scan::plain_run(&self.bytes[self.pos..]);
        self.pos += n;
        n
    }

    fn escape(&mut self, out: &mut String) -> Result<(), JsonError> {
        let at = self.pos;
        let c = match self.bytes.get(at + 1) {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => return self.unicode_escape(out),
            Some(_) => {
                return Err(self.error_at(
                    at,
                    "invalid escape (use \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX)",
                ))
            }
            None => return Err(self.error_at(at, "unexpected end of input inside a string")),
        };
        out.push(c);
        self.pos += 2;
        Ok(())
    }

    /// `\uXXXX`, a surrogate pair being two of them.
    fn unicode_escape(&mut self, out: &mut String) -> Result<(), JsonError> {
        let at = self.pos;
        let high = self.hex4(at + 2)?;
        self.pos = at + 6;
        let code = match high {
            0xD800..=0xDBFF => {
                let low = if self.bytes[self.pos..].starts_with(b"\\u") {
                    Some(self.hex4(self.pos + 2)?)
                } else {
                    None
                };
                match low {
                    Some(low @ 0xDC00..=0xDFFF) => {
                        self.pos += 6;
                        0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                    }
                    _ => return Err(self.error_at(at, "unpaired surrogate in a \\u escape")),
                }
            }
            0xDC00..=0xDFFF => return Err(self.error_at(at, "unpaired surrogate in a \\u escape")),
            c => c,
        };
        match char::from_u32(code) {
            Some(c) => {
                out.push(c);
                Ok(())
            }
            None => Err(self.error_at(at, "invalid \\u escape")),
        }
    }

    fn hex4(&self, at: usize) -> Result<u32, JsonError> {
        let digits = self
            .bytes
            .get(at..at + 4)
            .filter(|d| d.iter().all(u8::is_ascii_hexdigit));
        match digits {
            Some(d) => Ok(d.iter().fold(0, |acc, &b| {
                acc * 16 + char::from(b).to_digit(16).unwrap_or(0)
            })),
            None => Err(self.error_at(at - 2, "a \\u escape needs four hex digits")),
        }
    }

    fn skip_ws(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            match b {
                b' ' | b'\t' | b'\r' => {}
                b'\n' => {
                    self.line += 1;
                    self.line_start = self.pos + 1;
                }
                _ => return,
            }
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// The 1-based line and column of `pos`, counting characters from the last known mark.
    fn current_location(&mut self) -> (u32, u32) {
        let (mark, col) = if self.col_mark.0 >= self.line_start {
            self.col_mark
        } else {
            (self.line_start, 1)
        };
        let col = col + count_chars(&self.bytes[mark..self.pos]);
        self.col_mark = (self.pos, col);
        (self.line, col)
    }

    fn unexpected(&self, expected: &str) -> JsonError {
        let found = self.text[self.pos..].chars().next();
        let message = match found {
            Some(c) if c.is_control() => format!("unexpected character {c:?}, expected {expected}"),
            Some(c) => format!("unexpected `{c}`, expected {expected}"),
            None => format!("unexpected end of input, expected {expected}"),
        };
        self.error_at(self.pos, &message)
    }

    fn error_here(&self, message: &str) -> JsonError {
        self.error_at(self.pos, message)
    }

    /// An error at byte offset `at`; the line and column are worked out from scratch.
    fn error_at(&self, at: usize, message: &str) -> JsonError {
        let before = &self.bytes[..at.min(self.bytes.len())];
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let line = 1 + count_u32(before.iter().filter(|&&b| b == b'\n').count());
        JsonError {
            line,
            column: 1 + count_chars(&before[line_start..]),
            message: message.to_owned(),
        }
    }
}

/// Characters in a UTF-8 byte slice: every byte that does not continue a character.
fn count_chars(bytes: &[u8]) -> u32 {
    count_u32(bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count())
}

fn count_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
