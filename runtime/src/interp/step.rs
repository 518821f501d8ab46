//! The step loop and one function per node kind (§4, §4.1, §4.2, §7, §13 rules 12–20).

use super::state::State;
use super::{Regexes, TraceStep};
use crate::http::Call;
use crate::session::{check_depth, Answer, Budget, ErrorCode, SessionError, SessionResult};
use flowc_codegen::ir::{self, Case, EndBody, StepKind, StepRef, Target};
use flowc_lang::calc::{self, Expr};
use flowc_lang::eval;
use flowc_lang::nodes;
use flowc_lang::pattern::Matcher;
use flowc_lang::scope::NodeOutput;
use flowc_lang::template::{Template, ValueTemplate};
use flowc_lang::value::Value;
use std::borrow::Cow;

/// A bundle and its compiled regexes, borrowed for one session.
pub(super) struct Machine<'a> {
    pub bundle: &'a ir::Bundle,
    pub regexes: &'a Regexes,
}

/// How a step ended.
pub(super) enum Next {
    /// An asynchronous session parks at a wait.
    Park(crate::session::Parked),
    /// Take a branch to its target.
    Go(Branch, Target),
    /// The session answered.
    End(Answer),
}

/// Which branch a step took; named (`yes`, `case 2`, …) only for traces and CT04, so the
/// untraced path allocates nothing for it.
#[derive(Clone, Copy)]
pub(super) enum Branch {
    Next,
    Yes,
    No,
    Default,
    /// The 0-based index of the case that matched.
    Case(usize),
    /// The 0-based index of the `api_integration` branch that matched.
    Matched(usize),
    /// An `api_integration`'s `other`.
    Other,
}

impl Branch {
    fn name(self) -> Cow<'static, str> {
        Cow::Borrowed(match self {
            Branch::Next => "next",
            Branch::Yes => "yes",
            Branch::No => "no",
            Branch::Default => "default",
            Branch::Other => "other",
            Branch::Case(i) => return Cow::Owned(format!("case {}", i + 1)),
            Branch::Matched(i) => return Cow::Owned(format!("branch {}", i + 1)),
        })
    }
}

/// What a step wrote, kept only when tracing.
pub(super) struct Writes {
    on: bool,
    items: Vec<(String, String)>,
}

impl Writes {
    fn note(&mut self, name: impl FnOnce() -> String, value: &Value) {
        if self.on {
            self.items.push((name(), value.to_json()));
        }
    }

    /// Notes the parts a node output holds after a step.
    pub(super) fn node(&mut self, node: &str, out: &NodeOutput) {
        if !self.on {
            return;
        }
        if let Some(v) = &out.result {
            self.note(|| format!("{node}:result"), v);
        }
        if let Some(v) = &out.error {
            self.note(|| format!("{node}:error"), v);
        }
        for (i, g) in out.groups.iter().enumerate().skip(1) {
            if let Some(v) = g {
                self.note(|| format!("{node}:{i}"), v);
            }
        }
    }
}

