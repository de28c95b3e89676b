//! The public board: open, published needs, and one published need's page. Contact details
//! are never in these answers; the company only where the partner allowed it.

use super::view::card;
use crate::clock::today_wib;
use crate::store;
use crate::web::error::AppError;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::Json;
use etalase_core::need::{is_need_code, BoardFilter, NeedBoard, NeedCard, NeedState, NEEDS_PAGE};
use serde::Deserialize;

/// The board's query: `kategori`, `kabupaten` (unknown values ignored), `offset`.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BoardQuery {
    /// A category slug, e.g. `makanan-minuman`.
    kategori: Option<String>,
    /// The kabupaten/kota goods go to, e.g. `bandar-lampung`.
    kabupaten: Option<String>,
    /// Needs to skip (a page holds 24); at most 10,000.
    offset: Option<u32>,
}

/// The most a list may skip: deep pages are not a way to scan the table.
pub const MAX_OFFSET: u32 = 10_000;

pub fn offset_of(offset: Option<u32>) -> Result<i64, AppError> {
    match offset.unwrap_or(0) {
        o if o <= MAX_OFFSET => Ok(i64::from(o)),
        _ => Err(AppError::BadRequest(
            "offset",
            format!("offset paling besar {MAX_OFFSET}."),
        )),
    }
}

#[utoipa::path(get, path = "/api/v1/needs", tag = "needs",
    params(BoardQuery),
    responses((status = 200, description = "Open needs, newest first", body = etalase_core::need::NeedBoard)))]
pub(super) async fn board(
    State(state): State<AppState>,
    Query(q): Query<BoardQuery>,
) -> Result<Json<NeedBoard>, AppError> {
    let filter = BoardFilter::from_params(
        [
            ("kategori", q.kategori.as_deref()),
            ("kabupaten", q.kabupaten.as_deref()),
        ]
        .into_iter()
        .filter_map(|(k, v)| Some((k, v?))),
    );
    let offset = offset_of(q.offset)?;
    let today = today_wib();
    let day = today.to_string();
    let (rows, total) = store::needs::list(
        &state.db,
        &store::needs::Which::Board {
            today: &day,
            category: filter.category.map(|c| c.slug()),
            kabupaten: filter.kabupaten.map(|k| k.slug()),
        },
        NEEDS_PAGE as i64,
        offset,
    )
    .await?;
    let needs = rows
        .iter()
        .map(|r| card(r, today, false))
        .collect::<Result<Vec<_>, _>>()?;
    let next = offset + needs.len() as i64;
    Ok(Json(NeedBoard {
        total: usize::try_from(total).unwrap_or(0),
        next_offset: (next < total && !needs.is_empty()).then_some(next as usize),
        needs,
    }))
}

/// A need the public may see: published (open or not), or closed after publication.
pub async fn public_need(state: &AppState, code: &str) -> Result<NeedCard, AppError> {
    let not_found = AppError::NotFound("Kebutuhan tidak ditemukan.");
    if !is_need_code(code) {
        return Err(not_found);
    }
    let row = store::needs::by_code((&state.db).into(), code)
        .await?
        .ok_or(AppError::NotFound("Kebutuhan tidak ditemukan."))?;
    let card = card(&row, today_wib(), false)?;
    match card.state {
        NeedState::Open | NeedState::OffersClosed => Ok(card),
        NeedState::Closed if row.published_at.is_some() => Ok(card),
        _ => Err(not_found),
    }
}

#[utoipa::path(get, path = "/api/v1/needs/{code}", tag = "needs",
    params(("code" = String, Path, description = "The need's code, e.g. KBT-2026-000012")),
    responses((status = 200, description = "A published need", body = etalase_core::need::NeedCard),
        (status = 404, description = "No published need with this code", body = etalase_core::api::ApiError)))]
pub(super) async fn need(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<NeedCard>, AppError> {
    Ok(Json(public_need(&state, &code).await?))
}
