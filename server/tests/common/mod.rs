//! Test helpers: every test gets its own server on port 0, a fresh temporary database and a
//! stand-in `dist/`.
#![allow(dead_code)]

use etalase_core::account::Role;
use etalase_server::config::Config;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

pub const INDEX: &str =
    "<!doctype html><html><head><title>Etalase</title></head><body><p>etalase-shell</p></body></html>";

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub state: etalase_server::AppState,
    pub dir: tempfile::TempDir,
}

pub fn seed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../data/catalog.json")
}

/// An empty holiday list in `dir`: tests count only weekends, whatever the date they run on.
pub fn no_holidays(dir: &Path) -> PathBuf {
    let path = dir.join("hari-libur.txt");
    std::fs::write(&path, "# none\n").unwrap();
    path
}

/// Whether the tests run on PostgreSQL (`cargo xtask test` runs them on both engines).
pub fn on_postgres() -> bool {
    std::env::var("ETALASE_TEST_POSTGRES").is_ok_and(|url| !url.is_empty())
}

/// The database a test server uses: a SQLite file in `dir`, or — when
/// `ETALASE_TEST_POSTGRES` names a PostgreSQL server (`cargo xtask test` starts a throwaway
/// one) — a new, empty database there.
pub fn database_url(dir: &Path) -> String {
    match std::env::var("ETALASE_TEST_POSTGRES") {
        Ok(server) if !server.is_empty() => new_postgres_database(&server),
        _ => format!("sqlite://{}", dir.join("db/etalase.db").display()),
    }
}

/// Creates a database with a random name on the server `url` names (its own database is
/// only used to connect); answers the new database's URL.
fn new_postgres_database(url: &str) -> String {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).unwrap();
    let name = format!(
        "etalase_test_{}",
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    );
    let (server, _) = url.rsplit_once('/').expect("a URL ending in /database");
    let admin = url.to_owned();
    let create = format!("CREATE DATABASE {name}");
    // Its own thread and runtime: callers are sync functions running inside async tests.
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(async move {
                use sqlx::Connection;
                let mut c = sqlx::PgConnection::connect(&admin).await.unwrap();
                sqlx::query(sqlx::AssertSqlSafe(create))
                    .execute(&mut c)
                    .await
                    .unwrap();
            })
    })
    .join()
    .unwrap();
    format!("{server}/{name}")
}

pub fn config_in(dir: &Path, seed: PathBuf) -> Config {
    Config {
        addr: "127.0.0.1:0".into(),
        database_url: database_url(dir),
        dist: dir.join("dist"),
        seed,
        public_url: None,
        demo_accounts: false,
        media: dir.join("media"),
        demo_credentials: dir.join("demo-akun.txt"),
        trusted_proxies: Vec::new(),
        holidays: no_holidays(dir),
        orders_per_hour: 1_000,
        create_admin: None,
    }
}

pub async fn spawn_app() -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("dist")).unwrap();
    std::fs::write(dir.path().join("dist/index.html"), INDEX).unwrap();
    std::fs::write(
        dir.path().join("dist/etalase-0123456789abcdef_bg.wasm"),
        b"\0asm",
    )
    .unwrap();
    let config = config_in(dir.path(), seed_path());
    spawn_with(dir, config).await
}

/// A server on the given settings; `dir` lives as long as the app.
pub async fn spawn_with(dir: tempfile::TempDir, config: Config) -> TestApp {
    let state = etalase_server::build_state(&config).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = etalase_server::app(state.clone());
    tokio::spawn(async move {
        let service = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
        axum::serve(listener, service).await.unwrap();
    });
    TestApp {
        base: format!("http://{addr}"),
        client: reqwest::Client::new(),
        state,
        dir,
    }
}

/// A needed-by date far enough for every lead time in the catalog (tapis: 180 days).
pub fn needed_by() -> String {
    etalase_server::clock::today_wib().add_days(200).to_string()
}

