//! `wait_for_callback` and the opt-out nodes in the interpreter (§4.9, §4.10): the same
//! runtime functions generated code calls.

use super::state::State;
use super::step::{yes_no, Next, Writes};
use crate::optouts::{self, Action};
use crate::session::{Parked, SessionError};
use crate::store::Channel;
use crate::waits::{self, Waited};
use flowc_codegen::ir::{self, StepKind, StepRef};
use flowc_lang::scope::NodeOutput;
use flowc_lang::Value;

/// Runs a wait or opt-out step.
pub(super) async fn exec(
    at: StepRef,
    kind: &StepKind,
    state: &mut State,
    w: &mut Writes,
) -> Result<Next, SessionError> {
    match kind {
        StepKind::WaitForCallback {
            name,
            reference,
            timeout_s,
            yes,
            no,
        } => {
            let reference = state.render(reference);
            let wake = state.wake.take();
            let waited = waits::wait_with(
                &state.services,
                state.is_async,
                state.deadline,
                wake,
                reference,
                *timeout_s,
            )
            .await;
            let (out, ok) = match waited {
                Waited::Callback(body) => (
                    NodeOutput {
                        result: body,
                        ..NodeOutput::default()
                    },
                    true,
                ),
                Waited::No(message) => (
                    NodeOutput {
                        error: Some(Value::String(message)),
                        ..NodeOutput::default()
                    },
                    false,
                ),
                Waited::Park {
                    reference,
                    deadline,
                } => {
                    return Ok(Next::Park(Parked {
                        reference,
                        deadline,
                        state: state.save(at.step),
                    }));
                }
            };
            w.node(name, &out);
            state.set_node(name, out);
            Ok(yes_no(ok, *yes, *no))
        }
        StepKind::OptOut {
            action,
            number,
            channel,
            yes,
            no,
        } => {
            let number = state.render(number);
            let ok = optouts::run(
                &state.services,
                action_of(*action),
                channel_of(*channel),
                &number,
            )
            .await?;
            Ok(yes_no(ok, *yes, *no))
        }
        _ => Err(SessionError::new(
            crate::session::ErrorCode::Ct21,
            "not a store node",
        )),
    }
}

fn action_of(action: ir::OptOutAction) -> Action {
    match action {
        ir::OptOutAction::Record => Action::Record,
        ir::OptOutAction::Verify => Action::Verify,
        ir::OptOutAction::Delete => Action::Delete,
    }
}

fn channel_of(channel: ir::Channel) -> Channel {
    match channel {
        ir::Channel::Whatsapp => Channel::Whatsapp,
        ir::Channel::Sms => Channel::Sms,
        ir::Channel::Both => Channel::Both,
    }
}
