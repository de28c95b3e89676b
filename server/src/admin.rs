//! Disperindag's API: curating IKM and their accounts, every order with filters and CSV,
//! the programme's numbers for charts, and the audit log.

use crate::auth::{check_state_change, create_account, end_sessions, random_password, Admin};
use crate::desk::{order_summaries, own_part, status_counts, OrderFilter};
use crate::error::AppError;
use crate::http::parse_json;
use crate::orders::{audit, load_tracking};
use crate::store::{self, Db, Tx};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use etalase_core::account::Role;
use etalase_core::admin::{
    check_holiday, csv_field, AccountCreated, AdminIkm, AdminOrders, AuditEntry, AuditPage,
    Holiday, HolidayInput, IkmAccount, NewAccount, PasswordReset, SetFlag, Stat, Stats,
};
use etalase_core::api::Tracking;
use etalase_core::order::OrderStatus;
use etalase_core::{Category, Kabupaten, Slug};
use futures_util::StreamExt;

pub fn routes() -> utoipa_axum::router::OpenApiRouter<AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(ikm_list))
        .routes(routes!(set_verified))
        .routes(routes!(new_account))
        .routes(routes!(set_disabled))
        .routes(routes!(reset_password))
        .routes(routes!(orders))
        .routes(routes!(orders_csv))
        .routes(routes!(order))
        .routes(routes!(stats))
        .routes(routes!(audit_log))
        .routes(routes!(holidays, save_holiday))
        .routes(routes!(remove_holiday))
        .layer(DefaultBodyLimit::max(crate::orders::MAX_BODY))
}

#[utoipa::path(get, path = "/api/v1/admin/ikm", tag = "admin", security(("session" = [])),
    responses((status = 200, description = "Every IKM with its accounts", body = Vec<etalase_core::admin::AdminIkm>)))]
async fn ikm_list(
    State(state): State<AppState>,
    _: Admin,
) -> Result<Json<Vec<AdminIkm>>, AppError> {
    Ok(Json(admin_ikm(&state.db, None).await?))
}

async fn admin_ikm(db: &Db, only: Option<&str>) -> Result<Vec<AdminIkm>, AppError> {
    let rows = store::catalog::admin_ikm(db, only).await?;
    let mut out: Vec<AdminIkm> = Vec::new();
    for row in rows {
        let store::catalog::AdminIkmRow {
            slug,
            name,
            kabupaten,
            verified,
            pkp,
            products,
            account_id,
            username,
            disabled,
        } = row;
        let account = match (account_id, username) {
            (Some(id), Some(username)) => Some(IkmAccount {
                id,
                username,
                disabled: disabled.unwrap_or(false),
            }),
            _ => None,
        };
        if let Some(last) = out.last_mut().filter(|l| l.slug.as_str() == slug) {
            last.accounts.extend(account);
            continue;
        }
        out.push(AdminIkm {
            slug: Slug::parse(&slug).map_err(|e| anyhow::anyhow!("stored slug: {e}"))?,
            name,
            kabupaten: Kabupaten::from_slug(&kabupaten)
                .ok_or_else(|| anyhow::anyhow!("stored kabupaten {kabupaten:?}"))?,
            verified,
            pkp,
            products: usize::try_from(products).unwrap_or(0),
            accounts: account.into_iter().collect(),
        });
    }
    Ok(out)
}

#[utoipa::path(post, path = "/api/v1/admin/ikm/{slug}/verified", tag = "admin", security(("session" = [])),
    params(("slug" = String, Path)),
    request_body = etalase_core::admin::SetFlag,
    responses((status = 200, description = "The IKM after the change", body = etalase_core::admin::AdminIkm)))]
async fn set_verified(
    State(state): State<AppState>,
    Admin(account): Admin,
    Path(slug): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<AdminIkm>, AppError> {
    check_state_change(&state, &headers)?;
    let SetFlag { value } = parse_json(&body)?;
    let mut tx = state.db.write_tx().await?;
    let before = store::catalog::set_verified(&mut tx, &slug, value)
        .await?
        .ok_or(AppError::NotFound("IKM tidak ditemukan."))?;
    audit(
        &mut tx,
        &account,
        "verify_ikm",
        &format!("ikm {slug}"),
        &before.to_string(),
        &value.to_string(),
    )
    .await?;
    state.catalog_changed(tx).await?;
    one_ikm(&state.db, &slug).await
}

/// The days off the IKM's time to answer skips, in date order.
#[utoipa::path(get, path = "/api/v1/admin/holidays", tag = "admin", security(("session" = [])),
    responses((status = 200, description = "The days off, in date order", body = Vec<etalase_core::admin::Holiday>)))]
