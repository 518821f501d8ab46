//! `calculate` expressions (§4.1, §13 rule 19): the parser, and the operations both
//! backends evaluate with.

use crate::number::Number;
use crate::template::Ref;
use crate::value::Value;

mod lex;
mod parse;
#[cfg(test)]
mod tests;

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
    parse::parse(source)
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
    match v {
        None => Operand::Absent,
        Some(Value::Number(n)) => Operand::Num(*n),
        Some(Value::String(s)) => Operand::Str(s.clone()),
        Some(other) => Operand::Str(other.render()),
    }
}

/// The operand as a number: numbers, numeric strings (§13 rule 19); else an error.
pub fn to_number(a: &Operand) -> CalcResult<Number> {
    match a {
        Operand::Num(n) => Ok(*n),
        Operand::Str(s) => {
            Number::parse_numeric_string(s).ok_or_else(|| format!("{} is not a number", quoted(s)))
        }
        Operand::Bool(b) => Err(format!("{b} (a comparison's result) is not a number")),
        Operand::Absent => Err("a referenced value is absent".to_owned()),
    }
}

/// The number a referenced value reads as: what [`to_number`] makes of its [`operand`],
/// without copying a string to find out. Compiled expressions read references this way.
#[inline]
pub fn ref_number(v: Option<&Value>) -> CalcResult<Number> {
    // A number is read where the expression reads it: most references in expressions
    // hold numbers, and a call for each was a fifth of W4's arithmetic.
    match v {
        Some(Value::Number(n)) => Ok(*n),
        other => ref_number_converted(other),
    }
}

/// [`ref_number`] for what is not a number already.
fn ref_number_converted(v: Option<&Value>) -> CalcResult<Number> {
    match v {
        Some(Value::String(s)) => {
            Number::parse_numeric_string(s).ok_or_else(|| format!("{} is not a number", quoted(s)))
        }
        other => to_number(&operand(other)),
    }
}

/// An arithmetic operator on numbers (`+ - * /`); a comparison operator is an error.
pub fn arith(op: BinOp, a: Number, b: Number) -> CalcResult<Number> {
    match op {
        BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => arithmetic(op, a, b),
        _ => Err(format!("{op:?} is not arithmetic")),
    }
}

/// A comparison of numbers (`> < >= <=`); `=` and `!=` compare operands ([`binary`]).
pub fn compare(op: BinOp, a: Number, b: Number) -> bool {
    let ordering = a.cmp(&b);
    match op {
        BinOp::Gt => ordering.is_gt(),
        BinOp::Lt => ordering.is_lt(),
        BinOp::Ge => ordering.is_ge(),
        _ => ordering.is_le(),
    }
}

/// Applies a binary operator.
pub fn binary(op: BinOp, a: Operand, b: Operand) -> CalcResult<Operand> {
    match op {
        BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => {
            arithmetic(op, to_number(&a)?, to_number(&b)?).map(Operand::Num)
        }
        BinOp::Eq | BinOp::Ne => Ok(Operand::Bool(equal(&a, &b)? == (op == BinOp::Eq))),
        BinOp::Gt | BinOp::Lt | BinOp::Ge | BinOp::Le => {
            Ok(Operand::Bool(compare(op, to_number(&a)?, to_number(&b)?)))
        }
    }
}

fn arithmetic(op: BinOp, a: Number, b: Number) -> CalcResult<Number> {
    let result = match op {
        BinOp::Add => a.add(b),
        BinOp::Sub => a.sub(b),
        BinOp::Mul => a.mul(b),
        _ if b.0.is_zero() => return Err("division by zero".to_owned()),
        _ => a.div(b),
    };
    result.ok_or_else(|| "the result is too large".to_owned())
}

