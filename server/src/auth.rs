//! Accounts and sessions: argon2id passwords, server-side sessions in an HttpOnly cookie,
//! login throttling per account and per client address, and the guard that keeps other
//! sites from changing anything (JSON bodies and a matching `Origin`).

use crate::clock::{now_utc, unix_secs};
use crate::error::AppError;
use crate::gate::HASHING;
use crate::http::{locale_of, random_hex, require_json, sha256_hex};
use crate::store::{self, Db};
use crate::throttle::{self, Limit};
use crate::AppState;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use etalase_core::account::{check_password, LoginInput, Me, PasswordChange, Role};
use etalase_core::Slug;
use std::net::SocketAddr;
use std::path::Path;

/// A session lasts a week from login; logging in again starts a new one.
pub const SESSION_TTL_SECS: i64 = 7 * 24 * 3600;
/// Failed logins counted per window.
pub const THROTTLE_WINDOW_SECS: i64 = 15 * 60;
/// Failures allowed per account, and per client address, in one window.
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
pub const MAX_FAILURES_PER_CLIENT: i64 = 20;
const PER_ACCOUNT: Limit = Limit {
    max: MAX_FAILURES_PER_ACCOUNT,
    window_secs: THROTTLE_WINDOW_SECS,
};
const PER_CLIENT: Limit = Limit {
    max: MAX_FAILURES_PER_CLIENT,
    window_secs: THROTTLE_WINDOW_SECS,
};

pub fn routes() -> utoipa_axum::router::OpenApiRouter<AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me))
        .routes(routes!(change_password))
        .layer(axum::extract::DefaultBodyLimit::max(16 * 1024))
}

/// A logged-in account, as read from the session cookie on every request.
#[derive(Clone, Debug)]
pub struct Account {
    pub id: i64,
    pub username: String,
    pub role: Role,
    pub ikm: Option<Slug>,
}

impl Account {
    /// The IKM this account works for; `None` for admins.
    pub fn ikm_slug(&self) -> Option<&str> {
        self.ikm.as_ref().map(Slug::as_str)
    }
}

/// The cookie's name: `__Host-` prefixed (and `Secure`) when the site is served over HTTPS.
pub fn cookie_name(state: &AppState) -> &'static str {
    if state.secure_cookies() {
        "__Host-etalase_sesi"
    } else {
        "etalase_sesi"
    }
}

fn session_cookie(state: &AppState, id: &str, max_age: i64) -> HeaderValue {
    let secure = if state.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    let value = format!(
        "{}={id}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}",
        cookie_name(state)
    );
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

fn session_id_from(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
        .filter(|v| v.len() == 32 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

// ---- passwords -------------------------------------------------------------------------

/// An argon2id hash in PHC format (salt and parameters included).
pub fn hash_password(password: &str) -> Result<String, AppError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("hashing: {e}")))
}

pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A random password for seeded and reset accounts: 16 letters and digits, read aloud easily.
pub fn random_password() -> Result<String, AppError> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    let chars: String = bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect();
    Ok(format!(
        "{}-{}-{}-{}",
        &chars[0..4],
        &chars[4..8],
        &chars[8..12],
        &chars[12..16]
    ))
}

/// Creates an account; the password must pass core's rule.
pub async fn create_account(
    db: &Db,
    username: &str,
    role: Role,
    ikm: Option<&str>,
    password: &str,
) -> Result<i64, AppError> {
    check_password(password, username)
        .map_err(|e| AppError::BadRequest("weak_password", e.message(Default::default())))?;
    let owned = password.to_owned();
    let hash = HASHING.run(move || hash_password(&owned)).await??;
    let inserted =
        store::accounts::create(db, username, role.slug(), ikm, &hash, &now_utc()).await?;
    inserted.ok_or(AppError::Conflict(
        "username_taken",
        "Nama pengguna ini sudah dipakai.".into(),
    ))
}

