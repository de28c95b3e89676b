//! The two languages of the storefront, and how money and dates are written in each.

use crate::money::Rupiah;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    /// Bahasa Indonesia, the default.
    #[default]
    Id,
    En,
}

impl Locale {
    /// The BCP 47 tag for `<html lang>` and `Accept-Language`.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::Id => "id",
            Locale::En => "en",
        }
    }

    pub fn from_tag(tag: &str) -> Option<Locale> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "id" | "in" => Some(Locale::Id),
            "en" => Some(Locale::En),
            _ => None,
        }
    }

    /// `Rp 1.500.000` in Indonesian, `Rp 1,500,000` in English.
    pub fn rupiah(self, amount: Rupiah) -> String {
        match self {
            Locale::Id => amount.format(),
            Locale::En => amount.format().replace('.', ","),
        }
    }

    /// `3 Maret 2026` / `3 March 2026` from `2026-03-03`; other text is returned as it is.
    pub fn date(self, iso: &str) -> String {
        const ID: [&str; 12] = [
            "Januari",
            "Februari",
            "Maret",
            "April",
            "Mei",
            "Juni",
            "Juli",
            "Agustus",
            "September",
            "Oktober",
            "November",
            "Desember",
        ];
        const EN: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        let parts: Vec<&str> = iso.split('-').collect();
        let [y, m, d] = parts[..] else {
            return iso.to_owned();
        };
        let (Ok(m), Ok(d)) = (m.parse::<usize>(), d.parse::<u32>()) else {
            return iso.to_owned();
        };
        let names = match self {
            Locale::Id => &ID,
            Locale::En => &EN,
        };
        match names.get(m.wrapping_sub(1)) {
            Some(month) => format!("{d} {month} {y}"),
            None => iso.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_per_language() {
        assert_eq!(Locale::Id.rupiah(Rupiah(1_500_000)), "Rp 1.500.000");
        assert_eq!(Locale::En.rupiah(Rupiah(1_500_000)), "Rp 1,500,000");
        assert_eq!(Locale::En.rupiah(Rupiah(950)), "Rp 950");
    }

    #[test]
    fn dates_per_language() {
        assert_eq!(Locale::Id.date("2026-03-03"), "3 Maret 2026");
        assert_eq!(Locale::En.date("2026-12-25"), "25 December 2026");
        assert_eq!(Locale::Id.date("2026-13-01"), "2026-13-01");
        assert_eq!(Locale::Id.date("kemarin"), "kemarin");
    }

    #[test]
    fn tags() {
        assert_eq!(Locale::from_tag("en-US"), Some(Locale::En));
        assert_eq!(Locale::from_tag("id_ID"), Some(Locale::Id));
        assert_eq!(Locale::from_tag("fr"), None);
        assert_eq!(Locale::En.tag(), "en");
    }
}
