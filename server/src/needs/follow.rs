//! The partner's private page of its need, through the unguessable link: every offer to
//! compare, accepting some (each becomes an IKM's part of one ordinary order request, opened
//! by the need's own secret), or closing without.

use super::view::{card, contact, offer, terms};
use crate::accounts::audit::{record_by, Who};
use crate::clock::{now_utc, today_wib};
use crate::store::{self, Db, Tx};
use crate::web::error::AppError;
use crate::web::extract::{JsonBody, Lang};
use crate::web::http::{constant_time_eq, sha256_hex};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::Json;
use etalase_core::api::tracking_page_path;
use etalase_core::money::MAX_ORDER_TOTAL;
use etalase_core::need::{
    check_decision, is_need_code, AcceptOffers, CloseNeed, NeedFollow, NeedOrder, NeedRefusal,
    NeedStatus, OfferStatus,
};
use etalase_core::request::request_code;
use etalase_core::{Locale, Rupiah};
use serde::Deserialize;

/// The most offers one acceptance may name.
pub const MAX_ACCEPTED: usize = 50;

#[derive(Deserialize)]
pub(super) struct SecretQuery {
    t: Option<String>,
}

/// The need's id if `secret` opens it. A wrong or missing secret is the same 404 as an
/// unknown code, so codes cannot be probed.
async fn open_need(db: &Db, code: &str, secret: Option<&str>) -> Result<i64, AppError> {
    let not_found = AppError::NotFound("Kebutuhan tidak ditemukan.");
    if !is_need_code(code) {
        return Err(not_found);
    }
    let row = store::needs::need_secret(db, code).await?;
    let given = sha256_hex(secret.unwrap_or("").as_bytes());
    match row {
        Some((id, stored)) if constant_time_eq(&given, &stored) => Ok(id),
        _ => Err(not_found),
    }
}

/// Everything the partner's page shows.
pub async fn load_follow(state: &AppState, id: i64, secret: &str) -> Result<NeedFollow, AppError> {
    let row = store::needs::by_id((&state.db).into(), id)
        .await?
        .ok_or(AppError::NotFound("Kebutuhan tidak ditemukan."))?;
    let today = today_wib();
    let snap = state.catalog();
    let offers = store::needs::offers_of((&state.db).into(), id)
        .await?
        .iter()
        .filter(|o| o.status != OfferStatus::Ditarik.slug())
        .map(|o| offer(o, &snap, Some((&row.code, &row.title)), today))
        .collect::<Result<Vec<_>, _>>()?;
    let mut orders: Vec<NeedOrder> = Vec::new();
    for code in offers.iter().filter_map(|o| o.order_code.as_deref()) {
        if !orders.iter().any(|o| o.code == code) {
            orders.push(NeedOrder {
                code: code.to_owned(),
                tracking_path: tracking_page_path(code, secret),
            });
        }
    }
    Ok(NeedFollow {
        need: card(&row, today, true)?,
        contact: contact(&row)?,
        show_company: row.show_company,
        status: terms(&row)?.status,
        decline_reason: row.decline_reason.clone(),
        offer_days: u32::try_from(row.offer_days).unwrap_or(0),
        created_at: row.created_at.clone(),
        offers,
        orders,
    })
}

#[utoipa::path(get, path = "/api/v1/needs/{code}/follow", tag = "needs",
    params(("code" = String, Path), ("t" = Option<String>, Query, description = "The secret from the need's private link")),
    responses((status = 200, description = "The need with every offer", body = etalase_core::need::NeedFollow),
        (status = 404, description = "Unknown code or wrong secret (the same answer)", body = etalase_core::api::ApiError)))]
pub(super) async fn follow(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<SecretQuery>,
) -> Result<Json<NeedFollow>, AppError> {
    let secret = q.t.unwrap_or_default();
    let id = open_need(&state.db, &code, Some(&secret)).await?;
    Ok(Json(load_follow(&state, id, &secret).await?))
}

fn refused(r: NeedRefusal, locale: Locale) -> AppError {
    AppError::Conflict(r.code(), r.message(locale).to_owned())
}

