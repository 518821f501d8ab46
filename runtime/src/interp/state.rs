//! A session's state as the interpreter keeps it: variables and node outputs by name, the
//! request and the session facts, read by `flowc_lang::eval` through [`Scope`].

use crate::http::Call;
use flowc_lang::eval;
use flowc_lang::scope::{NodeOutput, RequestData, Scope, SessionData};
use flowc_lang::template::Template;
use flowc_lang::value::Value;
use std::borrow::Cow;
use std::collections::HashMap;

/// Everything a session has read and written so far.
pub(super) struct State {
    /// Session variables.
    pub vars: HashMap<String, Value>,
    /// The latest output of each node name (§13 rule 12).
    pub nodes: HashMap<String, NodeOutput>,
    /// The request.
    pub request: RequestData,
    /// The session facts.
    pub session: SessionData,
    /// What was resolved at start (keys).
    pub services: std::sync::Arc<crate::app::Services>,
    /// Whether the session runs in the background (its waits park in the store).
    pub is_async: bool,
    /// When a synchronous session must have answered.
    pub deadline: Option<std::time::Instant>,
    /// What woke a resumed session, for the wait it resumes at.
    pub wake: Option<crate::store::Resume>,
}

impl State {
    /// The state at the start of a call, before the flow fills `flow` and `msisdn`.
    pub fn new(call: Call) -> State {
        State {
            vars: HashMap::new(),
            nodes: HashMap::new(),
            request: call.request,
            session: call.session,
            services: call.services,
            is_async: call.is_async,
            deadline: call.deadline,
            wake: None,
        }
    }

    /// A template rendered as a string (§3).
    pub fn render(&self, t: &Template) -> String {
        let mut out = String::new();
        eval::render_into(t, self, None, &mut out);
        out
    }

    /// A node's input value: a single reference keeps its type and may be absent (`None`);
    /// anything else is the rendered string.
    pub fn input(&self, t: &Template) -> Option<Cow<'_, Value>> {
        match t.single_ref() {
            Some(r) => eval::eval_ref(r, self, None),
            None => Some(Cow::Owned(eval::eval_template(t, self, None))),
        }
    }

    /// Assigns a variable, reusing its slot when it exists.
    pub fn set_var(&mut self, name: &str, value: Value) {
        match self.vars.get_mut(name) {
            Some(slot) => *slot = value,
            None => {
                self.vars.insert(name.to_owned(), value);
            }
        }
    }

    /// Replaces a node's output (a node's output is replaced each time it runs).
    pub fn set_node(&mut self, name: &str, output: NodeOutput) {
        match self.nodes.get_mut(name) {
            Some(slot) => *slot = output,
            None => {
                self.nodes.insert(name.to_owned(), output);
            }
        }
    }
}

impl Scope for State {
    fn var(&self, name: &str) -> Option<&Value> {
        self.vars.get(name)
    }

    fn node(&self, name: &str) -> Option<&NodeOutput> {
        self.nodes.get(name)
    }

    fn request(&self) -> &RequestData {
        &self.request
    }

    fn session(&self) -> &SessionData {
        &self.session
    }
}

impl State {
    /// The state to store at wait `step` of the current flow: variables, node outputs and
    /// where it waits (§4.9).
    pub fn save(&self, step: u64) -> Value {
        let vars = self
            .vars
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let nodes = self
            .nodes
            .iter()
            .map(|(k, v)| (k.clone(), v.to_value()))
            .collect();
        let at = crate::waits::at_value(&self.session.flow, step);
        crate::waits::state(at, vars, nodes)
    }

    /// Restores what [`State::save`] stored; returns the flow id and step number it waited
    /// at, `None` when unreadable.
    pub fn restore(&mut self, saved: &Value) -> Option<(String, u64)> {
        let (at, vars, nodes) = crate::waits::unstate(saved)?;
        let (flow, step) = crate::waits::value_at(at)?;
        let flow = flow.to_owned();
        self.vars = vars.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        self.nodes = nodes
            .iter()
            .map(|(k, v)| (k.clone(), NodeOutput::from_value(v)))
            .collect();
        Some((flow, step))
    }
}
