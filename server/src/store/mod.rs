//! Storage: every SQL statement the server runs lives under this module, one file per table or
//! aggregate, each with typed rows. The same statements run on SQLite (embedded, the default)
//! and PostgreSQL (`DATABASE_URL=postgres://…`, for several servers on one database): they are
//! written in the SQL both speak (`$1` parameters, `ON CONFLICT`, `RETURNING`, `TRUE`/`FALSE`),
//! and where the two differ the module says so next to the statement.
//!
//! A statement is written once and compiled for both engines by [`sql!`]: it matches on the
//! engine and type-checks the same body against each driver.

pub mod accounts;
pub mod audit;
pub mod catalog;
pub mod holidays;
pub mod media;
pub mod needs;
pub mod orders;
pub mod stats;
pub mod throttle;

use anyhow::Context;
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Database, PgPool, Postgres, Sqlite, SqlitePool};
use std::str::FromStr;

/// Connections per server. SQLite runs one writer at a time whatever the pool size; the others
/// read (WAL lets readers run beside the writer) or wait for the write lock. On PostgreSQL each
/// server holds this many connections: mind `max_connections` when running many servers.
pub const POOL_SIZE: u32 = 8;
/// How long a SQLite transaction waits for the write lock before it fails. Every writing
/// transaction takes the lock first ([`Db::write_tx`]), so a busy moment queues, not fails.
pub const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
/// How long a request waits for a free connection before it fails.
pub const ACQUIRE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// The database: a pool of connections to one engine.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A transaction that writes. Commit it, or it rolls back when dropped.
pub enum Tx {
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    Postgres(sqlx::Transaction<'static, Postgres>),
}

/// One connection a statement runs on: from the pool, or the transaction's own.
pub enum Conn<'a> {
    Sqlite(Handle<'a, Sqlite>),
    Postgres(Handle<'a, Postgres>),
}

pub enum Handle<'a, DB: Database> {
    Pooled(PoolConnection<DB>),
    Borrowed(&'a mut DB::Connection),
}

impl<DB: Database> std::ops::Deref for Handle<'_, DB> {
    type Target = DB::Connection;
    fn deref(&self) -> &DB::Connection {
        match self {
            Handle::Pooled(c) => c,
            Handle::Borrowed(c) => c,
        }
    }
}

impl<DB: Database> std::ops::DerefMut for Handle<'_, DB> {
    fn deref_mut(&mut self) -> &mut DB::Connection {
        match self {
            Handle::Pooled(c) => c,
            Handle::Borrowed(c) => c,
        }
    }
}

/// Where a statement runs: the pool (`&Db`) or a transaction (`&mut Tx`).
pub trait Source<'a>: Send {
    fn conn(self) -> impl std::future::Future<Output = Result<Conn<'a>, sqlx::Error>> + Send;
}

impl<'a> Source<'a> for &'a Db {
    async fn conn(self) -> Result<Conn<'a>, sqlx::Error> {
        Ok(match self {
            Db::Sqlite(p) => Conn::Sqlite(Handle::Pooled(p.acquire().await?)),
            Db::Postgres(p) => Conn::Postgres(Handle::Pooled(p.acquire().await?)),
        })
    }
}

impl<'a> Source<'a> for &'a mut Tx {
    async fn conn(self) -> Result<Conn<'a>, sqlx::Error> {
        Ok(match self {
            Tx::Sqlite(t) => Conn::Sqlite(Handle::Borrowed(&mut **t)),
            Tx::Postgres(t) => Conn::Postgres(Handle::Borrowed(&mut **t)),
        })
    }
}