/// On a database without accounts: one demo account per IKM (its slug as user name) and one
/// admin (`disperindag`), each with a random password written to `credentials` (mode 0600).
/// Returns how many were made.
pub async fn seed_demo_accounts(db: &Db, credentials: &Path) -> anyhow::Result<usize> {
    if store::accounts::count(db).await? > 0 {
        return Ok(0);
    }
    let ikm = store::catalog::ikm_names(db).await?;
    let mut lines = vec![
        "# Akun DEMO Etalase IKM Lampung — hanya untuk mencoba, jangan dipakai di produksi."
            .to_owned(),
        "# DEMO accounts — for trying the app only; never use them in production.".to_owned(),
        "# peran / role\tnama pengguna / user name\tkata sandi / password\tIKM".to_owned(),
    ];
    let mut accounts = Vec::with_capacity(ikm.len() + 1);
    let mut add = |role: Role, username: &str, ikm: Option<&str>, label: &str| {
        let password = random_password().map_err(|e| anyhow::anyhow!("{e:?}"))?;
        lines.push(format!("{}\t{username}\t{password}\t{label}", role.slug()));
        accounts.push((username.to_owned(), role, ikm.map(str::to_owned), password));
        Ok::<_, anyhow::Error>(())
    };
    add(Role::Admin, "disperindag", None, "-")?;
    for (slug, name) in &ikm {
        add(Role::Ikm, slug, Some(slug), name)?;
    }
    // Hashed off the event loop, then stored all at once, only if no other server seeded
    // meanwhile (servers starting together on one database).
    let hashed = HASHING
        .run(move || {
            accounts
                .into_iter()
                .map(|(username, role, ikm, password)| {
                    Ok(store::accounts::NewAccount {
                        username,
                        role: role.slug(),
                        ikm,
                        password_hash: hash_password(&password)?,
                    })
                })
                .collect::<Result<Vec<_>, AppError>>()
        })
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    if !store::accounts::seed_if_none(db, &hashed, &now_utc()).await? {
        return Ok(0);
    }
    if let Some(dir) = credentials.parent() {
        std::fs::create_dir_all(dir)?;
    }
    write_private(credentials, &(lines.join("\n") + "\n"))?;
    Ok(hashed.len())
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(text.as_bytes())
}

// ---- the guard against other sites ---------------------------------------------------------

/// State changes come only from our own pages: the browser's `Origin` must be ours. Combined
/// with JSON bodies (which a form on another site cannot send) this stops cross-site requests.
pub fn check_origin(state: &AppState, headers: &HeaderMap) -> Result<(), AppError> {
    let forbidden = || AppError::Forbidden("Permintaan dari situs lain ditolak.");
    let origin = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(forbidden)?;
    let ours = match &state.public_url {
        Some(url) => origin == url.trim_end_matches('/'),
        None => {
            let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
            let origin_host = origin
                .strip_prefix("http://")
                .or_else(|| origin.strip_prefix("https://"));
            host.is_some() && origin_host == host
        }
    };
    if ours {
        Ok(())
    } else {
        Err(forbidden())
    }
}

/// For every state-changing call made with a session: our origin, and a JSON body.
pub fn check_state_change(state: &AppState, headers: &HeaderMap) -> Result<(), AppError> {
    check_origin(state, headers)?;
    require_json(headers)
}

// ---- sessions ------------------------------------------------------------------------------

impl FromRequestParts<AppState> for Account {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let id =
            session_id_from(&parts.headers, cookie_name(state)).ok_or(AppError::Unauthorized)?;
        let id_sha256 = sha256_hex(id.as_bytes());
        let store::accounts::SessionAccount {
            id: account_id,
            username,
            role,
            ikm_slug: ikm,
            expires_at,
            disabled,
        } = store::accounts::by_session(&state.db, &id_sha256)
            .await?
            .ok_or(AppError::Unauthorized)?;
        if expires_at <= unix_secs() || disabled {
            store::accounts::end_session(&state.db, &id_sha256).await?;
            return Err(AppError::Unauthorized);
        }
        Ok(Account {
            id: account_id,
            username,
            role: Role::from_slug(&role)
                .ok_or_else(|| anyhow::anyhow!("stored role {role:?} is unknown"))?,
            ikm: ikm.and_then(|s| Slug::parse(&s).ok()),
        })
    }
}

/// An IKM user: the only role that may work the desk.
pub struct IkmUser(pub Account, pub String);

impl FromRequestParts<AppState> for IkmUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let account = Account::from_request_parts(parts, state).await?;
        match (account.role, account.ikm_slug().map(str::to_owned)) {
            (Role::Ikm, Some(ikm)) => Ok(IkmUser(account, ikm)),
            _ => Err(AppError::Forbidden("Halaman ini khusus akun IKM.")),
        }
    }
}

/// A Disperindag admin.
pub struct Admin(pub Account);

