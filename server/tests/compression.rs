//! Answers compressed once: the catalog, product and IKM JSON, the site and OpenAPI documents,
//! the shells, preview pages and the not-found page are sent in the coding the client prefers
//! (q-values, `*`, `q=0`), decode to the same bytes in every coding, keep their ETag and 304s,
//! say `Vary: Accept-Encoding`, are never compressed twice, and are made again after an edit.
//! The per-origin page cache stays within its budget whatever `Host` clients send.

mod common;

use common::{spawn_app, Session, TestApp};
use etalase_core::account::Role;
use etalase_core::catalog::{Catalog, ProductDetail};
use etalase_core::product_edit::ProductInput;
use serde_json::json;
use std::io::Read;

const OWNER: &str = "kopi-gunung-betung";
const PRODUCT: &str = "kopi-robusta-bubuk-250-g";

async fn get_with(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut req = app.client.get(format!("{}{path}", app.base));
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    req.send().await.unwrap()
}

/// The body as sent, decoded by its `Content-Encoding`; checks `Content-Length` and `Vary`.
async fn decoded(res: reqwest::Response) -> (Option<String>, Vec<u8>) {
    let coding = res
        .headers()
        .get("content-encoding")
        .map(|v| v.to_str().unwrap().to_owned());
    let vary = res.headers()["vary"].to_str().unwrap().to_ascii_lowercase();
    assert!(vary.contains("accept-encoding"), "vary: {vary}");
    let length: usize = res.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let raw = res.bytes().await.unwrap();
    assert_eq!(raw.len(), length, "Content-Length");
    let mut out = Vec::new();
    match coding.as_deref() {
        None => out.extend_from_slice(&raw),
        Some("br") => {
            brotli::Decompressor::new(&raw[..], 4096)
                .read_to_end(&mut out)
                .unwrap();
        }
        Some("gzip") => {
            flate2::read::GzDecoder::new(&raw[..])
                .read_to_end(&mut out)
                .unwrap();
        }
        Some(other) => panic!("unexpected coding {other}"),
    }
    (coding, out)
}

/// (Accept-Encoding, the coding expected); `None` sends no header.
const NEGOTIATIONS: [(Option<&str>, Option<&str>); 12] = [
    (None, None),
    (Some("br"), Some("br")),
    (Some("gzip"), Some("gzip")),
    (Some("gzip, deflate, br, zstd"), Some("br")),
    (Some("identity"), None),
    (Some("br;q=0, gzip"), Some("gzip")),
    (Some("br;q=0"), None),
    (Some("gzip;q=0.5, br;q=0.4"), Some("gzip")),
    (Some("br;q=0.1, identity;q=0.9"), None),
    (Some("*"), Some("br")),
    (Some("*;q=0.5, br;q=0"), Some("gzip")),
    (Some("deflate"), None),
];

/// Every negotiation on `path`: the coding expected, the same decoded bytes and the same
/// ETag each time, and nothing compressed twice. Returns the decoded body.
async fn same_in_every_coding(app: &TestApp, path: &str, status: u16) -> Vec<u8> {
    let mut seen: Option<(Vec<u8>, Option<String>)> = None;
    for (accept, expected) in NEGOTIATIONS {
        let headers: Vec<(&str, &str)> =
            accept.map(|a| ("Accept-Encoding", a)).into_iter().collect();
        let res = get_with(app, path, &headers).await;
        assert_eq!(res.status(), status, "{path} with {accept:?}");
        let etag = res
            .headers()
            .get("etag")
            .map(|v| v.to_str().unwrap().to_owned());
        let (coding, body) = decoded(res).await;
        // A tiny answer is kept as identity only: compressing it would not make it smaller.
        if body.len() > 64 || coding.is_some() {
            assert_eq!(coding.as_deref(), expected, "{path} with {accept:?}");
        }
        match &seen {
            None => seen = Some((body, etag)),
            Some((first, first_etag)) => {
                assert!(first == &body, "{path} with {accept:?}: other content");
                assert_eq!(first_etag, &etag, "{path} with {accept:?}: other ETag");
            }
        }
    }
    seen.unwrap().0
}

