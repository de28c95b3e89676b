//! The catalog: IKM, their products, and the rules a catalog must keep before anyone sees it.

use crate::category::{Category, CategoryInfo};
use crate::kabupaten::{Kabupaten, KabupatenInfo};
use crate::money::{Rupiah, MAX_QUANTITY, MAX_UNIT_PRICE};
use crate::phone::Phone;
use crate::slug::Slug;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::fmt;

/// Business identifiers an IKM may hold. Each is optional: most small producers hold a few.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LegalIds {
    /// Nomor Induk Berusaha, the business registration from OSS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nib: Option<String>,
    /// Home-industry food permit (Sertifikat Produksi Pangan Industri Rumah Tangga).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pirt: Option<String>,
    /// BPOM registration for processed food.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bpom_md: Option<String>,
    /// Halal certificate number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub halal: Option<String>,
    /// Indonesian national standard certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sni: Option<String>,
    /// The numbers are made-up samples and must be shown as such.
    #[serde(default)]
    pub sample: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ikm {
    pub slug: Slug,
    pub name: String,
    pub kabupaten: Kabupaten,
    pub story: String,
    /// WhatsApp number, E.164.
    pub whatsapp: Phone,
    #[serde(default)]
    pub legal: LegalIds,
    /// Registered for VAT (Pengusaha Kena Pajak): only a PKP charges PPN.
    #[serde(default)]
    pub pkp: bool,
    /// Checked by Disperindag: the storefront shows "Terverifikasi Disperindag".
    #[serde(default)]
    pub verified: bool,
    /// Where it delivers to, as the IKM set it on its desk; empty: all of Lampung.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub delivers_to: Vec<Kabupaten>,
}

/// One line of an IKM's legal details as the storefront shows them: label, number (empty for
/// PKP) and what it tells a buyer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LegalRow<'a> {
    pub label: &'static str,
    pub number: &'a str,
    pub about: &'static str,
}

/// What "PKP" tells a buyer.
pub fn pkp_about(locale: crate::Locale) -> &'static str {
    match locale {
        crate::Locale::Id => "Pengusaha Kena Pajak: dapat menerbitkan faktur pajak (PPN).",
        crate::Locale::En => "VAT-registered business: can issue VAT invoices (PPN).",
    }
}

impl Ikm {
    /// Whether it delivers to `to`: anywhere when it named no places.
    pub fn delivers_to(&self, to: Kabupaten) -> bool {
        self.delivers_to.is_empty() || self.delivers_to.contains(&to)
    }

    /// Its registration (NIB), certificates with their numbers, and PKP status, in the order
    /// the storefront lists them (the app's badges and the server's first HTML alike).
    pub fn legal_rows(&self, locale: crate::Locale) -> Vec<LegalRow<'_>> {
        use crate::search::Certificate;
        let legal = &self.legal;
        let mut rows = Vec::new();
        if let Some(nib) = &legal.nib {
            rows.push(LegalRow {
                label: "NIB",
                number: nib,
                about: match locale {
                    crate::Locale::Id => {
                        "Nomor Induk Berusaha dari OSS: usaha ini terdaftar resmi."
                    }
                    crate::Locale::En => {
                        "Business registration number from OSS: the business is officially registered."
                    }
                },
            });
        }
        for c in Certificate::ALL {
            let number = match c {
                Certificate::Halal => &legal.halal,
                Certificate::Pirt => &legal.pirt,
                Certificate::BpomMd => &legal.bpom_md,
                Certificate::Sni => &legal.sni,
            };
            if let Some(n) = number {
                rows.push(LegalRow {
                    label: c.label(),
                    number: n,
                    about: c.about(locale),
                });
            }
        }
        if self.pkp {
            rows.push(LegalRow {
                label: "PKP",
                number: "",
                about: pkp_about(locale),
            });
        }
        rows
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Availability {
    ReadyStock,
    MadeToOrder,
}

impl Availability {
    pub fn slug(self) -> &'static str {
        match self {
            Availability::ReadyStock => "ready-stock",
            Availability::MadeToOrder => "made-to-order",
        }
    }

    pub fn from_slug(s: &str) -> Option<Availability> {
        [Availability::ReadyStock, Availability::MadeToOrder]
            .into_iter()
            .find(|a| a.slug() == s)
    }
}

