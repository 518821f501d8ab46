//! W4 by hand: the 40-step profile flow as straight-line Rust.

use super::num::Dec;
use super::to_json;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

fn compile(pattern: &str) -> regex::Regex {
    regex::Regex::new(pattern).unwrap_or_else(|e| panic!("{pattern}: {e}"))
}

static USER_ID: LazyLock<regex::Regex> = LazyLock::new(|| compile("^U([0-9]{5})$"));
static EMAIL: LazyLock<regex::Regex> =
    LazyLock::new(|| compile(r"^[a-z0-9._%+-]+@([a-z0-9.-]+\.[a-z]{2,})$"));
static PHONE: LazyLock<regex::Regex> = LazyLock::new(|| compile(r"^\+?([0-9 ]{7,20})$"));
static COUPON: LazyLock<regex::Regex> = LazyLock::new(|| compile("^SAVE([0-9]{1,2})$"));

const USER_REQUIRED: &str = "a `user` is required";
const INVALID_ID: &str = "invalid user id";
const NAME_REQUIRED: &str = "a non-empty `name` is required";
const INVALID_EMAIL: &str = "invalid email";
const NOT_ADULT: &str = "the user must be an adult";
const CALC_FAILED: &str = "a calculation failed";

#[derive(Clone, Deserialize)]
pub(super) struct ProfileIn {
    user: Option<User>,
    #[serde(default)]
    scores: Vec<Dec>,
    coupon: Option<String>,
    amount: Option<Dec>,
    #[serde(default)]
    tags: Vec<String>,
}

#[derive(Clone, Deserialize)]
struct User {
    id: Option<String>,
    name: Option<String>,
    email: Option<String>,
    age: Option<Dec>,
    country: Option<String>,
    tier: Option<String>,
    phone: Option<String>,
}

#[derive(Serialize)]
struct ProfileOut<'a> {
    greeting: String,
    profile: Profile<'a>,
    scores: Scores<'a>,
    pricing: Pricing,
    points: Dec,
    vip: bool,
    first_tag: Option<&'a str>,
}

#[derive(Serialize)]
struct Profile<'a> {
    id: &'a str,
    name: &'a str,
    initials: String,
    contact: String,
    domain: &'a str,
    phone: &'a str,
    region: &'static str,
    adult: bool,
}

#[derive(Serialize)]
struct Scores<'a> {
    values: &'a [Dec],
    sum: Dec,
    count: usize,
    avg: Dec,
    high: bool,
}

#[derive(Serialize)]
struct Pricing {
    discount_pct: Dec,
    net: Dec,
    vat: Dec,
    gross: Dec,
    shipping: Dec,
    payable: Dec,
    band: &'static str,
}

/// Checks the user, scores the list, prices the amount with VAT, discount and coupon.
pub(super) fn score(input: Option<ProfileIn>) -> Result<Vec<u8>, &'static str> {
    let p = input.ok_or(USER_REQUIRED)?;
    let user = p.user.as_ref().ok_or(USER_REQUIRED)?;
    let id = captured(&USER_ID, user.id.as_deref()).ok_or(INVALID_ID)?;
    let name = user.name.as_deref().unwrap_or("").trim();
    if name.is_empty() {
        return Err(NAME_REQUIRED);
    }
    let email = user.email.as_deref().unwrap_or("").trim().to_lowercase();
    let domain = captured(&EMAIL, Some(&email)).ok_or(INVALID_EMAIL)?;
    let phone = captured(&PHONE, user.phone.as_deref()).unwrap_or("");
    let adult = user.age.ok_or(NOT_ADULT)?.0 >= Decimal::from(18);
    if !adult {
        return Err(NOT_ADULT);
    }
    let sum: Decimal = p.scores.iter().map(|d| d.0).sum();
    let count = p.scores.len();
    let avg = sum
        .checked_div(Decimal::from(count))
        .ok_or(CALC_FAILED)?
        .round_dp(2);
    let pricing = price(&p, user)?;
    let points = (pricing.payable.0 / Decimal::TEN).floor() + Decimal::from(count * 2);
    let out = ProfileOut {
        greeting: format!("Welcome, {name}"),
        profile: Profile {
            id,
            name,
            initials: name.chars().take(1).flat_map(char::to_uppercase).collect(),
            contact: format!("{name} <{email}>"),
            domain,
            phone,
            region: region_and_vat(user.country.as_deref()).0,
            adult,
        },
        scores: Scores {
            values: &p.scores,
            sum: Dec(sum),
            count,
            avg: Dec(avg),
            high: avg >= Decimal::TEN,
        },
        pricing,
        points: Dec(points),
        vip: points >= Decimal::from(50),
        first_tag: p.tags.first().map(String::as_str),
    };
    to_json(&out)
}

/// The first group of `re` in `input`, if it matches.
fn captured<'a>(re: &regex::Regex, input: Option<&'a str>) -> Option<&'a str> {
    Some(re.captures(input?)?.get(1)?.as_str())
}

/// Discount (tier, then coupon, capped at 25%), VAT by country, band and shipping.
fn price(p: &ProfileIn, user: &User) -> Result<Pricing, &'static str> {
    let mut discount = match user.tier.as_deref().map(str::to_lowercase).as_deref() {
        Some("gold") => Decimal::TEN,
        Some("silver") => Decimal::from(5),
        _ => Decimal::ZERO,
    };
    if let Some(coupon) = p.coupon.as_deref().filter(|c| !c.is_empty()) {
        if let Some(bonus) = captured(&COUPON, Some(&coupon.to_uppercase())) {
            discount += bonus.parse::<Decimal>().map_err(|_| CALC_FAILED)?;
        }
    }
    let capped = discount.min(Decimal::from(25));
    let amount = p.amount.ok_or(CALC_FAILED)?.0;
    let net = amount * (Decimal::ONE_HUNDRED - capped) / Decimal::ONE_HUNDRED;
    let vat_pct = Decimal::from(region_and_vat(user.country.as_deref()).1);
    let vat = (net * vat_pct / Decimal::ONE_HUNDRED).round_dp(2);
    let gross = (net + vat).round_dp(2);
    let (band, shipping) = if gross > Decimal::ONE_HUNDRED {
        ("large", Decimal::ZERO)
    } else {
        ("small", Decimal::new(499, 2))
    };
    Ok(Pricing {
        discount_pct: Dec(capped),
        net: Dec(net),
        vat: Dec(vat),
        gross: Dec(gross),
        shipping: Dec(shipping),
        payable: Dec(gross + shipping),
        band,
    })
}

/// The sales region and VAT rate (percent) of a country code, case-insensitively.
fn region_and_vat(country: Option<&str>) -> (&'static str, i64) {
    match country.map(str::to_uppercase).as_deref() {
        Some("ZA") => ("EMEA", 15),
        Some("GB") => ("EMEA", 20),
        Some("US") => ("AMER", 0),
        _ => ("OTHER", 0),
    }
}
