//! Etalase server: the catalog API, storage, and the built storefront, in one process.
//!
//! Arranged by area, each folder depending only on those listed before it:
//! - `store/`: every SQL statement, for SQLite and PostgreSQL;
//! - `web/`: HTTP plumbing every area uses (errors, extractors, security headers,
//!   compression, CPU gates, throttles, the OpenAPI document);
//! - `catalog/`: the public catalog, its snapshot and search;
//! - `accounts/`: sessions, passwords, roles, and the audit log;
//! - `orders/`: order requests, their state machine, tracking and lists;
//! - `desk/`: an IKM's own orders and products, and product photos;
//! - `admin/`: Disperindag's view;
//! - `pages/`: what browsers and crawlers get besides the API (the SPA's shells, pages drawn
//!   on the server, share images, the request guard).

pub mod accounts;
pub mod admin;
pub mod catalog;
pub mod clock;
pub mod config;
pub mod desk;
pub mod needs;
pub mod orders;
pub mod pages;
pub mod store;
pub mod web;

use anyhow::Context;
use axum::http::{Extensions, HeaderMap, StatusCode, Version};
use axum::Router;
use catalog::snapshot::CatalogSnapshot;
use config::Config;
use std::sync::{Arc, RwLock};
use store::{Db, Topic, Tx};
use tower_http::compression::predicate::{DefaultPredicate, Predicate};
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::trace::TraceLayer;

/// What every handler shares, behind one `Arc`: a handler's or a middleware's copy costs one
/// reference count, not a copy of each field (measured: copying the fields was 12 % of a
/// catalog GET's time).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

pub struct Shared {
    pub db: Db,
    /// Stores order requests in batches, one commit each (`orders::writer`).
    pub orders: orders::writer::Writer,
    /// This server's name in change announcements (it skips its own).
    instance: String,
    catalog: Snapshot<CatalogSnapshot>,
    /// Bumped after each catalog swap: event loops keep their own copy of the catalog's
    /// answer and make a new one when this moves ([`Site`]).
    catalog_generation: std::sync::atomic::AtomicU64,
    /// One catalog reload at a time: each reads storage after the edits before it, so the
    /// last one to finish holds them all.
    reloading: Arc<tokio::sync::Mutex<()>>,
    /// Reloads asked for (each after its edit committed), and the most recent one a finished
    /// reload covers: a burst of edits waits for one or two reloads, not one each.
    reloads_asked: Arc<std::sync::atomic::AtomicU64>,
    reloads_done: Arc<std::sync::atomic::AtomicU64>,
    /// The buyers' and the staff shells and the not-found page, compressed once.
    pub shells: Arc<pages::spa::Shells>,
    pub static_dir: ServeDir,
    /// The built storefront (`dist/`), also the source of drawn pictures for share images.
    pub dist_dir: std::path::PathBuf,
    /// Share images drawn so far.
    pub og_cache: Arc<pages::og::OgCache>,
    /// The public origin for absolute links (`ETALASE_PUBLIC_URL`).
    pub public_url: Option<String>,
    /// The Content-Security-Policy for pages built from either shell (their inline loaders
    /// allowed by hash).
    pub content_security_policy: Arc<str>,
    /// Days off besides weekends, for the IKM's time to answer: the `holiday` table, swapped
    /// whole when the admin edits it.
    holidays: Snapshot<etalase_core::Holidays>,
    /// Proxies whose `X-Forwarded-For` is believed (`ETALASE_TRUSTED_PROXIES`).
    pub trusted_proxies: Arc<[std::net::IpAddr]>,
    /// Order requests per client address per hour (`ETALASE_ORDERS_PER_HOUR`).
    pub orders_per_hour: i64,
}

impl Shared {
    /// The catalog as it is now; a reader keeps its snapshot even if an edit swaps it.
    /// Served over HTTPS (by `ETALASE_PUBLIC_URL`): cookies get `Secure` and `__Host-`.
    pub fn secure_cookies(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
    }

