//! The template parser (§3, §13 rules 5 and 6).

use crate::template::{Template, TemplateError, ValueTemplate, ValueTemplateError};
use crate::value::Value;

/// See [`crate::template::parse`].
pub(crate) fn parse(source: &str) -> Result<Template, TemplateError> {
    todo!("{source}")
}

/// See [`ValueTemplate::from_value`].
pub(crate) fn value_template(value: &Value) -> Result<ValueTemplate, Vec<ValueTemplateError>> {
    todo!("{value:?}")
}
