//! The lowered, validated bundle: what emission and the interpreter consume.
//!
//! Only [`crate::lower`] builds these, after validation found no error, so every
//! reference here resolves: targets exist (or are [`Target::Missing`], CT04 at run time),
//! node parts are resolved (no `NodePart::Other`), patterns and expressions are parsed,
//! allowlists are blocks. Everything is sorted by stable keys so emission is deterministic.

use flowc_lang::calc::Expr;
use flowc_lang::net::IpNet;
use flowc_lang::pattern::Pattern;
use flowc_lang::template::{Template, ValueTemplate};

mod outbound;
mod reads;
pub use outbound::{Integration, IntegrationValue, Piece, DEFAULT_INTEGRATION_TIMEOUT_MS};
pub use reads::{body_reads, headers_read, step_refs};

/// A whole bundle.
#[derive(Debug, Clone, PartialEq)]
pub struct Bundle {
    /// Where it came from (for the `@generated` header).
    pub origin: String,
    /// Flows sorted by id; [`StepRef::flow`] indexes this.
    pub flows: Vec<Flow>,
    /// Routes sorted by id.
    pub routes: Vec<Route>,
    /// Every encryption key the bundle reads (`env:NAME`), sorted by variable: the slots
    /// resolved at server start (§13 rule 24).
    pub keys: Vec<KeySlot>,
    /// The integrations of `integrations.json`, sorted by name; `api_integration` steps
    /// refer to them by index (§4.7).
    pub integrations: Vec<Integration>,
}

/// An encryption key read from the environment at start.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct KeySlot {
    /// The environment variable.
    pub env: String,
    /// The algorithm it is for (the same variable for two algorithms is two slots).
    pub algorithm: flowc_lang::crypto::Algorithm,
}

/// One workflow.
#[derive(Debug, Clone, PartialEq)]
pub struct Flow {
    /// The flow id.
    pub id: String,
    /// The source file name.
    pub file: String,
    /// The `start` node's step number.
    pub start: u64,
    /// Steps sorted by number.
    pub steps: Vec<Step>,
}

impl Flow {
    /// The step with this number.
    pub fn step(&self, number: u64) -> Option<&Step> {
        self.steps
            .binary_search_by_key(&number, |s| s.number)
            .ok()
            .map(|i| &self.steps[i])
    }
}

/// One node.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// Its step number.
    pub number: u64,
    /// Its reporting label (§9), if any.
    pub label: Option<String>,
    /// What it does.
    pub kind: StepKind,
}

/// Where a branch goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A step, in this flow or another ("trigger another workflow").
    Step(StepRef),
    /// The branch was left out (a build warning): CT04 if a session takes it.
    Missing,
}

/// A step of a flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StepRef {
    /// Index into [`Bundle::flows`].
    pub flow: usize,
    /// The step number in that flow.
    pub step: u64,
}

/// A `switch_case` case.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// The case value rendered per §3 (`1.50` → `1.5`), case-folded
    /// ([`flowc_lang::nodes::fold_case`]) when the node ignores case.
    pub value: String,
    /// Where it goes.
    pub next: Target,
}

/// What an `api_end` answers with.
#[derive(Debug, Clone, PartialEq)]
pub enum EndBody {
    /// Neither `body` nor `body_text`: an empty body, no content type.
    Empty,
    /// `body`: rendered as JSON.
    Json(ValueTemplate),
    /// `body_text` with its content type (default `text/plain; charset=utf-8`).
    Text {
        /// The text template.
        template: Template,
        /// The `Content-Type`.
        content_type: String,
    },
}

