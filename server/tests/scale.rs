//! A 10,000-product catalog: what a reload costs (serialise, compress, index), what the caches
//! would hold, and how long searches take. Figures, not checks, so left out of the normal run:
//! `cargo nextest run --release -p etalase-server --test scale --run-ignored only --no-capture`.
//! (Correctness at 10,000 products is checked by `tests/search.rs` in every run.)

mod common;

use common::{grow_catalog, spawn_grown};
use etalase_core::catalog::{Catalog, IkmDetail, ProductDetail};
use etalase_core::search::{self, SearchIndex, SearchQuery};
use etalase_server::catalog::snapshot::CatalogSnapshot;
use etalase_server::web::precompressed::Encoded;
use std::time::{Duration, Instant};

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

const QUERIES: [&str; 16] = [
    "kopi",
    "k",
    "ko",
    "kop",
    "keripik pisang",
    "kripik",
    "tapis",
    "tapis lampung barat",
    "madu hutan",
    "coffee",
    "robusat",
    "sulam usus",
    "oleh-oleh",
    "besek bambu kecil",
    "premium",
    "zzzzqqq",
];

#[test]
#[ignore = "figures: run in release with --no-capture"]
fn a_reload_of_ten_thousand_products() {
    // The seed catalog as it is (every product once), then grown.
    let seed_count = serde_json::from_str::<etalase_core::catalog::CatalogData>(
        &std::fs::read_to_string(common::seed_path()).unwrap(),
    )
    .unwrap()
    .products
    .len();
    for _ in 0..3 {
        let started = Instant::now();
        let small = CatalogSnapshot::new(grow_catalog(seed_count)).unwrap();
        eprintln!(
            "{seed_count} products: snapshot built in {} (JSON {} B, three codings {} B)",
            ms(started.elapsed()),
            small.json.identity().len(),
            small.json.size()
        );
    }
    let data = grow_catalog(10_000);
    let started = Instant::now();
    let snapshot = CatalogSnapshot::new(data.clone()).unwrap();
    let whole = started.elapsed();
    let catalog = Catalog::from_data(data);
    let t = Instant::now();
    let json = serde_json::to_vec(&catalog).unwrap();
    let serialise = t.elapsed();
    let t = Instant::now();
    let encoded = Encoded::new("application/json", json.clone());
    let compress = t.elapsed();
    let t = Instant::now();
    let index = SearchIndex::new(&catalog);
    let indexing = t.elapsed();
    let (_, br) = encoded.bytes(etalase_server::web::precompressed::Coding::Brotli);
    let (_, gz) = encoded.bytes(etalase_server::web::precompressed::Coding::Gzip);
    eprintln!(
        "10,000 products: snapshot built in {} (JSON {} B, brotli {} B, gzip {} B); \
         alone: serialise {}, brotli+gzip one after the other {}, SearchIndex::new {}",
        ms(whole),
        json.len(),
        br.len(),
        gz.len(),
        ms(serialise),
        ms(compress),
        ms(indexing),
    );
    assert_eq!(snapshot.json.identity().len(), json.len());

    // What every product's and IKM's JSON would hold if all were asked for in one version.
    let t = Instant::now();
    let mut product_bytes = 0;
    for p in &catalog.products {
        let detail = ProductDetail::of(&catalog, p.slug.as_str()).unwrap();
        product_bytes +=
            Encoded::new("application/json", serde_json::to_vec(&detail).unwrap()).size();
    }
    let products_took = t.elapsed();
    let mut ikm_bytes = 0;
    for i in &catalog.ikm {
        let detail = IkmDetail::of(&catalog, i.slug.as_str()).unwrap();
        ikm_bytes += Encoded::new("application/json", serde_json::to_vec(&detail).unwrap()).size();
    }
    eprintln!(
        "every product's JSON in three codings: {} B ({} to make, {} each); every IKM's: {} B; \
         cache budget {} B",
        product_bytes,
        ms(products_took),
        ms(products_took / catalog.products.len() as u32),
        ikm_bytes,
        etalase_server::catalog::snapshot::DETAILS_BUDGET
    );

    // Search: core's run plus the page slice, as the endpoint times it.
    let mut times = Vec::new();
    for _ in 0..5 {
        for text in QUERIES {
            for sort in search::Sort::ALL {
                let query = SearchQuery {
                    text: text.into(),
                    sort,
                    ..Default::default()
                };
                let t = Instant::now();
                let hits = search::run(&catalog, &index, &query);
                let page = etalase_server::catalog::search::results(
                    &catalog,
                    &hits,
                    etalase_server::catalog::search::Page {
                        limit: 24,
                        offset: 0,
                    },
                    &[],
                );
                times.push(t.elapsed().as_secs_f64() * 1000.0);
                assert!(page.products.len() <= 24);
            }
        }
    }
    times.sort_by(f64::total_cmp);
    eprintln!(
        "search at 10,000 products ({} runs): p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms",
        times.len(),
        percentile(&times, 0.5),
        percentile(&times, 0.95),
        times[times.len() - 1]
    );
    // The longest text the URL can carry: 200 characters of five-letter words, each a pass
    // over every word of the index for typos.
    let worst: String = (0..40)
        .map(|i| format!("{}x{:03} ", ["kopi", "madu", "tapi", "lada"][i % 4], i))
        .collect::<String>()
        .chars()
        .take(etalase_core::search::MAX_TEXT_CHARS)
        .collect();
    let t = Instant::now();
    let hits = search::run(
        &catalog,
        &index,
        &SearchQuery {
            text: worst.clone(),
            ..Default::default()
        },
    );
    eprintln!(
        "worst text ({} chars, {} words): {} ({} hits)",
        worst.chars().count(),
        worst.split_whitespace().count(),
        ms(t.elapsed()),
        hits.len()
    );
}

#[tokio::test]
#[ignore = "figures: run in release with --no-capture"]
async fn an_edit_at_ten_thousand_products_reloads_and_serves() {
    let app = spawn_grown(10_000).await;
    let t = Instant::now();
    app.state.reload_catalog().await.unwrap();
    eprintln!(
        "reload_catalog (read storage, serialise, compress, index) at 10,000 products: {}",
        ms(t.elapsed())
    );
    let res = app
        .client
        .get(format!("{}/api/v1/catalog", app.base))
        .header("Accept-Encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-encoding"], "br");
    let sent = res.bytes().await.unwrap().len();
    eprintln!("catalog sent with brotli: {sent} B");
    assert!(sent < app.state.catalog().json.identity().len() / 4);
}
