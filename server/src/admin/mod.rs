//! Disperindag's API: curating IKM and their accounts, every order with filters and CSV,
//! the programme's numbers for charts, the holiday list, and the audit log.

pub mod holidays;
pub mod ikm;
pub mod needs;
pub mod orders;
pub mod stats;

use crate::AppState;
use axum::extract::DefaultBodyLimit;

pub fn routes() -> utoipa_axum::router::OpenApiRouter<AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(ikm::ikm_list))
        .routes(routes!(ikm::set_verified))
        .routes(routes!(ikm::new_account))
        .routes(routes!(ikm::set_disabled))
        .routes(routes!(ikm::reset_password))
        .routes(routes!(orders::orders))
        .routes(routes!(orders::orders_csv))
        .routes(routes!(orders::order))
        .routes(routes!(stats::stats))
        .routes(routes!(needs::needs))
        .routes(routes!(needs::review_need))
        .routes(routes!(needs::need_stats))
        .routes(routes!(stats::audit_log))
        .routes(routes!(holidays::holidays, holidays::save_holiday))
        .routes(routes!(holidays::remove_holiday))
        .layer(DefaultBodyLimit::max(crate::orders::MAX_BODY))
}
