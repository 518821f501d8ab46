//! `calculate` expressions (§4.1, §13 rule 19): the parser, and the operations both
//! backends evaluate with.

use crate::number::Number;
use crate::template::Ref;
use crate::value::Value;

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A number literal.
    Num(Number),
    /// A string literal `'gold'`.
    Str(String),
    /// A reference operand `[[...]]` (may hold `#` inside `sum`/`count`).
    Ref(Ref),
    /// Unary minus.
    Neg(Box<Expr>),
    /// A binary operation.
    Bin(BinOp, Box<Expr>, Box<Expr>),
    /// `round`, `floor`, `ceil`, `abs`, `min`, `max`.
    Call(CalcFn, Vec<Expr>),
    /// `sum(e)`: `e` for `#` = 1, 2, … until a `#` reference is absent.
    Sum(Box<Expr>),
    /// `count(e)`: the number of those positions.
    Count(Box<Expr>),
}

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `>`
    Gt,
    /// `<`
    Lt,
    /// `>=`
    Ge,
    /// `<=`
    Le,
}

impl BinOp {
    /// Whether it is a comparison.
    pub fn is_comparison(self) -> bool {
        !matches!(self, BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div)
    }
}

/// Functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalcFn {
    /// `round(x)` / `round(x, n)`, half-even.
    Round,
    /// `floor(x)`
    Floor,
    /// `ceil(x)`
    Ceil,
    /// `abs(x)`
    Abs,
    /// `min(a, b, …)`
    Min,
    /// `max(a, b, …)`
    Max,
}

/// A syntax error with its 0-based character column in the expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalcError {
    /// 0-based character column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

/// Parses an expression. Rejects `#` outside `sum`/`count`, `sum`/`count` nested in
/// `sum`/`count`, a literal `n` of `round` outside 0..=28, and wrong argument counts.
pub fn parse(source: &str) -> Result<Expr, CalcError> {
    todo!("{source}")
}

impl Expr {
    /// Whether the top-level operator (parentheses looked through) is a comparison.
    pub fn is_comparison(&self) -> bool {
        match self {
            Expr::Bin(op, ..) => op.is_comparison(),
            _ => false,
        }
    }

    /// Visits every reference operand.
    pub fn visit_refs<'a>(&'a self, f: &mut dyn FnMut(&'a Ref)) {
        match self {
            Expr::Ref(r) => f(r),
            Expr::Neg(e) | Expr::Sum(e) | Expr::Count(e) => e.visit_refs(f),
            Expr::Bin(_, a, b) => {
                a.visit_refs(f);
                b.visit_refs(f);
            }
            Expr::Call(_, args) => args.iter().for_each(|a| a.visit_refs(f)),
            Expr::Num(_) | Expr::Str(_) => {}
        }
    }

    /// Mutable visit of every reference operand.
    pub fn visit_refs_mut(&mut self, f: &mut dyn FnMut(&mut Ref)) {
        match self {
            Expr::Ref(r) => f(r),
            Expr::Neg(e) | Expr::Sum(e) | Expr::Count(e) => e.visit_refs_mut(f),
            Expr::Bin(_, a, b) => {
                a.visit_refs_mut(f);
                b.visit_refs_mut(f);
            }
            Expr::Call(_, args) => args.iter_mut().for_each(|a| a.visit_refs_mut(f)),
            Expr::Num(_) | Expr::Str(_) => {}
        }
    }
}

/// A value during evaluation.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// A number (numeric strings are converted when an operator needs a number).
    Num(Number),
    /// A string (or any non-number value, rendered per §3).
    Str(String),
    /// A comparison's result.
    Bool(bool),
    /// An absent reference.
    Absent,
}

/// What a calculation ends with.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A number: stored as result, goes `yes`.
    Number(Number),
    /// A comparison: stored as result, `yes` when true.
    Bool(bool),
    /// An error: `[[name:error]]` set, result absent, goes `no`.
    Error(String),
}

/// An evaluation error message (becomes `[[name:error]]`).
pub type CalcResult<T> = Result<T, String>;

/// A referenced value as an operand (absent stays [`Operand::Absent`]).
pub fn operand(v: Option<&Value>) -> Operand {
    todo!("{v:?}")
}

/// The operand as a number: numbers, numeric strings (§13 rule 19); else an error.
pub fn to_number(a: &Operand) -> CalcResult<Number> {
    todo!("{a:?}")
}

/// Applies a binary operator.
pub fn binary(op: BinOp, a: Operand, b: Operand) -> CalcResult<Operand> {
    todo!("{op:?}{a:?}{b:?}")
}

/// Unary minus.
pub fn neg(a: Operand) -> CalcResult<Operand> {
    todo!("{a:?}")
}

/// Applies a function to already evaluated arguments.
pub fn call(f: CalcFn, args: Vec<Operand>) -> CalcResult<Operand> {
    todo!("{f:?}{args:?}")
}

/// Turns the final operand into the node's outcome.
pub fn finish(result: CalcResult<Operand>) -> Outcome {
    todo!("{result:?}")
}

/// Evaluates an expression; `lookup` reads a reference at a `#` position.
pub fn eval(e: &Expr, lookup: &mut dyn FnMut(&Ref, Option<usize>) -> Option<Value>) -> Outcome {
    todo!("{e:?}{:?}", lookup as *const _)
}
