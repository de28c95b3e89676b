//! Partner needs: a company posts what it needs (no account, like ordering), Disperindag
//! reviews it (`admin`), the public board lists it, IKM answer with offers (`desk`), and the
//! partner compares and accepts through its private link: each accepted offer becomes an
//! IKM's part of an ordinary order request, worked on the desk like any other.

pub mod board;
pub mod follow;
pub mod post;
pub mod view;

use crate::AppState;
use axum::extract::DefaultBodyLimit;

pub fn routes() -> utoipa_axum::router::OpenApiRouter<AppState> {
    utoipa_axum::router::OpenApiRouter::new()
        .routes(utoipa_axum::routes!(post::post, board::board))
        .routes(utoipa_axum::routes!(board::need))
        .routes(utoipa_axum::routes!(follow::follow))
        .routes(utoipa_axum::routes!(follow::accept))
        .routes(utoipa_axum::routes!(follow::close))
        .layer(DefaultBodyLimit::max(crate::orders::MAX_BODY))
}
