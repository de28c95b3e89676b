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
    pub needs_signal_title: &'static str,
    pub load_failed_server: &'static str,
    pub retry: &'static str,
    pub categories: &'static str,
    pub featured: &'static str,
    pub newest: &'static str,
    pub by_kabupaten: &'static str,
    pub ikm_spotlight: &'static str,
    pub visit_ikm: &'static str,
    pub ikm_count: &'static str,
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
    pub waiting_for_signal: &'static str,
    pub waiting_explained: &'static str,
    pub will_be_sent: &'static str,
    pub send_now: &'static str,
    pub outbox_waiting_banner: &'static str,
    pub outbox_sent_banner: &'static str,
    pub see_request: &'static str,
    pub outbox_busy: &'static str,
    pub outbox_not_yet: &'static str,
    pub outbox_unreadable_lead: &'static str,
    pub outbox_unreadable_rest: &'static str,
    pub outbox_expired_lead: &'static str,
    pub outbox_expired_rest: &'static str,
    pub outbox_withdrawn: &'static str,
    pub outbox_withdrawn_tried: &'static str,
    pub outbox_key_reused: &'static str,
    pub outbox_unreadable_request: &'static str,
    pub withdraw_request: &'static str,
    pub withdraw_explained: &'static str,
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
    // Partner needs: the board, the form, a need's page, the partner's own page.
    /// The board's title and heading.
    pub needs_title: &'static str,
    pub needs_intro: &'static str,
    /// The footer's link to the needs board.
    pub nav_needs: &'static str,
    pub home_needs_band: &'static str,
    pub need_post: &'static str,
    pub needs_see_board: &'static str,
    /// The home band's link to the board, next to its button.
    pub needs_board_short: &'static str,
    /// Before the days left on a board card: `Penawaran 14 hari lagi`.
    pub need_offers_short: &'static str,
    pub needs_back: &'static str,
    pub need_anywhere: &'static str,
    pub needs_none: &'static str,
    pub needs_none_hint: &'static str,
    pub needs_none_filtered: &'static str,
    pub need_deliver_to: &'static str,
    pub need_budget: &'static str,
    pub need_offers_until: &'static str,
    /// `dibutuhkan 20 Januari 2027` on a board card.
    pub need_needed: &'static str,
    /// An offer's note, in the comparison.
    pub need_note: &'static str,
    pub need_more_than_needed: &'static str,
    pub need_asked_by: &'static str,
    pub need_offers: &'static str,
    pub need_code: &'static str,
    pub need_not_found_title: &'static str,
    pub need_not_found_body: &'static str,
    pub need_share_text: &'static str,
    pub need_not_taking_offers: &'static str,
    pub need_ikm_offer_title: &'static str,
    /// The call to IKM on a static copy (no desk there).
    pub need_ikm_offer_title_static: &'static str,
    pub need_ikm_offer_body: &'static str,
    pub need_ikm_offer_button: &'static str,
    pub need_ikm_offer_wa_body: &'static str,
    pub need_ikm_offer_wa_button: &'static str,
    pub need_ikm_offer_static: &'static str,
    pub need_post_online_only: &'static str,
    pub need_post_online: &'static str,
    pub need_form_intro: &'static str,
    pub need_what: &'static str,
    pub need_when: &'static str,
    pub need_who: &'static str,
    pub need_f_title: &'static str,
    pub need_f_title_hint: &'static str,
    pub need_f_description: &'static str,
    pub need_f_description_hint: &'static str,
    pub need_f_unit: &'static str,
    pub need_f_unit_hint: &'static str,
    pub need_f_budget: &'static str,
    pub need_f_budget_hint: &'static str,
    pub need_budget_per_unit: &'static str,
    pub need_budget_total: &'static str,
    pub need_unit_word: &'static str,
    pub need_for: &'static str,
    pub need_f_offer_days: &'static str,
    pub need_f_offer_days_hint: &'static str,
    pub need_earliest: &'static str,
    pub need_f_show_company: &'static str,
    pub need_contact_private: &'static str,
    pub need_review_note: &'static str,
    pub need_send: &'static str,
    pub need_sent_title: &'static str,
    pub need_sent_review: &'static str,
    pub need_keep_link_title: &'static str,
    pub need_keep_link: &'static str,
    pub need_share_private_text: &'static str,
    pub need_open_manage: &'static str,
    pub need_post_another: &'static str,
    pub need_manage_title: &'static str,
    pub need_manage_online_only: &'static str,
    pub need_manage_not_found: &'static str,
    pub need_keep_this_page: &'static str,
    pub need_public_page: &'static str,
    pub need_note_review: &'static str,
    pub need_note_open: &'static str,
    pub need_note_decide_any_time: &'static str,
    pub need_note_offers_closed: &'static str,
    pub need_note_declined: &'static str,
    pub need_note_closed: &'static str,
    pub need_what_you_asked: &'static str,
    pub need_contact: &'static str,
    pub need_company_on_board: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub need_orders_title: &'static str,
    pub need_orders_body: &'static str,
    pub need_accepted: &'static str,
    pub need_offer_ikm: &'static str,
    pub verified_short: &'static str,
    pub need_choose_offer: &'static str,
    pub need_lowest: &'static str,
    pub need_quickest: &'static str,
    pub need_of: &'static str,
    pub need_ready_by: &'static str,
    pub need_linked_products: &'static str,
    pub need_ask: &'static str,
    pub need_ask_wa: &'static str,
    pub need_sort_price: &'static str,
    pub need_sort_total: &'static str,
    pub need_sort_lead: &'static str,
    pub need_compare_hint: &'static str,
    /// The name of the scrollable comparison, for screen readers.
    pub need_compare_label: &'static str,
    pub need_no_offers_yet: &'static str,
    pub need_no_offers: &'static str,
    pub need_choose_hint: &'static str,
    pub need_chosen: &'static str,
    pub need_accept_chosen: &'static str,
    pub need_accept_confirm: &'static str,
    pub need_accept_yes: &'static str,
    pub need_cancel: &'static str,
    pub need_close_without: &'static str,
    pub need_close_confirm_title: &'static str,
    pub need_close_confirm: &'static str,
    pub need_close_yes: &'static str,
    pub offline_try_again: &'static str,
    pub server_try_later: &'static str,
}

