//! Product photos from IKM phones: decoded with limits (no decompression bombs), re-encoded (which drops every byte of metadata: GPS, camera,
//! owner), stored in widths for phones and desktops in the database every server reads, and
//! served from there.

use crate::store::{self, Db};
use crate::AppState;
use image::{DynamicImage, ImageFormat, ImageReader, Limits};
use std::io::Cursor;

/// Largest upload accepted, in bytes.
pub const MAX_UPLOAD: usize = 8 * 1024 * 1024;
/// Widths stored for `srcset`. A photo narrower than a width is not enlarged to it.
pub const WIDTHS: [u32; 3] = [320, 640, 1280];
/// A photo with more pixels than this is refused before it is decoded: 40 megapixels
/// covers every phone camera; a "small" file claiming more is a decompression bomb.
pub const MAX_PIXELS: u64 = 40_000_000;
const MAX_SIDE: u32 = 12_000;
const JPEG_QUALITY: u8 = 82;

#[derive(Debug, PartialEq, Eq)]
pub enum PhotoError {
    /// Not JPEG, PNG or WebP, or not a picture at all.
    NotAnImage,
    /// Claims more pixels than any camera makes.
    TooManyPixels { width: u32, height: u32 },
    /// The header was fine but the picture data is broken.
    Corrupt,
}

impl PhotoError {
    pub fn message(&self) -> String {
        match self {
            PhotoError::NotAnImage => "Berkas ini bukan foto JPEG, PNG atau WebP.".into(),
            PhotoError::TooManyPixels { width, height } => format!(
                "Ukuran gambar {width}×{height} piksel terlalu besar (paling banyak 40 megapiksel)."
            ),
            PhotoError::Corrupt => "Foto rusak dan tidak dapat dibaca.".into(),
        }
    }
}

impl PhotoError {
    /// The machine-readable code the API answers with.
    pub fn code(&self) -> &'static str {
        match self {
            PhotoError::NotAnImage => "not_an_image",
            PhotoError::TooManyPixels { .. } => "too_many_pixels",
            PhotoError::Corrupt => "corrupt_image",
        }
    }
}

impl From<PhotoError> for crate::web::error::AppError {
    fn from(e: PhotoError) -> Self {
        crate::web::error::AppError::Unprocessable(e.code(), e.message())
    }
}

/// One stored width.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resized {
    pub width: u32,
    pub height: u32,
    pub jpeg: Vec<u8>,
}

/// Checks, decodes and resizes an upload into every width up to the photo's own.
pub fn process(bytes: &[u8]) -> Result<Vec<Resized>, PhotoError> {
    let format = image::guess_format(bytes).map_err(|_| PhotoError::NotAnImage)?;
    if !matches!(
        format,
        ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP
    ) {
        return Err(PhotoError::NotAnImage);
    }
    // Dimensions first, from the header alone (no pixel is decoded yet).
    let (width, height) = ImageReader::with_format(Cursor::new(bytes), format)
        .into_dimensions()
        .map_err(|_| PhotoError::NotAnImage)?;
    if u64::from(width) * u64::from(height) > MAX_PIXELS || width > MAX_SIDE || height > MAX_SIDE {
        return Err(PhotoError::TooManyPixels { width, height });
    }
    if width == 0 || height == 0 {
        return Err(PhotoError::NotAnImage);
    }
    // The decoder keeps to the limits too, whatever the header said.
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_PIXELS * 4);
    reader.limits(limits);
    let decoded = reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => PhotoError::TooManyPixels { width, height },
        _ => PhotoError::Corrupt,
    })?;
    let rgb = DynamicImage::ImageRgb8(decoded.to_rgb8());
    let mut out = Vec::new();
    for target in WIDTHS {
        let w = target.min(width);
        if out.iter().any(|r: &Resized| r.width == w) {
            continue;
        }
        let h = ((u64::from(height) * u64::from(w)) / u64::from(width)).max(1) as u32;
        let resized = if w == width {
            rgb.clone()
        } else {
            rgb.resize_exact(w, h, image::imageops::FilterType::Triangle)
        };
        let mut jpeg = Vec::new();
        let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, JPEG_QUALITY);
        resized
            .write_with_encoder(encoder)
            .map_err(|_| PhotoError::Corrupt)?;
        out.push(Resized {
            width: w,
            height: h,
            jpeg,
        });
    }
    Ok(out)
}

/// The name a stored width goes by: `<stem>-<width>.jpg`.
pub fn file_name(stem: &str, size: &Resized) -> String {
    format!("{stem}-{}.jpg", size.width)
}

/// Where photos are served.
pub const MEDIA_URL: &str = "/media";

/// Uploaded photos, from the database: every upload gets new names, so a photo never
/// changes: cached a year.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route(
            &format!("{}/produk/{{name}}", MEDIA_URL),
            axum::routing::get(media_file),
        )
        // Anything else under /media is a photo that does not exist.
        .route(
            &format!("{}/{{*rest}}", MEDIA_URL),
            axum::routing::any(|| async {
                crate::web::error::AppError::NotFound("Foto tidak ditemukan.")
            }),
        )
}

