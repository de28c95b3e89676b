//! What each storefront page shows, as the small documents the server sends: a phone opening a
//! shared link downloads one product, one IKM, the home page's picks or one page of results,
//! never the whole catalog, so its first view stays the same size at 40 products or 10,000.
//! The same functions pick the contents from the whole catalog when the app holds it (after a
//! search loaded it, or on a static copy), so a page looks the same whichever way it was filled.

use crate::catalog::ProductDetail;
use crate::catalog::{counts_by_kabupaten, Catalog, CatalogData, Ikm, IkmDetail, Product};
use crate::category::Category;
use crate::kabupaten::Kabupaten;
use crate::slug::Slug;
use serde::{Deserialize, Serialize};

/// The home page's document.
pub const HOME_PATH: &str = "/api/v1/home";
/// Several products by slug (`?slugs=a,b`): what an order list or a checkout shows.
pub const PRODUCTS_PATH: &str = "/api/v1/products";
pub const SLUGS_PARAM: &str = "slugs";
/// The most products one batch may name: more than an order list ever holds.
pub const MAX_SLUGS: usize = crate::request::MAX_LINES;

/// How many picks the home page shows of each kind.
pub const HOME_FEATURED: usize = 8;
pub const HOME_NEWEST: usize = 4;
pub const SPOTLIGHT_PRODUCTS: usize = 2;
/// A product page suggests this many others.
pub const RELATED: usize = 4;

/// `/api/v1/products?slugs=a,b` for these slugs (each once, in the order given).
pub fn products_path<'a>(slugs: impl IntoIterator<Item = &'a str>) -> String {
    let mut list: Vec<&str> = Vec::new();
    for slug in slugs {
        if !list.contains(&slug) {
            list.push(slug);
        }
    }
    format!("{PRODUCTS_PATH}?{SLUGS_PARAM}={}", list.join(","))
}

/// Up to [`RELATED`] products to suggest beside `product`: first others of its IKM, then the
/// same category from other IKM, each in catalog order.
pub fn related<'a>(catalog: &'a Catalog, product: &Product) -> Vec<&'a Product> {
    let mut found: Vec<&Product> = catalog
        .products
        .iter()
        .filter(|p| p.ikm == product.ikm && p.slug != product.slug)
        .take(RELATED / 2)
        .collect();
    let room = RELATED - found.len();
    found.extend(
        catalog
            .products
            .iter()
            .filter(|p| p.category == product.category && p.ikm != product.ikm)
            .take(room),
    );
    found
}

/// A catalog holding only `products` (in the order given) and the IKM that make them, taken
/// from `catalog`; products named twice are kept once.
pub fn slice<'a>(catalog: &Catalog, products: impl IntoIterator<Item = &'a Product>) -> Catalog {
    let mut data = CatalogData {
        ikm: Vec::new(),
        products: Vec::new(),
    };
    for p in products {
        if data.products.iter().any(|q| q.slug == p.slug) {
            continue;
        }
        if !data.ikm.iter().any(|i| i.slug == p.ikm) {
            if let Some(ikm) = catalog.ikm(p.ikm.as_str()) {
                data.ikm.push(ikm.clone());
            }
        }
        data.products.push(p.clone());
    }
    Catalog::from_data(data)
}

/// The products named by `slugs` that exist, with their IKM: `GET /api/v1/products?slugs=`.
/// `find` looks a slug up (the server keeps a map per catalog version: a lookup must not
/// cost a scan of the catalog).
pub fn by_slugs<'a, 'c>(
    catalog: &'c Catalog,
    slugs: impl IntoIterator<Item = &'a str>,
    find: impl Fn(&str) -> Option<&'c Product>,
) -> CatalogData {
    let found = slugs.into_iter().filter_map(find);
    let part = slice(catalog, found);
    CatalogData {
        ikm: part.ikm,
        products: part.products,
    }
}

impl ProductDetail {
    /// The product page's document: the product, its maker and the products it suggests.
    pub fn of(catalog: &Catalog, slug: &str) -> Option<ProductDetail> {
        let product = catalog.product(slug)?;
        let ikm = catalog.ikm(product.ikm.as_str())?;
        let related: Vec<&Product> = related(catalog, product);
        let part = slice(catalog, related.iter().copied());
        Some(ProductDetail {
            product: product.clone(),
            ikm: ikm.clone(),
            related: part.products,
            related_ikm: part
                .ikm
                .into_iter()
                .filter(|i| i.slug != ikm.slug)
                .collect(),
        })
    }

    /// The document as a small catalog the page is drawn from, as from the whole one.
    pub fn into_catalog(self) -> Catalog {
        let mut ikm = vec![self.ikm];
        ikm.extend(self.related_ikm);
        let mut products = vec![self.product];
        products.extend(self.related);
        Catalog::from_data(CatalogData { ikm, products })
    }
}

