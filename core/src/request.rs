//! An order request: what a partner asks of several IKM at once, and every rule it must keep.
//! The SPA checks a draft with these rules as the partner types; the server checks the
//! submitted request with the same rules and answers 422 with the same messages.

use crate::catalog::{Catalog, Product};
use crate::date::Date;
use crate::kabupaten::Kabupaten;
use crate::locale::Locale;
use crate::money::{Rupiah, MAX_ORDER_TOTAL};
use crate::phone::Phone;
use crate::slug::Slug;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The most units of one product one request may ask for.
pub use crate::money::MAX_QUANTITY;
/// The most lines one request may hold.
pub const MAX_LINES: usize = 100;
pub const MAX_TEXT: usize = 200;
pub const MAX_LONG_TEXT: usize = 2_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum BuyerType {
    /// State-owned company.
    Bumn,
    /// Private company.
    Swasta,
    /// Government office.
    Instansi,
    /// Individual.
    Perorangan,
}

impl BuyerType {
    pub const ALL: [BuyerType; 4] = [
        BuyerType::Bumn,
        BuyerType::Swasta,
        BuyerType::Instansi,
        BuyerType::Perorangan,
    ];

    /// The name used in the API and in storage.
    pub fn slug(self) -> &'static str {
        match self {
            BuyerType::Bumn => "bumn",
            BuyerType::Swasta => "swasta",
            BuyerType::Instansi => "instansi",
            BuyerType::Perorangan => "perorangan",
        }
    }

    pub fn from_slug(slug: &str) -> Option<BuyerType> {
        BuyerType::ALL.into_iter().find(|b| b.slug() == slug)
    }

    pub fn label(self, locale: Locale) -> &'static str {
        match (locale, self) {
            (Locale::Id, BuyerType::Bumn) => "BUMN",
            (Locale::Id, BuyerType::Swasta) => "Perusahaan swasta",
            (Locale::Id, BuyerType::Instansi) => "Instansi pemerintah",
            (Locale::Id, BuyerType::Perorangan) => "Perorangan",
            (Locale::En, BuyerType::Bumn) => "State-owned company (BUMN)",
            (Locale::En, BuyerType::Swasta) => "Private company",
            (Locale::En, BuyerType::Instansi) => "Government office",
            (Locale::En, BuyerType::Perorangan) => "Individual",
        }
    }
}

/// One line as the partner sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LineInput {
    pub product: String,
    pub quantity: u32,
    #[serde(default)]
    pub note: String,
    /// The unit price the partner saw when adding it; the server compares it with today's.
    #[serde(default)]
    pub seen_unit_price: Option<Rupiah>,
}

/// The request as the partner sends it: plain text, checked by [`validate_request`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestInput {
    pub company: String,
    pub buyer_type: Option<BuyerType>,
    #[serde(default)]
    pub npwp: String,
    pub contact_person: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub kabupaten: Option<Kabupaten>,
    pub needed_by: String,
    #[serde(default)]
    pub purpose: String,
    #[serde(default)]
    pub notes: String,
    pub lines: Vec<LineInput>,
}

/// A broken rule, with what a message needs to say it in either language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum FieldError {
    Required,
    TooLong {
        max: usize,
    },
    Phone,
    Email,
    Npwp,
    Date,
    DatePast,
    /// The needed-by date leaves a product too little time.
    TooSoon {
        product: String,
        earliest: Date,
    },
    NoLines,
    TooManyLines {
        max: usize,
    },
    UnknownProduct {
        slug: String,
    },
    DuplicateProduct {
        name: String,
    },
    BelowMinimum {
        minimum: u32,
        unit: String,
    },
    OffIncrement {
        minimum: u32,
        increment: u32,
        unit: String,
    },
    TooMany {
        max: u32,
    },
    /// A line, a part or the whole request would come to more than [`MAX_ORDER_TOTAL`].
    TotalTooLarge {
        max: Rupiah,
    },
    /// Not one of the choices offered.
    Choice,
    /// A unit price outside `1..=MAX_UNIT_PRICE`.
    UnitPrice,
    /// An amount of money outside `1..=max` (a budget).
    Amount {
        max: Rupiah,
    },
    /// A need's needed-by date on or before the day its offers close.
    AfterOffersClose {
        offers_until: Date,
    },
    /// An offer whose lead time ends after the need's needed-by date.
    NotReadyInTime {
        ready: Date,
        needed_by: Date,
    },
    /// An offer of more than the need asks for.
    MoreThanNeeded {
        max: u32,
        unit: String,
    },
    /// A product that is not the offering IKM's own, on sale.
    NotOwnProduct {
        slug: String,
    },
}

