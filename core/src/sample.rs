//! Bigger catalogs grown from the seed, for load tests and benchmarks: every seed product in
//! many named, priced and dated variants, so search and paging see realistic words at scale.

use crate::catalog::{validate, CatalogData, PriceTier};
use crate::{Rupiah, Slug};

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

/// A valid catalog of `count` products grown from `seed` (its IKM unchanged).
pub fn grow(seed: &CatalogData, count: usize) -> Result<CatalogData, String> {
    if seed.products.is_empty() {
        return Err("the seed has no products".into());
    }
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
            let scaled =
                |price: Rupiah| Rupiah((price.amount().saturating_mul(factor) / 100).max(1));
            p.price = scaled(base.price);
            p.tiers = base
                .tiers
                .iter()
                .map(|t| PriceTier {
                    min_qty: t.min_qty,
                    price: scaled(t.price),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_a_valid_catalog_of_distinct_products() {
        let seed: CatalogData =
            serde_json::from_str(include_str!("../../data/catalog.json")).unwrap();
        let big = grow(&seed, 1_000).unwrap();
        assert_eq!(big.products.len(), 1_000);
        let mut slugs: Vec<_> = big.products.iter().map(|p| p.slug.as_str()).collect();
        slugs.sort();
        slugs.dedup();
        assert_eq!(slugs.len(), 1_000);
    }
}
