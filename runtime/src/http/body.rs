//! Checks 5 and 6 of §6.1 (§13 rule 30): size (413), then media type (415), then JSON (400).

use super::ApiError;
use axum::body::Body;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::HeaderMap;
use bytes::Bytes;
use flowc_lang::json::Shape;
use flowc_lang::value::Value;
use http_body_util::{BodyExt, LengthLimitError, Limited};

/// The request body as JSON, keeping what `shape` reaches: `None` for a zero-length body,
/// whatever its content type.
pub(super) async fn read_json(
    headers: &HeaderMap,
    body: Body,
    max_body: usize,
    shape: &Shape,
) -> Result<Option<Value>, ApiError> {
    let bytes = read_limited(headers, body, max_body).await?;
    if bytes.is_empty() {
        return Ok(None);
    }
    if !headers
        .get(CONTENT_TYPE)
        .is_some_and(|v| is_json_media_type(v.as_bytes()))
    {
        return Err(ApiError::unsupported_media_type());
    }
    parse_json(&bytes, shape).map(Some)
}

/// A callback's body (§13 rule 27): `None` when empty; any JSON value, whatever the
/// content type; anything else is 400 (the waiting session keeps waiting).
pub(super) async fn read_any_json(
    headers: &HeaderMap,
    body: Body,
    max_body: usize,
) -> Result<Option<Value>, ApiError> {
    let bytes = read_limited(headers, body, max_body).await?;
    if bytes.is_empty() {
        return Ok(None);
    }
    parse_json(&bytes, &Shape::Whole).map(Some)
}

/// Reads at most `max_body` bytes; one more is 413. A declared `Content-Length` over the
/// limit is refused before anything is read.
async fn read_limited(headers: &HeaderMap, body: Body, max_body: usize) -> Result<Bytes, ApiError> {
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max_body as u64) {
        return Err(ApiError::payload_too_large(max_body));
    }
    match Limited::new(body, max_body).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => {
            Err(ApiError::payload_too_large(max_body))
        }
        Err(_) => Err(ApiError::bad_request("the body could not be read")),
    }
}

/// `application/json` or `application/*+json`, parameters allowed, case-insensitive.
pub(super) fn is_json_media_type(value: &[u8]) -> bool {
    let essence = value
        .split(|b| *b == b';')
        .next()
        .unwrap_or_default()
        .trim_ascii();
    // Compared without a lower-cased copy: this runs on every request.
    let Some(subtype) = strip_prefix_ignore_case(essence, b"application/") else {
        return false;
    };
    subtype.eq_ignore_ascii_case(b"json")
        || strip_suffix_ignore_case(subtype, b"+json").is_some_and(is_token)
}

fn strip_prefix_ignore_case<'a>(s: &'a [u8], prefix: &[u8]) -> Option<&'a [u8]> {
    let (head, rest) = s.split_at_checked(prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then_some(rest)
}

fn strip_suffix_ignore_case<'a>(s: &'a [u8], suffix: &[u8]) -> Option<&'a [u8]> {
    let (rest, tail) = s.split_at_checked(s.len().checked_sub(suffix.len())?)?;
    tail.eq_ignore_ascii_case(suffix).then_some(rest)
}

/// A non-empty media-type token (RFC 9110 `tchar`s).
fn is_token(s: &[u8]) -> bool {
    !s.is_empty()
        && s.iter()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(b))
}

/// Parses the body text; white space alone is invalid JSON (§13 rule 30).
fn parse_json(bytes: &[u8], shape: &Shape) -> Result<Value, ApiError> {
    let text =
        std::str::from_utf8(bytes).map_err(|_| ApiError::bad_request("the body is not UTF-8"))?;
    flowc_lang::json::parse_shaped(text, shape).map_err(|e| {
        ApiError::bad_request(format!(
            "the body is not valid JSON: {} at line {}, column {}",
            e.message, e.line, e.column
        ))
    })
}
