//! `GET /api/v1/search`: the storefront's search, run by the server for phones that have not
//! loaded (or never load) the search index. The parameters are the search page's URL ones,
//! read by the same `SearchQuery::from_params` (unknown or malformed values ignored, text cut
//! at `MAX_TEXT_CHARS`, the last of repeated parameters counts, as in the app's router), plus
//! `limit` and `offset`, which are the API's own and refused with a 422 when wrong. The search
//! is core's, over the index the catalog snapshot built once.

use crate::web::error::AppError;
use crate::web::http::locale_of;
use crate::web::precompressed::etag_matches;
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use etalase_core::api::{
    SearchResults, SEARCH_DEFAULT_LIMIT, SEARCH_LIMIT_PARAM, SEARCH_MAX_LIMIT, SEARCH_OFFSET_PARAM,
};
use etalase_core::catalog::{Catalog, Ikm};
use etalase_core::search::{self, SearchQuery};
use etalase_core::shelf::KabupatenCount;
use etalase_core::Locale;

pub fn routes() -> utoipa_axum::router::OpenApiRouter<AppState> {
    utoipa_axum::router::OpenApiRouter::new().routes(utoipa_axum::routes!(search))
}

/// Which page of the results.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    pub limit: usize,
    pub offset: usize,
}

/// `limit` (1–100, default 24) and `offset` (0 up to the number of products in the catalog;
/// past the last match the page is empty, as the results may shrink between two pages).
pub fn page(
    get: impl Fn(&str) -> Option<String>,
    products: usize,
    locale: Locale,
) -> Result<Page, AppError> {
    let mut fields = std::collections::BTreeMap::new();
    let number = |key: &str| get(key).map(|v| v.trim().parse::<usize>().ok());
    let limit = match number(SEARCH_LIMIT_PARAM) {
        None => SEARCH_DEFAULT_LIMIT,
        Some(Some(n)) if (1..=SEARCH_MAX_LIMIT).contains(&n) => n,
        Some(_) => {
            fields.insert(
                SEARCH_LIMIT_PARAM.to_owned(),
                match locale {
                    Locale::Id => format!("Isi bilangan bulat 1 sampai {SEARCH_MAX_LIMIT}."),
                    Locale::En => format!("Give a whole number from 1 to {SEARCH_MAX_LIMIT}."),
                },
            );
            0
        }
    };
    let offset = match number(SEARCH_OFFSET_PARAM) {
        None => 0,
        Some(Some(n)) if n <= products => n,
        Some(_) => {
            fields.insert(
                SEARCH_OFFSET_PARAM.to_owned(),
                match locale {
                    Locale::Id => format!("Isi bilangan bulat 0 sampai {products}."),
                    Locale::En => format!("Give a whole number from 0 to {products}."),
                },
            );
            0
        }
    };
    if fields.is_empty() {
        Ok(Page { limit, offset })
    } else {
        Err(AppError::Fields(fields, locale))
    }
}

/// The page of results: the products at `page`, and their IKM in order of first appearance.
pub fn results(
    catalog: &Catalog,
    hits: &[usize],
    page: Page,
    kabupaten: &[KabupatenCount],
) -> SearchResults {
    let start = page.offset.min(hits.len());
    let end = start.saturating_add(page.limit).min(hits.len());
    let products: Vec<_> = hits[start..end]
        .iter()
        .filter_map(|&i| catalog.products.get(i))
        .cloned()
        .collect();
    let mut ikm: Vec<Ikm> = Vec::new();
    for p in &products {
        if !ikm.iter().any(|i| i.slug == p.ikm) {
            if let Some(found) = catalog.ikm(p.ikm.as_str()) {
                ikm.push(found.clone());
            }
        }
    }
    SearchResults {
        total: hits.len(),
        products,
        ikm,
        kabupaten: kabupaten.to_vec(),
    }
}