impl FieldError {
    pub fn message(&self, locale: Locale) -> String {
        use FieldError::*;
        let date = |d: &crate::date::Date| locale.date(&d.to_string());
        match (locale, self) {
            (Locale::Id, Required) => "Wajib diisi.".into(),
            (Locale::En, Required) => "Required.".into(),
            (Locale::Id, TooLong { max }) => format!("Paling banyak {max} karakter."),
            (Locale::En, TooLong { max }) => format!("At most {max} characters."),
            (Locale::Id, Phone) => {
                "Nomor HP Indonesia tidak valid: tulis seperti 0812 3456 7890.".into()
            }
            (Locale::En, Phone) => {
                "Not an Indonesian mobile number: write it like 0812 3456 7890.".into()
            }
            (Locale::Id, Email) => {
                "Alamat email tidak valid, contoh: nama@perusahaan.co.id.".into()
            }
            (Locale::En, Email) => "Not a valid email address, e.g. name@company.co.id.".into(),
            (Locale::Id, Npwp) => {
                "NPWP harus 15 atau 16 angka, contoh 01.234.567.8-901.000.".into()
            }
            (Locale::En, Npwp) => {
                "NPWP must have 15 or 16 digits, e.g. 01.234.567.8-901.000.".into()
            }
            (Locale::Id, Date) => "Tanggal tidak valid.".into(),
            (Locale::En, Date) => "Not a valid date.".into(),
            (Locale::Id, DatePast) => "Tanggal ini sudah lewat.".into(),
            (Locale::En, DatePast) => "This date has passed.".into(),
            (Locale::Id, TooSoon { product, earliest }) => format!(
                "Terlalu cepat untuk {product}: paling cepat {}.",
                date(earliest)
            ),
            (Locale::En, TooSoon { product, earliest }) => format!(
                "Too soon for {product}: the earliest possible date is {}.",
                date(earliest)
            ),
            (Locale::Id, NoLines) => "Daftar pesanan masih kosong.".into(),
            (Locale::En, NoLines) => "The order list is empty.".into(),
            (Locale::Id, TooManyLines { max }) => format!("Paling banyak {max} baris per pesanan."),
            (Locale::En, TooManyLines { max }) => format!("At most {max} lines per request."),
            (Locale::Id, UnknownProduct { slug }) => {
                format!("Produk \"{slug}\" tidak ada di katalog.")
            }
            (Locale::En, UnknownProduct { slug }) => {
                format!("Product \"{slug}\" is not in the catalog.")
            }
            (Locale::Id, DuplicateProduct { name }) => format!("{name} sudah ada di baris lain."),
            (Locale::En, DuplicateProduct { name }) => {
                format!("{name} is already on another line.")
            }
            (Locale::Id, BelowMinimum { minimum, unit }) => {
                format!("Minimal pesan {minimum} {unit}.")
            }
            (Locale::En, BelowMinimum { minimum, unit }) => {
                format!("The minimum order is {minimum} {unit}.")
            }
            (
                Locale::Id,
                OffIncrement {
                    minimum,
                    increment,
                    unit,
                },
            ) => format!(
                "Jumlah harus {minimum}, {}, {}, … {unit} (kelipatan {increment}).",
                u64::from(*minimum) + u64::from(*increment),
                u64::from(*minimum) + 2 * u64::from(*increment)
            ),
            (
                Locale::En,
                OffIncrement {
                    minimum,
                    increment,
                    unit,
                },
            ) => format!(
                "The quantity must be {minimum}, {}, {}, … {unit} (steps of {increment}).",
                u64::from(*minimum) + u64::from(*increment),
                u64::from(*minimum) + 2 * u64::from(*increment)
            ),
            (Locale::Id, TooMany { max }) => format!("Paling banyak {max}."),
            (Locale::En, TooMany { max }) => format!("At most {max}."),
            (Locale::Id, TotalTooLarge { max }) => format!(
                "Nilai pesanan melebihi batas {}. Bagi menjadi beberapa pesanan.",
                locale.rupiah(*max)
            ),
            (Locale::En, TotalTooLarge { max }) => format!(
                "The order's value exceeds the limit of {}. Split it into several requests.",
                locale.rupiah(*max)
            ),
            (Locale::Id, Choice) => "Pilih salah satu pilihan.".into(),
            (Locale::En, Choice) => "Pick one of the choices.".into(),
            (Locale::Id, UnitPrice) => format!(
                "Harga satuan harus antara Rp 1 dan {}.",
                locale.rupiah(crate::money::MAX_UNIT_PRICE)
            ),
            (Locale::En, UnitPrice) => format!(
                "The unit price must be between Rp 1 and {}.",
                locale.rupiah(crate::money::MAX_UNIT_PRICE)
            ),
            (Locale::Id, Amount { max }) => {
                format!("Isi jumlah antara Rp 1 dan {}.", locale.rupiah(*max))
            }
            (Locale::En, Amount { max }) => {
                format!("Enter an amount between Rp 1 and {}.", locale.rupiah(*max))
            }
            (Locale::Id, AfterOffersClose { offers_until }) => format!(
                "Tanggal dibutuhkan harus setelah penawaran ditutup ({}).",
                date(offers_until)
            ),
            (Locale::En, AfterOffersClose { offers_until }) => format!(
                "The needed-by date must come after offers close ({}).",
                date(offers_until)
            ),
            (Locale::Id, NotReadyInTime { ready, needed_by }) => format!(
                "Dengan waktu pengerjaan ini barang baru siap {}, setelah tanggal dibutuhkan {}.",
                date(ready),
                date(needed_by)
            ),
            (Locale::En, NotReadyInTime { ready, needed_by }) => format!(
                "With this lead time the goods are ready on {}, after the needed-by date {}.",
                date(ready),
                date(needed_by)
            ),
            (Locale::Id, MoreThanNeeded { max, unit }) => {
                format!("Paling banyak {max} {unit}, sebanyak yang dibutuhkan.")
            }
            (Locale::En, MoreThanNeeded { max, unit }) => {
                format!("At most {max} {unit}, as many as needed.")
            }
            (Locale::Id, NotOwnProduct { slug }) => {
                format!("\"{slug}\" bukan produk Anda yang sedang dijual.")
            }
            (Locale::En, NotOwnProduct { slug }) => {
                format!("\"{slug}\" is not one of your products on sale.")
            }
        }
    }
}

