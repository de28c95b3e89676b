//! A partner's need and the IKM's offers on it: the partnership meeting's other side. A
//! company posts what it needs; Disperindag reviews it before it reaches the public board;
//! IKM answer with offers while the offers window is open; the partner compares them and
//! accepts one or several, each becoming an IKM's part of an ordinary order request.
//!
//! Every rule lives here: the SPA checks drafts with it as people type, the server checks
//! what arrives with it and answers 422 with the same messages.
//!
//! A need: `menunggu` (waiting for review) → `terbit` (published) or `ditolak` (declined,
//! with a reason); `terbit` → `ditutup` (the partner accepted offers or closed it). A
//! published need takes offers until its `offers_until` day (inclusive); after that it stays
//! `terbit`, off the board, for the partner to decide.
//!
//! An offer: `diajukan` → `diterima` (accepted) or `tidak-dipilih` (the need closed without
//! it) or `ditarik` (the IKM withdrew it while the need was open).

use crate::catalog::Ikm;
use crate::category::Category;
use crate::date::Date;
use crate::kabupaten::Kabupaten;
use crate::locale::Locale;
use crate::money::{Rupiah, MAX_ORDER_TOTAL, MAX_QUANTITY};
use crate::order::MAX_LEAD_TIME_DAYS;
use crate::request::{
    check_contact, check_needed_by, BuyerType, Contact, ContactFields, FieldError, FieldErrors,
};
use crate::slug::Slug;
use serde::{Deserialize, Serialize};

/// The longest title of a need.
pub const MAX_TITLE: usize = 120;
/// The longest description of a need, or note of an offer.
pub const MAX_DESCRIPTION: usize = 2_000;
/// The longest unit ("pak", "potong", "kg").
pub const MAX_UNIT: usize = 30;
/// The days a need may take offers, counted from the day it is published.
pub const OFFER_WINDOWS: [u32; 4] = [7, 14, 21, 30];
/// The catalog products one offer may point to.
pub const MAX_OFFER_PRODUCTS: usize = 5;
/// Needs or offers per page of a list.
pub const NEEDS_PAGE: usize = 24;

/// `KBT-2026-000012`: the code a need is known by, by year and sequence.
pub fn need_code(year: i32, sequence: u64) -> String {
    format!("KBT-{year:04}-{sequence:06}")
}

/// Whether `code` has a need code's shape (`KBT-`, four digits, `-`, six or more digits, at
/// most 20 characters): anything else is not looked up at all.
pub fn is_need_code(code: &str) -> bool {
    let Some(rest) = code.strip_prefix("KBT-") else {
        return false;
    };
    let Some((year, number)) = rest.split_once('-') else {
        return false;
    };
    code.len() <= 20
        && year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && number.len() >= 6
        && number.bytes().all(|b| b.is_ascii_digit())
}

/// Whether a budget is for one unit or for the whole need.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum BudgetKind {
    #[default]
    PerUnit,
    Total,
}

impl BudgetKind {
    pub fn slug(self) -> &'static str {
        match self {
            BudgetKind::PerUnit => "per-unit",
            BudgetKind::Total => "total",
        }
    }

    pub fn from_slug(s: &str) -> Option<BudgetKind> {
        [BudgetKind::PerUnit, BudgetKind::Total]
            .into_iter()
            .find(|k| k.slug() == s)
    }
}

/// What a partner may spend: an amount per unit or in total.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Budget {
    pub amount: Rupiah,
    pub kind: BudgetKind,
}

impl Budget {
    /// `Rp 25.000 / pak` or `Rp 3.000.000 total` (`in total`).
    pub fn label(self, unit: &str, locale: Locale) -> String {
        match (self.kind, locale) {
            (BudgetKind::PerUnit, _) => format!("{} / {unit}", locale.rupiah(self.amount)),
            (BudgetKind::Total, Locale::Id) => format!("{} total", locale.rupiah(self.amount)),
            (BudgetKind::Total, Locale::En) => format!("{} in total", locale.rupiah(self.amount)),
        }
    }
}

/// A need as the partner sends it (`POST /api/v1/needs`): plain text, checked by
/// [`validate_need`]. The contact fields are an order request's, under the same rules.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NeedInput {
    pub company: String,
    /// Whether the public board may name the company (contact details never are).
    #[serde(default)]
    pub show_company: bool,
    pub buyer_type: Option<BuyerType>,
    #[serde(default)]
    pub npwp: String,
    pub contact_person: String,
    pub phone: String,
    pub email: String,
    /// Where the goods go.
    pub address: String,
    /// The kabupaten/kota the goods are delivered to.
    pub kabupaten: Option<Kabupaten>,
    pub title: String,
    pub category: Option<Category>,
    pub description: String,
    pub quantity: u32,
    pub unit: String,
    /// Optional: what the partner may spend.
    #[serde(default)]
    pub budget: Option<Rupiah>,
    #[serde(default)]
    pub budget_kind: BudgetKind,
    pub needed_by: String,
    /// Days the need takes offers once published: one of [`OFFER_WINDOWS`].
    pub offer_days: u32,
}

/// A need that keeps every rule, normalised.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ValidNeed {
    pub contact: Contact,
    pub show_company: bool,
    pub title: String,
    pub category: Category,
    pub description: String,
    pub quantity: u32,
    pub unit: String,
    pub budget: Option<Budget>,
    pub needed_by: Date,
    pub offer_days: u32,
}

/// The last day a need published on `published` takes offers.
pub fn offers_until(published: Date, offer_days: u32) -> Date {
    published.add_days(i64::from(offer_days))
}

/// The offers window of a need published `today`: its days, but ending before the needed-by
/// date (a long review shortens it); `None` when not even today is left before that date.
pub fn publish_window(today: Date, offer_days: u32, needed_by: Date) -> Option<Date> {
    let last = offers_until(today, offer_days).min(needed_by.add_days(-1));
    (last >= today).then_some(last)
}

fn text(errors: &mut FieldErrors, field: &str, value: &str, max: usize) -> String {
    crate::request::text(errors, field, value, true, max)
}

