//! `cargo xtask export <dir> [--public-url URL]`: the storefront as files for any static host,
//! with no backend. The real server renders every page once (so the HTML, previews and share
//! images are exactly what it serves) and the files are written where a plain file server
//! finds them: `produk/<slug>/index.html`, the catalog at its API path, sitemap and robots.

use crate::build::build_spa;
use crate::tools::{ensure, Need};
use crate::util::{root, step, LocalServer, Result};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Where a static copy's needs come from, and who passes IKM's offers on.
#[derive(Clone, Debug, Default)]
pub struct NeedsSource {
    /// A running site (`https://…`) whose public board is copied.
    pub from: Option<String>,
    /// Disperindag's WhatsApp number for offers on needs.
    pub whatsapp: Option<etalase_core::Phone>,
}

/// The most needs a static copy lists (the board's pages, fetched one by one).
const MAX_EXPORTED_NEEDS: usize = 1_000;

pub fn run(args: &[String]) -> Result {
    let mut dir = None;
    let mut public_url = None;
    let mut needs = NeedsSource::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--public-url" => public_url = it.next().cloned(),
            "--needs-from" => {
                let url = it.next().ok_or("--needs-from needs the site's address")?;
                if !(url.starts_with("https://") || url.starts_with("http://")) {
                    return Err(format!("--needs-from: {url:?} is not an http(s) address"));
                }
                needs.from = Some(url.trim_end_matches('/').to_owned());
            }
            "--needs-whatsapp" => {
                let number = it.next().ok_or("--needs-whatsapp needs a number")?;
                needs.whatsapp = Some(etalase_core::Phone::parse(number).map_err(|e| {
                    format!("--needs-whatsapp: {number:?} is not an Indonesian mobile number: {e}")
                })?);
            }
            other if dir.is_none() && !other.starts_with('-') => dir = Some(PathBuf::from(other)),
            other => return Err(format!("export: unexpected argument {other}")),
        }
    }
    let dir = dir.ok_or(
        "usage: cargo xtask export <dir> [--public-url https://…] [--needs-from https://…] \
         [--needs-whatsapp 08…]",
    )?;
    let public_url = public_url.unwrap_or_else(|| {
        println!(
            "    (no --public-url: absolute links in previews use http://localhost:8000; \
             pass the site's address for real sharing)"
        );
        "http://localhost:8000".into()
    });
    ensure(Need::Build)?;
    build_spa()?;
    export(&dir, public_url.trim_end_matches('/'), &needs)
}

