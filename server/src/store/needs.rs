//! The needs tables: `need` (what a partner posted, with its review and window),
//! `need_offer` (one offer per IKM per need) and `need_seen` (when each IKM last looked).
//! Dates are ISO text (`YYYY-MM-DD`), compared as text on both engines.

use super::{sql, Db, On, Tx};

/// The columns of a need, in [`NeedRow`]'s order.
const NEED_COLUMNS: &str = "n.id, n.code, n.status, n.company, n.show_company, n.buyer_type, \
     n.npwp, n.contact_person, n.phone, n.email, n.address, n.kabupaten, n.title, n.category, \
     n.description, n.quantity, n.unit, n.budget, n.budget_kind, n.needed_by, n.offer_days, \
     n.offers_until, n.decline_reason, n.created_at, n.published_at, \
     (SELECT COUNT(*) FROM need_offer o WHERE o.need_id = n.id AND o.status <> 'ditarik') \
     AS offers";

/// A need as stored, with its count of offers (withdrawn ones not counted).
#[derive(sqlx::FromRow, Clone, Debug)]
pub struct NeedRow {
    pub id: i64,
    pub code: String,
    pub status: String,
    pub company: String,
    pub show_company: bool,
    pub buyer_type: String,
    pub npwp: String,
    pub contact_person: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub kabupaten: String,
    pub title: String,
    pub category: String,
    pub description: String,
    pub quantity: i64,
    pub unit: String,
    pub budget: Option<i64>,
    pub budget_kind: String,
    pub needed_by: String,
    pub offer_days: i64,
    pub offers_until: Option<String>,
    pub decline_reason: Option<String>,
    pub created_at: String,
    pub published_at: Option<String>,
    pub offers: i64,
}

/// A need to store (every field already checked by core).
pub struct NewNeed<'a> {
    pub code: &'a str,
    pub secret_sha256: &'a str,
    pub company: &'a str,
    pub show_company: bool,
    pub buyer_type: &'a str,
    pub npwp: &'a str,
    pub contact_person: &'a str,
    pub phone: &'a str,
    pub email: &'a str,
    pub address: &'a str,
    pub kabupaten: &'a str,
    pub title: &'a str,
    pub category: &'a str,
    pub description: &'a str,
    pub quantity: i64,
    pub unit: &'a str,
    pub budget: Option<i64>,
    pub budget_kind: &'a str,
    pub needed_by: &'a str,
    pub offer_days: i64,
    pub created_at: &'a str,
}

/// Stores a need waiting for review; answers its id.
pub async fn insert_need(tx: &mut Tx, n: &NewNeed<'_>) -> Result<i64, sqlx::Error> {
    sql!(tx, |c| sqlx::query_scalar::<_, i64>(
        "INSERT INTO need (code, secret_sha256, status, company, show_company, buyer_type, npwp, \
         contact_person, phone, email, address, kabupaten, title, category, description, \
         quantity, unit, budget, budget_kind, needed_by, offer_days, created_at) \
         VALUES ($1, $2, 'menunggu', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, \
         $16, $17, $18, $19, $20, $21) RETURNING id",
    )
    .bind(n.code)
    .bind(n.secret_sha256)
    .bind(n.company)
    .bind(n.show_company)
    .bind(n.buyer_type)
    .bind(n.npwp)
    .bind(n.contact_person)
    .bind(n.phone)
    .bind(n.email)
    .bind(n.address)
    .bind(n.kabupaten)
    .bind(n.title)
    .bind(n.category)
    .bind(n.description)
    .bind(n.quantity)
    .bind(n.unit)
    .bind(n.budget)
    .bind(n.budget_kind)
    .bind(n.needed_by)
    .bind(n.offer_days)
    .bind(n.created_at)
    .fetch_one(&mut *c)
    .await)
}

/// The need's id and secret hash, for opening its private page.
pub async fn need_secret(db: &Db, code: &str) -> Result<Option<(i64, String)>, sqlx::Error> {
    sql!(db, |c| sqlx::query_as::<_, (i64, String)>(
        "SELECT id, secret_sha256 FROM need WHERE code = $1"
    )
    .bind(code)
    .fetch_optional(&mut *c)
    .await)
}

