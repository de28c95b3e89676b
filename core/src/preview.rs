//! What a link shows before any JavaScript runs: each shareable page's `<title>`, description,
//! canonical URL, Open Graph and Twitter tags, JSON-LD, and a light, script-free rendering of
//! its main content. The server puts these into the app's HTML on every request; the static
//! export writes the same HTML to files. Every text is escaped here, once.

use crate::catalog::{Availability, Catalog, Ikm, Image, Product, IMAGE_SIZES};
use crate::category::Category;
use crate::locale::Locale;
use crate::search::{self, Certificate, SearchIndex, SearchQuery, Sort};

pub const SITE_NAME: &str = "Etalase IKM Lampung";
pub const OG_WIDTH: u32 = 1200;
pub const OG_HEIGHT: u32 = 630;
/// How many products a list page shows before the app takes over.
const LIST_ITEMS: usize = 12;
/// The home page's line under its name, as the app writes it in Indonesian.
const HOME_TAGLINE: &str =
    "Produk industri kecil dan menengah Lampung untuk BUMN, perusahaan dan Anda.";
/// The home page's band that leads partners to post a need (the app's `home_needs_band`).
const HOME_NEEDS_BAND: &str =
    "Punya kebutuhan untuk perusahaan Anda? Pasang kebutuhan, IKM Lampung mengajukan penawaran.";
const HOME_DESCRIPTION: &str = "Tapis, batik Lampung, sulam usus, kriya, kopi robusta, lada, \
keripik pisang dan madu langsung dari industri kecil dan menengah Lampung, untuk BUMN, \
perusahaan dan instansi.";

/// A page that can be shared, resolved from its path.
#[derive(Clone, Copy, Debug)]
pub enum Page<'a> {
    Home,
    Product(&'a Product, Option<&'a Ikm>),
    Ikm(&'a Ikm),
    Category(Category),
}

/// What a path is: a shareable page, a page of one of those kinds whose slug is unknown
/// (a real 404), or some other app route (no preview).
#[derive(Clone, Copy, Debug)]
pub enum Resolved<'a> {
    Page(Page<'a>),
    Unknown,
    Other,
}

pub fn resolve<'a>(catalog: &'a Catalog, path: &str) -> Resolved<'a> {
    let path = path.trim_end_matches('/');
    if path.is_empty() {
        return Resolved::Page(Page::Home);
    }
    let found = |page: Option<Page<'a>>| page.map_or(Resolved::Unknown, Resolved::Page);
    if let Some(slug) = path.strip_prefix("/produk/") {
        found(
            catalog
                .product(slug)
                .map(|p| Page::Product(p, catalog.ikm(p.ikm.as_str()))),
        )
    } else if let Some(slug) = path.strip_prefix("/ikm/") {
        found(catalog.ikm(slug).map(Page::Ikm))
    } else if let Some(slug) = path.strip_prefix("/kategori/") {
        found(Category::from_slug(slug).map(Page::Category))
    } else {
        Resolved::Other
    }
}

/// `&`, `<`, `>`, `"` and `'` as entities: safe in text and in quoted attributes, of HTML
/// and of the SVG share images alike. Characters XML cannot hold at all (controls other than
/// tab and newlines, U+FFFE, U+FFFF) are dropped: one typed into a product's name must not
/// break its share image.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '\t' | '\n' | '\r' => out.push(ch),
            c if c.is_control() || c == '\u{fffe}' || c == '\u{ffff}' => {}
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

