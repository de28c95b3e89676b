//! An IKM's own products at the desk: edit, add, retire, and upload a photo. Every change is
//! checked by core's rules, written to the audit log, and reaches the storefront at once
//! (the catalog is reloaded and its ETag changes). Another IKM's product answers 404.

use crate::accounts::audit;
use crate::accounts::IkmUser;
use crate::clock::today_wib;
use crate::desk::photo::{self, PhotoError, MAX_UPLOAD, MEDIA_URL};
use crate::store::{self, Db, Tx};
use crate::web::error::AppError;
use crate::web::extract::{JsonBody, Lang, SameOrigin};
use crate::web::http::random_hex;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{header, HeaderMap};
use axum::Json;
use etalase_core::admin::SetFlag;
use etalase_core::catalog::{Image, ImageSize};
use etalase_core::product_edit::{
    check_product, product_messages, slug_from_name, DeskProduct, ProductInput,
    MAX_PRODUCTS_PER_IKM,
};

pub fn routes() -> utoipa_axum::router::OpenApiRouter<AppState> {
    use utoipa_axum::router::OpenApiRouter;
    use utoipa_axum::routes;
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(update))
        .routes(routes!(set_retired))
        .layer(DefaultBodyLimit::max(crate::orders::MAX_BODY))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(upload_photo))
                .layer(DefaultBodyLimit::max(MAX_UPLOAD)),
        )
}

async fn own_products(db: &Db, ikm: &str) -> Result<Vec<DeskProduct>, AppError> {
    Ok(store::catalog::products_of(db, ikm).await?)
}

/// The product if it belongs to `ikm`; 404 otherwise, as if it did not exist.
async fn own_product(db: &Db, ikm: &str, slug: &str) -> Result<DeskProduct, AppError> {
    store::catalog::product(db, slug)
        .await?
        .filter(|p| p.product.ikm.as_str() == ikm)
        .ok_or(AppError::NotFound("Produk tidak ditemukan."))
}

/// One change to a product, for the audit log.
struct Change<'a> {
    action: &'a str,
    from: &'a str,
    to: &'a str,
}

/// Records the change, commits it, brings the storefront up to date, and answers the product
/// as it is now.
async fn finish(
    state: &AppState,
    mut tx: Tx,
    account: &crate::accounts::Account,
    ikm: &str,
    slug: &str,
    change: Change<'_>,
) -> Result<Json<DeskProduct>, AppError> {
    audit::record(
        &mut tx,
        account,
        change.action,
        &format!("produk {slug}"),
        change.from,
        change.to,
    )
    .await?;
    state.catalog_changed(tx).await?;
    Ok(Json(own_product(&state.db, ikm, slug).await?))
}

#[utoipa::path(get, path = "/api/v1/desk/products", tag = "desk", security(("session" = [])),
    responses((status = 200, description = "This IKM's products, retired ones too", body = Vec<etalase_core::product_edit::DeskProduct>)))]
async fn list(
    State(state): State<AppState>,
    IkmUser(_user, ikm): IkmUser,
) -> Result<Json<Vec<DeskProduct>>, AppError> {
    Ok(Json(own_products(&state.db, &ikm).await?))
}

/// The input if it passes core's rules, else each field's message in the caller's language.
fn checked(input: ProductInput, locale: etalase_core::Locale) -> Result<ProductInput, AppError> {
    let errors = check_product(&input);
    if errors.is_empty() {
        Ok(input)
    } else {
        Err(AppError::Fields(product_messages(&errors, locale), locale))
    }
}

/// A short record of a product's editable fields for the audit log.
fn summary(p: &ProductInput) -> String {
    format!(
        "{} · Rp {} / {} · min {} +{} · {} hari · {} tier",
        p.name,
        p.price.amount(),
        p.unit,
        p.min_order,
        p.order_increment,
        p.lead_time_days,
        p.tiers.len()
    )
}

#[utoipa::path(post, path = "/api/v1/desk/products/{slug}", tag = "desk", security(("session" = [])),
    params(("slug" = String, Path)),
    request_body = etalase_core::product_edit::ProductInput,
    responses((status = 200, description = "The product after the change", body = etalase_core::product_edit::DeskProduct),
        (status = 422, description = "Fields that break the rules", body = etalase_core::api::ApiError)))]
async fn update(
    State(state): State<AppState>,
    IkmUser(account, ikm): IkmUser,
    _: SameOrigin,
    Lang(locale): Lang,
    Path(slug): Path<String>,
    JsonBody(input): JsonBody<ProductInput>,
) -> Result<Json<DeskProduct>, AppError> {
    let before = own_product(&state.db, &ikm, &slug).await?;
    let input = checked(input, locale)?;
    let mut tx = state.db.write_tx().await?;
    store::catalog::update_product(&mut tx, &ikm, &slug, &input).await?;
    let change = Change {
        action: "edit_product",
        from: &summary(&ProductInput::from_product(&before.product)),
        to: &summary(&input),
    };
    finish(&state, tx, &account, &ikm, &slug, change).await
}

#[utoipa::path(post, path = "/api/v1/desk/products", tag = "desk", security(("session" = [])),
    request_body = etalase_core::product_edit::ProductInput,
    responses((status = 200, description = "The new product", body = etalase_core::product_edit::DeskProduct),
        (status = 422, description = "Fields that break the rules", body = etalase_core::api::ApiError)))]
