//! One error type for handlers: a stable JSON body for clients, details only in the log.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use etalase_core::api::ApiError;

#[derive(Debug)]
pub enum AppError {
    NotFound(&'static str),
    Internal(anyhow::Error),
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match self {
            AppError::NotFound(message) => (
                StatusCode::NOT_FOUND,
                Json(ApiError::new("not_found", message)),
            )
                .into_response(),
            AppError::Internal(err) => {
                tracing::error!(error = ?err, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    Json(ApiError::new(
                        "internal",
                        "Terjadi kesalahan di server. Coba lagi sebentar lagi.",
                    )),
                )
                    .into_response()
            }
        }
    }
}

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        AppError::Internal(err.into())
    }
}
