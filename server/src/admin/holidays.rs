//! The days off an IKM's time to answer skips, kept by Disperindag.

use crate::accounts::audit;
use crate::accounts::Admin;
use crate::store::{self, Tx};
use crate::web::error::AppError;
use crate::web::extract::{JsonBody, Lang, SameOrigin};
use crate::AppState;
use axum::extract::State;
use axum::Json;
use etalase_core::admin::{check_holiday, Holiday, HolidayInput};

/// The days off the IKM's time to answer skips, in date order.
#[utoipa::path(get, path = "/api/v1/admin/holidays", tag = "admin", security(("session" = [])),
    responses((status = 200, description = "The days off, in date order", body = Vec<etalase_core::admin::Holiday>)))]
pub(super) async fn holidays(State(state): State<AppState>, _: Admin) -> Json<Vec<Holiday>> {
    Json(holiday_list(&state))
}

fn holiday_list(state: &AppState) -> Vec<Holiday> {
    state
        .holidays()
        .entries()
        .map(|(day, name)| Holiday {
            day,
            name: name.to_owned(),
        })
        .collect()
}

/// Adds a day off, or renames one already listed; answers the whole list.
#[utoipa::path(post, path = "/api/v1/admin/holidays", tag = "admin", security(("session" = [])),
    request_body = etalase_core::admin::HolidayInput,
    responses((status = 200, description = "The days off after the change", body = Vec<etalase_core::admin::Holiday>)))]
pub(super) async fn save_holiday(
    State(state): State<AppState>,
    Admin(account): Admin,
    _: SameOrigin,
    Lang(locale): Lang,
    JsonBody(input): JsonBody<HolidayInput>,
) -> Result<Json<Vec<Holiday>>, AppError> {
    let holiday = check_holiday(&input, locale).map_err(|f| AppError::Fields(f, locale))?;
    let day = holiday.day.to_string();
    let mut tx = state.db.write_tx().await?;
    let before = store::holidays::name(&mut tx, &day).await?;
    store::holidays::put(&mut tx, &day, &holiday.name).await?;
    let from = before.unwrap_or_default();
    let change = ("save_holiday", from.as_str(), holiday.name.as_str());
    finish_holiday(&state, tx, &account, &day, change).await
}

/// Audits a change to the list, commits it, and answers the list as it is now.
async fn finish_holiday(
    state: &AppState,
    mut tx: Tx,
    account: &crate::accounts::Account,
    day: &str,
    (action, from, to): (&str, &str, &str),
) -> Result<Json<Vec<Holiday>>, AppError> {
    let object = format!("hari libur {day}");
    audit::record(&mut tx, account, action, &object, from, to).await?;
    state.holidays_changed(tx).await?;
    Ok(Json(holiday_list(state)))
}

/// Takes a day off the list (it counts as a working day again); answers the whole list.
#[utoipa::path(post, path = "/api/v1/admin/holidays/remove", tag = "admin", security(("session" = [])),
    request_body = etalase_core::admin::HolidayInput,
    responses((status = 200, description = "The days off after the change", body = Vec<etalase_core::admin::Holiday>),
        (status = 404, description = "That day is not on the list", body = etalase_core::api::ApiError)))]
pub(super) async fn remove_holiday(
    State(state): State<AppState>,
    Admin(account): Admin,
    _: SameOrigin,
    JsonBody(input): JsonBody<HolidayInput>,
) -> Result<Json<Vec<Holiday>>, AppError> {
    let day = etalase_core::Date::parse(input.day.trim())
        .ok_or(AppError::NotFound("Hari libur tidak ditemukan."))?
        .to_string();
    let mut tx = state.db.write_tx().await?;
    let name = store::holidays::name(&mut tx, &day)
        .await?
        .ok_or(AppError::NotFound("Hari libur tidak ditemukan."))?;
    store::holidays::remove(&mut tx, &day).await?;
    finish_holiday(&state, tx, &account, &day, ("remove_holiday", &name, "")).await
}
