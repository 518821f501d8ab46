//! Where a step's targets and templates stand, for checks that look at all of them.

use super::{FieldValue, Fields, Loc, Step, Target, ValueField};
use flowc_lang::json::{Spanned, SpannedNode};
use flowc_lang::template::{Template, ValueTemplate};

/// One branch target of a step.
#[derive(Debug, Clone, Copy)]
pub struct TargetSite<'a> {
    /// The target.
    pub target: &'a Target,
    /// Where it is written.
    pub loc: &'a Loc,
}

/// One template inside a step, route or integration.
#[derive(Debug, Clone)]
pub struct TemplateSite<'a> {
    /// The parsed template.
    pub template: &'a Template,
    /// The string that holds it.
    pub loc: Loc,
    /// Whether it stands inside a list-from-positions element, where `#` is allowed (§3).
    pub in_positions: bool,
}

impl Step {
    /// Every target: plain branch fields, case targets and `branches`, in source order.
    pub fn targets(&self) -> Vec<TargetSite<'_>> {
        let mut out = Vec::new();
        for field in &self.fields.items {
            match &field.value {
                FieldValue::Target(target) => out.push(TargetSite {
                    target,
                    loc: &field.loc,
                }),
                FieldValue::Cases(cases) => {
                    out.extend(
                        cases
                            .iter()
                            .filter_map(|c| c.next.as_ref())
                            .map(|n| TargetSite {
                                target: &n.value,
                                loc: &n.loc,
                            }),
                    );
                }
                FieldValue::Branches(branches) => {
                    out.extend(branches.iter().map(|(_, b)| TargetSite {
                        target: &b.value,
                        loc: &b.loc,
                    }));
                }
                _ => {}
            }
        }
        out
    }
}

impl Fields {
    /// Every template in these fields, value templates walked, in source order.
    pub fn template_sites(&self) -> Vec<TemplateSite<'_>> {
        let mut out = Vec::new();
        for field in &self.items {
            match &field.value {
                FieldValue::Template(template) => {
                    out.push(TemplateSite {
                        template,
                        loc: field.loc.clone(),
                        in_positions: false,
                    });
                }
                FieldValue::Templates(entries) => {
                    out.extend(entries.iter().map(|(_, t)| TemplateSite {
                        template: &t.value,
                        loc: t.loc.clone(),
                        in_positions: false,
                    }))
                }
                FieldValue::Value(v) => v.template_sites(&field.loc, &mut out),
                FieldValue::Assign(entries) => entries
                    .iter()
                    .for_each(|(_, v)| v.value.template_sites(&v.loc, &mut out)),
                // A list pattern's item references read `#` (§4.5); its `[[…]]` ones do not.
                FieldValue::ListPattern(_, refs) => {
                    out.extend(refs.iter().map(|(template, per_item)| TemplateSite {
                        template,
                        loc: field.loc.clone(),
                        in_positions: *per_item,
                    }))
                }
                _ => {}
            }
        }
        out
    }
}

impl ValueField {
    /// Appends the templates of this value, located in its source.
    pub fn template_sites<'a>(&'a self, base: &Loc, out: &mut Vec<TemplateSite<'a>>) {
        walk(
            &self.template,
            &mut String::new(),
            false,
            &mut |rel, template, in_positions| {
                out.push(TemplateSite {
                    template,
                    loc: locate(&self.source, base, rel),
                    in_positions,
                });
            },
        );
    }
}

/// Walks a value template, telling for each template whether it is inside a
/// [`ValueTemplate::Positions`] element.
fn walk<'a>(
    v: &'a ValueTemplate,
    pointer: &mut String,
    in_positions: bool,
    f: &mut dyn FnMut(&str, &'a Template, bool),
) {
    let mut child =
        |pointer: &mut String, key: &str, item: &'a ValueTemplate, in_positions: bool| {
            let len = pointer.len();
            pointer.push('/');
            pointer.push_str(&super::escape_pointer(key));
            walk(item, pointer, in_positions, f);
            pointer.truncate(len);
        };
    match v {
        ValueTemplate::Str(t) => f(pointer, t, in_positions),
        ValueTemplate::Array(items) => {
            items
                .iter()
                .enumerate()
                .for_each(|(i, item)| child(pointer, &i.to_string(), item, in_positions));
        }
        ValueTemplate::Positions(item) => child(pointer, "0", item, true),
        ValueTemplate::Object(members) => members
            .iter()
            .for_each(|(k, item)| child(pointer, k, item, in_positions)),
        ValueTemplate::Null | ValueTemplate::Bool(_) | ValueTemplate::Number(_) => {}
    }
}

/// The location of the value at `relative` (a JSON pointer) inside `root`, which stands
/// at `base`; the nearest existing ancestor's position when the path does not resolve.
pub(crate) fn locate(root: &Spanned, base: &Loc, relative: &str) -> Loc {
    let node = node_at(root, relative);
    Loc {
        pointer: format!("{}{relative}", base.pointer),
        line: node.line,
        column: node.column,
    }
}

/// The value at `relative` (a JSON pointer) inside `root`, or the nearest existing ancestor.
pub(crate) fn node_at<'a>(root: &'a Spanned, relative: &str) -> &'a Spanned {
    let mut node = root;
    for segment in relative.split('/').skip(1) {
        let key = segment.replace("~1", "/").replace("~0", "~");
        let next = match &node.node {
            SpannedNode::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
            SpannedNode::Object(_) => node.get(&key),
            _ => None,
        };
        match next {
            Some(n) => node = n,
            None => break,
        }
    }
    node
}
