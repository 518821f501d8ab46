//! What each object of a bundle may hold: node types and their fields (§2, §4, §4.7, §5).
//!
//! One table per object kind keeps the reader generic: adding a field is adding a row.

/// How a field's JSON value is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A literal string, never expanded.
    Text,
    /// A string parsed as a template (§3).
    Template,
    /// `true` or `false`.
    Bool,
    /// A non-negative integer.
    Uint,
    /// A branch target: a step number or `{"flow", "step"}`.
    Target,
    /// Any JSON value, kept as written.
    Json,
    /// A JSON array, kept as written (read further by its owner).
    List,
    /// A JSON value whose strings are templates.
    Value,
    /// An object of name → template (`headers`, `query`, `parameters`).
    Templates,
    /// `set_variable`'s object of variable name → value template.
    Assign,
    /// `switch_case`'s list of `{"value", "next"}`.
    Cases,
    /// `api_integration`'s object of validation value → target.
    Branches,
    /// A list of literal strings.
    Strings,
    /// A `calculate` expression (§4.1).
    Expr,
    /// A string or a list of strings (`token_sha256`).
    Hashes,
    /// A `date_format` input format: `iso8601`, `epoch_ms` or a date pattern (§4.3).
    DateIn,
    /// A `date_format` output format.
    DateOut,
    /// A `number_format` pattern (§4.4).
    NumberPattern,
    /// A `display_list` pattern (§4.5).
    ListPattern,
}

impl Kind {
    /// What a value of this kind looks like, for "must be …" messages.
    pub fn expected(self) -> &'static str {
        match self {
            Kind::Text => "a string",
            Kind::Template => "a string (a template)",
            Kind::Bool => "true or false",
            Kind::Uint => "a non-negative integer",
            Kind::Target => "a step number or {\"flow\": …, \"step\": …}",
            Kind::Json | Kind::Value => "a JSON value",
            Kind::List => "a list",
            Kind::Templates => "an object of strings (templates)",
            Kind::Assign => "an object of variable name → value",
            Kind::Cases => "a list of {\"value\", \"next\"} objects",
            Kind::Branches => "an object of value → target",
            Kind::Strings => "a list of strings",
            Kind::Expr => "a string (an expression)",
            Kind::Hashes => "a string or a list of strings",
            Kind::DateIn | Kind::DateOut => "a string (`iso8601`, `epoch_ms` or a date pattern)",
            Kind::NumberPattern => "a string (a number pattern)",
            Kind::ListPattern => "a string (a list pattern)",
        }
    }
}

/// One allowed field of an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    /// The key.
    pub name: &'static str,
    /// How its value is read.
    pub kind: Kind,
    /// Whether leaving it out is an error.
    pub required: bool,
}

const fn req(name: &'static str, kind: Kind) -> FieldSpec {
    FieldSpec {
        name,
        kind,
        required: true,
    }
}

const fn opt(name: &'static str, kind: Kind) -> FieldSpec {
    FieldSpec {
        name,
        kind,
        required: false,
    }
}

/// A workflow file's top-level keys (§2, §10).
pub const FLOW_FIELDS: &[FieldSpec] = &[
    req("flow", Kind::Text),
    opt("name", Kind::Text),
    opt("version", Kind::Json),
    opt("status", Kind::Text),
    opt("approvals", Kind::List),
    opt("description", Kind::Text),
    req("steps", Kind::List),
];

/// `routes.json`'s top-level keys.
pub const ROUTES_FILE_FIELDS: &[FieldSpec] = &[req("routes", Kind::List)];

/// `integrations.json`'s top-level keys.
pub const INTEGRATIONS_FILE_FIELDS: &[FieldSpec] = &[req("integrations", Kind::List)];

/// A route's fields (§5).
pub const ROUTE_FIELDS: &[FieldSpec] = &[
    req("id", Kind::Text),
    req("name", Kind::Text),
    req("method", Kind::Text),
    req("allowed_ips", Kind::Text),
    opt("async", Kind::Bool),
    req("flow", Kind::Text),
    opt("step", Kind::Uint),
    opt("token_sha256", Kind::Hashes),
    opt("timeout_ms", Kind::Uint),
    opt("msisdn", Kind::Template),
    opt("description", Kind::Text),
];

/// An integration's fields (§4.7, §13 rule 25).
pub const INTEGRATION_FIELDS: &[FieldSpec] = &[
    req("name", Kind::Text),
    req("url", Kind::Template),
    opt("method", Kind::Text),
    opt("headers", Kind::Templates),
    opt("query", Kind::Templates),
    opt("body", Kind::Value),
    opt("base_element", Kind::Text),
    opt("validation", Kind::Text),
    opt("timeout_ms", Kind::Uint),
    opt("description", Kind::Text),
];

