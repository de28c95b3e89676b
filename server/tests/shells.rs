//! Two builds of the app: buyers get the storefront shell (`dist/index.html`), staff get the
//! staff shell (`dist/staf/index.html`, Trunk's second build) on the desk, admin, login and
//! account routes; a build without the staff shell serves the storefront's there. Each shell's
//! inline loader is allowed by the Content-Security-Policy it is served with.

mod common;

use base64::Engine;
use common::{config_in, seed_path, spawn_with, TestApp};
use sha2::{Digest, Sha256};

const STOREFRONT_SCRIPT: &str =
    "import init from '/etalase-0123456789abcdef.js';init('/etalase-0123456789abcdef_bg.wasm');";
const STAFF_SCRIPT: &str = "import init from '/staf/etalase-staf-fedcba9876543210.js';init('/staf/etalase-staf-fedcba9876543210_bg.wasm');";

fn shell(marker: &str, script: &str) -> String {
    format!(
        "<!doctype html><html><head><title>Etalase</title>\
         <script type=\"module\">{script}</script></head><body><p>{marker}</p>{}</body></html>",
        "<noscript>Etalase IKM Lampung memerlukan JavaScript.</noscript>".repeat(8)
    )
}

async fn app(with_staff: bool) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(dist.join("staf")).unwrap();
    std::fs::write(
        dist.join("index.html"),
        shell("toko-shell", STOREFRONT_SCRIPT),
    )
    .unwrap();
    std::fs::write(dist.join("etalase-0123456789abcdef_bg.wasm"), b"\0asm").unwrap();
    std::fs::write(dist.join("sw.js"), "const VERSION = \"1\";").unwrap();
    std::fs::write(dist.join("manifest.webmanifest"), "{\"name\":\"Etalase\"}").unwrap();
    if with_staff {
        std::fs::write(
            dist.join("staf/index.html"),
            shell("staf-shell", STAFF_SCRIPT),
        )
        .unwrap();
    }
    std::fs::write(
        dist.join("staf/etalase-staf-fedcba9876543210_bg.wasm"),
        b"\0asm",
    )
    .unwrap();
    let config = config_in(dir.path(), seed_path());
    spawn_with(dir, config).await
}

fn hash(script: &str) -> String {
    let digest = Sha256::digest(script.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

const STAFF_ROUTES: [&str; 8] = [
    "/masuk",
    "/akun",
    "/desk",
    "/desk/pesanan/ETL-2026-000001",
    "/desk/produk",
    "/admin",
    "/admin?tab=libur",
    "/admin/apa/saja",
];

const STOREFRONT_ROUTES: [&str; 7] = [
    "/",
    "/cari?q=kopi",
    "/produk/kopi-robusta-bubuk-250-g",
    "/ikm/kopi-gunung-betung",
    "/kategori/kriya",
    "/daftar-pesanan",
    "/ajukan",
];

async fn check(app: &TestApp, path: &str, marker: &str, script: &str) {
    let res = app.get(path).await;
    assert_eq!(res.status(), 200, "{path}");
    let headers = res.headers().clone();
    // The order list is the buyer's own (drawn from its cookie): no shared cache keeps it.
    let cache = if path == "/daftar-pesanan" {
        "private, no-cache"
    } else {
        "no-cache"
    };
    assert_eq!(headers["cache-control"], cache, "{path}");
    assert_eq!(headers["x-frame-options"], "DENY", "{path}");
    assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains(&hash(script)), "{path}: {csp}");
    assert!(
        !csp.split(';')
            .find(|d| d.trim_start().starts_with("script-src"))
            .unwrap()
            .contains("unsafe-inline"),
        "{path}: {csp}"
    );
    let html = res.text().await.unwrap();
    assert!(html.contains(marker), "{path} is not the {marker}");
}

#[tokio::test]
async fn staff_routes_get_the_staff_shell_and_buyers_the_storefront() {
    let app = app(true).await;
    for path in STAFF_ROUTES {
        check(&app, path, "staf-shell", STAFF_SCRIPT).await;
    }
    for path in STOREFRONT_ROUTES {
        check(&app, path, "toko-shell", STOREFRONT_SCRIPT).await;
    }
    // The staff build's assets are served under /staf/ like the rest: hashed ones for a year.
    let wasm = app.get("/staf/etalase-staf-fedcba9876543210_bg.wasm").await;
    assert_eq!(wasm.status(), 200);
    assert_eq!(
        wasm.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    // The staff shell by its file name is still revalidated every time.
    let by_name = app.get("/staf/index.html").await;
    assert_eq!(by_name.status(), 200);
    assert_eq!(by_name.headers()["cache-control"], "no-cache");
    // Tracking pages stay the storefront's, with their stricter headers.
    let tracking = app.get("/pesanan/ETL-2026-000001?t=00").await;
    assert_eq!(tracking.headers()["referrer-policy"], "no-referrer");
    assert_eq!(tracking.headers()["cache-control"], "no-store");
    assert!(tracking.text().await.unwrap().contains("toko-shell"));
}

#[tokio::test]
async fn a_build_without_the_staff_shell_serves_the_storefront_everywhere() {
    let app = app(false).await;
    for path in STAFF_ROUTES.iter().chain(&STOREFRONT_ROUTES) {
        check(&app, path, "toko-shell", STOREFRONT_SCRIPT).await;
    }
}

#[tokio::test]
async fn the_staff_shell_is_compressed_once_too() {
    let app = app(true).await;
    let res = app
        .client
        .get(format!("{}/masuk", app.base))
        .header("Accept-Encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-encoding"], "gzip");
    let bytes = res.bytes().await.unwrap();
    let mut html = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut html)
        .unwrap();
    assert_eq!(html, shell("staf-shell", STAFF_SCRIPT));
}

/// The service worker and the manifest name the build: a browser must see a new one at once
/// (never an hour-old copy), and the policy lets the page use both.
#[tokio::test]
async fn the_service_worker_and_the_manifest_are_revalidated_and_allowed() {
    let app = app(true).await;
    let worker = app.get("/sw.js").await;
    assert_eq!(worker.status(), 200);
    assert_eq!(worker.headers()["cache-control"], "no-cache");
    assert!(worker.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("javascript"));
    let manifest = app.get("/manifest.webmanifest").await;
    assert_eq!(manifest.status(), 200);
    assert_eq!(manifest.headers()["cache-control"], "no-cache");
    assert_eq!(
        manifest.headers()["content-type"],
        "application/manifest+json"
    );
    // Hashed assets stay cached for a year.
    let wasm = app.get("/etalase-0123456789abcdef_bg.wasm").await;
    assert_eq!(
        wasm.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let page = app.get("/").await;
    let csp = page.headers()["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("worker-src 'self'"), "{csp}");
    assert!(csp.contains("manifest-src 'self'"), "{csp}");
}
