//! Exact decimal numbers (§3, §13 rules 3 and 19).
//!
//! Every operation that can produce more digits than a `Decimal` holds (parsing, `*`, `/`)
//! goes through one rounding rule, [`from_digits`]: keep the value exactly when it fits,
//! otherwise keep 28 significant digits (and at most 28 decimal places), rounded half-even.
//! Doing the digit work here, instead of relying on `rust_decimal`'s own rescaling, makes
//! `10 / 3` and `2 / 3` come out the same on every path.

use rust_decimal::{Decimal, RoundingStrategy};
use std::fmt;

/// An exact decimal with 28 significant digits, written in its shortest form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Number(pub Decimal);

/// Why a text is not a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NumberError {
    /// Not JSON number syntax.
    Syntax,
    /// A magnitude beyond the decimal range.
    Range,
}

/// Significant digits kept when a result must be rounded (§13 rule 3).
const SIG_DIGITS: usize = 28;
/// The largest scale a `Decimal` has.
const MAX_SCALE: i64 = 28;
/// The largest mantissa a `Decimal` holds (2^96 - 1).
const MAX_MANTISSA: u128 = (1u128 << 96) - 1;
/// Exponents are clamped to this: far beyond anything that can still be in range, and far
/// from overflowing any arithmetic on them.
const EXP_CLAMP: i64 = 1_000_000;

// `add`, `sub`, `mul` and `div` return `None` on overflow (and `/ 0`): they are checked
// operations, not the `std::ops` traits, whose contract is to panic or wrap.
#[allow(clippy::should_implement_trait)]
impl Number {
    /// Zero.
    pub const ZERO: Number = Number(Decimal::ZERO);

    /// Builds a number from `rust_decimal`'s raw parts; `const` so generated code can embed
    /// literals without parsing them per request.
    pub const fn from_parts(lo: u32, mid: u32, hi: u32, negative: bool, scale: u32) -> Number {
        Number(Decimal::from_parts(lo, mid, hi, negative, scale))
    }

    /// The raw parts `(lo, mid, hi, negative, scale)` for [`Number::from_parts`].
    pub fn to_parts(self) -> (u32, u32, u32, bool, u32) {
        let u = self.0.unpack();
        (u.lo, u.mid, u.hi, u.negative, u.scale)
    }

    /// Parses JSON number syntax (`-12.5e3`). Values beyond 28 significant digits are rounded
    /// half-even; magnitudes beyond the decimal range are `None`.
    pub fn parse_json(text: &str) -> Option<Number> {
        Number::parse_json_checked(text).ok()
    }

    /// [`Number::parse_json`] telling a syntax error from a value out of range, so the JSON
    /// reader can say which.
    pub(crate) fn parse_json_checked(text: &str) -> Result<Number, NumberError> {
        let syntax = JsonNumber::scan(text.as_bytes()).ok_or(NumberError::Syntax)?;
        syntax.to_decimal().map(Number).ok_or(NumberError::Range)
    }

    /// Parses a numeric string for `calculate` (§13 rule 19): JSON number syntax with an
    /// optional leading `+`, nothing else.
    pub fn parse_numeric_string(text: &str) -> Option<Number> {
        match text.strip_prefix('+') {
            // `+-5` is not a number: the `+` replaces the sign, it does not precede one.
            Some(rest) if rest.starts_with('-') => None,
            Some(rest) => Number::parse_json(rest),
            None => Number::parse_json(text),
        }
    }

    /// An integer.
    pub fn from_i64(i: i64) -> Number {
        Number(Decimal::from(i))
    }

    /// The value as an integer when it is one and fits.
    pub fn to_i64(self) -> Option<i64> {
        let d = self.0.normalize();
        if d.scale() != 0 {
            return None;
        }
        i64::try_from(d.mantissa()).ok()
    }

    /// Whether it has no fractional part.
    pub fn is_integer(self) -> bool {
        self.0.fract().is_zero()
    }

    /// `self + rhs`, `None` on overflow.
    pub fn add(self, rhs: Number) -> Option<Number> {
        self.0.checked_add(rhs.0).map(Number)
    }

    /// `self - rhs`, `None` on overflow.
    pub fn sub(self, rhs: Number) -> Option<Number> {
        self.0.checked_sub(rhs.0).map(Number)
    }