/// From `min_qty` units on, each unit costs `price`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PriceTier {
    pub min_qty: u32,
    pub price: Rupiah,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Image {
    pub src: String,
    pub alt: String,
    pub width: u32,
    pub height: u32,
    /// The same picture in smaller widths for `srcset` (uploaded photos); empty for drawings.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sizes: Vec<ImageSize>,
}

/// One width of an uploaded photo.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImageSize {
    pub src: String,
    pub width: u32,
}

/// The `sizes` attribute for product pictures with several widths: how wide a picture is
/// drawn (cards in a grid on wide screens, the full width on a phone), so the browser picks
/// the smallest file that is sharp enough. The app and the server's rendering share it, so the
/// phone downloads one file, not one for each.
pub const IMAGE_SIZES: &str = "(min-width: 960px) 300px, (min-width: 600px) 45vw, 100vw";

impl Image {
    /// `src 320w, src 640w, …` for the `srcset` attribute; empty when there is one size.
    pub fn srcset(&self) -> String {
        self.sizes
            .iter()
            .map(|s| format!("{} {}w", s.src, s.width))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Product {
    pub slug: Slug,
    /// The slug of the IKM that makes it.
    pub ikm: Slug,
    pub name: String,
    pub category: Category,
    pub description: String,
    /// What one unit is: "lembar", "pak 250 g", "kg", "botol 350 ml".
    pub unit: String,
    /// Unit price below the first tier.
    pub price: Rupiah,
    pub min_order: u32,
    /// Quantities go up from the minimum in steps of this many.
    pub order_increment: u32,
    #[serde(default)]
    pub tiers: Vec<PriceTier>,
    pub lead_time_days: u32,
    pub availability: Availability,
    #[serde(default)]
    pub images: Vec<Image>,
    /// When it joined the catalog, `YYYY-MM-DD`: "newest" sorts on it.
    pub listed_on: String,
    /// Curated for the home page.
    #[serde(default)]
    pub featured: bool,
}

/// Whether `s` is a calendar date written `YYYY-MM-DD`.
pub fn is_iso_date(s: &str) -> bool {
    crate::Date::parse(s).is_some()
}

impl Product {
    /// "Dibuat sesuai pesanan, ±60 hari" / "Stok tersedia, siap kirim dalam 3 hari": the words
    /// the app and the server's first HTML both show.
    pub fn lead_time_text(&self, locale: crate::Locale) -> String {
        let id = locale == crate::Locale::Id;
        let (made, ready, within, days) = if id {
            (
                "Dibuat sesuai pesanan",
                "Stok tersedia",
                "siap kirim dalam",
                "hari",
            )
        } else {
            ("Made to order", "In stock", "ships within", "days")
        };
        match self.availability {
            Availability::MadeToOrder => format!("{made}, ±{} {days}", self.lead_time_days),
            Availability::ReadyStock if self.lead_time_days == 0 => ready.to_owned(),
            Availability::ReadyStock => {
                format!("{ready}, {within} {} {days}", self.lead_time_days)
            }
        }
    }

    /// The volume-price table's rows: each quantity range ("20–99", "≥ 500") and its unit
    /// price, from the minimum order up.
    pub fn tier_rows(&self) -> Vec<(String, Rupiah)> {
        let mut rows = Vec::new();
        let (mut from, mut price) = (self.min_order, self.price);
        for tier in &self.tiers {
            rows.push((
                format!("{from}\u{2013}{}", tier.min_qty.saturating_sub(1)),
                price,
            ));
            (from, price) = (tier.min_qty, tier.price);
        }
        rows.push((format!("\u{2265} {from}"), price));
        rows
    }

    /// Its first picture, or its category's drawing when it has none.
    pub fn primary_image(&self) -> Image {
        self.images.first().cloned().unwrap_or_else(|| Image {
            src: format!("/img/kategori/{}.svg", self.category.slug()),
            alt: self.name.clone(),
            width: 600,
            height: 600,
            sizes: Vec::new(),
        })
    }

    /// "Minimal pesan 10 pak 250 g, kelipatan 5".
    pub fn order_rule(&self, locale: crate::Locale) -> String {
        let (minimum, steps) = if locale == crate::Locale::Id {
            ("Minimal pesan", "kelipatan")
        } else {
            ("Minimum order", "in steps of")
        };
        if self.order_increment > 1 {
            format!(
                "{minimum} {} {}, {steps} {}",
                self.min_order, self.unit, self.order_increment
            )
        } else {
            format!("{minimum} {} {}", self.min_order, self.unit)
        }
    }

    /// The unit price that applies to an order of `qty` units: the highest tier reached.
    pub fn unit_price(&self, qty: u32) -> Rupiah {
        self.tiers
            .iter()
            .rev()
            .find(|t| qty >= t.min_qty)
            .map_or(self.price, |t| t.price)
    }

    /// The lowest price any quantity reaches ("mulai Rp …").
    pub fn lowest_price(&self) -> Rupiah {
        self.tiers.last().map_or(self.price, |t| t.price)
    }
}

/// The catalog as it is stored in `data/` and in the database: IKM and products.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CatalogData {
    pub ikm: Vec<Ikm>,
    pub products: Vec<Product>,
}

/// The catalog document served at `/api/v1/catalog`: everything a storefront needs at once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Catalog {
    pub categories: Vec<CategoryInfo>,
    pub kabupaten: Vec<KabupatenInfo>,
    pub ikm: Vec<Ikm>,
    pub products: Vec<Product>,
}

