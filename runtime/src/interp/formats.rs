//! The formatting nodes (§4.3–§4.6) in the interpreter: the same `lang` engines generated
//! code calls, with patterns taken from the IR.

use super::state::State;
use super::step::{yes_no, Next, Writes};
use flowc_codegen::ir::StepKind;
use flowc_lang::scope::NodeOutput;
use flowc_lang::{datefmt, display_list, nodes, numfmt, Value};

/// Runs a `date_format`, `number_format`, `display_list` or `encrypt` step; `None` for
/// any other kind.
pub(super) fn exec(kind: &StepKind, state: &mut State, w: &mut Writes) -> Option<Next> {
    let mut out = NodeOutput::default();
    let (name, ok, yes, no) = match kind {
        StepKind::DateFormat {
            name,
            input,
            input_format,
            output_format,
            timezone,
            yes,
            no,
        } => {
            let result = datefmt::zone(timezone).and_then(|zone| {
                datefmt::format_date(
                    state.input(input).as_deref(),
                    input_format,
                    output_format,
                    &zone,
                )
            });
            (name, nodes::store_result(&mut out, result), yes, no)
        }
        StepKind::NumberFormat {
            name,
            input,
            pattern,
            yes,
            no,
        } => {
            let result = numfmt::format_number(state.input(input).as_deref(), pattern);
            (
                name,
                nodes::store_result(&mut out, result.map(Value::String)),
                yes,
                no,
            )
        }
        StepKind::DisplayList {
            name,
            pattern,
            options,
            yes,
            no,
        } => {
            let rendered = display_list::render_in_scope(pattern, options, &*state);
            (name, nodes::store_list(&mut out, rendered), yes, no)
        }
        StepKind::Encrypt {
            name,
            input,
            algorithm,
            key,
            encoding,
            yes,
            no,
        } => {
            let key = key.and_then(|slot| state.services.keys.get(slot));
            let input = state.input(input);
            let ok = nodes::store_encrypt(&mut out, *algorithm, key, input.as_deref(), *encoding);
            (name, ok, yes, no)
        }
        _ => return None,
    };
    w.node(name, &out);
    state.set_node(name, out);
    Some(yes_no(ok, *yes, *no))
}
