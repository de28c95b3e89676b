//! Product categories: the four lines IKM in Lampung make.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// Crafts: siger replicas, woven bags and mats, bamboo, copper jewellery.
    Kriya,
    /// Cloth and fashion: tapis, batik Lampung, sulam usus.
    Wastra,
    /// Food and drink: chips, kemplang, lempok, honey, sambal.
    MakananMinuman,
    /// Coffee and spices: robusta, black and white pepper.
    KopiRempah,
}

/// How a category is listed in the catalog document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CategoryInfo {
    pub slug: Category,
    pub name: String,
    pub name_en: String,
}

impl Category {
    pub const ALL: [Category; 4] = [
        Category::Kriya,
        Category::Wastra,
        Category::MakananMinuman,
        Category::KopiRempah,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Category::Kriya => "kriya",
            Category::Wastra => "wastra",
            Category::MakananMinuman => "makanan-minuman",
            Category::KopiRempah => "kopi-rempah",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.slug() == slug)
    }

    pub fn name_id(self) -> &'static str {
        match self {
            Category::Kriya => "Kriya",
            Category::Wastra => "Wastra & Fashion",
            Category::MakananMinuman => "Makanan & Minuman",
            Category::KopiRempah => "Kopi & Rempah",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Category::Kriya => "Crafts",
            Category::Wastra => "Textiles & Fashion",
            Category::MakananMinuman => "Food & Drink",
            Category::KopiRempah => "Coffee & Spices",
        }
    }

    pub fn name_in(self, locale: crate::Locale) -> &'static str {
        match locale {
            crate::Locale::Id => self.name_id(),
            crate::Locale::En => self.name_en(),
        }
    }

    pub fn info(self) -> CategoryInfo {
        CategoryInfo {
            slug: self,
            name: self.name_id().to_owned(),
            name_en: self.name_en().to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_round_trip() {
        for c in Category::ALL {
            assert_eq!(Category::from_slug(c.slug()), Some(c));
            assert_eq!(
                serde_json::to_string(&c).unwrap(),
                format!("\"{}\"", c.slug())
            );
        }
        assert_eq!(Category::from_slug("elektronik"), None);
    }
}
