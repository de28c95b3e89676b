//! An IKM editing its own products: what it may change, the rules the change must meet (the
//! same the catalog is held to), in both languages, field by field.

use crate::catalog::{Availability, PriceTier, Product};
use crate::category::Category;
use crate::locale::Locale;
use crate::money::{Rupiah, MAX_QUANTITY, MAX_UNIT_PRICE};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const MAX_NAME_CHARS: usize = 120;
pub const MAX_DESCRIPTION_CHARS: usize = 2000;
pub const MAX_LEAD_TIME_DAYS: u32 = 365;
pub const MAX_TIERS: usize = 6;

/// What an IKM sets on a product. The slug, the IKM and the pictures are not here: the slug
/// is made once from the first name, pictures come by upload.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProductInput {
    pub name: String,
    pub category: Category,
    pub description: String,
    pub unit: String,
    pub price: Rupiah,
    pub min_order: u32,
    pub order_increment: u32,
    #[serde(default)]
    pub tiers: Vec<PriceTier>,
    pub lead_time_days: u32,
    pub availability: Availability,
}

impl ProductInput {
    pub fn from_product(p: &Product) -> ProductInput {
        ProductInput {
            name: p.name.clone(),
            category: p.category,
            description: p.description.clone(),
            unit: p.unit.clone(),
            price: p.price,
            min_order: p.min_order,
            order_increment: p.order_increment,
            tiers: p.tiers.clone(),
            lead_time_days: p.lead_time_days,
            availability: p.availability,
        }
    }
}

/// A product as its IKM sees it at the desk: retired ones too.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeskProduct {
    pub product: Product,
    pub retired: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProductError {
    Required,
    TooLong(usize),
    PriceNotPositive,
    /// Above `money::MAX_UNIT_PRICE`.
    PriceTooHigh,
    AtLeastOne,
    /// Above `money::MAX_QUANTITY`.
    QuantityTooLarge,
    LeadTimeTooLong,
    MadeToOrderNeedsLeadTime,
    TooManyTiers,
    TierQuantityNotAscending,
    TierPriceNotDescending,
}

impl ProductError {
    pub fn message(self, locale: Locale) -> String {
        use ProductError::*;
        match (locale, self) {
            (Locale::Id, Required) => "Wajib diisi.".into(),
            (Locale::En, Required) => "Required.".into(),
            (Locale::Id, TooLong(n)) => format!("Paling banyak {n} karakter."),
            (Locale::En, TooLong(n)) => format!("At most {n} characters."),
            (Locale::Id, PriceNotPositive) => "Harga harus lebih dari Rp 0.".into(),
            (Locale::En, PriceNotPositive) => "The price must be more than Rp 0.".into(),
            (Locale::Id, PriceTooHigh) => {
                format!("Harga paling tinggi {}.", locale.rupiah(MAX_UNIT_PRICE))
            }
            (Locale::En, PriceTooHigh) => {
                format!(
                    "The price may be at most {}.",
                    locale.rupiah(MAX_UNIT_PRICE)
                )
            }
            (Locale::Id, QuantityTooLarge) => format!("Paling banyak {MAX_QUANTITY}."),
            (Locale::En, QuantityTooLarge) => format!("At most {MAX_QUANTITY}."),
            (Locale::Id, AtLeastOne) => "Paling sedikit 1.".into(),
            (Locale::En, AtLeastOne) => "At least 1.".into(),
            (Locale::Id, LeadTimeTooLong) => {
                format!("Paling lama {MAX_LEAD_TIME_DAYS} hari.")
            }
            (Locale::En, LeadTimeTooLong) => format!("At most {MAX_LEAD_TIME_DAYS} days."),
            (Locale::Id, MadeToOrderNeedsLeadTime) => {
                "Produk dibuat sesuai pesanan perlu waktu pengerjaan paling sedikit 1 hari.".into()
            }
            (Locale::En, MadeToOrderNeedsLeadTime) => {
                "A made-to-order product needs a lead time of at least 1 day.".into()
            }
            (Locale::Id, TooManyTiers) => format!("Paling banyak {MAX_TIERS} harga grosir."),
            (Locale::En, TooManyTiers) => format!("At most {MAX_TIERS} volume prices."),
            (Locale::Id, TierQuantityNotAscending) => {
                "Jumlah harga grosir harus naik dan di atas minimal pesan.".into()
            }
            (Locale::En, TierQuantityNotAscending) => {
                "Volume quantities must rise, above the minimum order.".into()
            }
            (Locale::Id, TierPriceNotDescending) => {
                "Harga grosir harus turun dari harga sebelumnya.".into()
            }
            (Locale::En, TierPriceNotDescending) => {
                "Volume prices must fall below the price before.".into()
            }
        }
    }
}