/// The secret hash of a need by id (an accepted offer's order opens with the need's secret).
pub async fn secret_of(tx: &mut Tx, id: i64) -> Result<String, sqlx::Error> {
    sql!(tx, |c| sqlx::query_scalar::<_, String>(
        "SELECT secret_sha256 FROM need WHERE id = $1"
    )
    .bind(id)
    .fetch_one(&mut *c)
    .await)
}

pub async fn by_code(source: On<'_>, code: &str) -> Result<Option<NeedRow>, sqlx::Error> {
    let query = format!("SELECT {NEED_COLUMNS} FROM need n WHERE n.code = $1");
    sql!(source, |c| sqlx::query_as::<_, NeedRow>(
        sqlx::AssertSqlSafe(query.clone())
    )
    .bind(code)
    .fetch_optional(&mut *c)
    .await)
}

pub async fn by_id(source: On<'_>, id: i64) -> Result<Option<NeedRow>, sqlx::Error> {
    let query = format!("SELECT {NEED_COLUMNS} FROM need n WHERE n.id = $1");
    sql!(source, |c| sqlx::query_as::<_, NeedRow>(
        sqlx::AssertSqlSafe(query.clone())
    )
    .bind(id)
    .fetch_optional(&mut *c)
    .await)
}

/// Which needs a list holds.
pub enum Which<'a> {
    /// Published and taking offers on `today`, of a category and a kabupaten if given.
    Board {
        today: &'a str,
        category: Option<&'a str>,
        kabupaten: Option<&'a str>,
    },
    /// What a desk shows: needs `ikm` offered on, and open needs (in `categories` going to
    /// `places`, when given).
    Desk {
        ikm: &'a str,
        today: &'a str,
        categories: Option<&'a [&'a str]>,
        places: Option<&'a [&'a str]>,
    },
    /// In one status (the admin's tabs).
    Status(&'a str),
}

/// `$k, $k+1, …` for `n` values starting at `$first`.
fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The condition of a list and the values it binds, in order.
fn condition<'a>(which: &Which<'a>) -> (String, Vec<&'a str>) {
    match which {
        Which::Board {
            today,
            category,
            kabupaten,
        } => {
            let mut binds = vec![*today];
            let mut sql = String::from("n.status = 'terbit' AND n.offers_until >= $1");
            if let Some(c) = category {
                binds.push(c);
                sql.push_str(&format!(" AND n.category = ${}", binds.len()));
            }
            if let Some(k) = kabupaten {
                binds.push(k);
                sql.push_str(&format!(" AND n.kabupaten = ${}", binds.len()));
            }
            (sql, binds)
        }
        Which::Desk {
            ikm,
            today,
            categories,
            places,
        } => {
            let mut binds = vec![*ikm, *today];
            let mut open = String::from("n.status = 'terbit' AND n.offers_until >= $2");
            if let Some(categories) = categories {
                if categories.is_empty() {
                    open.push_str(" AND FALSE");
                } else {
                    open.push_str(&format!(
                        " AND n.category IN ({})",
                        placeholders(binds.len() + 1, categories.len())
                    ));
                    binds.extend(categories.iter().copied());
                }
            }
            if let Some(places) = places {
                if !places.is_empty() {
                    open.push_str(&format!(
                        " AND n.kabupaten IN ({})",
                        placeholders(binds.len() + 1, places.len())
                    ));
                    binds.extend(places.iter().copied());
                }
            }
            (
                format!(
                    "(EXISTS (SELECT 1 FROM need_offer o WHERE o.need_id = n.id \
                     AND o.ikm_slug = $1) OR ({open}))"
                ),
                binds,
            )
        }
        Which::Status(status) => ("n.status = $1".to_owned(), vec![*status]),
    }
}

/// A page of needs, newest first, and how many match in all.
pub async fn list(
    db: &Db,
    which: &Which<'_>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<NeedRow>, i64), sqlx::Error> {
    let (cond, binds) = condition(which);
    let n = binds.len();
    let query = format!(
        "SELECT {NEED_COLUMNS} FROM need n WHERE {cond} ORDER BY n.id DESC LIMIT ${} OFFSET ${}",
        n + 1,
        n + 2
    );
    let count = format!("SELECT COUNT(*) FROM need n WHERE {cond}");
    let rows = sql!(db, |c| {
        let mut q = sqlx::query_as::<_, NeedRow>(sqlx::AssertSqlSafe(query.clone()));
        for b in &binds {
            q = q.bind(*b);
        }
        q.bind(limit).bind(offset).fetch_all(&mut *c).await
    })?;
    let total = sql!(db, |c| {
        let mut q = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(count.clone()));
        for b in &binds {
            q = q.bind(*b);
        }
        q.fetch_one(&mut *c).await
    })?;
    Ok((rows, total))
}