/// Checks every rule of a need posted `today`. The needed-by date must come after the offers
/// close, counting the window from today (review only shortens what is left).
pub fn validate_need(input: &NeedInput, today: Date) -> Result<ValidNeed, FieldErrors> {
    let mut errors = FieldErrors::new();
    let contact = check_contact(
        ContactFields {
            company: &input.company,
            buyer_type: input.buyer_type,
            npwp: &input.npwp,
            contact_person: &input.contact_person,
            phone: &input.phone,
            email: &input.email,
            address: &input.address,
            kabupaten: input.kabupaten,
        },
        &mut errors,
    );
    let title = text(&mut errors, "title", &input.title, MAX_TITLE);
    if input.category.is_none() {
        errors.insert("category".into(), FieldError::Required);
    }
    let description = text(
        &mut errors,
        "description",
        &input.description,
        MAX_DESCRIPTION,
    );
    let unit = text(&mut errors, "unit", &input.unit, MAX_UNIT);
    if input.quantity == 0 {
        errors.insert("quantity".into(), FieldError::Required);
    } else if input.quantity > MAX_QUANTITY {
        errors.insert("quantity".into(), FieldError::TooMany { max: MAX_QUANTITY });
    }
    let budget = match input.budget {
        None | Some(Rupiah(0)) => None,
        Some(amount) => {
            let max = match input.budget_kind {
                BudgetKind::PerUnit => crate::money::MAX_UNIT_PRICE,
                BudgetKind::Total => MAX_ORDER_TOTAL,
            };
            if amount.0 < 0 || amount > max {
                errors.insert("budget".into(), FieldError::Amount { max });
            } else if input.budget_kind == BudgetKind::PerUnit
                && amount
                    .checked_mul(input.quantity.min(MAX_QUANTITY))
                    .is_none_or(|t| t > MAX_ORDER_TOTAL)
            {
                errors.insert(
                    "budget".into(),
                    FieldError::TotalTooLarge {
                        max: MAX_ORDER_TOTAL,
                    },
                );
            }
            Some(Budget {
                amount,
                kind: input.budget_kind,
            })
        }
    };
    if !OFFER_WINDOWS.contains(&input.offer_days) {
        errors.insert("offer_days".into(), FieldError::Choice);
    }
    let needed_by = check_needed_by(&input.needed_by, today, &mut errors);
    if let Some(needed) = needed_by {
        let closes = offers_until(today, input.offer_days.min(31));
        if needed <= closes && !errors.contains_key("offer_days") {
            errors.insert(
                "needed_by".into(),
                FieldError::AfterOffersClose {
                    offers_until: closes,
                },
            );
        }
    }
    let (Some(contact), Some(category), Some(needed_by), true) =
        (contact, input.category, needed_by, errors.is_empty())
    else {
        return Err(errors);
    };
    Ok(ValidNeed {
        contact,
        show_company: input.show_company,
        title,
        category,
        description,
        quantity: input.quantity,
        unit,
        budget,
        needed_by,
        offer_days: input.offer_days,
    })
}

/// A need's status as stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum NeedStatus {
    /// Waiting for Disperindag's review.
    Menunggu,
    /// Published on the board.
    Terbit,
    /// Declined by Disperindag, with a reason.
    Ditolak,
    /// Closed by the partner (after accepting offers, or without).
    Ditutup,
}

impl NeedStatus {
    pub const ALL: [NeedStatus; 4] = [
        NeedStatus::Menunggu,
        NeedStatus::Terbit,
        NeedStatus::Ditolak,
        NeedStatus::Ditutup,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            NeedStatus::Menunggu => "menunggu",
            NeedStatus::Terbit => "terbit",
            NeedStatus::Ditolak => "ditolak",
            NeedStatus::Ditutup => "ditutup",
        }
    }

    pub fn from_slug(s: &str) -> Option<NeedStatus> {
        NeedStatus::ALL.into_iter().find(|x| x.slug() == s)
    }
}

/// Where a need stands on a given day: its status, with the offers window applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum NeedState {
    /// Waiting for review.
    InReview,
    /// On the board, taking offers.
    Open,
    /// Published, the offers window over: the partner decides.
    OffersClosed,
    Declined,
    Closed,
}

impl NeedState {
    /// The name used in page classes (`state-open`) and the API.
    pub fn slug(self) -> &'static str {
        match self {
            NeedState::InReview => "in-review",
            NeedState::Open => "open",
            NeedState::OffersClosed => "offers-closed",
            NeedState::Declined => "declined",
            NeedState::Closed => "closed",
        }
    }

    pub fn of(status: NeedStatus, offers_until: Option<Date>, today: Date) -> NeedState {
        match status {
            NeedStatus::Menunggu => NeedState::InReview,
            NeedStatus::Ditolak => NeedState::Declined,
            NeedStatus::Ditutup => NeedState::Closed,
            NeedStatus::Terbit => match offers_until {
                Some(last) if today <= last => NeedState::Open,
                _ => NeedState::OffersClosed,
            },
        }
    }

    pub fn label(self, locale: Locale) -> &'static str {
        match (locale, self) {
            (Locale::Id, NeedState::InReview) => "Menunggu tinjauan",
            (Locale::Id, NeedState::Open) => "Menerima penawaran",
            (Locale::Id, NeedState::OffersClosed) => "Penawaran ditutup",
            (Locale::Id, NeedState::Declined) => "Ditolak",
            (Locale::Id, NeedState::Closed) => "Selesai",
            (Locale::En, NeedState::InReview) => "Waiting for review",
            (Locale::En, NeedState::Open) => "Taking offers",
            (Locale::En, NeedState::OffersClosed) => "Offers closed",
            (Locale::En, NeedState::Declined) => "Declined",
            (Locale::En, NeedState::Closed) => "Closed",
        }
    }
}

/// An offer's status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum OfferStatus {
    Diajukan,
    Diterima,
    TidakDipilih,
    Ditarik,
}

impl OfferStatus {
    pub const ALL: [OfferStatus; 4] = [
        OfferStatus::Diajukan,
        OfferStatus::Diterima,
        OfferStatus::TidakDipilih,
        OfferStatus::Ditarik,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            OfferStatus::Diajukan => "diajukan",
            OfferStatus::Diterima => "diterima",
            OfferStatus::TidakDipilih => "tidak-dipilih",
            OfferStatus::Ditarik => "ditarik",
        }
    }

    pub fn from_slug(s: &str) -> Option<OfferStatus> {
        OfferStatus::ALL.into_iter().find(|x| x.slug() == s)
    }

    pub fn label(self, locale: Locale) -> &'static str {
        match (locale, self) {
            (Locale::Id, OfferStatus::Diajukan) => "Menunggu keputusan",
            (Locale::Id, OfferStatus::Diterima) => "Diterima",
            (Locale::Id, OfferStatus::TidakDipilih) => "Tidak dipilih",
            (Locale::Id, OfferStatus::Ditarik) => "Ditarik",
            (Locale::En, OfferStatus::Diajukan) => "Awaiting decision",
            (Locale::En, OfferStatus::Diterima) => "Accepted",
            (Locale::En, OfferStatus::TidakDipilih) => "Not taken",
            (Locale::En, OfferStatus::Ditarik) => "Withdrawn",
        }
    }
}