/// Field errors keyed by field path: `company`, `lines[2].quantity`, …
pub type FieldErrors = BTreeMap<String, FieldError>;

/// Renders field errors as the API and the UI show them.
pub fn messages(errors: &FieldErrors, locale: Locale) -> BTreeMap<String, String> {
    errors
        .iter()
        .map(|(k, e)| (k.clone(), e.message(locale)))
        .collect()
}

/// Whether `qty` is one a product can be ordered in: at least the minimum, on its steps.
pub fn check_quantity(product: &Product, qty: u32) -> Result<(), FieldError> {
    if qty > MAX_QUANTITY {
        return Err(FieldError::TooMany { max: MAX_QUANTITY });
    }
    if qty < product.min_order {
        return Err(FieldError::BelowMinimum {
            minimum: product.min_order,
            unit: product.unit.clone(),
        });
    }
    let step = product.order_increment.max(1);
    if !(qty - product.min_order).is_multiple_of(step) {
        return Err(FieldError::OffIncrement {
            minimum: product.min_order,
            increment: step,
            unit: product.unit.clone(),
        });
    }
    Ok(())
}

/// The largest valid quantity of a product.
fn max_valid_quantity(product: &Product) -> u32 {
    let step = product.order_increment.max(1);
    let min = product.min_order.min(MAX_QUANTITY);
    MAX_QUANTITY - (MAX_QUANTITY - min) % step
}

/// The valid quantity nearest to `qty` from above (what a stepper lands on).
pub fn round_up_quantity(product: &Product, qty: u32) -> u32 {
    let step = u64::from(product.order_increment.max(1));
    let min = u64::from(product.min_order);
    if u64::from(qty) <= min {
        return product.min_order;
    }
    let steps = (u64::from(qty) - min).div_ceil(step);
    let q = (min + steps * step).min(u64::from(max_valid_quantity(product)));
    u32::try_from(q).unwrap_or(MAX_QUANTITY)
}

/// The next valid quantity up.
pub fn step_up(product: &Product, qty: u32) -> u32 {
    let q = round_up_quantity(product, qty);
    if q > qty {
        q
    } else {
        round_up_quantity(product, q.saturating_add(product.order_increment.max(1)))
    }
}

/// The next valid quantity down, never below the minimum.
pub fn step_down(product: &Product, qty: u32) -> u32 {
    round_up_quantity(product, qty)
        .saturating_sub(product.order_increment.max(1))
        .max(product.min_order)
}

/// A line priced with today's catalog.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PricedLine {
    pub product: Slug,
    pub name: String,
    pub unit: String,
    pub quantity: u32,
    pub unit_price: Rupiah,
    /// What the quantity would cost at the base price, minus what it costs: the tier saving.
    pub saving: Rupiah,
    pub subtotal: Rupiah,
    pub lead_time_days: u32,
    pub note: String,
}

/// The line priced, or `TotalTooLarge` when it would come to more than [`MAX_ORDER_TOTAL`].
pub fn price_line(product: &Product, quantity: u32, note: &str) -> Result<PricedLine, FieldError> {
    let too_large = FieldError::TotalTooLarge {
        max: MAX_ORDER_TOTAL,
    };
    let unit_price = product.unit_price(quantity);
    let subtotal = unit_price
        .checked_mul(quantity)
        .filter(|s| *s <= MAX_ORDER_TOTAL)
        .ok_or_else(|| too_large.clone())?;
    let saving = product
        .price
        .checked_mul(quantity)
        .and_then(|base| base.checked_sub(subtotal))
        .ok_or(too_large)?;
    Ok(PricedLine {
        product: product.slug.clone(),
        name: product.name.clone(),
        unit: product.unit.clone(),
        quantity,
        unit_price,
        saving,
        subtotal,
        lead_time_days: product.lead_time_days,
        note: note.trim().to_owned(),
    })
}

/// An order list's lines `(product, quantity, note)` priced, each with its product, as the
/// list page shows them (the app's and the server's alike): a line whose product left the
/// catalog is left out; a line too large to price is left out too, and its rule's message
/// returned to be shown.
pub fn price_lines<'a, 'l>(
    lines: impl IntoIterator<Item = (&'l str, u32, &'l str)>,
    find: impl Fn(&str) -> Option<&'a Product>,
) -> (Vec<(&'a Product, PricedLine)>, Option<FieldError>) {
    let mut refused = None;
    let priced = lines
        .into_iter()
        .filter_map(|(slug, quantity, note)| {
            let product = find(slug)?;
            match price_line(product, quantity, note) {
                Ok(line) => Some((product, line)),
                Err(e) => {
                    refused = Some(e);
                    None
                }
            }
        })
        .collect();
    (priced, refused)
}

/// One IKM's part of a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IkmPart {
    pub ikm: Slug,
    pub ikm_name: String,
    pub lines: Vec<PricedLine>,
    pub subtotal: Rupiah,
    pub saving: Rupiah,
}

