//! The shapes of Disperindag's admin API, and the CSV rule for its export.

use crate::api::{OrderSummary, StatusCount};
use crate::kabupaten::Kabupaten;
use crate::money::Rupiah;
use crate::slug::Slug;
use serde::{Deserialize, Serialize};

/// An IKM as the admin curates it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
pub struct IkmAccount {
    pub id: i64,
    pub username: String,
    pub disabled: bool,
}

/// Body of the yes/no switches (verified, disabled).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetFlag {
    pub value: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAccount {
    pub username: String,
    pub ikm: Slug,
}

/// A new account's first password, shown once to the admin to pass on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountCreated {
    pub id: i64,
    pub username: String,
    pub password: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordReset {
    pub username: String,
    pub password: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminOrders {
    pub counts: Vec<StatusCount>,
    pub orders: Vec<OrderSummary>,
}

/// One bar of a chart: a key (kabupaten, category or status slug, or `YYYY-MM`), how many
/// requests, and their value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stat {
    pub key: String,
    pub requests: usize,
    pub value: Rupiah,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    pub by_kabupaten: Vec<Stat>,
    pub by_category: Vec<Stat>,
    pub by_status: Vec<Stat>,
    pub by_month: Vec<Stat>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: String,
    pub username: String,
    pub action: String,
    pub object: String,
    pub from: String,
    pub to: String,
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