impl Catalog {
    pub fn from_data(data: CatalogData) -> Catalog {
        Catalog {
            categories: Category::ALL.iter().map(|c| c.info()).collect(),
            kabupaten: Kabupaten::ALL.iter().map(|k| k.info()).collect(),
            ikm: data.ikm,
            products: data.products,
        }
    }

    pub fn product(&self, slug: &str) -> Option<&Product> {
        self.products.iter().find(|p| p.slug.as_str() == slug)
    }

    pub fn ikm(&self, slug: &str) -> Option<&Ikm> {
        self.ikm.iter().find(|i| i.slug.as_str() == slug)
    }

    pub fn products_of<'a>(&'a self, ikm: &'a str) -> impl Iterator<Item = &'a Product> + 'a {
        self.products.iter().filter(move |p| p.ikm.as_str() == ikm)
    }

    pub fn products_in(&self, category: Category) -> impl Iterator<Item = &Product> + '_ {
        self.products.iter().filter(move |p| p.category == category)
    }
}

/// An IKM with all its products: the document at `/api/v1/ikm/{slug}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IkmDetail {
    pub ikm: Ikm,
    pub products: Vec<Product>,
}

/// A product with its maker and the products its page suggests: the document at
/// `/api/v1/products/{slug}` ([`crate::shelf`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProductDetail {
    pub product: Product,
    pub ikm: Ikm,
    /// Others of the same IKM, then of the same category ([`crate::shelf::related`]).
    #[serde(default)]
    pub related: Vec<Product>,
    /// The makers of `related` other than `ikm`, each once.
    #[serde(default)]
    pub related_ikm: Vec<Ikm>,
}

/// One broken rule in a catalog, naming the record and the field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogError {
    /// `ikm "kopi-way-tebu"` or `product "keripik-pisang"`.
    pub record: String,
    /// `price`, `tiers[1].min_qty`, …
    pub field: String,
    pub message: String,
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}, field `{}`: {}",
            self.record, self.field, self.message
        )
    }
}

impl std::error::Error for CatalogError {}

