//! What references read: the request, the session, variables and node outputs.
//!
//! The compiled backend reads these through generated struct fields; the interpreter
//! through the [`Scope`] trait. Both share [`RequestData`], [`SessionData`] and
//! [`NodeOutput`] so a reference means the same thing on both sides.

use crate::lazy_text::{LazyText, Written};
use crate::template::NodePart;
use crate::value::{Map, Value};
use std::borrow::Cow;
use std::net::IpAddr;
use std::sync::Arc;

mod result_slot;
pub use result_slot::{ResultOrError, ResultSlot};

/// The caller's address (`203.0.113.9`, `2001:db8::1`), written the first time
/// something reads it (`[[request:ip]]`, a stored request); empty by default.
pub type CallerIp = LazyText<IpAddr>;

impl Written for IpAddr {
    const UNSET: &'static str = "";

    fn written(&self) -> String {
        self.to_string()
    }
}

/// The incoming request as flows see it (§3.1, §13 rule 9).
#[derive(Debug, Clone, Default)]
pub struct RequestData {
    /// `GET`, `POST`, ...
    /// (The route's own method — a request with another never reaches a session — so
    /// usually a static string: nothing to allocate per request.)
    pub method: Cow<'static, str>,
    /// The path without the query string.
    /// (Shared with the route table.)
    pub path: Arc<str>,
    /// The caller's address after §6.3, IPv4-mapped written as IPv4.
    pub ip: CallerIp,
    /// Query parameters, first value of each, in order.
    pub query: Map,
    /// Headers by lower-case name; repeated headers joined with `, `.
    pub headers: Vec<(String, String)>,
    /// The JSON body; `None` when the body was empty.
    pub body: Option<Value>,
}

impl RequestData {
    /// The method.
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The path without the query string.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// A header by lower-case name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Facts about the running session (§3.1 `[[session:...]]`).
#[derive(Debug, Clone, Default)]
pub struct SessionData {
    /// The execution id (also `X-Request-Id`).
    pub id: Arc<str>,
    /// The route's name.
    /// (Shared with the route table.)
    pub route: Arc<str>,
    /// The current flow id (changes on a trigger into another flow).
    /// (A static string in generated code.)
    pub flow: Cow<'static, str>,
    /// Start time, ISO-8601 UTC with milliseconds.
    pub started_at: crate::time::StartTime,
    /// The route's msisdn template evaluated at start and normalised, if any.
    pub msisdn: Option<String>,
}

impl SessionData {
    /// The execution id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The route's name.
    pub fn route(&self) -> &str {
        &self.route
    }
}

/// Everything a node leaves behind for `[[node:...]]` (§13 rules 12–13). The parts most
/// nodes make are kept in line; those only a few kinds make are boxed together in `rare`,
/// so an output is small to make, replace and drop (issue 6: a compiled session keeps one
/// per node name).
#[derive(Debug, Clone, Default)]
pub struct NodeOutput {
    /// `[[node:result]]`.
    pub result: Option<Value>,
    /// `[[node:error]]`.
    pub error: Option<Value>,
    /// Regex groups: 0 is the whole match; `None` for a group that took no part.
    pub groups: Vec<Option<Value>>,
    /// The parts of `display_list`, `send_template` and `api_integration`; `None` when the
    /// node made none of them.
    pub rare: Option<Box<RareParts>>,
}

/// The parts of a [`NodeOutput`] only a few node kinds make.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RareParts {
    /// `[[node:count]]` (display_list).
    pub count: Option<Value>,
    /// `[[node:message_id]]` (send_template).
    pub message_id: Option<Value>,
    /// `[[node:HTTP_RESPONSE_CODE]]` (api_integration).
    pub status_code: Option<Value>,
    /// Response headers by lower-case name (api_integration).
    pub headers: Vec<(String, String)>,
}

impl RareParts {
    /// None of the parts.
    pub const EMPTY: RareParts = RareParts {
        count: None,
        message_id: None,
        status_code: None,
        headers: Vec::new(),
    };
}

static NO_RARE_PARTS: RareParts = RareParts::EMPTY;

/// Outputs are equal when they read the same: an empty `rare` box is no box.
impl PartialEq for NodeOutput {
    fn eq(&self, other: &NodeOutput) -> bool {
        self.result == other.result
            && self.error == other.error
            && self.groups == other.groups
            && self.rare_parts() == other.rare_parts()
    }
}

impl NodeOutput {
    /// The rarely made parts, empty when none were made.
    pub fn rare_parts(&self) -> &RareParts {
        self.rare.as_deref().unwrap_or(&NO_RARE_PARTS)
    }

