//! How a session ends: an [`Answer`] from `api_end`, or a [`SessionError`] (§7).

use bytes::Bytes;

/// The answer an `api_end` gives (§6.2).
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// Headers in order (a `content-type` here wins over `content_type`).
    pub headers: Vec<(String, String)>,
    /// The body's content type, if it has a body (JSON answers' is a constant).
    pub content_type: Option<std::borrow::Cow<'static, str>>,
    /// The body.
    pub body: Bytes,
}

impl Answer {
    /// A JSON answer (`Content-Type: application/json`).
    pub fn json(status: u16, headers: Vec<(String, String)>, body: &flowc_lang::Value) -> Answer {
        let mut text = String::with_capacity(64);
        body.write_json(&mut text);
        Answer::json_text(status, headers, text)
    }

    /// A JSON answer whose body is already JSON text (`Content-Type: application/json`):
    /// generated code writes an `api_end` body straight into one string, without a
    /// [`flowc_lang::Value`] tree to build and walk.
    pub fn json_text(status: u16, headers: Vec<(String, String)>, text: String) -> Answer {
        Answer {
            status,
            headers,
            content_type: Some("application/json".into()),
            body: Bytes::from(text),
        }
    }

    /// A text answer with its content type.
    pub fn text(
        status: u16,
        headers: Vec<(String, String)>,
        content_type: &str,
        body: String,
    ) -> Answer {
        Answer {
            status,
            headers,
            content_type: Some(content_type.to_owned().into()),
            body: Bytes::from(body),
        }
    }

    /// An answer without a body or content type (§13 rule 17).
    pub fn empty(status: u16, headers: Vec<(String, String)>) -> Answer {
        Answer {
            status,
            headers,
            content_type: None,
            body: Bytes::new(),
        }
    }
}

/// The session error codes of §7.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// A branch without a target, no matching case, or no `api_end`.
    Ct04,
    /// An integration could not connect or timed out and has no `other`.
    Ct11,
    /// The route's `timeout_ms` passed.
    Ct12,
    /// An unhandled error: the step budget ran out, the store failed.
    Ct21,
    /// A callback named a closed or unknown session.
    Ct40,
    /// An integration got an unhandled response and has no `other`.
    Ct51,
}

impl ErrorCode {
    /// `CT04`, …
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Ct04 => "CT04",
            ErrorCode::Ct11 => "CT11",
            ErrorCode::Ct12 => "CT12",
            ErrorCode::Ct21 => "CT21",
            ErrorCode::Ct40 => "CT40",
            ErrorCode::Ct51 => "CT51",
        }
    }

    /// The HTTP status it answers with.
    pub fn status(self) -> u16 {
        match self {
            ErrorCode::Ct04 | ErrorCode::Ct21 => 500,
            ErrorCode::Ct11 | ErrorCode::Ct51 => 502,
            ErrorCode::Ct12 => 504,
            ErrorCode::Ct40 => 404,
        }
    }
}

/// A session that failed (§7): it answers with the code's status and the error body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionError {
    /// The code.
    pub code: ErrorCode,
    /// A message for the caller (never a credential).
    pub message: String,
}

impl SessionError {
    /// A new error.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> SessionError {
        SessionError {
            code,
            message: message.into(),
        }
    }

    /// CT04 for a branch left out at `flow`:`step`.
    pub fn no_target(flow: &str, step: u64, branch: &str) -> SessionError {
        SessionError::new(
            ErrorCode::Ct04,
            format!("step {step} of flow {flow} has no `{branch}` target"),
        )
    }

    /// CT21 when the step budget is spent.
    pub fn step_budget(max_steps: u64) -> SessionError {
        SessionError::new(
            ErrorCode::Ct21,
            format!("the session ran more than {max_steps} steps"),
        )
    }
}

/// Ends the session with CT21 when a value a node stores nests deeper than
/// [`flowc_lang::value::MAX_DEPTH`]: a flow that wraps a variable in itself would otherwise
/// grow it until cloning or dropping it overflows the stack and takes the server down (§7).
pub fn check_depth(value: &flowc_lang::Value) -> Result<(), SessionError> {
    check_depth_within(value, 0)
}

/// [`check_depth`] for a value copied `levels` containers deep into a node output written
/// straight as JSON text (a `remap` whose result is only answered): the tree the
/// interpreter builds, and checks, would hold it that much deeper.
pub fn check_depth_within(value: &flowc_lang::Value, levels: usize) -> Result<(), SessionError> {
    // Past the limit's own depth even a scalar nests too deep (never for a bundle: its
    // reader bounds a mapping's nesting far below the limit).
    let too_deep = match flowc_lang::value::MAX_DEPTH.checked_sub(levels) {
        Some(limit) => value.deeper_than(limit),
        None => true,
    };
    if too_deep {
        return Err(SessionError::new(
            ErrorCode::Ct21,
            format!(
                "a value nested more than {} levels deep",
                flowc_lang::value::MAX_DEPTH
            ),
        ));
    }
    Ok(())
}

/// How a session run ends when it does not fail.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// An `api_end` answered.
    Answered(Answer),
    /// An asynchronous session reached a `wait_for_callback`: it is stored with this state
    /// and resumes, on any instance, when the callback arrives or the wait times out.
    Parked(Parked),
}

