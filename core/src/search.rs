//! Finding products by what a buyer types, and narrowing and ordering what is found.
//!
//! Text is folded (case, accents), split on anything but letters and digits and at camelCase
//! humps, and common variants are mapped to one form (kripik → keripik, coffee → kopi), on the
//! catalog side and the query side alike. Each query word must match a word of the product's
//! name, category, IKM, kabupaten/kota or description: whole, as a prefix, or — for words of
//! five letters or more — with one typo. Matches in the name outrank matches in the
//! description, and whole words outrank prefixes, which outrank typos.

use crate::catalog::{Availability, Catalog, Ikm, Product};
use crate::{Category, Kabupaten, Rupiah};

/// Lowercases and strips accents, keeping letters and digits and turning everything else
/// into spaces.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        out.push(fold_char(ch));
    }
    out
}

fn fold_char(ch: char) -> char {
    match ch {
        'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' | 'À' | 'Á' | 'Â' | 'Ä' | 'Ã' | 'Å' => 'a',
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => 'i',
        'ò' | 'ó' | 'ô' | 'ö' | 'õ' | 'Ò' | 'Ó' | 'Ô' | 'Ö' | 'Õ' => 'o',
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => 'u',
        'ñ' | 'Ñ' => 'n',
        'ç' | 'Ç' => 'c',
        c if c.is_alphanumeric() => c.to_lowercase().next().unwrap_or(c),
        _ => ' ',
    }
}

/// Words Indonesians spell several ways, mapped to the spelling the catalog uses. Applied to
/// the catalog and the query alike.
fn canonical(word: &str) -> &str {
    match word {
        "kripik" | "kerpik" => "keripik",
        "cokelat" => "coklat",
        "sambel" => "sambal",
        "krupuk" => "kerupuk",
        "oleholeh" => "oleh",
        "cenderamata" | "cinderamata" | "souvenir" => "suvenir",
        "kofi" => "kopi",
        "duren" => "durian",
        other => other,
    }
}

/// Other words a buyer may type for a catalog word — English, or a synonym. Applied to the
/// query only, as alternatives: "honey" finds madu, yet a coffee's "honey process" is not
/// turned into honey (madu) in the catalog.
fn alternatives(word: &str) -> &'static [&'static str] {
    match word {
        "coffee" | "coffe" => &["kopi"],
        "chocolate" | "choco" => &["coklat"],
        "honey" => &["madu"],
        "pepper" | "merica" => &["lada"],
        "banana" => &["pisang"],
        "chips" | "chip" => &["keripik"],
        "cracker" | "crackers" => &["kerupuk", "kemplang"],
        "fish" => &["ikan"],
        "smoked" => &["asap"],
        "bag" => &["tas"],
        "bracelet" => &["gelang"],
        "shirt" => &["kemeja"],
        "uniform" => &["seragam"],
        "cloth" | "fabric" => &["kain"],
        "spice" | "spices" => &["rempah"],
        "mat" => &["tikar"],
        "basket" => &["keranjang"],
        "peci" => &["kopiah"],
        "crown" => &["siger"],
        _ => &[],
    }
}

/// Splits text into canonical search words: `olehOleh`, `oleh-oleh` and `Oleh oleh` all give
/// `oleh oleh`.
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for ch in text.chars() {
        let folded = fold_char(ch);
        let hump = ch.is_uppercase() && prev_lower;
        if (folded == ' ' || hump) && !current.is_empty() {
            out.push(canonical(&current).to_owned());
            current.clear();
        }
        if folded != ' ' {
            current.push(folded);
        }
        prev_lower = ch.is_lowercase();
    }
    if !current.is_empty() {
        out.push(canonical(&current).to_owned());
    }
    out
}

/// Where in a product a word was found; earlier fields weigh more.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Field {
    Name,
    Category,
    Ikm,
    Kabupaten,
    Description,
}

impl Field {
    fn weight(self) -> u32 {
        match self {
            Field::Name => 10,
            Field::Category => 5,
            Field::Ikm => 4,
            Field::Kabupaten => 4,
            Field::Description => 1,
        }
    }
}

/// How a query word met a catalog word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Match {
    Whole,
    Prefix,
    Typo,
}

impl Match {
    fn factor(self) -> u32 {
        match self {
            Match::Whole => 6,
            Match::Prefix => 3,
            Match::Typo => 2,
        }
    }
}

