//! HTTP syntax an `api_end` writes into its answer (§4, §13 rule 17): header names and the
//! `content_type` of `body_text`. Both are literal in the flow, so a bad one is a build
//! error rather than a header the server refuses to send on every session.

use super::Ctx;
use crate::diag::Diagnostics;
use crate::model::schema::NodeType;

/// Header names must be RFC 9110 tokens and `content_type` a media type
/// (`type/subtype` with optional `; name=value` parameters).
pub(super) fn check_api_end_http(ctx: &Ctx, diags: &mut Diagnostics) {
    for (_, flow, step) in ctx
        .steps()
        .filter(|(_, _, s)| s.kind == Some(NodeType::ApiEnd))
    {
        for (name, value) in step.fields.templates("headers") {
            if is_token(name) {
                continue;
            }
            let msg = if name.is_empty() {
                "a header name cannot be empty".to_owned()
            } else {
                format!("invalid header name `{name}`: a header name is an HTTP token (letters, digits and any of !#$%&'*+-.^_`|~)")
            };
            diags.push(value.loc.error(&flow.file, step.number, msg));
        }
        if let Some(content_type) = step
            .fields
            .text("content_type")
            .filter(|c| !is_media_type(c))
        {
            let msg = format!("`content_type` must be a media type such as `text/csv` or `text/plain; charset=utf-8`, not `{content_type}`");
            diags.push(
                step.field_loc("content_type")
                    .error(&flow.file, step.number, msg),
            );
        }
    }
}

/// An RFC 9110 token: one or more of ASCII letters, digits and ``!#$%&'*+-.^_`|~``.
pub(super) fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(is_tchar)
}

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// An RFC 9110 media type: `type/subtype` tokens, then `; name=value` parameters whose
/// value is a token or a quoted string. ASCII only: a header value carries nothing else.
pub(super) fn is_media_type(s: &str) -> bool {
    let mut c = Cursor { rest: s.as_bytes() };
    c.token() && c.eat(b'/') && c.token() && c.parameters() && c.rest.is_empty()
}

/// A reader over the bytes of a media type.
struct Cursor<'a> {
    rest: &'a [u8],
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.rest.first().copied()
    }

    fn bump(&mut self) {
        self.rest = self.rest.get(1..).unwrap_or_default();
    }

    fn eat(&mut self, b: u8) -> bool {
        let found = self.peek() == Some(b);
        if found {
            self.bump();
        }
        found
    }

    fn token(&mut self) -> bool {
        let len = self.rest.iter().take_while(|b| is_tchar(**b)).count();
        self.rest = self.rest.get(len..).unwrap_or_default();
        len > 0
    }

    /// Optional white space: spaces and tabs.
    fn ows(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.bump();
        }
    }

    /// `*( OWS ";" OWS [ name "=" value ] )`: stops before anything else.
    fn parameters(&mut self) -> bool {
        loop {
            let before = self.rest;
            self.ows();
            if !self.eat(b';') {
                self.rest = before;
                return true;
            }
            self.ows();
            if self.peek().is_some_and(is_tchar) && !self.parameter() {
                return false;
            }
        }
    }

    fn parameter(&mut self) -> bool {
        self.token() && self.eat(b'=') && (self.token() || self.quoted())
    }

    /// A quoted string: `"…"` with `\` escaping one character.
    fn quoted(&mut self) -> bool {
        if !self.eat(b'"') {
            return false;
        }
        while let Some(b) = self.peek() {
            self.bump();
            match b {
                b'"' => return true,
                b'\\' => match self.peek() {
                    Some(b'\t' | b' '..=b'~') => self.bump(),
                    _ => return false,
                },
                b'\t' | b' '..=b'~' => {}
                _ => return false,
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens() {
        for (name, ok) in [
            ("x-request-id", true),
            ("Content-Type", true),
            ("X_Trace.2", true),
            ("!#$%&'*+-.^_`|~", true),
            ("", false),
            ("x y", false),
            ("x:y", false),
            ("x\"", false),
            ("(x)", false),
            ("x/y", false),
            ("ümlaut", false),
            ("x\n", false),
        ] {
            assert_eq!(is_token(name), ok, "is_token({name:?})");
        }
    }

    #[test]
    fn media_types() {
        for (value, ok) in [
            ("text/csv", true),
            ("application/vnd.api+json", true),
            ("text/plain; charset=utf-8", true),
            ("text/plain;charset=utf-8", true),
            ("text/plain ; charset=utf-8", true),
            ("text/plain;\tcharset=utf-8; format=flowed", true),
            (r#"text/plain; charset="utf-8""#, true),
            (r#"multipart/mixed; boundary="a; b=\"c\"""#, true),
            ("text/plain;", true),
            ("", false),
            ("text", false),
            ("text/", false),
            ("/csv", false),
            ("text/csv/x", false),
            ("text /csv", false),
            (" text/csv", false),
            ("text/csv ", false),
            ("text/plain; charset", false),
            ("text/plain; charset=", false),
            ("text/plain; =utf-8", false),
            ("text/plain; charset=utf 8", false),
            (r#"text/plain; charset="utf-8"#, false),
            ("text/plain, text/html", false),
            ("téxt/plain", false),
            ("text/plain; x=\"é\"", false),
            ("text/plain\r\nx-evil: 1", false),
        ] {
            assert_eq!(is_media_type(value), ok, "is_media_type({value:?})");
        }
    }
}
