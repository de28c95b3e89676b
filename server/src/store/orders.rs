//! The order tables: `order_request` (what a partner asked for), `ikm_order` (each IKM's part,
//! with its status), `order_line`, `order_event` (each part's history), `idempotency` (a
//! request's answer kept for its retries) and `sequence` (request codes per year).

use super::{sql, Db, On, Tx};

// ---- idempotency ---------------------------------------------------------------------------

/// A stored answer for a key: the body's hash, the answer without its secret, the sealed
/// secret.
pub async fn idempotent_answer(
    source: On<'_>,
    key_sha256: &str,
    younger_than: i64,
) -> Result<Option<(String, String, String)>, sqlx::Error> {
    sql!(source, |c| sqlx::query_as::<_, (String, String, String)>(
        "SELECT body_sha256, response, sealed_secret FROM idempotency \
         WHERE key_sha256 = $1 AND created_at > $2",
    )
    .bind(key_sha256)
    .bind(younger_than)
    .fetch_optional(&mut *c)
    .await)
}

/// Deletes records at or past `expired_at`; returns how many.
pub async fn sweep_idempotency(db: &Db, expired_at: i64) -> Result<u64, sqlx::Error> {
    sql!(db, |c| Ok(sqlx::query(
        "DELETE FROM idempotency WHERE created_at <= $1"
    )
    .bind(expired_at)
    .execute(&mut *c)
    .await?
    .rows_affected()))
}

// ---- storing a request ---------------------------------------------------------------------

/// A request as stored (every field already checked by core).
pub struct NewRequest<'a> {
    pub code: &'a str,
    pub secret_sha256: &'a str,
    pub company: &'a str,
    pub buyer_type: &'a str,
    pub npwp: &'a str,
    pub contact_person: &'a str,
    pub phone: &'a str,
    pub email: &'a str,
    pub address: &'a str,
    pub kabupaten: &'a str,
    pub needed_by: &'a str,
    pub purpose: &'a str,
    pub notes: &'a str,
    pub total: i64,
    pub created_at: &'a str,
}