    /// `self * rhs`, `None` on overflow.
    pub fn mul(self, rhs: Number) -> Option<Number> {
        let (a, b) = (self.0, rhs.0);
        let negative = a.is_sign_negative() != b.is_sign_negative();
        let exp = -(i64::from(a.scale()) + i64::from(b.scale()));
        let (ma, mb) = (a.mantissa().unsigned_abs(), b.mantissa().unsigned_abs());
        let scale = a.scale() + b.scale();
        let digits = match ma.checked_mul(mb) {
            // The common case: the exact product fits a decimal as it is (96-bit mantissa,
            // at most 28 places), so nothing needs rounding and no digits spelling out.
            Some(product) if product >> 96 == 0 && scale <= 28 => {
                let mut exact = Decimal::from_i128_with_scale(product as i128, scale);
                exact.set_sign_negative(negative && product != 0);
                return Some(Number(exact));
            }
            Some(product) => to_digits(product),
            None => mul_digits(&to_digits(ma), &to_digits(mb)),
        };
        from_digits(negative, &digits, exp, false).map(Number)
    }

    /// `self / rhs` keeping 28 significant digits, rounded half-even; `None` when `rhs` is
    /// zero or on overflow.
    pub fn div(self, rhs: Number) -> Option<Number> {
        if rhs.0.is_zero() {
            return None;
        }
        let (a, b) = (self.0, rhs.0);
        let negative = a.is_sign_negative() != b.is_sign_negative();
        // a / b = (ma / mb) * 10^shift
        let shift = i64::from(b.scale()) - i64::from(a.scale());
        let (ma, mb) = (a.mantissa().unsigned_abs(), b.mantissa().unsigned_abs());
        match finite_quotient(ma, mb, shift) {
            // The common case (`x / 100`, `sum / count`): an exact quotient well inside the
            // limits, which the digit route would return unrounded too.
            Some((q, exp)) => scaled(negative, q, exp).map(Number),
            None => Self::div_by_digits(negative, ma, mb, shift),
        }
    }

    /// Division spelled out digit by digit, rounding where the quotient does not end.
    fn div_by_digits(negative: bool, ma: u128, mb: u128, shift: i64) -> Option<Number> {
        let (digits, frac, sticky) = long_division(ma, mb, shift);
        from_digits(negative, &digits, shift - frac, sticky).map(Number)
    }

    /// Rounds half-even to `dp` decimal places (0..=28).
    pub fn round_dp(self, dp: u32) -> Number {
        Number(
            self.0
                .round_dp_with_strategy(dp.min(28), RoundingStrategy::MidpointNearestEven),
        )
    }

    /// Rounds toward negative infinity.
    pub fn floor(self) -> Number {
        Number(self.0.floor())
    }

    /// Rounds toward positive infinity.
    pub fn ceil(self) -> Number {
        Number(self.0.ceil())
    }

    /// The absolute value.
    pub fn abs(self) -> Number {
        Number(self.0.abs())
    }
}

impl fmt::Display for Number {
    /// The shortest form (§3): no exponent from 1e-6 to below 1e21, no trailing zeros,
    /// integers without a point; outside that range as JavaScript writes it (`1e-7`, `1e+21`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_shortest(f)
    }
}

impl Number {
    /// Appends the [`Display`](fmt::Display) form to `out` without going through a
    /// formatter: answers write every number they hold this way.
    pub fn write_into(&self, out: &mut String) {
        // Room for every digit of a 96-bit mantissa, a sign, a point and up to six zeros.
        out.reserve(40);
        if !self.write_plain(out) {
            // Writing into a `String` cannot fail.
            let _ = self.write_shortest(out);
        }
    }