impl Texts {
    pub fn rupiah(&self, amount: Rupiah) -> String {
        self.locale.rupiah(amount)
    }

    pub fn date(&self, iso: &str) -> String {
        self.locale.date(iso)
    }

    /// Why a written-down request waits when something other than our server answered.
    pub fn outbox_unreadable(&self, status: Option<u16>) -> String {
        let status = status.map(|s| format!(" (HTTP {s})")).unwrap_or_default();
        let (lead, rest) = (self.outbox_unreadable_lead, self.outbox_unreadable_rest);
        format!("{lead}{status}. {rest}")
    }

    /// A written-down request that waited past the time it is sent by itself.
    pub fn outbox_expired(&self, queued_at: i64) -> String {
        let day = etalase_core::Date::from_days((queued_at + 7 * 3600).div_euclid(86_400));
        format!(
            "{} {} {}",
            self.outbox_expired_lead,
            self.date(&day.to_string()),
            self.outbox_expired_rest
        )
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

    /// Above the confirmations when more than one request was stored.
    pub fn several_stored(&self, n: usize) -> String {
        match self.locale {
            Locale::Id => format!(
                "{n} permintaan pesanan tersimpan, yang terbaru paling atas. Semuanya diterima \
                 IKM: bila salah satu tidak Anda maksudkan, batalkan dari halaman pelacakannya \
                 selama IKM belum mengonfirmasinya."
            ),
            Locale::En => format!(
                "{n} order requests were stored, newest first. The IKM receive each of them: \
                 if you did not mean one, cancel it from its tracking page while the IKM has \
                 not confirmed it."
            ),
        }
    }

    /// `14 produk` / `14 products` (`1 product`).
    pub fn products(&self, n: usize) -> String {
        match (self.locale, n) {
            (Locale::Id, _) => format!("{n} produk"),
            (Locale::En, 1) => "1 product".to_owned(),
            (Locale::En, _) => format!("{n} products"),
        }
    }

    /// `1.500` / `1,500`: a count with its thousands grouped as the language writes them.
    pub fn number(&self, n: u32) -> String {
        let digits = n.to_string();
        let sep = match self.locale {
            Locale::Id => '.',
            Locale::En => ',',
        };
        let mut out = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(sep);
            }
            out.push(ch);
        }
        out
    }

    /// `14 hari` / `14 days` (`1 day`).
    pub fn days_count(&self, n: u32) -> String {
        match (self.locale, n) {
            (Locale::En, 1) => "1 day".to_owned(),
            (Locale::En, n) => format!("{n} days"),
            (Locale::Id, n) => format!("{n} hari"),
        }
    }

    pub fn buyer_type(&self, b: etalase_core::request::BuyerType) -> &'static str {
        b.label(self.locale)
    }

    pub fn need_state(&self, s: etalase_core::need::NeedState) -> &'static str {
        s.label(self.locale)
    }

    pub fn offer_status(&self, s: etalase_core::need::OfferStatus) -> &'static str {
        s.label(self.locale)
    }

    /// `Rp 25.000 / pak`, `Rp 3.000.000 total` (core's words).
    pub fn budget(&self, b: etalase_core::need::Budget, unit: &str) -> String {
        b.label(unit, self.locale)
    }

    /// How long a need still takes offers, from the days until its last day (offers are
    /// taken through that day).
    pub fn offers_left(&self, days: i64) -> String {
        match (self.locale, days) {
            (Locale::Id, d) if d < 0 => "sudah ditutup".to_owned(),
            (Locale::Id, 0) => "hari terakhir".to_owned(),
            (Locale::Id, 1) => "ditutup besok".to_owned(),
            (Locale::Id, d) => format!("{d} hari lagi"),
            (Locale::En, d) if d < 0 => "closed".to_owned(),
            (Locale::En, 0) => "last day".to_owned(),
            (Locale::En, 1) => "closes tomorrow".to_owned(),
            (Locale::En, d) => format!("{d} days to go"),
        }
    }

    /// `Belum ada penawaran` / `3 penawaran` / `1 offer`.
    pub fn offer_count(&self, n: usize) -> String {
        match (self.locale, n) {
            (Locale::Id, 0) => "Belum ada penawaran".to_owned(),
            (Locale::Id, n) => format!("{n} penawaran"),
            (Locale::En, 0) => "No offers yet".to_owned(),
            (Locale::En, 1) => "1 offer".to_owned(),
            (Locale::En, n) => format!("{n} offers"),
        }
    }

    /// `Terima 2 penawaran?` / `Accept 1 offer?`
    pub fn accept_question(&self, n: usize) -> String {
        match (self.locale, n) {
            (Locale::Id, n) => format!("Terima {n} penawaran?"),
            (Locale::En, 1) => "Accept 1 offer?".to_owned(),
            (Locale::En, n) => format!("Accept {n} offers?"),
        }
    }

    /// `12 kebutuhan terbuka` / `1 open need`.
    pub fn open_needs_count(&self, n: usize) -> String {
        match (self.locale, n) {
            (Locale::Id, n) => format!("{n} kebutuhan terbuka"),
            (Locale::En, 1) => "1 open need".to_owned(),
            (Locale::En, n) => format!("{n} open needs"),
        }
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
