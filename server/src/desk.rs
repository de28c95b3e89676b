//! The IKM desk's API: the IKM's own orders and the changes the state machine allows.
//! Another IKM's order answers 404, as if it did not exist.

use crate::auth::{check_state_change, IkmUser};
use crate::clock::today_wib;
use crate::error::AppError;
use crate::orders::{apply_event_by, load_tracking};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::{Json, Router};
use etalase_core::api::{DeskOrder, Inbox, OrderSummary, StatusCount};
use etalase_core::order::{allowed_events, expires_on, Actor, OrderEvent, OrderStatus};
use etalase_core::request::BuyerType;
use etalase_core::{Date, Holidays, Kabupaten, Rupiah, Slug};
use serde::Deserialize;
use sqlx::SqlitePool;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/desk/orders", get(inbox))
        .route("/api/v1/desk/orders/{code}", get(order))
        .route("/api/v1/desk/orders/{code}/events", post(event))
        .layer(DefaultBodyLimit::max(crate::orders::MAX_BODY))
}

#[derive(Debug, Default, Deserialize)]
pub struct OrderFilter {
    /// A status slug; empty for all.
    #[serde(default)]
    pub status: String,
    /// Words found in the code, company or contact person.
    #[serde(default)]
    pub q: String,
    /// Admin only: one IKM.
    #[serde(default)]
    pub ikm: String,
    /// Admin only: the buyer's kabupaten/kota.
    #[serde(default)]
    pub kabupaten: String,
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    code: String,
    ikm_slug: String,
    ikm_name: String,
    company: String,
    buyer_type: String,
    kabupaten: String,
    status: String,
    subtotal: i64,
    needed_by: String,
    created_at: String,
    lines: i64,
}

/// The orders that pass `filter`, newest first; `ikm` limits them to one IKM's.
pub async fn order_summaries(
    db: &SqlitePool,
    ikm: Option<&str>,
    filter: &OrderFilter,
) -> Result<Vec<OrderSummary>, AppError> {
    let rows: Vec<SummaryRow> = sqlx::query_as(
        "SELECT r.code, o.ikm_slug, i.name AS ikm_name, r.company, r.buyer_type, r.kabupaten, \
         o.status, o.subtotal, r.needed_by, r.created_at, \
         (SELECT COUNT(*) FROM order_line l WHERE l.ikm_order_id = o.id) AS lines \
         FROM ikm_order o JOIN order_request r ON r.id = o.request_id \
         JOIN ikm i ON i.slug = o.ikm_slug \
         WHERE (?1 IS NULL OR o.ikm_slug = ?1) \
           AND (?2 = '' OR o.status = ?2) \
           AND (?3 = '' OR o.ikm_slug = ?3) \
           AND (?4 = '' OR r.kabupaten = ?4) \
         ORDER BY r.created_at DESC, r.id DESC, o.id",
    )
    .bind(ikm)
    .bind(&filter.status)
    .bind(&filter.ikm)
    .bind(&filter.kabupaten)
    .fetch_all(db)
    .await?;
    let words: Vec<String> = filter.q.split_whitespace().map(str::to_lowercase).collect();
    let bad = |what: &str| AppError::Internal(anyhow::anyhow!("stored {what} is invalid"));
    let mut out = Vec::new();
    for row in rows {
        let haystack = format!("{} {}", row.code, row.company).to_lowercase();
        if !words.iter().all(|w| haystack.contains(w.as_str())) {
            continue;
        }
        out.push(OrderSummary {
            ikm: Slug::parse(&row.ikm_slug).map_err(|_| bad("ikm"))?,
            ikm_name: row.ikm_name,
            company: row.company,
            buyer_type: BuyerType::from_slug(&row.buyer_type).ok_or_else(|| bad("buyer type"))?,
            kabupaten: Kabupaten::from_slug(&row.kabupaten).ok_or_else(|| bad("kabupaten"))?,
            status: OrderStatus::from_slug(&row.status).ok_or_else(|| bad("status"))?,
            subtotal: Rupiah(row.subtotal),
            needed_by: Date::parse(&row.needed_by).ok_or_else(|| bad("needed_by"))?,
            created_at: row.created_at,
            lines: usize::try_from(row.lines).unwrap_or(0),
            code: row.code,
        });
    }
    Ok(out)
}