/// Why a step on a need cannot happen now (answered as 409 with this code).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NeedRefusal {
    /// Review steps on a need already reviewed.
    AlreadyReviewed,
    /// An offer, or its withdrawal, outside the offers window.
    NotTakingOffers,
    /// A partner's step on a need not published, or already closed.
    NotOpenForDecision,
    /// Accepting an offer that is no longer waiting.
    OfferNotWaiting,
    /// Accepting nothing.
    NothingChosen,
    /// Publishing a need whose needed-by date leaves no day for offers.
    TooLate,
    /// Accepting an offer changed since the partner saw it.
    OfferChanged,
    /// Accepting after the needed-by date has passed.
    PastNeededBy,
}

impl NeedRefusal {
    pub fn code(self) -> &'static str {
        match self {
            NeedRefusal::AlreadyReviewed => "need_already_reviewed",
            NeedRefusal::NotTakingOffers => "need_not_taking_offers",
            NeedRefusal::NotOpenForDecision => "need_closed",
            NeedRefusal::OfferNotWaiting => "offer_not_waiting",
            NeedRefusal::NothingChosen => "no_offer_chosen",
            NeedRefusal::TooLate => "need_too_late",
            NeedRefusal::OfferChanged => "offer_changed",
            NeedRefusal::PastNeededBy => "need_past",
        }
    }

    pub fn message(self, locale: Locale) -> &'static str {
        match (locale, self) {
            (Locale::Id, NeedRefusal::AlreadyReviewed) => "Kebutuhan ini sudah ditinjau.",
            (Locale::En, NeedRefusal::AlreadyReviewed) => "This need has already been reviewed.",
            (Locale::Id, NeedRefusal::NotTakingOffers) => {
                "Kebutuhan ini tidak sedang menerima penawaran."
            }
            (Locale::En, NeedRefusal::NotTakingOffers) => "This need is not taking offers.",
            (Locale::Id, NeedRefusal::NotOpenForDecision) => {
                "Kebutuhan ini belum terbit atau sudah ditutup."
            }
            (Locale::En, NeedRefusal::NotOpenForDecision) => {
                "This need is not published yet, or already closed."
            }
            (Locale::Id, NeedRefusal::OfferNotWaiting) => {
                "Penawaran ini sudah tidak menunggu keputusan. Muat ulang halaman."
            }
            (Locale::En, NeedRefusal::OfferNotWaiting) => {
                "This offer is no longer awaiting a decision. Reload the page."
            }
            (Locale::Id, NeedRefusal::NothingChosen) => "Pilih paling sedikit satu penawaran.",
            (Locale::En, NeedRefusal::NothingChosen) => "Choose at least one offer.",
            (Locale::Id, NeedRefusal::OfferChanged) => {
                "Penawaran berubah sejak halaman ini dibuka. Periksa lagi sebelum menerima."
            }
            (Locale::En, NeedRefusal::OfferChanged) => {
                "An offer changed since this page was opened. Check it again before accepting."
            }
            (Locale::Id, NeedRefusal::PastNeededBy) => {
                "Tanggal dibutuhkan sudah lewat: penawaran tidak bisa diterima lagi."
            }
            (Locale::En, NeedRefusal::PastNeededBy) => {
                "The needed-by date has passed: offers can no longer be accepted."
            }
            (Locale::Id, NeedRefusal::TooLate) => {
                "Tanggal dibutuhkan terlalu dekat: tidak ada waktu lagi untuk penawaran. Tolak dengan alasan ini."
            }
            (Locale::En, NeedRefusal::TooLate) => {
                "The needed-by date is too close: no time is left for offers. Decline it with this reason."
            }
        }
    }
}

/// A review step by Disperindag.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum NeedReview {
    Publish,
    Decline { reason: String },
}

/// The longest reason a decline may give.
pub const MAX_DECLINE_REASON: usize = 500;

