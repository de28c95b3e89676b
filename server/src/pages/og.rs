//! Share images (`/og/…jpg`): 1200×630 JPEGs the server draws for WhatsApp, Facebook,
//! Telegram and X previews — the product's picture, name, price, IKM and kabupaten/kota with
//! the Etalase mark. Drawn as SVG, rendered by resvg, kept in memory until the catalog changes.

use crate::web::error::AppError;
use crate::web::precompressed::{ByteLru, Encoded};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use base64::Engine;
use etalase_core::preview::{escape, OG_HEIGHT, OG_WIDTH, SITE_NAME};
use etalase_core::{Category, Locale};
use std::sync::{Arc, OnceLock};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/og/etalase.jpg", get(home))
        .route("/og/{kind}/{file}", get(page))
}

/// Rendered images by catalog version and path, and the lock that makes drawing
/// single-flight: a burst of crawlers asking for one new image draws it once (the others wait,
/// then find it cached), and at most one drawing runs at a time. Bounded by bytes
/// ([`OG_BUDGET`]): at 10,000 products every image would be about a gigabyte; the least
/// recently asked for (and those of older catalog versions) go first.
pub struct OgCache {
    images: ByteLru<(String, String)>,
    drawing: tokio::sync::Mutex<()>,
    /// How many images were drawn (tests check the single flight).
    pub drawn: std::sync::atomic::AtomicUsize,
}

/// Memory for share images.
pub const OG_BUDGET: usize = 64 * 1024 * 1024;

impl Default for OgCache {
    fn default() -> Self {
        OgCache {
            images: ByteLru::new(OG_BUDGET),
            drawing: tokio::sync::Mutex::new(()),
            drawn: std::sync::atomic::AtomicUsize::new(0),
        }
    }
}

impl OgCache {
    fn get(&self, key: &str, etag: &str) -> Option<axum::body::Bytes> {
        self.images
            .get(&(etag.to_owned(), key.to_owned()))
            .map(|image| image.identity().clone())
    }

    fn insert(&self, key: String, etag: String, bytes: axum::body::Bytes) {
        let image = Encoded::uncompressed("image/jpeg", bytes);
        self.images.insert((etag, key), Arc::new(image));
    }

    /// Bytes held now.
    pub fn bytes(&self) -> usize {
        self.images.bytes()
    }
}

/// The largest JPEG we send: crawlers' limits start at 300 KB.
pub const MAX_BYTES: usize = 300 * 1024;

/// What one image shows.
struct Card {
    /// The picture's path on the site (`/media/…` or a drawn one in `dist/`).
    picture_src: Option<String>,
    /// The picture as a data URL, read when the card is drawn.
    picture: Option<String>,
    title: String,
    lines: Vec<String>,
}

fn fonts() -> Arc<resvg::usvg::fontdb::Database> {
    static DB: OnceLock<Arc<resvg::usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = resvg::usvg::fontdb::Database::new();
        db.load_system_fonts();
        if db.is_empty() {
            tracing::warn!(
                "no system fonts: share images will carry no text (install fonts-dejavu-core)"
            );
        }
        Arc::new(db)
    })
    .clone()
}

