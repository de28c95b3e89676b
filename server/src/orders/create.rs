//! Taking an order request: submitted once whatever the retries (an Idempotency-Key, its
//! answer kept a day with the tracking secret sealed), checked by core, counted against the
//! client's hourly allowance, and stored all or nothing, split per IKM.

use crate::accounts::ClientAddr;
use crate::clock::{now_utc, today_wib, unix_secs};
use crate::store::{self, Db, Tx};
use crate::web::error::AppError;
use crate::web::extract::{Lang, RawJson};
use crate::web::http::{origin, parse_json, random_hex as new_secret, sha256_hex};
use crate::web::throttle::{self, Limit};
use crate::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use etalase_core::api::{desk_order_page_path, tracking_page_path, CreatedPart, OrderCreated};
use etalase_core::order::{Actor, OrderStatus};
use etalase_core::request::{validate_request, RequestInput, ValidRequest};
use etalase_core::{Date, Locale};

use super::workflow::record_event;

fn idempotency_key(headers: &HeaderMap) -> Result<String, AppError> {
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .unwrap_or("");
    let ok = (8..=128).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(key.to_owned())
    } else {
        Err(AppError::BadRequest(
            "idempotency_key",
            "Header Idempotency-Key wajib: 8 sampai 128 huruf, angka, '-' atau '_'.".into(),
        ))
    }
}

/// How long an order's idempotency record answers a retry with the same response.
pub const IDEMPOTENCY_TTL_SECS: i64 = 24 * 3600;

/// The pad that seals a tracking secret in the idempotency record: derived from the key,
/// which only the client holds (the database keeps a different hash of it), so a copy of the
/// database alone cannot open the seal.
fn seal_pad(key: &str) -> [u8; 16] {
    use sha2::{Digest, Sha256};
    let digest = Sha256::new()
        .chain_update(b"etalase/idempotency/seal\0")
        .chain_update(key.as_bytes())
        .finalize();
    let mut pad = [0u8; 16];
    pad.copy_from_slice(&digest[..16]);
    pad
}

/// Seals (or, applied to a sealed value, opens) a 32-hex-digit secret with `key`'s pad.
fn seal(secret_hex: &str, key: &str) -> Option<String> {
    let bytes = crate::web::http::hex_bytes::<16>(secret_hex)?;
    let pad = seal_pad(key);
    Some(
        bytes
            .iter()
            .zip(pad)
            .map(|(b, p)| format!("{:02x}", b ^ p))
            .collect(),
    )
}

/// A stored response for this key, younger than a day: replayed when the body is the same
/// (with the tracking secret unsealed by the key), refused otherwise.
async fn replay(
    source: store::On<'_>,
    key: &str,
    body_hash: &str,
    now: i64,
) -> Result<Option<Response>, AppError> {
    let row = store::orders::idempotent_answer(
        source,
        &sha256_hex(key.as_bytes()),
        now - IDEMPOTENCY_TTL_SECS,
    )
    .await?;
    let Some((hash, response, sealed)) = row else {
        return Ok(None);
    };
    if hash != body_hash {
        return Err(AppError::Conflict(
            "idempotency_key_reused",
            "Idempotency-Key ini sudah dipakai untuk permintaan lain.".into(),
        ));
    }
    let mut created: OrderCreated = serde_json::from_str(&response)
        .map_err(|e| anyhow::anyhow!("stored idempotent response: {e}"))?;
    let secret =
        seal(&sealed, key).ok_or_else(|| anyhow::anyhow!("stored sealed secret is malformed"))?;
    created.tracking_path = tracking_page_path(&created.code, &secret);
    let mut res = (StatusCode::CREATED, Json(created)).into_response();
    res.headers_mut()
        .insert("idempotent-replayed", HeaderValue::from_static("true"));
    Ok(Some(res))
}

#[utoipa::path(post, path = "/api/v1/orders", tag = "orders",
    request_body = etalase_core::request::RequestInput,
    params(("Idempotency-Key" = String, Header,
        description = "8 to 128 letters, digits, '-' or '_': the same key and body within 24 hours answer the same request")),
    responses(
        (status = 201, description = "Stored, or the same answer again for a retried key", body = etalase_core::api::OrderCreated),
        (status = 409, description = "Prices changed since the products were added, or the key was used for another body", body = etalase_core::api::ApiError),
        (status = 422, description = "Fields that break the rules, with messages", body = etalase_core::api::ApiError),
        (status = 429, description = "Too many requests from this address this hour", body = etalase_core::api::ApiError),
    ))]
