//! The shapes of Disperindag's admin API, and the CSV rule for its export.

use crate::api::{OrderSummary, StatusCount};
use crate::kabupaten::Kabupaten;
use crate::money::Rupiah;
use crate::slug::Slug;
use crate::{Date, Locale};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// An IKM as the admin curates it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminIkm {
    pub slug: Slug,
    pub name: String,
    pub kabupaten: Kabupaten,
    pub verified: bool,
    pub pkp: bool,
    /// Products on the storefront.
    pub products: usize,
    pub accounts: Vec<IkmAccount>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IkmAccount {
    pub id: i64,
    pub username: String,
    pub disabled: bool,
}

/// Body of the yes/no switches (verified, disabled).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetFlag {
    pub value: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewAccount {
    pub username: String,
    pub ikm: Slug,
}

/// A new account's first password, shown once to the admin to pass on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountCreated {
    pub id: i64,
    pub username: String,
    pub password: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordReset {
    pub username: String,
    pub password: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminOrders {
    pub counts: Vec<StatusCount>,
    pub orders: Vec<OrderSummary>,
    /// Present when more orders follow: ask again with `cursor=<this>`.
    #[serde(default)]
    pub next_cursor: Option<String>,
}

/// One bar of a chart: a key (kabupaten, category or status slug, or `YYYY-MM`), how many
/// requests, and their value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Stat {
    pub key: String,
    pub requests: usize,
    pub value: Rupiah,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Stats {
    pub by_kabupaten: Vec<Stat>,
    pub by_category: Vec<Stat>,
    pub by_status: Vec<Stat>,
    pub by_month: Vec<Stat>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub at: String,
    pub username: String,
    pub action: String,
    pub object: String,
    pub from: String,
    pub to: String,
}

/// A page of the audit log, newest first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// Present when older entries follow: ask again with `cursor=<this>`.
    #[serde(default)]
    pub next_cursor: Option<i64>,
}

/// A day off as the admin lists it (`GET /api/v1/admin/holidays`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Holiday {
    pub day: Date,
    pub name: String,
}

/// Body of `POST /api/v1/admin/holidays` (add, or rename a day already on the list), and of
/// `POST /api/v1/admin/holidays/remove` (only `day` counts). Text as typed: checked by
/// [`check_holiday`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HolidayInput {
    pub day: String,
    #[serde(default)]
    pub name: String,
}

pub const MAX_HOLIDAY_NAME_CHARS: usize = 80;

/// A day off as typed, checked: a real date, and a name ("Idulfitri 1448 H") so the list
/// says why. Field errors in the reader's language, keyed like the input.
pub fn check_holiday(
    input: &HolidayInput,
    locale: Locale,
) -> Result<Holiday, BTreeMap<String, String>> {
    let mut errors = BTreeMap::new();
    let day = Date::parse(input.day.trim());
    if day.is_none() {
        let message = match locale {
            Locale::Id => "Pilih tanggal (TTTT-BB-HH).",
            Locale::En => "Choose a date (YYYY-MM-DD).",
        };
        errors.insert("day".to_owned(), message.to_owned());
    }
    let name = input.name.trim();
    if name.is_empty() {
        let message = match locale {
            Locale::Id => "Tulis nama hari libur, misalnya \"Cuti bersama Idulfitri\".",
            Locale::En => "Name the day off, e.g. \"Cuti bersama Idulfitri\".",
        };
        errors.insert("name".to_owned(), message.to_owned());
    } else if name.chars().count() > MAX_HOLIDAY_NAME_CHARS {
        let message = match locale {
            Locale::Id => format!("Paling banyak {MAX_HOLIDAY_NAME_CHARS} karakter."),
            Locale::En => format!("At most {MAX_HOLIDAY_NAME_CHARS} characters."),
        };
        errors.insert("name".to_owned(), message);
    }
    match day {
        Some(day) if errors.is_empty() => Ok(Holiday {
            day,
            name: name.to_owned(),
        }),
        _ => Err(errors),
    }
}

/// One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. A field a
/// spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) is prefixed with `'`.
pub fn csv_field(value: &str) -> String {
    let guarded = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_holiday_needs_a_real_date_and_a_name() {
        let ok = check_holiday(
            &HolidayInput {
                day: " 2027-03-10 ".into(),
                name: "  Idulfitri 1448 H ".into(),
            },
            Locale::Id,
        )
        .unwrap();
        assert_eq!(ok.day.to_string(), "2027-03-10");
        assert_eq!(ok.name, "Idulfitri 1448 H");
        let errors = check_holiday(
            &HolidayInput {
                day: "2027-02-30".into(),
                name: " ".into(),
            },
            Locale::En,
        )
        .unwrap_err();
        assert_eq!(errors["day"], "Choose a date (YYYY-MM-DD).");
        assert!(errors["name"].starts_with("Name the day off"));
        let long = check_holiday(
            &HolidayInput {
                day: "2027-01-01".into(),
                name: "x".repeat(MAX_HOLIDAY_NAME_CHARS + 1),
            },
            Locale::Id,
        )
        .unwrap_err();
        assert_eq!(long["name"], "Paling banyak 80 karakter.");
    }

    #[test]
    fn csv_fields_are_quoted_only_when_needed() {
        assert_eq!(csv_field("PT Bukit Asam"), "PT Bukit Asam");
        assert_eq!(csv_field("Kopi, Lada"), "\"Kopi, Lada\"");
        assert_eq!(csv_field("Toko \"Maju\""), "\"Toko \"\"Maju\"\"\"");
        assert_eq!(csv_field("dua\nbaris"), "\"dua\nbaris\"");
    }

    #[test]
    fn csv_fields_never_run_as_formulas() {
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("+62812"), "'+62812");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
    }
}
