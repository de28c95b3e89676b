//! Taking an order request: submitted once whatever the retries (an Idempotency-Key, its
//! answer kept a day with the tracking secret sealed), checked by core, counted against the
//! client's hourly allowance, and stored all or nothing, split per IKM.

use crate::accounts::ClientAddr;
use crate::clock::{now_utc, today_wib, unix_secs};
use crate::store::{self, Db, Tx};
use crate::web::error::AppError;
use crate::web::extract::{Lang, RawJson};
use crate::web::http::{origin, parse_json, random_hex as new_secret, sha256_hex};
use crate::web::throttle::Limit;
use crate::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use etalase_core::api::{desk_order_page_path, tracking_page_path, CreatedPart, OrderCreated};
use etalase_core::request::{validate_request, RequestInput, ValidRequest};
use etalase_core::{Date, Locale};

pub(crate) fn idempotency_key(headers: &HeaderMap) -> Result<String, AppError> {
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .unwrap_or("");
    if etalase_core::api::is_idempotency_key(key) {
        Ok(key.to_owned())
    } else {
        Err(AppError::BadRequest(
            "idempotency_key",
            "Header Idempotency-Key wajib: 8 sampai 128 huruf, angka, '-' atau '_'.".into(),
        ))
    }
}

pub use etalase_core::api::IDEMPOTENCY_TTL_SECS;

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
pub(crate) fn seal(secret_hex: &str, key: &str) -> Option<String> {
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

/// What identifies a request's body under its key: the hash of the request as read, written
/// again in one form, so the same request sent with other spacing, field order or fields we
/// do not read (a phone's newer build sending what an older one wrote down) is the same.
pub(crate) fn request_hash(input: &impl serde::Serialize) -> Result<String, AppError> {
    let canonical = serde_json::to_vec(input)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("writing a request again: {e}")))?;
    Ok(sha256_hex(&canonical))
}

/// The answer kept for a key (by its hash), younger than [`IDEMPOTENCY_TTL_SECS`]: `None` when there is none;
/// the answer as stored (its secret left out) and the secret unsealed by `key` when the body
/// is the same; a refusal when the key was used for another body. Orders and needs keep
/// their answers alike.
pub(crate) async fn kept_answer(
    source: store::On<'_>,
    key: &str,
    key_hash: &str,
    body_hash: &str,
    now: i64,
) -> Result<Option<(String, String)>, AppError> {
    let row =
        store::orders::idempotent_answer(source, key_hash, now - IDEMPOTENCY_TTL_SECS).await?;
    let Some((hash, response, sealed)) = row else {
        return Ok(None);
    };
    if hash != body_hash {
        return Err(AppError::Conflict(
            "idempotency_key_reused",
            "Idempotency-Key ini sudah dipakai untuk permintaan lain.".into(),
        ));
    }
    let secret =
        seal(&sealed, key).ok_or_else(|| anyhow::anyhow!("stored sealed secret is malformed"))?;
    Ok(Some((response, secret)))
}

/// A replayed answer: 201 with the same body, marked `Idempotent-Replayed`.
pub(crate) fn replayed(body: impl serde::Serialize) -> Response {
    let mut res = (StatusCode::CREATED, Json(body)).into_response();
    res.headers_mut()
        .insert("idempotent-replayed", HeaderValue::from_static("true"));
    res
}

/// A stored response for this key, younger than [`IDEMPOTENCY_TTL_SECS`]: replayed when the body is the same
/// (with the tracking secret unsealed by the key), refused otherwise.
async fn replay(
    source: store::On<'_>,
    key: &str,
    body_hash: &str,
    now: i64,
) -> Result<Option<Response>, AppError> {
    let key_hash = sha256_hex(key.as_bytes());
    let Some((response, secret)) = kept_answer(source, key, &key_hash, body_hash, now).await?
    else {
        return Ok(None);
    };
    let mut created: OrderCreated = serde_json::from_str(&response)
        .map_err(|e| anyhow::anyhow!("stored idempotent response: {e}"))?;
    created.tracking_path = tracking_page_path(&created.code, &secret);
    Ok(Some(replayed(created)))
}

