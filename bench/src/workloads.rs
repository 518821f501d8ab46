//! The workloads: which route each one calls, with which token and body, and what it
//! answers. The flows are in `bench/flows/`; the hand-written limit reads the same table.

/// One workload: a route of the benchmark bundle and the request the load generator sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Workload {
    /// Short key for flags and tables: `w1`.
    pub key: &'static str,
    /// What it exercises.
    pub title: &'static str,
    /// The route id (`/dynamic/<id>`) in `flows/routes.json`.
    pub route_id: &'static str,
    /// The plain bearer token; `routes.json` holds its SHA-256.
    pub token: &'static str,
    /// Lower-case hex SHA-256 of the token, as `routes.json` has it (the limit keeps it too).
    pub token_sha256: &'static str,
    /// The JSON body of every request.
    pub body: &'static str,
    /// The status a correct answer has.
    pub status: u16,
}

impl Workload {
    /// The request path.
    pub fn path(&self) -> String {
        format!("/dynamic/{}", self.route_id)
    }
}

/// W1: one `set_variable` between two checks; the HTTP contract dominates.
pub const W1: Workload = Workload {
    key: "w1",
    title: "greeting",
    route_id: "b1000000-0000-4000-8000-000000000001",
    token: "bench-greeting-token",
    token_sha256: "801d8de993cea31a9235ce72bda8549a3232d9248a71d54821ec78a3cd6ba7d8",
    body: r#"{"name":"Ada"}"#,
    status: 200,
};

/// W2: regex, `sum` over the items, `switch_case`, `round`, `[[now]]`.
pub const W2: Workload = Workload {
    key: "w2",
    title: "order triage",
    route_id: "b2000000-0000-4000-8000-000000000002",
    token: "bench-order-token",
    token_sha256: "44fbda067df9d1df287c32a730b429d72a45e76bad1409da4e3a663dc77e531a",
    body: r#"{"customer":{"id":"C123456","tier":"gold"},"items":[{"sku":"A-1","qty":2,"price":19.99},{"sku":"B-2","qty":1,"price":5.5},{"sku":"C-3","qty":3,"price":7.25}]}"#,
    status: 200,
};

// W3 (one `api_integration` call to a local upstream, its field in the answer) arrives
// with issue #4: add its flow to `bench/flows/`, a `W3` here, its handler to the limit, a
// local upstream started by the benchmark, and `W3` to `ALL` below.

/// W4: 40 computation steps per session (`set_variable`, `calculate`, `switch_case`,
/// `is_empty`, `regex`, `remap`), to show the cost per node.
pub const W4: Workload = Workload {
    key: "w4",
    title: "40-step profile",
    route_id: "b4000000-0000-4000-8000-000000000004",
    token: "bench-profile-token",
    token_sha256: "a9458e914b6c08bdbeccb169b37a1ba15fda58905543ba7e5a04dc901a06079e",
    body: r#"{"user":{"id":"U12345","name":"  Ada Lovelace ","email":" Ada@Example.COM","age":36,"country":"gb","tier":"Gold","phone":"+27 82 123 4567"},"scores":[3,5,8,13,21],"coupon":"save5","amount":120.5,"tags":["vip","beta"]}"#,
    status: 200,
};

/// Every workload, in table order.
pub const ALL: &[Workload] = &[W1, W2, W4];

/// The workloads whose keys are listed (all of them for an empty list); an unknown key
/// is an error naming it.
pub fn select(keys: &[String]) -> Result<Vec<Workload>, String> {
    if keys.is_empty() {
        return Ok(ALL.to_vec());
    }
    keys.iter()
        .map(|key| {
            ALL.iter()
                .find(|w| w.key.eq_ignore_ascii_case(key))
                .copied()
                .ok_or_else(|| format!("unknown workload `{key}` (have: w1, w2, w4)"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    #[test]
    fn hashes_match_tokens() {
        for w in ALL {
            let digest = Sha256::digest(w.token.as_bytes());
            let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
            assert_eq!(hex, w.token_sha256, "{}", w.key);
        }
    }

    #[test]
    fn routes_json_has_every_workload() {
        let routes = include_str!("../flows/routes.json");
        for w in ALL {
            assert!(routes.contains(w.route_id), "{}", w.key);
            assert!(routes.contains(w.token_sha256), "{}", w.key);
        }
    }

    #[test]
    fn selection() {
        let keys = |ks: &[&str]| ks.iter().map(|k| k.to_string()).collect::<Vec<_>>();
        assert_eq!(select(&[]).unwrap(), ALL.to_vec());
        assert_eq!(select(&keys(&["W4", "w1"])).unwrap(), vec![W4, W1]);
        assert!(select(&keys(&["w3"])).unwrap_err().contains("`w3`"));
    }
}
