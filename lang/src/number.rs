//! Exact decimal numbers (§3, §13 rules 3 and 19).

use rust_decimal::Decimal;
use std::fmt;

/// An exact decimal with 28 significant digits, written in its shortest form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Number(pub Decimal);

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
        todo!()
    }

    /// Parses JSON number syntax (`-12.5e3`). Values beyond 28 significant digits are rounded
    /// half-even; magnitudes beyond the decimal range are `None`.
    pub fn parse_json(text: &str) -> Option<Number> {
        todo!("{text}")
    }

    /// Parses a numeric string for `calculate` (§13 rule 19): JSON number syntax with an
    /// optional leading `+`, nothing else.
    pub fn parse_numeric_string(text: &str) -> Option<Number> {
        todo!("{text}")
    }

    /// An integer.
    pub fn from_i64(i: i64) -> Number {
        Number(Decimal::from(i))
    }

    /// The value as an integer when it is one and fits.
    pub fn to_i64(self) -> Option<i64> {
        todo!()
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
        todo!("{rhs}")
    }

    /// `self / rhs` keeping 28 significant digits, rounded half-even; `None` when `rhs` is
    /// zero or on overflow.
    pub fn div(self, rhs: Number) -> Option<Number> {
        todo!("{rhs}")
    }

    /// Rounds half-even to `dp` decimal places (0..=28).
    pub fn round_dp(self, dp: u32) -> Number {
        todo!("{dp}")
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
        let _ = f;
        todo!()
    }
}
