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

/// `fn calc_…(s, call) -> CalcResult<Operand>`: one function per `calculate` step, so the
/// step's arm stays a call and `?` has a function to return from.
pub fn calc_fn(name: &Ident, expr: &Expr, env: &Env) -> TokenStream {
    let body = result(expr, env);
    quote! {
        #[allow(unused_variables)]
        fn #name(s: &Session, call: &::flowc_runtime::Call) -> __lang::calc::CalcResult<__lang::calc::Operand> {
            #body
        }
    }
}

/// A `CalcResult<Operand>` expression for the whole expression.
fn result(expr: &Expr, env: &Env) -> TokenStream {
    if let Expr::Bin(op @ (BinOp::Eq | BinOp::Ne), a, b) = expr {
        let (op, a, b) = (bin_op(*op), as_operand(a, env), as_operand(b, env));
        return quote! { __lang::calc::binary(#op, #a, #b) };
    }
    match typed(expr, env) {
        Typed::Num(e) => quote! { Ok(__lang::calc::Operand::Num(#e)) },
        Typed::Ref(e) => quote! {{ let v = #e; Ok(__lang::calc::operand(v.as_deref())) }},
        Typed::Operand(e) => quote! { Ok(#e) },
    }
}

/// A sub-expression as Rust, by the type it has. Arithmetic, functions, `sum` and `count`
/// are plain `Number`s, so a chain like `round(a * b / 100, 2)` passes decimals from one
/// operator to the next; only `=`/`!=`, string literals and comparisons carry an
/// [`Operand`](flowc_lang::calc::Operand). Errors leave through `?`.
enum Typed {
    /// `Number`.
    Num(TokenStream),
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
                Typed::Operand(quote! {{
                    #bind
                    __lang::calc::Operand::Bool(__lang::calc::compare(#code, #(#nums),*))
                }})
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
    fn code(&self) -> &TokenStream {
        match self {
            Typed::Num(e) | Typed::Ref(e) | Typed::Operand(e) => e,
        }
    }

    /// The `Number` expression of a local bound to this value.
    fn number(&self, local: &Ident) -> TokenStream {
        match self {
            Typed::Num(_) => quote! { #local },
            Typed::Ref(_) => quote! { __lang::calc::ref_number(#local.as_deref())? },
            Typed::Operand(_) => quote! { __lang::calc::to_number(&#local)? },
        }
    }
}

/// An `Operand` expression.
fn as_operand(expr: &Expr, env: &Env) -> TokenStream {
    match typed(expr, env) {
        Typed::Num(e) => quote! { __lang::calc::Operand::Num(#e) },
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
