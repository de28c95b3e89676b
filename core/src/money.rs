//! Money in whole Rupiah, and the one way it is written for people.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::{Add, Mul, Sub};

/// An amount of money in whole Rupiah. Rupiah has no minor unit in everyday use,
/// so an integer keeps totals exact.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
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

    pub fn checked_mul(self, qty: u32) -> Option<Rupiah> {
        self.0.checked_mul(i64::from(qty)).map(Rupiah)
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

impl Add for Rupiah {
    type Output = Rupiah;
    fn add(self, rhs: Rupiah) -> Rupiah {
        Rupiah(self.0 + rhs.0)
    }
}

impl Sub for Rupiah {
    type Output = Rupiah;
    fn sub(self, rhs: Rupiah) -> Rupiah {
        Rupiah(self.0 - rhs.0)
    }
}

impl Mul<u32> for Rupiah {
    type Output = Rupiah;
    fn mul(self, rhs: u32) -> Rupiah {
        Rupiah(self.0 * i64::from(rhs))
    }
}

impl std::iter::Sum for Rupiah {
    fn sum<I: Iterator<Item = Rupiah>>(iter: I) -> Rupiah {
        iter.fold(Rupiah::ZERO, Add::add)
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
    fn arithmetic() {
        assert_eq!(Rupiah(12_500) * 4, Rupiah(50_000));
        assert_eq!(
            [Rupiah(1), Rupiah(2), Rupiah(3)]
                .into_iter()
                .sum::<Rupiah>(),
            Rupiah(6)
        );
        assert_eq!(Rupiah(i64::MAX).checked_mul(2), None);
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
