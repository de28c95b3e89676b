//! Storage: open and migrate the database, seed it from `data/` once, read the catalog back.

use anyhow::{anyhow, bail, Context};
use etalase_core::catalog::{validate, Availability, CatalogData, Ikm, LegalIds, Product};
use etalase_core::{Category, Kabupaten, Phone, Rupiah, Slug};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};
use std::path::Path;
use std::str::FromStr;

/// Connections in the pool. SQLite runs one writer at a time whatever the pool size; the
/// others read (WAL lets readers run beside the writer) or wait for the write lock.
pub const POOL_SIZE: u32 = 8;
/// How long a transaction waits for the write lock before it fails. Every writing
/// transaction takes the lock first (`write_tx`), so a busy moment queues, not fails.
pub const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Opens (creating if missing) and migrates the database, with the settings stated once:
/// WAL journal (readers never wait for the writer), `synchronous = FULL` (a commit is on disk
/// before the order is acknowledged, even if the machine loses power), foreign keys on,
/// [`BUSY_TIMEOUT`], [`POOL_SIZE`] connections.
/// Creates the database file readable and writable by the server's user only (SQLite gives
/// its `-wal` and `-shm` files the same mode); an existing file keeps its mode.
fn create_private(path: &std::path::Path) -> anyhow::Result<()> {
    if path.as_os_str().is_empty() || path == std::path::Path::new(":memory:") || path.exists() {
        return Ok(());
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        // Made meanwhile by another process: it is there, which is all we need.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e).with_context(|| format!("cannot create database {}", path.display())),
    }
}

pub async fn connect(url: &str) -> anyhow::Result<SqlitePool> {
    let options = SqliteConnectOptions::from_str(url)
        .with_context(|| format!("DATABASE_URL {url:?} is not a SQLite URL"))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(BUSY_TIMEOUT)
        // Deleted rows (expired sessions, throttle windows, idempotency records) are
        // overwritten, not left in free pages for a copy of the file to show.
        .pragma("secure_delete", "ON")
        .foreign_keys(true);
    if let Some(dir) = options.get_filename().parent() {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create database folder {}", dir.display()))?;
        }
    }
    create_private(options.get_filename())?;
    let pool = SqlitePoolOptions::new()
        .max_connections(POOL_SIZE)
        .connect_with(options)
        .await
        .with_context(|| format!("cannot open database {url}"))?;
    let sealed_before = migration_applied(&pool, SEALING_MIGRATION).await;
    sqlx::migrate!("./migrations")
        .run(&pool)
        .await
        .context("database migration failed")?;
    if !sealed_before {
        // The migration dropped idempotency rows that held tracking secrets in plain text;
        // their bytes stay in free pages until the file is rewritten.
        sqlx::query("VACUUM")
            .execute(&pool)
            .await
            .context("rewriting the database after sealing idempotency records")?;
    }
    Ok(pool)
}

/// The migration that stopped keeping tracking secrets in plain text.
const SEALING_MIGRATION: i64 = 6;

async fn migration_applied(pool: &SqlitePool, version: i64) -> bool {
    sqlx::query_as::<_, (i64,)>(
        "SELECT COUNT(*) FROM _sqlx_migrations WHERE version = ? AND success",
    )
    .bind(version)
    .fetch_one(pool)
    .await
    .is_ok_and(|(n,)| n > 0)
}

/// A transaction that takes the write lock at once (`BEGIN IMMEDIATE`). A plain `BEGIN`
/// reads first and asks for the lock at its first write; if another writer committed in
/// between, SQLite cannot wait and fails with "database is locked". Every transaction here
/// writes, so every one starts this way (`clippy.toml` forbids `Pool::begin`).
pub async fn write_tx(pool: &SqlitePool) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
    pool.begin_with("BEGIN IMMEDIATE").await
}

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

