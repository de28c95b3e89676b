//! Building the release SPA and server, and serving them.

use crate::tools::{ensure, Need};
use crate::util::{cmd, newest_mtime, root, run, step, wait_healthy, Result};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Everything the SPA bundle is made from.
fn spa_inputs() -> Vec<PathBuf> {
    let r = root();
    [
        "src",
        "style",
        "public",
        "index.html",
        "staff.html",
        "Trunk.toml",
        "Cargo.toml",
        "Cargo.lock",
        "core/src",
        "core/Cargo.toml",
    ]
    .iter()
    .map(|p| r.join(p))
    .collect()
}

/// Builds `dist/` with Trunk in release mode, unless it is newer than all its inputs.
pub fn build_spa() -> Result {
    // Built when both shells are newer than every input.
    let built = ["dist/index.html", "dist/staf/index.html"]
        .iter()
        .map(|shell| std::fs::metadata(root().join(shell)).and_then(|m| m.modified()))
        .collect::<std::io::Result<Vec<_>>>()
        .ok()
        .and_then(|times| times.into_iter().min());
    if let (Some(built), Some(newest)) = (built, newest_mtime(&spa_inputs())) {
        if built > newest {
            println!("==> Storefront in dist/ is up to date");
            return Ok(());
        }
    }
    step("Building the storefront (trunk build --release, wasm-opt -Oz)");
    run(cmd("cargo").arg("fetch"))?;
    // The storefront first: Trunk empties its dist folder, which holds the staff's.
    run(cmd("trunk").args(["build", "--release"]))?;
    step("Building the staff app into dist/staf/ (its own wasm; buyers never load it)");
    run(cmd("trunk").args([
        "build",
        "staff.html",
        "--release",
        "--dist",
        STAFF_DIST,
        "--public-url",
        STAFF_URL,
    ]))?;
    write_service_worker(&root().join("dist"))?;
    precompress(&root().join("dist"))?;
    report_sizes(&root().join("dist"));
    report_sizes(&root().join(STAFF_DIST));
    check_split(&root().join("dist"), &root().join(STAFF_DIST))
}

/// The staff app's own words (every sentence in `src/staff/texts.rs` that the storefront's
/// texts do not also hold) must be in the staff wasm and in no file a buyer downloads: if a
/// storefront page pulled in a staff page, its text would come along.
fn check_split(storefront: &Path, staff: &Path) -> Result {
    let read =
        |file: &str| std::fs::read_to_string(root().join(file)).map_err(|e| format!("{file}: {e}"));
    let texts = read("src/staff/texts.rs")?;
    // Words both apps use (a badge, a status) are the storefront's too.
    let shared = format!("{}{}", read("src/i18n/id.rs")?, read("src/i18n/en.rs")?);
    let sentences: Vec<&str> = quoted(&texts)
        .filter(|s| s.len() >= 24 && !s.contains('\\') && !shared.contains(*s))
        .collect();
    let staff_wasm = read_wasm(staff)?;
    let missing = sentences
        .iter()
        .filter(|s| !contains(&staff_wasm, s.as_bytes()))
        .count();
    if sentences.len() < 20 || missing * 2 > sentences.len() {
        return Err(format!(
            "split check: only {} of {} staff sentences found in the staff wasm; is the check \
             reading the right files?",
            sentences.len() - missing,
            sentences.len()
        ));
    }
    for file in files_in(storefront, Some(staff))? {
        let bytes = std::fs::read(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        if let Some(leak) = sentences.iter().find(|s| contains(&bytes, s.as_bytes())) {
            return Err(format!(
                "{} holds the staff text {leak:?}: a buyer would download staff code",
                file.display()
            ));
        }
    }
    println!(
        "    split checked: {} staff sentences, none in the storefront's files",
        sentences.len()
    );
    Ok(())
}

/// The string literals of a Rust source, naively (enough for a file of plain texts).
fn quoted(source: &str) -> impl Iterator<Item = &str> {
    source.split('"').skip(1).step_by(2)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn read_wasm(dir: &Path) -> Result<Vec<u8>> {
    let wasm = files_in(dir, None)?
        .into_iter()
        .find(|f| f.extension().is_some_and(|e| e == "wasm"))
        .ok_or_else(|| format!("no .wasm in {}", dir.display()))?;
    std::fs::read(&wasm).map_err(|e| format!("{}: {e}", wasm.display()))
}

/// Every file under `dir` (not under `skip`), uncompressed copies only.
fn files_in(dir: &Path, skip: Option<&Path>) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).map_err(|e| format!("{}: {e}", d.display()))?;
        for entry in entries.flatten() {
            let path = entry.path();
            if skip.is_some_and(|s| path.starts_with(s)) {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else if !path.extension().is_some_and(|e| e == "br" || e == "gz") {
                found.push(path);
            }
        }
    }
    Ok(found)
}