/// A picture as a data URL for the SVG: uploaded photos from the database, our drawn SVGs
/// from `dist/`.
async fn picture_data(state: &AppState, src: &str) -> Option<String> {
    if src.contains("..") {
        return None;
    }
    let (bytes, mime) = if let Some(name) = src.strip_prefix(crate::desk::photo::MEDIA_URL) {
        let (mime, bytes) = crate::store::media::get(&state.db, name.trim_start_matches('/'))
            .await
            .ok()??;
        (bytes, mime)
    } else {
        let rest = src.strip_prefix('/')?;
        let mime = if rest.ends_with(".svg") {
            "image/svg+xml"
        } else {
            "image/jpeg"
        };
        (
            tokio::fs::read(state.dist_dir.join(rest)).await.ok()?,
            mime.to_owned(),
        )
    };
    Some(format!(
        "data:{mime};base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    ))
}

fn svg(card: &Card) -> String {
    let picture = card
        .picture
        .as_ref()
        .map(|data| {
            format!(
                "<image x=\"40\" y=\"40\" width=\"550\" height=\"550\" preserveAspectRatio=\"xMidYMid slice\" href=\"{data}\"/>"
            )
        })
        .unwrap_or_else(|| "<rect x=\"40\" y=\"40\" width=\"550\" height=\"550\" rx=\"24\" fill=\"#f3e2b8\"/>".into());
    // About 0.6 em per character in a bold sans: what fits the 530 px beside the picture.
    let fits = |size: u32| (530.0 / (f64::from(size) * 0.6)) as usize;
    let mut y = 110;
    let mut text = String::new();
    for line in wrap(&card.title, fits(44), 3) {
        text.push_str(&format!(
            "<text x=\"630\" y=\"{y}\" font-size=\"44\" font-weight=\"700\" fill=\"#2b1d14\">{}</text>",
            escape(&line)
        ));
        y += 56;
    }
    y += 14;
    for (i, line) in card.lines.iter().enumerate() {
        let (size, color, weight) = if i == 0 {
            (38, "#7a1f2b", 700)
        } else {
            (28, "#5e4a3c", 400)
        };
        for part in wrap(line, fits(size), 1) {
            text.push_str(&format!(
                "<text x=\"630\" y=\"{y}\" font-size=\"{size}\" font-weight=\"{weight}\" fill=\"{color}\">{}</text>",
                escape(&part)
            ));
            y += size + 16;
        }
    }
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{OG_WIDTH}\" height=\"{OG_HEIGHT}\" viewBox=\"0 0 {OG_WIDTH} {OG_HEIGHT}\" font-family=\"DejaVu Sans, Liberation Sans, Noto Sans, sans-serif\">\
         <rect width=\"100%\" height=\"100%\" fill=\"#fbf6ec\"/>\
         <rect y=\"600\" width=\"100%\" height=\"30\" fill=\"#c9962b\"/>\
         {picture}{text}\
         <g transform=\"translate(630 520)\">\
           <rect width=\"530\" height=\"64\" rx=\"32\" fill=\"#7a1f2b\"/>\
           <path d=\"M28 46 L40 22 L46 34 L52 16 L58 34 L64 22 L76 46 Z\" fill=\"#f3e2b8\"/>\
           <text x=\"92\" y=\"43\" font-size=\"28\" font-weight=\"700\" fill=\"#ffffff\">{SITE_NAME}</text>\
         </g></svg>"
    )
}

/// Breaks `text` into at most `lines` lines of about `width` characters.
fn wrap(text: &str, width: usize, lines: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match out.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => out.push(word.to_owned()),
        }
    }
    if out.len() > lines {
        out.truncate(lines);
        if let Some(last) = out.last_mut() {
            last.push('…');
        }
    }
    out
}

/// Renders the SVG and encodes a JPEG under the size limit.
fn render(svg: &str) -> anyhow::Result<Vec<u8>> {
    let options = resvg::usvg::Options {
        fontdb: fonts(),
        ..Default::default()
    };
    let tree = resvg::usvg::Tree::from_str(svg, &options)?;
    let mut pixmap = resvg::tiny_skia::Pixmap::new(OG_WIDTH, OG_HEIGHT)
        .ok_or_else(|| anyhow::anyhow!("no pixmap"))?;
    resvg::render(&tree, Default::default(), &mut pixmap.as_mut());
    let rgb: Vec<u8> = pixmap
        .data()
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    let image = image::RgbImage::from_raw(OG_WIDTH, OG_HEIGHT, rgb)
        .ok_or_else(|| anyhow::anyhow!("pixel buffer size"))?;
    for quality in [85u8, 75, 65, 55] {
        let mut jpeg = Vec::new();
        let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, quality);
        image::DynamicImage::ImageRgb8(image.clone()).write_with_encoder(encoder)?;
        if jpeg.len() <= MAX_BYTES {
            return Ok(jpeg);
        }
    }
    Err(anyhow::anyhow!("share image over {MAX_BYTES} bytes"))
}

fn card_for(state: &AppState, kind: &str, slug: &str) -> Option<Card> {
    let snapshot = state.catalog();
    let catalog = &snapshot.catalog;
    let id = Locale::Id;
    match kind {
        "produk" => {
            let p = catalog.product(slug)?;
            let ikm = catalog.ikm(p.ikm.as_str());
            let price = if p.tiers.is_empty() {
                Locale::Id.rupiah(p.price)
            } else {
                format!("Mulai {}", Locale::Id.rupiah(p.lowest_price()))
            };
            let mut lines = vec![price, format!("per {} · minimal {}", p.unit, p.min_order)];
            if let Some(i) = ikm {
                lines.push(i.name.clone());
                lines.push(i.kabupaten.name_in(id));
            }
            Some(Card {
                picture_src: p.images.first().map(|i| i.src.clone()),
                picture: None,
                title: p.name.clone(),
                lines,
            })
        }
        "ikm" => {
            let ikm = catalog.ikm(slug)?;
            let first = catalog.products_of(slug).next();
            Some(Card {
                picture_src: first.and_then(|p| p.images.first()).map(|i| i.src.clone()),
                picture: None,
                title: ikm.name.clone(),
                lines: vec![
                    format!("{} produk", catalog.products_of(slug).count()),
                    ikm.kabupaten.name_in(id),
                ],
            })
        }
        "kategori" => {
            let c = Category::from_slug(slug)?;
            Some(Card {
                picture_src: Some(format!("/img/kategori/{}.svg", c.slug())),
                picture: None,
                title: c.name_in(id).to_owned(),
                lines: vec![
                    format!("{} produk", catalog.products_in(c).count()),
                    "IKM Lampung".into(),
                ],
            })
        }
        _ => None,
    }
}

