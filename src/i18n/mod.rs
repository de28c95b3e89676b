//! Every UI string, in one place per language. Bahasa Indonesia first, English second; the
//! choice is remembered in the browser.

use etalase_core::catalog::{Availability, Product};
use etalase_core::search::{Certificate, Sort};
use etalase_core::{Category, Kabupaten, Locale, Rupiah};
use leptos::prelude::*;

mod en;
mod id;

pub struct Texts {
    pub locale: Locale,
    pub site_name: &'static str,
    pub tagline: &'static str,
    pub skip_to_content: &'static str,
    pub search_placeholder: &'static str,
    pub search_label: &'static str,
    pub search_button: &'static str,
    pub nav_home: &'static str,
    pub nav_search: &'static str,
    pub main_nav: &'static str,
    pub language_switch: &'static str,
    pub language_switch_label: &'static str,
    pub loading: &'static str,
    pub load_failed_title: &'static str,
    pub load_failed_offline: &'static str,
    pub load_failed_server: &'static str,
    pub retry: &'static str,
    pub categories: &'static str,
    pub featured: &'static str,
    pub newest: &'static str,
    pub by_kabupaten: &'static str,
    pub ikm_spotlight: &'static str,
    pub visit_ikm: &'static str,
    pub ikm_count: &'static str,
    pub product_count: &'static str,
    pub see_all: &'static str,
    pub min_order: &'static str,
    pub increment: &'static str,
    pub per: &'static str,
    pub tier_prices: &'static str,
    pub tier_qty: &'static str,
    pub tier_price: &'static str,
    pub lead_time: &'static str,
    pub made_to_order: &'static str,
    pub ready_stock: &'static str,
    pub ship_within: &'static str,
    pub days: &'static str,
    pub description: &'static str,
    pub made_by: &'static str,
    pub related: &'static str,
    pub certificates: &'static str,
    pub sample_ids: &'static str,
    pub pkp: &'static str,
    pub story: &'static str,
    pub products_of: &'static str,
    pub contact_wa: &'static str,
    pub wa_greeting: &'static str,
    pub results_for: &'static str,
    pub all_products: &'static str,
    pub result_count: &'static str,
    pub no_results: &'static str,
    pub no_results_hint: &'static str,
    pub clear_filters: &'static str,
    pub filters: &'static str,
    pub filter_category: &'static str,
    pub filter_kabupaten: &'static str,
    pub filter_price_min: &'static str,
    pub filter_price_max: &'static str,
    pub filter_certificate: &'static str,
    pub filter_availability: &'static str,
    pub any: &'static str,
    pub sort_label: &'static str,
    pub show_more: &'static str,
    pub remove_filter: &'static str,
    pub picture_of: &'static str,
    pub listed_on: &'static str,
    pub not_found_title: &'static str,
    pub not_found_body: &'static str,
    pub back_home: &'static str,
    pub from_price: &'static str,
    pub footer: &'static str,
    /// The footer link to the staff app (IKM desk and Disperindag admin).
    pub staff_link: &'static str,
    pub order_list: &'static str,
    pub nav_orders: &'static str,
    pub add_to_list: &'static str,
    pub update_in_list: &'static str,
    pub added_to_list: &'static str,
    pub see_list: &'static str,
    pub quantity: &'static str,
    pub decrease: &'static str,
    pub increase: &'static str,
    pub remove: &'static str,
    pub subtotal: &'static str,
    pub total: &'static str,
    pub you_save: &'static str,
    pub list_empty: &'static str,
    pub list_empty_hint: &'static str,
    pub list_kept: &'static str,
    pub from_ikm: &'static str,
    pub submit_request: &'static str,
    pub request_form: &'static str,
    pub f_company: &'static str,
    pub f_buyer_type: &'static str,
    pub f_npwp: &'static str,
    pub f_contact: &'static str,
    pub f_phone: &'static str,
    pub f_email: &'static str,
    pub f_address: &'static str,
    pub f_kabupaten: &'static str,
    pub f_needed_by: &'static str,
    pub f_purpose: &'static str,
    pub f_notes: &'static str,
    pub f_line_note: &'static str,
    pub choose: &'static str,
    pub sending: &'static str,
    pub fix_fields: &'static str,
    pub offline_retry: &'static str,
    pub server_problem: &'static str,
    pub prices_changed: &'static str,
    pub confirm_new_prices: &'static str,
    pub sent_title: &'static str,
    pub request_code: &'static str,
    pub keep_link: &'static str,
    pub copy_link: &'static str,
    pub copied: &'static str,
    pub share_link: &'static str,
    pub open_tracking: &'static str,
    pub notify_ikm: &'static str,
    pub new_request: &'static str,
    pub tracking_title: &'static str,
    pub status_label: &'static str,
    pub timeline: &'static str,
    pub cancel_part: &'static str,
    pub cancel_confirm: &'static str,
    pub courier: &'static str,
    pub receipt: &'static str,
    pub declined_because: &'static str,
    pub confirmed_lead_time: &'static str,
    pub tracking_not_found: &'static str,
    pub was_price: &'static str,
    pub share_tracking_text: &'static str,
    pub invoice: &'static str,
    pub invoice_proforma: &'static str,
    pub proforma_note: &'static str,
    pub invoice_void: &'static str,
    pub refresh_status: &'static str,
    pub price_plus_ppn: &'static str,
    pub verified_badge: &'static str,
    pub verified_about: &'static str,
    pub close: &'static str,
    pub order_via_wa: &'static str,
    pub ordering_by_wa: &'static str,
    pub view_invoice: &'static str,
    pub invoice_number: &'static str,
    pub invoice_date: &'static str,
    pub seller: &'static str,
    pub buyer: &'static str,
    pub not_pkp: &'static str,
    pub item: &'static str,
    pub unit_price: &'static str,
    pub amount: &'static str,
    pub dpp: &'static str,
    pub ppn: &'static str,
    pub ppn_collected_by: &'static str,
    pub due_to_seller: &'static str,
    pub no_ppn: &'static str,
    pub prices_before_ppn: &'static str,
    pub print: &'static str,
    pub back_to_tracking: &'static str,
    pub phone_label: &'static str,
}

