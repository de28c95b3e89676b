//! The `throttle` table: allowances per key in fixed windows, shared by every server on the
//! database.

use super::{sql, Db};

/// Takes one unit of `key`'s allowance of `max` per `window_secs` at `now`, atomically: one
/// statement, so the count and the check cannot be split by a concurrent request. A closed
/// window starts again at 1; an open one grows only while below the limit. Answers `None`
/// when there was a unit (now spent), else the seconds until the window ends.
pub async fn take(
    db: &Db,
    key: &str,
    max: i64,
    window_secs: i64,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let taken = sql!(db, |c| {
        sqlx::query_scalar::<_, i64>(
        "INSERT INTO throttle (key, failures, window_start, window_secs) VALUES ($1, 1, $2, $3) \
         ON CONFLICT (key) DO UPDATE SET \
           failures = CASE WHEN throttle.window_start + throttle.window_secs <= $2 \
                      THEN 1 ELSE throttle.failures + 1 END, \
           window_start = CASE WHEN throttle.window_start + throttle.window_secs <= $2 \
                          THEN $2 ELSE throttle.window_start END, \
           window_secs = $3 \
         WHERE throttle.window_start + throttle.window_secs <= $2 OR throttle.failures < $4 \
         RETURNING failures",
    )
    .bind(key)
    .bind(now)
    .bind(window_secs)
    .bind(max)
    .fetch_optional(&mut *c)
    .await
    })?;
    if taken.is_some() {
        return Ok(None);
    }
    let ends = sql!(db, |c| sqlx::query_scalar::<_, i64>(
        "SELECT window_start + window_secs FROM throttle WHERE key = $1"
    )
    .bind(key)
    .fetch_optional(&mut *c)
    .await)?;
    // Swept between the two statements: the window has just closed.
    Ok(Some((ends.unwrap_or(now) - now).max(1)))
}

/// Hands back one unit taken by [`take`].
pub async fn give_back(db: &Db, key: &str) -> Result<(), sqlx::Error> {
    sql!(db, |c| sqlx::query(
        "UPDATE throttle SET failures = failures - 1 WHERE key = $1 AND failures > 0"
    )
    .bind(key)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Forgets `key`'s window.
pub async fn clear(db: &Db, key: &str) -> Result<(), sqlx::Error> {
    sql!(db, |c| sqlx::query("DELETE FROM throttle WHERE key = $1")
        .bind(key)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Deletes windows that have closed; returns how many.
pub async fn sweep(db: &Db, now: i64) -> Result<u64, sqlx::Error> {
    sql!(db, |c| Ok(sqlx::query(
        "DELETE FROM throttle WHERE window_start + window_secs <= $1"
    )
    .bind(now)
    .execute(&mut *c)
    .await?
    .rows_affected()))
}