#[tokio::test]
async fn the_catalog_is_sent_in_the_coding_asked_for_and_decodes_to_the_same_json() {
    let app = spawn_app().await;
    let body = same_in_every_coding(&app, "/api/v1/catalog", 200).await;
    let catalog: Catalog = serde_json::from_slice(&body).unwrap();
    assert!(catalog.products.len() >= 160);
    // The bytes kept are the bytes the snapshot serialised.
    assert_eq!(body, app.state.catalog().json.identity().to_vec());
    // Compressed for real.
    let br = get_with(&app, "/api/v1/catalog", &[("Accept-Encoding", "br")]).await;
    let size = br.bytes().await.unwrap().len();
    assert!(size < body.len() / 4, "brotli: {size} of {}", body.len());
}

#[tokio::test]
async fn head_says_the_length_of_the_coding_it_would_send() {
    let app = spawn_app().await;
    let get = get_with(&app, "/api/v1/catalog", &[("Accept-Encoding", "gzip")]).await;
    let length = get.headers()["content-length"].to_str().unwrap().to_owned();
    let head = app
        .client
        .head(format!("{}/api/v1/catalog", app.base))
        .header("Accept-Encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(head.headers()["content-encoding"], "gzip");
    assert_eq!(head.headers()["content-length"].to_str().unwrap(), length);
    assert!(head.bytes().await.unwrap().is_empty());
}

#[tokio::test]
async fn edits_at_once_all_reach_the_catalog() {
    let app = spawn_app().await;
    let session = owner(&app).await;
    let catalog: Catalog = app.get("/api/v1/catalog").await.json().await.unwrap();
    let mine: Vec<_> = catalog.products_of(OWNER).take(3).cloned().collect();
    assert!(mine.len() >= 2);
    let edits: Vec<_> = mine
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut input = ProductInput::from_product(p);
            // Up a little: the volume tiers stay below it.
            input.price = etalase_core::Rupiah(p.price.amount() + 7 + i as i64);
            let path = format!("/api/v1/desk/products/{}", p.slug);
            let session = &session;
            let app = &app;
            async move {
                let res = app.post_as(session, &path, &json!(input)).await;
                assert_eq!(res.status(), 200);
            }
        })
        .collect();
    futures_util::future::join_all(edits).await;
    // Reloads are coalesced; none is lost.
    let after: Catalog =
        serde_json::from_slice(&same_in_every_coding(&app, "/api/v1/catalog", 200).await).unwrap();
    for (i, p) in mine.iter().enumerate() {
        let now = after.product(p.slug.as_str()).unwrap();
        assert_eq!(
            now.price.amount(),
            p.price.amount() + 7 + i as i64,
            "{}",
            p.slug
        );
    }
}

