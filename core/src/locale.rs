//! The two languages of the storefront, and how money and dates are written in each.

use crate::money::Rupiah;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

impl Locale {
    /// `28 November 2026 22.01 WIB` / `28 November 2026 22:01 WIB` from a UTC timestamp
    /// `2026-11-28T15:01:47Z`, in Lampung's time zone (UTC+7). Other text comes back as it is.
    pub fn timestamp_wib(self, utc: &str) -> String {
        let parsed = (|| {
            let (date, time) = utc.strip_suffix('Z')?.split_once('T')?;
            let date = crate::Date::parse(date)?;
            let mut hms = time.split(':').map(|x| x.parse::<i64>().ok());
            let (h, m) = (hms.next()??, hms.next()??);
            let minutes = date.to_days() * 1440 + h * 60 + m + 7 * 60;
            Some((
                crate::Date::from_days(minutes.div_euclid(1440)),
                minutes.rem_euclid(1440),
            ))
        })();
        match parsed {
            Some((day, min)) => {
                let sep = if self == Locale::Id { '.' } else { ':' };
                format!(
                    "{} {:02}{sep}{:02} WIB",
                    self.date(&day.to_string()),
                    min / 60,
                    min % 60
                )
            }
            None => utc.to_owned(),
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
    fn timestamps_in_lampung_time() {
        assert_eq!(
            Locale::Id.timestamp_wib("2026-11-28T15:01:47Z"),
            "28 November 2026 22.01 WIB"
        );
        assert_eq!(
            Locale::En.timestamp_wib("2026-12-31T20:30:00Z"),
            "1 January 2027 03:30 WIB"
        );
        assert_eq!(Locale::Id.timestamp_wib("kemarin"), "kemarin");
    }

    #[test]
    fn tags() {
        assert_eq!(Locale::from_tag("en-US"), Some(Locale::En));
        assert_eq!(Locale::from_tag("id_ID"), Some(Locale::Id));
        assert_eq!(Locale::from_tag("fr"), None);
        assert_eq!(Locale::En.tag(), "en");
    }
}
