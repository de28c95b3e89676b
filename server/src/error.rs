//! One error type for handlers: a stable JSON body for clients, details only in the log.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use etalase_core::api::ApiError;
use etalase_core::request::{messages, FieldErrors, PriceChange};
use etalase_core::Locale;

#[derive(Debug)]
pub enum AppError {
    NotFound(&'static str),
    /// Malformed input that is not about a field: bad JSON, a missing header.
    BadRequest(&'static str, String),
    /// Input that breaks rules, per field, in the caller's language.
    Invalid(FieldErrors, Locale),
    /// A change the state machine does not allow now.
    Conflict(&'static str, String),
    /// Prices changed since the partner added the products: show them and ask again.
    PriceChanged(Vec<PriceChange>, Locale),
    PayloadTooLarge,
    UnsupportedMediaType,
    Internal(anyhow::Error),
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, body) = match self {
            AppError::NotFound(message) => {
                (StatusCode::NOT_FOUND, ApiError::new("not_found", message))
            }
            AppError::BadRequest(code, message) => {
                (StatusCode::BAD_REQUEST, ApiError::new(code, message))
            }
            AppError::Invalid(errors, locale) => {
                let message = match locale {
                    Locale::Id => "Ada isian yang perlu diperbaiki.",
                    Locale::En => "Some fields need fixing.",
                };
                let mut body = ApiError::new("invalid", message);
                body.fields = messages(&errors, locale);
                (StatusCode::UNPROCESSABLE_ENTITY, body)
            }
            AppError::Conflict(code, message) => {
                (StatusCode::CONFLICT, ApiError::new(code, message))
            }
            AppError::PriceChanged(changes, locale) => {
                let message = match locale {
                    Locale::Id => "Harga beberapa produk berubah sejak ditambahkan. Periksa dan ajukan lagi.",
                    Locale::En => "Some prices changed since you added the products. Check them and submit again.",
                };
                let mut body = ApiError::new("price_changed", message);
                body.price_changes = changes;
                (StatusCode::CONFLICT, body)
            }
            AppError::PayloadTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                ApiError::new(
                    "too_large",
                    "Permintaan terlalu besar (paling besar 64 KB).",
                ),
            ),
            AppError::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ApiError::new(
                    "json_required",
                    "Kirim isi permintaan sebagai JSON (Content-Type: application/json).",
                ),
            ),
            AppError::Internal(err) => {
                tracing::error!(error = ?err, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ApiError::new(
                        "internal",
                        "Terjadi kesalahan di server. Coba lagi sebentar lagi.",
                    ),
                )
            }
        };
        (status, Json(body)).into_response()
    }
}

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        AppError::Internal(err.into())
    }
}

impl From<anyhow::Error> for AppError {
    fn from(err: anyhow::Error) -> Self {
        AppError::Internal(err)
    }
}
