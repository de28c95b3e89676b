//! Allowances per key in fixed windows — failed logins per account and per address, order
//! requests per address — kept in the database, so every server behind one database shares
//! them. An attempt is counted *before* the work it guards (atomically, in one statement):
//! a burst of parallel requests cannot all slip past a check made before any was recorded.

use crate::error::AppError;
use sqlx::SqlitePool;

/// At most `max` in any window of `window_secs`, counted from the first in the window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    pub max: i64,
    pub window_secs: i64,
}

/// Takes one unit of `key`'s allowance at `now`: `Ok(None)` when there was one (it is now
/// spent), `Ok(Some(wait))` with the seconds until the window ends when there was none.
pub async fn take(
    db: &SqlitePool,
    key: &str,
    limit: Limit,
    now: i64,
) -> Result<Option<i64>, AppError> {
    // One statement: the count and the check cannot be split by a concurrent request. A
    // closed window starts again at 1; an open one grows only while below the limit.
    let taken: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO throttle (key, failures, window_start, window_secs) VALUES (?1, 1, ?2, ?3) \
         ON CONFLICT (key) DO UPDATE SET \
           failures = CASE WHEN throttle.window_start + throttle.window_secs <= ?2 \
                      THEN 1 ELSE throttle.failures + 1 END, \
           window_start = CASE WHEN throttle.window_start + throttle.window_secs <= ?2 \
                          THEN ?2 ELSE throttle.window_start END, \
           window_secs = ?3 \
         WHERE throttle.window_start + throttle.window_secs <= ?2 OR throttle.failures < ?4 \
         RETURNING failures",
    )
    .bind(key)
    .bind(now)
    .bind(limit.window_secs)
    .bind(limit.max)
    .fetch_optional(db)
    .await?;
    if taken.is_some() {
        return Ok(None);
    }
    let (ends,): (i64,) =
        sqlx::query_as("SELECT window_start + window_secs FROM throttle WHERE key = ?")
            .bind(key)
            .fetch_one(db)
            .await?;
    Ok(Some((ends - now).max(1)))
}

/// Hands back one unit taken by [`take`] for work that turned out not to count (a login
/// with the right password does not count against its address).
pub async fn give_back(db: &SqlitePool, key: &str) -> Result<(), AppError> {
    sqlx::query("UPDATE throttle SET failures = failures - 1 WHERE key = ? AND failures > 0")
        .bind(key)
        .execute(db)
        .await?;
    Ok(())
}

/// Forgets `key`'s window (a successful login clears its account's failures).
pub async fn clear(db: &SqlitePool, key: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM throttle WHERE key = ?")
        .bind(key)
        .execute(db)
        .await?;
    Ok(())
}

/// Deletes windows that have closed; returns how many.
pub async fn sweep(db: &SqlitePool, now: i64) -> Result<u64, AppError> {
    Ok(
        sqlx::query("DELETE FROM throttle WHERE window_start + window_secs <= ?")
            .bind(now)
            .execute(db)
            .await?
            .rows_affected(),
    )
}
