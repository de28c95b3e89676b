//! Disperindag's side of needs: the review queue (publish, or decline with a reason), every
//! need by status with its contact, and the numbers (posted, offers, met, value matched) by
//! category, by kabupaten/kota and by month.

use crate::accounts::audit;
use crate::accounts::Admin;
use crate::clock::{now_utc, today_wib};
use crate::needs::board::offset_of;
use crate::needs::view::{card, contact, terms};
use crate::store::{self, needs::NeedRow};
use crate::web::error::AppError;
use crate::web::extract::{JsonBody, Lang, SameOrigin};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::Json;
use etalase_core::need::{
    is_need_code, publish_window, review, AdminNeed, AdminNeeds, NeedRefusal, NeedReview, NeedStat,
    NeedStats, NeedStatus, NeedStatusCount, ReviewError, NEEDS_PAGE,
};
use etalase_core::{Category, Date, Kabupaten, Rupiah};
use serde::Deserialize;

fn admin_need(row: &NeedRow, today: Date) -> Result<AdminNeed, AppError> {
    Ok(AdminNeed {
        need: card(row, today, true)?,
        contact: contact(row)?,
        show_company: row.show_company,
        status: terms(row)?.status,
        decline_reason: row.decline_reason.clone(),
        offer_days: u32::try_from(row.offer_days).unwrap_or(0),
        created_at: row.created_at.clone(),
    })
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AdminNeedsQuery {
    /// `menunggu` (the default: the review queue), `terbit`, `ditolak` or `ditutup`.
    status: Option<String>,
    /// Needs to skip (a page holds 24); at most 10,000.
    offset: Option<u32>,
}

#[utoipa::path(get, path = "/api/v1/admin/needs", tag = "admin", security(("session" = [])),
    params(AdminNeedsQuery),
    responses((status = 200, description = "Needs in one status, newest first, with counts per status", body = etalase_core::need::AdminNeeds)))]
pub(super) async fn needs(
    State(state): State<AppState>,
    _: Admin,
    Query(q): Query<AdminNeedsQuery>,
) -> Result<Json<AdminNeeds>, AppError> {
    let status = match q.status.as_deref() {
        None | Some("") => NeedStatus::Menunggu,
        Some(s) => NeedStatus::from_slug(s).ok_or_else(|| {
            AppError::BadRequest(
                "status",
                "status harus menunggu, terbit, ditolak atau ditutup.".into(),
            )
        })?,
    };
    let offset = offset_of(q.offset)?;
    let (rows, total) = store::needs::list(
        &state.db,
        &store::needs::Which::Status(status.slug()),
        NEEDS_PAGE as i64,
        offset,
    )
    .await?;
    let today = today_wib();
    let counted = store::needs::status_counts(&state.db).await?;
    let counts = NeedStatus::ALL
        .into_iter()
        .map(|s| NeedStatusCount {
            status: s,
            count: counted
                .iter()
                .find(|(k, _)| k == s.slug())
                .map_or(0, |(_, n)| usize::try_from(*n).unwrap_or(0)),
        })
        .collect();
    let next = offset + rows.len() as i64;
    Ok(Json(AdminNeeds {
        counts,
        needs: rows
            .iter()
            .map(|r| admin_need(r, today))
            .collect::<Result<_, _>>()?,
        next_offset: (next < total && !rows.is_empty()).then_some(next as usize),
    }))
}

#[utoipa::path(post, path = "/api/v1/admin/needs/{code}/review", tag = "admin", security(("session" = [])),
    params(("code" = String, Path)),
    request_body = etalase_core::need::NeedReview,
    responses((status = 200, description = "The need after the review", body = etalase_core::need::AdminNeed),
        (status = 404, description = "No need with this code", body = etalase_core::api::ApiError),
        (status = 409, description = "Already reviewed, or too late to take offers", body = etalase_core::api::ApiError),
        (status = 422, description = "A decline without a reason", body = etalase_core::api::ApiError)))]
