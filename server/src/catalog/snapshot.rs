//! The catalog as served: parsed once, serialised and compressed once, indexed for search
//! once, with an ETag, swapped whole on change. Answers made from it on first ask (product and
//! IKM JSON, preview pages) are kept with it in bounded caches, so an edit drops them all.

use crate::web::precompressed::{ByteLru, Encoded};
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

impl crate::web::precompressed::KeyBytes for Detail {
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
