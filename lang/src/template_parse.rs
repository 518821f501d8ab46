//! The template parser (§3, §3.1, §3.2, §13 rules 5, 6, 9 and 13).
//!
//! The source is read as characters so every error column is a character offset. One
//! tokenizer ([`Scanner::token`]) decides what `\[[`, `\\[[`, `[[` and `]]` mean, and both
//! the bracket matcher and the argument splitter use it, so they always agree on where a
//! reference ends.

use crate::path::Path;
use crate::template::{
    is_valid_name, Call, Func, NodePart, Part, Ref, RequestRef, SessionRef, Template,
    TemplateError, ValueTemplate, ValueTemplateError,
};
use crate::value::Value;

/// See [`crate::template::parse`].
pub(crate) fn parse(source: &str) -> Result<Template, TemplateError> {
    let chars: Vec<char> = source.chars().collect();
    Scanner { chars: &chars }.template(0, chars.len())
}

/// See [`ValueTemplate::from_value`].
pub(crate) fn value_template(value: &Value) -> Result<ValueTemplate, Vec<ValueTemplateError>> {
    let mut errors = Vec::new();
    let vt = build_value(value, &mut String::new(), &mut errors);
    if errors.is_empty() {
        Ok(vt)
    } else {
        Err(errors)
    }
}

/// One value of a value template; errors are collected with the pointer of their string.
fn build_value(
    value: &Value,
    pointer: &mut String,
    errors: &mut Vec<ValueTemplateError>,
) -> ValueTemplate {
    match value {
        Value::Null => ValueTemplate::Null,
        Value::Bool(b) => ValueTemplate::Bool(*b),
        Value::Number(n) => ValueTemplate::Number(*n),
        Value::String(s) => match parse(s) {
            Ok(t) => ValueTemplate::Str(t),
            Err(error) => {
                errors.push(ValueTemplateError {
                    pointer: pointer.clone(),
                    error,
                });
                ValueTemplate::Str(Template::default())
            }
        },
        Value::Array(items) => {
            let mut out: Vec<ValueTemplate> = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let len = pointer.len();
                pointer.push_str(&format!("/{i}"));
                out.push(build_value(item, pointer, errors));
                pointer.truncate(len);
            }
            // §3 lists from positions: exactly one element, with `#` somewhere inside.
            match out.pop() {
                Some(only) if out.is_empty() && contains_hash(&only) => {
                    let len = pointer.len();
                    pointer.push_str("/0");
                    let nested = nested_positions(&only, pointer);
                    pointer.truncate(len);
                    match nested {
                        Some(inner) => {
                            errors.push(nested_positions_error(inner));
                            // Reported once: the lists around this one see no `#` here.
                            ValueTemplate::Null
                        }
                        None => ValueTemplate::Positions(Box::new(only)),
                    }
                }
                Some(last) => {
                    out.push(last);
                    ValueTemplate::Array(out)
                }
                None => ValueTemplate::Array(out),
            }
        }
        Value::Object(map) => {
            let mut members = Vec::with_capacity(map.len());
            for (key, item) in map {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
                members.push((key.clone(), build_value(item, pointer, errors)));
                pointer.truncate(len);
            }
            ValueTemplate::Object(members)
        }
    }
}

/// The pointer of the first position list inside `vt` (which stands at `pointer`), if any.
/// Both lists would share one `#`, so the inner one would repeat every value N times over.
fn nested_positions(vt: &ValueTemplate, pointer: &str) -> Option<String> {
    match vt {
        ValueTemplate::Positions(_) => Some(pointer.to_owned()),
        ValueTemplate::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| nested_positions(item, &format!("{pointer}/{i}"))),
        ValueTemplate::Object(members) => members.iter().find_map(|(k, item)| {
            let key = k.replace('~', "~0").replace('/', "~1");
            nested_positions(item, &format!("{pointer}/{key}"))
        }),
        ValueTemplate::Null
        | ValueTemplate::Bool(_)
        | ValueTemplate::Number(_)
        | ValueTemplate::Str(_) => None,
    }
}

fn nested_positions_error(pointer: String) -> ValueTemplateError {
    ValueTemplateError {
        pointer,
        error: error(
            0,
            "a list inside a position list is not supported: both would share `#`",
        ),
    }
}