/// A photo, or a JSON 404 for any name we could not have made (too long, odd characters)
/// without asking the database.
async fn media_file(
    axum::extract::State(state): axum::extract::State<AppState>,
    axum::extract::Path(name): axum::extract::Path<String>,
    headers: axum::http::HeaderMap,
) -> Result<axum::response::Response, crate::web::error::AppError> {
    use axum::http::{header, HeaderValue};
    use axum::response::IntoResponse;
    let not_found = crate::web::error::AppError::NotFound("Foto tidak ditemukan.");
    if !media_name_ok(&name) {
        return Err(not_found);
    }
    let etag = format!("\"{name}\"");
    let immutable = HeaderValue::from_static("public, max-age=31536000, immutable");
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| crate::web::precompressed::etag_matches(v, &etag))
    {
        let mut response = axum::http::StatusCode::NOT_MODIFIED.into_response();
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, immutable);
        return Ok(response);
    }
    let (content_type, bytes) = store::media::get(&state.db, &format!("produk/{name}"))
        .await?
        .ok_or(not_found)?;
    let mut response = bytes.into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    h.insert(header::CACHE_CONTROL, immutable);
    if let Ok(etag) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, etag);
    }
    // JPEG is compressed already.
    response
        .extensions_mut()
        .insert(crate::web::precompressed::Precompressed);
    Ok(response)
}

/// Photos uploaded by versions that kept them on disk (`ETALASE_MEDIA`) move into the
/// database once, so every server behind it serves them; the folder can go afterwards.
pub async fn import_folder(db: &Db, folder: &std::path::Path) -> anyhow::Result<()> {
    let dir = folder.join("produk");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(());
    };
    let mut imported = 0;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if !media_name_ok(&name) {
            continue;
        }
        // Only regular files (a link could point anywhere: a password file would be
        // published), no larger than an upload, and only what is a JPEG picture.
        let is_file = std::fs::symlink_metadata(&path)
            .is_ok_and(|m| m.file_type().is_file() && m.len() <= MAX_UPLOAD as u64);
        if !is_file {
            tracing::warn!(file = %path.display(), "not a regular photo file: left where it is");
            continue;
        }
        let key = format!("produk/{name}");
        if store::media::get(db, &key).await?.is_some() {
            continue;
        }
        let bytes = tokio::fs::read(&path)
            .await
            .map_err(|e| anyhow::anyhow!("reading {}: {e}", path.display()))?;
        if image::guess_format(&bytes).ok() != Some(ImageFormat::Jpeg) {
            tracing::warn!(file = %path.display(), "not a JPEG photo: left where it is");
            continue;
        }
        let mut tx = db.write_tx().await?;
        store::media::put(
            &mut tx,
            &key,
            "image/jpeg",
            &bytes,
            &crate::clock::now_utc(),
        )
        .await?;
        tx.commit().await?;
        imported += 1;
    }
    if imported > 0 {
        tracing::info!(imported, folder = %dir.display(), "photos moved into the database");
    }
    Ok(())
}

/// The longest photo name served (ours are a product slug, 8 hex digits and a width).
const MAX_MEDIA_NAME: usize = 200;

/// Whether a photo name is one we could have made: short, lower-case letters, digits, `-`,
/// one `.jpg`.
fn media_name_ok(name: &str) -> bool {
    name.len() <= MAX_MEDIA_NAME
        && name.strip_suffix(".jpg").is_some_and(|stem| {
            !stem.is_empty()
                && stem
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn photo(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
        let img = image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8])
        });
        let mut bytes = Vec::new();
        DynamicImage::ImageRgb8(img)
            .write_to(&mut Cursor::new(&mut bytes), format)
            .unwrap();
        bytes
    }

    #[test]
    fn a_photo_is_stored_in_every_width_up_to_its_own() {
        let sizes = process(&photo(1600, 1200, ImageFormat::Jpeg)).unwrap();
        let widths: Vec<(u32, u32)> = sizes.iter().map(|s| (s.width, s.height)).collect();
        assert_eq!(widths, [(320, 240), (640, 480), (1280, 960)]);
        for s in &sizes {
            let back = image::load_from_memory(&s.jpeg).unwrap();
            assert_eq!((back.width(), back.height()), (s.width, s.height));
        }
        let small = process(&photo(500, 500, ImageFormat::Png)).unwrap();
        let widths: Vec<u32> = small.iter().map(|s| s.width).collect();
        assert_eq!(widths, [320, 500]);
    }

    #[test]
    fn text_is_not_a_photo() {
        assert_eq!(
            process(b"Ini bukan foto, hanya teks yang diberi nama .jpg"),
            Err(PhotoError::NotAnImage)
        );
        assert_eq!(process(b""), Err(PhotoError::NotAnImage));
    }

    #[test]
    fn other_formats_are_refused() {
        let mut gif = b"GIF89a".to_vec();
        gif.extend_from_slice(&[1, 0, 1, 0, 0, 0, 0]);
        assert_eq!(process(&gif), Err(PhotoError::NotAnImage));
    }
}
