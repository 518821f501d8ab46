//! `calculate` expressions as Rust over the runtime's decimal type (§4.1).
//!
//! Each operator becomes a call of the same `flowc_lang::calc` function the interpreter
//! uses, so both backends agree by construction; what the compiled form saves is the tree
//! walk, the reference lookups, the literal parsing, and (through [`Typed`]) the operand
//! wrapping between operators whose types are known at build time.

use super::number_tokens;
use super::refs::{reference, Env, PositionReads};
use flowc_lang::calc::{BinOp, CalcFn, Expr};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

/// `fn calc_…(s, call) -> CalcResult<T>`: one function per `calculate` step, so the
/// step's arm stays a call and `?` has a function to return from. `T` is the type the
/// whole expression has at build time ([`ResultType`]).
pub fn calc_fn(name: &Ident, expr: &Expr, env: &Env) -> TokenStream {
    let (ty, body) = result(expr, env);
    quote! {
        #[allow(unused_variables)]
        fn #name(s: &Session, call: &::flowc_runtime::Call) -> __lang::calc::CalcResult<#ty> {
            #body
        }
    }
}

/// What a whole expression is at build time, and so how its step stores it: a number or
/// a comparison goes straight into the node's output; anything else (a reference alone, a
/// string, `=`/`!=`) is an `Operand` that `calc::finish` judges at run time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultType {
    /// `Number`: arithmetic, a number literal, functions, `sum`, `count`.
    Number,
    /// `bool`: `>`, `<`, `>=`, `<=`.
    Bool,
    /// `Operand`.
    Operand,
}

impl ResultType {
    /// The type of `expr` as a whole: the variant [`typed`] gives it, read from its shape.
    pub fn of(expr: &Expr) -> ResultType {
        match expr {
            Expr::Bin(BinOp::Eq | BinOp::Ne, ..) => ResultType::Operand,
            Expr::Bin(op, ..) if op.is_comparison() => ResultType::Bool,
            Expr::Num(_)
            | Expr::Neg(_)
            | Expr::Bin(..)
            | Expr::Call(..)
            | Expr::Sum(_)
            | Expr::Count(_) => ResultType::Number,
            Expr::Str(_) | Expr::Ref(_) => ResultType::Operand,
        }
    }

