//! Needs on the IKM desk: the open needs that fit the IKM (it sells in the category and
//! delivers where the goods go), with a badge for new ones; its own offers, made, changed
//! and withdrawn while the need takes offers. An IKM sees only its own offers; a need not
//! yet published (or declined) answers 404, as if it did not exist.

use crate::accounts::audit;
use crate::accounts::IkmUser;
use crate::clock::{now_utc, today_wib, unix_secs};
use crate::needs::board::offset_of;
use crate::needs::view::{card, offer, terms};
use crate::store::{self, Tx};
use crate::web::error::AppError;
use crate::web::extract::{JsonBody, Lang, SameOrigin};
use crate::web::throttle::{take, Limit};
use crate::AppState;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use etalase_core::need::{
    fits, is_need_code, validate_offer, Delivery, DeskNeed, DeskNeeds, NeedNews, NeedRefusal,
    NeedState, OfferInput, NEEDS_PAGE,
};
use etalase_core::{Category, Locale};
use serde::Deserialize;

pub fn routes() -> utoipa_axum::router::OpenApiRouter<AppState> {
    utoipa_axum::router::OpenApiRouter::new()
        .routes(utoipa_axum::routes!(list))
        .routes(utoipa_axum::routes!(one))
        .routes(utoipa_axum::routes!(news))
        .routes(utoipa_axum::routes!(seen))
        .routes(utoipa_axum::routes!(delivery))
        .routes(utoipa_axum::routes!(put_offer))
        .routes(utoipa_axum::routes!(withdraw))
        .layer(DefaultBodyLimit::max(crate::orders::MAX_BODY))
}

/// The categories an IKM sells in: those of its products on sale.
fn categories_of(state: &AppState, ikm: &str) -> Vec<Category> {
    let snap = state.catalog();
    let mut categories: Vec<Category> = snap.catalog.products_of(ikm).map(|p| p.category).collect();
    categories.sort_unstable();
    categories.dedup();
    categories
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeskNeedsQuery {
    /// `1`: every open need, not only those that fit.
    semua: Option<u8>,
    /// Needs to skip (a page holds 24); at most 10,000.
    offset: Option<u32>,
}

#[utoipa::path(get, path = "/api/v1/desk/needs", tag = "desk", security(("session" = [])),
    params(DeskNeedsQuery),
    responses((status = 200, description = "Open needs that fit this IKM (or all), and those it offered on", body = etalase_core::need::DeskNeeds)))]
async fn list(
    State(state): State<AppState>,
    IkmUser(_user, ikm): IkmUser,
    Query(q): Query<DeskNeedsQuery>,
) -> Result<Json<DeskNeeds>, AppError> {
    let offset = offset_of(q.offset)?;
    let all = q.semua == Some(1);
    let snap = state.catalog();
    let me = snap
        .catalog
        .ikm(&ikm)
        .ok_or(AppError::NotFound("IKM tidak ditemukan."))?
        .clone();
    let categories = categories_of(&state, &ikm);
    let category_slugs: Vec<&str> = categories.iter().map(|c| c.slug()).collect();
    let place_slugs: Vec<&str> = me.delivers_to.iter().map(|k| k.slug()).collect();
    let places = (!place_slugs.is_empty()).then_some(place_slugs.as_slice());
    let today = today_wib();
    let day = today.to_string();
    let (rows, total) = store::needs::list(
        &state.db,
        &store::needs::Which::Desk {
            ikm: &ikm,
            today: &day,
            categories: (!all).then_some(category_slugs.as_slice()),
            places: if all { None } else { places },
        },
        NEEDS_PAGE as i64,
        offset,
    )
    .await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let offers = store::needs::own_offers(&state.db, &ikm, &ids).await?;
    let since = store::needs::seen_at(&state.db, &ikm)
        .await?
        .unwrap_or_default();
    let mut needs = Vec::with_capacity(rows.len());
    for row in &rows {
        let need = card(row, today, false)?;
        let own = offers
            .iter()
            .find(|o| o.need_id == row.id)
            .map(|o| offer(o, &snap, None, today))
            .transpose()?;
        needs.push(DeskNeed {
            fits: fits(&me, &categories, need.category, need.kabupaten),
            new: need.state == NeedState::Open
                && own.is_none()
                && row
                    .published_at
                    .as_deref()
                    .is_some_and(|p| p > since.as_str()),
            offer: own,
            need,
        });
    }
    let news = news_of(&state, &ikm, &me, &categories, &since).await?;
    let next = offset + needs.len() as i64;
    Ok(Json(DeskNeeds {
        needs,
        new_count: news.new_count,
        decided_count: news.decided_count,
        delivers_to: me.delivers_to.clone(),
        categories,
        next_offset: (next < total && !rows.is_empty()).then_some(next as usize),
    }))
}