/// Every broken rule, by field (`name`, `price`, `tiers`, …).
pub fn check_product(input: &ProductInput) -> BTreeMap<&'static str, ProductError> {
    let mut errors = BTreeMap::new();
    for (field, value, max) in [
        ("name", &input.name, MAX_NAME_CHARS),
        ("unit", &input.unit, 30),
        ("description", &input.description, MAX_DESCRIPTION_CHARS),
    ] {
        if value.trim().is_empty() {
            errors.insert(field, ProductError::Required);
        } else if value.chars().count() > max {
            errors.insert(field, ProductError::TooLong(max));
        }
    }
    if input.price.amount() <= 0 {
        errors.insert("price", ProductError::PriceNotPositive);
    } else if input.price > MAX_UNIT_PRICE {
        errors.insert("price", ProductError::PriceTooHigh);
    }
    for (field, value) in [
        ("min_order", input.min_order),
        ("order_increment", input.order_increment),
    ] {
        if value < 1 {
            errors.insert(field, ProductError::AtLeastOne);
        } else if value > MAX_QUANTITY {
            errors.insert(field, ProductError::QuantityTooLarge);
        }
    }
    if input.lead_time_days > MAX_LEAD_TIME_DAYS {
        errors.insert("lead_time_days", ProductError::LeadTimeTooLong);
    } else if input.availability == Availability::MadeToOrder && input.lead_time_days < 1 {
        errors.insert("lead_time_days", ProductError::MadeToOrderNeedsLeadTime);
    }
    if input.tiers.len() > MAX_TIERS {
        errors.insert("tiers", ProductError::TooManyTiers);
    } else {
        let (mut qty, mut price) = (input.min_order, input.price);
        for tier in &input.tiers {
            if tier.min_qty <= qty || tier.min_qty > MAX_QUANTITY {
                errors.insert("tiers", ProductError::TierQuantityNotAscending);
                break;
            }
            if tier.price.amount() <= 0 || tier.price >= price {
                errors.insert("tiers", ProductError::TierPriceNotDescending);
                break;
            }
            qty = tier.min_qty;
            price = tier.price;
        }
    }
    errors
}

/// The messages of [`check_product`] in one language, as the API's `fields`.
pub fn product_messages(
    errors: &BTreeMap<&'static str, ProductError>,
    locale: Locale,
) -> BTreeMap<String, String> {
    errors
        .iter()
        .map(|(k, e)| ((*k).to_owned(), e.message(locale)))
        .collect()
}

/// A slug from a product name: lower-case ASCII words joined by `-` (accents dropped).
pub fn slug_from_name(name: &str) -> String {
    let folded = crate::search::fold(name);
    let mut slug = String::new();
    for ch in folded.chars() {
        if ch.is_ascii_alphanumeric() {
            slug.push(ch.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-').to_owned();
    if slug.is_empty() {
        "produk".to_owned()
    } else {
        slug.chars()
            .take(60)
            .collect::<String>()
            .trim_end_matches('-')
            .to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn honey() -> ProductInput {
        ProductInput {
            name: "Madu Hutan Liwa 500 g".into(),
            category: Category::MakananMinuman,
            description: "Madu hutan dari Lampung Barat.".into(),
            unit: "botol".into(),
            price: Rupiah(85_000),
            min_order: 12,
            order_increment: 6,
            tiers: vec![
                PriceTier {
                    min_qty: 48,
                    price: Rupiah(80_000),
                },
                PriceTier {
                    min_qty: 120,
                    price: Rupiah(76_000),
                },
            ],
            lead_time_days: 3,
            availability: Availability::ReadyStock,
        }
    }

    #[test]
    fn a_sound_product_passes() {
        assert!(check_product(&honey()).is_empty());
    }

    #[test]
    fn each_rule_names_its_field() {
        let mut p = honey();
        p.name = " ".into();
        p.price = Rupiah(0);
        p.order_increment = 0;
        p.description = "x".repeat(MAX_DESCRIPTION_CHARS + 1);
        let e = check_product(&p);
        assert_eq!(e["name"], ProductError::Required);
        assert_eq!(e["price"], ProductError::PriceNotPositive);
        assert_eq!(e["order_increment"], ProductError::AtLeastOne);
        assert_eq!(
            e["description"],
            ProductError::TooLong(MAX_DESCRIPTION_CHARS)
        );
    }

    #[test]
    fn tiers_rise_in_quantity_and_fall_in_price() {
        let mut p = honey();
        p.tiers[1].price = Rupiah(81_000);
        assert_eq!(
            check_product(&p)["tiers"],
            ProductError::TierPriceNotDescending
        );
        let mut p = honey();
        p.tiers[0].min_qty = 12;
        assert_eq!(
            check_product(&p)["tiers"],
            ProductError::TierQuantityNotAscending
        );
    }

    #[test]
    fn made_to_order_needs_a_lead_time() {
        let mut p = honey();
        p.availability = Availability::MadeToOrder;
        p.lead_time_days = 0;
        assert_eq!(
            check_product(&p)["lead_time_days"],
            ProductError::MadeToOrderNeedsLeadTime
        );
        p.lead_time_days = 400;
        assert_eq!(
            check_product(&p)["lead_time_days"],
            ProductError::LeadTimeTooLong
        );
    }

    #[test]
    fn messages_speak_both_languages() {
        let e = check_product(&ProductInput {
            price: Rupiah(-1),
            ..honey()
        });
        assert_eq!(
            product_messages(&e, Locale::Id)["price"],
            "Harga harus lebih dari Rp 0."
        );
        assert_eq!(
            product_messages(&e, Locale::En)["price"],
            "The price must be more than Rp 0."
        );
    }

    #[test]
    fn slugs_from_names() {
        assert_eq!(
            slug_from_name("Kopi Robusta Bubuk 250 g"),
            "kopi-robusta-bubuk-250-g"
        );
        assert_eq!(
            slug_from_name("  Tapis—Pucuk Rebung!! "),
            "tapis-pucuk-rebung"
        );
        assert_eq!(slug_from_name("???"), "produk");
        assert!(crate::slug::Slug::parse(&slug_from_name("Kain Sulam Usus Ké 1")).is_ok());
    }
}
