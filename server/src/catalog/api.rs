//! The JSON API under `/api/v1`.

use crate::catalog::snapshot::{CatalogSnapshot, Detail};
use crate::web::error::AppError;
use crate::web::precompressed::{self, Encoded};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::{Json, Router};
use etalase_core::api::Health;
use etalase_core::catalog::{Catalog, IkmDetail, ProductDetail};
use etalase_core::shelf::{by_slugs, parse_slugs, MAX_SLUGS, SLUGS_PARAM};
use std::sync::{Arc, LazyLock};

/// The catalog may change at any time (IKM edit their products): clients keep a copy but
/// revalidate it, which costs a 304 when nothing changed.
pub const CATALOG_CACHE: &str = "public, no-cache";

pub fn routes() -> utoipa_axum::router::OpenApiRouter<AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(catalog))
        .routes(routes!(product))
        .routes(routes!(ikm))
        .routes(routes!(home))
        .routes(routes!(products))
        .routes(routes!(healthz))
        .routes(routes!(site))
}

/// Any other address under `/api`: our JSON 404 (kept out of the document).
pub fn unknown_routes() -> Router<AppState> {
    Router::new()
        .route("/api", any(unknown))
        .route("/api/{*rest}", any(unknown))
}

#[utoipa::path(get, path = "/api/v1/catalog", tag = "catalog",
    responses((status = 200, description = "The whole catalog (weak ETag; 304 when If-None-Match matches; br, gzip or identity by Accept-Encoding, compressed once per version)", body = etalase_core::Catalog),
        (status = 304, description = "Not modified")))]
async fn catalog(State(state): State<AppState>, headers: HeaderMap) -> Response {
    state
        .catalog()
        .json
        .respond(&headers, StatusCode::OK, CATALOG_CACHE)
}

/// A product's or an IKM's JSON from the snapshot's cache, made and compressed on the first
/// ask for this catalog version.
async fn detail(
    snapshot: &CatalogSnapshot,
    key: Detail,
    headers: &HeaderMap,
    make: impl FnOnce(&Catalog) -> Result<Vec<u8>, AppError>,
) -> Result<Response, AppError> {
    if let Some(answer) = snapshot.details.get(&key) {
        return Ok(answer.respond(headers, StatusCode::OK, CATALOG_CACHE));
    }
    let json = make(&snapshot.catalog)?;
    let answer = match precompressed::compress("application/json", json).await {
        Ok(answer) => {
            let answer = Arc::new(answer);
            snapshot.details.insert(key, answer.clone());
            answer
        }
        Err(uncompressed) => Arc::new(uncompressed),
    };
    Ok(answer.respond(headers, StatusCode::OK, CATALOG_CACHE))
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, AppError> {
    serde_json::to_vec(value).map_err(|e| AppError::Internal(e.into()))
}

#[utoipa::path(get, path = "/api/v1/products/{slug}", tag = "catalog",
    params(("slug" = String, Path)),
    responses((status = 200, description = "One product and its IKM (weak ETag; compressed once per catalog version)", body = etalase_core::catalog::ProductDetail),
        (status = 304, description = "Not modified"),
        (status = 404, description = "No such product", body = etalase_core::api::ApiError)))]
async fn product(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let snap = state.catalog();
    detail(&snap, Detail::Product(slug.clone()), &headers, |catalog| {
        to_json(
            &ProductDetail::of(catalog, &slug)
                .ok_or(AppError::NotFound("Produk tidak ditemukan."))?,
        )
    })
    .await
}

#[utoipa::path(get, path = "/api/v1/ikm/{slug}", tag = "catalog",
    params(("slug" = String, Path)),
    responses((status = 200, description = "One IKM and its products (weak ETag; compressed once per catalog version)", body = etalase_core::catalog::IkmDetail),
        (status = 304, description = "Not modified"),
        (status = 404, description = "No such IKM", body = etalase_core::api::ApiError)))]
async fn ikm(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let snap = state.catalog();
    detail(&snap, Detail::Ikm(slug.clone()), &headers, |catalog| {
        to_json(&IkmDetail::of(catalog, &slug).ok_or(AppError::NotFound("IKM tidak ditemukan."))?)
    })
    .await
}

#[utoipa::path(get, path = "/api/v1/home", tag = "catalog",
    responses((status = 200, description = "The home page's picks (featured, newest, one IKM in the spotlight) with their makers, and product counts per category and kabupaten/kota (weak ETag; compressed once per catalog version)", body = etalase_core::shelf::Home),
        (status = 304, description = "Not modified")))]
async fn home(State(state): State<AppState>, headers: HeaderMap) -> Response {
    state
        .catalog()
        .home
        .respond(&headers, StatusCode::OK, CATALOG_CACHE)
}

#[utoipa::path(get, path = "/api/v1/products", tag = "catalog",
    params(("slugs" = String, Query, description = "Product slugs, comma-separated, at most 100 (else 422); unknown or malformed ones are left out of the answer")),
    responses((status = 200, description = "The named products that exist, in the order named, with their IKM: what an order list shows", body = etalase_core::CatalogData),
        (status = 422, description = "More than 100 slugs", body = etalase_core::api::ApiError)))]
async fn products(
    State(state): State<AppState>,
    Query(params): Query<Vec<(String, String)>>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let locale = crate::web::http::locale_of(&headers);
    let value = params
        .iter()
        .rev()
        .find(|(k, _)| k == SLUGS_PARAM)
        .map(|(_, v)| v.as_str())
        .unwrap_or_default();
    let slugs = parse_slugs(value).map_err(|_| {
        let message = match locale {
            etalase_core::Locale::Id => format!("Paling banyak {MAX_SLUGS} produk sekali minta."),
            etalase_core::Locale::En => format!("At most {MAX_SLUGS} products per request."),
        };
        AppError::Fields(
            std::collections::BTreeMap::from([(SLUGS_PARAM.to_owned(), message)]),
            locale,
        )
    })?;
    let snap = state.catalog();
    // At most 100 lookups in the snapshot's map: microseconds, no queue needed.
    let found = by_slugs(&snap.catalog, slugs.iter().map(|s| s.as_str()), |s| {
        snap.product_at
            .get(s)
            .and_then(|&i| snap.catalog.products.get(i))
    });
    Ok((
        [(
            axum::http::header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("no-store"),
        )],
        Json(found),
    )
        .into_response())
}

async fn unknown() -> AppError {
    AppError::NotFound("Alamat API ini tidak ada.")
}

/// This server takes orders (a static export says otherwise).
#[utoipa::path(get, path = "/api/v1/site", tag = "catalog",
    responses((status = 200, description = "What this site does (this server takes orders)", body = etalase_core::api::SiteInfo)))]
async fn site(headers: HeaderMap) -> Response {
    static SITE: LazyLock<Encoded> = LazyLock::new(|| {
        let info = etalase_core::api::SiteInfo {
            ordering: true,
            needs_whatsapp: None,
            online_site: None,
        };
        Encoded::new(
            "application/json",
            serde_json::to_vec(&info).unwrap_or_default(),
        )
    });
    SITE.respond(&headers, StatusCode::OK, CATALOG_CACHE)
}

#[utoipa::path(get, path = "/healthz", tag = "catalog",
    responses((status = 200, description = "The database answers and the catalog is loaded", body = etalase_core::api::Health)))]
async fn healthz(State(state): State<AppState>) -> Result<Json<Health>, AppError> {
    state.db.ping().await?;
    let snap = state.catalog();
    Ok(Json(Health {
        status: "ok".into(),
        products: snap.catalog.products.len(),
        ikm: snap.catalog.ikm.len(),
    }))
}