/// The lines of an IKM's part as a message reads them: `- name × 120 pak @ Rp 12.000`, with
/// the line's note, then the subtotal.
pub fn part_lines_text(part: &IkmPart) -> String {
    let mut text = String::new();
    for line in &part.lines {
        text.push_str(&format!(
            "- {} × {} {} @ {}",
            line.name, line.quantity, line.unit, line.unit_price
        ));
        if !line.note.is_empty() {
            text.push_str(&format!(" ({})", line.note));
        }
        text.push('\n');
    }
    text.push_str(&format!("Subtotal: {}", part.subtotal));
    text
}

/// Where the site has no ordering backend (a static copy): the message that orders a part
/// from its IKM over WhatsApp.
pub fn whatsapp_order_text(part: &IkmPart) -> String {
    format!(
        "Halo {}, saya ingin memesan lewat Etalase IKM Lampung:\n{}\nMohon konfirmasi harga, waktu pengerjaan dan ongkos kirim. Terima kasih.",
        part.ikm_name,
        part_lines_text(part)
    )
}

/// A price that changed between the partner adding a product and submitting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PriceChange {
    pub line: usize,
    pub product: Slug,
    pub name: String,
    pub seen: Rupiah,
    pub now: Rupiah,
}

/// A request that keeps every rule, normalised and priced, split per IKM.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ValidRequest {
    pub company: String,
    pub buyer_type: BuyerType,
    /// Digits only; empty when not given.
    pub npwp: String,
    pub contact_person: String,
    pub phone: Phone,
    pub email: String,
    pub address: String,
    pub kabupaten: Kabupaten,
    pub needed_by: Date,
    pub purpose: String,
    pub notes: String,
    pub parts: Vec<IkmPart>,
    pub total: Rupiah,
    pub price_changes: Vec<PriceChange>,
}

/// Lines split into one part per IKM, in the order the partner first listed each, with
/// subtotals and savings. The order list and the server split requests the same way. Sums
/// stop at the largest amount rather than wrap; [`request_total`] (which validation applies)
/// refuses any request they would not fit.
pub fn group_by_ikm<'a>(
    catalog: &Catalog,
    lines: impl IntoIterator<Item = (&'a Product, PricedLine)>,
) -> Vec<IkmPart> {
    let mut parts: Vec<IkmPart> = Vec::new();
    for (product, line) in lines {
        let idx = match parts.iter().position(|p| p.ikm == product.ikm) {
            Some(idx) => idx,
            None => {
                parts.push(IkmPart {
                    ikm: product.ikm.clone(),
                    ikm_name: catalog
                        .ikm(product.ikm.as_str())
                        .map(|i| i.name.clone())
                        .unwrap_or_default(),
                    lines: Vec::new(),
                    subtotal: Rupiah::ZERO,
                    saving: Rupiah::ZERO,
                });
                parts.len() - 1
            }
        };
        let part = &mut parts[idx];
        part.subtotal = Rupiah::saturating_sum([part.subtotal, line.subtotal]);
        part.saving = Rupiah::saturating_sum([part.saving, line.saving]);
        part.lines.push(line);
    }
    parts
}

/// What the parts come to together, within [`MAX_ORDER_TOTAL`].
pub fn request_total(parts: &[IkmPart]) -> Result<Rupiah, FieldError> {
    Rupiah::checked_sum(parts.iter().map(|p| p.subtotal))
        .filter(|t| *t <= MAX_ORDER_TOTAL)
        .ok_or(FieldError::TotalTooLarge {
            max: MAX_ORDER_TOTAL,
        })
}

/// NPWP: 15 digits (the old form, 99.999.999.9-999.999) or 16 (the NIK-based form).
pub fn parse_npwp(input: &str) -> Result<String, FieldError> {
    let digits: String = input
        .chars()
        .filter(|c| !matches!(c, '.' | '-' | ' '))
        .collect();
    if (digits.len() == 15 || digits.len() == 16) && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(digits)
    } else {
        Err(FieldError::Npwp)
    }
}

/// An NPWP as printed on documents: the 15-digit form as `01.234.567.8-912.345`; the 16-digit
/// form (the NIK-based NPWP since 2024) as plain digits. Anything else is returned as given.
pub fn format_npwp(digits: &str) -> String {
    if digits.len() == 15 && digits.bytes().all(|b| b.is_ascii_digit()) {
        let d = digits;
        format!(
            "{}.{}.{}.{}-{}.{}",
            &d[0..2],
            &d[2..5],
            &d[5..8],
            &d[8..9],
            &d[9..12],
            &d[12..15]
        )
    } else {
        digits.to_owned()
    }
}

/// A plausible email address: one '@', a local part, a dotted domain, no spaces.
pub fn parse_email(input: &str) -> Result<String, FieldError> {
    let s = input.trim();
    let Some((local, domain)) = s.split_once('@') else {
        return Err(FieldError::Email);
    };
    let ok = !local.is_empty()
        && s.len() <= 254
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && !s.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(s.to_ascii_lowercase())
    } else {
        Err(FieldError::Email)
    }
}