async fn holidays(State(state): State<AppState>, _: Admin) -> Json<Vec<Holiday>> {
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
async fn save_holiday(
    State(state): State<AppState>,
    Admin(account): Admin,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Vec<Holiday>>, AppError> {
    check_state_change(&state, &headers)?;
    let locale = crate::http::locale_of(&headers);
    let input: HolidayInput = parse_json(&body)?;
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
    account: &crate::auth::Account,
    day: &str,
    (action, from, to): (&str, &str, &str),
) -> Result<Json<Vec<Holiday>>, AppError> {
    let object = format!("hari libur {day}");
    audit(&mut tx, account, action, &object, from, to).await?;
    state.holidays_changed(tx).await?;
    Ok(Json(holiday_list(state)))
}

/// Takes a day off the list (it counts as a working day again); answers the whole list.
#[utoipa::path(post, path = "/api/v1/admin/holidays/remove", tag = "admin", security(("session" = [])),
    request_body = etalase_core::admin::HolidayInput,
    responses((status = 200, description = "The days off after the change", body = Vec<etalase_core::admin::Holiday>),
        (status = 404, description = "That day is not on the list", body = etalase_core::api::ApiError)))]
async fn remove_holiday(
    State(state): State<AppState>,
    Admin(account): Admin,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Vec<Holiday>>, AppError> {
    check_state_change(&state, &headers)?;
    let input: HolidayInput = parse_json(&body)?;
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

async fn one_ikm(db: &Db, slug: &str) -> Result<Json<AdminIkm>, AppError> {
    admin_ikm(db, Some(slug))
        .await?
        .into_iter()
        .next()
        .map(Json)
        .ok_or(AppError::NotFound("IKM tidak ditemukan."))
}

/// The IKM an account belongs to (admins are not managed here: 404).
async fn ikm_of_account(db: &Db, id: i64) -> Result<String, AppError> {
    store::accounts::ikm_of(db, id)
        .await?
        .flatten()
        .ok_or(AppError::NotFound("Akun tidak ditemukan."))
}

#[utoipa::path(post, path = "/api/v1/admin/accounts", tag = "admin", security(("session" = [])),
    request_body = etalase_core::admin::NewAccount,
    responses((status = 200, description = "The account and its first password (shown once)", body = etalase_core::admin::AccountCreated),
        (status = 404, description = "No such IKM", body = etalase_core::api::ApiError)))]
async fn new_account(
    State(state): State<AppState>,
    Admin(admin): Admin,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<AccountCreated>, AppError> {
    check_state_change(&state, &headers)?;
    let locale = crate::http::locale_of(&headers);
    let NewAccount { username, ikm } = parse_json(&body)?;
    let username = username.trim().to_lowercase();
    if Slug::parse(&username).is_err() {
        return Err(AppError::field(
            "username",
            match locale {
                etalase_core::Locale::Id => "Gunakan huruf kecil, angka dan tanda minus.",
                etalase_core::Locale::En => "Use lower-case letters, digits and hyphens.",
            },
            locale,
        ));
    }
    let exists = store::catalog::ikm_name_pkp(&state.db, ikm.as_str()).await?;
    if exists.is_none() {
        return Err(AppError::NotFound("IKM tidak ditemukan."));
    }
    let taken = || {
        AppError::field(
            "username",
            match locale {
                etalase_core::Locale::Id => "Nama pengguna ini sudah dipakai.",
                etalase_core::Locale::En => "This user name is taken.",
            },
            locale,
        )
    };
    // The names the audit log gives parties without an account are never account names.
    if crate::orders::AUDIT_NAMES.contains(&username.as_str()) {
        return Err(taken());
    }
    let password = random_password()?;
    // Two admins creating the same name at once: the database's unique name decides.
    let id = match create_account(
        &state.db,
        &username,
        Role::Ikm,
        Some(ikm.as_str()),
        &password,
    )
    .await
    {
        Err(AppError::Conflict("username_taken", _)) => return Err(taken()),
        other => other?,
    };
    let mut tx = state.db.write_tx().await?;
    audit(
        &mut tx,
        &admin,
        "create_account",
        &format!("akun {username} ({ikm})"),
        "",
        "aktif",
    )
    .await?;
    tx.commit().await?;
    Ok(Json(AccountCreated {
        id,
        username,
        password,
    }))
}

#[utoipa::path(post, path = "/api/v1/admin/accounts/{id}/disabled", tag = "admin", security(("session" = [])),
    params(("id" = i64, Path)),
    request_body = etalase_core::admin::SetFlag,
    responses((status = 200, description = "The IKM after the change", body = etalase_core::admin::AdminIkm)))]
