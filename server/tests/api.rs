//! The server as a client sees it: each test gets its own server on port 0 with a fresh
//! temporary database and a stand-in `dist/`.

mod common;

use common::{config_in, seed_path, spawn_app, INDEX};
use etalase_core::api::ApiError;
use etalase_core::catalog::{Catalog, IkmDetail, ProductDetail};
use etalase_server::config::Config;

#[tokio::test]
async fn catalog_holds_the_seeded_ikm_and_products() {
    let app = spawn_app().await;

    let res = app.get("/api/v1/catalog").await;

    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/json");
    assert!(res.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("no-cache"));
    let catalog: Catalog = res.json().await.unwrap();
    assert_eq!(catalog.ikm.len(), 40);
    assert!(catalog.products.len() >= 160);
    assert_eq!(catalog.categories.len(), 4);
    assert_eq!(catalog.kabupaten.len(), 15);
}

#[tokio::test]
async fn matching_etag_gets_304_and_another_gets_the_body() {
    let app = spawn_app().await;
    let first = app.get("/api/v1/catalog").await;
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();

    let again = app
        .client
        .get(format!("{}/api/v1/catalog", app.base))
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    assert_eq!(again.headers()["etag"].to_str().unwrap(), etag);
    assert!(again.bytes().await.unwrap().is_empty());

    let stale = app
        .client
        .get(format!("{}/api/v1/catalog", app.base))
        .header("If-None-Match", "W/\"0000000000000000\"")
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 200);
}

#[tokio::test]
async fn catalog_is_compressed_for_clients_that_accept_it() {
    let app = spawn_app().await;
    for encoding in ["br", "gzip"] {
        let res = app
            .client
            .get(format!("{}/api/v1/catalog", app.base))
            .header("Accept-Encoding", encoding)
            .send()
            .await
            .unwrap();
        assert_eq!(res.headers()["content-encoding"], encoding);
        let compressed = res.bytes().await.unwrap().len();
        assert!(compressed < 40_000, "{encoding}: {compressed} bytes");
    }
}

#[tokio::test]
async fn product_and_ikm_by_slug() {
    let app = spawn_app().await;

    let product: ProductDetail = app
        .get("/api/v1/products/keripik-pisang-coklat-250-g")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(product.product.name, "Keripik Pisang Coklat 250 g");
    assert_eq!(product.ikm.slug.as_str(), product.product.ikm.as_str());

    let ikm: IkmDetail = app
        .get("/api/v1/ikm/kopi-ulubelu")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ikm.ikm.name, "Kopi Ulubelu");
    assert!(!ikm.products.is_empty());
    assert!(ikm
        .products
        .iter()
        .all(|p| p.ikm.as_str() == "kopi-ulubelu"));
}

/// Each storefront page has its own small document, the same whole-catalog rule picks its
/// contents, and an order list fetches its products in one bounded request.
#[tokio::test]
async fn pages_fetch_only_what_they_show() {
    let app = spawn_app().await;
    let catalog: Catalog = app.get("/api/v1/catalog").await.json().await.unwrap();

    let slug = "keripik-pisang-coklat-250-g";
    let detail: ProductDetail = app
        .get(&format!("/api/v1/products/{slug}"))
        .await
        .json()
        .await
        .unwrap();
    let whole = catalog.product(slug).unwrap();
    let expected: Vec<&str> = etalase_core::shelf::related(&catalog, whole)
        .iter()
        .map(|p| p.slug.as_str())
        .collect();
    let got: Vec<&str> = detail.related.iter().map(|p| p.slug.as_str()).collect();
    assert_eq!(got, expected);
    assert!(!got.is_empty());
    let small = detail.into_catalog();
    for p in &small.products {
        assert!(
            small.ikm(p.ikm.as_str()).is_some(),
            "{} without its maker",
            p.slug
        );
    }

    let home = app.get("/api/v1/home").await;
    assert_eq!(home.status(), 200);
    assert!(home.headers().contains_key("etag"));
    let home: etalase_core::shelf::Home = home.json().await.unwrap();
    assert_eq!(home, etalase_core::shelf::Home::of(&catalog));

    let a = catalog.products[3].slug.as_str();
    let b = catalog.products[40].slug.as_str();
    let res = app
        .get(&format!("/api/v1/products?slugs={b},{a},tidak-ada,{b}"))
        .await;
    assert_eq!(res.status(), 200);
    let found: etalase_core::CatalogData = res.json().await.unwrap();
    let names: Vec<&str> = found.products.iter().map(|p| p.slug.as_str()).collect();
    assert_eq!(names, vec![b, a]);
    for p in &found.products {
        assert!(found.ikm.iter().any(|i| i.slug == p.ikm));
    }

    // No slugs: nothing. Too many: a field error, not a long scan.
    let empty: etalase_core::CatalogData = app
        .get("/api/v1/products?slugs=")
        .await
        .json()
        .await
        .unwrap();
    assert!(empty.products.is_empty());
    let many = vec!["x"; 101].join(",");
    let res = app.get(&format!("/api/v1/products?slugs={many}")).await;
    assert_eq!(res.status(), 422);
    let error: ApiError = res.json().await.unwrap();
    assert!(error.fields.contains_key("slugs"), "{error:?}");

    // The longest list the app sends (100 slugs of the longest length) gets through the
    // server's bound on query strings; anything longer is a JSON 414, not a silent 404.
    let longest: Vec<String> = (0..100)
        .map(|i| format!("{i:03}{}", "x".repeat(etalase_core::slug::MAX_SLUG_LEN - 3)))
        .collect();
    let res = app
        .get(&format!("/api/v1/products?slugs={}", longest.join(",")))
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .get(&format!("/api/v1/products?slugs={},x", longest.join(",")))
        .await;
    assert_eq!(res.status(), 414);
    assert_eq!(res.json::<ApiError>().await.unwrap().code, "too_long");
}