/// A `switch_case` case's fields.
pub const CASE_FIELDS: &[FieldSpec] = &[req("value", Kind::Json), opt("next", Kind::Target)];

/// A `{"flow", "step"}` target's fields.
pub const FLOW_TARGET_FIELDS: &[FieldSpec] = &[req("flow", Kind::Text), req("step", Kind::Uint)];

/// Fields every node may have (`name` is required on result nodes, see [`NodeType::is_result`]).
pub const COMMON_NODE_FIELDS: &[FieldSpec] = &[
    req("step", Kind::Uint),
    req("type", Kind::Text),
    opt("name", Kind::Text),
    opt("description", Kind::Text),
    opt("label", Kind::Text),
];

/// Branch fields read on a node of unknown type, so its targets still count for reachability.
pub const UNKNOWN_NODE_FIELDS: &[FieldSpec] = &[
    opt("next", Kind::Target),
    opt("yes", Kind::Target),
    opt("no", Kind::Target),
    opt("default", Kind::Target),
    opt("other", Kind::Target),
];

/// The node types of §4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NodeType {
    /// `start`
    Start,
    /// `set_variable`
    SetVariable,
    /// `calculate`
    Calculate,
    /// `switch_case`
    SwitchCase,
    /// `is_empty`
    IsEmpty,
    /// `is_null`
    IsNull,
    /// `regex`
    Regex,
    /// `date_format`
    DateFormat,
    /// `number_format`
    NumberFormat,
    /// `display_list`
    DisplayList,
    /// `encrypt`
    Encrypt,
    /// `api_integration`
    ApiIntegration,
    /// `send_template`
    SendTemplate,
    /// `wait_for_callback`
    WaitForCallback,
    /// `opt_out`
    OptOut,
    /// `verify_opt_out`
    VerifyOptOut,
    /// `delete_opt_out`
    DeleteOptOut,
    /// `remap`
    Remap,
    /// `api_end`
    ApiEnd,
}

const NEXT: &[&str] = &["next"];
const YES_NO: &[&str] = &["yes", "no"];

impl NodeType {
    /// Every node type.
    pub const ALL: [NodeType; 19] = [
        NodeType::Start,
        NodeType::SetVariable,
        NodeType::Calculate,
        NodeType::SwitchCase,
        NodeType::IsEmpty,
        NodeType::IsNull,
        NodeType::Regex,
        NodeType::DateFormat,
        NodeType::NumberFormat,
        NodeType::DisplayList,
        NodeType::Encrypt,
        NodeType::ApiIntegration,
        NodeType::SendTemplate,
        NodeType::WaitForCallback,
        NodeType::OptOut,
        NodeType::VerifyOptOut,
        NodeType::DeleteOptOut,
        NodeType::Remap,
        NodeType::ApiEnd,
    ];

    /// The name used in flow files.
    pub fn name(self) -> &'static str {
        match self {
            NodeType::Start => "start",
            NodeType::SetVariable => "set_variable",
            NodeType::Calculate => "calculate",
            NodeType::SwitchCase => "switch_case",
            NodeType::IsEmpty => "is_empty",
            NodeType::IsNull => "is_null",
            NodeType::Regex => "regex",
            NodeType::DateFormat => "date_format",
            NodeType::NumberFormat => "number_format",
            NodeType::DisplayList => "display_list",
            NodeType::Encrypt => "encrypt",
            NodeType::ApiIntegration => "api_integration",
            NodeType::SendTemplate => "send_template",
            NodeType::WaitForCallback => "wait_for_callback",
            NodeType::OptOut => "opt_out",
            NodeType::VerifyOptOut => "verify_opt_out",
            NodeType::DeleteOptOut => "delete_opt_out",
            NodeType::Remap => "remap",
            NodeType::ApiEnd => "api_end",
        }
    }

    /// "a `regex` node", "an `api_end` node", for messages.
    pub fn described(self) -> String {
        let article = if self.name().starts_with(['a', 'e', 'i', 'o', 'u']) {
            "an"
        } else {
            "a"
        };
        format!("{article} `{}` node", self.name())
    }

    /// The type with this name.
    pub fn from_name(name: &str) -> Option<NodeType> {
        NodeType::ALL.into_iter().find(|t| t.name() == name)
    }

    /// Whether the node stores results under its name, so the name is required (§2).
    pub fn is_result(self) -> bool {
        !matches!(
            self,
            NodeType::Start
                | NodeType::SetVariable
                | NodeType::SwitchCase
                | NodeType::IsEmpty
                | NodeType::IsNull
                | NodeType::OptOut
                | NodeType::VerifyOptOut
                | NodeType::DeleteOptOut
                | NodeType::ApiEnd
        )
    }

    /// The issue that brings this type to the backends, while it is not supported yet.
    pub fn pending_issue(self) -> Option<u32> {
        // Every node type runs in both backends now; kept for the next type that arrives
        // with an issue of its own.
        let _ = self;
        None
    }

    /// The plain branch fields (cases and `branches` aside); leaving one out is a warning.
    pub fn branch_fields(self) -> &'static [&'static str] {
        match self {
            NodeType::Start | NodeType::SetVariable | NodeType::Remap => NEXT,
            NodeType::SwitchCase => &["default"],
            NodeType::ApiIntegration => &["other"],
            NodeType::ApiEnd => &[],
            _ => YES_NO,
        }
    }

    /// The fields of this type beyond [`COMMON_NODE_FIELDS`].
    pub fn fields(self) -> &'static [FieldSpec] {
        match self {
            NodeType::Start => START,
            NodeType::SetVariable => SET_VARIABLE,
            NodeType::Calculate => CALCULATE,
            NodeType::SwitchCase => SWITCH_CASE,
            NodeType::IsEmpty | NodeType::IsNull => IS_EMPTY,
            NodeType::Regex => REGEX,
            NodeType::DateFormat => DATE_FORMAT,
            NodeType::NumberFormat => NUMBER_FORMAT,
            NodeType::DisplayList => DISPLAY_LIST,
            NodeType::Encrypt => ENCRYPT,
            NodeType::ApiIntegration => API_INTEGRATION,
            NodeType::SendTemplate => SEND_TEMPLATE,
            NodeType::WaitForCallback => WAIT_FOR_CALLBACK,
            NodeType::OptOut | NodeType::VerifyOptOut | NodeType::DeleteOptOut => OPT_OUT,
            NodeType::Remap => REMAP,
            NodeType::ApiEnd => API_END,
        }
    }
}