    /// Reads the catalog from storage again and swaps it in whole: the next request sees the
    /// edit, with a new ETag.
    /// Serialising, compressing and indexing run on the blocking pool.
    pub async fn reload_catalog(&self) -> anyhow::Result<()> {
        use std::sync::atomic::Ordering::SeqCst;
        let ticket = self.reloads_asked.fetch_add(1, SeqCst) + 1;
        let _one_at_a_time = self.reloading.lock().await;
        // A reload that began after this edit committed has already read it.
        if self.reloads_done.load(SeqCst) >= ticket {
            return Ok(());
        }
        let covers = self.reloads_asked.load(SeqCst);
        let snapshot = CatalogSnapshot::build(store::catalog::load(&self.db).await?).await?;
        self.catalog.set(snapshot);
        self.catalog_generation.fetch_add(1, SeqCst);
        self.reloads_done.store(covers, SeqCst);
        Ok(())
    }

    /// The days off as they are now.
    pub fn holidays(&self) -> Arc<etalase_core::Holidays> {
        self.holidays.get()
    }

    /// Reads the days off from storage again (after an admin's edit).
    pub async fn reload_holidays(&self) -> anyhow::Result<()> {
        self.holidays.set(store::holidays::load(&self.db).await?);
        Ok(())
    }

    /// Commits an edit of the catalog, tells the other servers on the database, and reloads
    /// this one's copy: the next request here sees the edit, the others' within moments.
    pub async fn catalog_changed(&self, mut tx: Tx) -> anyhow::Result<()> {
        tx.announce(Topic::Catalog, &self.instance).await?;
        tx.commit().await?;
        self.reload_catalog().await
    }

    /// [`Shared::catalog_changed`] for the holiday list.
    pub async fn holidays_changed(&self, mut tx: Tx) -> anyhow::Result<()> {
        tx.announce(Topic::Holidays, &self.instance).await?;
        tx.commit().await?;
        self.reload_holidays().await
    }

    pub fn catalog(&self) -> Arc<CatalogSnapshot> {
        self.catalog.get()
    }
}

