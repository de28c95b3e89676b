//! `cargo xtask bench`: measures what a buyer feels, in headless Chromium against the real
//! server. Now: one keystroke's search and re-render on a 10,000-product catalog, side by
//! side with MiniSearch and FlexSearch searching the same data with the same queries.

use crate::build::build_spa;
use crate::tools::{ensure, Need};
use crate::util::{cmd, root, run, step, LocalServer, Result};
use etalase_core::catalog::{validate, CatalogData, PriceTier};
use etalase_core::{Rupiah, Slug};
use std::time::Duration;

pub const BENCH_PRODUCTS: usize = 10_000;

/// Words that turn one seed product into many distinct ones.
const VARIANTS: [&str; 12] = [
    "Premium",
    "Spesial",
    "Ekonomis",
    "Grosir",
    "Hantaran",
    "Seragam",
    "Istimewa",
    "Klasik",
    "Kemasan Baru",
    "Edisi Rapat",
    "Oleh-oleh",
    "Pilihan",
];

/// A catalog of `count` products grown from the seed: every seed product in many named,
/// priced and dated variants, so search sees realistic words at benchmark scale.
pub fn grow_catalog(seed: &CatalogData, count: usize) -> Result<CatalogData> {
    let mut products = Vec::with_capacity(count);
    for i in 0..count {
        let base = &seed.products[i % seed.products.len()];
        let round = i / seed.products.len();
        let mut p = base.clone();
        if round > 0 {
            let word = VARIANTS[round % VARIANTS.len()];
            p.slug = Slug::parse(&format!("{}-v{round}", base.slug)).map_err(|e| e.to_string())?;
            p.name = format!("{} {word} {round}", base.name);
            let factor = 90 + (round % 21) as i64; // 90%..110%
            p.price = Rupiah((base.price.amount() * factor / 100).max(1));
            p.tiers = base
                .tiers
                .iter()
                .map(|t| PriceTier {
                    min_qty: t.min_qty,
                    price: Rupiah((t.price.amount() * factor / 100).max(1)),
                })
                .collect();
            // Keep tiers strictly below the base price after rounding.
            let mut prev = p.price;
            for t in &mut p.tiers {
                if t.price >= prev {
                    t.price = Rupiah(prev.amount() - 1);
                }
                prev = t.price;
            }
            let day = 1 + (i % 28);
            let month = 1 + (i / 28) % 11;
            p.listed_on = format!("2026-{month:02}-{day:02}");
            p.featured = false;
        }
        products.push(p);
    }
    let data = CatalogData {
        ikm: seed.ikm.clone(),
        products,
    };
    validate(&data).map_err(|e| format!("grown catalog invalid: {}", e[0]))?;
    Ok(data)
}

pub fn run_all() -> Result {
    ensure(Need::All)?;
    build_spa()?;
    step("Benchmark: keystroke search on 10,000 products (headless Chromium)");
    let work = root().join("target/bench");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let seed_text =
        std::fs::read_to_string(root().join("data/catalog.json")).map_err(|e| e.to_string())?;
    let seed: CatalogData = serde_json::from_str(&seed_text).map_err(|e| e.to_string())?;
    let big = grow_catalog(&seed, BENCH_PRODUCTS)?;
    let catalog = work.join("catalog.json");
    std::fs::write(
        &catalog,
        serde_json::to_vec(&big).map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;

    let server = LocalServer::start(&work, &catalog, Duration::from_secs(120))?;
    run(cmd("node")
        .arg("xtask/bench/search.mjs")
        .env("BASE_URL", server.url())
        .env("EXPECTED_PRODUCTS", BENCH_PRODUCTS.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_a_valid_catalog_of_distinct_products() {
        let seed: CatalogData =
            serde_json::from_str(include_str!("../../data/catalog.json")).unwrap();
        let big = grow_catalog(&seed, 1_000).unwrap();
        assert_eq!(big.products.len(), 1_000);
        let mut slugs: Vec<_> = big.products.iter().map(|p| p.slug.as_str()).collect();
        slugs.sort();
        slugs.dedup();
        assert_eq!(slugs.len(), 1_000);
    }
}
