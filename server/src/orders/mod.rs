//! Order requests from partners: submitted once whatever the retries, stored all or nothing,
//! split per IKM, tracked through an unguessable link, moved only by the core state machine,
//! and listed for the desk and the admin.

pub mod create;
pub mod list;
pub mod track;
pub mod workflow;
pub mod writer;

use crate::AppState;
use axum::extract::DefaultBodyLimit;

pub(crate) use create::{idempotency_key, kept_answer, replayed, request_hash, seal};
pub use create::{sweep_idempotency, IDEMPOTENCY_TTL_SECS};
pub use track::load_tracking;
pub use workflow::{apply_event, apply_event_by, expire_overdue};

/// Larger bodies are refused with 413 before they are read.
pub const MAX_BODY: usize = 64 * 1024;

pub fn routes() -> utoipa_axum::router::OpenApiRouter<AppState> {
    utoipa_axum::router::OpenApiRouter::new()
        .routes(utoipa_axum::routes!(create::create))
        .routes(utoipa_axum::routes!(track::track))
        .routes(utoipa_axum::routes!(track::cancel))
        .layer(DefaultBodyLimit::max(MAX_BODY))
}
