//! Posting a need: no account, like ordering. Submitted once whatever the retries (an
//! Idempotency-Key, its answer kept a day with the secret sealed), checked by core, counted
//! against the client's hourly allowance, stored waiting for Disperindag's review.

use crate::accounts::audit::{record_by, Who};
use crate::accounts::ClientAddr;
use crate::clock::{now_utc, today_wib, unix_secs};
use crate::orders::{
    idempotency_key, kept_answer, replayed, request_hash, seal, IDEMPOTENCY_TTL_SECS,
};
use crate::store::{self, Db};
use crate::web::error::AppError;
use crate::web::extract::{Lang, RawJson};
use crate::web::http::{parse_json, random_hex, sha256_hex};
use crate::web::throttle::{take_in, Limit};
use crate::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use etalase_core::need::{need_code, need_follow_page_path, validate_need, NeedCreated, NeedInput};

/// Needs one client (an address, an IPv6 /64) may post an hour: review is by hand, and a
/// company posts a few needs, not dozens. (A global cap would let a few addresses shut
/// every partner out; this does not.)
pub const NEEDS_PER_HOUR: i64 = 10;

/// A need's key is kept apart from an order's with the same text.
fn key_hash(key: &str) -> String {
    sha256_hex(format!("need\0{key}").as_bytes())
}

/// The kept answer for this key, if one younger than a day exists: the same answer again
/// for the same body, a refusal for another.
async fn replay(
    db: &Db,
    key: &str,
    body_hash: &str,
    now: i64,
) -> Result<Option<Response>, AppError> {
    let Some((response, secret)) =
        kept_answer(db.into(), key, &key_hash(key), body_hash, now).await?
    else {
        return Ok(None);
    };
    let mut created: NeedCreated = serde_json::from_str(&response)
        .map_err(|e| anyhow::anyhow!("stored idempotent response: {e}"))?;
    created.follow_path = need_follow_page_path(&created.code, &secret);
    Ok(Some(replayed(created)))
}

#[utoipa::path(post, path = "/api/v1/needs", tag = "needs",
    request_body = etalase_core::need::NeedInput,
    params(("Idempotency-Key" = String, Header,
        description = "8 to 128 letters, digits, '-' or '_': the same key and request within 7 days answer the same need")),
    responses(
        (status = 201, description = "Stored for review, or the same answer again for a retried key", body = etalase_core::need::NeedCreated),
        (status = 409, description = "The key was used for another body", body = etalase_core::api::ApiError),
        (status = 422, description = "Fields that break the rules, with messages", body = etalase_core::api::ApiError),
        (status = 429, description = "Too many needs from this address this hour", body = etalase_core::api::ApiError),
    ))]
pub(super) async fn post(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    Lang(locale): Lang,
    headers: HeaderMap,
    RawJson(body): RawJson,
) -> Result<Response, AppError> {
    let key = idempotency_key(&headers)?;
    let input: NeedInput = parse_json(&body)?;
    let body_hash = request_hash(&input)?;
    let now = unix_secs();
    if let Some(answer) = replay(&state.db, &key, &body_hash, now).await? {
        return Ok(answer);
    }
    let today = today_wib();
    let need = validate_need(&input, today).map_err(|errors| AppError::Invalid(errors, locale))?;
    let secret = random_hex()?;
    let at = now_utc();

    let mut tx = state.db.write_tx().await?;
    let limit = Limit {
        max: NEEDS_PER_HOUR.min(state.orders_per_hour),
        window_secs: 3600,
    };
    if let Some(wait) = take_in(&mut tx, &format!("needs:{client}"), limit, now).await? {
        return Err(AppError::TooManyNeeds(wait, locale));
    }
    let hash = key_hash(&key);
    let claimed = store::orders::claim_keys(
        &mut tx,
        &[(hash.as_str(), body_hash.as_str())],
        now,
        now - IDEMPOTENCY_TTL_SECS,
    )
    .await?;
    if claimed.is_empty() {
        // Another request with this key got there first: its answer, once it is kept.
        drop(tx);
        return match replay(&state.db, &key, &body_hash, now).await? {
            Some(answer) => Ok(answer),
            None => Err(AppError::Conflict(
                "idempotency_key_busy",
                "Permintaan dengan Idempotency-Key ini sedang diproses. Coba lagi.".into(),
            )),
        };
    }
    let year = today.year();
    let number = store::orders::next_in_sequence(&mut tx, &format!("need-{year}"), 1).await?;
    let code = need_code(year, u64::try_from(number).unwrap_or(0));
    let c = &need.contact;
    let secret_sha256 = sha256_hex(secret.as_bytes());
    let needed_by = need.needed_by.to_string();
    store::needs::insert_need(
        &mut tx,
        &store::needs::NewNeed {
            code: &code,
            secret_sha256: &secret_sha256,
            company: &c.company,
            show_company: need.show_company,
            buyer_type: c.buyer_type.slug(),
            npwp: &c.npwp,
            contact_person: &c.contact_person,
            phone: c.phone.e164(),
            email: &c.email,
            address: &c.address,
            kabupaten: c.kabupaten.slug(),
            title: &need.title,
            category: need.category.slug(),
            description: &need.description,
            quantity: i64::from(need.quantity),
            unit: &need.unit,
            budget: need.budget.map(|b| b.amount.amount()),
            budget_kind: need.budget.map_or("per-unit", |b| b.kind.slug()),
            needed_by: &needed_by,
            offer_days: i64::from(need.offer_days),
            created_at: &at,
        },
    )
    .await?;
    record_by(
        &mut tx,
        Who::Partner,
        "post_need",
        &format!("kebutuhan {code}"),
        "",
        "menunggu",
    )
    .await?;
    let kept = NeedCreated {
        code: code.clone(),
        follow_path: String::new(),
    };
    let answer = serde_json::to_string(&kept).map_err(anyhow::Error::from)?;
    let sealed = seal(&secret, &key).ok_or_else(|| anyhow::anyhow!("secret is not hex"))?;
    store::orders::keep_answers(
        &mut tx,
        &[(hash.as_str(), answer.as_str(), sealed.as_str())],
    )
    .await?;
    tx.commit().await?;
    tracing::info!(code = %code, "need posted");
    let created = NeedCreated {
        follow_path: need_follow_page_path(&code, &secret),
        code,
    };
    Ok((StatusCode::CREATED, Json(created)).into_response())
}