impl Machine<'_> {
    /// Runs a session from `entry` until an `api_end`, an error, or the step budget.
    pub async fn run(
        &self,
        entry: StepRef,
        route: &ir::Route,
        call: Call,
        mut trace: Option<&mut Vec<TraceStep>>,
    ) -> SessionResult {
        let mut budget = Budget::new(call.max_steps, call.deadline);
        let mut call = call;
        let resume = call.resume.take();
        let mut state = State::new(call);
        state.session.msisdn = route
            .msisdn
            .as_ref()
            .and_then(|t| nodes::normalize_msisdn(&state.render(t)));
        let mut at = entry;
        if let Some((saved, wake)) = resume {
            at = state
                .restore(&saved)
                .and_then(|(flow, step)| self.wait_step(&flow, step))
                .ok_or_else(crate::waits::unreadable_state)?;
            state.wake = Some(wake);
        }
        state.session.flow = self.flow(at)?.id.clone().into();
        // Every executed node counts, `start` and `api_end` included (§13 rule 15).
        loop {
            if budget.spend()? {
                budget.checkpoint().await?;
            }
            let flow = self.flow(at)?;
            let step = flow
                .step(at.step)
                .ok_or_else(|| internal(format!("flow {} has no step {}", flow.id, at.step)))?;
            let mut writes = Writes {
                on: trace.is_some(),
                items: Vec::new(),
            };
            let next = self.exec(at, &step.kind, &mut state, &mut writes).await?;
            if let Some(t) = trace.as_deref_mut() {
                t.push(trace_step(flow, step, &next, writes.items));
            }
            match next {
                Next::End(answer) => return Ok(answer.into()),
                Next::Park(parked) => return Ok(crate::session::Outcome::Parked(parked)),
                Next::Go(branch, Target::Missing) => {
                    return Err(SessionError::no_target(
                        &flow.id,
                        step.number,
                        &branch.name(),
                    ))
                }
                Next::Go(_, Target::Step(to)) => {
                    if to.flow != at.flow {
                        // "Trigger another workflow": the session and its variables carry over.
                        state.session.flow = self.flow(to)?.id.clone().into();
                    }
                    at = to;
                }
            }
        }
    }

    /// The `wait_for_callback` step a stored session names, if this bundle has it.
    fn wait_step(&self, flow: &str, step: u64) -> Option<StepRef> {
        let index = self.bundle.flows.iter().position(|f| f.id == flow)?;
        let kind = &self.bundle.flows[index].step(step)?.kind;
        matches!(kind, StepKind::WaitForCallback { .. }).then_some(StepRef { flow: index, step })
    }

    fn flow(&self, at: StepRef) -> Result<&ir::Flow, SessionError> {
        self.bundle
            .flows
            .get(at.flow)
            .ok_or_else(|| internal(format!("no flow #{}", at.flow)))
    }

    /// Executes one node.
    async fn exec(
        &self,
        at: StepRef,
        kind: &StepKind,
        state: &mut State,
        w: &mut Writes,
    ) -> Result<Next, SessionError> {
        Ok(match kind {
            StepKind::Start { next } => Next::Go(Branch::Next, *next),
            StepKind::SetVariable { assign, next } => set_variable(assign, *next, state, w)?,
            StepKind::Calculate {
                name,
                expr,
                yes,
                no,
            } => calculate(name, expr, (*yes, *no), state, w),
            StepKind::SwitchCase {
                input,
                cases,
                default,
                ignore_case,
            } => switch_case(input, cases, *default, *ignore_case, state),
            StepKind::IsEmpty { input, yes, no } => {
                yes_no(nodes::is_empty(state.input(input).as_deref()), *yes, *no)
            }
            StepKind::IsNull { input, yes, no } => {
                yes_no(nodes::is_null(state.input(input).as_deref()), *yes, *no)
            }
            StepKind::Regex {
                name,
                input,
                yes,
                no,
                ..
            } => {
                let re = self.regexes.get(at).ok_or_else(|| {
                    internal(format!("the pattern of step {} is invalid", at.step))
                })?;
                regex(name, input, re, (*yes, *no), state, w)
            }
            StepKind::Remap {
                name,
                mapping,
                next,
            } => remap(name, mapping, *next, state, w)?,
            StepKind::ApiEnd {
                status,
                headers,
                body,
            } => Next::End(api_end(*status, headers, body, state)),
            StepKind::WaitForCallback { .. } | StepKind::OptOut { .. } => {
                super::store_nodes::exec(at, kind, state, w).await?
            }
            StepKind::ApiIntegration { .. } | StepKind::SendTemplate { .. } => {
                super::outbound::exec(self.bundle, at, kind, state, w).await?
            }
            other => super::formats::exec(other, state, w).ok_or_else(|| {
                internal(format!("step {} has a kind the interpreter lacks", at.step))
            })?,
        })
    }
}

/// The trace entry of a step that ran.
fn trace_step(
    flow: &ir::Flow,
    step: &ir::Step,
    next: &Next,
    wrote: Vec<(String, String)>,
) -> TraceStep {
    let outcome = match next {
        Next::Go(branch, _) => branch.name().into_owned(),
        Next::End(answer) => format!("end {}", answer.status),
        Next::Park(parked) => format!("park on `{}`", parked.reference),
    };
    TraceStep {
        flow: flow.id.clone(),
        step: step.number,
        kind: kind_name(&step.kind),
        outcome,
        wrote,
    }
}

pub(super) fn yes_no(yes: bool, yes_target: Target, no_target: Target) -> Next {
    if yes {
        Next::Go(Branch::Yes, yes_target)
    } else {
        Next::Go(Branch::No, no_target)
    }
}

/// A CT21 for what a checked bundle cannot contain.
fn internal(message: String) -> SessionError {
    SessionError::new(ErrorCode::Ct21, message)
}

/// `set_variable`: every value is evaluated before any is assigned, so `{"a": "[[b]]",
/// "b": "[[a]]"}` swaps.
fn set_variable(
    assign: &[(String, ValueTemplate)],
    next: Target,
    state: &mut State,
    w: &mut Writes,
) -> Result<Next, SessionError> {
    let values: Vec<Value> = assign
        .iter()
        .map(|(_, vt)| eval::eval_value(vt, state, None))
        .collect();
    for value in &values {
        check_depth(value)?;
    }
    for ((name, _), value) in assign.iter().zip(values) {
        w.note(|| name.clone(), &value);
        state.set_var(name, value);
    }
    Ok(Next::Go(Branch::Next, next))
}