/// The status after a review, or why it cannot happen; a decline needs a reason.
pub fn review(status: NeedStatus, step: &NeedReview) -> Result<NeedStatus, ReviewError> {
    if status != NeedStatus::Menunggu {
        return Err(ReviewError::Refused(NeedRefusal::AlreadyReviewed));
    }
    match step {
        NeedReview::Publish => Ok(NeedStatus::Terbit),
        NeedReview::Decline { reason } => {
            let reason = reason.trim();
            if reason.is_empty() {
                Err(ReviewError::Field(FieldError::Required))
            } else if reason.chars().count() > MAX_DECLINE_REASON {
                Err(ReviewError::Field(FieldError::TooLong {
                    max: MAX_DECLINE_REASON,
                }))
            } else {
                Ok(NeedStatus::Ditolak)
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReviewError {
    Refused(NeedRefusal),
    /// The reason is missing or too long.
    Field(FieldError),
}

/// What an offer is measured against: the need as stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NeedTerms {
    pub status: NeedStatus,
    pub quantity: u32,
    pub needed_by: Date,
    pub offers_until: Option<Date>,
}

impl NeedTerms {
    pub fn state(&self, today: Date) -> NeedState {
        NeedState::of(self.status, self.offers_until, today)
    }
}

/// An offer as the IKM sends it (`PUT /api/v1/desk/needs/{code}/offer`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfferInput {
    pub unit_price: Rupiah,
    pub quantity: u32,
    pub lead_time_days: u32,
    #[serde(default)]
    pub note: String,
    /// Slugs of the IKM's own catalog products the offer points to.
    #[serde(default)]
    pub products: Vec<String>,
}

/// An offer that keeps every rule against its need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidOffer {
    pub unit_price: Rupiah,
    pub quantity: u32,
    pub lead_time_days: u32,
    pub total: Rupiah,
    pub note: String,
    pub products: Vec<Slug>,
}

/// Checks an offer against its need `today`: the need must be taking offers (else the
/// refusal, before any field); then the price, a quantity of at most what is needed, a lead
/// time that is ready by the needed-by date, the total within bounds, the note's length, and
/// at most [`MAX_OFFER_PRODUCTS`] products each the IKM's own on sale (`own`).
pub fn validate_offer(
    input: &OfferInput,
    need: &NeedTerms,
    unit: &str,
    own: impl Fn(&str) -> bool,
    today: Date,
) -> Result<Result<ValidOffer, FieldErrors>, NeedRefusal> {
    if need.state(today) != NeedState::Open {
        return Err(NeedRefusal::NotTakingOffers);
    }
    let mut errors = FieldErrors::new();
    if !input.unit_price.is_valid_unit_price() {
        errors.insert("unit_price".into(), FieldError::UnitPrice);
    }
    if input.quantity == 0 {
        errors.insert("quantity".into(), FieldError::Required);
    } else if input.quantity > need.quantity {
        errors.insert(
            "quantity".into(),
            FieldError::MoreThanNeeded {
                max: need.quantity,
                unit: unit.to_owned(),
            },
        );
    }
    if input.lead_time_days > MAX_LEAD_TIME_DAYS {
        errors.insert(
            "lead_time_days".into(),
            FieldError::TooMany {
                max: MAX_LEAD_TIME_DAYS,
            },
        );
    } else {
        let ready = today.add_days(i64::from(input.lead_time_days));
        if ready > need.needed_by {
            errors.insert(
                "lead_time_days".into(),
                FieldError::NotReadyInTime {
                    ready,
                    needed_by: need.needed_by,
                },
            );
        }
    }
    let total = input.unit_price.checked_mul(input.quantity);
    if !errors.contains_key("unit_price")
        && !errors.contains_key("quantity")
        && total.is_none_or(|t| t > MAX_ORDER_TOTAL)
    {
        errors.insert(
            "quantity".into(),
            FieldError::TotalTooLarge {
                max: MAX_ORDER_TOTAL,
            },
        );
    }
    let note = crate::request::text(&mut errors, "note", &input.note, false, MAX_DESCRIPTION);
    let mut products: Vec<Slug> = Vec::new();
    if input.products.len() > MAX_OFFER_PRODUCTS {
        errors.insert(
            "products".into(),
            FieldError::TooMany {
                max: MAX_OFFER_PRODUCTS as u32,
            },
        );
    } else {
        for (i, raw) in input.products.iter().enumerate() {
            let raw = raw.trim();
            match Slug::parse(raw) {
                Ok(slug) if own(slug.as_str()) => {
                    if !products.contains(&slug) {
                        products.push(slug);
                    }
                }
                _ => {
                    errors.insert(
                        format!("products[{i}]"),
                        FieldError::NotOwnProduct {
                            slug: raw.chars().take(80).collect(),
                        },
                    );
                }
            }
        }
    }
    match total {
        Some(total) if errors.is_empty() => Ok(Ok(ValidOffer {
            unit_price: input.unit_price,
            quantity: input.quantity,
            lead_time_days: input.lead_time_days,
            total,
            note,
            products,
        })),
        _ => Ok(Err(errors)),
    }
}

/// Whether the partner may still accept offers or close the need `today`: published, not
/// closed. The offers window need not be open: comparing comes after it. Accepting also
/// needs the needed-by date not yet past (an order cannot be due before it is made).
pub fn check_decision(need: &NeedTerms, accepting: bool, today: Date) -> Result<(), NeedRefusal> {
    match need.status {
        NeedStatus::Terbit if accepting && need.needed_by < today => Err(NeedRefusal::PastNeededBy),
        NeedStatus::Terbit => Ok(()),
        _ => Err(NeedRefusal::NotOpenForDecision),
    }
}

/// Whether an IKM fits a need: it sells in the need's category and delivers where the goods
/// go. `categories` are those of its products on sale.
pub fn fits(ikm: &Ikm, categories: &[Category], category: Category, to: Kabupaten) -> bool {
    categories.contains(&category) && ikm.delivers_to(to)
}

/// The message a partner sends an IKM about its offer.
pub fn whatsapp_offer_text(need_code: &str, title: &str, ikm_name: &str) -> String {
    format!(
        "Halo {ikm_name}, saya dari pemesan kebutuhan {need_code} \"{title}\" di Etalase IKM Lampung. Saya ingin bertanya tentang penawaran Anda."
    )
}

/// The message an IKM sends Disperindag to offer on a need where the site has no server (a
/// static copy): the partner's contact is never public, so Disperindag passes it on.
pub fn whatsapp_static_offer_text(need_code: &str, title: &str) -> String {
    format!(
        "Halo Disperindag Lampung, kami IKM ingin mengajukan penawaran untuk kebutuhan {need_code} \"{title}\" di Etalase IKM Lampung.\nNama IKM:\nHarga satuan:\nJumlah yang sanggup:\nWaktu pengerjaan (hari):"
    )
}

// ---- The JSON shapes of the needs API ----

/// `POST` a need; `GET` the public board (`kategori`, `kabupaten`, `offset`).
pub const NEEDS_PATH: &str = "/api/v1/needs";
/// The query parameters of the board, as in the page's URL (`/kebutuhan?kategori=…`).
pub const CATEGORY_PARAM: &str = "kategori";
pub const KABUPATEN_PARAM: &str = "kabupaten";
pub const OFFSET_PARAM: &str = "offset";

/// The public document of one published need.
pub fn need_path(code: &str) -> String {
    format!("{NEEDS_PATH}/{code}")
}

/// The partner's private document of its need; the secret travels in the query.
pub fn need_follow_api_path(code: &str, secret: &str) -> String {
    format!("{NEEDS_PATH}/{code}/follow?t={secret}")
}

/// `POST`: the partner accepts offers ([`AcceptOffers`]).
pub fn need_accept_path(code: &str) -> String {
    format!("{NEEDS_PATH}/{code}/accept")
}

/// `POST`: the partner closes the need ([`CloseNeed`]).
pub fn need_close_path(code: &str) -> String {
    format!("{NEEDS_PATH}/{code}/close")
}

/// The board page: `/kebutuhan`.
pub const BOARD_PAGE: &str = "/kebutuhan";
/// The form: `/kebutuhan/baru`.
pub const NEW_NEED_PAGE: &str = "/kebutuhan/baru";

/// The public page of a need: `/kebutuhan/<code>`.
pub fn need_page_path(code: &str) -> String {
    format!("{BOARD_PAGE}/{code}")
}

/// The page a partner keeps to follow its need: `/kebutuhan/<code>/kelola?t=<secret>`.
pub fn need_follow_page_path(code: &str, secret: &str) -> String {
    format!("{BOARD_PAGE}/{code}/kelola?t={secret}")
}

/// The desk's page of needs (the staff app): `/desk/kebutuhan` (`?semua=1`: every open need).
pub const DESK_NEEDS_PAGE: &str = "/desk/kebutuhan";

/// One need at the desk, with the IKM's offer: `/desk/kebutuhan/<code>`.
pub fn desk_need_page_path(code: &str) -> String {
    format!("{DESK_NEEDS_PAGE}/{code}")
}

/// The desk's list of needs (`GET`, `semua=1` for all open needs, not only those that fit).
pub const DESK_NEEDS_PATH: &str = "/api/v1/desk/needs";
/// `GET` [`NeedNews`]: the desk badge's counts, without the list.
pub const DESK_NEEDS_NEWS_PATH: &str = "/api/v1/desk/needs/news";
/// `POST`: the IKM has seen the needs listed now (the badge resets).
pub const DESK_NEEDS_SEEN_PATH: &str = "/api/v1/desk/needs/seen";
/// `PUT` [`Delivery`]: where the IKM delivers to.
pub const DESK_DELIVERY_PATH: &str = "/api/v1/desk/delivery";

/// `GET`: one published need as the desk sees it ([`DeskNeed`]).
pub fn desk_need_path(code: &str) -> String {
    format!("{DESK_NEEDS_PATH}/{code}")
}

/// `PUT` an [`OfferInput`]: makes or changes the IKM's offer on a need.
pub fn desk_offer_path(code: &str) -> String {
    format!("{DESK_NEEDS_PATH}/{code}/offer")
}

/// `POST`: the IKM withdraws its offer.
pub fn desk_offer_withdraw_path(code: &str) -> String {
    format!("{DESK_NEEDS_PATH}/{code}/offer/withdraw")
}

/// The admin's list (`status`, `offset`).
pub const ADMIN_NEEDS_PATH: &str = "/api/v1/admin/needs";
pub const ADMIN_NEED_STATS_PATH: &str = "/api/v1/admin/needs/stats";

/// `POST` a [`NeedReview`].
pub fn admin_need_review_path(code: &str) -> String {
    format!("{ADMIN_NEEDS_PATH}/{code}/review")
}

/// A need as the public sees it: what is needed, where and by when, never who to call. The
/// company is named only if the partner allowed it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NeedCard {
    pub code: String,
    pub title: String,
    pub category: Category,
    pub description: String,
    pub quantity: u32,
    pub unit: String,
    pub budget: Option<Budget>,
    /// Where the goods go.
    pub kabupaten: Kabupaten,
    pub needed_by: Date,
    /// The last day offers are taken (none before publication).
    pub offers_until: Option<Date>,
    pub company: Option<String>,
    pub buyer_type: BuyerType,
    /// Offers made so far (withdrawn ones not counted).
    pub offers: usize,
    pub state: NeedState,
}