#[utoipa::path(post, path = "/api/v1/orders", tag = "orders",
    request_body = etalase_core::request::RequestInput,
    params(("Idempotency-Key" = String, Header,
        description = "8 to 128 letters, digits, '-' or '_': the same key and request within 7 days answer the same request")),
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
    let input: RequestInput = parse_json(&body)?;
    let body_hash = request_hash(&input)?;
    let now = unix_secs();
    if let Some(response) = replay((&state.db).into(), &key, &body_hash, now).await? {
        return Ok(response);
    }
    let snap = state.catalog();
    let today = today_wib();
    let valid = validate_request(&input, &snap.catalog, today)
        .map_err(|errors| AppError::Invalid(errors, locale))?;
    if !valid.price_changes.is_empty() {
        return Err(AppError::PriceChanged(valid.price_changes, locale));
    }
    let pending = Pending {
        key_hash: sha256_hex(key.as_bytes()),
        key,
        body_hash,
        now,
        now_text: now_utc(),
        today,
        valid,
        origin: origin(&state, &headers),
        snap,
        allowance: format!("orders:{client}"),
        limit: Limit {
            max: state.orders_per_hour,
            window_secs: 3600,
        },
        locale,
        secret: new_secret()?,
    };
    // Stored with the other requests waiting, in one transaction (see `writer`).
    state.orders.write(pending).await
}

/// A checked request waiting for its batch.
pub struct Pending {
    key: String,
    key_hash: String,
    body_hash: String,
    now: i64,
    now_text: String,
    today: Date,
    valid: ValidRequest,
    origin: String,
    snap: std::sync::Arc<crate::catalog::snapshot::CatalogSnapshot>,
    /// The client's hourly allowance: its key and size.
    allowance: String,
    limit: Limit,
    locale: Locale,
    /// The tracking secret, made before the batch (randomness can fail; the batch cannot).
    secret: String,
}

/// What one request of a batch came to, before the batch commits.
enum Outcome {
    Stored(OrderCreated),
    /// Over the client's allowance: the seconds until it renews.
    Refused(i64),
    /// The same key as an earlier request of the batch.
    SameKeyAs(usize),
    Answered(Result<Response, AppError>),
}

