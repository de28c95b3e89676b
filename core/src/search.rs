//! Finding products by what a buyer types: case- and accent-folded words matched against
//! name, category, IKM, kabupaten and description, best matches first.

use crate::catalog::{Catalog, Product};
use crate::{Category, Kabupaten};

/// Lowercases and strips the accents Indonesian text borrows (é, è, ô…), keeping letters
/// and digits and turning everything else into spaces.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        let base = match ch {
            'à' | 'á' | 'â' | 'ä' | 'ã' | 'À' | 'Á' | 'Â' | 'Ä' | 'Ã' => 'a',
            'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => 'i',
            'ò' | 'ó' | 'ô' | 'ö' | 'õ' | 'Ò' | 'Ó' | 'Ô' | 'Ö' | 'Õ' => 'o',
            'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => 'u',
            'ñ' | 'Ñ' => 'n',
            'ç' | 'Ç' => 'c',
            c if c.is_alphanumeric() => c.to_ascii_lowercase(),
            _ => ' ',
        };
        out.push(base);
    }
    out
}

fn words(text: &str) -> Vec<String> {
    fold(text).split_whitespace().map(str::to_owned).collect()
}

/// Scores one product against the query words; `None` when a word is found nowhere.
fn score(catalog: &Catalog, product: &Product, query: &[String]) -> Option<u32> {
    let ikm = catalog.ikm(product.ikm.as_str());
    let fields: [(String, u32); 5] = [
        (fold(&product.name), 8),
        (fold(product.category.name_id()), 4),
        (ikm.map(|i| fold(&i.name)).unwrap_or_default(), 3),
        (
            ikm.map(|i| fold(i.kabupaten.short_name()))
                .unwrap_or_default(),
            3,
        ),
        (fold(&product.description), 1),
    ];
    let mut total = 0;
    for word in query {
        let mut best = 0;
        for (text, weight) in &fields {
            for candidate in text.split_whitespace() {
                let s = if candidate == word {
                    weight * 2
                } else if candidate.starts_with(word.as_str()) {
                    *weight
                } else {
                    0
                };
                best = best.max(s);
            }
        }
        if best == 0 {
            return None;
        }
        total += best;
    }
    Some(total)
}

/// What a buyer asked for: words, and optional filters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchQuery {
    pub text: String,
    pub category: Option<Category>,
    pub kabupaten: Option<Kabupaten>,
}

fn passes_filters(catalog: &Catalog, product: &Product, query: &SearchQuery) -> bool {
    if query.category.is_some_and(|c| c != product.category) {
        return false;
    }
    if let Some(k) = query.kabupaten {
        if catalog.ikm(product.ikm.as_str()).map(|i| i.kabupaten) != Some(k) {
            return false;
        }
    }
    true
}

/// Products passing the filters and matching every word, best first; in catalog order
/// when no words were typed.
pub fn search<'a>(catalog: &'a Catalog, query: &SearchQuery) -> Vec<&'a Product> {
    let text = words(&query.text);
    let mut hits: Vec<(u32, usize, &Product)> = catalog
        .products
        .iter()
        .enumerate()
        .filter(|(_, p)| passes_filters(catalog, p, query))
        .filter_map(|(i, p)| {
            if text.is_empty() {
                Some((0, i, p))
            } else {
                score(catalog, p, &text).map(|s| (s, i, p))
            }
        })
        .collect();
    hits.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    hits.into_iter().map(|(_, _, p)| p).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::catalog::CatalogData;

    fn seed() -> Catalog {
        let data: CatalogData =
            serde_json::from_str(include_str!("../../data/catalog.json")).unwrap();
        Catalog::from_data(data)
    }

    fn q(text: &str) -> SearchQuery {
        SearchQuery {
            text: text.into(),
            ..SearchQuery::default()
        }
    }

    #[test]
    fn every_word_must_match_somewhere() {
        let catalog = seed();
        let hits = search(&catalog, &q("keripik pisang coklat"));
        assert!(!hits.is_empty());
        assert_eq!(fold(&hits[0].name), "keripik pisang coklat 250 g");
        for p in &hits {
            let ikm = catalog.ikm(p.ikm.as_str()).unwrap();
            let all = fold(&format!("{} {} {}", p.name, ikm.name, p.description));
            for word in ["keripik", "pisang", "coklat"] {
                assert!(all.contains(word), "{} lacks {word}", p.name);
            }
        }
        assert!(search(&catalog, &q("televisi")).is_empty());
    }

    #[test]
    fn name_matches_rank_above_description_matches() {
        let catalog = seed();
        let hits = search(&catalog, &q("madu"));
        assert!(fold(&hits[0].name).contains("madu"), "{}", hits[0].name);
    }

    #[test]
    fn filters_by_kabupaten_and_category() {
        let catalog = seed();
        let query = SearchQuery {
            text: String::new(),
            category: Some(Category::KopiRempah),
            kabupaten: Some(Kabupaten::LampungBarat),
        };
        let hits = search(&catalog, &query);
        assert!(!hits.is_empty());
        for p in hits {
            assert_eq!(p.category, Category::KopiRempah);
            assert_eq!(
                catalog.ikm(p.ikm.as_str()).unwrap().kabupaten,
                Kabupaten::LampungBarat
            );
        }
    }

    #[test]
    fn blank_query_lists_everything_in_catalog_order() {
        let catalog = seed();
        let hits = search(&catalog, &q("  "));
        assert_eq!(hits.len(), catalog.products.len());
        assert_eq!(hits[0].slug, catalog.products[0].slug);
    }

    #[test]
    fn folds_case_and_accents() {
        assert_eq!(fold("Kopi Robusta CAFÉ"), "kopi robusta cafe");
        assert_eq!(fold("oleh-oleh"), "oleh oleh");
    }
}