/// A page of the board: open needs, newest first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NeedBoard {
    /// Open needs matching the filters, in all.
    pub total: usize,
    pub needs: Vec<NeedCard>,
    /// Present when more follow: ask again with `offset=<this>`.
    #[serde(default)]
    pub next_offset: Option<usize>,
}

/// One catalog product an offer points to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfferProduct {
    pub slug: Slug,
    pub name: String,
}

/// An offer as its IKM and the partner see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfferView {
    pub id: i64,
    pub ikm: Slug,
    pub ikm_name: String,
    pub kabupaten: Kabupaten,
    pub verified: bool,
    pub unit_price: Rupiah,
    pub quantity: u32,
    pub total: Rupiah,
    pub lead_time_days: u32,
    /// The day the goods are ready if work starts the day the offer was made.
    pub ready_by: Date,
    pub note: String,
    pub products: Vec<OfferProduct>,
    pub status: OfferStatus,
    /// Counts the IKM's changes: what the partner accepts ([`ChosenOffer`]).
    #[serde(default)]
    pub version: u32,
    /// The order request an accepted offer became.
    #[serde(default)]
    pub order_code: Option<String>,
    /// wa.me link to the IKM with a question about this offer (the partner's view only).
    #[serde(default)]
    pub whatsapp_link: String,
    pub updated_at: String,
}

/// The order an acceptance made, as the partner follows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NeedOrder {
    pub code: String,
    /// `/pesanan/<code>?t=<secret>`: the need's own secret opens it.
    pub tracking_path: String,
}

/// The partner's private page of its need: everything, with every offer to compare.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NeedFollow {
    pub need: NeedCard,
    pub contact: Contact,
    pub show_company: bool,
    pub status: NeedStatus,
    pub decline_reason: Option<String>,
    pub offer_days: u32,
    pub created_at: String,
    pub offers: Vec<OfferView>,
    pub orders: Vec<NeedOrder>,
}

/// The answer to a posted need.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NeedCreated {
    pub code: String,
    /// The page to keep: `/kebutuhan/<code>/kelola?t=<secret>`.
    pub follow_path: String,
}

/// The body of an acceptance: the secret proves who asks; the offers chosen, each as the
/// partner saw it. The need closes with it, and the offers not chosen are told they were not
/// taken.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AcceptOffers {
    pub secret: String,
    pub offers: Vec<ChosenOffer>,
}

/// An offer the partner chose: its id and the version it saw ([`OfferView::version`]). An
/// offer changed since is refused ([`NeedRefusal::OfferChanged`]), never accepted unseen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChosenOffer {
    pub id: i64,
    pub version: u32,
}

/// The body of a close without accepting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CloseNeed {
    pub secret: String,
}

/// One need on an IKM's desk.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeskNeed {
    pub need: NeedCard,
    /// It sells in the category and delivers there ([`fits`]).
    pub fits: bool,
    /// Published since the IKM last looked.
    pub new: bool,
    /// This IKM's own offer (never another's).
    pub offer: Option<OfferView>,
}

/// The desk's needs: open ones (those that fit, or all), and those the IKM offered on.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeskNeeds {
    pub needs: Vec<DeskNeed>,
    /// Open needs that fit and are new: the badge.
    pub new_count: usize,
    /// Offers of this IKM decided since it last looked (accepted or not taken).
    #[serde(default)]
    pub decided_count: usize,
    pub delivers_to: Vec<Kabupaten>,
    /// The categories of its products on sale.
    pub categories: Vec<Category>,
    #[serde(default)]
    pub next_offset: Option<usize>,
}

/// What the desk's badge counts: open needs that fit and are new, and offers decided since
/// the IKM last looked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NeedNews {
    pub new_count: usize,
    pub decided_count: usize,
}

impl NeedNews {
    pub fn total(&self) -> usize {
        self.new_count.saturating_add(self.decided_count)
    }
}

/// Where an IKM delivers to; empty: all of Lampung.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Delivery {
    pub delivers_to: Vec<Kabupaten>,
}

/// A need as Disperindag reviews it: with the contact, to check who posted it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminNeed {
    pub need: NeedCard,
    pub contact: Contact,
    pub show_company: bool,
    pub status: NeedStatus,
    pub decline_reason: Option<String>,
    pub offer_days: u32,
    pub created_at: String,
}

/// How many needs are in one status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NeedStatusCount {
    pub status: NeedStatus,
    pub count: usize,
}

/// The admin's list: counts per status, and a page of needs in the status asked for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminNeeds {
    pub counts: Vec<NeedStatusCount>,
    pub needs: Vec<AdminNeed>,
    #[serde(default)]
    pub next_offset: Option<usize>,
}

