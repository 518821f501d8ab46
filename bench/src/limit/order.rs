//! W2 by hand: order triage.

use super::num::Dec;
use super::to_json;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

/// Customer ids look like `C123456`.
static CUSTOMER_ID: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new("^C[0-9]{6}$").unwrap_or_else(|e| panic!("{e}")));

const INVALID_ID: &str = "invalid customer id";

#[derive(Clone, Deserialize)]
pub(super) struct OrderIn {
    customer: Option<Customer>,
    #[serde(default)]
    items: Vec<Item>,
}

#[derive(Clone, Deserialize)]
struct Customer {
    id: Option<String>,
    tier: Option<String>,
}

#[derive(Clone, Deserialize)]
struct Item {
    qty: Dec,
    price: Dec,
}

#[derive(Serialize)]
struct OrderOut<'a> {
    customer: &'a str,
    subtotal: Dec,
    discount_pct: Dec,
    total: Dec,
    total_text: String,
    priced_at: String,
}

/// Validates the customer id, prices the items, applies the tier's discount.
pub(super) fn triage(input: Option<OrderIn>) -> Result<Vec<u8>, &'static str> {
    let order = input.ok_or(INVALID_ID)?;
    let customer = order.customer.as_ref();
    let id = customer
        .and_then(|c| c.id.as_deref())
        .filter(|id| CUSTOMER_ID.is_match(id))
        .ok_or(INVALID_ID)?;
    let subtotal: Decimal = order.items.iter().map(|i| i.qty.0 * i.price.0).sum();
    let tier = customer.and_then(|c| c.tier.as_deref()).unwrap_or("");
    let discount_pct = discount(tier);
    let total = (subtotal * (Decimal::ONE_HUNDRED - discount_pct) / Decimal::ONE_HUNDRED)
        // Banker's rounding, as the flow's `round(x, 2)`.
        .round_dp(2);
    to_json(&OrderOut {
        customer: id,
        subtotal: Dec(subtotal),
        discount_pct: Dec(discount_pct),
        total: Dec(total),
        total_text: grouped(total),
        priced_at: flowc_lang::time::now_iso(),
    })
}

/// `#,##0.00`: two decimals, half-even as Java's `DecimalFormat`, thousands grouped by
/// commas; a negative value that rounds to zero keeps its sign (`-0.00`, §13 rule 22).
fn grouped(value: Decimal) -> String {
    let rounded = value.round_dp_with_strategy(2, RoundingStrategy::MidpointNearestEven);
    let fixed = format!("{:.2}", rounded.abs());
    let (int, frac) = fixed.split_once('.').unwrap_or((&fixed, "00"));
    let mut out = String::with_capacity(fixed.len() + int.len() / 3 + 1);
    if value.is_sign_negative() && !value.is_zero() {
        out.push('-');
    }
    for (i, digit) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out.push('.');
    out.push_str(frac);
    out
}

/// The discount in percent for a tier, case-insensitively.
fn discount(tier: &str) -> Decimal {
    if tier.eq_ignore_ascii_case("gold") {
        Decimal::TEN
    } else if tier.eq_ignore_ascii_case("silver") {
        Decimal::from(5)
    } else {
        Decimal::ZERO
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `#,##0.00` as the flow's `number_format` writes it (§4.4).
    #[test]
    fn totals_are_grouped_with_two_decimals() {
        for (value, text) in [
            ("60.51", "60.51"),
            ("0.5", "0.50"),
            ("1234567.5", "1,234,567.50"),
            ("999.995", "1,000.00"),
            ("2.675", "2.68"),
            ("2.665", "2.66"),
            ("-1234.5", "-1,234.50"),
            ("100", "100.00"),
            ("-0.001", "-0.00"),
            ("-0.005", "-0.00"),
            ("0", "0.00"),
        ] {
            let value: Decimal = value.parse().unwrap();
            assert_eq!(grouped(value), text, "{value}");
        }
    }
}
