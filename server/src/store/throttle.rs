//! The `throttle` table: allowances per key in fixed windows, shared by every server on the
//! database.

use super::{sql, Db, On, Tx};

/// Takes one unit of `key`'s allowance of `max` per `window_secs` at `now`, atomically: one
/// statement, so the count and the check cannot be split by a concurrent request. A closed
/// window starts again at 1; an open one grows only while below the limit. Answers `None`
/// when there was a unit (now spent), else the seconds until the window ends.
pub async fn take(
    mut on: On<'_>,
    key: &str,
    max: i64,
    window_secs: i64,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let taken = sql!(on.reborrow(), |c| {
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
    let ends = sql!(on, |c| sqlx::query_scalar::<_, i64>(
        "SELECT window_start + window_secs FROM throttle WHERE key = $1"
    )
    .bind(key)
    .fetch_optional(&mut *c)
    .await)?;
    // Swept between the two statements: the window has just closed.
    Ok(Some((ends.unwrap_or(now) - now).max(1)))
}

/// Takes up to `wanted` units of `key`'s allowance at once (a batch of requests from one
/// client): answers how many it got and, if fewer than wanted, the seconds until the window
/// ends. A closed window starts again; the row stays locked until the transaction ends, so
/// servers sharing the database cannot both spend the same units.
pub async fn take_many(
    tx: &mut Tx,
    key: &str,
    wanted: i64,
    max: i64,
    window_secs: i64,
    now: i64,
) -> Result<(i64, i64), sqlx::Error> {
    let (spent, ends) = sql!(&mut *tx, |c| {
        sqlx::query_as::<_, (i64, i64)>(
        "INSERT INTO throttle (key, failures, window_start, window_secs) VALUES ($1, 0, $2, $3) \
         ON CONFLICT (key) DO UPDATE SET \
           failures = CASE WHEN throttle.window_start + throttle.window_secs <= $2 \
                      THEN 0 ELSE throttle.failures END, \
           window_start = CASE WHEN throttle.window_start + throttle.window_secs <= $2 \
                          THEN $2 ELSE throttle.window_start END, \
           window_secs = $3 \
         RETURNING failures, window_start + window_secs",
    )
    .bind(key)
    .bind(now)
    .bind(window_secs)
    .fetch_one(&mut *c)
    .await
    })?;
    let granted = wanted.min(max - spent).max(0);
    if granted > 0 {
        sql!(&mut *tx, |c| sqlx::query(
            "UPDATE throttle SET failures = failures + $1 WHERE key = $2"
        )
        .bind(granted)
        .bind(key)
        .execute(&mut *c)
        .await
        .map(|_| ()))?;
    }
    Ok((granted, (ends - now).max(1)))
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