#[tokio::test]
async fn unknown_slugs_and_api_paths_are_json_404s() {
    let app = spawn_app().await;
    for path in [
        "/api/v1/products/tidak-ada",
        "/api/v1/ikm/tidak-ada",
        "/api/v1/nothing-here",
        "/api/v2/catalog",
        "/api",
    ] {
        let res = app.get(path).await;
        assert_eq!(res.status(), 404, "{path}");
        assert_eq!(res.headers()["content-type"], "application/json", "{path}");
        let body: ApiError = res.json().await.unwrap();
        assert_eq!(body.code, "not_found", "{path}");
        assert!(!body.message.is_empty());
    }
}

#[tokio::test]
async fn app_routes_fall_back_to_index_html() {
    let app = spawn_app().await;
    for path in [
        "/",
        "/produk/keripik-pisang-coklat-250-g",
        "/ikm/kopi-ulubelu",
        "/kategori/kriya",
        "/cari?q=kopi&wilayah=lampung-barat",
        "/daftar-pesanan",
    ] {
        let res = app.get(path).await;
        assert_eq!(res.status(), 200, "{path}");
        assert!(res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        // The order list is the buyer's own (drawn from its cookie): no shared cache keeps it.
        let cache = if path == "/daftar-pesanan" {
            "private, no-cache"
        } else {
            "no-cache"
        };
        assert_eq!(res.headers()["cache-control"], cache, "{path}");
        // The app's shell, whatever the server adds to shareable pages.
        assert!(
            res.text().await.unwrap().contains("etalase-shell"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn unknown_pages_get_the_app_with_a_real_404() {
    let app = spawn_app().await;
    let res = app.get("/tidak/ada/halaman-ini").await;
    assert_eq!(res.status(), 404);
    let html = res.text().await.unwrap();
    assert!(html.contains("etalase-shell"));
    assert!(html.contains("Halaman tidak ditemukan"));
}

#[tokio::test]
async fn hashed_assets_are_cached_for_a_year() {
    let app = spawn_app().await;
    let res = app.get("/etalase-0123456789abcdef_bg.wasm").await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
}

#[tokio::test]
async fn healthz_reports_the_catalog() {
    let app = spawn_app().await;
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["ikm"], 40);
}

#[tokio::test]
async fn missing_dist_explains_how_to_build() {
    let dir = tempfile::tempdir().unwrap();
    let state = etalase_server::build_state(&config_in(dir.path(), seed_path()))
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, etalase_server::app(state).into_make_service()).await
    });

    let res = reqwest::get(format!("http://{addr}/produk/x"))
        .await
        .unwrap();
    assert_eq!(res.status(), 503);
    assert!(res.text().await.unwrap().contains("cargo xtask build"));
    // The API keeps working without the storefront.
    let api = reqwest::get(format!("http://{addr}/api/v1/catalog"))
        .await
        .unwrap();
    assert_eq!(api.status(), 200);
}

#[tokio::test]
async fn a_bad_seed_catalog_stops_start_naming_record_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(seed_path()).unwrap()).unwrap();
    doc["products"][3]["min_order"] = 0.into();
    let seed = dir.path().join("bad.json");
    std::fs::write(&seed, serde_json::to_string(&doc).unwrap()).unwrap();

    let err = etalase_server::build_state(&config_in(dir.path(), seed))
        .await
        .err()
        .expect("start must fail");
    let msg = format!("{err:#}");
    let slug = doc["products"][3]["slug"].as_str().unwrap();
    assert!(msg.contains(&format!("product \"{slug}\"")), "{msg}");
    assert!(msg.contains("`min_order`"), "{msg}");
}

#[tokio::test]
async fn a_malformed_seed_record_names_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(seed_path()).unwrap()).unwrap();
    doc["ikm"][2]["whatsapp"] = "12345".into();
    let seed = dir.path().join("bad.json");
    std::fs::write(&seed, serde_json::to_string(&doc).unwrap()).unwrap();

    let config = config_in(dir.path(), seed);
    let err = etalase_server::build_state(&config)
        .await
        .err()
        .expect("start must fail");
    let msg = format!("{err:#}");
    assert!(msg.contains("ikm[2].whatsapp"), "{msg}");
    // Nothing half-seeded: the database holds no IKM.
    let db = etalase_server::store::Db::connect(&config.database_url)
        .await
        .unwrap();
    let n = db
        .scalar_unchecked("SELECT COUNT(*) FROM ikm")
        .await
        .unwrap();
    assert_eq!(n, 0);
}

