//! Running commands with visible progress, and finding our way around the workspace.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

pub type Result<T = ()> = std::result::Result<T, String>;

/// The workspace root (xtask lives one level below it).
pub fn root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(Path::to_path_buf).unwrap_or(manifest)
}

/// Where cargo builds: `CARGO_TARGET_DIR` if set, else `target/` in the workspace.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if PathBuf::from(&dir).is_absolute() => PathBuf::from(dir),
        Some(dir) => root().join(dir),
        None => root().join("target"),
    }
}

pub fn step(title: &str) {
    println!("\n==> {title}");
}

/// PATH with our tool folders first: npm's wasm-opt ahead of any system one, cargo's bin.
pub fn tool_path() -> String {
    let mut parts = vec![root().join("node_modules/.bin").display().to_string()];
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        parts.push(PathBuf::from(home).join("bin").display().to_string());
    } else if let Some(home) = std::env::var_os("HOME") {
        parts.push(PathBuf::from(home).join(".cargo/bin").display().to_string());
    }
    if let Ok(path) = std::env::var("PATH") {
        parts.push(path);
    }
    parts.join(":")
}

/// A command run from the workspace root with our PATH.
pub fn cmd(program: &str) -> Command {
    let mut c = Command::new(program);
    c.current_dir(root()).env("PATH", tool_path());
    c
}

/// Runs a command, streaming its output; fails with the command line on a non-zero exit.
pub fn run(c: &mut Command) -> Result {
    let line = describe(c);
    let started = Instant::now();
    let status = c
        .status()
        .map_err(|e| format!("cannot start `{line}`: {e}"))?;
    if status.success() {
        let secs = started.elapsed().as_secs();
        if secs >= 20 {
            println!("    ({line}: {secs} s)");
        }
        Ok(())
    } else {
        Err(format!("`{line}` failed ({status})"))
    }
}

/// Runs a command and returns its standard output, or None if it could not run or failed.
pub fn output(c: &mut Command) -> Option<String> {
    let out = c.output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

fn describe(c: &Command) -> String {
    let mut s = c.get_program().to_string_lossy().into_owned();
    for a in c.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

/// The newest modification time of any file under the given paths.
pub fn newest_mtime(paths: &[PathBuf]) -> Option<SystemTime> {
    let mut newest = None;
    let mut stack: Vec<PathBuf> = paths.to_vec();
    while let Some(p) = stack.pop() {
        let Ok(meta) = std::fs::metadata(&p) else {
            continue;
        };
        if meta.is_dir() {
            if let Ok(entries) = std::fs::read_dir(&p) {
                stack.extend(entries.flatten().map(|e| e.path()));
            }
        } else if let Ok(m) = meta.modified() {
            newest = Some(newest.map_or(m, |n: SystemTime| n.max(m)));
        }
    }
    newest
}

/// A GET over plain HTTP/1.1 on loopback: the status code, or None if nothing answered.
pub fn http_status(addr: &str, path: &str) -> Option<u16> {
    let mut stream =
        TcpStream::connect_timeout(&addr.parse().ok()?, Duration::from_secs(2)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut head = [0u8; 32];
    let n = stream.read(&mut head).ok()?;
    let text = std::str::from_utf8(&head[..n]).ok()?;
    text.split_whitespace().nth(1)?.parse().ok()
}

/// Waits until `path` answers 200.
pub fn wait_for(addr: &str, path: &str, timeout: Duration) -> Result {
    let started = Instant::now();
    while started.elapsed() < timeout {
        if http_status(addr, path) == Some(200) {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    Err(format!("{addr}{path} did not answer within {timeout:?}"))
}

/// Waits until `/healthz` answers 200.
pub fn wait_healthy(addr: &str, timeout: Duration) -> Result {
    wait_for(addr, "/healthz", timeout)
}

/// A loopback port nobody listens on right now.
pub fn free_port() -> Result<u16> {
    let l = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(l.local_addr().map_err(|e| e.to_string())?.port())
}

/// The debug server on a free loopback port with a fresh database in `work`, seeded from
/// `seed`, serving `dist/`. Stopped when dropped.
pub struct LocalServer {
    child: std::process::Child,
    pub addr: String,
    /// Where the server wrote its demo accounts' passwords.
    pub credentials: std::path::PathBuf,
}

impl LocalServer {
    pub fn start(work: &Path, seed: &Path, timeout: Duration) -> Result<LocalServer> {
        Self::start_with(work, seed, timeout, &[])
    }

    /// [`LocalServer::start`] with extra settings for the server.
    pub fn start_with(
        work: &Path,
        seed: &Path,
        timeout: Duration,
        settings: &[(&str, &str)],
    ) -> Result<LocalServer> {
        run(cmd("cargo").args(["build", "-p", "etalase-server"]))?;
        let _ = std::fs::remove_file(work.join("etalase.db"));
        let credentials = work.join("demo-akun.txt");
        let _ = std::fs::remove_file(&credentials);
        std::fs::create_dir_all(work).map_err(|e| format!("{}: {e}", work.display()))?;
        let addr = format!("127.0.0.1:{}", free_port()?);
        let child = cmd(&target_dir()
            .join("debug/etalase-server")
            .display()
            .to_string())
        .env("ETALASE_ADDR", &addr)
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", work.join("etalase.db").display()),
        )
        .env("ETALASE_DIST", root().join("dist"))
        .env("ETALASE_SEED", seed)
        .env("ETALASE_DEMO_CREDENTIALS", &credentials)
        .env("ETALASE_MEDIA", work.join("media"))
        .env("RUST_LOG", "etalase_server=warn")
        .envs(settings.iter().copied())
        .spawn()
        .map_err(|e| format!("cannot start the server: {e}"))?;
        let server = LocalServer {
            child,
            addr,
            credentials,
        };
        wait_healthy(&server.addr, timeout)?;
        Ok(server)
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for LocalServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
