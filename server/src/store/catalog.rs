//! The catalog's tables, `ikm` and `product`: seeding from `data/`, reading the catalog back
//! (checked as strictly as a seed file), and the desk's and the admin's edits.

use super::{sql, Db, Tx};
use anyhow::{anyhow, bail, Context};
use etalase_core::catalog::{validate, Availability, CatalogData, Ikm, LegalIds, Product};
use etalase_core::product_edit::{DeskProduct, ProductInput};
use etalase_core::{Category, Kabupaten, Phone, Rupiah, Slug};
use std::path::Path;

/// Reads and validates a catalog file; errors name the record and the field.
pub fn read_seed(path: &Path) -> anyhow::Result<CatalogData> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read seed catalog {}", path.display()))?;
    let de = &mut serde_json::Deserializer::from_str(&text);
    let data: CatalogData = serde_path_to_error::deserialize(de).map_err(|e| {
        anyhow!(
            "seed catalog {}: record `{}`: {}",
            path.display(),
            e.path(),
            e.inner()
        )
    })?;
    check(&data).with_context(|| format!("seed catalog {} is invalid", path.display()))?;
    Ok(data)
}

fn check(data: &CatalogData) -> anyhow::Result<()> {
    if let Err(errors) = validate(data) {
        let list: Vec<String> = errors.iter().map(|e| format!("  - {e}")).collect();
        bail!("{} problem(s):\n{}", errors.len(), list.join("\n"));
    }
    Ok(())
}

/// Seeds an empty database from the catalog file, all or nothing; true when it seeded.
/// Servers starting together on one database seed it once: the check runs under a lock.
pub async fn seed_if_empty(db: &Db, seed: &Path) -> anyhow::Result<bool> {
    let mut tx = db.write_tx().await?;
    tx.serialize("seed:catalog").await?;
    let count = sql!(&mut tx, |c| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM ikm"
    )
    .fetch_one(&mut *c)
    .await)?;
    if count > 0 {
        return Ok(false);
    }
    let data = read_seed(seed)?;
    for (pos, ikm) in data.ikm.iter().enumerate() {
        insert_ikm(&mut tx, pos as i64, ikm)
            .await
            .with_context(|| format!("cannot store ikm {}", ikm.slug))?;
    }
    for (pos, product) in data.products.iter().enumerate() {
        insert_product(&mut tx, pos as i64, product)
            .await
            .with_context(|| format!("cannot store product {}", product.slug))?;
    }
    tx.commit().await?;
    Ok(true)
}

