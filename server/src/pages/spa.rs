//! Serving the built storefronts: hashed assets cached for a year, the buyers' shell
//! (`dist/index.html`) for every storefront route and the staff shell (`dist/staf/index.html`,
//! Trunk's second build) for the desk, admin, login and account routes, so deep links survive a
//! reload, and a clear page when nothing was built. Every HTML answer is compressed once — the
//! shells and the not-found page at start, preview pages once per catalog version — and served
//! from memory.

use crate::catalog::snapshot::CatalogSnapshot;
use crate::web::http::origin;
use crate::web::precompressed::{self, Encoded};
use crate::AppState;
use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use etalase_core::preview::{self, Page, Resolved};
use std::sync::Arc;
use tower::ServiceExt;

/// Where Trunk's second build (the staff app) lands inside `dist/`, and its URL prefix.
pub const STAFF_DIR: &str = "staf";

/// The app's own routes: each answers a shell, and the SPA renders the page.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(preview_page))
        .route("/cari", get(search_page))
        .route("/produk/{slug}", get(preview_page))
        .route("/ikm/{slug}", get(preview_page))
        .route("/kategori/{slug}", get(category_page))
        .route("/sitemap.xml", get(sitemap))
        .route("/robots.txt", get(robots))
        .route("/daftar-pesanan", get(order_list_page))
        .route("/ajukan", get(app_page))
        .route("/masuk", get(staff_page))
        .route("/akun", get(staff_page))
        .route("/desk", get(staff_page))
        .route("/desk/{*rest}", get(staff_page))
        .route("/admin", get(staff_page))
        .route("/admin/{*rest}", get(staff_page))
        .route("/pesanan/{code}", get(tracking_page))
        .route("/pesanan/{code}/invoice/{ikm}", get(tracking_page))
        .route("/kebutuhan", get(board_page))
        .route("/kebutuhan/baru", get(new_need_page))
        .route("/kebutuhan/{code}", get(need_page))
        // The partner's private page: its URL holds the secret, as a tracking page's does.
        .route("/kebutuhan/{code}/kelola", get(tracking_page))
}

/// The shell with a page's head (title, description, share preview) and no body of its own:
/// the app draws the page at once.
async fn with_head(state: &AppState, headers: &HeaderMap, head: &preview::Head) -> Response {
    let Some(shell_html) = state.shells.storefront_html.as_deref() else {
        return shell(state, headers, false, SHELL_CACHE);
    };
    let origin = origin(state, headers);
    let html = preview::inject(shell_html, &preview::head_html(head, &origin), "");
    match precompressed::compress(HTML, html.into_bytes()).await {
        Ok(page) | Err(page) => page.respond(headers, StatusCode::OK, SHELL_CACHE),
    }
}

async fn board_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    with_head(&state, &headers, &etalase_core::need::board_head()).await
}

async fn new_need_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    with_head(&state, &headers, &etalase_core::need::new_need_head()).await
}

/// A published need's page: its preview for crawlers (WhatsApp runs no script); an unknown,
/// unpublished or declined need is the not-found page.
async fn need_page(
    State(state): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Response {
    match crate::needs::board::public_need(&state, &code).await {
        Ok(card) => with_head(&state, &headers, &etalase_core::need::need_head(&card)).await,
        Err(_) => not_found(&state, &headers),
    }
}

/// The HTML answers that do not depend on the catalog, compressed once at start.
pub struct Shells {
    /// The buyers' shell as built: `None` when `dist/index.html` is missing.
    pub storefront_html: Option<Arc<str>>,
    pub storefront: Option<Encoded>,
    /// The staff shell: `None` for a build without it (the storefront shell serves instead).
    pub staff_html: Option<Arc<str>>,
    pub staff: Option<Encoded>,
    /// The not-found page (from the storefront shell).
    pub not_found: Option<Encoded>,
    /// What every page answers while nothing is built.
    pub not_built: Encoded,
}

impl Shells {
    /// Compresses the shells: CPU work, run off the async workers.
    pub fn new(storefront_html: Option<Arc<str>>, staff_html: Option<Arc<str>>) -> Shells {
        let html = |s: &Arc<str>| Encoded::new(HTML, s.as_bytes().to_vec());
        Shells {
            storefront: storefront_html.as_ref().map(html),
            staff: staff_html.as_ref().map(html),
            not_found: storefront_html.as_deref().map(|shell| {
                Encoded::new(
                    HTML,
                    preview::inject(
                        shell,
                        &preview::not_found_head_html(),
                        &preview::not_found_body_html(),
                    ),
                )
            }),
            not_built: Encoded::new(HTML, NOT_BUILT),
            storefront_html,
            staff_html,
        }
    }

    /// Reads `dist/index.html` and, when there, `dist/staf/index.html`.
    pub fn read(dist: &std::path::Path) -> (Option<Arc<str>>, Option<Arc<str>>) {
        let index_path = dist.join("index.html");
        let storefront = match std::fs::read_to_string(&index_path) {
            Ok(html) => Some(Arc::from(html)),
            Err(err) => {
                tracing::error!(
                    "storefront not built: cannot read {} ({err}); run `cargo xtask build` — \
                     pages answer 503 until then, the API works",
                    index_path.display()
                );
                None
            }
        };
        let staff_path = dist.join(STAFF_DIR).join("index.html");
        let staff = match std::fs::read_to_string(&staff_path) {
            Ok(html) => Some(Arc::from(html)),
            Err(err) => {
                if storefront.is_some() {
                    tracing::info!(
                        "no staff build at {} ({err}): the desk, admin and login pages get \
                         the storefront shell",
                        staff_path.display()
                    );
                }
                None
            }
        };
        (storefront, staff)
    }
}

const HTML: &str = "text/html; charset=utf-8";
/// Shells name the current hashed assets: always revalidate them.
const SHELL_CACHE: &str = "no-cache";

/// The tracking and invoice pages' URLs hold the secret: no `Referer` may carry it to another site,
/// and no shared cache may keep it.
async fn tracking_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let mut response = shell(&state, &headers, false, "no-store");
    crate::web::security::isolate_private_page(response.headers_mut());
    response.headers_mut().insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    // Robots are told in robots.txt too; a link that leaks anyway is never indexed.
    response.headers_mut().insert(
        header::HeaderName::from_static("x-robots-tag"),
        HeaderValue::from_static("noindex, nofollow"),
    );
    response
}

