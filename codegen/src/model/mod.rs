//! Parsing bundle files into a located model (§1, §2, §4, §5).
//!
//! Every file is read with `json::parse_spanned`, then each object is read against its
//! table in [`schema`]: unknown, missing and wrong-typed fields are reported and reading
//! goes on, so one run shows every problem. Embedded languages are parsed here too
//! (templates, value templates, expressions), so the model holds them ready for
//! [`crate::validate`] and [`crate::lower`]; each syntax error points at the string that
//! holds it. Every field keeps its JSON pointer, line and column.

mod fields;
mod files;
mod graph;
mod index;
pub(crate) mod read;
pub mod schema;
mod sites;

pub use fields::{Field, FieldValue, Fields};
pub use graph::Visibility;
pub(crate) use index::Index;
pub use sites::{TargetSite, TemplateSite};

use crate::diag::{Diagnostic, Diagnostics};
use crate::source::BundleSource;
use flowc_lang::json::Spanned;
use flowc_lang::pattern::{self, Pattern, PatternError};
use flowc_lang::template::ValueTemplate;
use flowc_lang::Value;
use schema::NodeType;

/// The parsed bundle, every value with its location.
#[derive(Debug, Clone, Default)]
pub struct Bundle {
    /// Where it came from.
    pub origin: String,
    /// The workflows, in file-name order.
    pub flows: Vec<Flow>,
    /// The routes of `routes.json`, in file order.
    pub routes: Vec<Route>,
    /// The integrations of `integrations.json`, in file order.
    pub integrations: Vec<Integration>,
    /// Flow files that could not be read at all (their error is reported): a flow id
    /// that is not found may be in one of them, so that is not reported again.
    pub unreadable: Vec<String>,
}

/// Parses every file; problems go to `diags`.
pub fn parse(source: &BundleSource, diags: &mut Diagnostics) -> Bundle {
    let mut bundle = Bundle {
        origin: source.origin.clone(),
        ..Bundle::default()
    };
    let mut has_routes = false;
    for (name, text) in &source.files {
        if name == "routes.json" {
            has_routes = true;
            bundle.routes = files::routes_file(name, text, diags);
        } else if name == "integrations.json" {
            bundle.integrations = files::integrations_file(name, text, diags);
        } else if name.ends_with(".flow.json") {
            match files::flow_file(name, text, diags) {
                Some(flow) => bundle.flows.push(flow),
                None => bundle.unreadable.push(name.clone()),
            }
        }
    }
    if !has_routes {
        diags.push(Diagnostic::error(
            "routes.json",
            "the bundle has no `routes.json` (it is required; `{\"routes\": []}` declares none)",
        ));
    }
    bundle
}

/// Where a value stands: its JSON pointer and the line and column where it starts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Loc {
    /// The JSON pointer, e.g. `/steps/2/pattern`.
    pub pointer: String,
    /// 1-based line (0 when unknown).
    pub line: u32,
    /// 1-based column (0 when unknown).
    pub column: u32,
}

impl Loc {
    /// The location of `value`, found at `pointer`.
    pub fn of(pointer: String, value: &Spanned) -> Loc {
        Loc {
            pointer,
            line: value.line,
            column: value.column,
        }
    }

    /// The location of the member `key` of this value, which is `value`.
    pub fn key(&self, key: &str, value: &Spanned) -> Loc {
        Loc::of(self.child_pointer(key), value)
    }

    /// The location of a member that is not there: its pointer, this value's position.
    pub fn absent(&self, key: &str) -> Loc {
        Loc {
            pointer: self.child_pointer(key),
            line: self.line,
            column: self.column,
        }
    }

    /// The pointer of member `key`. Every field read makes one, so it is built in one
    /// allocation rather than through `format!` and an escaped copy of the key.
    fn child_pointer(&self, key: &str) -> String {
        let mut pointer = String::with_capacity(self.pointer.len() + 1 + key.len());
        pointer.push_str(&self.pointer);
        push_key(&mut pointer, key);
        pointer
    }

    /// The location of the character `offset` (0-based, in characters) inside the string
    /// that starts here: past the opening quote. Escapes in the source may shift it a little.
    pub fn inside(&self, offset: usize) -> Loc {
        let offset = u32::try_from(offset).unwrap_or(u32::MAX);
        Loc {
            column: self.column.saturating_add(1).saturating_add(offset),
            ..self.clone()
        }
    }

    /// An error here, in `file`, inside `step`.
    pub fn error(&self, file: &str, step: Option<u64>, message: impl Into<String>) -> Diagnostic {
        self.place(Diagnostic::error(file, message), step)
    }

    /// A warning here, in `file`, inside `step`.
    pub fn warning(&self, file: &str, step: Option<u64>, message: impl Into<String>) -> Diagnostic {
        self.place(Diagnostic::warning(file, message), step)
    }

    fn place(&self, d: Diagnostic, step: Option<u64>) -> Diagnostic {
        d.at(self.pointer.clone())
            .pos(self.line, self.column)
            .in_step(step)
    }
}

/// Escapes a key for a JSON pointer (RFC 6901).
pub fn escape_pointer(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Appends `/key` to a JSON pointer, escaped (RFC 6901) only when it has to be.
pub(crate) fn push_key(pointer: &mut String, key: &str) {
    pointer.push('/');
    if key.contains(['~', '/']) {
        pointer.push_str(&escape_pointer(key));
    } else {
        pointer.push_str(key);
    }
}

/// A value with its location.
#[derive(Debug, Clone, PartialEq)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// Where it stands.
    pub loc: Loc,
}