/// `=`: numerically when both sides are numbers or numeric strings, else as rendered
/// strings (absent renders `""`). A comparison's result cannot be compared: `a = b = c`
/// is almost certainly a mistake, not a question about booleans.
fn equal(a: &Operand, b: &Operand) -> CalcResult<bool> {
    if matches!(a, Operand::Bool(_)) || matches!(b, Operand::Bool(_)) {
        return Err("a comparison's result cannot be compared again".to_owned());
    }
    match (numeric(a), numeric(b)) {
        (Some(x), Some(y)) => Ok(x == y),
        _ => Ok(rendered(a) == rendered(b)),
    }
}

fn numeric(a: &Operand) -> Option<Number> {
    match a {
        Operand::Num(n) => Some(*n),
        Operand::Str(s) => Number::parse_numeric_string(s),
        Operand::Bool(_) | Operand::Absent => None,
    }
}

fn rendered(a: &Operand) -> std::borrow::Cow<'_, str> {
    match a {
        Operand::Num(n) => n.to_string().into(),
        Operand::Str(s) => s.as_str().into(),
        Operand::Bool(b) => b.to_string().into(),
        Operand::Absent => "".into(),
    }
}

/// A string for an error message: quoted, and cut short so a large body does not end up
/// in `[[name:error]]` whole.
fn quoted(s: &str) -> String {
    const MAX: usize = 40;
    if s.chars().count() <= MAX {
        format!("'{s}'")
    } else {
        let head: String = s.chars().take(MAX).collect();
        format!("'{head}…'")
    }
}

/// Unary minus.
pub fn neg(a: Operand) -> CalcResult<Operand> {
    Ok(Operand::Num(negate(to_number(&a)?)))
}

/// Unary minus on a number. Zero stays zero: a `-0` has no place in a result.
pub fn negate(n: Number) -> Number {
    if n.0.is_zero() {
        n
    } else {
        Number(-n.0)
    }
}

/// Applies a function to already evaluated arguments.
pub fn call(f: CalcFn, args: &[Operand]) -> CalcResult<Operand> {
    // Every argument is converted, the first that is no number reported, before the count
    // matters; up to four (every call but a long `min`/`max`) without a heap allocation.
    let mut few = [Number::ZERO; 4];
    let many: Vec<Number>;
    let nums: &[Number] = match few.get_mut(..args.len()) {
        Some(slots) => {
            for (slot, arg) in slots.iter_mut().zip(args) {
                *slot = to_number(arg)?;
            }
            slots
        }
        None => {
            many = args.iter().map(to_number).collect::<CalcResult<_>>()?;
            &many
        }
    };
    apply(f, nums).map(Operand::Num)
}

/// Applies a function to numbers: what [`call`] does once its arguments are converted.
pub fn apply(f: CalcFn, nums: &[Number]) -> CalcResult<Number> {
    let result = match (f, nums) {
        (CalcFn::Round, [x]) => x.round_dp(0),
        (CalcFn::Round, [x, n]) => x.round_dp(round_places(*n)?),
        (CalcFn::Floor, [x]) => x.floor(),
        (CalcFn::Ceil, [x]) => x.ceil(),
        (CalcFn::Abs, [x]) => x.abs(),
        // The first of equal values wins, so `min(1.0, 1)` keeps what was written first.
        (CalcFn::Min, [first, rest @ ..]) => {
            rest.iter().fold(*first, |m, x| if *x < m { *x } else { m })
        }
        (CalcFn::Max, [first, rest @ ..]) => {
            rest.iter().fold(*first, |m, x| if *x > m { *x } else { m })
        }
        _ => return Err(format!("{f:?} cannot take {} arguments", nums.len())),
    };
    Ok(result)
}

/// The `n` of `round(x, n)`: an integer from 0 to 28 (§13 rule 19).
pub(crate) fn round_places(n: Number) -> CalcResult<u32> {
    n.to_i64()
        .and_then(|i| u32::try_from(i).ok())
        .filter(|places| *places <= 28)
        .ok_or_else(|| format!("round: the places must be an integer from 0 to 28, not {n}"))
}

/// One step of `sum(e)`: the running total plus the value at the next position. The
/// compiled backend folds with this too, starting from `Operand::Num(Number::ZERO)`.
pub fn sum_step(total: Operand, item: Operand) -> CalcResult<Operand> {
    binary(BinOp::Add, total, item)
}

