//! The programme's numbers for charts, and the audit log.

use crate::accounts::Admin;
use crate::store::{self};
use crate::web::error::AppError;
use crate::AppState;
use axum::extract::{Query, State};
use axum::Json;
use etalase_core::admin::{AuditEntry, AuditPage, Stat, Stats};
use etalase_core::order::OrderStatus;
use etalase_core::{Category, Kabupaten};

/// The programme's numbers: requests and value by buyer's kabupaten/kota, by category, by
/// status and by month. Declined, cancelled and expired parts count in "by status" only.
#[utoipa::path(get, path = "/api/v1/admin/stats", tag = "admin", security(("session" = [])),
    responses((status = 200, description = "The programme's numbers", body = etalase_core::admin::Stats)))]
pub(super) async fn stats(
    State(state): State<AppState>,
    _: Admin,
) -> Result<Json<Stats>, AppError> {
    use store::stats::By;
    let stats = |rows: Vec<store::stats::Group>| {
        rows.into_iter()
            .map(|(key, requests, value)| Stat {
                key,
                requests: usize::try_from(requests).unwrap_or(0),
                value: etalase_core::Rupiah(value),
            })
            .collect::<Vec<_>>()
    };
    let by_kabupaten = stats(store::stats::requests_by(&state.db, By::Kabupaten).await?);
    let by_category = stats(store::stats::requests_by(&state.db, By::Category).await?);
    let by_month = stats(store::stats::requests_by(&state.db, By::Month).await?);
    let status_rows = store::stats::parts_by_status(&state.db).await?;
    let by_status = OrderStatus::ALL
        .into_iter()
        .filter_map(|s| {
            status_rows
                .iter()
                .find(|r| r.0 == s.slug())
                .map(|(key, n, value)| Stat {
                    key: key.clone(),
                    requests: usize::try_from(*n).unwrap_or(0),
                    value: etalase_core::Rupiah(*value),
                })
        })
        .collect();
    // Keys are slugs the SPA names in the reader's language; unknown ones are dropped.
    let by_kabupaten = by_kabupaten
        .into_iter()
        .filter(|s| Kabupaten::from_slug(&s.key).is_some())
        .collect();
    let by_category = by_category
        .into_iter()
        .filter(|s| Category::from_slug(&s.key).is_some())
        .collect();
    Ok(Json(Stats {
        by_kabupaten,
        by_category,
        by_status,
        by_month,
    }))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct AuditQuery {
    /// Entries per page, 1 to `orders::list::MAX_PAGE` (default `orders::list::DEFAULT_PAGE`).
    limit: Option<u32>,
    /// The `next_cursor` of the page before: entries older than it.
    cursor: Option<i64>,
}

/// The audit log, newest first, a page at a time.
#[utoipa::path(get, path = "/api/v1/admin/audit", tag = "admin", security(("session" = [])),
    params(AuditQuery),
    responses((status = 200, description = "A page of the audit log, newest first", body = etalase_core::admin::AuditPage)))]
pub(super) async fn audit_log(
    State(state): State<AppState>,
    _: Admin,
    Query(q): Query<AuditQuery>,
) -> Result<Json<AuditPage>, AppError> {
    let limit = q
        .limit
        .unwrap_or(crate::orders::list::DEFAULT_PAGE)
        .clamp(1, crate::orders::list::MAX_PAGE);
    let rows = store::audit::page(&state.db, q.cursor, i64::from(limit) + 1).await?;
    let more = rows.len() > limit as usize;
    let entries: Vec<_> = rows.into_iter().take(limit as usize).collect();
    let next_cursor = if more {
        entries.last().map(|r| r.id)
    } else {
        None
    };
    Ok(Json(AuditPage {
        entries: entries
            .into_iter()
            .map(|r| AuditEntry {
                at: r.at,
                username: r.username,
                action: r.action,
                object: r.object,
                from: r.from_value,
                to: r.to_value,
            })
            .collect(),
        next_cursor,
    }))
}
