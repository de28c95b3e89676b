//! Catalog GET with `Accept-Encoding: br`: our release server against nginx serving the very
//! same bytes precompressed, side by side in one run, with the same wrk load.

use super::process::{output_bounded, Group};
use super::table::Row;
use super::{Mode, Servers};
use crate::util::{exchange, free_port, http_status, step, Reply, Result};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const PATH: &str = "/api/v1/catalog";
/// #11: at least 0.9× nginx's requests/s.
const RATIO_GOAL: f64 = 0.9;
const THREADS: u32 = 2;
const CONNECTIONS: u32 = 32;

pub fn run(servers: &mut Servers, mode: Mode) -> Result<Vec<Row>> {
    crate::tools::ensure_nginx_wrk()?;
    // Rounds alternate the two servers, so a neighbour's load on this shared machine falls on
    // both alike; the ratio is the median of the rounds' ratios.
    let (rounds, warm_up, duration) = if mode == Mode::Full {
        (5, 1, 4)
    } else {
        (1, 1, 3)
    };
    let ours = servers.seed()?.addr.clone();
    step(&format!(
        "Benchmark: catalog GET (br) vs nginx, wrk {THREADS} threads × {CONNECTIONS} connections, {rounds} round(s) of {duration} s each"
    ));
    let original = fetch(&ours, "our server")?;
    let dir = TempDir::new()?;
    let file = dir.0.join("catalog.json.br");
    std::fs::write(&file, &original.body).map_err(|e| format!("{}: {e}", file.display()))?;
    // nginx's workers run as `nobody` when we are root: they must be able to read the file.
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644))
        .map_err(|e| e.to_string())?;
    let nginx = Nginx::start(&dir.0)?;
    let copy = fetch(&nginx.addr, "nginx")?;
    if copy.body != original.body {
        return Err(format!(
            "nginx answered {} bytes, our server {}: not the same body",
            copy.body.len(),
            original.body.len()
        ));
    }
    let mut measured = Vec::new();
    for round in 0..rounds {
        // Who goes first alternates too.
        let (a, b) = if round % 2 == 0 {
            (&ours, &nginx.addr)
        } else {
            (&nginx.addr, &ours)
        };
        let (a_rps, b_rps) = (load(a, warm_up, duration)?, load(b, warm_up, duration)?);
        let (ours_rps, nginx_rps) = if round % 2 == 0 {
            (a_rps, b_rps)
        } else {
            (b_rps, a_rps)
        };
        measured.push((ours_rps, nginx_rps, ours_rps / nginx_rps));
    }
    drop(nginx);
    let median = |pick: fn(&(f64, f64, f64)) -> f64| {
        let mut xs: Vec<f64> = measured.iter().map(pick).collect();
        xs.sort_by(f64::total_cmp);
        xs[xs.len() / 2]
    };
    let (ours_rps, nginx_rps, ratio) = (median(|m| m.0), median(|m| m.1), median(|m| m.2));
    // Still the same answer after the load.
    let after = fetch(&ours, "our server")?;
    if after.body.len() != original.body.len() {
        return Err(format!(
            "our server's catalog changed size under load: {} then {} bytes",
            original.body.len(),
            after.body.len()
        ));
    }
    let size = super::table::kb(original.body.len() as u64);
    Ok(vec![
        Row::info(
            format!("catalog GET ours (seed, {size} br)"),
            format!("{ours_rps:.0} req/s"),
        ),
        Row::info(
            "catalog GET nginx (same bytes)",
            format!("{nginx_rps:.0} req/s"),
        ),
        Row::timing(
            "catalog GET ours ÷ nginx",
            format!("{ratio:.3}×"),
            format!("≥ {RATIO_GOAL}×"),
            ratio >= RATIO_GOAL,
        ),
    ])
}

