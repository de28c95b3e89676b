//! `cargo xtask bench`: measures what a buyer feels and what the server costs, against the
//! release server, and prints every figure in one table judged against the budgets of #11.
//!
//! Benchmarks: `lighthouse` (mobile Lighthouse on every storefront page, seed and 10,000-product
//! catalogs), `search` (one keystroke in the search box at 10,000 products, beside MiniSearch
//! and FlexSearch), `catalog` (catalog GET against nginx serving the same bytes), `load`
//! (the catalog's figures, then order POSTs, tracking GETs and the desk inbox under 64 clients
//! on SQLite and on PostgreSQL), and
//! `server-search` (the search endpoint's own time at 10,000 products). `--short` is CI's pass:
//! every benchmark, few iterations; timings are reported, byte sizes are checked.

mod catalog;
mod keystroke;
mod lighthouse;
mod load;
mod process;
mod server_search;
mod table;

use crate::build::{build_server_release, build_spa};
use crate::tools::{ensure, Need};
use crate::util::{root, step, Result};
use etalase_core::catalog::CatalogData;
use process::BenchServer;
use std::path::{Path, PathBuf};
use std::time::Duration;
use table::Row;

pub const BENCH_PRODUCTS: usize = 10_000;

const USAGE: &str =
    "usage: cargo xtask bench [lighthouse|search|catalog|load|server-search ...] [--short]";

/// The benchmarks, in the order they run: the load test first, on a quiet machine.
const ALL: [Bench; 5] = [
    Bench::Catalog,
    Bench::Load,
    Bench::Lighthouse,
    Bench::Search,
    Bench::ServerSearch,
];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Bench {
    Lighthouse,
    Search,
    Catalog,
    Load,
    ServerSearch,
}

impl Bench {
    fn name(self) -> &'static str {
        match self {
            Bench::Lighthouse => "lighthouse",
            Bench::Search => "search",
            Bench::Catalog => "catalog",
            Bench::Load => "load",
            Bench::ServerSearch => "server-search",
        }
    }
}

/// How much to measure: the whole run, or CI's short pass.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Mode {
    /// Every figure, enough iterations to trust it; any figure over its budget fails.
    Full,
    /// Few iterations, seed catalog for Lighthouse; only errors and byte ceilings fail.
    Short,
}

pub fn run_cli(args: &[String]) -> Result {
    let mut mode = Mode::Full;
    let mut chosen = Vec::new();
    for arg in args {
        match arg.as_str() {
            "--short" => mode = Mode::Short,
            "-h" | "--help" | "help" => {
                println!("{USAGE}");
                return Ok(());
            }
            name => {
                let bench = ALL
                    .into_iter()
                    .find(|b| b.name() == name)
                    .ok_or_else(|| format!("unknown benchmark: {name}\n{USAGE}"))?;
                chosen.push(bench);
            }
        }
    }
    let benches: Vec<Bench> = ALL
        .into_iter()
        .filter(|b| chosen.is_empty() || chosen.contains(b))
        .collect();
    run(&benches, mode)
}

/// CI's pass of every benchmark (part of `cargo xtask test`).
pub fn short_pass() -> Result {
    run(&ALL, Mode::Short)
}

fn run(benches: &[Bench], mode: Mode) -> Result {
    // Only the browser benchmarks need the storefront built and a browser; the server's
    // figures need the release server alone.
    if benches
        .iter()
        .any(|b| matches!(b, Bench::Lighthouse | Bench::Search))
    {
        ensure(Need::All)?;
        build_spa()?;
    }
    build_server_release()?;
    let work = root().join("target/bench");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    let mut servers = Servers::new(&work)?;
    let load_before = load_average();
    let mut rows: Vec<Row> = Vec::new();
    for &bench in benches {
        let found = match bench {
            Bench::Catalog => catalog::run(&mut servers, mode),
            // With the catalog's rows unless that benchmark ran already.
            Bench::Load => load::run(&mut servers, mode, !benches.contains(&Bench::Catalog)),
            Bench::Lighthouse => lighthouse::run(&mut servers, mode),
            Bench::Search => keystroke::run(&mut servers, mode),
            Bench::ServerSearch => server_search::run(&mut servers, mode),
        };
        // One benchmark that cannot run does not hide the others' figures.
        rows.extend(found.unwrap_or_else(|e| {
            println!("    {}: {e}", bench.name());
            vec![Row::failed(bench.name(), &e)]
        }));
    }
    drop(servers);
    // Timings on a busy machine are slower: the table says how busy it was.
    rows.insert(
        0,
        Row::info(
            "machine load average (1 min), start · end",
            format!("{load_before} · {}", load_average()),
        ),
    );
    table::print(&rows, mode);
    table::verdict(&rows, mode)
}