    /// The rarely made parts to write into, boxed on first use.
    pub fn rare_mut(&mut self) -> &mut RareParts {
        self.rare.get_or_insert_with(Box::default)
    }

    /// `[[node:count]]`.
    pub fn count(&self) -> Option<&Value> {
        self.rare_parts().count.as_ref()
    }

    /// `[[node:message_id]]`.
    pub fn message_id(&self) -> Option<&Value> {
        self.rare_parts().message_id.as_ref()
    }

    /// `[[node:HTTP_RESPONSE_CODE]]`.
    pub fn status_code(&self) -> Option<&Value> {
        self.rare_parts().status_code.as_ref()
    }

    /// The response headers, by lower-case name.
    pub fn headers(&self) -> &[(String, String)] {
        &self.rare_parts().headers
    }
}

impl NodeOutput {
    /// Reads a resolved part. `NodePart::Other` is read as a path under `result`.
    pub fn part(&self, part: &NodePart, pos: Option<usize>) -> Option<&Value> {
        match part {
            NodePart::Result(path) | NodePart::Other(path) => path.get(self.result.as_ref()?, pos),
            NodePart::Error => self.error.as_ref(),
            NodePart::Count => self.count(),
            NodePart::MessageId => self.message_id(),
            NodePart::StatusCode => self.status_code(),
            NodePart::Header(_) => None,
            NodePart::Group(i) => self.groups.get(*i).and_then(|g| g.as_ref()),
        }
    }

    /// A response header by lower-case name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers()
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

impl NodeOutput {
    /// An output with nothing in it: what a node that has not run reads as.
    pub const EMPTY: NodeOutput = NodeOutput {
        result: None,
        error: None,
        groups: Vec::new(),
        rare: None,
    };
}

impl NodeOutput {
    /// Replaces the whole output with one holding only `result` and `error`, as
    /// `*self = NodeOutput { result, error, ..NodeOutput::EMPTY }` does. A node that makes
    /// only those two parts (most do) usually replaces an output holding nothing else, and
    /// then only those two fields are written: no rewrite of the whole output per node run.
    #[inline]
    pub fn replace_with(&mut self, result: Option<Value>, error: Option<Value>) {
        // Every field named: a part added later must be counted here too.
        let NodeOutput {
            result: _,
            error: _,
            groups,
            rare,
        } = self;
        let bare = groups.is_empty() && rare.is_none();
        if bare {
            self.result = result;
            self.error = error;
        } else {
            *self = NodeOutput {
                result,
                error,
                ..NodeOutput::EMPTY
            };
        }
    }
}

static EMPTY_OUTPUT: NodeOutput = NodeOutput::EMPTY;

/// A node's output in a compiled session, kept in the session struct itself: empty until
/// the node runs, it costs no allocation to make, fill or drop (issue 6: boxing every
/// output was a twentieth of W4's instructions). It reads as its output
/// ([`NodeOutput::EMPTY`] before the node ran). Groups with many nodes use
/// [`BoxedNodeSlot`] instead, so a session stays small however many nodes its flows name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NodeSlot(NodeOutput);

impl NodeSlot {
    /// Replaces the output.
    pub fn set(&mut self, output: NodeOutput) {
        self.0 = output;
    }

    /// The output to write into.
    pub fn output_mut(&mut self) -> &mut NodeOutput {
        &mut self.0
    }

    /// Moves `result` out, leaving it absent (the step read it for the last time).
    pub fn take_result(&mut self) -> Option<Value> {
        self.0.result.take()
    }

    /// Moves regex group `i` out, leaving it absent (the step read it for the last time).
    pub fn take_group(&mut self, i: usize) -> Option<Value> {
        self.0.groups.get_mut(i).and_then(Option::take)
    }

    /// The slot of a stored output ([`NodeOutput::from_value`]).
    pub fn from_value(value: &Value) -> NodeSlot {
        NodeSlot(NodeOutput::from_value(value))
    }
}

impl std::ops::Deref for NodeSlot {
    type Target = NodeOutput;

    fn deref(&self) -> &NodeOutput {
        &self.0
    }
}

/// A node's output in a compiled session of a group with many nodes, most of which a
/// session never runs: boxed, a node that has not run costs a pointer to make, move and
/// drop. Otherwise like [`NodeSlot`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BoxedNodeSlot(Option<Box<NodeOutput>>);

impl BoxedNodeSlot {
    /// Replaces the output.
    pub fn set(&mut self, output: NodeOutput) {
        self.0 = Some(Box::new(output));
    }