async fn set_disabled(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Path(id): Path<i64>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<AdminIkm>, AppError> {
    check_state_change(&state, &headers)?;
    let SetFlag { value } = parse_json(&body)?;
    let ikm = ikm_of_account(&state.db, id).await?;
    let mut tx = state.db.write_tx().await?;
    let (username, before) = store::accounts::set_disabled(&mut tx, id, value)
        .await?
        .ok_or(AppError::NotFound("Akun tidak ditemukan."))?;
    let label = |d: bool| if d { "nonaktif" } else { "aktif" };
    audit(
        &mut tx,
        &admin,
        if value {
            "disable_account"
        } else {
            "enable_account"
        },
        &format!("akun {username}"),
        label(before),
        label(value),
    )
    .await?;
    tx.commit().await?;
    if value {
        end_sessions(&state.db, id).await?;
    }
    one_ikm(&state.db, &ikm).await
}

#[utoipa::path(post, path = "/api/v1/admin/accounts/{id}/password", tag = "admin", security(("session" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, description = "A new password (shown once); the account's sessions end", body = etalase_core::admin::PasswordReset)))]
async fn reset_password(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Result<Json<PasswordReset>, AppError> {
    check_state_change(&state, &headers)?;
    ikm_of_account(&state.db, id).await?;
    let password = random_password()?;
    crate::auth::set_password(&state.db, id, &password).await?;
    end_sessions(&state.db, id).await?;
    let (username, _, _) = store::accounts::by_id(&state.db, id)
        .await?
        .ok_or(AppError::NotFound("Akun tidak ditemukan."))?;
    let mut tx = state.db.write_tx().await?;
    audit(
        &mut tx,
        &admin,
        "reset_password",
        &format!("akun {username}"),
        "",
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(Json(PasswordReset { username, password }))
}

#[utoipa::path(get, path = "/api/v1/admin/orders", tag = "admin", security(("session" = [])),
    params(crate::desk::OrderFilter),
    responses((status = 200, description = "A page of every IKM's order parts, with counts per status", body = etalase_core::admin::AdminOrders)))]
async fn orders(
    State(state): State<AppState>,
    _: Admin,
    Query(filter): Query<OrderFilter>,
) -> Result<Json<AdminOrders>, AppError> {
    let page = order_summaries(&state.db, None, &filter).await?;
    Ok(Json(AdminOrders {
        counts: status_counts(&state.db, None).await?,
        orders: page.orders,
        next_cursor: page.next_cursor,
    }))
}

#[utoipa::path(get, path = "/api/v1/admin/orders/{code}/{ikm}", tag = "admin", security(("session" = [])),
    params(("code" = String, Path), ("ikm" = String, Path)),
    responses((status = 200, description = "One IKM's part of a request", body = etalase_core::api::Tracking)))]
async fn order(
    State(state): State<AppState>,
    _: Admin,
    Path((code, ikm)): Path<(String, String)>,
) -> Result<Json<Tracking>, AppError> {
    let (request_id, _) = own_part(&state.db, &code, &ikm).await?;
    let mut tracking = load_tracking(&state.db, request_id).await?;
    tracking.parts.retain(|p| p.ikm.as_str() == ikm);
    Ok(Json(tracking))
}

