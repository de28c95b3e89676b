//! Serving the built storefront: hashed assets cached for a year, `index.html` for every
//! app route so deep links survive a reload, and a clear page when nothing was built.

use crate::http::origin;
use crate::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use etalase_core::preview::{self, Resolved};
use tower::ServiceExt;

/// The app's own routes: each answers `index.html`, and the SPA renders the page.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(preview_page))
        .route("/cari", get(app_page))
        .route("/produk/{slug}", get(preview_page))
        .route("/ikm/{slug}", get(preview_page))
        .route("/kategori/{slug}", get(preview_page))
        .route("/sitemap.xml", get(sitemap))
        .route("/robots.txt", get(robots))
        .route("/daftar-pesanan", get(app_page))
        .route("/ajukan", get(app_page))
        .route("/masuk", get(app_page))
        .route("/akun", get(app_page))
        .route("/desk", get(app_page))
        .route("/desk/{*rest}", get(app_page))
        .route("/admin", get(app_page))
        .route("/admin/{*rest}", get(app_page))
        .route("/pesanan/{code}", get(tracking_page))
        .route("/pesanan/{code}/invoice/{ikm}", get(tracking_page))
}

/// The tracking and invoice pages' URLs hold the secret: no `Referer` may carry it to another site,
/// and no shared cache may keep it.
async fn tracking_page(State(state): State<AppState>) -> Response {
    let mut response = index(&state, StatusCode::OK);
    let headers = response.headers_mut();
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

const NOT_BUILT: &str = "<!doctype html><html lang=\"id\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
<title>Etalase belum dibangun</title></head><body style=\"font-family:sans-serif;padding:1rem\">\
<h1>Etalase belum dibangun</h1><p>Folder <code>dist/</code> dengan <code>index.html</code> \
tidak ditemukan. Jalankan <code>cargo xtask build</code> (atau <code>cargo xtask serve</code>) \
lalu muat ulang halaman ini.</p><p lang=\"en\">The storefront has not been built: run \
<code>cargo xtask build</code>.</p></body></html>";

fn index(state: &AppState, status: StatusCode) -> Response {
    let mut response = match &state.index_html {
        Some(html) => (status, Html(html.to_string())).into_response(),
        None => (StatusCode::SERVICE_UNAVAILABLE, Html(NOT_BUILT)).into_response(),
    };
    // The shell names the current hashed assets: always revalidate it.
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

async fn app_page(State(state): State<AppState>) -> Response {
    index(&state, StatusCode::OK)
}

/// A shareable page: the app's HTML with this page's title, description, Open Graph and
/// Twitter tags, JSON-LD and a script-free rendering of its content — for every client,
/// crawler or not. An unknown slug is a real 404.
async fn preview_page(State(state): State<AppState>, uri: Uri, headers: HeaderMap) -> Response {
    let Some(shell) = state.index_html.clone() else {
        return index(&state, StatusCode::OK);
    };
    let snapshot = state.catalog();
    let catalog = &snapshot.catalog;
    match preview::resolve(catalog, uri.path()) {
        Resolved::Page(page) => {
            let origin = origin(&state, &headers);
            let head = preview::head_html(&preview::head(page, catalog, &origin), &origin);
            let body = preview::body_html(page, catalog, &snapshot.index);
            html_page(StatusCode::OK, preview::inject(&shell, &head, &body))
        }
        Resolved::Unknown => not_found(&state),
        Resolved::Other => index(&state, StatusCode::OK),
    }
}

fn html_page(status: StatusCode, html: String) -> Response {
    let mut response = (status, Html(html)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// The not-found page with a real 404 status.
pub fn not_found(state: &AppState) -> Response {
    match &state.index_html {
        Some(shell) => html_page(
            StatusCode::NOT_FOUND,
            preview::inject(
                shell,
                &preview::not_found_head_html(),
                &preview::not_found_body_html(),
            ),
        ),
        None => index(state, StatusCode::NOT_FOUND),
    }
}

async fn sitemap(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let xml = preview::sitemap_xml(&state.catalog().catalog, &origin(&state, &headers));
    (
        [
            (header::CONTENT_TYPE, "application/xml; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        xml,
    )
        .into_response()
}

async fn robots(State(state): State<AppState>, headers: HeaderMap) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        preview::robots_txt(&origin(&state, &headers)),
    )
        .into_response()
}

/// Files from `dist/`; anything else is the app's not-found page with a real 404.
pub async fn static_files(State(state): State<AppState>, req: Request<Body>) -> Response {
    let path = req.uri().path().to_owned();
    let served = match state.static_dir.clone().oneshot(req).await {
        Ok(response) => response.map(Body::new),
        Err(never) => match never {},
    };
    // Not there, or a name the file system refuses (too long, not a folder): not found.
    if served.status() == StatusCode::NOT_FOUND || served.status().is_server_error() {
        return not_found(&state);
    }
    let mut served = served;
    let cache = if is_hashed_asset(&path) {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=3600"
    };
    served
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    served
}

/// Trunk names built assets `name-<hex hash>.ext` (or `_bg.wasm`); the hash has up to 16
/// digits (leading zeros dropped). Their content never changes under that name.
fn is_hashed_asset(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or("");
    let stem = file.split('.').next().unwrap_or("");
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(_, hash)| {
        (10..=16).contains(&hash.len())
            && hash
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
            && hash.bytes().any(|b| b.is_ascii_digit())
    })
}

#[cfg(test)]
mod tests {
    use super::is_hashed_asset;

    #[test]
    fn recognises_trunk_hashed_names() {
        assert!(is_hashed_asset("/etalase-1a2b3c4d5e6f7a8b_bg.wasm"));
        assert!(is_hashed_asset("/etalase-1a2b3c4d5e6f7a8b.js"));
        assert!(is_hashed_asset("/main-0123456789abcdef.css"));
        assert!(is_hashed_asset("/etalase-f379a476e60d402.js"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/img/kategori/kopi-rempah.svg"));
        assert!(!is_hashed_asset("/keripik-pisang-coklat.svg"));
        assert!(!is_hashed_asset("/img/kategori/makanan-minuman.svg"));
    }
}
