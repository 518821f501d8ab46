//! Flow ids, step numbers, the start node and names (§2, §13 rules 11 and 35).

use super::hint::did_you_mean;
use super::Ctx;
use crate::diag::Diagnostics;
use crate::model::schema::NodeType;
use crate::model::{Flow, Loc};
use flowc_lang::template::{is_valid_name, RESERVED_WORDS};
use std::collections::BTreeMap;

/// Flow ids appear in URLs, logs and trigger targets, so they are kept to a plain
/// lower-case alphabet, and a target must name exactly one flow.
pub(super) fn check_flow_ids(ctx: &Ctx, diags: &mut Diagnostics) {
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for flow in &ctx.bundle.flows {
        let Some(id) = flow.id.as_deref() else {
            continue;
        };
        let loc = flow.fields.loc("flow").cloned().unwrap_or_default();
        if !is_valid_flow_id(id) {
            diags.push(loc.error(
                &flow.file,
                None,
                format!("invalid flow id `{id}`: use `[a-z0-9][a-z0-9_-]*`"),
            ));
        }
        if let Some(first) = seen.insert(id, &flow.file) {
            diags.push(loc.error(
                &flow.file,
                None,
                format!("duplicate flow id `{id}` (also in `{first}`)"),
            ));
            seen.insert(id, first);
        }
    }
}

/// Whether `id` matches `[a-z0-9][a-z0-9_-]*`.
pub(super) fn is_valid_flow_id(id: &str) -> bool {
    let lower_or_digit = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    let mut chars = id.chars();
    chars.next().is_some_and(lower_or_digit)
        && chars.all(|c| lower_or_digit(c) || c == '_' || c == '-')
}

/// The lifecycle (§10) only knows four states; a typo would block a production build
/// for a reason that is hard to see.
pub(super) fn check_flow_status(ctx: &Ctx, diags: &mut Diagnostics) {
    const STATES: [&str; 4] = ["draft", "pending", "declined", "production_ready"];
    for flow in &ctx.bundle.flows {
        let Some(status) = flow.fields.text("status") else {
            continue;
        };
        if !STATES.contains(&status) {
            let loc = flow.fields.loc("status").cloned().unwrap_or_default();
            let mut d = loc.error(
                &flow.file,
                None,
                format!("unknown status `{status}`: use {}", quoted(&STATES)),
            );
            if let Some(h) = did_you_mean(status, STATES) {
                d = d.hint(h);
            }
            diags.push(d);
        }
    }
}

/// Targets name steps by number, so numbers must be positive and unique; the later of
/// two duplicates is the one reported (§13 rule 35).
pub(super) fn check_step_numbers(ctx: &Ctx, diags: &mut Diagnostics) {
    for flow in &ctx.bundle.flows {
        let mut seen = BTreeMap::new();
        for step in &flow.steps {
            let Some(number) = step.number else { continue };
            let loc = step.field_loc("step");
            if number == 0 {
                diags.push(loc.error(&flow.file, step.number, "step numbers start at 1"));
            }
            if let Some(first) = seen.insert(number, step.index) {
                let msg = format!("duplicate step {number} (first at /steps/{first})");
                diags.push(loc.error(&flow.file, step.number, msg));
                seen.insert(number, first);
            }
        }
    }
}

/// A route enters a flow at its `start` by default, so there must be exactly one.
pub(super) fn check_one_start(ctx: &Ctx, diags: &mut Diagnostics) {
    for flow in &ctx.bundle.flows {
        let mut starts = flow
            .steps
            .iter()
            .filter(|s| s.kind == Some(NodeType::Start));
        match starts.next() {
            None => diags.push(flow.steps_loc().error(
                &flow.file,
                None,
                "the flow has no `start` node",
            )),
            Some(first) => {
                for extra in starts {
                    let msg = format!(
                        "a second `start` node (the first is at /steps/{})",
                        first.index
                    );
                    diags.push(extra.field_loc("type").error(&flow.file, extra.number, msg));
                }
            }
        }
    }
}

/// Node names are how templates read results (`[[name:result]]`): a result node needs
/// one, and a name must be readable, unique in its flow and not a built-in word.
pub(super) fn check_node_names(ctx: &Ctx, diags: &mut Diagnostics) {
    for flow in &ctx.bundle.flows {
        let mut seen = BTreeMap::new();
        for step in &flow.steps {
            let Some(name) = step.name() else {
                report_missing_name(flow, step, diags);
                continue;
            };
            let loc = step.field_loc("name");
            check_name(flow, step.number, &loc, name, "node", diags);
            if let Some(first) = seen.insert(name, step.index) {
                let msg = format!("duplicate node name `{name}` (first at /steps/{first})");
                diags.push(loc.error(&flow.file, step.number, msg));
                seen.insert(name, first);
            }
        }
    }
}

fn report_missing_name(flow: &Flow, step: &crate::model::Step, diags: &mut Diagnostics) {
    let Some(kind) = step.kind.filter(|k| k.is_result()) else {
        return;
    };
    if step.fields.get("name").is_none() {
        let msg = format!(
            "{} needs a `name`: its result is read as `[[name:result]]`",
            kind.described()
        );
        diags.push(step.field_loc("name").error(&flow.file, step.number, msg));
    }
}

/// Variables are read as `[[name]]`, so they follow node names' rules (§13 rule 11).
pub(super) fn check_variable_names(ctx: &Ctx, diags: &mut Diagnostics) {
    for (_, flow, step) in ctx.steps() {
        for (name, value) in step.fields.assign() {
            check_name(flow, step.number, &value.loc, name, "variable", diags);
        }
    }
}

fn check_name(
    flow: &Flow,
    step: Option<u64>,
    loc: &Loc,
    name: &str,
    what: &str,
    diags: &mut Diagnostics,
) {
    if !is_valid_name(name) {
        diags.push(loc.error(
            &flow.file,
            step,
            format!("invalid {what} name `{name}`: use `[A-Za-z_][A-Za-z0-9_]*`"),
        ));
    } else if RESERVED_WORDS.contains(&name) {
        let msg = format!("`{name}` is a reserved word and cannot name a {what}");
        diags.push(
            loc.error(&flow.file, step, msg)
                .hint(format!("rename it, e.g. `{name}_value`")),
        );
    }
}

/// `a`, `b` or `c`, for messages listing the allowed values.
pub(super) fn quoted(values: &[&str]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => quoted.concat(),
    }
}