/// The catalog with `Accept-Encoding: br`: must be a 200 in brotli.
fn fetch(addr: &str, who: &str) -> Result<Reply> {
    let reply = exchange(addr, "GET", PATH, &[("Accept-Encoding", "br")], b"")
        .map_err(|_| format!("{who} did not answer GET {PATH}"))?;
    if reply.status != 200 {
        return Err(format!("{who} answered GET {PATH} with {}", reply.status));
    }
    if reply.header("content-encoding") != Some("br") {
        return Err(format!(
            "{who} answered GET {PATH} (Accept-Encoding: br) with content-encoding {:?}",
            reply.header("content-encoding")
        ));
    }
    Ok(reply)
}

/// wrk's requests/s on `addr` after an unrecorded warm-up; every answer must be a 2xx/3xx.
fn load(addr: &str, warm_up: u32, seconds: u32) -> Result<f64> {
    let wrk = |seconds: u32| {
        output_bounded(
            "wrk",
            Command::new("wrk")
                .args([
                    format!("-t{THREADS}"),
                    format!("-c{CONNECTIONS}"),
                    format!("-d{seconds}s"),
                    "--timeout".into(),
                    "5s".into(),
                    "-H".into(),
                    "Accept-Encoding: br".into(),
                    format!("http://{addr}{PATH}"),
                ])
                .stderr(Stdio::inherit()),
            Duration::from_secs(u64::from(seconds) + 30),
        )
    };
    wrk(warm_up)?;
    let report = wrk(seconds)?;
    if let Some(line) = report.lines().find(|l| l.contains("Non-2xx or 3xx")) {
        return Err(format!("wrk on {addr}: {}", line.trim()));
    }
    if let Some(line) = report.lines().find(|l| l.contains("Socket errors")) {
        println!("    wrk on {addr}: {}", line.trim());
    }
    requests_per_second(&report).ok_or_else(|| format!("no Requests/sec in wrk's report: {report}"))
}

fn requests_per_second(report: &str) -> Option<f64> {
    report
        .lines()
        .find_map(|l| l.trim().strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse().ok())
}

/// Our own nginx — own config, free loopback port, no daemon, no access log — stopped (with
/// its workers) when dropped, also when the benchmark fails.
struct Nginx {
    _group: Group,
    addr: String,
}

impl Nginx {
    fn start(dir: &Path) -> Result<Nginx> {
        let addr = format!("127.0.0.1:{}", free_port()?);
        let d = dir.display();
        let config = format!(
            r#"daemon off;
worker_processes 2;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    client_body_temp_path {d}/body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    types {{ }}
    default_type application/json;
    server {{
        listen {addr};
        root {d};
        location = {PATH} {{
            add_header Content-Encoding br;
            try_files /catalog.json.br =404;
        }}
    }}
}}
"#
        );
        let conf = dir.join("nginx.conf");
        std::fs::write(&conf, config).map_err(|e| e.to_string())?;
        let log = dir.join("error.log");
        let mut group = Group::spawn(
            "nginx",
            Command::new("nginx")
                .arg("-p")
                .arg(dir)
                .arg("-c")
                .arg(&conf)
                .arg("-e")
                .arg(&log)
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        )?;
        let started = Instant::now();
        loop {
            if http_status(&addr, PATH) == Some(200) {
                return Ok(Nginx {
                    _group: group,
                    addr,
                });
            }
            let exited = group.try_wait()?;
            if exited.is_some() || started.elapsed() > Duration::from_secs(15) {
                group.stop();
                return Err(format!(
                    "nginx did not serve {PATH} on {addr}: {}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// A folder of its own under the system's temp dir, readable by nginx's workers, removed
/// when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Result<TempDir> {
        let dir = std::env::temp_dir().join(format!("etalase-bench-nginx-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755))
            .map_err(|e| e.to_string())?;
        Ok(TempDir(dir))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_wrks_rate() {
        let report =
            "Running 3s test @ http://127.0.0.1:1/api/v1/catalog\n  2 threads and 32 connections\n\
                      Requests/sec:  91234.56\nTransfer/sec:      1.71GB\n";
        assert_eq!(requests_per_second(report), Some(91234.56));
        assert_eq!(requests_per_second("nothing"), None);
    }
}
