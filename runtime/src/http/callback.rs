//! `POST /chat/callback` (§4.9, §13 rule 27): wakes the session waiting on a reference.

use super::{body, checks, new_request_id, set_request_id, ApiError, Table};
use crate::session::{ErrorCode, SessionError};
use axum::extract::{Request, State};
use axum::http::header::AUTHORIZATION;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// The endpoint: the callback token first (when the server has one), then the reference,
/// then the body; `202` with an empty body when a session was waiting, else 404 CT40.
pub(super) async fn callback(State(table): State<Arc<Table>>, request: Request) -> Response {
    let id = new_request_id();
    let mut response = match handle(&table, request).await {
        Ok(response) => response,
        Err(error) => error.with_id(&id).into_response(),
    };
    set_request_id(&mut response, &id);
    response
}

async fn handle(table: &Table, request: Request) -> Result<Response, ApiError> {
    let services = &table.services;
    if let Some(expected) = &services.config.callback_token {
        let presented = request
            .headers()
            .get(AUTHORIZATION)
            .and_then(|v| checks::bearer_token(v.as_bytes()));
        let expected: [u8; 32] = Sha256::digest(expected.as_bytes()).into();
        if !presented.is_some_and(|token| checks::hash_matches(&[expected], token)) {
            return Err(ApiError::unauthorized());
        }
    }
    if request.method() != Method::POST {
        return Err(ApiError::method_not_allowed("POST"));
    }
    let reference = request
        .headers()
        .get("reference")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .ok_or_else(|| {
            ApiError::bad_request("a callback names its session in the `reference` header")
        })?;
    let (parts, raw) = request.into_parts();
    let body = body::read_any_json(&parts.headers, raw, services.config.max_body).await?;
    match crate::waits::deliver(services, &reference, body).await {
        Ok(true) => Ok(StatusCode::ACCEPTED.into_response()),
        Ok(false) => Err(SessionError::new(
            ErrorCode::Ct40,
            format!("no session waits on reference `{reference}`"),
        )
        .into()),
        Err(e) => Err(e.into()),
    }
}