/// The need locked for a decision (no other decision or offer on it until this commits),
/// and checked: published, not closed (and, `accepting`, its date not past).
async fn decide(
    tx: &mut Tx,
    id: i64,
    accepting: bool,
    locale: Locale,
) -> Result<store::needs::NeedRow, AppError> {
    tx.serialize(&format!("need:{id}")).await?;
    let row = store::needs::by_id(tx.into(), id)
        .await?
        .ok_or(AppError::NotFound("Kebutuhan tidak ditemukan."))?;
    check_decision(&terms(&row)?, accepting, today_wib()).map_err(|r| refused(r, locale))?;
    Ok(row)
}

#[utoipa::path(post, path = "/api/v1/needs/{code}/accept", tag = "needs",
    params(("code" = String, Path)),
    request_body = etalase_core::need::AcceptOffers,
    responses((status = 200, description = "The need after the acceptance, with its order", body = etalase_core::need::NeedFollow),
        (status = 404, description = "Unknown code or wrong secret", body = etalase_core::api::ApiError),
        (status = 409, description = "The need is closed, or an offer no longer waits", body = etalase_core::api::ApiError),
        (status = 422, description = "The chosen offers together exceed an order's limit", body = etalase_core::api::ApiError)))]
pub(super) async fn accept(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Lang(locale): Lang,
    JsonBody(body): JsonBody<AcceptOffers>,
) -> Result<Json<NeedFollow>, AppError> {
    let id = open_need(&state.db, &code, Some(&body.secret)).await?;
    let mut chosen = body.offers.clone();
    chosen.sort_unstable_by_key(|c| c.id);
    chosen.dedup_by_key(|c| c.id);
    if chosen.is_empty() {
        return Err(refused(NeedRefusal::NothingChosen, locale));
    }
    if chosen.len() > MAX_ACCEPTED {
        return Err(AppError::BadRequest(
            "offers",
            format!("Paling banyak {MAX_ACCEPTED} penawaran sekaligus."),
        ));
    }
    let mut tx = state.db.write_tx().await?;
    let need = decide(&mut tx, id, true, locale).await?;
    let offers = store::needs::offers_of((&mut tx).into(), id).await?;
    let mut taken = Vec::with_capacity(chosen.len());
    for seen in &chosen {
        match offers.iter().find(|o| o.id == seen.id) {
            Some(o) if o.status != OfferStatus::Diajukan.slug() => {
                return Err(refused(NeedRefusal::OfferNotWaiting, locale))
            }
            // Changed by its IKM since the partner saw it: never accepted unseen.
            Some(o) if o.version != i64::from(seen.version) => {
                return Err(refused(NeedRefusal::OfferChanged, locale))
            }
            Some(o) => taken.push(o),
            None => return Err(AppError::NotFound("Penawaran tidak ditemukan.")),
        }
    }
    let total = Rupiah::checked_sum(taken.iter().map(|o| Rupiah(o.total)))
        .filter(|t| *t <= MAX_ORDER_TOTAL)
        .ok_or_else(|| {
            let message = match locale {
                Locale::Id => format!(
                    "Nilai penawaran terpilih melebihi batas satu pesanan ({}). Pilih lebih sedikit.",
                    locale.rupiah(MAX_ORDER_TOTAL)
                ),
                Locale::En => format!(
                    "The chosen offers exceed one order's limit ({}). Choose fewer.",
                    locale.rupiah(MAX_ORDER_TOTAL)
                ),
            };
            AppError::Unprocessable("total_too_large", message)
        })?;

    // One order request, one part per accepted offer, opened by the need's own secret.
    let at = now_utc();
    let today = today_wib();
    let year = today.year();
    let number =
        store::orders::next_in_sequence(&mut tx, &format!("order-request-{year}"), 1).await?;
    let order_code = request_code(year, u64::try_from(number).unwrap_or(0));
    let secret_sha256 = store::needs::secret_of(&mut tx, id).await?;
    let purpose = format!("Kebutuhan {}: {}", need.code, need.title);
    let ids = store::orders::insert_requests(
        &mut tx,
        &[store::orders::NewRequest {
            code: &order_code,
            secret_sha256: &secret_sha256,
            company: &need.company,
            buyer_type: &need.buyer_type,
            npwp: &need.npwp,
            contact_person: &need.contact_person,
            phone: &need.phone,
            email: &need.email,
            address: &need.address,
            kabupaten: &need.kabupaten,
            needed_by: &need.needed_by,
            purpose: &purpose,
            notes: "",
            total: total.amount(),
            created_at: &at,
        }],
    )
    .await?;
    let request_id = ids
        .first()
        .map(|(id, _)| *id)
        .ok_or_else(|| anyhow::anyhow!("order request not stored"))?;
    let day = today.to_string();
    let parts: Vec<store::orders::NewPart> = taken
        .iter()
        .map(|o| store::orders::NewPart {
            request_id,
            ikm: &o.ikm_slug,
            subtotal: o.total,
            received_on: &day,
        })
        .collect();
    let part_ids = store::orders::insert_parts(&mut tx, &parts).await?;
    let mut lines = Vec::with_capacity(taken.len());
    for o in &taken {
        let part_id = part_ids
            .iter()
            .find(|(_, _, ikm)| *ikm == o.ikm_slug)
            .map(|(id, _, _)| *id)
            .ok_or_else(|| anyhow::anyhow!("part of {} not stored", o.ikm_slug))?;
        lines.push(store::orders::NewLine {
            part_id,
            position: 0,
            // The first catalog product the offer points to, if any.
            product: o.products.split(',').next().unwrap_or(""),
            name: &need.title,
            unit: &need.unit,
            quantity: o.quantity,
            unit_price: o.unit_price,
            lead_time_days: o.lead_time_days,
            note: &o.note,
            agreed: true,
        });
    }
    store::orders::insert_lines(&mut tx, &lines).await?;
    let all: Vec<i64> = part_ids.iter().map(|(id, _, _)| *id).collect();
    store::orders::record_new_parts(&mut tx, &all, &at).await?;

    for o in &taken {
        if !store::needs::accept(&mut tx, o.id, &order_code, &at).await? {
            return Err(refused(NeedRefusal::OfferNotWaiting, locale));
        }
        let object = format!("penawaran {}/{}", need.code, o.ikm_slug);
        record_by(
            &mut tx,
            Who::Partner,
            "accept_offer",
            &object,
            "diajukan",
            &order_code,
        )
        .await?;
    }
    super::not_taken(&mut tx, id, &need.code, Who::Partner, &at).await?;
    if !store::needs::close(&mut tx, id, &at).await? {
        return Err(refused(NeedRefusal::NotOpenForDecision, locale));
    }
    record_by(
        &mut tx,
        Who::Partner,
        "accept_offers",
        &format!("kebutuhan {}", need.code),
        "terbit",
        "ditutup",
    )
    .await?;
    tx.commit().await?;
    tracing::info!(need = %need.code, order = %order_code, offers = taken.len(), "offers accepted");
    Ok(Json(load_follow(&state, id, &body.secret).await?))
}

