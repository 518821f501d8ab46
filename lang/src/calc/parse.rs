//! The `calculate` expression parser: recursive descent over the tokens of [`super::lex`]
//! by precedence (comparisons < `+ -` < `* /` < unary minus), every level left-associative,
//! with the build-time checks of §4.1 and §13 rule 19.

use super::lex::{error, tokenize, Tok, Token};
use super::{BinOp, CalcError, CalcFn, Expr};
use crate::number::Number;
use crate::template::Ref;

/// Nesting deeper than this is refused (a chain `a + b + …` nests once per operator): no
/// real calculation comes near it, and the parser, the tree-walking evaluator and the
/// generated code all recurse once per level.
const MAX_DEPTH: usize = 256;

/// See [`super::parse`].
pub(super) fn parse(source: &str) -> Result<Expr, CalcError> {
    let chars: Vec<char> = source.chars().collect();
    let tokens = tokenize(&chars)?;
    if tokens.is_empty() {
        return Err(error(0, "empty expression"));
    }
    let mut p = Parser {
        tokens,
        pos: 0,
        end: chars.len(),
        in_aggregate: false,
        nesting: 0,
    };
    let (expr, _) = p.expr()?;
    match p.tokens.get(p.pos) {
        None => Ok(expr),
        Some(t) => Err(error(
            t.col,
            format!("unexpected {} after the expression", t.tok.describe()),
        )),
    }
}

/// A function name's meaning: a plain function, or one of the aggregates.
enum FnKind {
    Plain(CalcFn),
    Sum,
    Count,
}

fn function(name: &str) -> Option<FnKind> {
    Some(match name {
        "round" => FnKind::Plain(CalcFn::Round),
        "floor" => FnKind::Plain(CalcFn::Floor),
        "ceil" => FnKind::Plain(CalcFn::Ceil),
        "abs" => FnKind::Plain(CalcFn::Abs),
        "min" => FnKind::Plain(CalcFn::Min),
        "max" => FnKind::Plain(CalcFn::Max),
        "sum" => FnKind::Sum,
        "count" => FnKind::Count,
        _ => return None,
    })
}

/// A parsed sub-expression and its tree depth.
type Node = (Expr, usize);

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    /// The column just past the source, for "unexpected end" errors.
    end: usize,
    /// Inside `sum(...)` / `count(...)`: `#` references are allowed, aggregates are not.
    in_aggregate: bool,
    /// Open parentheses, unary minus and calls around the current position.
    nesting: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos).map(|t| &t.tok)
    }

    fn col(&self) -> usize {
        self.tokens.get(self.pos).map_or(self.end, |t| t.col)
    }

    fn expr(&mut self) -> Result<Node, CalcError> {
        self.binary_level(0)
    }

    /// One precedence level: 0 comparisons, 1 `+ -`, 2 `* /`; then unary.
    fn binary_level(&mut self, level: u8) -> Result<Node, CalcError> {
        let mut lhs = self.operand_of(level)?;
        loop {
            let op = match self.peek() {
                Some(Tok::Op(op)) if precedence(*op) == level => *op,
                _ => return Ok(lhs),
            };
            let col = self.col();
            self.pos += 1;
            let rhs = self.operand_of(level)?;
            let depth = 1 + lhs.1.max(rhs.1);
            check_depth(depth, col)?;
            lhs = (Expr::Bin(op, Box::new(lhs.0), Box::new(rhs.0)), depth);
        }
    }

    fn operand_of(&mut self, level: u8) -> Result<Node, CalcError> {
        if level < 2 {
            self.binary_level(level + 1)
        } else {
            self.unary()
        }
    }

    fn unary(&mut self) -> Result<Node, CalcError> {
        if !matches!(self.peek(), Some(Tok::Op(BinOp::Sub))) {
            return self.primary();
        }
        let col = self.col();
        self.pos += 1;
        let (e, depth) = self.nested(col, Parser::unary)?;
        check_depth(depth + 1, col)?;
        Ok((Expr::Neg(Box::new(e)), depth + 1))
    }

    /// Runs `f` one nesting level deeper, refusing input that nests past [`MAX_DEPTH`]
    /// before the recursion could exhaust the stack.
    fn nested<T>(
        &mut self,
        col: usize,
        f: impl FnOnce(&mut Parser) -> Result<T, CalcError>,
    ) -> Result<T, CalcError> {
        self.nesting += 1;
        if self.nesting > MAX_DEPTH {
            return Err(too_deep(col));
        }
        let out = f(self);
        self.nesting -= 1;
        out
    }

    fn primary(&mut self) -> Result<Node, CalcError> {
        let col = self.col();
        let Some(tok) = self.peek() else {
            return Err(error(
                col,
                "unexpected end of the expression: expected an operand",
            ));
        };
        let leaf = match tok {
            Tok::Num(n) => Expr::Num(*n),
            Tok::Str(s) => Expr::Str(s.clone()),
            Tok::Ref(r) if r.has_hash() && !self.in_aggregate => {
                return Err(error(
                    col,
                    "`#` is only allowed inside sum(...) or count(...)",
                ));
            }
            Tok::Ref(r) => Expr::Ref(r.clone()),
            Tok::LParen => {
                self.pos += 1;
                let inner = self.nested(col, Parser::expr)?;
                self.expect_close(col)?;
                return Ok(inner);
            }
            Tok::Ident(name) => {
                let name = name.clone();
                self.pos += 1;
                return self.call(&name, col);
            }
            other => {
                let found = other.describe();
                return Err(error(
                    col,
                    format!("expected a number, a reference, `(` or a function, found {found}"),
                ));
            }
        };
        self.pos += 1;
        Ok((leaf, 1))
    }

    fn expect_close(&mut self, open_col: usize) -> Result<(), CalcError> {
        match self.peek() {
            Some(Tok::RParen) => {
                self.pos += 1;
                Ok(())
            }
            Some(t) => Err(error(
                self.col(),
                format!(
                    "expected `)` for the `(` at column {open_col}, found {}",
                    t.describe()
                ),
            )),
            None => Err(error(open_col, "unclosed `(`")),
        }
    }

    /// `name(args)`; the name is consumed.
    fn call(&mut self, name: &str, col: usize) -> Result<Node, CalcError> {
        let Some(kind) = function(name) else {
            return Err(error(
                col,
                format!(
                    "unknown function `{name}` (round, floor, ceil, abs, min, max, sum, count)"
                ),
            ));
        };
        if !matches!(self.peek(), Some(Tok::LParen)) {
            return Err(error(col, format!("expected `(` after `{name}`")));
        }
        let open = self.col();
        self.pos += 1;
        let aggregate = matches!(kind, FnKind::Sum | FnKind::Count);
        if aggregate && self.in_aggregate {
            return Err(error(
                col,
                format!("`{name}` cannot be used inside sum(...) or count(...)"),
            ));
        }
        let was = self.in_aggregate;
        self.in_aggregate = was || aggregate;
        let args = self.nested(col, |p| p.arguments(open));
        self.in_aggregate = was;
        let args = args?;
        let depth = 1 + args.iter().map(|(_, _, d)| *d).max().unwrap_or(0);
        check_depth(depth, col)?;
        let expr = match kind {
            FnKind::Plain(f) => plain_call(f, name, col, args)?,
            FnKind::Sum | FnKind::Count => {
                let arg = single_aggregate_arg(name, col, args)?;
                if aggregate_has_no_hash(&arg) {
                    return Err(error(
                        col,
                        format!("`{name}(...)` needs a `#` reference to iterate over"),
                    ));
                }
                let arg = Box::new(arg);
                if matches!(kind, FnKind::Sum) {
                    Expr::Sum(arg)
                } else {
                    Expr::Count(arg)
                }
            }
        };
        Ok((expr, depth))
    }

    /// Comma-separated arguments up to the closing `)` (consumed): each with its column.
    fn arguments(&mut self, open: usize) -> Result<Vec<(Expr, usize, usize)>, CalcError> {
        let mut args = Vec::new();
        if matches!(self.peek(), Some(Tok::RParen)) {
            self.pos += 1;
            return Ok(args);
        }
        loop {
            let col = self.col();
            let (e, depth) = self.expr()?;
            args.push((e, col, depth));
            match self.peek() {
                Some(Tok::Comma) => self.pos += 1,
                Some(Tok::RParen) => {
                    self.pos += 1;
                    return Ok(args);
                }
                Some(t) => {
                    return Err(error(
                        self.col(),
                        format!("expected `,` or `)`, found {}", t.describe()),
                    ))
                }
                None => return Err(error(open, "unclosed `(`")),
            }
        }
    }
}