/// Checks every rule and returns every broken one, so a curator fixes a file in one pass.
pub fn validate(data: &CatalogData) -> Result<(), Vec<CatalogError>> {
    let mut errors = Vec::new();
    let mut err = |record: String, field: &str, message: String| {
        errors.push(CatalogError {
            record,
            field: field.to_owned(),
            message,
        })
    };

    let mut ikm_slugs = HashSet::new();
    for (i, ikm) in data.ikm.iter().enumerate() {
        let record = format!("ikm \"{}\" (#{})", ikm.slug, i + 1);
        if !ikm_slugs.insert(ikm.slug.as_str()) {
            err(
                record.clone(),
                "slug",
                "duplicate slug: another IKM already uses it".into(),
            );
        }
        if ikm.name.trim().is_empty() {
            err(record.clone(), "name", "must not be empty".into());
        }
        if ikm.story.trim().is_empty() {
            err(record.clone(), "story", "must not be empty".into());
        }
    }

    let mut product_slugs = HashSet::new();
    for (i, p) in data.products.iter().enumerate() {
        let record = format!("product \"{}\" (#{})", p.slug, i + 1);
        if !product_slugs.insert(p.slug.as_str()) {
            err(
                record.clone(),
                "slug",
                "duplicate slug: another product already uses it".into(),
            );
        }
        if !ikm_slugs.contains(p.ikm.as_str()) {
            err(
                record.clone(),
                "ikm",
                format!("no IKM with slug \"{}\"", p.ikm),
            );
        }
        if p.name.trim().is_empty() {
            err(record.clone(), "name", "must not be empty".into());
        }
        if p.unit.trim().is_empty() {
            err(record.clone(), "unit", "must not be empty".into());
        }
        if !p.price.is_valid_unit_price() {
            err(
                record.clone(),
                "price",
                format!(
                    "must be more than 0 and at most {}, is {}",
                    MAX_UNIT_PRICE.amount(),
                    p.price.amount()
                ),
            );
        }
        for (field, value) in [
            ("min_order", p.min_order),
            ("order_increment", p.order_increment),
        ] {
            if !(1..=MAX_QUANTITY).contains(&value) {
                err(
                    record.clone(),
                    field,
                    format!("must be 1 to {MAX_QUANTITY}, is {value}"),
                );
            }
        }
        if p.availability == Availability::MadeToOrder && p.lead_time_days < 1 {
            err(
                record.clone(),
                "lead_time_days",
                "a made-to-order product needs a lead time of at least 1 day".into(),
            );
        }
        let mut prev_qty = p.min_order;
        let mut prev_price = p.price;
        for (t, tier) in p.tiers.iter().enumerate() {
            if tier.min_qty <= prev_qty {
                err(
                    record.clone(),
                    &format!("tiers[{t}].min_qty"),
                    format!(
                        "tiers must ascend in quantity: {} is not above {}",
                        tier.min_qty, prev_qty
                    ),
                );
            }
            if !tier.price.is_valid_unit_price() {
                err(
                    record.clone(),
                    &format!("tiers[{t}].price"),
                    format!(
                        "must be more than 0 and at most {}",
                        MAX_UNIT_PRICE.amount()
                    ),
                );
            } else if tier.price >= prev_price {
                err(
                    record.clone(),
                    &format!("tiers[{t}].price"),
                    format!(
                        "tiers must descend in price: {} is not below {}",
                        tier.price.amount(),
                        prev_price.amount()
                    ),
                );
            }
            prev_qty = tier.min_qty;
            prev_price = tier.price;
        }
        if !is_iso_date(&p.listed_on) {
            err(
                record.clone(),
                "listed_on",
                format!("must be a date written YYYY-MM-DD, is {:?}", p.listed_on),
            );
        }
        for (n, img) in p.images.iter().enumerate() {
            if img.src.trim().is_empty() {
                err(
                    record.clone(),
                    &format!("images[{n}].src"),
                    "must not be empty".into(),
                );
            }
            if img.width == 0 || img.height == 0 {
                err(
                    record.clone(),
                    &format!("images[{n}].width"),
                    "width and height must be more than 0".into(),
                );
            }
        }
    }

    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Counts per kabupaten/kota: how many IKM and products each has.
pub fn counts_by_kabupaten(catalog: &Catalog) -> Vec<(Kabupaten, usize, usize)> {
    let ikm_home: HashMap<&str, Kabupaten> = catalog
        .ikm
        .iter()
        .map(|i| (i.slug.as_str(), i.kabupaten))
        .collect();
    Kabupaten::ALL
        .iter()
        .map(|&k| {
            let ikm = catalog.ikm.iter().filter(|i| i.kabupaten == k).count();
            let products = catalog
                .products
                .iter()
                .filter(|p| ikm_home.get(p.ikm.as_str()) == Some(&k))
                .count();
            (k, ikm, products)
        })
        .filter(|&(_, ikm, _)| ikm > 0)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ikm(slug: &str) -> Ikm {
        Ikm {
            slug: Slug::parse(slug).unwrap(),
            name: "Kopi Way Tebu".into(),
            kabupaten: Kabupaten::LampungBarat,
            story: "Kebun kopi keluarga di lereng Bukit Barisan.".into(),
            whatsapp: Phone::parse("081270001234").unwrap(),
            legal: LegalIds::default(),
            pkp: false,
            verified: false,
            delivers_to: Vec::new(),
        }
    }

    fn product(slug: &str, ikm: &str) -> Product {
        Product {
            slug: Slug::parse(slug).unwrap(),
            ikm: Slug::parse(ikm).unwrap(),
            name: "Kopi Robusta Bubuk 250 g".into(),
            category: Category::KopiRempah,
            description: "Robusta Lampung Barat, sangrai medium.".into(),
            unit: "pak 250 g".into(),
            price: Rupiah(45_000),
            min_order: 10,
            order_increment: 5,
            tiers: vec![
                PriceTier {
                    min_qty: 50,
                    price: Rupiah(42_000),
                },
                PriceTier {
                    min_qty: 200,
                    price: Rupiah(39_000),
                },
            ],
            lead_time_days: 3,
            availability: Availability::ReadyStock,
            images: vec![],
            listed_on: "2026-03-01".into(),
            featured: false,
        }
    }

    fn good() -> CatalogData {
        CatalogData {
            ikm: vec![ikm("kopi-way-tebu")],
            products: vec![product("kopi-bubuk", "kopi-way-tebu")],
        }
    }

    /// Asserts that validation fails with exactly one error, on the given record and field.
    fn assert_rejected(data: &CatalogData, record: &str, field: &str) -> CatalogError {
        let errors = validate(data).expect_err("catalog should be rejected");
        assert_eq!(errors.len(), 1, "expected one error, got {errors:?}");
        let e = errors.into_iter().next().unwrap();
        assert!(
            e.record.contains(record),
            "record {:?} should name {record}",
            e.record
        );
        assert_eq!(e.field, field);
        e
    }

    #[test]
    fn a_good_catalog_passes() {
        assert_eq!(validate(&good()), Ok(()));
    }

    #[test]
    fn duplicate_ikm_slug() {
        let mut data = good();
        data.ikm.push(ikm("kopi-way-tebu"));
        assert_rejected(&data, "ikm \"kopi-way-tebu\" (#2)", "slug");
    }

    #[test]
    fn duplicate_product_slug() {
        let mut data = good();
        data.products.push(product("kopi-bubuk", "kopi-way-tebu"));
        assert_rejected(&data, "product \"kopi-bubuk\" (#2)", "slug");
    }

    #[test]
    fn product_of_unknown_ikm() {
        let mut data = good();
        data.products[0].ikm = Slug::parse("tidak-ada").unwrap();
        let e = assert_rejected(&data, "kopi-bubuk", "ikm");
        assert!(e.message.contains("tidak-ada"));
    }

    #[test]
    fn zero_or_negative_price() {
        for price in [0, -5] {
            let mut data = good();
            data.products[0].price = Rupiah(price);
            // The first tier is no longer below the base price either; only price is reported
            // when the tiers are fine relative to each other, so drop them.
            data.products[0].tiers.clear();
            assert_rejected(&data, "kopi-bubuk", "price");
        }
    }

    #[test]
    fn minimum_order_below_one() {
        let mut data = good();
        data.products[0].min_order = 0;
        assert_rejected(&data, "kopi-bubuk", "min_order");
    }

    #[test]
    fn increment_below_one() {
        let mut data = good();
        data.products[0].order_increment = 0;
        assert_rejected(&data, "kopi-bubuk", "order_increment");
    }

    #[test]
    fn tiers_not_ascending_in_quantity() {
        let mut data = good();
        data.products[0].tiers[1].min_qty = 50;
        data.products[0].tiers[1].price = Rupiah(39_000);
        assert_rejected(&data, "kopi-bubuk", "tiers[1].min_qty");
    }

    #[test]
    fn first_tier_not_above_minimum() {
        let mut data = good();
        data.products[0].tiers[0].min_qty = 10;
        assert_rejected(&data, "kopi-bubuk", "tiers[0].min_qty");
    }

    #[test]
    fn tiers_not_descending_in_price() {
        let mut data = good();
        data.products[0].tiers[1].price = Rupiah(42_000);
        assert_rejected(&data, "kopi-bubuk", "tiers[1].price");
    }

    #[test]
    fn tier_not_below_base_price() {
        let mut data = good();
        data.products[0].tiers[0].price = Rupiah(45_000);
        assert_rejected(&data, "kopi-bubuk", "tiers[0].price");
    }

    #[test]
    fn made_to_order_without_lead_time() {
        let mut data = good();
        data.products[0].availability = Availability::MadeToOrder;
        data.products[0].lead_time_days = 0;
        assert_rejected(&data, "kopi-bubuk", "lead_time_days");
    }

    #[test]
    fn empty_names() {
        let mut data = good();
        data.ikm[0].name = "  ".into();
        assert_rejected(&data, "ikm \"kopi-way-tebu\"", "name");
        let mut data = good();
        data.products[0].name = String::new();
        assert_rejected(&data, "kopi-bubuk", "name");
    }

    #[test]
    fn listed_on_must_be_a_real_date() {
        for bad in ["", "2026-02-30", "2026-13-01", "26-01-01", "2026/01/01"] {
            let mut data = good();
            data.products[0].listed_on = bad.into();
            assert_rejected(&data, "kopi-bubuk", "listed_on");
        }
        assert!(is_iso_date("2024-02-29"));
        assert!(!is_iso_date("2023-02-29"));
    }

    #[test]
    fn image_without_size() {
        let mut data = good();
        data.products[0].images.push(Image {
            src: "/img/x.svg".into(),
            alt: "x".into(),
            width: 0,
            height: 600,
            sizes: vec![],
        });
        assert_rejected(&data, "kopi-bubuk", "images[0].width");
    }

    #[test]
    fn every_error_is_reported_at_once() {
        let mut data = good();
        data.products[0].min_order = 0;
        data.products[0].order_increment = 0;
        assert_eq!(validate(&data).unwrap_err().len(), 2);
    }

    #[test]
    fn error_message_names_record_and_field() {
        let mut data = good();
        data.products[0].min_order = 0;
        let e = &validate(&data).unwrap_err()[0];
        assert_eq!(
            e.to_string(),
            "product \"kopi-bubuk\" (#1), field `min_order`: must be 1 to 1000000, is 0"
        );
    }

    #[test]
    fn unit_price_follows_tiers() {
        let p = product("kopi-bubuk", "kopi-way-tebu");
        assert_eq!(p.unit_price(10), Rupiah(45_000));
        assert_eq!(p.unit_price(49), Rupiah(45_000));
        assert_eq!(p.unit_price(50), Rupiah(42_000));
        assert_eq!(p.unit_price(199), Rupiah(42_000));
        assert_eq!(p.unit_price(1000), Rupiah(39_000));
        assert_eq!(p.lowest_price(), Rupiah(39_000));
    }

    #[test]
    fn malformed_phone_or_kabupaten_fails_to_load() {
        let bad_phone =
            r#"{"slug":"a","name":"A","kabupaten":"metro","story":"s","whatsapp":"0721123"}"#;
        assert!(serde_json::from_str::<Ikm>(bad_phone).is_err());
        let bad_kab = r#"{"slug":"a","name":"A","kabupaten":"jakarta","story":"s","whatsapp":"081270001234"}"#;
        assert!(serde_json::from_str::<Ikm>(bad_kab).is_err());
    }

    #[test]
    fn the_seed_catalog_is_valid_and_complete() {
        let data: CatalogData =
            serde_json::from_str(include_str!("../../data/catalog.json")).unwrap();
        assert_eq!(validate(&data), Ok(()));
        assert_eq!(data.ikm.len(), 40);
        assert!(
            data.products.len() >= 160,
            "{} products",
            data.products.len()
        );
        let catalog = Catalog::from_data(data);
        assert_eq!(counts_by_kabupaten(&catalog).len(), 8);
        for c in Category::ALL {
            assert!(
                catalog.products_in(c).count() >= 20,
                "{c:?} has few products"
            );
        }
        assert!(
            catalog.ikm.iter().all(|i| i.legal.sample),
            "legal ids must be marked sample"
        );
    }

    #[test]
    fn availability_slugs_round_trip() {
        for a in [Availability::ReadyStock, Availability::MadeToOrder] {
            assert_eq!(Availability::from_slug(a.slug()), Some(a));
            assert_eq!(
                serde_json::to_string(&a).unwrap(),
                format!("\"{}\"", a.slug())
            );
        }
    }

    #[test]
    fn kabupaten_counts() {
        let mut data = good();
        let mut other = ikm("madu-liwa");
        other.kabupaten = Kabupaten::Metro;
        data.ikm.push(other);
        data.products.push(product("madu", "madu-liwa"));
        data.products.push(product("madu-2", "madu-liwa"));
        let counts = counts_by_kabupaten(&Catalog::from_data(data));
        assert_eq!(
            counts,
            vec![(Kabupaten::LampungBarat, 1, 1), (Kabupaten::Metro, 1, 2)]
        );
    }
}
