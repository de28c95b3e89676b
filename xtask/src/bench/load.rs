//! `bench load`: what the server sustains, side by side in one run: catalog GET against nginx
//! (the `catalog` benchmark), then on SQLite and on PostgreSQL (a throwaway cluster, every
//! commit on disk as SQLite's `synchronous = FULL`): order POSTs from 64 concurrent clients
//! (each a new request with its own Idempotency-Key), then, with the orders stored (10,000 on
//! the full run), tracking GETs and an IKM's desk inbox. wrk makes the load; every answer must
//! be a 2xx.

use super::process::{output_bounded, BenchServer};
use super::table::Row;
use super::{Mode, Servers};
use crate::postgres::{Durability, TempPostgres};
use crate::util::{exchange, root, step, today_wib, Result};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// #12's goal on SQLite: order POSTs per second at 64 clients, and their p99.
const ORDERS_GOAL: f64 = 1_500.0;
const ORDERS_P99_GOAL_MS: f64 = 50.0;
const CLIENTS: u32 = 64;
const THREADS: u32 = 2;
/// The IKM whose desk inbox is measured: it has a part in every benchmark order.
const DESK_IKM: &str = "keripik-pisang-kenanga";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    fn name(self) -> &'static str {
        match self {
            Engine::Sqlite => "SQLite",
            Engine::Postgres => "PostgreSQL",
        }
    }
}

pub fn run(servers: &mut Servers, mode: Mode, with_catalog: bool) -> Result<Vec<Row>> {
    crate::tools::ensure_nginx_wrk()?;
    let mut rows = Vec::new();
    if with_catalog {
        rows.extend(super::catalog::run(servers, mode)?);
    }
    for engine in [Engine::Sqlite, Engine::Postgres] {
        let found = engine_rows(servers, mode, engine);
        rows.extend(found.unwrap_or_else(|e| {
            println!("    load on {}: {e}", engine.name());
            vec![Row::failed(format!("load on {}", engine.name()), &e)]
        }));
    }
    Ok(rows)
}

fn engine_rows(servers: &mut Servers, mode: Mode, engine: Engine) -> Result<Vec<Row>> {
    let (seconds, stored_goal) = match mode {
        Mode::Full => (10, 10_000),
        Mode::Short => (2, 1_000),
    };
    let work = servers.dir(&format!("load-{}", engine.name().to_lowercase()))?;
    // Kept alive while the server runs on it.
    let cluster = match engine {
        Engine::Postgres => {
            step("Starting a throwaway PostgreSQL cluster (every commit on disk)");
            let cluster = TempPostgres::start(Durability::Durable)?;
            cluster.create_database("etalase_bench")?;
            Some(cluster)
        }
        Engine::Sqlite => None,
    };
    let database = match &cluster {
        Some(c) => c.url_of("etalase_bench"),
        None => format!("sqlite://{}", work.join("server/etalase.db").display()),
    };
    step(&format!("Starting the release server on {}", engine.name()));
    let server = BenchServer::start_with(
        &work.join("server"),
        &root().join("data/catalog.json"),
        Duration::from_secs(120),
        &[
            ("DATABASE_URL", database.as_str()),
            // Every benchmark order comes from 127.0.0.1: no hourly allowance here.
            ("ETALASE_ORDERS_PER_HOUR", "100000000"),
            ("ETALASE_DEMO_ACCOUNTS", "true"),
        ],
    )?;
    let mut rows = Vec::new();

    step(&format!(
        "Benchmark: order POST on {}, wrk {THREADS} threads × {CLIENTS} clients, {seconds} s",
        engine.name()
    ));
    let script = work.join("orders.lua");
    std::fs::write(&script, orders_script(&order_body()))
        .map_err(|e| format!("{}: {e}", script.display()))?;
    let posted = wrk(&server.addr, "/api/v1/orders", &script, seconds)?;
    let goal = engine == Engine::Sqlite;
    rows.push(if goal {
        Row::timing(
            format!("order POST, {CLIENTS} clients, SQLite"),
            format!("{:.0} req/s", posted.rps),
            format!("≥ {ORDERS_GOAL:.0} req/s"),
            posted.rps >= ORDERS_GOAL,
        )
    } else {
        Row::info(
            format!("order POST, {CLIENTS} clients, {}", engine.name()),
            format!("{:.0} req/s", posted.rps),
        )
    });
    rows.push(if goal {
        Row::timing(
            "order POST p99, SQLite",
            format!("{:.1} ms", posted.p99_ms),
            format!("≤ {ORDERS_P99_GOAL_MS:.0} ms"),
            posted.p99_ms <= ORDERS_P99_GOAL_MS,
        )
    } else {
        Row::info(
            format!("order POST p99, {}", engine.name()),
            format!("{:.1} ms", posted.p99_ms),
        )
    });

    // Up to the stored count, keeping tracking links to ask for.
    let stored = posted.requests;
    let links = top_up(&server.addr, stored, stored_goal)?;
    let total = stored.max(stored_goal);
    if let Some(cluster) = &cluster {
        // What autovacuum does within a minute of a bulk load: statistics for the planner.
        cluster.psql("etalase_bench", "ANALYZE")?;
    }
    step(&format!(
        "Benchmark: tracking GET and desk inbox on {} with {total} orders stored",
        engine.name()
    ));
    let tracking = work.join("tracking.lua");
    std::fs::write(&tracking, paths_script(&links))
        .map_err(|e| format!("{}: {e}", tracking.display()))?;
    let tracked = wrk(&server.addr, "/", &tracking, seconds)?;
    rows.push(Row::info(
        format!("tracking GET, {total} orders, {}", engine.name()),
        format!("{:.0} req/s, p99 {:.1} ms", tracked.rps, tracked.p99_ms),
    ));
    let cookie = desk_login(&server, &work.join("server/demo-akun.txt"))?;
    let inbox = work.join("inbox.lua");
    std::fs::write(&inbox, get_script(&cookie)).map_err(|e| format!("{}: {e}", inbox.display()))?;
    let desk = wrk(&server.addr, "/api/v1/desk/orders", &inbox, seconds)?;
    rows.push(Row::info(
        format!("desk inbox GET, {total} orders, {}", engine.name()),
        format!("{:.0} req/s, p99 {:.1} ms", desk.rps, desk.p99_ms),
    ));
    drop(server);
    drop(cluster);
    Ok(rows)
}

