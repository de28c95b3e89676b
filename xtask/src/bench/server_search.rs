//! The server's own time to answer a search (`GET /api/v1/search`, its `Server-Timing:
//! search;dur=…`) at 10,000 products: the buyers' queries as typed letter by letter, and with
//! filters, sorts and a second page.

use super::table::{limit_ms, millis, Row};
use super::{quantile, Mode, Servers, BENCH_PRODUCTS};
use crate::util::{exchange, step, Reply, Result};
use etalase_core::catalog::Availability;
use etalase_core::search::{Certificate, SearchQuery, Sort};
use etalase_core::{Category, Kabupaten, Rupiah};

const ENDPOINT: &str = "/api/v1/search";
/// #11: the server answers searches in at most 5 ms (server time) at p95.
const P95_GOAL_MS: f64 = 5.0;
/// A page of results, as the storefront asks for.
const LIMIT: u32 = 24;

pub fn run(servers: &mut Servers, mode: Mode) -> Result<Vec<Row>> {
    let rounds = if mode == Mode::Full { 3 } else { 1 };
    let addr = servers.big()?.addr.clone();
    let queries = super::queries()?;
    let calls = calls(&queries);
    step(&format!(
        "Benchmark: server search time on {BENCH_PRODUCTS} products, {} calls × {rounds} round(s)",
        calls.len()
    ));
    let name = format!("server-search p95 ({BENCH_PRODUCTS} products)");
    let probe = get(&addr, &calls[0])?;
    if probe.status == 404 {
        return Ok(vec![Row::unavailable(
            name,
            &format!("GET {ENDPOINT} answers 404 (not built yet)"),
        )]);
    }
    // One unrecorded pass over the whole queries: whatever the server builds lazily.
    for text in &queries {
        answer(&addr, &path(&text_query(text), 0))?;
    }
    let mut times = Vec::with_capacity(calls.len() * rounds);
    for _ in 0..rounds {
        for path in &calls {
            times.push(answer(&addr, path)?);
        }
    }
    let p50 = quantile(&times, 0.5).ok_or("no search timed")?;
    let p95 = quantile(&times, 0.95).ok_or("no search timed")?;
    let max = times.iter().copied().fold(0.0, f64::max);
    Ok(vec![
        Row::timing(
            format!("{name}, {} calls", times.len()),
            millis(p95),
            format!("≤ {}", limit_ms(P95_GOAL_MS)),
            p95 <= P95_GOAL_MS,
        ),
        Row::info("server-search p50", millis(p50)),
        Row::info("server-search max", millis(max)),
    ])
}

/// Every query typed letter by letter (the first page each time, as the box follows the
/// typing), then each whole query with a filter, a sort or the second page.
fn calls(queries: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for (i, text) in queries.iter().enumerate() {
        let typed: Vec<char> = text.chars().collect();
        for k in 1..typed.len() {
            let prefix: String = typed[..k].iter().collect();
            if prefix.trim().is_empty() {
                continue;
            }
            out.push(path(&text_query(&prefix), 0));
        }
        let whole = text_query(text);
        out.push(path(&whole, 0));
        out.push(path(&whole, LIMIT));
        let variants = [
            SearchQuery {
                sort: Sort::ALL[1 + i % (Sort::ALL.len() - 1)],
                ..whole.clone()
            },
            SearchQuery {
                category: Some(Category::ALL[i % Category::ALL.len()]),
                ..whole.clone()
            },
            SearchQuery {
                kabupaten: Some(Kabupaten::ALL[i % Kabupaten::ALL.len()]),
                ..whole.clone()
            },
            SearchQuery {
                price_min: Some(Rupiah(10_000)),
                price_max: Some(Rupiah(500_000)),
                sort: Sort::PriceAsc,
                ..whole.clone()
            },
            SearchQuery {
                certificates: vec![Certificate::ALL[i % Certificate::ALL.len()]],
                availability: Some(Availability::ReadyStock),
                ..whole.clone()
            },
        ];
        out.extend(variants.iter().map(|q| path(q, 0)));
    }
    out
}

/// A page of `LIMIT` results from `offset` on, the filters in the storefront's own parameters.
fn path(query: &SearchQuery, offset: u32) -> String {
    format!(
        "{ENDPOINT}{}&limit={LIMIT}&offset={offset}",
        query.to_query_string()
    )
}

fn text_query(text: &str) -> SearchQuery {
    SearchQuery {
        text: text.into(),
        ..SearchQuery::default()
    }
}

fn get(addr: &str, path: &str) -> Result<Reply> {
    exchange(addr, "GET", path, &[], b"").map_err(|e| {
        format!(
            "no answer to GET {path}{}",
            if e.timed_out { " (timed out)" } else { "" }
        )
    })
}

/// The server's time for one search, in ms, after checking the answer's shape.
fn answer(addr: &str, path: &str) -> Result<f64> {
    let reply = get(addr, path)?;
    if reply.status != 200 {
        return Err(format!(
            "GET {path} answered {}: {}",
            reply.status,
            reply.text()
        ));
    }
    let body: serde_json::Value = reply.json()?;
    if !(body["total"].is_u64() && body["products"].is_array()) {
        return Err(format!(
            "GET {path}: expected {{\"total\", \"products\"}}, got {}",
            reply.text()
        ));
    }
    let timing = reply
        .header("server-timing")
        .ok_or_else(|| format!("GET {path}: no Server-Timing header"))?;
    search_duration(timing).ok_or_else(|| format!("GET {path}: no search;dur= in {timing:?}"))
}

/// `dur` of the `search` metric in a Server-Timing header (`search;dur=1.23, db;dur=0.4`).
fn search_duration(header: &str) -> Option<f64> {
    header.split(',').find_map(|metric| {
        let mut parts = metric.split(';').map(str::trim);
        if parts.next()? != "search" {
            return None;
        }
        parts.find_map(|p| p.strip_prefix("dur=")?.parse().ok())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_search_metric_of_server_timing() {
        assert_eq!(search_duration("search;dur=1.25"), Some(1.25));
        assert_eq!(
            search_duration("db;dur=3, search;desc=\"core\";dur=0.4"),
            Some(0.4)
        );
        assert_eq!(search_duration("db;dur=3"), None);
        assert_eq!(search_duration("search"), None);
    }

    #[test]
    fn calls_cover_prefixes_filters_and_pages() {
        let calls = calls(&["kopi".to_owned()]);
        assert_eq!(calls[0], "/api/v1/search?q=k&limit=24&offset=0");
        assert!(calls.contains(&"/api/v1/search?q=kopi&limit=24&offset=24".to_owned()));
        assert!(calls.iter().any(|c| c.contains("kategori=")));
        assert!(calls.iter().any(|c| c.contains("wilayah=")));
        assert!(calls.iter().all(|c| c.contains("&limit=24&offset=")));
    }
}