/// Opens storage, seeds it on first start, loads and checks the catalog, reads `dist/`.
pub async fn build_state(config: &Config) -> anyhow::Result<AppState> {
    let db = Db::connect(&config.database_url).await?;
    tracing::info!(engine = ?db.engine(), "database ready");
    // Listening before anything is read: an edit made by another server from here on is
    // heard, however long the start takes.
    let listener = match &db {
        Db::Postgres(pool) => Some(listen(pool).await?),
        Db::Sqlite(_) => None,
    };
    if store::catalog::seed_if_empty(&db, &config.seed).await? {
        tracing::info!(seed = %config.seed.display(), "seeded an empty database");
    }
    if !config.demo_accounts && store::accounts::count(&db).await? == 0 {
        tracing::warn!(
            "no accounts yet: create the first Disperindag admin with \
             `etalase-server --create-admin <name>` (same settings)"
        );
    }
    if config.demo_accounts {
        let made = accounts::seed_demo_accounts(&db, &config.demo_credentials).await?;
        if made > 0 {
            tracing::info!(
                accounts = made,
                file = %config.demo_credentials.display(),
                "seeded DEMO accounts; their passwords are in the file"
            );
        }
    }
    desk::photo::import_folder(&db, &config.media).await?;
    let data = store::catalog::load(&db).await?;
    let snapshot = CatalogSnapshot::build(data).await?;
    tracing::info!(
        ikm = snapshot.catalog.ikm.len(),
        products = snapshot.catalog.products.len(),
        "catalog loaded"
    );
    let (storefront_html, staff_html) = pages::spa::Shells::read(&config.dist);
    let content_security_policy = web::security::content_security_policy(&[
        storefront_html.as_deref(),
        staff_html.as_deref(),
    ])
    .into();
    let shells =
        tokio::task::spawn_blocking(move || pages::spa::Shells::new(storefront_html, staff_html))
            .await
            .context("compressing the shells")?;
    let seed_holidays = read_holidays(&config.holidays)?;
    if store::holidays::seed_if_empty(&db, &seed_holidays).await? {
        tracing::info!(days = seed_holidays.len(), "seeded the holiday list");
    }
    let holidays = store::holidays::load(&db).await?;
    warn_if_holidays_run_out(&holidays);
    let state = AppState(Arc::new(Shared {
        orders: orders::writer::Writer::start(db.clone()).context("starting the order writer")?,
        db,
        instance: web::http::random_hex().map_err(|e| anyhow::anyhow!("{e:?}"))?,
        content_security_policy,
        catalog: Snapshot::new(snapshot),
        catalog_generation: std::sync::atomic::AtomicU64::new(0),
        reloading: Arc::new(tokio::sync::Mutex::new(())),
        reloads_asked: Arc::default(),
        reloads_done: Arc::default(),
        shells: Arc::new(shells),
        static_dir: ServeDir::new(&config.dist)
            .precompressed_br()
            .precompressed_gzip(),
        public_url: config.public_url.clone(),
        trusted_proxies: config.trusted_proxies.clone().into(),
        orders_per_hour: config.orders_per_hour.max(1),
        holidays: Snapshot::new(holidays),
        dist_dir: config.dist.clone(),
        og_cache: Arc::new(pages::og::OgCache::default()),
    }));
    // Several servers on one PostgreSQL: each follows the others' edits.
    if let (Db::Postgres(pool), Some(listener)) = (&state.db, listener) {
        tokio::spawn(follow_changes(state.clone(), pool.clone(), listener));
    }
    Ok(state)
}

/// The holiday list that seeds an empty database; a bad line stops the start (an expiry
/// computed from a half-read list would be wrong without anyone noticing).
fn read_holidays(path: &std::path::Path) -> anyhow::Result<etalase_core::Holidays> {
    let text = std::fs::read_to_string(path).with_context(|| {
        format!(
            "cannot read the holiday list {} (set ETALASE_HOLIDAYS)",
            path.display()
        )
    })?;
    etalase_core::Holidays::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

/// The list must be renewed every year: say so in the log before it runs out.
fn warn_if_holidays_run_out(holidays: &etalase_core::Holidays) {
    let last = holidays.last();
    if etalase_core::date::holidays_end_soon(last, clock::today_wib()) {
        tracing::warn!(
            last = ?last.map(|d| d.to_string()),
            "the holiday list ends soon: add next year's holidays and cuti bersama (/admin)"
        );
    }
}

/// A value every request reads whole and an edit replaces whole: readers never see half an
/// update, and a poisoned lock (a panic while swapping) still holds a complete value.
struct Snapshot<T>(Arc<RwLock<Arc<T>>>);

// By hand: a derive would ask `T: Clone`, but only the shared handle is cloned.
impl<T> Clone for Snapshot<T> {
    fn clone(&self) -> Self {
        Snapshot(self.0.clone())
    }
}

impl<T> Snapshot<T> {
    fn new(value: T) -> Snapshot<T> {
        Snapshot(Arc::new(RwLock::new(Arc::new(value))))
    }

    fn get(&self) -> Arc<T> {
        match self.0.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn set(&self, value: T) {
        let value = Arc::new(value);
        match self.0.write() {
            Ok(mut guard) => *guard = value,
            Err(poisoned) => *poisoned.into_inner() = value,
        }
    }
}

/// The JSON API, with its OpenAPI document generated from the same handlers.
pub fn api_routes() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    use utoipa::OpenApi as _;
    utoipa_axum::router::OpenApiRouter::with_openapi(web::openapi::ApiDoc::openapi())
        .merge(orders::routes())
        .merge(needs::routes())
        .merge(accounts::routes())
        .merge(desk::routes())
        .merge(admin::routes())
        .merge(catalog::api::routes())
        .merge(catalog::search::routes())
        .split_for_parts()
}

pub fn app(state: AppState) -> Site {
    let (api, doc) = api_routes();
    // Once, at start (tens of milliseconds).
    let doc = Arc::new(web::precompressed::Encoded::new(
        "application/json",
        web::openapi::document(doc),
    ));
    let routes = Router::new()
        .merge(api)
        .route(
            web::openapi::OPENAPI_PATH,
            axum::routing::get(move |headers: axum::http::HeaderMap| {
                let doc = doc.clone();
                async move { doc.respond(&headers, axum::http::StatusCode::OK, "no-cache") }
            }),
        )
        .merge(catalog::api::unknown_routes())
        .merge(pages::og::routes())
        .merge(desk::photo::routes())
        .merge(pages::spa::routes())
        .fallback(pages::spa::static_files);
    let router = web::security::layers(&state, routes)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            pages::guard::guard,
        ))
        .layer(compression())
        .layer(
            TraceLayer::new_for_http()
                // The path only: a tracking or need link's secret is in the query, and no
                // log level may write it down.
                .make_span_with(|request: &axum::http::Request<_>| {
                    tracing::debug_span!(
                        "request",
                        method = %request.method(),
                        path = %request.uri().path(),
                    )
                })
                .on_failure(log_failure),
        )
        .with_state(state.clone());
    Site {
        security: web::security::SecurityHeaders::new(&state),
        state,
        router,
    }
}