    /// Writes the shortest form of the numbers answers hold nearly always — a mantissa
    /// within 64 bits, written without an exponent — two digits at a time; `false`, having
    /// written nothing, for every other number. The general writer took about 240
    /// instructions a number, a division per digit and a formatter call per character.
    fn write_plain(&self, out: &mut String) -> bool {
        let d = self.0;
        let Ok(mut mantissa) = u64::try_from(d.mantissa().unsigned_abs()) else {
            return false;
        };
        if mantissa == 0 {
            out.push('0');
            return true;
        }
        let mut scale = d.scale();
        while scale > 0 && mantissa % 10 == 0 {
            mantissa /= 10;
            scale -= 1;
        }
        let mut digits = [0u8; 20];
        let count = digits_of(mantissa, &mut digits);
        let digits = &digits[digits.len() - count..];
        let count = count as u32;
        if scale >= count + 6 {
            // 1e-7 and smaller take an exponent (ECMA-262's Number::toString).
            return false;
        }
        if d.is_sign_negative() {
            out.push('-');
        }
        let push =
            |out: &mut String, bytes: &[u8]| out.extend(bytes.iter().map(|&b| char::from(b)));
        if scale < count {
            let (int, frac) = digits.split_at((count - scale) as usize);
            push(out, int);
            if !frac.is_empty() {
                out.push('.');
                push(out, frac);
            }
        } else {
            out.push_str("0.");
            out.extend(std::iter::repeat_n('0', (scale - count) as usize));
            push(out, digits);
        }
        true
    }

    fn write_shortest<W: fmt::Write>(&self, w: &mut W) -> fmt::Result {
        // Not normalised first: trailing zeros of the mantissa are trimmed from the digits
        // below, which is what normalising would do, without its divisions.
        let d = self.0;
        let mantissa = d.mantissa().unsigned_abs();
        if mantissa == 0 {
            // `-0` has no place in JSON output or in a rendered template.
            return w.write_str("0");
        }
        let mut buf = [0u8; 40];
        let digits = ascii_digits(mantissa, &mut buf);
        if d.is_sign_negative() {
            w.write_char('-')?;
        }
        // JavaScript's Number::toString: value = 0.digits × 10^n, digits without trailing
        // zeros (an integer such as 1e28 keeps them in its mantissa).
        let n = digits.len() as i64 - i64::from(d.scale());
        let kept = digits.len() - digits.iter().rev().take_while(|&&b| b == b'0').count();
        write_js_style(w, &digits[..kept], n)
    }
}

/// Writes `0.<digits> × 10^n` (ASCII digits without trailing zeros) as ECMA-262's
/// Number::toString does.
fn write_js_style<W: fmt::Write>(w: &mut W, digits: &[u8], n: i64) -> fmt::Result {
    let k = digits.len() as i64;
    if k <= n && n <= 21 {
        write_ascii(w, digits)?;
        write_zeros(w, n - k)
    } else if 0 < n && n <= 21 {
        let (int, frac) = digits.split_at(n as usize);
        write_ascii(w, int)?;
        w.write_char('.')?;
        write_ascii(w, frac)
    } else if -6 < n && n <= 0 {
        w.write_str("0.")?;
        write_zeros(w, -n)?;
        write_ascii(w, digits)
    } else {
        let e = n - 1;
        let sign = if e < 0 { '-' } else { '+' };
        let (first, rest) = digits.split_at(1);
        write_ascii(w, first)?;
        if !rest.is_empty() {
            w.write_char('.')?;
            write_ascii(w, rest)?;
        }
        write!(w, "e{sign}{}", e.abs())
    }
}

/// Writes ASCII bytes one `char` at a time: a few digits cost less this way than checking
/// them as UTF-8 and copying them as a `str`.
fn write_ascii<W: fmt::Write>(w: &mut W, bytes: &[u8]) -> fmt::Result {
    bytes.iter().try_for_each(|&b| w.write_char(char::from(b)))
}

fn write_zeros<W: fmt::Write>(w: &mut W, count: i64) -> fmt::Result {
    for _ in 0..count {
        w.write_char('0')?;
    }
    Ok(())
}