#[utoipa::path(get, path = "/api/v1/search", tag = "catalog",
    params(
        ("q" = Option<String>, Query, description = "Words, as typed (folded, variants and one typo forgiven; past 200 characters ignored)"),
        ("kategori" = Option<String>, Query, description = "Category slug (unknown: ignored)"),
        ("wilayah" = Option<String>, Query, description = "Kabupaten/kota slug (unknown: ignored)"),
        ("harga-min" = Option<String>, Query, description = "Lowest price in whole Rupiah (malformed or negative: ignored)"),
        ("harga-maks" = Option<String>, Query, description = "Highest price in whole Rupiah (malformed or negative: ignored)"),
        ("sertifikat" = Option<String>, Query, description = "Comma-separated: halal, pirt, bpom-md, sni (unknown ones ignored)"),
        ("stok" = Option<String>, Query, description = "tersedia | pesanan (else ignored)"),
        ("urut" = Option<String>, Query, description = "relevan (default) | harga-naik | harga-turun | terbaru (else ignored)"),
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 100, description = "Products per page, 1 to 100 (default 24); else 422"),
        ("offset" = Option<u32>, Query, minimum = 0, description = "Products to skip, at most the catalog's product count (else 422); past the last match the page is empty"),
    ),
    responses(
        (status = 200, description = "One page of results, with the total and the IKM of the page's products. Header Server-Timing: search;dur=<ms>. Weak ETag of the catalog version (304 when If-None-Match matches).", body = etalase_core::api::SearchResults),
        (status = 304, description = "Not modified"),
        (status = 422, description = "limit or offset out of range, per field", body = etalase_core::api::ApiError)))]
async fn search(
    State(state): State<AppState>,
    Query(params): Query<Vec<(String, String)>>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let snap = state.catalog();
    let catalog = &snap.catalog;
    // Repeated parameters: the last counts, as in the app's router.
    let get = |key: &str| {
        params
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    };
    let page = page(get, catalog.products.len(), locale_of(&headers))?;
    let query = SearchQuery::from_params(get);
    let etag = HeaderValue::from_str(&snap.etag).ok();
    let cache = (
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, no-cache"),
    );
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| etag_matches(v, &snap.etag));
    let mut response = if fresh {
        (StatusCode::NOT_MODIFIED, [cache]).into_response()
    } else {
        let searched = snap.clone();
        let (found, millis) = crate::web::gate::SEARCHING
            .run(move || {
                let started = std::time::Instant::now();
                let hits = search::run(&searched.catalog, &searched.index, &query);
                let found = results(&searched.catalog, &hits, page, &searched.kabupaten);
                (found, started.elapsed().as_secs_f64() * 1000.0)
            })
            .await?;
        let timing = HeaderValue::from_str(&format!("search;dur={millis:.2}"))
            .map_err(|e| AppError::Internal(e.into()))?;
        let server_timing = header::HeaderName::from_static("server-timing");
        ([cache, (server_timing, timing)], Json(found)).into_response()
    };
    if let Some(etag) = etag {
        response.headers_mut().insert(header::ETAG, etag);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            pairs
                .iter()
                .find(|(key, _)| *key == k)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn page_bounds() {
        let ok = |pairs: &[(&str, &str)]| page(params(pairs), 182, Locale::Id).ok();
        assert_eq!(
            ok(&[]),
            Some(Page {
                limit: 24,
                offset: 0
            })
        );
        assert_eq!(
            ok(&[("limit", "100"), ("offset", "182")]),
            Some(Page {
                limit: 100,
                offset: 182
            })
        );
        assert_eq!(
            ok(&[("limit", " 1 ")]),
            Some(Page {
                limit: 1,
                offset: 0
            })
        );
        for bad in [
            [("limit", "0")],
            [("limit", "101")],
            [("limit", "-1")],
            [("limit", "")],
            [("limit", "sepuluh")],
            [("offset", "183")],
            [("offset", "-1")],
            [("offset", "99999999999999999999999")],
        ] {
            assert!(ok(&bad).is_none(), "{bad:?}");
        }
        let Err(AppError::Fields(fields, _)) =
            page(params(&[("limit", "0"), ("offset", "x")]), 10, Locale::En)
        else {
            panic!("both fields named");
        };
        assert_eq!(fields.len(), 2);
    }
}
