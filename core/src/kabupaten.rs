//! The 15 kabupaten and kota of Lampung: a closed set, named by slug in URLs and data.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Kabupaten {
    LampungBarat,
    LampungSelatan,
    LampungTengah,
    LampungTimur,
    LampungUtara,
    Mesuji,
    Pesawaran,
    PesisirBarat,
    Pringsewu,
    Tanggamus,
    TulangBawang,
    TulangBawangBarat,
    WayKanan,
    BandarLampung,
    Metro,
}

/// How a kabupaten/kota is listed in the catalog document, for clients that only read JSON.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KabupatenInfo {
    pub slug: Kabupaten,
    /// "Kabupaten Lampung Barat", "Kota Metro"
    pub name: String,
    /// "Lampung Barat", "Metro"
    pub short_name: String,
    pub kota: bool,
}

impl Kabupaten {
    pub const ALL: [Kabupaten; 15] = [
        Kabupaten::LampungBarat,
        Kabupaten::LampungSelatan,
        Kabupaten::LampungTengah,
        Kabupaten::LampungTimur,
        Kabupaten::LampungUtara,
        Kabupaten::Mesuji,
        Kabupaten::Pesawaran,
        Kabupaten::PesisirBarat,
        Kabupaten::Pringsewu,
        Kabupaten::Tanggamus,
        Kabupaten::TulangBawang,
        Kabupaten::TulangBawangBarat,
        Kabupaten::WayKanan,
        Kabupaten::BandarLampung,
        Kabupaten::Metro,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Kabupaten::LampungBarat => "lampung-barat",
            Kabupaten::LampungSelatan => "lampung-selatan",
            Kabupaten::LampungTengah => "lampung-tengah",
            Kabupaten::LampungTimur => "lampung-timur",
            Kabupaten::LampungUtara => "lampung-utara",
            Kabupaten::Mesuji => "mesuji",
            Kabupaten::Pesawaran => "pesawaran",
            Kabupaten::PesisirBarat => "pesisir-barat",
            Kabupaten::Pringsewu => "pringsewu",
            Kabupaten::Tanggamus => "tanggamus",
            Kabupaten::TulangBawang => "tulang-bawang",
            Kabupaten::TulangBawangBarat => "tulang-bawang-barat",
            Kabupaten::WayKanan => "way-kanan",
            Kabupaten::BandarLampung => "bandar-lampung",
            Kabupaten::Metro => "metro",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Kabupaten> {
        Kabupaten::ALL.into_iter().find(|k| k.slug() == slug)
    }

    /// Bandar Lampung and Metro are cities (kota); the rest are regencies (kabupaten).
    pub fn is_kota(self) -> bool {
        matches!(self, Kabupaten::BandarLampung | Kabupaten::Metro)
    }

    /// The place name alone: "Lampung Barat".
    pub fn short_name(self) -> &'static str {
        match self {
            Kabupaten::LampungBarat => "Lampung Barat",
            Kabupaten::LampungSelatan => "Lampung Selatan",
            Kabupaten::LampungTengah => "Lampung Tengah",
            Kabupaten::LampungTimur => "Lampung Timur",
            Kabupaten::LampungUtara => "Lampung Utara",
            Kabupaten::Mesuji => "Mesuji",
            Kabupaten::Pesawaran => "Pesawaran",
            Kabupaten::PesisirBarat => "Pesisir Barat",
            Kabupaten::Pringsewu => "Pringsewu",
            Kabupaten::Tanggamus => "Tanggamus",
            Kabupaten::TulangBawang => "Tulang Bawang",
            Kabupaten::TulangBawangBarat => "Tulang Bawang Barat",
            Kabupaten::WayKanan => "Way Kanan",
            Kabupaten::BandarLampung => "Bandar Lampung",
            Kabupaten::Metro => "Metro",
        }
    }

    /// The full administrative name: "Kabupaten Lampung Barat", "Kota Metro".
    pub fn name(self) -> String {
        let kind = if self.is_kota() { "Kota" } else { "Kabupaten" };
        format!("{kind} {}", self.short_name())
    }

    /// The administrative name in a language: "Kabupaten Lampung Barat" or
    /// "Lampung Barat Regency"; "Kota Metro" or "Metro City".
    pub fn name_in(self, locale: crate::Locale) -> String {
        match locale {
            crate::Locale::Id => self.name(),
            crate::Locale::En if self.is_kota() => format!("{} City", self.short_name()),
            crate::Locale::En => format!("{} Regency", self.short_name()),
        }
    }

    pub fn info(self) -> KabupatenInfo {
        KabupatenInfo {
            slug: self,
            name: self.name(),
            short_name: self.short_name().to_owned(),
            kota: self.is_kota(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifteen_distinct_slugs_that_round_trip() {
        let mut slugs: Vec<_> = Kabupaten::ALL.iter().map(|k| k.slug()).collect();
        slugs.sort();
        slugs.dedup();
        assert_eq!(slugs.len(), 15);
        for k in Kabupaten::ALL {
            assert_eq!(Kabupaten::from_slug(k.slug()), Some(k));
            let json = serde_json::to_string(&k).unwrap();
            assert_eq!(json, format!("\"{}\"", k.slug()));
        }
        assert_eq!(Kabupaten::from_slug("jakarta"), None);
    }

    #[test]
    fn two_kota_thirteen_kabupaten() {
        assert_eq!(Kabupaten::ALL.iter().filter(|k| k.is_kota()).count(), 2);
        assert_eq!(Kabupaten::Metro.name(), "Kota Metro");
        assert_eq!(
            Kabupaten::TulangBawangBarat.name(),
            "Kabupaten Tulang Bawang Barat"
        );
    }
}