/// A branch target as written (§2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A step of the same flow.
    Step(u64),
    /// `{"flow": …, "step": …}`: trigger another workflow.
    Flow {
        /// The flow id.
        flow: String,
        /// The step number in it.
        step: u64,
    },
}

/// A JSON value whose strings are templates, with its source for locating them.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueField {
    /// The parsed value template.
    pub template: ValueTemplate,
    /// The value as written.
    pub source: Spanned,
}

/// One `switch_case` case.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// The case object's location.
    pub loc: Loc,
    /// The literal value.
    pub value: Option<Located<Value>>,
    /// Where it goes.
    pub next: Option<Located<Target>>,
}

/// One node of a flow.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// Its index in the `steps` array (the `N` of `/steps/N`).
    pub index: usize,
    /// The step object's location.
    pub loc: Loc,
    /// The step number, when it is a valid integer.
    pub number: Option<u64>,
    /// The node type, when it is a known one.
    pub kind: Option<NodeType>,
    /// Every known field.
    pub fields: Fields,
}

impl Step {
    /// The node name, if any.
    pub fn name(&self) -> Option<&str> {
        self.fields.text("name")
    }

    /// Whether this is a result node with a name.
    pub fn result_name(&self) -> Option<&str> {
        self.kind.filter(|k| k.is_result()).and(self.name())
    }

    /// The location of field `name`, or where it would be.
    pub fn field_loc(&self, name: &str) -> Loc {
        self.fields
            .loc(name)
            .cloned()
            .unwrap_or_else(|| self.loc.absent(name))
    }
}

/// One workflow file.
#[derive(Debug, Clone, PartialEq)]
pub struct Flow {
    /// The file name (`order.flow.json`).
    pub file: String,
    /// The flow id, when it is a string.
    pub id: Option<String>,
    /// The root object's known fields (`steps` excluded from use: see [`Flow::steps`]).
    pub fields: Fields,
    /// The nodes in array order.
    pub steps: Vec<Step>,
}

impl Flow {
    /// The first step with this number.
    pub fn step(&self, number: u64) -> Option<&Step> {
        self.steps.iter().find(|s| s.number == Some(number))
    }

    /// The first `start` node.
    pub fn start(&self) -> Option<&Step> {
        self.steps.iter().find(|s| s.kind == Some(NodeType::Start))
    }

    /// The location of the `steps` array (or the file root when it is missing).
    pub fn steps_loc(&self) -> Loc {
        self.fields.loc("steps").cloned().unwrap_or_else(|| Loc {
            pointer: "/steps".into(),
            line: 0,
            column: 0,
        })
    }
}

/// One route of `routes.json`.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    /// Its index in the `routes` array.
    pub index: usize,
    /// The route object's location.
    pub loc: Loc,
    /// Its known fields.
    pub fields: Fields,
}

impl Route {
    /// The route id, if given.
    pub fn id(&self) -> Option<&str> {
        self.fields.text("id")
    }

    /// A name for messages: the name, else the id, else the index.
    pub fn label(&self) -> String {
        self.fields
            .text("name")
            .or(self.id())
            .map_or_else(|| format!("#{}", self.index), str::to_owned)
    }

    /// The location of field `name`, or where it would be.
    pub fn field_loc(&self, name: &str) -> Loc {
        self.fields
            .loc(name)
            .cloned()
            .unwrap_or_else(|| self.loc.absent(name))
    }
}

/// One integration of `integrations.json`.
#[derive(Debug, Clone, PartialEq)]
pub struct Integration {
    /// Its index in the `integrations` array.
    pub index: usize,
    /// The integration object's location.
    pub loc: Loc,
    /// Its known fields.
    pub fields: Fields,
}

/// The file names diagnostics about routes and integrations carry.
pub const ROUTES_FILE: &str = "routes.json";
/// See [`ROUTES_FILE`].
pub const INTEGRATIONS_FILE: &str = "integrations.json";

impl Step {
    /// A regex node's pattern, checked and translated with its `flags` and `full_match`;
    /// `None` for other nodes or when the pattern field is unusable.
    pub fn regex_pattern(&self) -> Option<Result<Pattern, PatternError>> {
        if self.kind != Some(NodeType::Regex) {
            return None;
        }
        let pattern = self.fields.text("pattern")?;
        let flags = self.fields.text("flags").unwrap_or("");
        Some(pattern::translate(
            pattern,
            flags,
            self.fields.bool("full_match").unwrap_or(false),
        ))
    }
}

/// The regex group a short part such as `[[m:2]]` or `[[m:year]]` names (§4.2, §13 rule
/// 13): a single segment that is a group number up to the pattern's count, or a group name.
pub fn regex_group(pattern: &Pattern, path: &flowc_lang::path::Path) -> Option<usize> {
    match path.segs.as_slice() {
        [flowc_lang::path::Seg::Key { key, index }] => match index {
            Some(i) => (*i <= pattern.group_count).then_some(*i),
            None => pattern
                .group_names
                .iter()
                .find(|(n, _)| n == key)
                .map(|(_, i)| *i),
        },
        _ => None,
    }
}