/// Characters that change how the text around them is laid out (bidirectional overrides
/// and isolates): a name with them can show other words than it holds. They are dropped.
fn is_direction_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Characters that take no room: zero-width spaces and joiners, word joiners, the BOM, the
/// soft hyphen. A text made only of them (and spaces) is empty to a reader.
fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{2064}' | '\u{feff}' | '\u{ad}')
        || is_direction_control(c)
}

/// A text field as typed, tidied (trimmed, direction controls dropped) and checked: `Required`
/// when nothing visible is left and it is required, `TooLong` past `max` characters.
pub(crate) fn text(
    errors: &mut FieldErrors,
    field: &str,
    value: &str,
    required: bool,
    max: usize,
) -> String {
    let v: String = value
        .trim()
        .chars()
        .filter(|c| !is_direction_control(*c))
        .collect();
    if required && v.chars().all(is_invisible) {
        errors.insert(field.into(), FieldError::Required);
    } else if v.chars().count() > max {
        errors.insert(field.into(), FieldError::TooLong { max });
    }
    v
}

/// Who asks, as typed: the fields an order request and a posted need share, checked by
/// [`check_contact`] with the same rules and messages.
#[derive(Clone, Copy, Debug)]
pub struct ContactFields<'a> {
    pub company: &'a str,
    pub buyer_type: Option<BuyerType>,
    pub npwp: &'a str,
    pub contact_person: &'a str,
    pub phone: &'a str,
    pub email: &'a str,
    pub address: &'a str,
    pub kabupaten: Option<Kabupaten>,
}

/// Who asks, checked and normalised.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Contact {
    pub company: String,
    pub buyer_type: BuyerType,
    /// Digits only; empty when not given.
    pub npwp: String,
    pub contact_person: String,
    pub phone: Phone,
    pub email: String,
    pub address: String,
    pub kabupaten: Kabupaten,
}

/// Checks who asks: company, buyer type, optional NPWP, contact person, an Indonesian mobile
/// number, email, address and kabupaten/kota. Broken rules go into `errors`, keyed by field;
/// the contact comes back only when none of its fields broke one.
pub fn check_contact(c: ContactFields<'_>, errors: &mut FieldErrors) -> Option<Contact> {
    let before = errors.len();
    let company = text(errors, "company", c.company, true, MAX_TEXT);
    if c.buyer_type.is_none() {
        errors.insert("buyer_type".into(), FieldError::Required);
    }
    let npwp = if c.npwp.trim().is_empty() {
        String::new()
    } else {
        parse_npwp(c.npwp).unwrap_or_else(|e| {
            errors.insert("npwp".into(), e);
            String::new()
        })
    };
    let contact_person = text(errors, "contact_person", c.contact_person, true, MAX_TEXT);
    let phone = if c.phone.trim().is_empty() {
        errors.insert("phone".into(), FieldError::Required);
        None
    } else {
        Phone::parse(c.phone)
            .map_err(|_| errors.insert("phone".into(), FieldError::Phone))
            .ok()
    };
    let email = if c.email.trim().is_empty() {
        errors.insert("email".into(), FieldError::Required);
        String::new()
    } else {
        parse_email(c.email).unwrap_or_else(|e| {
            errors.insert("email".into(), e);
            String::new()
        })
    };
    let address = text(errors, "address", c.address, true, MAX_LONG_TEXT);
    if c.kabupaten.is_none() {
        errors.insert("kabupaten".into(), FieldError::Required);
    }
    match (c.buyer_type, phone, c.kabupaten) {
        (Some(buyer_type), Some(phone), Some(kabupaten)) if errors.len() == before => {
            Some(Contact {
                company,
                buyer_type,
                npwp,
                contact_person,
                phone,
                email,
                address,
                kabupaten,
            })
        }
        _ => None,
    }
}

/// A date a partner needs goods by, as typed: required, real, not before `today`.
pub fn check_needed_by(input: &str, today: Date, errors: &mut FieldErrors) -> Option<Date> {
    if input.trim().is_empty() {
        errors.insert("needed_by".into(), FieldError::Required);
        return None;
    }
    match Date::parse(input.trim()) {
        None => {
            errors.insert("needed_by".into(), FieldError::Date);
            None
        }
        Some(d) if d < today => {
            errors.insert("needed_by".into(), FieldError::DatePast);
            None
        }
        Some(d) => Some(d),
    }
}

