//! A throwaway PostgreSQL cluster for tests and benchmarks: Debian's `postgresql` package
//! (installed if missing), `initdb` into a temporary folder as an unprivileged user, listening
//! on a free loopback port and its own socket folder, stopped and deleted when dropped. No
//! Docker, no system service, nothing left behind.

use crate::tools::apt_install;
use crate::util::{free_port, output, run, step, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The oldest PostgreSQL the server supports.
const MIN_MAJOR: u32 = 15;
/// The role the cluster is made for (trusted on loopback only).
pub const USER: &str = "etalase";

/// How a cluster treats its disk.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// For tests: no fsync (a crashed test cluster is thrown away anyway).
    Throwaway,
    /// For benchmarks: every commit on disk, as SQLite's `synchronous = FULL` does.
    Durable,
}

pub struct TempPostgres {
    dir: PathBuf,
    bin: PathBuf,
    port: u16,
    /// The user the server runs as when we are root (initdb refuses root).
    run_as: Option<String>,
}

/// Debian's newest installed PostgreSQL binaries folder of at least [`MIN_MAJOR`].
fn installed_bin() -> Option<PathBuf> {
    let mut versions: Vec<u32> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|v| *v >= MIN_MAJOR)
        .filter(|v| Path::new(&format!("/usr/lib/postgresql/{v}/bin/initdb")).exists())
        .collect();
    versions.sort_unstable();
    versions
        .last()
        .map(|v| PathBuf::from(format!("/usr/lib/postgresql/{v}/bin")))
}

/// PostgreSQL's server binaries, installing Debian's package when missing.
pub fn ensure_installed() -> Result<PathBuf> {
    if let Some(bin) = installed_bin() {
        return Ok(bin);
    }
    step("Installing PostgreSQL from Debian (apt-get), for the tests on PostgreSQL");
    apt_install(&["postgresql"])?;
    installed_bin().ok_or_else(|| {
        format!("Debian's postgresql package did not bring PostgreSQL {MIN_MAJOR} or newer")
    })
}

fn is_root() -> bool {
    output(Command::new("id").arg("-u")).as_deref() == Some("0")
}

impl TempPostgres {
    pub fn start(durability: Durability) -> Result<TempPostgres> {
        let bin = ensure_installed()?;
        let run_as = is_root().then(|| "postgres".to_owned());
        let dir = std::env::temp_dir().join(format!(
            "etalase-pg-{}-{}",
            std::process::id(),
            free_port()?
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        if let Some(user) = &run_as {
            // The data folder must belong to the user the server runs as.
            run(Command::new("chown").arg(user).arg(&dir))?;
        }
        let port = free_port()?;
        let cluster = TempPostgres {
            dir,
            bin,
            port,
            run_as,
        };
        let data = cluster.dir.join("data");
        cluster.run_pg(
            "initdb",
            &[
                "-D",
                &data.to_string_lossy(),
                "-U",
                USER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            ],
        )?;
        let mut settings = vec![
            format!("-p {port}"),
            "-c listen_addresses=127.0.0.1".to_owned(),
            format!("-k {}", cluster.dir.display()),
            "-c max_connections=400".to_owned(),
            "-c shared_buffers=128MB".to_owned(),
        ];
        if durability == Durability::Throwaway {
            settings.extend(
                [
                    "fsync=off",
                    "synchronous_commit=off",
                    "full_page_writes=off",
                ]
                .map(|s| format!("-c {s}")),
            );
        }
        cluster.run_pg(
            "pg_ctl",
            &[
                "-D",
                &data.to_string_lossy(),
                "-l",
                &cluster.dir.join("server.log").to_string_lossy(),
                "-o",
                &settings.join(" "),
                "-w",
                "-t",
                "60",
                "start",
            ],
        )?;
        Ok(cluster)
    }

    /// Runs one of PostgreSQL's programs, as the unprivileged user when we are root.
    fn run_pg(&self, program: &str, args: &[&str]) -> Result {
        let path = self.bin.join(program);
        let mut c = match &self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(&path);
                c
            }
            None => Command::new(&path),
        };
        c.args(args).current_dir(&self.dir);
        // Their chatter ("Success. You can now start…", "waiting for server…") says nothing
        // a reader needs; errors still reach stderr, and `run` reports a failure.
        c.stdout(std::process::Stdio::null());
        run(&mut c)
    }

    /// The URL of the cluster's `postgres` database (tests create their own next to it).
    pub fn url(&self) -> String {
        self.url_of("postgres")
    }

    pub fn url_of(&self, database: &str) -> String {
        format!("postgres://{USER}@127.0.0.1:{}/{database}", self.port)
    }

    /// Creates a database.
    pub fn create_database(&self, name: &str) -> Result {
        self.run_pg(
            "createdb",
            &[
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                USER,
                name,
            ],
        )
    }

    /// Runs one SQL statement on `database` (psql).
    pub fn psql(&self, database: &str, statement: &str) -> Result {
        self.run_pg(
            "psql",
            &[
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                USER,
                "-d",
                database,
                "-q",
                "-c",
                statement,
            ],
        )
    }

    /// Where the cluster writes its log.
    pub fn log(&self) -> PathBuf {
        self.dir.join("server.log")
    }
}

impl Drop for TempPostgres {
    fn drop(&mut self) {
        let data = self.dir.join("data");
        let _ = self.run_pg(
            "pg_ctl",
            &["-D", &data.to_string_lossy(), "-m", "immediate", "stop"],
        );
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