/// `calculate` (§4.1): a number or a true comparison goes `yes`; an error or a false
/// comparison `no`. On an error the result is absent and `error` holds the message.
fn calculate(
    name: &str,
    expr: &Expr,
    (yes, no): (Target, Target),
    state: &mut State,
    w: &mut Writes,
) -> Next {
    let outcome = calc::eval(expr, &mut |r, pos| {
        eval::eval_ref(r, &*state, pos).map(Cow::into_owned)
    });
    let mut out = NodeOutput::default();
    let ok = nodes::store_calc(&mut out, outcome);
    w.node(name, &out);
    state.set_node(name, out);
    yes_no(ok, yes, no)
}

/// `switch_case`: the first case equal to the rendered input (absent renders `""`), else
/// `default`.
fn switch_case(
    input: &Template,
    cases: &[Case],
    default: Target,
    ignore_case: bool,
    state: &State,
) -> Next {
    let mut input = state.render(input);
    if ignore_case {
        input = nodes::fold_case(&input);
    }
    match cases
        .iter()
        .position(|c| nodes::switch_matches_folded(&input, &c.value))
    {
        Some(i) => Next::Go(Branch::Case(i), cases[i].next),
        None => Next::Go(Branch::Default, default),
    }
}

/// `regex` (§4.2): an absent input goes `no`; otherwise the input rendered per §3 is
/// searched. The node's output is replaced either way (cleared on no match).
fn regex(
    name: &str,
    input: &Template,
    re: &Matcher,
    (yes, no): (Target, Target),
    state: &mut State,
    w: &mut Writes,
) -> Next {
    let text = state.input(input).map(|v| match v.as_ref() {
        Value::String(s) => s.clone(),
        other => other.render(),
    });
    let mut out = NodeOutput::default();
    let matched = nodes::store_regex(&mut out, re, text.as_deref());
    w.node(name, &out);
    state.set_node(name, out);
    yes_no(matched, yes, no)
}

/// `remap`: builds the mapping's value as the node's result.
fn remap(
    name: &str,
    mapping: &ValueTemplate,
    next: Target,
    state: &mut State,
    w: &mut Writes,
) -> Result<Next, SessionError> {
    let result = eval::eval_value(mapping, state, None);
    check_depth(&result)?;
    let out = NodeOutput {
        result: Some(result),
        ..NodeOutput::default()
    };
    w.node(name, &out);
    state.set_node(name, out);
    Ok(Next::Go(Branch::Next, next))
}

/// `api_end` (§6.2, §13 rule 17).
fn api_end(status: u16, headers: &[(String, Template)], body: &EndBody, state: &State) -> Answer {
    let headers = headers
        .iter()
        .map(|(name, t)| (name.clone(), state.render(t)))
        .collect();
    match body {
        EndBody::Empty => Answer::empty(status, headers),
        EndBody::Json(vt) => Answer::json(status, headers, &eval::eval_value(vt, state, None)),
        EndBody::Text {
            template,
            content_type,
        } => Answer::text(status, headers, content_type, state.render(template)),
    }
}

/// The node type's name in bundles.
fn kind_name(kind: &StepKind) -> &'static str {
    match kind {
        StepKind::Start { .. } => "start",
        StepKind::SetVariable { .. } => "set_variable",
        StepKind::Calculate { .. } => "calculate",
        StepKind::SwitchCase { .. } => "switch_case",
        StepKind::IsEmpty { .. } => "is_empty",
        StepKind::IsNull { .. } => "is_null",
        StepKind::Regex { .. } => "regex",
        StepKind::Remap { .. } => "remap",
        StepKind::ApiEnd { .. } => "api_end",
        StepKind::DateFormat { .. } => "date_format",
        StepKind::NumberFormat { .. } => "number_format",
        StepKind::DisplayList { .. } => "display_list",
        StepKind::Encrypt { .. } => "encrypt",
        StepKind::WaitForCallback { .. } => "wait_for_callback",
        StepKind::OptOut { action, .. } => match action {
            ir::OptOutAction::Record => "opt_out",
            ir::OptOutAction::Verify => "verify_opt_out",
            ir::OptOutAction::Delete => "delete_opt_out",
        },
        StepKind::ApiIntegration { .. } => "api_integration",
        StepKind::SendTemplate { .. } => "send_template",
    }
}