/// How many orders are in each status, in the state machine's order.
pub async fn status_counts(
    db: &SqlitePool,
    ikm: Option<&str>,
) -> Result<Vec<StatusCount>, AppError> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT status, COUNT(*) FROM ikm_order WHERE (?1 IS NULL OR ikm_slug = ?1) GROUP BY status",
    )
    .bind(ikm)
    .fetch_all(db)
    .await?;
    Ok(OrderStatus::ALL
        .into_iter()
        .map(|status| StatusCount {
            status,
            count: rows
                .iter()
                .find(|(s, _)| s == status.slug())
                .map(|(_, n)| usize::try_from(*n).unwrap_or(0))
                .unwrap_or(0),
        })
        .collect())
}

async fn inbox(
    State(state): State<AppState>,
    IkmUser(_, ikm): IkmUser,
    Query(filter): Query<OrderFilter>,
) -> Result<Json<Inbox>, AppError> {
    let filter = OrderFilter {
        ikm: String::new(),
        kabupaten: String::new(),
        ..filter
    };
    Ok(Json(Inbox {
        counts: status_counts(&state.db, Some(&ikm)).await?,
        orders: order_summaries(&state.db, Some(&ikm), &filter).await?,
    }))
}

/// The part of request `code` that belongs to `ikm`: (request id, part id), or 404.
pub async fn own_part(db: &SqlitePool, code: &str, ikm: &str) -> Result<(i64, i64), AppError> {
    sqlx::query_as(
        "SELECT r.id, o.id FROM order_request r JOIN ikm_order o ON o.request_id = r.id \
         WHERE r.code = ? AND o.ikm_slug = ?",
    )
    .bind(code)
    .bind(ikm)
    .fetch_optional(db)
    .await?
    .ok_or(AppError::NotFound("Pesanan tidak ditemukan."))
}

/// The request as `ikm` sees it: only its own part, with the actions open to it now.
pub async fn desk_order(
    db: &SqlitePool,
    request_id: i64,
    ikm: &str,
    holidays: &Holidays,
) -> Result<DeskOrder, AppError> {
    let mut request = load_tracking(db, request_id).await?;
    request.parts.retain(|p| p.ikm.as_str() == ikm);
    let part = request
        .parts
        .first()
        .ok_or(AppError::NotFound("Pesanan tidak ditemukan."))?;
    let allowed = allowed_events(part.status)
        .iter()
        .filter(|e| !matches!(**e, "cancel" | "expire"))
        .map(|e| (*e).to_owned())
        .collect();
    let answer_by = if part.status == OrderStatus::Baru {
        let (received_on,): (String,) = sqlx::query_as(
            "SELECT received_on FROM ikm_order WHERE request_id = ? AND ikm_slug = ?",
        )
        .bind(request_id)
        .bind(ikm)
        .fetch_one(db)
        .await?;
        Date::parse(&received_on).map(|r| expires_on(r, holidays))
    } else {
        None
    };
    Ok(DeskOrder {
        request,
        allowed,
        answer_by,
    })
}

async fn order(
    State(state): State<AppState>,
    IkmUser(_, ikm): IkmUser,
    Path(code): Path<String>,
) -> Result<Json<DeskOrder>, AppError> {
    let (request_id, _) = own_part(&state.db, &code, &ikm).await?;
    Ok(Json(
        desk_order(&state.db, request_id, &ikm, &state.holidays()).await?,
    ))
}

async fn event(
    State(state): State<AppState>,
    IkmUser(account, ikm): IkmUser,
    Path(code): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<DeskOrder>, AppError> {
    check_state_change(&state, &headers)?;
    let (request_id, part_id) = own_part(&state.db, &code, &ikm).await?;
    let event: OrderEvent = crate::http::parse_json(&body)?;
    apply_event_by(
        &state.db,
        part_id,
        &event,
        Actor::Ikm,
        today_wib(),
        &state.holidays(),
        Some(&account),
    )
    .await?;
    Ok(Json(
        desk_order(&state.db, request_id, &ikm, &state.holidays()).await?,
    ))
}