/// One row of the needs' numbers: a key (category or kabupaten slug, `YYYY-MM`, or `total`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NeedStat {
    pub key: String,
    /// Needs posted (any status).
    pub posted: usize,
    /// Needs published.
    pub published: usize,
    /// Offers made (withdrawn ones not counted).
    pub offers: usize,
    /// Needs with at least one accepted offer.
    pub met: usize,
    /// The value of the accepted offers.
    pub value: Rupiah,
}

/// Disperindag's numbers on needs: in all, by category, by the kabupaten/kota goods go to,
/// and by the month posted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NeedStats {
    pub total: NeedStat,
    pub by_category: Vec<NeedStat>,
    pub by_kabupaten: Vec<NeedStat>,
    pub by_month: Vec<NeedStat>,
}

/// The numbers as CSV (header, then `group,key,…` rows), fields guarded as every export is.
pub fn stats_csv(stats: &NeedStats) -> String {
    let mut out = String::from("kelompok,kunci,diajukan,terbit,penawaran,terpenuhi,nilai_rupiah\n");
    let mut row = |group: &str, s: &NeedStat| {
        out.push_str(&format!(
            "{},{},{},{},{},{},{}\n",
            group,
            crate::admin::csv_field(&s.key),
            s.posted,
            s.published,
            s.offers,
            s.met,
            s.value.amount()
        ));
    };
    row("total", &stats.total);
    for s in &stats.by_category {
        row("kategori", s);
    }
    for s in &stats.by_kabupaten {
        row("kabupaten", s);
    }
    for s in &stats.by_month {
        row("bulan", s);
    }
    out
}

/// The board's filters, read from a page's or the API's query.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BoardFilter {
    pub category: Option<Category>,
    pub kabupaten: Option<Kabupaten>,
}

impl BoardFilter {
    /// Unknown values are ignored, as the search page does.
    pub fn from_params<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>) -> BoardFilter {
        let mut f = BoardFilter::default();
        for (k, v) in params {
            match k {
                CATEGORY_PARAM => f.category = Category::from_slug(v),
                KABUPATEN_PARAM => f.kabupaten = Kabupaten::from_slug(v),
                _ => {}
            }
        }
        f
    }

    pub fn matches(&self, need: &NeedCard) -> bool {
        self.category.is_none_or(|c| c == need.category)
            && self.kabupaten.is_none_or(|k| k == need.kabupaten)
    }

    /// `kategori=kriya&kabupaten=metro`, without the empty ones.
    pub fn to_query(&self) -> String {
        let mut params = Vec::new();
        if let Some(c) = self.category {
            params.push(format!("{CATEGORY_PARAM}={}", c.slug()));
        }
        if let Some(k) = self.kabupaten {
            params.push(format!("{KABUPATEN_PARAM}={}", k.slug()));
        }
        params.join("&")
    }
}

/// The head of the board page, for crawlers and the first paint.
pub fn board_head() -> crate::preview::Head {
    use crate::preview::SITE_NAME;
    crate::preview::Head {
        title: format!("Kebutuhan mitra · {SITE_NAME}"),
        description: "BUMN dan perusahaan memasang kebutuhan: kue untuk rapat, seragam batik \
                      Lampung, suvenir kriya. IKM Lampung mengajukan penawaran."
            .to_owned(),
        path: BOARD_PAGE.to_owned(),
        og_type: "website",
        image: "/og/etalase.jpg".into(),
        image_alt: format!("{SITE_NAME}: kebutuhan mitra"),
        json_ld: None,
        noindex: false,
    }
}

/// The head of the form page.
pub fn new_need_head() -> crate::preview::Head {
    use crate::preview::SITE_NAME;
    crate::preview::Head {
        title: format!("Pasang kebutuhan · {SITE_NAME}"),
        description: "Tulis apa yang perusahaan Anda butuhkan; setelah ditinjau Disperindag, \
                      IKM Lampung mengajukan penawaran."
            .to_owned(),
        path: NEW_NEED_PAGE.to_owned(),
        ..board_head()
    }
}

/// A published need's share image: `/og/kebutuhan/<code>.jpg`.
pub fn need_image_path(code: &str) -> String {
    format!("/og/kebutuhan/{code}.jpg")
}