use Kind::{
    Assign, Bool, Branches, Cases, DateIn, DateOut, Expr, ListPattern, NumberPattern, Strings,
    Target, Template, Templates, Text, Uint, Value,
};

const START: &[FieldSpec] = &[opt("next", Target)];
const SET_VARIABLE: &[FieldSpec] = &[req("assign", Assign), opt("next", Target)];
const CALCULATE: &[FieldSpec] = &[
    req("expression", Expr),
    opt("yes", Target),
    opt("no", Target),
];
const SWITCH_CASE: &[FieldSpec] = &[
    req("input", Template),
    req("cases", Cases),
    opt("default", Target),
    opt("ignore_case", Bool),
];
const IS_EMPTY: &[FieldSpec] = &[
    req("input", Template),
    opt("yes", Target),
    opt("no", Target),
];
const REGEX: &[FieldSpec] = &[
    req("input", Template),
    req("pattern", Text),
    opt("flags", Text),
    opt("full_match", Bool),
    opt("yes", Target),
    opt("no", Target),
];
const DATE_FORMAT: &[FieldSpec] = &[
    req("input", Template),
    req("input_format", DateIn),
    req("output_format", DateOut),
    opt("timezone", Text),
    opt("yes", Target),
    opt("no", Target),
];
const NUMBER_FORMAT: &[FieldSpec] = &[
    req("input", Template),
    req("pattern", NumberPattern),
    opt("yes", Target),
    opt("no", Target),
];
const DISPLAY_LIST: &[FieldSpec] = &[
    req("pattern", ListPattern),
    opt("separator", Text),
    opt("numbered", Bool),
    opt("index_separator", Text),
    opt("exclude", Strings),
    opt("yes", Target),
    opt("no", Target),
];
const ENCRYPT: &[FieldSpec] = &[
    req("input", Template),
    req("algorithm", Text),
    opt("key", Text),
    opt("encoding", Text),
    opt("yes", Target),
    opt("no", Target),
];
const API_INTEGRATION: &[FieldSpec] = &[
    req("integration", Text),
    opt("method", Text),
    opt("path", Template),
    opt("query", Templates),
    opt("headers", Templates),
    opt("body", Value),
    opt("branches", Branches),
    opt("other", Target),
];
const SEND_TEMPLATE: &[FieldSpec] = &[
    req("to", Template),
    req("channel", Text),
    req("template", Text),
    req("language", Text),
    opt("parameters", Templates),
    opt("yes", Target),
    opt("no", Target),
];
const WAIT_FOR_CALLBACK: &[FieldSpec] = &[
    req("reference", Template),
    opt("timeout_s", Uint),
    opt("yes", Target),
    opt("no", Target),
];
const OPT_OUT: &[FieldSpec] = &[
    req("number", Template),
    req("channel", Text),
    opt("yes", Target),
    opt("no", Target),
];
const REMAP: &[FieldSpec] = &[req("mapping", Value), opt("next", Target)];
const API_END: &[FieldSpec] = &[
    opt("status", Uint),
    opt("headers", Templates),
    opt("body", Value),
    opt("body_text", Template),
    opt("content_type", Text),
];