const NOT_BUILT: &str = "<!doctype html><html lang=\"id\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
<title>Etalase belum dibangun</title></head><body style=\"font-family:sans-serif;padding:1rem\">\
<h1>Etalase belum dibangun</h1><p>Folder <code>dist/</code> dengan <code>index.html</code> \
tidak ditemukan. Jalankan <code>cargo xtask build</code> (atau <code>cargo xtask serve</code>) \
lalu muat ulang halaman ini.</p><p lang=\"en\">The storefront has not been built: run \
<code>cargo xtask build</code>.</p></body></html>";

/// A shell as it was built: the staff one for staff pages when there is one, else the
/// storefront's; the "not built" page (503) when neither is.
fn shell(state: &AppState, headers: &HeaderMap, staff: bool, cache: &'static str) -> Response {
    let shells = &state.shells;
    let chosen = if staff {
        shells.staff.as_ref().or(shells.storefront.as_ref())
    } else {
        shells.storefront.as_ref()
    };
    match chosen {
        Some(page) => page.respond(headers, StatusCode::OK, cache),
        None => shells
            .not_built
            .respond(headers, StatusCode::SERVICE_UNAVAILABLE, SHELL_CACHE),
    }
}

async fn app_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let mut response = shell(&state, &headers, false, SHELL_CACHE);
    // The checkout shows the tracking link once a request is stored, and keeps the
    // partner's contact: a private page, cut off from any window that opened it.
    crate::web::security::isolate_private_page(response.headers_mut());
    response
}

/// The buyer's order list, drawn from the list cookie the app keeps
/// ([`etalase_core::list_cookie`]) with the same core rules and layout as the app's page, so
/// the list paints at once and the app loads at the first touch, as on every other
/// storefront page. No cookie is an empty list; the loader still starts the app at once if
/// the browser holds a list after all (`data-list-unknown`, also set when the cookie named
/// lines but none could be drawn). A list too long for a cookie, or a value no app wrote,
/// gets the bare shell, which starts the app at once. Every answer here is the buyer's own:
/// private, varying by cookie, and compressed off the event loop (a 100-line list is ~90 KB).
async fn order_list_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let mut response = match order_list_html(&state, &headers) {
        Some(html) => match precompressed::compress(HTML, html).await {
            Ok(page) | Err(page) => page.respond(&headers, StatusCode::OK, SHELL_CACHE),
        },
        None => shell(&state, &headers, false, SHELL_CACHE),
    };
    let headers = response.headers_mut();
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    headers.insert(
        header::VARY,
        HeaderValue::from_static("cookie, accept-encoding"),
    );
    response
}