impl FromRequestParts<AppState> for Admin {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let account = Account::from_request_parts(parts, state).await?;
        if account.role == Role::Admin {
            Ok(Admin(account))
        } else {
            Err(AppError::Forbidden("Halaman ini khusus admin Disperindag."))
        }
    }
}

/// The throttle key of a user name as typed (lower-cased): a hash, since people type
/// passwords into the name field.
fn account_throttle_key(username: &str) -> String {
    format!("account:{}", sha256_hex(username.as_bytes()))
}

/// The client's address, for throttles: see [`client_address`].
pub struct ClientAddr(pub String);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        Ok(ClientAddr(client_address(state, parts)))
    }
}

/// The client's address for throttling: the connection's peer, or what trusted proxies say.
fn client_address(state: &AppState, parts: &Parts) -> String {
    let Some(ConnectInfo(peer)) = parts.extensions.get::<ConnectInfo<SocketAddr>>() else {
        return "unknown".to_owned();
    };
    let forwarded: Vec<&str> = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    crate::http::client_ip(peer.ip(), &forwarded, &state.trusted_proxies).to_string()
}

#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth", security(("session" = [])),
    responses((status = 200, description = "Who is logged in", body = etalase_core::account::Me),
        (status = 401, description = "Not logged in", body = etalase_core::api::ApiError)))]
async fn me(State(state): State<AppState>, account: Account) -> Result<Json<Me>, AppError> {
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
async fn login(
    State(state): State<AppState>,
    request: axum::extract::Request,
) -> Result<Response, AppError> {
    let (parts, body) = request.into_parts();
    let headers = &parts.headers;
    check_state_change(&state, headers)?;
    let locale = locale_of(headers);
    let bytes = axum::body::to_bytes(body, 16 * 1024)
        .await
        .map_err(|_| AppError::PayloadTooLarge)?;
    let input: LoginInput = crate::http::parse_json(&bytes)?;
    let username = input.username.trim().to_lowercase();
    let now = unix_secs();
    // Hashed: a password typed into the name field must not be stored in the clear.
    let account_key = account_throttle_key(&username);
    let client_key = format!("client:{}", client_address(&state, &parts));
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
async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, AppError> {
    check_origin(&state, &headers)?;
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
async fn change_password(
    State(state): State<AppState>,
    account: Account,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<StatusCode, AppError> {
    check_state_change(&state, &headers)?;
    let locale = locale_of(&headers);
    let input: PasswordChange = crate::http::parse_json(&body)?;
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
    crate::orders::audit(&mut tx, &account, "change_password", &object, "", "").await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

fn wrong_password(locale: etalase_core::Locale) -> String {
    match locale {
        etalase_core::Locale::Id => "Kata sandi sekarang salah.".into(),
        etalase_core::Locale::En => "The current password is wrong.".into(),
    }
}

/// Sets a new password (hashed off the async workers).
pub async fn set_password(db: &Db, account_id: i64, password: &str) -> Result<(), AppError> {
    let owned = password.to_owned();
    let hash = HASHING.run(move || hash_password(&owned)).await??;
    store::accounts::set_password_hash(db, account_id, &hash).await?;
    Ok(())
}

/// Ends every session of an account (password reset, disabling).
pub async fn end_sessions(db: &Db, account_id: i64) -> Result<(), AppError> {
    Ok(store::accounts::end_sessions(db, account_id).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let hash = hash_password("siger-emas-pagar-alam").unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify_password(&hash, "siger-emas-pagar-alam"));
        assert!(!verify_password(&hash, "siger-emas-pagar-alaM"));
        assert!(!verify_password("not a hash", "x"));
    }

    #[test]
    fn random_passwords_pass_the_rule() {
        let p = random_password().unwrap();
        assert_eq!(p.len(), 19);
        assert_eq!(check_password(&p, "disperindag"), Ok(()));
        assert_ne!(p, random_password().unwrap());
    }

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let mut h = HeaderMap::new();
        let id = "0123456789abcdef0123456789abcdef";
        h.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("a=b; etalase_sesi={id}; c=d")).unwrap(),
        );
        assert_eq!(session_id_from(&h, "etalase_sesi").as_deref(), Some(id));
        assert_eq!(session_id_from(&h, "__Host-etalase_sesi"), None);
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("etalase_sesi=../../etc"),
        );
        assert_eq!(session_id_from(&h, "etalase_sesi"), None);
    }
}
