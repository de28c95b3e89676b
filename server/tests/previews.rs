//! Links shared in WhatsApp, Facebook, Telegram and X: the HTML the server sends carries each
//! page's tags and content for crawlers that run no JavaScript, share images are real
//! 1200×630 JPEGs, unknown pages are real 404s, and no product name can break the page.

mod common;

use common::{config_in, seed_path, spawn_with, TestApp};

const SHELL: &str = "<!doctype html><html lang=\"id\"><head><meta charset=\"utf-8\" />\
<meta name=\"description\" content=\"Etalase shell\" /><title>Etalase IKM Lampung</title>\
<script type=\"module\" src=\"/etalase-0123456789abcdef.js\"></script></head>\
<body><noscript>JS</noscript></body></html>";

const CRAWLERS: [&str; 4] = [
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "WhatsApp/2.23.20.0",
    "TelegramBot (like TwitterBot)",
    "Twitterbot/1.0",
];

async fn app_with(seed: std::path::PathBuf) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("dist")).unwrap();
    std::fs::write(dir.path().join("dist/index.html"), SHELL).unwrap();
    let mut config = config_in(dir.path(), seed);
    config.public_url = Some("https://etalase.example".into());
    spawn_with(dir, config).await
}

async fn fetch(app: &TestApp, path: &str, agent: &str) -> reqwest::Response {
    app.client
        .get(format!("{}{path}", app.base))
        .header("User-Agent", agent)
        .send()
        .await
        .unwrap()
}

