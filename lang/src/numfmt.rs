//! `number_format` (§4.4, §13 rule 22): Java `DecimalFormat` patterns on exact decimals.
//!
//! [`compile`] reads a pattern once, at build time, into a [`NumberPattern`] of plain data,
//! which the code generator writes out as a struct literal; [`format_number`] applies it to
//! a request's value. Rounding is half-even on the exact decimal, so `2.675` with `0.00` is
//! `2.68` (Java's binary `double` would give `2.67`).
//!
//! One deliberate difference from Java: an integer part made only of `#` stays optional, so
//! `#.##` writes 0.5 as `.5` (§13 rule 22), where Java turns `#.##` into `0.##` and writes
//! `0.5`. Everything else follows `DecimalFormat` in the US locale.

use crate::number::Number;
use crate::value::Value;

mod compile;
#[cfg(test)]
mod tests;

pub use compile::compile;

/// A compiled number pattern. Every field is plain data so generated code can embed it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NumberPattern {
    /// Text written before a positive number (or zero).
    pub positive_prefix: String,
    /// Text written after a positive number (or zero).
    pub positive_suffix: String,
    /// Text written before a negative number: `-` and the positive prefix unless a
    /// negative subpattern (`;…`) gives its own.
    pub negative_prefix: String,
    /// Text written after a negative number.
    pub negative_suffix: String,
    /// Integer digits always written, padded with leading zeros (the `0`s before the point).
    pub min_integer_digits: usize,
    /// Integer digits written at most; Java keeps the least significant ones. Patterns
    /// without an exponent (the only ones we accept) have no limit: `usize::MAX`.
    pub max_integer_digits: usize,
    /// Fraction digits always written (the `0`s after the point).
    pub min_fraction_digits: usize,
    /// Fraction digits written at most; the value is rounded half-even to this many.
    pub max_fraction_digits: usize,
    /// Digits per group in the integer part (the last group of the pattern); 0 = none.
    pub grouping_size: usize,
    /// Multiply by 100 first (`%` in the positive pattern).
    pub percent: bool,
    /// Write the decimal point even without fraction digits (`0.` or `.##`).
    pub decimal_always_shown: bool,
}

/// Why a pattern does not compile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberPatternError {
    /// 0-based character column in the pattern.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

/// Formats a node's input: a number, or a numeric string (JSON number syntax with an
/// optional leading `+`, §13 rule 19). Anything else, booleans included, is an error
/// message for `[[name:error]]`.
pub fn format_number(input: Option<&Value>, p: &NumberPattern) -> Result<String, String> {
    p.format(to_number(input)?)
}

impl NumberPattern {
    /// Formats an exact decimal. Fails only when `%` pushes the value out of range.
    pub fn format(&self, n: Number) -> Result<String, String> {
        let n = if self.percent {
            n.mul(Number::from_i64(100))
                .ok_or_else(|| format!("{n} is too large to write as a percentage"))?
        } else {
            n
        };
        // A negative value that rounds to zero keeps its sign, as in Java (`-0.00`).
        let negative = n.0.is_sign_negative() && !n.0.is_zero();
        let rounded = n.abs().round_dp(clamp_u32(self.max_fraction_digits));
        let (int_digits, frac_digits) = split_digits(rounded);
        let (prefix, suffix) = if negative {
            (&self.negative_prefix, &self.negative_suffix)
        } else {
            (&self.positive_prefix, &self.positive_suffix)
        };
        let mut out = String::with_capacity(prefix.len() + suffix.len() + 32);
        out.push_str(prefix);
        self.write_integer(&int_digits, &mut out);
        let fraction_present = self.min_fraction_digits > 0 || !frac_digits.is_empty();
        // Nothing written at all (`#` on 0, `#.#` on 0.01) would be no number: write a zero.
        if !fraction_present && out.len() == prefix.len() {
            out.push('0');
        }
        if self.decimal_always_shown || fraction_present {
            out.push('.');
        }
        out.push_str(&frac_digits);
        for _ in frac_digits.len()..self.min_fraction_digits {
            out.push('0');
        }
        out.push_str(suffix);
        Ok(out)
    }

    /// Writes the integer digits (without leading zeros, possibly empty) padded to the
    /// minimum, cut to the maximum, with grouping separators.
    fn write_integer(&self, digits: &str, out: &mut String) {
        let digits = digits.as_bytes();
        let count = digits
            .len()
            .max(self.min_integer_digits)
            .min(self.max_integer_digits);
        // `i` counts positions from the point leftwards: position 0 is the units.
        for i in (0..count).rev() {
            let digit = digits
                .len()
                .checked_sub(i + 1)
                .map_or(b'0', |at| digits[at]);
            out.push(char::from(digit));
            if self.grouping_size > 0 && i > 0 && i % self.grouping_size == 0 {
                out.push(',');
            }
        }
    }
}

/// The input as a number, or the error message for `[[name:error]]`.
fn to_number(input: Option<&Value>) -> Result<Number, String> {
    match input {
        None => Err("the input is absent".to_owned()),
        Some(Value::Number(n)) => Ok(*n),
        Some(Value::String(s)) => {
            Number::parse_numeric_string(s).ok_or_else(|| format!("{} is not a number", quoted(s)))
        }
        Some(Value::Null) => Err("the input is null, not a number".to_owned()),
        Some(Value::Bool(b)) => Err(format!("{b} is not a number")),
        Some(Value::Array(_)) => Err("a list is not a number".to_owned()),
        Some(Value::Object(_)) => Err("an object is not a number".to_owned()),
    }
}

/// The integer digits without leading zeros (empty for 0) and the fraction digits without
/// trailing zeros of a non-negative decimal.
fn split_digits(n: Number) -> (String, String) {
    let scale = n.0.scale() as usize;
    let mut digits = n.0.mantissa().unsigned_abs().to_string();
    if digits.len() <= scale {
        // 0.05 is mantissa 5, scale 2: pad to "005" so the point has a digit before it.
        digits.insert_str(0, &"0".repeat(scale + 1 - digits.len()));
    }
    let (int, frac) = digits.split_at(digits.len() - scale);
    (
        int.trim_start_matches('0').to_owned(),
        frac.trim_end_matches('0').to_owned(),
    )
}

fn clamp_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A value quoted for an error message, cut at 40 characters.
fn quoted(s: &str) -> String {
    const MAX: usize = 40;
    if s.chars().count() <= MAX {
        format!("'{s}'")
    } else {
        let head: String = s.chars().take(MAX).collect();
        format!("'{head}…'")
    }
}
