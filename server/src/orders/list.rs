//! Order lists, for the IKM desk (its own parts) and the admin (every part): filtered, paged
//! by a cursor, newest first, with counts per status.

use crate::store::{self, Db};
use crate::web::error::AppError;
use etalase_core::api::{OrderSummary, StatusCount};
use etalase_core::order::OrderStatus;
use etalase_core::request::BuyerType;
use etalase_core::{Date, Kabupaten, Rupiah, Slug};
use serde::Deserialize;

/// The most rows one page of a list holds; `limit` asks for fewer.
pub const MAX_PAGE: u32 = 200;
/// Rows per page when `limit` is not given.
pub const DEFAULT_PAGE: u32 = 50;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrderFilter {
    /// A status slug; empty for all.
    #[serde(default)]
    pub status: String,
    /// Words found in the code or company (at most the first five count).
    #[serde(default)]
    pub q: String,
    /// Admin only: one IKM.
    #[serde(default)]
    pub ikm: String,
    /// Admin only: the buyer's kabupaten/kota.
    #[serde(default)]
    pub kabupaten: String,
    /// Rows per page, 1 to [`MAX_PAGE`] (default [`DEFAULT_PAGE`]).
    pub limit: Option<u32>,
    /// Where the page starts: the `next_cursor` of the page before.
    pub cursor: Option<String>,
}

impl OrderFilter {
    /// Refuses a filter no order could pass (an unknown status or kabupaten, a cursor not
    /// from us); answers where the page starts.
    pub fn check(&self) -> Result<Option<Cursor>, AppError> {
        if !self.status.is_empty() && OrderStatus::from_slug(&self.status).is_none() {
            return Err(AppError::BadRequest(
                "bad_status",
                "Parameter status tidak dikenal.".into(),
            ));
        }
        if !self.kabupaten.is_empty() && Kabupaten::from_slug(&self.kabupaten).is_none() {
            return Err(AppError::BadRequest(
                "bad_kabupaten",
                "Parameter kabupaten tidak dikenal.".into(),
            ));
        }
        self.cursor.as_deref().map(Cursor::parse).transpose()
    }
}

/// Where a page of orders starts: after this request, and within it after this part. Written
/// `<request id>-<part id>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cursor {
    request: i64,
    part: i64,
}

impl Cursor {
    pub fn parse(s: &str) -> Result<Cursor, AppError> {
        let bad = || {
            AppError::BadRequest(
                "bad_cursor",
                "Parameter cursor tidak valid: pakai next_cursor dari halaman sebelumnya.".into(),
            )
        };
        let (request, part) = s.split_once('-').ok_or_else(bad)?;
        Ok(Cursor {
            request: request.parse().map_err(|_| bad())?,
            part: part.parse().map_err(|_| bad())?,
        })
    }
}

impl std::fmt::Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.request, self.part)
    }
}

fn into_summary(r: store::orders::SummaryRow) -> Option<OrderSummary> {
    Some(OrderSummary {
        ikm: Slug::parse(&r.ikm_slug).ok()?,
        ikm_name: r.ikm_name,
        company: r.company,
        buyer_type: BuyerType::from_slug(&r.buyer_type)?,
        kabupaten: Kabupaten::from_slug(&r.kabupaten)?,
        status: OrderStatus::from_slug(&r.status)?,
        subtotal: Rupiah(r.subtotal),
        needed_by: Date::parse(&r.needed_by)?,
        created_at: r.created_at,
        lines: usize::try_from(r.lines).ok()?,
        code: r.code,
    })
}

/// One page of orders.
pub struct Page {
    pub orders: Vec<OrderSummary>,
    pub next_cursor: Option<String>,
}

/// A page of the orders that pass `filter`, newest first; `ikm` limits them to one IKM's. A
/// stored row that cannot be read is logged and left out: it never takes the list down.
pub async fn order_summaries(
    db: &Db,
    ikm: Option<&str>,
    filter: &OrderFilter,
) -> Result<Page, AppError> {
    let after = filter.check()?;
    let limit = filter.limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE);
    let words: Vec<String> = filter
        .q
        .split_whitespace()
        .take(store::orders::MAX_WORDS)
        .map(str::to_lowercase)
        .collect();
    let rows = store::orders::summaries(
        db,
        &store::orders::ListFilter {
            own: ikm,
            status: &filter.status,
            ikm: &filter.ikm,
            kabupaten: &filter.kabupaten,
            after: after.map(|c| (c.request, c.part)),
            words: &words,
            limit: i64::from(limit) + 1,
        },
    )
    .await?;
    let more = rows.len() > limit as usize;
    let mut orders = Vec::with_capacity(rows.len());
    let mut last = None;
    for decoded in rows.into_iter().take(limit as usize) {
        let summary_row = match decoded {
            Ok(row) => row,
            Err(error) => {
                tracing::error!(?error, "an order row cannot be read; left out of the list");
                continue;
            }
        };
        last = Some(Cursor {
            request: summary_row.request_id,
            part: summary_row.part_id,
        });
        let part = summary_row.part_id;
        match into_summary(summary_row) {
            Some(summary) => orders.push(summary),
            None => tracing::error!(part, "a stored order part is invalid; left out of the list"),
        }
    }
    Ok(Page {
        orders,
        next_cursor: if more {
            last.map(|c| c.to_string())
        } else {
            None
        },
    })
}

/// How many orders are in each status, in the state machine's order.
pub async fn status_counts(db: &Db, ikm: Option<&str>) -> Result<Vec<StatusCount>, AppError> {
    let rows = store::orders::status_counts(db, ikm).await?;
    Ok(OrderStatus::ALL
        .into_iter()
        .map(|status| StatusCount {
            status,
            count: rows
                .iter()
                .find(|(s, _)| s == status.slug())
                .map(|(_, n)| usize::try_from(*n).unwrap_or(0))
                .unwrap_or(0),
        })
        .collect())
}

/// The part of request `code` that belongs to `ikm`: (request id, part id), or 404.
pub async fn own_part(db: &Db, code: &str, ikm: &str) -> Result<(i64, i64), AppError> {
    store::orders::own_part(db, code, ikm)
        .await?
        .ok_or(AppError::NotFound("Pesanan tidak ditemukan."))
}