pub fn export(dir: &Path, public_url: &str, needs: &NeedsSource) -> Result {
    step(&format!("Exporting a static site into {}", dir.display()));
    let server = LocalServer::start_with(
        &root().join("target/export"),
        &root().join("data/catalog.json"),
        Duration::from_secs(60),
        &[
            ("ETALASE_PUBLIC_URL", public_url),
            ("ETALASE_DEMO_ACCOUNTS", "false"),
        ],
    )?;
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    copy_dir(&root().join("dist"), dir)?;
    // No server, no staff: the desk and the admin are not part of a static copy.
    let _ = std::fs::remove_dir_all(dir.join("staf"));
    // The shell's precompressed copies would shadow the prerendered home page on hosts that
    // serve .br/.gz files.
    for stale in ["index.html.br", "index.html.gz"] {
        let _ = std::fs::remove_file(dir.join(stale));
    }

    let catalog_json = get(&server.addr, "/api/v1/catalog")?;
    let catalog: etalase_core::Catalog =
        serde_json::from_slice(&catalog_json).map_err(|e| format!("catalog: {e}"))?;
    write(dir, "api/v1/catalog", &catalog_json)?;
    let site = etalase_core::api::SiteInfo {
        ordering: false,
        needs_whatsapp: needs.whatsapp.clone(),
        online_site: needs.from.clone(),
    };
    write(
        dir,
        "api/v1/site",
        &serde_json::to_vec(&site).map_err(|e| e.to_string())?,
    )?;
    // Each page's own document, as the server answers it: a product or IKM page opened from a
    // link fetches only its file. Search and the order list use the catalog file there.
    let mut documents = vec![etalase_core::shelf::HOME_PATH.to_owned()];
    documents.extend(
        catalog
            .products
            .iter()
            .map(|p| etalase_core::api::product_path(p.slug.as_str())),
    );
    documents.extend(
        catalog
            .ikm
            .iter()
            .map(|i| etalase_core::api::ikm_path(i.slug.as_str())),
    );
    for path in &documents {
        write(dir, path.trim_start_matches('/'), &get(&server.addr, path)?)?;
    }

    let paths = etalase_core::preview::all_paths(&catalog);
    for path in &paths {
        let html = get(&server.addr, path)?;
        let file = if path == "/" {
            "index.html".to_owned()
        } else {
            format!("{}/index.html", path.trim_start_matches('/'))
        };
        write(dir, &file, &mark_static(&html))?;
        // The page's share image, as the HTML names it.
        let text = String::from_utf8_lossy(&html);
        if let Some(image) = og_image_path(&text, public_url) {
            let jpeg = get(&server.addr, &image)?;
            write(dir, image.trim_start_matches('/'), &jpeg)?;
        }
    }
    // Every other address is the app (search, order list) or a real not-found page. A static
    // host answers `/cari?q=…` with one file whatever the query, so the search page there is
    // the bare app (the server's search page carries one query's results).
    for (path, file) in [
        ("/daftar-pesanan", "cari/index.html"),
        ("/daftar-pesanan", "daftar-pesanan/index.html"),
        ("/ajukan", "ajukan/index.html"),
        ("/sitemap.xml", "sitemap.xml"),
        ("/robots.txt", "robots.txt"),
    ] {
        let body = get(&server.addr, path)?;
        let body = if file.ends_with(".html") {
            mark_static(&body)
        } else {
            body
        };
        write(dir, file, &body)?;
    }
    let listed = export_needs(dir, &server.addr, public_url, needs)?;
    write(
        dir,
        "404.html",
        &mark_static(&get_any(&server.addr, "/halaman-yang-tidak-ada")?.1),
    )?;
    println!(
        "    {} pages, catalog, {listed} needs, share images, sitemap and robots in {}\n    \
         try it: python3 -m http.server --directory {} 8000",
        paths.len(),
        dir.display(),
        dir.display()
    );
    Ok(())
}

/// The needs board, read-only: the published needs of the site `needs.from` (none without
/// it), at their API paths and each with its page and share preview, made with the same core
/// functions as the server's. Offers go over WhatsApp to Disperindag (`needs.whatsapp`): a
/// partner's contact is never public. Answers how many needs were listed.
fn export_needs(dir: &Path, addr: &str, public_url: &str, needs: &NeedsSource) -> Result<usize> {
    use etalase_core::need::{board_head, need_head, NeedBoard, NEEDS_PATH};
    use etalase_core::preview::{head_html, inject};
    let mut all: Vec<etalase_core::need::NeedCard> = Vec::new();
    if let Some(from) = &needs.from {
        let mut offset = Some(0);
        while let Some(at) = offset.filter(|_| all.len() < MAX_EXPORTED_NEEDS) {
            let url = format!("{from}{NEEDS_PATH}?offset={at}");
            let page: NeedBoard = serde_json::from_slice(&curl(&url)?)
                .map_err(|e| format!("export: {url} is not a needs board: {e}"))?;
            if page.needs.is_empty() {
                break;
            }
            offset = page.next_offset;
            // A code becomes a file name: only a code's shape is written (no `../`).
            all.extend(
                page.needs
                    .into_iter()
                    .filter(|n| etalase_core::need::is_need_code(&n.code)),
            );
        }
        all.truncate(MAX_EXPORTED_NEEDS);
    }
    let board = NeedBoard {
        total: all.len(),
        needs: all,
        next_offset: None,
    };
    write(dir, NEEDS_PATH.trim_start_matches('/'), &to_json(&board)?)?;
    // The plain shell (the form's page is only the app) takes each page's head.
    let shell = String::from_utf8_lossy(&get(addr, "/ajukan")?).into_owned();
    let page = |head: &etalase_core::preview::Head| {
        mark_static(inject(&shell, &head_html(head, public_url), "").as_bytes())
    };
    write(dir, "kebutuhan/index.html", &page(&board_head()))?;
    write(
        dir,
        "kebutuhan/baru/index.html",
        &page(&etalase_core::need::new_need_head()),
    )?;
    // No file per need: a static host cannot hold `api/v1/needs` as a file and a folder at
    // once, and a need's page finds it in the board's list.
    for need in &board.needs {
        // Its share image, drawn by the site it came from.
        if let Some(from) = &needs.from {
            let image = etalase_core::need::need_image_path(&need.code);
            write(
                dir,
                image.trim_start_matches('/'),
                &curl(&format!("{from}{image}"))?,
            )?;
        }
        write(
            dir,
            &format!("kebutuhan/{}/index.html", need.code),
            &page(&need_head(need)),
        )?;
    }
    Ok(board.needs.len())
}

