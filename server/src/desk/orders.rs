//! The IKM desk's API: the IKM's own orders and the changes the state machine allows.
//! Another IKM's order answers 404, as if it did not exist.

use crate::accounts::IkmUser;
use crate::clock::today_wib;
use crate::orders::list::{order_summaries, own_part, status_counts, OrderFilter};
use crate::orders::{apply_event_by, load_tracking};
use crate::store::{self, Db};
use crate::web::error::AppError;
use crate::web::extract::{JsonBody, SameOrigin};
use crate::AppState;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::Json;
use etalase_core::api::{DeskOrder, Inbox};
use etalase_core::order::{allowed_events, expires_on, Actor, OrderEvent, OrderStatus};
use etalase_core::{Date, Holidays};

pub fn routes() -> utoipa_axum::router::OpenApiRouter<AppState> {
    utoipa_axum::router::OpenApiRouter::new()
        .routes(utoipa_axum::routes!(inbox))
        .routes(utoipa_axum::routes!(order))
        .routes(utoipa_axum::routes!(event))
        .layer(DefaultBodyLimit::max(crate::orders::MAX_BODY))
}

#[utoipa::path(get, path = "/api/v1/desk/orders", tag = "desk", security(("session" = [])),
    params(crate::orders::list::OrderFilter),
    responses((status = 200, description = "A page of this IKM's orders, with counts per status", body = etalase_core::api::Inbox)))]
async fn inbox(
    State(state): State<AppState>,
    IkmUser(_user, ikm): IkmUser,
    Query(filter): Query<OrderFilter>,
) -> Result<Json<Inbox>, AppError> {
    let filter = OrderFilter {
        ikm: String::new(),
        kabupaten: String::new(),
        ..filter
    };
    let page = order_summaries(&state.db, Some(&ikm), &filter).await?;
    Ok(Json(Inbox {
        counts: status_counts(&state.db, Some(&ikm)).await?,
        orders: page.orders,
        next_cursor: page.next_cursor,
    }))
}

/// The request as `ikm` sees it: only its own part, with the actions open to it now.
pub async fn desk_order(
    db: &Db,
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
    // What the partner spends with other IKM is not this IKM's business: the total shown on
    // the desk is this part's.
    request.total = part.subtotal;
    let allowed = allowed_events(part.status)
        .iter()
        .filter(|e| !matches!(**e, "cancel" | "expire"))
        .map(|e| (*e).to_owned())
        .collect();
    let answer_by = if part.status == OrderStatus::Baru {
        let received_on = store::orders::received_on(db, request_id, ikm)
            .await?
            .ok_or(AppError::NotFound("Pesanan tidak ditemukan."))?;
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

#[utoipa::path(get, path = "/api/v1/desk/orders/{code}", tag = "desk", security(("session" = [])),
    params(("code" = String, Path)),
    responses((status = 200, description = "This IKM's part of the request and what it may do now", body = etalase_core::api::DeskOrder),
        (status = 404, description = "No part of this IKM in that request", body = etalase_core::api::ApiError)))]
async fn order(
    State(state): State<AppState>,
    IkmUser(_user, ikm): IkmUser,
    Path(code): Path<String>,
) -> Result<Json<DeskOrder>, AppError> {
    let (request_id, _) = own_part(&state.db, &code, &ikm).await?;
    Ok(Json(
        desk_order(&state.db, request_id, &ikm, &state.holidays()).await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/desk/orders/{code}/events", tag = "desk", security(("session" = [])),
    params(("code" = String, Path)),
    request_body = etalase_core::order::OrderEvent,
    responses((status = 200, description = "The part after the change", body = etalase_core::api::DeskOrder),
        (status = 404, description = "No part of this IKM in that request", body = etalase_core::api::ApiError),
        (status = 409, description = "The state machine does not allow it now", body = etalase_core::api::ApiError)))]
async fn event(
    State(state): State<AppState>,
    IkmUser(account, ikm): IkmUser,
    _: SameOrigin,
    Path(code): Path<String>,
    JsonBody(event): JsonBody<OrderEvent>,
) -> Result<Json<DeskOrder>, AppError> {
    let (request_id, part_id) = own_part(&state.db, &code, &ikm).await?;
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
