//! Property tests over the money rules: whatever the numbers, a rule either answers the exact
//! amount (checked against i128 arithmetic) within the stated bounds, or refuses — it never
//! wraps, clamps silently or panics (tests run with overflow checks on).
#![cfg(not(target_arch = "wasm32"))]

use etalase_core::catalog::{Availability, PriceTier, Product};
use etalase_core::invoice::invoice_totals;
use etalase_core::money::{MAX_ORDER_TOTAL, MAX_QUANTITY, MAX_UNIT_PRICE};
use etalase_core::order::{check_event, OrderEvent, PartLine, PriceAdjustment};
use etalase_core::request::{price_line, request_total, BuyerType, FieldError, IkmPart};
use etalase_core::{Category, Rupiah, Slug};
use proptest::prelude::*;

fn product(price: i64, tiers: Vec<(u32, i64)>) -> Product {
    Product {
        slug: Slug::parse("kopi-uji").unwrap(),
        ikm: Slug::parse("ikm-uji").unwrap(),
        name: "Kopi uji".into(),
        category: Category::KopiRempah,
        description: String::new(),
        unit: "pak".into(),
        price: Rupiah(price),
        min_order: 1,
        order_increment: 1,
        tiers: tiers
            .into_iter()
            .map(|(min_qty, price)| PriceTier {
                min_qty,
                price: Rupiah(price),
            })
            .collect(),
        lead_time_days: 0,
        availability: Availability::ReadyStock,
        images: vec![],
        listed_on: "2026-01-01".into(),
        featured: false,
    }
}

/// Any unit price the catalog accepts.
fn unit_price() -> impl Strategy<Value = i64> {
    prop_oneof![
        1i64..=100_000,
        1i64..=MAX_UNIT_PRICE.amount(),
        Just(MAX_UNIT_PRICE.amount())
    ]
}

fn any_quantity() -> impl Strategy<Value = u32> {
    prop_oneof![1u32..=1_000, 1u32..=MAX_QUANTITY, any::<u32>()]
}

proptest! {
    #[test]
    fn a_line_is_priced_exactly_or_refused(price in unit_price(), discount in 1i64..=100, tier_qty in 2u32..=10_000, qty in any_quantity()) {
        let tier_price = (price - discount).max(1);
        let tiers = if tier_price < price { vec![(tier_qty, tier_price)] } else { vec![] };
        let p = product(price, tiers);
        let unit = p.unit_price(qty);
        let exact = i128::from(unit.amount()) * i128::from(qty);
        match price_line(&p, qty, "") {
            Ok(line) => {
                prop_assert!(exact <= i128::from(MAX_ORDER_TOTAL.amount()));
                prop_assert_eq!(i128::from(line.subtotal.amount()), exact);
                let base = i128::from(price) * i128::from(qty);
                prop_assert_eq!(i128::from(line.saving.amount()), base - exact);
                prop_assert!(line.saving.amount() >= 0);
            }
            Err(e) => {
                prop_assert_eq!(e, FieldError::TotalTooLarge { max: MAX_ORDER_TOTAL });
                prop_assert!(exact > i128::from(MAX_ORDER_TOTAL.amount()));
            }
        }
    }

    #[test]
    fn a_request_total_is_the_exact_sum_or_refused(subtotals in prop::collection::vec(0i64..=i64::MAX, 0..8)) {
        let parts: Vec<IkmPart> = subtotals
            .iter()
            .map(|s| IkmPart {
                ikm: Slug::parse("ikm-uji").unwrap(),
                ikm_name: String::new(),
                lines: vec![],
                subtotal: Rupiah(*s),
                saving: Rupiah::ZERO,
            })
            .collect();
        let exact: i128 = subtotals.iter().map(|s| i128::from(*s)).sum();
        match request_total(&parts) {
            Ok(total) => prop_assert_eq!(i128::from(total.amount()), exact),
            Err(_) => prop_assert!(exact > i128::from(MAX_ORDER_TOTAL.amount())),
        }
    }

    #[test]
    fn a_confirmation_answers_the_exact_bounded_subtotal_or_refuses(
        lines in prop::collection::vec((1u32..=MAX_QUANTITY, unit_price()), 1..6),
        adjustments in prop::collection::vec((0usize..6, any::<i64>()), 0..6),
    ) {
        let part: Vec<PartLine> = lines
            .iter()
            .map(|(quantity, price)| PartLine { quantity: *quantity, unit_price: Rupiah(*price), agreed: false })
            .collect();
        let event = OrderEvent::Confirm {
            prices: adjustments
                .iter()
                .map(|(line, price)| PriceAdjustment { line: *line, unit_price: Rupiah(*price) })
                .collect(),
            lead_time_days: None,
        };
        let mut agreed: Vec<i64> = lines.iter().map(|(_, p)| *p).collect();
        let mut seen = Vec::new();
        let mut valid = true;
        for (line, price) in &adjustments {
            if *line >= lines.len() || seen.contains(line) || *price <= 0 || *price > MAX_UNIT_PRICE.amount() {
                valid = false;
                break;
            }
            agreed[*line] = *price;
            seen.push(*line);
        }
        let exact: i128 = lines
            .iter()
            .zip(&agreed)
            .map(|((q, _), p)| i128::from(*q) * i128::from(*p))
            .sum();
        let result = check_event(&event, &part);
        if valid && exact <= i128::from(MAX_ORDER_TOTAL.amount()) {
            prop_assert_eq!(result.map(|s| s.map(|r| i128::from(r.amount()))), Ok(Some(exact)));
        } else {
            prop_assert!(result.is_err());
        }
    }

    #[test]
    fn invoices_never_overflow_and_add_up(subtotal in prop_oneof![0i64..=MAX_ORDER_TOTAL.amount(), any::<i64>()], pkp in any::<bool>()) {
        for buyer in BuyerType::ALL {
            let t = invoice_totals(Rupiah(subtotal), pkp, buyer);
            if (0..=MAX_ORDER_TOTAL.amount()).contains(&subtotal) {
                let ppn = t.ppn.as_ref().map_or(0, |p| p.amount.amount());
                prop_assert_eq!(t.total.amount(), subtotal + ppn);
                // 12% of a base of 11/12: 11% of the subtotal, rounded down.
                prop_assert!(i128::from(ppn) <= i128::from(subtotal) * 11 / 100);
                prop_assert!(t.due_to_seller <= t.total);
            }
        }
    }
}

#[test]
fn the_bounds_are_what_the_readme_states() {
    assert_eq!(MAX_UNIT_PRICE, Rupiah(10_000_000_000));
    assert_eq!(MAX_QUANTITY, 1_000_000);
    assert_eq!(MAX_ORDER_TOTAL, Rupiah(1_000_000_000_000));
}
