//! W2 by hand: order triage.

use super::num::Dec;
use super::to_json;
use rust_decimal::Decimal;
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
        priced_at: flowc_lang::time::now_iso(),
    })
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
