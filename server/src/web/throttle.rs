//! Allowances per key in fixed windows — failed logins per account and per address, order
//! requests per address — kept in the database, so every server behind one database shares
//! them. An attempt is counted *before* the work it guards (atomically, in one statement):
//! a burst of parallel requests cannot all slip past a check made before any was recorded.

use crate::store::{self, Db, Tx};
use crate::web::error::AppError;

/// At most `max` in any window of `window_secs`, counted from the first in the window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    pub max: i64,
    pub window_secs: i64,
}

/// Takes one unit of `key`'s allowance at `now`: `Ok(None)` when there was one (it is now
/// spent), `Ok(Some(wait))` with the seconds until the window ends when there was none.
pub async fn take(db: &Db, key: &str, limit: Limit, now: i64) -> Result<Option<i64>, AppError> {
    Ok(store::throttle::take(db.into(), key, limit.max, limit.window_secs, now).await?)
}

/// [`take`] inside a transaction (counted when it commits).
pub async fn take_in(
    tx: &mut Tx,
    key: &str,
    limit: Limit,
    now: i64,
) -> Result<Option<i64>, AppError> {
    Ok(store::throttle::take(tx.into(), key, limit.max, limit.window_secs, now).await?)
}

/// Hands back one unit taken by [`take`] for work that turned out not to count (a login
/// with the right password does not count against its address).
pub async fn give_back(db: &Db, key: &str) -> Result<(), AppError> {
    Ok(store::throttle::give_back(db, key).await?)
}

/// Forgets `key`'s window (a successful login clears its account's failures).
pub async fn clear(db: &Db, key: &str) -> Result<(), AppError> {
    Ok(store::throttle::clear(db, key).await?)
}

/// Deletes windows that have closed; returns how many.
pub async fn sweep(db: &Db, now: i64) -> Result<u64, AppError> {
    Ok(store::throttle::sweep(db, now).await?)
}