/// Stores a batch of checked requests in one transaction, in a few statements whatever its
/// size: allowances (per client), keys claimed, codes numbered, then requests, parts, lines,
/// first events and kept answers each in one multi-row statement. Answers each request's
/// response; an `Err` means the batch failed as a whole (its transaction must roll back).
pub async fn store_batch(
    tx: &mut Tx,
    batch: &[Pending],
) -> Result<Vec<Result<Response, AppError>>, AppError> {
    let mut outcome: Vec<Option<Outcome>> = batch.iter().map(|_| None).collect();

    // Keys: a repeat within the batch is the same request, and follows its first.
    let mut firsts: Vec<usize> = Vec::new();
    for i in 0..batch.len() {
        match firsts
            .iter()
            .find(|&&f| batch[f].key_hash == batch[i].key_hash)
        {
            Some(&f) => outcome[i] = Some(Outcome::SameKeyAs(f)),
            None => firsts.push(i),
        }
    }

    // A repeat of a request stored by an earlier batch answers as a replay, before any
    // allowance is counted: a repeat is not a new request.
    let now = batch.first().map_or(0, |p| p.now);
    let mut asked: Vec<&str> = firsts.iter().map(|&i| batch[i].key_hash.as_str()).collect();
    asked.sort_unstable();
    let live = store::orders::live_keys(tx, &asked, now - IDEMPOTENCY_TTL_SECS).await?;
    for &i in &firsts {
        if live.contains(&batch[i].key_hash) {
            let p = &batch[i];
            let answer = replay(tx.into(), &p.key, &p.body_hash, p.now)
                .await
                .and_then(|r| {
                    r.ok_or_else(|| AppError::Internal(anyhow::anyhow!("idempotency row vanished")))
                });
            outcome[i] = Some(Outcome::Answered(answer));
        }
    }
    firsts.retain(|&i| outcome[i].is_none());

    // Allowances, each client's counted once for all its requests in the batch.
    let mut clients: Vec<(&str, Vec<usize>)> = Vec::new();
    for &i in &firsts {
        let p = &batch[i];
        match clients.iter_mut().find(|(k, _)| *k == p.allowance) {
            Some((_, list)) => list.push(i),
            None => clients.push((&p.allowance, vec![i])),
        }
    }
    // Rows are locked in key order, as every batch does: two servers' batches on one
    // PostgreSQL never wait for each other in a circle (a deadlock PostgreSQL breaks only
    // after a second).
    clients.sort_unstable_by(|a, b| a.0.cmp(b.0));
    for (key, list) in &clients {
        let first = &batch[list[0]];
        let (granted, wait) = store::throttle::take_many(
            tx,
            key,
            list.len() as i64,
            first.limit.max,
            first.limit.window_secs,
            first.now,
        )
        .await?;
        for &i in list.iter().skip(usize::try_from(granted).unwrap_or(0)) {
            outcome[i] = Some(Outcome::Refused(wait));
        }
    }
    firsts.retain(|&i| outcome[i].is_none());

    // Checked against the catalog as stored: a product retired since the request was checked
    // (on this server or another) is not sold.
    let mut slugs: Vec<&str> = firsts
        .iter()
        .flat_map(|&i| batch[i].valid.parts.iter())
        .flat_map(|part| part.lines.iter().map(|l| l.product.as_str()))
        .collect();
    slugs.sort_unstable();
    slugs.dedup();
    let on_sale = store::catalog::on_sale(tx, &slugs).await?;
    for &i in &firsts {
        let gone = batch[i]
            .valid
            .parts
            .iter()
            .flat_map(|part| part.lines.iter())
            .find(|l| !on_sale.iter().any(|s| s == l.product.as_str()));
        if let Some(line) = gone {
            let message = match batch[i].locale {
                Locale::Id => format!(
                    "{} tidak dijual lagi. Muat ulang daftar pesanan.",
                    line.name
                ),
                Locale::En => format!("{} is no longer sold. Reload the order list.", line.name),
            };
            outcome[i] = Some(Outcome::Answered(Err(AppError::Unprocessable(
                "product_unavailable",
                message,
            ))));
        }
    }
    firsts.retain(|&i| outcome[i].is_none());

    let mut keys: Vec<(&str, &str)> = firsts
        .iter()
        .map(|&i| (batch[i].key_hash.as_str(), batch[i].body_hash.as_str()))
        .collect();
    keys.sort_unstable();
    let claimed = store::orders::claim_keys(tx, &keys, now, now - IDEMPOTENCY_TTL_SECS).await?;
    let mut to_store = Vec::new();
    for &i in &firsts {
        if claimed.contains(&batch[i].key_hash) {
            to_store.push(i);
        } else {
            // A live record holds the key: its answer again, or a refusal.
            let p = &batch[i];
            let answer = replay(tx.into(), &p.key, &p.body_hash, p.now)
                .await
                .and_then(|r| {
                    r.ok_or_else(|| AppError::Internal(anyhow::anyhow!("idempotency row vanished")))
                });
            outcome[i] = Some(Outcome::Answered(answer));
        }
    }

    if !to_store.is_empty() {
        for (i, created) in store_requests(tx, batch, &to_store).await? {
            outcome[i] = Some(Outcome::Stored(created));
        }
    }

    // A repeated key whose first was answered from a live record answers the same way.
    for i in 0..batch.len() {
        let Some(Outcome::SameKeyAs(f)) = outcome[i] else {
            continue;
        };
        if let Some(Outcome::Refused(wait)) = outcome[f] {
            outcome[i] = Some(Outcome::Refused(wait));
            continue;
        }
        if matches!(outcome[f], Some(Outcome::Stored(_))) {
            continue;
        }
        let p = &batch[i];
        let answer = replay(tx.into(), &p.key, &p.body_hash, p.now)
            .await
            .and_then(|r| {
                r.ok_or(AppError::Conflict(
                    "idempotency_key_busy",
                    "Permintaan dengan Idempotency-Key ini sedang diproses. Coba lagi.".into(),
                ))
            });
        outcome[i] = Some(Outcome::Answered(answer));
    }

    // Answers, in request order; a repeated key answers as its first did.
    let mut answers = Vec::with_capacity(batch.len());
    for i in 0..batch.len() {
        let answer = match outcome[i].take() {
            Some(Outcome::Stored(created)) => {
                outcome[i] = Some(Outcome::Stored(created.clone()));
                Ok((StatusCode::CREATED, Json(created)).into_response())
            }
            Some(Outcome::SameKeyAs(f)) => match &outcome[f] {
                Some(Outcome::Stored(created)) if batch[f].body_hash == batch[i].body_hash => {
                    Ok(replayed(created.clone()))
                }
                Some(Outcome::Stored(_)) => Err(AppError::Conflict(
                    "idempotency_key_reused",
                    "Idempotency-Key ini sudah dipakai untuk permintaan lain.".into(),
                )),
                _ => Err(AppError::Conflict(
                    "idempotency_key_busy",
                    "Permintaan dengan Idempotency-Key ini sedang diproses. Coba lagi.".into(),
                )),
            },
            Some(Outcome::Answered(answer)) => answer,
            Some(Outcome::Refused(wait)) => Err(AppError::TooManyOrders(wait, batch[i].locale)),
            None => Err(AppError::Internal(anyhow::anyhow!(
                "a request was left out"
            ))),
        };
        answers.push(answer);
    }
    Ok(answers)
}