struct Term {
    word: String,
    /// (product index, field), each pair once.
    postings: Vec<(u32, Field)>,
}

/// An inverted index of the catalog's words, built once per catalog.
pub struct SearchIndex {
    /// Sorted by word, so prefixes are a contiguous range.
    terms: Vec<Term>,
    products: usize,
}

const MIN_PREFIX: usize = 1;
const MIN_TYPO: usize = 5;
/// Words of a query that are searched; the rest are ignored (see [`SearchIndex::scores`]).
pub const MAX_QUERY_WORDS: usize = 8;

impl SearchIndex {
    pub fn new(catalog: &Catalog) -> SearchIndex {
        let mut pairs: Vec<(String, u32, Field)> = Vec::new();
        for (i, p) in catalog.products.iter().enumerate() {
            let i = i as u32;
            let ikm = catalog.ikm(p.ikm.as_str());
            let mut add = |text: &str, field: Field| {
                for w in words(text) {
                    pairs.push((w, i, field));
                }
            };
            add(&p.name, Field::Name);
            add(p.category.name_id(), Field::Category);
            add(p.category.name_en(), Field::Category);
            if let Some(ikm) = ikm {
                add(&ikm.name, Field::Ikm);
                add(ikm.kabupaten.short_name(), Field::Kabupaten);
            }
            add(&p.description, Field::Description);
        }
        pairs.sort();
        pairs.dedup();
        let mut terms: Vec<Term> = Vec::new();
        for (word, product, field) in pairs {
            match terms.last_mut() {
                Some(t) if t.word == word => t.postings.push((product, field)),
                _ => terms.push(Term {
                    word,
                    postings: vec![(product, field)],
                }),
            }
        }
        SearchIndex {
            terms,
            products: catalog.products.len(),
        }
    }

    /// The terms a query word matches, with how.
    fn matching_terms<'a>(&'a self, word: &str) -> Vec<(&'a Term, Match)> {
        let mut found = Vec::new();
        let start = self.terms.partition_point(|t| t.word.as_str() < word);
        for t in &self.terms[start..] {
            if t.word == word {
                found.push((t, Match::Whole));
            } else if word.chars().count() >= MIN_PREFIX && t.word.starts_with(word) {
                found.push((t, Match::Prefix));
            } else {
                break;
            }
        }
        if word.chars().count() >= MIN_TYPO {
            for t in &self.terms {
                if t.word != word && !t.word.starts_with(word) && within_one_edit(word, &t.word) {
                    found.push((t, Match::Typo));
                }
            }
        }
        found
    }

    /// A relevance score per product, 0 where some query word is found nowhere.
    /// `None` when the query has no words.
    pub fn scores(&self, query: &str) -> Option<Vec<u32>> {
        // The first words as typed, each once: a search costs at most this many scans of the
        // index whatever is pasted into the box (every word must match, so more words could
        // only narrow what these already find).
        let mut query_words: Vec<String> = Vec::new();
        for word in words(query) {
            if query_words.len() == MAX_QUERY_WORDS {
                break;
            }
            if !query_words.contains(&word) {
                query_words.push(word);
            }
        }
        if query_words.is_empty() {
            return None;
        }
        let mut total = vec![0u32; self.products];
        let mut matched_all = vec![true; self.products];
        let mut best = vec![0u32; self.products];
        for word in &query_words {
            best.iter_mut().for_each(|b| *b = 0);
            let forms = std::iter::once(word.as_str()).chain(alternatives(word).iter().copied());
            for form in forms {
                for (term, how) in self.matching_terms(form) {
                    for &(product, field) in &term.postings {
                        let s = field.weight() * how.factor();
                        let b = &mut best[product as usize];
                        *b = (*b).max(s);
                    }
                }
            }
            for (i, b) in best.iter().enumerate() {
                if *b == 0 {
                    matched_all[i] = false;
                } else {
                    total[i] += b;
                }
            }
            // A word found nowhere: nothing can match, the other words need no scan.
            if !matched_all.contains(&true) {
                break;
            }
        }
        for (t, ok) in total.iter_mut().zip(matched_all) {
            if !ok {
                *t = 0;
            }
        }
        Some(total)
    }
}