/// Every order part that passes the filter, as CSV for a spreadsheet (UTF-8 with BOM, so
/// Excel reads the accents right). Streamed a page at a time: memory stays flat however many
/// orders there are.
#[utoipa::path(get, path = "/api/v1/admin/orders.csv", tag = "admin", security(("session" = [])),
    params(crate::desk::OrderFilter),
    responses((status = 200, description = "Every order part that passes the filter (streamed; UTF-8 with BOM)",
        content_type = "text/csv", body = String)))]
async fn orders_csv(
    State(state): State<AppState>,
    _: Admin,
    Query(filter): Query<OrderFilter>,
) -> Result<Response, AppError> {
    // Refuse a bad filter before the answer starts: after that an error cannot be a status.
    filter.check()?;
    let header_line = "\u{feff}kode,ikm,nama_ikm,pemesan,jenis_pemesan,kabupaten_kota,status,subtotal_rp,dibutuhkan,diajukan,jumlah_baris\r\n";
    let db = state.db.clone();
    let first = OrderFilter {
        limit: Some(crate::desk::MAX_PAGE),
        ..filter
    };
    let pages = futures_util::stream::unfold(Some(first), move |next| {
        let db = db.clone();
        async move {
            let filter = next?;
            match order_summaries(&db, None, &filter).await {
                Ok(page) => {
                    let chunk = csv_rows(&page.orders);
                    let following = page.next_cursor.map(|cursor| OrderFilter {
                        cursor: Some(cursor),
                        ..filter
                    });
                    Some((Ok::<_, std::io::Error>(chunk), following))
                }
                Err(e) => {
                    tracing::error!(error = ?e, "CSV export stopped");
                    Some((Err(std::io::Error::other("CSV export failed")), None))
                }
            }
        }
    });
    // Fused: a body may be polled again after its end (the compression layer does), and an
    // unfused unfold panics then.
    let body = futures_util::stream::once(async move { Ok(header_line.to_owned()) })
        .chain(pages)
        .fuse();
    let mut response = axum::body::Body::from_stream(body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"pesanan-etalase.csv\""),
    );
    Ok(response)
}

fn csv_rows(rows: &[etalase_core::api::OrderSummary]) -> String {
    let mut csv = String::new();
    for r in rows {
        let fields = [
            r.code.clone(),
            r.ikm.to_string(),
            r.ikm_name.clone(),
            r.company.clone(),
            r.buyer_type.slug().to_owned(),
            r.kabupaten.slug().to_owned(),
            r.status.slug().to_owned(),
            r.subtotal.amount().to_string(),
            r.needed_by.to_string(),
            r.created_at.clone(),
            r.lines.to_string(),
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        csv.push_str(&line.join(","));
        csv.push_str("\r\n");
    }
    csv
}

/// The programme's numbers: requests and value by buyer's kabupaten/kota, by category, by
/// status and by month. Declined, cancelled and expired parts count in "by status" only.
#[utoipa::path(get, path = "/api/v1/admin/stats", tag = "admin", security(("session" = [])),
    responses((status = 200, description = "The programme's numbers", body = etalase_core::admin::Stats)))]
async fn stats(State(state): State<AppState>, _: Admin) -> Result<Json<Stats>, AppError> {
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
struct AuditQuery {
    /// Entries per page, 1 to `desk::MAX_PAGE` (default `desk::DEFAULT_PAGE`).
    limit: Option<u32>,
    /// The `next_cursor` of the page before: entries older than it.
    cursor: Option<i64>,
}

/// The audit log, newest first, a page at a time.
#[utoipa::path(get, path = "/api/v1/admin/audit", tag = "admin", security(("session" = [])),
    params(AuditQuery),
    responses((status = 200, description = "A page of the audit log, newest first", body = etalase_core::admin::AuditPage)))]
async fn audit_log(
    State(state): State<AppState>,
    _: Admin,
    Query(q): Query<AuditQuery>,
) -> Result<Json<AuditPage>, AppError> {
    let limit = q
        .limit
        .unwrap_or(crate::desk::DEFAULT_PAGE)
        .clamp(1, crate::desk::MAX_PAGE);
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
