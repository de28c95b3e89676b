//! The catalog as served: parsed once, serialised and compressed once, indexed for search
//! once, with an ETag, swapped whole on change. Answers made from it on first ask (product and
//! IKM JSON, preview pages) are kept with it in bounded caches, so an edit drops them all.

use crate::precompressed::{ByteLru, Encoded};
use etalase_core::catalog::{Catalog, CatalogData};
use etalase_core::search::SearchIndex;
use etalase_core::shelf::{Home, KabupatenCount};
use std::collections::HashMap;

/// Memory for product and IKM JSON answers of one catalog version (keys: slugs that exist).
pub const DETAILS_BUDGET: usize = 32 * 1024 * 1024;
/// Memory for preview pages of one catalog version (keys: origin and the path of a page that
/// exists; the origin is the client's `Host` unless `ETALASE_PUBLIC_URL` is set).
pub const PAGES_BUDGET: usize = 32 * 1024 * 1024;

/// A product's or an IKM's JSON answer.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Detail {
    Product(String),
    Ikm(String),
}

impl crate::precompressed::KeyBytes for Detail {
    fn key_bytes(&self) -> usize {
        match self {
            Detail::Product(s) | Detail::Ikm(s) => s.len(),
        }
    }
}

pub struct CatalogSnapshot {
    pub catalog: Catalog,
    /// `/api/v1/catalog` in every encoding.
    pub json: Encoded,
    /// A weak validator: the bytes differ by encoding, the content does not.
    pub etag: String,
    /// The words of every product, for `/api/v1/search`.
    pub index: SearchIndex,
    /// Products per kabupaten/kota, for the search page's place filter.
    pub kabupaten: Vec<KabupatenCount>,
    /// Each product's place in `catalog.products`, by slug.
    pub product_at: HashMap<String, usize>,
    /// `/api/v1/home`, made once per version: a burst of first visitors after an edit does
    /// not sort the catalog once each.
    pub home: Encoded,
    pub details: ByteLru<Detail>,
    /// Preview pages by (origin, path).
    pub pages: ByteLru<(String, String)>,
}

impl CatalogSnapshot {
    /// Serialises, compresses and indexes the catalog: CPU work (about a second at 10,000
    /// products), so run it off the async workers ([`CatalogSnapshot::build`]).
    pub fn new(data: CatalogData) -> anyhow::Result<Self> {
        let catalog = Catalog::from_data(data);
        let json = serde_json::to_vec(&catalog)?;
        let (json, index) = std::thread::scope(|s| {
            let index = s.spawn(|| SearchIndex::new(&catalog));
            let json = Encoded::new_parallel("application/json", json);
            (json, index.join())
        });
        let index = index.map_err(|_| anyhow::anyhow!("building the search index panicked"))?;
        let home = Home::of(&catalog);
        let kabupaten = home.kabupaten.clone();
        let home = Encoded::new("application/json", serde_json::to_vec(&home)?);
        Ok(CatalogSnapshot {
            etag: json.etag().to_owned(),
            kabupaten,
            product_at: catalog
                .products
                .iter()
                .enumerate()
                .map(|(i, p)| (p.slug.as_str().to_owned(), i))
                .collect(),
            home,
            catalog,
            json,
            index,
            details: ByteLru::new(DETAILS_BUDGET),
            pages: ByteLru::new(PAGES_BUDGET),
        })
    }

    /// [`CatalogSnapshot::new`] on the blocking pool.
    pub async fn build(data: CatalogData) -> anyhow::Result<Self> {
        let started = std::time::Instant::now();
        let products = data.products.len();
        let snapshot = tokio::task::spawn_blocking(move || CatalogSnapshot::new(data))
            .await
            .map_err(|e| anyhow::anyhow!("building the catalog snapshot: {e}"))??;
        tracing::info!(
            products,
            json_bytes = snapshot.json.identity().len(),
            encoded_bytes = snapshot.json.size(),
            millis = started.elapsed().as_millis() as u64,
            "catalog snapshot built"
        );
        Ok(snapshot)
    }
}

/// FNV-1a: a stable content hash, the same on every replica and every build.
pub(crate) fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// Whether an `If-None-Match` header value matches `etag` (weak comparison, RFC 9110 §13.1.2).
pub fn etag_matches(if_none_match: &str, etag: &str) -> bool {
    let bare = |t: &str| t.trim().trim_start_matches("W/").to_owned();
    let ours = bare(etag);
    if_none_match
        .split(',')
        .any(|t| t.trim() == "*" || bare(t) == ours)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etag_comparison_is_weak_and_handles_lists() {
        let e = "W/\"00ff\"";
        assert!(etag_matches("W/\"00ff\"", e));
        assert!(etag_matches("\"00ff\"", e));
        assert!(etag_matches("\"aa\", W/\"00ff\"", e));
        assert!(etag_matches("*", e));
        assert!(!etag_matches("W/\"00fe\"", e));
        assert!(!etag_matches("", e));
    }

    #[test]
    fn hash_is_stable() {
        assert_eq!(fnv1a64(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a64(b"a"), 0xaf63dc4c8601ec8c);
    }
}
