//! Stored needs and offers as the API shows them: the public card, the partner's and the
//! admin's full view, an offer with its IKM from the catalog.

use crate::catalog::snapshot::CatalogSnapshot;
use crate::store::needs::{NeedRow, OfferRow};
use crate::web::error::AppError;
use etalase_core::need::{
    whatsapp_offer_text, Budget, BudgetKind, NeedCard, NeedState, NeedStatus, NeedTerms,
    OfferProduct, OfferStatus, OfferView,
};
use etalase_core::request::{BuyerType, Contact};
use etalase_core::{Category, Date, Kabupaten, Phone, Rupiah, Slug};

fn bad(what: &str) -> AppError {
    AppError::Internal(anyhow::anyhow!("stored need: {what} is invalid"))
}

/// What a stored need's rules read: its status, quantity and dates.
pub fn terms(row: &NeedRow) -> Result<NeedTerms, AppError> {
    Ok(NeedTerms {
        status: NeedStatus::from_slug(&row.status).ok_or_else(|| bad("status"))?,
        quantity: u32::try_from(row.quantity).map_err(|_| bad("quantity"))?,
        needed_by: Date::parse(&row.needed_by).ok_or_else(|| bad("needed_by"))?,
        offers_until: row.offers_until.as_deref().and_then(Date::parse),
    })
}

/// The public card; `company` only where the partner allowed it, or for `full` views.
pub fn card(row: &NeedRow, today: Date, full: bool) -> Result<NeedCard, AppError> {
    let terms = terms(row)?;
    Ok(NeedCard {
        code: row.code.clone(),
        title: row.title.clone(),
        category: Category::from_slug(&row.category).ok_or_else(|| bad("category"))?,
        description: row.description.clone(),
        quantity: terms.quantity,
        unit: row.unit.clone(),
        budget: match row.budget {
            Some(amount) => Some(Budget {
                amount: Rupiah(amount),
                kind: BudgetKind::from_slug(&row.budget_kind).ok_or_else(|| bad("budget"))?,
            }),
            None => None,
        },
        kabupaten: Kabupaten::from_slug(&row.kabupaten).ok_or_else(|| bad("kabupaten"))?,
        needed_by: terms.needed_by,
        offers_until: terms.offers_until,
        company: (full || row.show_company).then(|| row.company.clone()),
        buyer_type: BuyerType::from_slug(&row.buyer_type).ok_or_else(|| bad("buyer type"))?,
        offers: usize::try_from(row.offers).unwrap_or(0),
        state: NeedState::of(terms.status, terms.offers_until, today),
    })
}

/// Who posted it: for the partner itself and the admin only.
pub fn contact(row: &NeedRow) -> Result<Contact, AppError> {
    Ok(Contact {
        company: row.company.clone(),
        buyer_type: BuyerType::from_slug(&row.buyer_type).ok_or_else(|| bad("buyer type"))?,
        npwp: row.npwp.clone(),
        contact_person: row.contact_person.clone(),
        phone: Phone::parse(&row.phone).map_err(|_| bad("phone"))?,
        email: row.email.clone(),
        address: row.address.clone(),
        kabupaten: Kabupaten::from_slug(&row.kabupaten).ok_or_else(|| bad("kabupaten"))?,
    })
}

/// An offer with its IKM's name, place and badge from the catalog; `ask` adds the partner's
/// WhatsApp link to the IKM (`(need code, title)`). A waiting offer is ready its lead time
/// after `today` (if accepted now); a decided one, after the day it was last changed.
pub fn offer(
    row: &OfferRow,
    snap: &CatalogSnapshot,
    ask: Option<(&str, &str)>,
    today: Date,
) -> Result<OfferView, AppError> {
    let ikm = snap.catalog.ikm(&row.ikm_slug);
    let status = OfferStatus::from_slug(&row.status).ok_or_else(|| bad("offer status"))?;
    let day = if status == OfferStatus::Diajukan {
        Some(today)
    } else {
        row.updated_at.get(..10).and_then(Date::parse)
    };
    let lead_time_days = u32::try_from(row.lead_time_days).map_err(|_| bad("lead time"))?;
    let products = row
        .products
        .split(',')
        .filter(|s| !s.is_empty())
        .filter_map(|slug| {
            let p = snap.catalog.product(slug)?;
            Some(OfferProduct {
                slug: p.slug.clone(),
                name: p.name.clone(),
            })
        })
        .collect();
    Ok(OfferView {
        id: row.id,
        ikm: Slug::parse(&row.ikm_slug).map_err(|_| bad("ikm"))?,
        ikm_name: ikm.map(|i| i.name.clone()).unwrap_or_default(),
        kabupaten: ikm.map_or(Kabupaten::BandarLampung, |i| i.kabupaten),
        verified: ikm.is_some_and(|i| i.verified),
        unit_price: Rupiah(row.unit_price),
        quantity: u32::try_from(row.quantity).map_err(|_| bad("quantity"))?,
        total: Rupiah(row.total),
        lead_time_days,
        ready_by: day
            .ok_or_else(|| bad("updated_at"))?
            .add_days(i64::from(lead_time_days)),
        note: row.note.clone(),
        products,
        status,
        version: u32::try_from(row.version).unwrap_or(u32::MAX),
        order_code: row.order_code.clone(),
        whatsapp_link: match (ask, ikm) {
            (Some((code, title)), Some(ikm)) => ikm
                .whatsapp
                .wa_link(&whatsapp_offer_text(code, title, &ikm.name)),
            _ => String::new(),
        },
        updated_at: row.updated_at.clone(),
    })
}
