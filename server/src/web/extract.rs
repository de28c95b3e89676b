//! What every handler that changes something opens with, as extractors: the call comes from
//! one of our own pages ([`SameOrigin`]), in the caller's language ([`Lang`]), with a JSON body
//! read within the route's limit and parsed with the place of any mismatch named
//! ([`JsonBody`]). A handler lists them in its arguments, so none can forget one.

use crate::web::error::AppError;
use crate::web::http::{locale_of, parse_json, require_json};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use etalase_core::Locale;

/// The browser's `Origin` is ours. Combined with JSON bodies (which a form on another site
/// cannot send) this stops cross-site requests.
pub fn check_origin(state: &AppState, headers: &HeaderMap) -> Result<(), AppError> {
    let forbidden = || AppError::Forbidden("Permintaan dari situs lain ditolak.");
    let origin = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(forbidden)?;
    let ours = match &state.public_url {
        Some(url) => origin == url.trim_end_matches('/'),
        None => {
            let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
            let origin_host = origin
                .strip_prefix("http://")
                .or_else(|| origin.strip_prefix("https://"));
            host.is_some() && origin_host == host
        }
    };
    if ours {
        Ok(())
    } else {
        Err(forbidden())
    }
}

/// A state-changing call from one of our own pages (see [`check_origin`]).
pub struct SameOrigin;

impl FromRequestParts<AppState> for SameOrigin {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        check_origin(state, &parts.headers).map(|()| SameOrigin)
    }
}

/// The caller's language (`Accept-Language`; Bahasa Indonesia when unsure).
#[derive(Clone, Copy, Debug)]
pub struct Lang(pub Locale);

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Lang(locale_of(&parts.headers)))
    }
}

/// The body read whole, within the route's `DefaultBodyLimit`: 413 past it, 400 when it cannot
/// be read.
pub async fn body_bytes<S: Send + Sync>(request: Request, state: &S) -> Result<Bytes, AppError> {
    Bytes::from_request(request, state).await.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::PayloadTooLarge
        } else {
            AppError::BadRequest("bad_body", "Isi permintaan tidak bisa dibaca.".into())
        }
    })
}

/// A JSON body parsed as `T`: 415 unless it says `Content-Type: application/json`, 413 past the
/// route's limit, 400 naming where it does not fit.
pub struct JsonBody<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, AppError> {
        require_json(request.headers())?;
        let bytes = body_bytes(request, state).await?;
        parse_json(&bytes).map(JsonBody)
    }
}

/// A JSON body kept as its bytes too (an order's idempotency compares them), after the same
/// checks as [`JsonBody`] except parsing, which the handler does when it needs to.
pub struct RawJson(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for RawJson {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, AppError> {
        require_json(request.headers())?;
        body_bytes(request, state).await.map(RawJson)
    }
}