async fn create(
    State(state): State<AppState>,
    IkmUser(account, ikm): IkmUser,
    _: SameOrigin,
    Lang(locale): Lang,
    JsonBody(input): JsonBody<ProductInput>,
) -> Result<Json<DeskProduct>, AppError> {
    let input = checked(input, locale)?;
    let base = slug_from_name(&input.name);
    let mut tx = state.db.write_tx().await?;
    let added = store::catalog::add_product(
        &mut tx,
        &ikm,
        &base,
        &input,
        &today_wib().to_string(),
        MAX_PRODUCTS_PER_IKM,
    )
    .await?;
    let slug = match added {
        store::catalog::Added::Slug(slug) => slug,
        store::catalog::Added::TooMany => {
            return Err(AppError::Conflict(
                "too_many_products",
                format!(
                    "Paling banyak {MAX_PRODUCTS_PER_IKM} produk per IKM (termasuk yang \
                     ditarik). Ubah produk yang ditarik untuk dipakai lagi."
                ),
            ))
        }
    };
    let change = Change {
        action: "add_product",
        from: "",
        to: &summary(&input),
    };
    finish(&state, tx, &account, &ikm, &slug, change).await
}

#[utoipa::path(post, path = "/api/v1/desk/products/{slug}/retired", tag = "desk", security(("session" = [])),
    params(("slug" = String, Path)),
    request_body = etalase_core::admin::SetFlag,
    responses((status = 200, description = "The product after the change", body = etalase_core::product_edit::DeskProduct)))]
async fn set_retired(
    State(state): State<AppState>,
    IkmUser(account, ikm): IkmUser,
    _: SameOrigin,
    Path(slug): Path<String>,
    JsonBody(SetFlag { value }): JsonBody<SetFlag>,
) -> Result<Json<DeskProduct>, AppError> {
    let before = own_product(&state.db, &ikm, &slug).await?;
    let mut tx = state.db.write_tx().await?;
    store::catalog::set_retired(&mut tx, &ikm, &slug, value).await?;
    let label = |retired: bool| if retired { "ditarik" } else { "tayang" };
    let change = Change {
        action: if value {
            "retire_product"
        } else {
            "relist_product"
        },
        from: label(before.retired),
        to: label(value),
    };
    finish(&state, tx, &account, &ikm, &slug, change).await
}

/// The photo comes as the raw body (`Content-Type: image/jpeg`, `image/png` or
/// `image/webp`): a cross-site form cannot send that, and the `Origin` is checked too.
#[utoipa::path(post, path = "/api/v1/desk/products/{slug}/photo", tag = "desk", security(("session" = [])),
    params(("slug" = String, Path)),
    request_body(content = Vec<u8>, content_type = "image/jpeg", description = "A JPEG, PNG or WebP photo, at most 8 MB"),
    responses((status = 200, description = "The product with the photo first", body = etalase_core::product_edit::DeskProduct),
        (status = 413, description = "Over 8 MB", body = etalase_core::api::ApiError),
        (status = 422, description = "Not a photo we take", body = etalase_core::api::ApiError)))]
async fn upload_photo(
    State(state): State<AppState>,
    IkmUser(account, ikm): IkmUser,
    _: SameOrigin,
    Path(slug): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Json<DeskProduct>, AppError> {
    let before = own_product(&state.db, &ikm, &slug).await?;
    let declared = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !matches!(declared, "image/jpeg" | "image/png" | "image/webp") {
        return Err(PhotoError::NotAnImage.into());
    }
    let body = body.map_err(|_| AppError::PhotoTooLarge)?;
    if body.len() > MAX_UPLOAD {
        return Err(AppError::PhotoTooLarge);
    }
    let sizes = crate::web::gate::PHOTOS
        .run(move || photo::process(&body))
        .await?
        .map_err(AppError::from)?;
    let stem = format!("{slug}-{}", &random_hex()?[..8]);
    let names: Vec<String> = sizes.iter().map(|s| photo::file_name(&stem, s)).collect();
    let largest = sizes.last().ok_or(AppError::from(PhotoError::Corrupt))?;
    let url = |name: &str| format!("{MEDIA_URL}/produk/{name}");
    let image = Image {
        src: url(names.last().map(String::as_str).unwrap_or_default()),
        alt: before.product.name.clone(),
        width: largest.width,
        height: largest.height,
        sizes: sizes
            .iter()
            .zip(&names)
            .map(|(s, n)| ImageSize {
                src: url(n),
                width: s.width,
            })
            .collect(),
    };
    // The photo goes first; drawn pictures are dropped, earlier photos stay behind it.
    let mut images = vec![image];
    images.extend(
        before
            .product
            .images
            .iter()
            .filter(|i| i.src.starts_with(MEDIA_URL))
            .take(3)
            .cloned(),
    );
    let mut tx = state.db.write_tx().await?;
    // The photo and the product that shows it are stored together, where every server
    // reads them.
    let now = crate::clock::now_utc();
    for (size, name) in sizes.iter().zip(&names) {
        let key = format!("produk/{name}");
        store::media::put(&mut tx, &key, "image/jpeg", &size.jpeg, &now).await?;
    }
    let images_json = serde_json::to_string(&images).map_err(anyhow::Error::from)?;
    store::catalog::set_images(&mut tx, &ikm, &slug, &images_json).await?;
    let change = Change {
        action: "upload_photo",
        from: before
            .product
            .images
            .first()
            .map(|i| i.src.as_str())
            .unwrap_or(""),
        to: &images[0].src,
    };
    finish(&state, tx, &account, &ikm, &slug, change).await
}