pub(super) async fn create(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    Lang(locale): Lang,
    headers: HeaderMap,
    RawJson(body): RawJson,
) -> Result<Response, AppError> {
    let key = idempotency_key(&headers)?;
    let body_hash = sha256_hex(&body);
    let now = unix_secs();
    if let Some(response) = replay((&state.db).into(), &key, &body_hash, now).await? {
        return Ok(response);
    }
    let input: RequestInput = parse_json(&body)?;
    let snap = state.catalog();
    let today = today_wib();
    let valid = validate_request(&input, &snap.catalog, today)
        .map_err(|errors| AppError::Invalid(errors, locale))?;
    if !valid.price_changes.is_empty() {
        return Err(AppError::PriceChanged(valid.price_changes, locale));
    }
    // Counted before the work; a request that then fails still counted (as a login does).
    let limit = Limit {
        max: state.orders_per_hour,
        window_secs: 3600,
    };
    if let Some(wait) = throttle::take(&state.db, &format!("orders:{client}"), limit, now).await? {
        return Err(AppError::TooManyOrders(wait, locale));
    }

    let mut tx = state.db.write_tx().await?;
    let key_hash = sha256_hex(key.as_bytes());
    // Claim the key first: a concurrent duplicate waits for our commit (SQLite's write lock,
    // PostgreSQL's unique key) and then replays.
    let claimed = store::orders::claim_key(
        &mut tx,
        &key_hash,
        &body_hash,
        now,
        now - IDEMPOTENCY_TTL_SECS,
    )
    .await?;
    if !claimed {
        let replayed = replay((&mut tx).into(), &key, &body_hash, now).await?;
        tx.rollback().await?;
        return replayed
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("idempotency row vanished")));
    }
    let (created, secret) = store_request(
        &mut tx,
        &valid,
        today,
        &origin(&state, &headers),
        &snap.catalog,
    )
    .await?;
    // Kept without the secret: the path is rebuilt on replay from the sealed secret.
    let stored = OrderCreated {
        tracking_path: String::new(),
        ..created.clone()
    };
    let sealed = seal(&secret, &key).ok_or_else(|| anyhow::anyhow!("secret is not hex"))?;
    let response = serde_json::to_string(&stored).map_err(anyhow::Error::from)?;
    store::orders::keep_answer(&mut tx, &key_hash, &response, &sealed).await?;
    tx.commit().await?;
    tracing::info!(code = %created.code, parts = created.parts.len(), "order request stored");
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

/// Deletes idempotency records past their day; returns how many.
pub async fn sweep_idempotency(db: &Db, now: i64) -> Result<u64, AppError> {
    Ok(store::orders::sweep_idempotency(db, now - IDEMPOTENCY_TTL_SECS).await?)
}

/// Stores a valid request; answers what the partner is told, and the tracking secret.
async fn store_request(
    tx: &mut Tx,
    v: &ValidRequest,
    today: Date,
    origin: &str,
    catalog: &etalase_core::Catalog,
) -> Result<(OrderCreated, String), AppError> {
    let year = today.year();
    let seq = store::orders::next_in_sequence(tx, &format!("order-request-{year}")).await?;
    let code = etalase_core::request::request_code(year, seq as u64);
    let secret = new_secret()?;
    let now = now_utc();
    let request_id = store::orders::insert_request(
        tx,
        &store::orders::NewRequest {
            code: &code,
            secret_sha256: &sha256_hex(secret.as_bytes()),
            company: &v.company,
            buyer_type: v.buyer_type.slug(),
            npwp: &v.npwp,
            contact_person: &v.contact_person,
            phone: v.phone.e164(),
            email: &v.email,
            address: &v.address,
            kabupaten: v.kabupaten.slug(),
            needed_by: &v.needed_by.to_string(),
            purpose: &v.purpose,
            notes: &v.notes,
            total: v.total.amount(),
            created_at: &now,
        },
    )
    .await?;

    // The IKM's message links to its desk, never to the partner's tracking page: the secret
    // there would let one IKM read and cancel another's part.
    let desk_link = format!("{origin}{}", desk_order_page_path(&code));
    let mut parts = Vec::new();
    for part in &v.parts {
        let part_id = store::orders::insert_part(
            tx,
            request_id,
            part.ikm.as_str(),
            part.subtotal.amount(),
            &today.to_string(),
        )
        .await?;
        for (pos, line) in part.lines.iter().enumerate() {
            store::orders::insert_line(
                tx,
                part_id,
                &store::orders::NewLine {
                    position: pos as i64,
                    product: line.product.as_str(),
                    name: &line.name,
                    unit: &line.unit,
                    quantity: i64::from(line.quantity),
                    unit_price: line.unit_price.amount(),
                    lead_time_days: i64::from(line.lead_time_days),
                    note: &line.note,
                },
            )
            .await?;
        }
        record_event(tx, part_id, Actor::Partner, None, OrderStatus::Baru, "").await?;
        let summary = whatsapp_summary(v, part, &code, &desk_link);
        let whatsapp_link = catalog
            .ikm(part.ikm.as_str())
            .map(|i| i.whatsapp.wa_link(&summary))
            .unwrap_or_default();
        parts.push(CreatedPart {
            ikm: part.ikm.clone(),
            ikm_name: part.ikm_name.clone(),
            subtotal: part.subtotal,
            whatsapp_link,
        });
    }
    let created = OrderCreated {
        tracking_path: tracking_page_path(&code, &secret),
        code,
        total: v.total,
        parts,
    };
    Ok((created, secret))
}

/// The message a partner sends an IKM: what it orders from that IKM, and the link to the
/// order on the IKM's desk (which asks the IKM to log in).
fn whatsapp_summary(
    v: &ValidRequest,
    part: &etalase_core::request::IkmPart,
    code: &str,
    desk_link: &str,
) -> String {
    let mut text = format!(
        "Halo {}, kami {} mengajukan pesanan {code} lewat Etalase IKM Lampung:\n",
        part.ikm_name, v.company
    );
    text.push_str(&etalase_core::request::part_lines_text(part));
    text.push_str(&format!(
        "\nDibutuhkan: {}\nKontak: {} ({})\nBuka di meja IKM: {desk_link}",
        Locale::Id.date(&v.needed_by.to_string()),
        v.contact_person,
        v.phone.e164()
    ));
    text
}