#[tokio::test]
async fn nothing_acceptable_is_a_406() {
    let app = spawn_app().await;
    for accept in ["identity;q=0", "*;q=0", "br;q=0, gzip;q=0, identity;q=0"] {
        for path in [
            "/api/v1/catalog",
            "/",
            "/api/v1/products/kopi-robusta-bubuk-250-g",
        ] {
            let res = get_with(&app, path, &[("Accept-Encoding", accept)]).await;
            assert_eq!(res.status(), 406, "{path} with {accept}");
        }
    }
    // Refusing only identity still gets a coding.
    let res = get_with(
        &app,
        "/api/v1/catalog",
        &[("Accept-Encoding", "gzip, identity;q=0")],
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-encoding"], "gzip");
}

#[tokio::test]
async fn every_answer_that_does_not_change_is_compressed_once_and_the_same_in_every_coding() {
    let app = spawn_app().await;
    let json = |b: Vec<u8>| serde_json::from_slice::<serde_json::Value>(&b).unwrap();
    let product =
        json(same_in_every_coding(&app, &format!("/api/v1/products/{PRODUCT}"), 200).await);
    assert_eq!(product["product"]["slug"], PRODUCT);
    let ikm = json(same_in_every_coding(&app, &format!("/api/v1/ikm/{OWNER}"), 200).await);
    assert_eq!(ikm["ikm"]["slug"], OWNER);
    assert_eq!(
        json(same_in_every_coding(&app, "/api/v1/site", 200).await)["ordering"],
        true
    );
    let doc = json(same_in_every_coding(&app, "/api/v1/openapi.json", 200).await);
    assert!(doc["paths"]["/api/v1/search"].is_object());
    for path in [
        "/",
        &format!("/produk/{PRODUCT}"),
        &format!("/ikm/{OWNER}"),
        "/kategori/kriya",
        "/ajukan",
        "/sitemap.xml",
    ] {
        let html = String::from_utf8(same_in_every_coding(&app, path, 200).await).unwrap();
        assert!(
            html.contains("etalase-shell") || path == "/sitemap.xml",
            "{path}"
        );
    }
    let missing = same_in_every_coding(&app, "/produk/tidak-ada", 404).await;
    assert!(String::from_utf8(missing)
        .unwrap()
        .contains("Halaman tidak ditemukan"));
    let missing = same_in_every_coding(&app, "/tidak/ada/sama/sekali", 404).await;
    assert!(String::from_utf8(missing)
        .unwrap()
        .contains("Halaman tidak ditemukan"));
    // Kept once per catalog version: two products and the IKM, and the pages asked for.
    let snap = app.state.catalog();
    assert_eq!(snap.details.len(), 2);
    assert!(snap.pages.len() >= 5);
}

#[tokio::test]
async fn etags_give_304s_in_every_coding_with_vary() {
    let app = spawn_app().await;
    for path in [
        "/api/v1/catalog",
        &format!("/api/v1/products/{PRODUCT}"),
        &format!("/produk/{PRODUCT}"),
        "/api/v1/site",
    ] {
        let first = get_with(&app, path, &[("Accept-Encoding", "br")]).await;
        let etag = first.headers()["etag"].to_str().unwrap().to_owned();
        assert!(etag.starts_with("W/\""), "{path}: {etag}");
        for accept in ["br", "gzip", "identity"] {
            let again = get_with(
                &app,
                path,
                &[("Accept-Encoding", accept), ("If-None-Match", &etag)],
            )
            .await;
            assert_eq!(again.status(), 304, "{path} {accept}");
            assert_eq!(again.headers()["etag"].to_str().unwrap(), etag);
            assert!(again.headers()["vary"]
                .to_str()
                .unwrap()
                .contains("accept-encoding"));
            assert!(again.headers().get("content-encoding").is_none());
            assert!(again.bytes().await.unwrap().is_empty());
        }
        let stale = get_with(&app, path, &[("If-None-Match", "W/\"0000000000000000\"")]).await;
        assert_eq!(stale.status(), 200, "{path}");
    }
}

async fn owner(app: &TestApp) -> Session {
    let p = app.account(OWNER, Role::Ikm, Some(OWNER)).await;
    app.login(OWNER, &p).await
}

#[tokio::test]
async fn an_edit_renews_every_cached_answer_in_every_coding() {
    let app = spawn_app().await;
    let session = owner(&app).await;
    // Fill the caches first.
    let before = same_in_every_coding(&app, "/api/v1/catalog", 200).await;
    let catalog: Catalog = serde_json::from_slice(&before).unwrap();
    same_in_every_coding(&app, &format!("/api/v1/products/{PRODUCT}"), 200).await;
    let page_before =
        String::from_utf8(same_in_every_coding(&app, &format!("/produk/{PRODUCT}"), 200).await)
            .unwrap();
    assert!(!page_before.contains("47.123"));
    let old_etag = app.state.catalog().etag.clone();

    let mut input = ProductInput::from_product(catalog.product(PRODUCT).unwrap());
    input.price = etalase_core::Rupiah(47_123);
    let res = app
        .post_as(
            &session,
            &format!("/api/v1/desk/products/{PRODUCT}"),
            &json!(input),
        )
        .await;
    assert_eq!(res.status(), 200);

    assert_ne!(app.state.catalog().etag, old_etag);
    let after: Catalog =
        serde_json::from_slice(&same_in_every_coding(&app, "/api/v1/catalog", 200).await).unwrap();
    assert_eq!(after.product(PRODUCT).unwrap().price.amount(), 47_123);
    let detail: ProductDetail = serde_json::from_slice(
        &same_in_every_coding(&app, &format!("/api/v1/products/{PRODUCT}"), 200).await,
    )
    .unwrap();
    assert_eq!(detail.product.price.amount(), 47_123);
    let page =
        String::from_utf8(same_in_every_coding(&app, &format!("/produk/{PRODUCT}"), 200).await)
            .unwrap();
    assert!(
        page.contains("47.123"),
        "the preview page shows the new price"
    );
    // The old version's ETag no longer matches.
    let res = get_with(&app, "/api/v1/catalog", &[("If-None-Match", &old_etag)]).await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn the_page_cache_stays_within_its_budget_whatever_host_is_sent() {
    // A shell of about 100 KB (a real one is smaller; this fills the budget sooner).
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("dist")).unwrap();
    let filler: String = (0..4_000).map(|i| format!("<i>{i:05}</i>")).collect();
    let shell = format!(
        "<!doctype html><html><head><title>Etalase</title></head>\
         <body><p>etalase-shell</p>{filler}</body></html>"
    );
    std::fs::write(dir.path().join("dist/index.html"), shell).unwrap();
    let config = common::config_in(dir.path(), common::seed_path());
    let app = common::spawn_with(dir, config).await;
    // Pages that do not exist are never kept, whatever the host.
    for i in 0..50 {
        let host = format!("tamu-{i}.example");
        let res = get_with(&app, "/produk/tidak-ada", &[("Host", &host)]).await;
        assert_eq!(res.status(), 404);
    }
    assert_eq!(app.state.catalog().pages.len(), 0);
    // Many hosts for a page that exists: each is made for its host, the cache stays bounded.
    let page_cost = {
        let res = get_with(
            &app,
            "/",
            &[("Host", "satu.example"), ("Accept-Encoding", "br")],
        )
        .await;
        assert_eq!(res.status(), 200);
        app.state.catalog().pages.bytes()
    };
    assert!(page_cost > 0);
    let budget = etalase_server::catalog::snapshot::PAGES_BUDGET;
    // Enough hosts to overflow the budget one and a half times, sent 8 at a time.
    let hosts = 3 * budget / page_cost / 2 + 1;
    assert!(hosts < 2_000, "{hosts} requests: make the pages larger");
    let mut sent = 0;
    while sent < hosts {
        let batch: Vec<_> = (sent..(sent + 8).min(hosts))
            .map(|i| {
                let app = &app;
                async move {
                    let host = format!("h{i}.penyerang.example");
                    let res =
                        get_with(app, "/", &[("Host", &host), ("Accept-Encoding", "br")]).await;
                    assert_eq!(res.status(), 200);
                    let (_, body) = decoded(res).await;
                    // Made for the host asked for, not another's.
                    let html = String::from_utf8(body).unwrap();
                    assert!(html.contains(&host), "{host}: {html}");
                }
            })
            .collect();
        futures_util::future::join_all(batch).await;
        sent += 8;
        assert!(app.state.catalog().pages.bytes() <= budget);
    }
    let pages = &app.state.catalog().pages;
    eprintln!(
        "{hosts} hosts of {page_cost} bytes each: {} pages kept, {} bytes (budget {budget})",
        pages.len(),
        pages.bytes()
    );
    assert!(pages.bytes() <= budget);
    assert!(pages.len() < hosts, "older pages were dropped");
}

/// The catalog's fast path (`etalase_server::Site`) answers exactly as the router does: the
/// same status, body and headers (the date aside) for each way of asking, the security
/// headers included; what it does not take (a query string, HEAD, nothing acceptable) goes
/// through the router.
#[tokio::test]
async fn the_catalogs_fast_path_answers_as_the_router_does() {
    let app = spawn_app().await;
    let path = etalase_core::api::CATALOG_PATH;
    let plain = get_with(&app, path, &[("Accept-Encoding", "br")]).await;
    let etag = plain.headers()["etag"].to_str().unwrap().to_owned();
    let asks: [&[(&str, &str)]; 5] = [
        &[("Accept-Encoding", "br")],
        &[("Accept-Encoding", "gzip")],
        &[],
        &[("Accept-Encoding", "br"), ("If-None-Match", &etag)],
        &[("Accept-Encoding", "identity;q=0, *;q=0")],
    ];
    for headers in asks {
        // A query string the catalog ignores takes the router's way.
        let fast = get_with(&app, path, headers).await;
        let routed = get_with(&app, &format!("{path}?lewat=router"), headers).await;
        assert_eq!(fast.status(), routed.status(), "{headers:?}");
        let names = |res: &reqwest::Response| {
            let mut all: Vec<(String, String)> = res
                .headers()
                .iter()
                .filter(|(name, _)| *name != "date")
                .map(|(n, v)| (n.to_string(), v.to_str().unwrap().to_owned()))
                .collect();
            all.sort();
            all
        };
        assert_eq!(names(&fast), names(&routed), "{headers:?}");
        let fast_headers = names(&fast);
        for security in [
            "content-security-policy",
            "x-content-type-options",
            "x-frame-options",
            "referrer-policy",
        ] {
            assert!(
                fast_headers.iter().any(|(n, _)| n == security),
                "{security} missing for {headers:?}"
            );
        }
        assert_eq!(
            fast.bytes().await.unwrap(),
            routed.bytes().await.unwrap(),
            "{headers:?}"
        );
    }
}
