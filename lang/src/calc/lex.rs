//! The `calculate` tokenizer: number and string literals, references, operators,
//! parentheses, commas and function names, each with its character column.

use super::{BinOp, CalcError};
use crate::number::Number;
use crate::template::Ref;
use rust_decimal::Decimal;

/// Splits the expression into tokens; white space separates them and is dropped.
pub(super) fn tokenize(chars: &[char]) -> Result<Vec<Token>, CalcError> {
    Lexer { chars, pos: 0 }.run()
}

pub(super) fn error(column: usize, message: impl Into<String>) -> CalcError {
    CalcError {
        column,
        message: message.into(),
    }
}

#[derive(Debug)]
pub(super) enum Tok {
    Num(Number),
    Str(String),
    Ref(Ref),
    Op(BinOp),
    LParen,
    RParen,
    Comma,
    Ident(String),
}

impl Tok {
    pub(super) fn describe(&self) -> String {
        match self {
            Tok::Num(_) => "number".into(),
            Tok::Str(_) => "string".into(),
            Tok::Ref(_) => "reference".into(),
            Tok::Op(op) => format!("`{}`", op_text(*op)),
            Tok::LParen => "`(`".into(),
            Tok::RParen => "`)`".into(),
            Tok::Comma => "`,`".into(),
            Tok::Ident(name) => format!("`{name}`"),
        }
    }
}

fn op_text(op: BinOp) -> &'static str {
    match op {
        BinOp::Add => "+",
        BinOp::Sub => "-",
        BinOp::Mul => "*",
        BinOp::Div => "/",
        BinOp::Eq => "=",
        BinOp::Ne => "!=",
        BinOp::Gt => ">",
        BinOp::Lt => "<",
        BinOp::Ge => ">=",
        BinOp::Le => "<=",
    }
}

pub(super) struct Token {
    pub(super) tok: Tok,
    /// 0-based character column where the token starts.
    pub(super) col: usize,
}

struct Lexer<'a> {
    chars: &'a [char],
    pos: usize,
}

impl Lexer<'_> {
    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.pos + ahead).copied()
    }

    fn run(mut self) -> Result<Vec<Token>, CalcError> {
        let mut tokens = Vec::new();
        while let Some(c) = self.peek(0) {
            if c.is_whitespace() {
                self.pos += 1;
                continue;
            }
            let col = self.pos;
            let tok = self.token(c)?;
            tokens.push(Token { tok, col });
        }
        Ok(tokens)
    }

    /// The token starting with `c`; consumes it.
    fn token(&mut self, c: char) -> Result<Tok, CalcError> {
        let col = self.pos;
        let op = match c {
            '0'..='9' => return self.number(),
            '\'' => return self.string(),
            '[' if self.peek(1) == Some('[') => return self.reference(),
            'a'..='z' | 'A'..='Z' | '_' => return Ok(self.ident()),
            '(' | ')' | ',' => {
                self.pos += 1;
                return Ok(match c {
                    '(' => Tok::LParen,
                    ')' => Tok::RParen,
                    _ => Tok::Comma,
                });
            }
            '+' => BinOp::Add,
            '-' => BinOp::Sub,
            '*' => BinOp::Mul,
            '/' => BinOp::Div,
            '=' => BinOp::Eq,
            '>' | '<' | '!' => {
                let (with_eq, alone) = match c {
                    '>' => (BinOp::Ge, Some(BinOp::Gt)),
                    '<' => (BinOp::Le, Some(BinOp::Lt)),
                    _ => (BinOp::Ne, None),
                };
                if self.peek(1) == Some('=') {
                    self.pos += 1;
                    with_eq
                } else {
                    alone.ok_or_else(|| error(col, "`!` must be followed by `=`"))?
                }
            }
            _ => return Err(error(col, format!("unexpected character `{c}`"))),
        };
        self.pos += 1;
        Ok(Tok::Op(op))
    }

    /// Digits with an optional fraction.
    fn number(&mut self) -> Result<Tok, CalcError> {
        let start = self.pos;
        self.skip_digits();
        if self.peek(0) == Some('.') {
            if !self.peek(1).is_some_and(|c| c.is_ascii_digit()) {
                return Err(error(self.pos, "expected digits after the decimal point"));
            }
            self.pos += 1;
            self.skip_digits();
        }
        let text: String = self.chars[start..self.pos].iter().collect();
        // Exact when it fits; beyond 28 significant digits rounded as JSON numbers are.
        let n = Decimal::from_str_exact(&text)
            .ok()
            .map(Number)
            .or_else(|| Number::parse_json(&text));
        n.map(Tok::Num)
            .ok_or_else(|| error(start, format!("number `{text}` is out of range")))
    }

    fn skip_digits(&mut self) {
        while self.peek(0).is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
    }

    /// `'gold'`, with `''` for a quote inside.
    fn string(&mut self) -> Result<Tok, CalcError> {
        let start = self.pos;
        self.pos += 1;
        let mut s = String::new();
        loop {
            match self.peek(0) {
                None => return Err(error(start, "unterminated string literal")),
                Some('\'') if self.peek(1) == Some('\'') => {
                    s.push('\'');
                    self.pos += 2;
                }
                Some('\'') => {
                    self.pos += 1;
                    return Ok(Tok::Str(s));
                }
                Some(c) => {
                    s.push(c);
                    self.pos += 1;
                }
            }
        }
    }

    /// `[[...]]` up to the `]]` that closes it (nested references included), parsed as a
    /// template that must be exactly one reference.
    fn reference(&mut self) -> Result<Tok, CalcError> {
        let start = self.pos;
        let mut depth = 0usize;
        let mut at = start;
        let end = loop {
            let pair = (self.chars.get(at).copied(), self.chars.get(at + 1).copied());
            match pair {
                (None, _) => return Err(error(start, "unterminated reference: `[[` without `]]`")),
                (Some('\\'), Some(_)) => at += 2,
                (Some('['), Some('[')) => {
                    depth += 1;
                    at += 2;
                }
                (Some(']'), Some(']')) => {
                    depth -= 1;
                    at += 2;
                    if depth == 0 {
                        break at;
                    }
                }
                _ => at += 1,
            }
        };
        let text: String = self.chars[start..end].iter().collect();
        self.pos = end;
        let template =
            crate::template::parse(&text).map_err(|e| error(start + e.column, e.message))?;
        match template.single_ref() {
            Some(r) => Ok(Tok::Ref(r.clone())),
            None => Err(error(start, "expected exactly one reference `[[...]]`")),
        }
    }

    fn ident(&mut self) -> Tok {
        let start = self.pos;
        while self
            .peek(0)
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            self.pos += 1;
        }
        Tok::Ident(self.chars[start..self.pos].iter().collect())
    }
}
