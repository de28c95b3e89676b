//! The processes a benchmark starts — the release server, nginx, node, wrk — each bounded in
//! time and stopped with everything it started, also when the benchmark fails.

use crate::util::{cmd, http_status, root, target_dir, Result};
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// A child in a process group of its own, so that stopping it stops its children too
/// (nginx's workers, the browser a node script launched). Stopped when dropped.
pub struct Group {
    child: Child,
    what: String,
    done: bool,
}

impl Group {
    pub fn spawn(what: &str, command: &mut Command) -> Result<Group> {
        let child = command
            .process_group(0)
            .spawn()
            .map_err(|e| format!("cannot start {what}: {e}"))?;
        Ok(Group {
            child,
            what: what.into(),
            done: false,
        })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits for it to end, at most `timeout`; past that it is stopped and this fails.
    pub fn wait(&mut self, timeout: Duration) -> Result<ExitStatus> {
        let started = Instant::now();
        loop {
            if let Some(status) = self.try_wait()? {
                return Ok(status);
            }
            if started.elapsed() > timeout {
                self.stop();
                return Err(format!("{} did not finish within {timeout:?}", self.what));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Its exit status if it has ended.
    pub fn try_wait(&mut self) -> Result<Option<ExitStatus>> {
        let status = self.child.try_wait().map_err(|e| e.to_string())?;
        if status.is_some() {
            self.done = true;
        }
        Ok(status)
    }

    /// SIGTERM to the group (node scripts close their browser on it; nginx shuts down), then
    /// SIGKILL to whatever is left after a grace period.
    pub fn stop(&mut self) {
        let group = format!("-{}", self.child.id());
        let signal = |sig: &str| {
            let _ = Command::new("kill")
                .args([sig, "--", &group])
                .stderr(Stdio::null())
                .status();
        };
        if !self.done {
            signal("-TERM");
            let started = Instant::now();
            while started.elapsed() < Duration::from_secs(5) {
                if matches!(self.child.try_wait(), Ok(Some(_))) {
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        // Children may outlive the leader: the group goes in any case.
        signal("-KILL");
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.done = true;
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Runs `command` to its end within `timeout`, its output streaming to ours.
pub fn run_bounded(what: &str, command: &mut Command, timeout: Duration) -> Result {
    let mut group = Group::spawn(what, command)?;
    let status = group.wait(timeout)?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what} failed ({status})"))
    }
}

/// Runs `command` to its end within `timeout` and returns its standard output.
pub fn output_bounded(what: &str, command: &mut Command, timeout: Duration) -> Result<String> {
    command.stdout(Stdio::piped());
    let mut group = Group::spawn(what, command)?;
    let mut stdout = group.child.stdout.take().ok_or("no stdout")?;
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let status = group.wait(timeout);
    let text = reader.join().unwrap_or_default();
    let status = status?;
    if status.success() {
        Ok(text)
    } else {
        Err(format!("{what} failed ({status}): {text}"))
    }
}

/// The release server on a free loopback port with a fresh database in `work`, seeded from
/// `seed`, serving `dist/`, its log in `work/server.log`. Stopped when dropped.
pub struct BenchServer {
    group: Group,
    pub addr: String,
}

impl BenchServer {
    pub fn start(work: &Path, seed: &Path, timeout: Duration) -> Result<BenchServer> {
        Self::start_with(work, seed, timeout, &[])
    }

    /// [`BenchServer::start`] with settings of its own (they win over the defaults).
    pub fn start_with(
        work: &Path,
        seed: &Path,
        timeout: Duration,
        settings: &[(&str, &str)],
    ) -> Result<BenchServer> {
        let _ = std::fs::remove_dir_all(work);
        std::fs::create_dir_all(work).map_err(|e| format!("{}: {e}", work.display()))?;
        let addr = format!("127.0.0.1:{}", crate::util::free_port()?);
        let log_path = work.join("server.log");
        let log = std::fs::File::create(&log_path).map_err(|e| e.to_string())?;
        let err_log = log.try_clone().map_err(|e| e.to_string())?;
        let bin = release_server();
        let mut server = cmd(&bin.display().to_string());
        let mut group = Group::spawn(
            "the release server",
            crate::util::server_settings(&mut server, &addr, work, seed)
                .env("ETALASE_HOLIDAYS", root().join("data/hari-libur.txt"))
                // No demo accounts: hashing their passwords only slows the start.
                .env("ETALASE_DEMO_ACCOUNTS", "false")
                .env("RUST_LOG", "etalase_server=warn,tower_http=warn")
                .env("ETALASE_DEMO_CREDENTIALS", work.join("demo-akun.txt"))
                .envs(settings.iter().copied())
                .stdout(log)
                .stderr(err_log),
        )?;
        let started = Instant::now();
        loop {
            if http_status(&addr, "/healthz") == Some(200) {
                return Ok(BenchServer { group, addr });
            }
            let exited = group.try_wait()?;
            if exited.is_some() || started.elapsed() > timeout {
                group.stop();
                let log = std::fs::read_to_string(&log_path).unwrap_or_default();
                return Err(format!(
                    "the release server did not come up on {addr} ({}): {}",
                    exited.map_or(format!("no answer in {timeout:?}"), |s| s.to_string()),
                    crate::util::clip(&log, 2000)
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Asks for each of `paths` once (a page is made, compressed and kept on its first
    /// request), then waits until the server has used under 1 % of a core for a second (at
    /// most 60 s): a measurement starts on a quiet machine, not during the server's start-up
    /// work, which competes with the browser for the same two cores.
    pub fn settle(&self, paths: &[&str]) {
        for path in paths {
            let _ = http_status(&self.addr, path);
        }
        let started = Instant::now();
        let mut last = cpu_ticks(self.group.pid());
        while started.elapsed() < Duration::from_secs(60) {
            std::thread::sleep(Duration::from_secs(1));
            let now = cpu_ticks(self.group.pid());
            // Linux counts CPU time in 1/100 s ticks: one tick in a second is 1 %.
            if now.saturating_sub(last) <= 1 {
                return;
            }
            last = now;
        }
    }

    /// How it ended, if it has (a crash, or a stop from outside the benchmark).
    pub fn ended(&mut self) -> Option<String> {
        match self.group.try_wait() {
            Ok(Some(status)) => Some(status.to_string()),
            Ok(None) => None,
            Err(e) => Some(e),
        }
    }
}

impl Drop for BenchServer {
    fn drop(&mut self) {
        self.group.stop();
    }
}

/// User and system CPU time of process `pid` in clock ticks (0 when unreadable).
fn cpu_ticks(pid: u32) -> u64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0;
    };
    // The fields after the command name (which may hold spaces) in parentheses.
    let Some((_, rest)) = stat.rsplit_once(')') else {
        return 0;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    let field = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    field(11) + field(12)
}

/// The binary `build::build_server_release` makes.
pub fn release_server() -> PathBuf {
    target_dir().join("release/etalase-server")
}
