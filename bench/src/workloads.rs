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
    /// What the route does besides computing, which decides who can serve it.
    pub kind: Kind,
}

/// What a workload's route does besides computing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Computes its answer alone: every server, and the session micro-benchmark.
    Compute,
    /// Calls the benchmark's local upstream (`upstream.rs`): every server, no
    /// micro-benchmark (a session waits on the network).
    Upstream,
    /// An asynchronous route (`"async": true`): answered `202` once the request is
    /// committed to the store. flowc's servers only: the limit has no durable queue.
    Async,
}

impl Workload {
    /// The request path.
    pub fn path(&self) -> String {
        format!("/dynamic/{}", self.route_id)
    }

    /// Whether the hand-written limit serves it (it has no durable queue for `Async`).
    pub fn limit_serves(&self) -> bool {
        self.kind != Kind::Async
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
    kind: Kind::Compute,
};

/// W2: regex, `sum` over the items, `switch_case`, `round`, `number_format`, `[[now]]`.
pub const W2: Workload = Workload {
    key: "w2",
    title: "order triage",
    route_id: "b2000000-0000-4000-8000-000000000002",
    token: "bench-order-token",
    token_sha256: "44fbda067df9d1df287c32a730b429d72a45e76bad1409da4e3a663dc77e531a",
    body: r#"{"customer":{"id":"C123456","tier":"gold"},"items":[{"sku":"A-1","qty":2,"price":19.99},{"sku":"B-2","qty":1,"price":5.5},{"sku":"C-3","qty":3,"price":7.25}]}"#,
    status: 200,
    kind: Kind::Compute,
};

/// W3: one `api_integration` call (`GET <upstream>/accounts/<id>`) to the benchmark's
/// local upstream, one field of its answer in the flow's answer.
pub const W3: Workload = Workload {
    key: "w3",
    title: "upstream lookup",
    route_id: "b3000000-0000-4000-8000-000000000003",
    token: "bench-upstream-token",
    token_sha256: "d79ef53a66f389df88a3fa35db5a35fc68fcb0987a4b9886f564686ca7187c3b",
    body: r#"{"account":"A1234"}"#,
    status: 200,
    kind: Kind::Upstream,
};

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
    kind: Kind::Compute,
};

/// W5: W1's greeting on an asynchronous route: the figure is acknowledged requests per
/// second, each `202` sent once the request is committed to the SQLite store (issue #5).
pub const W5: Workload = Workload {
    key: "w5",
    title: "asynchronous greeting (acknowledged)",
    route_id: "b5000000-0000-4000-8000-000000000005",
    token: "bench-async-token",
    token_sha256: "b8490485e37d049e87a519bccad8564d3cf12652a3ea1236c2873e06b40e578f",
    body: r#"{"name":"Ada"}"#,
    status: 202,
    kind: Kind::Async,
};

/// Every workload, in table order.
pub const ALL: &[Workload] = &[W1, W2, W3, W4, W5];

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
                .ok_or_else(|| format!("unknown workload `{key}` (have: {})", keys_list()))
        })
        .collect()
}

/// `w1, w2, …`: every key, for messages.
fn keys_list() -> String {
    ALL.iter().map(|w| w.key).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use flowc_lang::Value;
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
        assert_eq!(select(&keys(&["w5", "W3"])).unwrap(), vec![W5, W3]);
        let unknown = select(&keys(&["w6"])).unwrap_err();
        assert!(unknown.contains("`w6`"), "{unknown}");
        assert!(unknown.contains("w1, w2, w3, w4, w5"), "{unknown}");
    }

    /// The routes of `routes.json`.
    fn routes() -> Vec<Value> {
        let value = flowc_lang::json::parse(include_str!("../flows/routes.json")).unwrap();
        match value.segment("routes", None) {
            Some(Value::Array(list)) => list.clone(),
            other => panic!("routes.json has no route list: {other:?}"),
        }
    }

    #[test]
    fn only_async_routes_are_async() {
        let routes = routes();
        for w in ALL {
            let route = routes
                .iter()
                .find(|r| r.segment("id", None) == Some(&Value::str(w.route_id)))
                .unwrap_or_else(|| panic!("{}: no route", w.key));
            let is_async = route.segment("async", None) == Some(&Value::Bool(true));
            assert_eq!(is_async, w.kind == Kind::Async, "{}", w.key);
            assert_eq!(w.limit_serves(), !is_async, "{}", w.key);
        }
    }
}