pub(super) async fn review_need(
    State(state): State<AppState>,
    Admin(account): Admin,
    _: SameOrigin,
    Lang(locale): Lang,
    Path(code): Path<String>,
    JsonBody(step): JsonBody<NeedReview>,
) -> Result<Json<AdminNeed>, AppError> {
    let not_found = AppError::NotFound("Kebutuhan tidak ditemukan.");
    if !is_need_code(&code) {
        return Err(not_found);
    }
    let refused = |r: NeedRefusal| AppError::Conflict(r.code(), r.message(locale).to_owned());
    let mut tx = state.db.write_tx().await?;
    let row = store::needs::by_code((&mut tx).into(), &code)
        .await?
        .ok_or(not_found)?;
    let t = terms(&row)?;
    let to = review(t.status, &step).map_err(|e| match e {
        ReviewError::Refused(r) => refused(r),
        ReviewError::Field(f) => {
            AppError::Invalid([("reason".to_owned(), f)].into_iter().collect(), locale)
        }
    })?;
    let today = today_wib();
    let done = match &step {
        NeedReview::Publish => {
            let offer_days = u32::try_from(row.offer_days).unwrap_or(0);
            let until = publish_window(today, offer_days, t.needed_by)
                .ok_or_else(|| refused(NeedRefusal::TooLate))?;
            store::needs::publish(&mut tx, row.id, &now_utc(), &until.to_string()).await?
        }
        NeedReview::Decline { reason } => {
            store::needs::decline(&mut tx, row.id, reason.trim()).await?
        }
    };
    if !done {
        return Err(refused(NeedRefusal::AlreadyReviewed));
    }
    audit::record(
        &mut tx,
        &account,
        match step {
            NeedReview::Publish => "publish_need",
            NeedReview::Decline { .. } => "decline_need",
        },
        &format!("kebutuhan {code}"),
        t.status.slug(),
        to.slug(),
    )
    .await?;
    tx.commit().await?;
    let row = store::needs::by_code((&state.db).into(), &code)
        .await?
        .ok_or(AppError::NotFound("Kebutuhan tidak ditemukan."))?;
    Ok(Json(admin_need(&row, today)?))
}

#[utoipa::path(get, path = "/api/v1/admin/needs/stats", tag = "admin", security(("session" = [])),
    responses((status = 200, description = "Needs posted, offers, needs met and value matched", body = etalase_core::need::NeedStats)))]
pub(super) async fn need_stats(
    State(state): State<AppState>,
    _: Admin,
) -> Result<Json<NeedStats>, AppError> {
    use store::needs::By;
    let stat = |(key, posted, published, offers, met, value): store::needs::NeedGroup| NeedStat {
        key,
        posted: usize::try_from(posted).unwrap_or(0),
        published: usize::try_from(published).unwrap_or(0),
        offers: usize::try_from(offers).unwrap_or(0),
        met: usize::try_from(met).unwrap_or(0),
        value: Rupiah(value),
    };
    let rows = |rows: Vec<store::needs::NeedGroup>| rows.into_iter().map(stat).collect::<Vec<_>>();
    let total = rows(store::needs::stats_by(&state.db, By::All).await?)
        .into_iter()
        .next()
        .unwrap_or_else(|| NeedStat {
            key: "total".into(),
            ..NeedStat::default()
        });
    // Keys are slugs the SPA names in the reader's language; unknown ones are dropped.
    let by_category = rows(store::needs::stats_by(&state.db, By::Category).await?)
        .into_iter()
        .filter(|s| Category::from_slug(&s.key).is_some())
        .collect();
    let by_kabupaten = rows(store::needs::stats_by(&state.db, By::Kabupaten).await?)
        .into_iter()
        .filter(|s| Kabupaten::from_slug(&s.key).is_some())
        .collect();
    let by_month = rows(store::needs::stats_by(&state.db, By::Month).await?);
    Ok(Json(NeedStats {
        total,
        by_category,
        by_kabupaten,
        by_month,
    }))
}