/// The node kinds in scope, with everything parsed.
#[derive(Debug, Clone, PartialEq)]
pub enum StepKind {
    /// `start`.
    Start {
        /// The next step.
        next: Target,
    },
    /// `set_variable`: evaluate every value, then assign all.
    SetVariable {
        /// Variable name → value, in source order.
        assign: Vec<(String, ValueTemplate)>,
        /// The next step.
        next: Target,
    },
    /// `calculate` (§4.1).
    Calculate {
        /// The node name (its output field).
        name: String,
        /// The parsed expression, node parts resolved.
        expr: Expr,
        /// On a number or a true comparison.
        yes: Target,
        /// On an error or a false comparison.
        no: Target,
    },
    /// `switch_case`.
    SwitchCase {
        /// The input template.
        input: Template,
        /// Cases in order.
        cases: Vec<Case>,
        /// When nothing matched ([`Target::Missing`] when left out: CT04).
        default: Target,
        /// Case-insensitive comparison.
        ignore_case: bool,
    },
    /// `is_empty`.
    IsEmpty {
        /// The input.
        input: Template,
        /// When empty.
        yes: Target,
        /// Otherwise.
        no: Target,
    },
    /// `is_null`.
    IsNull {
        /// The input.
        input: Template,
        /// When absent or null.
        yes: Target,
        /// Otherwise.
        no: Target,
    },
    /// `regex` (§4.2).
    Regex {
        /// The node name.
        name: String,
        /// The input.
        input: Template,
        /// The checked pattern, flags and anchoring folded in.
        pattern: Pattern,
        /// On a match.
        yes: Target,
        /// No match or absent input.
        no: Target,
    },
    /// `date_format` (§4.3).
    DateFormat {
        /// The node name.
        name: String,
        /// The input.
        input: Template,
        /// How the input is read.
        input_format: flowc_lang::datefmt::InputFormat,
        /// How the result is written.
        output_format: flowc_lang::datefmt::OutputFormat,
        /// The IANA time zone (checked at build time).
        timezone: String,
        /// On success.
        yes: Target,
        /// On an input that does not parse.
        no: Target,
    },
    /// `number_format` (§4.4).
    NumberFormat {
        /// The node name.
        name: String,
        /// The input.
        input: Template,
        /// The compiled pattern.
        pattern: flowc_lang::numfmt::NumberPattern,
        /// On success.
        yes: Target,
        /// On an input that is not a number.
        no: Target,
    },
    /// `display_list` (§4.5).
    DisplayList {
        /// The node name.
        name: String,
        /// The parsed list pattern, node parts resolved.
        pattern: flowc_lang::display_list::ListPattern,
        /// Separators, numbering, exclusions.
        options: flowc_lang::display_list::ListOptions,
        /// When the list has at least one item.
        yes: Target,
        /// When it is empty.
        no: Target,
    },
    /// `encrypt` (§4.6).
    Encrypt {
        /// The node name.
        name: String,
        /// The input.
        input: Template,
        /// The algorithm.
        algorithm: flowc_lang::crypto::Algorithm,
        /// The key's slot in [`Bundle::keys`], for the keyed algorithms.
        key: Option<usize>,
        /// How the output is written.
        encoding: flowc_lang::crypto::Encoding,
        /// On success.
        yes: Target,
        /// On an absent or null input.
        no: Target,
    },
    /// `wait_for_callback` (§4.9).
    WaitForCallback {
        /// The node name.
        name: String,
        /// The reference a callback must name.
        reference: Template,
        /// How long to wait.
        timeout_s: u64,
        /// When the callback arrived.
        yes: Target,
        /// On a timeout or a reference already in use.
        no: Target,
    },
    /// `opt_out`, `verify_opt_out`, `delete_opt_out` (§4.10).
    OptOut {
        /// Which of the three.
        action: OptOutAction,
        /// The phone number.
        number: Template,
        /// The channel(s).
        channel: Channel,
        /// On success (recorded, opted out, removed).
        yes: Target,
        /// Otherwise, or on an unparseable number.
        no: Target,
    },
    /// `api_integration` (§4.7).
    ApiIntegration {
        /// The node name.
        name: String,
        /// Its integration: an index into [`Bundle::integrations`].
        integration: usize,
        /// The node's method, else the integration's, else `GET`.
        method: String,
        /// `path`, appended to the integration URL's path with one `/`.
        path: Option<Template>,
        /// Query parameters added to (or replacing) the integration's.
        query: Vec<(String, Template)>,
        /// Headers added to (or replacing) the integration's.
        headers: Vec<(String, Template)>,
        /// The body, merged over the integration's.
        body: Option<ValueTemplate>,
        /// Validation value → target, in source order.
        branches: Vec<(String, Target)>,
        /// Anything else; [`Target::Missing`] means CT11 or CT51 instead.
        other: Target,
    },
    /// `send_template` (§4.8).
    SendTemplate {
        /// The node name.
        name: String,
        /// The number to send to.
        to: Template,
        /// The template's name.
        template: String,
        /// Its language code.
        language: String,
        /// Parameter number → value, in source order.
        parameters: Vec<(String, Template)>,
        /// The gateway accepted the message.
        yes: Target,
        /// Anything else: refused, unparseable or opted-out number, no answer.
        no: Target,
    },
    /// `remap`.
    Remap {
        /// The node name.
        name: String,
        /// The mapping.
        mapping: ValueTemplate,
        /// The next step.
        next: Target,
    },
    /// `api_end`.
    ApiEnd {
        /// The status code.
        status: u16,
        /// Headers (names in lower case, RFC 9110 tokens) and value templates, in source
        /// order.
        headers: Vec<(String, Template)>,
        /// The body.
        body: EndBody,
    },
}