pub fn request() -> Value {
    json!({
        "company": "PT Bukit Asam (Persero) Tbk",
        "buyer_type": "bumn",
        "npwp": "01.234.567.8-901.000",
        "contact_person": "Rina Marlina",
        "phone": "0812 7000 1234",
        "email": "rina@contoh.co.id",
        "address": "Jl. Jend. Sudirman No. 1",
        "kabupaten": "bandar-lampung",
        "needed_by": needed_by(),
        "purpose": "Suvenir rapat direksi",
        "lines": [
            { "product": "keripik-pisang-coklat-250-g", "quantity": 120, "note": "Label logo" },
            { "product": "kopi-robusta-bubuk-250-g", "quantity": 50 },
            { "product": "kain-tapis-motif-pucuk-rebung", "quantity": 2 }
        ]
    })
}

pub async fn post(app: &TestApp, key: &str, body: &Value) -> reqwest::Response {
    app.client
        .post(format!("{}/api/v1/orders", app.base))
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .unwrap()
}

/// A logged-in browser: its session cookie.
#[derive(Clone, Debug)]
pub struct Session {
    pub cookie: String,
}

impl TestApp {
    /// Creates an account directly in storage (tests need known passwords).
    pub async fn account(&self, username: &str, role: Role, ikm: Option<&str>) -> String {
        let password = format!("{username}-Sandi-Uji-2026");
        etalase_server::accounts::create_account(&self.state.db, username, role, ikm, &password)
            .await
            .unwrap();
        password
    }

    /// A login as a browser on our own pages sends it.
    pub async fn login_response(&self, username: &str, password: &str) -> reqwest::Response {
        self.login_forwarded_for(username, password, None).await
    }

    /// A login attempt that arrives with an `X-Forwarded-For` header.
    pub async fn login_forwarded_for(
        &self,
        username: &str,
        password: &str,
        forwarded_for: Option<&str>,
    ) -> reqwest::Response {
        let mut req = self
            .client
            .post(format!("{}/api/v1/auth/login", self.base))
            .header("Origin", &self.base);
        if let Some(value) = forwarded_for {
            req = req.header("X-Forwarded-For", value);
        }
        req.json(&serde_json::json!({ "username": username, "password": password }))
            .send()
            .await
            .unwrap()
    }

    pub async fn login(&self, username: &str, password: &str) -> Session {
        let res = self.login_response(username, password).await;
        assert_eq!(res.status(), 200, "login as {username}");
        Session {
            cookie: session_cookie(&res).expect("a session cookie"),
        }
    }

    /// GET with the session's cookie.
    pub async fn get_as(&self, session: &Session, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .header("Cookie", &session.cookie)
            .send()
            .await
            .unwrap()
    }

    /// A state-changing JSON call as our own pages make it: session cookie, our Origin.
    pub async fn send_as(
        &self,
        session: Option<&Session>,
        method: reqwest::Method,
        path: &str,
        body: &serde_json::Value,
    ) -> reqwest::Response {
        let mut req = self
            .client
            .request(method, format!("{}{path}", self.base))
            .header("Origin", &self.base)
            .json(body);
        if let Some(s) = session {
            req = req.header("Cookie", &s.cookie);
        }
        req.send().await.unwrap()
    }

    pub async fn post_as(
        &self,
        session: &Session,
        path: &str,
        body: &serde_json::Value,
    ) -> reqwest::Response {
        self.send_as(Some(session), reqwest::Method::POST, path, body)
            .await
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
    }
}

/// `name=value` of the response's session cookie, as the browser would send it back.
pub fn session_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.contains("etalase_sesi="))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
}

/// A valid catalog of `count` products grown from the seed.
pub fn grow_catalog(count: usize) -> etalase_core::catalog::CatalogData {
    let seed = serde_json::from_str(&std::fs::read_to_string(seed_path()).unwrap()).unwrap();
    etalase_core::sample::grow(&seed, count).unwrap()
}

/// A server on a grown catalog of `count` products.
pub async fn spawn_grown(count: usize) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("dist")).unwrap();
    std::fs::write(dir.path().join("dist/index.html"), INDEX).unwrap();
    let seed = dir.path().join("catalog.json");
    std::fs::write(&seed, serde_json::to_vec(&grow_catalog(count)).unwrap()).unwrap();
    let config = config_in(dir.path(), seed);
    spawn_with(dir, config).await
}