/// Needs published or waiting whose needed-by date is before `today`: (id, code, status).
pub async fn overdue(db: &Db, today: &str) -> Result<Vec<(i64, String, String)>, sqlx::Error> {
    sql!(db, |c| sqlx::query_as::<_, (i64, String, String)>(
        "SELECT id, code, status FROM need WHERE status IN ('menunggu', 'terbit') \
         AND needed_by < $1 ORDER BY id LIMIT 1000"
    )
    .bind(today)
    .fetch_all(&mut *c)
    .await)
}

/// Needs per status.
pub async fn status_counts(db: &Db) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sql!(db, |c| sqlx::query_as::<_, (String, i64)>(
        "SELECT status, COUNT(*) FROM need GROUP BY status"
    )
    .fetch_all(&mut *c)
    .await)
}

/// Publishes a need waiting for review (from `menunggu` only); false if it was not waiting.
pub async fn publish(
    tx: &mut Tx,
    id: i64,
    published_at: &str,
    offers_until: &str,
) -> Result<bool, sqlx::Error> {
    sql!(tx, |c| sqlx::query(
        "UPDATE need SET status = 'terbit', published_at = $1, offers_until = $2 \
         WHERE id = $3 AND status = 'menunggu'"
    )
    .bind(published_at)
    .bind(offers_until)
    .bind(id)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected() == 1))
}

/// Declines a need waiting for review, with the reason; false if it was not waiting.
pub async fn decline(tx: &mut Tx, id: i64, reason: &str) -> Result<bool, sqlx::Error> {
    sql!(tx, |c| sqlx::query(
        "UPDATE need SET status = 'ditolak', decline_reason = $1 \
         WHERE id = $2 AND status = 'menunggu'"
    )
    .bind(reason)
    .bind(id)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected() == 1))
}

/// Closes a published need; false if it was not published.
pub async fn close(tx: &mut Tx, id: i64, at: &str) -> Result<bool, sqlx::Error> {
    sql!(tx, |c| sqlx::query(
        "UPDATE need SET status = 'ditutup', closed_at = $1 WHERE id = $2 AND status = 'terbit'"
    )
    .bind(at)
    .bind(id)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected() == 1))
}

// ---- offers --------------------------------------------------------------------------------

/// An offer as stored.
#[derive(sqlx::FromRow, Clone, Debug)]
pub struct OfferRow {
    pub id: i64,
    pub need_id: i64,
    pub ikm_slug: String,
    pub status: String,
    pub unit_price: i64,
    pub quantity: i64,
    pub lead_time_days: i64,
    pub total: i64,
    pub note: String,
    /// Product slugs separated by commas.
    pub products: String,
    pub order_code: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// Counts the IKM's changes.
    pub version: i64,
}

const OFFER_COLUMNS: &str = "id, need_id, ikm_slug, status, unit_price, quantity, \
     lead_time_days, total, note, products, order_code, created_at, updated_at, version";

/// Every offer on a need, oldest first (withdrawn ones too: the caller decides).
pub async fn offers_of(source: On<'_>, need_id: i64) -> Result<Vec<OfferRow>, sqlx::Error> {
    let query = format!("SELECT {OFFER_COLUMNS} FROM need_offer WHERE need_id = $1 ORDER BY id");
    sql!(source, |c| sqlx::query_as::<_, OfferRow>(
        sqlx::AssertSqlSafe(query.clone())
    )
    .bind(need_id)
    .fetch_all(&mut *c)
    .await)
}

/// One IKM's offers on these needs.
pub async fn own_offers(
    db: &Db,
    ikm: &str,
    need_ids: &[i64],
) -> Result<Vec<OfferRow>, sqlx::Error> {
    if need_ids.is_empty() {
        return Ok(Vec::new());
    }
    let query = format!(
        "SELECT {OFFER_COLUMNS} FROM need_offer WHERE ikm_slug = $1 AND need_id IN ({})",
        placeholders(2, need_ids.len())
    );
    sql!(db, |c| {
        let mut q = sqlx::query_as::<_, OfferRow>(sqlx::AssertSqlSafe(query.clone())).bind(ikm);
        for id in need_ids {
            q = q.bind(*id);
        }
        q.fetch_all(&mut *c).await
    })
}

