//! Running a session and turning how it ended into the HTTP answer (§6.2, §7).

use super::table::Entry;
use super::{ApiError, Call, FlowFuture};
use crate::session::{Answer, ErrorCode, Outcome, SessionError, SessionResult};
use axum::body::Body;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE, TRANSFER_ENCODING};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use std::panic::{self, AssertUnwindSafe};
use std::task::Poll;
use std::time::{Duration, Instant};

/// Runs the route's session for `call` within its time limit; a panic in the session fails
/// this request (CT21) and nothing else (§7).
///
/// The session is polled once right here: most sessions compute without waiting and answer
/// on that first poll, with no task, timer or wake-up of their own. A session that waits
/// (an outbound call, a callback) continues as a task of its own under the route's
/// deadline, so it runs to its end even if the caller goes away meanwhile.
pub(super) async fn run(route: &Entry, call: Call) -> Result<Response, ApiError> {
    if route.spec.is_async {
        return acknowledge(route, call).await;
    }
    let limit = Duration::from_millis(route.spec.timeout_ms);
    let deadline = call.deadline.unwrap_or_else(|| Instant::now() + limit);
    // Making the session runs the route's entry (its msisdn template, say): guarded too.
    let Ok(mut session) = panic::catch_unwind(AssertUnwindSafe(|| (route.flow)(call))) else {
        return Err(failed_unexpectedly());
    };
    let first = std::future::poll_fn(|cx| {
        Poll::Ready(panic::catch_unwind(AssertUnwindSafe(|| {
            session.as_mut().poll(cx)
        })))
    })
    .await;
    match first {
        Ok(Poll::Ready(result)) => finish(result),
        Ok(Poll::Pending) => finish_in_task(route, session, deadline).await,
        Err(_panic) => Err(failed_unexpectedly()),
    }
}

/// The rest of a session that waited on its first poll, as its own task, until the
/// deadline (CT12).
async fn finish_in_task(
    route: &Entry,
    session: FlowFuture,
    deadline: Instant,
) -> Result<Response, ApiError> {
    let rest = tokio::time::timeout_at(deadline.into(), session);
    match tokio::spawn(rest).await {
        Ok(Ok(result)) => finish(result),
        Ok(Err(_elapsed)) => Err(timed_out(route.spec.timeout_ms).into()),
        Err(_join) => Err(failed_unexpectedly()),
    }
}

/// How a synchronous session ended, as the HTTP answer.
fn finish(result: SessionResult) -> Result<Response, ApiError> {
    match result {
        Ok(Outcome::Answered(answer)) => to_response(answer),
        Ok(Outcome::Parked(_)) => Err(SessionError::new(
            ErrorCode::Ct21,
            "a synchronous session cannot park in the store",
        )
        .into()),
        Err(error) => Err(error.into()),
    }
}

/// A session that panicked (CT21).
fn failed_unexpectedly() -> ApiError {
    SessionError::new(ErrorCode::Ct21, "the session failed unexpectedly").into()
}

/// An asynchronous route (§6.2): the request is committed to the store before the `202`
/// leaves, so an acknowledged request is never lost; workers run it.
async fn acknowledge(route: &Entry, call: Call) -> Result<Response, ApiError> {
    let store_failed =
        |e: String| SessionError::new(ErrorCode::Ct21, format!("the store failed: {e}"));
    let Some(store) = &call.services.store else {
        return Err(store_failed("no store is open".to_owned()).into());
    };
    crate::jobs::enqueue(store, &route.spec.id, &call)
        .await
        .map_err(|e| store_failed(e.to_string()))?;
    let mut body = String::from(r#"{"status":"accepted","request_id":"#);
    flowc_lang::json::write_string(&call.session.id, &mut body);
    body.push('}');
    Ok(json_response(StatusCode::ACCEPTED, body))
}

fn timed_out(timeout_ms: u64) -> SessionError {
    SessionError::new(
        ErrorCode::Ct12,
        format!("the session ran longer than the route's {timeout_ms} ms"),
    )
}

/// The answer of an `api_end`: its status, its headers in order, then `content_type`
/// unless the headers set one (§13 rule 17).
pub(super) fn to_response(answer: Answer) -> Result<Response, ApiError> {
    let status = StatusCode::from_u16(answer.status).map_err(|_| {
        SessionError::new(
            ErrorCode::Ct21,
            format!("{} is not a valid status", answer.status),
        )
    })?;
    let mut response = Response::new(Body::from(answer.body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    for (name, value) in &answer.headers {
        let (name, value) = header(name, value)?;
        // The server frames the body itself; a flow's framing headers would corrupt it.
        if name != CONTENT_LENGTH && name != TRANSFER_ENCODING {
            headers.append(name, value);
        }
    }
    if let (Some(content_type), false) = (&answer.content_type, headers.contains_key(CONTENT_TYPE))
    {
        headers.insert(CONTENT_TYPE, content_type_value(content_type)?);
    }
    Ok(response)
}

/// The `Content-Type` value: JSON answers, most of them, use the constant as it is.
fn content_type_value(content_type: &str) -> Result<HeaderValue, ApiError> {
    const JSON: &str = "application/json";
    if content_type == JSON {
        return Ok(HeaderValue::from_static(JSON));
    }
    header(CONTENT_TYPE.as_str(), content_type).map(|(_, value)| value)
}

/// A header a flow rendered; a value that cannot be sent (a line break from request data,
/// say) fails the session with CT21 rather than answering something else.
fn header(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), ApiError> {
    let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
        SessionError::new(
            ErrorCode::Ct21,
            format!("`{name}` is not a valid header name"),
        )
    })?;
    let value = HeaderValue::from_str(value).map_err(|_| {
        SessionError::new(
            ErrorCode::Ct21,
            format!("the value of header `{name}` cannot be sent"),
        )
    })?;
    Ok((name, value))
}

/// A JSON answer with `Content-Type: application/json`.
pub(super) fn json_response(status: StatusCode, body: impl Into<Body>) -> Response {
    let mut response = Response::new(body.into());
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}
