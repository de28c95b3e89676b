//! Server settings: each an environment variable and a command-line flag.

use clap::Parser;
use std::path::PathBuf;

#[derive(Clone, Debug, Parser)]
#[command(
    name = "etalase-server",
    about = "Etalase IKM Lampung: API and storefront server"
)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "ETALASE_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: String,

    /// sqlx database URL; a SQLite file is created if missing.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://var/etalase.db")]
    pub database_url: String,

    /// Folder of the built storefront (`cargo xtask build` writes it).
    #[arg(long, env = "ETALASE_DIST", default_value = "dist")]
    pub dist: PathBuf,

    /// The public origin used in absolute links (e.g. `https://etalase.lampungprov.go.id`);
    /// without it, links use the host the client called.
    #[arg(long, env = "ETALASE_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Folder where versions before photos moved into the database kept them: any found
    /// there are moved into the database at start (served under `/media` from then on).
    #[arg(long, env = "ETALASE_MEDIA", default_value = "var/media")]
    pub media: PathBuf,

    /// Seed one demo account per IKM and one admin on a database without accounts.
    #[arg(long, env = "ETALASE_DEMO_ACCOUNTS", default_value_t = true, action = clap::ArgAction::Set)]
    pub demo_accounts: bool,

    /// Where the demo accounts' user names and passwords are written (readable by the owner
    /// only).
    #[arg(
        long,
        env = "ETALASE_DEMO_CREDENTIALS",
        default_value = "var/demo-akun.txt"
    )]
    pub demo_credentials: PathBuf,

    /// Reverse proxies whose `X-Forwarded-For` is believed, comma-separated (e.g.
    /// `127.0.0.1,10.0.0.2`). Without them the client is the connection's peer, so behind a
    /// proxy every visitor would share one address for login throttling.
    #[arg(long, env = "ETALASE_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<std::net::IpAddr>,

    /// Holidays besides weekends (national holidays and cuti bersama), one `YYYY-MM-DD` per
    /// line: an IKM's 3 working days to answer an order do not count them.
    #[arg(long, env = "ETALASE_HOLIDAYS", default_value = "data/hari-libur.txt")]
    pub holidays: PathBuf,

    /// Order requests one client address may submit per hour (replays of the same request
    /// do not count). Counted in the database, so every server shares the count.
    #[arg(long, env = "ETALASE_ORDERS_PER_HOUR", default_value_t = 30)]
    pub orders_per_hour: i64,

    /// Instead of serving: create a Disperindag admin account with this user name on the
    /// database (migrating it first), print its random password once, and exit. The way to
    /// the first admin on a production database (`ETALASE_DEMO_ACCOUNTS=false`).
    #[arg(long, value_name = "USERNAME")]
    pub create_admin: Option<String>,

    /// Seed catalog loaded into an empty database on first start.
    #[arg(long, env = "ETALASE_SEED", default_value = "data/catalog.json")]
    pub seed: PathBuf,
}
