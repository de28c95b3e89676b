//! Installs the toolchain on a fresh machine, skipping what is present. Nothing here
//! downloads a prebuilt binary: trunk and wasm-bindgen compile from crates.io, wasm-opt
//! comes from npm's binaryen, Chromium from Debian.

use crate::util::{cmd, output, root, run, step, Result};
use std::path::Path;

pub const TRUNK_VERSION: &str = "0.22.1";
pub const WASM_OPT_VERSION: &str = "132";

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// What building the SPA needs.
    Build,
    /// Building, plus browsers and drivers for tests.
    All,
}

pub fn ensure(need: Need) -> Result {
    ensure_wasm_target()?;
    ensure_npm_tools()?;
    ensure_wasm_bindgen()?;
    ensure_trunk()?;
    if need == Need::All {
        ensure_nextest()?;
        ensure_chromium()?;
    }
    Ok(())
}

fn ensure_nextest() -> Result {
    if output(cmd("cargo").args(["nextest", "--version"])).is_some() {
        return Ok(());
    }
    step("Compiling cargo-nextest from crates.io (first time only)");
    run(cmd("cargo").args(["install", "--locked", "cargo-nextest"]))
}

fn ensure_wasm_target() -> Result {
    let installed =
        output(cmd("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        return Ok(());
    }
    step("Adding the wasm32-unknown-unknown target (rustup)");
    run(cmd("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

/// The wasm-bindgen version Cargo.lock pins; the CLI must be exactly this one.
pub fn locked_wasm_bindgen() -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = \""))
            {
                return Ok(v.trim_end_matches('"').to_owned());
            }
        }
    }
    Err("Cargo.lock pins no wasm-bindgen version".into())
}

fn ensure_wasm_bindgen() -> Result {
    let version = locked_wasm_bindgen()?;
    let have = output(cmd("wasm-bindgen").arg("--version")).unwrap_or_default();
    let runner = output(cmd("wasm-bindgen-test-runner").arg("--version")).unwrap_or_default();
    if have.ends_with(&version) && runner.ends_with(&version) {
        return Ok(());
    }
    step(&format!(
        "Compiling wasm-bindgen-cli {version} from crates.io (first time only, ~4 min on 2 cores)"
    ));
    // Not --locked: its lockfile pins a crate version the reachable index lacks.
    run(cmd("cargo").args([
        "install",
        "wasm-bindgen-cli",
        "--version",
        &version,
        "--force",
    ]))
}

fn ensure_trunk() -> Result {
    let have = output(cmd("trunk").arg("--version")).unwrap_or_default();
    if have.ends_with(TRUNK_VERSION) {
        return Ok(());
    }
    step(&format!(
        "Compiling trunk {TRUNK_VERSION} from crates.io (first time only, ~18 min on 2 cores)"
    ));
    // trunk declares a newer rust-version than it needs; it builds and works on 1.95.
    run(cmd("cargo").args([
        "install",
        "--locked",
        "trunk",
        "--version",
        TRUNK_VERSION,
        "--ignore-rust-version",
    ]))
}

/// The packages `package.json` depends on, by name.
fn npm_dependencies() -> Result<Vec<String>> {
    let text = std::fs::read_to_string(root().join("package.json"))
        .map_err(|e| format!("cannot read package.json: {e}"))?;
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("package.json: {e}"))?;
    Ok(json["dependencies"]
        .as_object()
        .map(|deps| deps.keys().cloned().collect())
        .unwrap_or_default())
}

fn ensure_npm_tools() -> Result {
    let modules = root().join("node_modules");
    let all_present = npm_dependencies()?
        .iter()
        .all(|name| modules.join(name).join("package.json").exists());
    let version = output(cmd("wasm-opt").arg("--version")).unwrap_or_default();
    if all_present && version.contains(&format!("version {WASM_OPT_VERSION}")) {
        return Ok(());
    }
    step(
        "Installing node tools from npm (wasm-opt from binaryen, playwright-core, axe-core, lighthouse)",
    );
    run(cmd("npm").args(["ci", "--no-audit", "--no-fund"]))
}

fn ensure_chromium() -> Result {
    // DejaVu: the server draws the text of share images with it.
    let present = [
        "/usr/bin/chromium",
        "/usr/bin/chromedriver",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ]
    .iter()
    .all(|p| Path::new(p).exists());
    if present {
        return Ok(());
    }
    step("Installing Chromium, ChromeDriver and DejaVu fonts from Debian (apt-get)");
    apt_install(&["chromium", "chromium-driver", "fonts-dejavu-core"])
}

/// nginx and wrk from Debian, for `cargo xtask bench catalog` only (it compares our catalog
/// GET with nginx serving the same bytes). The benchmark runs its own nginx, never the
/// system service.
pub fn ensure_nginx_wrk() -> Result {
    if ["/usr/sbin/nginx", "/usr/bin/wrk"]
        .iter()
        .all(|p| Path::new(p).exists())
    {
        return Ok(());
    }
    step("Installing nginx and wrk from Debian (apt-get), for the catalog benchmark");
    apt_install(&["nginx", "wrk"])
}

/// `apt-get update` and `apt-get install -y` of Debian packages, through sudo unless we are
/// root.
pub fn apt_install(packages: &[&str]) -> Result {
    let root_user = output(std::process::Command::new("id").arg("-u")).as_deref() == Some("0");
    let apt = |args: &[&str]| {
        let mut c = if root_user {
            std::process::Command::new("apt-get")
        } else {
            let mut s = std::process::Command::new("sudo");
            s.arg("apt-get");
            s
        };
        c.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        run(&mut c)
    };
    apt(&["update"])?;
    let mut install = vec!["install", "-y", "--no-install-recommends"];
    install.extend_from_slice(packages);
    apt(&install)
}
