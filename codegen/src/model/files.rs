//! Reading each kind of bundle file (§1, §2, §4.7, §5).

use super::read::{string, uint, Reader};
use super::schema::{
    NodeType, COMMON_NODE_FIELDS, FLOW_FIELDS, INTEGRATIONS_FILE_FIELDS, INTEGRATION_FIELDS,
    ROUTES_FILE_FIELDS, ROUTE_FIELDS, UNKNOWN_NODE_FIELDS,
};
use super::{push_key, Fields, Flow, Integration, Loc, Route, Step};
use crate::diag::{Diagnostic, Diagnostics};
use crate::validate::hint::did_you_mean;
use flowc_lang::json::{self, Spanned, SpannedNode};
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// Reads one `*.flow.json`.
pub(super) fn flow_file(file: &str, text: &str, diags: &mut Diagnostics) -> Option<Flow> {
    let root = parse_json(file, text, diags)?;
    let mut r = Reader::new(file, diags);
    let fields = r.object(
        &root,
        &Loc::of(String::new(), &root),
        &[FLOW_FIELDS],
        "a flow file",
        true,
    )?;
    let steps = list_items(&fields, "steps")
        .filter_map(|(i, v, loc)| step(&mut r, i, v, loc))
        .collect();
    let id = fields.text("flow").map(str::to_owned);
    Some(Flow {
        file: file.to_owned(),
        id,
        fields,
        steps,
    })
}

/// Reads `routes.json`.
pub(super) fn routes_file(file: &str, text: &str, diags: &mut Diagnostics) -> Vec<Route> {
    let Some(root) = parse_json(file, text, diags) else {
        return Vec::new();
    };
    let mut r = Reader::new(file, diags);
    let Some(fields) = r.object(
        &root,
        &Loc::of(String::new(), &root),
        &[ROUTES_FILE_FIELDS],
        "routes.json",
        true,
    ) else {
        return Vec::new();
    };
    list_items(&fields, "routes")
        .filter_map(|(index, v, loc)| {
            let fields = r.object(v, &loc, &[ROUTE_FIELDS], "a route", true)?;
            Some(Route { index, loc, fields })
        })
        .collect()
}

/// Reads `integrations.json`.
pub(super) fn integrations_file(
    file: &str,
    text: &str,
    diags: &mut Diagnostics,
) -> Vec<Integration> {
    let Some(root) = parse_json(file, text, diags) else {
        return Vec::new();
    };
    let mut r = Reader::new(file, diags);
    let root_loc = Loc::of(String::new(), &root);
    let Some(fields) = r.object(
        &root,
        &root_loc,
        &[INTEGRATIONS_FILE_FIELDS],
        "integrations.json",
        true,
    ) else {
        return Vec::new();
    };
    list_items(&fields, "integrations")
        .filter_map(|(index, v, loc)| {
            let fields = r.object(v, &loc, &[INTEGRATION_FIELDS], "an integration", true)?;
            Some(Integration { index, loc, fields })
        })
        .collect()
}