    /// The output to write into, made empty first if the node had not run.
    pub fn output_mut(&mut self) -> &mut NodeOutput {
        self.0.get_or_insert_with(Box::default)
    }

    /// Moves `result` out, leaving it absent (the step read it for the last time).
    pub fn take_result(&mut self) -> Option<Value> {
        self.0.as_mut()?.result.take()
    }

    /// Moves regex group `i` out, leaving it absent (the step read it for the last time).
    pub fn take_group(&mut self, i: usize) -> Option<Value> {
        self.0.as_mut()?.groups.get_mut(i).and_then(Option::take)
    }

    /// The slot of a stored output ([`NodeOutput::from_value`]).
    pub fn from_value(value: &Value) -> BoxedNodeSlot {
        BoxedNodeSlot(Some(Box::new(NodeOutput::from_value(value))))
    }
}

impl std::ops::Deref for BoxedNodeSlot {
    type Target = NodeOutput;

    fn deref(&self) -> &NodeOutput {
        self.0.as_deref().unwrap_or(&EMPTY_OUTPUT)
    }
}

/// The interpreter's view of a session; the compiled backend does not use it.
pub trait Scope {
    /// A session variable by name.
    fn var(&self, name: &str) -> Option<&Value>;
    /// A node's output by name.
    fn node(&self, name: &str) -> Option<&NodeOutput>;
    /// The request.
    fn request(&self) -> &RequestData;
    /// The session facts.
    fn session(&self) -> &SessionData;
}

impl NodeOutput {
    /// The output as a JSON object, for a stored session (absent parts are left out).
    pub fn to_value(&self) -> Value {
        let mut map = Map::default();
        let parts = [
            ("result", self.result.as_ref()),
            ("error", self.error.as_ref()),
            ("count", self.count()),
            ("message_id", self.message_id()),
            ("status_code", self.status_code()),
        ];
        for (key, part) in parts {
            if let Some(v) = part {
                map.insert(key.to_owned(), v.clone());
            }
        }
        if !self.headers().is_empty() {
            let headers = self
                .headers()
                .iter()
                .map(|(k, v)| Value::Array(vec![k.as_str().into(), v.as_str().into()]));
            map.insert("headers".to_owned(), Value::Array(headers.collect()));
        }
        if !self.groups.is_empty() {
            let groups = self.groups.iter().map(|g| match g {
                Some(v) => Value::Array(vec![v.clone()]),
                None => Value::Array(Vec::new()),
            });
            map.insert("groups".to_owned(), Value::Array(groups.collect()));
        }
        Value::Object(map)
    }

