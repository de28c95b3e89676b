//! The JSON API under `/api/v1`.

use crate::error::AppError;
use crate::snapshot::etag_matches;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::{Json, Router};
use etalase_core::api::Health;
use etalase_core::catalog::{IkmDetail, ProductDetail};

/// The catalog may change at any time (IKM edit their products): clients keep a copy but
/// revalidate it, which costs a 304 when nothing changed.
const CATALOG_CACHE: &str = "public, no-cache";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/catalog", get(catalog))
        .route("/api/v1/products/{slug}", get(product))
        .route("/api/v1/ikm/{slug}", get(ikm))
        .route("/api", any(unknown))
        .route("/api/{*rest}", any(unknown))
        .route("/healthz", get(healthz))
        .route(etalase_core::api::SITE_PATH, get(site))
}

/// Answers with `body`, or 304 when the client already holds this version.
fn conditional(headers: &HeaderMap, etag: &str, body: impl IntoResponse) -> Response {
    let etag_value = HeaderValue::from_str(etag).ok();
    let cache = [(
        header::CACHE_CONTROL,
        HeaderValue::from_static(CATALOG_CACHE),
    )];
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| etag_matches(v, etag));
    let mut response = if fresh {
        (StatusCode::NOT_MODIFIED, cache).into_response()
    } else {
        (cache, body).into_response()
    };
    if let Some(v) = etag_value {
        response.headers_mut().insert(header::ETAG, v);
    }
    response
}

async fn catalog(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let snap = state.catalog();
    let body = (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        snap.json.clone(),
    );
    conditional(&headers, &snap.etag, body)
}

async fn product(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let snap = state.catalog();
    let product = snap
        .catalog
        .product(&slug)
        .ok_or(AppError::NotFound("Produk tidak ditemukan."))?;
    let ikm = snap
        .catalog
        .ikm(product.ikm.as_str())
        .ok_or(AppError::NotFound("Produk tidak ditemukan."))?;
    let detail = ProductDetail {
        product: product.clone(),
        ikm: ikm.clone(),
    };
    Ok(conditional(&headers, &snap.etag, Json(detail)))
}

async fn ikm(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let snap = state.catalog();
    let ikm = snap
        .catalog
        .ikm(&slug)
        .ok_or(AppError::NotFound("IKM tidak ditemukan."))?;
    let detail = IkmDetail {
        ikm: ikm.clone(),
        products: snap.catalog.products_of(&slug).cloned().collect(),
    };
    Ok(conditional(&headers, &snap.etag, Json(detail)))
}

async fn unknown() -> AppError {
    AppError::NotFound("Alamat API ini tidak ada.")
}

/// This server takes orders (a static export says otherwise).
async fn site() -> Json<etalase_core::api::SiteInfo> {
    Json(etalase_core::api::SiteInfo { ordering: true })
}

async fn healthz(State(state): State<AppState>) -> Result<Json<Health>, AppError> {
    sqlx::query("SELECT 1").execute(&state.db).await?;
    let snap = state.catalog();
    Ok(Json(Health {
        status: "ok".into(),
        products: snap.catalog.products.len(),
        ikm: snap.catalog.ikm.len(),
    }))
}