/// JSON for a `<script type="application/ld+json">`: no `<` can close the element.
fn json_in_script(value: &serde_json::Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// Cuts `text` to at most `max` characters at a word, with an ellipsis when cut.
pub fn excerpt(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        return text;
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    let at_word = cut.rfind(' ').map_or(cut.as_str(), |i| &cut[..i]);
    format!("{}…", at_word.trim_end_matches([',', '.', ';', ':']))
}

/// The head of a page: everything a crawler reads.
#[derive(Clone, Debug, PartialEq)]
pub struct Head {
    pub title: String,
    pub description: String,
    /// The page's path, `/produk/kopi-…`.
    pub path: String,
    pub og_type: &'static str,
    /// The share image's path, `/og/produk/kopi-….jpg`.
    pub image: String,
    pub image_alt: String,
    pub json_ld: Option<serde_json::Value>,
    /// Kept out of search engines (a search page: its words are the visitor's).
    pub noindex: bool,
}

/// "Rp 45.000 per bungkus" with a "mulai" when volume prices go lower.
pub fn price_line(product: &Product) -> String {
    let locale = Locale::Id;
    if product.tiers.is_empty() {
        format!("{} per {}", locale.rupiah(product.price), product.unit)
    } else {
        format!(
            "Mulai {} per {}",
            locale.rupiah(product.lowest_price()),
            product.unit
        )
    }
}

pub fn head(page: Page<'_>, catalog: &Catalog, origin: &str) -> Head {
    match page {
        Page::Home => Head {
            title: format!("{SITE_NAME} — produk IKM Lampung untuk BUMN dan perusahaan"),
            description: HOME_DESCRIPTION.to_owned(),
            path: "/".into(),
            og_type: "website",
            image: "/og/etalase.jpg".into(),
            image_alt: format!("{SITE_NAME}: produk unggulan IKM Lampung"),
            noindex: false,
            json_ld: Some(serde_json::json!({
                "@context": "https://schema.org",
                "@type": "WebSite",
                "name": SITE_NAME,
                "url": format!("{origin}/"),
                "potentialAction": {
                    "@type": "SearchAction",
                    "target": format!("{origin}/cari?q={{q}}"),
                    "query-input": "required name=q"
                }
            })),
        },
        Page::Product(p, ikm) => {
            let maker = ikm
                .map(|i| format!(" dari {}, {}", i.name, i.kabupaten.name_in(Locale::Id)))
                .unwrap_or_default();
            let description = excerpt(&format!("{}{maker}. {}", price_line(p), p.description), 160);
            let images: Vec<String> = p
                .images
                .iter()
                .map(|i| format!("{origin}{}", i.src))
                .collect();
            let availability = match p.availability {
                Availability::ReadyStock => "https://schema.org/InStock",
                Availability::MadeToOrder => "https://schema.org/PreOrder",
            };
            let mut offer = serde_json::json!({
                "@type": "Offer",
                "price": p.lowest_price().amount().to_string(),
                "priceCurrency": "IDR",
                "availability": availability,
                "url": format!("{origin}/produk/{}", p.slug),
                "eligibleQuantity": {
                    "@type": "QuantitativeValue",
                    "minValue": p.min_order,
                    "unitText": p.unit
                }
            });
            if let Some(i) = ikm {
                offer["seller"] = serde_json::json!({ "@type": "Organization", "name": i.name });
            }
            Head {
                title: format!("{} · {SITE_NAME}", p.name),
                description,
                path: format!("/produk/{}", p.slug),
                og_type: "product",
                image: format!("/og/produk/{}.jpg", p.slug),
                image_alt: format!("{} — {}", p.name, price_line(p)),
                noindex: false,
                json_ld: Some(serde_json::json!({
                    "@context": "https://schema.org",
                    "@type": "Product",
                    "name": p.name,
                    "description": p.description,
                    "sku": p.slug.as_str(),
                    "image": images,
                    "category": p.category.name_in(Locale::Id),
                    "brand": ikm.map(|i| serde_json::json!({ "@type": "Brand", "name": i.name })),
                    "offers": offer
                })),
            }
        }
        Page::Ikm(ikm) => {
            let count = catalog.products_of(ikm.slug.as_str()).count();
            Head {
                title: format!("{} · {SITE_NAME}", ikm.name),
                description: excerpt(
                    &format!(
                        "{} produk dari {}, {}. {}",
                        count,
                        ikm.name,
                        ikm.kabupaten.name_in(Locale::Id),
                        ikm.story
                    ),
                    160,
                ),
                path: format!("/ikm/{}", ikm.slug),
                og_type: "profile",
                image: format!("/og/ikm/{}.jpg", ikm.slug),
                image_alt: format!("{} — {}", ikm.name, ikm.kabupaten.name_in(Locale::Id)),
                noindex: false,
                json_ld: Some(serde_json::json!({
                    "@context": "https://schema.org",
                    "@type": "LocalBusiness",
                    "name": ikm.name,
                    "description": ikm.story,
                    "url": format!("{origin}/ikm/{}", ikm.slug),
                    "telephone": ikm.whatsapp.e164(),
                    "image": format!("{origin}/og/ikm/{}.jpg", ikm.slug),
                    "address": {
                        "@type": "PostalAddress",
                        "addressLocality": ikm.kabupaten.name_in(Locale::Id),
                        "addressRegion": "Lampung",
                        "addressCountry": "ID"
                    }
                })),
            }
        }
        Page::Category(c) => {
            let count = catalog.products_in(c).count();
            let name = c.name_in(Locale::Id);
            Head {
                title: format!("{name} · {SITE_NAME}"),
                description: format!(
                    "{count} produk {name} dari IKM Lampung: harga grosir, minimal pesan dan waktu pengerjaan jelas, pesan langsung ke pembuatnya."
                ),
                path: format!("/kategori/{}", c.slug()),
                og_type: "website",
                image: format!("/og/kategori/{}.jpg", c.slug()),
                image_alt: format!("{name} — {SITE_NAME}"),
                json_ld: None,
                noindex: false,
            }
        }
    }
}

/// The search page's head: kept out of search engines, its canonical address `/cari`. The
/// typed words become the title (and a shared link's preview) only when they find products —
/// every word must match one, so a sentence of one's own choosing cannot pose as our text.
pub fn search_head(query: &SearchQuery, found: bool) -> Head {
    let text = query.text.trim();
    let title = match (text.is_empty(), found) {
        (true, _) => format!("Semua produk · {SITE_NAME}"),
        (false, true) => format!("Hasil untuk \u{201c}{text}\u{201d} · {SITE_NAME}"),
        (false, false) => format!("Cari produk · {SITE_NAME}"),
    };
    Head {
        description: HOME_DESCRIPTION.to_owned(),
        path: "/cari".into(),
        og_type: "website",
        image: "/og/etalase.jpg".into(),
        image_alt: format!("{SITE_NAME}: produk unggulan IKM Lampung"),
        json_ld: None,
        noindex: true,
        title,
    }
}

/// The tags for `<head>`, every value escaped; `origin` makes URLs absolute.
pub fn head_html(head: &Head, origin: &str) -> String {
    let url = format!("{origin}{}", head.path);
    let image = format!("{origin}{}", head.image);
    let (title, description, alt) = (
        escape(&head.title),
        escape(&head.description),
        escape(&head.image_alt),
    );
    let (url, image) = (escape(&url), escape(&image));
    let mut html = format!(
        "<title>{title}</title>\n\
         <meta name=\"description\" content=\"{description}\" />\n\
         <link rel=\"canonical\" href=\"{url}\" />\n\
         <meta property=\"og:site_name\" content=\"{SITE_NAME}\" />\n\
         <meta property=\"og:locale\" content=\"id_ID\" />\n\
         <meta property=\"og:type\" content=\"{}\" />\n\
         <meta property=\"og:title\" content=\"{title}\" />\n\
         <meta property=\"og:description\" content=\"{description}\" />\n\
         <meta property=\"og:url\" content=\"{url}\" />\n\
         <meta property=\"og:image\" content=\"{image}\" />\n\
         <meta property=\"og:image:type\" content=\"image/jpeg\" />\n\
         <meta property=\"og:image:width\" content=\"{OG_WIDTH}\" />\n\
         <meta property=\"og:image:height\" content=\"{OG_HEIGHT}\" />\n\
         <meta property=\"og:image:alt\" content=\"{alt}\" />\n\
         <meta name=\"twitter:card\" content=\"summary_large_image\" />\n\
         <meta name=\"twitter:title\" content=\"{title}\" />\n\
         <meta name=\"twitter:description\" content=\"{description}\" />\n\
         <meta name=\"twitter:image\" content=\"{image}\" />\n\
         <meta name=\"twitter:image:alt\" content=\"{alt}\" />\n",
        head.og_type
    );
    if head.noindex {
        html.push_str("<meta name=\"robots\" content=\"noindex\" />\n");
    }
    if let Some(ld) = &head.json_ld {
        html.push_str(&format!(
            "<script type=\"application/ld+json\">{}</script>\n",
            json_in_script(ld)
        ));
    }
    html
}

/// The head of the not-found page: a title, and no indexing.
pub fn not_found_head_html() -> String {
    format!(
        "<title>Halaman tidak ditemukan · {SITE_NAME}</title>\n\
         <meta name=\"robots\" content=\"noindex\" />\n"
    )
}

/// ` srcset="…" sizes="…"` for a picture with several widths (an uploaded photo), else nothing.
fn responsive(image: &Image) -> String {
    let srcset = image.srcset();
    if srcset.is_empty() {
        String::new()
    } else {
        format!(
            " sizes=\"{}\" srcset=\"{}\"",
            escape(IMAGE_SIZES),
            escape(&srcset)
        )
    }
}

fn card(p: &Product, catalog: &Catalog, eager: bool) -> String {
    let image = p
        .images
        .first()
        .map(|i| (i.src.clone(), i.width, i.height, responsive(i)))
        .unwrap_or_else(|| {
            let src = format!("/img/kategori/{}.svg", p.category.slug());
            (src, 600, 600, String::new())
        });
    let maker = catalog
        .ikm(p.ikm.as_str())
        .map(|i| format!("{} · {}", i.name, i.kabupaten.short_name()))
        .unwrap_or_default();
    format!(
        "<article class=\"product-card\"><a href=\"/produk/{slug}\">\
         <img class=\"product-image\" loading=\"{loading}\" width=\"{w}\" height=\"{h}\" alt=\"{name}\"{responsive} src=\"{src}\" />\
         <h3 class=\"product-card-name\">{name}</h3></a>\
         <p class=\"product-card-price\"><span class=\"price\">{price}</span><span class=\"unit\"> / {unit}</span></p>\
         <p class=\"product-card-maker\">{maker}</p></article>",
        slug = p.slug,
        loading = if eager { "eager" } else { "lazy" },
        w = image.1,
        h = image.2,
        responsive = image.3,
        src = escape(&image.0),
        name = escape(&p.name),
        price = escape(&card_price(p)),
        unit = escape(&p.unit),
        maker = escape(&maker),
    )
}

/// The price as the app's product card writes it: "Rp 45.000", or "mulai Rp 38.000" when
/// volume prices go lower (the unit follows in its own span).
fn card_price(p: &Product) -> String {
    let locale = Locale::Id;
    if p.tiers.is_empty() {
        locale.rupiah(p.price)
    } else {
        format!("mulai {}", locale.rupiah(p.lowest_price()))
    }
}

fn grid<'a>(products: impl Iterator<Item = &'a Product>, catalog: &Catalog) -> String {
    grid_loading(products, catalog, 4)
}