#[utoipa::path(get, path = "/api/v1/desk/needs/{code}", tag = "desk", security(("session" = [])),
    params(("code" = String, Path)),
    responses((status = 200, description = "A published need with this IKM's own offer", body = etalase_core::need::DeskNeed),
        (status = 404, description = "No published need with this code", body = etalase_core::api::ApiError)))]
async fn one(
    State(state): State<AppState>,
    IkmUser(_user, ikm): IkmUser,
    Path(code): Path<String>,
) -> Result<Json<DeskNeed>, AppError> {
    Ok(Json(desk_need(&state, &code, &ikm).await?))
}

/// What the badge counts for `me`, since `since` (when it last looked).
async fn news_of(
    state: &AppState,
    ikm: &str,
    me: &etalase_core::Ikm,
    categories: &[Category],
    since: &str,
) -> Result<NeedNews, AppError> {
    let category_slugs: Vec<&str> = categories.iter().map(|c| c.slug()).collect();
    let place_slugs: Vec<&str> = me.delivers_to.iter().map(|k| k.slug()).collect();
    let places = (!place_slugs.is_empty()).then_some(place_slugs.as_slice());
    let day = today_wib().to_string();
    let (new_count, decided_count) =
        store::needs::news(&state.db, ikm, &day, since, &category_slugs, places).await?;
    Ok(NeedNews {
        new_count: usize::try_from(new_count).unwrap_or(0),
        decided_count: usize::try_from(decided_count).unwrap_or(0),
    })
}

#[utoipa::path(get, path = "/api/v1/desk/needs/news", tag = "desk", security(("session" = [])),
    responses((status = 200, description = "The badge's counts: new needs that fit, offers decided since the IKM last looked", body = etalase_core::need::NeedNews)))]
async fn news(
    State(state): State<AppState>,
    IkmUser(_user, ikm): IkmUser,
) -> Result<Json<NeedNews>, AppError> {
    let snap = state.catalog();
    let me = snap
        .catalog
        .ikm(&ikm)
        .ok_or(AppError::NotFound("IKM tidak ditemukan."))?;
    let since = store::needs::seen_at(&state.db, &ikm)
        .await?
        .unwrap_or_default();
    let categories = categories_of(&state, &ikm);
    Ok(Json(news_of(&state, &ikm, me, &categories, &since).await?))
}

#[utoipa::path(post, path = "/api/v1/desk/needs/seen", tag = "desk", security(("session" = [])),
    responses((status = 204, description = "What is listed now is no longer new")))]