/// A pool or a transaction, for statements that run on either (a concrete type: functions
/// generic over [`Source`] make futures the compiler cannot prove `Send` for every lifetime).
pub enum On<'a> {
    Pool(&'a Db),
    Tx(&'a mut Tx),
}

impl<'a> From<&'a Db> for On<'a> {
    fn from(db: &'a Db) -> On<'a> {
        On::Pool(db)
    }
}

impl<'a> From<&'a mut Tx> for On<'a> {
    fn from(tx: &'a mut Tx) -> On<'a> {
        On::Tx(tx)
    }
}

impl On<'_> {
    /// The same place for one more statement.
    pub fn reborrow(&mut self) -> On<'_> {
        match self {
            On::Pool(db) => On::Pool(db),
            On::Tx(tx) => On::Tx(tx),
        }
    }
}

impl<'a> Source<'a> for On<'a> {
    async fn conn(self) -> Result<Conn<'a>, sqlx::Error> {
        match self {
            On::Pool(db) => db.conn().await,
            On::Tx(tx) => tx.conn().await,
        }
    }
}

/// Runs `body` with `c` bound to a connection of whichever engine `source` is on: the body is
/// written once and type-checked against both drivers. Use `&mut *c` as the executor.
macro_rules! sql {
    ($source:expr, |$c:ident| $body:expr) => {
        match $crate::store::Source::conn($source).await? {
            $crate::store::Conn::Sqlite(mut handle) => {
                let $c = &mut *handle;
                $body
            }
            $crate::store::Conn::Postgres(mut handle) => {
                let $c = &mut *handle;
                $body
            }
        }
    };
}
pub(crate) use sql;

/// A savepoint's name: only the ones declared here, so no text from outside reaches the
/// statement.
#[derive(Clone, Copy, Debug)]
pub struct Savepoint(&'static str);

impl Savepoint {
    pub const ALLOWANCE: Savepoint = Savepoint("allowance");
    pub const ORDER: Savepoint = Savepoint("one_order");
}

/// What changed, told to every server on the same PostgreSQL (each reloads its copy).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Topic {
    Catalog,
    Holidays,
}

impl Topic {
    pub fn name(self) -> &'static str {
        match self {
            Topic::Catalog => "catalog",
            Topic::Holidays => "holidays",
        }
    }

    pub fn from_name(s: &str) -> Option<Topic> {
        match s {
            "catalog" => Some(Topic::Catalog),
            "holidays" => Some(Topic::Holidays),
            _ => None,
        }
    }
}

/// The PostgreSQL channel changes are announced on.
pub const CHANNEL: &str = "etalase_changes";

