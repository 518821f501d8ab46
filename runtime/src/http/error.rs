//! The error answer of §6.1: `{"error": {"code", "message", "request_id"}}`.

use crate::session::SessionError;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// An answer that is an error: a status, a code (§6.1 or a CT code of §7), a message
/// that never holds a credential, and the request id. Checks build it without the id;
/// the router adds it with [`ApiError::with_id`] before answering.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// The status code.
    pub status: StatusCode,
    /// `not_found`, `forbidden`, …, or `CT04`, ….
    pub code: &'static str,
    /// For the caller.
    pub message: String,
    /// One extra header, name and value (`Allow`, `WWW-Authenticate`).
    pub header: Option<(&'static str, &'static str)>,
    /// The request (session) id; also sent as `X-Request-Id`.
    pub request_id: String,
}

impl ApiError {
    /// An error without a request id yet.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            header: None,
            request_id: String::new(),
        }
    }

    /// The same error answering for request `id`.
    pub fn with_id(mut self, id: &str) -> ApiError {
        id.clone_into(&mut self.request_id);
        self
    }

    /// 404: no route at this path.
    pub fn not_found() -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", "no route at this path")
    }

    /// 403: the caller's address is not in the route's allowlist.
    pub fn forbidden() -> ApiError {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "the caller's address is not allowed on this route",
        )
    }

    /// 401 with `WWW-Authenticate: Bearer`.
    pub fn unauthorized() -> ApiError {
        let mut e = ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "a valid bearer token is required",
        );
        e.header = Some(("www-authenticate", "Bearer"));
        e
    }

    /// 405 with `Allow: <allow>`.
    pub fn method_not_allowed(allow: &'static str) -> ApiError {
        let message = format!("this route accepts {allow} only");
        let mut e = ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            message,
        );
        e.header = Some(("allow", allow));
        e
    }

    /// 413: the body is over `--max-body`.
    pub fn payload_too_large(max_body: usize) -> ApiError {
        let message = format!("the body is larger than {max_body} bytes");
        ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", message)
    }

    /// 415: a body whose content type is not JSON.
    pub fn unsupported_media_type() -> ApiError {
        let message = "the body must have Content-Type application/json";
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            message,
        )
    }

    /// 400: the body is not valid JSON (or could not be read).
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    /// A session error (§7) with its code's status.
    pub fn session(e: SessionError) -> ApiError {
        let status =
            StatusCode::from_u16(e.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        ApiError::new(status, e.code.as_str(), e.message)
    }

    /// The JSON body text.
    pub fn body(&self) -> String {
        let mut out = String::with_capacity(64 + self.message.len());
        out.push_str(r#"{"error":{"code":"#);
        flowc_lang::json::write_string(self.code, &mut out);
        out.push_str(r#","message":"#);
        flowc_lang::json::write_string(&self.message, &mut out);
        out.push_str(r#","request_id":"#);
        flowc_lang::json::write_string(&self.request_id, &mut out);
        out.push_str("}}");
        out
    }
}

impl From<SessionError> for ApiError {
    fn from(e: SessionError) -> ApiError {
        ApiError::session(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (
            self.status,
            [(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
            self.body(),
        )
            .into_response();
        let headers = response.headers_mut();
        if let Ok(id) = HeaderValue::from_str(&self.request_id) {
            headers.insert(super::REQUEST_ID, id);
        }
        if let Some((name, value)) = self.header {
            headers.insert(name, HeaderValue::from_static(value));
        }
        response
    }
}