/// The whole site as one service: the router with its layers, and in front of it a fast path
/// for the one answer every searching phone asks for, the catalog (the search index), kept
/// compressed in memory. That request needs no routing, guard, compression or trace: it is
/// answered with the same bytes, negotiation, ETag and security headers as through the router,
/// at about twice the rate (`cargo xtask bench catalog`). Anything else — another method, a
/// query string, an answer other than 200 or 304 — goes through the router.
#[derive(Clone)]
pub struct Site {
    state: AppState,
    security: web::security::SecurityHeaders,
    router: Router,
}

impl Site {
    fn fast(&self, request: &axum::extract::Request) -> Option<axum::response::Response> {
        if request.method() != axum::http::Method::GET
            || request.uri().path() != etalase_core::api::CATALOG_PATH
            || request.uri().query().is_some()
        {
            return None;
        }
        let mut response = self.catalog_copy().answer(
            request.headers(),
            StatusCode::OK,
            catalog::api::CATALOG_CACHE,
        );
        if !matches!(response.status(), StatusCode::OK | StatusCode::NOT_MODIFIED) {
            return None;
        }
        self.security.apply(response.headers_mut());
        Some(response)
    }

    /// This thread's own copy of the catalog's answer, made again when the catalog changes:
    /// answering from it touches no counter another event loop also touches (the shared
    /// snapshot's lock and reference counts are contended between cores).
    fn catalog_copy(&self) -> std::rc::Rc<web::precompressed::Encoded> {
        thread_local! {
            #[allow(clippy::type_complexity)]
            static COPY: std::cell::RefCell<Option<((usize, u64), std::rc::Rc<web::precompressed::Encoded>)>> =
                const { std::cell::RefCell::new(None) };
        }
        // Keyed by the site too: two sites in one process (tests run several) never answer
        // with each other's catalog.
        let version = (
            Arc::as_ptr(&self.state.0) as usize,
            self.state
                .catalog_generation
                .load(std::sync::atomic::Ordering::SeqCst),
        );
        COPY.with(|copy| {
            let mut copy = copy.borrow_mut();
            match &*copy {
                Some((made, answer)) if *made == version => answer.clone(),
                _ => {
                    let answer = std::rc::Rc::new(self.state.catalog().json.deep_copy());
                    *copy = Some((version, answer.clone()));
                    answer
                }
            }
        })
    }