// ---- catalogs and servers ------------------------------------------------------------------

/// The two catalogs the benchmarks run on, each behind a release server started on first use
/// and stopped at the end (or on any error).
pub struct Servers {
    work: PathBuf,
    pub seed: CatalogData,
    seed_server: Option<BenchServer>,
    big_server: Option<BenchServer>,
}

impl Servers {
    fn new(work: &Path) -> Result<Servers> {
        let text =
            std::fs::read_to_string(seed_path()).map_err(|e| format!("data/catalog.json: {e}"))?;
        let seed = serde_json::from_str(&text).map_err(|e| format!("data/catalog.json: {e}"))?;
        Ok(Servers {
            work: work.to_path_buf(),
            seed,
            seed_server: None,
            big_server: None,
        })
    }

    /// The release server on the seed catalog (`data/catalog.json`).
    pub fn seed(&mut self) -> Result<&BenchServer> {
        restart_if_ended(&mut self.seed_server, "seed");
        if self.seed_server.is_none() {
            step("Starting the release server on the seed catalog");
            let server = BenchServer::start(
                &self.work.join("server-seed"),
                &seed_path(),
                Duration::from_secs(60),
            )?;
            self.seed_server = Some(server);
        }
        Ok(self.seed_server.as_ref().expect("started above"))
    }

    /// The release server on a catalog of [`BENCH_PRODUCTS`] grown from the seed.
    pub fn big(&mut self) -> Result<&BenchServer> {
        restart_if_ended(&mut self.big_server, "10,000-product");
        if self.big_server.is_none() {
            step(&format!(
                "Starting the release server on a {BENCH_PRODUCTS}-product catalog"
            ));
            let big = grow_catalog(&self.seed, BENCH_PRODUCTS)?;
            let path = self.work.join("catalog-10k.json");
            let bytes = serde_json::to_vec(&big).map_err(|e| e.to_string())?;
            std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
            let server = BenchServer::start(
                &self.work.join("server-10k"),
                &path,
                Duration::from_secs(180),
            )?;
            self.big_server = Some(server);
        }
        Ok(self.big_server.as_ref().expect("started above"))
    }

    /// Where a benchmark keeps its files (reports, logs): `target/bench/<name>`.
    pub fn dir(&self, name: &str) -> Result<PathBuf> {
        let dir = self.work.join(name);
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        Ok(dir)
    }
}

/// The 1-minute load average (`/proc/loadavg`), or `?`.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".into())
}

/// A server that ended between benchmarks (it crashed, or something outside stopped it) is
/// said so and started again, so that one loss does not void the benchmarks after it.
fn restart_if_ended(server: &mut Option<BenchServer>, catalog: &str) {
    if let Some(status) = server.as_mut().and_then(BenchServer::ended) {
        println!("    the release server on the {catalog} catalog had ended ({status}): starting it again");
        *server = None;
    }
}

fn seed_path() -> PathBuf {
    root().join("data/catalog.json")
}

/// A catalog of `count` products grown from the seed (see `etalase_core::sample`).
pub fn grow_catalog(seed: &CatalogData, count: usize) -> Result<CatalogData> {
    etalase_core::sample::grow(seed, count)
}

/// The queries buyers type (typos included), shared with `xtask/bench/search.mjs`.
pub fn queries() -> Result<Vec<String>> {
    serde_json::from_str(include_str!("../bench/queries.json"))
        .map_err(|e| format!("xtask/bench/queries.json: {e}"))
}

/// The `q`-th quantile of `xs` (nearest rank, as search.mjs computes it).
pub fn quantile(xs: &[f64], q: f64) -> Option<f64> {
    let mut s: Vec<f64> = xs.iter().copied().filter(|x| x.is_finite()).collect();
    if s.is_empty() {
        return None;
    }
    s.sort_by(f64::total_cmp);
    let i = ((q * s.len() as f64) as usize).min(s.len() - 1);
    Some(s[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shared_query_list_reads() {
        let list = queries().unwrap();
        assert!(list.len() >= 10);
        assert!(list.iter().all(|q| !q.trim().is_empty()));
    }

    #[test]
    fn quantiles_by_nearest_rank() {
        let xs: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(quantile(&xs, 0.5), Some(51.0));
        assert_eq!(quantile(&xs, 0.95), Some(96.0));
        assert_eq!(quantile(&[f64::NAN, 2.0], 0.5), Some(2.0));
        assert_eq!(quantile(&[], 0.5), None);
    }
}
