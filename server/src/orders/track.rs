//! Tracking a request through its unguessable link, and the partner's cancel.

use crate::clock::today_wib;
use crate::store::{self, Db};
use crate::web::error::AppError;
use crate::web::extract::JsonBody;
use crate::web::http::{constant_time_eq, sha256_hex};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use etalase_core::api::{CancelPart, TrackedEvent, TrackedLine, TrackedPart, Tracking};
use etalase_core::order::{Actor, OrderEvent, OrderStatus};
use etalase_core::request::BuyerType;
use etalase_core::{Date, Kabupaten, Rupiah, Slug};
use serde::Deserialize;

use super::workflow::{actor_from_slug, apply_event};

#[derive(Deserialize)]
pub(super) struct SecretQuery {
    t: Option<String>,
}

/// The request's id if `secret` opens it. A wrong or missing secret is the same 404 as an
/// unknown code, so codes cannot be probed.
async fn open_request(db: &Db, code: &str, secret: Option<&str>) -> Result<i64, AppError> {
    let not_found = AppError::NotFound("Pesanan tidak ditemukan.");
    let row = store::orders::request_secret(db, code).await?;
    let given = sha256_hex(secret.unwrap_or("").as_bytes());
    match row {
        Some((id, stored)) if constant_time_eq(&given, &stored) => Ok(id),
        _ => Err(not_found),
    }
}

#[utoipa::path(get, path = "/api/v1/orders/{code}", tag = "orders",
    params(("code" = String, Path, description = "The request code, e.g. ETL-2026-000123"),
        ("t" = Option<String>, Query, description = "The tracking secret from the tracking link")),
    responses((status = 200, description = "The request and each IKM's part", body = etalase_core::api::Tracking),
        (status = 404, description = "Unknown code or wrong secret (the same answer)", body = etalase_core::api::ApiError)))]
pub(super) async fn track(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<SecretQuery>,
) -> Result<Response, AppError> {
    let id = open_request(&state.db, &code, q.t.as_deref()).await?;
    let tracking = load_tracking(&state.db, id).await?;
    Ok(Json(tracking).into_response())
}

#[utoipa::path(post, path = "/api/v1/orders/{code}/parts/{ikm}/cancel", tag = "orders",
    params(("code" = String, Path), ("ikm" = String, Path, description = "The IKM whose part to cancel")),
    request_body = etalase_core::api::CancelPart,
    responses((status = 200, description = "The request after the cancel", body = etalase_core::api::Tracking),
        (status = 404, description = "Unknown code, part or wrong secret", body = etalase_core::api::ApiError),
        (status = 409, description = "The part is no longer new", body = etalase_core::api::ApiError)))]
pub(super) async fn cancel(
    State(state): State<AppState>,
    Path((code, ikm)): Path<(String, String)>,
    JsonBody(CancelPart { secret }): JsonBody<CancelPart>,
) -> Result<Response, AppError> {
    let id = open_request(&state.db, &code, Some(&secret)).await?;
    let part_id = store::orders::part_of(&state.db, id, &ikm)
        .await?
        .ok_or(AppError::NotFound("Pesanan tidak ditemukan."))?;
    apply_event(
        &state.db,
        part_id,
        &OrderEvent::Cancel,
        Actor::Partner,
        today_wib(),
        &state.holidays(),
    )
    .await?;
    let tracking = load_tracking(&state.db, id).await?;
    Ok(Json(tracking).into_response())
}

/// Everything the tracking page shows about one request.
pub async fn load_tracking(db: &Db, request_id: i64) -> Result<Tracking, AppError> {
    let store::orders::Stored {
        request,
        parts: part_rows,
        lines,
        events,
    } = store::orders::stored(db, request_id)
        .await?
        .ok_or(AppError::NotFound("Pesanan tidak ditemukan."))?;
    let bad = |what: &str| AppError::Internal(anyhow::anyhow!("stored {what} is invalid"));
    let mut parts = Vec::with_capacity(part_rows.len());
    for row in part_rows {
        let status = OrderStatus::from_slug(&row.status).ok_or_else(|| bad("status"))?;
        let lines = lines
            .iter()
            .filter(|l| l.ikm_order_id == row.id)
            .map(|l| {
                Ok(TrackedLine {
                    product: if l.product_slug.is_empty() {
                        None
                    } else {
                        Some(Slug::parse(&l.product_slug).map_err(|_| bad("product"))?)
                    },
                    name: l.name.clone(),
                    unit: l.unit.clone(),
                    quantity: u32::try_from(l.quantity).map_err(|_| bad("quantity"))?,
                    unit_price: Rupiah(l.unit_price),
                    confirmed_unit_price: l.confirmed_unit_price.map(Rupiah),
                    note: l.note.clone(),
                    lead_time_days: u32::try_from(l.lead_time_days).unwrap_or(0),
                })
            })
            .collect::<Result<_, AppError>>()?;
        let events = events
            .iter()
            .filter(|e| e.ikm_order_id == row.id)
            .map(|e| TrackedEvent {
                at: e.at.clone(),
                actor: actor_from_slug(&e.actor),
                from: e.from_status.as_deref().and_then(OrderStatus::from_slug),
                to: OrderStatus::from_slug(&e.to_status).unwrap_or(status),
                note: e.note.clone(),
            })
            .collect();
        parts.push(TrackedPart {
            ikm: Slug::parse(&row.ikm_slug).map_err(|_| bad("ikm"))?,
            ikm_name: row.ikm_name.unwrap_or_default(),
            ikm_pkp: row.ikm_pkp.unwrap_or_default(),
            status,
            subtotal: Rupiah(row.subtotal),
            lead_time_days: row.lead_time_days.and_then(|d| u32::try_from(d).ok()),
            decline_reason: row.decline_reason,
            courier: row.courier,
            receipt: row.receipt,
            lines,
            events,
            cancellable: status == OrderStatus::Baru,
        });
    }
    Ok(Tracking {
        needed_by: Date::parse(&request.needed_by).ok_or_else(|| bad("needed_by"))?,
        buyer_type: BuyerType::from_slug(&request.buyer_type).ok_or_else(|| bad("buyer type"))?,
        kabupaten: Kabupaten::from_slug(&request.kabupaten).ok_or_else(|| bad("kabupaten"))?,
        code: request.code,
        company: request.company,
        npwp: request.npwp,
        contact_person: request.contact_person,
        phone: request.phone,
        email: request.email,
        address: request.address,
        purpose: request.purpose,
        notes: request.notes,
        created_at: request.created_at,
        total: Rupiah(request.total),
        parts,
    })
}