/// The order list page drawn from the request's list cookie; `None` for the bare shell.
fn order_list_html(state: &AppState, headers: &HeaderMap) -> Option<String> {
    use etalase_core::list_cookie;
    let shell_html = state.shells.storefront_html.as_deref()?;
    let value = list_cookie::find(
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok()),
    );
    let lines = list_cookie::decode(value.unwrap_or(""))?;
    let snap = state.catalog();
    // At most 100 lookups in the snapshot's map, like the batch endpoint: no scan, no queue.
    let listed = etalase_core::Catalog::from_data(etalase_core::shelf::by_slugs(
        &snap.catalog,
        lines.iter().map(|l| l.product.as_str()),
        |s| {
            snap.product_at
                .get(s)
                .and_then(|&i| snap.catalog.products.get(i))
        },
    ));
    let (mut body, drawn) = preview::order_list_body_html(&listed, &lines);
    if value.is_none() || (drawn == 0 && !lines.is_empty()) {
        body = body.replacen(
            "<div id=\"prerender\">",
            "<div id=\"prerender\" data-list-unknown=\"\">",
            1,
        );
    }
    Some(preview::inject(
        shell_html,
        &preview::order_list_head_html(),
        &body,
    ))
}

/// Desk, admin, login and account: the staff app.
async fn staff_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let mut response = shell(&state, &headers, true, SHELL_CACHE);
    crate::web::security::isolate_private_page(response.headers_mut());
    response
}

/// Origins longer than any host name and port: such a page is made and sent, not kept.
const MAX_CACHED_ORIGIN: usize = 300;

/// A shareable page: the app's HTML with this page's title, description, Open Graph and
/// Twitter tags, JSON-LD and a script-free rendering of its content — for every client,
/// crawler or not. An unknown slug is a real 404. Made once per catalog version and origin,
/// kept in the snapshot's bounded page cache.
async fn preview_page(State(state): State<AppState>, uri: Uri, headers: HeaderMap) -> Response {
    let Some(shell_html) = state.shells.storefront_html.clone() else {
        return shell(&state, &headers, false, SHELL_CACHE);
    };
    let snapshot = state.catalog();
    let origin = origin(&state, &headers);
    let key = (origin, uri.path().to_owned());
    if let Some(page) = snapshot.pages.get(&key) {
        return page.respond(&headers, StatusCode::OK, SHELL_CACHE);
    }
    let catalog = &snapshot.catalog;
    let html = match preview::resolve(catalog, uri.path()) {
        Resolved::Page(page) => {
            let origin = &key.0;
            let head = preview::head_html(&preview::head(page, catalog, origin), origin);
            let body = preview::body_html(page, catalog, &snapshot.index);
            preview::inject(&shell_html, &head, &body)
        }
        Resolved::Unknown => return not_found(&state, &headers),
        Resolved::Other => return shell(&state, &headers, false, SHELL_CACHE),
    };
    keep(&snapshot, key, HTML, html)
        .await
        .respond(&headers, StatusCode::OK, SHELL_CACHE)
}

/// A category's page. With a query (`?urut=harga-naik`, `?q=madu`: the app keeps its
/// filters in the URL, and the sort form works without script) it is that search within the
/// category, made per request like `/cari`; without one, the shared page, kept.
async fn category_page(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    params: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let raw = uri.query().unwrap_or("");
    let snapshot = state.catalog();
    let (Some(shell_html), Ok(Query(params)), false, true) = (
        state.shells.storefront_html.clone(),
        params,
        raw.is_empty(),
        raw.len() <= MAX_SEARCH_QUERY,
    ) else {
        return preview_page(State(state), uri, headers).await;
    };
    let Resolved::Page(page @ Page::Category(category)) =
        preview::resolve(&snapshot.catalog, uri.path())
    else {
        return preview_page(State(state), uri, headers).await;
    };
    let origin = origin(&state, &headers);
    let head = preview::head_html(&preview::head(page, &snapshot.catalog, &origin), &origin);
    let query = search_query(&params);
    let searched = snapshot.clone();
    let body = crate::web::gate::SEARCHING
        .try_run(move || {
            preview::search_body_html(&searched.catalog, &searched.index, &query, Some(category))
        })
        .await;
    match body {
        Some(body) => made_now(preview::inject(&shell_html, &head, &body)),
        None => preview_page(State(state), uri, headers).await,
    }
}

/// The search the app would run for these URL parameters (the last of repeated ones counts,
/// as in the app's router and `/api/v1/search`).
fn search_query(params: &[(String, String)]) -> etalase_core::search::SearchQuery {
    etalase_core::search::SearchQuery::from_params(|k| {
        params
            .iter()
            .rev()
            .find(|(name, _)| name == k)
            .map(|(_, v)| v.clone())
    })
}

/// A page made for one request: not kept, compressed by the compression layer.
fn made_now(html: String) -> Response {
    let mut response = ([(header::CONTENT_TYPE, HTML)], html).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(SHELL_CACHE));
    response
}

/// Longest query string a search page is drawn for; a longer one gets the bare shell (the
/// guard already refuses queries over 2 KB).
const MAX_SEARCH_QUERY: usize = 1024;