/// The head of a published need's page: what a shared link's preview shows. Never who
/// posted it beyond what the board shows.
pub fn need_head(need: &NeedCard) -> crate::preview::Head {
    use crate::preview::{excerpt, SITE_NAME};
    let locale = Locale::Id;
    let mut facts = vec![
        format!("Dibutuhkan {} {}", need.quantity, need.unit),
        format!("dikirim ke {}", need.kabupaten.name()),
        format!("paling lambat {}", locale.date(&need.needed_by.to_string())),
    ];
    if let Some(b) = need.budget {
        facts.push(format!("anggaran {}", b.label(&need.unit, locale)));
    }
    if let (NeedState::Open, Some(until)) = (need.state, need.offers_until) {
        facts.push(format!(
            "penawaran dibuka sampai {}",
            locale.date(&until.to_string())
        ));
    }
    crate::preview::Head {
        title: format!("{} · Kebutuhan mitra · {SITE_NAME}", need.title),
        description: format!("{}. {}", facts.join(" · "), excerpt(&need.description, 160)),
        path: need_page_path(&need.code),
        og_type: "article",
        image: need_image_path(&need.code),
        image_alt: format!("{}: {} {}", need.title, need.quantity, need.unit),
        ..board_head()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        Date::parse("2026-12-03").unwrap()
    }

    fn good() -> NeedInput {
        NeedInput {
            company: "PT Bukit Asam (Persero) Tbk".into(),
            show_company: true,
            buyer_type: Some(BuyerType::Bumn),
            npwp: String::new(),
            contact_person: "Rina Marlina".into(),
            phone: "0812-7000-1234".into(),
            email: "rina@contoh.co.id".into(),
            address: "Jl. Jend. Sudirman No. 1, Bandar Lampung".into(),
            kabupaten: Some(Kabupaten::BandarLampung),
            title: "Kue kering untuk rapat direksi".into(),
            category: Some(Category::MakananMinuman),
            description: "200 kotak kue kering khas Lampung, kemasan berlogo.".into(),
            quantity: 200,
            unit: "kotak".into(),
            budget: Some(Rupiah(35_000)),
            budget_kind: BudgetKind::PerUnit,
            needed_by: "2027-01-20".into(),
            offer_days: 14,
        }
    }

    #[test]
    fn a_good_need_is_normalised() {
        let v = validate_need(&good(), today()).unwrap();
        assert_eq!(v.contact.phone.e164(), "+6281270001234");
        assert_eq!(v.category, Category::MakananMinuman);
        assert_eq!(
            v.budget,
            Some(Budget {
                amount: Rupiah(35_000),
                kind: BudgetKind::PerUnit
            })
        );
        assert_eq!(
            offers_until(today(), v.offer_days).to_string(),
            "2026-12-17"
        );
    }

    #[test]
    fn contact_fields_keep_the_order_forms_rules() {
        let mut input = good();
        input.phone = "0721 123456".into();
        input.email = "rina@contoh".into();
        input.company = " ".into();
        input.buyer_type = None;
        let e = validate_need(&input, today()).unwrap_err();
        assert_eq!(e["phone"], FieldError::Phone);
        assert_eq!(e["email"], FieldError::Email);
        assert_eq!(e["company"], FieldError::Required);
        assert_eq!(e["buyer_type"], FieldError::Required);
    }

    #[test]
    fn what_is_needed_is_required_and_bounded() {
        let input = NeedInput {
            title: "x".repeat(MAX_TITLE + 1),
            description: String::new(),
            unit: String::new(),
            category: None,
            quantity: 0,
            offer_days: 10,
            ..good()
        };
        let e = validate_need(&input, today()).unwrap_err();
        assert_eq!(e["title"], FieldError::TooLong { max: MAX_TITLE });
        assert_eq!(e["description"], FieldError::Required);
        assert_eq!(e["unit"], FieldError::Required);
        assert_eq!(e["category"], FieldError::Required);
        assert_eq!(e["quantity"], FieldError::Required);
        assert_eq!(e["offer_days"], FieldError::Choice);
        let many = NeedInput {
            quantity: MAX_QUANTITY + 1,
            ..good()
        };
        assert_eq!(
            validate_need(&many, today()).unwrap_err()["quantity"],
            FieldError::TooMany { max: MAX_QUANTITY }
        );
    }

    #[test]
    fn budgets_stay_within_money_bounds() {
        let with = |amount: i64, kind| NeedInput {
            budget: Some(Rupiah(amount)),
            budget_kind: kind,
            ..good()
        };
        assert!(validate_need(&with(0, BudgetKind::Total), today())
            .unwrap()
            .budget
            .is_none());
        let per_unit_max = FieldError::Amount {
            max: crate::money::MAX_UNIT_PRICE,
        };
        assert_eq!(
            validate_need(&with(-5, BudgetKind::PerUnit), today()).unwrap_err()["budget"],
            per_unit_max
        );
        assert_eq!(
            validate_need(&with(i64::MAX, BudgetKind::PerUnit), today()).unwrap_err()["budget"],
            per_unit_max
        );
        assert_eq!(
            validate_need(&with(-1, BudgetKind::Total), today()).unwrap_err()["budget"],
            FieldError::Amount {
                max: MAX_ORDER_TOTAL
            }
        );
        // Each unit within bounds, the need's quantity too many for an order.
        let mut many = with(9_000_000_000, BudgetKind::PerUnit);
        many.quantity = 1_000;
        assert!(matches!(
            validate_need(&many, today()).unwrap_err()["budget"],
            FieldError::TotalTooLarge { .. }
        ));
        assert!(validate_need(&with(7_000_000, BudgetKind::Total), today()).is_ok());
    }

    #[test]
    fn the_needed_by_date_comes_after_the_offers_close() {
        let mut input = good();
        input.needed_by = "2026-12-17".into(); // the day offers close
        assert_eq!(
            validate_need(&input, today()).unwrap_err()["needed_by"],
            FieldError::AfterOffersClose {
                offers_until: Date::parse("2026-12-17").unwrap()
            }
        );
        input.needed_by = "2026-12-18".into();
        assert!(validate_need(&input, today()).is_ok());
        input.needed_by = "2026-12-01".into();
        assert_eq!(
            validate_need(&input, today()).unwrap_err()["needed_by"],
            FieldError::DatePast
        );
    }

    fn open_need() -> NeedTerms {
        NeedTerms {
            status: NeedStatus::Terbit,
            quantity: 200,
            needed_by: Date::parse("2027-01-20").unwrap(),
            offers_until: Some(Date::parse("2026-12-17").unwrap()),
        }
    }

    fn offer() -> OfferInput {
        OfferInput {
            unit_price: Rupiah(32_000),
            quantity: 150,
            lead_time_days: 14,
            note: "Kemasan kotak kertas, logo sablon.".into(),
            products: vec!["keripik-pisang-coklat-250-g".into()],
        }
    }

    fn own(slug: &str) -> bool {
        slug == "keripik-pisang-coklat-250-g" || slug == "keripik-pisang-original-250-g"
    }

    #[test]
    fn a_good_offer_is_totalled() {
        let v = validate_offer(&offer(), &open_need(), "kotak", own, today())
            .unwrap()
            .unwrap();
        assert_eq!(v.total, Rupiah(32_000 * 150));
        assert_eq!(v.products.len(), 1);
    }

    #[test]
    fn offers_are_checked_against_the_need() {
        let mut input = offer();
        input.quantity = 201;
        input.lead_time_days = 60; // ready 2027-02-01, after 2027-01-20
        input.unit_price = Rupiah(0);
        input.products = vec!["kopi-robusta-bubuk-250-g".into(), "../x".into()];
        let e = validate_offer(&input, &open_need(), "kotak", own, today())
            .unwrap()
            .unwrap_err();
        assert_eq!(
            e["quantity"],
            FieldError::MoreThanNeeded {
                max: 200,
                unit: "kotak".into()
            }
        );
        assert_eq!(
            e["lead_time_days"],
            FieldError::NotReadyInTime {
                ready: Date::parse("2027-02-01").unwrap(),
                needed_by: Date::parse("2027-01-20").unwrap()
            }
        );
        assert_eq!(e["unit_price"], FieldError::UnitPrice);
        assert!(matches!(e["products[0]"], FieldError::NotOwnProduct { .. }));
        assert!(matches!(e["products[1]"], FieldError::NotOwnProduct { .. }));
        assert!(e["lead_time_days"]
            .message(Locale::Id)
            .contains("1 Februari 2027"));
        // The lead time that exactly meets the date is fine.
        let mut exact = offer();
        exact.lead_time_days = u32::try_from(today().days_until(open_need().needed_by)).unwrap();
        assert!(validate_offer(&exact, &open_need(), "kotak", own, today())
            .unwrap()
            .is_ok());
        let mut huge = offer();
        huge.lead_time_days = u32::MAX;
        let e = validate_offer(&huge, &open_need(), "kotak", own, today())
            .unwrap()
            .unwrap_err();
        assert!(matches!(e["lead_time_days"], FieldError::TooMany { .. }));
    }

    #[test]
    fn an_offer_total_near_the_money_bound_is_refused() {
        let need = NeedTerms {
            quantity: MAX_QUANTITY,
            ..open_need()
        };
        let input = OfferInput {
            unit_price: crate::money::MAX_UNIT_PRICE,
            quantity: MAX_QUANTITY,
            ..offer()
        };
        let e = validate_offer(&input, &need, "kotak", own, today())
            .unwrap()
            .unwrap_err();
        assert!(matches!(e["quantity"], FieldError::TotalTooLarge { .. }));
    }

    #[test]
    fn only_an_open_need_takes_offers() {
        for (status, until, day, open) in [
            (NeedStatus::Terbit, "2026-12-17", "2026-12-17", true),
            (NeedStatus::Terbit, "2026-12-17", "2026-12-18", false),
            (NeedStatus::Menunggu, "2026-12-17", "2026-12-03", false),
            (NeedStatus::Ditolak, "2026-12-17", "2026-12-03", false),
            (NeedStatus::Ditutup, "2026-12-17", "2026-12-03", false),
        ] {
            let need = NeedTerms {
                status,
                offers_until: Date::parse(until),
                ..open_need()
            };
            let got = validate_offer(&offer(), &need, "kotak", own, Date::parse(day).unwrap());
            assert_eq!(got.is_ok(), open, "{status:?} {day}");
            if !open {
                assert_eq!(got.unwrap_err(), NeedRefusal::NotTakingOffers);
            }
        }
    }

    #[test]
    fn review_publishes_or_declines_with_a_reason_once() {
        assert_eq!(
            review(NeedStatus::Menunggu, &NeedReview::Publish),
            Ok(NeedStatus::Terbit)
        );
        assert_eq!(
            review(
                NeedStatus::Menunggu,
                &NeedReview::Decline { reason: " ".into() }
            ),
            Err(ReviewError::Field(FieldError::Required))
        );
        assert_eq!(
            review(
                NeedStatus::Menunggu,
                &NeedReview::Decline {
                    reason: "Bukan kebutuhan barang".into()
                }
            ),
            Ok(NeedStatus::Ditolak)
        );
        for status in [NeedStatus::Terbit, NeedStatus::Ditolak, NeedStatus::Ditutup] {
            assert_eq!(
                review(status, &NeedReview::Publish),
                Err(ReviewError::Refused(NeedRefusal::AlreadyReviewed))
            );
        }
    }

    #[test]
    fn the_partner_decides_after_the_window_but_not_before_publication() {
        let ended = NeedTerms {
            offers_until: Date::parse("2026-11-30"),
            ..open_need()
        };
        assert_eq!(ended.state(today()), NeedState::OffersClosed);
        assert_eq!(check_decision(&ended, true, today()), Ok(()));
        let past = NeedTerms {
            needed_by: Date::parse("2026-12-02").unwrap(),
            ..ended
        };
        assert_eq!(
            check_decision(&past, true, today()),
            Err(NeedRefusal::PastNeededBy)
        );
        assert_eq!(
            check_decision(&past, false, today()),
            Ok(()),
            "closing still works"
        );
        for status in [
            NeedStatus::Menunggu,
            NeedStatus::Ditolak,
            NeedStatus::Ditutup,
        ] {
            let need = NeedTerms {
                status,
                ..open_need()
            };
            assert_eq!(
                check_decision(&need, true, today()),
                Err(NeedRefusal::NotOpenForDecision)
            );
        }
    }

    #[test]
    fn codes_and_slugs() {
        assert_eq!(need_code(2026, 12), "KBT-2026-000012");
        assert!(is_need_code("KBT-2026-000012"));
        for bad in [
            "ETL-2026-000012",
            "KBT-26-000012",
            "KBT-2026-12",
            "KBT-2026-0000x2",
            &format!("KBT-2026-{}", "1".repeat(5_000)),
        ] {
            assert!(!is_need_code(bad), "{bad}");
        }
        for s in NeedStatus::ALL {
            assert_eq!(NeedStatus::from_slug(s.slug()), Some(s));
            assert_eq!(
                serde_json::to_string(&s).unwrap(),
                format!("\"{}\"", s.slug())
            );
        }
        for s in OfferStatus::ALL {
            assert_eq!(OfferStatus::from_slug(s.slug()), Some(s));
            assert_eq!(
                serde_json::to_string(&s).unwrap(),
                format!("\"{}\"", s.slug())
            );
            assert_ne!(s.label(Locale::Id), s.label(Locale::En));
        }
    }

    #[test]
    fn board_filters_read_from_the_query_and_back() {
        let f =
            BoardFilter::from_params([("kategori", "wastra"), ("kabupaten", "metro"), ("x", "y")]);
        assert_eq!(f.category, Some(Category::Wastra));
        assert_eq!(f.kabupaten, Some(Kabupaten::Metro));
        assert_eq!(f.to_query(), "kategori=wastra&kabupaten=metro");
        let unknown = BoardFilter::from_params([("kategori", "<script>")]);
        assert_eq!(unknown, BoardFilter::default());
        assert_eq!(unknown.to_query(), "");
    }

    #[test]
    fn stats_export_as_guarded_csv() {
        let stats = NeedStats {
            total: NeedStat {
                key: "total".into(),
                posted: 3,
                published: 2,
                offers: 5,
                met: 1,
                value: Rupiah(4_800_000),
            },
            by_month: vec![NeedStat {
                key: "=cmd".into(),
                ..NeedStat::default()
            }],
            ..NeedStats::default()
        };
        let csv = stats_csv(&stats);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(
            lines[0],
            "kelompok,kunci,diajukan,terbit,penawaran,terpenuhi,nilai_rupiah"
        );
        assert_eq!(lines[1], "total,total,3,2,5,1,4800000");
        assert_eq!(lines[2], "bulan,'=cmd,0,0,0,0,0");
    }

    #[test]
    fn a_late_review_shortens_the_offers_window() {
        let day = |s: &str| Date::parse(s).unwrap();
        assert_eq!(
            publish_window(day("2026-12-03"), 14, day("2027-01-20")),
            Some(day("2026-12-17"))
        );
        assert_eq!(
            publish_window(day("2026-12-10"), 14, day("2026-12-20")),
            Some(day("2026-12-19"))
        );
        assert_eq!(
            publish_window(day("2026-12-20"), 14, day("2026-12-20")),
            None
        );
        assert_eq!(
            publish_window(day("2026-12-19"), 14, day("2026-12-20")),
            Some(day("2026-12-19"))
        );
    }
}
