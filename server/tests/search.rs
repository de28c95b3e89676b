//! `GET /api/v1/search`: the same results as core's search on the same catalog, pages that
//! add up, bounds that answer 422, and a 10,000-product catalog answered correctly.

mod common;

use common::{spawn_app, spawn_grown, TestApp};
use etalase_core::api::{search_path, ApiError, SearchResults};
use etalase_core::catalog::Catalog;
use etalase_core::search::{self, SearchIndex, SearchQuery};

struct Answer {
    status: reqwest::StatusCode,
    headers: reqwest::header::HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn results(&self) -> SearchResults {
        serde_json::from_slice(&self.body).unwrap()
    }

    fn error(&self) -> ApiError {
        serde_json::from_slice(&self.body).unwrap()
    }
}

async fn search_at(app: &TestApp, path_and_query: &str) -> Answer {
    let res = app.get(path_and_query).await;
    Answer {
        status: res.status(),
        headers: res.headers().clone(),
        body: res.bytes().await.unwrap().to_vec(),
    }
}

/// The query as the app's URL parsing reads it (the last of repeated parameters counts).
fn query_of(params: &str) -> SearchQuery {
    let pairs: Vec<(String, String)> = params
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (k.to_owned(), v.replace("%20", " "))
        })
        .collect();
    SearchQuery::from_params(|k| {
        pairs
            .iter()
            .rev()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    })
}

/// What core finds, as slugs in order.
fn core_slugs(catalog: &Catalog, index: &SearchIndex, query: &SearchQuery) -> Vec<String> {
    search::run(catalog, index, query)
        .into_iter()
        .map(|i| catalog.products[i].slug.to_string())
        .collect()
}

fn slugs(found: &SearchResults) -> Vec<String> {
    found.products.iter().map(|p| p.slug.to_string()).collect()
}

/// The IKM of the page's products, each once, in order of first appearance.
fn check_ikm(found: &SearchResults) {
    let mut expected: Vec<String> = Vec::new();
    for p in &found.products {
        if !expected.contains(&p.ikm.to_string()) {
            expected.push(p.ikm.to_string());
        }
    }
    let got: Vec<String> = found.ikm.iter().map(|i| i.slug.to_string()).collect();
    assert_eq!(got, expected);
}

const QUERIES: [&str; 15] = [
    "",
    "q=kopi",
    "q=keripik&urut=harga-naik",
    "q=kripik%20pisang",
    "q=coffee",
    "q=kopii",
    "q=zzzzqqq",
    "kategori=kriya",
    "kategori=elektronik",
    "wilayah=lampung-barat&urut=terbaru",
    "sertifikat=halal,pirt",
    "stok=pesanan&urut=harga-turun",
    "harga-min=50000&harga-maks=200000",
    "harga-min=murah&urut=acak",
    "q=kopi&q=madu",
];

/// Every query's first page (100) equals core's, with core's total and the page's IKM.
async fn same_as_core(app: &TestApp, queries: &[&str]) {
    let snap = app.state.catalog();
    let catalog = &snap.catalog;
    let index = SearchIndex::new(catalog);
    for params in queries {
        let answer = search_at(app, &format!("/api/v1/search?{params}&limit=100")).await;
        assert_eq!(answer.status, 200, "{params}");
        let found = answer.results();
        let expected = core_slugs(catalog, &index, &query_of(params));
        assert_eq!(found.total, expected.len(), "{params}");
        let first: Vec<String> = expected.iter().take(100).cloned().collect();
        assert_eq!(slugs(&found), first, "{params}");
        check_ikm(&found);
        // The products are the catalog's, whole.
        for p in &found.products {
            assert_eq!(Some(p), catalog.product(p.slug.as_str()), "{params}");
        }
        let timing = answer.headers["server-timing"].to_str().unwrap();
        let ms = timing.strip_prefix("search;dur=").expect(timing);
        assert_eq!(ms.split('.').nth(1).map(str::len), Some(2), "{timing}");
        ms.parse::<f64>().unwrap();
    }
}

#[tokio::test]
async fn results_are_core_search_results() {
    let app = spawn_app().await;
    same_as_core(&app, &QUERIES).await;
    // The app's own path helper reaches the same results.
    let query = SearchQuery {
        text: "kopi bubuk".into(),
        sort: search::Sort::PriceAsc,
        ..Default::default()
    };
    let answer = search_at(&app, &search_path(&query, 5, 0)).await;
    assert_eq!(answer.status, 200);
    let found = answer.results();
    let snap = app.state.catalog();
    let expected = core_slugs(&snap.catalog, &snap.index, &query);
    assert_eq!(found.total, expected.len());
    assert_eq!(slugs(&found), expected[..5.min(expected.len())]);
}

#[tokio::test]
async fn pages_add_up_to_the_whole_result() {
    let app = spawn_app().await;
    let snap = app.state.catalog();
    let all = core_slugs(&snap.catalog, &snap.index, &SearchQuery::default());
    assert!(all.len() > 150);
    let mut seen: Vec<String> = Vec::new();
    let mut offset = 0;
    let mut last_len = 0;
    while offset < all.len() {
        let answer = search_at(&app, &format!("/api/v1/search?limit=50&offset={offset}")).await;
        assert_eq!(answer.status, 200);
        let page = answer.results();
        assert_eq!(page.total, all.len(), "the total is the same on every page");
        for slug in slugs(&page) {
            assert!(!seen.contains(&slug), "{slug} on two pages");
            seen.push(slug);
        }
        last_len = page.products.len();
        offset += 50;
    }
    assert_eq!(seen, all);
    assert_eq!(
        last_len,
        all.len() - 50 * ((all.len() - 1) / 50),
        "last page short"
    );
    assert!(last_len < 50);
    // Default page size.
    let answer = search_at(&app, "/api/v1/search?q=kopi").await;
    assert!(answer.results().products.len() <= 24);
}