fn precedence(op: BinOp) -> u8 {
    match op {
        BinOp::Mul | BinOp::Div => 2,
        BinOp::Add | BinOp::Sub => 1,
        _ => 0,
    }
}

fn check_depth(depth: usize, col: usize) -> Result<(), CalcError> {
    if depth > MAX_DEPTH {
        Err(too_deep(col))
    } else {
        Ok(())
    }
}

fn too_deep(col: usize) -> CalcError {
    error(
        col,
        format!("expression is nested too deeply (more than {MAX_DEPTH} levels)"),
    )
}

/// Checks a plain function's argument count and, for `round`, a literal `n`.
fn plain_call(
    f: CalcFn,
    name: &str,
    col: usize,
    args: Vec<(Expr, usize, usize)>,
) -> Result<Expr, CalcError> {
    let (min, max, wording) = match f {
        CalcFn::Round => (1, 2, "1 or 2 arguments"),
        CalcFn::Floor | CalcFn::Ceil | CalcFn::Abs => (1, 1, "exactly 1 argument"),
        CalcFn::Min | CalcFn::Max => (1, usize::MAX, "at least 1 argument"),
    };
    if args.len() < min || args.len() > max {
        return Err(error(
            col,
            format!("`{name}` takes {wording}, not {}", args.len()),
        ));
    }
    if let (CalcFn::Round, Some((n, n_col, _))) = (f, args.get(1)) {
        if let Some(n) = literal_value(n) {
            if super::round_places(n).is_err() {
                return Err(error(
                    *n_col,
                    "the places of `round(x, n)` must be an integer from 0 to 28",
                ));
            }
        }
    }
    Ok(Expr::Call(f, args.into_iter().map(|(e, _, _)| e).collect()))
}

fn single_aggregate_arg(
    name: &str,
    col: usize,
    args: Vec<(Expr, usize, usize)>,
) -> Result<Expr, CalcError> {
    let count = args.len();
    let mut args = args.into_iter();
    match (args.next(), args.next()) {
        (Some((e, _, _)), None) => Ok(e),
        _ => Err(error(
            col,
            format!("`{name}` takes exactly 1 argument, not {count}"),
        )),
    }
}

/// Whether `sum`/`count`'s argument lacks a `#` reference: with none, no position would
/// ever end the iteration.
fn aggregate_has_no_hash(e: &Expr) -> bool {
    let mut found = false;
    e.visit_refs(&mut |r: &Ref| found |= r.has_hash());
    !found
}

/// The value of a literal (`2`, `-1`), known at build time.
fn literal_value(e: &Expr) -> Option<Number> {
    match e {
        Expr::Num(n) => Some(*n),
        Expr::Neg(inner) => literal_value(inner).map(|n| Number(-n.0)),
        _ => None,
    }
}