/// Whether `a` becomes `b` by one insertion, deletion, substitution or swap of neighbours.
fn within_one_edit(a: &str, b: &str) -> bool {
    // One edit changes the length by at most one character (four bytes).
    if a.len().abs_diff(b.len()) > 4 {
        return false;
    }
    // Folded words are nearly always ASCII: compare bytes, allocating nothing.
    if a.is_ascii() && b.is_ascii() {
        return one_edit(a.as_bytes(), b.as_bytes());
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    one_edit(&a, &b)
}

fn one_edit<T: PartialEq>(a: &[T], b: &[T]) -> bool {
    let (la, lb) = (a.len(), b.len());
    if la.abs_diff(lb) > 1 {
        return false;
    }
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    if prefix == la && prefix == lb {
        return true;
    }
    let (ra, rb) = (&a[prefix..], &b[prefix..]);
    match la.cmp(&lb) {
        std::cmp::Ordering::Equal => {
            ra[1..] == rb[1..]
                || (ra.len() >= 2 && ra[0] == rb[1] && ra[1] == rb[0] && ra[2..] == rb[2..])
        }
        std::cmp::Ordering::Less => ra == &rb[1..],
        std::cmp::Ordering::Greater => &ra[1..] == rb,
    }
}

/// A certificate a buyer may require; products inherit their IKM's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Certificate {
    Halal,
    Pirt,
    BpomMd,
    Sni,
}

impl Certificate {
    /// What the certificate tells a buyer.
    pub fn about(self, locale: crate::Locale) -> &'static str {
        match (locale, self) {
            (crate::Locale::Id, Certificate::Halal) => "Sertifikat halal BPJPH: bahan dan proses produksi sudah diperiksa halal.",
            (crate::Locale::Id, Certificate::Pirt) => "Izin pangan industri rumah tangga dari dinas kesehatan, untuk makanan yang tahan lebih dari 7 hari.",
            (crate::Locale::Id, Certificate::BpomMd) => "Terdaftar di BPOM sebagai pangan olahan: mutu dan keamanannya sudah diuji.",
            (crate::Locale::Id, Certificate::Sni) => "Memenuhi Standar Nasional Indonesia untuk jenis produk ini.",
            (crate::Locale::En, Certificate::Halal) => "BPJPH halal certificate: ingredients and process are checked halal.",
            (crate::Locale::En, Certificate::Pirt) => "Home-industry food permit from the health office, for foods that keep over 7 days.",
            (crate::Locale::En, Certificate::BpomMd) => "Registered with BPOM (the food and drug agency) as processed food: tested for quality and safety.",
            (crate::Locale::En, Certificate::Sni) => "Meets the Indonesian National Standard for this kind of product.",
        }
    }

    pub const ALL: [Certificate; 4] = [
        Certificate::Halal,
        Certificate::Pirt,
        Certificate::BpomMd,
        Certificate::Sni,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Certificate::Halal => "halal",
            Certificate::Pirt => "pirt",
            Certificate::BpomMd => "bpom-md",
            Certificate::Sni => "sni",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Certificate::Halal => "Halal",
            Certificate::Pirt => "P-IRT",
            Certificate::BpomMd => "BPOM MD",
            Certificate::Sni => "SNI",
        }
    }

    pub fn from_slug(s: &str) -> Option<Certificate> {
        Certificate::ALL.into_iter().find(|c| c.slug() == s)
    }

    pub fn held_by(self, ikm: &Ikm) -> bool {
        let l = &ikm.legal;
        match self {
            Certificate::Halal => l.halal.is_some(),
            Certificate::Pirt => l.pirt.is_some(),
            Certificate::BpomMd => l.bpom_md.is_some(),
            Certificate::Sni => l.sni.is_some(),
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sort {
    /// Best match first; catalog order when nothing was typed.
    #[default]
    Relevance,
    PriceAsc,
    PriceDesc,
    Newest,
}

impl Sort {
    pub const ALL: [Sort; 4] = [
        Sort::Relevance,
        Sort::PriceAsc,
        Sort::PriceDesc,
        Sort::Newest,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Sort::Relevance => "relevan",
            Sort::PriceAsc => "harga-naik",
            Sort::PriceDesc => "harga-turun",
            Sort::Newest => "terbaru",
        }
    }

    pub fn from_slug(s: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|x| x.slug() == s)
    }

    /// The order's name in the sort menu (the app's and the server's first HTML alike).
    pub fn label(self, locale: crate::Locale) -> &'static str {
        match (locale, self) {
            (crate::Locale::Id, Sort::Relevance) => "Paling sesuai",
            (crate::Locale::Id, Sort::PriceAsc) => "Harga terendah",
            (crate::Locale::Id, Sort::PriceDesc) => "Harga tertinggi",
            (crate::Locale::Id, Sort::Newest) => "Terbaru",
            (crate::Locale::En, Sort::Relevance) => "Best match",
            (crate::Locale::En, Sort::PriceAsc) => "Price: low to high",
            (crate::Locale::En, Sort::PriceDesc) => "Price: high to low",
            (crate::Locale::En, Sort::Newest) => "Newest",
        }
    }
}

