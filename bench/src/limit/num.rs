//! Money and counts as exact decimals: read from JSON numbers, written as JSON numbers.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::str::FromStr;

/// An exact decimal that reads from and writes to a JSON number (`rust_decimal`'s own serde
/// support writes strings, and reading through `f64` would lose the exact value).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Dec(pub Decimal);

impl<'de> Deserialize<'de> for Dec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Dec, D::Error> {
        // serde_json keeps a decimal number as its shortest `f64`; its text is the number
        // as written for every value with up to 15 significant digits.
        let n = serde_json::Number::deserialize(d)?;
        let text = n.to_string();
        Decimal::from_str(&text)
            .or_else(|_| Decimal::from_scientific(&text))
            .map(Dec)
            .map_err(serde::de::Error::custom)
    }
}

impl Serialize for Dec {
    /// Integers as integers (`60`, not `60.0`); others as the nearest `f64`, which prints
    /// as the decimal itself for up to 15 significant digits.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let d = self.0.normalize();
        if d.scale() == 0 {
            if let Some(i) = d.to_i64() {
                return s.serialize_i64(i);
            }
        }
        s.serialize_f64(d.to_f64().unwrap_or(f64::NAN))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(json: &str, written: &str) {
        let d: Dec = serde_json::from_str(json).unwrap();
        assert_eq!(serde_json::to_string(&d).unwrap(), written, "{json}");
    }

    #[test]
    fn round_trips() {
        check("60", "60");
        check("60.0", "60");
        check("19.99", "19.99");
        check("122.90", "122.9");
        check("-0.5", "-0.5");
        check("1e3", "1000");
        check("102.425", "102.425");
    }

    #[test]
    fn exact_arithmetic() {
        let a: Dec = serde_json::from_str("0.1").unwrap();
        let b: Dec = serde_json::from_str("0.2").unwrap();
        assert_eq!(Dec(a.0 + b.0), serde_json::from_str::<Dec>("0.3").unwrap());
        assert!(serde_json::from_str::<Dec>("\"5\"").is_err());
    }
}