    /// The statement that stores `outcome` (a `CalcResult` of this type) into `out` (a
    /// `&mut NodeOutput`) and evaluates to the branch, `true` for `yes`.
    pub fn store(self, out: TokenStream, outcome: TokenStream) -> TokenStream {
        match self {
            ResultType::Number => quote! { __lang::nodes::store_calc_number(#out, #outcome) },
            ResultType::Bool => quote! { __lang::nodes::store_calc_bool(#out, #outcome) },
            ResultType::Operand => {
                quote! { __lang::nodes::store_calc(#out, __lang::calc::finish(#outcome)) }
            }
        }
    }
}

/// The result type and a `CalcResult` expression of it for the whole expression. The type
/// is read off the variant [`typed`] gives, so the function's signature always matches its
/// body; the step's store is chosen by [`ResultType::of`], which must agree (a unit test
/// holds them together over every kind of expression).
fn result(expr: &Expr, env: &Env) -> (TokenStream, TokenStream) {
    if let Expr::Bin(op @ (BinOp::Eq | BinOp::Ne), a, b) = expr {
        let (op, a, b) = (bin_op(*op), as_operand(a, env), as_operand(b, env));
        let body = quote! { __lang::calc::binary(#op, #a, #b) };
        return (quote! { __lang::calc::Operand }, body);
    }
    let typed = typed(expr, env);
    debug_assert_eq!(typed.result_type(), ResultType::of(expr), "{expr:?}");
    let ty = match typed.result_type() {
        ResultType::Number => quote! { __lang::Number },
        ResultType::Bool => quote! { bool },
        ResultType::Operand => quote! { __lang::calc::Operand },
    };
    let body = match typed {
        Typed::Num(e) | Typed::Bool(e) | Typed::Operand(e) => quote! { Ok(#e) },
        Typed::Ref(e) => quote! {{ let v = #e; Ok(__lang::calc::operand(v.as_deref())) }},
    };
    (ty, body)
}

/// A sub-expression as Rust, by the type it has. Arithmetic, functions, `sum` and `count`
/// are plain `Number`s, so a chain like `round(a * b / 100, 2)` passes decimals from one
/// operator to the next; comparisons are `bool`s; only `=`/`!=` and string literals carry
/// an [`Operand`](flowc_lang::calc::Operand). Errors leave through `?`.
enum Typed {
    /// `Number`.
    Num(TokenStream),
    /// `bool`: a comparison.
    Bool(TokenStream),
    /// `Option<Cow<'_, Value>>`: a reference, converted by the operator that takes it.
    Ref(TokenStream),
    /// `Operand`.
    Operand(TokenStream),
}

/// Operands are all evaluated before the first is converted to a number, as
/// `calc::binary` and `calc::call` do, so an expression fails with the same message on both
/// backends.
fn typed(expr: &Expr, env: &Env) -> Typed {
    match expr {
        Expr::Num(n) => Typed::Num(number_tokens(*n)),
        Expr::Str(s) => {
            Typed::Operand(quote! { __lang::calc::Operand::Str(::std::string::String::from(#s)) })
        }
        Expr::Ref(r) => Typed::Ref(reference(r, env).cow()),
        Expr::Neg(e) => {
            let (bind, nums) = bind_all([&**e], env);
            Typed::Num(quote! {{ #bind __lang::calc::negate(#(#nums)*) }})
        }
        Expr::Bin(op, a, b) if matches!(op, BinOp::Eq | BinOp::Ne) => {
            let (op, a, b) = (bin_op(*op), as_operand(a, env), as_operand(b, env));
            Typed::Operand(quote! { __lang::calc::binary(#op, #a, #b)? })
        }
        Expr::Bin(op, a, b) => {
            let (bind, nums) = bind_all([&**a, &**b], env);
            let code = bin_op(*op);
            if op.is_comparison() {
                Typed::Bool(quote! {{ #bind __lang::calc::compare(#code, #(#nums),*) }})
            } else {
                Typed::Num(quote! {{ #bind __lang::calc::arith(#code, #(#nums),*)? }})
            }
        }
        Expr::Call(f, args) => {
            let f = calc_fn_name(*f);
            let (bind, nums) = bind_all(args.iter(), env);
            Typed::Num(quote! {{ #bind __lang::calc::apply(#f, &[#(#nums),*])? }})
        }
        Expr::Sum(e) => Typed::Num(positions(e, env, true)),
        Expr::Count(e) => Typed::Num(positions(e, env, false)),
    }
}

/// `let arg_i = …;` for each operand in order, and each one's `Number` expression.
fn bind_all<'e>(
    operands: impl IntoIterator<Item = &'e Expr>,
    env: &Env,
) -> (TokenStream, Vec<TokenStream>) {
    let mut bind = TokenStream::new();
    let mut nums = Vec::new();
    for (i, e) in operands.into_iter().enumerate() {
        let local = format_ident!("arg_{}", i);
        let typed = typed(e, env);
        let code = typed.code();
        bind.extend(quote! { let #local = #code; });
        nums.push(typed.number(&local));
    }
    (bind, nums)
}

impl Typed {
    /// What a whole expression of this variant is stored as.
    fn result_type(&self) -> ResultType {
        match self {
            Typed::Num(_) => ResultType::Number,
            Typed::Bool(_) => ResultType::Bool,
            Typed::Ref(_) | Typed::Operand(_) => ResultType::Operand,
        }
    }

    fn code(&self) -> &TokenStream {
        match self {
            Typed::Num(e) | Typed::Bool(e) | Typed::Ref(e) | Typed::Operand(e) => e,
        }
    }

    /// The `Number` expression of a local bound to this value.
    fn number(&self, local: &Ident) -> TokenStream {
        match self {
            Typed::Num(_) => quote! { #local },
            Typed::Bool(_) => {
                quote! { __lang::calc::to_number(&__lang::calc::Operand::Bool(#local))? }
            }
            Typed::Ref(_) => quote! { __lang::calc::ref_number(#local.as_deref())? },
            Typed::Operand(_) => quote! { __lang::calc::to_number(&#local)? },
        }
    }
}

/// An `Operand` expression.
fn as_operand(expr: &Expr, env: &Env) -> TokenStream {
    match typed(expr, env) {
        Typed::Num(e) => quote! { __lang::calc::Operand::Num(#e) },
        Typed::Bool(e) => quote! { __lang::calc::Operand::Bool(#e) },
        Typed::Ref(e) => quote! {{ let v = #e; __lang::calc::operand(v.as_deref()) }},
        Typed::Operand(e) => e,
    }
}

/// `sum(e)` / `count(e)` as a `Number`: `#` = 1, 2, … until a `#` reference in `e` is
/// absent.
fn positions(e: &Expr, env: &Env, sum: bool) -> TokenStream {
    let reads = PositionReads::new(env.flow, |f| e.visit_refs(&mut |r| r.visit_hash_refs(f)));
    let (before_loop, read_or_break) = (reads.before_loop(), reads.read_or_break());
    if sum {
        let item = typed(e, &reads.env(env.flow));
        let (code, local) = (item.code(), format_ident!("item"));
        let num = item.number(&local);
        quote! {{
            #before_loop
            let mut acc = __lang::Number::ZERO;
            let mut pos: usize = 1;
            loop {
                #read_or_break
                let #local = #code;
                acc = __lang::calc::arith(__lang::calc::BinOp::Add, acc, #num)?;
                pos += 1;
            }
            acc
        }}
    } else {
        quote! {{
            #before_loop
            let mut pos: usize = 1;
            loop {
                #read_or_break
                pos += 1;
            }
            __lang::calc::count_number(pos - 1)
        }}
    }
}

fn bin_op(op: BinOp) -> TokenStream {
    let name = match op {
        BinOp::Add => quote! { Add },
        BinOp::Sub => quote! { Sub },
        BinOp::Mul => quote! { Mul },
        BinOp::Div => quote! { Div },
        BinOp::Eq => quote! { Eq },
        BinOp::Ne => quote! { Ne },
        BinOp::Gt => quote! { Gt },
        BinOp::Lt => quote! { Lt },
        BinOp::Ge => quote! { Ge },
        BinOp::Le => quote! { Le },
    };
    quote! { __lang::calc::BinOp::#name }
}

fn calc_fn_name(f: CalcFn) -> TokenStream {
    let name = match f {
        CalcFn::Round => quote! { Round },
        CalcFn::Floor => quote! { Floor },
        CalcFn::Ceil => quote! { Ceil },
        CalcFn::Abs => quote! { Abs },
        CalcFn::Min => quote! { Min },
        CalcFn::Max => quote! { Max },
    };
    quote! { __lang::calc::CalcFn::#name }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The store a step picks from the expression's shape is the type its function
    /// returns, for every kind of expression, nested comparisons and `=` included.
    #[test]
    fn result_type_of_an_expression_is_what_its_function_returns() {
        let env = Env::step("f");
        for source in [
            "1",
            "-1",
            "-(1 < 2)",
            "(1 < 2) > 0",
            "1 + 2 * 3",
            "[[x]] / 2",
            "round([[x]], 2)",
            "sum([[items.#]])",
            "count([[items.#]])",
            "sum([[items.#]] > 1)",
            "[[x]] >= 18",
            "[[x]] < 1 = [[y]] > 2",
            "[[x]] = 'a'",
            "[[x]] != 2",
            "'5'",
            "[[x]]",
        ] {
            let expr = flowc_lang::calc::parse(source).expect(source);
            if let Expr::Bin(BinOp::Eq | BinOp::Ne, ..) = expr {
                assert_eq!(ResultType::of(&expr), ResultType::Operand, "{source}");
            } else {
                assert_eq!(
                    typed(&expr, &env).result_type(),
                    ResultType::of(&expr),
                    "{source}"
                );
            }
        }
    }
}