/// Checks every rule of a request against the catalog as it is `today`. Returns the
/// normalised, priced request, or every broken rule keyed by field.
pub fn validate_request(
    input: &RequestInput,
    catalog: &Catalog,
    today: Date,
) -> Result<ValidRequest, FieldErrors> {
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
    let purpose = text(&mut errors, "purpose", &input.purpose, false, MAX_LONG_TEXT);
    let notes = text(&mut errors, "notes", &input.notes, false, MAX_LONG_TEXT);
    let needed_by = check_needed_by(&input.needed_by, today, &mut errors);

    // Lines: known products, valid quantities, each product once.
    if input.lines.is_empty() {
        errors.insert("lines".into(), FieldError::NoLines);
    } else if input.lines.len() > MAX_LINES {
        errors.insert("lines".into(), FieldError::TooManyLines { max: MAX_LINES });
    }
    let mut priced: Vec<(usize, &Product, PricedLine)> = Vec::new();
    let mut seen_products: Vec<&str> = Vec::new();
    for (i, line) in input.lines.iter().enumerate().take(MAX_LINES) {
        let Some(product) = catalog.product(line.product.trim()) else {
            errors.insert(
                format!("lines[{i}].product"),
                FieldError::UnknownProduct {
                    slug: line.product.trim().chars().take(80).collect(),
                },
            );
            continue;
        };
        if seen_products.contains(&product.slug.as_str()) {
            errors.insert(
                format!("lines[{i}].product"),
                FieldError::DuplicateProduct {
                    name: product.name.clone(),
                },
            );
            continue;
        }
        seen_products.push(product.slug.as_str());
        if let Err(e) = check_quantity(product, line.quantity) {
            errors.insert(format!("lines[{i}].quantity"), e);
            continue;
        }
        if line.note.trim().chars().count() > MAX_TEXT {
            errors.insert(
                format!("lines[{i}].note"),
                FieldError::TooLong { max: MAX_TEXT },
            );
        }
        match price_line(product, line.quantity, &line.note) {
            Ok(priced_line) => priced.push((i, product, priced_line)),
            Err(e) => {
                errors.insert(format!("lines[{i}].quantity"), e);
            }
        }
    }

    // The needed-by date must leave every line its lead time; name the tightest one.
    if let Some(needed) = needed_by {
        let tightest = priced
            .iter()
            .map(|(_, p, _)| (today.add_days(i64::from(p.lead_time_days)), p))
            .filter(|(earliest, _)| *earliest > needed)
            .max_by_key(|(earliest, _)| *earliest);
        if let Some((earliest, product)) = tightest {
            errors.insert(
                "needed_by".into(),
                FieldError::TooSoon {
                    product: product.name.clone(),
                    earliest,
                },
            );
        }
    }

    let (Some(contact), Some(needed_by), true) = (contact, needed_by, errors.is_empty()) else {
        return Err(errors);
    };
    let Contact {
        company,
        buyer_type,
        npwp,
        contact_person,
        phone,
        email,
        address,
        kabupaten,
    } = contact;

    let price_changes = priced
        .iter()
        .filter_map(|(i, p, line)| {
            let seen = input.lines[*i].seen_unit_price?;
            (seen != line.unit_price).then(|| PriceChange {
                line: *i,
                product: p.slug.clone(),
                name: p.name.clone(),
                seen,
                now: line.unit_price,
            })
        })
        .collect();

    let parts = group_by_ikm(catalog, priced.into_iter().map(|(_, p, line)| (p, line)));
    let total = request_total(&parts).map_err(|e| FieldErrors::from([("lines".to_owned(), e)]))?;
    Ok(ValidRequest {
        company,
        buyer_type,
        npwp,
        contact_person,
        phone,
        email,
        address,
        kabupaten,
        needed_by,
        purpose,
        notes,
        parts,
        total,
        price_changes,
    })
}