    pub fn into_make_service(self) -> axum::routing::IntoMakeService<Site> {
        axum::ServiceExt::<axum::extract::Request>::into_make_service(self)
    }

    pub fn into_make_service_with_connect_info<C>(
        self,
    ) -> axum::extract::connect_info::IntoMakeServiceWithConnectInfo<Site, C> {
        axum::ServiceExt::<axum::extract::Request>::into_make_service_with_connect_info(self)
    }
}

impl tower::Service<axum::extract::Request> for Site {
    type Response = axum::response::Response;
    type Error = std::convert::Infallible;
    type Future = futures_util::future::Either<
        std::future::Ready<Result<axum::response::Response, std::convert::Infallible>>,
        axum::routing::future::RouteFuture<std::convert::Infallible>,
    >;

    fn poll_ready(
        &mut self,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: axum::extract::Request) -> Self::Future {
        match self.fast(&request) {
            Some(response) => futures_util::future::Either::Left(std::future::ready(Ok(response))),
            None => futures_util::future::Either::Right(self.router.call(request)),
        }
    }
}

/// Server errors are logged, except a deliberate 503 (a full queue), which its gate counts
/// and reports once per interval: a flood of refusals must not become a flood of log lines.
fn log_failure(
    class: tower_http::classify::ServerErrorsFailureClass,
    latency: std::time::Duration,
    _span: &tracing::Span,
) {
    use tower_http::classify::ServerErrorsFailureClass;
    match class {
        ServerErrorsFailureClass::StatusCode(axum::http::StatusCode::SERVICE_UNAVAILABLE) => {}
        class => {
            tracing::error!(%class, latency_ms = latency.as_millis() as u64, "response failed")
        }
    }
}

/// Compresses answers made per request (desk and admin lists, search pages, CSV); answers
/// compressed once (or sent as identity on purpose) carry `Precompressed` and are left alone.
pub fn compression() -> CompressionLayer<impl Predicate> {
    fn not_precompressed(_: StatusCode, _: Version, _: &HeaderMap, e: &Extensions) -> bool {
        e.get::<web::precompressed::Precompressed>().is_none()
    }
    let skip: fn(StatusCode, Version, &HeaderMap, &Extensions) -> bool = not_precompressed;
    CompressionLayer::new().compress_when(DefaultPredicate::new().and(skip))
}

/// Creates a Disperindag admin on the configured database and answers its random password
/// (the only time it is shown). The name follows the same rule as IKM accounts.
pub async fn create_admin(config: &Config, username: &str) -> anyhow::Result<String> {
    let username = username.trim().to_lowercase();
    if etalase_core::Slug::parse(&username).is_err()
        || accounts::audit::AUDIT_NAMES.contains(&username.as_str())
    {
        anyhow::bail!(
            "the user name {username:?} is not allowed: lower-case letters, digits and \
             hyphens, and not one of {:?}",
            accounts::audit::AUDIT_NAMES
        );
    }
    let db = Db::connect(&config.database_url).await?;
    let password = accounts::random_password().map_err(|e| anyhow::anyhow!("{e:?}"))?;
    accounts::create_account(
        &db,
        &username,
        etalase_core::account::Role::Admin,
        None,
        &password,
    )
    .await
    .map_err(|e| match e {
        web::error::AppError::Conflict(..) => {
            anyhow::anyhow!("the user name {username:?} is taken")
        }
        other => anyhow::anyhow!("{other:?}"),
    })?;
    Ok(password)
}