/// Everything a search page shows: the words, the filters and the order. It lives in the
/// URL, so it reads from and writes to query parameters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchQuery {
    pub text: String,
    pub category: Option<Category>,
    pub kabupaten: Option<Kabupaten>,
    pub price_min: Option<Rupiah>,
    pub price_max: Option<Rupiah>,
    pub certificates: Vec<Certificate>,
    pub availability: Option<Availability>,
    pub sort: Sort,
}

pub mod param {
    pub const TEXT: &str = "q";
    pub const CATEGORY: &str = "kategori";
    pub const KABUPATEN: &str = "wilayah";
    pub const PRICE_MIN: &str = "harga-min";
    pub const PRICE_MAX: &str = "harga-maks";
    pub const CERTIFICATE: &str = "sertifikat";
    pub const AVAILABILITY: &str = "stok";
    pub const SORT: &str = "urut";
}

fn availability_param(a: Availability) -> &'static str {
    match a {
        Availability::ReadyStock => "tersedia",
        Availability::MadeToOrder => "pesanan",
    }
}

/// The most characters of search text read from a URL; the rest is ignored (a search box
/// never needs more, and every word costs a pass over the index).
pub const MAX_TEXT_CHARS: usize = 200;

impl SearchQuery {
    /// Reads URL parameters; unknown or malformed values are ignored rather than failing, and
    /// text past [`MAX_TEXT_CHARS`] is cut off.
    pub fn from_params<'a>(get: impl Fn(&str) -> Option<String> + 'a) -> SearchQuery {
        let price = |key: &str| {
            get(key)
                .and_then(|v| v.trim().replace('.', "").parse::<i64>().ok())
                .filter(|v| *v >= 0)
                .map(Rupiah)
        };
        SearchQuery {
            text: get(param::TEXT)
                .map(|t| match t.char_indices().nth(MAX_TEXT_CHARS) {
                    Some((cut, _)) => t[..cut].to_owned(),
                    None => t,
                })
                .unwrap_or_default(),
            category: get(param::CATEGORY).and_then(|s| Category::from_slug(&s)),
            kabupaten: get(param::KABUPATEN).and_then(|s| Kabupaten::from_slug(&s)),
            price_min: price(param::PRICE_MIN),
            price_max: price(param::PRICE_MAX),
            certificates: get(param::CERTIFICATE)
                .map(|s| {
                    let mut list: Vec<Certificate> =
                        s.split(',').filter_map(Certificate::from_slug).collect();
                    list.dedup();
                    list
                })
                .unwrap_or_default(),
            availability: get(param::AVAILABILITY).and_then(|s| match s.as_str() {
                "tersedia" => Some(Availability::ReadyStock),
                "pesanan" => Some(Availability::MadeToOrder),
                _ => None,
            }),
            sort: get(param::SORT)
                .and_then(|s| Sort::from_slug(&s))
                .unwrap_or_default(),
        }
    }

    /// The parameters that differ from the default, in a stable order.
    pub fn to_params(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if !self.text.trim().is_empty() {
            out.push((param::TEXT, self.text.clone()));
        }
        if let Some(c) = self.category {
            out.push((param::CATEGORY, c.slug().to_owned()));
        }
        if let Some(k) = self.kabupaten {
            out.push((param::KABUPATEN, k.slug().to_owned()));
        }
        if let Some(p) = self.price_min {
            out.push((param::PRICE_MIN, p.amount().to_string()));
        }
        if let Some(p) = self.price_max {
            out.push((param::PRICE_MAX, p.amount().to_string()));
        }
        if !self.certificates.is_empty() {
            let list: Vec<&str> = self.certificates.iter().map(|c| c.slug()).collect();
            out.push((param::CERTIFICATE, list.join(",")));
        }
        if let Some(a) = self.availability {
            out.push((param::AVAILABILITY, availability_param(a).to_owned()));
        }
        if self.sort != Sort::Relevance {
            out.push((param::SORT, self.sort.slug().to_owned()));
        }
        out
    }

    /// `?q=kopi&wilayah=lampung-barat`, or empty for the default search.
    pub fn to_query_string(&self) -> String {
        let params = self.to_params();
        if params.is_empty() {
            return String::new();
        }
        let parts: Vec<String> = params
            .into_iter()
            .map(|(k, v)| format!("{k}={}", crate::phone::percent_encode(&v)))
            .collect();
        format!("?{}", parts.join("&"))
    }

    pub fn has_filters(&self) -> bool {
        self.category.is_some()
            || self.kabupaten.is_some()
            || self.price_min.is_some()
            || self.price_max.is_some()
            || !self.certificates.is_empty()
            || self.availability.is_some()
    }

    fn passes(&self, catalog: &Catalog, product: &Product) -> bool {
        if self.category.is_some_and(|c| c != product.category) {
            return false;
        }
        if self.price_min.is_some_and(|m| product.price < m) {
            return false;
        }
        if self.price_max.is_some_and(|m| product.price > m) {
            return false;
        }
        if self.availability.is_some_and(|a| a != product.availability) {
            return false;
        }
        if self.kabupaten.is_none() && self.certificates.is_empty() {
            return true;
        }
        let Some(ikm) = catalog.ikm(product.ikm.as_str()) else {
            return false;
        };
        self.kabupaten.is_none_or(|k| ikm.kabupaten == k)
            && self.certificates.iter().all(|c| c.held_by(ikm))
    }
}