impl CatalogData {
    /// Several product pages' documents as one small catalog, each IKM and product once (the
    /// first copy kept): what an order list is drawn from when the batch for its products
    /// cannot be fetched but each product's own page was seen (kept by the browser offline).
    pub fn of_details(details: impl IntoIterator<Item = ProductDetail>) -> CatalogData {
        let mut data = CatalogData {
            ikm: Vec::new(),
            products: Vec::new(),
        };
        for detail in details {
            let makers = std::iter::once(detail.ikm).chain(detail.related_ikm);
            for ikm in makers {
                if !data.ikm.iter().any(|i| i.slug == ikm.slug) {
                    data.ikm.push(ikm);
                }
            }
            let products = std::iter::once(detail.product).chain(detail.related);
            for product in products {
                if !data.products.iter().any(|p| p.slug == product.slug) {
                    data.products.push(product);
                }
            }
        }
        data
    }
}

impl IkmDetail {
    /// The IKM page's document: the IKM and all its products.
    pub fn of(catalog: &Catalog, slug: &str) -> Option<IkmDetail> {
        let ikm = catalog.ikm(slug)?;
        Some(IkmDetail {
            ikm: ikm.clone(),
            products: catalog.products_of(slug).cloned().collect(),
        })
    }

    pub fn into_catalog(self) -> Catalog {
        Catalog::from_data(CatalogData {
            ikm: vec![self.ikm],
            products: self.products,
        })
    }
}

/// How many IKM and products a kabupaten/kota has (those with at least one IKM).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KabupatenCount {
    pub kabupaten: Kabupaten,
    pub ikm: usize,
    pub products: usize,
}

pub fn kabupaten_counts(catalog: &Catalog) -> Vec<KabupatenCount> {
    counts_by_kabupaten(catalog)
        .into_iter()
        .map(|(kabupaten, ikm, products)| KabupatenCount {
            kabupaten,
            ikm,
            products,
        })
        .collect()
}

/// How many products a category has (every category, in display order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CategoryCount {
    pub category: Category,
    pub products: usize,
}

/// An IKM the home page introduces, with a few of its products.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Spotlight {
    pub ikm: Ikm,
    pub products: Vec<Product>,
}

/// The home page's document (`/api/v1/home`): the picks it shows and the counts of the whole
/// catalog it names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Home {
    pub featured: Vec<Product>,
    pub newest: Vec<Product>,
    pub spotlight: Option<Spotlight>,
    /// The makers of the products above, each once.
    pub ikm: Vec<Ikm>,
    pub categories: Vec<CategoryCount>,
    pub kabupaten: Vec<KabupatenCount>,
}

impl Home {
    pub fn of(catalog: &Catalog) -> Home {
        let featured: Vec<&Product> = catalog
            .products
            .iter()
            .filter(|p| p.featured)
            .take(HOME_FEATURED)
            .collect();
        let mut newest: Vec<&Product> = catalog.products.iter().collect();
        // Stable: among products listed the same day, catalog order.
        newest.sort_by(|a, b| b.listed_on.cmp(&a.listed_on));
        newest.truncate(HOME_NEWEST);
        let spotlight = featured
            .first()
            .and_then(|p| catalog.ikm(p.ikm.as_str()))
            .map(|ikm| Spotlight {
                ikm: ikm.clone(),
                products: catalog
                    .products_of(ikm.slug.as_str())
                    .take(SPOTLIGHT_PRODUCTS)
                    .cloned()
                    .collect(),
            });
        let shown = featured
            .iter()
            .chain(&newest)
            .copied()
            .chain(spotlight.iter().flat_map(|s| &s.products));
        let makers = slice(catalog, shown).ikm;
        Home {
            featured: featured.into_iter().cloned().collect(),
            newest: newest.into_iter().cloned().collect(),
            spotlight,
            ikm: makers,
            categories: Category::ALL
                .iter()
                .map(|&category| CategoryCount {
                    category,
                    products: catalog.products_in(category).count(),
                })
                .collect(),
            kabupaten: kabupaten_counts(catalog),
        }
    }

    /// The makers of the shown products, for the cards' lookups.
    pub fn catalog(&self) -> Catalog {
        Catalog::from_data(CatalogData {
            ikm: self.ikm.clone(),
            products: Vec::new(),
        })
    }
}

