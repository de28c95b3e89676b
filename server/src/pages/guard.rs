//! What every request passes through before and after its handler: paths too long for any
//! route or file are refused before they reach one (a 5,000-character file name used to
//! become a file-system error and a 500), every error under `/api` is our JSON
//! `{code, message}` whoever produced it (axum's extractors answer in plain text), and
//! answers that carry personal data are never stored by a browser or proxy.

use crate::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use etalase_core::api::ApiError;

/// The longest path any route or file can have.
pub const MAX_PATH_BYTES: usize = 1024;
/// The longest path segment (file names are at most 255 bytes on every file system we use).
pub const MAX_SEGMENT_BYTES: usize = 255;
/// The longest query string: room for the longest request the app makes, an order list's
/// products by slug (`?slugs=` with 100 slugs of up to 80 characters), and no more.
pub const MAX_QUERY_BYTES: usize = etalase_core::shelf::MAX_SLUGS
    * (etalase_core::slug::MAX_SLUG_LEN + 1)
    + etalase_core::shelf::SLUGS_PARAM.len()
    + 1;

/// API prefixes whose answers are about one person or account: never cached anywhere.
const PRIVATE_PREFIXES: [&str; 4] = [
    "/api/v1/desk/",
    "/api/v1/admin/",
    "/api/v1/auth/",
    "/api/v1/orders",
];

/// The last segments of a need's private calls (`/api/v1/needs/<code>/follow`, …): the
/// partner's own, behind the need's secret.
const PRIVATE_NEED_CALLS: [&str; 3] = ["/follow", "/accept", "/close"];

/// Whether an API answer is about one person or account (never cached anywhere): the
/// private prefixes, and a need's private calls (the board and a need's public page are not).
fn is_private(path: &str) -> bool {
    PRIVATE_PREFIXES.iter().any(|p| path.starts_with(p))
        || (path.starts_with("/api/v1/needs/")
            && PRIVATE_NEED_CALLS.iter().any(|end| path.ends_with(end)))
}

pub async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let is_api = path.starts_with("/api/");
    let too_long =
        path.len() > MAX_PATH_BYTES || path.split('/').any(|s| s.len() > MAX_SEGMENT_BYTES);
    // A NUL character (`%00`) is in no path or value of ours (PostgreSQL cannot even compare
    // with one): no such page, and no such query.
    let nul = |s: &str| s.contains("%00");
    let too_long = too_long || nul(&path);
    let nul_query = request.uri().query().is_some_and(nul);
    let long_query = request
        .uri()
        .query()
        .is_some_and(|q| q.len() > MAX_QUERY_BYTES);
    let mut response = if nul_query && is_api {
        (
            StatusCode::BAD_REQUEST,
            Json(ApiError::new(
                "nul_character",
                "Parameter alamat tidak boleh berisi karakter NUL.",
            )),
        )
            .into_response()
    } else if long_query && is_api {
        (
            StatusCode::URI_TOO_LONG,
            Json(ApiError::new(
                "too_long",
                "Parameter alamat ini terlalu panjang.",
            )),
        )
            .into_response()
    } else if too_long || long_query || nul_query {
        if is_api || path.starts_with("/media/") || path.starts_with("/og/") {
            (
                StatusCode::NOT_FOUND,
                Json(ApiError::new("not_found", "Alamat ini tidak ada.")),
            )
                .into_response()
        } else {
            crate::pages::spa::not_found(&state, request.headers())
        }
    } else {
        next.run(request).await
    };
    if is_api {
        response = json_error(response);
        if is_private(&path) {
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
    }
    response
}

/// An error answer that is not JSON becomes our JSON error with a code for its status; its
/// other headers (`Allow`, `Retry-After`) stay.
fn json_error(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (code, message) = match status {
        StatusCode::BAD_REQUEST => (
            "bad_request",
            "Permintaan tidak bisa dibaca: periksa alamat dan parameternya.",
        ),
        StatusCode::NOT_FOUND => ("not_found", "Alamat ini tidak ada."),
        StatusCode::METHOD_NOT_ALLOWED => (
            "method_not_allowed",
            "Metode HTTP ini tidak dipakai di alamat ini.",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => ("too_large", "Permintaan terlalu besar."),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "json_required",
            "Kirim isi permintaan sebagai JSON (Content-Type: application/json).",
        ),
        StatusCode::UNPROCESSABLE_ENTITY => ("invalid", "Isi permintaan tidak sesuai."),
        s if s.is_server_error() => (
            "internal",
            "Terjadi kesalahan di server. Coba lagi sebentar lagi.",
        ),
        _ => ("error", "Permintaan tidak bisa dipenuhi."),
    };
    let (mut parts, _) = response.into_parts();
    let body = serde_json::to_vec(&ApiError::new(code, message)).unwrap_or_default();
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(body))
}