#[utoipa::path(post, path = "/api/v1/needs/{code}/close", tag = "needs",
    params(("code" = String, Path)),
    request_body = etalase_core::need::CloseNeed,
    responses((status = 200, description = "The need, closed; waiting offers not taken", body = etalase_core::need::NeedFollow),
        (status = 404, description = "Unknown code or wrong secret", body = etalase_core::api::ApiError),
        (status = 409, description = "The need is not published, or already closed", body = etalase_core::api::ApiError)))]
pub(super) async fn close(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Lang(locale): Lang,
    JsonBody(body): JsonBody<CloseNeed>,
) -> Result<Json<NeedFollow>, AppError> {
    let id = open_need(&state.db, &code, Some(&body.secret)).await?;
    let mut tx = state.db.write_tx().await?;
    let need = decide(&mut tx, id, false, locale).await?;
    let at = now_utc();
    super::not_taken(&mut tx, id, &need.code, Who::Partner, &at).await?;
    if !store::needs::close(&mut tx, id, &at).await? {
        return Err(refused(NeedRefusal::NotOpenForDecision, locale));
    }
    record_by(
        &mut tx,
        Who::Partner,
        "close_need",
        &format!("kebutuhan {}", need.code),
        NeedStatus::Terbit.slug(),
        NeedStatus::Ditutup.slug(),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(load_follow(&state, id, &body.secret).await?))
}