impl Tx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(t) => t.commit().await,
            Tx::Postgres(t) => t.commit().await,
        }
    }

    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(t) => t.rollback().await,
            Tx::Postgres(t) => t.rollback().await,
        }
    }

    /// Marks where [`Tx::rollback_to`] goes back to: one piece of a larger transaction (an
    /// order among a batch committed together) can fail without the others.
    pub async fn savepoint(&mut self, name: Savepoint) -> Result<(), sqlx::Error> {
        self.run(format!("SAVEPOINT {}", name.0)).await
    }

    /// Undoes everything since the savepoint, which then ends.
    pub async fn rollback_to(&mut self, name: Savepoint) -> Result<(), sqlx::Error> {
        self.run(format!("ROLLBACK TO SAVEPOINT {}", name.0))
            .await?;
        self.release(name).await
    }

    /// Keeps everything since the savepoint, which ends.
    pub async fn release(&mut self, name: Savepoint) -> Result<(), sqlx::Error> {
        self.run(format!("RELEASE SAVEPOINT {}", name.0)).await
    }

    async fn run(&mut self, statement: String) -> Result<(), sqlx::Error> {
        let statement = sqlx::AssertSqlSafe(statement);
        sql!(self, |c| sqlx::query(statement)
            .execute(&mut *c)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// Work under `key` runs one transaction at a time across every server, until this
    /// transaction ends (for checks that read and then write: a product count, a first free
    /// slug, a request's total). SQLite's write lock, taken at `BEGIN IMMEDIATE`, already
    /// serialises every writer; PostgreSQL takes a transaction-scoped advisory lock.
    pub async fn serialize(&mut self, key: &str) -> Result<(), sqlx::Error> {
        if let Tx::Postgres(t) = self {
            sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
                .bind(key)
                .execute(&mut **t)
                .await?;
        }
        Ok(())
    }

    /// Tells the other servers, when (and only if) this transaction commits, that `topic`
    /// changed. `origin` names this server, which has reloaded already and skips its own news.
    pub async fn announce(&mut self, topic: Topic, origin: &str) -> Result<(), sqlx::Error> {
        if let Tx::Postgres(t) = self {
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(CHANNEL)
                .bind(format!("{} {origin}", topic.name()))
                .execute(&mut **t)
                .await?;
        }
        Ok(())
    }
}

/// The engine a `DATABASE_URL` names; anything else is refused (a `postgres:` URL once made a
/// SQLite file in a folder called `postgres:`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    /// The engine of a `DATABASE_URL`, written as the drivers read it: `sqlite:` then a file
    /// (or `:memory:`), or `postgres://` / `postgresql://` then a server. Anything else is
    /// refused rather than guessed — `postgres:` without `//`, `SQLITE:` in capitals and
    /// `sqlite:postgres://…` each once became a SQLite file in an odd folder.
    pub fn of(url: &str) -> anyhow::Result<Engine> {
        let refused = || {
            anyhow::anyhow!(
                "DATABASE_URL must be sqlite://<file> (the default) or \
                 postgres://user:password@host:port/database; got {:?}",
                redact(url)
            )
        };
        if let Some(rest) = url.strip_prefix("sqlite:") {
            if rest.trim_start_matches('/').is_empty() || rest.contains("://") {
                return Err(refused());
            }
            return Ok(Engine::Sqlite);
        }
        if ["postgres://", "postgresql://"]
            .iter()
            .any(|scheme| url.starts_with(scheme) && url.len() > scheme.len())
        {
            return Ok(Engine::Postgres);
        }
        Err(refused())
    }
}

/// A database URL fit for a log line: everything between the scheme and the last `@` but the
/// user name, and any `password=` in the query, becomes `***` — whatever shape the URL has
/// (`postgres://`, `postgres:/`, `postgres//`, a password with `@` in it).
pub fn redact(url: &str) -> String {
    let (head, query) = match url.split_once('?') {
        Some((head, query)) => (head, Some(query)),
        None => (url, None),
    };
    let mut out = match head.rfind('@') {
        Some(at) => {
            // `scheme://` or `scheme:` before the user name, when the URL starts with one.
            let scheme = head
                .find(':')
                .filter(|&i| {
                    i > 0
                        && head[..i]
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
                })
                .map_or(0, |i| {
                    if head[i..].starts_with("://") {
                        i + 3
                    } else {
                        i + 1
                    }
                })
                .min(at);
            let user = head[scheme..at].split(':').next().unwrap_or("");
            format!("{}{user}:***{}", &head[..scheme], &head[at..])
        }
        None => head.to_owned(),
    };
    if let Some(query) = query {
        let pairs: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                _ => pair.to_owned(),
            })
            .collect();
        out.push('?');
        out.push_str(&pairs.join("&"));
    }
    out
}

impl Db {
    pub fn engine(&self) -> Engine {
        match self {
            Db::Sqlite(_) => Engine::Sqlite,
            Db::Postgres(_) => Engine::Postgres,
        }
    }

    /// Opens (creating a SQLite file if missing) and migrates the database named by `url`.
    pub async fn connect(url: &str) -> anyhow::Result<Db> {
        match Engine::of(url)? {
            Engine::Sqlite => connect_sqlite(url).await.map(Db::Sqlite),
            Engine::Postgres => connect_postgres(url).await.map(Db::Postgres),
        }
    }

