//! An IKM's products at the desk: edits checked by core and live on the storefront at once,
//! new and retired products, and photos that are resized, stripped and refused when bad.

mod common;

use common::{spawn_app, Session, TestApp};
use etalase_core::account::Role;
use etalase_core::api::ApiError;
use etalase_core::catalog::Catalog;
use etalase_core::product_edit::{DeskProduct, ProductInput};
use image::{DynamicImage, ImageFormat};
use serde_json::json;
use std::io::Cursor;

const OWNER: &str = "kopi-gunung-betung";
const PRODUCT: &str = "kopi-robusta-bubuk-250-g";

async fn owner(app: &TestApp) -> Session {
    let p = app.account(OWNER, Role::Ikm, Some(OWNER)).await;
    app.login(OWNER, &p).await
}

async fn catalog(app: &TestApp) -> (Catalog, String) {
    let res = app.get("/api/v1/catalog").await;
    let etag = res.headers()["etag"].to_str().unwrap().to_owned();
    (res.json().await.unwrap(), etag)
}

async fn input_of(app: &TestApp, slug: &str) -> ProductInput {
    let (catalog, _) = catalog(app).await;
    ProductInput::from_product(catalog.product(slug).unwrap())
}

#[tokio::test]
async fn an_edit_reaches_the_storefront_at_once() {
    let app = spawn_app().await;
    let session = owner(&app).await;
    let (_, etag) = catalog(&app).await;
    let mut input = input_of(&app, PRODUCT).await;
    input.price = etalase_core::Rupiah(47_500);
    input.lead_time_days = 4;

    let res = app
        .post_as(
            &session,
            &format!("/api/v1/desk/products/{PRODUCT}"),
            &json!(input),
        )
        .await;

    assert_eq!(res.status(), 200);
    let (catalog, new_etag) = catalog(&app).await;
    assert_ne!(etag, new_etag);
    let p = catalog.product(PRODUCT).unwrap();
    assert_eq!(p.price.amount(), 47_500);
    assert_eq!(p.lead_time_days, 4);
}

#[tokio::test]
async fn a_bad_edit_names_each_field_and_changes_nothing() {
    let app = spawn_app().await;
    let session = owner(&app).await;
    let (_, etag) = catalog(&app).await;
    let mut input = input_of(&app, PRODUCT).await;
    input.price = etalase_core::Rupiah(0);
    input.name = "  ".into();
    input.order_increment = 0;

    let res = app
        .send_as(
            Some(&session),
            reqwest::Method::POST,
            &format!("/api/v1/desk/products/{PRODUCT}"),
            &json!(input),
        )
        .await;

    assert_eq!(res.status(), 422);
    let error: ApiError = res.json().await.unwrap();
    assert_eq!(error.fields["price"], "Harga harus lebih dari Rp 0.");
    assert_eq!(error.fields["name"], "Wajib diisi.");
    assert_eq!(error.fields["order_increment"], "Paling sedikit 1.");
    assert_eq!(catalog(&app).await.1, etag);
}

#[tokio::test]
async fn another_ikms_product_does_not_exist_for_this_desk() {
    let app = spawn_app().await;
    let session = owner(&app).await;
    let honey = "madu-hutan-botol-kecil-250-g";
    let input = input_of(&app, honey).await;
    for path in [
        format!("/api/v1/desk/products/{honey}"),
        format!("/api/v1/desk/products/{honey}/retired"),
    ] {
        let body = if path.ends_with("retired") {
            json!({ "value": true })
        } else {
            json!(input)
        };
        assert_eq!(
            app.post_as(&session, &path, &body).await.status(),
            404,
            "{path}"
        );
    }
    let res = app
        .client
        .post(format!("{}/api/v1/desk/products/{honey}/photo", app.base))
        .header("Cookie", &session.cookie)
        .header("Origin", &app.base)
        .header("Content-Type", "image/jpeg")
        .body(photo(800, 600, ImageFormat::Jpeg))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let list: Vec<DeskProduct> = app
        .get_as(&session, "/api/v1/desk/products")
        .await
        .json()
        .await
        .unwrap();
    assert!(!list.is_empty());
    assert!(list.iter().all(|p| p.product.ikm.as_str() == OWNER));
}