/// Writes the decimal digits of `m` at the end of `buf`, two at a time; how many.
fn digits_of(mut m: u64, buf: &mut [u8; 20]) -> usize {
    const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
        2021222324252627282930313233343536373839\
        4041424344454647484950515253545556575859\
        6061626364656667686970717273747576777879\
        8081828384858687888990919293949596979899";
    let mut at = buf.len();
    while m >= 100 {
        let pair = (m % 100) as usize * 2;
        m /= 100;
        at -= 2;
        buf[at..at + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    }
    if m >= 10 {
        let pair = m as usize * 2;
        at -= 2;
        buf[at..at + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    } else {
        at -= 1;
        buf[at] = b'0' + m as u8;
    }
    buf.len() - at
}

/// The decimal digits of `m` in ASCII, at the end of `buf`.
fn ascii_digits(mut m: u128, buf: &mut [u8; 40]) -> &[u8] {
    let mut i = buf.len();
    // Most mantissas fit in 64 bits, where dividing by ten is a multiplication; a 128-bit
    // division is a library call per digit.
    while m > u128::from(u64::MAX) {
        i -= 1;
        buf[i] = b'0' + (m % 10) as u8;
        m /= 10;
    }
    let mut small = m as u64;
    while small > 0 {
        i -= 1;
        buf[i] = b'0' + (small % 10) as u8;
        small /= 10;
    }
    &buf[i..]
}

/// The pieces of a JSON number, located in its text.
struct JsonNumber<'a> {
    negative: bool,
    int: &'a [u8],
    frac: &'a [u8],
    exp: i64,
}

impl<'a> JsonNumber<'a> {
    /// Checks the JSON grammar `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?` over
    /// the whole text.
    fn scan(b: &'a [u8]) -> Option<JsonNumber<'a>> {
        let mut i = 0;
        let negative = b.first() == Some(&b'-');
        if negative {
            i += 1;
        }
        let int_start = i;
        i += count_digits(&b[i..]);
        let int = &b[int_start..i];
        if int.is_empty() || (int.len() > 1 && int[0] == b'0') {
            return None;
        }
        let mut frac: &[u8] = &[];
        if b.get(i) == Some(&b'.') {
            let n = count_digits(&b[i + 1..]);
            if n == 0 {
                return None;
            }
            frac = &b[i + 1..i + 1 + n];
            i += 1 + n;
        }
        let mut exp = 0i64;
        if matches!(b.get(i), Some(b'e' | b'E')) {
            i += 1;
            let exp_negative = b.get(i) == Some(&b'-');
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            let n = count_digits(&b[i..]);
            if n == 0 {
                return None;
            }
            exp = b[i..i + n].iter().fold(0i64, |acc, d| {
                (acc * 10 + i64::from(d - b'0')).min(EXP_CLAMP)
            });
            if exp_negative {
                exp = -exp;
            }
            i += n;
        }
        (i == b.len()).then_some(JsonNumber {
            negative,
            int,
            frac,
            exp,
        })
    }

    /// The value, exact when it fits, else rounded by [`from_digits`].
    fn to_decimal(&self) -> Option<Decimal> {
        let exp = self.exp - self.frac.len() as i64;
        let all = self.int.iter().chain(self.frac).map(|d| d - b'0');
        let significant = self.int.len() + self.frac.len();
        // The common case (`42`, `1.50`, `-0.1`): one u128, no allocation.
        if significant <= SIG_DIGITS && (-MAX_SCALE..=0).contains(&exp) {
            let m = all.fold(0i128, |acc, d| acc * 10 + i128::from(d));
            let m = if self.negative { -m } else { m };
            return Decimal::try_from_i128_with_scale(m, (-exp) as u32).ok();
        }
        let digits: Vec<u8> = all.collect();
        from_digits(self.negative, &digits, exp, false)
    }
}

fn count_digits(b: &[u8]) -> usize {
    b.iter().take_while(|c| c.is_ascii_digit()).count()
}

/// The decimal digits (values 0–9, most significant first) of `m`; empty for 0.
fn to_digits(mut m: u128) -> Vec<u8> {
    let mut out = Vec::with_capacity(40);
    while m > 0 {
        out.push((m % 10) as u8);
        m /= 10;
    }
    out.reverse();
    out
}

/// Schoolbook product of two digit strings (most significant first).
fn mul_digits(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut acc = vec![0u32; a.len() + b.len()];
    for (i, &x) in a.iter().enumerate().rev() {
        for (j, &y) in b.iter().enumerate().rev() {
            acc[i + j + 1] += u32::from(x) * u32::from(y);
        }
    }
    for k in (1..acc.len()).rev() {
        let carry = acc[k] / 10;
        acc[k] %= 10;
        acc[k - 1] += carry;
    }
    acc.into_iter().map(|d| d as u8).collect()
}

/// Divides `ma` by `mb` (both below 2^96) digit by digit, far enough for [`from_digits`] to
/// round the result `ma / mb × 10^shift` to 28 significant digits and 28 decimal places.
/// Returns the digits, how many of them are after the point of `ma / mb`, and whether a
/// non-zero remainder is left.
fn long_division(ma: u128, mb: u128, shift: i64) -> (Vec<u8>, i64, bool) {
    let mut digits = to_digits(ma / mb);
    let mut rem = ma % mb;
    let mut frac = 0i64;
    // One guard digit past both limits, so rounding sees it; the rest is the sticky bit.
    while rem != 0 && digits.len() <= SIG_DIGITS && frac - shift <= MAX_SCALE {
        rem *= 10;
        let d = (rem / mb) as u8;
        rem %= mb;
        frac += 1;
        if !(digits.is_empty() && d == 0) {
            digits.push(d);
        }
    }
    (digits, frac, rem != 0)
}

/// `ma / mb × 10^shift` as `(q, exp)` meaning `q × 10^exp`, when the quotient ends within
/// 27 significant digits and 28 decimal places; `None` otherwise (the digit route rounds).
/// Inside those bounds [`long_division`] stops only when the remainder is zero, on the
/// same digits, so both routes give the same number.
fn finite_quotient(ma: u128, mb: u128, shift: i64) -> Option<(u128, i64)> {
    const LIMIT: u128 = 10u128.pow(27);
    let (mut q, mut rem, mut frac) = (ma / mb, ma % mb, 0i64);
    while rem != 0 {
        if q >= LIMIT / 10 || frac - shift >= MAX_SCALE {
            return None;
        }
        // `rem < mb < 2^96`, so `rem * 10` cannot overflow.
        rem *= 10;
        q = q * 10 + rem / mb;
        rem %= mb;
        frac += 1;
    }
    (q < LIMIT && shift - frac >= -MAX_SCALE).then_some((q, shift - frac))
}

/// The decimal `±digits × 10^exp`, exact when it fits a `Decimal`, otherwise rounded
/// half-even to 28 significant digits and at most 28 decimal places. `sticky` says a
/// non-zero tail follows the digits (the value is a little larger in magnitude than they
/// say). `None` when the magnitude is beyond the decimal range.
fn from_digits(negative: bool, digits: &[u8], exp: i64, sticky: bool) -> Option<Decimal> {
    let lead = digits.iter().take_while(|&&d| d == 0).count();
    let digits = &digits[lead..];
    let trail = digits.iter().rev().take_while(|&&d| d == 0).count();
    // Trailing zeros only move the exponent, unless a sticky tail hangs below them.
    let (digits, exp) = if sticky {
        (digits, exp)
    } else {
        (&digits[..digits.len() - trail], exp + trail as i64)
    };
    if digits.is_empty() {
        return Some(Decimal::ZERO);
    }
    let exp = exp.clamp(-EXP_CLAMP, EXP_CLAMP);
    if !sticky {
        if let Some(d) = exact(negative, digits, exp) {
            return Some(d);
        }
    }
    let len = digits.len() as i64;
    // Keep at most 28 significant digits, and none below the 28th decimal place.
    let keep = (SIG_DIGITS as i64).min(len + exp + MAX_SCALE);
    if keep < 0 {
        return Some(Decimal::ZERO);
    }
    let keep = keep.min(len) as usize;
    let mut m = digits[..keep]
        .iter()
        .fold(0u128, |acc, &d| acc * 10 + u128::from(d));
    if let Some(&guard) = digits.get(keep) {
        let tail = sticky || digits[keep + 1..].iter().any(|&d| d != 0);
        if guard > 5 || (guard == 5 && (tail || m % 2 == 1)) {
            m += 1;
        }
    }
    scaled(negative, m, exp + (len - keep as i64))
}

/// `±digits × 10^exp` when it is representable without rounding.
fn exact(negative: bool, digits: &[u8], exp: i64) -> Option<Decimal> {
    if digits.len() > 29 || exp < -MAX_SCALE {
        return None;
    }
    let m = digits
        .iter()
        .fold(0u128, |acc, &d| acc * 10 + u128::from(d));
    scaled(negative, m, exp)
}

/// `±m × 10^exp` with `exp >= -28`, `None` when beyond the decimal range.
fn scaled(negative: bool, mut m: u128, exp: i64) -> Option<Decimal> {
    if exp > 0 {
        for _ in 0..exp {
            m = m.checked_mul(10).filter(|&v| v <= MAX_MANTISSA)?;
        }
    }
    if m > MAX_MANTISSA {
        return None;
    }
    let scale = if exp < 0 { (-exp) as u32 } else { 0 };
    let signed = if negative { -(m as i128) } else { m as i128 };
    Decimal::try_from_i128_with_scale(signed, scale)
        .ok()
        .map(|d| d.normalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Number {
        match Number::parse_json(s) {
            Some(v) => v,
            None => panic!("{s} should parse"),
        }
    }

    /// Products the shortcut makes (the exact product fits a decimal) equal what spelling
    /// out the digits and rounding makes, sign and scale included.
    #[test]
    fn exact_products_agree_with_the_digit_route() {
        let digit_route = |a: Number, b: Number| {
            let negative = a.0.is_sign_negative() != b.0.is_sign_negative();
            let exp = -(i64::from(a.0.scale()) + i64::from(b.0.scale()));
            let product = a.0.mantissa().unsigned_abs() * b.0.mantissa().unsigned_abs();
            from_digits(negative, &to_digits(product), exp, false).map(Number)
        };
        for (a, b) in [
            ("1.5", "-2"),
            ("-0", "3"),
            ("0", "-0.5"),
            ("19.99", "2"),
            ("123456789012.345", "98765.4321"),
            ("0.00000000000001", "0.00000000000001"),
            ("79228162514264337593543950335", "1"),
            ("-7922816251426433759354395033.5", "0.1"),
        ] {
            let (a, b) = (n(a), n(b));
            let (fast, slow) = (a.mul(b), digit_route(a, b));
            assert_eq!(fast, slow, "{a} × {b}");
            assert_eq!(fast.map(|x| x.to_string()), slow.map(|x| x.to_string()));
        }
    }

    /// Quotients the shortcut makes (they end within the limits) equal what the digit
    /// route makes, sign and scale included; quotients that do not end take the digit route.
    #[test]
    fn finite_quotients_agree_with_the_digit_route() {
        let digit_route = |a: Number, b: Number| {
            let negative = a.0.is_sign_negative() != b.0.is_sign_negative();
            let shift = i64::from(b.0.scale()) - i64::from(a.0.scale());
            let (ma, mb) = (a.0.mantissa().unsigned_abs(), b.0.mantissa().unsigned_abs());
            Number::div_by_digits(negative, ma, mb, shift)
        };
        const EDGES: &str = "1 -1 0 -0 2 3 7 10 100 0.5 -2.5 19.99 120.5 0.001 1024.25 \
            123456789012.345 98765.4321 1e-20 3e-28 79228162514264337593543950335 \
            -7922816251426433759354395033.5 1e27";
        let mut values: Vec<Number> = EDGES.split_whitespace().map(n).collect();
        // And a deterministic spread of mantissas and scales.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..400 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let mantissa = i64::try_from(seed % 2_000_000_000).unwrap_or(0) - 1_000_000_000;
            let scale = u32::try_from(seed % 12).unwrap_or(0);
            values.push(Number(Decimal::new(mantissa, scale)));
        }
        for &a in &values {
            for &b in values.iter().filter(|b| !b.0.is_zero()) {
                let (fast, slow) = (a.div(b), digit_route(a, b));
                assert_eq!(fast, slow, "{a} / {b}");
                assert_eq!(
                    fast.map(|x| x.to_string()),
                    slow.map(|x| x.to_string()),
                    "{a} / {b}"
                );
            }
        }
    }

    /// `parse_json(input)` displayed, or "None".
    fn check_parse(input: &str, expected: &str) {
        let got = Number::parse_json(input).map_or("None".to_owned(), |v| v.to_string());
        assert_eq!(got, expected, "parse_json({input:?})");
    }

    #[test]
    fn parse_json_grammar_and_rounding() {
        for (input, expected) in [
            ("0", "0"),
            ("-0", "0"),
            ("5", "5"),
            ("-12.5", "-12.5"),
            ("1.50", "1.5"),
            ("2.0", "2"),
            ("-12.5e3", "-12500"),
            ("1E2", "100"),
            ("1e+2", "100"),
            ("125e-2", "1.25"),
            ("0.1", "0.1"),
            ("0e999999999999999", "0"),
            ("1e28", "1e+28"),
            (
                "79228162514264337593543950335",
                "7.9228162514264337593543950335e+28",
            ),
            ("1e29", "None"),
            ("-1e29", "None"),
            ("79228162514264337593543950336", "None"),
            ("1e999999999999999999999", "None"),
            // 29 significant digits that do not fit: rounded half-even to 28.
            (
                "0.12345678901234567890123456785",
                "0.1234567890123456789012345678",
            ),
            (
                "0.12345678901234567890123456795",
                "0.123456789012345678901234568",
            ),
            (
                "0.123456789012345678901234567851",
                "0.1234567890123456789012345679",
            ),
            ("9.9999999999999999999999999999", "10"),
            ("99999999999999999999999999999.5", "None"),
            // Below the 28th decimal place.
            ("1e-28", "1e-28"),
            ("1e-29", "0"),
            ("6e-29", "1e-28"),
            ("5e-29", "0"),
            ("1.5e-28", "2e-28"),
            ("1e-99999999999999", "0"),
            ("", "None"),
            ("-", "None"),
            ("01", "None"),
            ("-01", "None"),
            ("1.", "None"),
            (".5", "None"),
            ("1e", "None"),
            ("1e+", "None"),
            ("+1", "None"),
            ("1 ", "None"),
            (" 1", "None"),
            ("0x1", "None"),
            ("1,000", "None"),
            ("NaN", "None"),
            ("Infinity", "None"),
            ("1.5.5", "None"),
        ] {
            check_parse(input, expected);
        }
    }

    #[test]
    fn parse_numeric_string_is_json_with_optional_plus() {
        for (input, expected) in [
            ("+5", Some("5")),
            ("5", Some("5")),
            ("-5.5", Some("-5.5")),
            ("+1e3", Some("1000")),
            ("+-5", None),
            ("++5", None),
            ("+", None),
            ("1,000", None),
            (" 5", None),
            ("5 ", None),
            ("0x1", None),
            ("", None),
            ("true", None),
        ] {
            let got = Number::parse_numeric_string(input).map(|v| v.to_string());
            assert_eq!(got.as_deref(), expected, "parse_numeric_string({input:?})");
        }
    }

    #[test]
    fn plain_writer_agrees_with_the_general_writer() {
        let mut plain = 0;
        let mut mantissa: u64 = 1;
        for i in 0..4000u64 {
            // Small, round, and scattered mantissas up to 64 bits.
            mantissa = match i % 4 {
                0 => i / 4,
                1 => (i / 4) * 1000,
                2 => mantissa
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407),
                _ => u64::MAX - i,
            };
            for scale in 0..=28 {
                for negative in [false, true] {
                    let (lo, mid) = (mantissa as u32, (mantissa >> 32) as u32);
                    let x = Number(Decimal::from_parts(lo, mid, 0, negative, scale));
                    let mut general = String::new();
                    x.write_shortest(&mut general).unwrap();
                    let mut written = String::new();
                    if x.write_plain(&mut written) {
                        plain += 1;
                        assert_eq!(
                            written, general,
                            "{mantissa} e-{scale}, negative {negative}"
                        );
                    } else {
                        assert!(written.is_empty() && general.contains('e'), "{general}");
                    }
                    let mut appended = String::from("x");
                    x.write_into(&mut appended);
                    assert_eq!(appended, format!("x{general}"));
                }
            }
        }
        assert!(
            plain > 100_000,
            "only {plain} numbers took the plain writer"
        );
    }

    #[test]
    fn display_is_shortest_and_javascript_like() {
        for (input, expected) in [
            ("1.50", "1.5"),
            ("100", "100"),
            ("0.000001", "0.000001"),
            ("0.0000015", "0.0000015"),
            ("0.0000001", "1e-7"),
            ("0.00000015", "1.5e-7"),
            ("-0.00000015", "-1.5e-7"),
            ("123456789012345678901", "123456789012345678901"),
            ("999999999999999999999.5", "999999999999999999999.5"),
            ("1e21", "1e+21"),
            ("12340000000000000000000", "1.234e+22"),
            ("-1e21", "-1e+21"),
            ("0.1234", "0.1234"),
            ("1234.5678", "1234.5678"),
        ] {
            assert_eq!(n(input).to_string(), expected, "display of {input}");
            let mut appended = String::from("x");
            n(input).write_into(&mut appended);
            assert_eq!(appended, format!("x{expected}"), "write_into of {input}");
        }
        let negative_zero = Number(Decimal::from_parts(0, 0, 0, true, 3));
        assert_eq!(negative_zero.to_string(), "0");
        assert_eq!(Number::from_parts(150, 0, 0, false, 2).to_string(), "1.5");
    }

    #[test]
    fn division_keeps_28_significant_digits_half_even() {
        for (a, b, expected) in [
            ("10", "3", Some("3.333333333333333333333333333")),
            ("2", "3", Some("0.6666666666666666666666666667")),
            ("1", "7", Some("0.1428571428571428571428571429")),
            ("-2", "3", Some("-0.6666666666666666666666666667")),
            ("1", "4", Some("0.25")),
            ("7.5", "2.5", Some("3")),
            ("1", "0.001", Some("1000")),
            ("0", "5", Some("0")),
            ("5", "0", None),
            (
                "79228162514264337593543950335",
                "1",
                Some("7.9228162514264337593543950335e+28"),
            ),
            ("79228162514264337593543950335", "0.1", None),
            ("1e-28", "3", Some("0")),
            ("2e-28", "3", Some("1e-28")),
            ("1", "3e-10", Some("3333333333.333333333333333333")),
            (
                "100000000000000000000",
                "3",
                Some("33333333333333333333.33333333"),
            ),
            ("1e26", "3", Some("3.333333333333333333333333333e+25")),
        ] {
            let got = n(a).div(n(b)).map(|v| v.to_string());
            assert_eq!(got.as_deref(), expected, "{a} / {b}");
        }
    }

    #[test]
    fn multiplication_is_exact_when_it_fits_else_rounded() {
        for (a, b, expected) in [
            ("1.5", "2", Some("3")),
            ("0.1", "0.2", Some("0.02")),
            ("-3", "4", Some("-12")),
            ("1e14", "1e14", Some("1e+28")),
            ("1e15", "1e14", None),
            ("0.00000000000001", "0.00000000000001", Some("1e-28")),
            ("0.00000000000001", "0.000000000000001", Some("0")),
            (
                "1.0000000000000000000000000001",
                "1.0000000000000000000000000001",
                Some("1"),
            ),
            (
                "3.333333333333333333333333333",
                "3",
                Some("9.999999999999999999999999999"),
            ),
            (
                "123456789012345.678",
                "987654321.012345",
                Some("1.219326311263526052827320454e+23"),
            ),
        ] {
            let got = n(a).mul(n(b)).map(|v| v.to_string());
            assert_eq!(got.as_deref(), expected, "{a} * {b}");
        }
    }

    #[test]
    fn round_dp_is_half_even() {
        for (input, dp, expected) in [
            ("2.5", 0, "2"),
            ("3.5", 0, "4"),
            ("-2.5", 0, "-2"),
            ("2.675", 2, "2.68"),
            ("2.665", 2, "2.66"),
            ("1.23", 40, "1.23"),
        ] {
            assert_eq!(
                n(input).round_dp(dp).to_string(),
                expected,
                "round_dp({input}, {dp})"
            );
        }
    }

    #[test]
    fn integers_and_parts() {
        assert_eq!(n("42").to_i64(), Some(42));
        assert_eq!(n("42.0").to_i64(), Some(42));
        assert_eq!(n("-7").to_i64(), Some(-7));
        assert_eq!(n("4.5").to_i64(), None);
        assert_eq!(n("1e20").to_i64(), None);
        let x = n("-12.345");
        let (lo, mid, hi, neg, scale) = x.to_parts();
        assert_eq!(Number::from_parts(lo, mid, hi, neg, scale), x);
        assert!(neg);
        assert_eq!(scale, 3);
    }
}