/// An offer to store.
pub struct NewOffer<'a> {
    pub need_id: i64,
    pub ikm: &'a str,
    pub unit_price: i64,
    pub quantity: i64,
    pub lead_time_days: i64,
    pub total: i64,
    pub note: &'a str,
    pub products: &'a str,
    pub at: &'a str,
}

/// Makes the IKM's offer, or changes it while it waits (or after it was withdrawn). Answers
/// `Ok(status before)` (`None` when new), or `Err(status)` with nothing written when the offer
/// was already decided.
pub async fn put_offer(
    tx: &mut Tx,
    o: &NewOffer<'_>,
) -> Result<Result<Option<String>, String>, sqlx::Error> {
    let before = sql!(&mut *tx, |c| sqlx::query_scalar::<_, String>(
        "SELECT status FROM need_offer WHERE need_id = $1 AND ikm_slug = $2"
    )
    .bind(o.need_id)
    .bind(o.ikm)
    .fetch_optional(&mut *c)
    .await)?;
    if let Some(status) = &before {
        if status != "diajukan" && status != "ditarik" {
            return Ok(Err(status.clone()));
        }
    }
    sql!(&mut *tx, |c| {
        sqlx::query(
        "INSERT INTO need_offer (need_id, ikm_slug, status, unit_price, quantity, \
         lead_time_days, total, note, products, created_at, updated_at) \
         VALUES ($1, $2, 'diajukan', $3, $4, $5, $6, $7, $8, $9, $9) \
         ON CONFLICT (need_id, ikm_slug) DO UPDATE SET status = 'diajukan', \
         version = need_offer.version + 1, unit_price = $3, quantity = $4, lead_time_days = $5, total = $6, note = $7, \
         products = $8, updated_at = $9"
    )
    .bind(o.need_id)
    .bind(o.ikm)
    .bind(o.unit_price)
    .bind(o.quantity)
    .bind(o.lead_time_days)
    .bind(o.total)
    .bind(o.note)
    .bind(o.products)
    .bind(o.at)
    .execute(&mut *c)
    .await
    .map(|_| ())
    })?;
    Ok(Ok(before))
}

/// Withdraws the IKM's waiting offer; false if there was none waiting.
pub async fn withdraw(tx: &mut Tx, need_id: i64, ikm: &str, at: &str) -> Result<bool, sqlx::Error> {
    sql!(tx, |c| sqlx::query(
        "UPDATE need_offer SET status = 'ditarik', updated_at = $1 \
         WHERE need_id = $2 AND ikm_slug = $3 AND status = 'diajukan'"
    )
    .bind(at)
    .bind(need_id)
    .bind(ikm)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected() == 1))
}

/// Accepts a waiting offer, naming the order it became; false if it was not waiting.
pub async fn accept(
    tx: &mut Tx,
    offer_id: i64,
    order_code: &str,
    at: &str,
) -> Result<bool, sqlx::Error> {
    sql!(tx, |c| sqlx::query(
        "UPDATE need_offer SET status = 'diterima', order_code = $1, decided_at = $2, \
         updated_at = $2 WHERE id = $3 AND status = 'diajukan'"
    )
    .bind(order_code)
    .bind(at)
    .bind(offer_id)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected() == 1))
}

/// Every offer still waiting on a need is not taken; answers the IKM told.
pub async fn not_taken(tx: &mut Tx, need_id: i64, at: &str) -> Result<Vec<String>, sqlx::Error> {
    sql!(tx, |c| sqlx::query_scalar::<_, String>(
        "UPDATE need_offer SET status = 'tidak-dipilih', decided_at = $1, updated_at = $1 \
         WHERE need_id = $2 AND status = 'diajukan' RETURNING ikm_slug"
    )
    .bind(at)
    .bind(need_id)
    .fetch_all(&mut *c)
    .await)
}

// ---- the desk's badge ----------------------------------------------------------------------

