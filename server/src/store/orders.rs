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

/// Claims a key for this request: false when another holds it. A record at or past
/// `expired_at` no longer answers; the key starts afresh. On PostgreSQL a concurrent claim of
/// the same key waits here for the first one's commit, then finds it taken.
pub async fn claim_key(
    tx: &mut Tx,
    key_sha256: &str,
    body_sha256: &str,
    now: i64,
    expired_at: i64,
) -> Result<bool, sqlx::Error> {
    sql!(&mut *tx, |c| sqlx::query(
        "DELETE FROM idempotency WHERE key_sha256 = $1 AND created_at <= $2"
    )
    .bind(key_sha256)
    .bind(expired_at)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    let claimed = sql!(&mut *tx, |c| {
        sqlx::query(
        "INSERT INTO idempotency (key_sha256, body_sha256, response, sealed_secret, created_at) \
         VALUES ($1, $2, '', '', $3) ON CONFLICT (key_sha256) DO NOTHING",
    )
    .bind(key_sha256)
    .bind(body_sha256)
    .bind(now)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(claimed == 1)
}

/// Keeps the answer for the key's retries.
pub async fn keep_answer(
    tx: &mut Tx,
    key_sha256: &str,
    response: &str,
    sealed_secret: &str,
) -> Result<(), sqlx::Error> {
    sql!(tx, |c| sqlx::query(
        "UPDATE idempotency SET response = $1, sealed_secret = $2 WHERE key_sha256 = $3"
    )
    .bind(response)
    .bind(sealed_secret)
    .bind(key_sha256)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
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

/// The next number of a named sequence (1 first).
pub async fn next_in_sequence(tx: &mut Tx, name: &str) -> Result<i64, sqlx::Error> {
    sql!(tx, |c| sqlx::query_scalar::<_, i64>(
        "INSERT INTO sequence (name, value) VALUES ($1, 1) \
         ON CONFLICT (name) DO UPDATE SET value = sequence.value + 1 RETURNING value",
    )
    .bind(name)
    .fetch_one(&mut *c)
    .await)
}

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

pub async fn insert_request(tx: &mut Tx, r: &NewRequest<'_>) -> Result<i64, sqlx::Error> {
    sql!(tx, |c| sqlx::query_scalar::<_, i64>(
        "INSERT INTO order_request (code, secret_sha256, company, buyer_type, npwp, \
         contact_person, phone, email, address, kabupaten, needed_by, purpose, notes, total, \
         created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
    )
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
    .bind(r.created_at)
    .fetch_one(&mut *c)
    .await)
}

/// A new part, status `baru`; answers its id.
pub async fn insert_part(
    tx: &mut Tx,
    request_id: i64,
    ikm: &str,
    subtotal: i64,
    received_on: &str,
) -> Result<i64, sqlx::Error> {
    sql!(tx, |c| sqlx::query_scalar::<_, i64>(
        "INSERT INTO ikm_order (request_id, ikm_slug, status, subtotal, received_on) \
         VALUES ($1, $2, 'baru', $3, $4) RETURNING id",
    )
    .bind(request_id)
    .bind(ikm)
    .bind(subtotal)
    .bind(received_on)
    .fetch_one(&mut *c)
    .await)
}

/// A line as stored.
pub struct NewLine<'a> {
    pub position: i64,
    pub product: &'a str,
    pub name: &'a str,
    pub unit: &'a str,
    pub quantity: i64,
    pub unit_price: i64,
    pub lead_time_days: i64,
    pub note: &'a str,
}

pub async fn insert_line(tx: &mut Tx, part_id: i64, l: &NewLine<'_>) -> Result<(), sqlx::Error> {
    sql!(tx, |c| sqlx::query(
        "INSERT INTO order_line (ikm_order_id, position, product_slug, name, unit, quantity, \
         unit_price, lead_time_days, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(part_id)
    .bind(l.position)
    .bind(l.product)
    .bind(l.name)
    .bind(l.unit)
    .bind(l.quantity)
    .bind(l.unit_price)
    .bind(l.lead_time_days)
    .bind(l.note)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
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
pub async fn line_prices(tx: &mut Tx, part_id: i64) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    sql!(tx, |c| sqlx::query_as::<_, (i64, i64)>(
        "SELECT quantity, unit_price FROM order_line WHERE ikm_order_id = $1 ORDER BY position"
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

/// Moves a part from `from` to `to`, only if it is still in `from`: false when another request
/// (or another server) moved it first.
pub async fn move_status(
    tx: &mut Tx,
    part_id: i64,
    from: &str,
    to: &str,
) -> Result<bool, sqlx::Error> {
    let moved = sql!(tx, |c| sqlx::query(
        "UPDATE ikm_order SET status = $1 WHERE id = $2 AND status = $3"
    )
    .bind(to)
    .bind(part_id)
    .bind(from)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(moved == 1)
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
    let mut patterns: Vec<String> = f
        .words
        .iter()
        .take(MAX_WORDS)
        .map(|w| contains_pattern(w))
        .collect();
    patterns.resize(MAX_WORDS, "%".to_owned());
    sql!(db, |c| {
        let rows = sqlx::query(
            "SELECT r.id AS request_id, o.id AS part_id, r.code, o.ikm_slug, \
             i.name AS ikm_name, r.company, r.buyer_type, r.kabupaten, o.status, o.subtotal, \
             r.needed_by, r.created_at, \
             (SELECT COUNT(*) FROM order_line l WHERE l.ikm_order_id = o.id) AS lines \
             FROM ikm_order o JOIN order_request r ON r.id = o.request_id \
             JOIN ikm i ON i.slug = o.ikm_slug \
             WHERE ($1 IS NULL OR o.ikm_slug = $1) \
               AND ($2 = '' OR o.status = $2) \
               AND ($3 = '' OR o.ikm_slug = $3) \
               AND ($4 = '' OR r.kabupaten = $4) \
               AND ($5 IS NULL OR r.id < $5 OR (r.id = $5 AND o.id > $6)) \
               AND lower(r.code || ' ' || r.company) LIKE $7 ESCAPE '\\' \
               AND lower(r.code || ' ' || r.company) LIKE $8 ESCAPE '\\' \
               AND lower(r.code || ' ' || r.company) LIKE $9 ESCAPE '\\' \
               AND lower(r.code || ' ' || r.company) LIKE $10 ESCAPE '\\' \
               AND lower(r.code || ' ' || r.company) LIKE $11 ESCAPE '\\' \
             ORDER BY r.id DESC, o.id \
             LIMIT $12",
        )
        .bind(f.own)
        .bind(f.status)
        .bind(f.ikm)
        .bind(f.kabupaten)
        .bind(f.after.map(|a| a.0))
        .bind(f.after.map_or(0, |a| a.1))
        .bind(&patterns[0])
        .bind(&patterns[1])
        .bind(&patterns[2])
        .bind(&patterns[3])
        .bind(&patterns[4])
        .bind(f.limit)
        .fetch_all(&mut *c)
        .await?;
        Ok(rows
            .iter()
            .map(<SummaryRow as sqlx::FromRow<_>>::from_row)
            .collect())
    })
}

/// How many parts are in each status (only `ikm`'s when given).
pub async fn status_counts(db: &Db, ikm: Option<&str>) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sql!(db, |c| sqlx::query_as::<_, (String, i64)>(
        "SELECT status, COUNT(*) FROM ikm_order WHERE ($1 IS NULL OR ikm_slug = $1) \
         GROUP BY status",
    )
    .bind(ikm)
    .fetch_all(&mut *c)
    .await)
}

#[cfg(test)]
mod tests {
    use super::contains_pattern;

    #[test]
    fn search_words_are_taken_literally() {
        assert_eq!(contains_pattern("bukit"), "%bukit%");
        assert_eq!(contains_pattern("100%"), "%100\\%%");
        assert_eq!(contains_pattern("a_b\\c"), "%a\\_b\\\\c%");
    }
}
