//! Running commands with visible progress, and finding our way around the workspace.

use etalase_core::Date;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

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
/// What every server the tasks start shares: its address, a database, media folder and the
/// built storefront in `work`, and the catalog it seeds from.
pub fn server_settings<'a>(
    server: &'a mut std::process::Command,
    addr: &str,
    work: &Path,
    seed: &Path,
) -> &'a mut std::process::Command {
    server
        .env("ETALASE_ADDR", addr)
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", work.join("etalase.db").display()),
        )
        .env("ETALASE_DIST", root().join("dist"))
        .env("ETALASE_SEED", seed)
        .env("ETALASE_MEDIA", work.join("media"))
}

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
        Self::spawn(work, seed, timeout, settings, None)
    }

    /// [`LocalServer::start_with`], the server's output going to the file `log` (kept after
    /// the server stops) instead of ours.
    pub fn start_logged(
        work: &Path,
        seed: &Path,
        timeout: Duration,
        settings: &[(&str, &str)],
        log: &Path,
    ) -> Result<LocalServer> {
        Self::spawn(work, seed, timeout, settings, Some(log))
    }

    fn spawn(
        work: &Path,
        seed: &Path,
        timeout: Duration,
        settings: &[(&str, &str)],
        log: Option<&Path>,
    ) -> Result<LocalServer> {
        run(cmd("cargo").args(["build", "-p", "etalase-server"]))?;
        let _ = std::fs::remove_file(work.join("etalase.db"));
        let credentials = work.join("demo-akun.txt");
        let _ = std::fs::remove_file(&credentials);
        std::fs::create_dir_all(work).map_err(|e| format!("{}: {e}", work.display()))?;
        let addr = format!("127.0.0.1:{}", free_port()?);
        let mut server = cmd(&target_dir()
            .join("debug/etalase-server")
            .display()
            .to_string());
        server_settings(&mut server, &addr, work, seed)
            .env("ETALASE_DEMO_CREDENTIALS", &credentials)
            .env("RUST_LOG", "etalase_server=warn")
            .envs(settings.iter().copied());
        if let Some(log) = log {
            let file = std::fs::File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
            let err = file.try_clone().map_err(|e| e.to_string())?;
            server.stdout(file).stderr(err);
        }
        let child = server
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

// ---- time --------------------------------------------------------------------------------

/// Unix seconds now.
pub fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// "2026-12-02T11:15:24": unix seconds in UTC, as the server's log lines begin.
pub fn utc_time(secs: i64) -> String {
    let date = Date::from_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!("{date}T{:02}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60)
}

/// Today in Lampung (UTC+7), as the server decides what "too soon" is.
pub fn today_wib() -> Date {
    Date::from_days((unix_now() + 7 * 3600).div_euclid(86_400))
}

// ---- server logs ---------------------------------------------------------------------------

/// Log lines grouped by what they say (times and numbers aside), most frequent first, each
/// with its first occurrence.
pub fn by_message(lines: &[String]) -> Vec<(usize, String)> {
    let mut groups: BTreeMap<String, (usize, String)> = BTreeMap::new();
    for line in lines {
        // "server-2.log: 2026-12-02T11:15:24.304347Z ERROR target: message"
        let message = line
            .split_once(" ERROR ")
            .or_else(|| line.split_once(" PANIC "))
            .map_or(line.as_str(), |(_, m)| m);
        let shape: String = message
            .chars()
            .map(|c| if c.is_ascii_digit() { '#' } else { c })
            .collect();
        groups.entry(shape).or_insert((0, line.clone())).0 += 1;
    }
    let mut out: Vec<(usize, String)> = groups.into_values().collect();
    out.sort_by_key(|g| std::cmp::Reverse(g.0));
    out
}

pub fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

// ---- HTTP/1.1, one connection per request ------------------------------------------------------

/// A live server answers every request well within this; a longer wait is a failure.
pub const ANSWER_TIMEOUT: Duration = Duration::from_secs(30);

/// A whole HTTP response.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json<T: serde::de::DeserializeOwned>(&self) -> std::result::Result<T, String> {
        serde_json::from_slice(&self.body).map_err(|e| format!("{e} in {}", self.text()))
    }

    pub fn text(&self) -> String {
        clip(&String::from_utf8_lossy(&self.body), 400)
    }
}

