//! `calculate` expressions as Rust over the runtime's decimal type (§4.1).
//!
//! Each operator becomes a call of the same `flowc_lang::calc` function the interpreter
//! uses, so both backends agree by construction; what the compiled form saves is the tree
//! walk, the reference lookups and the literal parsing.

use super::number_tokens;
use super::refs::{reference, Env, PositionReads};
use flowc_lang::calc::{BinOp, CalcFn, Expr};
use proc_macro2::{Ident, TokenStream};
use quote::quote;

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
    match expr {
        Expr::Neg(e) => {
            let e = operand(e, env);
            quote! { __lang::calc::neg(#e) }
        }
        Expr::Bin(op, a, b) => {
            let (op, a, b) = (bin_op(*op), operand(a, env), operand(b, env));
            quote! { __lang::calc::binary(#op, #a, #b) }
        }
        Expr::Call(f, args) => {
            let f = calc_fn_name(*f);
            let args = args.iter().map(|a| operand(a, env));
            quote! { __lang::calc::call(#f, &[#(#args),*]) }
        }
        _ => {
            let e = operand(expr, env);
            quote! { Ok(#e) }
        }
    }
}

/// An `Operand` expression; errors leave through `?`.
fn operand(expr: &Expr, env: &Env) -> TokenStream {
    match expr {
        Expr::Num(n) => {
            let n = number_tokens(*n);
            quote! { __lang::calc::Operand::Num(#n) }
        }
        Expr::Str(s) => quote! { __lang::calc::Operand::Str(::std::string::String::from(#s)) },
        Expr::Ref(r) => {
            let cow = reference(r, env).cow();
            quote! {{ let v = #cow; __lang::calc::operand(v.as_deref()) }}
        }
        Expr::Neg(e) => {
            let e = operand(e, env);
            quote! { __lang::calc::neg(#e)? }
        }
        Expr::Bin(op, a, b) => {
            let (op, a, b) = (bin_op(*op), operand(a, env), operand(b, env));
            quote! { __lang::calc::binary(#op, #a, #b)? }
        }
        Expr::Call(f, args) => {
            let f = calc_fn_name(*f);
            let args = args.iter().map(|a| operand(a, env));
            quote! { __lang::calc::call(#f, &[#(#args),*])? }
        }
        Expr::Sum(e) => positions(e, env, true),
        Expr::Count(e) => positions(e, env, false),
    }
}

/// `sum(e)` / `count(e)`: `#` = 1, 2, … until a `#` reference in `e` is absent.
fn positions(e: &Expr, env: &Env, sum: bool) -> TokenStream {
    let reads = PositionReads::new(env.flow, |f| e.visit_refs(&mut |r| r.visit_hash_refs(f)));
    let read_or_break = reads.read_or_break();
    if sum {
        let body = operand(e, &reads.env(env.flow));
        quote! {{
            let mut acc = __lang::calc::Operand::Num(__lang::Number::ZERO);
            let mut pos: usize = 1;
            loop {
                #read_or_break
                acc = __lang::calc::sum_step(acc, #body)?;
                pos += 1;
            }
            acc
        }}
    } else {
        quote! {{
            let mut pos: usize = 1;
            loop {
                #read_or_break
                pos += 1;
            }
            __lang::calc::count_result(pos - 1)
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
