//! Checks 2–4 of §6.1: the caller's address, the token, the method.

use super::table::Entry;
use super::ApiError;
use axum::extract::connect_info::ConnectInfo;
use axum::extract::Request;
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, Method, StatusCode};
use flowc_lang::net::{self, IpNet};
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::net::{IpAddr, SocketAddr};
use subtle::{Choice, ConstantTimeEq};

/// The caller's address after §6.3: the TCP peer, or what trusted proxies forwarded.
pub(super) fn caller(request: &Request, trusted: &[IpNet]) -> Result<IpAddr, ApiError> {
    let Some(ConnectInfo(peer)) = request.extensions().get::<ConnectInfo<SocketAddr>>() else {
        // Serving without connect info is a wiring mistake; refuse rather than guess.
        let message = "the server cannot see the caller's address";
        return Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "CT21",
            message,
        ));
    };
    // Lossy text keeps a non-UTF-8 entry as a non-address, which stops the walk (§13 rule
    // 34) instead of silently vanishing.
    let forwarded: Vec<Cow<'_, str>> = request
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .map(|v| String::from_utf8_lossy(v.as_bytes()))
        .collect();
    let forwarded: Vec<&str> = forwarded.iter().map(|v| v.as_ref()).collect();
    Ok(net::canonical(net::client_ip(
        peer.ip(),
        &forwarded,
        trusted,
    )))
}

/// 403 unless the caller is in the route's allowlist.
pub(super) fn allowed(route: &Entry, ip: IpAddr) -> Result<(), ApiError> {
    if net::allowed(&route.spec.allowed, ip) {
        Ok(())
    } else {
        Err(ApiError::forbidden())
    }
}

/// 401 unless `Authorization: Bearer <token>` hashes to one of the route's hashes.
pub(super) fn token(route: &Entry, headers: &HeaderMap) -> Result<(), ApiError> {
    let token = headers
        .get(AUTHORIZATION)
        .and_then(|v| bearer_token(v.as_bytes()));
    match token {
        Some(token) if hash_matches(&route.hashes, token) => Ok(()),
        _ => Err(ApiError::unauthorized()),
    }
}

/// 405 unless the method is the route's.
pub(super) fn method(route: &Entry, method: &Method) -> Result<(), ApiError> {
    if route.method.as_ref() == Some(method) {
        Ok(())
    } else {
        Err(ApiError::method_not_allowed(route.spec.method))
    }
}

/// The token of a `Bearer` credential; the scheme word is case-insensitive (§13 rule 31).
pub(super) fn bearer_token(value: &[u8]) -> Option<&[u8]> {
    let value = value.trim_ascii();
    let split = value.iter().position(|b| *b == b' ' || *b == b'\t')?;
    let (scheme, rest) = value.split_at(split);
    let token = rest.trim_ascii();
    (scheme.eq_ignore_ascii_case(b"bearer") && !token.is_empty()).then_some(token)
}

/// Whether sha256(token) equals any hash, comparing all of them in constant time so the
/// answer time says nothing about which (or how much of one) matched.
pub(super) fn hash_matches(hashes: &[[u8; 32]], token: &[u8]) -> bool {
    let digest: [u8; 32] = Sha256::digest(token).into();
    let mut found = Choice::from(0);
    for hash in hashes {
        found |= hash.ct_eq(&digest);
    }
    found.into()
}