/// Numbers, stores and keeps the answers of the requests at `which`; answers each one's
/// `OrderCreated` (with its tracking link).
async fn store_requests(
    tx: &mut Tx,
    batch: &[Pending],
    which: &[usize],
) -> Result<Vec<(usize, OrderCreated)>, AppError> {
    // Codes per year (a batch at midnight may hold two).
    let mut codes: Vec<(usize, String)> = Vec::with_capacity(which.len());
    let mut years: Vec<i32> = which.iter().map(|&i| batch[i].today.year()).collect();
    years.sort_unstable();
    years.dedup();
    for year in years {
        let of_year: Vec<usize> = which
            .iter()
            .copied()
            .filter(|&i| batch[i].today.year() == year)
            .collect();
        let n = of_year.len() as i64;
        let last = store::orders::next_in_sequence(tx, &format!("order-request-{year}"), n).await?;
        for (k, i) in of_year.into_iter().enumerate() {
            let number = (last - n + 1 + k as i64) as u64;
            codes.push((i, etalase_core::request::request_code(year, number)));
        }
    }
    let secrets: Vec<String> = codes
        .iter()
        .map(|(i, _)| sha256_hex(batch[*i].secret.as_bytes()))
        .collect();
    let needed: Vec<String> = codes
        .iter()
        .map(|(i, _)| batch[*i].valid.needed_by.to_string())
        .collect();
    let requests: Vec<store::orders::NewRequest> = codes
        .iter()
        .zip(secrets.iter().zip(&needed))
        .map(|((i, code), (secret_sha256, needed_by))| {
            let v = &batch[*i].valid;
            store::orders::NewRequest {
                code,
                secret_sha256,
                company: &v.company,
                buyer_type: v.buyer_type.slug(),
                npwp: &v.npwp,
                contact_person: &v.contact_person,
                phone: v.phone.e164(),
                email: &v.email,
                address: &v.address,
                kabupaten: v.kabupaten.slug(),
                needed_by,
                purpose: &v.purpose,
                notes: &v.notes,
                total: v.total.amount(),
                created_at: &batch[*i].now_text,
            }
        })
        .collect();
    let ids = store::orders::insert_requests(tx, &requests).await?;
    let request_id = |code: &str| {
        ids.iter()
            .find(|(_, c)| c == code)
            .map(|(id, _)| *id)
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("request {code} not stored")))
    };
    let days: Vec<String> = codes
        .iter()
        .map(|(i, _)| batch[*i].today.to_string())
        .collect();
    let mut parts = Vec::new();
    for ((i, code), day) in codes.iter().zip(&days) {
        let id = request_id(code)?;
        for part in &batch[*i].valid.parts {
            parts.push(store::orders::NewPart {
                request_id: id,
                ikm: part.ikm.as_str(),
                subtotal: part.subtotal.amount(),
                received_on: day,
            });
        }
    }
    let part_ids = store::orders::insert_parts(tx, &parts).await?;
    let part_id = |request: i64, ikm: &str| {
        part_ids
            .iter()
            .find(|(_, r, s)| *r == request && s == ikm)
            .map(|(id, _, _)| *id)
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("part of {ikm} not stored")))
    };
    let mut lines = Vec::new();
    for (i, code) in &codes {
        let id = request_id(code)?;
        for part in &batch[*i].valid.parts {
            let part = (part_id(id, part.ikm.as_str())?, part);
            for (pos, line) in part.1.lines.iter().enumerate() {
                lines.push(store::orders::NewLine {
                    part_id: part.0,
                    position: pos as i64,
                    product: line.product.as_str(),
                    name: &line.name,
                    unit: &line.unit,
                    quantity: i64::from(line.quantity),
                    unit_price: line.unit_price.amount(),
                    lead_time_days: i64::from(line.lead_time_days),
                    note: &line.note,
                    agreed: false,
                });
            }
        }
    }
    store::orders::insert_lines(tx, &lines).await?;
    let all_parts: Vec<i64> = part_ids.iter().map(|(id, _, _)| *id).collect();
    let at = batch
        .first()
        .map(|p| p.now_text.as_str())
        .unwrap_or_default();
    store::orders::record_new_parts(tx, &all_parts, at).await?;

    // What each partner is told, kept (without the secret, which is sealed) for retries.
    let mut created_all = Vec::with_capacity(codes.len());
    let mut kept = Vec::with_capacity(codes.len());
    for (i, code) in codes {
        let p = &batch[i];
        let created = created_answer(p, &code);
        let stored = OrderCreated {
            tracking_path: String::new(),
            ..created.clone()
        };
        let sealed = seal(&p.secret, &p.key).ok_or_else(|| anyhow::anyhow!("secret is not hex"))?;
        let answer = serde_json::to_string(&stored).map_err(anyhow::Error::from)?;
        kept.push((p.key_hash.clone(), answer, sealed));
        tracing::info!(code = %created.code, parts = created.parts.len(), "order request stored");
        created_all.push((i, created));
    }
    let kept_refs: Vec<(&str, &str, &str)> = kept
        .iter()
        .map(|(k, a, s)| (k.as_str(), a.as_str(), s.as_str()))
        .collect();
    store::orders::keep_answers(tx, &kept_refs).await?;
    Ok(created_all)
}

