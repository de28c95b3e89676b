//! Lighthouse 12.2.3 (npm), mobile defaults — simulated slow 4G, 4× CPU — in Debian's
//! Chromium, on every storefront page, with the seed catalog and with 10,000 products.

use super::process::run_bounded;
use super::table::{limit_ms, millis, Row};
use super::{Mode, Servers, BENCH_PRODUCTS};
use crate::util::{cmd, Result};
use serde::Deserialize;
use std::time::Duration;

/// The budgets of #11, for every storefront page.
const PERF_MIN: f64 = 98.0;
const LCP_MAX_MS: f64 = 1500.0;
const TBT_MAX_MS: f64 = 50.0;
const CLS_MAX: f64 = 0.02;
/// Everything the first view transfers, brotli (1 KB = 1,000 bytes).
const BYTES_GOAL: u64 = 150_000;

/// Lighthouse runs per page in the full run; the median of each figure counts.
const RUNS_FULL: usize = 5;

#[derive(Deserialize)]
struct PageResult {
    label: String,
    runs: usize,
    errors: Vec<String>,
    perf: Option<f64>,
    lcp_ms: Option<f64>,
    tbt_ms: Option<f64>,
    cls: Option<f64>,
    bytes: Option<f64>,
}

pub fn run(servers: &mut Servers, mode: Mode) -> Result<Vec<Row>> {
    let mut rows = Vec::new();
    let paths = pages(servers)?;
    rows.extend(measure(servers, mode, "seed", &paths)?);
    if mode == Mode::Full {
        rows.extend(measure(servers, mode, "10k", &paths)?);
    }
    Ok(rows)
}

/// A storefront page to measure, with the cookies its buyer would send.
struct Page {
    path: String,
    cookie: Option<String>,
}

/// The storefront's pages, on real slugs of the seed catalog (which the grown one keeps). The
/// order list is measured as a buyer with a list sees it: three products from two IKM, one at
/// a tier price, in the cookie the app keeps.
fn pages(servers: &Servers) -> Result<Vec<Page>> {
    let seed = &servers.seed;
    let product = seed
        .products
        .iter()
        .find(|p| p.featured)
        .or(seed.products.first())
        .ok_or("the seed catalog has no products")?;
    let tiered = seed
        .products
        .iter()
        .find(|p| !p.tiers.is_empty())
        .ok_or("the seed catalog has no tier prices")?;
    let mut listed = vec![(
        tiered.slug.as_str(),
        tiered.tiers.iter().map(|t| t.min_qty).max().unwrap_or(1),
        "",
    )];
    listed.extend(
        seed.products
            .iter()
            .filter(|p| p.ikm != tiered.ikm)
            .take(2)
            .map(|p| (p.slug.as_str(), p.min_order, "")),
    );
    let list = etalase_core::list_cookie::encode(listed);
    let page = |path: String| Page { path, cookie: None };
    Ok(vec![
        page("/".into()),
        page(format!("/produk/{}", product.slug)),
        page(format!("/ikm/{}", product.ikm)),
        page(format!("/kategori/{}", product.category.slug())),
        page("/cari?q=kopi".into()),
        Page {
            path: "/daftar-pesanan".into(),
            cookie: Some(format!("{}={list}", etalase_core::list_cookie::NAME)),
        },
    ])
}

fn measure(servers: &mut Servers, mode: Mode, catalog: &str, paths: &[Page]) -> Result<Vec<Row>> {
    let runs = if mode == Mode::Full { RUNS_FULL } else { 1 };
    crate::util::step(&format!(
        "Benchmark: Lighthouse mobile, {catalog} catalog, {} pages × {runs} run(s)",
        paths.len()
    ));
    let server = if catalog == "seed" {
        servers.seed()?
    } else {
        servers.big()?
    };
    let warm: Vec<&str> = paths.iter().map(|p| p.path.as_str()).collect();
    server.settle(&warm);
    let url = server.url();
    let out = servers.dir(&format!("lighthouse/{catalog}"))?;
    let pages: Vec<serde_json::Value> = paths
        .iter()
        .map(|p| {
            serde_json::json!({
                "label": p.path,
                "url": format!("{url}{}", p.path),
                "cookie": p.cookie,
            })
        })
        .collect();
    let result_file = out.join("summary.json");
    // A run takes 10–30 s; a page that hangs is cut by Lighthouse itself after 45 s.
    let timeout = Duration::from_secs(60 + 90 * (paths.len() * runs) as u64);
    run_bounded(
        "lighthouse (node)",
        cmd("node")
            .arg("xtask/bench/lighthouse.mjs")
            .env("PAGES", serde_json::Value::Array(pages).to_string())
            .env("RUNS", runs.to_string())
            .env("OUT_DIR", &out)
            .env("RESULT_FILE", &result_file),
        timeout,
    )?;
    println!("    reports: {}", out.display());
    let text = std::fs::read_to_string(&result_file).map_err(|e| e.to_string())?;
    let results: Vec<PageResult> =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", result_file.display()))?;
    let catalog_name = if catalog == "seed" {
        "seed".to_owned()
    } else {
        format!("{BENCH_PRODUCTS}")
    };
    let mut rows = Vec::new();
    for page in results {
        let name = |what: &str| format!("lighthouse {catalog_name} {} {what}", short(&page.label));
        let figures = (page.perf, page.lcp_ms, page.tbt_ms, page.cls, page.bytes);
        let (Some(perf), Some(lcp), Some(tbt), Some(cls), Some(bytes)) = figures else {
            rows.push(Row::failed(
                name("(no figures)"),
                &format!(
                    "{} of {runs} run(s) measured: {}",
                    page.runs,
                    page.errors.join("; ")
                ),
            ));
            continue;
        };
        rows.push(Row::timing(
            name("perf score"),
            format!("{perf:.0}"),
            format!("≥ {PERF_MIN}"),
            perf >= PERF_MIN,
        ));
        rows.push(Row::timing(
            name("LCP"),
            millis(lcp),
            format!("≤ {}", limit_ms(LCP_MAX_MS)),
            lcp <= LCP_MAX_MS,
        ));
        rows.push(Row::timing(
            name("TBT"),
            millis(tbt),
            format!("≤ {}", limit_ms(TBT_MAX_MS)),
            tbt <= TBT_MAX_MS,
        ));
        rows.push(Row::timing(
            name("CLS"),
            format!("{cls:.3}"),
            format!("≤ {CLS_MAX}"),
            cls <= CLS_MAX,
        ));
        // CI runs the seed catalog only (sizes are stable there); the 10k figures are judged
        // against the goal too.
        let ceiling = (catalog == "seed").then_some(BYTES_GOAL);
        rows.push(Row::bytes(
            name("bytes"),
            bytes.round() as u64,
            BYTES_GOAL,
            ceiling,
        ));
    }
    Ok(rows)
}

/// `/produk/…` for `/produk/keripik-pisang-coklat-250-g`: the table names the kind of page
/// (the reports' file names keep the slug).
fn short(path: &str) -> String {
    match path.trim_start_matches('/').split_once('/') {
        Some((kind, _)) => format!("/{kind}/…"),
        None => path.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::short;

    #[test]
    fn pages_are_named_by_kind() {
        assert_eq!(short("/produk/keripik-pisang"), "/produk/…");
        assert_eq!(short("/cari?q=kopi"), "/cari?q=kopi");
        assert_eq!(short("/"), "/");
    }
}
