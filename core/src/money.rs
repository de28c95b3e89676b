//! Money in whole Rupiah, and the one way it is written for people.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The most one unit of anything may cost: Rp 10.000.000.000. A catalog price, a tier
/// price and an IKM's confirmed price above it are refused.
pub const MAX_UNIT_PRICE: Rupiah = Rupiah(10_000_000_000);
/// The most units one line may ask for.
pub const MAX_QUANTITY: u32 = 1_000_000;
/// The most a line, an IKM's part or a whole request may come to: Rp 1.000.000.000.000
/// (one trillion Rupiah, far above any order this programme sees). Sums of stored parts stay
/// far from `i64::MAX` (9.2 × 10^18): nine million parts at this bound still fit.
pub const MAX_ORDER_TOTAL: Rupiah = Rupiah(1_000_000_000_000);

// The bounds keep every product of a price and a quantity inside i64, so a checked
// multiplication can only fail on values that were never validated.
const _: () = assert!(MAX_UNIT_PRICE.0.checked_mul(MAX_QUANTITY as i64).is_some());

/// An amount of money in whole Rupiah. Rupiah has no minor unit in everyday use,
/// so an integer keeps totals exact.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct Rupiah(pub i64);

impl Rupiah {
    pub const ZERO: Rupiah = Rupiah(0);

    pub fn new(amount: i64) -> Self {
        Rupiah(amount)
    }

    pub fn amount(self) -> i64 {
        self.0
    }

    /// `Rp 1.500.000`: '.' groups thousands, as Indonesian buyers read prices.
    pub fn format(self) -> String {
        format_rupiah(self.0)
    }

    /// `None` on overflow: money is never wrapped or clamped where it is computed.
    pub fn checked_mul(self, qty: u32) -> Option<Rupiah> {
        self.0.checked_mul(i64::from(qty)).map(Rupiah)
    }

    pub fn checked_add(self, other: Rupiah) -> Option<Rupiah> {
        self.0.checked_add(other.0).map(Rupiah)
    }

    pub fn checked_sub(self, other: Rupiah) -> Option<Rupiah> {
        self.0.checked_sub(other.0).map(Rupiah)
    }

    /// The sum of `amounts`, or `None` if it overflows.
    pub fn checked_sum(amounts: impl IntoIterator<Item = Rupiah>) -> Option<Rupiah> {
        amounts
            .into_iter()
            .try_fold(Rupiah::ZERO, |acc, a| acc.checked_add(a))
    }

    /// For showing figures read back from storage, which were bounded when written: a sum
    /// that could not be represented shows as the largest amount instead of wrapping.
    pub fn saturating_sum(amounts: impl IntoIterator<Item = Rupiah>) -> Rupiah {
        Rupiah(
            amounts
                .into_iter()
                .fold(0i64, |acc, a| acc.saturating_add(a.0)),
        )
    }

    /// See [`Rupiah::saturating_sum`]: for display of stored, bounded values only.
    pub fn saturating_mul(self, qty: u32) -> Rupiah {
        Rupiah(self.0.saturating_mul(i64::from(qty)))
    }

    /// A unit price the rules accept: more than Rp 0 and at most [`MAX_UNIT_PRICE`].
    pub fn is_valid_unit_price(self) -> bool {
        self.0 > 0 && self <= MAX_UNIT_PRICE
    }
}

/// Formats whole Rupiah as `Rp 1.500.000` (negative: `-Rp 1.500`).
pub fn format_rupiah(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push('.');
        }
        grouped.push(ch);
    }
    if amount < 0 {
        format!("-Rp {grouped}")
    } else {
        format!("Rp {grouped}")
    }
}

impl fmt::Display for Rupiah {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.format())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands_with_dots() {
        assert_eq!(Rupiah(1_500_000).format(), "Rp 1.500.000");
        assert_eq!(Rupiah(12_500).format(), "Rp 12.500");
        assert_eq!(Rupiah(950_000).format(), "Rp 950.000");
        assert_eq!(Rupiah(1_000).format(), "Rp 1.000");
    }

    #[test]
    fn small_amounts_have_no_separator() {
        assert_eq!(Rupiah(0).format(), "Rp 0");
        assert_eq!(Rupiah(7).format(), "Rp 7");
        assert_eq!(Rupiah(999).format(), "Rp 999");
    }

    #[test]
    fn large_and_negative_amounts() {
        assert_eq!(Rupiah(12_345_678_901).format(), "Rp 12.345.678.901");
        assert_eq!(Rupiah(-1_500).format(), "-Rp 1.500");
        assert_eq!(Rupiah(i64::MIN).format(), "-Rp 9.223.372.036.854.775.808");
    }

    #[test]
    fn display_matches_format() {
        assert_eq!(Rupiah(25_000).to_string(), "Rp 25.000");
    }

    #[test]
    fn arithmetic_is_checked() {
        assert_eq!(Rupiah(12_500).checked_mul(4), Some(Rupiah(50_000)));
        assert_eq!(
            Rupiah::checked_sum([Rupiah(1), Rupiah(2), Rupiah(3)]),
            Some(Rupiah(6))
        );
        assert_eq!(Rupiah(i64::MAX).checked_mul(2), None);
        assert_eq!(Rupiah(i64::MAX).checked_add(Rupiah(1)), None);
        assert_eq!(Rupiah(i64::MIN).checked_sub(Rupiah(1)), None);
        assert_eq!(Rupiah::checked_sum([Rupiah(i64::MAX), Rupiah(1)]), None);
        assert_eq!(
            Rupiah::saturating_sum([Rupiah(i64::MAX), Rupiah(1)]),
            Rupiah(i64::MAX)
        );
    }

    #[test]
    fn unit_prices_are_bounded() {
        assert!(Rupiah(1).is_valid_unit_price());
        assert!(MAX_UNIT_PRICE.is_valid_unit_price());
        assert!(!Rupiah(MAX_UNIT_PRICE.0 + 1).is_valid_unit_price());
        assert!(!Rupiah(0).is_valid_unit_price());
        assert!(!Rupiah(-5).is_valid_unit_price());
    }

    #[test]
    fn serializes_as_plain_integer() {
        assert_eq!(serde_json::to_string(&Rupiah(45_000)).unwrap(), "45000");
        assert_eq!(
            serde_json::from_str::<Rupiah>("45000").unwrap(),
            Rupiah(45_000)
        );
    }
}