/// A grid whose first `eager` pictures load at once (those in the first screen).
fn grid_loading<'a>(
    products: impl Iterator<Item = &'a Product>,
    catalog: &Catalog,
    eager: usize,
) -> String {
    let cards: Vec<String> = products
        .take(LIST_ITEMS)
        .enumerate()
        .map(|(i, p)| card(p, catalog, i < eager))
        .collect();
    format!("<div class=\"product-grid\">{}</div>", cards.join(""))
}

/// The home page as the app lays it out (`src/pages/home.rs`), from the same document
/// ([`crate::shelf::Home`]): a buyer who reads it first sees the same page when the app takes
/// over, not another one.
fn home_body(catalog: &Catalog) -> String {
    let home = crate::shelf::Home::of(catalog);
    let makers = home.catalog();
    let tiles: String = home
        .categories
        .iter()
        .map(|c| {
            format!(
                "<li><a href=\"/kategori/{slug}\" class=\"category-tile\">\
                 <img src=\"/img/kategori/{slug}.svg\" alt=\"\" width=\"72\" height=\"72\" />\
                 <span class=\"category-name\">{name}</span>\
                 <span class=\"category-count\">{n} produk</span></a></li>",
                slug = c.category.slug(),
                name = escape(c.category.name_id()),
                n = c.products,
            )
        })
        .collect();
    let most = home
        .kabupaten
        .iter()
        .map(|k| k.products)
        .max()
        .unwrap_or(1)
        .max(1);
    let places: String = home
        .kabupaten
        .iter()
        .map(|k| {
            format!(
                "<li><a href=\"/cari?wilayah={slug}\" class=\"kabupaten-tile\">\
                 <span class=\"kabupaten-name\">{name}</span>\
                 <span class=\"kabupaten-count\">{ikm} IKM · {products} produk</span>\
                 <span class=\"kabupaten-bar\" aria-hidden=\"true\"><span style=\"width: {width}%\"></span></span></a></li>",
                slug = k.kabupaten.slug(),
                name = escape(&k.kabupaten.name_in(Locale::Id)),
                ikm = k.ikm,
                products = k.products,
                width = 8 + k.products * 92 / most,
            )
        })
        .collect();
    let spotlight = home
        .spotlight
        .as_ref()
        .map(|s| {
            format!(
                "<section class=\"section spotlight\"><h2>IKM pilihan</h2>\
                 <div class=\"spotlight-card\"><h3>{name}</h3><p class=\"ikm-place\">{place}</p>\
                 <p>{story}</p><a href=\"/ikm/{slug}\" class=\"button button-secondary\">Kunjungi {name}</a></div>{grid}</section>",
                name = escape(&s.ikm.name),
                place = escape(&s.ikm.kabupaten.name_in(Locale::Id)),
                story = escape(&s.ikm.story),
                slug = s.ikm.slug,
                grid = grid_loading(s.products.iter(), &makers, 0),
            )
        })
        .unwrap_or_default();
    format!(
        "<section class=\"hero\"><h1>{SITE_NAME}</h1><p>{HOME_TAGLINE}</p></section>\
         <section class=\"needs-band\" aria-label=\"Kebutuhan mitra\"><p>{HOME_NEEDS_BAND}</p>\
         <div class=\"needs-band-actions\"><a class=\"button\" href=\"/kebutuhan/baru\">Pasang kebutuhan</a>\
         <a class=\"needs-band-link\" href=\"/kebutuhan\">Lihat papan</a></div></section>\
         <section class=\"section\"><h2>Kategori</h2><ul class=\"category-list\">{tiles}</ul></section>\
         <section class=\"section\"><div class=\"section-head\"><h2>Produk pilihan</h2><a href=\"/cari\">Lihat semua</a></div>{featured}</section>\
         <section class=\"section\"><div class=\"section-head\"><h2>Produk terbaru</h2><a href=\"/cari?urut=terbaru\">Lihat semua</a></div>{newest}</section>\
         <section class=\"section\"><h2>Jelajahi per kabupaten/kota</h2><ul class=\"kabupaten-list\">{places}</ul></section>\
         {spotlight}",
        featured = grid(home.featured.iter(), &makers),
        newest = grid_loading(home.newest.iter(), &makers, 0),
    )
}

/// The share button as the app draws it (its tap waits for the app).
const SHARE_BUTTON: &str = "<div class=\"share\"><button type=\"button\" \
    class=\"button button-secondary share-button\" aria-haspopup=\"dialog\" \
    aria-expanded=\"false\">Bagikan</button></div>";

/// A product picture as the app's `ProductImage` draws it.
fn picture(image: &Image, lazy: bool) -> String {
    format!(
        "<img class=\"product-image\" loading=\"{}\" decoding=\"async\" width=\"{}\" height=\"{}\" alt=\"{}\"{} src=\"{}\" />",
        if lazy { "lazy" } else { "eager" },
        image.width,
        image.height,
        escape(&image.alt),
        responsive(image),
        escape(&image.src)
    )
}

/// An IKM's verification, registrations and certificates as the app's `legal_badges` draws
/// them: badges, or (`explain`) a list with each number and what it means.
fn legal_html(ikm: &Ikm, explain: bool) -> String {
    let rows = ikm.legal_rows(Locale::Id);
    let list: String = if explain {
        let items: String = rows
            .iter()
            .map(|row| {
                format!(
                    "<div class=\"legal-item\"><dt><span class=\"badge\">{}</span>\
                     <span class=\"badge-number\">{}</span></dt><dd>{}</dd></div>",
                    escape(row.label),
                    escape(row.number),
                    escape(row.about)
                )
            })
            .collect();
        format!("<dl class=\"legal-list\">{items}</dl>")
    } else {
        let items: String = rows
            .iter()
            .map(|row| {
                format!(
                    "<li class=\"badge\" title=\"{}\">{}</li>",
                    escape(row.about),
                    escape(row.label)
                )
            })
            .collect();
        format!("<ul class=\"badges\">{items}</ul>")
    };
    let verified = if ikm.verified {
        "<p class=\"badge verified-badge\" title=\"Data dan usaha IKM ini sudah diperiksa Dinas \
         Perindustrian dan Perdagangan Provinsi Lampung.\">Terverifikasi Disperindag</p>"
    } else {
        ""
    };
    let sample = if ikm.legal.sample {
        "<p class=\"sample-note\">Nomor contoh, bukan nomor asli</p>"
    } else {
        ""
    };
    format!("<div class=\"legal\">{verified}{list}{sample}</div>")
}