#[tokio::test]
async fn a_new_product_is_listed_and_a_retired_one_leaves_the_storefront() {
    let app = spawn_app().await;
    let session = owner(&app).await;
    let mut input = input_of(&app, PRODUCT).await;
    input.name = "Kopi Robusta Lanang 200 g".into();
    let created: DeskProduct = app
        .post_as(&session, "/api/v1/desk/products", &json!(input))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(created.product.slug.as_str(), "kopi-robusta-lanang-200-g");
    assert!(catalog(&app)
        .await
        .0
        .product("kopi-robusta-lanang-200-g")
        .is_some());

    let res = app
        .post_as(
            &session,
            "/api/v1/desk/products/kopi-robusta-lanang-200-g/retired",
            &json!({ "value": true }),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert!(catalog(&app)
        .await
        .0
        .product("kopi-robusta-lanang-200-g")
        .is_none());
    assert_eq!(
        app.get("/api/v1/products/kopi-robusta-lanang-200-g")
            .await
            .status(),
        404
    );
    let list: Vec<DeskProduct> = app
        .get_as(&session, "/api/v1/desk/products")
        .await
        .json()
        .await
        .unwrap();
    let retired = list
        .iter()
        .find(|p| p.product.slug.as_str() == "kopi-robusta-lanang-200-g")
        .unwrap();
    assert!(retired.retired, "the IKM still sees it, to list it again");
}

fn photo(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x / 7 % 256) as u8, (y / 5 % 256) as u8, 120])
    });
    let mut bytes = Vec::new();
    DynamicImage::ImageRgb8(img)
        .write_to(&mut Cursor::new(&mut bytes), format)
        .unwrap();
    bytes
}

/// A JPEG with an EXIF block carrying a GPS position, as phones write them.
fn photo_with_exif() -> Vec<u8> {
    let jpeg = photo(1600, 1200, ImageFormat::Jpeg);
    let payload = b"Exif\0\0GPSLatitude -5.4292 GPSLongitude 105.2610 Samsung SM-A155F";
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(payload);
    out.extend_from_slice(&jpeg[2..]);
    out
}

async fn upload(
    app: &TestApp,
    session: &Session,
    content_type: &str,
    body: Vec<u8>,
) -> reqwest::Response {
    app.client
        .post(format!("{}/api/v1/desk/products/{PRODUCT}/photo", app.base))
        .header("Cookie", &session.cookie)
        .header("Origin", &app.base)
        .header("Content-Type", content_type)
        .body(body)
        .send()
        .await
        .unwrap()
}

/// Photos stored, in the database every server reads.
async fn stored_photos(app: &TestApp) -> i64 {
    app.state
        .db
        .scalar_unchecked("SELECT COUNT(*) FROM media")
        .await
        .unwrap()
}

#[tokio::test]
async fn a_real_photo_is_resized_into_every_width_without_its_metadata() {
    let app = spawn_app().await;
    let session = owner(&app).await;

    let res = upload(&app, &session, "image/jpeg", photo_with_exif()).await;

    assert_eq!(res.status(), 200);
    let product: DeskProduct = res.json().await.unwrap();
    let image = &product.product.images[0];
    let widths: Vec<u32> = image.sizes.iter().map(|s| s.width).collect();
    assert_eq!(widths, [320, 640, 1280]);
    assert_eq!((image.width, image.height), (1280, 960));
    assert!(image.srcset().contains("320w"));
    assert_eq!(stored_photos(&app).await, 3);
    for size in &image.sizes {
        let res = app.get(&size.src).await;
        assert_eq!(res.status(), 200, "{}", size.src);
        assert!(res.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable"));
        let etag = res.headers()["etag"].clone();
        let bytes = res.bytes().await.unwrap();
        // A phone that has it asks again with its ETag and gets no bytes.
        let again = app
            .client
            .get(format!("{}{}", app.base, size.src))
            .header("If-None-Match", etag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 304, "{}", size.src);
        let decoded = image::load_from_memory(&bytes).unwrap();
        assert_eq!(decoded.width(), size.width);
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("Exif") && !text.contains("GPS"),
            "metadata is gone"
        );
    }
    // The storefront shows the photo instead of the drawing.
    let (catalog, _) = catalog(&app).await;
    assert_eq!(catalog.product(PRODUCT).unwrap().images[0].src, image.src);
}

