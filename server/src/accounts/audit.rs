//! The audit log: who did what to which object, from what to what — every change made
//! through an account, the partner's link or the server's own jobs, written in the same
//! transaction as the change.

use crate::accounts::Account;
use crate::clock::now_utc;
use crate::store::{self, Tx};
use crate::web::error::AppError;

/// One line of the audit log: who did what to which object, from what to what.
pub async fn record(
    tx: &mut Tx,
    account: &Account,
    action: &str,
    object: &str,
    from: &str,
    to: &str,
) -> Result<(), AppError> {
    let who = Who::Account(account);
    record_by(tx, who, action, object, from, to).await
}

/// The names the audit log gives parties without an account; no account may take one.
pub const AUDIT_NAMES: [&str; 3] = ["pemesan", "sistem", "ikm"];

/// Who an audit line names: an account, or a party without one.
#[derive(Clone, Copy)]
pub enum Who<'a> {
    Account(&'a Account),
    /// The partner through the tracking link (no account), named in the log as "pemesan".
    Partner,
    /// The server's own jobs (expiry), named "sistem".
    System,
    /// An IKM step recorded without a session (imports, tests), named "ikm".
    Ikm,
}

pub async fn record_by(
    tx: &mut Tx,
    who: Who<'_>,
    action: &str,
    object: &str,
    from: &str,
    to: &str,
) -> Result<(), AppError> {
    let (account_id, username) = match who {
        Who::Account(account) => (Some(account.id), account.username.as_str()),
        Who::Partner => (None, "pemesan"),
        Who::System => (None, "sistem"),
        Who::Ikm => (None, "ikm"),
    };
    store::audit::record(
        tx,
        &now_utc(),
        account_id,
        username,
        action,
        object,
        from,
        to,
    )
    .await?;
    Ok(())
}