/// A product's page as the app lays it out (`src/pages/product.rs`): pictures, price, tax
/// note, share, lead time, certificates, order rules, the quantity stepper and its price,
/// volume prices, description, maker and related products. The take-over then moves nothing;
/// the stepper's box is read-only and its buttons wait for the app.
fn product_body(p: &Product, ikm: Option<&Ikm>, catalog: &Catalog) -> String {
    use crate::request::{price_line as priced, round_up_quantity};
    let locale = Locale::Id;
    let name = escape(&p.name);
    let unit = escape(&p.unit);
    let fallback;
    let images: &[Image] = if p.images.is_empty() {
        fallback = [p.primary_image()];
        &fallback
    } else {
        &p.images
    };
    let gallery: String = images
        .iter()
        .enumerate()
        .map(|(i, image)| picture(image, i > 0))
        .collect();
    let tax = if ikm.is_some_and(|i| i.pkp) {
        "<p class=\"tax-note\">Harga belum termasuk PPN 11% (penjual PKP).</p>"
    } else {
        ""
    };
    let availability = match p.availability {
        Availability::ReadyStock => "availability ready",
        Availability::MadeToOrder => "availability made",
    };
    let certificates: String = ikm
        .map(|i| {
            Certificate::ALL
                .into_iter()
                .filter(|c| c.held_by(i))
                .map(|c| {
                    format!(
                        "<li class=\"badge\" title=\"{}\">{}</li>",
                        escape(c.about(locale)),
                        c.label()
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let quantity = round_up_quantity(p, p.min_order);
    let line = match priced(p, quantity, "") {
        Ok(line) if line.saving.amount() > 0 => format!(
            "{quantity} \u{d7} {} = {} · Hemat {}",
            locale.rupiah(line.unit_price),
            locale.rupiah(line.subtotal),
            locale.rupiah(line.saving)
        ),
        Ok(line) => format!(
            "{quantity} \u{d7} {} = {}",
            locale.rupiah(line.unit_price),
            locale.rupiah(line.subtotal)
        ),
        Err(e) => e.message(locale),
    };
    let tiers = if p.tiers.is_empty() {
        String::new()
    } else {
        let rows: String = p
            .tier_rows()
            .into_iter()
            .map(|(range, price)| {
                format!("<tr><td>{range}</td><td>{}</td></tr>", locale.rupiah(price))
            })
            .collect();
        format!(
            "<section class=\"tiers\" aria-labelledby=\"judul-grosir\"><h2 id=\"judul-grosir\">Harga grosir</h2>\
             <table><thead><tr><th scope=\"col\">Jumlah ({unit})</th><th scope=\"col\">Harga satuan</th></tr></thead>\
             <tbody>{rows}</tbody></table></section>"
        )
    };
    let maker = ikm
        .map(|i| {
            format!(
                "<section class=\"maker-card\" aria-labelledby=\"judul-pembuat\"><h2 id=\"judul-pembuat\">Dibuat oleh</h2>\
                 <a href=\"/ikm/{}\" class=\"maker-link\"><strong>{}</strong><span>{}</span></a>{}</section>",
                i.slug,
                escape(&i.name),
                escape(&i.kabupaten.name_in(locale)),
                legal_html(i, false)
            )
        })
        .unwrap_or_default();
    let related = crate::shelf::related(catalog, p);
    format!(
        "<article class=\"product-page\"><div class=\"product-gallery\" tabindex=\"0\" aria-label=\"Gambar {name}\">{gallery}</div>\
         <div class=\"product-info\"><h1 class=\"product-name\">{name}</h1>\
         <p class=\"product-price\"><span class=\"price\">{price}</span><span class=\"unit\"> per {unit}</span></p>\
         {tax}{SHARE_BUTTON}<p class=\"{availability}\">{lead}</p>\
         <ul class=\"badges cert-badges\">{certificates}</ul>\
         <ul class=\"order-facts\"><li>{rule}</li><li>Terdaftar: {listed}</li></ul>\
         <section class=\"add-to-list\" aria-labelledby=\"judul-pesan\"><h2 id=\"judul-pesan\" class=\"visually-hidden\">Daftar Pesanan</h2>\
         <label for=\"jumlah-pesan\" class=\"add-label\">Jumlah ({unit})</label>\
         <div class=\"stepper\"><button type=\"button\" class=\"stepper-button\" aria-label=\"Kurangi jumlah\">\u{2212}</button>\
         <input id=\"jumlah-pesan\" type=\"number\" inputmode=\"numeric\" min=\"{min}\" step=\"{step}\" value=\"{quantity}\" readonly />\
         <button type=\"button\" class=\"stepper-button\" aria-label=\"Tambah jumlah\">+</button></div>\
         <p class=\"field-error\" role=\"alert\"></p><p class=\"line-price\">{line}</p>\
         <button type=\"button\" class=\"button add-button\">Tambah ke Daftar Pesanan</button></section>\
         {tiers}<section class=\"description\" aria-labelledby=\"judul-deskripsi\"><h2 id=\"judul-deskripsi\">Deskripsi</h2>\
         <p>{description}</p></section>{maker}</div></article>\
         <section class=\"section\" aria-labelledby=\"judul-serupa\"><h2 id=\"judul-serupa\">Produk serupa</h2>{grid}</section>",
        price = locale.rupiah(p.price),
        lead = escape(&p.lead_time_text(locale)),
        rule = escape(&p.order_rule(locale)),
        listed = escape(&locale.date(&p.listed_on)),
        min = p.min_order,
        step = p.order_increment,
        line = escape(&line),
        description = escape(&p.description),
        grid = grid_loading(related.iter().copied(), catalog, 0),
    )
}

/// An IKM's page as the app lays it out (`src/pages/ikm.rs`): name, place, share, story,
/// WhatsApp, registrations and certificates explained, and its products.
fn ikm_body(ikm: &Ikm, catalog: &Catalog) -> String {
    let name = escape(&ikm.name);
    let wa = ikm
        .whatsapp
        .wa_link("Halo, saya melihat produk Anda di Etalase IKM Lampung dan ingin bertanya.");
    format!(
        "<article class=\"ikm-page\"><header class=\"ikm-head\"><h1>{name}</h1>\
         <p class=\"ikm-place\">{place}</p>{SHARE_BUTTON}</header>\
         <section aria-labelledby=\"judul-cerita\"><h2 id=\"judul-cerita\">Cerita kami</h2><p>{story}</p></section>\
         <a class=\"button button-wa\" href=\"{wa}\" rel=\"noopener\" target=\"_blank\">Hubungi lewat WhatsApp</a>\
         <section aria-labelledby=\"judul-legal\"><h2 id=\"judul-legal\">Legalitas &amp; sertifikat</h2>{legal}</section></article>\
         <section class=\"section\" aria-labelledby=\"judul-produk-ikm\"><h2 id=\"judul-produk-ikm\">Produk dari {name}</h2>{grid}</section>",
        place = escape(&ikm.kabupaten.name_in(Locale::Id)),
        story = escape(&ikm.story),
        wa = escape(&wa),
        legal = legal_html(ikm, true),
        grid = grid(catalog.products_of(ikm.slug.as_str()), catalog),
    )
}

/// The page's main content as plain HTML (no script), shown until the app has started.
pub fn body_html(page: Page<'_>, catalog: &Catalog, index: &SearchIndex) -> String {
    let main = match page {
        Page::Home => home_body(catalog),
        Page::Product(p, ikm) => product_body(p, ikm, catalog),
        Page::Ikm(ikm) => ikm_body(ikm, catalog),
        // A category's page is the search page with its category fixed.
        Page::Category(c) => {
            return search_body_html(catalog, index, &SearchQuery::default(), Some(c))
        }
    };
    frame(&main)
}

/// The search page (`/cari?…`, and a category's page, which is a search with its category
/// fixed) as the app lays it out: heading and share button, result count and sort menu, the
/// closed filter panel, the first results. The app takes it over without moving anything.
/// Without script it still works: the sort menu and the search box are plain GET forms.
pub fn search_body_html(
    catalog: &Catalog,
    index: &SearchIndex,
    query: &SearchQuery,
    fixed_category: Option<Category>,
) -> String {
    search_body(catalog, index, query, fixed_category).0
}

/// The search page `/cari?…`: its head and its content.
pub fn search_page(catalog: &Catalog, index: &SearchIndex, query: &SearchQuery) -> (Head, String) {
    let (body, found) = search_body(catalog, index, query, None);
    (search_head(query, found > 0), body)
}

/// The search page's content and how many products it found.
fn search_body(
    catalog: &Catalog,
    index: &SearchIndex,
    query: &SearchQuery,
    fixed_category: Option<Category>,
) -> (String, usize) {
    let mut query = query.clone();
    if fixed_category.is_some() {
        query.category = fixed_category;
    }
    let hits = search::run(catalog, index, &query);
    let locale = Locale::Id;
    let text = query.text.trim();
    let mut heading = match (text, fixed_category) {
        ("", Some(c)) => c.name_in(locale).to_owned(),
        ("", None) => "Semua produk".to_owned(),
        (text, _) => format!("Hasil untuk \u{201c}{text}\u{201d}"),
    };
    if let (Some(c), false) = (fixed_category, text.is_empty()) {
        heading.push_str(&format!(" · {}", c.name_in(locale)));
    }
    // The other filters ride along as hidden fields, so choosing an order keeps them.
    let hidden: String = query
        .to_params()
        .into_iter()
        .filter(|(k, _)| {
            *k != search::param::SORT
                && !(fixed_category.is_some() && *k == search::param::CATEGORY)
        })
        .map(|(k, v)| {
            format!(
                "<input type=\"hidden\" name=\"{k}\" value=\"{}\" />",
                escape(&v)
            )
        })
        .collect();
    let options: String = Sort::ALL
        .iter()
        .map(|&s| {
            format!(
                "<option value=\"{}\"{}>{}</option>",
                s.slug(),
                if s == query.sort { " selected" } else { "" },
                s.label(locale)
            )
        })
        .collect();
    let products = hits.iter().filter_map(|&i| catalog.products.get(i));
    let results = if hits.is_empty() {
        "<div class=\"empty-state\"><h2>Tidak ada produk yang cocok</h2></div>".to_owned()
    } else {
        grid(products, catalog)
    };
    let more = if hits.len() > LIST_ITEMS {
        "<button type=\"button\" class=\"button button-secondary show-more\">Tampilkan lebih banyak</button>"
    } else {
        ""
    };
    let html = frame_with_text(
        &format!(
            "<section class=\"section search-page\"><div class=\"page-head\"><h1>{heading}</h1>\
             <div class=\"share\"><button type=\"button\" class=\"button button-secondary share-button\">Bagikan</button></div></div>\
             <form class=\"search-bar\"><p class=\"result-count\">{count} produk</p>\
             <label class=\"sort\"><span>Urutkan</span><select name=\"{sort}\">{options}</select></label>{hidden}\
             <noscript><button type=\"submit\">Urutkan</button></noscript></form>\
             <details class=\"filters\"><summary>Filter</summary></details>{results}{more}</section>",
            heading = escape(&heading),
            count = hits.len(),
            sort = search::param::SORT,
        ),
        text,
    );
    (html, hits.len())
}

/// The order list page's head: its title, and no indexing (the list is the buyer's own).
pub fn order_list_head_html() -> String {
    format!(
        "<title>Daftar Pesanan · {SITE_NAME}</title>\n\
         <meta name=\"robots\" content=\"noindex\" />\n"
    )
}

/// The buyer's order list (`/daftar-pesanan`, from [`crate::list_cookie`]) as the app lays it
/// out (`src/pages/order_list.rs`), priced by the same core rules: lines by IKM with tier prices
/// and savings, subtotals, the total and the way to submit. Its buttons wait for the app, which
/// the first touch loads; its boxes are read-only until then, so nothing typed is lost.
///
/// Returns the HTML and how many lines it drew.
pub fn order_list_body_html(
    catalog: &Catalog,
    lines: &[crate::list_cookie::Line],
) -> (String, usize) {
    use crate::request::{check_quantity, group_by_ikm, price_lines, request_total};
    let locale = Locale::Id;
    let (priced, mut refused) = price_lines(
        lines
            .iter()
            .map(|l| (l.product.as_str(), l.quantity, l.note.as_str())),
        |slug| catalog.product(slug),
    );
    let mut main = String::from(
        "<section class=\"section order-list-page\"><h1>Daftar Pesanan</h1>\
         <p class=\"result-count\">Tersimpan di perangkat ini, tanpa akun.</p>",
    );
    if priced.is_empty() {
        if let Some(e) = &refused {
            main.push_str(&format!(
                "<p class=\"notice-info\" role=\"alert\">{}</p>",
                escape(&e.message(locale))
            ));
        }
        main.push_str(
            "<div class=\"empty-state\"><p><strong>Daftar Pesanan masih kosong</strong></p>\
             <p>Buka produk, pilih jumlah, lalu ketuk \u{201c}Tambah ke Daftar Pesanan\u{201d}. \
             Daftar ini tersimpan di perangkat Anda.</p><a class=\"button\" href=\"/cari\">Cari</a></div></section>",
        );
        return (frame(&main), 0);
    }
    let drawn = priced.len();
    let parts = group_by_ikm(catalog, priced);
    if let Err(e) = request_total(&parts) {
        refused = Some(e);
    }
    if let Some(e) = refused {
        main.push_str(&format!(
            "<p class=\"notice-info\" role=\"alert\">{}</p>",
            escape(&e.message(locale))
        ));
    }
    let total = crate::money::Rupiah::saturating_sum(parts.iter().map(|p| p.subtotal));
    let saving = crate::money::Rupiah::saturating_sum(parts.iter().map(|p| p.saving));
    for part in &parts {
        main.push_str(&format!(
            "<section class=\"ikm-part\"><h2>Dari <a href=\"/ikm/{}\">{}</a></h2><ul class=\"order-lines\">",
            part.ikm,
            escape(&part.ikm_name)
        ));
        for line in &part.lines {
            let Some(p) = catalog.product(line.product.as_str()) else {
                continue;
            };
            let problem = check_quantity(p, line.quantity)
                .err()
                .map(|e| escape(&e.message(locale)))
                .unwrap_or_default();
            let saved = if line.saving.amount() > 0 {
                format!(" · Hemat {}", locale.rupiah(line.saving))
            } else {
                String::new()
            };
            main.push_str(&format!(
                "<li class=\"order-line\" data-product=\"{slug}\"><a class=\"order-line-name\" href=\"/produk/{slug}\">{name}</a>\
                 <label class=\"visually-hidden\" for=\"jumlah-{slug}\">Jumlah {name}</label>\
                 <div class=\"stepper\"><button type=\"button\" class=\"stepper-button\" aria-label=\"Kurangi jumlah\">\u{2212}</button>\
                 <input id=\"jumlah-{slug}\" type=\"number\" inputmode=\"numeric\" min=\"{min}\" step=\"{step}\" value=\"{quantity}\" readonly />\
                 <button type=\"button\" class=\"stepper-button\" aria-label=\"Tambah jumlah\">+</button></div>\
                 <p class=\"field-error\" role=\"alert\">{problem}</p>\
                 <p class=\"line-price\">{quantity} \u{d7} {unit_price} = {subtotal}{saved}</p>\
                 <label class=\"line-note\"><span>Catatan untuk baris ini</span>\
                 <input type=\"text\" maxlength=\"200\" value=\"{note}\" readonly /></label>\
                 <button type=\"button\" class=\"link-button\">Hapus</button></li>",
                slug = p.slug,
                name = escape(&line.name),
                min = p.min_order,
                step = p.order_increment,
                quantity = line.quantity,
                unit_price = locale.rupiah(line.unit_price),
                subtotal = locale.rupiah(line.subtotal),
                note = escape(&line.note),
            ));
        }
        main.push_str(&format!(
            "</ul><p class=\"part-subtotal\">Subtotal {}</p></section>",
            locale.rupiah(part.subtotal)
        ));
    }
    let saved = if saving.amount() > 0 {
        format!("<p class=\"saving\">Hemat {}</p>", locale.rupiah(saving))
    } else {
        String::new()
    };
    main.push_str(&format!(
        "<div class=\"order-total\"><p><span>Total</span><strong class=\"price\">{}</strong></p>{saved}\
         <a class=\"button submit-link\" href=\"/ajukan\">Ajukan Pesanan</a></div></section>",
        locale.rupiah(total)
    ));
    (frame(&main), drawn)
}

/// The not-found page's content, for a 404.
pub fn not_found_body_html() -> String {
    frame(
        "<section class=\"section\"><h1>Halaman tidak ditemukan</h1>\
         <p>Produk atau halaman ini tidak ada. <a href=\"/\">Kembali ke beranda</a></p></section>",
    )
}

fn frame(main: &str) -> String {
    frame_with_text(main, "")
}

/// The page frame with `text` already in the search box.
fn frame_with_text(main: &str, text: &str) -> String {
    let text = escape(text);
    format!(
        "<div id=\"prerender\"><header class=\"site-header\"><div class=\"header-row\">\
         <a class=\"brand\" href=\"/\"><span class=\"brand-mark\" aria-hidden=\"true\"></span>\
         <span class=\"brand-name\">{SITE_NAME}</span></a>\
         <button type=\"button\" class=\"language-switch\" lang=\"en\" aria-label=\"Switch to English\">English</button></div>\
         <form class=\"search-form\" role=\"search\" action=\"/cari\">\
         <label class=\"visually-hidden\" for=\"prerender-q\">Cari produk</label>\
         <input id=\"prerender-q\" type=\"search\" name=\"q\" value=\"{text}\" placeholder=\"Cari tapis, kopi, keripik…\" />\
         <button type=\"submit\" class=\"search-button\">Cari</button></form></header>\
         <main class=\"content\">{main}</main>\
         <footer class=\"site-footer\"><p>Program Disperindag Provinsi Lampung. Data legalitas IKM di situs ini adalah contoh.</p>\
         <p><a href=\"/kebutuhan\">Papan kebutuhan mitra</a></p>\
         <p><a href=\"/masuk\">Masuk untuk IKM &amp; Disperindag</a></p></footer>\
         <nav class=\"bottom-nav\" aria-label=\"Navigasi utama\">\
         <a href=\"/\"><span class=\"icon icon-home\" aria-hidden=\"true\"></span>Beranda</a>\
         <a href=\"/cari\"><span class=\"icon icon-search\" aria-hidden=\"true\"></span>Cari</a>\
         <a href=\"/daftar-pesanan\"><span class=\"icon icon-list\" aria-hidden=\"true\"></span>Pesanan</a></nav></div>"
    )
}

/// The app's HTML with this page's head tags (replacing its `<title>` and description) and
/// content (first in `<body>`).
pub fn inject(index_html: &str, head: &str, body: &str) -> String {
    let mut html = index_html.to_owned();
    // The shell's own title and description are the home page's: this page's replace them.
    if let Some(start) = html.find("<title>") {
        if let Some(len) = html[start..].find("</title>") {
            html.replace_range(start..start + len + "</title>".len(), "");
        }
    }
    // The description tag as written or as minified (attributes in any order, unquoted).
    let mut from = 0;
    while let Some(at) = html[from..].find("<meta").map(|i| from + i) {
        let Some(len) = html[at..].find('>') else {
            break;
        };
        let tag = &html[at..at + len + 1];
        if tag.contains("name=\"description\"") || tag.contains("name=description") {
            html.replace_range(at..at + len + 1, "");
            break;
        }
        from = at + len + 1;
    }
    if let Some(at) = html.find("</head>") {
        html.insert_str(at, head);
    }
    if let Some(at) = html.find("<body>") {
        html.insert_str(at + "<body>".len(), body);
    }
    html
}

/// Every shareable page, for the sitemap and the static export.
pub fn all_paths(catalog: &Catalog) -> Vec<String> {
    let mut paths = vec!["/".to_owned()];
    paths.extend(
        Category::ALL
            .iter()
            .map(|c| format!("/kategori/{}", c.slug())),
    );
    paths.extend(catalog.ikm.iter().map(|i| format!("/ikm/{}", i.slug)));
    paths.extend(
        catalog
            .products
            .iter()
            .map(|p| format!("/produk/{}", p.slug)),
    );
    paths
}

pub fn sitemap_xml(catalog: &Catalog, origin: &str) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for path in all_paths(catalog) {
        let lastmod = path
            .strip_prefix("/produk/")
            .and_then(|slug| catalog.product(slug))
            .map(|p| format!("<lastmod>{}</lastmod>", p.listed_on))
            .unwrap_or_default();
        xml.push_str(&format!(
            "  <url><loc>{}</loc>{lastmod}</url>\n",
            escape(&format!("{origin}{path}"))
        ));
    }
    xml.push_str("</urlset>\n");
    xml
}

pub fn robots_txt(origin: &str) -> String {
    format!(
        "User-agent: *\nDisallow: /api/\nDisallow: /pesanan/\nDisallow: /kebutuhan/baru\nDisallow: /kebutuhan/*/kelola\nDisallow: /desk\nDisallow: /admin\nDisallow: /masuk\nDisallow: /akun\nAllow: /\n\nSitemap: {origin}/sitemap.xml\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_drops_what_xml_cannot_hold() {
        assert_eq!(escape("Keripik\u{1}<Ctrl>\u{fffe}"), "Keripik&lt;Ctrl&gt;");
        assert_eq!(escape("a\tb\nc"), "a\tb\nc");
    }
    use crate::catalog::CatalogData;

    fn catalog() -> Catalog {
        let data: CatalogData =
            serde_json::from_str(include_str!("../../data/catalog.json")).unwrap();
        Catalog::from_data(data)
    }

    #[test]
    fn paths_resolve_to_pages_unknown_slugs_or_other_routes() {
        let c = catalog();
        assert!(matches!(resolve(&c, "/"), Resolved::Page(Page::Home)));
        assert!(matches!(
            resolve(&c, "/produk/kopi-robusta-bubuk-250-g"),
            Resolved::Page(Page::Product(_, Some(_)))
        ));
        assert!(matches!(
            resolve(&c, "/produk/tidak-ada"),
            Resolved::Unknown
        ));
        assert!(matches!(
            resolve(&c, "/kategori/wastra"),
            Resolved::Page(Page::Category(_))
        ));
        assert!(matches!(resolve(&c, "/kategori/mobil"), Resolved::Unknown));
        assert!(matches!(
            resolve(&c, "/ikm/kopi-gunung-betung/"),
            Resolved::Page(Page::Ikm(_))
        ));
        assert!(matches!(resolve(&c, "/cari"), Resolved::Other));
    }

    #[test]
    fn a_photo_in_several_widths_is_offered_as_srcset_so_a_phone_loads_one_file() {
        let mut c = catalog();
        let slug = "kopi-robusta-bubuk-250-g";
        let p = c
            .products
            .iter_mut()
            .find(|p| p.slug.as_str() == slug)
            .unwrap();
        let size = |w: u32| crate::catalog::ImageSize {
            src: format!("/media/produk/kopi-ab12-{w}.jpg"),
            width: w,
        };
        p.images = vec![Image {
            src: "/media/produk/kopi-ab12-1280.jpg".into(),
            alt: "Kopi".into(),
            width: 1280,
            height: 960,
            sizes: vec![size(320), size(640), size(1280)],
        }];
        let c = Catalog::from_data(CatalogData {
            ikm: c.ikm.clone(),
            products: c.products.clone(),
        });
        let srcset = "srcset=\"/media/produk/kopi-ab12-320.jpg 320w, \
                      /media/produk/kopi-ab12-640.jpg 640w, /media/produk/kopi-ab12-1280.jpg 1280w\"";
        let sizes = format!("sizes=\"{}\"", escape(IMAGE_SIZES));
        for path in [
            format!("/produk/{slug}"),
            "/ikm/kopi-gunung-betung".to_owned(),
        ] {
            let Resolved::Page(page) = resolve(&c, &path) else {
                panic!("{path} resolves");
            };
            let html = body_html(page, &c, &SearchIndex::new(&c));
            assert!(html.contains(srcset), "{path}: {html}");
            assert!(html.contains(&sizes), "{path}");
        }
        // A drawn picture (one file) gets no srcset.
        let Resolved::Page(page) = resolve(&c, "/produk/keripik-pisang-coklat-250-g") else {
            panic!("resolves");
        };
        assert!(!body_html(page, &c, &SearchIndex::new(&c)).contains("srcset"));
    }

    #[test]
    fn the_search_page_is_drawn_as_the_app_lays_it_out() {
        let c = catalog();
        let index = SearchIndex::new(&c);
        let query = SearchQuery::from_params(|k| match k {
            search::param::TEXT => Some("kopi".to_owned()),
            search::param::SORT => Some("harga-naik".to_owned()),
            search::param::KABUPATEN => Some("lampung-barat".to_owned()),
            _ => None,
        });
        let hits = search::run(&c, &index, &query);
        assert!(!hits.is_empty());
        let html = search_body_html(&c, &index, &query, None);
        // The same results, in the same order, as the app's search.
        assert!(
            html.contains(&format!("{} produk</p>", hits.len())),
            "{html}"
        );
        let first = &c.products[hits[0]];
        let first_at = html.find(&format!("/produk/{}", first.slug)).unwrap();
        if let Some(&second) = hits.get(1) {
            let second_at = html
                .find(&format!("/produk/{}", c.products[second].slug))
                .unwrap();
            assert!(first_at < second_at);
        }
        assert!(html.contains("<h1>Hasil untuk \u{201c}kopi\u{201d}</h1>"));
        assert!(html.contains("<option value=\"harga-naik\" selected>Harga terendah</option>"));
        // Choosing another order keeps the words and the filters.
        assert!(html.contains("<input type=\"hidden\" name=\"wilayah\" value=\"lampung-barat\" />"));
        assert!(html.contains("id=\"prerender-q\" type=\"search\" name=\"q\" value=\"kopi\""));
        // A category's page fixes its category and does not repeat it as a field.
        let html = search_body_html(
            &c,
            &index,
            &SearchQuery::default(),
            Some(Category::KopiRempah),
        );
        let in_category = c.products_in(Category::KopiRempah).count();
        assert!(html.contains(&format!("{in_category} produk</p>")));
        assert!(!html.contains("name=\"kategori\""));
        // Typed words are text, never markup.
        let query = SearchQuery {
            text: "\"><script>alert(1)</script>".into(),
            ..SearchQuery::default()
        };
        let html = search_body_html(&c, &index, &query, None);
        assert!(!html.contains("<script>alert"));
        assert!(html.contains("Tidak ada produk yang cocok"));
    }

    #[test]
    fn every_text_is_escaped() {
        assert_eq!(
            escape(r#"Kopi "Luwak" <b> & 'lada'"#),
            "Kopi &quot;Luwak&quot; &lt;b&gt; &amp; &#39;lada&#39;"
        );
        let mut c = catalog();
        let p = c
            .products
            .iter_mut()
            .find(|p| p.slug.as_str() == "kopi-robusta-bubuk-250-g")
            .unwrap();
        p.name = r#"Kopi "Spesial" <script>alert(1)</script> & Co"#.into();
        let c = Catalog::from_data(CatalogData {
            ikm: c.ikm.clone(),
            products: c.products.clone(),
        });
        let Resolved::Page(page) = resolve(&c, "/produk/kopi-robusta-bubuk-250-g") else {
            panic!("resolves");
        };
        let html = head_html(
            &head(page, &c, "https://etalase.example"),
            "https://etalase.example",
        ) + &body_html(page, &c, &SearchIndex::new(&c));
        assert!(!html.contains("<script>alert"));
        assert!(!html.contains("\"Spesial\""));
        assert!(html
            .contains("Kopi &quot;Spesial&quot; &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co"));
        // In JSON-LD the name is JSON, and cannot end the script element.
        let ld_start = html.find("application/ld+json\">").unwrap();
        let ld_end = html[ld_start..].find("</script>").unwrap();
        assert!(html[ld_start..ld_start + ld_end].contains("\\u003cscript\\u003e"));
    }

    #[test]
    fn a_product_head_has_every_tag_crawlers_read() {
        let c = catalog();
        let Resolved::Page(page) = resolve(&c, "/produk/kopi-robusta-bubuk-250-g") else {
            panic!("resolves");
        };
        let html = head_html(&head(page, &c, "https://e.example"), "https://e.example");
        for tag in [
            "<title>",
            "name=\"description\"",
            "rel=\"canonical\" href=\"https://e.example/produk/kopi-robusta-bubuk-250-g\"",
            "og:title",
            "og:description",
            "property=\"og:image\" content=\"https://e.example/og/produk/kopi-robusta-bubuk-250-g.jpg\"",
            "og:image:width\" content=\"1200\"",
            "og:image:height\" content=\"630\"",
            "og:image:alt",
            "og:url",
            "og:type\" content=\"product\"",
            "og:site_name",
            "og:locale\" content=\"id_ID\"",
            "twitter:card\" content=\"summary_large_image\"",
            "\"@type\":\"Product\"",
            "\"priceCurrency\":\"IDR\"",
        ] {
            assert!(html.contains(tag), "{tag} in {html}");
        }
    }

    #[test]
    fn excerpts_cut_at_a_word() {
        assert_eq!(
            excerpt("kopi robusta dari Lampung Barat", 100),
            "kopi robusta dari Lampung Barat"
        );
        assert_eq!(
            excerpt("kopi robusta dari Lampung Barat", 16),
            "kopi robusta…"
        );
    }

    #[test]
    fn injection_replaces_the_shell_title_and_description() {
        let shell = "<html><head><meta name=\"description\" content=\"x\" />\n<title>Etalase</title></head><body><noscript></noscript></body></html>";
        let html = inject(shell, "<title>Kopi</title>", "<div id=\"prerender\"></div>");
        assert_eq!(html.matches("<title>").count(), 1);
        assert!(html.contains("<title>Kopi</title></head>"));
        assert!(!html.contains("content=\"x\""));
        assert!(html.contains("<body><div id=\"prerender\"></div><noscript>"));
        // The shell as Trunk minifies it: attributes reordered, unquoted.
        let minified = "<html><head><meta charset=utf-8><meta content=\"x\" name=description>\
                        <title>Etalase</title></head><body></body></html>";
        let html = inject(minified, "<meta name=\"description\" content=\"y\" />", "");
        assert_eq!(html.matches("description").count(), 1, "{html}");
        assert!(html.contains("<meta charset=utf-8>"));
    }

    #[test]
    fn product_and_ikm_pages_are_drawn_whole_as_the_app_lays_them_out() {
        let c = catalog();
        let index = SearchIndex::new(&c);
        let p = c
            .products
            .iter()
            .find(|p| !p.tiers.is_empty() && c.ikm(p.ikm.as_str()).is_some_and(|i| i.pkp))
            .expect("the seed has a PKP maker with volume prices");
        let ikm = c.ikm(p.ikm.as_str()).unwrap();
        let html = body_html(Page::Product(p, Some(ikm)), &c, &index);
        assert!(html.contains("Harga belum termasuk PPN 11%"), "{html}");
        assert!(html.contains(&escape(&p.lead_time_text(Locale::Id))));
        assert!(html.contains(&escape(&p.order_rule(Locale::Id))));
        // The stepper starts where the app's does, read-only until the app runs.
        let start = crate::request::round_up_quantity(p, p.min_order);
        assert!(html.contains(&format!("value=\"{start}\" readonly")));
        assert!(html.contains("class=\"button add-button\">Tambah ke Daftar Pesanan</button>"));
        for (range, price) in p.tier_rows() {
            assert!(html.contains(&format!(
                "<tr><td>{range}</td><td>{}</td></tr>",
                Locale::Id.rupiah(price)
            )));
        }
        for related in crate::shelf::related(&c, p) {
            assert!(html.contains(&format!("href=\"/produk/{}\"", related.slug)));
        }
        assert!(html.contains(&format!("href=\"/ikm/{}\" class=\"maker-link\"", ikm.slug)));
        // Only the main picture loads at once.
        assert_eq!(html.matches("loading=\"eager\"").count(), 1);

        let html = body_html(Page::Ikm(ikm), &c, &index);
        assert!(html.contains("Legalitas &amp; sertifikat"));
        assert!(html.contains("class=\"button button-wa\" href=\"https://wa.me/"));
        if let Some(nib) = &ikm.legal.nib {
            assert!(html.contains(&format!("<span class=\"badge-number\">{nib}</span>")));
        }
        for product in c.products_of(ikm.slug.as_str()).take(LIST_ITEMS) {
            assert!(html.contains(&format!("href=\"/produk/{}\"", product.slug)));
        }
    }

    #[test]
    fn the_home_page_is_drawn_as_the_app_lays_it_out() {
        let c = catalog();
        let index = SearchIndex::new(&c);
        let html = body_html(Page::Home, &c, &index);
        let home = crate::shelf::Home::of(&c);
        assert!(html.contains("<section class=\"hero\">"), "{html}");
        assert!(
            html.contains("<a class=\"button\" href=\"/kebutuhan/baru\">Pasang kebutuhan</a>"),
            "the needs band, as the app draws it"
        );
        for count in &home.categories {
            let tile = format!(
                "href=\"/kategori/{}\" class=\"category-tile\"",
                count.category.slug()
            );
            assert!(html.contains(&tile), "{tile}");
        }
        for k in &home.kabupaten {
            assert!(html.contains(&format!("/cari?wilayah={}", k.kabupaten.slug())));
        }
        for p in home.featured.iter().chain(&home.newest) {
            assert!(
                html.contains(&format!("href=\"/produk/{}\"", p.slug)),
                "{}",
                p.slug
            );
        }
        // Only the first screen's pictures load at once.
        assert_eq!(html.matches("loading=\"eager\"").count(), 4);
    }

    #[test]
    fn the_sitemap_lists_every_page() {
        let c = catalog();
        let xml = sitemap_xml(&c, "https://e.example");
        assert_eq!(
            xml.matches("<url>").count(),
            1 + 4 + c.ikm.len() + c.products.len()
        );
        assert!(xml.contains("<loc>https://e.example/produk/kopi-robusta-bubuk-250-g</loc>"));
    }
}
