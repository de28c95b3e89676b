//! Components tested in a real browser (headless Chromium via wasm-bindgen-test).
#![cfg(target_arch = "wasm32")]

use etalase::api::FetchError;
use etalase::components::catalog_view::LoadError;
use etalase::components::product_card::ProductCard;
use etalase_core::catalog::{Availability, Ikm, LegalIds, PriceTier, Product};
use etalase_core::{Category, Kabupaten, Phone, Rupiah, Slug};
use leptos::prelude::*;
use leptos_router::components::Router;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn container() -> web_sys::HtmlElement {
    let el = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&el).unwrap();
    el.unchecked_into()
}

fn keripik() -> (Product, Ikm) {
    let ikm = Ikm {
        slug: Slug::parse("keripik-pisang-kenanga").unwrap(),
        name: "Keripik Pisang Kenanga".into(),
        kabupaten: Kabupaten::BandarLampung,
        story: "Usaha keluarga.".into(),
        whatsapp: Phone::parse("081200000001").unwrap(),
        legal: LegalIds::default(),
        pkp: false,
        verified: false,
        delivers_to: Vec::new(),
    };
    let product = Product {
        slug: Slug::parse("keripik-pisang-coklat-250-g").unwrap(),
        ikm: ikm.slug.clone(),
        name: "Keripik Pisang Coklat 250 g".into(),
        category: Category::MakananMinuman,
        description: "Renyah.".into(),
        unit: "pak 250 g".into(),
        price: Rupiah(15_000),
        min_order: 20,
        order_increment: 10,
        tiers: vec![PriceTier {
            min_qty: 100,
            price: Rupiah(12_000),
        }],
        lead_time_days: 5,
        availability: Availability::ReadyStock,
        images: vec![],
        listed_on: "2026-03-01".into(),
        featured: false,
    };
    (product, ikm)
}

#[wasm_bindgen_test]
fn product_card_shows_name_lowest_price_and_maker() {
    let root = container();
    let (product, ikm) = keripik();
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        view! { <Router><ProductCard product ikm=Some(ikm) /></Router> }
    });

    let text = root.text_content().unwrap_or_default();
    assert!(text.contains("Keripik Pisang Coklat 250 g"), "{text}");
    assert!(text.contains("mulai Rp 12.000"), "{text}");
    assert!(text.contains("/ pak 250 g"), "{text}");
    assert!(
        text.contains("Keripik Pisang Kenanga · Bandar Lampung"),
        "{text}"
    );

    let link = root.query_selector("a").unwrap().expect("a link");
    assert_eq!(
        link.get_attribute("href").as_deref(),
        Some("/produk/keripik-pisang-coklat-250-g")
    );
    let img = root.query_selector("img").unwrap().expect("a picture");
    assert_eq!(img.get_attribute("width").as_deref(), Some("600"));
    assert_eq!(img.get_attribute("height").as_deref(), Some("600"));
    assert_eq!(img.get_attribute("loading").as_deref(), Some("lazy"));
    assert_eq!(
        img.get_attribute("alt").as_deref(),
        Some("Keripik Pisang Coklat 250 g")
    );
}

#[wasm_bindgen_test]
fn load_error_explains_and_retries() {
    let root = container();
    let retries = Arc::new(AtomicUsize::new(0));
    let counter = retries.clone();
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        let counter = counter.clone();
        view! {
            <LoadError
                error=FetchError::Network("offline".into())
                on_retry=move || {
                    counter.fetch_add(1, Ordering::SeqCst);
                }
            />
        }
    });

    let text = root.text_content().unwrap_or_default();
    assert!(text.contains("Tidak ada koneksi"), "{text}");
    let button: web_sys::HtmlElement = root
        .query_selector("button")
        .unwrap()
        .expect("a retry button")
        .unchecked_into();
    assert_eq!(button.text_content().as_deref(), Some("Coba lagi"));
    button.click();
    button.click();
    assert_eq!(retries.load(Ordering::SeqCst), 2);
}
