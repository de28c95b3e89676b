//! Logging in and out, who is logged in, and changing one's password.

use crate::clock::unix_secs;
use crate::web::error::AppError;
use crate::web::extract::{JsonBody, Lang, SameOrigin};
use crate::web::gate::HASHING;
use crate::web::http::{random_hex, sha256_hex};

use super::audit;
use super::passwords::{hash_password, set_password, verify_password};
use super::{
    account_throttle_key, cookie_name, session_cookie, session_id_from, Account, ClientAddr,
    PER_ACCOUNT, PER_CLIENT, SESSION_TTL_SECS,
};
use crate::store::{self, Db};
use crate::web::throttle::{self};
use crate::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use etalase_core::account::{check_password, LoginInput, Me, PasswordChange, Role};
use etalase_core::Slug;

#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth", security(("session" = [])),
    responses((status = 200, description = "Who is logged in", body = etalase_core::account::Me),
        (status = 401, description = "Not logged in", body = etalase_core::api::ApiError)))]
pub(super) async fn me(
    State(state): State<AppState>,
    account: Account,
) -> Result<Json<Me>, AppError> {
    Ok(Json(me_of(&state.db, &account).await?))
}

async fn me_of(db: &Db, account: &Account) -> Result<Me, AppError> {
    let ikm_name = match account.ikm_slug() {
        Some(slug) => store::catalog::ikm_name_pkp(db, slug)
            .await?
            .map(|(name, _)| name),
        None => None,
    };
    Ok(Me {
        username: account.username.clone(),
        role: account.role,
        ikm: account.ikm.clone(),
        ikm_name,
    })
}

/// Deletes expired sessions and throttle windows that have closed; returns how many rows went.
/// Runs with the periodic jobs, so neither table grows with every visitor ever seen.
pub async fn sweep(db: &Db, now: i64) -> Result<u64, AppError> {
    let sessions = store::accounts::sweep_sessions(db, now).await?;
    Ok(sessions + throttle::sweep(db, now).await?)
}

/// A hash to verify against when the account does not exist, so that the answer takes as
/// long as for a real account.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("etalase-dummy-password").unwrap_or_default())
}

#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth",
    request_body = etalase_core::account::LoginInput,
    responses((status = 200, description = "Logged in: the session cookie is set", body = etalase_core::account::Me),
        (status = 401, description = "Wrong user name or password (the same answer for both)", body = etalase_core::api::ApiError),
        (status = 403, description = "Sent from another site", body = etalase_core::api::ApiError),
        (status = 429, description = "Too many failed attempts for this account or address", body = etalase_core::api::ApiError),
        (status = 503, description = "Too many password checks at once: try again after Retry-After", body = etalase_core::api::ApiError)))]
pub(super) async fn login(
    State(state): State<AppState>,
    _: SameOrigin,
    Lang(locale): Lang,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    JsonBody(input): JsonBody<LoginInput>,
) -> Result<Response, AppError> {
    let headers = &headers;
    let username = input.username.trim().to_lowercase();
    let now = unix_secs();
    // Hashed: a password typed into the name field must not be stored in the clear.
    let account_key = account_throttle_key(&username);
    let client_key = format!("client:{client}");
    // Counted as failures before the password is checked; a right password hands them back.
    if let Some(wait) = throttle::take(&state.db, &account_key, PER_ACCOUNT, now).await? {
        return Err(AppError::TooManyAttempts(wait, locale));
    }
    if let Some(wait) = throttle::take(&state.db, &client_key, PER_CLIENT, now).await? {
        throttle::give_back(&state.db, &account_key).await?;
        return Err(AppError::TooManyAttempts(wait, locale));
    }
    let row = store::accounts::for_login(&state.db, &username).await?;
    let password = input.password.clone();
    let hash = row
        .as_ref()
        .map(|r| r.1.clone())
        .unwrap_or_else(|| dummy_hash().to_owned());
    let matches = match HASHING.run(move || verify_password(&hash, &password)).await {
        Ok(matches) => matches,
        Err(busy) => {
            // Not verified: the attempt does not count.
            throttle::give_back(&state.db, &account_key).await?;
            throttle::give_back(&state.db, &client_key).await?;
            return Err(busy);
        }
    };
    let account_id = match row {
        Some((id, _, false)) if matches => id,
        _ => {
            tracing::info!(client = %client_key, "failed login");
            return Err(AppError::LoginFailed(locale));
        }
    };
    throttle::clear(&state.db, &account_key).await?;
    throttle::give_back(&state.db, &client_key).await?;
    // A new id on every login; the session the browser came with (if any) ends.
    if let Some(old) = session_id_from(headers, cookie_name(&state)) {
        store::accounts::end_session(&state.db, &sha256_hex(old.as_bytes())).await?;
    }
    let id = random_hex()?;
    store::accounts::start_session(
        &state.db,
        &sha256_hex(id.as_bytes()),
        account_id,
        now,
        now + SESSION_TTL_SECS,
    )
    .await?;
    let account = account_by_id(&state.db, account_id).await?;
    let me = me_of(&state.db, &account).await?;
    let mut response = Json(me).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        session_cookie(&state, &id, SESSION_TTL_SECS),
    );
    Ok(response)
}