async fn serve(state: AppState, key: String, card: impl FnOnce() -> Option<Card>) -> Response {
    let etag = state.catalog().etag.clone();
    let cache = &state.og_cache;
    let bytes = match cache.get(&key, &etag) {
        Some(bytes) => bytes,
        None => {
            let _drawing = cache.drawing.lock().await;
            // Drawn while this request waited for the lock?
            if let Some(bytes) = cache.get(&key, &etag) {
                bytes
            } else {
                let Some(mut card) = card() else {
                    return AppError::NotFound("Gambar tidak ditemukan.").into_response();
                };
                if let Some(src) = &card.picture_src {
                    card.picture = picture_data(&state, src).await;
                }
                let svg = svg(&card);
                let jpeg = match tokio::task::spawn_blocking(move || render(&svg)).await {
                    Ok(Ok(jpeg)) => jpeg,
                    Ok(Err(e)) => return AppError::Internal(e).into_response(),
                    Err(e) => return AppError::Internal(e.into()).into_response(),
                };
                cache
                    .drawn
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let bytes = axum::body::Bytes::from(jpeg);
                cache.insert(key, etag.clone(), bytes.clone());
                bytes
            }
        }
    };
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg"));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    (StatusCode::OK, headers, bytes).into_response()
}

async fn home(State(state): State<AppState>) -> Response {
    let picture_src = state
        .catalog()
        .catalog
        .products
        .iter()
        .find(|p| p.featured)
        .and_then(|p| p.images.first())
        .map(|i| i.src.clone());
    let card = Card {
        picture_src,
        picture: None,
        title: "Produk unggulan IKM Lampung".into(),
        lines: vec![
            "Tapis, batik, kopi, keripik".into(),
            "Untuk BUMN dan perusahaan".into(),
        ],
    };
    serve(state, "/og/etalase.jpg".into(), move || Some(card)).await
}

async fn page(
    State(state): State<AppState>,
    Path((kind, file)): Path<(String, String)>,
) -> Response {
    let Some(slug) = file.strip_suffix(".jpg").map(str::to_owned) else {
        return AppError::NotFound("Gambar tidak ditemukan.").into_response();
    };
    let key = format!("/og/{kind}/{file}");
    if kind == "kebutuhan" {
        // A published need: what it asks, where and by when (never who asks).
        let Ok(need) = crate::needs::board::public_need(&state, &slug).await else {
            return AppError::NotFound("Gambar tidak ditemukan.").into_response();
        };
        let card = need_card(&need);
        return serve(state, key, move || Some(card)).await;
    }
    let state2 = state.clone();
    serve(state, key, move || card_for(&state2, &kind, &slug)).await
}

fn need_card(need: &etalase_core::need::NeedCard) -> Card {
    let id = Locale::Id;
    Card {
        picture_src: Some(format!("/img/kategori/{}.svg", need.category.slug())),
        picture: None,
        title: need.title.clone(),
        lines: vec![
            format!("Dibutuhkan {} {}", need.quantity, need.unit),
            format!("Dikirim ke {}", need.kabupaten.name_in(id)),
            format!("Paling lambat {}", id.date(&need.needed_by.to_string())),
            "Kebutuhan mitra · IKM, ajukan penawaran".into(),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_titles_wrap_into_three_lines_at_most() {
        let lines = wrap(
            "Kain Tapis Motif Pucuk Rebung Benang Emas Ukuran Besar untuk Seragam Kantor",
            22,
            3,
        );
        assert_eq!(lines.len(), 3);
        assert!(lines.iter().all(|l| l.chars().count() <= 23));
        assert!(lines[2].ends_with('…'));
    }

    #[test]
    fn a_card_renders_to_a_small_jpeg_of_the_right_size() {
        let card = Card {
            picture_src: None,
            picture: None,
            title: "Kopi \"Robusta\" <Lampung> & Lada".into(),
            lines: vec!["Rp 45.000 per bungkus".into(), "Kopi Gunung Betung".into()],
        };
        let jpeg = render(&svg(&card)).unwrap();
        assert!(jpeg.len() <= MAX_BYTES);
        let img = image::load_from_memory(&jpeg).unwrap();
        assert_eq!((img.width(), img.height()), (OG_WIDTH, OG_HEIGHT));
    }
}