async fn seen(
    State(state): State<AppState>,
    IkmUser(_user, ikm): IkmUser,
    _: SameOrigin,
) -> Result<StatusCode, AppError> {
    store::needs::mark_seen(&state.db, &ikm, &now_utc()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(put, path = "/api/v1/desk/delivery", tag = "desk", security(("session" = [])),
    request_body = etalase_core::need::Delivery,
    responses((status = 200, description = "Where this IKM delivers to now", body = etalase_core::need::Delivery),
        (status = 429, description = "Changed too often this hour", body = etalase_core::api::ApiError)))]
async fn delivery(
    State(state): State<AppState>,
    IkmUser(account, ikm): IkmUser,
    _: SameOrigin,
    Lang(locale): Lang,
    JsonBody(body): JsonBody<Delivery>,
) -> Result<Json<Delivery>, AppError> {
    let mut places = body.delivers_to;
    places.sort_unstable_by_key(|k| k.slug());
    places.dedup();
    let before = state
        .catalog()
        .catalog
        .ikm(&ikm)
        .map(|i| join(&i.delivers_to))
        .unwrap_or_default();
    let after = join(&places);
    if after == before {
        // Nothing changes: the catalog (and every phone's copy of it) stays as it is.
        return Ok(Json(Delivery {
            delivers_to: places,
        }));
    }
    // Each change rebuilds the catalog every phone downloads: a few an hour are plenty.
    let limit = Limit {
        max: DELIVERY_CHANGES_PER_HOUR,
        window_secs: 3600,
    };
    if let Some(wait) = take(&state.db, &format!("delivery:{ikm}"), limit, unix_secs()).await? {
        let minutes = (wait + 59) / 60;
        let message = match locale {
            Locale::Id => {
                format!("Wilayah pengiriman sudah sering diubah. Coba lagi dalam {minutes} menit.")
            }
            Locale::En => {
                format!("The delivery area was changed often. Try again in {minutes} minutes.")
            }
        };
        return Err(AppError::Throttled("too_many_changes", message, wait));
    }
    let mut tx = state.db.write_tx().await?;
    if !store::catalog::set_delivers_to(&mut tx, &ikm, &after).await? {
        return Err(AppError::NotFound("IKM tidak ditemukan."));
    }
    audit::record(
        &mut tx,
        &account,
        "set_delivery",
        &format!("ikm {ikm}"),
        &before,
        &after,
    )
    .await?;
    state.catalog_changed(tx).await?;
    Ok(Json(Delivery {
        delivers_to: places,
    }))
}

/// Changes of the delivery area an IKM may make an hour.
pub const DELIVERY_CHANGES_PER_HOUR: i64 = 20;

fn join(places: &[etalase_core::Kabupaten]) -> String {
    places
        .iter()
        .map(|k| k.slug())
        .collect::<Vec<_>>()
        .join(",")
}

fn refused(r: NeedRefusal, locale: Locale) -> AppError {
    AppError::Conflict(r.code(), r.message(locale).to_owned())
}

/// The published need `code`, locked against decisions until `tx` ends. A need the public
/// cannot see answers 404.
async fn open_need(tx: &mut Tx, code: &str) -> Result<store::needs::NeedRow, AppError> {
    let not_found = AppError::NotFound("Kebutuhan tidak ditemukan.");
    if !is_need_code(code) {
        return Err(not_found);
    }
    let id = match store::needs::by_code(tx.into(), code).await? {
        Some(row) if row.published_at.is_some() => row.id,
        _ => return Err(not_found),
    };
    tx.serialize(&format!("need:{id}")).await?;
    store::needs::by_id(tx.into(), id)
        .await?
        .ok_or(AppError::NotFound("Kebutuhan tidak ditemukan."))
}

/// A published need as this IKM's desk shows it (after a change, or opened alone); one
/// never published answers 404.
async fn desk_need(state: &AppState, code: &str, ikm: &str) -> Result<DeskNeed, AppError> {
    let not_found = AppError::NotFound("Kebutuhan tidak ditemukan.");
    if !is_need_code(code) {
        return Err(not_found);
    }
    let row = match store::needs::by_code((&state.db).into(), code).await? {
        Some(row) if row.published_at.is_some() => row,
        _ => return Err(not_found),
    };
    let today = today_wib();
    let snap = state.catalog();
    let own = store::needs::own_offers(&state.db, ikm, &[row.id]).await?;
    let need = card(&row, today, false)?;
    let categories = categories_of(state, ikm);
    Ok(DeskNeed {
        fits: snap
            .catalog
            .ikm(ikm)
            .is_some_and(|me| fits(me, &categories, need.category, need.kabupaten)),
        new: false,
        offer: own
            .first()
            .map(|o| offer(o, &snap, None, today))
            .transpose()?,
        need,
    })
}

#[utoipa::path(put, path = "/api/v1/desk/needs/{code}/offer", tag = "desk", security(("session" = [])),
    params(("code" = String, Path)),
    request_body = etalase_core::need::OfferInput,
    responses((status = 200, description = "The need with this IKM's offer", body = etalase_core::need::DeskNeed),
        (status = 404, description = "No published need with this code", body = etalase_core::api::ApiError),
        (status = 409, description = "The need is not taking offers, or this offer was decided", body = etalase_core::api::ApiError),
        (status = 422, description = "Fields that break the rules against the need", body = etalase_core::api::ApiError)))]