/// Whether any reference inside `vt` (nested function arguments included) has a `#`.
fn contains_hash(vt: &ValueTemplate) -> bool {
    let mut found = false;
    vt.visit_templates(&mut String::new(), &mut |_, t| {
        t.visit_refs(&mut |r| found |= r.has_hash())
    });
    found
}

/// What the characters at a position mean.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Token {
    /// `\[[`: a literal `[[`.
    EscapedOpen,
    /// The first backslash of `\\[[`: one literal backslash; the `[[` that follows is real.
    Backslash,
    /// `[[`.
    Open,
    /// `]]`.
    Close,
    /// Any other character, literal.
    Char(char),
}

impl Token {
    /// How many characters the token covers.
    fn len(self) -> usize {
        match self {
            Token::EscapedOpen => 3,
            Token::Backslash | Token::Open | Token::Close => 2,
            Token::Char(_) => 1,
        }
    }
}

struct Scanner<'s> {
    chars: &'s [char],
}

impl Scanner<'_> {
    /// The token at `i` (< `end`), looking no further than `end`.
    fn token(&self, i: usize, end: usize) -> Token {
        let at = |k: usize| {
            if k < end {
                self.chars.get(k).copied()
            } else {
                None
            }
        };
        let open_at = |k: usize| at(k) == Some('[') && at(k + 1) == Some('[');
        match at(i) {
            Some('\\') if open_at(i + 1) => Token::EscapedOpen,
            Some('\\') if at(i + 1) == Some('\\') && open_at(i + 2) => Token::Backslash,
            // In `[[[x]]]` the first bracket is text: the reference is the inner `[[x]]`.
            Some('[') if open_at(i) && at(i + 2) != Some('[') => Token::Open,
            Some(']') if at(i + 1) == Some(']') => Token::Close,
            Some(c) => Token::Char(c),
            None => Token::Char('\0'),
        }
    }

    /// Literal text and references in `start..end`.
    fn template(&self, start: usize, end: usize) -> Result<Template, TemplateError> {
        let mut parts = Vec::new();
        let mut text = String::new();
        let mut i = start;
        while i < end {
            let token = self.token(i, end);
            match token {
                Token::EscapedOpen => text.push_str("[["),
                Token::Backslash => text.push('\\'),
                Token::Close => text.push_str("]]"),
                Token::Char(c) => text.push(c),
                Token::Open => {
                    let close = self
                        .find_close(i, end)
                        .ok_or_else(|| error(i, "unclosed `[[` (a reference ends with `]]`)"))?;
                    if !text.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut text)));
                    }
                    parts.push(Part::Ref(self.reference(i + 2, close)?));
                    i = close + 2;
                    continue;
                }
            }
            i += token.len();
        }
        if !text.is_empty() {
            parts.push(Part::Text(text));
        }
        Ok(Template { parts })
    }

    /// The `]]` that closes the `[[` at `open`.
    fn find_close(&self, open: usize, end: usize) -> Option<usize> {
        let mut depth = 0usize;
        let mut i = open;
        while i < end {
            let token = self.token(i, end);
            match token {
                Token::Open => depth += 1,
                Token::Close => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return Some(i);
                    }
                }
                _ => {}
            }
            i += token.len();
        }
        None
    }

    /// The first `:` in `start..end` outside nested references.
    fn top_colon(&self, start: usize, end: usize) -> Option<usize> {
        let mut depth = 0usize;
        let mut i = start;
        while i < end {
            let token = self.token(i, end);
            match token {
                Token::Open => depth += 1,
                Token::Close => depth = depth.saturating_sub(1),
                Token::Char(':') if depth == 0 => return Some(i),
                _ => {}
            }
            i += token.len();
        }
        None
    }

    fn text(&self, start: usize, end: usize) -> String {
        self.chars[start..end].iter().collect()
    }

    /// The inside of `[[...]]`, `start..end`.
    fn reference(&self, start: usize, end: usize) -> Result<Ref, TemplateError> {
        if start == end {
            return Err(error(start, "empty reference `[[]]`"));
        }
        let Some(colon) = self.top_colon(start, end) else {
            return match self.text(start, end).as_str() {
                "uuid" => Ok(Ref::Call(Box::new(Call {
                    func: Func::Uuid,
                    args: Vec::new(),
                }))),
                "now" => Ok(Ref::Call(Box::new(Call {
                    func: Func::Now,
                    args: Vec::new(),
                }))),
                _ => self.variable(start, end),
            };
        };
        let head = self.text(start, colon);
        if let Some(func) = Func::from_name(&head) {
            return self.call(func, start, colon, end);
        }
        match head.as_str() {
            "request" => self.request(colon + 1, end),
            "session" => self.session(colon + 1, end),
            _ => self.node(start, colon, end),
        }
    }

    /// `name` or `name.path`.
    fn variable(&self, start: usize, end: usize) -> Result<Ref, TemplateError> {
        let dot = (start..end).find(|&i| self.chars[i] == '.').unwrap_or(end);
        let name = self.text(start, dot);
        if let Some(func) = Func::from_name(&name) {
            return Err(error(
                start,
                &format!("`{name}` is a function: {}", usage(func)),
            ));
        }
        match name.as_str() {
            "request" => {
                return Err(error(
                    start,
                    "`request` needs a part, e.g. [[request:body.x]]",
                ))
            }
            "session" => return Err(error(start, "`session` needs a part, e.g. [[session:id]]")),
            _ => {}
        }
        if !is_valid_name(&name) {
            return Err(error(
                start,
                &format!("`{name}` is not a valid variable name ([A-Za-z_][A-Za-z0-9_]*)"),
            ));
        }
        let path = if dot == end {
            Path::default()
        } else {
            self.path(dot + 1, end)?
        };
        Ok(Ref::Var { name, path })
    }

    /// `func:args…`; the last argument runs to the end and may hold `:`.
    fn call(
        &self,
        func: Func,
        start: usize,
        colon: usize,
        end: usize,
    ) -> Result<Ref, TemplateError> {
        let arity = func.arity();
        if arity == 0 {
            return Err(error(
                colon,
                &format!("`{}` takes no arguments: [[{}]]", func.name(), func.name()),
            ));
        }
        let mut args = Vec::with_capacity(arity);
        let mut from = colon + 1;
        for k in 0..arity - 1 {
            let Some(next) = self.top_colon(from, end) else {
                return Err(error(
                    start,
                    &format!("`{}` takes {arity} arguments: {}", func.name(), usage(func)),
                ));
            };
            if next == from && is_integer_arg(func, k) {
                return Err(error(
                    from,
                    &format!("missing argument of `{}`: {}", func.name(), usage(func)),
                ));
            }
            args.push(self.template(from, next)?);
            from = next + 1;
        }
        args.push(self.template(from, end)?);
        Ok(Ref::Call(Box::new(Call { func, args })))
    }

    /// `request:<part>`.
    fn request(&self, start: usize, end: usize) -> Result<Ref, TemplateError> {
        let dot = (start..end).find(|&i| self.chars[i] == '.');
        let part = self.text(start, dot.unwrap_or(end));
        let rest = dot.map(|d| (d + 1, end));
        let r = match (part.as_str(), rest) {
            ("body", None) => RequestRef::Body(Path::default()),
            ("body", Some((s, e))) => RequestRef::Body(self.path(s, e)?),
            ("query", None) => RequestRef::Query(None),
            ("query", Some((s, e))) => RequestRef::Query(Some(self.name_after_dot(s, e, "query")?)),
            ("header", Some((s, e))) => {
                RequestRef::Header(self.name_after_dot(s, e, "header")?.to_lowercase())
            }
            ("header", None) => {
                return Err(error(
                    start,
                    "`request:header` needs a name, e.g. [[request:header.x-name]]",
                ))
            }
            ("method", None) => RequestRef::Method,
            ("ip", None) => RequestRef::Ip,
            ("path", None) => RequestRef::Path,
            _ => {
                let what = self.text(start, end);
                return Err(error(
                    start,
                    &format!("unknown request part `{what}` (body, body.<path>, query, query.<key>, header.<name>, method, ip, path)"),
                ));
            }
        };
        Ok(Ref::Request(r))
    }

    /// `session:<part>`.
    fn session(&self, start: usize, end: usize) -> Result<Ref, TemplateError> {
        let part = match self.text(start, end).as_str() {
            "id" => SessionRef::Id,
            "route" => SessionRef::Route,
            "flow" => SessionRef::Flow,
            "started_at" => SessionRef::StartedAt,
            "msisdn" => SessionRef::Msisdn,
            other => {
                return Err(error(
                    start,
                    &format!(
                        "unknown session part `{other}` (id, route, flow, started_at, msisdn)"
                    ),
                ))
            }
        };
        Ok(Ref::Session(part))
    }

    /// `node:part`, the part classified syntactically (§13 rule 13).
    fn node(&self, start: usize, colon: usize, end: usize) -> Result<Ref, TemplateError> {
        let node = self.text(start, colon);
        if !is_valid_name(&node) {
            return Err(error(
                start,
                &format!("`{node}` is not a valid node name ([A-Za-z_][A-Za-z0-9_]*)"),
            ));
        }
        let from = colon + 1;
        if from == end {
            return Err(error(
                from,
                &format!("`{node}:` needs a part, e.g. [[{node}:result]]"),
            ));
        }
        let dot = (from..end).find(|&i| self.chars[i] == '.');
        let first = self.text(from, dot.unwrap_or(end));
        let part = match (first.as_str(), dot) {
            ("result", None) => NodePart::Result(Path::default()),
            ("result", Some(d)) => NodePart::Result(self.path(d + 1, end)?),
            ("error", None) => NodePart::Error,
            ("count", None) => NodePart::Count,
            ("message_id", None) => NodePart::MessageId,
            ("HTTP_RESPONSE_CODE", None) => NodePart::StatusCode,
            ("header", Some(d)) => {
                NodePart::Header(self.name_after_dot(d + 1, end, "header")?.to_lowercase())
            }
            ("header", None) => {
                return Err(error(
                    from,
                    &format!("`header` needs a name, e.g. [[{node}:header.x-name]]"),
                ));
            }
            _ => NodePart::Other(self.path(from, end)?),
        };
        Ok(Ref::Node { node, part })
    }

    /// A dotted path in `start..end`: no empty segment, no nested reference.
    fn path(&self, start: usize, end: usize) -> Result<Path, TemplateError> {
        self.check_plain(start, end)?;
        let mut seg_start = start;
        for i in start..=end {
            if i == end || self.chars[i] == '.' {
                if i == seg_start {
                    return Err(error(
                        i,
                        "empty path segment (a path is `a.b.2`, without `..` or a dot at an end)",
                    ));
                }
                seg_start = i + 1;
            }
        }
        Ok(Path::parse(&self.text(start, end)))
    }

    /// A query key or header name after `query.` / `header.`: taken whole, not empty.
    fn name_after_dot(
        &self,
        start: usize,
        end: usize,
        what: &str,
    ) -> Result<String, TemplateError> {
        if start == end {
            return Err(error(
                start,
                &format!("`{what}.` needs a name after the dot"),
            ));
        }
        self.check_plain(start, end)?;
        Ok(self.text(start, end))
    }

    /// Paths and names are literal: a nested reference cannot compute them.
    fn check_plain(&self, start: usize, end: usize) -> Result<(), TemplateError> {
        match (start..end).find(|&i| matches!(self.token(i, end), Token::Open | Token::EscapedOpen))
        {
            Some(i) => Err(error(i, "a path or name cannot contain a reference")),
            None => Ok(()),
        }
    }
}

/// Whether argument `k` (0-based, not X) of `func` is an integer (N, S or E).
fn is_integer_arg(func: Func, k: usize) -> bool {
    matches!(
        (func, k),
        (Func::Left | Func::Right, 0) | (Func::Substr, 0 | 1)
    )
}

/// How a function is written, for error messages.
fn usage(func: Func) -> &'static str {
    match func {
        Func::Lower => "[[lower:X]]",
        Func::Upper => "[[upper:X]]",
        Func::Left => "[[left:N:X]]",
        Func::Right => "[[right:N:X]]",
        Func::Substr => "[[substr:S:E:X]]",
        Func::Trim => "[[trim:X]]",
        Func::Length => "[[length:X]]",
        Func::Default => "[[default:D:X]]",
        Func::Json => "[[json:X]]",
        Func::Urlencode => "[[urlencode:X]]",
        Func::Uuid => "[[uuid]]",
        Func::Now => "[[now]]",
    }
}

fn error(column: usize, message: &str) -> TemplateError {
    TemplateError {
        column,
        message: message.to_owned(),
    }
}

#[cfg(test)]
mod tests;
