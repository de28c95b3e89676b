//! One keystroke in the storefront's search box at 10,000 products, in headless Chromium
//! (`xtask/bench/search.mjs`), beside MiniSearch and FlexSearch on the same documents.

use super::process::run_bounded;
use super::table::{limit_ms, millis, Row};
use super::{Mode, Servers, BENCH_PRODUCTS};
use crate::util::{cmd, step, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::time::Duration;

/// #11: a keystroke's results render within 16 ms at p95.
const BUDGET_MS: f64 = 16.0;

#[derive(Deserialize)]
struct Summary {
    keystrokes: usize,
    stats: BTreeMap<String, Stats>,
    unsettled: Vec<String>,
}

#[derive(Deserialize)]
struct Stats {
    median: f64,
    p95: f64,
}

pub fn run(servers: &mut Servers, mode: Mode) -> Result<Vec<Row>> {
    // The first round warms up and is not counted.
    let rounds = if mode == Mode::Full { 5 } else { 2 };
    let url = servers.big()?.url();
    step(&format!(
        "Benchmark: keystroke search on {BENCH_PRODUCTS} products (headless Chromium), {} round(s)",
        rounds - 1
    ));
    let result_file = servers.dir("search")?.join("summary.json");
    run_bounded(
        "the keystroke benchmark (xtask/bench/search.mjs)",
        cmd("node")
            .arg("xtask/bench/search.mjs")
            .env("BASE_URL", url)
            .env("EXPECTED_PRODUCTS", BENCH_PRODUCTS.to_string())
            .env("ROUNDS", rounds.to_string())
            .env("RESULT_FILE", &result_file),
        Duration::from_secs(if mode == Mode::Full { 900 } else { 300 }),
    )?;
    let text = std::fs::read_to_string(&result_file).map_err(|e| e.to_string())?;
    let summary: Summary = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let stat = |engine: &str| {
        summary
            .stats
            .get(engine)
            .ok_or_else(|| format!("search.mjs reported no {engine} figures"))
    };
    let ours = stat("etalase")?;
    let name = format!("search keystroke p95 ({} keystrokes)", summary.keystrokes);
    let mut rows = vec![if summary.unsettled.is_empty() {
        Row::timing(
            name,
            millis(ours.p95),
            format!("≤ {}", limit_ms(BUDGET_MS)),
            ours.p95 <= BUDGET_MS,
        )
    } else {
        // The page still changed after the clock stopped: the figure missed work.
        Row::timing(
            name,
            format!("{} (invalid)", millis(ours.p95)),
            format!("≤ {}", limit_ms(BUDGET_MS)),
            false,
        )
    }];
    rows.push(Row::info("search keystroke median", millis(ours.median)));
    for engine in ["minisearch", "flexsearch"] {
        let s = stat(engine)?;
        rows.push(Row::info(
            format!("search {engine} p95 (search only)"),
            millis(s.p95),
        ));
    }
    Ok(rows)
}