/// Indices into `catalog.products` of what the query finds, in the order asked for.
pub fn run(catalog: &Catalog, index: &SearchIndex, query: &SearchQuery) -> Vec<usize> {
    let scores = index.scores(&query.text);
    let mut hits: Vec<usize> = (0..catalog.products.len())
        .filter(|&i| scores.as_ref().is_none_or(|s| s[i] > 0))
        .filter(|&i| query.passes(catalog, &catalog.products[i]))
        .collect();
    let products = &catalog.products;
    match query.sort {
        Sort::Relevance => {
            if let Some(s) = &scores {
                hits.sort_by(|&a, &b| s[b].cmp(&s[a]).then(a.cmp(&b)));
            }
        }
        Sort::PriceAsc => hits.sort_by_key(|&i| (products[i].price, i)),
        Sort::PriceDesc => {
            hits.sort_by(|&a, &b| products[b].price.cmp(&products[a].price).then(a.cmp(&b)))
        }
        Sort::Newest => hits.sort_by(|&a, &b| {
            products[b]
                .listed_on
                .cmp(&products[a].listed_on)
                .then(a.cmp(&b))
        }),
    }
    hits
}

/// Convenience for one-off searches (tests, the server): builds the index, runs the query.
pub fn search<'a>(catalog: &'a Catalog, query: &SearchQuery) -> Vec<&'a Product> {
    let index = SearchIndex::new(catalog);
    run(catalog, &index, query)
        .into_iter()
        .map(|i| &catalog.products[i])
        .collect()
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

    fn slugs(hits: &[&Product]) -> Vec<String> {
        hits.iter().map(|p| p.slug.to_string()).collect()
    }

    /// Queries buyers really type, and a product each must find among the first results.
    const REAL_QUERIES: &[(&str, &str, usize)] = &[
        ("kopi", "kopi-robusta-bubuk-250-g", 10),
        ("coffee", "kopi-robusta-bubuk-250-g", 10),
        ("Kopi Robusta", "kopi-robusta-bubuk-250-g", 5),
        ("kopi bubuk", "kopi-robusta-bubuk-250-g", 3),
        ("robsta", "kopi-robusta-bubuk-250-g", 10),
        ("keripik pisang", "keripik-pisang-manis-gurih-250-g", 10),
        ("kripik pisang", "keripik-pisang-manis-gurih-250-g", 10),
        ("keripik pisang coklat", "keripik-pisang-coklat-250-g", 1),
        ("kripik pisang cokelat", "keripik-pisang-coklat-250-g", 1),
        ("banana chips", "keripik-pisang-asin-1-kg", 10),
        ("oleh-oleh", "paket-oleh-oleh-kemplang-besek", 10),
        ("oleh oleh", "paket-oleh-oleh-kemplang-besek", 10),
        ("olehOleh", "paket-oleh-oleh-kemplang-besek", 10),
        ("tapis", "kain-tapis-motif-pucuk-rebung", 10),
        ("tapsi", "kain-tapis-motif-pucuk-rebung", 20),
        ("kain tapis", "kain-tapis-motif-pucuk-rebung", 3),
        ("selendang tapis", "selendang-tapis-benang-emas", 1),
        ("madu hutan", "madu-hutan-botol-kecil-250-g", 5),
        ("honey", "madu-trigona-250-ml", 20),
        ("honey process", "kopi-robusta-honey-process-200-g", 3),
        ("madu trigona", "madu-trigona-250-ml", 3),
        ("lada putih", "lada-putih-bubuk-100-g", 5),
        ("pepper", "lada-hitam-butir-250-g", 20),
        ("siger", "replika-siger-kuningan-30-cm", 5),
        ("siger kuningan", "replika-siger-kuningan-30-cm", 1),
        ("seragam batik", "kemeja-batik-lampung-pria-seragam", 3),
        ("batik lampung", "batik-lampung-cap-katun-motif-siger", 10),
        ("batik gajha", "batik-lampung-cap-motif-gajah", 3),
        ("sulam usus kebaya", "kebaya-sulam-usus", 1),
        ("kopiah", "kopiah-sulam-usus", 3),
        ("peci", "kopiah-sulam-usus", 3),
        ("kemplang", "kemplang-panggang-ikan-tenggiri-250-g", 5),
        ("krupuk udang", "kerupuk-udang-super-250-g", 3),
        ("sambel ladon", "sambal-ladon-botol-200-ml", 1),
        ("ikan asap", "ikan-baung-asap-1-kg", 5),
        ("lempok durian", "lempok-durian-kotak-200-g", 3),
        ("tas purun", "tas-purun-motif-tapis", 3),
        ("gelang tembaga", "gelang-tembaga-motif-tapis", 3),
        ("besek", "besek-bambu-kecil-isi-10", 3),
        (
            "kopi liwa",
            "kopi-robusta-drip-bag-isi-10-kopi-liwa-sumber-jaya",
            5,
        ),
        (
            "Pesisir Barat",
            "kain-tapis-motif-pucuk-rebung-tapis-pulau-pisang",
            40,
        ),
        ("KOPÍ", "kopi-robusta-bubuk-250-g", 10),
    ];

    #[test]
    fn real_queries_find_what_buyers_want() {
        let catalog = seed();
        let mut failures = Vec::new();
        for &(query, slug, within) in REAL_QUERIES {
            let hits = search(&catalog, &q(query));
            let found = slugs(&hits);
            match found.iter().position(|s| s == slug) {
                Some(pos) if pos < within => {}
                pos => failures.push(format!(
                    "{query:?}: {slug} at {pos:?}, wanted within {within}; top: {:?}",
                    &found[..found.len().min(5)]
                )),
            }
        }
        assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    }

    #[test]
    fn nonsense_finds_nothing() {
        let catalog = seed();
        for query in ["laptop", "televisi", "zzzzz", "kopi laptop"] {
            assert!(search(&catalog, &q(query)).is_empty(), "{query}");
        }
    }

    #[test]
    fn a_pasted_paragraph_is_searched_by_its_first_words() {
        let catalog = seed();
        let index = SearchIndex::new(&catalog);
        // Eight distinct words of one product, then words found nowhere.
        let p = &catalog.products[0];
        let mut own: Vec<String> = Vec::new();
        for w in words(&format!("{} {}", p.name, p.description)) {
            if !own.contains(&w) && own.len() < MAX_QUERY_WORDS {
                own.push(w);
            }
        }
        assert_eq!(own.len(), MAX_QUERY_WORDS);
        let first = own.join(" ");
        let pasted = format!("{first} {first} {}", "laptop televisi zzzzz ".repeat(20));
        // Repeats count once; past the first eight distinct words nothing is searched.
        assert_eq!(index.scores(&pasted), index.scores(&first));
        assert!(slugs(&search(&catalog, &q(&pasted))).contains(&p.slug.to_string()));
        // Typo candidates are compared without regard to case of non-ASCII letters.
        assert!(within_one_edit("robsta", "robusta"));
        assert!(within_one_edit("kopí", "kopi"));
        assert!(!within_one_edit("kopi", "kopi-robusta"));
    }

    #[test]
    fn every_word_must_match_somewhere() {
        let catalog = seed();
        let hits = search(&catalog, &q("keripik pisang coklat"));
        assert_eq!(hits[0].name, "Keripik Pisang Coklat 250 g");
        for p in &hits {
            let ikm = catalog.ikm(p.ikm.as_str()).unwrap();
            let all = words(&format!("{} {} {}", p.name, ikm.name, p.description)).join(" ");
            for word in ["keripik", "pisang", "coklat"] {
                assert!(all.contains(word), "{} lacks {word}", p.name);
            }
        }
    }

    #[test]
    fn name_matches_rank_above_description_matches() {
        let catalog = seed();
        let hits = search(&catalog, &q("madu"));
        let first_desc_only = hits
            .iter()
            .position(|p| !fold(&p.name).contains("madu"))
            .unwrap_or(hits.len());
        assert!(hits[..first_desc_only].len() >= 5);
        assert!(
            hits[first_desc_only..]
                .iter()
                .all(|p| !fold(&p.name).contains("madu")),
            "a name match ranked below a description-only match"
        );
    }

    #[test]
    fn whole_words_rank_above_prefixes() {
        let catalog = seed();
        let hits = search(&catalog, &q("kopi"));
        let kopiah = hits
            .iter()
            .position(|p| p.slug.as_str() == "kopiah-sulam-usus");
        let kopi = hits
            .iter()
            .position(|p| p.slug.as_str() == "kopi-robusta-bubuk-250-g");
        assert!(kopi.unwrap() < kopiah.unwrap());
    }

    #[test]
    fn typos_only_in_longer_words() {
        let catalog = seed();
        // "tapsi" (5 letters) forgives the swap; "tsa" (3 letters) must not become "tas".
        assert!(!search(&catalog, &q("tapsi")).is_empty());
        assert!(search(&catalog, &q("tsa")).is_empty());
    }

    #[test]
    fn words_split_fold_and_unify_variants() {
        assert_eq!(words("olehOleh"), ["oleh", "oleh"]);
        assert_eq!(words("Oleh-oleh"), ["oleh", "oleh"]);
        assert_eq!(words("KRIPIK Cokelat"), ["keripik", "coklat"]);
        assert_eq!(words("honey process"), ["honey", "process"]);
        assert_eq!(words("Café, 250g!"), ["cafe", "250g"]);
        assert!(words("  --  ").is_empty());
    }

    #[test]
    fn one_edit() {
        assert!(within_one_edit("tapis", "tapis"));
        assert!(within_one_edit("tapsi", "tapis"));
        assert!(within_one_edit("robsta", "robusta"));
        assert!(within_one_edit("robustaa", "robusta"));
        assert!(within_one_edit("rabusta", "robusta"));
        assert!(!within_one_edit("rbsta", "robusta"));
        assert!(!within_one_edit("tipas", "tapis"));
    }

    #[test]
    fn filters_by_kabupaten_category_price_certificate_and_stock() {
        let catalog = seed();
        let query = SearchQuery {
            category: Some(Category::MakananMinuman),
            kabupaten: Some(Kabupaten::LampungBarat),
            price_min: Some(Rupiah(40_000)),
            price_max: Some(Rupiah(100_000)),
            certificates: vec![Certificate::Pirt],
            availability: Some(Availability::ReadyStock),
            ..SearchQuery::default()
        };
        let hits = search(&catalog, &query);
        assert!(!hits.is_empty());
        for p in &hits {
            let ikm = catalog.ikm(p.ikm.as_str()).unwrap();
            assert_eq!(p.category, Category::MakananMinuman);
            assert_eq!(ikm.kabupaten, Kabupaten::LampungBarat);
            assert!(p.price >= Rupiah(40_000) && p.price <= Rupiah(100_000));
            assert!(ikm.legal.pirt.is_some());
            assert_eq!(p.availability, Availability::ReadyStock);
        }
        // And every product passing those filters is found.
        let expected = catalog
            .products
            .iter()
            .filter(|p| query.passes(&catalog, p))
            .count();
        assert_eq!(hits.len(), expected);
    }

    #[test]
    fn sorts_by_price_and_newest() {
        let catalog = seed();
        let mut query = q("kopi");
        query.sort = Sort::PriceAsc;
        let up = search(&catalog, &query);
        assert!(up.windows(2).all(|w| w[0].price <= w[1].price));
        query.sort = Sort::PriceDesc;
        let down = search(&catalog, &query);
        assert!(down.windows(2).all(|w| w[0].price >= w[1].price));
        assert_eq!(up.len(), down.len());
        query.sort = Sort::Newest;
        let newest = search(&catalog, &query);
        assert!(newest.windows(2).all(|w| w[0].listed_on >= w[1].listed_on));
    }

    #[test]
    fn blank_query_lists_everything_in_catalog_order() {
        let catalog = seed();
        let hits = search(&catalog, &q("  "));
        assert_eq!(hits.len(), catalog.products.len());
        assert_eq!(hits[0].slug, catalog.products[0].slug);
    }

    #[test]
    fn query_round_trips_through_url_parameters() {
        let query = SearchQuery {
            text: "kopi & gula".into(),
            category: Some(Category::KopiRempah),
            kabupaten: Some(Kabupaten::LampungBarat),
            price_min: Some(Rupiah(10_000)),
            price_max: Some(Rupiah(200_000)),
            certificates: vec![Certificate::Halal, Certificate::Pirt],
            availability: Some(Availability::MadeToOrder),
            sort: Sort::PriceAsc,
        };
        let params = query.to_params();
        let back = SearchQuery::from_params(|k| {
            params
                .iter()
                .find(|(key, _)| *key == k)
                .map(|(_, v)| v.clone())
        });
        assert_eq!(back, query);
        assert_eq!(
            SearchQuery {
                text: "kopi".into(),
                kabupaten: Some(Kabupaten::LampungBarat),
                sort: Sort::PriceAsc,
                ..Default::default()
            }
            .to_query_string(),
            "?q=kopi&wilayah=lampung-barat&urut=harga-naik"
        );
        assert_eq!(SearchQuery::default().to_query_string(), "");
    }

    #[test]
    fn malformed_parameters_are_ignored() {
        let query = SearchQuery::from_params(|k| match k {
            "kategori" => Some("elektronik".into()),
            "harga-min" => Some("murah".into()),
            "harga-maks" => Some("-5".into()),
            "urut" => Some("acak".into()),
            "sertifikat" => Some("halal,iso9001".into()),
            _ => None,
        });
        assert_eq!(
            query,
            SearchQuery {
                certificates: vec![Certificate::Halal],
                ..Default::default()
            }
        );
    }

    #[test]
    fn long_text_is_cut_at_a_character_boundary() {
        let long = "é".repeat(MAX_TEXT_CHARS + 50);
        let query = SearchQuery::from_params(|k| (k == "q").then(|| long.clone()));
        assert_eq!(query.text.chars().count(), MAX_TEXT_CHARS);
        let short = SearchQuery::from_params(|k| (k == "q").then(|| "kopi".to_owned()));
        assert_eq!(short.text, "kopi");
    }

    #[test]
    fn search_api_paths_carry_the_url_parameters_and_the_page() {
        use crate::api::{search_path, SEARCH_DEFAULT_LIMIT};
        let query = SearchQuery {
            text: "kopi bubuk".into(),
            sort: Sort::PriceAsc,
            ..Default::default()
        };
        assert_eq!(
            search_path(&query, SEARCH_DEFAULT_LIMIT, 0),
            "/api/v1/search?q=kopi%20bubuk&urut=harga-naik"
        );
        assert_eq!(
            search_path(&SearchQuery::default(), 10, 20),
            "/api/v1/search?limit=10&offset=20"
        );
        assert_eq!(
            search_path(&SearchQuery::default(), SEARCH_DEFAULT_LIMIT, 0),
            "/api/v1/search"
        );
    }
}