#[tokio::test]
async fn bounds_are_422_or_ignored_as_the_app_ignores_them() {
    let app = spawn_app().await;
    let products = app.state.catalog().catalog.products.len();
    for (params, field) in [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=-3", "limit"),
        ("limit=banyak", "limit"),
        ("limit=", "limit"),
        ("offset=-1", "offset"),
        ("offset=satu", "offset"),
        (&format!("offset={}", products + 1), "offset"),
        ("offset=18446744073709551616", "offset"),
    ] {
        let answer = search_at(&app, &format!("/api/v1/search?{params}")).await;
        assert_eq!(answer.status, 422, "{params}");
        assert!(answer.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json"));
        let error = answer.error();
        assert_eq!(error.code, "invalid");
        assert!(error.fields.contains_key(field), "{params}: {error:?}");
    }
    // Up to the catalog's size, an offset past the matches is an empty page.
    let answer = search_at(&app, &format!("/api/v1/search?q=kopi&offset={products}")).await;
    assert_eq!(answer.status, 200);
    let page = answer.results();
    assert!(page.total > 0);
    assert!(page.products.is_empty() && page.ikm.is_empty());
    // Unknown filter values are ignored, as in the app's URL; long text is cut at 200 chars.
    let long = format!("q=kopi{}", "%20robusta".repeat(150));
    let answer = search_at(&app, &format!("/api/v1/search?{long}")).await;
    assert_eq!(answer.status, 200);
    let cut: String = format!("kopi{}", " robusta".repeat(150))
        .chars()
        .take(etalase_core::search::MAX_TEXT_CHARS)
        .collect();
    let snap = app.state.catalog();
    let expected = core_slugs(
        &snap.catalog,
        &snap.index,
        &SearchQuery {
            text: cut,
            ..Default::default()
        },
    );
    assert_eq!(answer.results().total, expected.len());
    // Unreadable query strings are our JSON 400.
    let answer = search_at(&app, "/api/v1/search?q=%ff%fe").await;
    assert!(
        answer.status == 200 || answer.status == 400,
        "{}",
        answer.status
    );
    if answer.status == 400 {
        assert_eq!(answer.error().code, "bad_request");
    }
}

#[tokio::test]
async fn the_catalog_version_is_the_etag() {
    let app = spawn_app().await;
    let answer = search_at(&app, "/api/v1/search?q=kopi").await;
    let etag = answer.headers["etag"].to_str().unwrap().to_owned();
    assert_eq!(etag, app.state.catalog().etag);
    let res = app
        .client
        .get(format!("{}/api/v1/search?q=kopi", app.base))
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 304);
}

#[tokio::test]
async fn ten_thousand_products_are_searched_correctly() {
    let app = spawn_grown(10_000).await;
    assert_eq!(app.state.catalog().catalog.products.len(), 10_000);
    same_as_core(&app, &QUERIES).await;
    // The whole catalog, compressed once, decodes to all of it.
    let res = app
        .client
        .get(format!("{}/api/v1/catalog", app.base))
        .header("Accept-Encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-encoding"], "br");
    let raw = res.bytes().await.unwrap();
    let mut json = Vec::new();
    std::io::Read::read_to_end(&mut brotli::Decompressor::new(&raw[..], 4096), &mut json).unwrap();
    assert!(
        raw.len() < json.len() / 4,
        "{} of {}",
        raw.len(),
        json.len()
    );
    let catalog: Catalog = serde_json::from_slice(&json).unwrap();
    assert_eq!(catalog.products.len(), 10_000);
    // Deep pages of a large result.
    let snap = app.state.catalog();
    let all = core_slugs(&snap.catalog, &snap.index, &query_of("q=kopi"));
    assert!(all.len() > 1_000, "{}", all.len());
    for offset in [0, 500, all.len() - 7] {
        let answer = search_at(
            &app,
            &format!("/api/v1/search?q=kopi&limit=100&offset={offset}"),
        )
        .await;
        assert_eq!(answer.status, 200);
        let page = answer.results();
        assert_eq!(page.total, all.len());
        let end = (offset + 100).min(all.len());
        assert_eq!(slugs(&page), all[offset..end]);
        check_ikm(&page);
    }
}

#[tokio::test]
async fn the_search_page_s_first_html_shows_the_same_results() {
    let app = spawn_app().await;
    let res = app
        .get("/cari?q=kopi&urut=harga-naik&urut=harga-turun")
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-cache");
    let html = res.text().await.unwrap();
    assert!(html.contains("etalase-shell"));
    let snap = app.state.catalog();
    let expected = core_slugs(
        &snap.catalog,
        &snap.index,
        &query_of("q=kopi&urut=harga-turun"),
    );
    assert!(
        html.contains(&format!("{} produk</p>", expected.len())),
        "{html}"
    );
    let first = html.find(&format!("/produk/{}", expected[0])).unwrap();
    let second = html.find(&format!("/produk/{}", expected[1])).unwrap();
    assert!(
        first < second,
        "in the order asked for (the last urut counts)"
    );
    // An unreadable query string is an empty search, not an error page.
    let res = app.get("/cari?%zz=%").await;
    assert_eq!(res.status(), 200);
}