/// When the IKM last looked at its needs.
pub async fn seen_at(db: &Db, ikm: &str) -> Result<Option<String>, sqlx::Error> {
    sql!(db, |c| sqlx::query_scalar::<_, String>(
        "SELECT seen_at FROM need_seen WHERE ikm_slug = $1"
    )
    .bind(ikm)
    .fetch_optional(&mut *c)
    .await)
}

pub async fn mark_seen(db: &Db, ikm: &str, at: &str) -> Result<(), sqlx::Error> {
    sql!(db, |c| sqlx::query(
        "INSERT INTO need_seen (ikm_slug, seen_at) VALUES ($1, $2) \
         ON CONFLICT (ikm_slug) DO UPDATE SET seen_at = $2"
    )
    .bind(ikm)
    .bind(at)
    .execute(&mut *c)
    .await
    .map(|_| ()))
}

/// Open needs published after `since` (in `categories`, going to `places` if given) that
/// `ikm` has not offered on; and its offers decided after `since`.
pub async fn news(
    db: &Db,
    ikm: &str,
    today: &str,
    since: &str,
    categories: &[&str],
    places: Option<&[&str]>,
) -> Result<(i64, i64), sqlx::Error> {
    let new = if categories.is_empty() {
        0
    } else {
        let mut binds: Vec<&str> = vec![ikm, today, since];
        let mut query = format!(
            "SELECT COUNT(*) FROM need n WHERE n.status = 'terbit' AND n.offers_until >= $2 \
             AND n.published_at > $3 AND n.category IN ({})",
            placeholders(4, categories.len())
        );
        binds.extend(categories.iter().copied());
        if let Some(places) = places.filter(|p| !p.is_empty()) {
            query.push_str(&format!(
                " AND n.kabupaten IN ({})",
                placeholders(binds.len() + 1, places.len())
            ));
            binds.extend(places.iter().copied());
        }
        query.push_str(
            " AND NOT EXISTS (SELECT 1 FROM need_offer o WHERE o.need_id = n.id \
             AND o.ikm_slug = $1)",
        );
        sql!(db, |c| {
            let mut q = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(query.clone()));
            for b in &binds {
                q = q.bind(*b);
            }
            q.fetch_one(&mut *c).await
        })?
    };
    let decided = sql!(db, |c| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM need_offer WHERE ikm_slug = $1 AND decided_at > $2"
    )
    .bind(ikm)
    .bind(since)
    .fetch_one(&mut *c)
    .await)?;
    Ok((new, decided))
}

// ---- numbers -------------------------------------------------------------------------------

/// How needs are grouped for the numbers.
#[derive(Clone, Copy, Debug)]
pub enum By {
    All,
    Category,
    Kabupaten,
    Month,
}

/// (key, posted, published, offers, met, value) per group.
pub type NeedGroup = (String, i64, i64, i64, i64, i64);

pub async fn stats_by(db: &Db, by: By) -> Result<Vec<NeedGroup>, sqlx::Error> {
    let key = match by {
        By::All => "'total'",
        By::Category => "n.category",
        By::Kabupaten => "n.kabupaten",
        By::Month => "SUBSTR(n.created_at, 1, 7)",
    };
    // PostgreSQL sums BIGINTs as NUMERIC: every figure is cast back; an empty table sums
    // to NULL: 0.
    let group = match by {
        By::All => "",
        _ => " GROUP BY k ORDER BY k",
    };
    let query = format!(
        "SELECT {key} AS k, CAST(COUNT(*) AS BIGINT), \
         CAST(COALESCE(SUM(CASE WHEN n.published_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT), \
         CAST(COALESCE(SUM((SELECT COUNT(*) FROM need_offer o WHERE o.need_id = n.id \
                   AND o.status <> 'ditarik')), 0) AS BIGINT), \
         CAST(COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM need_offer o WHERE o.need_id = n.id \
                   AND o.status = 'diterima') THEN 1 ELSE 0 END), 0) AS BIGINT), \
         CAST(COALESCE(SUM((SELECT COALESCE(SUM(o.total), 0) FROM need_offer o \
                   WHERE o.need_id = n.id AND o.status = 'diterima')), 0) AS BIGINT) \
         FROM need n{group}"
    );
    sql!(db, |c| sqlx::query_as::<_, NeedGroup>(sqlx::AssertSqlSafe(
        query.clone()
    ))
    .fetch_all(&mut *c)
    .await)
}
