//! `cargo xtask test`: every check CI runs, in order from cheapest to dearest.

use crate::build::build_spa;
use crate::postgres::{Durability, TempPostgres};
use crate::tools::{ensure, Need};
use crate::util::{cmd, free_port, root, run, step, LocalServer, Result};
use std::time::Duration;

pub fn run_all() -> Result {
    ensure(Need::All)?;

    step("Formatting (cargo fmt --check)");
    run(cmd("cargo").args(["fmt", "--all", "--", "--check"]))?;

    step("Lints, native (cargo clippy -D warnings)");
    run(cmd("cargo").args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;

    step("Lints, wasm32 (cargo clippy -D warnings)");
    run(cmd("cargo").args([
        "clippy",
        "-p",
        "etalase",
        "-p",
        "etalase-core",
        "--target",
        "wasm32-unknown-unknown",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;

    step("Native tests (cargo nextest; the server's on SQLite)");
    run(cmd("cargo").args(["nextest", "run", "--workspace", "--no-fail-fast"]))?;

    server_tests_on_postgres()?;

    step("Browser tests (wasm-bindgen-test in headless Chromium)");
    run(cmd("cargo")
        .args([
            "test",
            "-p",
            "etalase",
            "--target",
            "wasm32-unknown-unknown",
            "--test",
            "web",
        ])
        .env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
            "wasm-bindgen-test-runner",
        )
        .env("CHROMEDRIVER", "/usr/bin/chromedriver")
        .env("WASM_BINDGEN_TEST_TIMEOUT", "120"))?;

    step("Chaos, short pass (SIGKILL while ordering; no answer >= 500)");
    crate::chaos::short_pass()?;

    step("API fuzzing, short pass (schemathesis against /api/v1/openapi.json)");
    crate::fuzz::short_pass()?;

    build_spa()?;
    end_to_end()?;

    step("Benchmarks, short pass (every benchmark; byte budgets checked, timings reported)");
    crate::bench::short_pass()
}

/// The server's whole suite again, each test on its own database of a throwaway PostgreSQL
/// cluster (Debian's package; `initdb` into a temporary folder, stopped afterwards). The
/// replica tests (two servers on one database) run only here.
pub fn server_tests_on_postgres() -> Result {
    step("Server tests on PostgreSQL (a throwaway cluster: initdb, free port, removed after)");
    let cluster = TempPostgres::start(Durability::Throwaway)?;
    let result = run(cmd("cargo")
        .args(["nextest", "run", "-p", "etalase-server", "--no-fail-fast"])
        .env("ETALASE_TEST_POSTGRES", cluster.url()));
    if result.is_err() {
        if let Ok(log) = std::fs::read_to_string(cluster.log()) {
            let tail: Vec<&str> = log.lines().rev().take(30).collect();
            eprintln!("PostgreSQL's log, last lines:");
            for line in tail.into_iter().rev() {
                eprintln!("  {line}");
            }
        }
    }
    result
}

/// Only the end-to-end journeys (after building the SPA): the quick loop while working on them.
pub fn e2e_only() -> Result {
    ensure(Need::All)?;
    build_spa()?;
    end_to_end()
}

/// The number the test export names for offers on needs (the static journey checks links go
/// to it).
const STATIC_NEEDS_WHATSAPP: &str = "081234500000";

/// Starts the real server on a free port with a fresh database and drives it with Chromium.
fn end_to_end() -> Result {
    step("End-to-end tests (real server, Chromium at 390×844)");
    let artifacts = root().join("test-artifacts/e2e");
    std::fs::create_dir_all(&artifacts).map_err(|e| e.to_string())?;
    let server = LocalServer::start(
        &root().join("target/e2e"),
        &root().join("data/catalog.json"),
        Duration::from_secs(60),
    )?;
    run(cmd("node")
        .args(["--test", "--test-concurrency=1", "tests/e2e/"])
        .env("BASE_URL", server.url())
        .env("DEMO_CREDENTIALS", &server.credentials)
        .env("ARTIFACTS", &artifacts))?;

    // The same storefront exported as files, behind a plain file server with no rewrites,
    // with the needs the journeys left open on the server's board.
    let site = root().join("target/static-site");
    let port = free_port()?;
    let url = format!("http://127.0.0.1:{port}");
    let needs = crate::export::NeedsSource {
        from: Some(server.url()),
        whatsapp: etalase_core::Phone::parse(STATIC_NEEDS_WHATSAPP).ok(),
    };
    crate::export::export(&site, &url, &needs)?;
    drop(server);
    step("End-to-end tests on the static export (python3 -m http.server)");
    let mut files = std::process::Command::new("python3")
        .args([
            "-m",
            "http.server",
            "--bind",
            "127.0.0.1",
            &port.to_string(),
            "--directory",
        ])
        .arg(&site)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start python3 -m http.server: {e}"))?;
    let waited = crate::util::wait_for(&format!("127.0.0.1:{port}"), "/", Duration::from_secs(20));
    let result = waited.and_then(|()| {
        run(cmd("node")
            .args([
                "--test",
                "--test-concurrency=1",
                "tests/e2e/storefront.test.mjs",
                "tests/e2e/browse.test.mjs",
                "tests/e2e/static.test.mjs",
                "tests/e2e/offline.test.mjs",
            ])
            .env("BASE_URL", &url)
            .env("STATIC_SITE", "1")
            .env("STATIC_DIR", &site)
            .env("NEEDS_WHATSAPP", STATIC_NEEDS_WHATSAPP)
            .env("ARTIFACTS", artifacts.join("static")))
    });
    let _ = files.kill();
    let _ = files.wait();
    result?;
    println!("    screenshots: {}", artifacts.display());
    Ok(())
}