#[tokio::test]
async fn a_text_file_named_jpg_is_refused_and_nothing_is_stored() {
    let app = spawn_app().await;
    let session = owner(&app).await;
    let (_, etag) = catalog(&app).await;

    let res = upload(
        &app,
        &session,
        "image/jpeg",
        b"Daftar harga kopi 2026\nRobusta 45000\n".to_vec(),
    )
    .await;

    assert_eq!(res.status(), 422);
    let error: ApiError = res.json().await.unwrap();
    assert_eq!(error.code, "not_an_image");
    assert_eq!(error.message, "Berkas ini bukan foto JPEG, PNG atau WebP.");
    assert_eq!(stored_photos(&app).await, 0);
    assert_eq!(catalog(&app).await.1, etag);
}

#[tokio::test]
async fn an_oversize_file_is_refused_with_413() {
    let app = spawn_app().await;
    let session = owner(&app).await;
    let mut big = photo(64, 64, ImageFormat::Jpeg);
    big.resize(8 * 1024 * 1024 + 1, 0);

    let res = upload(&app, &session, "image/jpeg", big).await;

    assert_eq!(res.status(), 413);
    let error: ApiError = res.json().await.unwrap();
    assert_eq!(error.code, "photo_too_large");
    assert_eq!(stored_photos(&app).await, 0);
}

/// CRC-32 (IEEE), as PNG chunks carry it.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    let mut body = kind.to_vec();
    body.extend_from_slice(data);
    out.extend_from_slice(&body);
    out.extend_from_slice(&crc32(&body).to_be_bytes());
    out
}

/// A PNG of a few hundred bytes that claims 50,000 × 50,000 pixels: decoded, it would take
/// 7.5 GB.
fn decompression_bomb() -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&50_000u32.to_be_bytes());
    ihdr.extend_from_slice(&50_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    png.extend(chunk(b"IHDR", &ihdr));
    // A valid zlib stream of a little zero data; the rest of the "picture" is implied.
    png.extend(chunk(
        b"IDAT",
        &[0x78, 0x9c, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01],
    ));
    png.extend(chunk(b"IEND", &[]));
    png
}

#[tokio::test]
async fn a_decompression_bomb_is_refused_before_it_is_decoded() {
    let app = spawn_app().await;
    let session = owner(&app).await;
    let bomb = decompression_bomb();
    assert!(bomb.len() < 1024);

    let res = upload(&app, &session, "image/png", bomb).await;

    assert_eq!(res.status(), 422);
    let error: ApiError = res.json().await.unwrap();
    assert_eq!(error.code, "too_many_pixels");
    assert!(error.message.contains("50000×50000"), "{}", error.message);
    assert_eq!(stored_photos(&app).await, 0);
}

#[tokio::test]
async fn photos_an_earlier_version_kept_on_disk_move_into_the_database() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("dist")).unwrap();
    std::fs::write(dir.path().join("dist/index.html"), common::INDEX).unwrap();
    let folder = dir.path().join("media/produk");
    std::fs::create_dir_all(&folder).unwrap();
    let jpeg = photo(320, 240, ImageFormat::Jpeg);
    std::fs::write(folder.join("madu-hutan-0a1b2c3d-320.jpg"), &jpeg).unwrap();
    // Not a name the server makes: left where it is, never served.
    std::fs::write(folder.join("Bukan Foto.JPG"), b"x").unwrap();
    // A link (to a secret, say), a text named .jpg and a folder named .jpg: none published,
    // and the start goes on.
    let secret = dir.path().join("rahasia.txt");
    std::fs::write(&secret, "admin\tdisperindag\trahasia").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&secret, folder.join("tautan-0a1b2c3d-320.jpg")).unwrap();
    std::fs::write(folder.join("teks-0a1b2c3d-320.jpg"), b"<script>x</script>").unwrap();
    std::fs::create_dir_all(folder.join("folder-0a1b2c3d-320.jpg")).unwrap();
    let config = common::config_in(dir.path(), common::seed_path());
    let app = common::spawn_with(dir, config).await;

    assert_eq!(stored_photos(&app).await, 1);
    let res = app.get("/media/produk/madu-hutan-0a1b2c3d-320.jpg").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/jpeg");
    assert_eq!(res.bytes().await.unwrap().as_ref(), jpeg.as_slice());
    assert_eq!(
        app.get("/media/produk/Bukan%20Foto.JPG").await.status(),
        404
    );
    for name in ["tautan", "teks", "folder"] {
        let res = app
            .get(&format!("/media/produk/{name}-0a1b2c3d-320.jpg"))
            .await;
        assert_eq!(res.status(), 404, "{name}");
    }
    assert_eq!(stored_photos(&app).await, 1);
}
