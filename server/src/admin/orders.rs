//! Every IKM's orders: a filtered, paged list, one part whole, and the list as CSV.

use crate::accounts::Admin;
use crate::orders::list::{order_summaries, own_part, status_counts, OrderFilter};
use crate::orders::load_tracking;
use crate::web::error::AppError;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use etalase_core::admin::{csv_field, AdminOrders};
use etalase_core::api::Tracking;
use futures_util::StreamExt;

#[utoipa::path(get, path = "/api/v1/admin/orders", tag = "admin", security(("session" = [])),
    params(crate::orders::list::OrderFilter),
    responses((status = 200, description = "A page of every IKM's order parts, with counts per status", body = etalase_core::admin::AdminOrders)))]
pub(super) async fn orders(
    State(state): State<AppState>,
    _: Admin,
    Query(filter): Query<OrderFilter>,
) -> Result<Json<AdminOrders>, AppError> {
    let page = order_summaries(&state.db, None, &filter).await?;
    Ok(Json(AdminOrders {
        counts: status_counts(&state.db, None).await?,
        orders: page.orders,
        next_cursor: page.next_cursor,
    }))
}

#[utoipa::path(get, path = "/api/v1/admin/orders/{code}/{ikm}", tag = "admin", security(("session" = [])),
    params(("code" = String, Path), ("ikm" = String, Path)),
    responses((status = 200, description = "One IKM's part of a request", body = etalase_core::api::Tracking)))]
pub(super) async fn order(
    State(state): State<AppState>,
    _: Admin,
    Path((code, ikm)): Path<(String, String)>,
) -> Result<Json<Tracking>, AppError> {
    let (request_id, _) = own_part(&state.db, &code, &ikm).await?;
    let mut tracking = load_tracking(&state.db, request_id).await?;
    tracking.parts.retain(|p| p.ikm.as_str() == ikm);
    Ok(Json(tracking))
}

/// Every order part that passes the filter, as CSV for a spreadsheet (UTF-8 with BOM, so
/// Excel reads the accents right). Streamed a page at a time: memory stays flat however many
/// orders there are.
#[utoipa::path(get, path = "/api/v1/admin/orders.csv", tag = "admin", security(("session" = [])),
    params(crate::orders::list::OrderFilter),
    responses((status = 200, description = "Every order part that passes the filter (streamed; UTF-8 with BOM)",
        content_type = "text/csv", body = String)))]
pub(super) async fn orders_csv(
    State(state): State<AppState>,
    _: Admin,
    Query(filter): Query<OrderFilter>,
) -> Result<Response, AppError> {
    // Refuse a bad filter before the answer starts: after that an error cannot be a status.
    filter.check()?;
    let header_line = "\u{feff}kode,ikm,nama_ikm,pemesan,jenis_pemesan,kabupaten_kota,status,subtotal_rp,dibutuhkan,diajukan,jumlah_baris\r\n";
    let db = state.db.clone();
    let first = OrderFilter {
        limit: Some(crate::orders::list::MAX_PAGE),
        ..filter
    };
    let pages = futures_util::stream::unfold(Some(first), move |next| {
        let db = db.clone();
        async move {
            let filter = next?;
            match order_summaries(&db, None, &filter).await {
                Ok(page) => {
                    let chunk = csv_rows(&page.orders);
                    let following = page.next_cursor.map(|cursor| OrderFilter {
                        cursor: Some(cursor),
                        ..filter
                    });
                    Some((Ok::<_, std::io::Error>(chunk), following))
                }
                Err(e) => {
                    tracing::error!(error = ?e, "CSV export stopped");
                    Some((Err(std::io::Error::other("CSV export failed")), None))
                }
            }
        }
    });
    // Fused: a body may be polled again after its end (the compression layer does), and an
    // unfused unfold panics then.
    let body = futures_util::stream::once(async move { Ok(header_line.to_owned()) })
        .chain(pages)
        .fuse();
    let mut response = axum::body::Body::from_stream(body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"pesanan-etalase.csv\""),
    );
    Ok(response)
}

fn csv_rows(rows: &[etalase_core::api::OrderSummary]) -> String {
    let mut csv = String::new();
    for r in rows {
        let fields = [
            r.code.clone(),
            r.ikm.to_string(),
            r.ikm_name.clone(),
            r.company.clone(),
            r.buyer_type.slug().to_owned(),
            r.kabupaten.slug().to_owned(),
            r.status.slug().to_owned(),
            r.subtotal.amount().to_string(),
            r.needed_by.to_string(),
            r.created_at.clone(),
            r.lines.to_string(),
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        csv.push_str(&line.join(","));
        csv.push_str("\r\n");
    }
    csv
}