async fn put_offer(
    State(state): State<AppState>,
    IkmUser(account, ikm): IkmUser,
    _: SameOrigin,
    Lang(locale): Lang,
    Path(code): Path<String>,
    JsonBody(input): JsonBody<OfferInput>,
) -> Result<Json<DeskNeed>, AppError> {
    let mut tx = state.db.write_tx().await?;
    let need = open_need(&mut tx, &code).await?;
    let snap = state.catalog();
    let own = |slug: &str| {
        snap.catalog
            .product(slug)
            .is_some_and(|p| p.ikm.as_str() == ikm)
    };
    let today = today_wib();
    let valid = validate_offer(&input, &terms(&need)?, &need.unit, own, today)
        .map_err(|r| refused(r, locale))?
        .map_err(|errors| AppError::Invalid(errors, locale))?;
    let products = valid
        .products
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(",");
    let at = now_utc();
    let before = store::needs::put_offer(
        &mut tx,
        &store::needs::NewOffer {
            need_id: need.id,
            ikm: &ikm,
            unit_price: valid.unit_price.amount(),
            quantity: i64::from(valid.quantity),
            lead_time_days: i64::from(valid.lead_time_days),
            total: valid.total.amount(),
            note: &valid.note,
            products: &products,
            at: &at,
        },
    )
    .await?
    .map_err(|_| refused(NeedRefusal::OfferNotWaiting, locale))?;
    let summary = format!(
        "Rp {} × {} {} · {} hari",
        valid.unit_price.amount(),
        valid.quantity,
        need.unit,
        valid.lead_time_days
    );
    audit::record(
        &mut tx,
        &account,
        if before.is_some() {
            "change_offer"
        } else {
            "make_offer"
        },
        &format!("penawaran {}/{ikm}", need.code),
        before.as_deref().unwrap_or(""),
        &summary,
    )
    .await?;
    tx.commit().await?;
    Ok(Json(desk_need(&state, &need.code, &ikm).await?))
}

#[utoipa::path(post, path = "/api/v1/desk/needs/{code}/offer/withdraw", tag = "desk", security(("session" = [])),
    params(("code" = String, Path)),
    responses((status = 200, description = "The need, this IKM's offer withdrawn", body = etalase_core::need::DeskNeed),
        (status = 404, description = "No published need with this code", body = etalase_core::api::ApiError),
        (status = 409, description = "The need is not taking offers, or no offer waits", body = etalase_core::api::ApiError)))]
async fn withdraw(
    State(state): State<AppState>,
    IkmUser(account, ikm): IkmUser,
    _: SameOrigin,
    Lang(locale): Lang,
    Path(code): Path<String>,
) -> Result<Json<DeskNeed>, AppError> {
    let mut tx = state.db.write_tx().await?;
    let need = open_need(&mut tx, &code).await?;
    if terms(&need)?.state(today_wib()) != NeedState::Open {
        return Err(refused(NeedRefusal::NotTakingOffers, locale));
    }
    if !store::needs::withdraw(&mut tx, need.id, &ikm, &now_utc()).await? {
        return Err(refused(NeedRefusal::OfferNotWaiting, locale));
    }
    audit::record(
        &mut tx,
        &account,
        "withdraw_offer",
        &format!("penawaran {}/{ikm}", need.code),
        "diajukan",
        "ditarik",
    )
    .await?;
    tx.commit().await?;
    Ok(Json(desk_need(&state, &need.code, &ikm).await?))
}
