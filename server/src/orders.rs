//! Order requests: submitted once whatever the retries, stored all or nothing, split per IKM,
//! tracked through an unguessable link, and moved only by the core state machine.

use crate::auth::Account;
use crate::auth::ClientAddr;
use crate::clock::{now_utc, today_wib, unix_secs};
use crate::error::AppError;
use crate::http::{
    constant_time_eq, locale_of, origin, parse_json, random_hex as new_secret, require_json,
    sha256_hex,
};
use crate::throttle::{self, Limit};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use etalase_core::api::{
    desk_order_page_path, tracking_page_path, CancelPart, CreatedPart, OrderCreated, TrackedEvent,
    TrackedLine, TrackedPart, Tracking,
};
use etalase_core::order::{
    check_event, expires_on, transition, Actor, OrderEvent, OrderStatus, PartLine, TransitionError,
};
use etalase_core::request::{validate_request, BuyerType, RequestInput, ValidRequest};
use etalase_core::{Date, Holidays, Kabupaten, Locale, Rupiah, Slug};
use serde::Deserialize;
use sqlx::{Sqlite, SqlitePool, Transaction};

/// Larger bodies are refused with 413 before they are read.
pub const MAX_BODY: usize = 64 * 1024;

pub fn routes() -> utoipa_axum::router::OpenApiRouter<AppState> {
    utoipa_axum::router::OpenApiRouter::new()
        .routes(utoipa_axum::routes!(create))
        .routes(utoipa_axum::routes!(track))
        .routes(utoipa_axum::routes!(cancel))
        .layer(DefaultBodyLimit::max(MAX_BODY))
}