/// What the partner is told: the code, the tracking link, and a WhatsApp message per IKM.
fn created_answer(p: &Pending, code: &str) -> OrderCreated {
    // The IKM's message links to its desk, never to the partner's tracking page: the secret
    // there would let one IKM read and cancel another's part.
    let desk_link = format!("{}{}", p.origin, desk_order_page_path(code));
    let parts = p
        .valid
        .parts
        .iter()
        .map(|part| {
            let summary = whatsapp_summary(&p.valid, part, code, &desk_link);
            CreatedPart {
                ikm: part.ikm.clone(),
                ikm_name: part.ikm_name.clone(),
                subtotal: part.subtotal,
                whatsapp_link: p
                    .snap
                    .catalog
                    .ikm(part.ikm.as_str())
                    .map(|i| i.whatsapp.wa_link(&summary))
                    .unwrap_or_default(),
            }
        })
        .collect();
    OrderCreated {
        tracking_path: tracking_page_path(code, &p.secret),
        code: code.to_owned(),
        total: p.valid.total,
        parts,
    }
}

/// Deletes idempotency records past their day; returns how many.
pub async fn sweep_idempotency(db: &Db, now: i64) -> Result<u64, AppError> {
    Ok(store::orders::sweep_idempotency(db, now - IDEMPOTENCY_TTL_SECS).await?)
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