/// Serves until Ctrl-C or SIGTERM.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    let state = build_state(&config).await?;
    // One socket, bound once (a port someone holds is an error, and no other process can
    // join it); each event loop accepts from its own handle of it.
    let socket = std::net::TcpListener::bind(&config.addr)
        .with_context(|| format!("cannot listen on {}", config.addr))?;
    socket.set_nonblocking(true)?;
    let addr = socket.local_addr()?;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut loops = Vec::new();
    let mut ready = Vec::new();
    for n in 1..event_loops() {
        let handle = socket.try_clone()?;
        let (state, stopped) = (state.clone(), stopped.clone());
        let (started, start) = std::sync::mpsc::channel::<std::io::Result<()>>();
        ready.push(start);
        let thread = std::thread::Builder::new()
            .name(format!("http-{n}"))
            .spawn(move || -> anyhow::Result<()> {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build();
                let runtime = match runtime {
                    Ok(runtime) => runtime,
                    Err(e) => {
                        let _ = started.send(Err(std::io::Error::other(e.to_string())));
                        return Ok(());
                    }
                };
                runtime.block_on(async move {
                    let listener = match tokio::net::TcpListener::from_std(handle) {
                        Ok(listener) => {
                            let _ = started.send(Ok(()));
                            listener
                        }
                        Err(e) => {
                            let _ = started.send(Err(e));
                            return Ok(());
                        }
                    };
                    serve_on(listener, state, stopped).await
                })
            })?;
        loops.push(thread);
    }
    // Every loop listens before the site says it runs; one that cannot stops the start.
    for start in ready {
        start
            .recv()
            .unwrap_or_else(|_| Err(std::io::Error::other("an event loop ended at start")))
            .context("starting an HTTP event loop")?;
    }
    let first = tokio::net::TcpListener::from_std(socket)?;
    tracing::info!("Etalase is running at http://{addr}");
    tokio::spawn(expire_periodically(state.clone()));
    tokio::spawn(async move {
        shutdown_signal().await;
        let _ = stop.send(true);
    });
    serve_on(first, state, stopped).await?;
    for thread in loops {
        match thread.join() {
            Ok(result) => result?,
            Err(_) => anyhow::bail!("an HTTP event loop panicked"),
        }
    }
    Ok(())
}

/// One event loop per core, each a single-threaded runtime accepting from the one listening
/// socket, like nginx's workers: no task hops between threads. (One multi-threaded runtime
/// spent much of a catalog GET's time waking its other thread.) CPU-heavy work never runs on
/// a loop: hashing, searching, drawing and compressing go to the blocking pool through their
/// gates (`gate.rs`). `ETALASE_EVENT_LOOPS` overrides the count.
fn event_loops() -> usize {
    std::env::var("ETALASE_EVENT_LOOPS")
        .ok()
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .clamp(1, 64)
}

