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

/// A request written down for a signal is read back as far as it still reads: storage is the
/// user's to change, and an older build may have written another shape.
#[wasm_bindgen_test]
fn a_waiting_request_that_reads_only_in_part_is_still_sent_the_safe_way() {
    use etalase::outbox::read_pending;
    let body = r#"{"lines":[{"product":"keripik-pisang-coklat-250-g","quantity":20,"note":""}],
        "company":"PT Bukit Asam","contact_person":"Rina","phone":"081270001234",
        "email":"","address":"Jl. Sudirman 1","needed_by":"2027-01-30"}"#;
    let whole = format!(
        r#"{{"key":"etl-0123456789abcdef0123456789abcdef","body":{body},"language":"en",
            "queued_at":1790000000,"tried":false}}"#
    );
    let read = read_pending(&whole).expect("a sound request reads");
    assert_eq!(read.key, "etl-0123456789abcdef0123456789abcdef");
    assert_eq!(
        (read.language.as_str(), read.queued_at, read.tried),
        ("en", 1_790_000_000, false)
    );
    assert_eq!(read.body.lines.len(), 1);

    // "tried" in another shape: the body and key are kept; a send is taken to have started.
    let odd = whole.replace(r#""tried":false"#, r#""tried":"yes""#);
    let read_odd = read_pending(&odd).expect("the body still reads");
    assert_eq!(read_odd.key, read.key);
    assert_eq!(read_odd.body, read.body);
    assert_eq!(read_odd.queued_at, 1_790_000_000);
    assert!(read_odd.tried);
    // Of unknown age it may be older than the server's memory of its key: not sent.
    assert!(read_pending(&odd.replace("1790000000", r#""kemarin""#)).is_none());

    // No key that reads: one derived from the stored text, the same in every tab.
    let keyless = whole.replace(
        r#""key":"etl-0123456789abcdef0123456789abcdef""#,
        r#""key":7"#,
    );
    let first = read_pending(&keyless).expect("the body still reads");
    assert!(
        etalase_core::api::is_idempotency_key(&first.key),
        "{}",
        first.key
    );
    assert_eq!(
        first.key,
        read_pending(&keyless).map(|p| p.key).unwrap_or_default()
    );

    // Nothing to send: the body is gone, or it is not a request at all.
    assert!(read_pending(&whole.replace(r#""lines":["#, r#""lines":"x","old":[""#)).is_none());
    assert!(read_pending("[1,2,3]").is_none());
    // Nesting deep enough to walk the stack out is refused, not a crash.
    let deep = format!(
        r#"{{"key":{}1{},"body":{body}}}"#,
        "[".repeat(5000),
        "]".repeat(5000)
    );
    assert!(read_pending(&deep).is_none());
    assert!(etalase::json::parse::<Vec<u32>>(&deep).is_err());
    // A list keeps each element that reads.
    assert_eq!(
        etalase::json::parse_each::<u32>(r#"[1, "x", {"a": 2}, 3]"#),
        Some(vec![1, 3])
    );
    assert_eq!(etalase::json::parse_each::<u32>(r#"{"a": 1}"#), None);
    assert!(read_pending("not json").is_none());
}
