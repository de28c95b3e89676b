//! The IKM in the programme: Disperindag's check of each, and their desk accounts.

use crate::accounts::audit;
use crate::accounts::{create_account, end_sessions, random_password, Admin};
use crate::store::{self, Db};
use crate::web::error::AppError;
use crate::web::extract::{JsonBody, Lang, SameOrigin};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::Json;
use etalase_core::account::Role;
use etalase_core::admin::{
    AccountCreated, AdminIkm, IkmAccount, NewAccount, PasswordReset, SetFlag,
};
use etalase_core::{Kabupaten, Slug};

#[utoipa::path(get, path = "/api/v1/admin/ikm", tag = "admin", security(("session" = [])),
    responses((status = 200, description = "Every IKM with its accounts", body = Vec<etalase_core::admin::AdminIkm>)))]
pub(super) async fn ikm_list(
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
pub(super) async fn set_verified(
    State(state): State<AppState>,
    Admin(account): Admin,
    _: SameOrigin,
    Path(slug): Path<String>,
    JsonBody(SetFlag { value }): JsonBody<SetFlag>,
) -> Result<Json<AdminIkm>, AppError> {
    let mut tx = state.db.write_tx().await?;
    let before = store::catalog::set_verified(&mut tx, &slug, value)
        .await?
        .ok_or(AppError::NotFound("IKM tidak ditemukan."))?;
    audit::record(
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
pub(super) async fn new_account(
    State(state): State<AppState>,
    Admin(admin): Admin,
    _: SameOrigin,
    Lang(locale): Lang,
    JsonBody(NewAccount { username, ikm }): JsonBody<NewAccount>,
) -> Result<Json<AccountCreated>, AppError> {
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
    if audit::AUDIT_NAMES.contains(&username.as_str()) {
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
    audit::record(
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
pub(super) async fn set_disabled(
    State(state): State<AppState>,
    Admin(admin): Admin,
    _: SameOrigin,
    Path(id): Path<i64>,
    JsonBody(SetFlag { value }): JsonBody<SetFlag>,
) -> Result<Json<AdminIkm>, AppError> {
    let ikm = ikm_of_account(&state.db, id).await?;
    let mut tx = state.db.write_tx().await?;
    let (username, before) = store::accounts::set_disabled(&mut tx, id, value)
        .await?
        .ok_or(AppError::NotFound("Akun tidak ditemukan."))?;
    let label = |d: bool| if d { "nonaktif" } else { "aktif" };
    audit::record(
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
pub(super) async fn reset_password(
    State(state): State<AppState>,
    Admin(admin): Admin,
    _: SameOrigin,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Result<Json<PasswordReset>, AppError> {
    // No body to read, yet sent as JSON like every change: a form on another site cannot.
    crate::web::http::require_json(&headers)?;
    ikm_of_account(&state.db, id).await?;
    let password = random_password()?;
    crate::accounts::set_password(&state.db, id, &password).await?;
    end_sessions(&state.db, id).await?;
    let (username, _, _) = store::accounts::by_id(&state.db, id)
        .await?
        .ok_or(AppError::NotFound("Akun tidak ditemukan."))?;
    let mut tx = state.db.write_tx().await?;
    audit::record(
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