/// Where the staff app is built, and the address its assets are served from.
pub const STAFF_DIST: &str = "dist/staf";
pub const STAFF_URL: &str = "/staf/";

pub fn build_server_release() -> Result {
    step("Building the server (cargo build --release -p etalase-server)");
    run(cmd("cargo").args(["build", "--release", "-p", "etalase-server"]))
}

pub fn build_all() -> Result {
    ensure(Need::Build)?;
    build_spa()?;
    build_server_release()
}

/// The service worker's source (`src/sw.js`): its version and precache list are filled in
/// per build.
const SERVICE_WORKER: &str = "src/sw.js";

/// Writes `dist/sw.js` from [`SERVICE_WORKER`] with this build's version and the buyers'
/// hashed assets to precache (the files at the top of `dist/`, never the staff app's under
/// `staf/`). The version changes with any asset, the shell or the worker's own source, so a
/// new build is a new worker that replaces the old one and its caches on the next visit.
pub fn write_service_worker(dist: &Path) -> Result {
    let source = std::fs::read_to_string(root().join(SERVICE_WORKER))
        .map_err(|e| format!("{SERVICE_WORKER}: {e}"))?;
    let mut assets: Vec<String> = std::fs::read_dir(dist)
        .map_err(|e| format!("{}: {e}", dist.display()))?
        .flatten()
        .filter(|e| e.path().is_file())
        .filter_map(|e| e.file_name().to_str().map(str::to_owned))
        .filter(|name| is_hashed_asset(name))
        .map(|name| format!("/{name}"))
        .collect();
    assets.sort();
    if !assets.iter().any(|a| a.ends_with(".wasm")) {
        return Err(format!("{}: no wasm to precache", dist.display()));
    }
    let shell = std::fs::read(dist.join("index.html"))
        .map_err(|e| format!("{}/index.html: {e}", dist.display()))?;
    let mut version = Fnv::default();
    for asset in &assets {
        version.write(asset.as_bytes());
    }
    version.write(&shell);
    version.write(source.as_bytes());
    let list = serde_json::to_string(&assets).map_err(|e| e.to_string())?;
    let worker = source
        .replace("__VERSION__", &format!("{:016x}", version.0))
        .replace("__PRECACHE__", &list);
    if worker.contains("__VERSION__") || worker.contains("__PRECACHE__") {
        return Err(format!("{SERVICE_WORKER}: a placeholder appears twice"));
    }
    std::fs::write(dist.join("sw.js"), worker).map_err(|e| format!("sw.js: {e}"))?;
    println!(
        "    service worker: version {:016x}, {} assets precached",
        version.0,
        assets.len()
    );
    Ok(())
}

/// What the buyers' app is made of: Trunk's hashed JS, CSS and wasm.
fn is_hashed_asset(name: &str) -> bool {
    let code = name.ends_with(".js") || name.ends_with(".css") || name.ends_with("_bg.wasm");
    code && etalase_core::asset::is_hashed_asset(name)
}

/// FNV-1a, 64 bits: a version stamp, not a defence.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

/// Writes `.br` and `.gz` beside every text asset, so the server sends them without
/// compressing on each request.
fn precompress(dir: &Path) -> Result {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).map_err(|e| format!("{}: {e}", d.display()))?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            if !matches!(
                ext,
                "js" | "wasm" | "css" | "html" | "svg" | "json" | "txt" | "xml"
            ) {
                continue;
            }
            let data = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let mut br = Vec::new();
            {
                let mut w = brotli::CompressorWriter::new(&mut br, 64 * 1024, 11, 22);
                w.write_all(&data).map_err(|e| e.to_string())?;
            }
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
            gz.write_all(&data).map_err(|e| e.to_string())?;
            let gz = gz.finish().map_err(|e| e.to_string())?;
            let with_ext = |suffix: &str| {
                let mut name = path.as_os_str().to_owned();
                name.push(suffix);
                PathBuf::from(name)
            };
            std::fs::write(with_ext(".br"), br).map_err(|e| e.to_string())?;
            std::fs::write(with_ext(".gz"), gz).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

fn report_sizes(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if matches!(ext, "wasm" | "js" | "css") {
            let size = |p: PathBuf| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
            let mut br = path.as_os_str().to_owned();
            br.push(".br");
            println!(
                "    {:<48} {:>9} bytes, {:>8} brotli",
                path.file_name().unwrap_or_default().to_string_lossy(),
                size(path.clone()),
                size(PathBuf::from(br))
            );
        }
    }
}