/// Seeds an empty database from the catalog file, all or nothing. Returns whether it seeded.
/// Puts the seed holiday list into an empty `holiday` table; true when it did.
pub async fn seed_holidays_if_empty(
    pool: &SqlitePool,
    holidays: &etalase_core::Holidays,
) -> anyhow::Result<bool> {
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM holiday")
        .fetch_one(pool)
        .await?;
    if count > 0 {
        return Ok(false);
    }
    let mut tx = write_tx(pool).await?;
    for (day, name) in holidays.entries() {
        sqlx::query("INSERT INTO holiday (day, name) VALUES (?, ?)")
            .bind(day.to_string())
            .bind(name)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// The days off as stored.
pub async fn load_holidays(pool: &SqlitePool) -> anyhow::Result<etalase_core::Holidays> {
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT day, name FROM holiday")
        .fetch_all(pool)
        .await?;
    let mut entries = Vec::with_capacity(rows.len());
    for (day, name) in rows {
        let day = etalase_core::Date::parse(&day)
            .ok_or_else(|| anyhow::anyhow!("stored holiday {day:?} is not a date"))?;
        entries.push((day, name));
    }
    Ok(etalase_core::Holidays::from_entries(entries))
}

pub async fn seed_if_empty(pool: &SqlitePool, seed: &Path) -> anyhow::Result<bool> {
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM ikm")
        .fetch_one(pool)
        .await?;
    if count > 0 {
        return Ok(false);
    }
    let data = read_seed(seed)?;
    let mut tx = write_tx(pool).await?;
    for (pos, ikm) in data.ikm.iter().enumerate() {
        insert_ikm(&mut tx, pos as i64, ikm).await?;
    }
    for (pos, product) in data.products.iter().enumerate() {
        insert_product(&mut tx, pos as i64, product).await?;
    }
    tx.commit().await?;
    Ok(true)
}

async fn insert_ikm(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    pos: i64,
    ikm: &Ikm,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO ikm (slug, position, name, kabupaten, story, whatsapp, nib, pirt, bpom_md, \
         halal, sni, legal_sample, pkp) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
    .execute(&mut **tx)
    .await
    .with_context(|| format!("cannot store ikm {}", ikm.slug))?;
    Ok(())
}

async fn insert_product(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    pos: i64,
    p: &Product,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO product (slug, position, ikm_slug, name, category, description, unit, price, \
         min_order, order_increment, tiers, lead_time_days, availability, images, listed_on, \
         featured) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(p.slug.as_str())
    .bind(pos)
    .bind(p.ikm.as_str())
    .bind(&p.name)
    .bind(p.category.slug())
    .bind(&p.description)
    .bind(&p.unit)
    .bind(p.price.amount())
    .bind(p.min_order)
    .bind(p.order_increment)
    .bind(serde_json::to_string(&p.tiers)?)
    .bind(p.lead_time_days)
    .bind(p.availability.slug())
    .bind(serde_json::to_string(&p.images)?)
    .bind(&p.listed_on)
    .bind(p.featured)
    .execute(&mut **tx)
    .await
    .with_context(|| format!("cannot store product {}", p.slug))?;
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
}

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
        })
    }
}

impl ProductRow {
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

/// One product by slug, retired or not, for its IKM's desk.
pub async fn product_by_slug(
    pool: &SqlitePool,
    slug: &str,
) -> anyhow::Result<Option<etalase_core::product_edit::DeskProduct>> {
    let row: Option<(ProductRow, bool)> = sqlx::query_as::<_, ProductRowRetired>(
        "SELECT slug, ikm_slug, name, category, description, unit, price, min_order, \
         order_increment, tiers, lead_time_days, availability, images, listed_on, featured, retired \
         FROM product WHERE slug = ?",
    )
    .bind(slug)
    .fetch_optional(pool)
    .await?
    .map(|r| (r.product, r.retired));
    row.map(|(p, retired)| {
        Ok(etalase_core::product_edit::DeskProduct {
            product: p.into_product()?,
            retired,
        })
    })
    .transpose()
}

#[derive(sqlx::FromRow)]
struct ProductRowRetired {
    #[sqlx(flatten)]
    product: ProductRow,
    retired: bool,
}

/// Reads the whole catalog and checks it as strictly as a seed file.
pub async fn load_catalog(pool: &SqlitePool) -> anyhow::Result<CatalogData> {
    let ikm_rows: Vec<IkmRow> = sqlx::query_as(
        "SELECT slug, name, kabupaten, story, whatsapp, nib, pirt, bpom_md, halal, sni, \
         legal_sample, pkp, verified FROM ikm ORDER BY position, slug",
    )
    .fetch_all(pool)
    .await?;
    let product_rows: Vec<ProductRow> = sqlx::query_as(
        "SELECT slug, ikm_slug, name, category, description, unit, price, min_order, \
         order_increment, tiers, lead_time_days, availability, images, listed_on, featured \
         FROM product WHERE retired = 0 ORDER BY position, slug",
    )
    .fetch_all(pool)
    .await?;
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
