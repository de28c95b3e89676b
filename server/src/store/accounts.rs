//! The `account` and `session` tables. Only hashes are stored: argon2id for passwords, SHA-256
//! for session ids (a copy of the tables opens no session).

use super::{sql, Db, Tx};

/// Creates an account; `None` when the user name is taken.
pub async fn create(
    db: &Db,
    username: &str,
    role: &str,
    ikm: Option<&str>,
    password_hash: &str,
    at: &str,
) -> Result<Option<i64>, sqlx::Error> {
    let mut tx = db.write_tx().await?;
    let id = insert(&mut tx, username, role, ikm, password_hash, at).await?;
    tx.commit().await?;
    Ok(id)
}

async fn insert(
    tx: &mut Tx,
    username: &str,
    role: &str,
    ikm: Option<&str>,
    password_hash: &str,
    at: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sql!(tx, |c| sqlx::query_scalar::<_, i64>(
        "INSERT INTO account (username, role, ikm_slug, password_hash, created_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (username) DO NOTHING RETURNING id",
    )
    .bind(username)
    .bind(role)
    .bind(ikm)
    .bind(password_hash)
    .bind(at)
    .fetch_optional(&mut *c)
    .await)
}

/// An account to seed: user name, role, IKM, password hash.
pub struct NewAccount {
    pub username: String,
    pub role: &'static str,
    pub ikm: Option<String>,
    pub password_hash: String,
}

/// Creates every account given, all or none, if the database has no account yet; true when it
/// did. Servers starting together seed once: the check runs under a lock.
pub async fn seed_if_none(db: &Db, accounts: &[NewAccount], at: &str) -> anyhow::Result<bool> {
    let mut tx = db.write_tx().await?;
    tx.serialize("seed:accounts").await?;
    let existing = sql!(&mut tx, |c| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM account"
    )
    .fetch_one(&mut *c)
    .await)?;
    if existing > 0 {
        return Ok(false);
    }
    for a in accounts {
        insert(
            &mut tx,
            &a.username,
            a.role,
            a.ikm.as_deref(),
            &a.password_hash,
            at,
        )
        .await?
        .ok_or_else(|| anyhow::anyhow!("demo account {} is listed twice", a.username))?;
    }
    tx.commit().await?;
    Ok(true)
}

/// How many accounts there are.
pub async fn count(db: &Db) -> Result<i64, sqlx::Error> {
    sql!(db, |c| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM account"
    )
    .fetch_one(&mut *c)
    .await)
}

/// The account behind a session, with the session's expiry.
#[derive(sqlx::FromRow)]
pub struct SessionAccount {
    pub id: i64,
    pub username: String,
    pub role: String,
    pub ikm_slug: Option<String>,
    pub expires_at: i64,
    pub disabled: bool,
}

pub async fn by_session(db: &Db, id_sha256: &str) -> Result<Option<SessionAccount>, sqlx::Error> {
    sql!(db, |c| sqlx::query_as(
        "SELECT a.id, a.username, a.role, a.ikm_slug, s.expires_at, a.disabled \
         FROM session s JOIN account a ON a.id = s.account_id WHERE s.id_sha256 = $1",
    )
    .bind(id_sha256)
    .fetch_optional(&mut *c)
    .await)
}

/// What a login checks: the account's id, password hash and whether it is disabled.
pub async fn for_login(
    db: &Db,
    username: &str,
) -> Result<Option<(i64, String, bool)>, sqlx::Error> {
    sql!(db, |c| sqlx::query_as::<_, (i64, String, bool)>(
        "SELECT id, password_hash, disabled FROM account WHERE username = $1"
    )
    .bind(username)
    .fetch_optional(&mut *c)
    .await)
}

/// An account's user name, role and IKM.
pub async fn by_id(
    db: &Db,
    id: i64,
) -> Result<Option<(String, String, Option<String>)>, sqlx::Error> {
    sql!(db, |c| {
        sqlx::query_as::<_, (String, String, Option<String>)>(
            "SELECT username, role, ikm_slug FROM account WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *c)
        .await
    })
}

pub async fn password_hash(db: &Db, id: i64) -> Result<Option<String>, sqlx::Error> {
    sql!(db, |c| sqlx::query_scalar::<_, String>(
        "SELECT password_hash FROM account WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(&mut *c)
    .await)
}

pub async fn set_password_hash(db: &Db, id: i64, hash: &str) -> Result<(), sqlx::Error> {
    sql!(db, |c| sqlx::query(
        "UPDATE account SET password_hash = $1 WHERE id = $2"
    )
    .bind(hash)
    .bind(id)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Disables or enables an account; answers its user name and the value before, or `None` if
/// there is no such account.
pub async fn set_disabled(
    tx: &mut Tx,
    id: i64,
    disabled: bool,
) -> Result<Option<(String, bool)>, sqlx::Error> {
    let before = sql!(&mut *tx, |c| sqlx::query_as::<_, (String, bool)>(
        "SELECT username, disabled FROM account WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(&mut *c)
    .await)?;
    if before.is_some() {
        sql!(&mut *tx, |c| sqlx::query(
            "UPDATE account SET disabled = $1 WHERE id = $2"
        )
        .bind(disabled)
        .bind(id)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    }
    Ok(before)
}

/// The IKM an account works for: `None` if there is no such account, `Some(None)` for an admin.
pub async fn ikm_of(db: &Db, id: i64) -> Result<Option<Option<String>>, sqlx::Error> {
    sql!(db, |c| sqlx::query_scalar::<_, Option<String>>(
        "SELECT ikm_slug FROM account WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(&mut *c)
    .await)
}

pub async fn start_session(
    db: &Db,
    id_sha256: &str,
    account_id: i64,
    now: i64,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    sql!(db, |c| sqlx::query(
        "INSERT INTO session (id_sha256, account_id, created_at, expires_at) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(id_sha256)
    .bind(account_id)
    .bind(now)
    .bind(expires_at)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn end_session(db: &Db, id_sha256: &str) -> Result<(), sqlx::Error> {
    sql!(db, |c| sqlx::query(
        "DELETE FROM session WHERE id_sha256 = $1"
    )
    .bind(id_sha256)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Ends every session of an account.
pub async fn end_sessions(db: &Db, account_id: i64) -> Result<(), sqlx::Error> {
    sql!(db, |c| sqlx::query(
        "DELETE FROM session WHERE account_id = $1"
    )
    .bind(account_id)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Ends every session of an account but one.
pub async fn end_other_sessions(
    tx: &mut Tx,
    account_id: i64,
    keep_sha256: &str,
) -> Result<(), sqlx::Error> {
    sql!(tx, |c| sqlx::query(
        "DELETE FROM session WHERE account_id = $1 AND id_sha256 <> $2"
    )
    .bind(account_id)
    .bind(keep_sha256)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Deletes expired sessions; returns how many.
pub async fn sweep_sessions(db: &Db, now: i64) -> Result<u64, sqlx::Error> {
    sql!(db, |c| Ok(sqlx::query(
        "DELETE FROM session WHERE expires_at <= $1"
    )
    .bind(now)
    .execute(&mut *c)
    .await?
    .rows_affected()))
}
