//! Partner needs: a company posts what it needs (no account, like ordering), Disperindag
//! reviews it (`admin`), the public board lists it, IKM answer with offers (`desk`), and the
//! partner compares and accepts through its private link: each accepted offer becomes an
//! IKM's part of an ordinary order request, worked on the desk like any other.

pub mod board;
pub mod follow;
pub mod post;
pub mod view;

use crate::accounts::audit::{record_by, Who};
use crate::clock::now_utc;
use crate::store::{self, Db, Tx};
use crate::web::error::AppError;
use crate::AppState;
use axum::extract::DefaultBodyLimit;
use etalase_core::Date;

/// What the server says when it declines a need whose date passed before review.
pub const TOO_LATE_REASON: &str = "Tanggal dibutuhkan sudah lewat sebelum kebutuhan ini ditinjau.";

pub fn routes() -> utoipa_axum::router::OpenApiRouter<AppState> {
    utoipa_axum::router::OpenApiRouter::new()
        .routes(utoipa_axum::routes!(post::post, board::board))
        .routes(utoipa_axum::routes!(board::need))
        .routes(utoipa_axum::routes!(follow::follow))
        .routes(utoipa_axum::routes!(follow::accept))
        .routes(utoipa_axum::routes!(follow::close))
        .layer(DefaultBodyLimit::max(crate::orders::MAX_BODY))
}

/// Needs whose needed-by date has passed are settled by the server itself (`sistem` in the
/// audit log): a published one closes, its waiting offers not taken (their IKM are told); one
/// still waiting for review is declined with [`TOO_LATE_REASON`]. Run with the expiry job;
/// safe on several servers at once (each change is conditional). Answers how many.
pub async fn close_overdue(db: &Db, today: Date) -> Result<usize, AppError> {
    let day = today.to_string();
    let mut done = 0;
    for (id, code, status) in store::needs::overdue(db, &day).await? {
        let mut tx = db.write_tx().await?;
        tx.serialize(&format!("need:{id}")).await?;
        let at = now_utc();
        let changed = match status.as_str() {
            "terbit" => {
                not_taken(&mut tx, id, &code, Who::System, &at).await?;
                store::needs::close(&mut tx, id, &at).await?
            }
            _ => store::needs::decline(&mut tx, id, TOO_LATE_REASON).await?,
        };
        if changed {
            let to = if status == "terbit" {
                "ditutup"
            } else {
                "ditolak"
            };
            let object = format!("kebutuhan {code}");
            record_by(&mut tx, Who::System, "close_need", &object, &status, to).await?;
            tx.commit().await?;
            done += 1;
        }
    }
    Ok(done)
}

/// Every offer still waiting on a need is not taken (its IKM sees so on the desk), each
/// recorded in the audit log as `who`'s step.
pub async fn not_taken(
    tx: &mut Tx,
    need_id: i64,
    code: &str,
    who: Who<'_>,
    at: &str,
) -> Result<(), AppError> {
    for ikm in store::needs::not_taken(tx, need_id, at).await? {
        let object = format!("penawaran {code}/{ikm}");
        record_by(
            tx,
            who,
            "offer_not_taken",
            &object,
            "diajukan",
            "tidak-dipilih",
        )
        .await?;
    }
    Ok(())
}
