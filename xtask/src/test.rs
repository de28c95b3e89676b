//! `cargo xtask test`: every check CI runs, in order from cheapest to dearest.

use crate::build::build_spa;
use crate::tools::{ensure, Need};
use crate::util::{cmd, free_port, root, run, step, wait_healthy, Result};
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

    step("Native tests (cargo nextest)");
    run(cmd("cargo").args(["nextest", "run", "--workspace", "--no-fail-fast"]))?;

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

    build_spa()?;
    end_to_end()
}

/// Starts the real server on a free port with a fresh database and drives it with Chromium.
fn end_to_end() -> Result {
    step("End-to-end tests (real server, Chromium at 390×844)");
    run(cmd("cargo").args(["build", "-p", "etalase-server"]))?;
    let work = root().join("target/e2e");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let artifacts = root().join("test-artifacts/e2e");
    std::fs::create_dir_all(&artifacts).map_err(|e| e.to_string())?;
    let addr = format!("127.0.0.1:{}", free_port()?);
    let mut server = cmd(&root()
        .join("target/debug/etalase-server")
        .display()
        .to_string())
    .env("ETALASE_ADDR", &addr)
    .env(
        "DATABASE_URL",
        format!("sqlite://{}", work.join("etalase.db").display()),
    )
    .env("ETALASE_DIST", root().join("dist"))
    .env("ETALASE_SEED", root().join("data/catalog.json"))
    .env("RUST_LOG", "etalase_server=warn")
    .spawn()
    .map_err(|e| format!("cannot start the server: {e}"))?;
    let result = wait_healthy(&addr, Duration::from_secs(60)).and_then(|()| {
        run(cmd("node")
            .args(["--test", "--test-concurrency=1", "tests/e2e/"])
            .env("BASE_URL", format!("http://{addr}"))
            .env("ARTIFACTS", &artifacts))
    });
    let _ = server.kill();
    let _ = server.wait();
    if result.is_ok() {
        println!("    screenshots: {}", artifacts.display());
    }
    result
}