/// `($1, $2, …), ($k, …), …`: `rows` groups of `columns` placeholders.
fn values(rows: usize, columns: usize) -> String {
    (0..rows)
        .map(|r| {
            let row: Vec<String> = (1..=columns)
                .map(|c| format!("${}", r * columns + c))
                .collect();
            format!("({})", row.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Like [`values`], each row ending with the same constant columns (`'', ''`).
fn values_with(rows: usize, columns: usize, constants: &str) -> String {
    (0..rows)
        .map(|r| {
            let row: Vec<String> = (1..=columns)
                .map(|c| format!("${}", r * columns + c))
                .collect();
            format!("({}, {constants})", row.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A line as stored.
pub struct NewLine<'a> {
    pub part_id: i64,
    pub position: i64,
    pub product: &'a str,
    pub name: &'a str,
    pub unit: &'a str,
    pub quantity: i64,
    pub unit_price: i64,
    pub lead_time_days: i64,
    pub note: &'a str,
    /// The price was agreed in an accepted offer: a confirmation may not raise it.
    pub agreed: bool,
}

/// Every line of a request, in one statement.
pub async fn insert_lines(tx: &mut Tx, lines: &[NewLine<'_>]) -> Result<(), sqlx::Error> {
    if lines.is_empty() {
        return Ok(());
    }
    for chunk in lines.chunks(rows_per_statement(10)) {
        insert_line_rows(tx, chunk).await?;
    }
    Ok(())
}

async fn insert_line_rows(tx: &mut Tx, lines: &[NewLine<'_>]) -> Result<(), sqlx::Error> {
    let query = format!(
        "INSERT INTO order_line (ikm_order_id, position, product_slug, name, unit, quantity, \
         unit_price, lead_time_days, note, agreed) VALUES {}",
        values(lines.len(), 10)
    );
    sql!(tx, |c| {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(query.clone()));
        for l in lines {
            q = q
                .bind(l.part_id)
                .bind(l.position)
                .bind(l.product)
                .bind(l.name)
                .bind(l.unit)
                .bind(l.quantity)
                .bind(l.unit_price)
                .bind(l.lead_time_days)
                .bind(l.note)
                .bind(l.agreed);
        }
        q.execute(&mut *c).await.map(|_| ())
    })
}

/// The first step of each new part's history (the partner asked, status `baru`), in one
/// statement.
pub async fn record_new_parts(tx: &mut Tx, part_ids: &[i64], at: &str) -> Result<(), sqlx::Error> {
    if part_ids.is_empty() {
        return Ok(());
    }
    for chunk in part_ids.chunks(rows_per_statement(2)) {
        let query = format!(
            "INSERT INTO order_event (ikm_order_id, at, actor, to_status, note) VALUES {}",
            values_with(chunk.len(), 2, "'partner', 'baru', ''")
        );
        sql!(&mut *tx, |c| {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(query.clone()));
            for id in chunk {
                q = q.bind(*id).bind(at);
            }
            q.execute(&mut *c).await.map(|_| ())
        })?;
    }
    Ok(())
}

/// One step of a part's history.
pub async fn record_event(
    tx: &mut Tx,
    part_id: i64,
    at: &str,
    actor: &str,
    from: Option<&str>,
    to: &str,
    note: &str,
) -> Result<(), sqlx::Error> {
    sql!(tx, |c| sqlx::query(
        "INSERT INTO order_event (ikm_order_id, at, actor, from_status, to_status, note) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(part_id)
    .bind(at)
    .bind(actor)
    .bind(from)
    .bind(to)
    .bind(note)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

// ---- storing a batch of requests -----------------------------------------------------------

/// The most parameters one statement binds (SQLite allows 32,766, PostgreSQL 65,535): longer
/// lists are written in several statements.
const MAX_PARAMETERS: usize = 30_000;

/// Rows of `columns` parameters per statement.
fn rows_per_statement(columns: usize) -> usize {
    (MAX_PARAMETERS / columns).max(1)
}

/// Claims keys for a batch of requests in one statement (every key in the list is distinct):
/// answers the keys claimed. A key held by a live record is not; an expired one starts afresh.
pub async fn claim_keys(
    tx: &mut Tx,
    keys: &[(&str, &str)],
    now: i64,
    expired_at: i64,
) -> Result<Vec<String>, sqlx::Error> {
    let mut claimed = Vec::with_capacity(keys.len());
    for chunk in keys.chunks(rows_per_statement(3)) {
        let query = format!(
            "INSERT INTO idempotency (key_sha256, body_sha256, created_at, response, \
             sealed_secret) VALUES {} \
             ON CONFLICT (key_sha256) DO UPDATE SET body_sha256 = excluded.body_sha256, \
               response = '', sealed_secret = '', created_at = excluded.created_at \
             WHERE idempotency.created_at <= ${} RETURNING key_sha256",
            values_with(chunk.len(), 3, "'', ''"),
            chunk.len() * 3 + 1
        );
        let got = sql!(&mut *tx, |c| {
            let mut q = sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(query.clone()));
            for (key, body) in chunk {
                q = q.bind(*key).bind(*body).bind(now);
            }
            q.bind(expired_at).fetch_all(&mut *c).await
        })?;
        claimed.extend(got);
    }
    Ok(claimed)
}

/// Which of `keys` (hashes) a live record holds (younger than `expired_at`).
pub async fn live_keys(
    tx: &mut Tx,
    keys: &[&str],
    expired_at: i64,
) -> Result<Vec<String>, sqlx::Error> {
    let mut live = Vec::new();
    for chunk in keys.chunks(rows_per_statement(1)) {
        let placeholders: Vec<String> = (2..chunk.len() + 2).map(|n| format!("${n}")).collect();
        let query = format!(
            "SELECT key_sha256 FROM idempotency WHERE created_at > $1 AND key_sha256 IN ({})",
            placeholders.join(", ")
        );
        let got = sql!(&mut *tx, |c| {
            let mut q = sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(query.clone()))
                .bind(expired_at);
            for key in chunk {
                q = q.bind(*key);
            }
            q.fetch_all(&mut *c).await
        })?;
        live.extend(got);
    }
    Ok(live)
}

/// The next `n` numbers of a named sequence: answers the last (the first is `last - n + 1`).
pub async fn next_in_sequence(tx: &mut Tx, name: &str, n: i64) -> Result<i64, sqlx::Error> {
    sql!(tx, |c| sqlx::query_scalar::<_, i64>(
        "INSERT INTO sequence (name, value) VALUES ($1, $2) \
         ON CONFLICT (name) DO UPDATE SET value = sequence.value + $2 RETURNING value",
    )
    .bind(name)
    .bind(n)
    .fetch_one(&mut *c)
    .await)
}

/// Requests in as few statements as their size allows; answers (id, code) of each.
pub async fn insert_requests(
    tx: &mut Tx,
    requests: &[NewRequest<'_>],
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    let mut stored = Vec::with_capacity(requests.len());
    for chunk in requests.chunks(rows_per_statement(15)) {
        let query = format!(
            "INSERT INTO order_request (code, secret_sha256, company, buyer_type, npwp, \
             contact_person, phone, email, address, kabupaten, needed_by, purpose, notes, \
             total, created_at) VALUES {} RETURNING id, code",
            values(chunk.len(), 15)
        );
        let got = sql!(&mut *tx, |c| {
            let mut q = sqlx::query_as::<_, (i64, String)>(sqlx::AssertSqlSafe(query.clone()));
            for r in chunk {
                q = q
                    .bind(r.code)
                    .bind(r.secret_sha256)
                    .bind(r.company)
                    .bind(r.buyer_type)
                    .bind(r.npwp)
                    .bind(r.contact_person)
                    .bind(r.phone)
                    .bind(r.email)
                    .bind(r.address)
                    .bind(r.kabupaten)
                    .bind(r.needed_by)
                    .bind(r.purpose)
                    .bind(r.notes)
                    .bind(r.total)
                    .bind(r.created_at);
            }
            q.fetch_all(&mut *c).await
        })?;
        stored.extend(got);
    }
    Ok(stored)
}

/// A new part: its request, IKM, subtotal and arrival day.
pub struct NewPart<'a> {
    pub request_id: i64,
    pub ikm: &'a str,
    pub subtotal: i64,
    pub received_on: &'a str,
}

/// Parts, status `baru`; answers (id, request id, IKM) of each.
pub async fn insert_parts(
    tx: &mut Tx,
    parts: &[NewPart<'_>],
) -> Result<Vec<(i64, i64, String)>, sqlx::Error> {
    let mut stored = Vec::with_capacity(parts.len());
    let mut per_ikm: Vec<(&str, i64)> = Vec::new();
    for p in parts {
        match per_ikm.iter_mut().find(|(ikm, _)| *ikm == p.ikm) {
            Some((_, n)) => *n += 1,
            None => per_ikm.push((p.ikm, 1)),
        }
    }
    let baru: Vec<(&str, &str, i64)> = per_ikm.into_iter().map(|(i, n)| (i, "baru", n)).collect();
    add_to_counts(tx, baru).await?;
    for chunk in parts.chunks(rows_per_statement(4)) {
        let query = format!(
            "INSERT INTO ikm_order (request_id, ikm_slug, subtotal, received_on, status) \
             VALUES {} RETURNING id, request_id, ikm_slug",
            values_with(chunk.len(), 4, "'baru'")
        );
        let got = sql!(&mut *tx, |c| {
            let mut q = sqlx::query_as::<_, (i64, i64, String)>(sqlx::AssertSqlSafe(query.clone()));
            for p in chunk {
                q = q
                    .bind(p.request_id)
                    .bind(p.ikm)
                    .bind(p.subtotal)
                    .bind(p.received_on);
            }
            q.fetch_all(&mut *c).await
        })?;
        stored.extend(got);
    }
    Ok(stored)
}

/// Keeps the answers of a batch's requests for their retries: (key hash, answer, sealed
/// secret) each.
pub async fn keep_answers(tx: &mut Tx, answers: &[(&str, &str, &str)]) -> Result<(), sqlx::Error> {
    for chunk in answers.chunks(rows_per_statement(3)) {
        let query = format!(
            "INSERT INTO idempotency (key_sha256, response, sealed_secret, body_sha256, \
             created_at) VALUES {} \
             ON CONFLICT (key_sha256) DO UPDATE SET response = excluded.response, \
               sealed_secret = excluded.sealed_secret",
            values_with(chunk.len(), 3, "'', 0")
        );
        sql!(&mut *tx, |c| {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(query.clone()));
            for (key, answer, sealed) in chunk {
                q = q.bind(*key).bind(*answer).bind(*sealed);
            }
            q.execute(&mut *c).await.map(|_| ())
        })?;
    }
    Ok(())
}

// ---- moving a part -------------------------------------------------------------------------

/// What a change to a part is decided on.
#[derive(sqlx::FromRow)]
pub struct PartState {
    pub status: String,
    pub received_on: String,
    pub code: String,
    pub ikm_slug: String,
    pub request_id: i64,
}

pub async fn part_state(tx: &mut Tx, part_id: i64) -> Result<Option<PartState>, sqlx::Error> {
    sql!(tx, |c| sqlx::query_as(
        "SELECT o.status, o.received_on, r.code, o.ikm_slug, o.request_id \
         FROM ikm_order o JOIN order_request r ON r.id = o.request_id WHERE o.id = $1",
    )
    .bind(part_id)
    .fetch_optional(&mut *c)
    .await)
}

/// Changes to one request run one at a time across every server (its total is the sum of its
/// parts' subtotals, which two IKM may change at once).
pub async fn lock_request(tx: &mut Tx, request_id: i64) -> Result<(), sqlx::Error> {
    tx.serialize(&format!("order-request:{request_id}")).await
}

/// A part's lines as (quantity, unit price), in order.
/// (quantity, unit price, agreed) of each line of a part, in order.
pub async fn line_prices(tx: &mut Tx, part_id: i64) -> Result<Vec<(i64, i64, bool)>, sqlx::Error> {
    sql!(tx, |c| sqlx::query_as::<_, (i64, i64, bool)>(
        "SELECT quantity, unit_price, agreed FROM order_line WHERE ikm_order_id = $1 \
         ORDER BY position"
    )
    .bind(part_id)
    .fetch_all(&mut *c)
    .await)
}

pub async fn confirm_line_price(
    tx: &mut Tx,
    part_id: i64,
    position: i64,
    unit_price: i64,
) -> Result<(), sqlx::Error> {
    sql!(tx, |c| sqlx::query(
        "UPDATE order_line SET confirmed_unit_price = $1 \
         WHERE ikm_order_id = $2 AND position = $3",
    )
    .bind(unit_price)
    .bind(part_id)
    .bind(position)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// A confirmed part's lead time and agreed subtotal.
pub async fn confirm_part(
    tx: &mut Tx,
    part_id: i64,
    lead_time_days: Option<i64>,
    subtotal: i64,
) -> Result<(), sqlx::Error> {
    sql!(tx, |c| sqlx::query(
        "UPDATE ikm_order SET lead_time_days = $1, subtotal = $2 WHERE id = $3"
    )
    .bind(lead_time_days)
    .bind(subtotal)
    .bind(part_id)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The subtotals of a request's parts.
pub async fn subtotals(tx: &mut Tx, request_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    sql!(tx, |c| sqlx::query_scalar::<_, i64>(
        "SELECT subtotal FROM ikm_order WHERE request_id = $1"
    )
    .bind(request_id)
    .fetch_all(&mut *c)
    .await)
}

pub async fn set_total(tx: &mut Tx, request_id: i64, total: i64) -> Result<(), sqlx::Error> {
    sql!(tx, |c| sqlx::query(
        "UPDATE order_request SET total = $1 WHERE id = $2"
    )
    .bind(total)
    .bind(request_id)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn set_decline_reason(
    tx: &mut Tx,
    part_id: i64,
    reason: &str,
) -> Result<(), sqlx::Error> {
    sql!(tx, |c| sqlx::query(
        "UPDATE ikm_order SET decline_reason = $1 WHERE id = $2"
    )
    .bind(reason)
    .bind(part_id)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn set_shipping(
    tx: &mut Tx,
    part_id: i64,
    courier: &str,
    receipt: &str,
) -> Result<(), sqlx::Error> {
    sql!(tx, |c| sqlx::query(
        "UPDATE ikm_order SET courier = $1, receipt = $2 WHERE id = $3"
    )
    .bind(courier)
    .bind(receipt)
    .bind(part_id)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Adds to the parts counted per (IKM, status), in one statement, rows in key order (so two
/// transactions lock them in the same order).
async fn add_to_counts(
    tx: &mut Tx,
    mut changes: Vec<(&str, &str, i64)>,
) -> Result<(), sqlx::Error> {
    if changes.is_empty() {
        return Ok(());
    }
    changes.sort_unstable();
    for chunk in changes.chunks(rows_per_statement(3)) {
        let query = format!(
            "INSERT INTO part_count (ikm_slug, status, parts) VALUES {} \
             ON CONFLICT (ikm_slug, status) DO UPDATE SET parts = part_count.parts + excluded.parts",
            values(chunk.len(), 3)
        );
        sql!(&mut *tx, |c| {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(query.clone()));
            for (ikm, status, n) in chunk {
                q = q.bind(*ikm).bind(*status).bind(*n);
            }
            q.execute(&mut *c).await.map(|_| ())
        })?;
    }
    Ok(())
}

/// Moves a part from `from` to `to`, only if it is still in `from`: false when another request
/// (or another server) moved it first.
pub async fn move_status(
    tx: &mut Tx,
    part_id: i64,
    from: &str,
    to: &str,
) -> Result<bool, sqlx::Error> {
    let moved = sql!(&mut *tx, |c| sqlx::query_scalar::<_, String>(
        "UPDATE ikm_order SET status = $1 WHERE id = $2 AND status = $3 RETURNING ikm_slug"
    )
    .bind(to)
    .bind(part_id)
    .bind(from)
    .fetch_optional(&mut *c)
    .await)?;
    let Some(ikm) = moved else {
        return Ok(false);
    };
    add_to_counts(tx, vec![(&ikm, from, -1), (&ikm, to, 1)]).await?;
    Ok(true)
}

/// Every part still waiting for its IKM's answer: (id, received on).
pub async fn waiting_parts(db: &Db) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sql!(db, |c| sqlx::query_as::<_, (i64, String)>(
        "SELECT id, received_on FROM ikm_order WHERE status = 'baru'"
    )
    .fetch_all(&mut *c)
    .await)
}

// ---- reading -------------------------------------------------------------------------------

/// A request's id and the hash of its tracking secret, by code.
pub async fn request_secret(db: &Db, code: &str) -> Result<Option<(i64, String)>, sqlx::Error> {
    sql!(db, |c| sqlx::query_as::<_, (i64, String)>(
        "SELECT id, secret_sha256 FROM order_request WHERE code = $1"
    )
    .bind(code)
    .fetch_optional(&mut *c)
    .await)
}

/// The part of a request that belongs to `ikm`.
pub async fn part_of(db: &Db, request_id: i64, ikm: &str) -> Result<Option<i64>, sqlx::Error> {
    sql!(db, |c| sqlx::query_scalar::<_, i64>(
        "SELECT id FROM ikm_order WHERE request_id = $1 AND ikm_slug = $2"
    )
    .bind(request_id)
    .bind(ikm)
    .fetch_optional(&mut *c)
    .await)
}

/// The part of request `code` that belongs to `ikm`: (request id, part id).
pub async fn own_part(db: &Db, code: &str, ikm: &str) -> Result<Option<(i64, i64)>, sqlx::Error> {
    sql!(db, |c| sqlx::query_as::<_, (i64, i64)>(
        "SELECT r.id, o.id FROM order_request r JOIN ikm_order o ON o.request_id = r.id \
         WHERE r.code = $1 AND o.ikm_slug = $2",
    )
    .bind(code)
    .bind(ikm)
    .fetch_optional(&mut *c)
    .await)
}

/// When `ikm`'s part of a request arrived.
pub async fn received_on(
    db: &Db,
    request_id: i64,
    ikm: &str,
) -> Result<Option<String>, sqlx::Error> {
    sql!(db, |c| sqlx::query_scalar::<_, String>(
        "SELECT received_on FROM ikm_order WHERE request_id = $1 AND ikm_slug = $2"
    )
    .bind(request_id)
    .bind(ikm)
    .fetch_optional(&mut *c)
    .await)
}

#[derive(sqlx::FromRow)]
pub struct RequestRow {
    pub code: String,
    pub company: String,
    pub buyer_type: String,
    pub npwp: String,
    pub contact_person: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub kabupaten: String,
    pub purpose: String,
    pub notes: String,
    pub needed_by: String,
    pub created_at: String,
    pub total: i64,
}

#[derive(sqlx::FromRow)]
pub struct PartRow {
    pub id: i64,
    pub ikm_slug: String,
    /// The IKM's name and PKP flag (`None` if the IKM is gone).
    pub ikm_name: Option<String>,
    pub ikm_pkp: Option<bool>,
    pub status: String,
    pub subtotal: i64,
    pub lead_time_days: Option<i64>,
    pub decline_reason: Option<String>,
    pub courier: Option<String>,
    pub receipt: Option<String>,
}

#[derive(sqlx::FromRow)]
pub struct LineRow {
    pub ikm_order_id: i64,
    pub product_slug: String,
    pub name: String,
    pub unit: String,
    pub quantity: i64,
    pub unit_price: i64,
    pub confirmed_unit_price: Option<i64>,
    pub note: String,
    pub lead_time_days: i64,
}

#[derive(sqlx::FromRow)]
pub struct EventRow {
    pub ikm_order_id: i64,
    pub at: String,
    pub actor: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub note: String,
}

/// A whole request as stored: the request, its parts, their lines and events (each in order).
pub struct Stored {
    pub request: RequestRow,
    pub parts: Vec<PartRow>,
    pub lines: Vec<LineRow>,
    pub events: Vec<EventRow>,
}

/// Reads a request whole, in four statements whatever its size.
pub async fn stored(db: &Db, request_id: i64) -> Result<Option<Stored>, sqlx::Error> {
    sql!(db, |c| {
        let request: Option<RequestRow> = sqlx::query_as(
            "SELECT code, company, buyer_type, npwp, contact_person, phone, email, address, \
             kabupaten, purpose, notes, needed_by, created_at, total \
             FROM order_request WHERE id = $1",
        )
        .bind(request_id)
        .fetch_optional(&mut *c)
        .await?;
        let Some(request) = request else {
            return Ok(None);
        };
        let parts: Vec<PartRow> = sqlx::query_as(
            "SELECT o.id, o.ikm_slug, i.name AS ikm_name, i.pkp AS ikm_pkp, o.status, \
             o.subtotal, o.lead_time_days, o.decline_reason, o.courier, o.receipt \
             FROM ikm_order o LEFT JOIN ikm i ON i.slug = o.ikm_slug \
             WHERE o.request_id = $1 ORDER BY o.id",
        )
        .bind(request_id)
        .fetch_all(&mut *c)
        .await?;
        let lines: Vec<LineRow> = sqlx::query_as(
            "SELECT l.ikm_order_id, l.product_slug, l.name, l.unit, l.quantity, l.unit_price, \
             l.confirmed_unit_price, l.note, l.lead_time_days \
             FROM order_line l JOIN ikm_order o ON o.id = l.ikm_order_id \
             WHERE o.request_id = $1 ORDER BY l.ikm_order_id, l.position",
        )
        .bind(request_id)
        .fetch_all(&mut *c)
        .await?;
        let events: Vec<EventRow> = sqlx::query_as(
            "SELECT e.ikm_order_id, e.at, e.actor, e.from_status, e.to_status, e.note \
             FROM order_event e JOIN ikm_order o ON o.id = e.ikm_order_id \
             WHERE o.request_id = $1 ORDER BY e.ikm_order_id, e.id",
        )
        .bind(request_id)
        .fetch_all(&mut *c)
        .await?;
        Ok(Some(Stored {
            request,
            parts,
            lines,
            events,
        }))
    })
}

/// One row of an order list.
#[derive(sqlx::FromRow)]
pub struct SummaryRow {
    pub request_id: i64,
    pub part_id: i64,
    pub code: String,
    pub ikm_slug: String,
    pub ikm_name: String,
    pub company: String,
    pub buyer_type: String,
    pub kabupaten: String,
    pub status: String,
    pub subtotal: i64,
    pub needed_by: String,
    pub created_at: String,
    pub lines: i64,
}

/// Which parts an order list shows.
pub struct ListFilter<'a> {
    /// Only this IKM's parts (the desk).
    pub own: Option<&'a str>,
    /// A status slug, or empty.
    pub status: &'a str,
    /// An IKM slug, or empty.
    pub ikm: &'a str,
    /// The buyer's kabupaten/kota slug, or empty.
    pub kabupaten: &'a str,
    /// Start after this (request id, part id).
    pub after: Option<(i64, i64)>,
    /// Words the code or company must contain (lower case).
    pub words: &'a [String],
    pub limit: i64,
}

/// The most words a list search takes.
pub const MAX_WORDS: usize = 5;

/// A `LIKE` pattern matching text that contains `word` (its `%`, `_` and `\` taken literally).
fn contains_pattern(word: &str) -> String {
    let mut pattern = String::with_capacity(word.len() + 2);
    pattern.push('%');
    for ch in word.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(ch);
    }
    pattern.push('%');
    pattern
}

/// A page of order parts, newest request first. Each row is decoded on its own: one that
/// cannot be read is answered as an error in its place, never taking the list down.
pub async fn summaries(
    db: &Db,
    f: &ListFilter<'_>,
) -> Result<Vec<Result<SummaryRow, sqlx::Error>>, sqlx::Error> {
    // Only the conditions asked for are written, so the planner can use the indexes (an
    // `$n IS NULL OR …` condition hides them) and walk a part index newest first, stopping
    // at the page's end instead of sorting every order.
    enum Arg<'a> {
        Text(&'a str),
        Number(i64),
    }
    fn push<'a>(
        conditions: &mut Vec<String>,
        args: &mut Vec<Arg<'a>>,
        condition: &str,
        values: Vec<Arg<'a>>,
    ) {
        let mut text = condition.to_owned();
        for n in 0..values.len() {
            text = text.replacen('?', &format!("${}", args.len() + n + 1), 1);
        }
        conditions.push(text);
        args.extend(values);
    }
    let mut args: Vec<Arg> = Vec::new();
    let mut conditions: Vec<String> = Vec::new();
    let mut add = |condition: &str, values| push(&mut conditions, &mut args, condition, values);
    let patterns: Vec<String> = f
        .words
        .iter()
        .take(MAX_WORDS)
        .map(|w| contains_pattern(w))
        .collect();
    if let Some(own) = f.own {
        add("o.ikm_slug = ?", vec![Arg::Text(own)]);
    }
    if !f.ikm.is_empty() {
        add("o.ikm_slug = ?", vec![Arg::Text(f.ikm)]);
    }
    if !f.status.is_empty() {
        add("o.status = ?", vec![Arg::Text(f.status)]);
    }
    if !f.kabupaten.is_empty() {
        add("r.kabupaten = ?", vec![Arg::Text(f.kabupaten)]);
    }
    if let Some((request, part)) = f.after {
        add(
            "(o.request_id < ? OR (o.request_id = ? AND o.id > ?))",
            vec![
                Arg::Number(request),
                Arg::Number(request),
                Arg::Number(part),
            ],
        );
    }
    for pattern in &patterns {
        add(
            "lower(r.code || ' ' || r.company) LIKE ? ESCAPE '\\'",
            vec![Arg::Text(pattern)],
        );
    }
    let filter = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    let query = format!(
        "SELECT o.request_id, o.id AS part_id, r.code, o.ikm_slug, i.name AS ikm_name, \
         r.company, r.buyer_type, r.kabupaten, o.status, o.subtotal, r.needed_by, \
         r.created_at, \
         (SELECT COUNT(*) FROM order_line l WHERE l.ikm_order_id = o.id) AS lines \
         FROM ikm_order o JOIN order_request r ON r.id = o.request_id \
         JOIN ikm i ON i.slug = o.ikm_slug \
         {filter} ORDER BY o.request_id DESC, o.id LIMIT {}",
        f.limit.max(1)
    );
    sql!(db, |c| {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(query.clone()));
        for arg in &args {
            q = match arg {
                Arg::Text(t) => q.bind(*t),
                Arg::Number(n) => q.bind(*n),
            };
        }
        let rows = q.fetch_all(&mut *c).await?;
        Ok(rows
            .iter()
            .map(<SummaryRow as sqlx::FromRow<_>>::from_row)
            .collect())
    })
}

/// How many parts are in each status (only `ikm`'s when given), from the counts kept with
/// every change.
pub async fn status_counts(db: &Db, ikm: Option<&str>) -> Result<Vec<(String, i64)>, sqlx::Error> {
    match ikm {
        Some(ikm) => sql!(db, |c| sqlx::query_as::<_, (String, i64)>(
            "SELECT status, parts FROM part_count WHERE ikm_slug = $1",
        )
        .bind(ikm)
        .fetch_all(&mut *c)
        .await),
        None => sql!(db, |c| sqlx::query_as::<_, (String, i64)>(
            "SELECT status, CAST(SUM(parts) AS BIGINT) FROM part_count GROUP BY status",
        )
        .fetch_all(&mut *c)
        .await),
    }
}

#[cfg(test)]
mod tests {
    use super::{contains_pattern, values};

    #[test]
    fn multi_row_placeholders_count_on() {
        assert_eq!(values(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(values(1, 1), "($1)");
    }

    #[test]
    fn search_words_are_taken_literally() {
        assert_eq!(contains_pattern("bukit"), "%bukit%");
        assert_eq!(contains_pattern("100%"), "%100\\%%");
        assert_eq!(contains_pattern("a_b\\c"), "%a\\_b\\\\c%");
    }
}
