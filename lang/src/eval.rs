//! Evaluation of templates and value templates over a [`Scope`] (the interpreter's path;
//! generated code calls the same leaf functions with references resolved at build time).

use crate::scope::Scope;
use crate::template::{Ref, Template, ValueTemplate};
use crate::value::Value;
use std::borrow::Cow;

/// The value a reference names, or `None` when absent. `pos` is the `#` position, if any.
pub fn eval_ref<'a>(r: &Ref, scope: &'a dyn Scope, pos: Option<usize>) -> Option<Cow<'a, Value>> {
    todo!("{r:?}{:?}{pos:?}", scope.session())
}

/// Appends the string rendering of a template (§3).
pub fn render_into(t: &Template, scope: &dyn Scope, pos: Option<usize>, out: &mut String) {
    todo!("{t:?}{:?}{pos:?}{out}", scope.session())
}

/// Evaluates a template: exactly one reference keeps its type (absent → null, §13 rule 1),
/// anything else is a string.
pub fn eval_template(t: &Template, scope: &dyn Scope, pos: Option<usize>) -> Value {
    todo!("{t:?}{:?}{pos:?}", scope.session())
}

/// Evaluates a value template, expanding position lists (§3).
pub fn eval_value(vt: &ValueTemplate, scope: &dyn Scope, pos: Option<usize>) -> Value {
    todo!("{vt:?}{:?}{pos:?}", scope.session())
}

/// Whether every `#` reference inside `vt` is present at position `pos` (the stop rule of
/// position lists).
pub fn hash_refs_present(vt: &ValueTemplate, scope: &dyn Scope, pos: usize) -> bool {
    todo!("{vt:?}{:?}{pos:?}", scope.session())
}