impl From<Answer> for Outcome {
    fn from(answer: Answer) -> Outcome {
        Outcome::Answered(answer)
    }
}

impl Outcome {
    /// The answer, when an `api_end` answered.
    pub fn answer(self) -> Option<Answer> {
        match self {
            Outcome::Answered(answer) => Some(answer),
            Outcome::Parked(_) => None,
        }
    }
}

/// A session waiting in the store (§4.9).
#[derive(Debug, Clone, PartialEq)]
pub struct Parked {
    /// The reference a callback must name.
    pub reference: String,
    /// When the wait times out (wall-clock, so it keeps running while the server is down).
    pub deadline: std::time::SystemTime,
    /// The session's variables, node outputs and step, to resume from.
    pub state: flowc_lang::Value,
}

/// The result of running a session.
pub type SessionResult = Result<Outcome, SessionError>;

/// The step budget and the deadline, spent by both step loops before every step.
///
/// Every executed node counts (§13 rule 15). A session that computes without awaiting
/// would hold its worker thread: every [`Budget::CHECK_EVERY`] steps the budget also checks
/// the route's deadline (CT12, §7) and yields to the scheduler, so a busy loop neither
/// outlives `timeout_ms` nor starves other requests.
#[derive(Debug)]
pub struct Budget {
    /// Steps that run before the next call of [`Budget::refill`]: the one counter a step
    /// pays for.
    window: u32,
    /// Steps allowed after this window.
    left: u64,
    max: u64,
    deadline: Option<std::time::Instant>,
}

impl Budget {
    /// How many steps run between deadline checks.
    pub const CHECK_EVERY: u32 = 256;

    /// A budget of `max_steps` that must be spent before `deadline`.
    pub fn new(max_steps: u64, deadline: Option<std::time::Instant>) -> Budget {
        // The first window ends before step CHECK_EVERY, which checks the deadline.
        let window = max_steps.min(u64::from(Budget::CHECK_EVERY - 1));
        Budget {
            window: window as u32,
            left: max_steps - window,
            max: max_steps,
            deadline,
        }
    }

    /// Spends one step: CT21 when the budget is gone. `Ok(true)` once every
    /// [`Budget::CHECK_EVERY`] steps, when the caller must await [`Budget::checkpoint`]
    /// before the step; the other steps pay a decrement and no future.
    #[inline]
    pub fn spend(&mut self) -> Result<bool, SessionError> {
        if self.window == 0 {
            return self.refill();
        }
        self.window -= 1;
        Ok(false)
    }

    /// The step after a window: a multiple of [`Budget::CHECK_EVERY`] while steps are
    /// left (windows after the first are whole, but for the last), so it checks the
    /// deadline; past the budget, CT21.
    #[cold]
    fn refill(&mut self) -> Result<bool, SessionError> {
        if self.left == 0 {
            return Err(SessionError::step_budget(self.max));
        }
        let steps = self.left.min(u64::from(Budget::CHECK_EVERY));
        self.left -= steps;
        self.window = steps as u32 - 1;
        Ok(true)
    }

    /// CT12 when the deadline passed; otherwise yields to the scheduler once.
    pub async fn checkpoint(&self) -> Result<(), SessionError> {
        if self
            .deadline
            .is_some_and(|d| std::time::Instant::now() >= d)
        {
            return Err(SessionError::new(
                ErrorCode::Ct12,
                "the session ran longer than its route allows",
            ));
        }
        tokio::task::yield_now().await;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Spends a budget of `max` until it refuses: the steps it allowed, and the steps
    /// before which it asked for a checkpoint.
    fn spend_all(max: u64) -> (u64, Vec<u64>) {
        let mut budget = Budget::new(max, None);
        let (mut step, mut checkpoints) = (0, Vec::new());
        loop {
            match budget.spend() {
                Ok(checkpoint) => {
                    step += 1;
                    if checkpoint {
                        checkpoints.push(step);
                    }
                }
                Err(e) => {
                    assert_eq!(e.code, ErrorCode::Ct21);
                    return (step, checkpoints);
                }
            }
        }
    }

    /// A value copied `levels` containers deep fails when the tree around it would nest
    /// past the limit, a scalar included once the containers alone pass it.
    #[test]
    fn depth_within_counts_the_containers_around_a_value() {
        use flowc_lang::value::MAX_DEPTH;
        use flowc_lang::Value;
        let nested =
            |depth: usize| (0..depth).fold(Value::Null, |inner, _| Value::Array(vec![inner]));
        assert!(check_depth_within(&nested(MAX_DEPTH - 3), 3).is_ok());
        assert!(check_depth_within(&nested(MAX_DEPTH - 2), 3).is_err());
        assert!(check_depth_within(&Value::Null, MAX_DEPTH).is_ok());
        assert!(check_depth_within(&Value::Null, MAX_DEPTH + 1).is_err());
    }

    /// Exactly `max` steps run (§13 rule 15), with a checkpoint before every 256th.
    #[test]
    fn a_budget_allows_its_steps_and_checks_every_256th() {
        let every = u64::from(Budget::CHECK_EVERY);
        for max in [
            0, 1, 2, 254, 255, 256, 257, 300, 511, 512, 513, 1000, 10_000,
        ] {
            let expected: Vec<u64> = (1..=max).filter(|k| k % every == 0).collect();
            assert_eq!(spend_all(max), (max, expected), "max_steps {max}");
        }
    }
}
