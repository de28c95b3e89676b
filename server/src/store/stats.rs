//! The programme's numbers for Disperindag: requests and value grouped by the buyer's
//! kabupaten/kota, by category, by month, and parts by status.

use super::{sql, Db, Engine};

/// A group: its key, how many requests, and their value in Rupiah.
pub type Group = (String, i64, i64);

/// What the requests are grouped by.
#[derive(Clone, Copy, Debug)]
pub enum By {
    Kabupaten,
    Category,
    Month,
}

/// A sum of Rupiah that saturates instead of failing: SQLite's `TOTAL` is a float that never
/// overflows; PostgreSQL's `SUM` of `BIGINT` is an exact `NUMERIC`, capped before the cast.
fn saturating_sum(engine: Engine, expr: &str) -> String {
    match engine {
        Engine::Sqlite => format!("CAST(TOTAL({expr}) AS INTEGER)"),
        Engine::Postgres => {
            format!("CAST(LEAST(COALESCE(SUM({expr}), 0), 9223372036854775807) AS BIGINT)")
        }
    }
}

/// Requests and value per group, counting only parts that are still live (not declined,
/// cancelled or expired), valued at confirmed prices where the IKM set them.
pub async fn requests_by(db: &Db, by: By) -> Result<Vec<Group>, sqlx::Error> {
    let (key, join) = match by {
        By::Kabupaten => ("r.kabupaten", ""),
        By::Category => ("p.category", "JOIN product p ON p.slug = l.product_slug"),
        By::Month => ("substr(r.created_at, 1, 7)", ""),
    };
    let value = saturating_sum(
        db.engine(),
        "l.quantity * COALESCE(l.confirmed_unit_price, l.unit_price)",
    );
    let query = format!(
        "SELECT {key} AS k, COUNT(DISTINCT r.id), {value} \
         FROM order_line l JOIN ikm_order o ON o.id = l.ikm_order_id \
         JOIN order_request r ON r.id = o.request_id {join} \
         WHERE o.status NOT IN ('ditolak', 'dibatalkan', 'kedaluwarsa') \
         GROUP BY k ORDER BY k"
    );
    sql!(db, |c| sqlx::query_as::<_, Group>(sqlx::AssertSqlSafe(
        query.clone()
    ))
    .fetch_all(&mut *c)
    .await)
}

/// Parts and their value per status.
pub async fn parts_by_status(db: &Db) -> Result<Vec<Group>, sqlx::Error> {
    let query = format!(
        "SELECT o.status, COUNT(*), {} FROM ikm_order o GROUP BY o.status",
        saturating_sum(db.engine(), "o.subtotal")
    );
    sql!(db, |c| sqlx::query_as::<_, Group>(sqlx::AssertSqlSafe(
        query.clone()
    ))
    .fetch_all(&mut *c)
    .await)
}
