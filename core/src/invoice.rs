//! What an IKM's invoice adds up to, and when PPN (Indonesian VAT) belongs on it.
//!
//! Catalog prices are the IKM's selling prices before PPN. Only an IKM registered for VAT
//! (PKP) charges PPN: 12% on a tax base (DPP) of 11/12 of the price, 11% in effect. A BUMN or a
//! government office buying from a PKP is a *pemungut PPN*: it pays the seller the price
//! without PPN and remits the PPN to the state itself, so the invoice still states the PPN
//! but the amount due to the seller leaves it out.

use crate::money::Rupiah;
use crate::request::BuyerType;
use serde::{Deserialize, Serialize};

/// PPN's nominal rate, in percent.
pub const PPN_RATE_PERCENT: i64 = 12;

/// Who pays the PPN on an invoice from a PKP.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum PpnCollection {
    /// The buyer pays it to the seller with the invoice.
    PaidToSeller,
    /// The buyer withholds it and remits it to the state (BUMN, government office).
    CollectedByBuyer,
}

/// The PPN lines of an invoice from a PKP.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ppn {
    /// Dasar Pengenaan Pajak: 11/12 of the selling price, rounded down to whole Rupiah.
    pub dpp: Rupiah,
    /// 12% of the DPP, rounded down to whole Rupiah.
    pub amount: Rupiah,
    pub collection: PpnCollection,
}

/// The bottom of an invoice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvoiceTotals {
    /// The sum of the lines at their agreed unit prices.
    pub subtotal: Rupiah,
    /// Present only when the seller is PKP.
    pub ppn: Option<Ppn>,
    /// Subtotal plus PPN: the value of the transaction.
    pub total: Rupiah,
    /// What the buyer transfers to the seller.
    pub due_to_seller: Rupiah,
}

/// Whether a buyer of this kind withholds PPN itself when buying from a PKP.
pub fn collects_ppn(buyer: BuyerType) -> bool {
    matches!(buyer, BuyerType::Bumn | BuyerType::Instansi)
}

/// The totals of an invoice of `subtotal` from a seller who is (or is not) PKP to `buyer`.
pub fn invoice_totals(subtotal: Rupiah, seller_pkp: bool, buyer: BuyerType) -> InvoiceTotals {
    if !seller_pkp {
        return InvoiceTotals {
            subtotal,
            ppn: None,
            total: subtotal,
            due_to_seller: subtotal,
        };
    }
    // In i128: no subtotal an i64 holds can overflow these, and the results are smaller
    // than the subtotal, so they fit back.
    let dpp = Rupiah(narrow(i128::from(subtotal.0) * 11 / 12));
    let amount = Rupiah(narrow(
        i128::from(dpp.0) * i128::from(PPN_RATE_PERCENT) / 100,
    ));
    let collection = if collects_ppn(buyer) {
        PpnCollection::CollectedByBuyer
    } else {
        PpnCollection::PaidToSeller
    };
    let total = Rupiah(narrow(i128::from(subtotal.0) + i128::from(amount.0)));
    InvoiceTotals {
        subtotal,
        ppn: Some(Ppn {
            dpp,
            amount,
            collection,
        }),
        total,
        due_to_seller: match collection {
            PpnCollection::PaidToSeller => total,
            PpnCollection::CollectedByBuyer => subtotal,
        },
    }
}

/// An i128 back into i64 money, at the bound if it cannot be held (it never is: invoiced
/// subtotals are bounded by `money::MAX_ORDER_TOTAL`).
fn narrow(v: i128) -> i64 {
    i64::try_from(v).unwrap_or(if v < 0 { i64::MIN } else { i64::MAX })
}

/// An IKM part's invoice number: the request code and the part's place in the request,
/// e.g. `ETL-2026-000123-02`.
pub fn invoice_number(request_code: &str, part_index: usize) -> String {
    format!("{request_code}-{:02}", part_index + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seller_who_is_not_pkp_charges_no_ppn() {
        for buyer in BuyerType::ALL {
            let t = invoice_totals(Rupiah(1_200_000), false, buyer);
            assert_eq!(t.ppn, None);
            assert_eq!(t.total, Rupiah(1_200_000));
            assert_eq!(t.due_to_seller, Rupiah(1_200_000));
        }
    }

    #[test]
    fn a_pkp_charges_twelve_percent_on_eleven_twelfths() {
        let t = invoice_totals(Rupiah(1_200_000), true, BuyerType::Swasta);
        let ppn = t.ppn.expect("a PKP charges PPN");
        assert_eq!(ppn.dpp, Rupiah(1_100_000));
        assert_eq!(ppn.amount, Rupiah(132_000));
        assert_eq!(ppn.collection, PpnCollection::PaidToSeller);
        assert_eq!(t.total, Rupiah(1_332_000));
        assert_eq!(t.due_to_seller, Rupiah(1_332_000));
    }

    #[test]
    fn ppn_is_eleven_percent_in_effect_rounded_down() {
        // 11/12 of 1.000 is 916,67 → 916; 12% of 916 is 109,92 → 109.
        let t = invoice_totals(Rupiah(1_000), true, BuyerType::Perorangan);
        let ppn = t.ppn.unwrap();
        assert_eq!((ppn.dpp, ppn.amount), (Rupiah(916), Rupiah(109)));
        for subtotal in [12_000, 350_000, 7_250_000, 99_999_999] {
            let ppn = invoice_totals(Rupiah(subtotal), true, BuyerType::Swasta)
                .ppn
                .unwrap();
            let effective = subtotal * 11 / 100;
            assert!((ppn.amount.0 - effective).abs() <= 1, "{subtotal}");
        }
    }

    #[test]
    fn a_bumn_buying_from_a_pkp_collects_the_ppn_itself() {
        for buyer in [BuyerType::Bumn, BuyerType::Instansi] {
            let t = invoice_totals(Rupiah(2_400_000), true, buyer);
            let ppn = t.ppn.unwrap();
            assert_eq!(ppn.collection, PpnCollection::CollectedByBuyer);
            assert_eq!(ppn.amount, Rupiah(264_000));
            assert_eq!(t.total, Rupiah(2_664_000));
            assert_eq!(t.due_to_seller, Rupiah(2_400_000));
        }
    }

    #[test]
    fn invoice_numbers_count_parts_from_one() {
        assert_eq!(invoice_number("ETL-2026-000123", 0), "ETL-2026-000123-01");
        assert_eq!(invoice_number("ETL-2026-000123", 11), "ETL-2026-000123-12");
    }
}
