//! Every UI string, in one place per language. Bahasa Indonesia is the storefront's language.

use etalase_core::catalog::{Availability, Product};

pub struct Texts {
    pub site_name: &'static str,
    pub tagline: &'static str,
    pub search_placeholder: &'static str,
    pub search_label: &'static str,
    pub search_button: &'static str,
    pub nav_home: &'static str,
    pub nav_search: &'static str,
    pub main_nav: &'static str,
    pub loading: &'static str,
    pub load_failed_title: &'static str,
    pub load_failed_offline: &'static str,
    pub load_failed_server: &'static str,
    pub retry: &'static str,
    pub categories: &'static str,
    pub featured: &'static str,
    pub by_kabupaten: &'static str,
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
    pub ready_stock: &'static str,
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
    pub not_found_title: &'static str,
    pub not_found_body: &'static str,
    pub back_home: &'static str,
    pub from_price: &'static str,
    pub footer: &'static str,
}

pub const ID: Texts = Texts {
    site_name: "Etalase IKM Lampung",
    tagline: "Produk industri kecil dan menengah Lampung untuk BUMN, perusahaan dan Anda.",
    search_placeholder: "Cari tapis, kopi, keripik…",
    search_label: "Cari produk",
    search_button: "Cari",
    nav_home: "Beranda",
    nav_search: "Cari",
    main_nav: "Navigasi utama",
    loading: "Memuat…",
    load_failed_title: "Katalog belum bisa dimuat",
    load_failed_offline: "Tidak ada koneksi ke server. Periksa sinyal atau data internet Anda.",
    load_failed_server: "Server sedang bermasalah. Coba lagi sebentar lagi.",
    retry: "Coba lagi",
    categories: "Kategori",
    featured: "Produk pilihan",
    by_kabupaten: "Jelajahi per kabupaten/kota",
    ikm_count: "IKM",
    product_count: "produk",
    see_all: "Lihat semua",
    min_order: "Minimal pesan",
    increment: "kelipatan",
    per: "per",
    tier_prices: "Harga grosir",
    tier_qty: "Jumlah",
    tier_price: "Harga satuan",
    lead_time: "Waktu pengerjaan",
    ready_stock: "Stok tersedia",
    description: "Deskripsi",
    made_by: "Dibuat oleh",
    related: "Produk serupa",
    certificates: "Legalitas & sertifikat",
    sample_ids: "Nomor contoh, bukan nomor asli",
    pkp: "PKP (faktur pajak)",
    story: "Cerita kami",
    products_of: "Produk dari",
    contact_wa: "Hubungi lewat WhatsApp",
    wa_greeting: "Halo, saya melihat produk Anda di Etalase IKM Lampung dan ingin bertanya.",
    results_for: "Hasil untuk",
    all_products: "Semua produk",
    no_results: "Tidak ada produk yang cocok",
    no_results_hint:
        "Coba kata lain yang lebih umum, misalnya \"kopi\", \"tapis\" atau \"keripik\".",
    not_found_title: "Halaman tidak ditemukan",
    not_found_body: "Alamat ini tidak ada atau produknya sudah tidak dijual.",
    back_home: "Kembali ke beranda",
    from_price: "mulai",
    footer: "Program Disperindag Provinsi Lampung. Data legalitas IKM di situs ini adalah contoh.",
};

/// The strings of the current language.
pub fn t() -> &'static Texts {
    &ID
}

/// "Dibuat sesuai pesanan, ±60 hari" or "Stok tersedia, dikirim dalam 3 hari".
pub fn lead_time(product: &Product) -> String {
    match product.availability {
        Availability::MadeToOrder => {
            format!("Dibuat sesuai pesanan, ±{} hari", product.lead_time_days)
        }
        Availability::ReadyStock if product.lead_time_days == 0 => "Stok tersedia".to_owned(),
        Availability::ReadyStock => format!(
            "Stok tersedia, siap kirim dalam {} hari",
            product.lead_time_days
        ),
    }
}

/// "Minimal pesan 10 pak 250 g, kelipatan 5".
pub fn order_rule(product: &Product) -> String {
    let texts = t();
    if product.order_increment > 1 {
        format!(
            "{} {} {}, {} {}",
            texts.min_order,
            product.min_order,
            product.unit,
            texts.increment,
            product.order_increment
        )
    } else {
        format!("{} {} {}", texts.min_order, product.min_order, product.unit)
    }
}
