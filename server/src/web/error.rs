//! One error type for handlers: a stable JSON body for clients, details only in the log.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use etalase_core::api::ApiError;
use etalase_core::request::{messages, FieldErrors, PriceChange};
use etalase_core::Locale;
use std::collections::BTreeMap;

#[derive(Debug)]
pub enum AppError {
    NotFound(&'static str),
    /// No session, or an expired one: log in.
    Unauthorized,
    /// Logged in, but this is not for this role, or the request came from another site.
    Forbidden(&'static str),
    /// Wrong user name or password — the same answer whichever it was.
    LoginFailed(Locale),
    /// Too many failed logins: try again after this many seconds.
    TooManyAttempts(i64, Locale),
    /// Per-field messages already in the caller's language.
    Fields(BTreeMap<String, String>, Locale),
    /// Malformed input that is not about a field: bad JSON, a missing header.
    BadRequest(&'static str, String),
    /// Input that breaks rules, per field, in the caller's language.
    Invalid(FieldErrors, Locale),
    /// A change the state machine does not allow now.
    Conflict(&'static str, String),
    /// Prices changed since the partner added the products: show them and ask again.
    PriceChanged(Vec<PriceChange>, Locale),
    PayloadTooLarge,
    /// A photo over the upload limit.
    PhotoTooLarge,
    /// Content that is well-formed but cannot be taken (an upload that is not a photo we
    /// take, a decompression bomb): a code and its message.
    Unprocessable(&'static str, String),
    UnsupportedMediaType,
    /// `Accept-Encoding` refuses every coding we have (identity included).
    NotAcceptable,
    /// Too many order requests from one address: try again after this many seconds.
    TooManyOrders(i64, Locale),
    /// Too many needs posted from one address: try again after this many seconds.
    TooManyNeeds(i64, Locale),
    /// Any other allowance spent: a code, the message, and the seconds until it renews.
    Throttled(&'static str, String, i64),
    /// The server is at its limit for this kind of work (password hashing): try again after
    /// this many seconds.
    Busy(i64),
    Internal(anyhow::Error),
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, body) = match self {
            AppError::NotFound(message) => {
                (StatusCode::NOT_FOUND, ApiError::new("not_found", message))
            }
            AppError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                ApiError::new("login_required", "Silakan masuk terlebih dahulu."),
            ),
            AppError::Forbidden(message) => {
                (StatusCode::FORBIDDEN, ApiError::new("forbidden", message))
            }
            AppError::LoginFailed(locale) => (
                StatusCode::UNAUTHORIZED,
                ApiError::new(
                    "login_failed",
                    match locale {
                        Locale::Id => "Nama pengguna atau kata sandi salah.",
                        Locale::En => "Wrong user name or password.",
                    },
                ),
            ),
            AppError::TooManyAttempts(wait, locale) => {
                let minutes = (wait + 59) / 60;
                let message = match locale {
                    Locale::Id => {
                        format!("Terlalu banyak percobaan masuk. Coba lagi dalam {minutes} menit.")
                    }
                    Locale::En => {
                        format!("Too many login attempts. Try again in {minutes} minutes.")
                    }
                };
                let body = ApiError::new("too_many_attempts", message);
                return retry_after(StatusCode::TOO_MANY_REQUESTS, body, wait);
            }
            AppError::TooManyOrders(wait, locale) => {
                let minutes = (wait + 59) / 60;
                let message = match locale {
                    Locale::Id => format!(
                        "Terlalu banyak pengajuan pesanan dari jaringan ini. Coba lagi dalam {minutes} menit."
                    ),
                    Locale::En => format!(
                        "Too many order requests from this network. Try again in {minutes} minutes."
                    ),
                };
                let body = ApiError::new("too_many_orders", message);
                return retry_after(StatusCode::TOO_MANY_REQUESTS, body, wait);
            }
            AppError::TooManyNeeds(wait, locale) => {
                let minutes = (wait + 59) / 60;
                let message = match locale {
                    Locale::Id => format!(
                        "Terlalu banyak kebutuhan dipasang dari jaringan ini. Coba lagi dalam {minutes} menit."
                    ),
                    Locale::En => format!(
                        "Too many needs posted from this network. Try again in {minutes} minutes."
                    ),
                };
                let body = ApiError::new("too_many_needs", message);
                return retry_after(StatusCode::TOO_MANY_REQUESTS, body, wait);
            }
            AppError::Throttled(code, message, wait) => {
                let body = ApiError::new(code, message);
                return retry_after(StatusCode::TOO_MANY_REQUESTS, body, wait);
            }
            AppError::Busy(wait) => {
                let body = ApiError::new("busy", "Server sedang sibuk. Coba lagi sebentar lagi.");
                return retry_after(StatusCode::SERVICE_UNAVAILABLE, body, wait);
            }
            AppError::Fields(fields, locale) => {
                let message = match locale {
                    Locale::Id => "Ada isian yang perlu diperbaiki.",
                    Locale::En => "Some fields need fixing.",
                };
                let mut body = ApiError::new("invalid", message);
                body.fields = fields;
                (StatusCode::UNPROCESSABLE_ENTITY, body)
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
                    "Permintaan terlalu besar (paling besar 64 KB; masuk dan kata sandi 16 KB).",
                ),
            ),
            AppError::PhotoTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                ApiError::new("photo_too_large", "Foto terlalu besar (paling besar 8 MB)."),
            ),
            AppError::Unprocessable(code, message) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                ApiError::new(code, message),
            ),
            AppError::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ApiError::new(
                    "json_required",
                    "Kirim isi permintaan sebagai JSON (Content-Type: application/json).",
                ),
            ),
            AppError::NotAcceptable => (
                StatusCode::NOT_ACCEPTABLE,
                ApiError::new(
                    "not_acceptable",
                    "Accept-Encoding menolak semua pengodean yang tersedia (br, gzip, identity).",
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

/// A refusal that says when to come back.
fn retry_after(status: StatusCode, body: ApiError, wait: i64) -> Response {
    let mut response = (status, Json(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(&wait.max(1).to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, v);
    }
    response
}

impl AppError {
    /// One field's message, as a 422.
    pub fn field(name: &str, message: impl Into<String>, locale: Locale) -> AppError {
        AppError::Fields(BTreeMap::from([(name.to_owned(), message.into())]), locale)
    }
}

impl From<sqlx::Error> for AppError {
    /// Text PostgreSQL cannot hold (a NUL character in a path or query value; SQLSTATE 22021)
    /// is the caller's: 400, not 500. Everything else is ours.
    fn from(err: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &err {
            if db.code().as_deref() == Some("22021") {
                return AppError::BadRequest(
                    "nul_character",
                    "Teks tidak boleh berisi karakter NUL.".into(),
                );
            }
        }
        AppError::Internal(err.into())
    }
}

impl From<anyhow::Error> for AppError {
    fn from(err: anyhow::Error) -> Self {
        AppError::Internal(err)
    }
}