async fn insert_ikm(tx: &mut Tx, pos: i64, ikm: &Ikm) -> anyhow::Result<()> {
    sql!(tx, |c| sqlx::query(
        "INSERT INTO ikm (slug, position, name, kabupaten, story, whatsapp, nib, pirt, bpom_md, \
         halal, sni, legal_sample, pkp) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(ikm.slug.as_str())
    .bind(pos)
    .bind(&ikm.name)
    .bind(ikm.kabupaten.slug())
    .bind(&ikm.story)
    .bind(ikm.whatsapp.e164())
    .bind(&ikm.legal.nib)
    .bind(&ikm.legal.pirt)
    .bind(&ikm.legal.bpom_md)
    .bind(&ikm.legal.halal)
    .bind(&ikm.legal.sni)
    .bind(ikm.legal.sample)
    .bind(ikm.pkp)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

async fn insert_product(tx: &mut Tx, pos: i64, p: &Product) -> anyhow::Result<()> {
    let tiers = serde_json::to_string(&p.tiers)?;
    let images = serde_json::to_string(&p.images)?;
    sql!(tx, |c| sqlx::query(
        "INSERT INTO product (slug, position, ikm_slug, name, category, description, unit, price, \
         min_order, order_increment, tiers, lead_time_days, availability, images, listed_on, \
         featured) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
    )
    .bind(p.slug.as_str())
    .bind(pos)
    .bind(p.ikm.as_str())
    .bind(&p.name)
    .bind(p.category.slug())
    .bind(&p.description)
    .bind(&p.unit)
    .bind(p.price.amount())
    .bind(i64::from(p.min_order))
    .bind(i64::from(p.order_increment))
    .bind(&tiers)
    .bind(i64::from(p.lead_time_days))
    .bind(p.availability.slug())
    .bind(&images)
    .bind(&p.listed_on)
    .bind(p.featured)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct IkmRow {
    slug: String,
    name: String,
    kabupaten: String,
    story: String,
    whatsapp: String,
    nib: Option<String>,
    pirt: Option<String>,
    bpom_md: Option<String>,
    halal: Option<String>,
    sni: Option<String>,
    legal_sample: bool,
    pkp: bool,
    verified: bool,
    delivers_to: String,
}

#[derive(sqlx::FromRow)]
struct ProductRow {
    slug: String,
    ikm_slug: String,
    name: String,
    category: String,
    description: String,
    unit: String,
    price: i64,
    min_order: i64,
    order_increment: i64,
    tiers: String,
    lead_time_days: i64,
    availability: String,
    images: String,
    listed_on: String,
    featured: bool,
    retired: bool,
}

const PRODUCT_COLUMNS: &str = "slug, ikm_slug, name, category, description, unit, price, \
    min_order, order_increment, tiers, lead_time_days, availability, images, listed_on, \
    featured, retired";

/// A stored value that no longer parses: names the record and the field.
fn bad(record: &str, slug: &str, field: &str, why: impl std::fmt::Display) -> anyhow::Error {
    anyhow!("stored {record} \"{slug}\", field `{field}`: {why}")
}

fn count(record: &str, slug: &str, field: &str, v: i64) -> anyhow::Result<u32> {
    u32::try_from(v).map_err(|_| bad(record, slug, field, format!("{v} is out of range")))
}

impl IkmRow {
    fn into_ikm(self) -> anyhow::Result<Ikm> {
        let s = self.slug.clone();
        Ok(Ikm {
            slug: Slug::parse(&self.slug).map_err(|e| bad("ikm", &s, "slug", e))?,
            name: self.name,
            kabupaten: Kabupaten::from_slug(&self.kabupaten).ok_or_else(|| {
                bad(
                    "ikm",
                    &s,
                    "kabupaten",
                    format!("unknown {:?}", self.kabupaten),
                )
            })?,
            story: self.story,
            whatsapp: Phone::parse(&self.whatsapp).map_err(|e| bad("ikm", &s, "whatsapp", e))?,
            legal: LegalIds {
                nib: self.nib,
                pirt: self.pirt,
                bpom_md: self.bpom_md,
                halal: self.halal,
                sni: self.sni,
                sample: self.legal_sample,
            },
            pkp: self.pkp,
            verified: self.verified,
            delivers_to: self
                .delivers_to
                .split(',')
                .filter(|k| !k.is_empty())
                .map(|k| {
                    Kabupaten::from_slug(k)
                        .ok_or_else(|| bad("ikm", &s, "delivers_to", format!("unknown {k:?}")))
                })
                .collect::<anyhow::Result<_>>()?,
        })
    }
}

impl ProductRow {
    fn into_desk_product(self) -> anyhow::Result<DeskProduct> {
        let retired = self.retired;
        Ok(DeskProduct {
            product: self.into_product()?,
            retired,
        })
    }

    fn into_product(self) -> anyhow::Result<Product> {
        let s = self.slug.clone();
        let r = "product";
        Ok(Product {
            slug: Slug::parse(&self.slug).map_err(|e| bad(r, &s, "slug", e))?,
            ikm: Slug::parse(&self.ikm_slug).map_err(|e| bad(r, &s, "ikm", e))?,
            name: self.name,
            category: Category::from_slug(&self.category)
                .ok_or_else(|| bad(r, &s, "category", format!("unknown {:?}", self.category)))?,
            description: self.description,
            unit: self.unit,
            price: Rupiah(self.price),
            min_order: count(r, &s, "min_order", self.min_order)?,
            order_increment: count(r, &s, "order_increment", self.order_increment)?,
            tiers: serde_json::from_str(&self.tiers).map_err(|e| bad(r, &s, "tiers", e))?,
            lead_time_days: count(r, &s, "lead_time_days", self.lead_time_days)?,
            availability: Availability::from_slug(&self.availability).ok_or_else(|| {
                bad(
                    r,
                    &s,
                    "availability",
                    format!("unknown {:?}", self.availability),
                )
            })?,
            images: serde_json::from_str(&self.images).map_err(|e| bad(r, &s, "images", e))?,
            listed_on: self.listed_on,
            featured: self.featured,
        })
    }
}

/// Reads the whole catalog (retired products left out) and checks it as strictly as a seed
/// file.
pub async fn load(db: &Db) -> anyhow::Result<CatalogData> {
    let ikm_rows: Vec<IkmRow> = sql!(db, |c| sqlx::query_as(
        "SELECT slug, name, kabupaten, story, whatsapp, nib, pirt, bpom_md, halal, sni, \
         legal_sample, pkp, verified, delivers_to FROM ikm ORDER BY position, slug",
    )
    .fetch_all(&mut *c)
    .await)?;
    let query =
        format!("SELECT {PRODUCT_COLUMNS} FROM product WHERE NOT retired ORDER BY position, slug");
    let product_rows: Vec<ProductRow> =
        sql!(db, |c| sqlx::query_as(sqlx::AssertSqlSafe(query.clone()))
            .fetch_all(&mut *c)
            .await)?;
    let data = CatalogData {
        ikm: ikm_rows
            .into_iter()
            .map(IkmRow::into_ikm)
            .collect::<anyhow::Result<_>>()?,
        products: product_rows
            .into_iter()
            .map(ProductRow::into_product)
            .collect::<anyhow::Result<_>>()?,
    };
    check(&data).context("the catalog in the database is invalid")?;
    Ok(data)
}

/// One product by slug, retired or not, for its IKM's desk.
pub async fn product(db: &Db, slug: &str) -> anyhow::Result<Option<DeskProduct>> {
    let query = format!("SELECT {PRODUCT_COLUMNS} FROM product WHERE slug = $1");
    let row: Option<ProductRow> = sql!(db, |c| sqlx::query_as(sqlx::AssertSqlSafe(query.clone()))
        .bind(slug)
        .fetch_optional(&mut *c)
        .await)?;
    row.map(ProductRow::into_desk_product).transpose()
}

/// An IKM's products, retired ones last.
pub async fn products_of(db: &Db, ikm: &str) -> anyhow::Result<Vec<DeskProduct>> {
    let query = format!(
        "SELECT {PRODUCT_COLUMNS} FROM product WHERE ikm_slug = $1 \
         ORDER BY retired, position, slug"
    );
    let rows: Vec<ProductRow> = sql!(db, |c| sqlx::query_as(sqlx::AssertSqlSafe(query.clone()))
        .bind(ikm)
        .fetch_all(&mut *c)
        .await)?;
    rows.into_iter()
        .map(ProductRow::into_desk_product)
        .collect()
}

/// Binds the editable fields, in the order both the insert and the update name them.
macro_rules! bind_fields {
    ($query:expr, $input:expr, $tiers:expr) => {
        $query
            .bind($input.name.trim())
            .bind($input.category.slug())
            .bind($input.description.trim())
            .bind($input.unit.trim())
            .bind($input.price.amount())
            .bind(i64::from($input.min_order))
            .bind(i64::from($input.order_increment))
            .bind($tiers)
            .bind(i64::from($input.lead_time_days))
            .bind($input.availability.slug())
    };
}

/// Changes a product's editable fields, if it is `ikm`'s.
pub async fn update_product(
    tx: &mut Tx,
    ikm: &str,
    slug: &str,
    input: &ProductInput,
) -> anyhow::Result<()> {
    let tiers = serde_json::to_string(&input.tiers)?;
    sql!(tx, |c| bind_fields!(
        sqlx::query(
            "UPDATE product SET name = $1, category = $2, description = $3, unit = $4, \
             price = $5, min_order = $6, order_increment = $7, tiers = $8, \
             lead_time_days = $9, availability = $10 WHERE slug = $11 AND ikm_slug = $12",
        ),
        input,
        &tiers
    )
    .bind(slug)
    .bind(ikm)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// What adding a product came to.
pub enum Added {
    /// Stored under this slug.
    Slug(String),
    /// The IKM has `max` products already (retired ones count).
    TooMany,
}

/// Adds a product for `ikm` under the first free slug made from `base` (`base`, `base-2`, …),
/// unless the IKM has `max` products already. One addition at a time across every server, so
/// neither the count nor the free slug can be raced.
pub async fn add_product(
    tx: &mut Tx,
    ikm: &str,
    base: &str,
    input: &ProductInput,
    listed_on: &str,
    max: usize,
) -> anyhow::Result<Added> {
    tx.serialize("catalog:add-product").await?;
    let count = sql!(&mut *tx, |c| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM product WHERE ikm_slug = $1"
    )
    .bind(ikm)
    .fetch_one(&mut *c)
    .await)?;
    if count >= max as i64 {
        return Ok(Added::TooMany);
    }
    let mut slug = base.to_owned();
    let mut n = 1;
    while sql!(&mut *tx, |c| sqlx::query_scalar::<_, String>(
        "SELECT slug FROM product WHERE slug = $1"
    )
    .bind(&slug)
    .fetch_optional(&mut *c)
    .await)?
    .is_some()
    {
        n += 1;
        slug = format!("{base}-{n}");
    }
    let tiers = serde_json::to_string(&input.tiers)?;
    sql!(&mut *tx, |c| bind_fields!(
        sqlx::query(
            "INSERT INTO product (name, category, description, unit, price, min_order, \
             order_increment, tiers, lead_time_days, availability, slug, position, ikm_slug, \
             images, listed_on, featured) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, \
             (SELECT COALESCE(MAX(position), 0) + 1 FROM product), $12, '[]', $13, FALSE)",
        ),
        input,
        &tiers
    )
    .bind(&slug)
    .bind(ikm)
    .bind(listed_on)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(Added::Slug(slug))
}

/// Retires a product of `ikm` (gone from the storefront, kept for old orders), or lists it
/// again.
pub async fn set_retired(tx: &mut Tx, ikm: &str, slug: &str, retired: bool) -> anyhow::Result<()> {
    sql!(tx, |c| sqlx::query(
        "UPDATE product SET retired = $1 WHERE slug = $2 AND ikm_slug = $3"
    )
    .bind(retired)
    .bind(slug)
    .bind(ikm)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Replaces a product's pictures (JSON list of `Image`).
pub async fn set_images(tx: &mut Tx, ikm: &str, slug: &str, images: &str) -> anyhow::Result<()> {
    sql!(tx, |c| sqlx::query(
        "UPDATE product SET images = $1 WHERE slug = $2 AND ikm_slug = $3"
    )
    .bind(images)
    .bind(slug)
    .bind(ikm)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// An IKM's name and whether it is a PKP (charges VAT), if it exists.
pub async fn ikm_name_pkp(source: &Db, slug: &str) -> Result<Option<(String, bool)>, sqlx::Error> {
    sql!(source, |c| sqlx::query_as::<_, (String, bool)>(
        "SELECT name, pkp FROM ikm WHERE slug = $1"
    )
    .bind(slug)
    .fetch_optional(&mut *c)
    .await)
}

/// Every IKM's slug and name, in catalog order.
pub async fn ikm_names(db: &Db) -> Result<Vec<(String, String)>, sqlx::Error> {
    sql!(db, |c| sqlx::query_as::<_, (String, String)>(
        "SELECT slug, name FROM ikm ORDER BY position, slug"
    )
    .fetch_all(&mut *c)
    .await)
}

/// Sets Disperindag's check of an IKM; answers the value before, or `None` if there is no
/// such IKM.
pub async fn set_verified(
    tx: &mut Tx,
    slug: &str,
    verified: bool,
) -> Result<Option<bool>, sqlx::Error> {
    let before = sql!(&mut *tx, |c| sqlx::query_scalar::<_, bool>(
        "SELECT verified FROM ikm WHERE slug = $1"
    )
    .bind(slug)
    .fetch_optional(&mut *c)
    .await)?;
    if before.is_some() {
        sql!(&mut *tx, |c| sqlx::query(
            "UPDATE ikm SET verified = $1 WHERE slug = $2"
        )
        .bind(verified)
        .bind(slug)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    }
    Ok(before)
}

/// One IKM with one of its accounts (or none), as the admin's list shows them.
#[derive(sqlx::FromRow)]
pub struct AdminIkmRow {
    pub slug: String,
    pub name: String,
    pub kabupaten: String,
    pub verified: bool,
    pub pkp: bool,
    pub products: i64,
    pub account_id: Option<i64>,
    pub username: Option<String>,
    pub disabled: Option<bool>,
}

/// Every IKM (or only `only`) with its live products counted and its accounts, one row per
/// account, in catalog order.
pub async fn admin_ikm(db: &Db, only: Option<&str>) -> Result<Vec<AdminIkmRow>, sqlx::Error> {
    sql!(db, |c| sqlx::query_as(
        "SELECT i.slug, i.name, i.kabupaten, i.verified, i.pkp, \
             (SELECT COUNT(*) FROM product p WHERE p.ikm_slug = i.slug AND NOT p.retired) \
               AS products, \
             a.id AS account_id, a.username, a.disabled \
         FROM ikm i LEFT JOIN account a ON a.ikm_slug = i.slug \
         WHERE ($1 IS NULL OR i.slug = $1) ORDER BY i.position, i.slug, a.id",
    )
    .bind(only)
    .fetch_all(&mut *c)
    .await)
}

/// Which of `slugs` are products on sale now (not retired), read in the caller's transaction:
/// the order writer checks a batch against the catalog as stored, not as its server last
/// loaded it (another server may have retired a product a moment ago).
pub async fn on_sale(tx: &mut Tx, slugs: &[&str]) -> Result<Vec<String>, sqlx::Error> {
    let mut found = Vec::new();
    for chunk in slugs.chunks(10_000) {
        let placeholders: Vec<String> = (1..=chunk.len()).map(|n| format!("${n}")).collect();
        let query = format!(
            "SELECT slug FROM product WHERE NOT retired AND slug IN ({})",
            placeholders.join(", ")
        );
        let got = sql!(&mut *tx, |c| {
            let mut q = sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(query.clone()));
            for slug in chunk {
                q = q.bind(*slug);
            }
            q.fetch_all(&mut *c).await
        })?;
        found.extend(got);
    }
    Ok(found)
}

/// Where an IKM delivers to: kabupaten/kota slugs separated by commas, empty for all of
/// Lampung. False if there is no such IKM.
pub async fn set_delivers_to(tx: &mut Tx, ikm: &str, places: &str) -> Result<bool, sqlx::Error> {
    sql!(tx, |c| sqlx::query(
        "UPDATE ikm SET delivers_to = $1 WHERE slug = $2"
    )
    .bind(places)
    .bind(ikm)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected() == 1))
}