/// Slugs from a `?slugs=a,b` value: each once, at most [`MAX_SLUGS`] (`Err` past that), and
/// only well-formed ones (a malformed slug names no product).
pub fn parse_slugs(value: &str) -> Result<Vec<Slug>, usize> {
    let mut out: Vec<Slug> = Vec::new();
    let mut named = 0;
    for part in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        named += 1;
        if named > MAX_SLUGS {
            return Err(named);
        }
        if let Ok(slug) = Slug::parse(part) {
            if !out.contains(&slug) {
                out.push(slug);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample;

    fn seed() -> CatalogData {
        serde_json::from_str(include_str!("../../data/catalog.json")).expect("seed catalog")
    }

    fn catalog() -> Catalog {
        Catalog::from_data(seed())
    }

    #[test]
    fn product_documents_merge_into_one_catalog_each_thing_once() {
        let catalog = catalog();
        let slugs: Vec<String> = catalog
            .products
            .iter()
            .take(3)
            .map(|p| p.slug.to_string())
            .collect();
        let details: Vec<ProductDetail> = slugs
            .iter()
            .chain(slugs.iter())
            .filter_map(|s| ProductDetail::of(&catalog, s))
            .collect();
        let merged = Catalog::from_data(CatalogData::of_details(details));
        for slug in &slugs {
            assert!(merged.product(slug).is_some(), "{slug}");
            let product = merged.product(slug).unwrap();
            assert!(merged.ikm(product.ikm.as_str()).is_some(), "{slug}");
        }
        let mut seen = std::collections::BTreeSet::new();
        assert!(merged.products.iter().all(|p| seen.insert(p.slug.clone())));
        let mut seen = std::collections::BTreeSet::new();
        assert!(merged.ikm.iter().all(|i| seen.insert(i.slug.clone())));
        assert!(CatalogData::of_details([]).products.is_empty());
    }

    #[test]
    fn a_product_page_from_its_document_suggests_what_the_whole_catalog_would() {
        let catalog = catalog();
        for product in &catalog.products {
            let detail = ProductDetail::of(&catalog, product.slug.as_str()).unwrap();
            let small = detail.into_catalog();
            let from_small: Vec<&str> =
                related(&small, small.product(product.slug.as_str()).unwrap())
                    .iter()
                    .map(|p| p.slug.as_str())
                    .collect();
            let from_whole: Vec<&str> = related(&catalog, product)
                .iter()
                .map(|p| p.slug.as_str())
                .collect();
            assert_eq!(from_small, from_whole, "{}", product.slug);
            assert!(!from_whole.is_empty(), "{} suggests nothing", product.slug);
            for p in &small.products {
                assert!(
                    small.ikm(p.ikm.as_str()).is_some(),
                    "{} lacks its maker",
                    p.slug
                );
            }
        }
    }

    #[test]
    fn documents_stay_small_as_the_catalog_grows() {
        let big = Catalog::from_data(sample::grow(&seed(), 10_000).unwrap());
        let seed = catalog();
        fn size<T: Serialize>(value: &T) -> usize {
            serde_json::to_vec(value).map_or(usize::MAX, |v| v.len())
        }
        let p = seed.products[0].slug.as_str();
        let i = seed.ikm[0].slug.as_str();
        let small = (
            size(&Home::of(&seed)),
            size(&ProductDetail::of(&seed, p).unwrap()),
        );
        let grown = (
            size(&Home::of(&big)),
            size(&ProductDetail::of(&big, p).unwrap()),
        );
        // The picks are the same few products whatever the catalog's size; only counts grow.
        assert!(grown.0 < small.0 * 2, "home {small:?} → {grown:?}");
        assert!(grown.1 < small.1 * 2, "product {small:?} → {grown:?}");
        assert!(grown.0 < 40_000 && grown.1 < 20_000, "{grown:?}");
        assert!(IkmDetail::of(&big, i).is_some());
    }

    #[test]
    fn the_home_document_names_every_maker_it_shows_and_counts_the_whole_catalog() {
        let catalog = catalog();
        let home = Home::of(&catalog);
        assert!(!home.featured.is_empty() && home.featured.len() <= HOME_FEATURED);
        assert_eq!(home.newest.len(), HOME_NEWEST);
        let shown = home.catalog();
        for p in home
            .featured
            .iter()
            .chain(&home.newest)
            .chain(home.spotlight.iter().flat_map(|s| &s.products))
        {
            assert!(
                shown.ikm(p.ikm.as_str()).is_some(),
                "{} lacks its maker",
                p.slug
            );
        }
        let counted: usize = home.categories.iter().map(|c| c.products).sum();
        assert_eq!(counted, catalog.products.len());
        let by_place: usize = home.kabupaten.iter().map(|k| k.products).sum();
        assert_eq!(by_place, catalog.products.len());
        // Newest first.
        assert!(home
            .newest
            .windows(2)
            .all(|w| w[0].listed_on >= w[1].listed_on));
    }

    #[test]
    fn a_batch_keeps_known_slugs_once_and_refuses_too_many() {
        let catalog = catalog();
        let a = catalog.products[0].slug.as_str();
        let b = catalog.products[5].slug.as_str();
        let slugs = parse_slugs(&format!("{a}, {b},{a},tidak-ada,../etc,")).unwrap();
        assert_eq!(slugs.len(), 3, "{slugs:?}");
        let found = by_slugs(&catalog, slugs.iter().map(Slug::as_str), |s| {
            catalog.product(s)
        });
        let names: Vec<&str> = found.products.iter().map(|p| p.slug.as_str()).collect();
        assert_eq!(names, vec![a, b]);
        for p in &found.products {
            assert!(found.ikm.iter().any(|i| i.slug == p.ikm));
        }
        let many = vec!["x"; MAX_SLUGS + 1].join(",");
        assert_eq!(parse_slugs(&many), Err(MAX_SLUGS + 1));
        assert_eq!(
            parse_slugs(&vec!["x"; MAX_SLUGS].join(",")).unwrap().len(),
            1
        );
        assert_eq!(
            products_path([a, b, a]),
            format!("/api/v1/products?slugs={a},{b}")
        );
    }
}
