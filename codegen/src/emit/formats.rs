//! The formatting nodes (§4.3–§4.6): their patterns as statics built once at start-up
//! from literals (no pattern text is walked at run time), and the bodies of their arms.

use super::names::{node_field, step_static};
use super::refs::{hash_refs_present, reads_node, template_option, template_ref, Env};
use crate::ir::{Bundle, StepKind, StepRef};
use flowc_lang::crypto::{Algorithm, Encoding};
use flowc_lang::datefmt::{DatePattern, InputFormat, Item, OutputFormat};
use flowc_lang::display_list::{ListOptions, ListPattern, ShapePart};
use flowc_lang::numfmt::NumberPattern;
use flowc_lang::template::{Part, Template};
use proc_macro2::{Ident, TokenStream};
use quote::quote;

/// One `static` per formatting step, and the names to force at start-up.
pub fn statics(bundle: &Bundle) -> (TokenStream, Vec<Ident>) {
    let mut decls = Vec::new();
    let mut names = Vec::new();
    for (fi, flow) in bundle.flows.iter().enumerate() {
        for step in &flow.steps {
            let at = StepRef {
                flow: fi,
                step: step.number,
            };
            let Some((ty, init)) = step_static_init(&step.kind) else {
                continue;
            };
            let name = step_static(at);
            decls.push(quote! {
                static #name: ::std::sync::LazyLock<#ty> = ::std::sync::LazyLock::new(|| #init);
            });
            names.push(name);
        }
    }
    (quote! { #(#decls)* }, names)
}

fn step_static_init(kind: &StepKind) -> Option<(TokenStream, TokenStream)> {
    Some(match kind {
        StepKind::DateFormat {
            input_format,
            output_format,
            timezone,
            ..
        } => {
            let (i, o) = (
                input_format_tokens(input_format),
                output_format_tokens(output_format),
            );
            (
                quote! { (__lang::datefmt::InputFormat, __lang::datefmt::OutputFormat, __lang::datefmt::Zone) },
                quote! { (#i, #o, ::flowc_runtime::compiled::zone(#timezone)) },
            )
        }
        StepKind::NumberFormat { pattern, .. } => (
            quote! { __lang::numfmt::NumberPattern },
            number_pattern_tokens(pattern),
        ),
        StepKind::DisplayList {
            pattern, options, ..
        } => {
            let (p, o) = (list_shape_tokens(pattern), list_options_tokens(options));
            (
                quote! { (__lang::display_list::ListShape, __lang::display_list::ListOptions) },
                quote! { (#p, #o) },
            )
        }
        _ => return None,
    })
}

/// The arm body of a `date_format` step; `ok` tells the branch.
pub fn date_format(name: &str, input: &Template, at: StepRef, env: &Env) -> TokenStream {
    let (field, fmt, input) = (node_field(name), step_static(at), template_ref(input, env));
    quote! {
        let result = __lang::datefmt::format_date(#input, &#fmt.0, &#fmt.1, &#fmt.2);
        let ok = __lang::nodes::store_result(s.#field.output_mut(), result);
    }
}

/// The arm body of a `number_format` step.
pub fn number_format(name: &str, input: &Template, at: StepRef, env: &Env) -> TokenStream {
    let (field, pattern, input) = (node_field(name), step_static(at), template_ref(input, env));
    quote! {
        let result = __lang::numfmt::format_number(#input, &#pattern).map(__lang::Value::String);
        let ok = __lang::nodes::store_result(s.#field.output_mut(), result);
    }
}

/// The arm body of a `display_list` step: the list engine asks for each reference by its
/// part index, answered by a `match` whose arms read the session directly.
pub fn display_list(name: &str, pattern: &ListPattern, at: StepRef, env: &Env) -> TokenStream {
    let (field, list) = (node_field(name), step_static(at));
    let inner = Env::with_pos(env.flow);
    let arms = pattern.refs().map(|(i, r, _)| {
        let template = Template {
            parts: vec![Part::Ref(r.clone())],
        };
        let value = template_option(&template, &inner);
        let mut hash_refs = Vec::new();
        r.visit_hash_refs(&mut |h| hash_refs.push(h));
        // A call is never absent itself: its `#` references decide (§4.5).
        let guard = if matches!(r, flowc_lang::template::Ref::Call(_)) && !hash_refs.is_empty() {
            let present = hash_refs_present(&hash_refs, &inner);
            quote! { if !(#present) { return None; } }
        } else {
            quote! {}
        };
        quote! { #i => { #guard #value } }
    });
    quote! {
        let rendered = __lang::display_list::render_list(&#list.0, &#list.1, &mut |i: usize, pos: Option<usize>| {
            // Position 0 is absent everywhere (paths are 1-based): a once-per-list
            // reference has no `#`, so it never reads it.
            let pos = pos.unwrap_or(0);
            match i {
                #(#arms)*
                _ => None,
            }
        });
        let ok = __lang::nodes::store_list(s.#field.output_mut(), rendered);
    }
}

/// The arm body of an `encrypt` step; the key comes from the slot resolved at start.
pub fn encrypt(name: &str, kind: &StepKind, env: &Env) -> TokenStream {
    let StepKind::Encrypt {
        input,
        algorithm,
        key,
        encoding,
        ..
    } = kind
    else {
        return quote! {};
    };
    let field = node_field(name);
    // An input that reads this node is copied out before its output is replaced.
    let (copy_out, input) = if reads_node(input, name) {
        let owned = template_option(input, env);
        (quote! { let input = #owned; }, quote! { input.as_ref() })
    } else {
        (quote! {}, template_ref(input, env))
    };
    let (algorithm, encoding) = (algorithm_tokens(*algorithm), encoding_tokens(*encoding));
    let key = match key {
        Some(slot) => quote! { call.services.key(#slot) },
        None => quote! { None },
    };
    quote! {
        #copy_out
        let ok = __lang::nodes::store_encrypt(s.#field.output_mut(), #algorithm, #key, #input, #encoding);
    }
}

fn algorithm_tokens(a: Algorithm) -> TokenStream {
    match a {
        Algorithm::Aes256Gcm => quote! { __lang::crypto::Algorithm::Aes256Gcm },
        Algorithm::Sha256 => quote! { __lang::crypto::Algorithm::Sha256 },
        Algorithm::HmacSha256 => quote! { __lang::crypto::Algorithm::HmacSha256 },
    }
}

fn encoding_tokens(e: Encoding) -> TokenStream {
    match e {
        Encoding::Base64 => quote! { __lang::crypto::Encoding::Base64 },
        Encoding::Hex => quote! { __lang::crypto::Encoding::Hex },
    }
}

fn input_format_tokens(f: &InputFormat) -> TokenStream {
    match f {
        InputFormat::Pattern(p) => {
            let p = date_pattern_tokens(p);
            quote! { __lang::datefmt::InputFormat::Pattern(#p) }
        }
        InputFormat::Iso8601 => quote! { __lang::datefmt::InputFormat::Iso8601 },
        InputFormat::EpochMs => quote! { __lang::datefmt::InputFormat::EpochMs },
    }
}

fn output_format_tokens(f: &OutputFormat) -> TokenStream {
    match f {
        OutputFormat::Pattern(p) => {
            let p = date_pattern_tokens(p);
            quote! { __lang::datefmt::OutputFormat::Pattern(#p) }
        }
        OutputFormat::Iso8601 => quote! { __lang::datefmt::OutputFormat::Iso8601 },
        OutputFormat::EpochMs => quote! { __lang::datefmt::OutputFormat::EpochMs },
    }
}

/// A compiled date pattern as a literal: one `Item` per field, no pattern text.
fn date_pattern_tokens(p: &DatePattern) -> TokenStream {
    let items = p.items.iter().map(item_tokens);
    quote! { __lang::datefmt::DatePattern { items: vec![#(#items),*] } }
}

/// An exhaustive match, so a new pattern letter in `lang` cannot be forgotten here.
fn item_tokens(item: &Item) -> TokenStream {
    macro_rules! counted {
        ($($v:ident),*) => {
            match item {
                $(Item::$v(n) => quote! { __lang::datefmt::Item::$v(#n) },)*
                Item::Literal(s) => quote! { __lang::datefmt::Item::Literal(::std::string::String::from(#s)) },
            }
        };
    }
    counted!(
        Year,
        WeekYear,
        Month,
        StandaloneMonth,
        WeekInYear,
        WeekInMonth,
        DayInYear,
        DayInMonth,
        DayOfWeekInMonth,
        DayName,
        DayNumber,
        AmPm,
        Hour0To23,
        Hour1To24,
        Hour0To11,
        Hour1To12,
        Minute,
        Second,
        Millisecond,
        ZoneName,
        ZoneRfc822,
        ZoneIso8601
    )
}

fn number_pattern_tokens(p: &NumberPattern) -> TokenStream {
    let NumberPattern {
        positive_prefix,
        positive_suffix,
        negative_prefix,
        negative_suffix,
        min_integer_digits,
        max_integer_digits,
        min_fraction_digits,
        max_fraction_digits,
        grouping_size,
        percent,
        decimal_always_shown,
    } = p;
    let max_int = if *max_integer_digits == usize::MAX {
        quote! { usize::MAX }
    } else {
        quote! { #max_integer_digits }
    };
    quote! {
        __lang::numfmt::NumberPattern {
            positive_prefix: ::std::string::String::from(#positive_prefix),
            positive_suffix: ::std::string::String::from(#positive_suffix),
            negative_prefix: ::std::string::String::from(#negative_prefix),
            negative_suffix: ::std::string::String::from(#negative_suffix),
            min_integer_digits: #min_integer_digits,
            max_integer_digits: #max_int,
            min_fraction_digits: #min_fraction_digits,
            max_fraction_digits: #max_fraction_digits,
            grouping_size: #grouping_size,
            percent: #percent,
            decimal_always_shown: #decimal_always_shown,
        }
    }
}

/// The list pattern's shape: literal text and which parts are items that end the list.
/// The references themselves are read by the generated lookup.
fn list_shape_tokens(p: &ListPattern) -> TokenStream {
    let parts = p.shape().parts.into_iter().map(|part| match part {
        ShapePart::Text(s) => {
            quote! { __lang::display_list::ShapePart::Text(::std::string::String::from(#s)) }
        }
        ShapePart::Item { ends_list } => {
            quote! { __lang::display_list::ShapePart::Item { ends_list: #ends_list } }
        }
        ShapePart::Once => quote! { __lang::display_list::ShapePart::Once },
    });
    quote! { __lang::display_list::ListShape { parts: vec![#(#parts),*] } }
}

fn list_options_tokens(o: &ListOptions) -> TokenStream {
    let ListOptions {
        separator,
        numbered,
        index_separator,
        exclude,
    } = o;
    quote! {
        __lang::display_list::ListOptions {
            separator: ::std::string::String::from(#separator),
            numbered: #numbered,
            index_separator: ::std::string::String::from(#index_separator),
            exclude: vec![#(::std::string::String::from(#exclude)),*],
        }
    }
}