/// A 200 body from another site (`curl`, http or https only), or an error naming the URL.
fn curl(url: &str) -> Result<Vec<u8>> {
    let out = std::process::Command::new("curl")
        .args(["-fsS", "--max-time", "30", "--proto", "=https,http", url])
        .output()
        .map_err(|e| format!("cannot run curl: {e}"))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(format!(
            "export: {url}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<Vec<u8>> {
    serde_json::to_vec(value).map_err(|e| e.to_string())
}

/// `/og/….jpg` from the page's `og:image`.
fn og_image_path(html: &str, public_url: &str) -> Option<String> {
    let at = html.find("property=\"og:image\" content=\"")?;
    let rest = &html[at + "property=\"og:image\" content=\"".len()..];
    let url = &rest[..rest.find('"')?];
    url.strip_prefix(public_url).map(str::to_owned)
}

/// Marks a page as a static copy's, so the app asks no server-only endpoint (search, batch).
fn mark_static(html: &[u8]) -> Vec<u8> {
    String::from_utf8_lossy(html)
        .replacen(
            "</head>",
            "<meta name=\"etalase-host\" content=\"static\"></head>",
            1,
        )
        .into_bytes()
}

fn write(dir: &Path, file: &str, bytes: &[u8]) -> Result {
    let path = dir.join(file);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}

fn copy_dir(from: &Path, to: &Path) -> Result {
    std::fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    for entry in std::fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))? {
        let entry = entry.map_err(|e| e.to_string())?;
        let target = to.join(entry.file_name());
        if entry.file_type().map_err(|e| e.to_string())?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)
                .map_err(|e| format!("{}: {e}", target.display()))?;
        }
    }
    Ok(())
}

/// A 200 body, or an error naming the path.
fn get(addr: &str, path: &str) -> Result<Vec<u8>> {
    match get_any(addr, path)? {
        (200, body) => Ok(body),
        (status, _) => Err(format!("export: {path} answered {status}")),
    }
}

/// One plain HTTP/1.0 GET (no compression, no chunking): status and body.
fn get_any(addr: &str, path: &str) -> Result<(u16, Vec<u8>)> {
    let mut stream = TcpStream::connect(addr).map_err(|e| format!("{addr}: {e}"))?;
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .map_err(|e| e.to_string())?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").map_err(|e| e.to_string())?;
    let mut response = Vec::new();
    stream
        .read_to_end(&mut response)
        .map_err(|e| format!("{path}: {e}"))?;
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| format!("{path}: no HTTP head"))?;
    let head = String::from_utf8_lossy(&response[..split]);
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("{path}: bad status line"))?;
    Ok((status, response[split + 4..].to_vec()))
}