/// `ETL-2026-000123`: the code partners quote, by year and sequence.
pub fn request_code(year: i32, sequence: u64) -> String {
    format!("ETL-{year:04}-{sequence:06}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::CatalogData;

    #[test]
    fn npwp_is_printed_in_its_usual_groups() {
        assert_eq!(format_npwp("012345678912345"), "01.234.567.8-912.345");
        assert_eq!(format_npwp("1871012345678901"), "1871012345678901");
        assert_eq!(format_npwp(""), "");
        let digits = parse_npwp(&format_npwp("012345678912345")).unwrap();
        assert_eq!(digits, "012345678912345");
    }

    #[test]
    fn buyer_type_slugs_match_the_api_names() {
        for buyer in BuyerType::ALL {
            let json = serde_json::to_string(&buyer).unwrap();
            assert_eq!(json, format!("\"{}\"", buyer.slug()));
            assert_eq!(BuyerType::from_slug(buyer.slug()), Some(buyer));
        }
        assert_eq!(BuyerType::from_slug("koperasi"), None);
    }

    fn catalog() -> Catalog {
        let data: CatalogData =
            serde_json::from_str(include_str!("../../data/catalog.json")).unwrap();
        Catalog::from_data(data)
    }

    fn today() -> Date {
        Date::parse("2026-11-28").unwrap()
    }

    /// A good request for three IKM: snacks, coffee and a tapis.
    fn good() -> RequestInput {
        RequestInput {
            company: "PT Bukit Asam (Persero) Tbk".into(),
            buyer_type: Some(BuyerType::Bumn),
            npwp: "01.234.567.8-901.000".into(),
            contact_person: "Rina Marlina".into(),
            phone: "0812-7000-1234".into(),
            email: "Rina.Marlina@contoh.co.id".into(),
            address: "Jl. Jend. Sudirman No. 1, Tanjung Enim".into(),
            kabupaten: Some(Kabupaten::BandarLampung),
            needed_by: "2027-04-01".into(),
            purpose: "Suvenir tamu rapat direksi".into(),
            notes: String::new(),
            lines: vec![
                LineInput {
                    product: "keripik-pisang-coklat-250-g".into(),
                    quantity: 120,
                    note: "Label logo".into(),
                    seen_unit_price: None,
                },
                LineInput {
                    product: "kopi-robusta-bubuk-250-g".into(),
                    quantity: 50,
                    note: String::new(),
                    seen_unit_price: None,
                },
                LineInput {
                    product: "kain-tapis-motif-pucuk-rebung".into(),
                    quantity: 2,
                    note: String::new(),
                    seen_unit_price: None,
                },
            ],
        }
    }

    fn errors_of(input: &RequestInput) -> FieldErrors {
        validate_request(input, &catalog(), today()).expect_err("should be rejected")
    }

    #[test]
    fn a_good_request_is_split_per_ikm_and_priced_with_tiers() {
        let c = catalog();
        let v = validate_request(&good(), &c, today()).unwrap();
        assert_eq!(v.parts.len(), 3);
        assert_eq!(v.phone.e164(), "+6281270001234");
        assert_eq!(v.npwp, "012345678901000");
        assert_eq!(v.email, "rina.marlina@contoh.co.id");
        let keripik = c.product("keripik-pisang-coklat-250-g").unwrap();
        let line = &v.parts[0].lines[0];
        assert_eq!(line.unit_price, keripik.unit_price(120));
        assert!(
            line.unit_price < keripik.price,
            "120 reaches the first tier"
        );
        assert_eq!(
            Some(line.saving),
            keripik
                .price
                .checked_sub(line.unit_price)
                .and_then(|d| d.checked_mul(120))
        );
        assert_eq!(
            Some(v.total),
            Rupiah::checked_sum(v.parts.iter().map(|p| p.subtotal))
        );
        assert!(v.price_changes.is_empty());
    }

    #[test]
    fn required_fields() {
        let input = RequestInput {
            lines: good().lines,
            ..RequestInput::default()
        };
        let e = errors_of(&input);
        for field in [
            "company",
            "buyer_type",
            "contact_person",
            "phone",
            "email",
            "address",
            "kabupaten",
            "needed_by",
        ] {
            assert_eq!(e.get(field), Some(&FieldError::Required), "{field}");
        }
        assert!(!e.contains_key("npwp"), "NPWP is optional");
        assert!(!e.contains_key("purpose"));
    }

    #[test]
    fn malformed_phone_email_npwp() {
        let mut input = good();
        input.phone = "0721 123456".into();
        input.email = "rina@contoh".into();
        input.npwp = "12.345".into();
        let e = errors_of(&input);
        assert_eq!(e["phone"], FieldError::Phone);
        assert_eq!(e["email"], FieldError::Email);
        assert_eq!(e["npwp"], FieldError::Npwp);
        assert_eq!(
            parse_npwp("3171234567890123"),
            Ok("3171234567890123".into())
        );
        for bad in [
            "a@b",
            "@contoh.co.id",
            "a b@contoh.co.id",
            "a@@contoh.co.id",
            "a@contoh..id",
        ] {
            assert!(parse_email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn quantity_below_minimum_or_off_increment() {
        let mut input = good();
        input.lines[0].quantity = 10; // minimum 20
        input.lines[1].quantity = 52; // 10 + steps of 5
        let e = errors_of(&input);
        assert!(matches!(
            e["lines[0].quantity"],
            FieldError::BelowMinimum { minimum: 20, .. }
        ));
        assert!(matches!(
            e["lines[1].quantity"],
            FieldError::OffIncrement {
                minimum: 10,
                increment: 5,
                ..
            }
        ));
        assert_eq!(
            e["lines[1].quantity"].message(Locale::Id),
            "Jumlah harus 10, 15, 20, … pak 250 g (kelipatan 5)."
        );
    }

    #[test]
    fn unknown_and_duplicate_products_and_empty_requests() {
        let mut input = good();
        input.lines[1].product = "tidak-ada".into();
        input.lines[2].product = "keripik-pisang-coklat-250-g".into();
        let e = errors_of(&input);
        assert!(matches!(
            e["lines[1].product"],
            FieldError::UnknownProduct { .. }
        ));
        assert!(matches!(
            e["lines[2].product"],
            FieldError::DuplicateProduct { .. }
        ));
        let mut empty = good();
        empty.lines.clear();
        assert_eq!(errors_of(&empty)["lines"], FieldError::NoLines);
    }

    #[test]
    fn needed_by_must_leave_every_lead_time_and_names_the_tightest() {
        let mut input = good();
        input.needed_by = "2026-12-20".into(); // the tapis needs 90 days
        let e = errors_of(&input);
        let earliest = today().add_days(90);
        assert_eq!(
            e["needed_by"],
            FieldError::TooSoon {
                product: "Kain Tapis Motif Pucuk Rebung".into(),
                earliest
            }
        );
        assert_eq!(
            e["needed_by"].message(Locale::Id),
            "Terlalu cepat untuk Kain Tapis Motif Pucuk Rebung: paling cepat 26 Februari 2027."
        );
        assert_eq!(
            e["needed_by"].message(Locale::En),
            "Too soon for Kain Tapis Motif Pucuk Rebung: the earliest possible date is 26 February 2027."
        );
        input.needed_by = earliest.to_string();
        assert!(validate_request(&input, &catalog(), today()).is_ok());
    }

    #[test]
    fn past_and_malformed_dates() {
        let mut input = good();
        input.needed_by = "2026-11-27".into();
        assert_eq!(errors_of(&input)["needed_by"], FieldError::DatePast);
        input.needed_by = "besok".into();
        assert_eq!(errors_of(&input)["needed_by"], FieldError::Date);
    }

    #[test]
    fn changed_prices_are_reported() {
        let c = catalog();
        let mut input = good();
        input.lines[1].seen_unit_price = Some(Rupiah(1));
        let kopi_now = c
            .product("kopi-robusta-bubuk-250-g")
            .unwrap()
            .unit_price(50);
        input.lines[0].seen_unit_price = Some(
            c.product("keripik-pisang-coklat-250-g")
                .unwrap()
                .unit_price(120),
        );
        let v = validate_request(&input, &c, today()).unwrap();
        assert_eq!(v.price_changes.len(), 1);
        assert_eq!(v.price_changes[0].line, 1);
        assert_eq!(v.price_changes[0].seen, Rupiah(1));
        assert_eq!(v.price_changes[0].now, kopi_now);
    }

    #[test]
    fn texts_that_show_nothing_are_empty_and_direction_tricks_are_dropped() {
        let mut input = good();
        input.company = "\u{200b}\u{200b} \u{feff}".into();
        input.contact_person = "Rina \u{202e}anilraM".into();
        let e = errors_of(&input);
        assert_eq!(e["company"], FieldError::Required);
        let mut fine = good();
        fine.contact_person = "Rina \u{202e}anilraM\u{202c}".into();
        let v = validate_request(&fine, &catalog(), today()).unwrap();
        assert_eq!(v.contact_person, "Rina anilraM");
    }

    #[test]
    fn too_long_texts() {
        let mut input = good();
        input.company = "x".repeat(MAX_TEXT + 1);
        assert_eq!(
            errors_of(&input)["company"],
            FieldError::TooLong { max: MAX_TEXT }
        );
    }

    #[test]
    fn steppers_only_offer_valid_quantities() {
        let c = catalog();
        let p = c.product("keripik-pisang-coklat-250-g").unwrap(); // min 20, step 10
        assert_eq!(round_up_quantity(p, 0), 20);
        assert_eq!(round_up_quantity(p, 25), 30);
        assert_eq!(round_up_quantity(p, 30), 30);
        assert_eq!(step_up(p, 20), 30);
        assert_eq!(step_up(p, 25), 30);
        assert_eq!(step_down(p, 30), 20);
        assert_eq!(step_down(p, 20), 20);
        assert_eq!(step_down(p, 35), 30);
        for q in [0, 1, 19, 20, 21, 29, 30, 995, 1_000] {
            assert!(check_quantity(p, round_up_quantity(p, q)).is_ok(), "{q}");
            assert!(check_quantity(p, step_up(p, q)).is_ok(), "up {q}");
            assert!(check_quantity(p, step_down(p, q)).is_ok(), "down {q}");
        }
        assert_eq!(
            check_quantity(p, MAX_QUANTITY + 10),
            Err(FieldError::TooMany { max: MAX_QUANTITY })
        );
        assert!(check_quantity(p, step_up(p, u32::MAX)).is_ok());
        assert_eq!(step_up(p, MAX_QUANTITY), round_up_quantity(p, MAX_QUANTITY));
    }

    #[test]
    fn every_message_exists_in_both_languages() {
        let errors = [
            FieldError::Required,
            FieldError::TooLong { max: 5 },
            FieldError::Phone,
            FieldError::Email,
            FieldError::Npwp,
            FieldError::Date,
            FieldError::DatePast,
            FieldError::TooSoon {
                product: "X".into(),
                earliest: today(),
            },
            FieldError::NoLines,
            FieldError::TooManyLines { max: 100 },
            FieldError::UnknownProduct { slug: "x".into() },
            FieldError::DuplicateProduct { name: "X".into() },
            FieldError::BelowMinimum {
                minimum: 2,
                unit: "kg".into(),
            },
            FieldError::OffIncrement {
                minimum: 2,
                increment: 2,
                unit: "kg".into(),
            },
            FieldError::TooMany { max: 9 },
            FieldError::TotalTooLarge { max: Rupiah(9) },
            FieldError::Choice,
            FieldError::UnitPrice,
            FieldError::Amount { max: Rupiah(9) },
            FieldError::AfterOffersClose {
                offers_until: today(),
            },
            FieldError::NotReadyInTime {
                ready: today(),
                needed_by: today(),
            },
            FieldError::MoreThanNeeded {
                max: 5,
                unit: "kg".into(),
            },
            FieldError::NotOwnProduct { slug: "x".into() },
        ];
        for e in errors {
            let (id, en) = (e.message(Locale::Id), e.message(Locale::En));
            assert!(!id.is_empty() && !en.is_empty());
            assert_ne!(id, en, "{e:?} is not translated");
        }
    }

    #[test]
    fn request_codes() {
        assert_eq!(request_code(2026, 123), "ETL-2026-000123");
    }
}
