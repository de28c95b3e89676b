//! Accounts and sessions: argon2id passwords, server-side sessions in an HttpOnly cookie, the
//! roles' extractors, login throttling per account and per client address, and the audit log.

pub mod audit;
pub mod login;
pub mod passwords;

use crate::clock::unix_secs;
use crate::web::error::AppError;
use crate::web::http::sha256_hex;

use crate::store::{self};
use crate::web::throttle::Limit;
use crate::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue};
use etalase_core::account::Role;
use etalase_core::Slug;
use std::net::SocketAddr;
/// A session lasts a week from login; logging in again starts a new one.
pub const SESSION_TTL_SECS: i64 = 7 * 24 * 3600;
/// Failed logins counted per window.
pub const THROTTLE_WINDOW_SECS: i64 = 15 * 60;
/// Failures allowed per account, and per client address, in one window.
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
pub const MAX_FAILURES_PER_CLIENT: i64 = 20;
pub(crate) const PER_ACCOUNT: Limit = Limit {
    max: MAX_FAILURES_PER_ACCOUNT,
    window_secs: THROTTLE_WINDOW_SECS,
};
pub(crate) const PER_CLIENT: Limit = Limit {
    max: MAX_FAILURES_PER_CLIENT,
    window_secs: THROTTLE_WINDOW_SECS,
};

pub fn routes() -> utoipa_axum::router::OpenApiRouter<AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(login::login))
        .routes(routes!(login::logout))
        .routes(routes!(login::me))
        .routes(routes!(login::change_password))
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

pub(crate) fn session_cookie(state: &AppState, id: &str, max_age: i64) -> HeaderValue {
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

pub(crate) fn session_id_from(headers: &HeaderMap, name: &str) -> Option<String> {
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
pub(crate) fn account_throttle_key(username: &str) -> String {
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
    let ip = crate::web::http::client_ip(peer.ip(), &forwarded, &state.trusted_proxies);
    crate::web::http::client_key(ip)
}

pub use login::{account_by_id, sweep};
pub use passwords::{
    create_account, end_sessions, hash_password, random_password, seed_demo_accounts, set_password,
    verify_password,
};

#[cfg(test)]
mod tests {
    use super::*;

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
