//! Which parts each result node produces (§3.1, §4, §13 rule 13).

use super::hint::did_you_mean;
use crate::model::schema::NodeType;
use crate::model::{regex_group, Step};
use flowc_lang::path::Seg;
use flowc_lang::pattern::Pattern;
use flowc_lang::template::NodePart;

/// A message and an optional hint.
type Problem = (String, Option<String>);

/// Whether the result node `step` produces `part`; if not, why. `pattern` is the step's
/// translated pattern when it is a regex whose pattern translates (the caller keeps it, so
/// a regex read from many places is translated once).
pub(super) fn produces(
    step: &Step,
    pattern: Option<&Pattern>,
    part: &NodePart,
) -> Result<(), Problem> {
    let Some(kind) = step.kind else { return Ok(()) };
    use NodeType::*;
    let ok = match (kind, part) {
        (_, NodePart::Result(path)) if path.segs.is_empty() => true,
        (Regex, NodePart::Group(_) | NodePart::Other(_)) => return regex_part(step, pattern, part),
        (
            Remap | ApiIntegration | SendTemplate | WaitForCallback,
            NodePart::Result(_) | NodePart::Other(_),
        ) => true,
        (
            Calculate | DateFormat | NumberFormat | Encrypt | ApiIntegration | SendTemplate,
            NodePart::Error,
        ) => true,
        (DisplayList, NodePart::Count) | (SendTemplate, NodePart::MessageId) => true,
        (ApiIntegration, NodePart::StatusCode | NodePart::Header(_)) => true,
        _ => false,
    };
    if ok {
        return Ok(());
    }
    let name = step.name().unwrap_or("?");
    let msg = format!(
        "the `{}` node `{name}` produces {}, not `{}`",
        kind.name(),
        parts_of(kind),
        part_text(part)
    );
    let hint = match part {
        NodePart::Other(p) => {
            did_you_mean(&p.to_dotted(), ["result", "error", "count", "message_id"])
        }
        _ => None,
    };
    Err((msg, hint))
}

/// A regex's parts are its match and its groups; a group the pattern does not have is
/// an error (§13 rule 20). A pattern that does not translate was reported already.
fn regex_part(step: &Step, pattern: Option<&Pattern>, part: &NodePart) -> Result<(), Problem> {
    let Some(pattern) = pattern else {
        return Ok(());
    };
    let name = step.name().unwrap_or("?");
    let count = pattern.group_count;
    match part {
        NodePart::Group(i) if *i <= count => Ok(()),
        NodePart::Other(path) if regex_group(pattern, path).is_some() => Ok(()),
        NodePart::Group(i) => Err((
            format!("the regex `{name}` has no group {i} (its pattern has {count})"),
            None,
        )),
        NodePart::Other(path) => match path.segs.as_slice() {
            [Seg::Key { index: Some(i), .. }] => Err((
                format!("the regex `{name}` has no group {i} (its pattern has {count})"),
                None,
            )),
            [Seg::Key { key, .. }] => {
                let names = pattern
                    .group_names
                    .iter()
                    .map(|(n, _)| n.as_str())
                    .chain(["result"]);
                Err((
                    format!("the regex `{name}` has no group named `{key}`"),
                    did_you_mean(key, names),
                ))
            }
            _ => Err((
                format!(
                    "the regex `{name}` produces `result` and its groups, not `{}`",
                    path.to_dotted()
                ),
                None,
            )),
        },
        _ => Err((
            format!(
                "the regex `{name}` produces `result` and its groups, not `{}`",
                part_text(part)
            ),
            None,
        )),
    }
}

/// What a node type produces, for messages.
fn parts_of(kind: NodeType) -> &'static str {
    match kind {
        NodeType::Regex => "`result` and its groups",
        NodeType::Remap | NodeType::WaitForCallback => "`result` and paths below it",
        NodeType::DisplayList => "`result` and `count`",
        NodeType::ApiIntegration => {
            "`result`, paths below it, `error`, `HTTP_RESPONSE_CODE` and `header.…`"
        }
        NodeType::SendTemplate => "`result`, `message_id` and `error`",
        _ => "`result` and `error`",
    }
}

/// A part as written in a template.
fn part_text(part: &NodePart) -> String {
    match part {
        NodePart::Result(p) if p.segs.is_empty() => "result".into(),
        NodePart::Result(p) => format!("result.{}", p.to_dotted()),
        NodePart::Error => "error".into(),
        NodePart::Count => "count".into(),
        NodePart::MessageId => "message_id".into(),
        NodePart::StatusCode => "HTTP_RESPONSE_CODE".into(),
        NodePart::Header(h) => format!("header.{h}"),
        NodePart::Group(i) => i.to_string(),
        NodePart::Other(p) => p.to_dotted(),
    }
}