/// A request partners make: two IKM, needed in two months.
fn order_body() -> String {
    serde_json::json!({
        "company": "PT Bukit Asam (Persero) Tbk",
        "buyer_type": "bumn",
        "npwp": "01.234.567.8-901.000",
        "contact_person": "Rina Marlina",
        "phone": "0812 7000 1234",
        "email": "rina@contoh.co.id",
        "address": "Jl. Jend. Sudirman No. 1",
        "kabupaten": "bandar-lampung",
        "needed_by": today_wib().add_days(60).to_string(),
        "purpose": "Konsumsi rapat direksi",
        "lines": [
            { "product": "keripik-pisang-coklat-250-g", "quantity": 120, "note": "Label logo" },
            { "product": "kopi-robusta-bubuk-250-g", "quantity": 50 }
        ]
    })
    .to_string()
}

/// wrk's script for order POSTs: each request a new Idempotency-Key (thread, counter).
fn orders_script(body: &str) -> String {
    format!(
        r#"local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local n = 0
local body = [==[{body}]==]
function request()
  n = n + 1
  return wrk.format("POST", "/api/v1/orders", {{
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = "bench-" .. tid .. "-" .. n,
  }}, body)
end
"#
    )
}

/// wrk's script that GETs the given paths in turn.
fn paths_script(paths: &[String]) -> String {
    let list: Vec<String> = paths.iter().map(|p| format!("  \"{p}\",")).collect();
    format!(
        "local paths = {{\n{}\n}}\nlocal i = 0\nfunction request()\n  i = i % #paths + 1\n  return wrk.format(\"GET\", paths[i])\nend\n",
        list.join("\n")
    )
}

/// wrk's script for a GET with a session cookie.
fn get_script(cookie: &str) -> String {
    format!("wrk.headers[\"Cookie\"] = \"{cookie}\"\n")
}

struct Measured {
    rps: f64,
    p99_ms: f64,
    requests: usize,
}

fn wrk(addr: &str, path: &str, script: &Path, seconds: u32) -> Result<Measured> {
    let report = output_bounded(
        "wrk",
        Command::new("wrk")
            .args([
                format!("-t{THREADS}"),
                format!("-c{CLIENTS}"),
                format!("-d{seconds}s"),
                "--timeout".into(),
                "10s".into(),
                "--latency".into(),
                "-s".into(),
            ])
            .arg(script)
            .arg(format!("http://{addr}{path}"))
            .stderr(Stdio::inherit()),
        Duration::from_secs(u64::from(seconds) + 60),
    )?;
    parse_report(&report).map_err(|e| format!("wrk on {path}: {e}\n{report}"))
}

