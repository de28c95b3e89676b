//! The JSON API under `/api/v1`.

use crate::error::AppError;
use crate::snapshot::etag_matches;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::{Json, Router};
use etalase_core::api::Health;
use etalase_core::catalog::{IkmDetail, ProductDetail};

/// The catalog may change at any time (IKM edit their products): clients keep a copy but
/// revalidate it, which costs a 304 when nothing changed.
const CATALOG_CACHE: &str = "public, no-cache";

pub fn routes() -> utoipa_axum::router::OpenApiRouter<AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(catalog))
        .routes(routes!(product))
        .routes(routes!(ikm))
        .routes(routes!(healthz))
        .routes(routes!(site))
}

/// Any other address under `/api`: our JSON 404 (kept out of the document).
pub fn unknown_routes() -> Router<AppState> {
    Router::new()
        .route("/api", any(unknown))
        .route("/api/{*rest}", any(unknown))
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

#[utoipa::path(get, path = "/api/v1/catalog", tag = "catalog",
    responses((status = 200, description = "The whole catalog (weak ETag; 304 when If-None-Match matches)", body = etalase_core::Catalog),
        (status = 304, description = "Not modified")))]
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

#[utoipa::path(get, path = "/api/v1/products/{slug}", tag = "catalog",
    params(("slug" = String, Path)),
    responses((status = 200, description = "One product and its IKM", body = etalase_core::catalog::ProductDetail),
        (status = 304, description = "Not modified"),
        (status = 404, description = "No such product", body = etalase_core::api::ApiError)))]
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

#[utoipa::path(get, path = "/api/v1/ikm/{slug}", tag = "catalog",
    params(("slug" = String, Path)),
    responses((status = 200, description = "One IKM and its products", body = etalase_core::catalog::IkmDetail),
        (status = 304, description = "Not modified"),
        (status = 404, description = "No such IKM", body = etalase_core::api::ApiError)))]
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
#[utoipa::path(get, path = "/api/v1/site", tag = "catalog",
    responses((status = 200, description = "What this site does (this server takes orders)", body = etalase_core::api::SiteInfo)))]
async fn site() -> Json<etalase_core::api::SiteInfo> {
    Json(etalase_core::api::SiteInfo { ordering: true })
}

#[utoipa::path(get, path = "/healthz", tag = "catalog",
    responses((status = 200, description = "The database answers and the catalog is loaded", body = etalase_core::api::Health)))]
async fn healthz(State(state): State<AppState>) -> Result<Json<Health>, AppError> {
    sqlx::query("SELECT 1").execute(&state.db).await?;
    let snap = state.catalog();
    Ok(Json(Health {
        status: "ok".into(),
        products: snap.catalog.products.len(),
        ikm: snap.catalog.ikm.len(),
    }))
}