    /// The output [`NodeOutput::to_value`] wrote; parts it cannot read are left absent.
    pub fn from_value(value: &Value) -> NodeOutput {
        let part = |key: &str| value.segment(key, None).cloned();
        let list = |key: &str| match value.segment(key, None) {
            Some(Value::Array(items)) => items.as_slice(),
            _ => &[],
        };
        let headers = list("headers").iter().filter_map(|pair| match pair {
            Value::Array(kv) => match kv.as_slice() {
                [Value::String(k), Value::String(v)] => Some((k.clone(), v.clone())),
                _ => None,
            },
            _ => None,
        });
        let groups = list("groups").iter().map(|g| match g {
            Value::Array(one) => one.first().cloned(),
            _ => None,
        });
        let rare = RareParts {
            count: part("count"),
            message_id: part("message_id"),
            status_code: part("status_code"),
            headers: headers.collect(),
        };
        NodeOutput {
            result: part("result"),
            error: part("error"),
            groups: groups.collect(),
            rare: (rare != RareParts::EMPTY).then(|| Box::new(rare)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Replacing keeps only the two parts given, whatever the output held before.
    #[test]
    fn replace_with_leaves_only_result_and_error() {
        let full = NodeOutput {
            result: Some(Value::str("r")),
            error: Some(Value::str("e")),
            groups: vec![None],
            rare: Some(Box::new(RareParts {
                count: Some(Value::str("c")),
                message_id: Some(Value::str("m")),
                status_code: Some(Value::str("s")),
                headers: vec![("h".into(), "v".into())],
            })),
        };
        let only = |result: Option<Value>, error: Option<Value>| NodeOutput {
            result,
            error,
            ..NodeOutput::EMPTY
        };
        let partial = [
            only(Some(Value::str("r")), None),
            NodeOutput {
                groups: vec![None],
                ..NodeOutput::EMPTY
            },
            NodeOutput {
                rare: Some(Box::new(RareParts {
                    count: Some(Value::str("c")),
                    ..RareParts::EMPTY
                })),
                ..NodeOutput::EMPTY
            },
        ];
        for before in [NodeOutput::EMPTY, full].into_iter().chain(partial) {
            for (result, error) in [
                (None, None),
                (Some(Value::str("new")), None),
                (None, Some(Value::str("bad"))),
            ] {
                let mut out = before.clone();
                out.replace_with(result.clone(), error.clone());
                assert_eq!(out, only(result, error), "from {before:?}");
            }
        }
    }

    /// The rare parts are boxed only when made: an output without them carries no box,
    /// even after a trip through its stored value, and an empty box reads as none.
    #[test]
    fn rare_parts_are_boxed_only_when_made() {
        let plain = NodeOutput {
            result: Some(Value::str("r")),
            groups: vec![None],
            ..NodeOutput::EMPTY
        };
        assert!(NodeOutput::from_value(&plain.to_value()).rare.is_none());
        let empty_box = NodeOutput {
            rare: Some(Box::default()),
            ..plain.clone()
        };
        assert_eq!(empty_box, plain);
        let mut listed = plain.clone();
        listed.rare_mut().count = Some(Value::str("2"));
        assert_ne!(listed, plain);
        assert_eq!(listed.count(), Some(&Value::str("2")));
        assert_eq!(NodeOutput::from_value(&listed.to_value()), listed);
    }

    /// Both kinds of slot behave alike: the same tests run on each.
    macro_rules! slot_tests {
        ($kind:ident, $slot:ty) => {
            mod $kind {
                use super::*;

                #[test]
                fn a_slot_reads_empty_until_written() {
                    let mut slot = <$slot>::default();
                    assert_eq!(*slot, NodeOutput::EMPTY);
                    assert_eq!(slot.result, None);
                    slot.output_mut().error = Some(Value::str("bad"));
                    assert_eq!(slot.error, Some(Value::str("bad")));
                    slot.set(NodeOutput {
                        result: Some(Value::str("ok")),
                        ..NodeOutput::default()
                    });
                    assert_eq!(
                        (slot.result.clone(), slot.error.clone()),
                        (Some(Value::str("ok")), None)
                    );
                }

                #[test]
                fn a_slot_moves_out_a_result_or_a_group_once() {
                    let mut slot = <$slot>::default();
                    assert_eq!((slot.take_result(), slot.take_group(1)), (None, None));
                    assert_eq!(slot, <$slot>::default());
                    slot.set(NodeOutput {
                        result: Some(Value::str("whole")),
                        groups: vec![Some(Value::str("whole")), Some(Value::str("g1"))],
                        ..NodeOutput::default()
                    });
                    assert_eq!(slot.take_group(1), Some(Value::str("g1")));
                    assert_eq!(slot.take_group(1), None);
                    assert_eq!(slot.take_group(9), None);
                    assert_eq!(slot.take_result(), Some(Value::str("whole")));
                    assert_eq!(slot.result, None);
                    assert_eq!(slot.groups, [Some(Value::str("whole")), None]);
                }

                #[test]
                fn a_slot_round_trips_through_its_stored_value() {
                    let mut slot = <$slot>::default();
                    slot.set(NodeOutput {
                        result: Some(Value::str("r")),
                        groups: vec![Some(Value::str("r")), None],
                        rare: Some(Box::new(RareParts {
                            headers: vec![("x-a".to_owned(), "1".to_owned())],
                            ..RareParts::default()
                        })),
                        ..NodeOutput::default()
                    });
                    let again = <$slot>::from_value(&slot.to_value());
                    assert_eq!(again, slot);
                    let empty = <$slot>::default();
                    assert_eq!(<$slot>::from_value(&empty.to_value()).result, None);
                }
            }
        };
    }

    slot_tests!(inline, NodeSlot);
    slot_tests!(boxed, BoxedNodeSlot);

    /// An address is written as `[[request:ip]]` shows it, whether it came from the socket
    /// or from a stored request's text; none reads as empty.
    #[test]
    fn caller_addresses_read_as_text() {
        let v4: std::net::IpAddr = [203, 0, 113, 9].into();
        assert_eq!(CallerIp::from(v4).as_str(), "203.0.113.9");
        let v6: std::net::IpAddr = "2001:db8::1".parse().expect("an IPv6 address");
        assert_eq!(CallerIp::from(v6).as_str(), "2001:db8::1");
        assert_eq!(CallerIp::from("198.51.100.7").as_str(), "198.51.100.7");
        assert_eq!(CallerIp::default().as_str(), "");
        let read_twice = CallerIp::from(v4);
        assert_eq!(read_twice.as_str(), read_twice.clone().as_str());
    }
}
