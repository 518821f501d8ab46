//! Rules of the formatting nodes (§4.3–§4.6) beyond their patterns, which the model
//! compiles while reading.

use super::Ctx;
use crate::diag::Diagnostics;
use crate::model::schema::NodeType;

/// A time zone must be an IANA name the bundled database knows (§4.3), so a typo fails
/// the build rather than every session.
pub(super) fn check_timezones(ctx: &Ctx, diags: &mut Diagnostics) {
    let steps = ctx
        .steps()
        .filter(|(_, _, s)| s.kind == Some(NodeType::DateFormat));
    for (_, flow, step) in steps {
        let Some(name) = step.fields.text("timezone") else {
            continue;
        };
        if let Err(e) = flowc_lang::datefmt::zone(name) {
            diags.push(step.field_loc("timezone").error(&flow.file, step.number, e));
        }
    }
}
