//! `wait_for_callback` (§4.9, §13 rule 27) for both backends: what a session does at the
//! node, the in-memory waiters of synchronous sessions, and `POST /chat/callback`.
//!
//! A synchronous session waits in memory and is woken directly; its caller's request stays
//! open. An asynchronous session parks in the store with its state and resumes — on any
//! instance — when the callback arrives or the wait times out, even after a restart.

use crate::http::Call;
use crate::session::{ErrorCode, SessionError};
use crate::store::{CallbackOutcome, Resume};
use flowc_lang::{Map, Number, Value};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};
use tokio::sync::oneshot;

/// What a `wait_for_callback` node goes on with.
#[derive(Debug)]
pub enum Waited {
    /// A callback arrived: `yes`, its body (absent when empty) as the result.
    Callback(Option<Value>),
    /// Timed out, or the reference is already in use: `no` with this message.
    No(String),
    /// An asynchronous session must park in the store until `deadline`.
    Park {
        /// The reference.
        reference: String,
        /// When the wait times out.
        deadline: SystemTime,
    },
}

/// The synchronous sessions waiting in this process, by reference.
#[derive(Debug, Default)]
pub struct Waiters {
    waiting: Mutex<HashMap<String, oneshot::Sender<Option<Value>>>>,
}

impl Waiters {
    /// Registers a waiter; `None` when the reference is already in use (§13 rule 27: the
    /// second session goes `no` at once).
    fn register(&self, reference: &str) -> Option<oneshot::Receiver<Option<Value>>> {
        let mut waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
        if waiting.contains_key(reference) {
            return None;
        }
        let (tx, rx) = oneshot::channel();
        waiting.insert(reference.to_owned(), tx);
        Some(rx)
    }

    fn remove(&self, reference: &str) -> Option<oneshot::Sender<Option<Value>>> {
        let mut waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
        waiting.remove(reference)
    }

    /// Wakes the session waiting on `reference`; `false` when none waits here.
    pub fn wake(&self, reference: &str, body: Option<Value>) -> bool {
        match self.remove(reference) {
            Some(tx) => tx.send(body).is_ok(),
            None => false,
        }
    }
}

/// The node's behaviour. `resume` is what a stored session was resumed with, if this run
/// resumes one at this node.
pub async fn wait(
    call: &Call,
    resume: Option<Resume>,
    reference: String,
    timeout_s: u64,
) -> Waited {
    wait_with(
        &call.services,
        call.is_async,
        call.deadline,
        resume,
        reference,
        timeout_s,
    )
    .await
}

/// [`wait`] for a session that keeps its call's parts apart (the interpreter).
pub async fn wait_with(
    services: &crate::app::Services,
    is_async: bool,
    deadline: Option<Instant>,
    resume: Option<Resume>,
    reference: String,
    timeout_s: u64,
) -> Waited {
    match resume {
        Some(Resume::Callback(body)) => return Waited::Callback(body),
        Some(Resume::TimedOut) => return Waited::No(timed_out(timeout_s)),
        Some(Resume::InUse) => return Waited::No(in_use(&reference)),
        None => {}
    }
    if is_async {
        let deadline = SystemTime::now() + Duration::from_secs(timeout_s);
        return Waited::Park {
            reference,
            deadline,
        };
    }
    let waiters = &services.waiters;
    let Some(rx) = waiters.register(&reference) else {
        return Waited::No(in_use(&reference));
    };
    // The route's deadline ends the whole session (CT12) sooner when it comes first.
    let mut limit = Duration::from_secs(timeout_s);
    if let Some(deadline) = deadline {
        limit = limit.min(deadline.saturating_duration_since(Instant::now()));
    }
    let result = tokio::time::timeout(limit, rx).await;
    waiters.remove(&reference);
    match result {
        Ok(Ok(body)) => Waited::Callback(body),
        _ => Waited::No(timed_out(timeout_s)),
    }
}

fn timed_out(timeout_s: u64) -> String {
    format!("no callback within {timeout_s} s")
}

fn in_use(reference: &str) -> String {
    format!("another session already waits on reference `{reference}`")
}

/// Delivers a callback (§4.9): a synchronous waiter here first, else a stored session.
/// `Ok(false)` when nobody waits on `reference` (404 CT40; nothing is buffered).
pub async fn deliver(
    services: &crate::app::Services,
    reference: &str,
    body: Option<Value>,
) -> Result<bool, SessionError> {
    if services.waiters.wake(reference, body.clone()) {
        return Ok(true);
    }
    let Some(store) = &services.store else {
        return Ok(false);
    };
    match store.callback(reference, body).await {
        Ok(CallbackOutcome::Resumed) => Ok(true),
        Ok(CallbackOutcome::Unknown) => Ok(false),
        Err(e) => Err(SessionError::new(
            ErrorCode::Ct21,
            format!("the store failed: {e}"),
        )),
    }
}

/// A session's stored state: where it is, its variables and its node outputs. Both
/// backends write this shape; `at` is the backend's own step key.
pub fn state(at: Value, vars: Map, nodes: Map) -> Value {
    let mut map = Map::default();
    map.insert("at".to_owned(), at);
    map.insert("vars".to_owned(), Value::Object(vars));
    map.insert("nodes".to_owned(), Value::Object(nodes));
    Value::Object(map)
}

/// The parts of a stored state, when it has that shape.
pub fn unstate(state: &Value) -> Option<(&Value, &Map, &Map)> {
    let at = state.segment("at", None)?;
    match (state.segment("vars", None)?, state.segment("nodes", None)?) {
        (Value::Object(vars), Value::Object(nodes)) => Some((at, vars, nodes)),
        _ => None,
    }
}

/// Where a stored session waits, as stored: its flow's id and the step's number. Both stay
/// what they are when the bundle is rebuilt with other flows or steps, where a position
/// among the bundle's steps would move.
pub fn at_value(flow: &str, step: u64) -> Value {
    let mut at = Map::default();
    at.insert("flow".to_owned(), Value::str(flow));
    let step = i64::try_from(step).unwrap_or(i64::MAX);
    at.insert("step".to_owned(), Value::Number(Number::from_i64(step)));
    Value::Object(at)
}

/// The flow id and step number [`at_value`] stored.
pub fn value_at(value: &Value) -> Option<(&str, u64)> {
    let flow = match value.segment("flow", None)? {
        Value::String(flow) => flow.as_str(),
        _ => return None,
    };
    let step = match value.segment("step", None)? {
        Value::Number(n) => u64::try_from(n.to_i64()?).ok()?,
        _ => return None,
    };
    Some((flow, step))
}

/// CT21 for a stored state the session cannot read (written by another build).
pub fn unreadable_state() -> SessionError {
    SessionError::new(
        ErrorCode::Ct21,
        "the stored session state cannot be resumed by this build",
    )
}