/// The result of `count(e)` over `positions` positions.
pub fn count_result(positions: usize) -> Operand {
    Operand::Num(count_number(positions))
}

/// `count(e)` over `positions` positions, as a number.
pub fn count_number(positions: usize) -> Number {
    Number::from_i64(i64::try_from(positions).unwrap_or(i64::MAX))
}

/// Turns the final operand into the node's outcome. A numeric string is a number here as
/// it is for every operator (`[[request:body.price]]` alone stores the number).
pub fn finish(result: CalcResult<Operand>) -> Outcome {
    match result {
        Ok(Operand::Num(n)) => Outcome::Number(n),
        Ok(Operand::Bool(b)) => Outcome::Bool(b),
        Ok(Operand::Str(s)) => match Number::parse_numeric_string(&s) {
            Some(n) => Outcome::Number(n),
            None => Outcome::Error(format!("the result {} is not a number", quoted(&s))),
        },
        Ok(Operand::Absent) => Outcome::Error("the result is absent".to_owned()),
        Err(message) => Outcome::Error(message),
    }
}

/// Evaluates an expression; `lookup` reads a reference at a `#` position.
///
/// A tree walk over [`operand`], [`binary`], [`neg`], [`call`], [`sum_step`],
/// [`count_result`] and [`finish`], the same functions generated code calls, so both
/// backends agree. Operands are evaluated left to right; the first error wins.
pub fn eval(e: &Expr, lookup: &mut dyn FnMut(&Ref, Option<usize>) -> Option<Value>) -> Outcome {
    finish(eval_at(e, lookup, None))
}

fn eval_at(
    e: &Expr,
    lookup: &mut dyn FnMut(&Ref, Option<usize>) -> Option<Value>,
    pos: Option<usize>,
) -> CalcResult<Operand> {
    match e {
        Expr::Num(n) => Ok(Operand::Num(*n)),
        Expr::Str(s) => Ok(Operand::Str(s.clone())),
        Expr::Ref(r) => Ok(operand(lookup(r, pos).as_ref())),
        Expr::Neg(inner) => neg(eval_at(inner, lookup, pos)?),
        Expr::Bin(op, a, b) => {
            let a = eval_at(a, lookup, pos)?;
            let b = eval_at(b, lookup, pos)?;
            binary(*op, a, b)
        }
        Expr::Call(f, args) => {
            let args = args
                .iter()
                .map(|a| eval_at(a, lookup, pos))
                .collect::<CalcResult<Vec<_>>>()?;
            call(*f, &args)
        }
        Expr::Sum(inner) => {
            let hash_refs = hash_refs(inner);
            let mut total = Operand::Num(Number::ZERO);
            let mut pos = 1;
            while present(&hash_refs, lookup, pos) {
                total = sum_step(total, eval_at(inner, lookup, Some(pos))?)?;
                pos += 1;
            }
            Ok(total)
        }
        Expr::Count(inner) => {
            let hash_refs = hash_refs(inner);
            let mut count = 0;
            while present(&hash_refs, lookup, count + 1) {
                count += 1;
            }
            Ok(count_result(count))
        }
    }
}

/// The `#` references inside `e`: the iteration of `sum`/`count` stops at the first
/// position at which any of them is absent (§4.1).
fn hash_refs(e: &Expr) -> Vec<&Ref> {
    let mut refs = Vec::new();
    e.visit_refs(&mut |r| r.visit_hash_refs(&mut |h| refs.push(h)));
    refs
}

/// Whether every `#` reference is present at `pos`. Without any there is no position at
/// all (the parser refuses such an argument; this keeps the loop finite regardless).
fn present(
    hash_refs: &[&Ref],
    lookup: &mut dyn FnMut(&Ref, Option<usize>) -> Option<Value>,
    pos: usize,
) -> bool {
    !hash_refs.is_empty() && hash_refs.iter().all(|r| lookup(r, Some(pos)).is_some())
}