/// The search page (`/cari?q=…&wilayah=…`): the shell with the first results of the same core
/// search the app runs, so the buyer sees them before the wasm arrives and the app takes over
/// without moving anything. Made per request (the query is the buyer's), never kept: the
/// compression layer compresses it like any dynamic answer.
async fn search_page(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    params: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let Some(shell_html) = state.shells.storefront_html.clone() else {
        return shell(&state, &headers, false, SHELL_CACHE);
    };
    // A query the app could not read either: the bare shell, as before.
    let (Ok(Query(params)), true) = (params, uri.query().unwrap_or("").len() <= MAX_SEARCH_QUERY)
    else {
        return shell(&state, &headers, false, SHELL_CACHE);
    };
    let query = search_query(&params);
    let snapshot = state.catalog();
    let origin = origin(&state, &headers);
    // Searching is bounded work on the blocking pool; when too many wait, the bare shell
    // (the app searches by itself) rather than a refusal.
    let drawn = crate::web::gate::SEARCHING
        .try_run(move || preview::search_page(&snapshot.catalog, &snapshot.index, &query))
        .await;
    let Some((head, body)) = drawn else {
        return shell(&state, &headers, false, SHELL_CACHE);
    };
    let head = preview::head_html(&head, &origin);
    made_now(preview::inject(&shell_html, &head, &body))
}

/// Compresses an answer made from this catalog version for this origin and keeps it in the
/// snapshot's page cache (unless its origin is too long to be a host name).
async fn keep(
    snapshot: &CatalogSnapshot,
    key: (String, String),
    content_type: &'static str,
    body: String,
) -> Arc<Encoded> {
    match precompressed::compress(content_type, body).await {
        Ok(page) => {
            let page = Arc::new(page);
            if key.0.len() <= MAX_CACHED_ORIGIN {
                snapshot.pages.insert(key, page.clone());
            }
            page
        }
        Err(uncompressed) => Arc::new(uncompressed),
    }
}

/// The not-found page with a real 404 status. It carries the app, which draws whatever page
/// the address names (`/ajukan?<8 KB>` is refused here, and the app still draws the
/// checkout): cut off from its opener like the private pages, at no cost to a landing page.
pub fn not_found(state: &AppState, headers: &HeaderMap) -> Response {
    let mut response = match &state.shells.not_found {
        Some(page) => page.respond(headers, StatusCode::NOT_FOUND, SHELL_CACHE),
        None => state
            .shells
            .not_built
            .respond(headers, StatusCode::NOT_FOUND, SHELL_CACHE),
    };
    crate::web::security::isolate_private_page(response.headers_mut());
    response
}

async fn sitemap(State(state): State<AppState>, headers: HeaderMap) -> Response {
    const XML: &str = "application/xml; charset=utf-8";
    let snapshot = state.catalog();
    let key = (origin(&state, &headers), "/sitemap.xml".to_owned());
    let page = match snapshot.pages.get(&key) {
        Some(page) => page,
        None => {
            let xml = preview::sitemap_xml(&snapshot.catalog, &key.0);
            keep(&snapshot, key, XML, xml).await
        }
    };
    page.respond(&headers, StatusCode::OK, "public, max-age=3600")
}

async fn robots(State(state): State<AppState>, headers: HeaderMap) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        preview::robots_txt(&origin(&state, &headers)),
    )
        .into_response()
}

/// Files from `dist/` (the staff build's under `/staf/`); anything else is the app's not-found
/// page with a real 404.
pub async fn static_files(State(state): State<AppState>, req: Request<Body>) -> Response {
    let path = req.uri().path().to_owned();
    let accept = only_accept_encoding(req.headers());
    let served = match state.static_dir.clone().oneshot(req).await {
        Ok(response) => response.map(Body::new),
        Err(never) => match never {},
    };
    // Not there, or a name the file system refuses (too long, not a folder): not found.
    if served.status() == StatusCode::NOT_FOUND || served.status().is_server_error() {
        return not_found(&state, &accept);
    }
    let mut served = served;
    let cache = if etalase_core::asset::is_hashed_asset(&path) {
        "public, max-age=31536000, immutable"
    } else if path.ends_with('/') || path.ends_with(".html") || names_the_build(&path) {
        // A shell reached by its file name (`/staf/`, `/index.html`) names hashed assets too,
        // and so do the service worker and the manifest.
        SHELL_CACHE
    } else {
        "public, max-age=3600"
    };
    served
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    served
}

/// The service worker lists this build's assets (a browser must see a new one at once to
/// install the new build); the web app manifest names its icons.
fn names_the_build(path: &str) -> bool {
    path == "/sw.js" || path == "/manifest.webmanifest"
}

/// The request's `Accept-Encoding`, all a not-found page needs from it.
fn only_accept_encoding(headers: &HeaderMap) -> HeaderMap {
    let mut kept = HeaderMap::new();
    for value in headers.get_all(header::ACCEPT_ENCODING) {
        kept.append(header::ACCEPT_ENCODING, value.clone());
    }
    kept
}
