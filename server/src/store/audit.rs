//! The `audit_log` table: who did what to which object, from what to what.

use super::{sql, Db, Tx};

/// Adds one line, in the transaction of the change it records.
#[allow(clippy::too_many_arguments)]
pub async fn record(
    tx: &mut Tx,
    at: &str,
    account_id: Option<i64>,
    username: &str,
    action: &str,
    object: &str,
    from: &str,
    to: &str,
) -> Result<(), sqlx::Error> {
    sql!(tx, |c| sqlx::query(
        "INSERT INTO audit_log (at, account_id, username, action, object, from_value, to_value) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(at)
    .bind(account_id)
    .bind(username)
    .bind(action)
    .bind(object)
    .bind(from)
    .bind(to)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

#[derive(sqlx::FromRow)]
pub struct Entry {
    pub id: i64,
    pub at: String,
    pub username: String,
    pub action: String,
    pub object: String,
    pub from_value: String,
    pub to_value: String,
}

/// Up to `limit` lines older than `before` (an id), newest first.
pub async fn page(db: &Db, before: Option<i64>, limit: i64) -> Result<Vec<Entry>, sqlx::Error> {
    sql!(db, |c| sqlx::query_as(
        "SELECT id, at, username, action, object, from_value, to_value FROM audit_log \
         WHERE ($1 IS NULL OR id < $1) ORDER BY id DESC LIMIT $2",
    )
    .bind(before)
    .bind(limit)
    .fetch_all(&mut *c)
    .await)
}