impl Texts {
    pub fn rupiah(&self, amount: Rupiah) -> String {
        self.locale.rupiah(amount)
    }

    pub fn date(&self, iso: &str) -> String {
        self.locale.date(iso)
    }

    pub fn category(&self, c: Category) -> &'static str {
        c.name_in(self.locale)
    }

    pub fn kabupaten(&self, k: Kabupaten) -> String {
        k.name_in(self.locale)
    }

    pub fn sort(&self, sort: Sort) -> &'static str {
        sort.label(self.locale)
    }

    pub fn availability(&self, a: Availability) -> &'static str {
        match a {
            Availability::ReadyStock => self.ready_stock,
            Availability::MadeToOrder => self.made_to_order,
        }
    }

    /// What a certificate tells a buyer (core's words, shared with the server's HTML).
    pub fn certificate_about(&self, c: Certificate) -> &'static str {
        c.about(self.locale)
    }

    /// "Dibuat sesuai pesanan, ±60 hari" / "Stok tersedia, siap kirim dalam 3 hari".
    pub fn lead_time_text(&self, product: &Product) -> String {
        product.lead_time_text(self.locale)
    }

    /// "Minimal pesan 10 pak 250 g, kelipatan 5".
    pub fn order_rule(&self, product: &Product) -> String {
        product.order_rule(self.locale)
    }

    pub fn status(&self, status: etalase_core::order::OrderStatus) -> &'static str {
        use etalase_core::order::OrderStatus::*;
        match (self.locale, status) {
            (Locale::Id, Baru) => "Baru",
            (Locale::Id, Dikonfirmasi) => "Dikonfirmasi",
            (Locale::Id, Ditolak) => "Ditolak",
            (Locale::Id, Diproses) => "Diproses",
            (Locale::Id, Dikirim) => "Dikirim",
            (Locale::Id, Selesai) => "Selesai",
            (Locale::Id, Dibatalkan) => "Dibatalkan",
            (Locale::Id, Kedaluwarsa) => "Kedaluwarsa",
            (Locale::En, Baru) => "New",
            (Locale::En, Dikonfirmasi) => "Confirmed",
            (Locale::En, Ditolak) => "Declined",
            (Locale::En, Diproses) => "In production",
            (Locale::En, Dikirim) => "Shipped",
            (Locale::En, Selesai) => "Completed",
            (Locale::En, Dibatalkan) => "Cancelled",
            (Locale::En, Kedaluwarsa) => "Expired",
        }
    }

    /// "PPN dipungut oleh pemungut (BUMN)": who withholds the VAT on this invoice.
    pub fn ppn_collected(&self, buyer: etalase_core::request::BuyerType) -> String {
        use etalase_core::request::BuyerType;
        let who = match (self.locale, buyer) {
            (Locale::Id, BuyerType::Instansi) => "instansi pemerintah",
            (Locale::En, BuyerType::Instansi) => "government office",
            _ => "BUMN",
        };
        format!("{} ({who})", self.ppn_collected_by)
    }

    pub fn count(&self, n: usize) -> String {
        format!("{n} {}", self.result_count)
    }
}

pub fn texts_for(locale: Locale) -> &'static Texts {
    match locale {
        Locale::Id => &id::TEXTS,
        Locale::En => &en::TEXTS,
    }
}

/// The language in use: a signal in context, remembered in localStorage.
#[derive(Clone, Copy)]
pub struct Language(pub RwSignal<Locale>);

const STORAGE_KEY: &str = "etalase.bahasa";

/// The remembered language, or Bahasa Indonesia.
pub fn remembered_locale() -> Locale {
    #[cfg(target_arch = "wasm32")]
    {
        let stored = web_sys::window()
            .and_then(|w| w.local_storage().ok().flatten())
            .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten());
        if let Some(locale) = stored.as_deref().and_then(Locale::from_tag) {
            return locale;
        }
    }
    Locale::Id
}

/// Switches language, remembers it, and tells the document.
pub fn set_locale(locale: Locale) {
    if let Some(Language(signal)) = use_context::<Language>() {
        signal.set(locale);
    }
    #[cfg(target_arch = "wasm32")]
    {
        if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
            // A full or disabled storage only loses the memory of the choice.
            let _ = storage.set_item(STORAGE_KEY, locale.tag());
        }
        if let Some(html) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = html.set_attribute("lang", locale.tag());
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = STORAGE_KEY;
}

/// The strings of the current language. The app re-renders when the language changes, so
/// reading it untracked is enough.
pub fn t() -> &'static Texts {
    let locale = use_context::<Language>()
        .map(|Language(s)| s.get_untracked())
        .unwrap_or_default();
    texts_for(locale)
}