/// Nothing usable came back: the connection was refused or cut, or the answer never came.
pub struct NoAnswer {
    pub timed_out: bool,
}

/// One request on its own connection (`Connection: close`), waiting up to [`ANSWER_TIMEOUT`]
/// for the whole answer.
pub fn exchange(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::result::Result<Reply, NoAnswer> {
    let cut = |e: std::io::Error| NoAnswer {
        timed_out: matches!(
            e.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        ),
    };
    let socket: SocketAddr = addr.parse().map_err(|_| NoAnswer { timed_out: false })?;
    let mut stream = TcpStream::connect_timeout(&socket, Duration::from_secs(2)).map_err(cut)?;
    stream.set_read_timeout(Some(ANSWER_TIMEOUT)).map_err(cut)?;
    stream
        .set_write_timeout(Some(ANSWER_TIMEOUT))
        .map_err(cut)?;
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nAccept: application/json\r\n"
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    if method != "GET" {
        request.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    request.push_str("\r\n");
    let mut bytes = request.into_bytes();
    bytes.extend_from_slice(body);
    stream.write_all(&bytes).map_err(cut)?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).map_err(cut)?;
    parse_reply(&raw).ok_or(NoAnswer { timed_out: false })
}

/// A whole response, or None if it was cut off.
fn parse_reply(raw: &[u8]) -> Option<Reply> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..end]).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split_whitespace().nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let rest = &raw[end + 4..];
    let find = |name: &str| headers.iter().find(|(k, _)| k == name).map(|(_, v)| v);
    let body = if find("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        dechunk(rest)?
    } else if let Some(length) = find("content-length") {
        let length: usize = length.parse().ok()?;
        rest.get(..length)?.to_vec()
    } else {
        rest.to_vec()
    };
    Some(Reply {
        status,
        headers,
        body,
    })
}

fn dechunk(mut rest: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = rest.windows(2).position(|w| w == b"\r\n")?;
        let size = std::str::from_utf8(&rest[..line_end]).ok()?;
        let size = usize::from_str_radix(size.split(';').next()?.trim(), 16).ok()?;
        rest = &rest[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(rest.get(..size)?);
        rest = rest.get(size + 2..)?;
    }
}

pub fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        format!("{}…", text.chars().take(max).collect::<String>())
    }
}

/// The number that follows `flag` on a command line (`--seed 42`).
pub fn number_after(
    args: &mut std::slice::Iter<'_, String>,
    flag: &str,
    usage: &str,
) -> Result<u64> {
    args.next()
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| format!("{flag} needs a number\n{usage}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_are_read_whole_or_not_at_all() {
        let whole =
            b"HTTP/1.1 201 Created\r\ncontent-length: 2\r\nIdempotent-Replayed: true\r\n\r\n{}";
        let reply = parse_reply(whole).unwrap();
        assert_eq!(reply.status, 201);
        assert_eq!(reply.body, b"{}");
        assert_eq!(reply.header("idempotent-replayed"), Some("true"));
        assert!(parse_reply(b"HTTP/1.1 201 Created\r\ncontent-length: 5\r\n\r\n{}").is_none());
        assert!(parse_reply(b"HTTP/1.1 201 Cre").is_none());
        let chunked = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
        assert_eq!(parse_reply(chunked).unwrap().body, b"abcde");
        let cut = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n";
        assert!(parse_reply(cut).is_none());
    }

    #[test]
    fn utc_times() {
        assert_eq!(utc_time(0), "1970-01-01T00:00:00");
        assert_eq!(utc_time(1_796_211_927), "2026-12-02T11:45:27");
    }
}