async fn serve_on(
    listener: tokio::net::TcpListener,
    state: AppState,
    mut stopped: tokio::sync::watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let service = app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(async move {
            let _ = stopped.wait_for(|stop| *stop).await;
        })
        .await?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

/// Keeps this server's copies of the catalog and the holiday list in step with the other
/// servers on the same PostgreSQL: each edit is announced at its commit
/// ([`Tx::announce`]); a lost connection is followed, once back, by a full reload (whatever
/// was announced meanwhile is not heard again).
async fn follow_changes(
    state: AppState,
    pool: sqlx::PgPool,
    listening: sqlx::postgres::PgListener,
) {
    let mut listener = Some(listening);
    let mut retry = std::time::Duration::from_millis(250);
    loop {
        let Some(l) = listener.as_mut() else {
            match listen(&pool).await {
                Ok(l) => {
                    // Anything may have changed while nobody listened.
                    reload_all(&state).await;
                    listener = Some(l);
                    retry = std::time::Duration::from_millis(250);
                }
                Err(e) => tracing::warn!(error = %e, "cannot listen for changes"),
            }
            if listener.is_none() {
                tokio::time::sleep(retry).await;
                retry = (retry * 2).min(std::time::Duration::from_secs(5));
            }
            continue;
        };
        match l.try_recv().await {
            Ok(Some(note)) => {
                let mut words = note.payload().split(' ');
                let topic = words.next().and_then(Topic::from_name);
                if words.next() == Some(state.instance.as_str()) {
                    continue;
                }
                let reloaded = match topic {
                    Some(Topic::Catalog) => state.reload_catalog().await,
                    Some(Topic::Holidays) => state.reload_holidays().await,
                    None => Ok(()),
                };
                if let Err(e) = reloaded {
                    tracing::error!(error = ?e, "reloading after another server's edit failed");
                }
            }
            // The connection dropped; the next call reconnects. Reload then.
            Ok(None) => {
                tracing::warn!("lost the change feed; reloading everything once it is back");
                if l.listen(store::CHANNEL).await.is_ok() {
                    reload_all(&state).await;
                } else {
                    listener = None;
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "the change feed failed; connecting again");
                listener = None;
                tokio::time::sleep(retry).await;
            }
        }
    }
}

/// A connection listening on the change channel.
async fn listen(pool: &sqlx::PgPool) -> anyhow::Result<sqlx::postgres::PgListener> {
    let mut listener = sqlx::postgres::PgListener::connect_with(pool).await?;
    listener.listen(store::CHANNEL).await?;
    Ok(listener)
}

async fn reload_all(state: &AppState) {
    if let Err(e) = state.reload_catalog().await {
        tracing::error!(error = ?e, "reloading the catalog failed");
    }
    if let Err(e) = state.reload_holidays().await {
        tracing::error!(error = ?e, "reloading the holidays failed");
    }
}

/// Parts left unanswered past their time expire; checked every quarter hour.
async fn expire_periodically(state: AppState) {
    let db = state.db.clone();
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(15 * 60));
    loop {
        tick.tick().await;
        match orders::expire_overdue(&db, clock::today_wib(), &state.holidays()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(expired = n, "expired unanswered orders"),
            Err(e) => tracing::warn!(error = ?e, "expiring orders failed"),
        }
        match needs::close_overdue(&db, clock::today_wib()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(closed = n, "closed needs past their date"),
            Err(e) => tracing::warn!(error = ?e, "closing needs past their date failed"),
        }
        if let Err(e) = accounts::sweep(&db, clock::unix_secs()).await {
            tracing::warn!(error = ?e, "sweeping sessions failed");
        }
        if let Err(e) = orders::sweep_idempotency(&db, clock::unix_secs()).await {
            tracing::warn!(error = ?e, "sweeping idempotency records failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::{header, Request};
    use tower::ServiceExt;

    /// The layer leaves an answer alone when it was negotiated already — even one sent as
    /// identity on purpose (the compression queue was full) — and compresses the others.
    #[tokio::test]
    async fn the_compression_layer_never_compresses_a_negotiated_answer_again() {
        let body = "{\"nama\":\"Kopi Robusta Bubuk\"}".repeat(400);
        let kept = body.clone();
        let app =
            Router::new()
                .route(
                    "/sekali",
                    axum::routing::get(move |headers: HeaderMap| {
                        let body = kept.clone();
                        async move {
                            web::precompressed::Encoded::uncompressed("application/json", body)
                                .respond(&headers, StatusCode::OK, "no-cache")
                        }
                    }),
                )
                .route(
                    "/biasa",
                    axum::routing::get(move || async move { "x".repeat(4000) }),
                )
                .layer(compression());
        let get = |path: &str| {
            Request::get(path)
                .header(header::ACCEPT_ENCODING, "br")
                .body(Body::empty())
                .unwrap()
        };
        let once = app.clone().oneshot(get("/sekali")).await.unwrap();
        assert!(once.headers().get(header::CONTENT_ENCODING).is_none());
        let bytes = axum::body::to_bytes(once.into_body(), usize::MAX)
            .await
            .unwrap();
        assert_eq!(bytes, body.as_bytes());
        let other = app.oneshot(get("/biasa")).await.unwrap();
        assert_eq!(other.headers()[header::CONTENT_ENCODING], "br");
    }
}
