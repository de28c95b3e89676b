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
use crate::store::{self, Db, Tx};
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

async fn record_event(
    tx: &mut Tx,
    part_id: i64,
    actor: Actor,
    from: Option<OrderStatus>,
    to: OrderStatus,
    note: &str,
) -> Result<(), AppError> {
    store::orders::record_event(
        tx,
        part_id,
        &now_utc(),
        actor_slug(actor),
        from.map(OrderStatus::slug),
        to.slug(),
        note,
    )
    .await?;
    Ok(())
}

/// One line of the audit log: who did what to which object, from what to what.
pub async fn audit(
    tx: &mut Tx,
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
    db: &Db,
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
    db: &Db,
    part_id: i64,
    event: &OrderEvent,
    actor: Actor,
    today: Date,
    holidays: &Holidays,
    by: Option<&Account>,
) -> Result<OrderStatus, AppError> {
    let mut tx = db.write_tx().await?;
    let store::orders::PartState {
        status,
        received_on,
        code,
        ikm_slug: ikm,
        request_id,
    } = store::orders::part_state(&mut tx, part_id)
        .await?
        .ok_or(AppError::NotFound("Pesanan tidak ditemukan."))?;
    // The request's total is the sum of its parts': two IKM confirming at once on two
    // servers must not each sum a stale copy.
    store::orders::lock_request(&mut tx, request_id).await?;
    let stored_lines = store::orders::line_prices(&mut tx, part_id).await?;
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
                store::orders::confirm_line_price(
                    &mut tx,
                    part_id,
                    adj.line as i64,
                    adj.unit_price.amount(),
                )
                .await?;
            }
            // The subtotal core computed with checked arithmetic, never SQL's.
            let subtotal = confirmed_subtotal
                .ok_or_else(|| anyhow::anyhow!("a confirmation without a subtotal"))?;
            store::orders::confirm_part(
                &mut tx,
                part_id,
                lead_time_days.map(i64::from),
                subtotal.amount(),
            )
            .await?;
            // The request's total follows its parts' agreed subtotals.
            let subtotals = store::orders::subtotals(&mut tx, request_id).await?;
            let total = Rupiah::checked_sum(subtotals.into_iter().map(Rupiah))
                .ok_or_else(|| anyhow::anyhow!("request {code}: parts overflow a total"))?;
            store::orders::set_total(&mut tx, request_id, total.amount()).await?;
        }
        OrderEvent::Decline { reason } => {
            note = reason.trim().to_owned();
            store::orders::set_decline_reason(&mut tx, part_id, &note).await?;
        }
        OrderEvent::Ship { courier, receipt } => {
            note = format!("{} {}", courier.trim(), receipt.trim());
            store::orders::set_shipping(&mut tx, part_id, courier.trim(), receipt.trim()).await?;
        }
        _ => {}
    }
    let moved = store::orders::move_status(&mut tx, part_id, from.slug(), to.slug()).await?;
    if !moved {
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
pub async fn expire_overdue(db: &Db, today: Date, holidays: &Holidays) -> Result<usize, AppError> {
    let rows = store::orders::waiting_parts(db).await?;
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
async fn open_request(db: &Db, code: &str, secret: Option<&str>) -> Result<i64, AppError> {
    let not_found = AppError::NotFound("Pesanan tidak ditemukan.");
    let row = store::orders::request_secret(db, code).await?;
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
    let part_id = store::orders::part_of(&state.db, id, &ikm)
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

/// Everything the tracking page shows about one request.
pub async fn load_tracking(db: &Db, request_id: i64) -> Result<Tracking, AppError> {
    let store::orders::Stored {
        request,
        parts: part_rows,
        lines,
        events,
    } = store::orders::stored(db, request_id)
        .await?
        .ok_or(AppError::NotFound("Pesanan tidak ditemukan."))?;
    let bad = |what: &str| AppError::Internal(anyhow::anyhow!("stored {what} is invalid"));
    let mut parts = Vec::with_capacity(part_rows.len());
    for row in part_rows {
        let status = OrderStatus::from_slug(&row.status).ok_or_else(|| bad("status"))?;
        let lines = lines
            .iter()
            .filter(|l| l.ikm_order_id == row.id)
            .map(|l| {
                Ok(TrackedLine {
                    product: Slug::parse(&l.product_slug).map_err(|_| bad("product"))?,
                    name: l.name.clone(),
                    unit: l.unit.clone(),
                    quantity: u32::try_from(l.quantity).map_err(|_| bad("quantity"))?,
                    unit_price: Rupiah(l.unit_price),
                    confirmed_unit_price: l.confirmed_unit_price.map(Rupiah),
                    note: l.note.clone(),
                    lead_time_days: u32::try_from(l.lead_time_days).unwrap_or(0),
                })
            })
            .collect::<Result<_, AppError>>()?;
        let events = events
            .iter()
            .filter(|e| e.ikm_order_id == row.id)
            .map(|e| TrackedEvent {
                at: e.at.clone(),
                actor: actor_from_slug(&e.actor),
                from: e.from_status.as_deref().and_then(OrderStatus::from_slug),
                to: OrderStatus::from_slug(&e.to_status).unwrap_or(status),
                note: e.note.clone(),
            })
            .collect();
        parts.push(TrackedPart {
            ikm: Slug::parse(&row.ikm_slug).map_err(|_| bad("ikm"))?,
            ikm_name: row.ikm_name.unwrap_or_default(),
            ikm_pkp: row.ikm_pkp.unwrap_or_default(),
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