fn body_bytes(
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Bytes, AppError> {
    body.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::PayloadTooLarge
        } else {
            AppError::BadRequest("bad_body", "Isi permintaan tidak bisa dibaca.".into())
        }
    })
}

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
    let bytes = crate::http::hex_bytes::<16>(secret_hex)?;
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
    db: impl sqlx::SqliteExecutor<'_>,
    key: &str,
    body_hash: &str,
    now: i64,
) -> Result<Option<Response>, AppError> {
    let row: Option<(String, String, String)> = sqlx::query_as(
        "SELECT body_sha256, response, sealed_secret FROM idempotency \
         WHERE key_sha256 = ? AND created_at > ?",
    )
    .bind(sha256_hex(key.as_bytes()))
    .bind(now - IDEMPOTENCY_TTL_SECS)
    .fetch_optional(db)
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
async fn create(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Response, AppError> {
    let locale = locale_of(&headers);
    let body = body_bytes(body)?;
    require_json(&headers)?;
    let key = idempotency_key(&headers)?;
    let body_hash = sha256_hex(&body);
    let now = unix_secs();
    if let Some(response) = replay(&state.db, &key, &body_hash, now).await? {
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

    let mut tx = crate::db::write_tx(&state.db).await?;
    let key_hash = sha256_hex(key.as_bytes());
    // A record past its day no longer answers; the key starts afresh.
    sqlx::query("DELETE FROM idempotency WHERE key_sha256 = ? AND created_at <= ?")
        .bind(&key_hash)
        .bind(now - IDEMPOTENCY_TTL_SECS)
        .execute(&mut *tx)
        .await?;
    // Claim the key first; the write lock is held, so a concurrent duplicate waits for our
    // commit and then replays.
    let claimed = sqlx::query(
        "INSERT INTO idempotency (key_sha256, body_sha256, response, sealed_secret, created_at) \
         VALUES (?, ?, '', '', ?) ON CONFLICT (key_sha256) DO NOTHING",
    )
    .bind(&key_hash)
    .bind(&body_hash)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if claimed == 0 {
        let replayed = replay(&mut *tx, &key, &body_hash, now).await?;
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
    sqlx::query("UPDATE idempotency SET response = ?, sealed_secret = ? WHERE key_sha256 = ?")
        .bind(serde_json::to_string(&stored).map_err(anyhow::Error::from)?)
        .bind(sealed)
        .bind(&key_hash)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    tracing::info!(code = %created.code, parts = created.parts.len(), "order request stored");
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

/// Deletes idempotency records past their day; returns how many.
pub async fn sweep_idempotency(db: &SqlitePool, now: i64) -> Result<u64, AppError> {
    Ok(sqlx::query("DELETE FROM idempotency WHERE created_at <= ?")
        .bind(now - IDEMPOTENCY_TTL_SECS)
        .execute(db)
        .await?
        .rows_affected())
}

/// Stores a valid request; answers what the partner is told, and the tracking secret.
async fn store_request(
    tx: &mut Transaction<'_, Sqlite>,
    v: &ValidRequest,
    today: Date,
    origin: &str,
    catalog: &etalase_core::Catalog,
) -> Result<(OrderCreated, String), AppError> {
    let year = today.year();
    let (seq,): (i64,) = sqlx::query_as(
        "INSERT INTO sequence (name, value) VALUES (?, 1) \
         ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value",
    )
    .bind(format!("order-request-{year}"))
    .fetch_one(&mut **tx)
    .await?;
    let code = etalase_core::request::request_code(year, seq as u64);
    let secret = new_secret()?;
    let now = now_utc();
    let (request_id,): (i64,) = sqlx::query_as(
        "INSERT INTO order_request (code, secret_sha256, company, buyer_type, npwp, \
         contact_person, phone, email, address, kabupaten, needed_by, purpose, notes, total, \
         created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(&code)
    .bind(sha256_hex(secret.as_bytes()))
    .bind(&v.company)
    .bind(v.buyer_type.slug())
    .bind(&v.npwp)
    .bind(&v.contact_person)
    .bind(v.phone.e164())
    .bind(&v.email)
    .bind(&v.address)
    .bind(v.kabupaten.slug())
    .bind(v.needed_by.to_string())
    .bind(&v.purpose)
    .bind(&v.notes)
    .bind(v.total.amount())
    .bind(&now)
    .fetch_one(&mut **tx)
    .await?;

    // The IKM's message links to its desk, never to the partner's tracking page: the secret
    // there would let one IKM read and cancel another's part.
    let desk_link = format!("{origin}{}", desk_order_page_path(&code));
    let mut parts = Vec::new();
    for part in &v.parts {
        let (part_id,): (i64,) = sqlx::query_as(
            "INSERT INTO ikm_order (request_id, ikm_slug, status, subtotal, received_on) \
             VALUES (?, ?, 'baru', ?, ?) RETURNING id",
        )
        .bind(request_id)
        .bind(part.ikm.as_str())
        .bind(part.subtotal.amount())
        .bind(today.to_string())
        .fetch_one(&mut **tx)
        .await?;
        for (pos, line) in part.lines.iter().enumerate() {
            sqlx::query(
                "INSERT INTO order_line (ikm_order_id, position, product_slug, name, unit, \
                 quantity, unit_price, lead_time_days, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(part_id)
            .bind(pos as i64)
            .bind(line.product.as_str())
            .bind(&line.name)
            .bind(&line.unit)
            .bind(line.quantity)
            .bind(line.unit_price.amount())
            .bind(line.lead_time_days)
            .bind(&line.note)
            .execute(&mut **tx)
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

async fn record_event(
    tx: &mut Transaction<'_, Sqlite>,
    part_id: i64,
    actor: Actor,
    from: Option<OrderStatus>,
    to: OrderStatus,
    note: &str,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO order_event (ikm_order_id, at, actor, from_status, to_status, note) \
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(part_id)
    .bind(now_utc())
    .bind(actor_slug(actor))
    .bind(from.map(OrderStatus::slug))
    .bind(to.slug())
    .bind(note)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// One line of the audit log: who did what to which object, from what to what.
pub async fn audit(
    tx: &mut Transaction<'_, Sqlite>,
    account: &Account,
    action: &str,
    object: &str,
    from: &str,
    to: &str,
) -> Result<(), AppError> {
    let who = Who::Account(account);
    audit_by(tx, who, action, object, from, to).await
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

async fn audit_by(
    tx: &mut Transaction<'_, Sqlite>,
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
    sqlx::query(
        "INSERT INTO audit_log (at, account_id, username, action, object, from_value, to_value) \
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(now_utc())
    .bind(account_id)
    .bind(username)
    .bind(action)
    .bind(object)
    .bind(from)
    .bind(to)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn actor_slug(actor: Actor) -> &'static str {
    match actor {
        Actor::Partner => "partner",
        Actor::Ikm => "ikm",
        Actor::System => "system",
    }
}

fn actor_from_slug(s: &str) -> Actor {
    match s {
        "ikm" => Actor::Ikm,
        "system" => Actor::System,
        _ => Actor::Partner,
    }
}

/// Applies an event to one IKM's part, through the core state machine, atomically: the
/// status changes only if it is still the one the decision was made on.
pub async fn apply_event(
    db: &SqlitePool,
    part_id: i64,
    event: &OrderEvent,
    actor: Actor,
    today: Date,
    holidays: &Holidays,
) -> Result<OrderStatus, AppError> {
    apply_event_by(db, part_id, event, actor, today, holidays, None).await
}

/// [`apply_event`] made by a logged-in account. Every change also goes to the audit log, in
/// the same transaction: under the account, else under the partner or the system.
pub async fn apply_event_by(
    db: &SqlitePool,
    part_id: i64,
    event: &OrderEvent,
    actor: Actor,
    today: Date,
    holidays: &Holidays,
    by: Option<&Account>,
) -> Result<OrderStatus, AppError> {
    let mut tx = crate::db::write_tx(db).await?;
    let (status, received_on, code, ikm, request_id): (String, String, String, String, i64) =
        sqlx::query_as(
            "SELECT o.status, o.received_on, r.code, o.ikm_slug, o.request_id \
         FROM ikm_order o JOIN order_request r ON r.id = o.request_id WHERE o.id = ?",
        )
        .bind(part_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(AppError::NotFound("Pesanan tidak ditemukan."))?;
    let stored_lines: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT quantity, unit_price FROM order_line WHERE ikm_order_id = ? ORDER BY position",
    )
    .bind(part_id)
    .fetch_all(&mut *tx)
    .await?;
    let lines = stored_lines
        .into_iter()
        .map(|(quantity, price)| {
            Some(PartLine {
                quantity: u32::try_from(quantity).ok()?,
                unit_price: Rupiah(price),
            })
        })
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| anyhow::anyhow!("stored lines of part {part_id} are out of range"))?;
    let from = OrderStatus::from_slug(&status)
        .ok_or_else(|| anyhow::anyhow!("stored status {status:?} is unknown"))?;
    let received = Date::parse(&received_on)
        .ok_or_else(|| anyhow::anyhow!("stored date {received_on:?} is not a date"))?;
    let answer_by = expires_on(received, holidays);
    let to = transition(from, event, actor, answer_by, today).map_err(|e| match e {
        TransitionError::Missing(field) => {
            AppError::BadRequest("missing", format!("{field} wajib diisi."))
        }
        other => AppError::Conflict("illegal_transition", other.to_string()),
    })?;
    let confirmed_subtotal = check_event(event, &lines).map_err(|e| match e {
        TransitionError::Invalid("prices") => AppError::BadRequest(
            "invalid_adjustment",
            format!(
                "prices: di luar batas yang diizinkan (harga satuan Rp 1 sampai {}, nilai \
                 pesanan paling banyak {}).",
                etalase_core::money::MAX_UNIT_PRICE,
                etalase_core::money::MAX_ORDER_TOTAL
            ),
        ),
        TransitionError::Invalid("lead_time_days") => AppError::BadRequest(
            "invalid_adjustment",
            format!(
                "lead_time_days: paling lama {} hari.",
                etalase_core::order::MAX_LEAD_TIME_DAYS
            ),
        ),
        TransitionError::Invalid(field) => AppError::BadRequest(
            "too_long",
            format!(
                "{field}: terlalu panjang (alasan paling banyak {} karakter, kurir dan nomor \
                 resi {}).",
                etalase_core::order::MAX_REASON_CHARS,
                etalase_core::order::MAX_SHIPPING_CHARS
            ),
        ),
        other => AppError::Conflict("illegal_transition", other.to_string()),
    })?;
    let mut note = String::new();
    match event {
        OrderEvent::Confirm {
            prices,
            lead_time_days,
        } => {
            for adj in prices {
                sqlx::query("UPDATE order_line SET confirmed_unit_price = ? WHERE ikm_order_id = ? AND position = ?")
                    .bind(adj.unit_price.amount())
                    .bind(part_id)
                    .bind(adj.line as i64)
                    .execute(&mut *tx)
                    .await?;
            }
            // The subtotal core computed with checked arithmetic, never SQL's.
            let subtotal = confirmed_subtotal
                .ok_or_else(|| anyhow::anyhow!("a confirmation without a subtotal"))?;
            sqlx::query("UPDATE ikm_order SET lead_time_days = ?, subtotal = ? WHERE id = ?")
                .bind(lead_time_days.map(i64::from))
                .bind(subtotal.amount())
                .bind(part_id)
                .execute(&mut *tx)
                .await?;
            // The request's total follows its parts' agreed subtotals.
            let subtotals: Vec<(i64,)> =
                sqlx::query_as("SELECT subtotal FROM ikm_order WHERE request_id = ?")
                    .bind(request_id)
                    .fetch_all(&mut *tx)
                    .await?;
            let total = Rupiah::checked_sum(subtotals.into_iter().map(|(s,)| Rupiah(s)))
                .ok_or_else(|| anyhow::anyhow!("request {code}: parts overflow a total"))?;
            sqlx::query("UPDATE order_request SET total = ? WHERE id = ?")
                .bind(total.amount())
                .bind(request_id)
                .execute(&mut *tx)
                .await?;
        }
        OrderEvent::Decline { reason } => {
            note = reason.trim().to_owned();
            sqlx::query("UPDATE ikm_order SET decline_reason = ? WHERE id = ?")
                .bind(&note)
                .bind(part_id)
                .execute(&mut *tx)
                .await?;
        }
        OrderEvent::Ship { courier, receipt } => {
            note = format!("{} {}", courier.trim(), receipt.trim());
            sqlx::query("UPDATE ikm_order SET courier = ?, receipt = ? WHERE id = ?")
                .bind(courier.trim())
                .bind(receipt.trim())
                .bind(part_id)
                .execute(&mut *tx)
                .await?;
        }
        _ => {}
    }
    let moved = sqlx::query("UPDATE ikm_order SET status = ? WHERE id = ? AND status = ?")
        .bind(to.slug())
        .bind(part_id)
        .bind(from.slug())
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if moved != 1 {
        return Err(AppError::Conflict(
            "concurrent_change",
            "Pesanan ini baru saja berubah. Muat ulang dan coba lagi.".into(),
        ));
    }
    record_event(&mut tx, part_id, actor, Some(from), to, &note).await?;
    let who = match (by, actor) {
        (Some(account), _) => Who::Account(account),
        (None, Actor::System) => Who::System,
        (None, Actor::Partner) => Who::Partner,
        (None, Actor::Ikm) => Who::Ikm,
    };
    let object = format!("pesanan {code} / {ikm}");
    audit_by(&mut tx, who, event.name(), &object, from.slug(), to.slug()).await?;
    tx.commit().await?;
    Ok(to)
}

/// Expires every part left `baru` past its time to answer. Returns how many expired.
pub async fn expire_overdue(
    db: &SqlitePool,
    today: Date,
    holidays: &Holidays,
) -> Result<usize, AppError> {
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, received_on FROM ikm_order WHERE status = 'baru'")
            .fetch_all(db)
            .await?;
    let mut expired = 0;
    for (id, received_on) in rows {
        let overdue = Date::parse(&received_on).is_some_and(|r| expires_on(r, holidays) <= today);
        if !overdue {
            continue;
        }
        match apply_event(db, id, &OrderEvent::Expire, Actor::System, today, holidays).await {
            Ok(_) => expired += 1,
            // Answered (or expired by another server) since it was read: nothing to do.
            Err(AppError::Conflict(..)) => {}
            Err(e) => tracing::error!(part = id, error = ?e, "expiring an order part failed"),
        }
    }
    Ok(expired)
}

#[derive(Deserialize)]
struct SecretQuery {
    t: Option<String>,
}

/// The request's id if `secret` opens it. A wrong or missing secret is the same 404 as an
/// unknown code, so codes cannot be probed.
async fn open_request(db: &SqlitePool, code: &str, secret: Option<&str>) -> Result<i64, AppError> {
    let not_found = AppError::NotFound("Pesanan tidak ditemukan.");
    let row: Option<(i64, String)> =
        sqlx::query_as("SELECT id, secret_sha256 FROM order_request WHERE code = ?")
            .bind(code)
            .fetch_optional(db)
            .await?;
    let given = sha256_hex(secret.unwrap_or("").as_bytes());
    match row {
        Some((id, stored)) if constant_time_eq(&given, &stored) => Ok(id),
        _ => Err(not_found),
    }
}

#[utoipa::path(get, path = "/api/v1/orders/{code}", tag = "orders",
    params(("code" = String, Path, description = "The request code, e.g. ETL-2026-000123"),
        ("t" = Option<String>, Query, description = "The tracking secret from the tracking link")),
    responses((status = 200, description = "The request and each IKM's part", body = etalase_core::api::Tracking),
        (status = 404, description = "Unknown code or wrong secret (the same answer)", body = etalase_core::api::ApiError)))]
async fn track(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<SecretQuery>,
) -> Result<Response, AppError> {
    let id = open_request(&state.db, &code, q.t.as_deref()).await?;
    let tracking = load_tracking(&state.db, id).await?;
    Ok(Json(tracking).into_response())
}

#[utoipa::path(post, path = "/api/v1/orders/{code}/parts/{ikm}/cancel", tag = "orders",
    params(("code" = String, Path), ("ikm" = String, Path, description = "The IKM whose part to cancel")),
    request_body = etalase_core::api::CancelPart,
    responses((status = 200, description = "The request after the cancel", body = etalase_core::api::Tracking),
        (status = 404, description = "Unknown code, part or wrong secret", body = etalase_core::api::ApiError),
        (status = 409, description = "The part is no longer new", body = etalase_core::api::ApiError)))]
async fn cancel(
    State(state): State<AppState>,
    Path((code, ikm)): Path<(String, String)>,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Response, AppError> {
    let body = body_bytes(body)?;
    require_json(&headers)?;
    let CancelPart { secret } = parse_json(&body)?;
    let id = open_request(&state.db, &code, Some(&secret)).await?;
    let (part_id,): (i64,) =
        sqlx::query_as("SELECT id FROM ikm_order WHERE request_id = ? AND ikm_slug = ?")
            .bind(id)
            .bind(&ikm)
            .fetch_optional(&state.db)
            .await?
            .ok_or(AppError::NotFound("Pesanan tidak ditemukan."))?;
    apply_event(
        &state.db,
        part_id,
        &OrderEvent::Cancel,
        Actor::Partner,
        today_wib(),
        &state.holidays(),
    )
    .await?;
    let tracking = load_tracking(&state.db, id).await?;
    Ok(Json(tracking).into_response())
}

#[derive(sqlx::FromRow)]
struct PartRow {
    id: i64,
    ikm_slug: String,
    status: String,
    subtotal: i64,
    lead_time_days: Option<i64>,
    decline_reason: Option<String>,
    courier: Option<String>,
    receipt: Option<String>,
}

#[derive(sqlx::FromRow)]
struct RequestRow {
    code: String,
    company: String,
    buyer_type: String,
    npwp: String,
    contact_person: String,
    phone: String,
    email: String,
    address: String,
    kabupaten: String,
    purpose: String,
    notes: String,
    needed_by: String,
    created_at: String,
    total: i64,
}

#[derive(sqlx::FromRow)]
struct LineRow {
    product_slug: String,
    name: String,
    unit: String,
    quantity: i64,
    unit_price: i64,
    confirmed_unit_price: Option<i64>,
    note: String,
    lead_time_days: i64,
}

#[derive(sqlx::FromRow)]
struct EventRow {
    at: String,
    actor: String,
    from_status: Option<String>,
    to_status: String,
    note: String,
}

/// Everything the tracking page shows about one request.
pub async fn load_tracking(db: &SqlitePool, request_id: i64) -> Result<Tracking, AppError> {
    let request: RequestRow = sqlx::query_as(
        "SELECT code, company, buyer_type, npwp, contact_person, phone, email, address, \
         kabupaten, purpose, notes, needed_by, created_at, total FROM order_request WHERE id = ?",
    )
    .bind(request_id)
    .fetch_one(db)
    .await?;
    let part_rows: Vec<PartRow> = sqlx::query_as(
        "SELECT id, ikm_slug, status, subtotal, lead_time_days, decline_reason, courier, receipt \
         FROM ikm_order WHERE request_id = ? ORDER BY id",
    )
    .bind(request_id)
    .fetch_all(db)
    .await?;
    let bad = |what: &str| AppError::Internal(anyhow::anyhow!("stored {what} is invalid"));
    let mut parts = Vec::new();
    for row in part_rows {
        let ikm: Option<(String, bool)> =
            sqlx::query_as("SELECT name, pkp FROM ikm WHERE slug = ?")
                .bind(&row.ikm_slug)
                .fetch_optional(db)
                .await?;
        let (ikm_name, ikm_pkp) = ikm.unwrap_or_default();
        let lines: Vec<LineRow> = sqlx::query_as(
            "SELECT product_slug, name, unit, quantity, unit_price, confirmed_unit_price, note, lead_time_days \
             FROM order_line WHERE ikm_order_id = ? ORDER BY position",
        )
        .bind(row.id)
        .fetch_all(db)
        .await?;
        let events: Vec<EventRow> = sqlx::query_as(
            "SELECT at, actor, from_status, to_status, note FROM order_event \
             WHERE ikm_order_id = ? ORDER BY id",
        )
        .bind(row.id)
        .fetch_all(db)
        .await?;
        let status = OrderStatus::from_slug(&row.status).ok_or_else(|| bad("status"))?;
        let lines = lines
            .into_iter()
            .map(|l| {
                Ok(TrackedLine {
                    product: Slug::parse(&l.product_slug).map_err(|_| bad("product"))?,
                    name: l.name,
                    unit: l.unit,
                    quantity: u32::try_from(l.quantity).map_err(|_| bad("quantity"))?,
                    unit_price: Rupiah(l.unit_price),
                    confirmed_unit_price: l.confirmed_unit_price.map(Rupiah),
                    note: l.note,
                    lead_time_days: u32::try_from(l.lead_time_days).unwrap_or(0),
                })
            })
            .collect::<Result<_, AppError>>()?;
        let events = events
            .into_iter()
            .map(|e| TrackedEvent {
                at: e.at,
                actor: actor_from_slug(&e.actor),
                from: e.from_status.as_deref().and_then(OrderStatus::from_slug),
                to: OrderStatus::from_slug(&e.to_status).unwrap_or(status),
                note: e.note,
            })
            .collect();
        parts.push(TrackedPart {
            ikm: Slug::parse(&row.ikm_slug).map_err(|_| bad("ikm"))?,
            ikm_name,
            ikm_pkp,
            status,
            subtotal: Rupiah(row.subtotal),
            lead_time_days: row.lead_time_days.and_then(|d| u32::try_from(d).ok()),
            decline_reason: row.decline_reason,
            courier: row.courier,
            receipt: row.receipt,
            lines,
            events,
            cancellable: status == OrderStatus::Baru,
        });
    }
    Ok(Tracking {
        needed_by: Date::parse(&request.needed_by).ok_or_else(|| bad("needed_by"))?,
        buyer_type: BuyerType::from_slug(&request.buyer_type).ok_or_else(|| bad("buyer type"))?,
        kabupaten: Kabupaten::from_slug(&request.kabupaten).ok_or_else(|| bad("kabupaten"))?,
        code: request.code,
        company: request.company,
        npwp: request.npwp,
        contact_person: request.contact_person,
        phone: request.phone,
        email: request.email,
        address: request.address,
        purpose: request.purpose,
        notes: request.notes,
        created_at: request.created_at,
        total: Rupiah(request.total),
        parts,
    })
}