pub async fn account_by_id(db: &Db, id: i64) -> Result<Account, AppError> {
    let (username, role, ikm) = store::accounts::by_id(db, id)
        .await?
        .ok_or(AppError::NotFound("Akun tidak ditemukan."))?;
    Ok(Account {
        id,
        username,
        role: Role::from_slug(&role).ok_or_else(|| anyhow::anyhow!("unknown role {role:?}"))?,
        ikm: ikm.and_then(|s| Slug::parse(&s).ok()),
    })
}

#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth",
    responses((status = 204, description = "Logged out; the cookie is cleared"),
        (status = 403, description = "Sent from another site", body = etalase_core::api::ApiError)))]
pub(super) async fn logout(
    State(state): State<AppState>,
    _: SameOrigin,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    if let Some(id) = session_id_from(&headers, cookie_name(&state)) {
        store::accounts::end_session(&state.db, &sha256_hex(id.as_bytes())).await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session_cookie(&state, "", 0));
    Ok(response)
}

#[utoipa::path(post, path = "/api/v1/auth/password", tag = "auth", security(("session" = [])),
    request_body = etalase_core::account::PasswordChange,
    responses((status = 204, description = "Changed; every other session of the account ends"),
        (status = 422, description = "Wrong current password, or a new one that breaks the rule", body = etalase_core::api::ApiError)))]
pub(super) async fn change_password(
    State(state): State<AppState>,
    account: Account,
    _: SameOrigin,
    Lang(locale): Lang,
    headers: HeaderMap,
    JsonBody(input): JsonBody<PasswordChange>,
) -> Result<StatusCode, AppError> {
    // A stolen session must not become a way to guess the password: the same per-account
    // limit as the login form.
    let now = unix_secs();
    let account_key = account_throttle_key(&account.username);
    if let Some(wait) = throttle::take(&state.db, &account_key, PER_ACCOUNT, now).await? {
        return Err(AppError::TooManyAttempts(wait, locale));
    }
    let hash = store::accounts::password_hash(&state.db, account.id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let current = input.current.clone();
    let ok = match HASHING.run(move || verify_password(&hash, &current)).await {
        Ok(ok) => ok,
        Err(busy) => {
            throttle::give_back(&state.db, &account_key).await?;
            return Err(busy);
        }
    };
    if !ok {
        return Err(AppError::field("current", wrong_password(locale), locale));
    }
    throttle::give_back(&state.db, &account_key).await?;
    if let Err(e) = check_password(&input.new, &account.username) {
        return Err(AppError::field("new", e.message(locale), locale));
    }
    set_password(&state.db, account.id, &input.new).await?;
    // Whoever else knew the old password is logged out; this phone stays in.
    let this_session = session_id_from(&headers, cookie_name(&state))
        .map(|id| sha256_hex(id.as_bytes()))
        .unwrap_or_default();
    let mut tx = state.db.write_tx().await?;
    store::accounts::end_other_sessions(&mut tx, account.id, &this_session).await?;
    let object = format!("akun {}", account.username);
    audit::record(&mut tx, &account, "change_password", &object, "", "").await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

fn wrong_password(locale: etalase_core::Locale) -> String {
    match locale {
        etalase_core::Locale::Id => "Kata sandi sekarang salah.".into(),
        etalase_core::Locale::En => "The current password is wrong.".into(),
    }
}