/// Builds what is stale, then runs the server in the foreground.
/// Ctrl-C reaches the server with us (one process group); a SIGTERM or SIGKILL sent to
/// `cargo xtask serve` alone must not leave it holding the port: on Linux the kernel stops it
/// when we end.
fn stop_with_this_process(server: &mut std::process::Command) {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: between fork and exec only `prctl`, which is async-signal-safe, runs.
        unsafe {
            server.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
                Ok(())
            });
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = server;
}

pub fn serve() -> Result {
    build_all()?;
    let addr = std::env::var("ETALASE_ADDR").unwrap_or_else(|_| "127.0.0.1:8080".into());
    step("Starting the server");
    let mut server = cmd(&crate::util::target_dir()
        .join("release/etalase-server")
        .display()
        .to_string());
    stop_with_this_process(&mut server);
    let mut child = server
        .spawn()
        .map_err(|e| format!("cannot start the server: {e}"))?;
    match wait_healthy(&addr, Duration::from_secs(60)) {
        Ok(()) => println!(
            "\n    Etalase IKM Lampung is running at http://{addr}\n    (Ctrl-C to stop; data in {})\n\n    \
             DEMO accounts for the IKM desk (/desk) and the admin (/admin): user names and\n    \
             passwords are in {} (made on first start; demo only, never for production)\n",
            std::env::var("DATABASE_URL")
                .map(|url| without_password(&url))
                .unwrap_or_else(|_| "var/etalase.db".into()),
            std::env::var("ETALASE_DEMO_CREDENTIALS").unwrap_or_else(|_| "var/demo-akun.txt".into())
        ),
        Err(e) => {
            let _ = child.kill();
            return Err(e);
        }
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("the server stopped: {status}"))
    }
}

/// A database URL fit to print: a password in it becomes `***`.
fn without_password(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => match rest.split_once('@') {
            Some((user, host)) => {
                let user = user.split_once(':').map_or(user, |(name, _)| name);
                format!("{scheme}://{user}:***@{host}")
            }
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_trunks_hashed_names_are_precached() {
        assert!(is_hashed_asset("etalase-43fe8a1aaef9441c.js"));
        assert!(is_hashed_asset("etalase-cf1e3d0451fe964f_bg.wasm"));
        assert!(is_hashed_asset("base-17b9cbc7448f8909.css"));
        assert!(is_hashed_asset("etalase-f379a476e60d402.js"));
        assert!(!is_hashed_asset("index.html"));
        assert!(!is_hashed_asset("sw.js"));
        assert!(!is_hashed_asset("favicon.svg"));
        assert!(!is_hashed_asset("etalase-43fe8a1aaef9441c.js.br"));
        assert!(!is_hashed_asset("manifest.webmanifest"));
        assert!(!is_hashed_asset("some-thing.css"));
    }

    #[test]
    fn a_new_build_is_a_new_worker_that_precaches_its_own_assets() {
        let dir = std::env::temp_dir().join(format!("etalase-sw-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("staf")).unwrap();
        std::fs::write(dir.join("index.html"), "<html></html>").unwrap();
        std::fs::write(dir.join("etalase-0123456789abcdef_bg.wasm"), "w").unwrap();
        std::fs::write(dir.join("etalase-0123456789abcdef.js"), "j").unwrap();
        std::fs::write(dir.join("staf/etalase-staf-fedcba9876543210.js"), "s").unwrap();
        write_service_worker(&dir).unwrap();
        let first = std::fs::read_to_string(dir.join("sw.js")).unwrap();
        assert!(first
            .contains(r#"["/etalase-0123456789abcdef.js","/etalase-0123456789abcdef_bg.wasm"]"#));
        let precache = first
            .lines()
            .find(|l| l.starts_with("const PRECACHE"))
            .unwrap();
        assert!(
            !precache.contains("staf"),
            "the staff app is never precached"
        );
        assert!(!first.contains("__VERSION__") && !first.contains("__PRECACHE__"));
        std::fs::remove_file(dir.join("etalase-0123456789abcdef_bg.wasm")).unwrap();
        std::fs::write(dir.join("etalase-1111111111111111_bg.wasm"), "w2").unwrap();
        write_service_worker(&dir).unwrap();
        let second = std::fs::read_to_string(dir.join("sw.js")).unwrap();
        let version = |sw: &str| {
            sw.lines()
                .find(|l| l.starts_with("const VERSION"))
                .unwrap()
                .to_owned()
        };
        assert_ne!(version(&first), version(&second));
        assert!(second.contains("/etalase-1111111111111111_bg.wasm"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