    /// A transaction that writes. On SQLite it takes the write lock at once (`BEGIN
    /// IMMEDIATE`): a plain `BEGIN` reads first and asks for the lock at its first write, and
    /// if another writer committed in between SQLite cannot wait and fails with "database is
    /// locked". On PostgreSQL it is a plain read-committed transaction; writes that depend on a
    /// read are conditional (`… WHERE status = $old`) or under [`Tx::serialize`].
    pub async fn write_tx(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            Db::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            #[allow(clippy::disallowed_methods)] // PostgreSQL has no write lock to take first.
            Db::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sql!(self, |c| sqlx::query("SELECT 1")
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Runs one statement with no parameters (tests and tools inspect and age rows with it).
    #[doc(hidden)]
    pub async fn execute_unchecked(&self, statement: &str) -> Result<u64, sqlx::Error> {
        let statement = sqlx::AssertSqlSafe(statement.to_owned());
        sql!(self, |c| Ok(sqlx::query(statement)
            .execute(&mut *c)
            .await?
            .rows_affected()))
    }

    /// The first column of the first row of a query with no parameters, as an integer.
    #[doc(hidden)]
    pub async fn scalar_unchecked(&self, query: &str) -> Result<i64, sqlx::Error> {
        let query = sqlx::AssertSqlSafe(query.to_owned());
        sql!(self, |c| sqlx::query_scalar::<_, i64>(query)
            .fetch_one(&mut *c)
            .await)
    }

    /// Every row of a query with no parameters, each column read as text (NULL as `None`).
    #[doc(hidden)]
    pub async fn texts_unchecked(
        &self,
        query: &str,
    ) -> Result<Vec<Vec<Option<String>>>, sqlx::Error> {
        use sqlx::Row;
        let query = sqlx::AssertSqlSafe(query.to_owned());
        sql!(self, |c| {
            let rows = sqlx::query(query).fetch_all(&mut *c).await?;
            Ok(rows
                .iter()
                .map(|r| {
                    (0..r.len())
                        .map(|i| r.try_get::<Option<String>, _>(i).ok().flatten())
                        .collect()
                })
                .collect())
        })
    }

    /// The names of the tables the migrations made.
    #[doc(hidden)]
    pub async fn table_names(&self) -> Result<Vec<String>, sqlx::Error> {
        sql!(self, |c| {
            sqlx::query_scalar::<_, String>(match self.engine() {
            Engine::Sqlite =>
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            Engine::Postgres =>
                "SELECT table_name::text FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
        })
        .fetch_all(&mut *c)
        .await
        })
    }
}

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

/// SQLite with the settings stated once: WAL journal (readers never wait for the writer),
/// `synchronous = FULL` (a commit is on disk before the order is acknowledged, even if the
/// machine loses power), foreign keys on, [`BUSY_TIMEOUT`], [`POOL_SIZE`] connections.
async fn connect_sqlite(url: &str) -> anyhow::Result<SqlitePool> {
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
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .connect_with(options)
        .await
        .with_context(|| format!("cannot open database {url}"))?;
    let sealed_before = sqlite_migration_applied(&pool, SEALING_MIGRATION).await;
    sqlx::migrate!("./migrations/sqlite")
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

/// The SQLite migration that stopped keeping tracking secrets in plain text.
const SEALING_MIGRATION: i64 = 6;

async fn sqlite_migration_applied(pool: &SqlitePool, version: i64) -> bool {
    sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM _sqlx_migrations WHERE version = $1 AND success",
    )
    .bind(version)
    .fetch_one(pool)
    .await
    .is_ok_and(|n| n > 0)
}

/// PostgreSQL: the schema is migrated by whichever server starts first (sqlx takes an advisory
/// lock, so servers starting together wait for one another).
async fn connect_postgres(url: &str) -> anyhow::Result<PgPool> {
    let options = PgConnectOptions::from_str(url)
        .with_context(|| format!("DATABASE_URL {:?} is not a PostgreSQL URL", redact(url)))?
        .application_name("etalase-server");
    // One connection first: its error says why (refused, no such host, wrong password), where
    // a pool would only say it timed out.
    {
        use sqlx::Connection;
        let first =
            tokio::time::timeout(ACQUIRE_TIMEOUT, sqlx::PgConnection::connect_with(&options))
                .await
                .map_err(|_| anyhow::anyhow!("no answer within {ACQUIRE_TIMEOUT:?}"))
                .and_then(|c| c.map_err(anyhow::Error::from))
                .with_context(|| {
                    format!(
                "cannot connect to PostgreSQL at {} (a password with @ : / ? # in it must be \
                 percent-encoded in the URL)",
                redact(url)
            )
                })?;
        let _ = first.close().await;
    }
    let pool = PgPoolOptions::new()
        .max_connections(pool_size())
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .connect_with(options)
        .await
        .with_context(|| format!("cannot connect to PostgreSQL at {}", redact(url)))?;
    sqlx::migrate!("./migrations/postgres")
        .run(&pool)
        .await
        .context("database migration failed")?;
    Ok(pool)
}

/// PostgreSQL connections per server (`ETALASE_DB_CONNECTIONS`, default [`POOL_SIZE`]).
fn pool_size() -> u32 {
    std::env::var("ETALASE_DB_CONNECTIONS")
        .ok()
        .and_then(|n| n.parse::<u32>().ok())
        .unwrap_or(POOL_SIZE)
        .clamp(2, 200)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sqlite_and_postgres_urls_are_taken() {
        assert_eq!(
            Engine::of("sqlite://var/etalase.db").unwrap(),
            Engine::Sqlite
        );
        assert_eq!(Engine::of("sqlite:var/etalase.db").unwrap(), Engine::Sqlite);
        assert_eq!(Engine::of("sqlite::memory:").unwrap(), Engine::Sqlite);
        assert_eq!(
            Engine::of("postgres://etalase@db:5432/etalase").unwrap(),
            Engine::Postgres
        );
        assert_eq!(
            Engine::of("postgresql://etalase@db/etalase").unwrap(),
            Engine::Postgres
        );
        for bad in [
            "var/etalase.db",
            "mysql://x@y/z",
            "",
            "postgres",
            "postgres:etalase:rahasia@db/e",
            "PostgreSQL://etalase@db/etalase",
            "SQLITE:///tmp/x.db",
            "sqlite:postgres://etalase:rahasia@h/e",
            "sqlite://",
        ] {
            let err = Engine::of(bad).expect_err(bad).to_string();
            assert!(!err.contains("rahasia"), "{err}");
        }
    }

    #[test]
    fn passwords_never_reach_a_log_line() {
        for (url, shown) in [
            (
                "postgres://etalase:rahasia@db:5432/etalase",
                "postgres://etalase:***@db:5432/etalase",
            ),
            (
                "postgres://etalase:ra@has@ia@db/e",
                "postgres://etalase:***@db/e",
            ),
            ("postgres:etalase:rahasia@db/e", "postgres:etalase:***@db/e"),
            (
                "postgres://etalase@db/e?sslmode=require&password=rahasia",
                "postgres://etalase:***@db/e?sslmode=require&password=***",
            ),
            ("postgres://db/etalase", "postgres://db/etalase"),
            (
                "postgres:/etalase:rahasia@127.0.0.1:5432/e",
                "postgres:/etalase:***@127.0.0.1:5432/e",
            ),
            (
                "postgres//etalase:rahasia@127.0.0.1/e",
                "postgres//etalase:***@127.0.0.1/e",
            ),
            ("mysql:/root:rahasia@x/y", "mysql:/root:***@x/y"),
            (
                "postgres://etalase:p@ss:w/rd@db/e",
                "postgres://etalase:***@db/e",
            ),
        ] {
            assert_eq!(redact(url), shown, "{url}");
        }
    }
}