impl StepKind {
    /// The name of the node output the step writes (`[[name:…]]`), if it writes one.
    pub fn node_name(&self) -> Option<&str> {
        match self {
            StepKind::Calculate { name, .. }
            | StepKind::Regex { name, .. }
            | StepKind::DateFormat { name, .. }
            | StepKind::NumberFormat { name, .. }
            | StepKind::DisplayList { name, .. }
            | StepKind::Encrypt { name, .. }
            | StepKind::WaitForCallback { name, .. }
            | StepKind::ApiIntegration { name, .. }
            | StepKind::SendTemplate { name, .. }
            | StepKind::Remap { name, .. } => Some(name),
            StepKind::Start { .. }
            | StepKind::SetVariable { .. }
            | StepKind::SwitchCase { .. }
            | StepKind::IsEmpty { .. }
            | StepKind::IsNull { .. }
            | StepKind::OptOut { .. }
            | StepKind::ApiEnd { .. } => None,
        }
    }

    /// Every branch target of the step, in no particular order.
    pub fn targets(&self) -> Vec<Target> {
        match self {
            StepKind::Start { next }
            | StepKind::SetVariable { next, .. }
            | StepKind::Remap { next, .. } => vec![*next],
            StepKind::Calculate { yes, no, .. }
            | StepKind::IsEmpty { yes, no, .. }
            | StepKind::IsNull { yes, no, .. }
            | StepKind::Regex { yes, no, .. }
            | StepKind::DateFormat { yes, no, .. }
            | StepKind::NumberFormat { yes, no, .. }
            | StepKind::DisplayList { yes, no, .. }
            | StepKind::Encrypt { yes, no, .. }
            | StepKind::WaitForCallback { yes, no, .. }
            | StepKind::OptOut { yes, no, .. }
            | StepKind::SendTemplate { yes, no, .. } => vec![*yes, *no],
            StepKind::SwitchCase { cases, default, .. } => {
                cases.iter().map(|c| c.next).chain([*default]).collect()
            }
            StepKind::ApiIntegration {
                branches, other, ..
            } => branches.iter().map(|(_, t)| *t).chain([*other]).collect(),
            StepKind::ApiEnd { .. } => vec![],
        }
    }
}

/// What an opt-out node does with the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptOutAction {
    /// `opt_out`: records the number.
    Record,
    /// `verify_opt_out`: yes when the number is on the list.
    Verify,
    /// `delete_opt_out`: removes it; yes when it was there.
    Delete,
}

/// An opt-out channel (§4.10, §13 rule 28).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// `whatsapp`.
    Whatsapp,
    /// `sms`.
    Sms,
    /// `both`.
    Both,
}

/// An HTTP method a route accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET
    Get,
    /// POST
    Post,
    /// PUT
    Put,
    /// DELETE
    Delete,
}

impl Method {
    /// The method's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }
}

/// A Dynamic API route (§5).
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    /// The id: the URL is `/dynamic/<id>`.
    pub id: String,
    /// The unique name.
    pub name: String,
    /// The accepted method.
    pub method: Method,
    /// The allowlist, parsed.
    pub allowed: Vec<IpNet>,
    /// Whether the route only acknowledges (asynchronous).
    pub is_async: bool,
    /// Where sessions start.
    pub entry: StepRef,
    /// Hex SHA-256 hashes of the valid tokens (lower case).
    pub token_sha256: Vec<String>,
    /// The synchronous session time limit.
    pub timeout_ms: u64,
    /// The msisdn template, if any.
    pub msisdn: Option<Template>,
}
