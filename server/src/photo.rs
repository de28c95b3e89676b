//! Product photos from IKM phones: decoded with limits (no decompression bombs), re-encoded (which drops every byte of metadata: GPS, camera,
//! owner), and stored in widths for phones and desktops.

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
