//! Finding products by what a buyer types: case- and accent-folded words matched against
//! name, category, IKM, kabupaten and description, best matches first.

use crate::catalog::{Catalog, Product};

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
        (ikm.map(|i| fold(i.kabupaten.short_name())).unwrap_or_default(), 3),
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

/// Products matching every word of `query`, best first; all products when it is blank.
pub fn search<'a>(catalog: &'a Catalog, query: &str) -> Vec<&'a Product> {
    let query = words(query);
    if query.is_empty() {
        return catalog.products.iter().collect();
    }
    let mut hits: Vec<(u32, usize, &Product)> = catalog
        .products
        .iter()
        .enumerate()
        .filter_map(|(i, p)| score(catalog, p, &query).map(|s| (s, i, p)))
        .collect();
    hits.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    hits.into_iter().map(|(_, _, p)| p).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_and_accents() {
        assert_eq!(fold("Kopi Robusta CAFÉ"), "kopi robusta cafe");
        assert_eq!(fold("oleh-oleh"), "oleh oleh");
    }
}