fn parse_report(report: &str) -> Result<Measured> {
    if let Some(line) = report.lines().find(|l| l.contains("Non-2xx or 3xx")) {
        return Err(line.trim().to_owned());
    }
    let rps = report
        .lines()
        .find_map(|l| l.trim().strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse::<f64>().ok())
        .ok_or("no Requests/sec")?;
    let p99_ms = report
        .lines()
        .find_map(|l| l.trim().strip_prefix("99%"))
        .and_then(|v| millis(v.trim()))
        .ok_or("no 99% latency")?;
    let requests = report
        .lines()
        .find_map(|l| l.trim().split_once(" requests in "))
        .and_then(|(n, _)| n.trim().parse::<usize>().ok())
        .ok_or("no request count")?;
    Ok(Measured {
        rps,
        p99_ms,
        requests,
    })
}

/// wrk's `12.34ms`, `850.00us`, `1.20s` as milliseconds.
fn millis(value: &str) -> Option<f64> {
    let (number, factor) = if let Some(n) = value.strip_suffix("us") {
        (n, 0.001)
    } else if let Some(n) = value.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = value.strip_suffix('m') {
        (n, 60_000.0)
    } else if let Some(n) = value.strip_suffix('s') {
        (n, 1_000.0)
    } else {
        return None;
    };
    number.parse::<f64>().ok().map(|n| n * factor)
}

/// Orders until `goal` are stored (at least 500 more, for their tracking links), four at a
/// time; answers the tracking API paths of those made here.
fn top_up(addr: &str, stored: usize, goal: usize) -> Result<Vec<String>> {
    let more = goal.saturating_sub(stored).max(500);
    let body = order_body();
    let per_thread = more.div_ceil(4);
    let workers: Vec<_> = (0..4)
        .map(|t| {
            let (addr, body) = (addr.to_owned(), body.clone());
            std::thread::spawn(move || -> Result<Vec<String>> {
                let mut links = Vec::new();
                for n in 0..per_thread {
                    let key = format!("top-up-{t}-{n}");
                    let reply = exchange(
                        &addr,
                        "POST",
                        "/api/v1/orders",
                        &[
                            ("Content-Type", "application/json"),
                            ("Idempotency-Key", &key),
                        ],
                        body.as_bytes(),
                    )
                    .map_err(|_| "no answer to an order POST".to_owned())?;
                    if reply.status != 201 {
                        return Err(format!("order POST answered {}", reply.status));
                    }
                    let created: serde_json::Value = reply.json()?;
                    let path = created["tracking_path"]
                        .as_str()
                        .ok_or("no tracking_path in the answer")?;
                    links.push(path.replacen("/pesanan/", "/api/v1/orders/", 1));
                }
                Ok(links)
            })
        })
        .collect();
    let mut links = Vec::new();
    for worker in workers {
        links.extend(worker.join().map_err(|_| "a top-up thread panicked")??);
    }
    Ok(links)
}

/// Logs in as [`DESK_IKM`] with its demo password; answers the session cookie.
fn desk_login(server: &BenchServer, credentials: &Path) -> Result<String> {
    let text = std::fs::read_to_string(credentials)
        .map_err(|e| format!("{}: {e}", credentials.display()))?;
    let password = text
        .lines()
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .find(|f| f.len() >= 3 && f[1] == DESK_IKM)
        .map(|f| f[2].to_owned())
        .ok_or_else(|| format!("no demo account for {DESK_IKM}"))?;
    let body = serde_json::json!({ "username": DESK_IKM, "password": password }).to_string();
    let origin = server.url();
    let reply = exchange(
        &server.addr,
        "POST",
        "/api/v1/auth/login",
        &[("Content-Type", "application/json"), ("Origin", &origin)],
        body.as_bytes(),
    )
    .map_err(|_| "no answer to the login")?;
    if reply.status != 200 {
        return Err(format!("login as {DESK_IKM} answered {}", reply.status));
    }
    reply
        .header("set-cookie")
        .and_then(|c| c.split(';').next())
        .map(str::to_owned)
        .ok_or_else(|| "the login set no cookie".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrk_reports_are_read() {
        let report = "Running 2s test @ http://127.0.0.1:1/api/v1/orders
  2 threads and 64 connections
  Latency Distribution
     50%    9.10ms
     99%   41.50ms
  3021 requests in 2.00s, 1.2MB read
Requests/sec:   1510.20
";
        let m = parse_report(report).unwrap();
        assert_eq!(m.requests, 3021);
        assert!((m.rps - 1510.2).abs() < 1e-9);
        assert!((m.p99_ms - 41.5).abs() < 1e-9);
        assert!(parse_report(&format!("{report}  Non-2xx or 3xx responses: 7\n")).is_err());
        assert_eq!(millis("850.00us"), Some(0.85));
        assert_eq!(millis("1.20s"), Some(1200.0));
    }
}