#[tokio::test]
async fn a_second_start_reuses_the_database_without_reseeding() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_in(dir.path(), seed_path());
    let first = etalase_server::build_state(&config).await.unwrap();
    drop(first);
    // The seed file is gone, yet the second start works from the database.
    let config = Config {
        seed: dir.path().join("missing.json"),
        ..config
    };
    let second = etalase_server::build_state(&config).await.unwrap();
    assert_eq!(second.catalog().catalog.ikm.len(), 40);
}

#[tokio::test]
async fn the_tracking_page_keeps_its_secret_out_of_referers_and_caches() {
    let app = spawn_app().await;
    for page in [
        "/pesanan/ETL-2026-000001?t=0123456789abcdef0123456789abcdef",
        "/pesanan/ETL-2026-000001/invoice/kopi-gunung-betung?t=0123456789abcdef0123456789abcdef",
    ] {
        let res = app.get(page).await;
        assert_eq!(res.status(), 200, "{page}");
        assert_eq!(res.headers()["referrer-policy"], "no-referrer", "{page}");
        assert_eq!(res.headers()["cache-control"], "no-store", "{page}");
        assert_eq!(res.text().await.unwrap(), INDEX);
    }
}

#[tokio::test]
async fn every_response_carries_the_security_headers_and_only_our_loader_may_run() {
    let loader = "import init from\"/etalase-0123456789abcdef.js\";await init();";
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("dist")).unwrap();
    std::fs::write(
        dir.path().join("dist/index.html"),
        format!(
            "<!doctype html><html><head><script type=\"application/ld+json\">{{}}</script>\
             </head><body><script type=module>{loader}</script></body></html>"
        ),
    )
    .unwrap();
    let config = common::config_in(dir.path(), common::seed_path());
    let app = common::spawn_with(dir, config).await;
    let expected_hash = {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(loader.as_bytes());
        // Known-answer check of the encoding is in the unit tests; here: the header names it.
        format!("'sha256-{}'", base64_of(&digest))
    };

    for path in [
        "/",
        "/produk/kopi-robusta-bubuk-250-g",
        "/desk",
        "/api/v1/catalog",
        "/healthz",
    ] {
        let res = app.get(path).await;
        let h = res.headers();
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert_eq!(
            h["referrer-policy"], "strict-origin-when-cross-origin",
            "{path}"
        );
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(csp.contains("object-src 'none'"), "{path}: {csp}");
        let scripts = csp
            .split(';')
            .find(|d| d.trim_start().starts_with("script-src"))
            .unwrap();
        assert_eq!(
            scripts.trim(),
            format!("script-src 'self' 'wasm-unsafe-eval' {expected_hash}"),
            "{path}: no 'unsafe-inline', no hash for the JSON-LD block"
        );
    }
    // The tracking page keeps its stricter referrer policy.
    let res = app
        .get("/pesanan/ETL-2026-000001?t=0123456789abcdef0123456789abcdef")
        .await;
    assert_eq!(res.headers()["referrer-policy"], "no-referrer");
    // Pages with a secret or a staff session are cut off from their opener; public catalog
    // pages are not (nothing to hide, and the switch costs a phone its first paint's time).
    for path in [
        "/pesanan/ETL-2026-000001?t=0123456789abcdef0123456789abcdef",
        "/pesanan/ETL-2026-000001/invoice/kopi-gunung-betung?t=0123456789abcdef0123456789abcdef",
        "/kebutuhan/KBT-2026-000001/kelola",
        "/ajukan",
        // Refused for its length, yet the app on the not-found page draws the checkout.
        &format!("/ajukan?x={}", "a".repeat(8300)),
        "/desk",
        "/admin",
        "/masuk",
        "/akun",
    ] {
        let res = app.get(path).await;
        assert_eq!(
            res.headers()
                .get("cross-origin-opener-policy")
                .map(|v| v.to_str().unwrap()),
            Some("same-origin"),
            "{path}"
        );
    }
    for path in ["/", "/produk/kopi-robusta-bubuk-250-g", "/cari?q=kopi"] {
        let res = app.get(path).await;
        assert!(
            res.headers().get("cross-origin-opener-policy").is_none(),
            "{path}"
        );
    }
}

/// Standard base64, written out here so the test does not trust the server's encoder.
fn base64_of(bytes: &[u8]) -> String {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = String::new();
    for b in bytes {
        bits.push_str(&format!("{b:08b}"));
    }
    while !bits.len().is_multiple_of(6) {
        bits.push('0');
    }
    let mut out: String = bits
        .as_bytes()
        .chunks(6)
        .map(|c| {
            let v = u8::from_str_radix(std::str::from_utf8(c).unwrap(), 2).unwrap();
            alphabet[v as usize] as char
        })
        .collect();
    while !out.len().is_multiple_of(4) {
        out.push('=');
    }
    out
}