/// The catalog the server holds, as the app reads it.
async fn catalog_of(app: &TestApp) -> etalase_core::Catalog {
    app.client
        .get(format!("{}/api/v1/catalog", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// The `content` of `<meta property|name="key" content="…">`, unescaped enough to compare.
fn meta(html: &str, key: &str) -> Option<String> {
    let at = html
        .find(&format!("property=\"{key}\""))
        .or_else(|| html.find(&format!("name=\"{key}\"")))?;
    let rest = &html[at..];
    let start = rest.find("content=\"")? + "content=\"".len();
    let end = rest[start..].find('"')?;
    Some(rest[start..start + end].to_owned())
}

#[tokio::test]
async fn every_crawler_gets_every_tag_on_every_kind_of_page() {
    let app = app_with(seed_path()).await;
    let pages = [
        ("/", "website", "Etalase IKM Lampung"),
        (
            "/produk/kopi-robusta-bubuk-250-g",
            "product",
            "Kopi Robusta Bubuk 250 g",
        ),
        ("/ikm/kopi-gunung-betung", "profile", "Kopi Gunung Betung"),
        ("/kategori/kopi-rempah", "website", "Kopi &amp; Rempah"),
    ];
    for agent in CRAWLERS {
        for (path, og_type, name) in pages {
            let res = fetch(&app, path, agent).await;
            assert_eq!(res.status(), 200, "{path} for {agent}");
            let html = res.text().await.unwrap();
            let title = html
                .split("<title>")
                .nth(1)
                .and_then(|t| t.split("</title>").next())
                .unwrap();
            assert!(title.contains(name), "{path}: title {title}");
            assert_eq!(html.matches("<title>").count(), 1, "{path}: one title");
            let url = format!("https://etalase.example{path}");
            assert!(
                html.contains(&format!("<link rel=\"canonical\" href=\"{url}\"")),
                "{path}"
            );
            assert_eq!(
                meta(&html, "og:url").as_deref(),
                Some(url.as_str()),
                "{path}"
            );
            assert_eq!(meta(&html, "og:type").as_deref(), Some(og_type), "{path}");
            assert_eq!(
                meta(&html, "og:site_name").as_deref(),
                Some("Etalase IKM Lampung")
            );
            assert_eq!(meta(&html, "og:locale").as_deref(), Some("id_ID"));
            assert_eq!(meta(&html, "og:image:width").as_deref(), Some("1200"));
            assert_eq!(meta(&html, "og:image:height").as_deref(), Some("630"));
            assert_eq!(
                meta(&html, "twitter:card").as_deref(),
                Some("summary_large_image")
            );
            for key in [
                "description",
                "og:title",
                "og:description",
                "og:image:alt",
                "twitter:title",
                "twitter:description",
                "twitter:image",
                "twitter:image:alt",
            ] {
                let value = meta(&html, key).unwrap_or_default();
                assert!(!value.trim().is_empty(), "{path}: {key} for {agent}");
            }
            assert_ne!(meta(&html, "description").as_deref(), Some("Etalase shell"));
            // The share image answers a 1200×630 JPEG of at most 300 KB.
            let image = meta(&html, "og:image").unwrap();
            let image_path = image.strip_prefix("https://etalase.example").unwrap();
            assert_eq!(
                meta(&html, "twitter:image").as_deref(),
                Some(image.as_str())
            );
            let res = fetch(&app, image_path, agent).await;
            assert_eq!(res.status(), 200, "{image_path}");
            assert_eq!(res.headers()["content-type"], "image/jpeg");
            let bytes = res.bytes().await.unwrap();
            assert!(
                bytes.len() <= 300 * 1024,
                "{image_path}: {} bytes",
                bytes.len()
            );
            let decoded =
                image::load_from_memory_with_format(&bytes, image::ImageFormat::Jpeg).unwrap();
            assert_eq!(
                (decoded.width(), decoded.height()),
                (1200, 630),
                "{image_path}"
            );
            // The content is in the first HTML, without any script.
            assert!(html.contains("<div id=\"prerender\">"), "{path}");
            assert!(html.contains(name), "{path}: content");
        }
    }
}

#[tokio::test]
async fn structured_data_describes_products_and_businesses() {
    let app = app_with(seed_path()).await;
    let html = fetch(&app, "/produk/kopi-robusta-bubuk-250-g", CRAWLERS[0])
        .await
        .text()
        .await
        .unwrap();
    let ld = html
        .split("<script type=\"application/ld+json\">")
        .nth(1)
        .and_then(|s| s.split("</script>").next())
        .unwrap();
    let value: serde_json::Value = serde_json::from_str(ld).unwrap();
    assert_eq!(value["@type"], "Product");
    assert_eq!(value["offers"]["@type"], "Offer");
    assert_eq!(value["offers"]["priceCurrency"], "IDR");
    assert_eq!(value["offers"]["seller"]["name"], "Kopi Gunung Betung");
    let html = fetch(&app, "/ikm/kopi-gunung-betung", CRAWLERS[0])
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("\"@type\":\"LocalBusiness\""));
    assert!(html.contains("\"addressRegion\":\"Lampung\""));
}

#[tokio::test]
async fn unknown_slugs_are_real_404s_for_every_kind() {
    let app = app_with(seed_path()).await;
    for path in [
        "/produk/kopi-yang-tidak-ada",
        "/ikm/ikm-yang-tidak-ada",
        "/kategori/mobil",
        "/og/produk/kopi-yang-tidak-ada.jpg",
    ] {
        let res = fetch(&app, path, CRAWLERS[1]).await;
        assert_eq!(res.status(), 404, "{path}");
        if !path.starts_with("/og/") {
            let html = res.text().await.unwrap();
            assert!(html.contains("Halaman tidak ditemukan"), "{path}");
            assert!(html.contains("noindex"), "{path}");
            assert!(!html.contains("og:title"), "{path}");
        }
    }
}

#[tokio::test]
async fn a_name_with_quotes_and_brackets_is_escaped_in_every_tag() {
    let mut data: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(seed_path()).unwrap()).unwrap();
    let evil = r#"Kopi "Spesial" <script>alert('x')</script> & Lada"#;
    for p in data["products"].as_array_mut().unwrap() {
        if p["slug"] == "kopi-robusta-bubuk-250-g" {
            p["name"] = serde_json::json!(evil);
            p["description"] = serde_json::json!("Enak \"sekali\" <b>tebal</b> & harum");
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("catalog.json");
    std::fs::write(&seed, data.to_string()).unwrap();
    let app = app_with(seed).await;

    let html = fetch(&app, "/produk/kopi-robusta-bubuk-250-g", CRAWLERS[3])
        .await
        .text()
        .await
        .unwrap();

    let escaped =
        "Kopi &quot;Spesial&quot; &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Lada";
    for key in [
        "og:title",
        "twitter:title",
        "og:image:alt",
        "twitter:image:alt",
    ] {
        assert!(meta(&html, key).unwrap().contains(escaped), "{key}");
    }
    assert!(html.contains(&format!("<title>{escaped}")));
    assert!(!html.contains("<script>alert"), "no raw script anywhere");
    assert!(!html.contains("<b>tebal</b>"));
    assert!(html.contains("Enak &quot;sekali&quot; &lt;b&gt;tebal&lt;/b&gt; &amp; harum"));
    // Exactly the shell's one module script plus the JSON-LD: nothing injected.
    assert_eq!(html.matches("<script").count(), 2);
    // The share image is drawn for it too.
    let res = fetch(&app, "/og/produk/kopi-robusta-bubuk-250-g.jpg", CRAWLERS[3]).await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn sitemap_and_robots_guide_search_engines() {
    let app = app_with(seed_path()).await;
    let res = fetch(&app, "/sitemap.xml", "Googlebot/2.1").await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/xml"));
    let xml = res.text().await.unwrap();
    assert_eq!(xml.matches("<url>").count(), 1 + 4 + 40 + 182);
    assert!(xml.contains("<loc>https://etalase.example/ikm/kopi-gunung-betung</loc>"));
    let robots = fetch(&app, "/robots.txt", "Googlebot/2.1")
        .await
        .text()
        .await
        .unwrap();
    assert!(robots.contains("Sitemap: https://etalase.example/sitemap.xml"));
    assert!(robots.contains("Disallow: /pesanan/"));
    assert!(robots.contains("Disallow: /kebutuhan/*/kelola"));
}

#[tokio::test]
async fn a_search_link_opens_on_its_results_before_the_app_loads() {
    let app = app_with(seed_path()).await;
    let res = fetch(&app, "/cari?q=kopi&urut=harga-naik", "Mozilla/5.0").await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    // The same results as the core search the app runs, as many and in the same order.
    let catalog = catalog_of(&app).await;
    let index = etalase_core::search::SearchIndex::new(&catalog);
    let query = etalase_core::search::SearchQuery {
        text: "kopi".into(),
        sort: etalase_core::search::Sort::PriceAsc,
        ..Default::default()
    };
    let hits = etalase_core::search::run(&catalog, &index, &query);
    assert!(hits.len() > 1);
    assert!(
        html.contains(&format!("{} produk</p>", hits.len())),
        "{html}"
    );
    let cheapest = html
        .find(&format!(
            "href=\"/produk/{}\"",
            catalog.products[hits[0]].slug
        ))
        .unwrap();
    let next = html
        .find(&format!(
            "href=\"/produk/{}\"",
            catalog.products[hits[1]].slug
        ))
        .unwrap();
    assert!(cheapest < next);
    assert!(html.contains("<title>Hasil untuk \u{201c}kopi\u{201d} · Etalase IKM Lampung</title>"));
    // Plus-encoded words and markup are text.
    let html = fetch(
        &app,
        "/cari?q=%3Cscript%3Ealert(1)%3C/script%3E+kopi",
        "Mozilla/5.0",
    )
    .await
    .text()
    .await
    .unwrap();
    assert!(!html.contains("<script>alert"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; kopi"));
    // Words that find nothing never become the title a shared link shows; search pages stay
    // out of search engines, their canonical address is /cari.
    assert!(
        html.contains("<title>Cari produk · Etalase IKM Lampung</title>"),
        "{html}"
    );
    assert!(html.contains("<meta name=\"robots\" content=\"noindex\" />"));
    assert!(html.contains("<link rel=\"canonical\" href=\"https://etalase.example/cari\" />"));
    // A query too long to be a search gets the bare shell, not an error.
    let long = format!("/cari?q={}", "a".repeat(1500));
    let res = fetch(&app, &long, "Mozilla/5.0").await;
    assert_eq!(res.status(), 200);
    assert!(!res.text().await.unwrap().contains("prerender"));
}

#[tokio::test]
async fn a_category_link_with_its_filters_opens_on_that_search() {
    let app = app_with(seed_path()).await;
    let plain = fetch(&app, "/kategori/kopi-rempah", "Mozilla/5.0")
        .await
        .text()
        .await
        .unwrap();
    let html = fetch(
        &app,
        "/kategori/kopi-rempah?q=lada&urut=harga-turun",
        "Mozilla/5.0",
    )
    .await
    .text()
    .await
    .unwrap();
    let catalog = catalog_of(&app).await;
    let index = etalase_core::search::SearchIndex::new(&catalog);
    let query = etalase_core::search::SearchQuery {
        text: "lada".into(),
        category: Some(etalase_core::Category::KopiRempah),
        sort: etalase_core::search::Sort::PriceDesc,
        ..Default::default()
    };
    let hits = etalase_core::search::run(&catalog, &index, &query);
    assert!(!hits.is_empty());
    let all = catalog
        .products_in(etalase_core::Category::KopiRempah)
        .count();
    assert!(hits.len() < all);
    assert!(
        html.contains(&format!("{} produk</p>", hits.len())),
        "{html}"
    );
    assert!(plain.contains(&format!("{all} produk</p>")));
    // In the chosen order: the dearest first.
    let at = |i: usize| {
        html.find(&format!(
            "href=\"/produk/{}\"",
            catalog.products[hits[i]].slug
        ))
    };
    assert!(at(0).is_some());
    if hits.len() > 1 {
        assert!(at(0) < at(1));
    }
    // The shared page's tags stay the category's.
    assert_eq!(meta(&html, "og:type").as_deref(), Some("website"));
    // An unknown category is still a 404, query or not.
    let res = fetch(
        &app,
        "/kategori/bukan-kategori?urut=harga-naik",
        "Mozilla/5.0",
    )
    .await;
    assert_eq!(res.status(), 404);
}

async fn order_list_with(app: &TestApp, cookie: Option<&str>) -> reqwest::Response {
    let mut req = app
        .client
        .get(format!("{}/daftar-pesanan", app.base))
        .header("User-Agent", "Mozilla/5.0");
    if let Some(cookie) = cookie {
        req = req.header("Cookie", format!("sesi=x; {cookie}"));
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn the_order_list_opens_on_the_buyers_own_list_before_the_app_loads() {
    use etalase_core::list_cookie;
    use etalase_core::request::{group_by_ikm, price_line};
    let app = app_with(seed_path()).await;
    let catalog = catalog_of(&app).await;
    // A product with volume prices, ordered at its best tier, and one from another IKM.
    let tiered = catalog
        .products
        .iter()
        .find(|p| !p.tiers.is_empty())
        .expect("the seed has tier prices");
    let tier_quantity = tiered.tiers.iter().map(|t| t.min_qty).max().unwrap();
    let other = catalog
        .products
        .iter()
        .find(|p| p.ikm != tiered.ikm)
        .unwrap();
    let value = list_cookie::encode([
        (tiered.slug.as_str(), tier_quantity, "warna merah; \"A\""),
        ("produk-yang-sudah-tidak-ada", 5, ""),
        (other.slug.as_str(), other.min_order, ""),
    ]);
    let res = order_list_with(&app, Some(&format!("{}={value}", list_cookie::NAME))).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "private, no-cache");
    assert!(res.headers()["vary"].to_str().unwrap().contains("cookie"));
    let html = res.text().await.unwrap();
    assert!(html.contains("<div id=\"prerender\">"), "{html}");
    assert!(html.contains("<title>Daftar Pesanan · Etalase IKM Lampung</title>"));
    assert!(html.contains("<meta name=\"robots\" content=\"noindex\" />"));
    // Priced by the same core rules as the app: tier price, saving, subtotals by IKM, total.
    let priced = vec![
        (
            tiered,
            price_line(tiered, tier_quantity, "warna merah; \"A\"").unwrap(),
        ),
        (other, price_line(other, other.min_order, "").unwrap()),
    ];
    let parts = group_by_ikm(&catalog, priced);
    assert_eq!(parts.len(), 2);
    let id = etalase_core::locale::Locale::Id;
    for part in &parts {
        assert!(html.contains(&format!("Subtotal {}", id.rupiah(part.subtotal))));
        for line in &part.lines {
            assert!(html.contains(&format!("href=\"/produk/{}\"", line.product)));
            assert!(html.contains(&format!(
                "{} \u{d7} {} = {}",
                line.quantity,
                id.rupiah(line.unit_price),
                id.rupiah(line.subtotal)
            )));
        }
    }
    assert!(parts[0].lines[0].saving.amount() > 0 || parts[1].lines[0].saving.amount() > 0);
    assert!(html.contains("Hemat "));
    let total = etalase_core::Rupiah::saturating_sum(parts.iter().map(|p| p.subtotal));
    assert!(html.contains(&format!(
        "<strong class=\"price\">{}</strong>",
        id.rupiah(total)
    )));
    // The note is text, and nothing can be typed until the app has taken over.
    assert!(html.contains("value=\"warna merah; &quot;A&quot;\" readonly"));
    assert!(!html.contains("produk-yang-sudah-tidak-ada"));
    // Each line names its product, so a tap before the app answers on that product's line.
    assert!(html.contains(&format!(
        "<li class=\"order-line\" data-product=\"{}\">",
        tiered.slug
    )));
    assert!(html.contains("href=\"/ajukan\""));

    // No cookie: an empty list, marked so the loader starts the app if this browser holds one.
    let html = order_list_with(&app, None).await.text().await.unwrap();
    assert!(html.contains("<div id=\"prerender\" data-list-unknown=\"\">"));
    assert!(html.contains("Daftar Pesanan masih kosong"));
    // Known empty: no mark.
    let html = order_list_with(&app, Some("etalase_daftar="))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("<div id=\"prerender\">"));
    assert!(html.contains("Daftar Pesanan masih kosong"));

    // Lines that cannot be drawn (a quantity too large to price, a retired product): the
    // rule's message, and the app starts at once to draw what the browser holds.
    let res = order_list_with(
        &app,
        Some(&format!(
            "etalase_daftar={}.4294967295~produk-lama.2",
            tiered.slug
        )),
    )
    .await;
    let html = res.text().await.unwrap();
    assert!(
        html.contains("<div id=\"prerender\" data-list-unknown=\"\">"),
        "{html}"
    );
    assert!(html.contains("class=\"notice-info\" role=\"alert\""));

    // Too long for a cookie, or a value no app wrote: the bare shell, the app draws the list.
    for value in ["?", "kopi.1~kopi.2", "<script>.1", &"a.1~".repeat(1500)] {
        let res = order_list_with(&app, Some(&format!("etalase_daftar={value}"))).await;
        assert_eq!(res.status(), 200, "{value}");
        assert_eq!(res.headers()["cache-control"], "private, no-cache");
        assert!(res.headers()["vary"].to_str().unwrap().contains("cookie"));
        let html = res.text().await.unwrap();
        assert!(!html.contains("prerender"), "{value}");
        assert!(!html.contains("<script>.1"));
    }
}