/// The items of a list field with their index and location (none when absent).
fn list_items<'a>(
    fields: &'a Fields,
    name: &str,
) -> impl Iterator<Item = (usize, &'a Spanned, Loc)> + 'a {
    let base = fields.loc(name).cloned().unwrap_or_default();
    let items = match fields.json(name).map(|v| &v.node) {
        Some(SpannedNode::Array(items)) => items.as_slice(),
        _ => &[],
    };
    items
        .iter()
        .enumerate()
        .map(move |(i, v)| (i, v, base.key(&i.to_string(), v)))
}

/// Reads one node. Its type selects the allowed fields; an unknown type still has its
/// branches read so that reachability stays meaningful.
fn step(r: &mut Reader, index: usize, v: &Spanned, loc: Loc) -> Option<Step> {
    r.step = v.get("step").and_then(uint);
    let type_name = v.get("type").and_then(string);
    let kind = type_name.and_then(NodeType::from_name);
    let fields = match kind {
        Some(k) => r.object(
            v,
            &loc,
            &[COMMON_NODE_FIELDS, k.fields()],
            &k.described(),
            true,
        ),
        None => r.object(
            v,
            &loc,
            &[COMMON_NODE_FIELDS, UNKNOWN_NODE_FIELDS],
            "a node",
            false,
        ),
    }?;
    let step = Step {
        index,
        loc,
        number: r.step,
        kind,
        fields,
    };
    check_type(r, &step, type_name);
    r.step = None;
    Some(step)
}

/// An unknown type is an error with the nearest known name as a hint; a type that the
/// backends do not run yet is an error whose message starts with `not supported yet: `,
/// which the conformance runner recognises to skip such cases.
fn check_type(r: &mut Reader, step: &Step, type_name: Option<&str>) {
    let loc = step.field_loc("type");
    match (step.kind, type_name) {
        (Some(kind), _) => {
            if let Some(issue) = kind.pending_issue() {
                let d = r.error(
                    &loc,
                    format!(
                        "not supported yet: node type `{}` arrives with issue #{issue}",
                        kind.name()
                    ),
                );
                r.push(d);
            }
        }
        (None, Some(name)) => {
            let mut d = r.error(&loc, format!("unknown node type `{name}`"));
            if let Some(hint) = did_you_mean(name, NodeType::ALL.iter().map(|t| t.name())) {
                d = d.hint(hint);
            }
            r.push(d);
        }
        (None, None) => {}
    }
}

/// Parses a file's JSON; a syntax error is one diagnostic at its line and column.
fn parse_json(file: &str, text: &str, diags: &mut Diagnostics) -> Option<Spanned> {
    match json::parse_spanned(text) {
        Ok(root) => {
            report_duplicate_keys(file, &root, &mut String::new(), None, diags);
            Some(root)
        }
        Err(e) => {
            diags.push(
                Diagnostic::error(file, format!("invalid JSON: {}", e.message))
                    .pos(e.line, e.column),
            );
            None
        }
    }
}

/// A key written twice is almost always a mistake that JSON readers hide (the last one
/// wins silently), so it is an error at the later one. `pointer` is where `v` stands; it
/// grows and shrinks back as the walk goes, so no location is made unless one is reported
/// (a location per JSON value was most of this walk's cost).
fn report_duplicate_keys(
    file: &str,
    v: &Spanned,
    pointer: &mut String,
    step: Option<u64>,
    diags: &mut Diagnostics,
) {
    match &v.node {
        SpannedNode::Object(members) => {
            let mut seen = BTreeSet::new();
            for (key, member) in members {
                let len = pointer.len();
                push_key(pointer, key);
                if !seen.insert(key.as_str()) {
                    let msg = format!("duplicate key `{key}` (the last one would count)");
                    diags.push(Loc::of(pointer.clone(), member).error(file, step, msg));
                }
                report_duplicate_keys(file, member, pointer, step, diags);
                pointer.truncate(len);
            }
        }
        SpannedNode::Array(items) => {
            // Inside a flow's `steps`, diagnostics name the step.
            let in_steps = pointer == "/steps";
            for (i, item) in items.iter().enumerate() {
                let step = if in_steps {
                    item.get("step").and_then(uint)
                } else {
                    step
                };
                let len = pointer.len();
                // An index needs no escaping; writing it in place saves a string per item.
                let _ = write!(pointer, "/{i}");
                report_duplicate_keys(file, item, pointer, step, diags);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The duplicate keys of `text` as `pointer line:column step`, one per line.
    fn check(text: &str, expected: &[&str]) {
        let mut diags = Diagnostics::default();
        parse_json("f.flow.json", text, &mut diags);
        let found: Vec<String> = diags
            .items()
            .iter()
            .map(|d| format!("{} {}:{} {:?}", d.pointer, d.line, d.column, d.step))
            .collect();
        assert_eq!(found, expected, "{text}");
    }

    #[test]
    fn duplicate_keys_are_located() {
        check(r#"{"a": 1, "b": {"c": [1, {"d": 2}]}}"#, &[]);
        check(r#"{"a": 1, "a": 2}"#, &["/a 1:15 None"]);
        check(
            r#"{"x": [{"y": 1}, {"y": 1, "y": 2}]}"#,
            &["/x/1/y 1:32 None"],
        );
        check(r#"{"a/b~": {"k": 1, "k": 2}}"#, &["/a~1b~0/k 1:24 None"]);
        check(
            r#"{"steps": [{"step": 4, "body": {"q": [{"z": 1, "z": 1}]}}]}"#,
            &["/steps/0/body/q/0/z 1:53 Some(4)"],
        );
    }
}
